/**
 * Messages: what a send must satisfy (body characters, message attributes, sizes, FIFO ids), the
 * stored form, and the Message objects ReceiveMessage returns.
 */
import type { TimerHandle } from '../../core/clock.js';
import { AwsError } from '../../core/errors.js';
import type { Message, MessageAttributeValue, MessageSystemAttributeValue } from '../../generated/sqs.types.js';
import { invalidParameter, invalidParameterValue, missingParameter } from './errors.js';
import { md5Hex, md5OfAttributes, type AttributeValue } from './md5.js';

export const STATE_DELAYED = 0;
export const STATE_VISIBLE = 1;
export const STATE_INFLIGHT = 2;
export const STATE_GONE = 3;

/** A message as a queue keeps it. Immutable content plus its delivery state. */
export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes?: Record<string, AttributeValue>;
  readonly md5OfAttributes?: string;
  readonly systemAttributes?: Record<string, AttributeValue>;
  readonly md5OfSystemAttributes?: string;
  readonly senderId: string;
  /** SentTimestamp (epoch ms). */
  readonly sentAt: number;
  readonly groupId?: string;
  readonly dedupId?: string;
  readonly sequenceNumber?: string;
  readonly deadLetterSourceArn?: string;
  /** Start of the retention period (the enqueue time in this queue's terms). */
  readonly retainFrom: number;
  receiveCount: number;
  firstReceiveAt: number;
  lastReceiveAt: number;
  state: number;
  /** When a delayed or in-flight message becomes visible. */
  visibleAt: number;
  timer: TimerHandle | undefined;
  /** Standard queues: whether an entry for it sits in the ready list. */
  inReady: boolean;
}

/** A validated message on its way into a queue. */
export interface OutgoingMessage {
  body: string;
  md5OfBody: string;
  attributes?: Record<string, AttributeValue>;
  md5OfAttributes?: string;
  systemAttributes?: Record<string, AttributeValue>;
  md5OfSystemAttributes?: string;
  senderId: string;
  delaySeconds?: number;
  groupId?: string;
  dedupId?: string;
  /** Bytes counted against MaximumMessageSize: body plus attribute names, types and values. */
  size: number;
}

