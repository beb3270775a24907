/** Publish and PublishBatch: validation, FIFO sequencing and deduplication, then fan-out. */
import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { AwsError, isAwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import type { BatchResultErrorEntry, PublishBatchRequestEntry, PublishBatchResultEntry } from '../../generated/sns.types.js';
import type { Deliverer } from './delivery.js';
import type { Notification } from './envelope.js';
import type { Topic } from './store.js';
import { checkFifoFields, checkMessage, invalidParameter, MAX_MESSAGE_BYTES, type PublishFields } from './validate.js';

const DEDUP_WINDOW_MS = 5 * 60_000;
const MAX_BATCH = 10;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
/** Query error codes of the shapes a batch entry can fail with. */
const ENTRY_CODES: Record<string, string> = { InvalidParameterException: 'InvalidParameter', InvalidParameterValueException: 'ParameterValueInvalid' };

export interface Published {
  MessageId: string;
  SequenceNumber?: string;
}

export class Publisher {
  constructor(
    private readonly clock: Clock,
    private readonly deliverer: Deliverer,
    private readonly endpoint: () => string,
  ) {}

  /** Validates and publishes one message; delivery to SQS is done when this resolves. */
  async publish(topic: Topic, p: PublishFields): Promise<Published> {
    const { structured } = checkMessage(p);
    checkFifoFields(p, topic.fifo, topic.attributes.ContentBasedDeduplication === 'true');
    return this.send(topic, p, structured);
  }

  private async send(topic: Topic, p: PublishFields, structured: Record<string, string> | undefined): Promise<Published> {
    const now = this.clock.now();
    let sequenceNumber: string | undefined;
    let dedupId: string | undefined;
    if (topic.fifo) {
      dedupId = p.MessageDeduplicationId ?? createHash('sha256').update(p.Message).digest('hex');
      const seen = topic.dedup.get(dedupId);
      if (seen && seen.until > now) return { MessageId: seen.messageId, SequenceNumber: seen.sequenceNumber };
      if (topic.dedup.size > 10_000) for (const [k, v] of topic.dedup) if (v.until <= now) topic.dedup.delete(k);
      topic.sequence += 1n;
      sequenceNumber = topic.sequence.toString().padStart(20, '0');
    }
    const messageId = uuid();
    if (dedupId !== undefined) topic.dedup.set(dedupId, { messageId, sequenceNumber: sequenceNumber!, until: now + DEDUP_WINDOW_MS });
    const n: Notification = {
      messageId,
      topicArn: topic.arn,
      subject: p.Subject,
      message: p.Message,
      structured,
      attributes: p.MessageAttributes && Object.keys(p.MessageAttributes).length ? p.MessageAttributes : undefined,
      timestamp: new Date(now).toISOString(),
      signatureVersion: topic.attributes.SignatureVersion || '1',
      sequenceNumber,
      groupId: p.MessageGroupId,
      dedupId,
      endpoint: this.endpoint(),
    };
    await this.deliverer.fanOut(topic, n);
    return sequenceNumber ? { MessageId: messageId, SequenceNumber: sequenceNumber } : { MessageId: messageId };
  }

  /** Publishes entries that passed `checkBatch`; invalid entries are reported in Failed. */
  async publishBatch(topic: Topic, entries: PublishBatchRequestEntry[]): Promise<{ Successful: PublishBatchResultEntry[]; Failed: BatchResultErrorEntry[] }> {
    if (topic.fifo) {
      const cbd = topic.attributes.ContentBasedDeduplication === 'true';
      for (const e of entries) {
        if (e.MessageGroupId === undefined) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
        if (e.MessageDeduplicationId === undefined && !cbd)
          throw invalidParameter('The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
    }
    const Successful: PublishBatchResultEntry[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const e of entries) {
      let structured: Record<string, string> | undefined;
      try {
        structured = checkMessage(e).structured;
        checkFifoFields(e, topic.fifo, topic.attributes.ContentBasedDeduplication === 'true');
      } catch (err) {
        if (!isAwsError(err)) throw err;
        Failed.push({ Id: e.Id, Code: ENTRY_CODES[err.code] ?? err.code, Message: err.message, SenderFault: true });
        continue;
      }
      const r = await this.send(topic, e, structured);
      Successful.push({ Id: e.Id, ...r });
    }
    return { Successful, Failed };
  }
}

/** The request-level checks of PublishBatch (before the topic is looked up). */
export function checkBatch(entries: PublishBatchRequestEntry[]): void {
  if (entries.length === 0) throw new AwsError('EmptyBatchRequestException', "The batch request doesn't contain any entries.");
  if (entries.length > MAX_BATCH) throw new AwsError('TooManyEntriesInBatchRequestException', 'The batch request contains more entries than permissible.');
  const ids = new Set<string>();
  let bytes = 0;
  for (const e of entries) {
    if (ids.has(e.Id)) throw new AwsError('BatchEntryIdsNotDistinctException', 'Two or more batch entries in the request have the same Id.');
    ids.add(e.Id);
    if (!BATCH_ID.test(e.Id))
      throw new AwsError('InvalidBatchEntryIdException', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    bytes += Buffer.byteLength(e.Message);
  }
  if (bytes > MAX_MESSAGE_BYTES) throw new AwsError('BatchRequestTooLongException', 'The length of all the messages put together is more than the limit.');
}
