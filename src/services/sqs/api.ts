/** Amazon SQS: the API handlers and the in-process interface (see types.ts). */
import { AwsError } from '../../core/errors.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from '../../core/ids.js';
import type * as T from '../../generated/sqs.types.js';
import type { ServiceFactory } from '../registry.js';
import type { RequestContext } from '../types.js';
import { defaultAttributes, MAX_MESSAGE_SIZE, normalizeAttributes, requestsFifo, type AttributeContext } from './attributes.js';
import { checkBatch, runEntry } from './batch.js';
import { describeQueue } from './describe.js';
import { checkRange, invalidParameter, invalidParameterValue, missingParameter, queueDoesNotExist } from './errors.js';
import { prepareMessage, renderMessage, selection, type SendRequest } from './messages.js';
import { MessageMoveTasks } from './move-tasks.js';
import { addPermission, removePermission } from './permissions.js';
import type { Queue } from './queue.js';
import { SqsStore } from './store.js';
import type { SqsScope, SqsService } from './types.js';
import { parseQueueArn, parseQueueUrl, queueArn, queueUrl, type QueueRef } from './urls.js';

export type * from './types.js';

const STANDARD_NAME = /^[\w-]{1,80}$/;
const FIFO_NAME = /^[\w-]{1,75}\.fifo$/;
const ATTEMPT_ID = /^[\x21-\x7E]{1,128}$/;
const PURGE_INTERVAL_MS = 60_000;
const MAX_TAGS = 50;
const URL_CACHE_LIMIT = 10_000;

