import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Diagnostic,
  type ValidateOptions,
  invalidDefinitionMessage,
  stateQueryLanguage,
  validateDefinition,
} from '../src/services/stepfunctions/asl/validate.js';
import { isIntrinsicCall, isTimestamp, isValidPath, isValidReferencePath } from '../src/services/stepfunctions/asl/validate-paths.js';

type Def = Record<string, unknown>;
type Brief = [code: string, location: string | undefined, message?: string];

const text = (def: Def | string): string => (typeof def === 'string' ? def : JSON.stringify(def));

function run(def: Def | string, opts?: ValidateOptions) {
  return validateDefinition(text(def), opts);
}

/** [code, location] of each diagnostic, plus the message when `withMessage`. */
function brief(def: Def | string, opts?: ValidateOptions, withMessage = false): Brief[] {
  return run(def, opts).diagnostics.map((d: Diagnostic) => (withMessage ? [d.code, d.location, d.message] : [d.code, d.location]));
}

/** A machine whose first state is the start state. */
const machine = (states: Def, extra: Def = {}): Def => ({ StartAt: Object.keys(states)[0], States: states, ...extra });
const jsonata = (states: Def): Def => machine(states, { QueryLanguage: 'JSONata' });
const pass = (extra: Def = {}): Def => ({ Type: 'Pass', End: true, ...extra });
const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:HelloFunction';

function assertValid(def: Def | string, opts?: ValidateOptions): void {
  const r = run(def, opts);
  assert.deepEqual(r.diagnostics, [], JSON.stringify(r.diagnostics));
  assert.equal(r.result, 'OK');
  assert.equal(r.truncated, false);
}

/** Exactly one error, with this code, location and (when given) message. */
function assertOne(def: Def | string, code: string, location: string | undefined, message?: string, opts?: ValidateOptions): void {
  const r = run(def, opts);
  assert.equal(r.result, 'FAIL');
  assert.equal(r.diagnostics.length, 1, JSON.stringify(r.diagnostics));
  const [d] = r.diagnostics;
  assert.equal(d.severity, 'ERROR');
  assert.equal(d.code, code);
  assert.equal(d.location, location);
  if (message !== undefined) assert.equal(d.message, message);
  assert.equal(r.definition, undefined);
}

const schemaOne = (def: Def | string, location: string, message?: string, opts?: ValidateOptions) =>
  assertOne(def, 'SCHEMA_VALIDATION_FAILED', location, message, opts);

describe('valid definitions (one per state type, AWS documentation examples)', () => {
  it('Hello World with Pass states', () => {
    assertValid({
      Comment: 'A Hello World example of the Amazon States Language using Pass states',
      StartAt: 'Hello',
      States: { Hello: { Type: 'Pass', Result: 'Hello', Next: 'World' }, World: { Type: 'Pass', Result: 'World', End: true } },
    });
  });

  it('Pass with Parameters, ResultPath and paths, and the parsed definition is returned', () => {
    const def = machine({
      'No-op': {
        Type: 'Pass',
        InputPath: '$.input',
        Parameters: { 'comment.$': '$.comment', 'ctx.$': '$$.Execution.Id', static: 1, nested: { 'a.$': 'States.Format(\'x{}\', $.a)' } },
        ResultPath: '$.coords',
        OutputPath: '$',
        Next: 'End',
      },
      End: { Type: 'Pass', InputPath: null, OutputPath: null, ResultPath: null, End: true },
    });
    const r = run(def);
    assert.equal(r.result, 'OK');
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.definition?.StartAt, 'No-op');
    assert.equal(r.definition?.States['No-op'].Type, 'Pass');
    assert.deepEqual(r.definition, def);
  });

  it('Task with Retry, Catch, timeouts and a Lambda function ARN', () => {
    assertValid({
      Comment: 'A Hello World example of the Amazon States Language using an AWS Lambda function',
      StartAt: 'HelloWorld',
      TimeoutSeconds: 3600,
      Version: '1.0',
      States: {
        HelloWorld: {
          Type: 'Task',
          Resource: LAMBDA,
          TimeoutSeconds: 300,
          HeartbeatSeconds: 60,
          Retry: [
            { ErrorEquals: ['CustomError'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2.0 },
            { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 30, MaxAttempts: 2, BackoffRate: 2.0, MaxDelaySeconds: 60, JitterStrategy: 'FULL' },
            { ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 5, BackoffRate: 2.0 },
          ],
          Catch: [
            { ErrorEquals: ['CustomError'], Next: 'CustomErrorFallback' },
            { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'CatchAllFallback' },
          ],
          End: true,
        },
        CustomErrorFallback: { Type: 'Pass', Result: 'This is a fallback from a custom Lambda function exception', End: true },
        CatchAllFallback: { Type: 'Pass', Result: 'This is a fallback from any error code', End: true },
      },
    });
  });

  it('Task resources: integrations, .sync, .waitForTaskToken, aws-sdk, activities, HTTP', () => {
    const resources = [
      'arn:aws:states:::lambda:invoke',
      'arn:aws:states:::lambda:invoke.waitForTaskToken',
      'arn:aws:states:::sqs:sendMessage',
      'arn:aws:states:::states:startExecution.sync:2',
      'arn:aws:states:::ecs:runTask.sync',
      'arn:aws:states:::aws-sdk:s3:getObject',
      'arn:aws:states:::http:invoke',
      'arn:aws:states:us-east-1:123456789012:activity:HelloWorld',
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:f:prod',
    ];
    for (const Resource of resources) assertValid(machine({ T: { Type: 'Task', Resource, Credentials: { RoleArn: 'arn:aws:iam::1:role/r' }, End: true } }));
  });

  it('Choice with Not, And, Or, comparisons, type tests and Default (docs example)', () => {
    assertValid(
      machine({
        ChoiceStateX: {
          Type: 'Choice',
          Choices: [
            { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
            { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
            { And: [{ Variable: '$.value', NumericGreaterThanEquals: 20 }, { Variable: '$.value', NumericLessThan: 30 }], Next: 'ValueInTwenties' },
            { Or: [{ Variable: '$.a', IsNull: true }, { Variable: '$.b', IsPresent: false }], Next: 'Public' },
            { Variable: '$.ts', TimestampLessThanEquals: '2016-03-14T01:59:00Z', Next: 'Public' },
            { Variable: '$.ts', TimestampGreaterThanPath: '$.other', Next: 'Public' },
            { Variable: '$.name', StringMatches: 'log-*.\\*txt', Next: 'Public' },
            { Variable: '$$.Execution.Name', StringEqualsPath: '$$.Execution.Id', Next: 'Public' },
            { Variable: '$myVariable', BooleanEquals: true, Assign: { chosen: 'yes' }, Next: 'Public' },
          ],
          Default: 'DefaultState',
          InputPath: '$',
          OutputPath: '$',
        },
        Public: { Type: 'Pass', End: true },
        ValueIsZero: { Type: 'Pass', End: true },
        ValueInTwenties: { Type: 'Pass', End: true },
        DefaultState: { Type: 'Fail', Error: 'DefaultStateError', Cause: 'No Matches!' },
      }),
    );
  });

  it('Wait with each of Seconds, Timestamp, SecondsPath and TimestampPath', () => {
    assertValid(
      machine({
        A: { Type: 'Wait', Seconds: 10, Next: 'B' },
        B: { Type: 'Wait', Timestamp: '2016-03-14T01:59:00Z', Next: 'C' },
        C: { Type: 'Wait', SecondsPath: '$.seconds', Next: 'D' },
        D: { Type: 'Wait', TimestampPath: '$$.Execution.StartTime', Next: 'E' },
        E: { Type: 'Wait', Timestamp: '2024-08-18T17:33:00.250+02:00', End: true },
      }),
    );
  });

  it('Succeed and Fail, including ErrorPath / CausePath with an intrinsic function', () => {
    assertValid(
      machine({
        C: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }], Default: 'F1' },
        Done: { Type: 'Succeed', InputPath: '$.result', OutputPath: '$' },
        F1: { Type: 'Fail', ErrorPath: '$.error', CausePath: "States.Format('Failed: {}', $.cause)" },
      }),
    );
    assertValid(machine({ F: { Type: 'Fail' } }));
  });

  it('Parallel with two branches (docs example)', () => {
    assertValid({
      Comment: 'Parallel Example.',
      StartAt: 'LookupCustomerInfo',
      States: {
        LookupCustomerInfo: {
          Type: 'Parallel',
          End: true,
          ResultSelector: { 'address.$': '$[0]', 'phone.$': '$[1]' },
          Retry: [{ ErrorEquals: ['States.ALL'] }],
          Branches: [
            { StartAt: 'LookupAddress', States: { LookupAddress: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:AddressFinder', End: true } } },
            { StartAt: 'LookupPhone', Comment: 'phone', States: { LookupPhone: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:PhoneFinder', End: true } } },
          ],
        },
      },
    });
  });

  it('inline Map with ItemProcessor, ItemSelector and MaxConcurrency', () => {
    assertValid(
      machine({
        Validate: {
          Type: 'Map',
          InputPath: '$.detail',
          ItemsPath: '$.shipped',
          MaxConcurrency: 0,
          ItemSelector: { 'parcel.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index', 'courier.$': '$.delivery-partner' },
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Validation', States: { Validation: { Type: 'Task', Resource: LAMBDA, End: true } } },
          ResultPath: '$.detail.shipped',
          End: true,
        },
      }),
    );
  });

  it('legacy Map with Iterator and Parameters', () => {
    assertValid(
      machine({
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          Parameters: { 'item.$': '$$.Map.Item.Value' },
          MaxConcurrencyPath: '$.limit',
          Iterator: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          End: true,
        },
      }),
    );
  });

  it('Distributed Map with ItemReader, ItemBatcher, ResultWriter and tolerated failures', () => {
    assertValid(
      machine({
        Map: {
          Type: 'Map',
          Label: 'Batch',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['a', 'b'], MaxItems: 100 },
            Parameters: { 'Bucket.$': '$.bucket', Key: 'data.csv' },
          },
          ItemBatcher: { MaxItemsPerBatch: 10, MaxInputBytesPerBatch: 1024, BatchInput: { 'run.$': '$$.Execution.Id' } },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Sync',
            States: { Sync: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', End: true } },
          },
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'results' }, WriterConfig: { Transformation: 'FLATTEN', OutputType: 'JSONL' } },
          ToleratedFailurePercentage: 5,
          ToleratedFailureCountPath: '$.count',
          End: true,
        },
      }),
    );
  });

  it('ItemReader on a Map without Distributed mode is accepted at definition time (as AWS does)', () => {
    assertValid(
      machine({
        M: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'b' } },
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          End: true,
        },
      }),
    );
  });

  it('a JSONata machine using Arguments, Output, Assign, Condition, Items and expressions for numbers', () => {
    assertValid(
      jsonata({
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: LAMBDA, Payload: '{% $states.input %}' },
          Output: '{% $states.result.Payload %}',
          Assign: { result: '{% $states.result %}', count: 1 },
          TimeoutSeconds: '{% $timeout %}',
          HeartbeatSeconds: 5,
          Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed', Output: '{% $states.errorOutput %}', Assign: { e: '{% $states.errorOutput %}' } }],
          Next: 'Decide',
        },
        Decide: {
          Type: 'Choice',
          Choices: [
            { Condition: '{% $result.ok %}', Next: 'Wait', Output: { chosen: true }, Assign: { branch: 'wait' } },
            { Condition: true, Next: 'Fan' },
          ],
          Default: 'Failed',
        },
        Wait: { Type: 'Wait', Seconds: '{% $states.input.delay %}', Next: 'Until' },
        Until: { Type: 'Wait', Timestamp: '{% $states.input.at %}', Next: 'Fan' },
        Fan: {
          Type: 'Map',
          Items: '{% $states.input.items %}',
          ItemSelector: { value: '{% $states.context.Map.Item.Value %}' },
          MaxConcurrency: '{% 2 %}',
          ItemProcessor: { StartAt: 'Each', States: { Each: { Type: 'Pass', Output: '{% $states.input %}', End: true } } },
          Next: 'Both',
        },
        Both: {
          Type: 'Parallel',
          Arguments: '{% $states.input %}',
          Branches: [{ StartAt: 'One', States: { One: { Type: 'Succeed', Output: { a: 1 } } } }],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
        Failed: { Type: 'Fail', Error: '{% $e.Error %}', Cause: 'failed' },
      }),
    );
  });

  it('a JSONata state in a JSONPath machine, and Assign in JSONPath states', () => {
    assertValid(
      machine({
        Path: { Type: 'Pass', Assign: { 'who.$': '$.name', count: 1 }, Next: 'Ata' },
        Ata: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { greeting: "{% 'Hello ' & $who %}" }, Next: 'Back' },
        Back: { Type: 'Pass', QueryLanguage: 'JSONPath', Parameters: { 'who.$': '$who' }, End: true },
      }),
    );
  });

  it('EXPRESS accepts request-response integrations and Lambda ARNs', () => {
    assertValid(machine({ T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Next: 'L' }, L: { Type: 'Task', Resource: LAMBDA, End: true } }), {
      type: 'EXPRESS',
    });
  });

  it('a loop inside a Parallel branch needs no terminal state there', () => {
    assertValid(
      machine({
        P: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } }],
          End: true,
        },
      }),
    );
  });
});

