/**
 * Delivers notifications to subscriptions: SQS (envelope or raw, in order, before Publish returns),
 * Lambda (the SNS event, asynchronously), HTTP/S (POST with AWS's headers, retried through the
 * clock per the delivery policy), email and SMS (recorded for GET /_nimbus/sns/messages). A delivery
 * that finally fails goes to the subscription's dead-letter queue when it has one.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Cloud } from '../../core/cloud.js';
import { snsAttributesToMatchInput } from '../../core/patterns/index.js';
import type { MessageAttributeValue } from '../../generated/sns.types.js';
import type { SqsService } from '../sqs/types.js';
import type { ServiceInstance } from '../types.js';
import { effectiveHttpPolicy, type HttpRetryPolicy } from './attributes.js';
import { confirmationEnvelope, confirmationMessage, EnvelopeBuilder, lambdaEvent, messageFor, subscribeUrl, type Notification } from './envelope.js';
import type { SnsStore, Subscription, Topic } from './store.js';
import { uuid } from '../../core/ids.js';

/** The part of the Lambda service SNS uses (asynchronous invocation of a function by name or ARN). */
export interface LambdaInvoker extends ServiceInstance {
  invoke?(functionNameOrArn: string, payload: unknown, options?: { invocationType?: 'Event' | 'RequestResponse' }): Promise<unknown>;
}

const HTTP_TIMEOUT_MS = 15_000;
const USER_AGENT = 'Amazon Simple Notification Service Agent';

