/**
 * JSONata and workflow variables through the SDK: definition validation of `{% %}` expressions
 * (CreateStateMachine, ValidateStateMachineDefinition), and executions whose history carries
 * assignedVariables.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateStateMachineCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { useNimbus } from './helpers.js';
import { definition, finished, history, rejectsWith, ROLE, sfnClient } from './sfn-api-helpers.js';
import { validateDefinition } from '../src/services/stepfunctions/asl/validate.js';

const jsonata = (States: Record<string, unknown>, StartAt = Object.keys(States)[0]) => ({ QueryLanguage: 'JSONata', StartAt, States });
const pass = (Output: unknown) => jsonata({ Main: { Type: 'Pass', Output, End: true } });
const brief = (d: object) => validateDefinition(JSON.stringify(d)).diagnostics.map((x) => [x.code, x.location, x.message]);

describe('JSONata expressions in definitions', () => {
  test('an expression that does not parse is INVALID_JSONATA_EXPRESSION at its field, with the parser message', () => {
    assert.deepEqual(brief(pass('{% a[1,2) %}')), [['INVALID_JSONATA_EXPRESSION', '/States/Main/Output', 'Expected "]", got ","']]);
    assert.deepEqual(brief(pass('{% 1 + %}')), [['INVALID_JSONATA_EXPRESSION', '/States/Main/Output', 'Unexpected end of expression']]);
    assert.deepEqual(brief(pass('{%  %}')), [['INVALID_JSONATA_EXPRESSION', '/States/Main/Output', 'Unexpected end of expression']]);
    assert.deepEqual(brief(pass({ a: [1, '{% "unterminated %}'] })), [
      ['INVALID_JSONATA_EXPRESSION', '/States/Main/Output/a[1]', 'String literal must be terminated by a matching quote'],
    ]);
  });

  test('the JSONata 2.1 operators ?: and ?? are refused (Step Functions implements 2.0.6)', () => {
    assert.deepEqual(brief(pass('{% $states.input.a ?: 1 %}')), [['INVALID_JSONATA_EXPRESSION', '/States/Main/Output', 'The symbol ":" cannot be used as a unary operator']]);
    assert.deepEqual(brief(pass('{% $states.input.a ?? 1 %}')), [['INVALID_JSONATA_EXPRESSION', '/States/Main/Output', 'The symbol "?" cannot be used as a unary operator']]);
  });

  test('$$ and $states.errorOutput outside a Catch are UNSUPPORTED_JSONATA_EXPRESSION; errorOutput inside a Catch is fine', () => {
    assert.deepEqual(brief(pass('{% $$.x %}')), [['UNSUPPORTED_JSONATA_EXPRESSION', '/States/Main/Output', "Reference to '$$' is not supported."]]);
    assert.deepEqual(brief(pass('{% $states.errorOutput %}')), [['UNSUPPORTED_JSONATA_EXPRESSION', '/States/Main/Output', "Field '$states.errorOutput' does not exist."]]);
    const caught = jsonata({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'f' },
        Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Assign: { e: '{% $states.errorOutput.Error %}' }, Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Succeed' },
    });
    assert.deepEqual(brief(caught), []);
  });

  test('every JSONata field is parsed: Arguments, Assign, Condition, Items, ItemSelector, Seconds, Error; nested scopes at their own location', () => {
    const d = jsonata({
      C: { Type: 'Choice', Choices: [{ Condition: '{% ( %}', Next: 'M' }], Default: 'M', Assign: { v: '{% ] %}' } },
      M: {
        Type: 'Map',
        Items: '{% [ %}',
        ItemSelector: { x: '{% $states.context.Map.Item.Value + %}' },
        ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: '{% + %}', End: true } } },
        Next: 'F',
      },
      F: { Type: 'Fail', Error: '{% "a" & %}' },
    });
    assert.deepEqual(
      brief(d).map((x) => x[1]),
      ['/States/C/Choices[0]/Condition', '/States/C/Assign/v', '/States/M/Items', '/States/M/ItemSelector/x', '/States/M/ItemProcessor/States/W/Seconds', '/States/F/Error'],
    );
    assert.ok(brief(d).every((x) => x[0] === 'INVALID_JSONATA_EXPRESSION'));
  });

  test('Assign names must be identifiers other than the reserved states (state, Choice rule and Catch Assign)', () => {
    const names = (a: object, ql?: string) => brief({ QueryLanguage: ql, StartAt: 'P', States: { P: { Type: 'Pass', Assign: a, End: true } } });
    assert.deepEqual(names({ ok_1: 1, 'path.$': '$.a', émigré: 2 }), []);
    assert.deepEqual(names({ states: 1 }, 'JSONata'), [['SCHEMA_VALIDATION_FAILED', '/States/P/Assign/states', "The variable name 'states' is reserved"]]);
    assert.deepEqual(names({ 'a-b': 1 }).map((x) => [x[0], x[1]]), [['SCHEMA_VALIDATION_FAILED', '/States/P/Assign/a-b']]);
    assert.deepEqual(names({ '1x.$': '$.a' }).map((x) => x[1]), ['/States/P/Assign/1x.$']);
    assert.deepEqual(names({ 'x.$': '{% 1 %}' }, 'JSONata').map((x) => x[1]), ['/States/P/Assign/x.$']);
    const rule = brief({ StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true, Assign: { 'b c': 1 }, Next: 'X' }], Default: 'X' }, X: { Type: 'Succeed' } } });
    assert.deepEqual(rule.map((x) => x[1]), ['/States/C/Choices[0]/Assign/b c']);
  });

  test('strings in JSONPath states are not parsed as JSONata', () => {
    assert.deepEqual(brief({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { v: '{% ( %}' }, End: true } } }), []);
  });
});

describe('through the SDK', () => {
  const n = useNimbus();

  test('CreateStateMachine refuses an unparsable expression with InvalidDefinition; Validate returns the diagnostic', async () => {
    const sfn = sfnClient(n.endpoint);
    await rejectsWith(
      sfn.send(new CreateStateMachineCommand({ name: 'bad-jsonata', roleArn: ROLE, definition: definition(pass('{% 1 + %}')) })),
      'InvalidDefinition',
      "Invalid State Machine Definition: 'INVALID_JSONATA_EXPRESSION: Unexpected end of expression at /States/Main/Output'",
    );
    const v = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: definition(pass('{% $x ?? 1 %}')) }));
    assert.equal(v.result, 'FAIL');
    assert.deepEqual(v.diagnostics, [
      { severity: 'ERROR', code: 'INVALID_JSONATA_EXPRESSION', message: 'The symbol "?" cannot be used as a unary operator', location: '/States/Main/Output' },
    ]);
  });

  test('a JSONata workflow with variables: output, and assignedVariables in GetExecutionHistory', async () => {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'jsonata-vars',
        roleArn: ROLE,
        definition: definition(
          jsonata({
            Init: { Type: 'Pass', Assign: { total: 0, names: '{% $states.input.people.name %}' }, Next: 'Each' },
            Each: {
              Type: 'Map',
              Items: '{% $states.input.people %}',
              ItemProcessor: { StartAt: 'Score', States: { Score: { Type: 'Pass', Output: '{% $states.input.score * 2 %}', End: true } } },
              Assign: { total: '{% $sum($states.result) %}' },
              Output: { count: '{% $count($states.result) %}' },
              Next: 'Done',
            },
            Done: { Type: 'Succeed', Output: { total: '{% $total %}', names: '{% $names %}', count: '{% $states.input.count %}' } },
          }),
        ),
      }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ people: [{ name: 'a', score: 1 }, { name: 'b', score: 4 }] }) }),
    );
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(d.output!), { total: 10, names: ['a', 'b'], count: 2 });
    const events = await history(sfn, executionArn!);
    const init = events.find((e) => e.type === 'PassStateExited')!.stateExitedEventDetails!;
    assert.deepEqual(init.assignedVariables, { total: '0', names: '["a","b"]' });
    assert.deepEqual(init.assignedVariablesDetails, { truncated: false });
    const each = events.find((e) => e.type === 'MapStateExited')!.stateExitedEventDetails!;
    assert.deepEqual(each.assignedVariables, { total: '10' });
    const done = events.find((e) => e.type === 'SucceedStateExited')!.stateExitedEventDetails!;
    assert.equal(done.assignedVariables, undefined);
  });

  test('an EXPRESS sync execution fails with States.QueryEvaluationError and AWS cause', async () => {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'jsonata-express', type: 'EXPRESS', roleArn: ROLE, definition: definition(pass({ v: '{% $states.input.missing %}' })) }),
    );
    const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{}' }));
    assert.equal(r.status, 'FAILED');
    assert.equal(r.error, 'States.QueryEvaluationError');
    assert.equal(r.cause, "An error occurred while executing the state 'Main' (entered at the event id #2). The JSONata expression '$states.input.missing' specified for the field 'Output/v' returned nothing (undefined).");
  });

  test('JSONPath variables through the SDK: Assign with paths and a $var reference', async () => {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'jsonpath-vars',
        roleArn: ROLE,
        definition: definition({
          StartAt: 'A',
          States: {
            A: { Type: 'Pass', Assign: { 'id.$': '$.id', 'len.$': 'States.ArrayLength($.xs)' }, Next: 'B' },
            B: { Type: 'Pass', Parameters: { 'id.$': '$id', 'len.$': '$len' }, End: true },
          },
        }),
      }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"id":"x1","xs":[1,2,3]}' }));
    const d = await finished(sfn, executionArn!);
    assert.deepEqual(JSON.parse(d.output!), { id: 'x1', len: 3 });
    const events = await history(sfn, executionArn!);
    assert.deepEqual(events.find((e) => e.type === 'PassStateExited')!.stateExitedEventDetails!.assignedVariables, { id: '"x1"', len: '3' });
  });
});
