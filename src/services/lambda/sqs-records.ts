/**
 * What an SQS event source mapping sends and reads back: the `Records` of Lambda's SQS event,
 * the value FilterCriteria patterns match against, and the ReportBatchItemFailures response rules.
 */
import type { Message } from '../../generated/sqs.types.js';

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, SqsRecordAttribute>;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

interface SqsRecordAttribute {
  stringValue?: string;
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

/** System attributes Lambda passes on, in the order AWS's events list them. */
const SYSTEM_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'SenderId',
  'MessageDeduplicationId',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
] as const;

/** One record of the event, from a message received with all system and message attributes. */
export function sqsRecord(m: Message, eventSourceARN: string, awsRegion: string): SqsRecord {
  const attributes: Record<string, string> = {};
  const a = m.Attributes as Record<string, string> | undefined;
  if (a) for (const name of SYSTEM_ATTRIBUTES) if (a[name] !== undefined) attributes[name] = a[name];
  const messageAttributes: Record<string, SqsRecordAttribute> = {};
  for (const [name, v] of Object.entries(m.MessageAttributes ?? {})) {
    // Key order as in AWS's events: the value first, dataType last.
    const out = {} as SqsRecordAttribute;
    if (v.StringValue !== undefined) out.stringValue = v.StringValue;
    if (v.BinaryValue !== undefined) out.binaryValue = Buffer.from(v.BinaryValue).toString('base64');
    out.stringListValues = [];
    out.binaryListValues = [];
    out.dataType = v.DataType ?? 'String';
    messageAttributes[name] = out;
  }
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: m.MD5OfBody!,
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
}

/**
 * The value a filter pattern sees: the record, with a body that is valid JSON parsed so that
 * patterns can address its fields (a plain-text body stays a string), as Lambda filtering does.
 */
export function filterInput(r: SqsRecord): Record<string, unknown> {
  let body: unknown = r.body;
  try {
    body = JSON.parse(r.body);
  } catch {
    // Not JSON: patterns match the body as a string.
  }
  return { ...r, body };
}

/**
 * Message ids a ReportBatchItemFailures response marks as failed, or 'all' when the response is
 * invalid (not JSON, or an item identifier that is missing, empty, or not in the batch). A null or
 * empty response, or a null or empty batchItemFailures list, is a complete success.
 */
export function reportedFailures(payload: Buffer, batchIds: ReadonlySet<string>): Set<string> | 'all' {
  const text = payload.toString('utf8').trim();
  const none = new Set<string>();
  if (!text) return none;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'all';
  }
  if (value === null) return none;
  if (typeof value !== 'object' || Array.isArray(value)) return 'all';
  const list = (value as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return none;
  if (!Array.isArray(list)) return 'all';
  const failed = new Set<string>();
  for (const item of list) {
    const id = item !== null && typeof item === 'object' ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}
