/**
 * Executor unit tests: the simple states, input/output processing, the Context object, errors,
 * execution timeout and StopExecution. Expected histories are the event sequences real Step
 * Functions writes for the same machines (GetExecutionHistory recordings published with AWS
 * emulator test suites and in the Step Functions developer guide).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { event, flush, harness, REGION, ROLE_ARN, run, shape, SM_ARN, startExecution, types, until } from './sfn-executor-helpers.js';

test('Pass chain: AWS event sequence, ids, previousEventId and details', async () => {
  const e = await run(
    {
      StartAt: 'State0',
      States: {
        State0: { Type: 'Pass', Parameters: { Arg1: 'argument1', 'FromInput.$': '$' }, Next: 'State1' },
        State1: { Type: 'Pass', Result: { Arg2: 'argument2' }, ResultPath: '$.Arg2Holder', OutputPath: '$.Arg2Holder', Next: 'State2' },
        State2: { Type: 'Pass', InputPath: null, End: true },
      },
    },
    { InputValue: 0 },
  );
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'PassStateEntered'],
    [3, 2, 'PassStateExited'],
    [4, 3, 'PassStateEntered'],
    [5, 4, 'PassStateExited'],
    [6, 5, 'PassStateEntered'],
    [7, 6, 'PassStateExited'],
    [8, 7, 'ExecutionSucceeded'],
  ]);
  assert.deepEqual(e.history[0].executionStartedEventDetails, { input: '{"InputValue":0}', inputDetails: { truncated: false }, roleArn: ROLE_ARN });
  assert.deepEqual(e.history[1].stateEnteredEventDetails, { name: 'State0', input: '{"InputValue":0}', inputDetails: { truncated: false } });
  assert.deepEqual(e.history[2].stateExitedEventDetails, {
    name: 'State0',
    output: '{"Arg1":"argument1","FromInput":{"InputValue":0}}',
    outputDetails: { truncated: false },
  });
  assert.equal(e.history[4].stateExitedEventDetails?.output, '{"Arg2":"argument2"}');
  assert.equal(e.history[6].stateExitedEventDetails?.output, '{}');
  assert.deepEqual(e.history[7].executionSucceededEventDetails, { output: '{}', outputDetails: { truncated: false } });
  assert.equal(e.output, '{}');
  assert.ok(e.stopDate instanceof Date);
  assert.ok(e.history.every((ev) => ev.timestamp instanceof Date));
});

test('Pass: ResultPath null keeps the input; Result null is a result', async () => {
  const e = await run(
    {
      StartAt: 'Keep',
      States: {
        Keep: { Type: 'Pass', Result: 'ignored', ResultPath: null, Next: 'Nullify' },
        Nullify: { Type: 'Pass', Result: null, ResultPath: '$.n', End: true },
      },
    },
    { a: [1, 2] },
  );
  assert.equal(e.output, '{"a":[1,2],"n":null}');
});

test('Context object: $$ fields as AWS fills them', async () => {
  const h = harness();
  const e = await run(
    {
      StartAt: 'Ctx',
      States: {
        Ctx: {
          Type: 'Pass',
          Parameters: {
            'execId.$': '$$.Execution.Id',
            'execName.$': '$$.Execution.Name',
            'input.$': '$$.Execution.Input',
            'role.$': '$$.Execution.RoleArn',
            'start.$': '$$.Execution.StartTime',
            'redrive.$': '$$.Execution.RedriveCount',
            'sm.$': '$$.StateMachine',
            'state.$': '$$.State',
          },
          End: true,
        },
      },
    },
    { k: 'v' },
    h,
  );
  const out = JSON.parse(e.output!);
  assert.match(out.execId, /^arn:aws:states:us-east-1:123456789012:execution:Machine:exec-\d+$/);
  assert.equal(out.execName, out.execId.split(':').pop());
  assert.deepEqual(out.input, { k: 'v' });
  assert.equal(out.role, ROLE_ARN);
  assert.equal(out.start, new Date(h.clock.now()).toISOString());
  assert.equal(out.redrive, 0);
  assert.deepEqual(out.sm, { Id: SM_ARN, Name: 'Machine' });
  assert.deepEqual(out.state, { Name: 'Ctx', EnteredTime: new Date(h.clock.now()).toISOString() });
});

test('Choice: rules, Default, OutputPath, ChoiceStateEntered/Exited', async () => {
  const def = {
    StartAt: 'Pick',
    States: {
      Pick: {
        Type: 'Choice',
        OutputPath: '$.v',
        Choices: [
          { Variable: '$.v', NumericGreaterThan: 10, Next: 'Big' },
          { And: [{ Variable: '$.v', NumericGreaterThanEquals: 0 }, { Variable: '$.v', NumericLessThanEquals: 10 }], Next: 'Small' },
        ],
        Default: 'Negative',
      },
      Big: { Type: 'Pass', Result: 'big', End: true },
      Small: { Type: 'Pass', Result: 'small', End: true },
      Negative: { Type: 'Pass', Result: 'negative', End: true },
    },
  };
  assert.equal((await run(def, { v: 11 })).output, '"big"');
  assert.equal((await run(def, { v: 3 })).output, '"small"');
  const neg = await run(def, { v: -1 });
  assert.equal(neg.output, '"negative"');
  assert.deepEqual(types(neg), ['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  assert.equal(neg.history[2].stateExitedEventDetails?.output, '-1');
});

test('Choice: no rule matched and no Default fails with States.NoChoiceMatched', async () => {
  const e = await run({ StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.a', BooleanEquals: true, Next: 'D' }] }, D: { Type: 'Succeed' } } }, { a: false });
  assert.equal(e.status, 'FAILED');
  assert.equal(e.error, 'States.NoChoiceMatched');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'ChoiceStateEntered'],
    [3, 2, 'ExecutionFailed'],
  ]);
});

test('Choice loop counting to 10,000 with an intrinsic', async () => {
  const e = await run(
    {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericGreaterThanEquals: 10000, Next: 'Done' }], Default: 'Inc' },
        Inc: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Check' },
        Done: { Type: 'Succeed' },
      },
    },
    { i: 0 },
  );
  assert.equal(e.status, 'SUCCEEDED');
  assert.equal(e.output, '{"i":10000}');
  assert.equal(e.history.length, 1 + 10001 * 2 + 10000 * 2 + 2 + 1);
  assert.equal(e.history.at(-1)!.id, e.history.length);
});

test('Succeed: InputPath and OutputPath; SucceedStateEntered/Exited', async () => {
  const e = await run({ StartAt: 'S', States: { S: { Type: 'Succeed', InputPath: '$.a', OutputPath: '$.b' } } }, { a: { b: [1] } });
  assert.equal(e.output, '[1]');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'SucceedStateEntered'],
    [3, 2, 'SucceedStateExited'],
    [4, 3, 'ExecutionSucceeded'],
  ]);
});

test('Fail: Error and Cause, and the AWS sequence FailStateEntered -> ExecutionFailed', async () => {
  const e = await run({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'SomeFailure', Cause: "This state machines raises a 'SomeFailure' failure." } } });
  assert.equal(e.status, 'FAILED');
  assert.equal(e.error, 'SomeFailure');
  assert.equal(e.cause, "This state machines raises a 'SomeFailure' failure.");
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'FailStateEntered'],
    [3, 2, 'ExecutionFailed'],
  ]);
  assert.deepEqual(e.history[2].executionFailedEventDetails, { error: 'SomeFailure', cause: "This state machines raises a 'SomeFailure' failure." });
});

test('Fail: ErrorPath / CausePath (path and intrinsic) and an empty Fail', async () => {
  const paths = await run(
    { StartAt: 'F', States: { F: { Type: 'Fail', ErrorPath: '$.Error', CausePath: "States.Format('custom {} / {}', $.Error, $.Cause)" } } },
    { Error: 'error string', Cause: 'cause string' },
  );
  assert.equal(paths.error, 'error string');
  assert.equal(paths.cause, 'custom error string / cause string');
  const empty = await run({ StartAt: 'F', States: { F: { Type: 'Fail' } } });
  assert.equal(empty.status, 'FAILED');
  assert.equal(empty.error, undefined);
  assert.deepEqual(empty.history[2].executionFailedEventDetails, {});
});

test('Wait: Seconds waits on the clock (scaled) and writes WaitStateEntered/Exited', async () => {
  const h = harness();
  const e = startExecution({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, Next: 'P' }, P: { Type: 'Pass', End: true } } }, { x: 1 }, h, { waitScale: 1 });
  await until(() => e.history.length === 2, 'WaitStateEntered');
  await flush();
  assert.equal(e.status, 'RUNNING');
  assert.equal(h.clock.pending, 1);
  h.clock.advance(9999);
  await flush();
  assert.equal(e.status, 'RUNNING');
  h.clock.advance(1);
  await e.done;
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(types(e), ['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  assert.equal(event(e, 'WaitStateExited').timestamp.getTime() - event(e, 'WaitStateEntered').timestamp.getTime(), 10000);
});

test('Wait: waitScale multiplies the delay; 0 makes it instant', async () => {
  const h = harness();
  const scaled = startExecution({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 100, End: true } } }, {}, h, { waitScale: 0.01 });
  await until(() => h.clock.pending === 1, 'timer');
  h.clock.advance(999);
  await flush();
  assert.equal(scaled.status, 'RUNNING');
  h.clock.advance(1);
  await scaled.done;
  assert.equal(scaled.status, 'SUCCEEDED');
  const instant = await run({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } }, {}, harness(), { waitScale: 0 });
  assert.equal(instant.status, 'SUCCEEDED');
});

test('Wait: SecondsPath, Timestamp and TimestampPath', async () => {
  const h = harness();
  const at = new Date(h.clock.now() + 5000).toISOString();
  const e = startExecution(
    {
      StartAt: 'A',
      States: {
        A: { Type: 'Wait', SecondsPath: '$.s', Next: 'B' },
        B: { Type: 'Wait', TimestampPath: '$.t', Next: 'C' },
        C: { Type: 'Wait', Timestamp: '2000-01-01T00:00:00Z', End: true },
      },
    },
    { s: 2, t: at },
    h,
    { waitScale: 1 },
  );
  await until(() => h.clock.pending === 1, 'first wait');
  h.clock.advance(2000);
  await until(() => event(e, 'WaitStateEntered', 1) !== undefined && h.clock.pending === 1, 'second wait');
  h.clock.advance(3000);
  await e.done;
  assert.equal(e.status, 'SUCCEEDED');
  assert.equal(e.history.at(-1)!.timestamp.getTime() - e.history[0].timestamp.getTime(), 5000);
});

test('Wait: a SecondsPath that is not a non-negative integer fails with States.Runtime', async () => {
  const e = await run({ StartAt: 'W', States: { W: { Type: 'Wait', SecondsPath: '$.s', End: true } } }, { s: 'soon' });
  assert.equal(e.error, 'States.Runtime');
  assert.match(e.cause!, /^An error occurred while executing the state 'W' \(entered at the event id #2\)\. /);
});

test('runtime errors name the state and event id, and Catch cannot handle them', async () => {
  const h = harness();
  h.integrations.register('lambda:invoke', async () => ({}));
  const e = await run(
    {
      StartAt: 'Start',
      States: {
        Start: { Type: 'Pass', Next: 'T' },
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { 'x.$': '$.missing' },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    },
    { a: 1 },
    h,
  );
  assert.equal(e.status, 'FAILED');
  assert.equal(e.error, 'States.Runtime');
  assert.equal(
    e.cause,
    "An error occurred while executing the state 'T' (entered at the event id #4). The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input '{\"a\":1}'",
  );
  assert.deepEqual(shape(e).slice(3), [
    [4, 3, 'TaskStateEntered'],
    [5, 4, 'ExecutionFailed'],
  ]);
});

test('States.DataLimitExceeded when a state output passes 256 KiB', async () => {
  const s = 'x'.repeat(150 * 1024);
  const e = await run({ StartAt: 'Big', States: { Big: { Type: 'Pass', Parameters: { 'a.$': '$.s', 'b.$': '$.s' }, End: true } } }, { s });
  assert.equal(e.status, 'FAILED');
  assert.equal(e.error, 'States.DataLimitExceeded');
  assert.equal(e.cause, "The state/task 'Big' returned a result with a size exceeding the maximum number of bytes service limit.");
  assert.deepEqual(types(e), ['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed']);
});

test('execution TimeoutSeconds: ExecutionTimedOut after the last event, status TIMED_OUT', async () => {
  const h = harness();
  const e = startExecution({ TimeoutSeconds: 10, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 100, End: true } } }, {}, h, { waitScale: 1 });
  await until(() => h.clock.pending === 2, 'wait and timeout timers');
  h.clock.advance(10_000);
  await e.done;
  assert.equal(e.status, 'TIMED_OUT');
  assert.equal(e.error, undefined);
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'WaitStateEntered'],
    [3, 2, 'ExecutionTimedOut'],
  ]);
  assert.equal(e.history[2].timestamp.getTime() - e.history[0].timestamp.getTime(), 10_000);
  assert.equal(h.clock.pending, 0);
});

test('stop(): ExecutionAborted with error and cause, timers cleared, later events none', async () => {
  const h = harness();
  const e = startExecution({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, Next: 'P' }, P: { Type: 'Pass', End: true } } }, {}, h, { waitScale: 1 });
  await until(() => h.clock.pending === 1, 'wait timer');
  e.stop('Stopped.Error', 'stopped by a test');
  await e.done;
  assert.equal(e.status, 'ABORTED');
  assert.equal(e.error, 'Stopped.Error');
  assert.equal(e.cause, 'stopped by a test');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'WaitStateEntered'],
    [3, 2, 'ExecutionAborted'],
  ]);
  assert.deepEqual(e.history[2].executionAbortedEventDetails, { error: 'Stopped.Error', cause: 'stopped by a test' });
  assert.equal(h.clock.pending, 0);
  h.clock.advance(3_600_000);
  await flush();
  assert.equal(e.history.length, 3);
  e.stop();
  assert.equal(e.history.length, 3);
});

test('stop() without error or cause writes empty details', async () => {
  const h = harness();
  const e = startExecution({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 5, End: true } } }, {}, h, { waitScale: 1 });
  await until(() => h.clock.pending === 1, 'wait timer');
  e.stop();
  await e.done;
  assert.deepEqual(e.history.at(-1)!.executionAbortedEventDetails, {});
  assert.equal(e.error, undefined);
});

test('recordHistory false keeps no history but still reports events and output', async () => {
  const seen: string[] = [];
  const e = await run({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 1, End: true } } }, {}, harness(), {
    recordHistory: false,
    type: 'EXPRESS',
    onEvent: (ev) => seen.push(`${ev.id}:${ev.type}`),
  });
  assert.equal(e.history.length, 0);
  assert.equal(e.output, '1');
  assert.deepEqual(seen, ['1:ExecutionStarted', '2:PassStateEntered', '3:PassStateExited', '4:ExecutionSucceeded']);
  const quiet = await run({ StartAt: 'P', States: { P: { Type: 'Pass', Result: [1], End: true } } }, {}, harness(), { recordHistory: false });
  assert.equal(quiet.output, '[1]');
  assert.equal(quiet.history.length, 0);
});

test('ExecutionStarted echoes the caller input text and version/alias ARNs', async () => {
  const e = await run({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, { a: 1 }, harness(), {
    inputJson: '{ "a" : 1 }',
    stateMachineVersionArn: `${SM_ARN}:1`,
  });
  assert.deepEqual(e.history[0].executionStartedEventDetails, {
    input: '{ "a" : 1 }',
    inputDetails: { truncated: false },
    roleArn: ROLE_ARN,
    stateMachineVersionArn: `${SM_ARN}:1`,
  });
  assert.equal(e.history[1].stateEnteredEventDetails?.input, '{ "a" : 1 }');
  assert.equal(REGION, 'us-east-1');
});

test('a throwing onEvent listener does not disturb the execution', async () => {
  const e = await run({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, {}, harness(), {
    onEvent: () => {
      throw new Error('listener bug');
    },
  });
  assert.equal(e.status, 'SUCCEEDED');
  assert.equal(e.history.length, 4);
});
