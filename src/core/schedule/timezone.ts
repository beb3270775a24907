/**
 * Wall-clock arithmetic in an IANA time zone through Intl (no tz database of our own): the local
 * fields of an instant, and the instants (none, one or two around DST changes) of a local time.
 */
export interface LocalTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether Intl knows the zone (UTC and IANA names such as America/New_York). */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export function localTime(ms: number, tz: string): LocalTime {
  if (tz === 'UTC') {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  }
  const out: LocalTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type === 'year' || p.type === 'month' || p.type === 'day' || p.type === 'hour' || p.type === 'minute' || p.type === 'second') out[p.type] = Number(p.value);
  }
  return out;
}

const asUtc = (t: LocalTime) => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);

/** Offset of the zone from UTC at an instant, in ms (local = utc + offset). */
function offsetAt(ms: number, tz: string): number {
  if (tz === 'UTC') return 0;
  const whole = Math.floor(ms / 1000) * 1000;
  return asUtc(localTime(whole, tz)) - whole;
}

/**
 * The instants that show local time `t` in `tz`, earliest first: none in a spring-forward gap, two
 * in the repeated hour of a fall-back.
 */
export function instantsOf(t: LocalTime, tz: string): number[] {
  const wall = asUtc(t);
  if (tz === 'UTC') return [wall];
  const found = new Set<number>();
  // Any offset in force within a day of the wall time is a candidate.
  for (const probe of [wall - 86_400_000, wall, wall + 86_400_000]) {
    const candidate = wall - offsetAt(probe, tz);
    if (asUtc(localTime(candidate, tz)) === wall) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
}
