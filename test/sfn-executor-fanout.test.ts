/**
 * Map (inline) and Parallel states: results, input/output processing, failure propagation,
 * aborts of running siblings, Retry and Catch, and the event sequences AWS records for them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatesError } from '../src/services/stepfunctions/asl/errors.js';
import { event, flush, harness, run, shape, startExecution, types, until } from './sfn-executor-helpers.js';

const mapOf = (map: object) => ({
  StartAt: 'StartState',
  States: {
    StartState: { Type: 'Pass', Result: [1, 'Hello', {}], ResultPath: '$.arr', Next: 'MapState' },
    MapState: { Type: 'Map', ResultPath: null, InputPath: '$.arr', Next: 'Final', ...map },
    Final: { Type: 'Pass', End: true },
  },
});

test('Map, MaxConcurrency 1: the AWS sequence (next iteration starts from the previous one\'s last event)', async () => {
  const e = await run(mapOf({ MaxConcurrency: 1, ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'HandleItem', States: { HandleItem: { Type: 'Pass', End: true } } } }));
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'PassStateEntered'],
    [3, 2, 'PassStateExited'],
    [4, 3, 'MapStateEntered'],
    [5, 4, 'MapStateStarted'],
    [6, 5, 'MapIterationStarted'],
    [7, 6, 'PassStateEntered'],
    [8, 7, 'PassStateExited'],
    [9, 8, 'MapIterationSucceeded'],
    [10, 8, 'MapIterationStarted'],
    [11, 10, 'PassStateEntered'],
    [12, 11, 'PassStateExited'],
    [13, 12, 'MapIterationSucceeded'],
    [14, 12, 'MapIterationStarted'],
    [15, 14, 'PassStateEntered'],
    [16, 15, 'PassStateExited'],
    [17, 16, 'MapIterationSucceeded'],
    [18, 17, 'MapStateSucceeded'],
    [19, 17, 'MapStateExited'],
    [20, 19, 'PassStateEntered'],
    [21, 20, 'PassStateExited'],
    [22, 21, 'ExecutionSucceeded'],
  ]);
  assert.deepEqual(e.history[4].mapStateStartedEventDetails, { length: 3 });
  assert.deepEqual(e.history[5].mapIterationStartedEventDetails, { name: 'MapState', index: 0 });
  assert.deepEqual(e.history[16].mapIterationSucceededEventDetails, { name: 'MapState', index: 2 });
  assert.equal(e.history[10].stateEnteredEventDetails?.input, '"Hello"');
  assert.equal(e.history[18].stateExitedEventDetails?.output, '{"arr":[1,"Hello",{}]}');
});

test('Map, unlimited concurrency: every MapIterationStarted follows MapStateStarted; results keep item order', async () => {
  const e = await run({
    StartAt: 'M',
    States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($, $)' }, End: true } } }, End: true } },
  }, [1, 2, 3]);
  assert.equal(e.output, '[{"v":2},{"v":4},{"v":6}]');
  assert.deepEqual(shape(e).slice(2, 6), [
    [3, 2, 'MapStateStarted'],
    [4, 3, 'MapIterationStarted'],
    [5, 3, 'MapIterationStarted'],
    [6, 3, 'MapIterationStarted'],
  ]);
  const lastIteration = e.history.filter((ev) => ev.type === 'MapIterationSucceeded').at(-1)!;
  assert.equal(event(e, 'MapStateSucceeded').previousEventId, lastIteration.id);
  assert.equal(event(e, 'MapStateExited').previousEventId, lastIteration.id);
  for (const ev of e.history.filter((x) => x.type === 'PassStateEntered')) {
    const started = e.history[ev.previousEventId! - 1];
    assert.equal(started.type, 'MapIterationStarted');
  }
});

test('Map: ItemSelector with $$.Map.Item, ItemsPath, MaxConcurrencyPath, ResultSelector and ResultPath', async () => {
  const e = await run(
    {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemsPath: '$.detail.shipped',
          MaxConcurrencyPath: '$.limit',
          ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value', 'partner.$': '$.detail.partner' },
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          ResultSelector: { 'all.$': '$' },
          ResultPath: '$.detail.out',
          End: true,
        },
      },
    },
    { limit: 2, detail: { partner: 'UQS', shipped: ['A', 'B', 'C'] } },
  );
  assert.deepEqual(JSON.parse(e.output!).detail.out, {
    all: [
      { index: 0, value: 'A', partner: 'UQS' },
      { index: 1, value: 'B', partner: 'UQS' },
      { index: 2, value: 'C', partner: 'UQS' },
    ],
  });
  const started = e.history.filter((ev) => ev.type === 'MapIterationStarted');
  assert.equal(started[0].previousEventId, event(e, 'MapStateStarted').id);
  assert.equal(started[1].previousEventId, event(e, 'MapStateStarted').id);
  assert.notEqual(started[2].previousEventId, event(e, 'MapStateStarted').id);
});

test('Map: legacy Iterator and Parameters', async () => {
  const e = await run(
    {
      StartAt: 'M',
      States: {
        M: { Type: 'Map', Parameters: { 'i.$': '$$.Map.Item.Index', 'v.$': '$$.Map.Item.Value' }, Iterator: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true },
      },
    },
    ['x', 'y'],
  );
  assert.equal(e.output, '[{"i":0,"v":"x"},{"i":1,"v":"y"}]');
});

test('Map: an empty array succeeds with [] (MapStateSucceeded follows MapStateStarted)', async () => {
  const e = await run({ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } }, []);
  assert.equal(e.output, '[]');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'MapStateEntered'],
    [3, 2, 'MapStateStarted'],
    [4, 3, 'MapStateSucceeded'],
    [5, 3, 'MapStateExited'],
    [6, 5, 'ExecutionSucceeded'],
  ]);
  assert.deepEqual(e.history[2].mapStateStartedEventDetails, { length: 0 });
});

test('Map: ItemsPath that is not an array, and Distributed mode, fail with States.Runtime', async () => {
  const notArray = await run({ StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.a', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } }, { a: 5 });
  assert.equal(notArray.error, 'States.Runtime');
  assert.match(notArray.cause!, /ItemsPath '\$\.a' must select an array, got a number$/);
  const distributed = await run({
    StartAt: 'M',
    States: { M: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
  }, []);
  assert.equal(distributed.error, 'States.Runtime');
  assert.match(distributed.cause!, /INLINE mode only/);
});

test('Map: a failing iteration (MaxConcurrency 1) -> MapIterationFailed, MapStateFailed, ExecutionFailed as AWS records', async () => {
  const e = await run(
    mapOf({
      MaxConcurrency: 1,
      ItemProcessor: {
        StartAt: 'Equals3',
        States: {
          Equals3: { Type: 'Choice', Choices: [{ Variable: '$', StringEquals: 'Hello', Next: 'Break' }], Default: 'Pass' },
          Pass: { Type: 'Pass', End: true },
          Break: { Type: 'Fail', Error: 'SomeFailure', Cause: "This state machines raises a 'SomeFailure' failure." },
        },
      },
    }),
  );
  assert.equal(e.status, 'FAILED');
  assert.deepEqual(shape(e).slice(4), [
    [5, 4, 'MapStateStarted'],
    [6, 5, 'MapIterationStarted'],
    [7, 6, 'ChoiceStateEntered'],
    [8, 7, 'ChoiceStateExited'],
    [9, 8, 'PassStateEntered'],
    [10, 9, 'PassStateExited'],
    [11, 10, 'MapIterationSucceeded'],
    [12, 10, 'MapIterationStarted'],
    [13, 12, 'ChoiceStateEntered'],
    [14, 13, 'ChoiceStateExited'],
    [15, 14, 'FailStateEntered'],
    [16, 15, 'MapIterationFailed'],
    [17, 15, 'MapStateFailed'],
    [18, 17, 'ExecutionFailed'],
  ]);
  assert.deepEqual(e.history[15].mapIterationFailedEventDetails, { name: 'MapState', index: 1 });
  assert.deepEqual(e.history[17].executionFailedEventDetails, { error: 'SomeFailure', cause: "This state machines raises a 'SomeFailure' failure." });
});

const failingItem = { StartAt: 'HandleItemFail', States: { HandleItemFail: { Type: 'Fail', Error: 'HandleItemFailError', Cause: 'HandleItemFailCause' } } };

test('Map Retry: the state starts again from MapStateStarted, no MapStateFailed in between (AWS sequence)', async () => {
  const e = await run({
    StartAt: 'StartState',
    States: {
      StartState: { Type: 'Pass', Result: [1], ResultPath: '$.arr', Next: 'MapState' },
      MapState: { Type: 'Map', ResultPath: null, InputPath: '$.arr', MaxConcurrency: 1, ItemProcessor: failingItem, Retry: [{ ErrorEquals: ['HandleItemFailError'], MaxAttempts: 2 }], Next: 'Final' },
      Final: { Type: 'Pass', End: true },
    },
  });
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'PassStateEntered'],
    [3, 2, 'PassStateExited'],
    [4, 3, 'MapStateEntered'],
    [5, 4, 'MapStateStarted'],
    [6, 5, 'MapIterationStarted'],
    [7, 6, 'FailStateEntered'],
    [8, 7, 'MapIterationFailed'],
    [9, 7, 'MapStateStarted'],
    [10, 9, 'MapIterationStarted'],
    [11, 10, 'FailStateEntered'],
    [12, 11, 'MapIterationFailed'],
    [13, 11, 'MapStateStarted'],
    [14, 13, 'MapIterationStarted'],
    [15, 14, 'FailStateEntered'],
    [16, 15, 'MapIterationFailed'],
    [17, 15, 'MapStateFailed'],
    [18, 17, 'ExecutionFailed'],
  ]);
  assert.deepEqual(e.history[17].executionFailedEventDetails, { error: 'HandleItemFailError', cause: 'HandleItemFailCause' });
});

test('Map Catch: MapStateFailed, then MapStateExited with the error output (AWS sequence)', async () => {
  const e = await run({
    StartAt: 'StartState',
    States: {
      StartState: { Type: 'Pass', Result: [1], ResultPath: '$.arr', Next: 'MapState' },
      MapState: { Type: 'Map', InputPath: '$.arr', MaxConcurrency: 1, ItemProcessor: failingItem, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'FinalCaught' }], Next: 'Final' },
      FinalCaught: { Type: 'Pass', End: true },
      Final: { Type: 'Pass', End: true },
    },
  });
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(shape(e).slice(4), [
    [5, 4, 'MapStateStarted'],
    [6, 5, 'MapIterationStarted'],
    [7, 6, 'FailStateEntered'],
    [8, 7, 'MapIterationFailed'],
    [9, 7, 'MapStateFailed'],
    [10, 9, 'MapStateExited'],
    [11, 10, 'PassStateEntered'],
    [12, 11, 'PassStateExited'],
    [13, 12, 'ExecutionSucceeded'],
  ]);
  assert.equal(e.output, '{"Error":"HandleItemFailError","Cause":"HandleItemFailCause"}');
});

test('Map: one iteration fails while others wait: their MapIterationAborted and WaitStateAborted follow the failing event', async () => {
  const h = harness();
  const e = startExecution(
    {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'W',
            States: {
              W: { Type: 'Wait', SecondsPath: '$.w', Next: 'C' },
              C: { Type: 'Choice', Choices: [{ Variable: '$.fail', IsPresent: true, Next: 'F' }], Default: 'Ok' },
              F: { Type: 'Fail', Error: 'ItemError', Cause: 'item 0 failed' },
              Ok: { Type: 'Succeed' },
            },
          },
          End: true,
        },
      },
    },
    [{ w: 5, fail: true }, { w: 100 }, { w: 100 }],
    h,
    { waitScale: 1 },
  );
  await until(() => h.clock.pending === 3, 'three waits');
  h.clock.advance(5000);
  await e.done;
  assert.equal(e.status, 'FAILED');
  assert.equal(e.error, 'ItemError');
  const failEntered = event(e, 'FailStateEntered');
  assert.deepEqual(shape(e).slice(failEntered.id), [
    [failEntered.id + 1, failEntered.id, 'MapIterationFailed'],
    [failEntered.id + 2, failEntered.id, 'MapIterationAborted'],
    [failEntered.id + 3, failEntered.id, 'WaitStateAborted'],
    [failEntered.id + 4, failEntered.id, 'MapIterationAborted'],
    [failEntered.id + 5, failEntered.id, 'WaitStateAborted'],
    [failEntered.id + 6, failEntered.id, 'MapStateFailed'],
    [failEntered.id + 7, failEntered.id + 6, 'ExecutionFailed'],
  ]);
  assert.deepEqual(event(e, 'MapIterationAborted', 1).mapIterationAbortedEventDetails, { name: 'M', index: 2 });
  assert.equal(h.clock.pending, 0);
});

test('Map over 10,000 items', async () => {
  const items = Array.from({ length: 10_000 }, (_, i) => i);
  const e = await run({ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } }, items);
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(JSON.parse(e.output!), items);
  assert.equal(e.history.length, 3 + 10_000 * 4 + 3);
});

const parallelDef = {
  StartAt: 'LoadInput',
  States: {
    LoadInput: { Type: 'Pass', Result: [1, 2, 3, 4], Next: 'ParallelState' },
    ParallelState: {
      Type: 'Parallel',
      End: true,
      Branches: [
        { StartAt: 'Branch1', States: { Branch1: { Type: 'Pass', End: true } } },
        { StartAt: 'Branch21', States: { Branch21: { Type: 'Pass', Next: 'Branch22' }, Branch22: { Type: 'Pass', End: true } } },
      ],
    },
  },
};

test('Parallel: branches start from ParallelStateStarted; Succeeded and Exited follow the last branch event', async () => {
  const e = await run(parallelDef);
  assert.equal(e.output, '[[1,2,3,4],[1,2,3,4]]');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'PassStateEntered'],
    [3, 2, 'PassStateExited'],
    [4, 3, 'ParallelStateEntered'],
    [5, 4, 'ParallelStateStarted'],
    [6, 5, 'PassStateEntered'],
    [7, 6, 'PassStateExited'],
    [8, 5, 'PassStateEntered'],
    [9, 8, 'PassStateExited'],
    [10, 9, 'PassStateEntered'],
    [11, 10, 'PassStateExited'],
    [12, 11, 'ParallelStateSucceeded'],
    [13, 11, 'ParallelStateExited'],
    [14, 13, 'ExecutionSucceeded'],
  ]);
  assert.equal(e.history[4].type, 'ParallelStateStarted');
  assert.equal(Object.keys(e.history[4]).join(','), 'timestamp,type,id,previousEventId');
  assert.equal(e.history[12].stateExitedEventDetails?.output, '[[1,2,3,4],[1,2,3,4]]');
});

test('Parallel: Parameters feed every branch; ResultSelector shapes the array', async () => {
  const e = await run(
    {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Parameters: { 'n.$': '$.n' },
          ResultSelector: { 'first.$': '$[0].n', 'second.$': '$[1]' },
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Pass', Parameters: { 'm.$': 'States.MathAdd($.n, 1)' }, End: true } } },
          ],
          End: true,
        },
      },
    },
    { n: 41, other: true },
  );
  assert.equal(e.output, '{"first":41,"second":{"m":42}}');
});

const waitingParallel = (extra: object = {}) => ({
  StartAt: 'P',
  States: {
    P: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 100, End: true } } },
        { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Branch.Error', Cause: 'branch two failed' } } },
      ],
      End: true,
      ...extra,
    },
    Recover: { Type: 'Pass', End: true },
  },
});

test('Parallel: a failing branch aborts the others and its error (not States.BranchFailed) fails the state', async () => {
  const h = harness();
  const e = await run(waitingParallel(), {}, h, { waitScale: 1 });
  assert.equal(e.status, 'FAILED');
  assert.equal(e.error, 'Branch.Error');
  assert.equal(e.cause, 'branch two failed');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'ParallelStateEntered'],
    [3, 2, 'ParallelStateStarted'],
    [4, 3, 'WaitStateEntered'],
    [5, 3, 'FailStateEntered'],
    [6, 5, 'WaitStateAborted'],
    [7, 5, 'ParallelStateFailed'],
    [8, 7, 'ExecutionFailed'],
  ]);
  assert.equal(h.clock.pending, 0);
});

test('Parallel Catch: ParallelStateFailed then ParallelStateExited with the catcher output', async () => {
  const e = await run(waitingParallel({ Catch: [{ ErrorEquals: ['Branch.Error'], ResultPath: '$.failure', Next: 'Recover' }] }), { keep: 1 }, harness(), { waitScale: 1 });
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(shape(e).slice(5), [
    [6, 5, 'WaitStateAborted'],
    [7, 5, 'ParallelStateFailed'],
    [8, 7, 'ParallelStateExited'],
    [9, 8, 'PassStateEntered'],
    [10, 9, 'PassStateExited'],
    [11, 10, 'ExecutionSucceeded'],
  ]);
  assert.equal(e.output, '{"keep":1,"failure":{"Error":"Branch.Error","Cause":"branch two failed"}}');
});

test('Parallel Retry: runs every branch again from a new ParallelStateStarted', async () => {
  const h = harness();
  let calls = 0;
  h.integrations.register('lambda:invoke', async () => {
    if (++calls === 1) throw new StatesError('Transient', 'first call fails');
    return 'ok';
  });
  const e = await run(
    {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 1 }],
          Branches: [
            { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$', End: true } } },
            { StartAt: 'A', States: { A: { Type: 'Pass', Result: 'a', End: true } } },
          ],
          End: true,
        },
      },
    },
    {},
    h,
  );
  assert.equal(e.status, 'SUCCEEDED');
  assert.equal(e.output, '["ok","a"]');
  const starts = e.history.filter((ev) => ev.type === 'ParallelStateStarted');
  assert.equal(starts.length, 2);
  assert.equal(starts[1].previousEventId, event(e, 'TaskFailed').id);
  assert.equal(e.history.filter((ev) => ev.type === 'ParallelStateFailed').length, 0);
  assert.equal(event(e, 'TaskStateAborted')?.previousEventId, event(e, 'TaskFailed').id);
});

test('nested Map in Parallel in Map', async () => {
  const e = await run(
    {
      StartAt: 'Outer',
      States: {
        Outer: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Par',
            States: {
              Par: {
                Type: 'Parallel',
                Branches: [
                  { StartAt: 'Inner', States: { Inner: { Type: 'Map', ItemsPath: '$.xs', ItemProcessor: { StartAt: 'Id', States: { Id: { Type: 'Pass', End: true } } }, End: true } } },
                  { StartAt: 'Name', States: { Name: { Type: 'Pass', InputPath: '$.name', End: true } } },
                ],
                End: true,
              },
            },
          },
          End: true,
        },
      },
    },
    [
      { xs: [1, 2], name: 'a' },
      { xs: [], name: 'b' },
    ],
  );
  assert.equal(e.output, '[[[1,2],"a"],[[],"b"]]');
  const ids = e.history.map((ev) => ev.id);
  assert.deepEqual(ids, ids.map((_, i) => i + 1));
  assert.ok(e.history.every((ev) => ev.previousEventId! < ev.id));
});

test('stop() during a Map aborts every iteration silently', async () => {
  const h = harness();
  const e = startExecution({ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } }, End: true } } }, [1, 2, 3], h, { waitScale: 1 });
  await until(() => h.clock.pending === 3, 'waits');
  e.stop('Stop', 'user');
  await e.done;
  await flush();
  assert.equal(h.clock.pending, 0);
  assert.equal(types(e).at(-1), 'ExecutionAborted');
  assert.equal(e.history.filter((ev) => ev.type.endsWith('Aborted')).length, 1);
});

test('Map: an ItemSelector failure (States.Runtime, not catchable) stops the iterations already started', async () => {
  const h = harness();
  const e = await run(
    {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemSelector: { 'v.$': '$$.Map.Item.Value.v' },
          ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    },
    [{ v: 1 }, { nope: 2 }],
    h,
    { waitScale: 1 },
  );
  await flush();
  assert.equal(h.clock.pending, 0);
  assert.equal(e.status, 'FAILED');
  assert.equal(e.error, 'States.Runtime');
  assert.match(e.cause!, /^An error occurred while executing the state 'M' \(entered at the event id #2\)\. The JSONPath '\$\$\.Map\.Item\.Value\.v'/);
  assert.deepEqual(types(e), ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapIterationStarted', 'MapIterationStarted', 'ExecutionFailed']);
});
