/** The shared schedule-expression engine (src/core/schedule): parsing and next firing times. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextFireTime, parseScheduleExpression } from '../src/core/schedule/expression.js';

function next(expr: string, fromIso: string, tz = 'UTC', count = 1): string[] {
  const e = parseScheduleExpression(expr, { allowAt: true });
  assert.ok(e, `did not parse ${expr}`);
  const out: string[] = [];
  let t = Date.parse(fromIso);
  for (let i = 0; i < count; i++) {
    const n = nextFireTime(e, t, tz);
    if (n === undefined) break;
    out.push(new Date(n).toISOString());
    t = n;
  }
  return out;
}

describe('parsing', () => {
  it('applies EventBridge rules unit grammar only when asked', () => {
    assert.ok(parseScheduleExpression('rate(1 minute)', { strictUnits: true }));
    assert.equal(parseScheduleExpression('rate(1 minutes)', { strictUnits: true }), undefined);
    assert.equal(parseScheduleExpression('rate(2 hour)', { strictUnits: true }), undefined);
    assert.ok(parseScheduleExpression('rate(1 minutes)'));
    assert.equal(parseScheduleExpression('rate(0 days)'), undefined);
  });

  it('accepts at() only where allowed', () => {
    assert.equal(parseScheduleExpression('at(2030-01-01T00:00:00)'), undefined);
    assert.ok(parseScheduleExpression('at(2030-01-01T00:00:00)', { allowAt: true }));
    assert.equal(parseScheduleExpression('at(2030-13-01T00:00:00)', { allowAt: true }), undefined);
  });

  it('requires exactly one of day-of-month and day-of-week to be ?', () => {
    assert.equal(parseScheduleExpression('cron(0 0 * * * *)'), undefined);
    assert.equal(parseScheduleExpression('cron(0 0 ? * ? *)'), undefined);
    assert.ok(parseScheduleExpression('cron(0 0 ? * * *)'));
    assert.equal(parseScheduleExpression('cron(0 0 1 * ? 1969)'), undefined);
    assert.equal(parseScheduleExpression('cron(0 24 * * ? *)'), undefined);
    assert.equal(parseScheduleExpression('cron(0 0 * * ?)'), undefined);
  });
});

describe('next firing', () => {
  it('walks lists, ranges and steps', () => {
    assert.deepEqual(next('cron(0/20 9-10 * * ? *)', '2030-01-01T09:30:00Z', 'UTC', 4), ['2030-01-01T09:40:00.000Z', '2030-01-01T10:00:00.000Z', '2030-01-01T10:20:00.000Z', '2030-01-01T10:40:00.000Z']);
    assert.deepEqual(next('cron(15 12 ? * MON,FRI *)', '2030-01-01T00:00:00Z', 'UTC', 2), ['2030-01-04T12:15:00.000Z', '2030-01-07T12:15:00.000Z']);
    assert.deepEqual(next('cron(0 0 1 JAN,JUL ? *)', '2030-02-01T00:00:00Z', 'UTC', 2), ['2030-07-01T00:00:00.000Z', '2031-01-01T00:00:00.000Z']);
  });

  it('understands L, W and #', () => {
    assert.deepEqual(next('cron(0 10 L * ? *)', '2030-02-01T00:00:00Z'), ['2030-02-28T10:00:00.000Z']);
    assert.deepEqual(next('cron(0 10 L-2 * ? *)', '2030-02-01T00:00:00Z'), ['2030-02-26T10:00:00.000Z']);
    // 15 June 2030 is a Saturday: the nearest weekday is Friday 14th.
    assert.deepEqual(next('cron(0 10 15W * ? *)', '2030-06-01T00:00:00Z'), ['2030-06-14T10:00:00.000Z']);
    assert.deepEqual(next('cron(0 10 LW * ? *)', '2030-08-01T00:00:00Z'), ['2030-08-30T10:00:00.000Z']);
    assert.deepEqual(next('cron(0 10 ? * 6L *)', '2030-01-01T00:00:00Z'), ['2030-01-25T10:00:00.000Z']);
    assert.deepEqual(next('cron(0 10 ? * 2#3 *)', '2030-01-01T00:00:00Z'), ['2030-01-21T10:00:00.000Z']);
  });

  it('stops after the last year named', () => {
    assert.deepEqual(next('cron(0 0 1 1 ? 2030-2031)', '2029-06-01T00:00:00Z', 'UTC', 5), ['2030-01-01T00:00:00.000Z', '2031-01-01T00:00:00.000Z']);
  });

  it('evaluates in the time zone, skipping gaps and running repeated hours once', () => {
    // Europe/Paris: summer time from 31 March 2030 02:00 (02:00-02:59 do not exist).
    assert.deepEqual(next('cron(30 2 * * ? *)', '2030-03-29T12:00:00Z', 'Europe/Paris', 3), ['2030-03-30T01:30:00.000Z', '2030-04-01T00:30:00.000Z', '2030-04-02T00:30:00.000Z']);
    // Back to winter time on 27 October 2030 at 03:00 (02:00-02:59 happen twice).
    assert.deepEqual(next('cron(30 2 * * ? *)', '2030-10-26T12:00:00Z', 'Europe/Paris', 2), ['2030-10-27T00:30:00.000Z', '2030-10-28T01:30:00.000Z']);
  });

  it('counts rates from their anchor', () => {
    const e = parseScheduleExpression('rate(15 minutes)')!;
    const anchor = Date.parse('2030-01-01T00:00:07Z');
    assert.equal(new Date(nextFireTime(e, anchor - 1, 'UTC', anchor)!).toISOString(), '2030-01-01T00:00:07.000Z');
    assert.equal(new Date(nextFireTime(e, anchor, 'UTC', anchor)!).toISOString(), '2030-01-01T00:15:07.000Z');
    assert.equal(new Date(nextFireTime(e, anchor + 40 * 60_000, 'UTC', anchor)!).toISOString(), '2030-01-01T00:45:07.000Z');
  });

  it('fires at() once, in its time zone', () => {
    assert.deepEqual(next('at(2030-05-01T09:00:00)', '2030-01-01T00:00:00Z', 'Asia/Kolkata', 3), ['2030-05-01T03:30:00.000Z']);
    assert.deepEqual(next('at(2030-05-01T09:00:00)', '2030-06-01T00:00:00Z'), []);
  });
});