export const createService: ServiceFactory = (cloud) => {
  const store = new SqsStore(cloud.clock);
  const moves = new MessageMoveTasks(store);
  /** QueueUrl (per default region) -> queue: most calls name the same few queues. */
  const byUrl = new Map<string, Queue>();

  function queueAt(ctx: RequestContext, url: string): Queue {
    const key = `${ctx.region} ${url}`;
    const cached = byUrl.get(key);
    if (cached && !cached.deleted) return cached;
    const ref = parseQueueUrl(url, ctx.region);
    if (!ref) throw new AwsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
    const q = store.get(ref);
    if (!q) throw queueDoesNotExist(ctx);
    if (byUrl.size >= URL_CACHE_LIMIT) byUrl.clear();
    byUrl.set(key, q);
    return q;
  }

  /** In-process callers name a queue by ARN, URL or name. */
  function queueNamed(name: string, scope: SqsScope = {}): Queue {
    const region = scope.region ?? DEFAULT_REGION;
    let ref: QueueRef | undefined;
    if (name.startsWith('arn:')) ref = parseQueueArn(name);
    else if (name.includes('://')) ref = parseQueueUrl(name, region);
    else ref = { account: scope.account ?? DEFAULT_ACCOUNT, region, name };
    const q = ref && store.get(ref);
    if (!q) throw queueDoesNotExist();
    return q;
  }

  const urlOf = (endpoint: string, q: Queue) => queueUrl(endpoint, q.account, q.name);

  function attributeContext(fifo: boolean, arn: string, current: Record<string, string>): AttributeContext {
    return { fifo, arn, current, findQueue: (a) => store.getByArn(a) };
  }

  function checkTags(q: { name: string }, tags: Record<string, string>, existing: Record<string, string> = {}): void {
    const keys = new Set([...Object.keys(existing), ...Object.keys(tags)]);
    if (keys.size > MAX_TAGS) throw invalidParameterValue(`Too many tags added for queue ${q.name}.`);
    for (const [k, v] of Object.entries(tags)) {
      if (k.length < 1 || k.length > 128) throw invalidParameter('TagKey', k, 'Tag keys must be between 1 and 128 characters long.');
      if (v.length > 256) throw invalidParameter('TagValue', v, 'Tag values can be at most 256 characters long.');
    }
  }

  function send(q: Queue, req: SendRequest, senderId: string): T.SendMessageResult {
    const o = prepareMessage(req, q, senderId);
    const sent = q.send(o);
    return {
      MD5OfMessageBody: o.md5OfBody,
      MD5OfMessageAttributes: o.md5OfAttributes,
      MD5OfMessageSystemAttributes: o.md5OfSystemAttributes,
      MessageId: sent.id,
      SequenceNumber: sent.sequenceNumber,
    };
  }

  async function receive(q: Queue, input: Omit<T.ReceiveMessageRequest, 'QueueUrl'>, signal?: AbortSignal): Promise<T.Message[]> {
    checkRange('MaxNumberOfMessages', input.MaxNumberOfMessages, 1, 10, 'Must be between 1 and 10, if provided.');
    checkRange('VisibilityTimeout', input.VisibilityTimeout, 0, 43_200, 'Must be >= 0 and <= 43200, if provided.');
    checkRange('WaitTimeSeconds', input.WaitTimeSeconds, 0, 20, 'Must be >= 0 and <= 20, if provided.');
    const attemptId = input.ReceiveRequestAttemptId;
    if (attemptId !== undefined && !ATTEMPT_ID.test(attemptId))
      throw invalidParameter('ReceiveRequestAttemptId', attemptId, 'ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
    const systemNames = input.MessageSystemAttributeNames ?? input.AttributeNames ?? [];
    const names = input.AttributeNames && input.MessageSystemAttributeNames ? [...input.AttributeNames, ...input.MessageSystemAttributeNames] : systemNames;
    const sel = selection(names, input.MessageAttributeNames);
    const got = await q.receive({
      max: input.MaxNumberOfMessages ?? 1,
      visibilityMs: input.VisibilityTimeout !== undefined ? input.VisibilityTimeout * 1000 : q.visibilityMs,
      waitMs: (input.WaitTimeSeconds ?? q.waitSeconds) * 1000,
      attemptId,
      signal,
    });
    return got.map((r) => renderMessage(r.message, r.receiptHandle, r.receiveCount, sel));
  }

  function changeVisibility(q: Queue, handle: string, seconds: number | undefined): void {
    if (seconds === undefined) throw missingParameter('VisibilityTimeout');
    checkRange('VisibilityTimeout', seconds, 0, 43_200, `Total VisibilityTimeout for the message is beyond the limit [43200 seconds]`);
    q.changeVisibility(handle, seconds);
  }

  /** Queue URLs sorted by name, paged by the last name returned. */
  function pageOfUrls(ctx: RequestContext, queues: Queue[], maxResults: number | undefined, nextToken: string | undefined) {
    checkRange('MaxResults', maxResults, 1, 1000, 'MaxResults must be an integer between 1 and 1000.');
    queues.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let start = 0;
    if (nextToken !== undefined) {
      const after = Buffer.from(nextToken, 'base64').toString('utf8');
      if (!after.startsWith('after:')) throw invalidParameter('NextToken', nextToken, 'Invalid NextToken value.');
      const name = after.slice(6);
      while (start < queues.length && queues[start].name <= name) start++;
    }
    const max = maxResults ?? 1000;
    const page = queues.slice(start, start + max);
    const more = maxResults !== undefined && start + max < queues.length;
    return {
      urls: page.map((q) => urlOf(ctx.endpoint, q)),
      nextToken: more ? Buffer.from(`after:${page[page.length - 1].name}`).toString('base64') : undefined,
    };
  }

  const handlers: SqsService['handlers'] = {
    CreateQueue(ctx, input: T.CreateQueueRequest): T.CreateQueueResult {
      const name = input.QueueName;
      const requested = input.Attributes ?? {};
      const fifo = requestsFifo(requested);
      if (fifo && !FIFO_NAME.test(name))
        throw invalidParameterValue(
          'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
        );
      if (!fifo && !STANDARD_NAME.test(name)) throw invalidParameterValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
      const ref = { account: ctx.account, region: ctx.region, name };
      const existing = store.get(ref);
      if (existing) {
        const normalized = normalizeAttributes(requested, attributeContext(existing.fifo, existing.arn, existing.attributes));
        for (const k of Object.keys(requested))
          if ((existing.attributes[k] ?? '') !== normalized[k])
            throw new AwsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${k}`);
        return { QueueUrl: urlOf(ctx.endpoint, existing) };
      }
      if (store.recentlyDeleted(ref))
        throw new AwsError('QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.');
      const normalized = normalizeAttributes(requested, attributeContext(fifo, queueArn(ctx.region, ctx.account, name), {}));
      const attributes = defaultAttributes(fifo);
      for (const [k, v] of Object.entries(normalized)) if (v !== '') attributes[k] = v;
      const tags = { ...(input.tags ?? {}) };
      checkTags({ name }, tags);
      const q = store.create({ account: ctx.account, region: ctx.region, name, fifo, attributes, tags });
      return { QueueUrl: urlOf(ctx.endpoint, q) };
    },

    GetQueueUrl(ctx, input: T.GetQueueUrlRequest): T.GetQueueUrlResult {
      const q = store.get({ account: input.QueueOwnerAWSAccountId ?? ctx.account, region: ctx.region, name: input.QueueName });
      if (!q) throw queueDoesNotExist(ctx);
      return { QueueUrl: urlOf(ctx.endpoint, q) };
    },

    ListQueues(ctx, input: T.ListQueuesRequest): T.ListQueuesResult {
      const prefix = input.QueueNamePrefix ?? '';
      const queues = store.list(ctx.account, ctx.region).filter((q) => q.name.startsWith(prefix));
      const { urls, nextToken } = pageOfUrls(ctx, queues, input.MaxResults, input.NextToken);
      return { QueueUrls: urls, NextToken: nextToken };
    },

    DeleteQueue(ctx, input: T.DeleteQueueRequest): void {
      store.delete(queueAt(ctx, input.QueueUrl));
    },

    GetQueueAttributes(ctx, input: T.GetQueueAttributesRequest): T.GetQueueAttributesResult {
      return { Attributes: describeQueue(queueAt(ctx, input.QueueUrl), input.AttributeNames ?? []) };
    },

    SetQueueAttributes(ctx, input: T.SetQueueAttributesRequest): void {
      const q = queueAt(ctx, input.QueueUrl);
      q.setAttributes(normalizeAttributes(input.Attributes, attributeContext(q.fifo, q.arn, q.attributes)));
    },

    SendMessage(ctx, input: T.SendMessageRequest): T.SendMessageResult {
      return send(queueAt(ctx, input.QueueUrl), input, ctx.account);
    },

    SendMessageBatch(ctx, input: T.SendMessageBatchRequest): T.SendMessageBatchResult {
      const q = queueAt(ctx, input.QueueUrl);
      const entries = input.Entries;
      checkBatch(entries, 'SendMessageBatchRequestEntry');
      let total = 0;
      for (const e of entries) {
        total += Buffer.byteLength(e.MessageBody);
        for (const [name, a] of Object.entries(e.MessageAttributes ?? {}))
          total += Buffer.byteLength(name) + Buffer.byteLength(a.DataType ?? '') + (a.BinaryValue?.length ?? Buffer.byteLength(a.StringValue ?? ''));
        if (q.fifo && e.MessageGroupId === undefined) throw invalidParameterValue('The request must contain the parameter MessageGroupId.');
        if (q.fifo && e.MessageDeduplicationId === undefined && !q.contentBasedDeduplication)
          throw invalidParameterValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
      if (total > MAX_MESSAGE_SIZE)
        throw new AwsError('BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_MESSAGE_SIZE} bytes. You have sent ${total} bytes.`);
      const Successful: T.SendMessageBatchResultEntry[] = [];
      const Failed: T.BatchResultErrorEntry[] = [];
      for (const e of entries) {
        const r = runEntry(e.Id, () => send(q, e, ctx.account), Failed);
        if (r) Successful.push({ Id: e.Id, ...r } as T.SendMessageBatchResultEntry);
      }
      return { Successful, Failed };
    },

    async ReceiveMessage(ctx, input: T.ReceiveMessageRequest): Promise<T.ReceiveMessageResult> {
      return { Messages: await receive(queueAt(ctx, input.QueueUrl), input) };
    },

    DeleteMessage(ctx, input: T.DeleteMessageRequest): void {
      queueAt(ctx, input.QueueUrl).deleteMessage(input.ReceiptHandle);
    },

    DeleteMessageBatch(ctx, input: T.DeleteMessageBatchRequest): T.DeleteMessageBatchResult {
      const q = queueAt(ctx, input.QueueUrl);
      checkBatch(input.Entries, 'DeleteMessageBatchRequestEntry');
      const Successful: T.DeleteMessageBatchResultEntry[] = [];
      const Failed: T.BatchResultErrorEntry[] = [];
      for (const e of input.Entries)
        if (runEntry(e.Id, () => (q.deleteMessage(e.ReceiptHandle), true), Failed)) Successful.push({ Id: e.Id });
      return { Successful, Failed };
    },

    ChangeMessageVisibility(ctx, input: T.ChangeMessageVisibilityRequest): void {
      changeVisibility(queueAt(ctx, input.QueueUrl), input.ReceiptHandle, input.VisibilityTimeout);
    },

    ChangeMessageVisibilityBatch(ctx, input: T.ChangeMessageVisibilityBatchRequest): T.ChangeMessageVisibilityBatchResult {
      const q = queueAt(ctx, input.QueueUrl);
      checkBatch(input.Entries, 'ChangeMessageVisibilityBatchRequestEntry');
      const Successful: T.ChangeMessageVisibilityBatchResultEntry[] = [];
      const Failed: T.BatchResultErrorEntry[] = [];
      for (const e of input.Entries)
        if (runEntry(e.Id, () => (changeVisibility(q, e.ReceiptHandle, e.VisibilityTimeout), true), Failed)) Successful.push({ Id: e.Id });
      return { Successful, Failed };
    },

    PurgeQueue(ctx, input: T.PurgeQueueRequest): void {
      const q = queueAt(ctx, input.QueueUrl);
      const now = cloud.clock.now();
      if (now - q.lastPurgeAt < PURGE_INTERVAL_MS)
        throw new AwsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${q.name} is allowed every 60 seconds.`);
      q.lastPurgeAt = now;
      q.purge();
    },

    TagQueue(ctx, input: T.TagQueueRequest): void {
      const q = queueAt(ctx, input.QueueUrl);
      checkTags(q, input.Tags, q.tags);
      Object.assign(q.tags, input.Tags);
    },

    UntagQueue(ctx, input: T.UntagQueueRequest): void {
      const q = queueAt(ctx, input.QueueUrl);
      for (const k of input.TagKeys) delete q.tags[k];
    },

    ListQueueTags(ctx, input: T.ListQueueTagsRequest): T.ListQueueTagsResult {
      return { Tags: { ...queueAt(ctx, input.QueueUrl).tags } };
    },

    AddPermission(ctx, input: T.AddPermissionRequest): void {
      const q = queueAt(ctx, input.QueueUrl);
      q.setAttributes({ Policy: addPermission(q, input.Label, input.AWSAccountIds, input.Actions) });
    },

    RemovePermission(ctx, input: T.RemovePermissionRequest): void {
      const q = queueAt(ctx, input.QueueUrl);
      q.setAttributes({ Policy: removePermission(q, input.Label) });
    },

    ListDeadLetterSourceQueues(ctx, input: T.ListDeadLetterSourceQueuesRequest): T.ListDeadLetterSourceQueuesResult {
      const q = queueAt(ctx, input.QueueUrl);
      const { urls, nextToken } = pageOfUrls(ctx, store.deadLetterSources(q), input.MaxResults, input.NextToken);
      return { queueUrls: urls, NextToken: nextToken };
    },

    StartMessageMoveTask(_ctx, input: T.StartMessageMoveTaskRequest): T.StartMessageMoveTaskResult {
      return { TaskHandle: moves.start(input.SourceArn, input.DestinationArn, input.MaxNumberOfMessagesPerSecond) };
    },

    ListMessageMoveTasks(_ctx, input: T.ListMessageMoveTasksRequest): T.ListMessageMoveTasksResult {
      return { Results: moves.list(input.SourceArn, input.MaxResults) };
    },

    CancelMessageMoveTask(_ctx, input: T.CancelMessageMoveTaskRequest): T.CancelMessageMoveTaskResult {
      return { ApproximateNumberOfMessagesMoved: moves.cancel(input.TaskHandle) };
    },
  };

  const service: SqsService = {
    handlers,
    stop() {
      moves.stop();
      store.stop();
    },
    sendMessage(queue, body, attributes, groupId, dedupId, options = {}) {
      const q = queueNamed(queue, options.scope);
      return send(
        q,
        {
          MessageBody: body,
          MessageAttributes: attributes,
          MessageGroupId: groupId,
          MessageDeduplicationId: dedupId,
          DelaySeconds: options.delaySeconds,
          MessageSystemAttributes: options.systemAttributes,
        },
        options.senderId ?? q.account,
      );
    },
    receive(queue, options = {}) {
      const q = queueNamed(queue, options.scope);
      return receive(
        q,
        {
          MaxNumberOfMessages: options.maxMessages,
          WaitTimeSeconds: options.waitSeconds,
          VisibilityTimeout: options.visibilityTimeout,
          MessageSystemAttributeNames: options.attributeNames,
          MessageAttributeNames: options.messageAttributeNames,
        },
        options.signal,
      );
    },
    deleteMessage(queue, receiptHandle, scope) {
      queueNamed(queue, scope).deleteMessage(receiptHandle);
    },
    changeMessageVisibility(queue, receiptHandle, visibilityTimeout, scope) {
      changeVisibility(queueNamed(queue, scope), receiptHandle, visibilityTimeout);
    },
    getQueue(queue, scope) {
      const q = queueNamed(queue, scope);
      return { name: q.name, arn: q.arn, url: urlOf(cloud.endpoint, q), account: q.account, region: q.region, fifo: q.fifo };
    },
    getQueueAttributes(queue, names = ['All'], scope) {
      return describeQueue(queueNamed(queue, scope), names);
    },
  };
  return service;
};
