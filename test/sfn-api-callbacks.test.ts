/** Step Functions API: task tokens (.waitForTaskToken), heartbeats, activity workers and nested executions. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { useNimbus } from './helpers.js';
import { definition, finished, history, historyUntil, rejectsWith, ROLE, sfnClient, shape, states } from './sfn-api-helpers.js';

async function machine(sfn: SFNClient, name: string, def: object): Promise<string> {
  return (await sfn.send(new CreateStateMachineCommand({ name, definition: definition(def), roleArn: ROLE }))).stateMachineArn!;
}

/** Registers a fake sqs:sendMessage integration and returns the task tokens it receives. */
async function captureTokens(n: ReturnType<typeof useNimbus>): Promise<string[]> {
  const service = await states(n.nimbus);
  const tokens: string[] = [];
  service.integrations.register('sqs:sendMessage', async (req) => {
    tokens.push((req.parameters as { MessageBody: { token: string } }).MessageBody.token);
    return { MessageId: `m-${tokens.length}` };
  });
  return tokens;
}

const until = async (cond: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const CALLBACK = (heartbeat?: number) => ({
  StartAt: 'Notify',
  States: {
    Notify: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/q', MessageBody: { 'token.$': '$$.Task.Token', 'job.$': '$.job' } },
      ...(heartbeat ? { HeartbeatSeconds: heartbeat } : {}),
      End: true,
    },
  },
});

describe('task tokens', () => {
  const n = useNimbus({ sfnWaitScale: 0 });

  test('.waitForTaskToken: the task waits for SendTaskSuccess; its output becomes the state result', async () => {
    const sfn = sfnClient(n.endpoint);
    const tokens = await captureTokens(n);
    const arn = await machine(sfn, 'callback-ok', CALLBACK());
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"job":"j1"}' }));
    await until(() => tokens.length === 1, 'the task token');
    await historyUntil(sfn, executionArn!, (ev) => ev.some((e) => e.type === 'TaskSubmitted'));
    assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status, 'RUNNING');
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: tokens[0] }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{"done":"j1"}' }));
    const d = await finished(sfn, executionArn!);
    assert.deepEqual([d.status, d.output], ['SUCCEEDED', '{"done":"j1"}']);
    const events = await history(sfn, executionArn!);
    assert.deepEqual(shape(events), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'TaskStateEntered'],
      [3, 2, 'TaskScheduled'],
      [4, 3, 'TaskStarted'],
      [5, 4, 'TaskSubmitted'],
      [6, 5, 'TaskSucceeded'],
      [7, 6, 'TaskStateExited'],
      [8, 7, 'ExecutionSucceeded'],
    ]);
    assert.deepEqual(events[2].taskScheduledEventDetails, {
      resourceType: 'sqs',
      resource: 'sendMessage.waitForTaskToken',
      region: 'us-east-1',
      parameters: JSON.stringify({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/q', MessageBody: { token: tokens[0], job: 'j1' } }),
    });
    assert.deepEqual(events[4].taskSubmittedEventDetails, {
      resourceType: 'sqs',
      resource: 'sendMessage.waitForTaskToken',
      output: '{"MessageId":"m-1"}',
      outputDetails: { truncated: false },
    });
    // The token is spent: AWS answers TaskTimedOut for a task that no longer waits.
    await rejectsWith(sfn.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' })), 'TaskTimedOut');
  });

  test('SendTaskFailure fails the task with the given error and cause', async () => {
    const sfn = sfnClient(n.endpoint);
    const tokens = await captureTokens(n);
    const arn = await machine(sfn, 'callback-fail', CALLBACK());
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"job":"j2"}' }));
    await until(() => tokens.length === 1, 'the task token');
    await sfn.send(new SendTaskFailureCommand({ taskToken: tokens[0], error: 'Rejected', cause: 'no capacity' }));
    const d = await finished(sfn, executionArn!);
    assert.deepEqual([d.status, d.error, d.cause], ['FAILED', 'Rejected', 'no capacity']);
    const events = await history(sfn, executionArn!);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskFailed', 'ExecutionFailed'],
    );
    assert.deepEqual(events[5].taskFailedEventDetails, { resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', error: 'Rejected', cause: 'no capacity' });
  });

  test('HeartbeatSeconds: heartbeats keep the task alive; without them it times out (States.Timeout)', async () => {
    const sfn = sfnClient(n.endpoint);
    const tokens = await captureTokens(n);
    const clock = n.nimbus.cloud.clock;
    const arn = await machine(sfn, 'callback-heartbeat', CALLBACK(10));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"job":"j3"}' }));
    await until(() => tokens.length === 1, 'the task token');
    await historyUntil(sfn, executionArn!, (ev) => ev.some((e) => e.type === 'TaskSubmitted'));
    clock.advance(8_000);
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: tokens[0] }));
    clock.advance(8_000);
    assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status, 'RUNNING');
    clock.advance(3_000);
    const d = await finished(sfn, executionArn!);
    assert.deepEqual([d.status, d.error], ['FAILED', 'States.Timeout']);
    const events = await history(sfn, executionArn!);
    assert.equal(events.at(-2)?.type, 'TaskTimedOut');
    await rejectsWith(sfn.send(new SendTaskHeartbeatCommand({ taskToken: tokens[0] })), 'TaskTimedOut');
  });

  test('token errors: InvalidToken for a malformed token, TaskDoesNotExist for one Nimbus never issued, InvalidOutput for non-JSON output', async () => {
    const sfn = sfnClient(n.endpoint);
    await rejectsWith(sfn.send(new SendTaskSuccessCommand({ taskToken: 'not a token!', output: '{}' })), 'InvalidToken');
    const forged = Buffer.alloc(64, 7).toString('base64');
    await rejectsWith(sfn.send(new SendTaskFailureCommand({ taskToken: forged })), 'TaskDoesNotExist');
    const tokens = await captureTokens(n);
    const arn = await machine(sfn, 'callback-bad-output', CALLBACK());
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"job":"j4"}' }));
    await until(() => tokens.length === 1, 'the task token');
    await rejectsWith(sfn.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: 'nope' })), 'InvalidOutput');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '"fine"' }));
    assert.equal((await finished(sfn, executionArn!)).output, '"fine"');
  });
});

