/** The TestState API: one state run in isolation, its status, next state and inspection data. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestStateCommand, type TestStateCommandInput, type TestStateCommandOutput } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { useNimbus } from './helpers.js';
import { definition, rejectsWith, ROLE, sfnClient, states } from './sfn-api-helpers.js';

const n = useNimbus({ sfnWaitScale: 0 });

async function run(def: object, input?: object, extra: Partial<TestStateCommandInput> = {}): Promise<TestStateCommandOutput> {
  const req: TestStateCommandInput = { definition: definition(def), roleArn: ROLE, ...extra };
  if (input !== undefined) req.input = JSON.stringify(input);
  return sfnClient(n.endpoint).send(new TestStateCommand(req));
}

/** The response without its metadata, with every JSON text member parsed. */
function parsed(out: TestStateCommandOutput): Record<string, unknown> {
  const { $metadata: _, ...rest } = out;
  const r: Record<string, unknown> = { ...rest };
  if (typeof r.output === 'string') r.output = JSON.parse(r.output);
  if (out.inspectionData) {
    r.inspectionData = Object.fromEntries(Object.entries(out.inspectionData).map(([k, v]) => [k, typeof v === 'string' ? JSON.parse(v) : v]));
  }
  return r;
}

const HELLO = { Value: 'HelloWorld' };
const NESTED = { initialData: { fieldFromInput: 'value from input', otherField: 'other' }, unrelatedData: { someOtherField: 1234 } };

