/**
 * Delivery with a RetryPolicy: attempts spaced by exponential backoff on the shared clock until
 * the attempt budget or the event's maximum age runs out, then the dead-letter callback. Errors a
 * retry cannot fix (the target does not exist, access, not implemented) give up at once, as
 * EventBridge does not retry those.
 */
import type { Clock } from '../../core/clock.js';
import { isAwsError } from '../../core/errors.js';

export interface RetrySettings {
  /** Retries after the first attempt (AWS default 185). */
  maximumRetryAttempts: number;
  /** How long after the event delivery is attempted (AWS default 86,400 s). */
  maximumEventAgeMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maximumRetryAttempts: 185, maximumEventAgeMs: 86_400_000 };

export type ExhaustedCondition = 'MaximumRetryAttemptsExhausted' | 'MaximumEventAgeExhausted' | 'NotRetryable';

export interface GiveUp {
  error: unknown;
  /** Retries made (attempts - 1). */
  retries: number;
  condition: ExhaustedCondition;
}

const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 180_000;

/** Whether retrying might help: throttling and service-side failures, not client errors. */
export function isRetryable(err: unknown): boolean {
  if (!isAwsError(err)) return true;
  if (err.code === 'NotImplemented') return false;
  if (/Throttl|TooManyRequests|RequestLimitExceeded/.test(err.code)) return true;
  return err.status >= 500;
}

export function deliverWithRetries(clock: Clock, startedAt: number, settings: RetrySettings, attempt: (n: number) => Promise<void>, onGiveUp: (g: GiveUp) => void | Promise<void>): void {
  const run = (n: number): void => {
    attempt(n).then(
      () => undefined,
      (error: unknown) => {
        let condition: ExhaustedCondition | undefined;
        if (!isRetryable(error)) condition = 'NotRetryable';
        else if (n >= settings.maximumRetryAttempts) condition = 'MaximumRetryAttemptsExhausted';
        const delay = Math.min(BASE_DELAY_MS * 2 ** n, MAX_DELAY_MS);
        if (!condition && clock.now() + delay - startedAt > settings.maximumEventAgeMs) condition = 'MaximumEventAgeExhausted';
        if (condition) {
          Promise.resolve(onGiveUp({ error, retries: n, condition })).catch(() => undefined);
          return;
        }
        clock.setTimeout(() => run(n + 1), delay);
      },
    );
  };
  run(0);
}
