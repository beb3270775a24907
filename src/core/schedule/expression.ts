/**
 * Schedule expressions shared by EventBridge rules (`rate`, `cron`) and EventBridge Scheduler
 * (`rate`, `cron`, `at`): parsing, and the next time an expression fires.
 */
import { nextCronTime, parseCron, type Cron } from './cron.js';
import { instantsOf, type LocalTime } from './timezone.js';

export type ScheduleExpression =
  | { kind: 'rate'; text: string; periodMs: number }
  | { kind: 'cron'; text: string; cron: Cron }
  | { kind: 'at'; text: string; local: LocalTime };

export interface ParseOptions {
  /** One-time `at(yyyy-mm-ddThh:mm:ss)` (Scheduler only). */
  allowAt?: boolean;
  /** EventBridge rules want `minute` for 1 and `minutes` above; Scheduler takes either. */
  strictUnits?: boolean;
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function parseScheduleExpression(text: string, opts: ParseOptions = {}): ScheduleExpression | undefined {
  let m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(text);
  if (m) {
    const value = Number(m[1]);
    const plural = m[2].endsWith('s');
    if (value < 1) return undefined;
    if (opts.strictUnits && plural !== value > 1) return undefined;
    return { kind: 'rate', text, periodMs: value * UNIT_MS[plural ? m[2].slice(0, -1) : m[2]] };
  }
  m = /^cron\((.*)\)$/.exec(text);
  if (m) {
    const cron = parseCron(m[1]);
    return cron && { kind: 'cron', text, cron };
  }
  m = opts.allowAt ? /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(text) : null;
  if (m) {
    const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
    const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
    return { kind: 'at', text, local: { year, month, day, hour, minute, second } };
  }
  return undefined;
}

/**
 * The first firing strictly after `afterMs`. Rates count whole periods from `anchorMs` (a rule's
 * creation, a schedule's StartDate); `at` fires once at its local time in `tz`.
 */
export function nextFireTime(expr: ScheduleExpression, afterMs: number, tz = 'UTC', anchorMs = afterMs): number | undefined {
  switch (expr.kind) {
    case 'rate': {
      if (afterMs < anchorMs) return anchorMs;
      const periods = Math.floor((afterMs - anchorMs) / expr.periodMs) + 1;
      return anchorMs + periods * expr.periodMs;
    }
    case 'cron':
      return nextCronTime(expr.cron, afterMs, tz);
    case 'at': {
      // A local time skipped by a DST change falls to the instant the wall clock jumps past it.
      const at = instantsOf(expr.local, tz)[0] ?? instantsOf({ ...expr.local, hour: expr.local.hour + 1 }, tz)[0];
      return at !== undefined && at > afterMs ? at : undefined;
    }
  }
}
