/**
 * Queue attributes: defaults, validation with AWS's codes and messages, and normalisation to the
 * string values GetQueueAttributes answers. Values are validated as a whole before any is applied.
 */
import { AwsError } from '../../core/errors.js';
import { invalidAttributeValue, invalidParameter, unknownAttribute } from './errors.js';
import { parseQueueArn } from './urls.js';

export const MAX_MESSAGE_SIZE = 1_048_576;

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

export interface RedriveAllowPolicy {
  redrivePermission: 'allowAll' | 'denyAll' | 'byQueue';
  sourceQueueArns?: string[];
}

/** What attribute validation needs to know about a queue named as a dead-letter target. */
export interface DeadLetterTarget {
  fifo: boolean;
  redriveAllowPolicy?: RedriveAllowPolicy;
}

export interface AttributeContext {
  fifo: boolean;
  /** The queue's ARN (for RedriveAllowPolicy checks of its dead-letter target). */
  arn: string;
  /** Current values (SetQueueAttributes), empty when creating. */
  current: Readonly<Record<string, string>>;
  findQueue(arn: string): DeadLetterTarget | undefined;
}

const INTEGER_RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, MAX_MESSAGE_SIZE],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const BOOLEANS = new Set(['SqsManagedSseEnabled', 'ContentBasedDeduplication']);
const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const CHOICES: Record<string, string[]> = {
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};
/** Attributes whose empty value removes them. */
const CLEARABLE = new Set(['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId']);

export const SETTABLE_ATTRIBUTES = new Set([...Object.keys(INTEGER_RANGES), ...BOOLEANS, ...FIFO_ONLY, ...CLEARABLE]);

export function defaultAttributes(fifo: boolean): Record<string, string> {
  const values: Record<string, string> = {
    VisibilityTimeout: '30',
    MaximumMessageSize: String(MAX_MESSAGE_SIZE),
    MessageRetentionPeriod: '345600',
    DelaySeconds: '0',
    ReceiveMessageWaitTimeSeconds: '0',
    SqsManagedSseEnabled: 'true',
  };
  if (fifo) Object.assign(values, { FifoQueue: 'true', ContentBasedDeduplication: 'false', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' });
  return values;
}

/** Whether CreateQueue's attributes ask for a FIFO queue. */
export function requestsFifo(attributes: Record<string, string> | undefined): boolean {
  const v = attributes?.FifoQueue;
  if (v === undefined) return false;
  const lower = v.toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw invalidAttributeValue('FifoQueue');
  return lower === 'true';
}

export function parseRedrivePolicy(raw: string): RedrivePolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidParameter('RedrivePolicy', raw, 'Redrive policy is not a valid JSON map.');
  const p = parsed as Record<string, unknown>;
  const target = p.deadLetterTargetArn;
  if (typeof target !== 'string' || !parseQueueArn(target)) throw invalidParameter('RedrivePolicy', raw, 'Invalid value for deadLetterTargetArn.');
  const count = typeof p.maxReceiveCount === 'string' && /^\d+$/.test(p.maxReceiveCount) ? Number(p.maxReceiveCount) : p.maxReceiveCount;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000)
    throw invalidParameter('RedrivePolicy', raw, `Invalid value for maxReceiveCount: ${String(p.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`);
  return { deadLetterTargetArn: target, maxReceiveCount: count };
}

export function parseRedriveAllowPolicy(raw: string): RedriveAllowPolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidParameter('RedriveAllowPolicy', raw, 'Redrive allow policy is not a valid JSON map.');
  const p = parsed as Record<string, unknown>;
  const permission = p.redrivePermission;
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue')
    throw invalidParameter('RedriveAllowPolicy', raw, 'Invalid value for redrivePermission. Valid values are allowAll, denyAll and byQueue.');
  const sources = p.sourceQueueArns;
  if (permission === 'byQueue') {
    if (!Array.isArray(sources) || sources.length === 0 || sources.length > 10 || sources.some((s) => typeof s !== 'string' || !parseQueueArn(s)))
      throw invalidParameter('RedriveAllowPolicy', raw, 'sourceQueueArns must list 1 to 10 queue ARNs when redrivePermission is byQueue.');
    return { redrivePermission: permission, sourceQueueArns: sources as string[] };
  }
  if (sources !== undefined) throw invalidParameter('RedriveAllowPolicy', raw, 'sourceQueueArns can be specified only when redrivePermission is byQueue.');
  return { redrivePermission: permission };
}

