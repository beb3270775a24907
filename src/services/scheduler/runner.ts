/**
 * Runs schedules on the shared clock: one timer per enabled schedule at its next invocation
 * (within StartDate / EndDate, in ScheduleExpressionTimezone), the target invoked with the
 * schedule's RetryPolicy and DeadLetterConfig, and ActionAfterCompletion DELETE after the last one.
 *
 * A flexible time window is honoured by invoking at the start of the window (AWS picks a time
 * within it), so runs on an advanced clock are deterministic.
 */
import type { Cloud } from '../../core/cloud.js';
import { uuid } from '../../core/ids.js';
import { nextFireTime } from '../../core/schedule/expression.js';
import type { MessageAttributeValue } from '../../generated/sqs.types.js';
import { sendToSqs } from '../events/dispatch.js';
import { isoSeconds } from '../events/put-events.js';
import { deliverWithRetries, type GiveUp } from '../events/retry.js';
import { deliveryErrorCode, retrySettings } from '../events/targets.js';
import type { Schedule } from './store.js';
import { invokeTarget, renderInput, type InvocationContext } from './targets.js';

const str = (v: string): MessageAttributeValue => ({ DataType: 'String', StringValue: v });

export class ScheduleRunner {
  constructor(
    private readonly cloud: Cloud,
    private readonly remove: (s: Schedule) => void,
  ) {}

  /** The next invocation strictly after `after`, or undefined when the schedule has no more. */
  nextTime(s: Schedule, after: number): number | undefined {
    const start = s.startDate?.getTime();
    let t: number | undefined;
    if (s.expression.kind === 'rate') t = nextFireTime(s.expression, after, s.timezone, start ?? s.anchor);
    else t = nextFireTime(s.expression, start !== undefined ? Math.max(after, start - 1) : after, s.timezone);
    if (t !== undefined && s.endDate && t >= s.endDate.getTime()) return undefined;
    return t;
  }

  /**
   * (Re)arms the schedule's timer after a create or an update (from that change), or after an invocation
   * (from that invocation, so that a clock advanced past several invocations runs each of them).
   */
  arm(s: Schedule, after = Math.max(s.lastFired ?? -Infinity, s.anchor - 1)): void {
    this.cloud.clock.clear(s.timer);
    s.timer = undefined;
    if (s.state !== 'ENABLED') return;
    const next = this.nextTime(s, after);
    if (next === undefined) return;
    s.timer = this.cloud.clock.at(next, () => {
      s.timer = undefined;
      s.lastFired = next;
      this.invoke(s, next);
      if (this.nextTime(s, next) === undefined) {
        if (s.actionAfterCompletion === 'DELETE') this.remove(s);
        return;
      }
      this.arm(s, next);
    });
  }

  disarm(s: Schedule): void {
    this.cloud.clock.clear(s.timer);
    s.timer = undefined;
  }

  private invoke(s: Schedule, at: number): void {
    const scope = { account: s.group.account, region: s.group.region };
    const target = s.target;
    const executionId = uuid();
    const context = (attempt: number): InvocationContext => ({ scheduleArn: s.arn, scheduledTime: isoSeconds(at), executionId, attempt });
    deliverWithRetries(
      this.cloud.clock,
      at,
      retrySettings(target),
      (n) => invokeTarget(this.cloud, target, renderInput(target.Input, context(n + 1)), scope, context(n + 1)),
      (g) => this.deadLetter(s, renderInput(target.Input, context(g.retries + 1)) ?? '{}', scope, g),
    );
  }

  private async deadLetter(s: Schedule, body: string, scope: { account: string; region: string }, g: GiveUp): Promise<void> {
    const dlq = s.target.DeadLetterConfig?.Arn;
    const message = g.error instanceof Error ? g.error.message : String(g.error);
    if (!dlq) {
      this.cloud.logger.debug('schedule invocation failed', { schedule: s.arn, error: message });
      return;
    }
    const attributes: Record<string, MessageAttributeValue> = {
      SCHEDULE_ARN: str(s.arn),
      TARGET_ARN: str(s.target.Arn),
      ERROR_CODE: str(deliveryErrorCode(g.error)),
      ERROR_MESSAGE: str(message),
      RETRY_ATTEMPTS: { DataType: 'Number', StringValue: String(g.retries) },
    };
    if (g.condition !== 'NotRetryable') attributes.EXHAUSTED_RETRY_CONDITION = str(g.condition);
    try {
      await sendToSqs(this.cloud, dlq, body, scope, { attributes });
    } catch (err) {
      this.cloud.logger.warn('schedule dead-letter delivery failed', { schedule: s.arn, dlq, error: String(err) });
    }
  }
}
