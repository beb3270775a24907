/**
 * ASL timestamps: RFC 3339 date-times with an uppercase `T` separator and either an uppercase `Z`
 * or a numeric offset, e.g. `2016-03-14T01:59:00Z` or `2016-03-14T01:59:00.123+02:00`.
 */

export interface AslTimestamp {
  /** Whole seconds since the epoch (UTC). */
  seconds: number;
  /** Fraction of the second in nanoseconds (0-999999999). */
  nanos: number;
}

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Parses an ASL timestamp; undefined when the string is not one. */
export function parseTimestamp(text: string): AslTimestamp | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[8][0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  const nanos = m[7] === undefined ? 0 : Number(m[7].padEnd(9, '0'));
  return { seconds: d.getTime() / 1000 - offsetMinutes * 60, nanos };
}

export function compareTimestamps(a: AslTimestamp, b: AslTimestamp): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}

/** Milliseconds since the epoch (fraction below a millisecond dropped). */
export const timestampToEpochMs = (t: AslTimestamp): number => t.seconds * 1000 + Math.floor(t.nanos / 1e6);