describe('JSON syntax and the document root', () => {
  it('whitespace or a non-object is "Definition must be a valid JSON object" without a location', () => {
    for (const t of [' ', '\n', '[]', '1', '"x"', 'null']) assertOne(t, 'SCHEMA_VALIDATION_FAILED', undefined, 'Definition must be a valid JSON object');
  });

  it('a bad token is INVALID_JSON_DESCRIPTION with Jackson message and source location', () => {
    assertOne(
      'not a definition',
      'INVALID_JSON_DESCRIPTION',
      '[Source: (String)"not a definition"; line: 1, column: 4]',
      "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]",
    );
  });

  it('reports the unexpected character with its code, line and column', () => {
    const cases: [string, string][] = [
      ['{"a":1,}', "Unexpected character ('}' (code 125)): was expecting double-quote to start field name"],
      ["{'a':1}", "Unexpected character (''' (code 39)): was expecting double-quote to start field name"],
      ['{"a" 1}', "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value"],
      ['{"a":1 "b":2}', "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries"],
      ['[1 2]', "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries"],
      ['{"a":}', "Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"],
      ['{"a":tru}', "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"],
      ['{"a":"\\x"}', "Unrecognized character escape 'x' (code 120)"],
      ['{"a":01}', 'Invalid numeric value: Leading zeroes not allowed'],
    ];
    for (const [t, message] of cases) {
      const [d] = run(t).diagnostics;
      assert.equal(d.code, 'INVALID_JSON_DESCRIPTION', t);
      assert.equal(d.message.split('\n')[0], message, t);
    }
    assert.equal(run('{\n  "a" 1}').diagnostics[0].location, '[Source: (String)"{\n  "a" 1}"; line: 2, column: 8]');
  });

  it('reports end of input inside an object with the start marker', () => {
    const [d] = run('{"StartAt":"A"').diagnostics;
    assert.equal(
      d.message,
      'Unexpected end-of-input: expected close marker for OBJECT (start marker at [Source: (String)"{"StartAt":"A""; line: 1, column: 1])\n at [Source: (String)"{"StartAt":"A""; line: 1, column: 15]',
    );
    assert.match(run('{"a":"abc').diagnostics[0].message, /^Unexpected end-of-input: was expecting closing quote for a string value/);
  });

  it('refuses nesting deeper than 1000 levels instead of overflowing the stack', () => {
    const [d] = run('['.repeat(5000) + ']'.repeat(5000)).diagnostics;
    assert.equal(d.code, 'INVALID_JSON_DESCRIPTION');
    assert.match(d.message, /^Document nesting depth \(1001\) exceeds the maximum allowed \(1000/);
    assert.equal(run('['.repeat(1000) + ']'.repeat(1000)).diagnostics[0].message, 'Definition must be a valid JSON object');
  });

  it('truncates long sources in the location the way Jackson does', () => {
    const long = `{"Comment":"${'x'.repeat(600)}" x}`;
    const [d] = run(long).diagnostics;
    assert.match(d.location!, /^\[Source: \(String\)"\{"Comment":"x+"\[truncated 116 chars\]; line: 1, column: 616\]$/);
  });

  it('a missing States / StartAt lists the fields in AWS order at /', () => {
    schemaOne({}, '/', 'These fields are required: [States, StartAt]');
    schemaOne({ StartAt: 'A' }, '/', 'These fields are required: [States]');
    schemaOne({ States: { A: pass() } }, '/', 'These fields are required: [StartAt]');
  });

  it('refuses unknown top-level fields and mistyped top-level values', () => {
    schemaOne({ ...machine({ A: pass() }), Coment: 'typo' }, '/', "Field 'Coment' is not supported");
    schemaOne(machine({ A: pass() }, { TimeoutSeconds: 0 }), '/TimeoutSeconds', 'Minimum value is 1');
    schemaOne(machine({ A: pass() }, { TimeoutSeconds: 1.5 }), '/TimeoutSeconds', 'Expected value of type [INTEGER]');
    schemaOne(machine({ A: pass() }, { Version: 1 }), '/Version', 'Expected value of type [STRING]');
    schemaOne(machine({ A: pass() }, { Comment: {} }), '/Comment', 'Expected value of type [STRING]');
    schemaOne({ StartAt: 'A', States: [] }, '/States', 'Expected value of type [OBJECT]');
    schemaOne({ StartAt: 'A', States: {} }, '/States', 'Value cannot be empty');
  });

  it('QueryLanguage outside the enum is reported at its field', () => {
    schemaOne(machine({ A: pass() }, { QueryLanguage: 'jsonata' }), '/QueryLanguage', 'Value should be one of the following: [JSONPath, JSONata]');
    schemaOne(machine({ A: pass() }, { QueryLanguage: 5 }), '/QueryLanguage', 'Expected value of type [STRING]');
  });
});

describe('transitions and reachability', () => {
  it('a StartAt naming no state is a missing target, and the other states are unreachable', () => {
    assert.deepEqual(brief({ StartAt: 'Nope', States: { A: pass() } }, undefined, true), [
      ['MISSING_TRANSITION_TARGET', '/StartAt', "Missing 'Next' target: Nope"],
      ['MISSING_TRANSITION_TARGET', '/States/A', 'State "A" is not reachable.'],
    ]);
  });

  it('a dangling Next and no terminal state: both, dangling first', () => {
    assert.deepEqual(brief(machine({ A: { Type: 'Pass', Next: 'NOPE' } }), undefined, true), [
      ['MISSING_TRANSITION_TARGET', '/States/A/Next', "Missing 'Next' target: NOPE"],
      ['MISSING_END_STATE', undefined, 'Workflow has no terminal state'],
    ]);
  });

  it('a loop without a terminal state is MISSING_END_STATE alone, even with an unreachable state', () => {
    const def = machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' }, Unused: { Type: 'Pass', Next: 'A' } });
    assertOne(def, 'MISSING_END_STATE', undefined, 'Workflow has no terminal state');
  });

  it('an unreachable state is reported at the state', () => {
    assertOne(
      machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' }, C: pass() }),
      'MISSING_TRANSITION_TARGET',
      '/States/C',
      'State "C" is not reachable.',
    );
    assertOne(machine({ Start: pass(), 'a/b': pass() }), 'MISSING_TRANSITION_TARGET', '/States/a/b', 'State "a/b" is not reachable.');
  });

  it('dangling Choices[].Next, Default and Catch[].Next all say Next, at their own location', () => {
    assertOne(
      machine({ C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Ghost' }], Default: 'Z' }, Z: pass() }),
      'MISSING_TRANSITION_TARGET',
      '/States/C/Choices[0]/Next',
      "Missing 'Next' target: Ghost",
    );
    assertOne(
      machine({ C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Z' }], Default: 'Ghost' }, Z: pass() }),
      'MISSING_TRANSITION_TARGET',
      '/States/C/Default',
      "Missing 'Next' target: Ghost",
    );
    assertOne(
      machine({ T: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Ghost' }], End: true } }),
      'MISSING_TRANSITION_TARGET',
      '/States/T/Catch[0]/Next',
      "Missing 'Next' target: Ghost",
    );
  });

  it('catch targets make states reachable', () => {
    assertValid(machine({ T: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }], End: true }, Handler: pass() }));
  });

  it('unreachable states inside Parallel branches and Map processors use the structured path', () => {
    assertOne(
      machine({ P: { Type: 'Parallel', Branches: [{ StartAt: 'W', States: { W: pass(), Ghost: pass() } }], End: true } }),
      'MISSING_TRANSITION_TARGET',
      '/States/P/Branches[0]/States/Ghost',
    );
    assertOne(
      machine({ M: { Type: 'Map', ItemProcessor: { StartAt: 'W', States: { W: pass(), Ghost: pass() } }, End: true } }),
      'MISSING_TRANSITION_TARGET',
      '/States/M/ItemProcessor/States/Ghost',
    );
    assert.deepEqual(brief(machine({ M: { Type: 'Map', ItemProcessor: { StartAt: 'Nope', States: { A: pass() } }, End: true } })), [
      ['MISSING_TRANSITION_TARGET', '/States/M/ItemProcessor/StartAt'],
      ['MISSING_TRANSITION_TARGET', '/States/M/ItemProcessor/States/A'],
    ]);
  });

  it('a transition may not leave its branch', () => {
    const def = machine({
      P: { Type: 'Parallel', Branches: [{ StartAt: 'In', States: { In: { Type: 'Pass', Next: 'Out' } } }], Next: 'Out' },
      Out: pass(),
    });
    assert.deepEqual(brief(def), [['MISSING_TRANSITION_TARGET', '/States/P/Branches[0]/States/In/Next']]);
  });

  it('transitions in fields a state type does not support are ignored', () => {
    assertOne(
      machine({ X: pass({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'X' }] }) }),
      'SCHEMA_VALIDATION_FAILED',
      '/States/X',
      "Field 'Catch' is not supported",
    );
  });
});

describe('state names', () => {
  it('a state name declared twice in the same States object is DUPLICATE_STATE_NAME', () => {
    assertOne(
      '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"A":{"Type":"Pass","End":true}}}',
      'DUPLICATE_STATE_NAME',
      '/States/A',
      'Duplicate State name: A',
    );
  });

  it('state names are unique across the whole machine, nested scopes included', () => {
    const def = machine({
      Map: { Type: 'Map', ItemProcessor: { StartAt: 'Final State', States: { 'Final State': { Type: 'Wait', Seconds: 20, End: true } } }, Next: 'Final State' },
      'Final State': pass(),
    });
    assertOne(def, 'DUPLICATE_STATE_NAME', '/States/Final State', 'Duplicate State name: Final State');
  });

  it('duplicates inside a branch are located in the branch', () => {
    const t = '{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"A":{"Type":"Pass","End":true}}}]}}}';
    assertOne(t, 'DUPLICATE_STATE_NAME', '/States/P/Branches[0]/States/A');
  });

  it('duplicate keys elsewhere keep the last value, as Jackson does', () => {
    const r = run('{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x":1,"x":2},"End":true}}}');
    assert.equal(r.result, 'OK');
    assert.deepEqual((r.definition?.States.A as { Parameters: unknown }).Parameters, { x: 2 });
  });

  it('any string is a state name, even __proto__', () => {
    const r = run('{"StartAt":"__proto__","States":{"__proto__":{"Type":"Pass","Next":"constructor"},"constructor":{"Type":"Succeed"}}}');
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(Object.keys(r.definition!.States), ['__proto__', 'constructor']);
    assertOne(
      machine({ A: { Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true, Next: 'toString' }], Default: 'B' }, B: { Type: 'Succeed' } }),
      'MISSING_TRANSITION_TARGET',
      '/States/A/Choices[0]/Next',
      "Missing 'Next' target: toString",
    );
  });

  it('a state name longer than 80 characters is INVALID_STATE_NAME', () => {
    const name = 'n'.repeat(81);
    assertOne(machine({ [name]: pass() }), 'INVALID_STATE_NAME', `/States/${name}`, `State name exceeds the maximum length of 80 characters: ${name}`);
    assertValid(machine({ ['é'.repeat(80)]: pass() }));
  });
});

describe('common state fields', () => {
  it('a state must be an object with a known Type', () => {
    const first = (def: Def) => brief(def, undefined, true)[0];
    assert.deepEqual(first(machine({ A: 'x' })), ['SCHEMA_VALIDATION_FAILED', '/States/A', 'Expected value of type [OBJECT]']);
    assert.deepEqual(first(machine({ A: { End: true } })), ['SCHEMA_VALIDATION_FAILED', '/States/A', 'These fields are required: [Type]']);
    assert.deepEqual(first(machine({ A: { Type: 1, End: true } })), ['SCHEMA_VALIDATION_FAILED', '/States/A/Type', 'Expected value of type [STRING]']);
    assert.deepEqual(brief(machine({ A: { Type: 'Sleep', End: true } }), undefined, true), [
      [
        'SCHEMA_VALIDATION_FAILED',
        '/States/A/Type',
        "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
      ],
      ['MISSING_END_STATE', undefined, 'Workflow has no terminal state'],
    ]);
  });

  it('an unknown field is not supported, located at the state', () => {
    schemaOne(machine({ A: pass({ _comment: 'x' }) }), '/States/A', "Field '_comment' is not supported");
    schemaOne(machine({ A: pass({ 'Message.$': '$.m' }) }), '/States/A', "Field 'Message.$' is not supported");
  });

  it('TimeoutSeconds, Catch and Retry only where the state type supports them', () => {
    const branch = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } };
    schemaOne(machine({ P: { Type: 'Parallel', TimeoutSeconds: 5, Branches: [branch], End: true } }), '/States/P', "Field 'TimeoutSeconds' is not supported");
    schemaOne(machine({ M: { Type: 'Map', TimeoutSeconds: 5, ItemProcessor: branch, End: true } }), '/States/M', "Field 'TimeoutSeconds' is not supported");
    schemaOne(machine({ X: { Type: 'Wait', Seconds: 1, End: true, Retry: [{ ErrorEquals: ['States.ALL'] }] } }), '/States/X', "Field 'Retry' is not supported");
    assert.deepEqual(
      brief(machine({ X: pass({ Retry: [{ ErrorEquals: ['States.ALL'] }], TimeoutSeconds: 5, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'X' }] }) }), undefined, true).map((d) => d[2]),
      ["Field 'Retry' is not supported", "Field 'TimeoutSeconds' is not supported", "Field 'Catch' is not supported"],
    );
  });

  it('Next and End: exactly one on Pass, Task, Wait, Parallel and Map', () => {
    schemaOne(machine({ A: { Type: 'Pass', Next: 'B', End: true }, B: pass() }), '/States/A', 'There should only be one of the following fields: [Next, End]');
    assert.deepEqual(brief(machine({ A: { Type: 'Pass' } }), undefined, true), [
      ['SCHEMA_VALIDATION_FAILED', '/States/A', 'This object should have only one of the following fields: [Next, End]'],
      ['MISSING_END_STATE', undefined, 'Workflow has no terminal state'],
    ]);
    assert.deepEqual(brief(machine({ A: { Type: 'Pass', End: 'true' } })), [
      ['SCHEMA_VALIDATION_FAILED', '/States/A/End'],
      ['MISSING_END_STATE', undefined],
    ]);
    assert.deepEqual(brief(machine({ A: { Type: 'Pass', Next: 1 }, B: pass() }), undefined, true), [
      ['SCHEMA_VALIDATION_FAILED', '/States/A/Next', 'Expected value of type [STRING]'],
      ['MISSING_TRANSITION_TARGET', '/States/B', 'State "B" is not reachable.'],
    ]);
  });

  it('Choice, Succeed and Fail take neither Next nor End', () => {
    schemaOne(machine({ S: { Type: 'Succeed', Next: 'S' } }), '/States/S', "Field 'Next' is not supported");
    schemaOne(machine({ F: { Type: 'Fail', End: true } }), '/States/F', "Field 'End' is not supported");
    schemaOne(
      machine({ C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true, Next: 'Z' }], End: true }, Z: pass() }),
      '/States/C',
      "Field 'End' is not supported",
    );
  });

  it('InputPath, OutputPath and ResultPath must be paths (null allowed)', () => {
    schemaOne(machine({ A: pass({ InputPath: 'input' }) }), '/States/A/InputPath', "The value for the field 'InputPath' must be a valid JSONPath");
    schemaOne(machine({ A: pass({ OutputPath: '$.' }) }), '/States/A/OutputPath', "The value for the field 'OutputPath' must be a valid JSONPath");
    schemaOne(machine({ A: pass({ InputPath: 5 }) }), '/States/A/InputPath', 'Expected value of type [STRING]');
    schemaOne(machine({ A: pass({ ResultPath: '$.a[*]' }) }), '/States/A/ResultPath', "The value for the field 'ResultPath' must be a valid reference path");
    schemaOne(machine({ A: pass({ ResultPath: '$$.Execution' }) }), '/States/A/ResultPath');
    schemaOne(machine({ A: pass({ ResultPath: '$var' }) }), '/States/A/ResultPath');
    assertValid(machine({ A: pass({ InputPath: "$.a[?(@.b > 1)]", OutputPath: '$..c', ResultPath: "$.x['y z'][0]" }) }));
  });

  it('Parameters and ResultSelector templates: `.$` values must be paths or intrinsic calls', () => {
    schemaOne(
      machine({ A: pass({ Parameters: { 'a.$': 'a.b' } }) }),
      '/States/A/Parameters/a.$',
      "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call",
    );
    schemaOne(machine({ A: pass({ Parameters: { x: [{ 'a.$': 'States.Unknown(1)' }] } }) }), '/States/A/Parameters/x[0]/a.$');
    schemaOne(machine({ A: pass({ Parameters: { 'a.$': "States.Format('{}', $.a" } }) }), '/States/A/Parameters/a.$');
    schemaOne(machine({ A: pass({ Parameters: { 'a.$': 1 } }) }), '/States/A/Parameters/a.$');
    schemaOne(machine({ A: pass({ Parameters: 'x' }) }), '/States/A/Parameters', 'Expected value of type [OBJECT]');
    schemaOne(
      machine({ T: { Type: 'Task', Resource: LAMBDA, ResultSelector: { 'b.$': '$.' }, End: true } }),
      '/States/T/ResultSelector/b.$',
    );
  });

  it('Assign: an object, whose `.$` values are checked in JSONPath states', () => {
    schemaOne(machine({ A: pass({ Assign: [] }) }), '/States/A/Assign', 'Expected value of type [OBJECT]');
    schemaOne(machine({ A: pass({ Assign: { 'v.$': 'nope' } }) }), '/States/A/Assign/v.$');
    schemaOne(machine({ S: { Type: 'Succeed', Assign: { a: 1 } } }), '/States/S', "Field 'Assign' is not supported");
  });
});

