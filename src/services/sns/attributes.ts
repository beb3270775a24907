/** Topic and subscription attributes: which may be set, their checks, and what Get*Attributes shows. */
import { compilePattern, PatternError } from '../../core/patterns/index.js';
import { parseArn } from '../../core/ids.js';
import type { Subscription, Topic } from './store.js';
import { invalidParameter } from './validate.js';

const FEEDBACK = ['HTTP', 'Application', 'Firehose', 'Lambda', 'SQS'].flatMap((p) => [
  `${p}SuccessFeedbackRoleArn`,
  `${p}SuccessFeedbackSampleRate`,
  `${p}FailureFeedbackRoleArn`,
]);
const TOPIC_SETTABLE = new Set(['DeliveryPolicy', 'DisplayName', 'Policy', 'TracingConfig', 'KmsMasterKeyId', 'SignatureVersion', 'ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope', ...FEEDBACK]);
const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope']);
const SUBSCRIPTION_SETTABLE = new Set(['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy']);
const RAW_PROTOCOLS = new Set(['sqs', 'http', 'https', 'firehose']);

export const DEFAULT_HTTP_RETRY = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numMaxDelayRetries: 0,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  backoffFunction: 'linear',
};

const DEFAULT_EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: { defaultHealthyRetryPolicy: DEFAULT_HTTP_RETRY, disableSubscriptionOverrides: false, defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' } },
});

export function defaultTopicPolicy(topicArn: string, account: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': account } },
      },
    ],
  });
}

function checkJson(name: string, value: string): void {
  try {
    const v: unknown = JSON.parse(value);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error();
  } catch {
    throw invalidParameter(`${name}: failed to parse JSON.`);
  }
}

/** Validates one topic attribute (CreateTopic's Attributes or SetTopicAttributes) for this topic kind. */
export function checkTopicAttribute(name: string, value: string, fifo: boolean): void {
  if (!TOPIC_SETTABLE.has(name)) throw invalidParameter('AttributeName');
  if (FIFO_ONLY.has(name) && !fifo) throw invalidParameter(`${name} Reason: ${name} can only be set for FIFO topics`);
  switch (name) {
    case 'SignatureVersion':
      if (value !== '1' && value !== '2') throw invalidParameter('SignatureVersion');
      break;
    case 'ContentBasedDeduplication':
      if (value !== 'true' && value !== 'false') throw invalidParameter('ContentBasedDeduplication');
      break;
    case 'TracingConfig':
      if (value !== 'PassThrough' && value !== 'Active') throw invalidParameter('TracingConfig');
      break;
    case 'FifoThroughputScope':
      if (value !== 'Topic' && value !== 'MessageGroup') throw invalidParameter('FifoThroughputScope');
      break;
    case 'Policy':
    case 'DeliveryPolicy':
    case 'ArchivePolicy':
      if (value !== '') checkJson(name, value);
      break;
    case 'DisplayName':
      if (value.length > 100) throw invalidParameter('DisplayName');
      break;
  }
}

/** GetTopicAttributes' answer. */
export function topicAttributes(t: Topic, subscriptions: Subscription[]): Record<string, string> {
  let pending = 0;
  let confirmed = 0;
  for (const s of subscriptions) s.pending ? pending++ : confirmed++;
  const out: Record<string, string> = {
    Policy: defaultTopicPolicy(t.arn, t.account),
    Owner: t.account,
    SubscriptionsPending: String(pending),
    TopicArn: t.arn,
    EffectiveDeliveryPolicy: t.attributes.DeliveryPolicy || DEFAULT_EFFECTIVE_DELIVERY_POLICY,
    SubscriptionsConfirmed: String(confirmed),
    DisplayName: '',
    SubscriptionsDeleted: String(t.deletedSubscriptions),
  };
  if (t.fifo) {
    out.FifoTopic = 'true';
    out.ContentBasedDeduplication = 'false';
  }
  for (const [k, v] of Object.entries(t.attributes)) if (v !== '' || k === 'DisplayName') out[k] = v;
  return out;
}

/** Where a Subscribe or SetSubscriptionAttributes error message puts the attribute problem. */
export type AttributeErrorStyle = 'subscribe' | 'set';