export interface SendRequest {
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, MessageAttributeValue>;
  MessageSystemAttributes?: Record<string, MessageSystemAttributeValue>;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

// XML 1.0 characters: the only ones SQS accepts in bodies.
const INVALID_BODY_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const FIFO_ID = /^[\x21-\x7E]{1,128}$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MAX_ATTRIBUTES = 10;

function checkBody(body: string): void {
  if (body.length === 0) throw missingParameter('MessageBody');
  if (INVALID_BODY_CHARACTER.test(body))
    throw new AwsError(
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    );
}

const hasList = (v: { StringListValues?: unknown[]; BinaryListValues?: unknown[] }): boolean =>
  !!(v.StringListValues?.length || v.BinaryListValues?.length);

/** Validates user message attributes; returns them in stored form and their size in bytes. */
function checkMessageAttributes(input: Record<string, MessageAttributeValue>): { attributes: Record<string, AttributeValue>; size: number } {
  const names = Object.keys(input);
  if (names.length > MAX_ATTRIBUTES) throw invalidParameterValue(`Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  const attributes: Record<string, AttributeValue> = {};
  let size = 0;
  for (const name of names) {
    const v = input[name];
    const lower = name.toLowerCase();
    if (!ATTRIBUTE_NAME.test(name) || lower.startsWith('aws.') || lower.startsWith('amazon.') || name.startsWith('.') || name.endsWith('.') || name.includes('..'))
      throw invalidParameterValue(
        `Message (user) attribute name '${name}' is invalid. Names can contain alphanumeric characters, hyphens, underscores and periods, up to 256 characters; they can't start or end with a period, contain two periods in a row, or start with AWS. or Amazon.`,
      );
    const type = v.DataType ?? '';
    if (type === '') throw invalidParameterValue(`The message attribute '${name}' must contain a non-empty message attribute type.`);
    const base = type.split('.', 1)[0];
    if ((base !== 'String' && base !== 'Number' && base !== 'Binary') || type.length > 256 || type.endsWith('.'))
      throw invalidParameterValue(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    if (hasList(v)) throw invalidParameterValue(`Message attribute list values in SendMessage operation are not supported.`);
    let stored: AttributeValue;
    if (base === 'Binary') {
      if (v.BinaryValue === undefined)
        throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      if (v.BinaryValue.length === 0) throw invalidParameterValue(`Message (user) attribute '${name}' must contain a non-empty value of type '${base}'.`);
      stored = { DataType: type, BinaryValue: v.BinaryValue };
      size += v.BinaryValue.length;
    } else {
      if (v.StringValue === undefined)
        throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      if (v.StringValue === '') throw invalidParameterValue(`Message (user) attribute '${name}' must contain a non-empty value of type '${base}'.`);
      if (base === 'Number' && !NUMBER.test(v.StringValue.trim()))
        throw invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      stored = { DataType: type, StringValue: v.StringValue };
      size += Buffer.byteLength(v.StringValue);
    }
    size += Buffer.byteLength(name) + Buffer.byteLength(type);
    attributes[name] = stored;
  }
  return { attributes, size };
}

function checkSystemAttributes(input: Record<string, MessageSystemAttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, v] of Object.entries(input)) {
    if (name !== 'AWSTraceHeader') throw invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    if (v.DataType !== 'String' || hasList(v) || v.BinaryValue !== undefined)
      throw invalidParameterValue(`Message (system) attribute '${name}' must have DataType String and a StringValue.`);
    if (!v.StringValue) throw invalidParameterValue(`Message (system) attribute '${name}' must contain a non-empty value of type 'String'.`);
    out[name] = { DataType: 'String', StringValue: v.StringValue };
  }
  return out;
}

export interface QueueRules {
  fifo: boolean;
  maximumMessageSize: number;
  contentBasedDeduplication: boolean;
}

/**
 * Validates one send against the queue's rules and computes its digests. `batch` changes the code
 * of a missing MessageGroupId (SendMessageBatch answers InvalidParameterValue for it).
 */