describe('Task', () => {
  const task = (extra: Def): Def => machine({ T: { Type: 'Task', Resource: LAMBDA, End: true, ...extra } });

  it('Resource is required and must be an ARN Step Functions recognises', () => {
    schemaOne(machine({ T: { Type: 'Task', End: true } }), '/States/T', 'These fields are required: [Resource]');
    schemaOne(task({ Resource: '${HelloLambdaArn}' }), '/States/T/Resource', 'Value is not a valid resource ARN');
    schemaOne(task({ Resource: 'HelloLambda' }), '/States/T/Resource', 'Value is not a valid resource ARN');
    schemaOne(
      task({ Resource: 'arn:aws:s3:::bucket' }),
      '/States/T/Resource',
      'The resource provided arn:aws:s3:::bucket is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.',
    );
    schemaOne(task({ Resource: 'arn:aws:states:::lambda' }), '/States/T/Resource');
    schemaOne(task({ Resource: 'arn:aws:states:::lambda:invoke.wait' }), '/States/T/Resource');
    schemaOne(task({ Resource: 7 }), '/States/T/Resource', 'Expected value of type [STRING]');
  });

  it('EXPRESS refuses .waitForTaskToken, .sync and activities', () => {
    const express = { type: 'EXPRESS' } as const;
    schemaOne(
      task({ Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' }),
      '/States/T/Resource',
      "Express state machine does not support '.waitForTaskToken' service integration ",
      express,
    );
    schemaOne(task({ Resource: 'arn:aws:states:::ecs:runTask.sync' }), '/States/T/Resource', "Express state machine does not support '.sync' service integration ", express);
    schemaOne(task({ Resource: 'arn:aws:states:::states:startExecution.sync:2' }), '/States/T/Resource', undefined, express);
    schemaOne(
      task({ Resource: 'arn:aws:states:us-east-1:123456789012:activity:a' }),
      '/States/T/Resource',
      'Express state machine does not support Activity ARN',
      express,
    );
    assertValid(task({ Resource: 'arn:aws:states:::ecs:runTask.sync' }), { type: 'STANDARD' });
  });

  it('TimeoutSeconds and HeartbeatSeconds: positive integers, exclusive with their Path, heartbeat below timeout', () => {
    schemaOne(task({ TimeoutSeconds: 0 }), '/States/T/TimeoutSeconds', 'Minimum value is 1');
    schemaOne(task({ TimeoutSeconds: 100000000 }), '/States/T/TimeoutSeconds', 'Maximum value is 99999999');
    schemaOne(task({ HeartbeatSeconds: 2.5 }), '/States/T/HeartbeatSeconds', 'Expected value of type [INTEGER]');
    schemaOne(
      task({ TimeoutSeconds: 10, TimeoutSecondsPath: '$.t' }),
      '/States/T/TimeoutSeconds',
      'There should only be one of the following fields: [TimeoutSeconds, TimeoutSecondsPath]',
    );
    schemaOne(task({ HeartbeatSeconds: 10, HeartbeatSecondsPath: '$.h' }), '/States/T/HeartbeatSeconds');
    schemaOne(
      task({ TimeoutSeconds: 10, HeartbeatSeconds: 10 }),
      '/States/T/HeartbeatSeconds',
      "The value of the field 'HeartbeatSeconds' must be smaller than the value of the field 'TimeoutSeconds'",
    );
    schemaOne(task({ TimeoutSecondsPath: '$.a[0:1]' }), '/States/T/TimeoutSecondsPath', "The value for the field 'TimeoutSecondsPath' must be a valid reference path");
    assertValid(task({ TimeoutSecondsPath: '$.t', HeartbeatSecondsPath: '$$.Execution.Input.h' }));
  });

  it('Credentials need a RoleArn', () => {
    schemaOne(task({ Credentials: {} }), '/States/T/Credentials', 'These fields are required: [RoleArn]');
    schemaOne(task({ Credentials: { 'RoleArn.$': 'x' } }), '/States/T/Credentials/RoleArn.$');
    assertValid(task({ Credentials: { 'RoleArn.$': '$.role' } }));
  });
});

describe('Retry and Catch', () => {
  const task = (extra: Def): Def =>
    machine({ T: { Type: 'Task', Resource: LAMBDA, Next: 'H', ...extra }, H: { Type: 'Pass', End: true } });
  const catchAll = { ErrorEquals: ['States.ALL'], Next: 'H' };

  it('retrier fields: ErrorEquals required and non-empty, ranges, JitterStrategy', () => {
    schemaOne(task({ Retry: [{}] }), '/States/T/Retry[0]', 'These fields are required: [ErrorEquals]');
    schemaOne(task({ Retry: [{ ErrorEquals: [] }] }), '/States/T/Retry[0]/ErrorEquals', 'Value cannot be empty');
    schemaOne(task({ Retry: [{ ErrorEquals: [1] }] }), '/States/T/Retry[0]/ErrorEquals[0]', 'Expected value of type [STRING]');
    schemaOne(task({ Retry: [{ ErrorEquals: ['E'], MaxAttempts: -1 }] }), '/States/T/Retry[0]/MaxAttempts', 'Minimum value is 0');
    schemaOne(task({ Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 0 }] }), '/States/T/Retry[0]/IntervalSeconds', 'Minimum value is 1');
    schemaOne(task({ Retry: [{ ErrorEquals: ['E'], BackoffRate: 0.5 }] }), '/States/T/Retry[0]/BackoffRate', 'Minimum value is 1');
    schemaOne(task({ Retry: [{ ErrorEquals: ['E'], MaxDelaySeconds: 0 }] }), '/States/T/Retry[0]/MaxDelaySeconds', 'Minimum value is 1');
    schemaOne(
      task({ Retry: [{ ErrorEquals: ['E'], JitterStrategy: 'SOME' }] }),
      '/States/T/Retry[0]/JitterStrategy',
      'Value should be one of the following: [FULL, NONE]',
    );
    schemaOne(task({ Retry: [{ ErrorEquals: ['E'], Next: 'H' }] }), '/States/T/Retry[0]', "Field 'Next' is not supported");
    schemaOne(task({ Retry: {} }), '/States/T/Retry', 'Expected value of type [ARRAY]');
    assertValid(task({ Retry: [{ ErrorEquals: ['E'], MaxAttempts: 0, BackoffRate: 1, JitterStrategy: 'NONE', Comment: 'c' }] }));
  });

  it('States.ALL must be alone and in the last retrier / catcher', () => {
    schemaOne(
      task({ Retry: [{ ErrorEquals: ['States.ALL', 'E'] }] }),
      '/States/T/Retry[0]/ErrorEquals',
      "'States.ALL' must appear alone in the 'ErrorEquals' array",
    );
    schemaOne(
      task({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['E'] }] }),
      '/States/T/Retry[0]',
      "A Retrier with 'States.ALL' in its 'ErrorEquals' must be the last Retrier in the 'Retry' array",
    );
    schemaOne(
      task({ Catch: [catchAll, { ErrorEquals: ['E'], Next: 'H' }] }),
      '/States/T/Catch[0]',
      "A Catcher with 'States.ALL' in its 'ErrorEquals' must be the last Catcher in the 'Catch' array",
    );
  });

  it('catcher fields: Next required, ResultPath a reference path', () => {
    schemaOne(task({ Catch: [{ ErrorEquals: ['States.ALL'] }] }), '/States/T/Catch[0]', 'These fields are required: [Next]');
    schemaOne(task({ Catch: [{ ...catchAll, ResultPath: 'error' }] }), '/States/T/Catch[0]/ResultPath', "The value for the field 'ResultPath' must be a valid reference path");
    schemaOne(task({ Catch: [{ ...catchAll, _comment: 'x' }] }), '/States/T/Catch[0]', "Field '_comment' is not supported");
    assertValid(task({ Catch: [{ ...catchAll, ResultPath: null, Assign: { 'e.$': '$.Error' } }] }));
  });
});