class DeliveryError extends Error {
  constructor(
    message: string,
    /** Server-side errors are retried; client-side ones are not. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export class Deliverer {
  private sqsInstance: SqsService | undefined;
  /** HTTP deliveries and retries under way, so tests and stop() can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly cloud: Cloud,
    private readonly store: SnsStore,
  ) {}

  private async sqs(): Promise<SqsService> {
    return (this.sqsInstance ??= await this.cloud.service<SqsService>('sqs'));
  }

  stop(): void {
    this.stopped = true;
  }

  /** Resolves once every delivery started so far (and its retries) has ended. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
  }

  /** Fans one notification out to the topic's confirmed subscriptions whose filter matches. */
  async fanOut(topic: Topic, n: Notification): Promise<void> {
    let attributeInput: Record<string, unknown> | undefined;
    let bodies: Map<string, unknown> | undefined;
    let envelopes: Map<string, EnvelopeBuilder> | undefined;
    for (const arn of topic.subscriptions) {
      const s = this.store.subscriptions.get(arn);
      if (!s || s.pending) continue;
      const message = messageFor(n, s.protocol);
      if (s.filter) {
        let input: unknown;
        if (s.filterScope === 'MessageBody') {
          bodies ??= new Map();
          if (!bodies.has(message)) bodies.set(message, parseBody(message));
          input = bodies.get(message);
        } else {
          input = attributeInput ??= snsAttributesToMatchInput((n.attributes ?? {}) as Record<string, { DataType: string; StringValue?: string }>);
        }
        if (input === undefined || !s.filter.match(input)) continue;
      }
      envelopes ??= new Map();
      let env = envelopes.get(message);
      if (!env) envelopes.set(message, (env = new EnvelopeBuilder(n, message)));
      await this.deliver(topic, s, n, message, env);
    }
  }

  private async deliver(topic: Topic, s: Subscription, n: Notification, message: string, env: EnvelopeBuilder): Promise<void> {
    const body = () => (s.raw ? message : env.forSubscription(n.endpoint, s.arn));
    switch (s.protocol) {
      case 'sqs':
        try {
          this.sendToQueue(await this.sqs(), s.endpoint, topic, n, body(), s.raw ? n.attributes : undefined);
        } catch (e) {
          await this.deadLetter(topic, s, n, body(), e);
        }
        return;
      case 'lambda':
        this.track(this.invokeLambda(topic, s, n, message, env, body()));
        return;
      case 'http':
      case 'https':
        this.track(this.postNotification(topic, s, n, body()));
        return;
      case 'email':
      case 'email-json':
      case 'sms':
        this.store.record({
          protocol: s.protocol,
          endpoint: s.endpoint,
          messageId: n.messageId,
          type: 'Notification',
          subject: s.protocol === 'sms' ? undefined : (n.subject ?? 'AWS Notification Message'),
          message: s.protocol === 'email-json' ? env.forSubscription(n.endpoint, s.arn) : message,
          topicArn: n.topicArn,
          subscriptionArn: s.arn,
          account: topic.account,
          region: topic.region,
          timestamp: n.timestamp,
        });
        return;
      default:
        await this.deadLetter(topic, s, n, body(), new Error(`Nimbus does not deliver to the ${s.protocol} protocol`));
    }
  }

  private sendToQueue(sqs: SqsService, queueArn: string, topic: Topic, n: Notification, body: string, attributes?: Record<string, MessageAttributeValue>): void {
    const queue = sqs.getQueue(queueArn);
    const fifoQueue = queue.fifo;
    const group = fifoQueue || !topic.fifo ? n.groupId : undefined;
    sqs.sendMessage(queueArn, body, attributes as never, group, fifoQueue ? n.dedupId : undefined, { scope: { account: queue.account, region: queue.region } });
  }

  /** `failed` is what the dead-letter queue receives: the notification envelope, as for SQS. */
  private async invokeLambda(topic: Topic, s: Subscription, n: Notification, message: string, env: EnvelopeBuilder, failed: string): Promise<void> {
    const event = lambdaEvent(n, message, s.arn, env.signature);
    try {
      const lambda = await this.cloud.service<LambdaInvoker>('lambda');
      if (typeof lambda.invoke !== 'function') throw new Error('Nimbus cannot invoke Lambda functions yet');
      await lambda.invoke(s.endpoint, event, { invocationType: 'Event' });
    } catch (e) {
      await this.deadLetter(topic, s, n, failed, e);
    }
  }

  private async postNotification(topic: Topic, s: Subscription, n: Notification, body: string): Promise<void> {
    const policy = effectiveHttpPolicy(s, topic);
    const headers: Record<string, string> = {
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': n.messageId,
      'x-amz-sns-topic-arn': n.topicArn,
      'x-amz-sns-subscription-arn': s.arn,
      'content-type': policy.requestPolicy?.headerContentType ?? 'text/plain; charset=UTF-8',
    };
    if (s.raw) headers['x-amz-sns-rawdelivery'] = 'true';
    try {
      await this.postWithRetries(s.endpoint, headers, body, policy.healthyRetryPolicy);
    } catch (e) {
      await this.deadLetter(topic, s, n, body, e);
    }
  }

  /** Sends the SubscriptionConfirmation of a pending HTTP/S, email or email-json subscription. */
  sendConfirmation(topic: Topic, s: Subscription, signatureVersion: string): void {
    const c = {
      type: 'SubscriptionConfirmation' as const,
      messageId: uuid(),
      token: s.token!,
      topicArn: topic.arn,
      message: confirmationMessage(topic.arn),
      subscribeUrl: subscribeUrl(this.cloud.endpoint, topic.arn, s.token!),
      timestamp: new Date(this.cloud.clock.now()).toISOString(),
      signatureVersion,
      endpoint: this.cloud.endpoint,
    };
    if (s.protocol === 'email' || s.protocol === 'email-json') {
      this.store.record({
        protocol: s.protocol,
        endpoint: s.endpoint,
        messageId: c.messageId,
        type: 'SubscriptionConfirmation',
        subject: 'AWS Notification - Subscription Confirmation',
        message: s.protocol === 'email-json' ? confirmationEnvelope(c) : `${c.message}\n${c.subscribeUrl}`,
        topicArn: topic.arn,
        account: topic.account,
        region: topic.region,
        timestamp: c.timestamp,
      });
      return;
    }
    const headers = {
      'x-amz-sns-message-type': 'SubscriptionConfirmation',
      'x-amz-sns-message-id': c.messageId,
      'x-amz-sns-topic-arn': topic.arn,
      'content-type': 'text/plain; charset=UTF-8',
    };
    this.track(this.postWithRetries(s.endpoint, headers, confirmationEnvelope(c), effectiveHttpPolicy(s, topic).healthyRetryPolicy).catch(() => undefined));
  }

  private async postWithRetries(url: string, headers: Record<string, string>, body: string, policy: HttpRetryPolicy): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) throw new DeliveryError('Nimbus stopped', false);
      try {
        await post(url, headers, body);
        return;
      } catch (e) {
        const retryable = !(e instanceof DeliveryError) || e.retryable;
        if (!retryable || attempt >= policy.numRetries) throw e;
        await this.cloud.clock.sleep(retryDelaySeconds(policy, attempt + 1) * 1000);
      }
    }
  }

  /** Sends a failed delivery to the subscription's dead-letter queue; otherwise it is dropped. */
  private async deadLetter(topic: Topic, s: Subscription, n: Notification, body: string, cause: unknown): Promise<void> {
    this.cloud.logger.debug('sns delivery failed', { subscription: s.arn, error: String((cause as Error)?.message ?? cause) });
    if (!s.deadLetterArn) return;
    try {
      this.sendToQueue(await this.sqs(), s.deadLetterArn, topic, n, body, s.raw ? n.attributes : undefined);
    } catch (e) {
      this.cloud.logger.warn('sns could not move a failed delivery to its dead-letter queue', { subscription: s.arn, error: String((e as Error)?.message ?? e) });
    }
  }
}

