/**
 * Task states: integration patterns, Retry timing, Catch routing, timeouts and heartbeats,
 * callback tokens, activities, legacy Lambda ARNs and nested executions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../src/core/errors.js';
import { StatesError } from '../src/services/stepfunctions/asl/errors.js';
import { registerNestedExecutions, type NestedExecutionResult } from '../src/services/stepfunctions/executor/nested.js';
import type { TaskRequest } from '../src/services/stepfunctions/integrations/registry.js';
import { ACCOUNT, event, flush, harness, REGION, run, shape, startExecution, types, until } from './sfn-executor-helpers.js';

const LAMBDA = 'arn:aws:states:::lambda:invoke';

test('Request Response: TaskScheduled/Started/Succeeded as AWS writes them, then ResultSelector/ResultPath/OutputPath', async () => {
  const h = harness();
  const calls: TaskRequest[] = [];
  h.integrations.register('lambda:invoke', async (req) => {
    calls.push(req);
    return { Payload: { sum: 3 }, StatusCode: 200 };
  });
  const e = await run(
    {
      StartAt: 'Start',
      States: {
        Start: {
          Type: 'Task',
          Resource: LAMBDA,
          InputPath: '$.job',
          Parameters: { FunctionName: 'adder', 'Payload.$': '$' },
          ResultSelector: { 'sum.$': '$.Payload.sum' },
          ResultPath: '$.result',
          OutputPath: '$.result',
          End: true,
        },
      },
    },
    { job: { a: 1, b: 2 } },
    h,
  );
  assert.equal(e.status, 'SUCCEEDED');
  assert.equal(e.output, '{"sum":3}');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'TaskStateEntered'],
    [3, 2, 'TaskScheduled'],
    [4, 3, 'TaskStarted'],
    [5, 4, 'TaskSucceeded'],
    [6, 5, 'TaskStateExited'],
    [7, 6, 'ExecutionSucceeded'],
  ]);
  assert.deepEqual(e.history[2].taskScheduledEventDetails, {
    resourceType: 'lambda',
    resource: 'invoke',
    region: REGION,
    parameters: '{"FunctionName":"adder","Payload":{"a":1,"b":2}}',
  });
  assert.deepEqual(e.history[3].taskStartedEventDetails, { resourceType: 'lambda', resource: 'invoke' });
  assert.deepEqual(e.history[4].taskSucceededEventDetails, {
    resourceType: 'lambda',
    resource: 'invoke',
    output: '{"Payload":{"sum":3},"StatusCode":200}',
    outputDetails: { truncated: false },
  });
  const req = calls[0];
  assert.deepEqual(req.parameters, { FunctionName: 'adder', Payload: { a: 1, b: 2 } });
  assert.equal(req.resource, LAMBDA);
  assert.equal(req.pattern, 'request-response');
  assert.equal(req.stateName, 'Start');
  assert.deepEqual(req.execution, { arn: e.executionArn, region: REGION, account: ACCOUNT, name: e.options.name });
  assert.equal(req.token, undefined);
});

test('Retry: backoff delays through the clock (IntervalSeconds x BackoffRate^n, scaled), then Catch', async () => {
  const h = harness();
  const retryCounts: unknown[] = [];
  h.integrations.register('lambda:invoke', async (req) => {
    retryCounts.push((req.parameters as any).retry);
    throw new StatesError('Lambda.ServiceException', 'boom');
  });
  const e = startExecution(
    {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: LAMBDA,
          Parameters: { 'retry.$': '$$.State.RetryCount' },
          Retry: [
            { ErrorEquals: ['States.Timeout'], MaxAttempts: 5 },
            { ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 2 },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Handle' }],
          End: true,
        },
        Handle: { Type: 'Pass', End: true },
      },
    },
    { in: 1 },
    h,
    { waitScale: 1 },
  );
  await until(() => event(e, 'TaskFailed') !== undefined && h.clock.pending === 1, 'first failure');
  h.clock.advance(1999);
  await flush();
  assert.equal(e.history.filter((ev) => ev.type === 'TaskScheduled').length, 1);
  h.clock.advance(1);
  await until(() => event(e, 'TaskFailed', 1) !== undefined && h.clock.pending === 1, 'second failure');
  h.clock.advance(6000);
  await e.done;
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'TaskStateEntered'],
    [3, 2, 'TaskScheduled'],
    [4, 3, 'TaskStarted'],
    [5, 4, 'TaskFailed'],
    [6, 5, 'TaskScheduled'],
    [7, 6, 'TaskStarted'],
    [8, 7, 'TaskFailed'],
    [9, 8, 'TaskScheduled'],
    [10, 9, 'TaskStarted'],
    [11, 10, 'TaskFailed'],
    [12, 11, 'TaskStateExited'],
    [13, 12, 'PassStateEntered'],
    [14, 13, 'PassStateExited'],
    [15, 14, 'ExecutionSucceeded'],
  ]);
  const at = (i: number) => e.history[i - 1].timestamp.getTime();
  assert.equal(at(6) - at(5), 2000);
  assert.equal(at(9) - at(8), 6000);
  assert.deepEqual(retryCounts, [0, 1, 2]);
  assert.deepEqual(e.history[10].taskFailedEventDetails, { resourceType: 'lambda', resource: 'invoke', error: 'Lambda.ServiceException', cause: 'boom' });
  assert.equal(e.history[11].stateExitedEventDetails?.output, '{"in":1,"error":{"Error":"Lambda.ServiceException","Cause":"boom"}}');
});

test('Retry: MaxDelaySeconds caps the backoff; MaxAttempts 0 never retries', async () => {
  const h = harness();
  let n = 0;
  h.integrations.register('lambda:invoke', async () => {
    if (++n < 4) throw new StatesError('Flaky', 'again');
    return 'ok';
  });
  const e = startExecution(
    { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 10, BackoffRate: 10, MaxDelaySeconds: 15, MaxAttempts: 5 }], End: true } } },
    {},
    h,
    { waitScale: 1 },
  );
  for (const expected of [10_000, 15_000, 15_000]) {
    await until(() => h.clock.pending === 1, 'retry timer');
    h.clock.advance(expected - 1);
    await flush();
    assert.equal(h.clock.pending, 1);
    h.clock.advance(1);
  }
  await e.done;
  assert.equal(e.output, '"ok"');
  const none = await run(
    { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }], End: true } } },
    {},
    (() => {
      const h2 = harness();
      h2.integrations.register('sqs:sendMessage', async () => {
        throw new StatesError('SQS.Error', 'no');
      });
      return h2;
    })(),
  );
  assert.equal(none.status, 'FAILED');
  assert.equal(none.history.filter((ev) => ev.type === 'TaskScheduled').length, 1);
});

test('Catch: first matching catcher wins; States.TaskFailed does not catch States.Timeout; no match fails after TaskFailed', async () => {
  const h = harness();
  h.integrations.register('lambda:invoke', async (req) => {
    throw new StatesError((req.parameters as any).error, 'why');
  });
  const def = {
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task',
        Resource: LAMBDA,
        Catch: [
          { ErrorEquals: ['Custom.A'], Next: 'A' },
          { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.err', Next: 'B' },
        ],
        End: true,
      },
      A: { Type: 'Pass', Result: 'A', End: true },
      B: { Type: 'Pass', End: true },
    },
  };
  assert.equal((await run(def, { error: 'Custom.A' }, h)).output, '"A"');
  assert.equal((await run(def, { error: 'Custom.B' }, h)).output, '{"error":"Custom.B","err":{"Error":"Custom.B","Cause":"why"}}');
  const timeout = await run(def, { error: 'States.Timeout' }, h);
  assert.equal(timeout.status, 'FAILED');
  assert.equal(timeout.error, 'States.Timeout');
  assert.deepEqual(shape(timeout).slice(-2), [
    [5, 4, 'TaskFailed'],
    [6, 5, 'ExecutionFailed'],
  ]);
  assert.deepEqual(timeout.history[5].executionFailedEventDetails, { error: 'States.Timeout', cause: 'why' });
});

test('failures from integrations: StatesError as is, AwsError by code, anything else States.TaskFailed', async () => {
  const h = harness();
  h.integrations.register('sns:publish', async (req) => {
    const kind = (req.parameters as any).kind;
    if (kind === 'aws') throw new AwsError('NotFound', 'Topic does not exist');
    throw new Error('socket hang up');
  });
  const def = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } } };
  const aws = await run(def, { kind: 'aws' }, h);
  assert.equal(aws.error, 'NotFound');
  assert.equal(aws.cause, 'Topic does not exist');
  const other = await run(def, { kind: 'other' }, h);
  assert.equal(other.error, 'States.TaskFailed');
  assert.equal(other.cause, 'socket hang up');
  assert.deepEqual(other.history[4].taskFailedEventDetails, { resourceType: 'sns', resource: 'publish', error: 'States.TaskFailed', cause: 'socket hang up' });
});

test('TimeoutSeconds: TaskTimedOut with States.Timeout, the runner is aborted', async () => {
  const h = harness();
  let signal: AbortSignal | undefined;
  h.integrations.register('lambda:invoke', (req) => {
    signal = req.signal;
    return new Promise(() => {});
  });
  const e = startExecution({ StartAt: 'Start', States: { Start: { Type: 'Task', Resource: LAMBDA, TimeoutSecondsPath: '$.t', End: true } } }, { t: 5 }, h);
  await until(() => signal !== undefined, 'call');
  h.clock.advance(4999);
  await flush();
  assert.equal(e.status, 'RUNNING');
  h.clock.advance(1);
  await e.done;
  assert.equal(signal!.aborted, true);
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'TaskStateEntered'],
    [3, 2, 'TaskScheduled'],
    [4, 3, 'TaskStarted'],
    [5, 4, 'TaskTimedOut'],
    [6, 5, 'ExecutionFailed'],
  ]);
  assert.equal(e.history[2].taskScheduledEventDetails?.timeoutInSeconds, 5);
  assert.deepEqual(e.history[4].taskTimedOutEventDetails, { resourceType: 'lambda', resource: 'invoke', error: 'States.Timeout' });
  assert.deepEqual(e.history[5].executionFailedEventDetails, { error: 'States.Timeout' });
  assert.equal(e.error, 'States.Timeout');
});

test('HeartbeatSeconds: heartbeats keep a task alive; a missed one times it out (caught as States.HeartbeatTimeout)', async () => {
  const h = harness();
  let req: TaskRequest | undefined;
  h.integrations.register('ecs:runTask', {
    call: async (r) => {
      req = r;
      return { taskArn: 't-1' };
    },
    waitForJob: () => new Promise(() => {}),
  });
  const e = startExecution(
    {
      StartAt: 'Job',
      States: {
        Job: { Type: 'Task', Resource: 'arn:aws:states:::ecs:runTask.sync', HeartbeatSeconds: 10, Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], Next: 'Late' }], End: true },
        Late: { Type: 'Pass', End: true },
      },
    },
    {},
    h,
  );
  await until(() => event(e, 'TaskSubmitted') !== undefined, 'submission');
  h.clock.advance(8000);
  req!.heartbeat();
  h.clock.advance(8000);
  await flush();
  assert.equal(event(e, 'TaskTimedOut'), undefined);
  h.clock.advance(2000);
  await e.done;
  assert.equal(e.status, 'SUCCEEDED');
  assert.equal(e.output, '{"Error":"States.Timeout"}');
  assert.deepEqual(types(e).slice(2, 7), ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskTimedOut', 'TaskStateExited']);
  assert.equal(event(e, 'TaskScheduled').taskScheduledEventDetails?.heartbeatInSeconds, 10);
  assert.deepEqual(event(e, 'TaskSubmitted').taskSubmittedEventDetails, { resourceType: 'ecs', resource: 'runTask.sync', output: '{"taskArn":"t-1"}', outputDetails: { truncated: false } });
  assert.equal(req!.signal.aborted, true);
});

test('Run a Job (.sync): TaskSubmitted carries the call result, TaskSucceeded the job output', async () => {
  const h = harness();
  h.integrations.register('glue:startJobRun', {
    call: async () => ({ JobRunId: 'jr_1' }),
    waitForJob: async (_req, submitted) => ({ ...(submitted as object), JobRunState: 'SUCCEEDED' }),
  });
  const e = await run({ StartAt: 'Glue', States: { Glue: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', End: true } } }, {}, h);
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'TaskStateEntered'],
    [3, 2, 'TaskScheduled'],
    [4, 3, 'TaskStarted'],
    [5, 4, 'TaskSubmitted'],
    [6, 5, 'TaskSucceeded'],
    [7, 6, 'TaskStateExited'],
    [8, 7, 'ExecutionSucceeded'],
  ]);
  assert.equal(e.output, '{"JobRunId":"jr_1","JobRunState":"SUCCEEDED"}');
});

test('.sync on an integration without waitForJob, and a resource with no integration, fail with States.Runtime', async () => {
  const h = harness();
  h.integrations.register('sqs:sendMessage', async () => ({}));
  const sync = await run({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.sync', End: true } } }, {}, h);
  assert.equal(sync.error, 'States.Runtime');
  assert.equal(sync.cause, "An error occurred while executing the state 'T' (entered at the event id #2). Nimbus's integration for 'sqs:sendMessage' does not support the Run a Job (.sync) pattern.");
  const missing = await run({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', End: true } } }, {}, h);
  assert.equal(missing.error, 'States.Runtime');
  assert.equal(missing.cause, "An error occurred while executing the state 'T' (entered at the event id #2). Nimbus has no integration for the resource 'arn:aws:states:::dynamodb:putItem'.");
  assert.deepEqual(types(missing), ['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
});

test('Wait for Callback: $$.Task.Token, TaskSubmitted, SendTaskSuccess completes the task', async () => {
  const h = harness();
  let sent: any;
  h.integrations.register('sqs:sendMessage', async (req) => {
    sent = req;
    return { MessageId: 'm-1' };
  });
  const e = startExecution(
    {
      StartAt: 'SendMessageWithWait',
      States: {
        SendMessageWithWait: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: 'https://sqs/q', MessageBody: { 'Message.$': '$.Message', 'TaskToken.$': '$$.Task.Token' } },
          End: true,
        },
      },
    },
    { Message: 'test_message_txt' },
    h,
  );
  await until(() => event(e, 'TaskSubmitted') !== undefined, 'submission');
  const token = sent.parameters.MessageBody.TaskToken;
  assert.equal(typeof token, 'string');
  assert.equal(token, sent.token);
  assert.equal(e.status, 'RUNNING');
  assert.throws(() => h.tokens.sendTaskSuccess(token, '{not json'), { code: 'InvalidOutput' });
  h.tokens.sendTaskSuccess(token, '"test_message_txt"');
  await e.done;
  assert.equal(e.output, '"test_message_txt"');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'TaskStateEntered'],
    [3, 2, 'TaskScheduled'],
    [4, 3, 'TaskStarted'],
    [5, 4, 'TaskSubmitted'],
    [6, 5, 'TaskSucceeded'],
    [7, 6, 'TaskStateExited'],
    [8, 7, 'ExecutionSucceeded'],
  ]);
  assert.equal(e.history[2].taskScheduledEventDetails?.resource, 'sendMessage.waitForTaskToken');
  assert.equal(e.history[2].taskScheduledEventDetails?.parameters, JSON.stringify({ QueueUrl: 'https://sqs/q', MessageBody: { Message: 'test_message_txt', TaskToken: token } }));
  assert.equal(e.history[4].taskSubmittedEventDetails?.output, '{"MessageId":"m-1"}');
  assert.equal(e.history[5].taskSucceededEventDetails?.output, '"test_message_txt"');
  assert.throws(() => h.tokens.sendTaskSuccess(token, '{}'), { code: 'TaskTimedOut', message: "Task Timed Out: 'Provided task does not exist anymore'" });
});

test('token errors: InvalidToken for malformed tokens, TaskDoesNotExist for tokens never issued', () => {
  const h = harness();
  assert.throws(() => h.tokens.sendTaskSuccess('not a token!', '{}'), { code: 'InvalidToken' });
  assert.throws(() => h.tokens.sendTaskHeartbeat('c2hvcnQ='), { code: 'InvalidToken' });
  const forged = Buffer.alloc(64, 7).toString('base64');
  assert.throws(() => h.tokens.sendTaskFailure(forged, 'E'), { code: 'TaskDoesNotExist' });
  const other = harness().tokens.issue();
  assert.throws(() => h.tokens.sendTaskSuccess(other, '{}'), { code: 'TaskDoesNotExist' });
  const mine = h.tokens.issue();
  assert.throws(() => h.tokens.sendTaskSuccess(mine, '{}'), { code: 'TaskTimedOut' });
});

test('Wait for Callback: SendTaskFailure fails the task; a callback before the call returns is applied after TaskSubmitted', async () => {
  const h = harness();
  h.integrations.register('sqs:sendMessage', async (req) => {
    const mode = (req.parameters as any).mode;
    if (mode === 'early') h.tokens.sendTaskFailure(req.token!, 'Failure error', 'Failure cause');
    else setImmediate(() => h.tokens.sendTaskFailure(req.token!, 'Failure error', 'Failure cause'));
    return { MessageId: 'm' };
  });
  for (const mode of ['early', 'late']) {
    const e = await run({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true } } }, { mode }, h);
    assert.equal(e.status, 'FAILED');
    assert.deepEqual(shape(e).slice(3), [
      [4, 3, 'TaskStarted'],
      [5, 4, 'TaskSubmitted'],
      [6, 5, 'TaskFailed'],
      [7, 6, 'ExecutionFailed'],
    ]);
    assert.deepEqual(e.history[5].taskFailedEventDetails, { resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', error: 'Failure error', cause: 'Failure cause' });
    assert.deepEqual(e.history[6].executionFailedEventDetails, { error: 'Failure error', cause: 'Failure cause' });
  }
});

test('Wait for Callback: SendTaskHeartbeat resets HeartbeatSeconds; a timed-out token answers TaskTimedOut', async () => {
  const h = harness();
  let token = '';
  h.integrations.register('sns:publish', async (req) => {
    token = req.token!;
    return {};
  });
  const e = startExecution({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish.waitForTaskToken', HeartbeatSeconds: 10, End: true } } }, {}, h);
  await until(() => event(e, 'TaskSubmitted') !== undefined, 'submission');
  h.clock.advance(9000);
  h.tokens.sendTaskHeartbeat(token);
  h.clock.advance(9000);
  await flush();
  assert.equal(e.status, 'RUNNING');
  h.clock.advance(1000);
  await e.done;
  assert.equal(e.error, 'States.Timeout');
  assert.equal(event(e, 'TaskTimedOut').previousEventId, event(e, 'TaskSubmitted').id);
  assert.throws(() => h.tokens.sendTaskSuccess(token, '{}'), { code: 'TaskTimedOut' });
  assert.equal(h.tokens.size, 0);
});

test('activities: ActivityScheduled -> (worker polls) ActivityStarted -> ActivitySucceeded', async () => {
  const h = harness();
  const arn = `arn:aws:states:${REGION}:${ACCOUNT}:activity:Consumer`;
  h.activities.define(arn);
  const waiting = h.activities.poll(arn, 'BASE_ID_ACTIVITY_CONSUMER');
  const e = startExecution(
    { StartAt: 'ActivityTask', States: { ActivityTask: { Type: 'Task', Resource: arn, TimeoutSeconds: 60, HeartbeatSeconds: 10, End: true } } },
    { Value1: 'Hello', Value2: 'World' },
    h,
  );
  const task = await waiting;
  assert.ok(task);
  assert.equal(task.input, '{"Value1":"Hello","Value2":"World"}');
  h.tokens.sendTaskSuccess(task.taskToken, '{"Value1":"Hello","Value2":"World"}');
  await e.done;
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'TaskStateEntered'],
    [3, 2, 'ActivityScheduled'],
    [4, 3, 'ActivityStarted'],
    [5, 4, 'ActivitySucceeded'],
    [6, 5, 'TaskStateExited'],
    [7, 6, 'ExecutionSucceeded'],
  ]);
  assert.deepEqual(e.history[2].activityScheduledEventDetails, {
    resource: arn,
    input: '{"Value1":"Hello","Value2":"World"}',
    inputDetails: { truncated: false },
    timeoutInSeconds: 60,
    heartbeatInSeconds: 10,
  });
  assert.deepEqual(e.history[3].activityStartedEventDetails, { workerName: 'BASE_ID_ACTIVITY_CONSUMER' });
  assert.deepEqual(e.history[4].activitySucceededEventDetails, { output: '{"Value1":"Hello","Value2":"World"}', outputDetails: { truncated: false } });
});

test('activities: failure, queued tasks, poll timeout, no worker name, ActivityTimedOut', async () => {
  const h = harness();
  const arn = `arn:aws:states:${REGION}:${ACCOUNT}:activity:Worker`;
  h.activities.define(arn);
  const def = { StartAt: 'A', States: { A: { Type: 'Task', Resource: arn, TimeoutSeconds: 30, End: true } } };

  const failing = startExecution(def, { n: 1 }, h);
  await until(() => h.activities.pending(arn) === 1, 'queued task');
  const t1 = await h.activities.poll(arn);
  h.tokens.sendTaskFailure(t1!.taskToken, 'Programmatic Error', '{"Value1":"Hello"}');
  await failing.done;
  assert.deepEqual(types(failing), ['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivityFailed', 'ExecutionFailed']);
  assert.deepEqual(failing.history[3].activityStartedEventDetails, {});
  assert.deepEqual(failing.history[4].activityFailedEventDetails, { error: 'Programmatic Error', cause: '{"Value1":"Hello"}' });

  const idle = h.activities.poll(arn, 'w');
  h.clock.advance(60_000);
  assert.equal(await idle, null);

  const unclaimed = startExecution(def, {}, h);
  await until(() => h.activities.pending(arn) === 1, 'queued task');
  h.clock.advance(30_000);
  await unclaimed.done;
  assert.equal(unclaimed.error, 'States.Timeout');
  assert.deepEqual(unclaimed.history[3].activityTimedOutEventDetails, { error: 'States.Timeout' });
  assert.equal(h.activities.pending(arn), 0);

  const stopped = startExecution(def, {}, h);
  await until(() => h.activities.pending(arn) === 1, 'queued task');
  stopped.stop();
  assert.equal(h.activities.pending(arn), 0);
});

test('activities: a Task on an activity that does not exist fails the execution as AWS words it', async () => {
  const arn = `arn:aws:states:${REGION}:${ACCOUNT}:activity:Gone`;
  const e = await run({ StartAt: 'ActivityTask', States: { ActivityTask: { Type: 'Task', Resource: arn, End: true } } });
  assert.deepEqual(shape(e), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'TaskStateEntered'],
    [3, 2, 'ExecutionFailed'],
  ]);
  assert.deepEqual(e.history[2].executionFailedEventDetails, {
    error: 'States.Runtime',
    cause: `An error occurred while executing the state 'ActivityTask' (entered at the event id #2). The activity ${arn} does not exist.`,
  });
});

test('a Lambda function ARN as Resource writes LambdaFunction* events', async () => {
  const h = harness();
  const fn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:hello`;
  h.integrations.register('lambda:function', async (req) => {
    if ((req.parameters as any).big) return 'x'.repeat(300 * 1024);
    if ((req.parameters as any).fail) throw new StatesError('Exception', '{"errorMessage":"bad"}');
    return { greeting: `hi ${(req.parameters as any).who}` };
  });
  const def = { StartAt: 'L', States: { L: { Type: 'Task', Resource: fn, TimeoutSeconds: 5, End: true } } };
  const ok = await run(def, { who: 'you' }, h);
  assert.deepEqual(shape(ok), [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'TaskStateEntered'],
    [3, 2, 'LambdaFunctionScheduled'],
    [4, 3, 'LambdaFunctionStarted'],
    [5, 4, 'LambdaFunctionSucceeded'],
    [6, 5, 'TaskStateExited'],
    [7, 6, 'ExecutionSucceeded'],
  ]);
  assert.deepEqual(ok.history[2].lambdaFunctionScheduledEventDetails, { resource: fn, input: '{"who":"you"}', inputDetails: { truncated: false }, timeoutInSeconds: 5 });
  assert.equal(Object.keys(ok.history[3]).join(','), 'timestamp,type,id,previousEventId');
  assert.deepEqual(ok.history[4].lambdaFunctionSucceededEventDetails, { output: '{"greeting":"hi you"}', outputDetails: { truncated: false } });
  const failed = await run(def, { fail: true }, h);
  assert.deepEqual(failed.history[4].lambdaFunctionFailedEventDetails, { error: 'Exception', cause: '{"errorMessage":"bad"}' });
  const big = await run(def, { big: true }, h);
  assert.deepEqual(big.history[4].lambdaFunctionFailedEventDetails, {
    error: 'States.DataLimitExceeded',
    cause: `The state/task '${fn}' returned a result with a size exceeding the maximum number of bytes service limit.`,
  });
});

test('a task result over 256 KiB fails with States.DataLimitExceeded, catchable by name', async () => {
  const h = harness();
  h.integrations.register('lambda:invoke', async () => ({ Payload: 'y'.repeat(260 * 1024) }));
  const e = await run(
    {
      StartAt: 'InvokeLambda',
      States: {
        InvokeLambda: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.DataLimitExceeded'], Next: 'HandleDataLimitExceeded' }], End: true },
        HandleDataLimitExceeded: { Type: 'Pass', End: true },
      },
    },
    {},
    h,
  );
  assert.equal(e.status, 'SUCCEEDED');
  assert.deepEqual(types(e), ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  assert.deepEqual(e.history[4].taskFailedEventDetails, {
    resourceType: 'lambda',
    resource: 'invoke',
    error: 'States.DataLimitExceeded',
    cause: "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit.",
  });
});

test('stop() during a task aborts the runner and ignores its late result', async () => {
  const h = harness();
  let finish: (v: unknown) => void = () => {};
  let signal: AbortSignal | undefined;
  h.integrations.register('lambda:invoke', (req) => {
    signal = req.signal;
    return new Promise((resolve) => (finish = resolve));
  });
  const e = startExecution({ StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 100, End: true } } }, {}, h);
  await until(() => signal !== undefined, 'call');
  e.stop();
  await e.done;
  assert.equal(signal!.aborted, true);
  finish({});
  await flush();
  assert.deepEqual(types(e), ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'ExecutionAborted']);
  assert.equal(h.clock.pending, 0);
});

function nestedHarness(result: Partial<NestedExecutionResult> = {}) {
  const h = harness();
  const stopped: string[] = [];
  const started: unknown[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  registerNestedExecutions(h.integrations, {
    async start(request, parent) {
      if (request.stateMachineArn.endsWith(':Missing')) {
        throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
      }
      started.push({ request, parent });
      return { executionArn: `${request.stateMachineArn.replace(':stateMachine:', ':execution:')}:${request.name ?? 'child'}`, startDate: new Date(1_700_000_000_000) };
    },
    async wait(executionArn) {
      if (result.status === undefined) await gate;
      return {
        executionArn,
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Child',
        name: 'child',
        status: 'SUCCEEDED',
        startDate: new Date(1_700_000_000_000),
        stopDate: new Date(1_700_000_001_000),
        input: '{"Hello":"World"}',
        output: '{"done":true}',
        ...result,
      };
    },
    stop(executionArn) {
      stopped.push(executionArn);
    },
  });
  return { h, stopped, started, release };
}

const CHILD = 'arn:aws:states:us-east-1:123456789012:stateMachine:Child';

test('nested executions: request-response output and StartExecution errors in AWS wording', async () => {
  const { h, started } = nestedHarness({ status: 'SUCCEEDED' });
  const e = await run(
    { StartAt: 'Start', States: { Start: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: CHILD, Input: { Hello: 'World' }, Name: 'TestStartTarget' }, End: true } } },
    {},
    h,
  );
  assert.deepEqual(JSON.parse(e.output!), { ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:Child:TestStartTarget', StartDate: 1_700_000_000_000 });
  assert.deepEqual((started[0] as any).request, { stateMachineArn: CHILD, input: '{"Hello":"World"}', name: 'TestStartTarget' });
  assert.equal((started[0] as any).parent.arn, e.executionArn);
  assert.deepEqual(e.history[2].taskScheduledEventDetails?.resourceType, 'states');
  assert.deepEqual(e.history[2].taskScheduledEventDetails?.resource, 'startExecution');
  const missing = await run({ StartAt: 'S', States: { S: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: `${CHILD.slice(0, -5)}Missing` }, End: true } } }, {}, h);
  assert.equal(missing.error, 'StepFunctions.StateMachineDoesNotExistException');
  assert.match(missing.cause!, /^State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:Missing' \(Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: [0-9a-f-]{36}; Proxy: null\)$/);
});

test('nested executions: .sync output has Output as JSON text, .sync:2 as JSON; a failed child fails the task', async () => {
  const { h } = nestedHarness({ status: 'SUCCEEDED' });
  const def = (suffix: string) => ({ StartAt: 'S', States: { S: { Type: 'Task', Resource: `arn:aws:states:::states:startExecution${suffix}`, Parameters: { StateMachineArn: CHILD, Input: '{"Hello":"World"}' }, End: true } } });
  const sync = await run(def('.sync'), {}, h);
  assert.deepEqual(JSON.parse(sync.output!), {
    ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:Child:child',
    Input: '{"Hello":"World"}',
    InputDetails: { Included: true },
    Name: 'child',
    Output: '{"done":true}',
    OutputDetails: { Included: true },
    StartDate: 1_700_000_000_000,
    StateMachineArn: CHILD,
    Status: 'SUCCEEDED',
    StopDate: 1_700_000_001_000,
  });
  assert.equal(event(sync, 'TaskSubmitted').taskSubmittedEventDetails?.resource, 'startExecution.sync');
  const sync2 = await run(def('.sync:2'), {}, h);
  const out2 = JSON.parse(sync2.output!);
  assert.deepEqual(out2.Output, { done: true });
  assert.deepEqual(out2.Input, { Hello: 'World' });
  assert.equal(event(sync2, 'TaskScheduled').taskScheduledEventDetails?.resource, 'startExecution.sync:2');

  const failing = nestedHarness({ status: 'FAILED', output: undefined, error: 'Child.Error', cause: 'child cause' });
  const failed = await run(def('.sync'), {}, failing.h);
  assert.equal(failed.error, 'States.TaskFailed');
  const described = JSON.parse(failed.cause!);
  assert.equal(described.Status, 'FAILED');
  assert.equal(described.Error, 'Child.Error');
  assert.equal(described.Cause, 'child cause');
  assert.equal(described.Output, undefined);
});

test('nested executions: stopping the parent stops a .sync child', async () => {
  const { h, stopped } = nestedHarness();
  const e = startExecution({ StartAt: 'S', States: { S: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', Parameters: { StateMachineArn: CHILD, Name: 'kid' }, End: true } } }, {}, h);
  await until(() => event(e, 'TaskSubmitted') !== undefined, 'submission');
  e.stop();
  await e.done;
  assert.deepEqual(stopped, ['arn:aws:states:us-east-1:123456789012:execution:Child:kid']);
});