describe('Choice', () => {
  const choice = (rule: Def, extra: Def = {}): Def =>
    machine({ C: { Type: 'Choice', Choices: [rule], Default: 'Z', ...extra }, Z: pass(), Y: pass() });
  const to = (rule: Def): Def => ({ ...rule, Next: 'Y' });

  it('Choices is required and non-empty', () => {
    schemaOne(machine({ C: { Type: 'Choice', Default: 'Z' }, Z: pass() }), '/States/C', 'These fields are required: [Choices]');
    schemaOne(machine({ C: { Type: 'Choice', Choices: [], Default: 'Z' }, Z: pass() }), '/States/C/Choices', 'Value cannot be empty');
  });

  it('a top-level rule needs Next; nested rules refuse it', () => {
    assert.deepEqual(brief(choice({ Variable: '$.a', IsNull: true })), [
      ['SCHEMA_VALIDATION_FAILED', '/States/C/Choices[0]'],
      ['MISSING_TRANSITION_TARGET', '/States/Y'],
    ]);
    schemaOne(
      choice(to({ And: [{ Variable: '$.a', IsNull: true, Next: 'Y' }, { Variable: '$.b', IsNull: true }] })),
      '/States/C/Choices[0]/And[0]',
      "Field 'Next' is not supported",
    );
    schemaOne(choice(to({ Not: { Variable: '$.a', IsNull: true, Assign: {} } })), '/States/C/Choices[0]/Not', "Field 'Assign' is not supported");
  });

  it('exactly one comparison operator per rule, with a Variable', () => {
    schemaOne(choice(to({ Variable: '$.a' })), '/States/C/Choices[0]');
    schemaOne(
      choice(to({ Variable: '$.a', StringEquals: 'x', IsNull: false })),
      '/States/C/Choices[0]',
      'There should only be one of the following fields: [StringEquals, IsNull]',
    );
    schemaOne(choice(to({ StringEquals: 'x' })), '/States/C/Choices[0]', 'These fields are required: [Variable]');
    schemaOne(choice(to({ Variable: 'a', StringEquals: 'x' })), '/States/C/Choices[0]/Variable', "The value for the field 'Variable' must be a valid JSONPath");
    assert.deepEqual(brief(choice(to({ Variable: '$.a', Equals: 'x' })), undefined, true), [
      ['SCHEMA_VALIDATION_FAILED', '/States/C/Choices[0]', "Field 'Equals' is not supported"],
      ['SCHEMA_VALIDATION_FAILED', '/States/C/Choices[0]', 'A Choice Rule must have one comparison operator or one of the following fields: [And, Or, Not]'],
    ]);
  });

  it('operator values have the operator type', () => {
    schemaOne(choice(to({ Variable: '$.a', StringEquals: 1 })), '/States/C/Choices[0]/StringEquals', 'Expected value of type [STRING]');
    schemaOne(choice(to({ Variable: '$.a', NumericEquals: '1' })), '/States/C/Choices[0]/NumericEquals', 'Expected value of type [NUMBER]');
    schemaOne(choice(to({ Variable: '$.a', BooleanEquals: 'true' })), '/States/C/Choices[0]/BooleanEquals', 'Expected value of type [BOOLEAN]');
    schemaOne(choice(to({ Variable: '$.a', IsPresent: 1 })), '/States/C/Choices[0]/IsPresent', 'Expected value of type [BOOLEAN]');
    schemaOne(
      choice(to({ Variable: '$.a', TimestampEquals: '2016-03-14 01:59:00' })),
      '/States/C/Choices[0]/TimestampEquals',
      "The value for the field 'TimestampEquals' must be a valid timestamp",
    );
    schemaOne(
      choice(to({ Variable: '$.a', NumericLessThanPath: '$.b[*]' })),
      '/States/C/Choices[0]/NumericLessThanPath',
      "The value for the field 'NumericLessThanPath' must be a valid reference path",
    );
    schemaOne(choice(to({ Variable: '$.a', StringMatches: 'a\\b' })), '/States/C/Choices[0]/StringMatches');
  });

  it('And / Or hold a non-empty list of rules, Not one rule', () => {
    schemaOne(choice(to({ And: [] })), '/States/C/Choices[0]/And', 'Value cannot be empty');
    schemaOne(choice(to({ Or: {} })), '/States/C/Choices[0]/Or', 'Expected value of type [ARRAY]');
    schemaOne(choice(to({ Not: [] })), '/States/C/Choices[0]/Not', 'Expected value of type [OBJECT]');
    schemaOne(choice(to({ Or: [{ Variable: '$.a' }] })), '/States/C/Choices[0]/Or[0]');
    schemaOne(choice(to({ Variable: '$.a', Not: { Variable: '$.a', IsNull: true } })), '/States/C/Choices[0]', "Field 'Variable' is not supported");
  });

  it('Default must be a string', () => {
    assert.deepEqual(brief(choice(to({ Variable: '$.a', IsNull: true }), { Default: 1 }), undefined, true), [
      ['SCHEMA_VALIDATION_FAILED', '/States/C/Default', 'Expected value of type [STRING]'],
      ['MISSING_TRANSITION_TARGET', '/States/Z', 'State "Z" is not reachable.'],
    ]);
  });
});

