/** Rotation schedules (engine level): rate and cron expressions, Duration, and their refusals. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextRotation, validateRules } from '../src/services/secretsmanager/schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('rotation schedules', () => {
  test('AutomaticallyAfterDays and rate() count from the given moment', () => {
    assert.equal(iso(nextRotation({ AutomaticallyAfterDays: 30 }, at('2024-01-01T10:00:00Z'))), '2024-01-31T10:00:00.000Z');
    assert.equal(iso(nextRotation({ ScheduleExpression: 'rate(10 days)' }, at('2024-01-01T00:00:00Z'))), '2024-01-11T00:00:00.000Z');
    assert.equal(iso(nextRotation({ ScheduleExpression: 'rate(4 hours)' }, at('2024-01-01T00:00:00Z'))), '2024-01-01T04:00:00.000Z');
    assert.equal(iso(nextRotation({ ScheduleExpression: 'rate(1 day)' }, at('2024-01-01T00:00:00Z'))), '2024-01-02T00:00:00.000Z');
  });

  test('cron() finds the next matching minute in UTC', () => {
    const from = at('2024-03-10T17:00:00Z'); // a Sunday
    assert.equal(iso(nextRotation({ ScheduleExpression: 'cron(0 16 1,15 * ? *)' }, from)), '2024-03-15T16:00:00.000Z');
    assert.equal(iso(nextRotation({ ScheduleExpression: 'cron(0 12 ? * SUN *)' }, from)), '2024-03-17T12:00:00.000Z');
    assert.equal(iso(nextRotation({ ScheduleExpression: 'cron(0 18 ? * SUN *)' }, from)), '2024-03-10T18:00:00.000Z');
    assert.equal(iso(nextRotation({ ScheduleExpression: 'cron(0 4 ? * MON-FRI *)' }, from)), '2024-03-11T04:00:00.000Z');
    assert.equal(iso(nextRotation({ ScheduleExpression: 'cron(0 */6 * * ? *)' }, from)), '2024-03-10T18:00:00.000Z');
    assert.equal(iso(nextRotation({ ScheduleExpression: 'cron(0 0 1 JAN ? 2025)' }, from)), '2025-01-01T00:00:00.000Z');
    assert.equal(iso(nextRotation({ ScheduleExpression: 'cron(0 16 L * ? *)' }, from)), '2024-03-31T16:00:00.000Z');
    assert.equal(iso(nextRotation({ ScheduleExpression: 'cron(0 9 ? * 2#1 *)' }, from)), '2024-04-01T09:00:00.000Z');
    assert.equal(nextRotation({ ScheduleExpression: 'cron(0 0 1 JAN ? 2020)' }, from), undefined);
  });

  test('rules are checked', () => {
    assert.throws(() => validateRules({ AutomaticallyAfterDays: 3, ScheduleExpression: 'rate(3 days)' }), {
      code: 'InvalidParameterException',
      message: 'You cannot specify both rotation frequency and schedule expression together.',
    });
    assert.throws(() => validateRules({}), { code: 'InvalidParameterException' });
    assert.throws(() => validateRules({ ScheduleExpression: 'rate(3 hours)' }), { code: 'InvalidParameterException' });
    assert.throws(() => validateRules({ ScheduleExpression: 'rate(1001 days)' }), { code: 'InvalidParameterException' });
    assert.throws(() => validateRules({ ScheduleExpression: 'cron(0 16 * * * *)' }), { code: 'InvalidParameterException' });
    assert.throws(() => validateRules({ ScheduleExpression: 'cron(0 25 * * ? *)' }), /Invalid ScheduleExpression cron\(0 25 \* \* \? \*\)/);
    assert.throws(() => validateRules({ ScheduleExpression: 'every day' }), { code: 'InvalidParameterException' });
    assert.throws(() => validateRules({ AutomaticallyAfterDays: 1, Duration: '25h' }), { code: 'InvalidParameterException' });
    validateRules({ ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' });
    validateRules({ AutomaticallyAfterDays: 7, Duration: '24h' });
  });
});