/** Applies one subscription attribute, validating it against the subscription's protocol. */
export function applySubscriptionAttribute(s: Subscription, name: string, value: string, style: AttributeErrorStyle): void {
  const fail = (detail: string) => invalidParameter(style === 'subscribe' ? `Attributes Reason: ${detail}` : detail);
  if (!SUBSCRIPTION_SETTABLE.has(name)) throw invalidParameter(style === 'subscribe' ? `Attributes Reason: Unknown attribute ${name}` : 'AttributeName');
  switch (name) {
    case 'RawMessageDelivery': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') throw fail(`RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      if (!RAW_PROTOCOLS.has(s.protocol)) throw fail(`Delivery protocol [${s.protocol}] does not support raw message delivery attribute`);
      s.raw = v === 'true';
      s.attributes.RawMessageDelivery = v;
      return;
    }
    case 'FilterPolicyScope': {
      if (value !== 'MessageAttributes' && value !== 'MessageBody') throw fail('FilterPolicyScope: Invalid filter policy scope, please use either MessageBody or MessageAttributes');
      if (s.attributes.FilterPolicy) s.filter = compileFilter(s.attributes.FilterPolicy, value, style);
      s.filterScope = value;
      s.attributes.FilterPolicyScope = value;
      return;
    }
    case 'FilterPolicy': {
      if (value === '') {
        s.filter = undefined;
        delete s.attributes.FilterPolicy;
        delete s.attributes.FilterPolicyScope;
        return;
      }
      s.filter = compileFilter(value, s.filterScope, style);
      s.attributes.FilterPolicy = value;
      s.attributes.FilterPolicyScope = s.filterScope;
      return;
    }
    case 'RedrivePolicy': {
      if (value === '') {
        s.deadLetterArn = undefined;
        delete s.attributes.RedrivePolicy;
        return;
      }
      let target: unknown;
      try {
        target = (JSON.parse(value) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
      } catch {
        throw fail('RedrivePolicy: failed to parse JSON.');
      }
      if (typeof target !== 'string') throw fail('RedrivePolicy: deadLetterTargetArn is missing');
      const p = parseArn(target);
      if (!p || p.service !== 'sqs') throw fail('RedrivePolicy: deadLetterTargetArn is an invalid arn');
      s.deadLetterArn = target;
      s.attributes.RedrivePolicy = value;
      return;
    }
    case 'DeliveryPolicy':
    case 'ReplayPolicy':
      if (value !== '') {
        try {
          checkJson(name, value);
        } catch {
          throw fail(`${name}: failed to parse JSON.`);
        }
      }
      break;
  }
  if (value === '') delete s.attributes[name];
  else s.attributes[name] = value;
}

function compileFilter(policy: string, scope: 'MessageAttributes' | 'MessageBody', style: AttributeErrorStyle) {
  try {
    return compilePattern(policy, 'sns', { snsScope: scope });
  } catch (e) {
    if (!(e instanceof PatternError)) throw e;
    throw invalidParameter(style === 'subscribe' ? `Attributes Reason: ${e.detail}` : e.message.replace(/^Invalid parameter: /, ''));
  }
}

/** GetSubscriptionAttributes' answer. */
export function subscriptionAttributes(s: Subscription, topic: Topic | undefined): Record<string, string> {
  const out: Record<string, string> = {
    Owner: s.owner,
    RawMessageDelivery: String(s.raw),
    TopicArn: s.topicArn,
    Endpoint: s.endpoint,
    Protocol: s.protocol,
    PendingConfirmation: String(s.pending),
    ConfirmationWasAuthenticated: String(s.authenticated),
    SubscriptionArn: s.arn,
  };
  if (s.protocol === 'http' || s.protocol === 'https') out.EffectiveDeliveryPolicy = JSON.stringify(effectiveHttpPolicy(s, topic));
  for (const [k, v] of Object.entries(s.attributes)) out[k] = v;
  return out;
}

export interface HttpRetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numMaxDelayRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  backoffFunction: string;
}

/** The subscription's HTTP delivery policy: its own, else the topic's default, else SNS's default. */
export function effectiveHttpPolicy(s: Subscription, topic: Topic | undefined): { healthyRetryPolicy: HttpRetryPolicy; requestPolicy?: { headerContentType?: string }; sicklyRetryPolicy: null; throttlePolicy: null; guaranteed: boolean } {
  const own = parseObject(s.attributes.DeliveryPolicy);
  const topicHttp = parseObject(topic?.attributes.DeliveryPolicy)?.http as Record<string, unknown> | undefined;
  const overridable = !topicHttp?.disableSubscriptionOverrides;
  const retry = { ...DEFAULT_HTTP_RETRY, ...(topicHttp?.defaultHealthyRetryPolicy as object), ...(overridable ? (own?.healthyRetryPolicy as object) : {}) };
  const request = (overridable ? own?.requestPolicy : undefined) ?? topicHttp?.defaultRequestPolicy;
  return { healthyRetryPolicy: retry as HttpRetryPolicy, ...(request ? { requestPolicy: request as object } : {}), sicklyRetryPolicy: null, throttlePolicy: null, guaranteed: false };
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