describe('Wait and Fail', () => {
  it('Wait takes exactly one of Seconds, Timestamp, SecondsPath, TimestampPath', () => {
    schemaOne(
      machine({ W: { Type: 'Wait', End: true } }),
      '/States/W',
      'This object should have only one of the following fields: [Seconds, Timestamp, SecondsPath, TimestampPath]',
    );
    schemaOne(
      machine({ W: { Type: 'Wait', Seconds: 1, SecondsPath: '$.s', End: true } }),
      '/States/W',
      'There should only be one of the following fields: [Seconds, Timestamp, SecondsPath, TimestampPath]',
    );
  });

  it('Wait values', () => {
    schemaOne(machine({ W: { Type: 'Wait', Seconds: -1, End: true } }), '/States/W/Seconds', 'Minimum value is 0');
    schemaOne(machine({ W: { Type: 'Wait', Seconds: '10', End: true } }), '/States/W/Seconds', 'Expected value of type [INTEGER]');
    schemaOne(
      machine({ W: { Type: 'Wait', Timestamp: '2016-03-14t01:59:00z', End: true } }),
      '/States/W/Timestamp',
      "The value for the field 'Timestamp' must be a valid timestamp",
    );
    schemaOne(machine({ W: { Type: 'Wait', Timestamp: '2016-02-30T01:59:00Z', End: true } }), '/States/W/Timestamp');
    schemaOne(machine({ W: { Type: 'Wait', SecondsPath: 'seconds', End: true } }), '/States/W/SecondsPath', "The value for the field 'SecondsPath' must be a valid reference path");
  });

  it('Fail: Error / ErrorPath and Cause / CausePath are exclusive, and the paths are checked', () => {
    schemaOne(machine({ F: { Type: 'Fail', Error: 'E', ErrorPath: '$.e' } }), '/States/F/Error', 'There should only be one of the following fields: [Error, ErrorPath]');
    schemaOne(machine({ F: { Type: 'Fail', Cause: 'C', CausePath: '$.c' } }), '/States/F/Cause', 'There should only be one of the following fields: [Cause, CausePath]');
    schemaOne(
      machine({ F: { Type: 'Fail', CausePath: 'cause' } }),
      '/States/F/CausePath',
      "The value for the field 'CausePath' must be a valid reference path or a valid intrinsic function call",
    );
    schemaOne(machine({ F: { Type: 'Fail', Error: 1 } }), '/States/F/Error', 'Expected value of type [STRING]');
    schemaOne(machine({ F: { Type: 'Fail', InputPath: 'not a path' } }), '/States/F', "Field 'InputPath' is not supported");
  });
});

