/**
 * Workflow variables in the executor: Assign in JSONPath and JSONata states, `$name` references,
 * evaluation order, scoping across Map / Parallel / Catch, size limits, and assignedVariables in
 * the StateExited events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { event, harness, run } from './sfn-executor-helpers.js';

const LAMBDA = 'arn:aws:states:::lambda:invoke';
const out = (e: { output?: string }) => JSON.parse(e.output!);
const exited = (e: Awaited<ReturnType<typeof run>>, name: string) =>
  e.history.find((ev) => ev.stateExitedEventDetails?.name === name)?.stateExitedEventDetails;

test('JSONPath Assign: literals, paths, intrinsics and variable references; read back with $name paths', async () => {
  const e = await run(
    {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { count: 1, 'user.$': '$.user', label: 'static', 'items.$': 'States.Array($.user.id, 7)' }, Next: 'B' },
        B: { Type: 'Pass', Assign: { 'count.$': 'States.MathAdd($count, 1)', 'copy.$': '$user.name' }, Next: 'C' },
        C: {
          Type: 'Pass',
          Parameters: { 'count.$': '$count', 'name.$': '$copy', 'items.$': '$items', 'first.$': '$items[0]', 'label.$': '$label' },
          End: true,
        },
      },
    },
    { user: { id: 'u1', name: 'Ann' } },
  );
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(out(e), { count: 2, name: 'Ann', items: ['u1', 7], first: 'u1', label: 'static' });
  assert.deepEqual(exited(e, 'A'), {
    name: 'A',
    output: '{"user":{"id":"u1","name":"Ann"}}',
    outputDetails: { truncated: false },
    assignedVariables: { count: '1', user: '{"id":"u1","name":"Ann"}', label: '"static"', items: '["u1",7]' },
    assignedVariablesDetails: { truncated: false },
  });
  assert.deepEqual(exited(e, 'B')?.assignedVariables, { count: '2', copy: '"Ann"' });
  assert.equal(exited(e, 'C')?.assignedVariables, undefined);
  assert.equal(exited(e, 'C')?.assignedVariablesDetails, undefined);
});

test('all Assign values of a state see the variables from before the state (a swap works)', async () => {
  const e = await run({
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Assign: { x: 1, y: 2 }, Next: 'B' },
      B: { Type: 'Pass', Assign: { 'x.$': '$y', 'y.$': '$x' }, Next: 'C' },
      C: { Type: 'Pass', QueryLanguage: 'JSONata', Assign: { x: '{% $y %}', y: '{% $x %}' }, Output: { x: '{% $x %}', y: '{% $y %}' }, Next: 'D' },
      D: { Type: 'Pass', Parameters: { 'x.$': '$x', 'y.$': '$y', 'before.$': '$' }, End: true },
    },
  });
  // C's Output sees the values before C's own Assign.
  assert.deepEqual(out(e), { x: 1, y: 2, before: { x: 2, y: 1 } });
});

test('JSONPath Assign: `$` is the state result after ResultSelector, not the ResultPath-merged output', async () => {
  const h = harness();
  h.integrations.register('lambda:invoke', async () => ({ Payload: { price: 5 } }));
  const e = await run(
    {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          Parameters: { FunctionName: 'f' },
          ResultSelector: { 'p.$': '$.Payload.price' },
          ResultPath: '$.r',
          Assign: { 'price.$': '$.p', 'inputCtx.$': '$$.State.Name' },
          Next: 'U',
        },
        U: { Type: 'Pass', Parameters: { 'price.$': '$price', 'ctx.$': '$inputCtx', 'r.$': '$.r' }, End: true },
      },
    },
    { a: 1 },
    h,
  );
  assert.deepEqual(out(e), { price: 5, ctx: 'T', r: { p: 5 } });
});

test('JSONata Assign uses $states.result and $states.input; variables are visible to later JSONata and JSONPath states', async () => {
  const h = harness();
  h.integrations.register('lambda:invoke', async () => ({ Payload: { total: 9 } }));
  const e = await run(
    {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: LAMBDA, Arguments: { FunctionName: 'f' }, Assign: { total: '{% $states.result.Payload.total %}', who: '{% $states.input.who %}', fixed: [1, { two: 2 }] }, Output: {}, Next: 'U' },
        U: { Type: 'Pass', Output: '{% $who & "=" & $total & "/" & $fixed[1].two %}', End: true },
      },
    },
    { who: 'me' },
    h,
  );
  assert.equal(e.output, '"me=9/2"');
  assert.deepEqual(exited(e, 'T')?.assignedVariables, { total: '9', who: '"me"', fixed: '[1,{"two":2}]' });
});

test('an undefined variable: JSONPath path failure is States.Runtime; in JSONata it returns nothing', async () => {
  const p = await run({ StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { 'v.$': '$nope' }, End: true } } });
  assert.equal(p.error, 'States.Runtime');
  assert.match(p.cause!, /The JSONPath '\$nope' specified for the field 'v\.\$' could not be found/);
  const j = await run({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $nope %}', End: true } } });
  assert.equal(j.error, 'States.QueryEvaluationError');
  assert.match(j.cause!, /The JSONata expression '\$nope' specified for the field 'Output' returned nothing \(undefined\)\.$/);
  const a = await run({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: { y: '{% $nope %}' } }, End: true } } });
  assert.match(a.cause!, /specified for the field 'Assign\/x\/y' returned nothing \(undefined\)\.$/);
});

test('Map iterations read outer variables; what they assign stays in the iteration', async () => {
  const e = await run(
    {
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Assign: { factor: 10, seen: 'outer' }, Next: 'M' },
        M: {
          Type: 'Map',
          ItemsPath: '$.xs',
          ItemSelector: { 'x.$': '$$.Map.Item.Value', 'f.$': '$factor' },
          ItemProcessor: {
            StartAt: 'Set',
            States: {
              Set: { Type: 'Pass', Assign: { 'seen.$': 'States.Format(\'inner{}\', $.x)' }, Next: 'Read' },
              Read: { Type: 'Pass', Parameters: { 'x.$': '$.x', 'f.$': '$factor', 'seen.$': '$seen' }, End: true },
            },
          },
          ResultPath: '$.results',
          Next: 'After',
        },
        After: { Type: 'Pass', Parameters: { 'seen.$': '$seen', 'results.$': '$.results' }, End: true },
      },
    },
    { xs: [1, 2] },
  );
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(out(e), {
    seen: 'outer',
    results: [
      { x: 1, f: 10, seen: 'inner1' },
      { x: 2, f: 10, seen: 'inner2' },
    ],
  });
});

test('a variable first assigned inside a Parallel branch is not visible after the Parallel state', async () => {
  const e = await run({
    QueryLanguage: 'JSONata',
    StartAt: 'P',
    States: {
      P: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { local: 1 }, End: true } } }],
        Assign: { fromResult: '{% $states.result[0] %}' },
        Next: 'After',
      },
      After: { Type: 'Pass', Output: '{% $exists($local) %}', End: true },
    },
  });
  assert.equal(e.output, 'false');
  assert.deepEqual(exited(e, 'P')?.assignedVariables, { fromResult: '{}' });
});

test('Catch Assign (JSONPath: `$` is the error output; JSONata: $states.errorOutput); the state Assign is skipped', async () => {
  const h = harness();
  h.integrations.register('lambda:invoke', async () => {
    throw new Error('bad');
  });
  const jp = await run(
    {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          Assign: { ok: true },
          Catch: [{ ErrorEquals: ['States.ALL'], Assign: { 'err.$': '$.Error', ok: false }, ResultPath: '$.e', Next: 'R' }],
          End: true,
        },
        R: { Type: 'Pass', Parameters: { 'err.$': '$err', 'ok.$': '$ok', 'e.$': '$.e.Cause' }, End: true },
      },
    },
    {},
    h,
  );
  assert.deepEqual(out(jp), { err: 'States.TaskFailed', ok: false, e: 'bad' });
  assert.deepEqual(exited(jp, 'T')?.assignedVariables, { err: '"States.TaskFailed"', ok: 'false' });

  const ja = await run(
    {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: LAMBDA,
          Assign: { ok: true },
          Catch: [{ ErrorEquals: ['States.ALL'], Assign: { cause: '{% $states.errorOutput.Cause %}', input: '{% $states.input.k %}' }, Output: { handled: true }, Next: 'R' }],
          End: true,
        },
        R: { Type: 'Pass', Output: { cause: '{% $cause %}', input: '{% $input %}', ok: '{% $exists($ok) %}', out: '{% $states.input %}' }, End: true },
      },
    },
    { k: 'v' },
    h,
  );
  assert.deepEqual(out(ja), { cause: 'bad', input: 'v', ok: false, out: { handled: true } });
});

test('Choice: the state Assign applies on every path, a matched rule adds its own (JSONPath and JSONata)', async () => {
  const jp = await run(
    {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Assign: { via: 'default', always: 1 }, Choices: [{ Variable: '$.n', NumericEquals: 1, Assign: { via: 'rule', 'n.$': '$.n' }, Next: 'X' }], Default: 'X' },
        X: { Type: 'Pass', Parameters: { 'via.$': '$via', 'always.$': '$always' }, End: true },
      },
    },
    { n: 1 },
  );
  assert.deepEqual(out(jp), { via: 'rule', always: 1 });
  const dflt = await run(
    {
      QueryLanguage: 'JSONata',
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Assign: { via: 'default' }, Choices: [{ Condition: '{% $states.input.n = 1 %}', Assign: { via: 'rule' }, Next: 'X' }], Default: 'X' },
        X: { Type: 'Pass', Output: '{% $via %}', End: true },
      },
    },
    { n: 2 },
  );
  assert.equal(dflt.output, '"default"');
});

test('Choice rules compare variables (JSONPath Variable and ...Path operands)', async () => {
  const e = await run(
    {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { limit: 3, i: 0 }, Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$i', NumericGreaterThanEqualsPath: '$limit', Next: 'Done' }], Default: 'Inc' },
        Inc: { Type: 'Pass', Assign: { 'i.$': 'States.MathAdd($i, 1)' }, Next: 'C' },
        Done: { Type: 'Pass', Parameters: { 'i.$': '$i' }, End: true },
      },
    },
  );
  assert.deepEqual(out(e), { i: 3 });
});

test('Wait state Assign, and InputPath / OutputPath reading variables', async () => {
  const e = await run({
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Assign: { doc: { inner: { v: 1 } } }, Next: 'W' },
      W: { Type: 'Wait', Seconds: 0, InputPath: '$doc', Assign: { 'w.$': '$.inner.v' }, Next: 'O' },
      O: { Type: 'Pass', OutputPath: '$w', End: true },
    },
  });
  assert.equal(e.output, '1');
});

test('size limits: one variable over 256 KiB, one Assign over 256 KiB, are States.Runtime errors', async () => {
  const big = 'x'.repeat(200 * 1024);
  const one = await run({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { 'v.$': 'States.Format(\'{}{}\', $.big, $.big)' }, End: true } } }, { big });
  assert.equal(one.error, 'States.Runtime');
  assert.match(one.cause!, /The variable 'v' assigned by the state 'A' exceeds the maximum size of 262144 bytes for a variable\.$/);
  const combined = await run({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { 'a.$': '$.big', 'b.$': '$.big' }, End: true } } }, { big });
  assert.equal(combined.error, 'States.Runtime');
  assert.match(combined.cause!, /exceed the maximum combined size of 262144 bytes for one Assign\.$/);
  const fine = await run({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { 'a.$': '$.big' }, Next: 'B' }, B: { Type: 'Pass', Assign: { 'b.$': '$.big' }, End: true } } }, { big });
  assert.equal(fine.status, 'SUCCEEDED');
});

test('an oversized assignment after a task fails the execution (States.Runtime is not catchable) without a StateExited', async () => {
  const h = harness();
  h.integrations.register('lambda:invoke', async () => ({ n: 1 }));
  const e = await run(
    {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { v: 'before' }, Next: 'T' },
        T: { Type: 'Task', Resource: LAMBDA, Assign: { 'v.$': "States.Format('{}', $.n)", 'huge.$': '$$.Execution.Input.pad' }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'R' }], End: true },
        R: { Type: 'Pass', End: true },
      },
    },
    { pad: 'z'.repeat(257 * 1024) },
    h,
  );
  assert.equal(e.status, 'FAILED');
  assert.equal(e.error, 'States.Runtime');
  assert.equal(e.cause, "An error occurred while executing the state 'T' (entered at the event id #4). The variable 'huge' assigned by the state 'T' exceeds the maximum size of 262144 bytes for a variable.");
  assert.equal(event(e, 'TaskStateExited'), undefined);
});

test('size limits: all the variables of an execution over 10 MiB is a States.Runtime error', async () => {
  const States: Record<string, unknown> = {};
  for (let i = 0; i < 41; i++) States[`S${i}`] = { Type: 'Pass', Assign: { [`v${i}.$`]: '$.big' }, ...(i === 40 ? { End: true } : { Next: `S${i + 1}` }) };
  const e = await run({ StartAt: 'S0', States }, { big: 'x'.repeat(250 * 1024) });
  assert.equal(e.status, 'FAILED');
  assert.equal(e.cause, "An error occurred while executing the state 'S40' (entered at the event id #82). The variables of the execution would exceed the maximum total size of 10485760 bytes.");
  // Reassigning the same variables does not add up.
  const same: Record<string, unknown> = {};
  for (let i = 0; i < 41; i++) same[`S${i}`] = { Type: 'Pass', Assign: { [`v${i % 5}.$`]: '$.big' }, ...(i === 40 ? { End: true } : { Next: `S${i + 1}` }) };
  assert.equal((await run({ StartAt: 'S0', States: same }, { big: 'x'.repeat(250 * 1024) })).status, 'SUCCEEDED');
});