describe('Pass', () => {
  test('INFO answers output and status only', async () => {
    assert.deepEqual(parsed(await run({ Type: 'Pass', End: true }, HELLO)), { output: HELLO, status: 'SUCCEEDED' });
    assert.deepEqual(parsed(await run({ Type: 'Pass', End: true }, HELLO, { inspectionLevel: 'INFO' })), { output: HELLO, status: 'SUCCEEDED' });
  });

  test('DEBUG reports each data-processing step', async () => {
    const def = { Type: 'Pass', InputPath: '$.initialData', Parameters: { staticValue: 'some value', 'inputValue.$': '$.fieldFromInput' }, ResultPath: '$.modifiedData', Next: 'After' };
    const params = { staticValue: 'some value', inputValue: 'value from input' };
    const output = { ...NESTED, modifiedData: params };
    assert.deepEqual(parsed(await run(def, NESTED, { inspectionLevel: 'DEBUG' })), {
      output,
      nextState: 'After',
      status: 'SUCCEEDED',
      inspectionData: { input: NESTED, afterInputPath: NESTED.initialData, afterParameters: params, afterResultSelector: params, afterResultPath: output },
    });
  });

  test('a Result is reported as the result, without afterInputPath and afterParameters', async () => {
    const def = { Type: 'Pass', InputPath: '$.initialData', Parameters: { a: 1 }, Result: { resultKey: 'result value' }, ResultPath: '$.modifiedData', End: true };
    const output = { ...NESTED, modifiedData: { resultKey: 'result value' } };
    assert.deepEqual(parsed(await run(def, NESTED, { inspectionLevel: 'DEBUG' })), {
      output,
      status: 'SUCCEEDED',
      inspectionData: { input: NESTED, result: { resultKey: 'result value' }, afterResultSelector: { resultKey: 'result value' }, afterResultPath: output },
    });
  });

  test('TRACE reports what DEBUG does for a state without an HTTP call', async () => {
    const out = parsed(await run({ Type: 'Pass', End: true }, HELLO, { inspectionLevel: 'TRACE' }));
    assert.deepEqual(out.inspectionData, { input: HELLO, afterInputPath: HELLO, afterParameters: HELLO, afterResultSelector: HELLO, afterResultPath: HELLO });
  });

  test('input defaults to {}; the Context object names the state StateName', async () => {
    const def = { Type: 'Pass', Parameters: { 'state.$': '$$.State.Name', 'input.$': '$$.Execution.Input', 'role.$': '$$.Execution.RoleArn', 'id.$': '$$.Execution.Id' }, End: true };
    const out = parsed(await run(def));
    const o = out.output as Record<string, string>;
    assert.equal(o.state, 'StateName');
    assert.deepEqual(o.input, {});
    assert.equal(o.role, ROLE);
    assert.match(o.id, /^arn:aws:states:us-east-1:000000000000:express:[0-9a-f-]{36}:[0-9a-f-]{36}$/);
  });

  test('variables are readable through $name paths; Assign adds to them in inspectionData', async () => {
    const def = { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('{} {}', $who, $.x)" }, Assign: { 'said.$': '$.greeting', count: 2 }, End: true };
    const out = parsed(await run(def, { x: 'there' }, { inspectionLevel: 'DEBUG', variables: JSON.stringify({ who: 'hello' }) }));
    assert.deepEqual(out.output, { greeting: 'hello there' });
    assert.deepEqual((out.inspectionData as Record<string, unknown>).variables, { who: 'hello', said: 'hello there', count: 2 });
  });

  test('a path that selects nothing fails the state with States.Runtime', async () => {
    const out = parsed(await run({ Type: 'Pass', InputPath: '$.missing', End: true }, HELLO, { inspectionLevel: 'DEBUG' }));
    assert.equal(out.status, 'FAILED');
    assert.equal(out.error, 'States.Runtime');
    assert.match(out.cause as string, /^Invalid path '\$\.missing'/);
    assert.equal(out.output, undefined);
    assert.deepEqual(out.inspectionData, { input: HELLO });
  });
});

describe('Choice, Wait, Succeed, Fail', () => {
  const choice = {
    Type: 'Choice',
    Choices: [
      { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
      { And: [{ Variable: '$.value', NumericGreaterThanEquals: 20 }, { Variable: '$.value', NumericLessThan: 30 }], Next: 'ValueInTwenties' },
    ],
    Default: 'DefaultState',
  };

  test('Choice: nextState is the matching rule, else Default', async () => {
    const input = { type: 'Private', value: 22 };
    assert.deepEqual(parsed(await run(choice, input)), { output: input, nextState: 'ValueInTwenties', status: 'SUCCEEDED' });
    assert.deepEqual(parsed(await run(choice, input, { inspectionLevel: 'DEBUG' })), {
      output: input,
      nextState: 'ValueInTwenties',
      status: 'SUCCEEDED',
      inspectionData: { input, afterInputPath: input },
    });
    assert.equal((await run(choice, { type: 'Private', value: 5 })).nextState, 'DefaultState');
  });

  test('Choice without a match or Default fails with States.NoChoiceMatched', async () => {
    const out = parsed(await run({ ...choice, Default: undefined }, { type: 'Private', value: 5 }));
    assert.deepEqual(out, { status: 'FAILED', error: 'States.NoChoiceMatched', cause: 'No Choice Rule matched the input and no Default was specified' });
  });

  test('Wait does not wait, and reports its next state', async () => {
    const started = Date.now();
    const out = parsed(await run({ Type: 'Wait', Seconds: 3600, OutputPath: '$.a', Next: 'Later' }, { a: { b: 1 } }, { inspectionLevel: 'DEBUG' }));
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(out, { output: { b: 1 }, nextState: 'Later', status: 'SUCCEEDED', inspectionData: { input: { a: { b: 1 } }, afterInputPath: { a: { b: 1 } } } });
  });

  test('Wait with a SecondsPath that is not a number fails', async () => {
    const out = parsed(await run({ Type: 'Wait', SecondsPath: '$.s', End: true }, { s: 'soon' }));
    assert.equal(out.status, 'FAILED');
    assert.equal(out.error, 'States.Runtime');
  });

  test('Succeed', async () => {
    assert.deepEqual(parsed(await run({ Type: 'Succeed', InputPath: '$.a' }, { a: [1] }, { inspectionLevel: 'DEBUG' })), {
      output: [1],
      status: 'SUCCEEDED',
      inspectionData: { input: { a: [1] }, afterInputPath: [1] },
    });
  });

  test('Fail answers its error and cause, with ErrorPath and CausePath read from the input', async () => {
    const def = { Type: 'Fail', Error: 'SomeFailure', Cause: "This state machines raises a 'SomeFailure' failure." };
    assert.deepEqual(parsed(await run(def, HELLO, { inspectionLevel: 'DEBUG' })), {
      status: 'FAILED',
      error: 'SomeFailure',
      cause: "This state machines raises a 'SomeFailure' failure.",
      inspectionData: { input: HELLO, afterInputPath: HELLO },
    });
    const paths = parsed(await run({ Type: 'Fail', ErrorPath: '$.e', CausePath: "States.Format('bad {}', $.n)" }, { e: 'Custom.Error', n: 3 }));
    assert.deepEqual(paths, { status: 'FAILED', error: 'Custom.Error', cause: 'bad 3' });
  });
});

describe('Task', () => {
  test('sqs:sendMessage really sends the message; DEBUG reports every step', async () => {
    const sqs = new SQSClient(n.config);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'test-state-send' }));
    const def = {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage',
      InputPath: '$.order',
      Parameters: { QueueUrl, 'MessageBody.$': '$' },
      ResultSelector: { 'id.$': '$.MessageId' },
      ResultPath: '$.sent',
      Next: 'Done',
    };
    const input = { order: { id: 7 } };
    const out = parsed(await run(def, input, { inspectionLevel: 'DEBUG' }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(got.Messages?.[0].Body, '{"id":7}');
    const messageId = got.Messages![0].MessageId;
    const data = out.inspectionData as Record<string, any>;
    assert.equal(data.result.MessageId, messageId);
    assert.equal(data.result.SdkHttpMetadata.HttpStatusCode, 200);
    assert.deepEqual(out, {
      output: { order: { id: 7 }, sent: { id: messageId } },
      nextState: 'Done',
      status: 'SUCCEEDED',
      inspectionData: {
        input,
        afterInputPath: { id: 7 },
        afterParameters: { QueueUrl, MessageBody: { id: 7 } },
        result: data.result,
        afterResultSelector: { id: messageId },
        afterResultPath: { order: { id: 7 }, sent: { id: messageId } },
      },
    });
  });

  test('aws-sdk:secretsmanager:getSecretValue reads a secret created in the test', async () => {
    await new SecretsManagerClient(n.config).send(new CreateSecretCommand({ Name: 'test-state/secret', SecretString: 's3cr3t' }));
    const def = { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:secretsmanager:getSecretValue', Parameters: { SecretId: 'test-state/secret' }, ResultSelector: { 'value.$': '$.SecretString' }, End: true };
    assert.deepEqual(parsed(await run(def)), { output: { value: 's3cr3t' }, status: 'SUCCEEDED' });
  });

  test('a failing call is FAILED with the service error', async () => {
    const def = { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:secretsmanager:getSecretValue', Parameters: { SecretId: 'test-state/absent' }, End: true };
    const out = parsed(await run(def, {}, { inspectionLevel: 'DEBUG' }));
    assert.equal(out.status, 'FAILED');
    assert.equal(out.error, 'SecretsManager.ResourceNotFoundException');
    assert.match(out.cause as string, /Secrets Manager can't find the specified secret/);
    assert.equal(out.nextState, undefined);
    assert.deepEqual(out.inspectionData, { input: {}, afterInputPath: {}, afterParameters: { SecretId: 'test-state/absent' } });
  });

  const missing = { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:secretsmanager:getSecretValue', Parameters: { SecretId: 'test-state/none' } };

  test('a matching retrier makes the state RETRIABLE (no retry is made)', async () => {
    const def = { ...missing, Retry: [{ ErrorEquals: ['States.Timeout'] }, { ErrorEquals: ['States.ALL'], MaxAttempts: 2 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }], End: true };
    const out = parsed(await run(def, { a: 1 }));
    assert.equal(out.status, 'RETRIABLE');
    assert.equal(out.error, 'SecretsManager.ResourceNotFoundException');
    assert.equal(typeof out.cause, 'string');
    assert.equal(out.output, undefined);
    assert.equal(out.nextState, undefined);
  });

  test('a retrier with MaxAttempts 0 does not retry: the catcher takes the error', async () => {
    const def = { ...missing, Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }], End: true };
    assert.equal((await run(def, { a: 1 })).status, 'CAUGHT_ERROR');
  });

  test('a matching catcher gives CAUGHT_ERROR, its Next and its ResultPath output', async () => {
    const def = {
      ...missing,
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'TimedOut' },
        { ErrorEquals: ['SecretsManager.ResourceNotFoundException'], ResultPath: '$.error', Next: 'NotFound' },
      ],
      Next: 'Found',
    };
    const out = parsed(await run(def, { a: 1 }, { inspectionLevel: 'DEBUG' }));
    assert.equal(out.status, 'CAUGHT_ERROR');
    assert.equal(out.nextState, 'NotFound');
    assert.equal(out.error, 'SecretsManager.ResourceNotFoundException');
    const output = out.output as { a: number; error: { Error: string; Cause: string } };
    assert.equal(output.a, 1);
    assert.deepEqual(output.error, { Error: out.error, Cause: out.cause });
    assert.deepEqual(out.inspectionData, { input: { a: 1 }, afterInputPath: { a: 1 }, afterParameters: { SecretId: 'test-state/none' } });
  });

  test('a catcher without ResultPath outputs the error object; a non-matching one leaves the state FAILED', async () => {
    const caught = parsed(await run({ ...missing, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'H' }], End: true }));
    assert.deepEqual(caught.output, { Error: caught.error, Cause: caught.cause });
    const failed = parsed(await run({ ...missing, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'H' }], End: true }));
    assert.equal(failed.status, 'FAILED');
  });

  test('States.Runtime is neither retried nor caught', async () => {
    const def = { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', InputPath: '$.nope', Retry: [{ ErrorEquals: ['States.ALL'] }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }], End: true };
    const out = parsed(await run(def, {}));
    assert.equal(out.status, 'FAILED');
    assert.equal(out.error, 'States.Runtime');
  });

  test('TimeoutSeconds bounds the call: States.Timeout, which a catcher can take', async () => {
    const sfn = await states(n.nimbus);
    const unregister = sfn.integrations.register('nimbustest:hang', (req) => new Promise((_, reject) => req.signal.addEventListener('abort', () => reject(new Error('aborted')))));
    try {
      const def = { Type: 'Task', Resource: 'arn:aws:states:::nimbustest:hang', TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Late' }], End: true };
      assert.deepEqual(parsed(await run(def, {})), { output: { Error: 'States.Timeout' }, nextState: 'Late', status: 'CAUGHT_ERROR', error: 'States.Timeout' });
    } finally {
      unregister();
    }
  });

  test('an HTTP Task (not available in Nimbus) fails with States.Runtime, even at TRACE', async () => {
    const def = { Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: { ApiEndpoint: 'https://example.com', Method: 'GET', Authentication: { ConnectionArn: 'arn:aws:events:us-east-1:000000000000:connection/c/1' } }, End: true };
    const out = parsed(await run(def, {}, { inspectionLevel: 'TRACE', revealSecrets: true }));
    assert.equal(out.status, 'FAILED');
    assert.equal(out.error, 'States.Runtime');
    assert.equal(out.cause, "Nimbus has no integration for the resource 'arn:aws:states:::http:invoke'.");
    assert.deepEqual(Object.keys(out.inspectionData as object).sort(), ['afterInputPath', 'afterParameters', 'input']);
  });

  test('a Task needs a roleArn', async () => {
    const sfn = sfnClient(n.endpoint);
    await rejectsWith(
      sfn.send(new TestStateCommand({ definition: definition({ ...missing, End: true }) })),
      'ValidationException',
      'RoleArn must be specified when testing a Task state',
    );
    const pass = await sfn.send(new TestStateCommand({ definition: definition({ Type: 'Pass', End: true }) }));
    assert.equal(pass.status, 'SUCCEEDED');
  });
});