describe('Parallel', () => {
  const branch = (extra: Def = {}): Def => ({ StartAt: 'B', States: { B: pass() }, ...extra });
  const parallel = (extra: Def): Def => machine({ P: { Type: 'Parallel', End: true, ...extra } });

  it('Branches: required, a non-empty array of state machines', () => {
    schemaOne(parallel({}), '/States/P', 'These fields are required: [Branches]');
    schemaOne(parallel({ Branches: [] }), '/States/P/Branches', 'Value cannot be empty');
    schemaOne(parallel({ Branches: {} }), '/States/P/Branches', 'Expected value of type [ARRAY]');
    schemaOne(parallel({ Branches: [{ States: { B: pass() } }] }), '/States/P/Branches[0]', 'These fields are required: [StartAt]');
    schemaOne(parallel({ Branches: [branch(), 'x'] }), '/States/P/Branches[1]', 'Expected value of type [OBJECT]');
  });

  it('a branch takes only Comment, StartAt and States', () => {
    schemaOne(parallel({ Branches: [branch({ QueryLanguage: 'JSONata' })] }), '/States/P/Branches[0]', "Field 'QueryLanguage' is not supported");
    schemaOne(parallel({ Branches: [branch({ TimeoutSeconds: 5 })] }), '/States/P/Branches[0]', "Field 'TimeoutSeconds' is not supported");
  });

  it('states inside branches are validated like any state', () => {
    schemaOne(
      parallel({ Branches: [{ StartAt: 'B', States: { B: { Type: 'Task', Resource: 'x', End: true } } }] }),
      '/States/P/Branches[0]/States/B/Resource',
      'Value is not a valid resource ARN',
    );
  });
});

describe('Map', () => {
  const processor = { StartAt: 'P', States: { P: pass() } };
  const map = (extra: Def, opts: Def = {}): Def => machine({ M: { Type: 'Map', ItemProcessor: processor, End: true, ...extra } }, opts);
  const distributed = (extra: Def = {}, execution: Def = { ExecutionType: 'STANDARD' }): Def =>
    map({ ItemProcessor: { ...processor, ProcessorConfig: { Mode: 'DISTRIBUTED', ...execution } }, ...extra });

  it('ItemProcessor or Iterator, exactly one', () => {
    schemaOne(machine({ M: { Type: 'Map', End: true } }), '/States/M', 'These fields are required: [ItemProcessor]');
    schemaOne(map({ Iterator: { StartAt: 'Q', States: { Q: pass() } } }), '/States/M/Iterator', 'There should only be one of the following fields: [Iterator, ItemProcessor]');
    schemaOne(map({ ItemProcessor: { ...processor, QueryLanguage: 'JSONata' } }), '/States/M/ItemProcessor', "Field 'QueryLanguage' is not supported");
    schemaOne(machine({ M: { Type: 'Map', Iterator: { ...processor, QueryLanguage: 'JSONata' }, End: true } }), '/States/M/Iterator', "Field 'QueryLanguage' is not supported");
  });

  it('ItemsPath, ItemSelector / Parameters, MaxConcurrency / MaxConcurrencyPath', () => {
    schemaOne(map({ ItemsPath: '$.items[*]' }), '/States/M/ItemsPath', "The value for the field 'ItemsPath' must be a valid reference path");
    schemaOne(map({ ItemSelector: {}, Parameters: {} }), '/States/M/ItemSelector', 'There should only be one of the following fields: [ItemSelector, Parameters]');
    schemaOne(map({ ItemSelector: { 'v.$': 'v' } }), '/States/M/ItemSelector/v.$');
    schemaOne(map({ MaxConcurrency: 2, MaxConcurrencyPath: '$.limit' }), '/States/M/MaxConcurrency');
    schemaOne(map({ MaxConcurrency: -1 }), '/States/M/MaxConcurrency', 'Minimum value is 0');
    schemaOne(map({ MaxConcurrencyPath: '$.limits[*]' }), '/States/M/MaxConcurrencyPath');
    assertValid(map({ MaxConcurrency: 9223372036854775807 }));
  });

  it('ProcessorConfig: Mode and ExecutionType', () => {
    schemaOne(
      map({ ItemProcessor: { ...processor, ProcessorConfig: { Mode: 'PARALLEL' } } }),
      '/States/M/ItemProcessor/ProcessorConfig/Mode',
      'Value should be one of the following: [INLINE, DISTRIBUTED]',
    );
    schemaOne(
      map({ ItemProcessor: { ...processor, ProcessorConfig: { Mode: 'INLINE', ExecutionType: 'STANDARD' } } }),
      '/States/M/ItemProcessor/ProcessorConfig',
      "Field 'ExecutionType' is not supported",
    );
    schemaOne(distributed({}, {}), '/States/M/ItemProcessor/ProcessorConfig', 'These fields are required: [ExecutionType]');
    schemaOne(distributed({}, { ExecutionType: 'FAST' }), '/States/M/ItemProcessor/ProcessorConfig/ExecutionType');
  });

  it('a Distributed Map is refused in an EXPRESS machine, and its EXPRESS children refuse .sync', () => {
    schemaOne(
      distributed(),
      '/States/M/ItemProcessor/ProcessorConfig/Mode',
      "The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines",
      { type: 'EXPRESS' },
    );
    const child = (Resource: string) =>
      map({ ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'T', States: { T: { Type: 'Task', Resource, End: true } } } });
    schemaOne(child('arn:aws:states:::glue:startJobRun.sync'), '/States/M/ItemProcessor/States/T/Resource');
    assertValid(child(LAMBDA));
  });

  it('ItemReader, ItemBatcher and ResultWriter', () => {
    schemaOne(
      distributed({ ItemReader: { Resource: 'arn:aws:states:::s3:unknownOperation', Parameters: { Bucket: 'b' } } }),
      '/States/M/ItemReader/Resource',
    );
    schemaOne(
      distributed({ ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'XML' } } }),
      '/States/M/ItemReader/ReaderConfig/InputType',
      'Value should be one of the following: [CSV, JSON, JSONL, MANIFEST, PARQUET]',
    );
    schemaOne(distributed({ ItemReader: {} }), '/States/M/ItemReader', 'These fields are required: [Resource]');
    schemaOne(distributed({ ItemBatcher: { MaxItemsPerBatch: 0 } }), '/States/M/ItemBatcher/MaxItemsPerBatch', 'Minimum value is 1');
    schemaOne(distributed({ ItemBatcher: { MaxInputBytesPerBatch: 262145 } }), '/States/M/ItemBatcher/MaxInputBytesPerBatch', 'Maximum value is 262144');
    schemaOne(distributed({ ResultWriter: {} }), '/States/M/ResultWriter');
    schemaOne(distributed({ ResultWriter: { Resource: 'arn:aws:states:::s3:putObject' } }), '/States/M/ResultWriter', 'These fields are required: [Parameters]');
    schemaOne(distributed({ ResultWriter: { Resource: null, Parameters: { Bucket: 'b' } } }), '/States/M/ResultWriter/Resource', 'Expected value of type [STRING]');
    schemaOne(distributed({ ResultWriter: { WriterConfig: { Transformation: 'COMPACT' } } }), '/States/M/ResultWriter/WriterConfig', 'These fields are required: [OutputType]');
    assert.deepEqual(
      brief(distributed({ ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 42, Prefix: {} } } })),
      [
        ['SCHEMA_VALIDATION_FAILED', '/States/M/ResultWriter/Parameters/Bucket'],
        ['SCHEMA_VALIDATION_FAILED', '/States/M/ResultWriter/Parameters/Prefix'],
      ],
    );
    assertValid(distributed({ ResultWriter: { WriterConfig: { Transformation: 'COMPACT', OutputType: 'JSON' } } }));
  });

  it('tolerated failures and Label', () => {
    schemaOne(distributed({ ToleratedFailurePercentage: 101 }), '/States/M/ToleratedFailurePercentage', 'Maximum value is 100');
    schemaOne(distributed({ ToleratedFailureCount: -1 }), '/States/M/ToleratedFailureCount', 'Minimum value is 0');
    schemaOne(distributed({ ToleratedFailureCount: 1, ToleratedFailureCountPath: '$.c' }), '/States/M/ToleratedFailureCount');
    schemaOne(distributed({ Label: 'x'.repeat(41) }), '/States/M/Label');
  });
});

