/** GetQueueAttributes' view of a queue: settable attributes plus counters, ARN and timestamps. */
import { unknownAttribute } from './errors.js';
import type { Queue } from './queue.js';

/** Attribute names in the order AWS lists them for `All`. */
const ORDER = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'VisibilityTimeout',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'ReceiveMessageWaitTimeSeconds',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'FifoQueue',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'ContentBasedDeduplication',
];

const KNOWN = new Set(['All', ...ORDER]);

const seconds = (ms: number) => String(Math.floor(ms / 1000));

function valueOf(q: Queue, name: string): string | undefined {
  switch (name) {
    case 'QueueArn':
      return q.arn;
    case 'ApproximateNumberOfMessages':
      return String(q.visibleCount);
    case 'ApproximateNumberOfMessagesNotVisible':
      return String(q.inflightCount);
    case 'ApproximateNumberOfMessagesDelayed':
      return String(q.delayedCount);
    case 'CreatedTimestamp':
      return seconds(q.createdAt);
    case 'LastModifiedTimestamp':
      return seconds(q.lastModifiedAt);
    case 'KmsDataKeyReusePeriodSeconds':
      return q.attributes.KmsMasterKeyId ? (q.attributes.KmsDataKeyReusePeriodSeconds ?? '300') : undefined;
    default:
      return q.attributes[name];
  }
}

/** The attributes GetQueueAttributes answers for `names` (`All` selects every one that applies). */
export function describeQueue(q: Queue, names: readonly string[]): Record<string, string> {
  for (const name of names) if (!KNOWN.has(name)) throw unknownAttribute(name);
  const all = names.includes('All');
  const out: Record<string, string> = {};
  for (const name of all ? ORDER : names) {
    const v = valueOf(q, name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}
