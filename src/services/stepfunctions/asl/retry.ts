/**
 * Retry and Catch matching. Per the Step Functions error-handling docs:
 * - `States.ALL` matches every error name except the terminal `States.DataLimitExceeded` and
 *   `States.Runtime`;
 * - `States.TaskFailed` matches every error name except `States.Timeout` (and, being a timeout,
 *   `States.HeartbeatTimeout`) and those two terminal errors;
 * - `States.Timeout` also matches `States.HeartbeatTimeout`, the heartbeat flavour of a timeout;
 * - `States.Runtime` is never retried or caught: it always fails the execution.
 */
import { StatesErrors } from './errors.js';

export const RETRY_DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 } as const;

export interface Retrier {
  ErrorEquals?: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

const TERMINAL: ReadonlySet<string> = new Set([StatesErrors.Runtime, StatesErrors.DataLimitExceeded]);
const TIMEOUTS: ReadonlySet<string> = new Set([StatesErrors.Timeout, StatesErrors.HeartbeatTimeout]);

export function errorMatches(errorEquals: string[], error: string): boolean {
  if (error === StatesErrors.Runtime) return false;
  for (const name of errorEquals) {
    if (name === error) return true;
    if (TERMINAL.has(error)) continue;
    if (name === StatesErrors.ALL) return true;
    if (name === StatesErrors.TaskFailed && !TIMEOUTS.has(error)) return true;
    if (name === StatesErrors.Timeout && error === StatesErrors.HeartbeatTimeout) return true;
  }
  return false;
}

/** Index of the first retrier whose ErrorEquals matches `error`, or -1. */
export function findRetrier(retriers: any[] | undefined, error: string): number {
  return firstMatch(retriers, error);
}

/** Index of the first catcher whose ErrorEquals matches `error`, or -1. */
export function findCatcher(catchers: any[] | undefined, error: string): number {
  return firstMatch(catchers, error);
}

function firstMatch(list: any[] | undefined, error: string): number {
  if (list === undefined) return -1;
  for (let i = 0; i < list.length; i++) {
    const names = list[i]?.ErrorEquals;
    if (Array.isArray(names) && errorMatches(names, error)) return i;
  }
  return -1;
}

/** Whether a retrier allows another attempt after `attempt` retries (0-based) were already made. */
export function canRetry(retrier: Pick<Retrier, 'MaxAttempts'>, attempt: number): boolean {
  return attempt < (retrier.MaxAttempts ?? RETRY_DEFAULTS.MaxAttempts);
}

/**
 * Milliseconds to wait before the retry following `attempt` retries already made:
 * IntervalSeconds × BackoffRate^attempt, capped by MaxDelaySeconds; with FULL jitter a uniformly
 * random delay between 0 and that value.
 */
export function retryDelayMs(
  retrier: { IntervalSeconds?: number; BackoffRate?: number; MaxDelaySeconds?: number; JitterStrategy?: 'FULL' | 'NONE' },
  attempt: number,
  random: () => number = Math.random,
): number {
  const interval = retrier.IntervalSeconds ?? RETRY_DEFAULTS.IntervalSeconds;
  const rate = retrier.BackoffRate ?? RETRY_DEFAULTS.BackoffRate;
  let seconds = interval * Math.pow(rate, attempt);
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds *= random();
  return Math.round(seconds * 1000);
}
