/** Amazon SNS: the API handlers and the in-process interface (`SnsService`). */
import { AwsError } from '../../core/errors.js';
import { arn, parseArn, randomHex, uuid } from '../../core/ids.js';
import type * as T from '../../generated/sns.types.js';
import type { ServiceFactory } from '../registry.js';
import type { RequestContext, ServiceInstance } from '../types.js';
import { applySubscriptionAttribute, checkTopicAttribute, defaultTopicPolicy, subscriptionAttributes, topicAttributes } from './attributes.js';
import { Deliverer } from './delivery.js';
import { checkBatch, Publisher } from './publish.js';
import { signer } from './signing.js';
import { SnsStore, type Protocol, type RecordedMessage, type Subscription, type Topic } from './store.js';
import { checkPhoneNumber, checkTopicName, invalidParameter, notFound, parseTopicArn } from './validate.js';

export interface SnsService extends ServiceInstance {
  /** Email and SMS deliveries (and email confirmations), oldest first. */
  recordedMessages(): readonly RecordedMessage[];
  /** PEM of the certificate that verifies message signatures (served at SigningCertURL). */
  signingCertificate(): string;
  /** Resolves once every HTTP/S and Lambda delivery started so far, with its retries, has ended. */
  idle(): Promise<void>;
}

const PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);
const CONFIRMED_ON_SUBSCRIBE = new Set(['sqs', 'lambda', 'sms', 'firehose', 'application']);
const PAGE = 100;
const MAX_TAGS = 50;

const topicNotFound = () => notFound('Topic does not exist');

