/**
 * Rotation schedules: AutomaticallyAfterDays, `rate(N hours|days)` and `cron(...)` (AWS's six
 * fields, in UTC), with an optional Duration window. `nextRotation` gives the start of the next
 * window after a moment.
 */
import { nextCronTime, parseCron, type Cron } from '../../core/schedule/cron.js';
import type { RotationRulesType } from '../../generated/secretsmanager.types.js';
import { invalidParameter } from './errors.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Schedule = { every: number } | { cron: Cron };

function scheduleOf(expr: string): Schedule {
  const rate = /^rate\(\s*(\d+)\s+(hours?|days?)\s*\)$/.exec(expr);
  if (rate) {
    const n = Number(rate[1]);
    const hours = rate[2].startsWith('hour');
    if (hours ? n < 4 || n > 23 : n < 1 || n > 1000)
      throw invalidParameter(`Invalid ScheduleExpression ${expr}: use rate(4 hours) to rate(23 hours) or rate(1 day) to rate(1000 days).`);
    return { every: n * (hours ? HOUR : DAY) };
  }
  const body = /^cron\((.*)\)$/.exec(expr)?.[1];
  const cron = body === undefined ? undefined : parseCron(body);
  if (cron) return { cron };
  throw invalidParameter(`Invalid ScheduleExpression ${expr}: use rate(...) or a six-field cron(...).`);
}

/** Checks rules as RotateSecret receives them (the model has already checked ranges and patterns). */
export function validateRules(rules: RotationRulesType): void {
  if (rules.AutomaticallyAfterDays !== undefined && rules.ScheduleExpression !== undefined)
    throw invalidParameter('You cannot specify both rotation frequency and schedule expression together.');
  if (rules.AutomaticallyAfterDays === undefined && rules.ScheduleExpression === undefined)
    throw invalidParameter('You must specify either AutomaticallyAfterDays or ScheduleExpression in RotationRules.');
  if (rules.Duration !== undefined) {
    const m = /^(\d{1,2})h$/.exec(rules.Duration);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 24) throw invalidParameter(`Invalid Duration ${rules.Duration}: use 1h to 24h.`);
  }
  if (rules.ScheduleExpression !== undefined) scheduleOf(rules.ScheduleExpression);
}

/** Start of the first rotation window after `after`, or undefined when the schedule has none left. */
export function nextRotation(rules: RotationRulesType, after: number): number | undefined {
  if (rules.AutomaticallyAfterDays !== undefined) return after + rules.AutomaticallyAfterDays * DAY;
  if (rules.ScheduleExpression === undefined) return undefined;
  const s = scheduleOf(rules.ScheduleExpression);
  return 'every' in s ? after + s.every : nextCronTime(s.cron, after, 'UTC');
}
