/** Mocked service integrations (AWS Step Functions Local's mock configuration): `<state machine ARN>#<test case>`. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStateMachineCommand, StartExecutionCommand, StartSyncExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { useNimbus } from './helpers.js';
import { definition, finished, history, rejectsWith, ROLE, sfnClient } from './sfn-api-helpers.js';

const ARN_PREFIX = 'arn:aws:states:us-east-1:000000000000';

const LAMBDA_SQS = definition({
  StartAt: 'LambdaState',
  States: {
    LambdaState: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'GreetingsFunction', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
      ResultSelector: { 'greeting.$': '$.Payload.body' },
      Next: 'SQSState',
    },
    SQSState: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sqs:sendMessage', Parameters: { 'QueueUrl.$': '$$.Execution.Input.queueUrl', 'MessageBody.$': '$.greeting' }, End: true },
  },
});

const CONFIG = {
  StateMachines: {
    LambdaSQSIntegration: {
      TestCases: {
        HappyPath: { LambdaState: 'MockedLambdaSuccess', SQSState: 'MockedSQSSuccess' },
        RetryPath: { LambdaState: 'MockedLambdaRetry', SQSState: 'MockedSQSSuccess' },
        HybridPath: { LambdaState: 'MockedLambdaSuccess' },
        TooFew: { LambdaState: 'LambdaMockedResourceNotReady' },
      },
    },
    CatchAndCallback: {
      TestCases: {
        Caught: { Work: 'LambdaMockedResourceNotReady' },
        Callback: { Work: 'MockedCallback' },
      },
    },
    PerItem: { TestCases: { ThreeItems: { Each: 'MockedPerInvocation' } } },
    ExpressMocked: { TestCases: { Quick: { Work: 'MockedLambdaSuccess' } } },
  },
  MockedResponses: {
    MockedLambdaSuccess: { '0': { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } } },
    LambdaMockedResourceNotReady: { '0': { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } } },
    MockedSQSSuccess: { '0': { Return: { MD5OfMessageBody: '3bcb6e8e-7h85-4375-b0bc-1a59812c6e51', MessageId: '3bcb6e8e-8b51-4375-b0bc-1a59812c6e51' } } },
    MockedLambdaRetry: {
      '0': { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } },
      '1-2': { Throw: { Error: 'Lambda.TimeoutException', Cause: 'Lambda timed out.' } },
      '3': { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello after retries' } } },
    },
    MockedCallback: { '0': { Return: { approved: true } } },
    MockedPerInvocation: { '0': { Return: 'first' }, '1-2': { Return: 'later' } },
  },
};

const dir = mkdtempSync(join(tmpdir(), 'nimbus-sfn-mocks-'));
const configPath = join(dir, 'MockConfigFile.json');
writeFileSync(configPath, JSON.stringify(CONFIG));

const types = (events: HistoryEvent[]) => events.map((e) => e.type);

describe('mocked service integrations', () => {
  const n = useNimbus({ sfnWaitScale: 0, sfnMockConfig: configPath });

  async function machine(name: string, def: string, type?: 'EXPRESS'): Promise<string> {
    const sfn = sfnClient(n.endpoint);
    return (await sfn.send(new CreateStateMachineCommand({ name, definition: def, roleArn: ROLE, type }))).stateMachineArn!;
  }

  test('happy path: mocked Lambda and SQS tasks, normal history, execution on the machine itself', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine('LambdaSQSIntegration', LAMBDA_SQS);
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#HappyPath`, name: 'happy', input: '{"queueUrl":"http://nowhere/q"}' }));
    assert.equal(executionArn, `${ARN_PREFIX}:execution:LambdaSQSIntegration:happy`);
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, 'SUCCEEDED');
    assert.equal(d.stateMachineArn, arn);
    assert.deepEqual(JSON.parse(d.output!), CONFIG.MockedResponses.MockedSQSSuccess['0'].Return);
    const events = await history(sfn, executionArn!);
    assert.deepEqual(types(events), [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const lambdaDone = events[4].taskSucceededEventDetails!;
    assert.equal(lambdaDone.resourceType, 'lambda');
    assert.equal(lambdaDone.resource, 'invoke');
    assert.deepEqual(JSON.parse(lambdaDone.output!), CONFIG.MockedResponses.MockedLambdaSuccess['0'].Return);
    const scheduled = events[7].taskScheduledEventDetails!;
    assert.equal(scheduled.resourceType, 'aws-sdk:sqs');
    assert.deepEqual(JSON.parse(scheduled.parameters!), { QueueUrl: 'http://nowhere/q', MessageBody: 'Hello from Lambda!' });
  });

  test('retry path: invocation 0, the range 1-2, then 3 — each retry takes the next mocked response', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = `${ARN_PREFIX}:stateMachine:LambdaSQSIntegration`;
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#RetryPath`, input: '{"queueUrl":"q"}' }));
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, 'SUCCEEDED');
    const events = await history(sfn, executionArn!);
    const failures = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails!.error);
    assert.deepEqual(failures, ['Lambda.ResourceNotReadyException', 'Lambda.TimeoutException', 'Lambda.TimeoutException']);
    const sent = events.filter((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resourceType === 'aws-sdk:sqs');
    assert.equal(JSON.parse(sent[0].taskScheduledEventDetails!.parameters!).MessageBody, 'Hello after retries');
  });

  test('hybrid path: an unlisted state calls its real integration (a real SQS queue)', async () => {
    const sfn = sfnClient(n.endpoint);
    const sqs = new SQSClient({ ...n.config });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'mock-hybrid' }));
    const arn = `${ARN_PREFIX}:stateMachine:LambdaSQSIntegration`;
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#HybridPath`, input: JSON.stringify({ queueUrl: QueueUrl }) }));
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, 'SUCCEEDED');
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    assert.equal(received.Messages?.[0].Body, 'Hello from Lambda!');
    assert.equal(received.Messages?.[0].MessageId, JSON.parse(d.output!).MessageId);
  });

  test('without a test case the real integration runs; an unknown test case is refused', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = `${ARN_PREFIX}:stateMachine:LambdaSQSIntegration`;
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"queueUrl":"q"}' }));
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, 'FAILED');
    assert.match(d.error!, /^Lambda\./);
    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#NoSuchCase` })), 'ValidationException', /has no test case 'NoSuchCase' for the state machine 'LambdaSQSIntegration'/);
    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: `${ARN_PREFIX}:stateMachine:missing#HappyPath` })), 'StateMachineDoesNotExist');
  });

  test('more invocations than the mocked response defines fail the task clearly', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = `${ARN_PREFIX}:stateMachine:LambdaSQSIntegration`;
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#TooFew`, input: '{"queueUrl":"q"}' }));
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.error, 'States.Runtime');
    assert.match(d.cause!, /'LambdaState' defines no response for invocation 1/);
  });

  test('a mocked Throw is caught by Catch; a mocked .waitForTaskToken task completes with the mocked response', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine(
      'CatchAndCallback',
      definition({
        StartAt: 'Work',
        States: {
          Work: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token' } },
            Catch: [{ ErrorEquals: ['Lambda.ResourceNotReadyException'], ResultPath: '$.error', Next: 'Handled' }],
            End: true,
          },
          Handled: { Type: 'Pass', End: true },
        },
      }),
    );
    const caught = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#Caught` }));
    const c = await finished(sfn, caught.executionArn!);
    assert.equal(c.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(c.output!).error, { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' });

    const callback = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#Callback` }));
    const cb = await finished(sfn, callback.executionArn!);
    assert.equal(cb.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(cb.output!), { approved: true });
    const events = await history(sfn, callback.executionArn!);
    assert.deepEqual(types(events).slice(2, 6), ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
  });

  test('invocations are counted per state across Map iterations', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine(
      'PerItem',
      definition({
        StartAt: 'Loop',
        States: {
          Loop: {
            Type: 'Map',
            MaxConcurrency: 1,
            ItemsPath: '$.items',
            Iterator: { StartAt: 'Each', States: { Each: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true } } },
            End: true,
          },
        },
      }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}#ThreeItems`, input: '{"items":[1,2,3]}' }));
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(d.output!), ['first', 'later', 'later']);
  });

  test('StartSyncExecution on an Express machine with a test case', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine('ExpressMocked', definition({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, OutputPath: '$.Payload', End: true } } }), 'EXPRESS');
    const out = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: `${arn}#Quick` }));
    assert.equal(out.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(out.output!), { StatusCode: 200, body: 'Hello from Lambda!' });
    assert.equal(out.stateMachineArn, arn);
  });

  test('the configuration is read again when the file changes; an invalid one is reported', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = `${ARN_PREFIX}:stateMachine:ExpressMocked`;
    const changed = structuredClone(CONFIG) as any;
    changed.StateMachines.ExpressMocked.TestCases.Added = { Work: 'MockedCallback' };
    writeFileSync(configPath, JSON.stringify(changed));
    const later = new Date(Date.now() + 5000);
    utimesSync(configPath, later, later);
    const out = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: `${arn}#Added` }));
    assert.equal(out.status, 'FAILED'); // OutputPath $.Payload does not exist in { approved: true }
    assert.equal(out.error, 'States.Runtime');

    changed.MockedResponses.MockedCallback = { '0': { Return: 1, Throw: { Error: 'E', Cause: 'c' } } };
    writeFileSync(configPath, JSON.stringify(changed));
    const evenLater = new Date(Date.now() + 10000);
    utimesSync(configPath, evenLater, evenLater);
    await rejectsWith(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: `${arn}#Quick` })), 'ValidationException', /is invalid: MockedResponses\.MockedCallback\.0 must have exactly one of Return or Throw/);
    writeFileSync(configPath, JSON.stringify(CONFIG));
    const latest = new Date(Date.now() + 15000);
    utimesSync(configPath, latest, latest);
    assert.equal((await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: `${arn}#Quick` }))).status, 'SUCCEEDED');
  });
});

describe('mocked service integrations without a configuration', () => {
  const n = useNimbus({ sfnWaitScale: 0 });

  test('a test case ARN is refused with a pointer to NIMBUS_SFN_MOCK_CONFIG', async () => {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'no-config', definition: definition({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }), roleArn: ROLE }));
    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#Any` })), 'ValidationException', /NIMBUS_SFN_MOCK_CONFIG/);
  });
});
