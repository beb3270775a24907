/** Dead-letter queues through the SDK: moves after maxReceiveCount, source listing, message move tasks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
  type ReceiveMessageCommandInput,
} from '@aws-sdk/client-sqs';
import { useNimbus } from './helpers.js';

const h = useNimbus();
let client: SQSClient | undefined;
const sqs = () => (client ??= new SQSClient(h.config));
let counter = 0;

interface Q {
  url: string;
  arn: string;
}

async function queue(prefix: string, attributes: Record<string, string> = {}): Promise<Q> {
  const fifo = attributes.FifoQueue === 'true';
  const name = `${prefix}${++counter}${fifo ? '.fifo' : ''}`;
  const url = (await sqs().send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  const arn = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

const redrive = (dlq: Q, maxReceiveCount: number) => JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount });

async function receive(q: Q, extra: Omit<ReceiveMessageCommandInput, 'QueueUrl'> = {}): Promise<Message[]> {
  return (
    (await sqs().send(new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'], ...extra })))
      .Messages ?? []
  );
}

async function visible(q: Q): Promise<number> {
  const a = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!;
  return Number(a.ApproximateNumberOfMessages);
}

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const tasks = async (source: Q, max = 10) => (await sqs().send(new ListMessageMoveTasksCommand({ SourceArn: source.arn, MaxResults: max }))).Results ?? [];

describe('dead-letter moves', () => {
  it('moves a message after maxReceiveCount receives, keeping its identity', async () => {
    const dlq = await queue('dlq');
    const src = await queue('src', { RedrivePolicy: redrive(dlq, 2) });
    const sent = await sqs().send(
      new SendMessageCommand({ QueueUrl: src.url, MessageBody: 'poison', MessageAttributes: { kind: { DataType: 'String', StringValue: 'bad' } } }),
    );
    const first = await receive(src, { VisibilityTimeout: 0 });
    await new Promise((r) => setTimeout(r, 5));
    const second = await receive(src, { VisibilityTimeout: 0 });
    assert.deepEqual([first[0].Attributes!.ApproximateReceiveCount, second[0].Attributes!.ApproximateReceiveCount], ['1', '2']);
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(await receive(src), [], 'the third receive moves it instead of delivering it');
    assert.equal(await visible(src), 0);
    const [dead] = await receive(dlq);
    assert.equal(dead.MessageId, sent.MessageId);
    assert.equal(dead.Body, 'poison');
    assert.equal(dead.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(dead.Attributes!.DeadLetterQueueSourceArn, src.arn);
    assert.equal(dead.Attributes!.SentTimestamp, first[0].Attributes!.SentTimestamp);
  });

  it('moves FIFO messages to a FIFO dead-letter queue and unblocks the group', async () => {
    const dlq = await queue('fdlq', { FifoQueue: 'true' });
    const src = await queue('fsrc', { FifoQueue: 'true', RedrivePolicy: redrive(dlq, 1) });
    for (const b of ['m1', 'm2']) await sqs().send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: b, MessageGroupId: 'g', MessageDeduplicationId: b }));
    const [m1] = await receive(src, { MaxNumberOfMessages: 1, VisibilityTimeout: 0 });
    assert.equal(m1.Body, 'm1');
    await new Promise((r) => setTimeout(r, 5));
    const next = await receive(src, { MaxNumberOfMessages: 1 });
    assert.deepEqual(next.map((m) => m.Body), ['m2']);
    const [dead] = await receive(dlq);
    assert.equal(dead.Body, 'm1');
    assert.equal(dead.Attributes!.MessageGroupId, 'g');
  });

  it('lists the source queues of a dead-letter queue, paginated', async () => {
    const dlq = await queue('shared-dlq');
    const sources: Q[] = [];
    for (let i = 0; i < 3; i++) sources.push(await queue('lsrc', { RedrivePolicy: redrive(dlq, 5) }));
    await queue('unrelated');
    const all = await sqs().send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }));
    assert.deepEqual(all.queueUrls, sources.map((s) => s.url));
    const page1 = await sqs().send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url, MaxResults: 2 }));
    assert.equal(page1.queueUrls!.length, 2);
    const page2 = await sqs().send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url, MaxResults: 2, NextToken: page1.NextToken }));
    assert.deepEqual([...page1.queueUrls!, ...page2.queueUrls!], all.queueUrls);
    assert.equal(page2.NextToken, undefined);
    assert.deepEqual((await sqs().send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: sources[0].url }))).queueUrls, []);
  });
});

/** Fills `dlq` with `n` dead letters from `src` (maxReceiveCount 1). */
async function deadLetters(src: Q, dlq: Q, n: number, prefix = 'd'): Promise<void> {
  const before = await visible(dlq);
  for (let i = 0; i < n; i++) await sqs().send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: `${prefix}${i}` }));
  await receive(src, { VisibilityTimeout: 0 });
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(await receive(src), []);
  await until(async () => (await visible(dlq)) === before + n, 'dead letters');
}