function parseBody(message: string): unknown {
  try {
    const v: unknown = JSON.parse(message);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Delay before retry `n` (1-based) under an HTTP/S retry policy: the no-delay retries, then the
 * minimum-delay ones, then the backoff phase from minDelayTarget to maxDelayTarget, then the
 * maximum-delay ones.
 */
export function retryDelaySeconds(p: HttpRetryPolicy, n: number): number {
  const noDelay = p.numNoDelayRetries ?? 0;
  const minDelay = p.numMinDelayRetries ?? 0;
  const maxDelay = p.numMaxDelayRetries ?? 0;
  if (n <= noDelay) return 0;
  if (n <= noDelay + minDelay) return p.minDelayTarget;
  const backoff = Math.max(0, p.numRetries - noDelay - minDelay - maxDelay);
  const k = n - noDelay - minDelay;
  if (k > backoff) return p.maxDelayTarget;
  const min = p.minDelayTarget;
  const max = p.maxDelayTarget;
  if (backoff <= 1 || min === max) return k === backoff ? max : min;
  const f = (k - 1) / (backoff - 1);
  switch (p.backoffFunction) {
    case 'exponential':
      return Math.round(min * Math.pow(Math.max(max, 1) / Math.max(min, 1), f));
    case 'geometric':
      return Math.round(min + (max - min) * f * f * f);
    case 'arithmetic':
      return Math.round(min + (max - min) * f * f);
    default:
      return Math.round(min + (max - min) * f);
  }
}

function post(url: string, headers: Record<string, string>, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return reject(new DeliveryError(`invalid endpoint ${url}`, false));
    }
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      u,
      { method: 'POST', headers: { ...headers, 'user-agent': USER_AGENT, 'content-length': String(Buffer.byteLength(body)) }, timeout: HTTP_TIMEOUT_MS },
      (res: IncomingMessage) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new DeliveryError(`endpoint answered ${status}`, status === 429 || status >= 500));
        });
        res.on('error', (e) => reject(new DeliveryError(e.message, true)));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => reject(new DeliveryError(e.message, true)));
    req.end(body);
  });
}

