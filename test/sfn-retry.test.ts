import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  canRetry,
  errorMatches,
  findCatcher,
  findRetrier,
  RETRY_DEFAULTS,
  retryDelayMs,
} from '../src/services/stepfunctions/asl/retry.js';

describe('errorMatches', () => {
  it('matches names exactly and case-sensitively', () => {
    assert.equal(errorMatches(['CustomError'], 'CustomError'), true);
    assert.equal(errorMatches(['customerror'], 'CustomError'), false);
    assert.equal(errorMatches(['A', 'B'], 'B'), true);
    assert.equal(errorMatches([], 'B'), false);
  });

  it('States.ALL matches everything except States.Runtime and States.DataLimitExceeded', () => {
    for (const e of ['CustomError', 'States.TaskFailed', 'States.Timeout', 'States.HeartbeatTimeout', 'States.Permissions', 'States.IntrinsicFailure', 'States.ResultPathMatchFailure', 'States.BranchFailed', 'States.NoChoiceMatched', 'Lambda.ServiceException']) {
      assert.equal(errorMatches(['States.ALL'], e), true, e);
    }
    assert.equal(errorMatches(['States.ALL'], 'States.Runtime'), false);
    assert.equal(errorMatches(['States.ALL'], 'States.DataLimitExceeded'), false);
  });

  it('States.TaskFailed matches everything except timeouts and terminal errors', () => {
    assert.equal(errorMatches(['States.TaskFailed'], 'States.TaskFailed'), true);
    assert.equal(errorMatches(['States.TaskFailed'], 'Lambda.Unknown'), true);
    assert.equal(errorMatches(['States.TaskFailed'], 'States.Permissions'), true);
    assert.equal(errorMatches(['States.TaskFailed'], 'States.Timeout'), false);
    assert.equal(errorMatches(['States.TaskFailed'], 'States.HeartbeatTimeout'), false);
    assert.equal(errorMatches(['States.TaskFailed'], 'States.DataLimitExceeded'), false);
    assert.equal(errorMatches(['States.TaskFailed'], 'States.Runtime'), false);
  });

  it('States.Timeout also matches a heartbeat timeout', () => {
    assert.equal(errorMatches(['States.Timeout'], 'States.HeartbeatTimeout'), true);
    assert.equal(errorMatches(['States.HeartbeatTimeout'], 'States.Timeout'), false);
  });

  it('States.Runtime is never retried or caught; DataLimitExceeded only by name', () => {
    assert.equal(errorMatches(['States.Runtime'], 'States.Runtime'), false);
    assert.equal(errorMatches(['States.DataLimitExceeded'], 'States.DataLimitExceeded'), true);
  });
});

describe('findRetrier / findCatcher', () => {
  const retriers = [
    { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2 },
    { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
    { ErrorEquals: ['States.ALL'], IntervalSeconds: 3 },
  ];

  it('returns the first matching index in order (docs multi-retrier example)', () => {
    assert.equal(findRetrier(retriers, 'ErrorB'), 0);
    assert.equal(findRetrier(retriers, 'ErrorC'), 1);
    assert.equal(findRetrier(retriers, 'Other'), 2);
    assert.equal(findRetrier(retriers, 'States.Runtime'), -1);
    assert.equal(findRetrier(undefined, 'ErrorA'), -1);
    assert.equal(findRetrier([], 'ErrorA'), -1);
  });

  it('finds catchers the same way', () => {
    const catchers = [
      { ErrorEquals: ['java.lang.Exception'], ResultPath: '$.error-info', Next: 'RecoveryState' },
      { ErrorEquals: ['States.ALL'], Next: 'EndState' },
    ];
    assert.equal(findCatcher(catchers, 'java.lang.Exception'), 0);
    assert.equal(findCatcher(catchers, 'States.Timeout'), 1);
    assert.equal(findCatcher(catchers, 'States.DataLimitExceeded'), -1);
    assert.equal(findCatcher(undefined, 'x'), -1);
  });
});

describe('retry timing', () => {
  it('defaults: 1 second, backoff 2.0, 3 attempts', () => {
    assert.deepEqual(RETRY_DEFAULTS, { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 });
    assert.equal(retryDelayMs({}, 0), 1000);
    assert.equal(retryDelayMs({}, 1), 2000);
    assert.equal(retryDelayMs({}, 2), 4000);
    assert.equal(canRetry({}, 2), true);
    assert.equal(canRetry({}, 3), false);
  });

  it('multiplies the interval by BackoffRate per retry (docs: 3, 4.5, 6.75 seconds)', () => {
    const r = { IntervalSeconds: 3, BackoffRate: 1.5 };
    assert.equal(retryDelayMs(r, 0), 3000);
    assert.equal(retryDelayMs(r, 1), 4500);
    assert.equal(retryDelayMs(r, 2), 6750);
  });

  it('caps the delay at MaxDelaySeconds', () => {
    const r = { IntervalSeconds: 1, BackoffRate: 10, MaxDelaySeconds: 30 };
    assert.equal(retryDelayMs(r, 1), 10_000);
    assert.equal(retryDelayMs(r, 2), 30_000);
    assert.equal(retryDelayMs(r, 10), 30_000);
  });

  it('FULL jitter picks a delay between 0 and the computed delay', () => {
    const r = { IntervalSeconds: 2, BackoffRate: 2, JitterStrategy: 'FULL' as const };
    assert.equal(retryDelayMs(r, 1, () => 0.5), 2000);
    assert.equal(retryDelayMs(r, 1, () => 0), 0);
    assert.equal(retryDelayMs(r, 1, () => 0.999), 3996);
    assert.equal(retryDelayMs({ ...r, JitterStrategy: 'NONE' }, 1, () => 0), 4000);
    for (let i = 0; i < 50; i++) {
      const d = retryDelayMs({ ...r, MaxDelaySeconds: 3 }, 5);
      assert.ok(d >= 0 && d <= 3000, String(d));
    }
  });

  it('MaxAttempts 0 means never retry', () => {
    assert.equal(canRetry({ MaxAttempts: 0 }, 0), false);
    assert.equal(canRetry({ MaxAttempts: 1 }, 0), true);
    assert.equal(canRetry({ MaxAttempts: 1 }, 1), false);
  });
});