describe('activities and nested executions', () => {
  const n = useNimbus({ sfnWaitScale: 0 });

  test('an activity worker loop (GetActivityTask + SendTaskSuccess) completes executions', async () => {
    const sfn = sfnClient(n.endpoint);
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'squarer' }));
    const arn = await machine(sfn, 'uses-activity', { StartAt: 'Square', States: { Square: { Type: 'Task', Resource: activityArn, ResultPath: '$.square', End: true } } });
    const started: string[] = [];
    for (const v of [2, 3, 4]) started.push((await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ v }) }))).executionArn!);
    for (let handled = 0; handled < started.length; handled++) {
      const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'squarer-1' }));
      const { v } = JSON.parse(task.input!);
      await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: String(v * v) }));
    }
    const outputs = await Promise.all(started.map(async (a) => (await finished(sfn, a)).output));
    assert.deepEqual(outputs, ['{"v":2,"square":4}', '{"v":3,"square":9}', '{"v":4,"square":16}']);
    const events = await history(sfn, started[0]);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
    );
    assert.deepEqual(events[4].activitySucceededEventDetails, { output: '4', outputDetails: { truncated: false } });
  });

  test('states:startExecution.sync:2 runs a child execution and returns its description with JSON output', async () => {
    const sfn = sfnClient(n.endpoint);
    const child = await machine(sfn, 'child', { StartAt: 'Add', States: { Add: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.a, $.b)' }, End: true } } });
    const parent = await machine(sfn, 'parent', {
      StartAt: 'Run',
      States: {
        Run: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: child, Name: 'child-run', Input: { 'a.$': '$.a', b: 10 } },
          ResultSelector: { 'status.$': '$.Status', 'sum.$': '$.Output.sum', 'arn.$': '$.ExecutionArn' },
          End: true,
        },
      },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: parent, input: '{"a":5}' }));
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, 'SUCCEEDED');
    const childArn = 'arn:aws:states:us-east-1:000000000000:execution:child:child-run';
    assert.deepEqual(JSON.parse(d.output!), { status: 'SUCCEEDED', sum: 15, arn: childArn });
    const events = await history(sfn, executionArn!);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
    );
    assert.deepEqual(events[2].taskScheduledEventDetails?.resource, 'startExecution.sync:2');
    const children = await sfn.send(new ListExecutionsCommand({ stateMachineArn: child }));
    assert.deepEqual(children.executions?.map((e) => [e.executionArn, e.status]), [[childArn, 'SUCCEEDED']]);
    const childDescribed = await sfn.send(new DescribeExecutionCommand({ executionArn: childArn }));
    assert.equal(childDescribed.input, '{"a":5,"b":10}');
  });

  test('a failing .sync child fails the parent task with States.TaskFailed; stopping the parent aborts a running child', async () => {
    const sfn = sfnClient(n.endpoint);
    const failing = await machine(sfn, 'child-fails', { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'ChildError', Cause: 'bad child' } } });
    const parent = await machine(sfn, 'parent-of-failing', {
      StartAt: 'Run',
      States: { Run: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', Parameters: { StateMachineArn: failing }, End: true } },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: parent }));
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.error, 'States.TaskFailed');
    const cause = JSON.parse(d.cause!);
    assert.deepEqual([cause.Status, cause.Error, cause.Cause], ['FAILED', 'ChildError', 'bad child']);

    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'child-blocker' }));
    const blocked = await machine(sfn, 'child-blocked', { StartAt: 'T', States: { T: { Type: 'Task', Resource: activityArn, End: true } } });
    const parent2 = await machine(sfn, 'parent-stopped', {
      StartAt: 'Run',
      States: { Run: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', Parameters: { StateMachineArn: blocked, Name: 'blocked-child' }, End: true } },
    });
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: parent2 }));
    await historyUntil(sfn, started.executionArn!, (ev) => ev.some((e) => e.type === 'TaskSubmitted'));
    await sfn.send(new StopExecutionCommand({ executionArn: started.executionArn }));
    const childArn = 'arn:aws:states:us-east-1:000000000000:execution:child-blocked:blocked-child';
    assert.equal((await finished(sfn, childArn)).status, 'ABORTED');
  });

  test('states:startExecution (request-response) returns the child ARN and start date at once', async () => {
    const sfn = sfnClient(n.endpoint);
    const child = await machine(sfn, 'fire-and-forget', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const parent = await machine(sfn, 'starter', {
      StartAt: 'Start',
      States: { Start: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: child, Name: 'ff-1' }, End: true } },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: parent }));
    const out = JSON.parse((await finished(sfn, executionArn!)).output!);
    assert.equal(out.ExecutionArn, 'arn:aws:states:us-east-1:000000000000:execution:fire-and-forget:ff-1');
    assert.equal(typeof out.StartDate, 'number');
  });
});