describe('JSONata', () => {
  test('Pass: Output and Assign see $states.input and the variables; DEBUG reports input and variables', async () => {
    const def = { Type: 'Pass', QueryLanguage: 'JSONata', Output: { sum: '{% $sum($states.input.values) + $base %}', state: '{% $states.context.State.Name %}' }, Assign: { last: '{% $states.input.values[-1] %}' }, End: true };
    const out = parsed(await run(def, { values: [1, 2, 3] }, { inspectionLevel: 'DEBUG', variables: JSON.stringify({ base: 10 }) }));
    assert.deepEqual(out, { output: { sum: 16, state: 'StateName' }, status: 'SUCCEEDED', inspectionData: { input: { values: [1, 2, 3] }, variables: { base: 10, last: 3 } } });
  });

  test('Task: afterArguments and result; Output reads $states.result', async () => {
    const sqs = new SQSClient(n.config);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'test-state-jsonata' }));
    const def = { Type: 'Task', QueryLanguage: 'JSONata', Resource: 'arn:aws:states:::sqs:sendMessage', Arguments: { QueueUrl, MessageBody: '{% $string($states.input) %}' }, Output: '{% $states.result.MessageId %}', End: true };
    const out = parsed(await run(def, { k: 'v' }, { inspectionLevel: 'DEBUG' }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(got.Messages?.[0].Body, '{"k":"v"}');
    const data = out.inspectionData as Record<string, any>;
    assert.deepEqual(out, { output: got.Messages![0].MessageId, status: 'SUCCEEDED', inspectionData: { input: { k: 'v' }, afterArguments: { QueueUrl, MessageBody: '{"k":"v"}' }, result: data.result } });
  });

  test('Choice: nextState from the first true Condition; a catcher Output sees $states.errorOutput', async () => {
    const def = { Type: 'Choice', QueryLanguage: 'JSONata', Choices: [{ Condition: '{% $states.input.n > 5 %}', Next: 'Big' }], Default: 'Small' };
    assert.equal((await run(def, { n: 9 })).nextState, 'Big');
    assert.equal((await run(def, { n: 1 })).nextState, 'Small');
    const task = {
      Type: 'Task',
      QueryLanguage: 'JSONata',
      Resource: 'arn:aws:states:::aws-sdk:secretsmanager:getSecretValue',
      Arguments: { SecretId: 'test-state/none' },
      Catch: [{ ErrorEquals: ['States.ALL'], Output: { err: '{% $states.errorOutput.Error %}' }, Next: 'Handle' }],
      End: true,
    };
    const out = parsed(await run(task, {}));
    assert.deepEqual(out.output, { err: 'SecretsManager.ResourceNotFoundException' });
    assert.equal(out.status, 'CAUGHT_ERROR');
    assert.equal(out.nextState, 'Handle');
  });

  test('an expression that fails is States.QueryEvaluationError', async () => {
    const out = parsed(await run({ Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input.missing %}', End: true }, {}));
    assert.equal(out.status, 'FAILED');
    assert.equal(out.error, 'States.QueryEvaluationError');
  });
});

describe('invalid requests', () => {
  test('a definition that is not valid JSON, or not a valid state, is InvalidDefinition', async () => {
    const sfn = sfnClient(n.endpoint);
    await rejectsWith(sfn.send(new TestStateCommand({ definition: '{"Type": ', roleArn: ROLE })), 'InvalidDefinition', /^Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: /);
    await rejectsWith(
      run({ Type: 'Pass' }),
      'InvalidDefinition',
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: This object should have only one of the following fields: [Next, End] at /States/StateName'",
    );
    await rejectsWith(
      run({ Type: 'Dance', End: true }),
      'InvalidDefinition',
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] at /States/StateName/Type'",
    );
    await rejectsWith(run({ Type: 'Pass', End: true, Bogus: 1 }), 'InvalidDefinition', "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Field 'Bogus' is not supported at /States/StateName'");
    await rejectsWith(run([1]), 'InvalidDefinition', "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object at null'");
  });

  test('transition targets need not exist: Next, Default, Choices and Catch name states outside the test', async () => {
    const def = { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'Elsewhere' }], Default: 'StateName' };
    assert.equal((await run(def, { a: 1 })).nextState, 'Elsewhere');
    assert.equal((await run(def, {})).nextState, 'StateName');
  });

  test('Map and Parallel are refused with AWS message', async () => {
    const message = 'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]';
    await rejectsWith(run({ Type: 'Parallel', Branches: [], End: true }), 'InvalidDefinition', message);
    await rejectsWith(run({ Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true }), 'InvalidDefinition', message);
  });

  test('activities and the .sync / .waitForTaskToken patterns are refused', async () => {
    await rejectsWith(run({ Type: 'Task', Resource: 'arn:aws:states:us-east-1:000000000000:activity:act', End: true }), 'InvalidDefinition');
    await rejectsWith(run({ Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'q', 'MessageBody.$': '$$.Task.Token' }, End: true }), 'InvalidDefinition');
  });

  test('input that is not JSON is InvalidExecutionInput; variables must be a JSON object', async () => {
    const sfn = sfnClient(n.endpoint);
    await rejectsWith(sfn.send(new TestStateCommand({ definition: definition({ Type: 'Pass', End: true }), input: '{nope' })), 'InvalidExecutionInput');
    await rejectsWith(sfn.send(new TestStateCommand({ definition: definition({ Type: 'Pass', End: true }), variables: '[1]' })), 'ValidationException');
  });

  test('a roleArn that is not an ARN is InvalidArn', async () => {
    await rejectsWith(sfnClient(n.endpoint).send(new TestStateCommand({ definition: definition({ Type: 'Pass', End: true }), roleArn: 'role' })), 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: role'");
  });
});