function normalizePolicy(raw: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidAttributeValue('Policy');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidAttributeValue('Policy');
  return JSON.stringify(parsed);
}

function normalizeOne(name: string, raw: string, ctx: AttributeContext): string {
  const range = INTEGER_RANGES[name];
  if (range) {
    const n = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!(n >= range[0] && n <= range[1])) throw invalidAttributeValue(name);
    return String(n);
  }
  if (BOOLEANS.has(name)) {
    const lower = raw.toLowerCase();
    if (lower !== 'true' && lower !== 'false') throw invalidAttributeValue(name);
    return lower;
  }
  const choices = CHOICES[name];
  if (choices) {
    if (!choices.includes(raw)) throw invalidAttributeValue(name);
    return raw;
  }
  if (raw === '' && CLEARABLE.has(name)) return '';
  switch (name) {
    case 'FifoQueue':
      if (raw.toLowerCase() !== 'true') throw invalidAttributeValue('FifoQueue', 'Modifying queue type is not supported.');
      return 'true';
    case 'Policy':
      return normalizePolicy(raw);
    case 'RedrivePolicy': {
      const policy = parseRedrivePolicy(raw);
      const target = ctx.findQueue(policy.deadLetterTargetArn);
      if (!target) throw invalidParameter('RedrivePolicy', raw, 'Dead letter target does not exist.');
      if (target.fifo !== ctx.fifo) throw invalidParameter('RedrivePolicy', raw, 'Dead-letter queue must be same type of queue as the source.');
      const allow = target.redriveAllowPolicy;
      if (allow && (allow.redrivePermission === 'denyAll' || (allow.redrivePermission === 'byQueue' && !allow.sourceQueueArns?.includes(ctx.arn))))
        throw invalidParameter('RedrivePolicy', raw, `Queue ${policy.deadLetterTargetArn} does not allow this queue to use it as a dead-letter queue.`);
      return JSON.stringify(policy);
    }
    case 'RedriveAllowPolicy':
      return JSON.stringify(parseRedriveAllowPolicy(raw));
    default:
      return raw;
  }
}

/**
 * Validates CreateQueue / SetQueueAttributes attributes and returns them normalised; an empty string
 * means "remove". Throws AWS's InvalidAttributeName / InvalidAttributeValue / InvalidParameterValue.
 */
export function normalizeAttributes(input: Record<string, string>, ctx: AttributeContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input)) {
    if (!SETTABLE_ATTRIBUTES.has(name) || (!ctx.fifo && FIFO_ONLY.has(name))) throw unknownAttribute(name);
    out[name] = normalizeOne(name, String(raw), ctx);
  }
  const kms = out.KmsMasterKeyId ?? ctx.current.KmsMasterKeyId ?? '';
  if (out.SqsManagedSseEnabled === 'true' && kms !== '')
    throw new AwsError('InvalidAttributeName', 'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.');
  if (out.KmsMasterKeyId && out.SqsManagedSseEnabled === undefined) out.SqsManagedSseEnabled = 'false';
  if (ctx.fifo) {
    const scope = out.DeduplicationScope ?? ctx.current.DeduplicationScope ?? 'queue';
    const limit = out.FifoThroughputLimit ?? ctx.current.FifoThroughputLimit ?? 'perQueue';
    if (limit === 'perMessageGroupId' && scope !== 'messageGroup')
      throw invalidAttributeValue('FifoThroughputLimit', 'The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup.');
  }
  return out;
}
