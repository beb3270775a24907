/**
 * Topics, subscriptions, pending confirmation tokens and the record of email/SMS deliveries of one
 * Nimbus. In memory; the handlers only use these methods, so a persistent store can replace it.
 */
import type { CompiledPattern } from '../../core/patterns/index.js';

export interface Topic {
  arn: string;
  name: string;
  account: string;
  region: string;
  fifo: boolean;
  /** Settable attributes as the caller set them (DisplayName, Policy, DeliveryPolicy, ...). */
  attributes: Record<string, string>;
  tags: Map<string, string>;
  dataProtectionPolicy?: string;
  /** Subscription ARNs in subscription order. */
  subscriptions: Set<string>;
  deletedSubscriptions: number;
  /** FIFO topics: the last sequence number handed out. */
  sequence: bigint;
  /** FIFO topics: deduplication id -> the first publish's answer and when the window ends. */
  dedup: Map<string, { messageId: string; sequenceNumber: string; until: number }>;
}

export type Protocol = 'sqs' | 'lambda' | 'http' | 'https' | 'email' | 'email-json' | 'sms' | 'application' | 'firehose';

export interface Subscription {
  arn: string;
  topicArn: string;
  owner: string;
  protocol: Protocol;
  endpoint: string;
  pending: boolean;
  /** Whether the confirmation came with authentication (ConfirmSubscription with AuthenticateOnUnsubscribe). */
  authenticated: boolean;
  /** Token that confirms it (pending subscriptions only). */
  token?: string;
  attributes: Record<string, string>;
  raw: boolean;
  filter?: CompiledPattern;
  filterScope: 'MessageAttributes' | 'MessageBody';
  /** Dead-letter queue ARN from RedrivePolicy. */
  deadLetterArn?: string;
}

/** One email or SMS SNS would have sent, for GET /_nimbus/sns/messages. */
export interface RecordedMessage {
  protocol: 'email' | 'email-json' | 'sms';
  endpoint: string;
  messageId: string;
  /** SubscriptionConfirmation or Notification (SMS published straight to a number: Notification). */
  type: 'SubscriptionConfirmation' | 'Notification';
  subject?: string;
  message: string;
  topicArn?: string;
  subscriptionArn?: string;
  messageAttributes?: Record<string, { Type: string; Value: string }>;
  account: string;
  region: string;
  timestamp: string;
}

/** Recorded deliveries kept (oldest dropped first). */
const MAX_RECORDED = 10_000;

export class SnsStore {
  readonly topics = new Map<string, Topic>();
  readonly subscriptions = new Map<string, Subscription>();
  /** Confirmation token -> subscription ARN. */
  readonly tokens = new Map<string, string>();
  readonly recorded: RecordedMessage[] = [];

  topicsOf(account: string, region: string): Topic[] {
    const out: Topic[] = [];
    for (const t of this.topics.values()) if (t.account === account && t.region === region) out.push(t);
    return out;
  }

  subscriptionsOf(account: string, region: string): Subscription[] {
    const out: Subscription[] = [];
    for (const s of this.subscriptions.values()) {
      const t = this.topics.get(s.topicArn);
      if (s.owner === account && t && t.region === region) out.push(s);
    }
    return out;
  }

  addSubscription(topic: Topic, s: Subscription): void {
    this.subscriptions.set(s.arn, s);
    topic.subscriptions.add(s.arn);
    if (s.token) this.tokens.set(s.token, s.arn);
  }

  removeSubscription(s: Subscription): void {
    this.subscriptions.delete(s.arn);
    if (s.token) this.tokens.delete(s.token);
    const t = this.topics.get(s.topicArn);
    if (t && t.subscriptions.delete(s.arn)) t.deletedSubscriptions++;
  }

  deleteTopic(t: Topic): void {
    for (const arn of t.subscriptions) {
      const s = this.subscriptions.get(arn);
      if (!s) continue;
      this.subscriptions.delete(arn);
      if (s.token) this.tokens.delete(s.token);
    }
    this.topics.delete(t.arn);
  }

  record(m: RecordedMessage): void {
    if (this.recorded.length >= MAX_RECORDED) this.recorded.splice(0, this.recorded.length - MAX_RECORDED + 1);
    this.recorded.push(m);
  }
}