describe('message move tasks', () => {
  it('moves dead letters back to their source queues by default', async () => {
    const dlq = await queue('mdlq');
    const a = await queue('ma', { RedrivePolicy: redrive(dlq, 1) });
    const b = await queue('mb', { RedrivePolicy: redrive(dlq, 1) });
    await deadLetters(a, dlq, 3, 'a');
    await deadLetters(b, dlq, 2, 'b');
    const { TaskHandle } = await sqs().send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    assert.ok(TaskHandle);
    await until(async () => (await tasks(dlq))[0]?.Status === 'COMPLETED', 'completion');
    const [task] = await tasks(dlq);
    assert.equal(task.ApproximateNumberOfMessagesMoved, 5);
    assert.equal(task.ApproximateNumberOfMessagesToMove, 5);
    assert.equal(task.SourceArn, dlq.arn);
    assert.equal(task.DestinationArn, undefined);
    assert.equal(task.TaskHandle, undefined);
    assert.equal(typeof task.StartedTimestamp, 'number');
    assert.equal(await visible(dlq), 0);
    const back = await receive(a);
    assert.deepEqual(back.map((m) => m.Body).sort(), ['a0', 'a1', 'a2']);
    assert.equal(back[0].Attributes!.ApproximateReceiveCount, '1', 'receives start over after a redrive');
    assert.equal(back[0].Attributes!.DeadLetterQueueSourceArn, undefined);
    assert.deepEqual((await receive(b)).map((m) => m.Body).sort(), ['b0', 'b1']);
  });

  it('moves to a chosen destination', async () => {
    const dlq = await queue('cdlq');
    const src = await queue('csrc', { RedrivePolicy: redrive(dlq, 1) });
    const dest = await queue('cdest');
    await deadLetters(src, dlq, 2);
    await sqs().send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: dest.arn }));
    await until(async () => (await tasks(dlq))[0]?.Status === 'COMPLETED', 'completion');
    assert.equal((await tasks(dlq))[0].DestinationArn, dest.arn);
    assert.equal(await visible(dest), 2);
    assert.equal(await visible(src), 0);
  });

  it('answers AWS errors for bad requests', async () => {
    const plain = await queue('plain');
    await rejects(sqs().send(new StartMessageMoveTaskCommand({ SourceArn: plain.arn })), 'InvalidParameterValue', 'Source queue must be configured as a Dead Letter Queue.');
    await rejects(
      sqs().send(new StartMessageMoveTaskCommand({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:nope' })),
      'ResourceNotFoundException',
      "The resource that you specified for the SourceArn parameter doesn't exist.",
    );
    const dlq = await queue('edlq');
    await queue('esrc', { RedrivePolicy: redrive(dlq, 1) });
    await rejects(
      sqs().send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: 'arn:aws:sqs:us-east-1:000000000000:nope' })),
      'ResourceNotFoundException',
      "The resource that you specified for the DestinationArn parameter doesn't exist.",
    );
    await rejects(sqs().send(new CancelMessageMoveTaskCommand({ TaskHandle: 'garbage' })), 'InvalidParameterValue', 'Value for parameter TaskHandle is invalid.');
    const forged = Buffer.from(JSON.stringify({ taskId: 'nope', sourceArn: dlq.arn })).toString('base64');
    await rejects(sqs().send(new CancelMessageMoveTaskCommand({ TaskHandle: forged })), 'ResourceNotFoundException', 'Task does not exist.');
    await rejects(sqs().send(new ListMessageMoveTasksCommand({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:nope' })), 'ResourceNotFoundException');
  });

  it('fails when a source queue has gone, keeping the messages', async () => {
    const dlq = await queue('gdlq');
    const src = await queue('gsrc', { RedrivePolicy: redrive(dlq, 1) });
    const keep = await queue('gkeep', { RedrivePolicy: redrive(dlq, 1) });
    await deadLetters(src, dlq, 2);
    await sqs().send(new DeleteQueueCommand({ QueueUrl: src.url }));
    await sqs().send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    await until(async () => (await tasks(dlq))[0]?.Status === 'FAILED', 'failure');
    assert.equal((await tasks(dlq))[0].FailureReason, 'AWS.SimpleQueueService.NonExistentQueue');
    assert.equal(await visible(dlq), 2);
    assert.ok(keep);
  });

  // Moves the clock, so it runs last.
  it('moves at MaxNumberOfMessagesPerSecond, allows one task at a time and cancels', async () => {
    const dlq = await queue('rdlq');
    const src = await queue('rsrc', { RedrivePolicy: redrive(dlq, 1) });
    await deadLetters(src, dlq, 5);
    const { TaskHandle } = await sqs().send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, MaxNumberOfMessagesPerSecond: 1 }));
    await rejects(
      sqs().send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn })),
      'InvalidParameterValue',
      'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    );
    await until(async () => (await tasks(dlq))[0].ApproximateNumberOfMessagesMoved === 1, 'the first message');
    const clock = h.nimbus.cloud.clock;
    clock.advance(1_000);
    clock.advance(1_000);
    const [running] = await tasks(dlq);
    assert.equal(running.Status, 'RUNNING');
    assert.equal(running.TaskHandle, TaskHandle);
    assert.equal(running.MaxNumberOfMessagesPerSecond, 1);
    assert.equal(running.ApproximateNumberOfMessagesMoved, 3);
    assert.equal(running.ApproximateNumberOfMessagesToMove, 5);
    const cancelled = await sqs().send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    assert.equal(cancelled.ApproximateNumberOfMessagesMoved, 3);
    clock.advance(5_000);
    const [after] = await tasks(dlq);
    assert.equal(after.Status, 'CANCELLED');
    assert.equal(after.ApproximateNumberOfMessagesMoved, 3);
    assert.equal(await visible(dlq), 2);
    assert.equal(await visible(src), 3);
    assert.equal((await tasks(dlq, 1)).length, 1);
    await rejects(sqs().send(new CancelMessageMoveTaskCommand({ TaskHandle })), 'ResourceNotFoundException', 'Task does not exist.');
    for (const m of await receive(src)) await sqs().send(new DeleteMessageCommand({ QueueUrl: src.url, ReceiptHandle: m.ReceiptHandle }));
  });
});
