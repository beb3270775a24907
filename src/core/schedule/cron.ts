/**
 * AWS's six-field cron (EventBridge rules and EventBridge Scheduler):
 * `Minutes Hours Day-of-month Month Day-of-week Year`, with `, - * / ?` and the day wildcards
 * `L`, `W` (day-of-month) and `L`, `#` (day-of-week). One of the two day fields must be `?`.
 */
import { instantsOf, localTime, type LocalTime } from './timezone.js';

export interface Cron {
  minutes: number[];
  hours: number[];
  months: Set<number>;
  years: Set<number>;
  /** `null` when the field is `?`. */
  dayOfMonth: DomRule[] | null;
  dayOfWeek: DowRule[] | null;
}

type DomRule = { kind: 'days'; days: Set<number> } | { kind: 'last'; offset: number } | { kind: 'weekday'; day: number } | { kind: 'last-weekday' };
type DowRule = { kind: 'days'; days: Set<number> } | { kind: 'last'; dow: number } | { kind: 'nth'; dow: number; nth: number };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
export const MAX_CRON_YEAR = 2199;

class CronSyntaxError extends Error {}

function num(token: string, lo: number, hi: number, names?: string[]): number {
  const upper = token.toUpperCase();
  const named = names ? names.indexOf(upper) : -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(token)) throw new CronSyntaxError(token);
  const n = Number(token);
  if (n < lo || n > hi) throw new CronSyntaxError(token);
  return n;
}

/** `*`, `a`, `a-b`, with an optional `/step`, comma-separated. */
function numericField(field: string, lo: number, hi: number, names?: string[]): Set<number> {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    if (!item) throw new CronSyntaxError(field);
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) throw new CronSyntaxError(item);
    const step = stepText === undefined ? 1 : num(stepText, 1, hi - lo + 1 || 1);
    let from: number;
    let to: number;
    if (range === '*') {
      from = lo;
      to = hi;
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined) throw new CronSyntaxError(item);
      from = num(a, lo, hi, names);
      to = num(b, lo, hi, names);
      if (to < from) throw new CronSyntaxError(item);
    } else {
      from = num(range, lo, hi, names);
      to = stepText === undefined ? from : hi;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function domField(field: string): DomRule[] {
  return field.split(',').map((item): DomRule => {
    const u = item.toUpperCase();
    if (u === 'L') return { kind: 'last', offset: 0 };
    if (u === 'LW') return { kind: 'last-weekday' };
    let m = /^L-(\d+)$/.exec(u);
    if (m) return { kind: 'last', offset: num(m[1], 1, 30) };
    m = /^(\d+)W$/.exec(u);
    if (m) return { kind: 'weekday', day: num(m[1], 1, 31) };
    return { kind: 'days', days: numericField(item, 1, 31) };
  });
}

function dowField(field: string): DowRule[] {
  return field.split(',').map((item): DowRule => {
    const u = item.toUpperCase();
    if (u === 'L') return { kind: 'days', days: new Set([7]) };
    let m = /^(\w+)L$/.exec(u);
    if (m) return { kind: 'last', dow: num(m[1], 1, 7, DAYS) };
    m = /^(\w+)#(\d)$/.exec(u);
    if (m) return { kind: 'nth', dow: num(m[1], 1, 7, DAYS), nth: num(m[2], 1, 5) };
    return { kind: 'days', days: numericField(item, 1, 7, DAYS) };
  });
}

/** Parses the inside of `cron(...)`; undefined when AWS would reject it. */
export function parseCron(body: string): Cron | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [mi, h, dom, mo, dow, y] = fields;
  if ((dom === '?') === (dow === '?')) return undefined;
  try {
    return {
      minutes: [...numericField(mi, 0, 59)].sort((a, b) => a - b),
      hours: [...numericField(h, 0, 23)].sort((a, b) => a - b),
      months: numericField(mo, 1, 12, MONTHS),
      years: numericField(y, 1970, MAX_CRON_YEAR),
      dayOfMonth: dom === '?' ? null : domField(dom),
      dayOfWeek: dow === '?' ? null : dowField(dow),
    };
  } catch (e) {
    if (e instanceof CronSyntaxError) return undefined;
    throw e;
  }
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** 1 = Sunday ... 7 = Saturday, as AWS numbers days. */
const weekday = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

function nearestWeekday(year: number, month: number, day: number): number {
  const last = daysIn(year, month);
  const d = Math.min(day, last);
  const w = weekday(year, month, d);
  if (w === 7) return d === 1 ? 3 : d - 1;
  if (w === 1) return d === last ? d - 2 : d + 1;
  return d;
}

function dayMatches(c: Cron, year: number, month: number, day: number): boolean {
  if (c.dayOfMonth) {
    const last = daysIn(year, month);
    return c.dayOfMonth.some((r) => {
      switch (r.kind) {
        case 'days':
          return r.days.has(day);
        case 'last':
          return day === last - r.offset;
        case 'weekday':
          return day === nearestWeekday(year, month, r.day);
        case 'last-weekday':
          return day === nearestWeekday(year, month, last);
      }
    });
  }
  const w = weekday(year, month, day);
  return c.dayOfWeek!.some((r) => {
    switch (r.kind) {
      case 'days':
        return r.days.has(w);
      case 'last':
        return w === r.dow && day + 7 > daysIn(year, month);
      case 'nth':
        return w === r.dow && Math.ceil(day / 7) === r.nth;
    }
  });
}

/**
 * The first instant after `afterMs` (whole minutes) that the expression names in `tz`. Local times
 * skipped by a spring-forward change do not fire; a repeated hour fires once (its first instant).
 */
export function nextCronTime(c: Cron, afterMs: number, tz: string): number | undefined {
  const start = localTime(afterMs - (afterMs % 60_000) + 60_000, tz);
  let year = start.year;
  let month = start.month;
  let day = start.day;
  let first = true;
  while (year <= MAX_CRON_YEAR) {
    if (!c.years.has(year)) {
      year++;
      month = 1;
      day = 1;
      first = false;
      continue;
    }
    if (!c.months.has(month)) {
      month++;
      day = 1;
      first = false;
      if (month > 12) {
        month = 1;
        year++;
      }
      continue;
    }
    if (dayMatches(c, year, month, day)) {
      for (const hour of c.hours) {
        if (first && hour < start.hour) continue;
        for (const minute of c.minutes) {
          if (first && hour === start.hour && minute < start.minute) continue;
          const t: LocalTime = { year, month, day, hour, minute, second: 0 };
          const at = instantsOf(t, tz)[0];
          if (at !== undefined && at > afterMs) return at;
        }
      }
    }
    first = false;
    day++;
    if (day > daysIn(year, month)) {
      day = 1;
      month++;
      if (month > 12) {
        month = 1;
        year++;
      }
    }
  }
  return undefined;
}
