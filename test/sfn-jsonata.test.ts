/**
 * JSONata states in the executor: `{% %}` expressions in Output, Arguments, Condition, Items,
 * ItemSelector, Wait and Fail fields, Catch Output, `$states`, the functions Step Functions adds,
 * and States.QueryEvaluationError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { TaskRequest } from '../src/services/stepfunctions/integrations/registry.js';
import { event, harness, run, shape, types } from './sfn-executor-helpers.js';

const LAMBDA = 'arn:aws:states:::lambda:invoke';
const jsonata = (States: Record<string, unknown>, StartAt = Object.keys(States)[0]) => ({ QueryLanguage: 'JSONata', StartAt, States });
const out = (e: { output?: string }) => JSON.parse(e.output!);

test('Pass: Output template with nested expressions, objects and arrays; $states.input', async () => {
  const e = await run(
    jsonata({
      P: {
        Type: 'Pass',
        Output: { sum: '{% $states.input.a + $states.input.b %}', list: ['{% $states.input.a %}', 'plain', { deep: '{% $uppercase($states.input.s) %}' }], n: 1 },
        End: true,
      },
    }),
    { a: 1, b: 2, s: 'hi' },
  );
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(out(e), { sum: 3, list: [1, 'plain', { deep: 'HI' }], n: 1 });
  assert.deepEqual(types(e), ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  assert.deepEqual(shape(e).map((s) => s[1]), [0, 0, 2, 3]);
});

test('Output may be a single expression or any JSON value; no Output passes the input through', async () => {
  const e = await run(
    jsonata({
      A: { Type: 'Pass', Output: '{% $states.input.items[1] %}', Next: 'B' },
      B: { Type: 'Pass', Next: 'C' },
      C: { Type: 'Succeed', Output: '{% {"wrapped": $states.input} %}' },
    }),
    { items: [{ v: 1 }, { v: 2 }] },
  );
  assert.deepEqual(out(e), { wrapped: { v: 2 } });
  const s = await run(jsonata({ A: { Type: 'Pass', Output: 42, End: true } }));
  assert.equal(s.output, '42');
});

test('an expression that returns nothing fails the state with States.QueryEvaluationError naming the field', async () => {
  const e = await run(jsonata({ P: { Type: 'Pass', Output: { v: { w: ['x', '{% $states.input.missing %}'] } }, End: true } }), {});
  assert.equal(e.status, 'FAILED');
  assert.equal(e.error, 'States.QueryEvaluationError');
  assert.equal(
    e.cause,
    "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression '$states.input.missing' specified for the field 'Output/v/w[1]' returned nothing (undefined).",
  );
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'PassStateEntered'],
    [3, 2, 'EvaluationFailed'],
    [4, 3, 'ExecutionFailed'],
  ]);
  assert.deepEqual(e.history[2].evaluationFailedEventDetails, { error: 'States.QueryEvaluationError', cause: e.cause, location: 'Output/v/w[1]', state: 'P' });
});

test('an expression that throws fails with the JSONata error code and message', async () => {
  const e = await run(jsonata({ P: { Type: 'Pass', Output: '{% 1 + "a" %}', End: true } }));
  assert.equal(e.error, 'States.QueryEvaluationError');
  assert.match(e.cause!, /The JSONata expression '1 \+ "a"' specified for the field 'Output' threw an error during evaluation\. T2002: The right side of the "\+" operator must evaluate to a number$/);
  const ev = await run(jsonata({ P: { Type: 'Pass', Output: '{% $eval("1") %}', End: true } }));
  assert.equal(ev.error, 'States.QueryEvaluationError');
  assert.match(ev.cause!, /T1006: Attempted to invoke a non-function$/);
});

test('AWS functions: $partition, $range, $hash, $random (seeded), $uuid, $parse', async () => {
  const e = await run(
    jsonata({
      P: {
        Type: 'Pass',
        Output: {
          partition: '{% $partition([1,2,3,4,5], 2) %}',
          range: '{% $range(0, 10, 5) %}',
          down: '{% $range(3, 1, -1) %}',
          hash: "{% $hash('abc', 'SHA-256') %}",
          md5: "{% $hash('abc', 'MD5') %}",
          seeded: '{% $random(7) = $random(7) %}',
          unit: '{% $random() >= 0 and $random() < 1 %}',
          uuid: '{% $uuid() %}',
          parsed: '{% $parse($states.input.json) %}',
        },
        End: true,
      },
    }),
    { json: '{"a":[1,{"b":null}]}' },
  );
  const o = out(e);
  assert.deepEqual(o.partition, [[1, 2], [3, 4], [5]]);
  assert.deepEqual(o.range, [0, 5, 10]);
  assert.deepEqual(o.down, [3, 2, 1]);
  assert.equal(o.hash, createHash('sha256').update('abc').digest('hex'));
  assert.equal(o.md5, createHash('md5').update('abc').digest('hex'));
  assert.equal(o.seeded, true);
  assert.equal(o.unit, true);
  assert.match(o.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(o.parsed, { a: [1, { b: null }] });
});

test('AWS functions refuse bad arguments with States.QueryEvaluationError', async () => {
  for (const expr of ['$partition([1,2], 0)', '$range(1, 5, 0)', "$hash('a', 'SHA-3')", "$parse('{nope')", '$range(0, 5000, 1)']) {
    const e = await run(jsonata({ P: { Type: 'Pass', Output: `{% ${expr} %}`, End: true } }));
    assert.equal(e.error, 'States.QueryEvaluationError', expr);
    assert.ok(e.cause!.includes(`The JSONata expression '${expr}' specified for the field 'Output' threw an error during evaluation`), e.cause);
  }
});

test('$states.context: execution, state and the Map item in ItemSelector', async () => {
  const e = await run(
    jsonata({
      P: { Type: 'Pass', Output: { name: '{% $states.context.State.Name %}', exec: '{% $states.context.Execution.Name %}', input: '{% $states.context.Execution.Input.k %}' }, End: true },
    }),
    { k: 'v' },
  );
  const o = out(e);
  assert.equal(o.name, 'P');
  assert.match(o.exec, /^exec-\d+$/);
  assert.equal(o.input, 'v');
});

test('Choice: Condition expressions and literal booleans, rule Output, Default, NoChoiceMatched', async () => {
  const def = jsonata({
    C: {
      Type: 'Choice',
      Choices: [
        { Condition: '{% $states.input.n > 10 %}', Next: 'Big', Output: { size: 'big', n: '{% $states.input.n %}' } },
        { Condition: false, Next: 'Big' },
      ],
      Default: 'Small',
      Output: { size: 'small' },
    },
    Big: { Type: 'Succeed' },
    Small: { Type: 'Succeed' },
  });
  const big = await run(def, { n: 11 });
  assert.deepEqual(out(big), { size: 'big', n: 11 });
  assert.equal(event(big, 'ChoiceStateExited').stateExitedEventDetails?.name, 'C');
  assert.equal(event(big, 'SucceedStateEntered').stateEnteredEventDetails?.name, 'Big');
  const small = await run(def, { n: 1 });
  assert.deepEqual(out(small), { size: 'small' });
  assert.equal(event(small, 'SucceedStateEntered').stateEnteredEventDetails?.name, 'Small');

  const none = await run(jsonata({ C: { Type: 'Choice', Choices: [{ Condition: '{% false %}', Next: 'X' }] }, X: { Type: 'Succeed' } }));
  assert.equal(none.error, 'States.NoChoiceMatched');
});

test('Choice: a Condition that is not a boolean, or returns nothing, is a States.QueryEvaluationError', async () => {
  const def = (cond: string) => jsonata({ C: { Type: 'Choice', Choices: [{ Condition: cond, Next: 'X' }], Default: 'X' }, X: { Type: 'Succeed' } });
  const str = await run(def("{% 'yes' %}"));
  assert.equal(str.error, 'States.QueryEvaluationError');
  assert.match(str.cause!, /The JSONata expression ''yes'' specified for the field 'Choices\[0\]\/Condition' returned an unexpected result type\. Expected 'boolean', but was 'string'/);
  const nothing = await run(def('{% $states.input.nope %}'));
  assert.match(nothing.cause!, /specified for the field 'Choices\[0\]\/Condition' returned nothing \(undefined\)\.$/);
});

test('Wait: Seconds and Timestamp as expressions, and invalid results', async () => {
  const h = harness();
  const e = await run(jsonata({ W: { Type: 'Wait', Seconds: '{% $states.input.s %}', Next: 'T' }, T: { Type: 'Wait', Timestamp: '{% $states.input.t %}', Output: 'done', End: true } }), { s: 5, t: '2020-01-01T00:00:00Z' }, h);
  assert.equal(e.status, 'SUCCEEDED');
  assert.equal(e.output, '"done"');
  const bad = await run(jsonata({ W: { Type: 'Wait', Seconds: '{% "5" %}', End: true } }));
  assert.equal(bad.error, 'States.QueryEvaluationError');
  assert.match(bad.cause!, /field 'Seconds' returned an unexpected result type\. Expected 'integer', but was 'string'/);
  const neg = await run(jsonata({ W: { Type: 'Wait', Seconds: '{% -1 %}', End: true } }));
  assert.equal(neg.error, 'States.QueryEvaluationError');
  const ts = await run(jsonata({ W: { Type: 'Wait', Timestamp: "{% 'tomorrow' %}", End: true } }));
  assert.equal(ts.error, 'States.Runtime');
});

test('Fail: Error and Cause as expressions', async () => {
  const e = await run(jsonata({ F: { Type: 'Fail', Error: "{% 'Custom.' & $states.input.kind %}", Cause: '{% $string($states.input.n) %}' } }), { kind: 'Boom', n: 3 });
  assert.equal(e.error, 'Custom.Boom');
  assert.equal(e.cause, '3');
  const lit = await run(jsonata({ F: { Type: 'Fail', Error: 'E', Cause: 'C' } }));
  assert.deepEqual([lit.error, lit.cause], ['E', 'C']);
  const bad = await run(jsonata({ F: { Type: 'Fail', Error: '{% 1 %}' } }));
  assert.equal(bad.error, 'States.QueryEvaluationError');
});

test('Task: Arguments, TimeoutSeconds expression, $states.result in Output; default output is the result', async () => {
  const h = harness();
  const calls: TaskRequest[] = [];
  h.integrations.register('lambda:invoke', async (req) => {
    calls.push(req);
    return { Payload: { doubled: (req.parameters as any).Payload.n * 2 } };
  });
  const e = await run(
    jsonata({
      T: {
        Type: 'Task',
        Resource: LAMBDA,
        Arguments: { FunctionName: 'f', Payload: { n: '{% $states.input.n %}' } },
        TimeoutSeconds: '{% $states.input.timeout %}',
        Output: { value: '{% $states.result.Payload.doubled %}', input: '{% $states.input.n %}' },
        Next: 'U',
      },
      U: { Type: 'Task', Resource: LAMBDA, Arguments: { FunctionName: 'g', Payload: { n: 1 } }, End: true },
    }),
    { n: 21, timeout: 30 },
    h,
  );
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(calls[0].parameters, { FunctionName: 'f', Payload: { n: 21 } });
  assert.equal(calls[0].timeoutSeconds, 30);
  assert.equal(event(e, 'TaskStateExited').stateExitedEventDetails?.output, '{"value":42,"input":21}');
  assert.deepEqual(out(e), { Payload: { doubled: 2 } });
  assert.equal(event(e, 'TaskScheduled').taskScheduledEventDetails?.parameters, '{"FunctionName":"f","Payload":{"n":21}}');
});

test('Task: Arguments that return nothing fail before the task is scheduled; Catch takes QueryEvaluationError', async () => {
  const h = harness();
  h.integrations.register('lambda:invoke', async () => ({}));
  const e = await run(
    jsonata({
      T: {
        Type: 'Task',
        Resource: LAMBDA,
        Arguments: { Payload: { p: '{% $states.input.pushLocation %}' } },
        Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Output: { caught: '{% $states.errorOutput.Error %}', cause: '{% $states.errorOutput.Cause %}' }, Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Succeed' },
    }),
    {},
    h,
  );
  assert.equal(e.status, 'SUCCEEDED');
  assert.ok(!types(e).includes('TaskScheduled'));
  assert.deepEqual(types(e).slice(1, 5), ['TaskStateEntered', 'EvaluationFailed', 'TaskStateExited', 'SucceedStateEntered']);
  assert.deepEqual(out(e), {
    caught: 'States.QueryEvaluationError',
    cause: "An error occurred while executing the state 'T' (entered at the event id #2). The JSONata expression '$states.input.pushLocation' specified for the field 'Arguments/Payload/p' returned nothing (undefined).",
  });
});

test('Catch: default Output is the error output; Retry runs the JSONata Arguments again', async () => {
  const h = harness();
  let n = 0;
  h.integrations.register('lambda:invoke', async () => {
    n++;
    throw Object.assign(new Error('nope'), {});
  });
  const e = await run(
    jsonata({
      T: {
        Type: 'Task',
        Resource: LAMBDA,
        Arguments: { attempt: '{% $states.context.State.RetryCount %}' },
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Pass', End: true },
    }),
    {},
    h,
  );
  assert.equal(n, 3);
  assert.deepEqual(
    e.history.filter((ev) => ev.type === 'TaskScheduled').map((ev) => ev.taskScheduledEventDetails?.parameters),
    ['{"attempt":0}', '{"attempt":1}', '{"attempt":2}'],
  );
  assert.deepEqual(out(e), { Error: 'States.TaskFailed', Cause: 'nope' });
});

test('Map: Items expression, ItemSelector with $states.context.Map.Item, MaxConcurrency expression, Output of the results', async () => {
  const e = await run(
    jsonata({
      M: {
        Type: 'Map',
        Items: '{% $states.input.xs %}',
        ItemSelector: { v: '{% $states.context.Map.Item.Value %}', i: '{% $states.context.Map.Item.Index %}', tag: '{% $states.input.tag %}' },
        MaxConcurrency: '{% 2 %}',
        ToleratedFailurePercentage: 10,
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $states.input.tag & ":" & $states.input.i & "=" & $states.input.v %}', End: true } } },
        Output: { results: '{% $states.result %}' },
        End: true,
      },
    }),
    { xs: ['a', 'b', 'c'], tag: 't' },
  );
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(out(e), { results: ['t:0=a', 't:1=b', 't:2=c'] });
  assert.equal(event(e, 'MapStateStarted').mapStateStartedEventDetails?.length, 3);
});

test('Map: literal Items array, input as items by default, and an Items expression that is not an array', async () => {
  const proc = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
  const lit = await run(jsonata({ M: { Type: 'Map', Items: [1, '{% $states.input.x %}'], ItemProcessor: proc, End: true } }), { x: 2 });
  assert.deepEqual(out(lit), [1, 2]);
  const def = await run(jsonata({ M: { Type: 'Map', ItemProcessor: proc, End: true } }), [3, 4]);
  assert.deepEqual(out(def), [3, 4]);
  const bad = await run(jsonata({ M: { Type: 'Map', Items: '{% $states.input.x %}', ItemProcessor: proc, End: true } }), { x: 2 });
  assert.equal(bad.error, 'States.QueryEvaluationError');
  assert.match(bad.cause!, /field 'Items' returned an unexpected result type\. Expected 'array', but was 'integer'/);
});

test('Parallel: Arguments is the input of every branch; $states.result is the branch outputs', async () => {
  const e = await run(
    jsonata({
      P: {
        Type: 'Parallel',
        Arguments: { x: '{% $states.input.x * 10 %}' },
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $states.input.x + 1 %}', End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
        ],
        Output: '{% $states.result %}',
        End: true,
      },
    }),
    { x: 2 },
  );
  assert.deepEqual(out(e), [21, { x: 20 }]);
});

test('mixing: a JSONata state in a JSONPath machine, and JSONPath states after it', async () => {
  const e = await run(
    {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Parameters: { 'v.$': '$.v' }, Next: 'B' },
        B: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { w: '{% $states.input.v * 2 %}' }, Next: 'C' },
        C: { Type: 'Pass', ResultPath: '$.copy', Parameters: { 'x.$': '$.w' }, End: true },
      },
    },
    { v: 4 },
  );
  assert.deepEqual(out(e), { w: 8, copy: { x: 8 } });
});

test('a state inside a Map inherits the machine language, not the Map state language', async () => {
  const e = await run(
    {
      StartAt: 'M',
      States: {
        M: { Type: 'Map', QueryLanguage: 'JSONata', Items: [{ a: 1 }], ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'b.$': '$.a' }, End: true } } }, End: true },
      },
    },
    {},
  );
  assert.deepEqual(out(e), [{ b: 1 }]);
});

test('the synchronous evaluator agrees with the jsonata package wherever it answers', async () => {
  const { evaluateTemplate, evaluateTemplateSync, jsonataBindings, FALLBACK } = await import('../src/services/stepfunctions/asl/jsonata.js');
  const input = { i: 3, f: 1.5, s: 'ab', t: 'b', o: { p: { q: 1 } }, arr: [1, 2], one: [7], n: null, yes: true, no: false, zero: 0 };
  const bind = jsonataBindings({ v: 2, obj: { k: 'x' }, list: [1] }, { input });
  const exprs = [
    '$states.input.i', '$states.input.o', '$states.input.o.p.q', '$states.input.missing.x', '$states.input.arr', '$states.input.one', '$states.input.n',
    '$states.input.i + 1', '$states.input.i - $v', '$states.input.i * $states.input.f', '$states.input.i / 2', '$states.input.i % 2', '$states.input.i / $states.input.zero',
    '$states.input.i >= 3', '$states.input.s < $states.input.t', '$states.input.s = "ab"', '$states.input.n = null', '$states.input.missing = 1', '$states.input.missing != 1',
    '$states.input.i = "3"', '$states.input.o = $states.input.o', '$states.input.s & $states.input.t', '$states.input.s & $states.input.i',
    '$states.input.yes and $states.input.no', '$states.input.no and $states.input.missing', '$states.input.yes or $states.input.i', '$v', '$obj.k', '$list', '$nothing',
    '"lit"', '42', 'true', 'null', '$states.input.s.length', '$states.input.i + $states.input.missing',
  ];
  let answered = 0;
  for (const e of exprs) {
    const t = `{% ${e} %}`;
    let sync: unknown;
    let syncError: string | undefined;
    try {
      sync = evaluateTemplateSync(t, 'Output', bind);
    } catch (err: any) {
      syncError = err.cause;
    }
    if (sync === FALLBACK) continue;
    answered++;
    let full: unknown;
    let fullError: string | undefined;
    try {
      full = await evaluateTemplate(t, 'Output', bind);
    } catch (err: any) {
      fullError = err.cause;
    }
    assert.equal(syncError, fullError, e);
    assert.deepEqual(sync, full, e);
  }
  assert.ok(answered >= 20, `only ${answered} answered synchronously`);
});
