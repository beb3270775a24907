/** Step Functions RedriveExecution: re-entering only what failed, history, Describe/List fields, errors. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { useNimbus } from './helpers.js';
import { ROLE, definition, finished, history, historyUntil, rejectsWith, sfnClient, shape, states } from './sfn-api-helpers.js';
import type { ExecutionStatusChange } from '../src/services/stepfunctions/api.js';

const GET_QUEUE_URL = 'arn:aws:states:::aws-sdk:sqs:getQueueUrl';

describe('Step Functions RedriveExecution', () => {
  const ctx = useNimbus();
  let sfn: SFNClient;
  let sqs: SQSClient;
  let n = 0;

  async function machine(def: object, type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): Promise<string> {
    const out = await sfn.send(new CreateStateMachineCommand({ name: `redrive-${++n}`, definition: definition(def), roleArn: ROLE, type }));
    return out.stateMachineArn!;
  }

  const start = async (arn: string, input: object = {}) =>
    (await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify(input) }))).executionArn!;

  const queueName = () => `redrive-q-${++n}`;

  test('setup', () => {
    sfn = sfnClient(ctx.endpoint);
    sqs = new SQSClient(ctx.config);
  });

  test('a failed Task is re-entered with its input; the states before it are not rerun', async () => {
    const q = queueName();
    const arn = await machine({
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Parameters: { 'QueueName.$': '$.name' }, ResultPath: '$.request', Next: 'Lookup' },
        Lookup: { Type: 'Task', Resource: GET_QUEUE_URL, Parameters: { 'QueueName.$': '$.request.QueueName' }, ResultSelector: { 'url.$': '$.QueueUrl' }, ResultPath: '$.queue', Next: 'Count' },
        Count: { Type: 'Pass', Parameters: { 'redriveCount.$': '$$.Execution.RedriveCount', 'time.$': '$$.Execution.RedriveTime', 'url.$': '$.queue.url' }, End: true },
      },
    });
    const exec = await start(arn, { name: q });
    const failed = await finished(sfn, exec);
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'Sqs.QueueDoesNotExistException');
    assert.equal(failed.redriveStatus, 'REDRIVABLE');
    assert.equal(failed.redriveCount, 0);
    assert.equal(failed.redriveStatusReason, undefined);
    const before = await history(sfn, exec);
    assert.deepEqual(
      shape(before),
      [
        [1, 0, 'ExecutionStarted'],
        [2, 0, 'PassStateEntered'],
        [3, 2, 'PassStateExited'],
        [4, 3, 'TaskStateEntered'],
        [5, 4, 'TaskScheduled'],
        [6, 5, 'TaskStarted'],
        [7, 6, 'TaskFailed'],
        [8, 7, 'ExecutionFailed'],
      ],
    );

    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: q }));
    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn: exec }));
    assert.ok(redriveDate instanceof Date);
    const done = await finished(sfn, exec);
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(done.output!), { redriveCount: 1, time: redriveDate.toISOString(), url: QueueUrl });
    assert.equal(done.redriveCount, 1);
    assert.equal(done.redriveDate?.getTime(), redriveDate.getTime());
    assert.equal(done.startDate?.getTime(), failed.startDate?.getTime());
    assert.equal(done.error, undefined);
    assert.equal(done.redriveStatus, 'NOT_REDRIVABLE');
    assert.equal(done.redriveStatusReason, 'Execution is SUCCEEDED and cannot be redriven');

    const events = await history(sfn, exec);
    assert.deepEqual(shape(events.slice(8)), [
      [9, 8, 'ExecutionRedriven'],
      [10, 9, 'TaskStateEntered'],
      [11, 10, 'TaskScheduled'],
      [12, 11, 'TaskStarted'],
      [13, 12, 'TaskSucceeded'],
      [14, 13, 'TaskStateExited'],
      [15, 14, 'PassStateEntered'],
      [16, 15, 'PassStateExited'],
      [17, 16, 'ExecutionSucceeded'],
    ]);
    assert.deepEqual(events[8].executionRedrivenEventDetails, { redriveCount: 1 });
    assert.deepEqual(events[9].stateEnteredEventDetails, { name: 'Lookup', input: JSON.stringify({ name: q, request: { QueueName: q } }), inputDetails: { truncated: false } });
  });

  test('ListExecutions: redriveFilter and the redrive fields of the items', async () => {
    const q = queueName();
    const arn = await machine({ StartAt: 'Lookup', States: { Lookup: { Type: 'Task', Resource: GET_QUEUE_URL, Parameters: { QueueName: q }, End: true } } });
    const plain = await start(arn);
    const redriven = await start(arn);
    await finished(sfn, plain);
    await finished(sfn, redriven);
    await sqs.send(new CreateQueueCommand({ QueueName: q }));
    await sfn.send(new RedriveExecutionCommand({ executionArn: redriven }));
    assert.equal((await finished(sfn, redriven)).status, 'SUCCEEDED');

    const list = async (redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN') => (await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, redriveFilter }))).executions ?? [];
    const onlyRedriven = await list('REDRIVEN');
    assert.deepEqual(onlyRedriven.map((e) => [e.executionArn, e.redriveCount, e.status]), [[redriven, 1, 'SUCCEEDED']]);
    assert.ok(onlyRedriven[0].redriveDate instanceof Date);
    const notRedriven = await list('NOT_REDRIVEN');
    assert.deepEqual(notRedriven.map((e) => [e.executionArn, e.redriveCount, e.redriveDate]), [[plain, 0, undefined]]);
    assert.equal((await list()).length, 2);
  });

  test('an aborted execution re-enters the state it was stopped in; the status feed sees RUNNING again', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: `redrive-worker-${++n}` }));
    const arn = await machine({
      StartAt: 'First',
      States: { First: { Type: 'Pass', Result: { step: 1 }, Next: 'Work' }, Work: { Type: 'Task', Resource: activityArn, ResultPath: '$.worked', End: true } },
    });
    const svc = await states(ctx.nimbus);
    const changes: ExecutionStatusChange[] = [];
    const unsubscribe = svc.onExecutionStatusChange((c) => changes.push(c));
    try {
      const exec = await start(arn);
      await historyUntil(sfn, exec, (events) => events.some((e) => e.type === 'ActivityScheduled'));
      await sfn.send(new StopExecutionCommand({ executionArn: exec, error: 'Operator', cause: 'stopped for the test' }));
      const aborted = await finished(sfn, exec);
      assert.equal(aborted.status, 'ABORTED');
      assert.equal(aborted.redriveStatus, 'REDRIVABLE');
      await sfn.send(new RedriveExecutionCommand({ executionArn: exec }));
      const running = await sfn.send(new DescribeExecutionCommand({ executionArn: exec }));
      assert.equal(running.status, 'RUNNING');
      assert.equal(running.stopDate, undefined);
      assert.equal(running.error, undefined);
      assert.equal(running.redriveStatus, 'NOT_REDRIVABLE');
      assert.equal(running.redriveStatusReason, 'Execution is RUNNING and cannot be redriven');
      const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
      assert.ok(task.taskToken);
      assert.deepEqual(JSON.parse(task.input!), { step: 1 });
      await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '"ok"' }));
      const done = await finished(sfn, exec);
      assert.equal(done.status, 'SUCCEEDED');
      assert.deepEqual(JSON.parse(done.output!), { step: 1, worked: 'ok' });
      const types = (await history(sfn, exec)).map((e) => e.type);
      assert.deepEqual(types, [
        'ExecutionStarted',
        'PassStateEntered',
        'PassStateExited',
        'TaskStateEntered',
        'ActivityScheduled',
        'ExecutionAborted',
        'ExecutionRedriven',
        'TaskStateEntered',
        'ActivityScheduled',
        'ActivityStarted',
        'ActivitySucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
      assert.deepEqual(
        changes.filter((c) => c.executionArn === exec).map((c) => c.status),
        ['RUNNING', 'ABORTED', 'RUNNING', 'SUCCEEDED'],
      );
      const mine = changes.filter((c) => c.executionArn === exec);
      assert.deepEqual(
        mine.map((c) => [c.redriveCount, c.redriveStatus, c.redriveStatusReason]),
        [
          [0, 'NOT_REDRIVABLE', 'Execution is RUNNING and cannot be redriven'],
          [0, 'REDRIVABLE', undefined],
          [1, 'NOT_REDRIVABLE', 'Execution is RUNNING and cannot be redriven'],
          [1, 'NOT_REDRIVABLE', 'Execution is SUCCEEDED and cannot be redriven'],
        ],
      );
      assert.equal(mine[3].redriveDate?.getTime(), done.redriveDate?.getTime());
      assert.equal(mine[3].startDate.getTime(), aborted.startDate?.getTime());
    } finally {
      unsubscribe();
    }
  });

  test('a Map reruns only its failed iteration, keeping the outputs of the others', async () => {
    const names = [queueName(), queueName(), queueName()];
    await sqs.send(new CreateQueueCommand({ QueueName: names[0] }));
    await sqs.send(new CreateQueueCommand({ QueueName: names[1] }));
    const arn = await machine({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.names',
          MaxConcurrency: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Label',
            States: {
              Label: { Type: 'Pass', Parameters: { 'QueueName.$': '$' }, Next: 'Lookup' },
              Lookup: { Type: 'Task', Resource: GET_QUEUE_URL, Parameters: { 'QueueName.$': '$.QueueName' }, OutputPath: '$.QueueUrl', End: true },
            },
          },
          End: true,
        },
      },
    });
    const exec = await start(arn, { names });
    const failed = await finished(sfn, exec);
    assert.equal(failed.status, 'FAILED');
    const before = (await history(sfn, exec)).length;

    const urls = await Promise.all(names.map(async (q) => (await sqs.send(new CreateQueueCommand({ QueueName: q }))).QueueUrl));
    await sfn.send(new RedriveExecutionCommand({ executionArn: exec }));
    const done = await finished(sfn, exec);
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(done.output!), urls);

    const after = (await history(sfn, exec)).slice(before);
    assert.deepEqual(
      after.map((e) => e.type),
      [
        'ExecutionRedriven',
        'MapStateEntered',
        'MapStateStarted',
        'MapIterationStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited',
        'MapIterationSucceeded',
        'MapStateSucceeded',
        'MapStateExited',
        'ExecutionSucceeded',
      ],
    );
    assert.deepEqual(after[3].mapIterationStartedEventDetails, { name: 'Each', index: 2 });
    // The failed iteration re-enters its failed state (Lookup), not its first one (Label).
    assert.equal(after[4].stateEnteredEventDetails?.name, 'Lookup');
    assert.equal(after[4].previousEventId, after[3].id);
    assert.equal(after[0].previousEventId, before);
  });

  test('a Map with concurrent iterations reruns the failed and the aborted ones, with their variables', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: `redrive-map-${++n}` }));
    const missing = queueName();
    const arn = await machine({
      StartAt: 'Outer',
      States: {
        Outer: { Type: 'Pass', Assign: { prefix: 'item-' }, Next: 'Each' },
        Each: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Remember',
            States: {
              Remember: { Type: 'Pass', Assign: { 'mine.$': '$.kind' }, Next: 'Route' },
              Route: {
                Type: 'Choice',
                Choices: [
                  { Variable: '$.kind', StringEquals: 'fail', Next: 'Lookup' },
                  { Variable: '$.kind', StringEquals: 'slow', Next: 'Slow' },
                ],
                Default: 'Quick',
              },
              Lookup: { Type: 'Task', Resource: GET_QUEUE_URL, Parameters: { QueueName: missing }, ResultSelector: { 'v.$': 'States.Format(\'{}{}\', $prefix, $mine)' }, OutputPath: '$.v', End: true },
              Slow: { Type: 'Task', Resource: activityArn, ResultSelector: { 'v.$': 'States.Format(\'{}{}\', $prefix, $mine)' }, OutputPath: '$.v', End: true },
              Quick: { Type: 'Pass', Parameters: { 'v.$': 'States.Format(\'{}{}\', $prefix, $mine)' }, OutputPath: '$.v', End: true },
            },
          },
          End: true,
        },
      },
    });
    const exec = await start(arn, [{ kind: 'quick' }, { kind: 'slow' }, { kind: 'fail' }]);
    const failed = await finished(sfn, exec);
    assert.equal(failed.status, 'FAILED');
    const first = await history(sfn, exec);
    assert.deepEqual(
      first.filter((e) => e.type?.startsWith('MapIteration')).map((e) => [e.type, e.mapIterationStartedEventDetails?.index ?? e.mapIterationSucceededEventDetails?.index ?? e.mapIterationFailedEventDetails?.index ?? e.mapIterationAbortedEventDetails?.index]),
      [
        ['MapIterationStarted', 0],
        ['MapIterationStarted', 1],
        ['MapIterationStarted', 2],
        ['MapIterationSucceeded', 0],
        ['MapIterationFailed', 2],
        ['MapIterationAborted', 1],
      ],
    );

    await sqs.send(new CreateQueueCommand({ QueueName: missing }));
    await sfn.send(new RedriveExecutionCommand({ executionArn: exec }));
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }));
    const done = await finished(sfn, exec);
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(done.output!), ['item-quick', 'item-slow', 'item-fail']);
    const after = (await history(sfn, exec)).slice(first.length);
    assert.deepEqual(
      after.filter((e) => e.type === 'MapIterationStarted').map((e) => e.mapIterationStartedEventDetails?.index),
      [1, 2],
    );
    // Each rerun iteration re-enters the Task it stopped in; Remember and Route do not run again.
    assert.deepEqual(
      after.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name).sort(),
      ['Each', 'Lookup', 'Slow'],
    );
  });

  test('a Parallel reruns only its failed branch', async () => {
    const q = queueName();
    const arn = await machine({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Fixed', States: { Fixed: { Type: 'Pass', Result: 'left', End: true } } },
            { StartAt: 'Lookup', States: { Lookup: { Type: 'Task', Resource: GET_QUEUE_URL, Parameters: { QueueName: q }, OutputPath: '$.QueueUrl', End: true } } },
          ],
          End: true,
        },
      },
    });
    const exec = await start(arn);
    assert.equal((await finished(sfn, exec)).status, 'FAILED');
    const before = (await history(sfn, exec)).length;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: q }));
    await sfn.send(new RedriveExecutionCommand({ executionArn: exec }));
    const done = await finished(sfn, exec);
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(done.output!), ['left', QueueUrl]);
    const after = (await history(sfn, exec)).slice(before);
    assert.deepEqual(
      after.map((e) => e.type),
      [
        'ExecutionRedriven',
        'ParallelStateEntered',
        'ParallelStateStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited',
        'ParallelStateSucceeded',
        'ParallelStateExited',
        'ExecutionSucceeded',
      ],
    );
    assert.equal(after[3].previousEventId, after[2].id);
  });

  test('a failed redrive can be redriven again; retry counters start afresh', async () => {
    const q = queueName();
    const arn = await machine({
      StartAt: 'Lookup',
      States: {
        Lookup: {
          Type: 'Task',
          Resource: GET_QUEUE_URL,
          Parameters: { QueueName: q },
          Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 1 }],
          End: true,
        },
      },
    });
    const exec = await start(arn);
    assert.equal((await finished(sfn, exec)).status, 'FAILED');
    await sfn.send(new RedriveExecutionCommand({ executionArn: exec }));
    const again = await finished(sfn, exec);
    assert.equal(again.status, 'FAILED');
    assert.equal(again.error, 'Sqs.QueueDoesNotExistException');
    assert.equal(again.redriveCount, 1);
    assert.equal(again.redriveStatus, 'REDRIVABLE');
    const types = (await history(sfn, exec)).map((e) => e.type);
    // Each attempt: the first try and one retry.
    assert.equal(types.filter((t) => t === 'TaskScheduled').length, 4);
    assert.deepEqual(types.slice(-2), ['TaskFailed', 'ExecutionFailed']);
    await sqs.send(new CreateQueueCommand({ QueueName: q }));
    await sfn.send(new RedriveExecutionCommand({ executionArn: exec }));
    const done = await finished(sfn, exec);
    assert.equal(done.status, 'SUCCEEDED');
    assert.equal(done.redriveCount, 2);
    const events = await history(sfn, exec);
    assert.deepEqual(events.filter((e) => e.type === 'ExecutionRedriven').map((e) => e.executionRedrivenEventDetails?.redriveCount), [1, 2]);
  });

  test('TimeoutSeconds restarts on a redrive, and a timed-out execution can be redriven', async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: `redrive-slow-${++n}` }));
    const arn = await machine({ TimeoutSeconds: 1, StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } });
    const exec = await start(arn);
    const timedOut = await finished(sfn, exec, 5000);
    assert.equal(timedOut.status, 'TIMED_OUT');
    assert.equal(timedOut.redriveStatus, 'REDRIVABLE');
    await sfn.send(new RedriveExecutionCommand({ executionArn: exec }));
    const again = await finished(sfn, exec, 5000);
    assert.equal(again.status, 'TIMED_OUT');
    const types = (await history(sfn, exec)).map((e) => e.type);
    assert.deepEqual(types, ['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ExecutionTimedOut', 'ExecutionRedriven', 'TaskStateEntered', 'ActivityScheduled', 'ExecutionTimedOut']);
    const events = await history(sfn, exec);
    // The second timeout counts from the redrive, not from the start.
    assert.ok(events[7].timestamp!.getTime() - events[4].timestamp!.getTime() >= 900);
  });

  test('the same client token answers the same redrive', async () => {
    const q = queueName();
    const arn = await machine({ StartAt: 'Lookup', States: { Lookup: { Type: 'Task', Resource: GET_QUEUE_URL, Parameters: { QueueName: q }, End: true } } });
    const exec = await start(arn);
    await finished(sfn, exec);
    await sqs.send(new CreateQueueCommand({ QueueName: q }));
    const first = await sfn.send(new RedriveExecutionCommand({ executionArn: exec, clientToken: 'token-1' }));
    const second = await sfn.send(new RedriveExecutionCommand({ executionArn: exec, clientToken: 'token-1' }));
    assert.equal(second.redriveDate?.getTime(), first.redriveDate?.getTime());
    assert.equal((await finished(sfn, exec)).redriveCount, 1);
    const third = await sfn.send(new RedriveExecutionCommand({ executionArn: exec, clientToken: 'token-1' }));
    assert.equal(third.redriveDate?.getTime(), first.redriveDate?.getTime());
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn: exec, clientToken: 'token-2' })), 'ExecutionNotRedrivable', 'Execution is SUCCEEDED and cannot be redriven');
    assert.equal((await history(sfn, exec)).filter((e) => e.type === 'ExecutionRedriven').length, 1);
  });

  test('errors: succeeded, running, unknown, Express, malformed ARN; deleting machine', async () => {
    const ok = await machine({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
    const succeeded = await start(ok);
    const d = await finished(sfn, succeeded);
    assert.equal(d.redriveStatus, 'NOT_REDRIVABLE');
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn: succeeded })), 'ExecutionNotRedrivable', 'Execution is SUCCEEDED and cannot be redriven');

    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: `redrive-block-${++n}` }));
    const blocked = await machine({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } });
    const running = await start(blocked);
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn: running })), 'ExecutionNotRedrivable', 'Execution is RUNNING and cannot be redriven');
    await sfn.send(new StopExecutionCommand({ executionArn: running }));
    await finished(sfn, running);

    const missing = `${ok.replace(':stateMachine:', ':execution:')}:nope`;
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn: missing })), 'ExecutionDoesNotExist', `Execution Does Not Exist: '${missing}'`);
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn: 'not-an-arn' })), 'InvalidArn');

    const express = await machine({ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'E' } } }, 'EXPRESS');
    const expressExec = await start(express);
    assert.match(expressExec, /:express:/);
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn: expressExec })), 'ExecutionNotRedrivable', 'Executions of EXPRESS state machines cannot be redriven');

    // A deleted machine's stopped executions can no longer be redriven.
    const fails = await machine({ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'E' } } });
    const failedExec = await start(fails);
    assert.equal((await finished(sfn, failedExec)).redriveStatus, 'REDRIVABLE');
    const { DeleteStateMachineCommand } = await import('@aws-sdk/client-sfn');
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: fails }));
    const desc = await sfn.send(new DescribeExecutionCommand({ executionArn: failedExec }));
    assert.equal(desc.redriveStatus, 'NOT_REDRIVABLE');
    assert.equal(desc.redriveStatusReason, 'State machine is in DELETING status');
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn: failedExec })), 'ExecutionNotRedrivable', 'State machine is in DELETING status');
  });

  test('JSONata states are re-entered too and see $states.context.Execution.RedriveCount', async () => {
    const q = queueName();
    const arn = await machine({
      QueryLanguage: 'JSONata',
      StartAt: 'Keep',
      States: {
        Keep: { Type: 'Pass', Assign: { kept: '{% $states.input.value %}' }, Next: 'Lookup' },
        Lookup: { Type: 'Task', Resource: GET_QUEUE_URL, Arguments: { QueueName: q }, Output: { url: '{% $states.result.QueueUrl %}', kept: '{% $kept %}', count: '{% $states.context.Execution.RedriveCount %}' }, End: true },
      },
    });
    const exec = await start(arn, { value: 42 });
    assert.equal((await finished(sfn, exec)).status, 'FAILED');
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: q }));
    await sfn.send(new RedriveExecutionCommand({ executionArn: exec }));
    const done = await finished(sfn, exec);
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(done.output!), { url: QueueUrl, kept: 42, count: 1 });
  });

  test('a Fail state is run again on a redrive (it fails the same way)', async () => {
    const arn = await machine({ StartAt: 'Set', States: { Set: { Type: 'Pass', Result: 1, Next: 'Boom' }, Boom: { Type: 'Fail', Error: 'Custom', Cause: 'always' } } });
    const exec = await start(arn);
    await finished(sfn, exec);
    await sfn.send(new RedriveExecutionCommand({ executionArn: exec }));
    const again = await finished(sfn, exec);
    assert.equal(again.status, 'FAILED');
    assert.equal(again.error, 'Custom');
    assert.deepEqual(shape((await history(sfn, exec)).slice(5)), [
      [6, 5, 'ExecutionRedriven'],
      [7, 6, 'FailStateEntered'],
      [8, 7, 'ExecutionFailed'],
    ]);
  });
  // Runs last: it moves the shared clock 14 days on.
  test('an execution stopped more than 14 days ago is no longer redrivable', async () => {
    const arn = await machine({ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'E' } } });
    const exec = await start(arn);
    assert.equal((await finished(sfn, exec)).redriveStatus, 'REDRIVABLE');
    ctx.nimbus.cloud.clock.advance(14 * 24 * 60 * 60 * 1000 + 1000);
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: exec }));
    assert.equal(d.redriveStatus, 'NOT_REDRIVABLE');
    assert.equal(d.redriveStatusReason, 'Execution redrivable period exceeded');
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn: exec })), 'ExecutionNotRedrivable', 'Execution redrivable period exceeded');
  });
});
