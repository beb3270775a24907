/**
 * Delivery of a matched event to a rule's targets: the target's input (transformer.ts), the send
 * (dispatch.ts, or another bus), RetryPolicy, and the DeadLetterConfig queue for deliveries that
 * fail, with the message attributes EventBridge puts on dead-lettered events.
 */
import type { Cloud } from '../../core/cloud.js';
import { isAwsError } from '../../core/errors.js';
import type { MessageAttributeValue } from '../../generated/sqs.types.js';
import type { Target } from '../../generated/events.types.js';
import { sendToSqs, sendToTarget, targetKind, type Scope } from './dispatch.js';
import type { IngestedEvent } from './put-events.js';
import { DEFAULT_RETRY, deliverWithRetries, type GiveUp, type RetrySettings } from './retry.js';
import type { Rule } from './store.js';
import { targetInput } from './transformer.js';

/** Puts an event on another bus (an event-bus target); rejects when the bus does not exist. */
export type ForwardToBus = (busArn: string, ev: IngestedEvent) => Promise<void>;

export function retrySettings(t: { RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number } }): RetrySettings {
  return {
    maximumRetryAttempts: t.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_RETRY.maximumRetryAttempts,
    maximumEventAgeMs: (t.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_RETRY.maximumEventAgeMs / 1000) * 1000,
  };
}

/** EventBridge's ERROR_CODE attribute for a failed delivery. */
export function deliveryErrorCode(err: unknown): string {
  const code = isAwsError(err) ? err.code : '';
  if (/NotFound|NonExistent|DoesNotExist/.test(code)) return 'RESOURCE_NOT_FOUND';
  if (/AccessDenied|NotAuthorized/.test(code)) return 'NO_PERMISSIONS';
  return 'SDK_CLIENT_ERROR';
}

const str = (v: string): MessageAttributeValue => ({ DataType: 'String', StringValue: v });

export class TargetDelivery {
  constructor(
    private readonly cloud: Cloud,
    private readonly forward: ForwardToBus,
  ) {}

  /** Starts delivery to every target of the rule; returns at once (delivery is asynchronous). */
  deliver(rule: Rule, ev: IngestedEvent): void {
    for (const target of rule.targets.values()) this.deliverOne(rule, target, ev);
  }

  private deliverOne(rule: Rule, target: Target, ev: IngestedEvent): void {
    const scope: Scope = { account: rule.bus.account, region: rule.bus.region };
    const kind = targetKind(target.Arn);
    const payload =
      kind === 'event-bus'
        ? ev.json
        : targetInput(target, { event: ev.event as unknown as Record<string, unknown>, json: ev.json, ruleArn: rule.arn, ruleName: rule.name, ingestionTime: new Date(ev.ingested).toISOString() });
    const send = (): Promise<void> => {
      if (kind === 'event-bus') return this.forward(target.Arn, ev);
      const fifo = kind === 'sqs' && target.Arn.endsWith('.fifo');
      return sendToTarget(this.cloud, target.Arn, payload, scope, {
        messageGroupId: target.SqsParameters?.MessageGroupId,
        deduplicationId: fifo ? ev.event.id : undefined,
      });
    };
    deliverWithRetries(this.cloud.clock, ev.ingested, retrySettings(target), send, (g) => this.deadLetter(rule, target, ev, g));
  }

  private async deadLetter(rule: Rule, target: Target, ev: IngestedEvent, g: GiveUp): Promise<void> {
    const dlq = target.DeadLetterConfig?.Arn;
    const message = g.error instanceof Error ? g.error.message : String(g.error);
    if (!dlq) {
      this.cloud.logger.debug('event delivery failed', { rule: rule.arn, target: target.Arn, error: message });
      return;
    }
    const attributes: Record<string, MessageAttributeValue> = {
      RULE_ARN: str(rule.arn),
      TARGET_ARN: str(target.Arn),
      ERROR_CODE: str(deliveryErrorCode(g.error)),
      ERROR_MESSAGE: str(message),
      RETRY_ATTEMPTS: { DataType: 'Number', StringValue: String(g.retries) },
    };
    if (g.condition !== 'NotRetryable') attributes.EXHAUSTED_RETRY_CONDITION = str(g.condition);
    try {
      await sendToSqs(this.cloud, dlq, ev.json, { account: rule.bus.account, region: rule.bus.region }, { attributes, deduplicationId: dlq.endsWith('.fifo') ? ev.event.id : undefined, messageGroupId: dlq.endsWith('.fifo') ? rule.name : undefined });
    } catch (err) {
      this.cloud.logger.warn('event dead-letter delivery failed', { rule: rule.arn, dlq, error: String(err) });
    }
  }
}
