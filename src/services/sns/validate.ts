/** Checks SNS makes on names, ARNs and published messages, with AWS's error codes and wording. */
import { AwsError } from '../../core/errors.js';
import { parseArn } from '../../core/ids.js';
import type { MessageAttributeValue } from '../../generated/sns.types.js';

export const invalidParameter = (what: string): AwsError => new AwsError('InvalidParameterException', `Invalid parameter: ${what}`);
export const invalidParameterValue = (message: string): AwsError => new AwsError('InvalidParameterValueException', message);
export const notFound = (message: string): AwsError => new AwsError('NotFoundException', message);

const STANDARD_TOPIC = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
/** 256 KiB: the largest message (body plus attributes) SNS accepts. */
export const MAX_MESSAGE_BYTES = 262_144;
const SUBJECT = /^[\x20-\x7E]{1,99}$/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const FIFO_ID = /^[\x21-\x7E]{1,128}$/;
const PHONE = /^\+?[1-9]\d{1,14}$/;

export function checkTopicName(name: string, fifo: boolean): void {
  if (fifo) {
    if (!FIFO_TOPIC.test(name))
      throw invalidParameter(
        'Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.',
      );
  } else if (!STANDARD_TOPIC.test(name)) {
    throw invalidParameter('Topic Name');
  }
}

/** The (account, region) of a topic ARN; InvalidParameter when it is not one. */
export function parseTopicArn(value: string, member = 'TopicArn'): { account: string; region: string; name: string } {
  const p = parseArn(value);
  if (!p || p.service !== 'sns' || !/^\d{12}$/.test(p.account) || !p.region || !p.resource || p.resource.includes(':')) throw invalidParameter(member);
  return { account: p.account, region: p.region, name: p.resource };
}

export function checkMessageAttributes(attrs: Record<string, MessageAttributeValue> | undefined): number {
  if (!attrs) return 0;
  let size = 0;
  for (const name of Object.keys(attrs)) {
    const a = attrs[name];
    if (!ATTRIBUTE_NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..'))
      throw invalidParameterValue(`Message attribute name '${name}' has an invalid character or is longer than 256 characters.`);
    const type = a.DataType;
    const base = type.split('.', 1)[0];
    if (base !== 'String' && base !== 'Number' && base !== 'Binary')
      throw invalidParameterValue(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    const value = base === 'Binary' ? a.BinaryValue : a.StringValue;
    if (value === undefined || value.length === 0)
      throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    if (base === 'Number' && !NUMBER.test(String(value))) throw invalidParameterValue(`Could not cast message attribute '${name}' value to number.`);
    if (type === 'String.Array' && !isJsonArray(String(value)))
      throw invalidParameter(`Message attribute '${name}' with type 'String.Array' must be a JSON array of strings, numbers, booleans or nulls.`);
    size += Buffer.byteLength(name) + Buffer.byteLength(type) + (typeof value === 'string' ? Buffer.byteLength(value) : value.length);
  }
  return size;
}

function isJsonArray(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x));
  } catch {
    return false;
  }
}

export interface PublishFields {
  Message: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, MessageAttributeValue>;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

/** Validates the message itself; returns the per-protocol messages for MessageStructure=json. */
export function checkMessage(p: PublishFields): { structured?: Record<string, string>; bytes: number } {
  if (p.Message.length === 0) throw invalidParameter('Empty message');
  if (p.Subject !== undefined && !SUBJECT.test(p.Subject)) throw invalidParameter('Subject');
  const bytes = Buffer.byteLength(p.Message) + checkMessageAttributes(p.MessageAttributes);
  if (bytes > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');
  if (p.MessageStructure === undefined) return { bytes };
  if (p.MessageStructure !== 'json') throw invalidParameter('MessageStructure');
  let parsed: unknown;
  try {
    parsed = JSON.parse(p.Message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidParameter('Message Structure - JSON message body failed to parse');
  const entries = parsed as Record<string, unknown>;
  if (typeof entries.default !== 'string') throw invalidParameter('Message Structure - No default entry in JSON message body');
  const structured: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(entries)) structured[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return { structured, bytes };
}

/** FIFO rules: the group and deduplication ids a publish must (or must not) carry. */
export function checkFifoFields(p: PublishFields, fifo: boolean, contentBasedDeduplication: boolean): void {
  const group = p.MessageGroupId;
  const dedup = p.MessageDeduplicationId;
  if (group !== undefined && !FIFO_ID.test(group))
    throw invalidParameter('MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
  if (dedup !== undefined && !FIFO_ID.test(dedup))
    throw invalidParameter('MessageDeduplicationId Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
  if (fifo) {
    if (group === undefined) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
    if (dedup === undefined && !contentBasedDeduplication)
      throw invalidParameter('The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  } else if (dedup !== undefined) {
    throw invalidParameter('MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
  }
}

export function checkPhoneNumber(phone: string): void {
  if (!PHONE.test(phone)) throw invalidParameter('PhoneNumber Reason: input incorrectly formatted');
}