export const createService: ServiceFactory = (cloud) => {
  const store = new SnsStore();
  const deliverer = new Deliverer(cloud, store);
  const publisher = new Publisher(cloud.clock, deliverer, () => cloud.endpoint);

  function topicAt(topicArn: string, member = 'TopicArn'): Topic {
    parseTopicArn(topicArn, member);
    const t = store.topics.get(topicArn);
    if (!t) throw topicNotFound();
    return t;
  }

  function subscriptionAt(subscriptionArn: string): Subscription {
    const s = store.subscriptions.get(subscriptionArn);
    if (!s) {
      const p = parseArn(subscriptionArn);
      if (!p || p.service !== 'sns') throw invalidParameter('SubscriptionArn');
      throw notFound('Subscription does not exist');
    }
    return s;
  }

  function page<V>(items: V[], token: string | undefined): { page: V[]; next?: string } {
    let start = 0;
    if (token !== undefined) {
      start = Number(Buffer.from(token, 'base64').toString('utf8'));
      if (!Number.isInteger(start) || start < 0 || start > items.length) throw invalidParameter('NextToken');
    }
    const end = start + PAGE;
    return { page: items.slice(start, end), next: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined };
  }

  const subscriptionView = (s: Subscription): T.Subscription => ({
    SubscriptionArn: s.pending ? 'PendingConfirmation' : s.arn,
    Owner: s.owner,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    TopicArn: s.topicArn,
  });

  function checkTags(tags: T.Tag[], existing: Map<string, string>): void {
    const keys = new Set([...existing.keys(), ...tags.map((t) => t.Key)]);
    if (keys.size > MAX_TAGS) throw new AwsError('TagLimitExceededException', 'Could not complete request: tag quota of per resource exceeded');
  }

  function tagged(resourceArn: string): Topic {
    const t = store.topics.get(resourceArn);
    if (!t) throw new AwsError('ResourceNotFoundException', 'Resource does not exist');
    return t;
  }

  function policyOf(t: Topic): { Statement: { Sid?: string }[] } & Record<string, unknown> {
    return JSON.parse(t.attributes.Policy || defaultTopicPolicy(t.arn, t.account));
  }

  function checkEndpoint(protocol: string, endpoint: string | undefined, topic: Topic): string {
    if (endpoint === undefined || endpoint === '') throw invalidParameter('Endpoint');
    switch (protocol) {
      case 'http':
      case 'https':
        if (!endpoint.toLowerCase().startsWith(`${protocol}://`)) throw invalidParameter('Endpoint must match the specified protocol');
        break;
      case 'email':
      case 'email-json':
        if (!/^[^@\s]+@[^@\s]+$/.test(endpoint)) throw invalidParameter('Email address');
        break;
      case 'sms':
        checkPhoneNumber(endpoint);
        break;
      case 'sqs': {
        const p = parseArn(endpoint);
        if (!p || p.service !== 'sqs') throw invalidParameter('SQS endpoint ARN');
        if (!topic.fifo && p.resource.endsWith('.fifo')) throw invalidParameter('Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
        break;
      }
      case 'lambda': {
        const p = parseArn(endpoint);
        if (!p || p.service !== 'lambda') throw invalidParameter('Lambda endpoint ARN');
        break;
      }
      default:
        throw invalidParameter(`Nimbus does not deliver to the ${protocol} protocol`);
    }
    if (topic.fifo && protocol !== 'sqs') throw invalidParameter(`Invalid protocol type: ${protocol}. FIFO topics only support SQS subscriptions`);
    return endpoint;
  }

  const handlers: Record<string, (ctx: RequestContext, input: any) => unknown> = {
    CreateTopic(ctx, input: T.CreateTopicInput): T.CreateTopicResponse {
      const attrs = input.Attributes ?? {};
      const fifo = (attrs.FifoTopic ?? '').toLowerCase() === 'true';
      if (attrs.FifoTopic !== undefined && !['true', 'false'].includes(attrs.FifoTopic.toLowerCase())) throw invalidParameter('FifoTopic');
      checkTopicName(input.Name, fifo);
      const settable: Record<string, string> = {};
      for (const [k, v] of Object.entries(attrs)) {
        if (k === 'FifoTopic') continue;
        checkTopicAttribute(k, v, fifo);
        settable[k] = v;
      }
      const topicArn = arn('sns', ctx.region, ctx.account, input.Name);
      const existing = store.topics.get(topicArn);
      if (existing) {
        for (const [k, v] of Object.entries(settable)) if ((existing.attributes[k] ?? '') !== v) throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
        for (const tag of input.Tags ?? []) if (existing.tags.get(tag.Key) !== tag.Value) throw invalidParameter('Tags Reason: Topic already exists with different tags');
        return { TopicArn: topicArn };
      }
      const tags = new Map<string, string>();
      checkTags(input.Tags ?? [], tags);
      for (const tag of input.Tags ?? []) tags.set(tag.Key, tag.Value);
      store.topics.set(topicArn, {
        arn: topicArn,
        name: input.Name,
        account: ctx.account,
        region: ctx.region,
        fifo,
        attributes: settable,
        tags,
        dataProtectionPolicy: input.DataProtectionPolicy,
        subscriptions: new Set(),
        deletedSubscriptions: 0,
        sequence: 10_000_000_000_000_000_000n,
        dedup: new Map(),
      });
      return { TopicArn: topicArn };
    },

    DeleteTopic(_ctx, input: T.DeleteTopicInput): void {
      parseTopicArn(input.TopicArn);
      const t = store.topics.get(input.TopicArn);
      if (t) store.deleteTopic(t);
    },

    ListTopics(ctx, input: T.ListTopicsInput): T.ListTopicsResponse {
      const { page: topics, next } = page(store.topicsOf(ctx.account, ctx.region), input.NextToken);
      return { Topics: topics.map((t) => ({ TopicArn: t.arn })), NextToken: next };
    },

    GetTopicAttributes(_ctx, input: T.GetTopicAttributesInput): T.GetTopicAttributesResponse {
      const t = topicAt(input.TopicArn);
      const subs = [...t.subscriptions].map((a) => store.subscriptions.get(a)!).filter(Boolean);
      return { Attributes: topicAttributes(t, subs) };
    },

    SetTopicAttributes(_ctx, input: T.SetTopicAttributesInput): void {
      const t = topicAt(input.TopicArn);
      if (input.AttributeName === 'FifoTopic') throw invalidParameter('AttributeName');
      const value = input.AttributeValue ?? '';
      checkTopicAttribute(input.AttributeName, value, t.fifo);
      if (value === '' && input.AttributeName !== 'DisplayName') delete t.attributes[input.AttributeName];
      else t.attributes[input.AttributeName] = value;
    },

    Subscribe(ctx, input: T.SubscribeInput): T.SubscribeResponse {
      const t = topicAt(input.TopicArn);
      const protocol = input.Protocol;
      if (!PROTOCOLS.has(protocol)) throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
      const endpoint = checkEndpoint(protocol, input.Endpoint, t);
      const attrs = input.Attributes ?? {};
      for (const a of t.subscriptions) {
        const s = store.subscriptions.get(a);
        if (!s || s.protocol !== protocol || s.endpoint !== endpoint) continue;
        for (const [k, v] of Object.entries(attrs)) if ((s.attributes[k] ?? '') !== v) throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
        return { SubscriptionArn: s.pending && !input.ReturnSubscriptionArn ? 'pending confirmation' : s.arn };
      }
      const pending = !CONFIRMED_ON_SUBSCRIBE.has(protocol);
      const s: Subscription = {
        arn: `${t.arn}:${uuid()}`,
        topicArn: t.arn,
        owner: ctx.account,
        protocol: protocol as Protocol,
        endpoint,
        pending,
        authenticated: !pending,
        token: pending ? randomHex(64) : undefined,
        attributes: {},
        raw: false,
        filterScope: 'MessageAttributes',
      };
      // The scope decides how the policy compiles, so it goes first.
      const names = Object.keys(attrs).sort((a, b) => (a === 'FilterPolicyScope' ? -1 : b === 'FilterPolicyScope' ? 1 : 0));
      for (const name of names) applySubscriptionAttribute(s, name, attrs[name], 'subscribe');
      store.addSubscription(t, s);
      if (pending) deliverer.sendConfirmation(t, s, t.attributes.SignatureVersion || '1');
      return { SubscriptionArn: pending && !input.ReturnSubscriptionArn ? 'pending confirmation' : s.arn };
    },

    ConfirmSubscription(_ctx, input: T.ConfirmSubscriptionInput): T.ConfirmSubscriptionResponse {
      topicAt(input.TopicArn);
      const subArn = store.tokens.get(input.Token);
      const s = subArn ? store.subscriptions.get(subArn) : undefined;
      if (!s || s.topicArn !== input.TopicArn) throw invalidParameter('Token');
      if (s.pending) {
        s.pending = false;
        s.authenticated = input.AuthenticateOnUnsubscribe === 'true';
      }
      return { SubscriptionArn: s.arn };
    },

    Unsubscribe(_ctx, input: T.UnsubscribeInput): void {
      const p = parseArn(input.SubscriptionArn);
      if (!p || p.service !== 'sns') throw invalidParameter('SubscriptionArn');
      if (!p.resource.includes(':')) throw invalidParameter('SubscriptionId');
      const s = store.subscriptions.get(input.SubscriptionArn);
      if (s) store.removeSubscription(s);
    },

    ListSubscriptions(ctx, input: T.ListSubscriptionsInput): T.ListSubscriptionsResponse {
      const { page: subs, next } = page(store.subscriptionsOf(ctx.account, ctx.region), input.NextToken);
      return { Subscriptions: subs.map(subscriptionView), NextToken: next };
    },

    ListSubscriptionsByTopic(_ctx, input: T.ListSubscriptionsByTopicInput): T.ListSubscriptionsByTopicResponse {
      const t = topicAt(input.TopicArn);
      const all = [...t.subscriptions].map((a) => store.subscriptions.get(a)!).filter(Boolean);
      const { page: subs, next } = page(all, input.NextToken);
      return { Subscriptions: subs.map(subscriptionView), NextToken: next };
    },

    GetSubscriptionAttributes(_ctx, input: T.GetSubscriptionAttributesInput): T.GetSubscriptionAttributesResponse {
      const s = subscriptionAt(input.SubscriptionArn);
      return { Attributes: subscriptionAttributes(s, store.topics.get(s.topicArn)) };
    },

    SetSubscriptionAttributes(_ctx, input: T.SetSubscriptionAttributesInput): void {
      const s = subscriptionAt(input.SubscriptionArn);
      applySubscriptionAttribute(s, input.AttributeName, input.AttributeValue ?? '', 'set');
    },

    async Publish(ctx, input: T.PublishInput): Promise<T.PublishResponse> {
      const targets = [input.TopicArn, input.TargetArn, input.PhoneNumber].filter((v) => v !== undefined).length;
      if (targets === 0) throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
      if (targets > 1) throw invalidParameter('TopicArn Reason: Only one of TopicArn, TargetArn or PhoneNumber can be specified');
      if (input.PhoneNumber !== undefined) return publishSms(ctx, input);
      let topicArn = input.TopicArn;
      if (topicArn === undefined) {
        const p = parseArn(input.TargetArn!);
        if (!p || p.service !== 'sns') throw invalidParameter('TargetArn');
        if (p.resource.startsWith('endpoint/')) throw notFound('Endpoint does not exist');
        topicArn = input.TargetArn!;
      }
      const t = topicAt(topicArn, input.TopicArn === undefined ? 'TargetArn' : 'TopicArn');
      return publisher.publish(t, input);
    },

    async PublishBatch(_ctx, input: T.PublishBatchInput): Promise<T.PublishBatchResponse> {
      parseTopicArn(input.TopicArn);
      checkBatch(input.PublishBatchRequestEntries);
      return publisher.publishBatch(topicAt(input.TopicArn), input.PublishBatchRequestEntries);
    },

    TagResource(_ctx, input: T.TagResourceRequest): T.TagResourceResponse {
      const t = tagged(input.ResourceArn);
      checkTags(input.Tags, t.tags);
      for (const tag of input.Tags) t.tags.set(tag.Key, tag.Value);
      return {};
    },

    UntagResource(_ctx, input: T.UntagResourceRequest): T.UntagResourceResponse {
      const t = tagged(input.ResourceArn);
      for (const k of input.TagKeys) t.tags.delete(k);
      return {};
    },

    ListTagsForResource(_ctx, input: T.ListTagsForResourceRequest): T.ListTagsForResourceResponse {
      const t = tagged(input.ResourceArn);
      return { Tags: [...t.tags].map(([Key, Value]) => ({ Key, Value })) };
    },

    AddPermission(_ctx, input: T.AddPermissionInput): void {
      const t = topicAt(input.TopicArn);
      const policy = policyOf(t);
      if (policy.Statement.some((s) => s.Sid === input.Label)) throw invalidParameter('Statement already exists');
      policy.Statement.push({
        Sid: input.Label,
        Effect: 'Allow',
        Principal: { AWS: input.AWSAccountId.map((a) => (/^\d{12}$/.test(a) ? `arn:aws:iam::${a}:root` : a)) },
        Action: input.ActionName.map((a) => `SNS:${a}`),
        Resource: t.arn,
      } as { Sid: string });
      t.attributes.Policy = JSON.stringify(policy);
    },

    RemovePermission(_ctx, input: T.RemovePermissionInput): void {
      const t = topicAt(input.TopicArn);
      const policy = policyOf(t);
      const kept = policy.Statement.filter((s) => s.Sid !== input.Label);
      if (kept.length === policy.Statement.length) return;
      policy.Statement = kept;
      t.attributes.Policy = JSON.stringify(policy);
    },

    GetDataProtectionPolicy(_ctx, input: T.GetDataProtectionPolicyInput): T.GetDataProtectionPolicyResponse {
      const t = topicAt(input.ResourceArn, 'ResourceArn');
      return { DataProtectionPolicy: t.dataProtectionPolicy ?? '' };
    },

    PutDataProtectionPolicy(_ctx, input: T.PutDataProtectionPolicyInput): void {
      const t = topicAt(input.ResourceArn, 'ResourceArn');
      try {
        JSON.parse(input.DataProtectionPolicy);
      } catch {
        throw invalidParameter('DataProtectionPolicy');
      }
      t.dataProtectionPolicy = input.DataProtectionPolicy;
    },

    CheckIfPhoneNumberIsOptedOut(_ctx, input: T.CheckIfPhoneNumberIsOptedOutInput): T.CheckIfPhoneNumberIsOptedOutResponse {
      checkPhoneNumber(input.phoneNumber);
      return { isOptedOut: false };
    },
  };

  function publishSms(ctx: RequestContext, input: T.PublishInput): T.PublishResponse {
    const phone = input.PhoneNumber!;
    checkPhoneNumber(phone);
    if (input.Message.length === 0) throw invalidParameter('Empty message');
    const messageId = uuid();
    store.record({
      protocol: 'sms',
      endpoint: phone,
      messageId,
      type: 'Notification',
      message: input.Message,
      account: ctx.account,
      region: ctx.region,
      timestamp: new Date(cloud.clock.now()).toISOString(),
    });
    return { MessageId: messageId };
  }

  const service: SnsService = {
    handlers,
    recordedMessages: () => store.recorded,
    signingCertificate: () => signer().certificatePem,
    idle: () => deliverer.idle(),
    stop() {
      deliverer.stop();
    },
  };
  return service;
};