describe('query languages', () => {
  const onJsonPathState = (f: string) => `The QueryLanguage is set to 'JSONPath', but field '${f}' is only supported for the 'JSONata' QueryLanguage`;
  const onJsonataState = (f: string) => `The QueryLanguage is set to 'JSONata', but field '${f}' is only supported for the 'JSONPath' QueryLanguage`;

  it('JSONPath-only fields on a JSONata state are refused at the state, in a fixed order', () => {
    assert.deepEqual(brief(jsonata({ X: pass({ InputPath: '$.a', OutputPath: '$.b', ResultPath: '$.c' }) }), undefined, true), [
      ['SCHEMA_VALIDATION_FAILED', '/States/X', onJsonataState('InputPath')],
      ['SCHEMA_VALIDATION_FAILED', '/States/X', onJsonataState('OutputPath')],
      ['SCHEMA_VALIDATION_FAILED', '/States/X', onJsonataState('ResultPath')],
    ]);
    const cases: [Def, string][] = [
      [{ Type: 'Task', Resource: LAMBDA, Parameters: {}, End: true }, 'Parameters'],
      [{ Type: 'Task', Resource: LAMBDA, ResultSelector: {}, End: true }, 'ResultSelector'],
      [{ Type: 'Task', Resource: LAMBDA, TimeoutSecondsPath: '$.t', End: true }, 'TimeoutSecondsPath'],
      [{ Type: 'Task', Resource: LAMBDA, HeartbeatSecondsPath: '$.t', End: true }, 'HeartbeatSecondsPath'],
      [{ Type: 'Pass', Result: {}, End: true }, 'Result'],
      [{ Type: 'Wait', SecondsPath: '$.s', End: true }, 'SecondsPath'],
      [{ Type: 'Wait', TimestampPath: '$.s', End: true }, 'TimestampPath'],
      [{ Type: 'Fail', ErrorPath: '$.e' }, 'ErrorPath'],
      [{ Type: 'Fail', CausePath: '$.c' }, 'CausePath'],
      [{ Type: 'Map', ItemsPath: '$.i', ItemProcessor: { StartAt: 'P', States: { P: pass() } }, End: true }, 'ItemsPath'],
      [{ Type: 'Map', MaxConcurrencyPath: '$.m', ItemProcessor: { StartAt: 'P', States: { P: pass() } }, End: true }, 'MaxConcurrencyPath'],
    ];
    for (const [state, field] of cases) schemaOne(jsonata({ X: state }), '/States/X', onJsonataState(field));
  });

  it('JSONata-only fields on a JSONPath state are refused at the state', () => {
    schemaOne(machine({ T: { Type: 'Task', Resource: LAMBDA, Arguments: { p: 1 }, End: true } }), '/States/T', onJsonPathState('Arguments'));
    schemaOne(machine({ X: pass({ Output: { v: 1 } }) }), '/States/X', onJsonPathState('Output'));
    schemaOne(
      machine({ M: { Type: 'Map', Items: [{ n: 1 }], ItemProcessor: { StartAt: 'P', States: { P: pass() } }, End: true } }),
      '/States/M',
      onJsonPathState('Items'),
    );
  });

  it("a Map's or Parallel's QueryLanguage does not reach the states inside; the machine's does", () => {
    const inner = { StartAt: 'P', States: { P: pass({ Output: { v: '{% 1 %}' } }) } };
    schemaOne(
      machine({ M: { Type: 'Map', QueryLanguage: 'JSONata', Items: '{% [1] %}', ItemProcessor: inner, End: true } }),
      '/States/M/ItemProcessor/States/P',
      onJsonPathState('Output'),
    );
    schemaOne(
      machine({ PAR: { Type: 'Parallel', QueryLanguage: 'JSONata', Branches: [inner], End: true } }),
      '/States/PAR/Branches[0]/States/P',
      onJsonPathState('Output'),
    );
    assertValid(jsonata({ M: { Type: 'Map', ItemProcessor: inner, End: true } }));
  });

  it('a state cannot go back to JSONPath in a JSONata machine; that diagnostic replaces the field check', () => {
    schemaOne(
      jsonata({ X: pass({ QueryLanguage: 'JSONPath', Output: { v: '{% 1 %}' } }) }),
      '/States/X',
      "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
    );
    assert.deepEqual(
      brief(jsonata({ M: { Type: 'Map', QueryLanguage: 'JSONPath', MaxConcurrency: -1, ItemProcessor: { StartAt: 'P', States: { P: pass() } }, End: true } })),
      [
        ['SCHEMA_VALIDATION_FAILED', '/States/M'],
        ['SCHEMA_VALIDATION_FAILED', '/States/M/MaxConcurrency'],
      ],
    );
  });

  it('a QueryLanguage other than exactly "JSONPath" resolves to JSONata and is reported against the enum', () => {
    assert.deepEqual(brief(machine({ X: pass({ QueryLanguage: 'jsonata', Output: { v: '{% 1 %}' }, InputPath: '$.a' }) }), undefined, true), [
      ['SCHEMA_VALIDATION_FAILED', '/States/X', onJsonataState('InputPath')],
      ['SCHEMA_VALIDATION_FAILED', '/States/X/QueryLanguage', 'Value should be one of the following: [JSONPath, JSONata]'],
    ]);
    assert.deepEqual(brief(machine({ X: pass({ InputPath: '$.a' }) }, { QueryLanguage: 'jsonpath' })), [
      ['SCHEMA_VALIDATION_FAILED', '/QueryLanguage'],
      ['SCHEMA_VALIDATION_FAILED', '/States/X'],
    ]);
    schemaOne(jsonata({ X: pass({ QueryLanguage: 'jsonpath' }) }), '/States/X/QueryLanguage');
  });

  it('JSONata Choice rules use Condition; Variable rules are JSONPath-only', () => {
    const c = (rule: Def) => jsonata({ C: { Type: 'Choice', Choices: [{ ...rule, Next: 'Z' }], Default: 'Z' }, Z: pass() });
    assert.deepEqual(brief(c({ Variable: '$.a', IsNull: true }), undefined, true), [
      ['SCHEMA_VALIDATION_FAILED', '/States/C/Choices[0]', onJsonataState('Variable')],
      ['SCHEMA_VALIDATION_FAILED', '/States/C/Choices[0]', onJsonataState('IsNull')],
      ['SCHEMA_VALIDATION_FAILED', '/States/C/Choices[0]', 'These fields are required: [Condition]'],
    ]);
    schemaOne(
      c({ Condition: '$x > 1' }),
      '/States/C/Choices[0]/Condition',
      "The value for the field 'Condition' must be a boolean or a JSONata expression enclosed in '{%' and '%}'",
    );
    schemaOne(
      machine({ C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'Z' }], Default: 'Z' }, Z: pass() }),
      '/States/C/Choices[0]',
      onJsonPathState('Condition'),
    );
  });

  it('JSONata catchers take Output, JSONPath catchers take ResultPath', () => {
    const t = (catcher: Def, lang: Def) =>
      machine({ T: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H', ...catcher }], End: true }, H: pass() }, lang);
    schemaOne(t({ ResultPath: '$.e' }, { QueryLanguage: 'JSONata' }), '/States/T/Catch[0]', onJsonataState('ResultPath'));
    schemaOne(t({ Output: {} }, {}), '/States/T/Catch[0]', onJsonPathState('Output'));
  });

  it('JSONata numbers may be expressions, never plain strings; Arguments is an object or an expression', () => {
    schemaOne(
      jsonata({ T: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: '10', End: true } }),
      '/States/T/TimeoutSeconds',
      "The value must be a number or a JSONata expression enclosed in '{%' and '%}'",
    );
    schemaOne(jsonata({ W: { Type: 'Wait', Seconds: true, End: true } }), '/States/W/Seconds', 'Expected value of type [INTEGER, STRING]');
    schemaOne(jsonata({ T: { Type: 'Task', Resource: LAMBDA, Arguments: [1], End: true } }), '/States/T/Arguments');
    schemaOne(
      jsonata({ M: { Type: 'Map', Items: 'items', ItemProcessor: { StartAt: 'P', States: { P: pass() } }, End: true } }),
      '/States/M/Items',
    );
    schemaOne(
      jsonata({ M: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: pass() } }, ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: {} }, End: true } }),
      '/States/M/ItemReader/Parameters',
      onJsonataState('Parameters'),
    );
  });

  it('stateQueryLanguage: a state inherits the machine language', () => {
    assert.equal(stateQueryLanguage({}, {}), 'JSONPath');
    assert.equal(stateQueryLanguage({}, { QueryLanguage: 'JSONata' }), 'JSONata');
    assert.equal(stateQueryLanguage({ QueryLanguage: 'JSONata' }, { QueryLanguage: 'JSONPath' }), 'JSONata');
  });
});

