/**
 * RedriveExecution's rules (AWS "Redrive eligibility for unsuccessful executions"): whether an
 * execution can be redriven now, and AWS's redriveStatusReason when it cannot.
 */
import type { ExecutionRecord } from './store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** An execution can be redriven for 14 days after it stopped. */
const REDRIVABLE_PERIOD_MS = 14 * DAY_MS;
/** The maximum open time of a Standard execution: one year. */
const MAX_EXECUTION_MS = 365 * DAY_MS;
/** A redrive needs the history to hold fewer than 24,999 events. */
const MAX_HISTORY_EVENTS = 24_999;
/** RedriveExecution answers the same for a client token reused within 15 minutes, for the last 10 tokens. */
export const CLIENT_TOKEN_TTL_MS = 15 * 60 * 1000;
export const CLIENT_TOKENS_KEPT = 10;

/** Why `e` cannot be redriven at `now` (epoch ms), or undefined when it can. */
export function notRedrivableReason(e: ExecutionRecord, now: number): string | undefined {
  const run = e.run;
  if (e.machine.status === 'DELETING') return 'State machine is in DELETING status';
  if (run.status === 'RUNNING' || run.status === 'SUCCEEDED') return `Execution is ${run.status} and cannot be redriven`;
  if (run.eventCount >= MAX_HISTORY_EVENTS) return 'Execution history event limit exceeded';
  if (now - run.startDate.getTime() >= MAX_EXECUTION_MS) return 'Execution has exceeded the max execution time';
  if (run.stopDate && now - run.stopDate.getTime() > REDRIVABLE_PERIOD_MS) return 'Execution redrivable period exceeded';
  // Every unsuccessful Standard execution keeps its resume point; this guards the engine's invariant.
  if (!run.canRedrive) return `Execution is ${run.status} and cannot be redriven`;
  return undefined;
}