export function prepareMessage(req: SendRequest, rules: QueueRules, senderId: string, batch = false): OutgoingMessage {
  const body = req.MessageBody;
  checkBody(body);
  if (req.DelaySeconds !== undefined) {
    if (!Number.isInteger(req.DelaySeconds) || req.DelaySeconds < 0 || req.DelaySeconds > 900)
      throw invalidParameter('DelaySeconds', req.DelaySeconds, 'DelaySeconds must be >= 0 and <= 900.');
    if (rules.fifo && req.DelaySeconds !== 0)
      throw invalidParameter('DelaySeconds', req.DelaySeconds, 'The request include parameter that is not valid for this queue type.');
  }
  let size = Buffer.byteLength(body);
  const out: OutgoingMessage = { body, md5OfBody: md5Hex(body), senderId, size: 0, delaySeconds: req.DelaySeconds };
  if (req.MessageAttributes && Object.keys(req.MessageAttributes).length) {
    const checked = checkMessageAttributes(req.MessageAttributes);
    out.attributes = checked.attributes;
    out.md5OfAttributes = md5OfAttributes(checked.attributes);
    size += checked.size;
  }
  if (req.MessageSystemAttributes && Object.keys(req.MessageSystemAttributes).length) {
    out.systemAttributes = checkSystemAttributes(req.MessageSystemAttributes);
    out.md5OfSystemAttributes = md5OfAttributes(out.systemAttributes);
  }
  if (size > rules.maximumMessageSize)
    throw invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${rules.maximumMessageSize} bytes.`);
  out.size = size;
  const group = req.MessageGroupId;
  if (group !== undefined && !FIFO_ID.test(group))
    throw invalidParameter('MessageGroupId', group, 'MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
  const dedup = req.MessageDeduplicationId;
  if (rules.fifo) {
    if (group === undefined) throw batch ? invalidParameterValue('The request must contain the parameter MessageGroupId.') : missingParameter('MessageGroupId');
    if (dedup !== undefined && !FIFO_ID.test(dedup))
      throw invalidParameter('MessageDeduplicationId', dedup, 'MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
    if (dedup === undefined && !rules.contentBasedDeduplication)
      throw invalidParameterValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    out.dedupId = dedup;
  } else if (dedup !== undefined) {
    throw invalidParameter('MessageDeduplicationId', dedup, 'The request include parameter that is not valid for this queue type.');
  }
  out.groupId = group;
  return out;
}

/** Which system and user attributes a receive asked for. */
export interface Selection {
  allSystem: boolean;
  system: ReadonlySet<string>;
  allUser: boolean;
  userNames: readonly string[];
  userPrefixes: readonly string[];
}

export function selection(systemNames: readonly string[] = [], userNames: readonly string[] = []): Selection {
  const sel: Selection = { allSystem: systemNames.includes('All'), system: new Set(systemNames), allUser: false, userNames: [], userPrefixes: [] };
  const names: string[] = [];
  const prefixes: string[] = [];
  for (const n of userNames) {
    if (n === 'All' || n === '.*') sel.allUser = true;
    // `prefix.*` is a wildcard: `He.*` selects Hello and Help.Me.
    else if (n.endsWith('.*')) prefixes.push(n.slice(0, -2));
    else names.push(n);
  }
  sel.userNames = names;
  sel.userPrefixes = prefixes;
  return sel;
}

/** The Message a receive returns, with the attributes the caller selected. */
export function renderMessage(m: StoredMessage, receiptHandle: string, receiveCount: number, sel: Selection): Message {
  const out: Message = { MessageId: m.id, ReceiptHandle: receiptHandle, MD5OfBody: m.md5OfBody, Body: m.body };
  if (sel.allSystem || sel.system.size) {
    const attrs: Record<string, string> = {};
    const want = (n: string) => sel.allSystem || sel.system.has(n);
    if (want('SenderId')) attrs.SenderId = m.senderId;
    if (want('SentTimestamp')) attrs.SentTimestamp = String(m.sentAt);
    if (want('ApproximateReceiveCount')) attrs.ApproximateReceiveCount = String(receiveCount);
    if (want('ApproximateFirstReceiveTimestamp')) attrs.ApproximateFirstReceiveTimestamp = String(m.firstReceiveAt);
    if (m.sequenceNumber !== undefined && want('SequenceNumber')) attrs.SequenceNumber = m.sequenceNumber;
    if (m.dedupId !== undefined && want('MessageDeduplicationId')) attrs.MessageDeduplicationId = m.dedupId;
    if (m.groupId !== undefined && want('MessageGroupId')) attrs.MessageGroupId = m.groupId;
    const trace = m.systemAttributes?.AWSTraceHeader?.StringValue;
    if (trace !== undefined && want('AWSTraceHeader')) attrs.AWSTraceHeader = trace;
    if (m.deadLetterSourceArn !== undefined && want('DeadLetterQueueSourceArn')) attrs.DeadLetterQueueSourceArn = m.deadLetterSourceArn;
    out.Attributes = attrs;
  }
  const all = m.attributes;
  if (all && (sel.allUser || sel.userNames.length || sel.userPrefixes.length)) {
    if (sel.allUser) {
      out.MessageAttributes = all as Record<string, MessageAttributeValue>;
      out.MD5OfMessageAttributes = m.md5OfAttributes;
    } else {
      const picked: Record<string, AttributeValue> = {};
      let any = false;
      for (const name in all) {
        if (sel.userNames.includes(name) || sel.userPrefixes.some((p) => name.startsWith(p))) {
          picked[name] = all[name];
          any = true;
        }
      }
      if (any) {
        out.MessageAttributes = picked as Record<string, MessageAttributeValue>;
        out.MD5OfMessageAttributes = md5OfAttributes(picked);
      }
    }
  }
  return out;
}
