/** Step Functions API: executions end to end, their history events, and the execution operations' errors. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { useNimbus } from './helpers.js';
import { definition, finished, history, historyUntil, rejectsWith, ROLE, sfnClient, shape, states } from './sfn-api-helpers.js';

async function machine(sfn: SFNClient, name: string, def: object, type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): Promise<string> {
  return (await sfn.send(new CreateStateMachineCommand({ name, definition: definition(def), roleArn: ROLE, type }))).stateMachineArn!;
}

async function run(sfn: SFNClient, stateMachineArn: string, input = '{}') {
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
  const described = await finished(sfn, executionArn!);
  return { executionArn: executionArn!, described, events: await history(sfn, executionArn!) };
}

describe('executions', () => {
  const n = useNimbus({ sfnWaitScale: 0 });

  test('Pass chain: history events, ids and links as AWS writes them; DescribeExecution', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine(sfn, 'pass-chain', {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Result: { step: 1 }, ResultPath: '$.a', Next: 'B' }, B: { Type: 'Pass', Next: 'C' }, C: { Type: 'Pass', OutputPath: '$.a', End: true } },
    });
    const { executionArn, described, events } = await run(sfn, arn, '{"in":true}');
    assert.match(executionArn, /^arn:aws:states:us-east-1:000000000000:execution:pass-chain:[0-9a-f-]{36}$/);
    assert.equal(described.status, 'SUCCEEDED');
    assert.equal(described.input, '{"in":true}');
    assert.equal(described.output, '{"step":1}');
    assert.deepEqual(described.inputDetails, { included: true });
    assert.equal(described.redriveStatus, 'NOT_REDRIVABLE');
    assert.equal(described.redriveStatusReason, 'Execution is SUCCEEDED and cannot be redriven');
    assert.deepEqual(shape(events), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'PassStateEntered'],
      [3, 2, 'PassStateExited'],
      [4, 3, 'PassStateEntered'],
      [5, 4, 'PassStateExited'],
      [6, 5, 'PassStateEntered'],
      [7, 6, 'PassStateExited'],
      [8, 7, 'ExecutionSucceeded'],
    ]);
    assert.deepEqual(events[0].executionStartedEventDetails, { input: '{"in":true}', inputDetails: { truncated: false }, roleArn: ROLE });
    assert.deepEqual(events[2].stateExitedEventDetails, { name: 'A', output: '{"in":true,"a":{"step":1}}', outputDetails: { truncated: false } });
    assert.deepEqual(events[7].executionSucceededEventDetails, { output: '{"step":1}', outputDetails: { truncated: false } });
  });

  test('GetExecutionHistory: reverseOrder, maxResults/nextToken pages, includeExecutionData=false', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine(sfn, 'paged-history', { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } } });
    const { executionArn } = await run(sfn, arn, '{"x":1}');
    const ids: number[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4, reverseOrder: true, nextToken }));
      assert.ok(page.events!.length <= 4);
      ids.push(...page.events!.map((e) => e.id!));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(ids, [6, 5, 4, 3, 2, 1]);
    const bare = await sfn.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }));
    assert.deepEqual(bare.events![0].executionStartedEventDetails, { roleArn: ROLE });
    assert.deepEqual(bare.events![1].stateEnteredEventDetails, { name: 'A' });
    assert.deepEqual(bare.events![5].executionSucceededEventDetails, {});
    await rejectsWith(sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken: 'bm9wZQ==' })), 'InvalidToken');
  });

  test('Choice to Succeed, and to a Fail state (ExecutionFailed with its error and cause)', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine(sfn, 'choice', {
      StartAt: 'Decide',
      States: {
        Decide: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }], Default: 'Broken' },
        Done: { Type: 'Succeed' },
        Broken: { Type: 'Fail', Error: 'NotOk', Cause: 'ok was false' },
      },
    });
    const good = await run(sfn, arn, '{"ok":true}');
    assert.equal(good.described.status, 'SUCCEEDED');
    assert.deepEqual(shape(good.events), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ChoiceStateEntered'],
      [3, 2, 'ChoiceStateExited'],
      [4, 3, 'SucceedStateEntered'],
      [5, 4, 'SucceedStateExited'],
      [6, 5, 'ExecutionSucceeded'],
    ]);
    const bad = await run(sfn, arn, '{"ok":false}');
    assert.equal(bad.described.status, 'FAILED');
    assert.equal(bad.described.error, 'NotOk');
    assert.equal(bad.described.cause, 'ok was false');
    assert.equal(bad.described.redriveStatus, 'REDRIVABLE');
    assert.deepEqual(shape(bad.events), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ChoiceStateEntered'],
      [3, 2, 'ChoiceStateExited'],
      [4, 3, 'FailStateEntered'],
      [5, 4, 'ExecutionFailed'],
    ]);
    assert.deepEqual(bad.events[4].executionFailedEventDetails, { error: 'NotOk', cause: 'ok was false' });
  });

  test('Wait with NIMBUS_SFN_WAIT_SCALE=0 finishes at once', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine(sfn, 'long-wait', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
    const started = Date.now();
    const { described, events } = await run(sfn, arn);
    assert.ok(Date.now() - started < 2000);
    assert.equal(described.status, 'SUCCEEDED');
    assert.deepEqual(shape(events), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'WaitStateEntered'],
      [3, 2, 'WaitStateExited'],
      [4, 3, 'ExecutionSucceeded'],
    ]);
  });

  test('Task through an activity: Retry once, then Catch into the next state', async () => {
    const sfn = sfnClient(n.endpoint);
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'flaky' }));
    const arn = await machine(sfn, 'retry-catch', {
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: activityArn,
          Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 1, IntervalSeconds: 5 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' }],
          End: true,
        },
        Recover: { Type: 'Pass', End: true },
      },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"job":7}' }));
    for (let attempt = 0; attempt < 2; attempt++) {
      const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'worker-1' }));
      assert.equal(task.input, '{"job":7}');
      await sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'Flaky', cause: `attempt ${attempt}` }));
    }
    const described = await finished(sfn, executionArn!);
    assert.equal(described.status, 'SUCCEEDED');
    assert.equal(described.output, '{"job":7,"error":{"Error":"Flaky","Cause":"attempt 1"}}');
    const events = await history(sfn, executionArn!);
    assert.deepEqual(shape(events), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'TaskStateEntered'],
      [3, 2, 'ActivityScheduled'],
      [4, 3, 'ActivityStarted'],
      [5, 4, 'ActivityFailed'],
      [6, 5, 'ActivityScheduled'],
      [7, 6, 'ActivityStarted'],
      [8, 7, 'ActivityFailed'],
      [9, 8, 'TaskStateExited'],
      [10, 9, 'PassStateEntered'],
      [11, 10, 'PassStateExited'],
      [12, 11, 'ExecutionSucceeded'],
    ]);
    assert.deepEqual(events[2].activityScheduledEventDetails, { resource: activityArn, input: '{"job":7}', inputDetails: { truncated: false } });
    assert.deepEqual(events[3].activityStartedEventDetails, { workerName: 'worker-1' });
    assert.deepEqual(events[4].activityFailedEventDetails, { error: 'Flaky', cause: 'attempt 0' });
  });

  test('Parallel: branches start from ParallelStateStarted; output is the array of branch outputs', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine(sfn, 'parallel', {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'L', States: { L: { Type: 'Pass', Result: 'left', End: true } } },
            { StartAt: 'R', States: { R: { Type: 'Pass', Result: 'right', End: true } } },
          ],
          End: true,
        },
      },
    });
    const { described, events } = await run(sfn, arn);
    assert.equal(described.output, '["left","right"]');
    assert.deepEqual(shape(events), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ParallelStateEntered'],
      [3, 2, 'ParallelStateStarted'],
      [4, 3, 'PassStateEntered'],
      [5, 4, 'PassStateExited'],
      [6, 3, 'PassStateEntered'],
      [7, 6, 'PassStateExited'],
      [8, 7, 'ParallelStateSucceeded'],
      [9, 7, 'ParallelStateExited'],
      [10, 9, 'ExecutionSucceeded'],
    ]);
  });

  test('Map: MapStateStarted with the item count, one MapIteration* pair per item', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine(sfn, 'map', {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Double', States: { Double: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($, $)' }, End: true } } },
          End: true,
        },
      },
    });
    const { described, events } = await run(sfn, arn, '{"items":[1,2]}');
    assert.equal(described.output, '[{"v":2},{"v":4}]');
    assert.deepEqual(shape(events), [
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'MapStateEntered'],
      [3, 2, 'MapStateStarted'],
      [4, 3, 'MapIterationStarted'],
      [5, 3, 'MapIterationStarted'],
      [6, 4, 'PassStateEntered'],
      [7, 6, 'PassStateExited'],
      [8, 7, 'MapIterationSucceeded'],
      [9, 5, 'PassStateEntered'],
      [10, 9, 'PassStateExited'],
      [11, 10, 'MapIterationSucceeded'],
      [12, 11, 'MapStateSucceeded'],
      [13, 11, 'MapStateExited'],
      [14, 13, 'ExecutionSucceeded'],
    ]);
    assert.deepEqual(events[2].mapStateStartedEventDetails, { length: 2 });
    assert.deepEqual(events[4].mapIterationStartedEventDetails, { name: 'Each', index: 1 });
  });

  test('StopExecution ends a running execution as ABORTED with the given error and cause', async () => {
    const sfn = sfnClient(n.endpoint);
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'idle' }));
    const arn = await machine(sfn, 'stoppable', { StartAt: 'T', States: { T: { Type: 'Task', Resource: activityArn, End: true } } });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    await historyUntil(sfn, executionArn!, (ev) => ev.some((e) => e.type === 'ActivityScheduled'));
    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }));
    assert.deepEqual(running.executions?.map((e) => e.executionArn), [executionArn]);
    const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Manual', cause: 'operator' }));
    assert.ok(stopped.stopDate instanceof Date);
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    assert.deepEqual([d.status, d.error, d.cause], ['ABORTED', 'Manual', 'operator']);
    const events = await history(sfn, executionArn!);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ExecutionAborted'],
    );
    assert.deepEqual(events[3].executionAbortedEventDetails, { error: 'Manual', cause: 'operator' });
    // The stopped execution's task left the queue: a worker gets the next execution's task.
    await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"next":true}' }));
    assert.equal((await sfn.send(new GetActivityTaskCommand({ activityArn }))).input, '{"next":true}');
  });

  test('StartExecution names: idempotent while open with the same input, ExecutionAlreadyExists otherwise; InvalidName; InvalidExecutionInput', async () => {
    const sfn = sfnClient(n.endpoint);
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'hold' }));
    const arn = await machine(sfn, 'named', { StartAt: 'T', States: { T: { Type: 'Task', Resource: activityArn, End: true } } });
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run-1', input: '{"a":1}' }));
    assert.equal(first.executionArn, 'arn:aws:states:us-east-1:000000000000:execution:named:run-1');
    const same = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run-1', input: '{"a":1}' }));
    assert.equal(same.startDate?.getTime(), first.startDate?.getTime());
    await rejectsWith(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run-1', input: '{"a":2}' })),
      'ExecutionAlreadyExists',
      `Execution Already Exists: '${first.executionArn}'`,
    );
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'run-1', input: '{"a":1}' })), 'ExecutionAlreadyExists');
    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'a:b' })), 'InvalidName', "Invalid Name: 'a:b'");
    await rejectsWith(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: 'not json' })),
      'InvalidExecutionInput',
      "Invalid State Machine Execution Input: 'Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')'",
    );
    await rejectsWith(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: "{'a':1}" })),
      'InvalidExecutionInput',
      "Invalid State Machine Execution Input: 'Unexpected character (''' (code 39)): was expecting double-quote to start field name'",
    );
    const tooBig = JSON.stringify({ text: '\u20ac'.repeat(90_000) });
    await rejectsWith(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: tooBig })),
      'ValidationException',
      "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
    );
    await rejectsWith(
      sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:nope' })),
      'StateMachineDoesNotExist',
      "State Machine Does Not Exist: 'arn:aws:states:us-east-1:000000000000:stateMachine:nope'",
    );
    await rejectsWith(
      sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:named:missing' })),
      'ExecutionDoesNotExist',
      "Execution Does Not Exist: 'arn:aws:states:us-east-1:000000000000:execution:named:missing'",
    );
    await rejectsWith(sfn.send(new DescribeExecutionCommand({ executionArn: 'invalid_execution_arn' })), 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: invalid_execution_arn'");
  });

  test('ListExecutions: newest first, status filter, pagination', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine(sfn, 'listed', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const started: string[] = [];
    for (let i = 0; i < 5; i++) started.push((await run(sfn, arn)).executionArn);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken }));
      seen.push(...page.executions!.map((e) => e.executionArn!));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(seen, [...started].reverse());
    const item = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED', maxResults: 1 }))).executions![0];
    assert.equal(item.status, 'SUCCEEDED');
    assert.equal(item.redriveCount, 0);
    assert.ok(item.stopDate instanceof Date);
    assert.deepEqual((await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'FAILED' }))).executions, []);
  });

  test('DescribeStateMachineForExecution returns the definition the execution started with', async () => {
    const sfn = sfnClient(n.endpoint);
    const def = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    const arn = await machine(sfn, 'for-execution', def);
    const { executionArn } = await run(sfn, arn);
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: definition({ StartAt: 'Q', States: { Q: { Type: 'Succeed' } } }) }));
    const d = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    assert.equal(d.definition, definition(def));
    assert.equal(d.name, 'for-execution');
    assert.equal(d.stateMachineArn, arn);
    assert.equal(d.roleArn, ROLE);
    assert.ok(d.updateDate instanceof Date);
    assert.equal(d.revisionId, undefined);
  });

  test('Standard execution status changes reach onExecutionStatusChange listeners', async () => {
    const sfn = sfnClient(n.endpoint);
    const service = await states(n.nimbus);
    const seen: string[] = [];
    const off = service.onExecutionStatusChange((c) => seen.push(`${c.name}:${c.status}:${c.output ?? ''}`));
    const arn = await machine(sfn, 'watched', { StartAt: 'P', States: { P: { Type: 'Pass', Result: 1, End: true } } });
    const started = await service.startExecution(arn, '{}', 'in-process');
    assert.equal(started.executionArn, 'arn:aws:states:us-east-1:000000000000:execution:watched:in-process');
    await finished(sfn, started.executionArn);
    off();
    assert.deepEqual(seen, ['in-process:RUNNING:', 'in-process:SUCCEEDED:1']);
  });
});

describe('express workflows', () => {
  const n = useNimbus({ sfnWaitScale: 0 });

  test('StartSyncExecution returns status, output and billing details; failures come back as FAILED', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await machine(sfn, 'sync', { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } } }, 'EXPRESS');
    const out = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: arn, input: '{"n":21}', name: 'sync-1' }));
    assert.equal(out.status, 'SUCCEEDED');
    assert.equal(out.output, '{"doubled":42}');
    assert.equal(out.input, '{"n":21}');
    assert.equal(out.name, 'sync-1');
    assert.equal(out.stateMachineArn, arn);
    assert.match(out.executionArn!, /^arn:aws:states:us-east-1:000000000000:express:sync:sync-1:[0-9a-f-]{36}$/);
    assert.deepEqual(out.outputDetails, { included: true });
    assert.deepEqual(out.billingDetails, { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 });
    assert.ok(out.stopDate!.getTime() >= out.startDate!.getTime());

    const failing = await machine(sfn, 'sync-fail', { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'C' } } }, 'EXPRESS');
    const failed = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: failing }));
    assert.deepEqual([failed.status, failed.error, failed.cause, failed.output], ['FAILED', 'E', 'C', undefined]);
  });

  test('Express-only and Standard-only operations answer as AWS does', async () => {
    const sfn = sfnClient(n.endpoint);
    const express = await machine(sfn, 'express-async', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, 'EXPRESS');
    const standard = await machine(sfn, 'standard', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const notSupported = 'This operation is not supported by this type of state machine';
    await rejectsWith(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: standard })), 'StateMachineTypeNotSupported', notSupported);
    await rejectsWith(sfn.send(new ListExecutionsCommand({ stateMachineArn: express })), 'StateMachineTypeNotSupported', notSupported);
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: express }));
    assert.match(executionArn!, /:express:express-async:/);
    const notInContext = "Invalid Arn: 'Resource type not valid in this context: express'";
    await rejectsWith(sfn.send(new DescribeExecutionCommand({ executionArn })), 'InvalidArn', notInContext);
    await rejectsWith(sfn.send(new GetExecutionHistoryCommand({ executionArn })), 'InvalidArn', notInContext);
    await rejectsWith(sfn.send(new StopExecutionCommand({ executionArn })), 'InvalidArn', notInContext);
  });
});
