/**
 * Step Functions calling real Lambda functions: the executor with Lambda's integrations registered
 * (`lambda:invoke`, `.waitForTaskToken`, function ARNs as Resource), Retry and Catch on the
 * function's error names, Lambda.Unknown for timeouts, Lambda.ResourceNotFoundException.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useNimbus } from './helpers.js';
import { createFunction, lambdaClient } from './lambda-helpers.js';
import { harness, run, startExecution, types, event } from './sfn-executor-helpers.js';
import { registerLambdaIntegrations } from '../src/services/lambda/stepfunctions.js';
import { PublishVersionCommand } from '@aws-sdk/client-lambda';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function';
const ACCOUNT_CONFIG = { accessKeyId: '123456789012', secretAccessKey: 'test' };

describe('Step Functions with Lambda', () => {
  const n = useNimbus();
  const client = () => lambdaClient({ ...n.config, credentials: ACCOUNT_CONFIG });
  const lambdaHarness = () => {
    const h = harness();
    registerLambdaIntegrations(h.integrations, n.nimbus.cloud);
    return h;
  };

  test('lambda:invoke returns AWS\'s result shape (Payload, StatusCode, ExecutedVersion, SdkHttpMetadata)', async () => {
    await createFunction(client(), 'adder', { 'index.js': 'exports.handler = async (e) => ({ sum: e.a + e.b });' });
    const e = await run(
      {
        StartAt: 'Add',
        States: { Add: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'adder', 'Payload.$': '$' }, End: true } },
      },
      { a: 1, b: 2 },
      lambdaHarness(),
    );
    assert.equal(e.status, 'SUCCEEDED', JSON.stringify(e.history.at(-1)));
    const out = JSON.parse(e.output!);
    assert.deepEqual(out.Payload, { sum: 3 });
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, '$LATEST');
    assert.equal(out.SdkHttpMetadata.HttpStatusCode, 200);
    assert.equal(out.SdkHttpMetadata.HttpHeaders['X-Amz-Executed-Version'], '$LATEST');
    assert.deepEqual(out.SdkHttpMetadata.AllHttpHeaders['X-Amz-Executed-Version'], ['$LATEST']);
    assert.equal(out.SdkResponseMetadata.RequestId, out.SdkHttpMetadata.HttpHeaders['x-amzn-RequestId']);
  });

  test('Retry on the function\'s errorType, then Catch: error names and causes as AWS reports them', async () => {
    await createFunction(client(), 'flaky', {
      'index.js': `
        let calls = 0;
        class FlakyError extends Error { constructor(m) { super(m); this.name = 'FlakyError'; } }
        exports.handler = async (e) => { calls++; if (calls <= e.failures) throw new FlakyError('call ' + calls); return { calls }; };`,
    });
    const def = {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: `${ARN}:flaky`, 'Payload.$': '$' },
          OutputPath: '$.Payload',
          Retry: [{ ErrorEquals: ['FlakyError'], IntervalSeconds: 1, MaxAttempts: 2 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Pass', End: true },
      },
    };
    const ok = await run(def, { failures: 2 }, lambdaHarness());
    assert.equal(ok.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(ok.output!), { calls: 3 });
    assert.equal(types(ok).filter((t) => t === 'TaskFailed').length, 2);
    const failed = event(ok, 'TaskFailed').taskFailedEventDetails!;
    assert.equal(failed.error, 'FlakyError');
    const cause = JSON.parse(failed.cause!);
    assert.equal(cause.errorType, 'FlakyError');
    assert.equal(cause.errorMessage, 'call 1');

    const caught = await run(def, { failures: 100 }, lambdaHarness());
    assert.equal(caught.status, 'SUCCEEDED');
    const out = JSON.parse(caught.output!);
    assert.equal(out.error.Error, 'FlakyError');
    assert.equal(JSON.parse(out.error.Cause).errorMessage, 'call 6');
  });

  test('a function timeout is Lambda.Unknown; a missing function is Lambda.ResourceNotFoundException', async () => {
    await createFunction(client(), 'hangs', { 'index.js': 'exports.handler = () => new Promise(() => setInterval(() => {}, 1000));' }, { Timeout: 1 });
    const timedOut = await run(
      { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'hangs' }, End: true } } },
      {},
      lambdaHarness(),
    );
    assert.equal(timedOut.status, 'FAILED');
    const details = event(timedOut, 'ExecutionFailed').executionFailedEventDetails!;
    assert.equal(details.error, 'Lambda.Unknown');
    assert.match(details.cause!, /^The cause could not be determined because Lambda did not return an error type\. Returned payload: \{"errorMessage":".* Task timed out after 1\.00 seconds"\}$/);

    const missing = await run(
      {
        StartAt: 'T',
        States: {
          T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'nobody' }, Catch: [{ ErrorEquals: ['Lambda.ResourceNotFoundException'], Next: 'Handled' }], End: true },
          Handled: { Type: 'Pass', Result: 'handled', End: true },
        },
      },
      {},
      lambdaHarness(),
    );
    assert.equal(missing.status, 'SUCCEEDED');
    const f = event(missing, 'TaskFailed').taskFailedEventDetails!;
    assert.equal(f.error, 'Lambda.ResourceNotFoundException');
    assert.match(f.cause!, /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:nobody \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]+; Proxy: null\)$/);
  });

  test('a function ARN (with version) as Resource: the result is the function\'s output; TimeoutSeconds gives States.Timeout', async () => {
    const c = client();
    await createFunction(c, 'legacy', { 'index.js': 'exports.handler = async (e) => { if (e.wait) await new Promise((r) => setTimeout(r, 2000)); return { hello: e.who }; };' }, { Timeout: 5 });
    await c.send(new PublishVersionCommand({ FunctionName: 'legacy' }));
    const ok = await run({ StartAt: 'L', States: { L: { Type: 'Task', Resource: `${ARN}:legacy:1`, End: true } } }, { who: 'sfn' }, lambdaHarness());
    assert.equal(ok.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(ok.output!), { hello: 'sfn' });
    assert.deepEqual(types(ok).slice(2, 5), ['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded']);

    const h = lambdaHarness();
    const slow = startExecution({ StartAt: 'L', States: { L: { Type: 'Task', Resource: `${ARN}:legacy`, TimeoutSeconds: 1, End: true } } }, { wait: true }, h);
    for (let i = 0; i < 100 && !event(slow, 'LambdaFunctionStarted'); i++) await new Promise((r) => setTimeout(r, 10));
    h.clock.advance(1000);
    await slow.done;
    assert.equal(slow.status, 'FAILED');
    assert.equal(event(slow, 'ExecutionFailed').executionFailedEventDetails!.error, 'States.Timeout');
  });

  test('lambda:invoke.waitForTaskToken: the function gets the token, the task ends with SendTaskSuccess', async () => {
    await createFunction(client(), 'token-taker', { 'index.js': 'exports.handler = async (e) => ({ received: e.token.length > 0 });' });
    const h = lambdaHarness();
    const e = startExecution(
      {
        StartAt: 'Wait',
        States: {
          Wait: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: 'token-taker', Payload: { 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      },
      {},
      h,
    );
    for (let i = 0; i < 200 && !event(e, 'TaskSubmitted'); i++) await new Promise((r) => setTimeout(r, 10));
    const submitted = JSON.parse(event(e, 'TaskSubmitted').taskSubmittedEventDetails!.output!);
    assert.deepEqual(submitted.Payload, { received: true });
    const token = JSON.parse(event(e, 'TaskScheduled').taskScheduledEventDetails!.parameters!).Payload.token;
    h.tokens.sendTaskSuccess(token, '{"approved":true}');
    await e.done;
    assert.equal(e.status, 'SUCCEEDED');
    assert.equal(e.output, '{"approved":true}');
  });
});

describe('Step Functions API with Lambda, end to end', () => {
  const n = useNimbus();

  test('a state machine created through the SDK calls a function with Retry and Catch', async () => {
    const { SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand } = await import('@aws-sdk/client-sfn');
    const sfnService = await n.nimbus.cloud.service<import('../src/services/stepfunctions/api.js').StepFunctionsService>('states');
    // Where Nimbus wires it: the Step Functions service registers Lambda's integrations on creation.
    if (!sfnService.integrations.resolve('arn:aws:states:::lambda:invoke')) registerLambdaIntegrations(sfnService.integrations, n.nimbus.cloud);
    await createFunction(lambdaClient(n.config), 'e2e', {
      'index.js': 'let calls = 0; exports.handler = async (e) => { calls++; if (e.fail || calls === 1) throw new TypeError("bad " + calls); return { doubled: e.n * 2, calls }; };',
    });
    const sfn = new SFNClient(n.config);
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'calls-lambda',
        roleArn: 'arn:aws:iam::000000000000:role/sfn',
        definition: JSON.stringify({
          StartAt: 'Double',
          States: {
            Double: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: 'e2e', 'Payload.$': '$' },
              ResultSelector: { 'value.$': '$.Payload.doubled', 'calls.$': '$.Payload.calls' },
              Retry: [{ ErrorEquals: ['TypeError'], IntervalSeconds: 1, MaxAttempts: 1, BackoffRate: 1 }],
              Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
              End: true,
            },
            Failed: { Type: 'Pass', Result: 'caught', End: true },
          },
        }),
      }),
    );
    const wait = async (executionArn: string) => {
      for (let i = 0; i < 300; i++) {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (d.status !== 'RUNNING') return d;
        n.nimbus.cloud.clock.advance(1000);
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('execution did not finish');
    };
    const ok = await wait((await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"n":21}' }))).executionArn!);
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: ok.executionArn }));
    assert.deepEqual(JSON.parse(ok.output!), { value: 42, calls: 2 }, JSON.stringify(history.events, null, 1));
    assert.equal(history.events!.find((e) => e.type === 'TaskFailed')!.taskFailedEventDetails!.error, 'TypeError');
    const caught = await wait((await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"n":1,"fail":true}' }))).executionArn!);
    assert.equal(caught.status, 'SUCCEEDED');
    assert.equal(caught.output, '"caught"');
  });
});