describe('warnings, severity and maxResults', () => {
  const warned = machine({
    P: { Type: 'Pass', Parameters: { literal: '$.looks.like.a.path', fn: 'States.UUID()' }, Result: { 'x.$': '$.y' }, Next: 'F' },
    F: { Type: 'Fail', Error: '$.error' },
  });

  it('warnings are returned only when severity is WARNING, and do not fail the result', () => {
    const quiet = run(warned);
    assert.equal(quiet.result, 'OK');
    assert.deepEqual(quiet.diagnostics, []);
    assert.ok(quiet.definition);
    const loud = run(warned, { severity: 'WARNING' });
    assert.equal(loud.result, 'OK');
    assert.deepEqual(
      loud.diagnostics.map((d) => [d.severity, d.code, d.location]),
      [
        ['WARNING', 'NO_DOLLAR', '/States/P/Parameters/literal'],
        ['WARNING', 'NO_DOLLAR', '/States/P/Parameters/fn'],
        ['WARNING', 'PASS_RESULT_IS_STATIC', '/States/P/Result'],
        ['WARNING', 'NO_PATH', '/States/F/Error'],
      ],
    );
  });

  it('maxResults truncates and reports truncated; 0 means the default of 100', () => {
    const def = jsonata({ X: pass({ InputPath: '$.a', OutputPath: '$.b', ResultPath: '$.c' }) });
    const one = run(def, { maxResults: 1 });
    assert.equal(one.diagnostics.length, 1);
    assert.equal(one.truncated, true);
    const all = run(def, { maxResults: 0 });
    assert.equal(all.diagnostics.length, 3);
    assert.equal(all.truncated, false);
    const states: Def = {};
    for (let i = 0; i < 120; i++) states[`S${i}`] = pass({ Bad: 1 });
    const many = run(machine(states));
    assert.equal(many.diagnostics.length, 100);
    assert.equal(many.truncated, true);
  });
});

describe('invalidDefinitionMessage', () => {
  it('formats one error as AWS does', () => {
    assert.equal(
      invalidDefinitionMessage(run({ StartAt: 'A' })),
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'",
    );
    assert.equal(
      invalidDefinitionMessage(run(machine({ P: { Type: 'Parallel', TimeoutSeconds: 5, Branches: [{ StartAt: 'W', States: { W: pass() } }], End: true } }))),
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported at /States/P'",
    );
  });

  it('prints "null" for a missing location and joins several errors with ", "', () => {
    assert.equal(
      invalidDefinitionMessage(run(machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } }))),
      "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'",
    );
    assert.equal(
      invalidDefinitionMessage(run({ StartAt: 'pass1', States: { pass1: { Type: 'Pass', Next: 'pass3' }, pass2: pass() } })),
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2'",
    );
  });

  it('a JSON syntax error carries its Jackson location once', () => {
    assert.equal(
      invalidDefinitionMessage(run('{"a" 1}')),
      "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value\n at [Source: (String)\"{\"a\" 1}\"; line: 1, column: 7]'",
    );
  });
});

describe('path and intrinsic syntax', () => {
  it('Paths accept the JSONPath syntax; reference paths only member and index access', () => {
    for (const p of ['$', '$.a', '$.a.b[0]', "$['a b']", '$.a[*]', '$..a', '$.a[0:2]', '$.a[1,2]', '$.a[?(@.x == 1)]', '$$.Execution.Id', '$var.a', '$.a.length()']) {
      assert.ok(isValidPath(p), p);
    }
    for (const p of ['', 'a', '$.', '$..', '$.a[', '$a b', '$.a]', '$.a[x]', '.a', '$.a.b(', '$.a[(@.length-1)]']) assert.ok(!isValidPath(p), p);
    for (const p of ['$', '$.a', '$.a[0]', "$.a['b.c']", '$.a-b.c_d']) assert.ok(isValidReferencePath(p), p);
    assert.ok(isValidReferencePath('$.a[-1]'));
    for (const p of ['$.a[*]', '$..a', '$.a[0:1]', '$.a[?(@.b)]', '$.*', '$$.a', '$var', '$.a[(@.length-1)]', '$.a.length()']) {
      assert.ok(!isValidReferencePath(p), p);
    }
    assert.ok(isValidReferencePath('$$.Map.Item.Value', { context: true }));
    assert.ok(isValidReferencePath('$items[0]', { variables: true }));
  });

  it('intrinsic calls: known names, literals, paths and nesting', () => {
    const good = [
      'States.UUID()',
      "States.Format('Hello, my name is {}.', $.name)",
      "States.Format('{} \\'quoted\\' \\{\\}', $.a['x,y'])",
      'States.Array(1, -2.5, true, null, $.a, States.MathAdd($.b, 1))',
      'States.JsonMerge($.a, $.b, false)',
      'States.ArrayGetItem($$.Execution.Input.list, 0)',
      'States.StringToJson($myVar)',
    ];
    for (const s of good) assert.ok(isIntrinsicCall(s), s);
    const bad = ['States.Nope()', 'States.Format(', "States.Format('x)", 'States.Format($.a) extra', 'states.uuid()', "States.Format('\\n')", 'States.Array(foo)'];
    for (const s of bad) assert.ok(!isIntrinsicCall(s), s);
  });

  it('timestamps follow the ASL profile of RFC 3339', () => {
    assert.ok(isTimestamp('2016-03-14T01:59:00Z'));
    assert.ok(isTimestamp('2016-03-14T01:59:00.123-05:00'));
    assert.ok(!isTimestamp('2016-03-14T01:59:00'));
    assert.ok(!isTimestamp('2016-13-14T01:59:00Z'));
  });
});
