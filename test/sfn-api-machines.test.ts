/** Step Functions API: state machines, definition validation, activities, tags and ARN errors. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DeleteStateMachineCommand,
  DescribeActivityCommand,
  DescribeStateMachineCommand,
  GetActivityTaskCommand,
  ListActivitiesCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { useNimbus } from './helpers.js';
import { definition, finished, rejectsWith, ROLE, sfnClient } from './sfn-api-helpers.js';

const PASS = definition({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: true }, End: true } } });
const ARN_PREFIX = 'arn:aws:states:us-east-1:000000000000';

describe('state machines', () => {
  const n = useNimbus({ sfnWaitScale: 0 });

  test('create and describe: ARN, defaults AWS fills in (logging OFF, tracing off), type', async () => {
    const sfn = sfnClient(n.endpoint);
    const created = await sfn.send(new CreateStateMachineCommand({ name: 'describe-me', definition: PASS, roleArn: ROLE }));
    assert.equal(created.stateMachineArn, `${ARN_PREFIX}:stateMachine:describe-me`);
    assert.ok(created.creationDate instanceof Date);
    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    assert.deepEqual(
      { ...d, $metadata: undefined },
      {
        $metadata: undefined,
        stateMachineArn: created.stateMachineArn,
        name: 'describe-me',
        status: 'ACTIVE',
        definition: PASS,
        roleArn: ROLE,
        type: 'STANDARD',
        creationDate: created.creationDate,
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      },
    );
  });

  test('logging and tracing configurations are described back', async () => {
    const sfn = sfnClient(n.endpoint);
    const loggingConfiguration = {
      level: 'ALL' as const,
      includeExecutionData: true,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:sfn:*' } }],
    };
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'logged', definition: PASS, roleArn: ROLE, type: 'EXPRESS', loggingConfiguration, tracingConfiguration: { enabled: true } }),
    );
    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    assert.equal(d.type, 'EXPRESS');
    assert.deepEqual(d.loggingConfiguration, loggingConfiguration);
    assert.deepEqual(d.tracingConfiguration, { enabled: true });
  });

  test('CreateStateMachine is idempotent on name, definition and type; roleArn differences are ignored as on AWS', async () => {
    const sfn = sfnClient(n.endpoint);
    const first = await sfn.send(new CreateStateMachineCommand({ name: 'idem', definition: PASS, roleArn: ROLE }));
    const again = await sfn.send(new CreateStateMachineCommand({ name: 'idem', definition: PASS, roleArn: ROLE }));
    assert.equal(again.stateMachineArn, first.stateMachineArn);
    assert.equal(again.creationDate?.getTime(), first.creationDate?.getTime());
    const otherRole = await sfn.send(new CreateStateMachineCommand({ name: 'idem', definition: PASS, roleArn: 'arn:aws:iam::000000000000:role/Other' }));
    assert.equal(otherRole.creationDate?.getTime(), first.creationDate?.getTime());
    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn }));
    assert.equal(d.roleArn, ROLE);

    const other = definition({ StartAt: 'Q', States: { Q: { Type: 'Succeed' } } });
    await rejectsWith(
      sfn.send(new CreateStateMachineCommand({ name: 'idem', definition: other, roleArn: ROLE })),
      'StateMachineAlreadyExists',
      `State Machine Already Exists: '${first.stateMachineArn}'`,
    );
    await rejectsWith(sfn.send(new CreateStateMachineCommand({ name: 'idem', definition: PASS, roleArn: ROLE, type: 'EXPRESS' })), 'StateMachineAlreadyExists');
  });

  test('invalid definitions: AWS InvalidDefinition messages naming the problem and where', async () => {
    const sfn = sfnClient(n.endpoint);
    await rejectsWith(
      sfn.send(new CreateStateMachineCommand({ name: 'bad1', definition: definition({ StartAt: 'A' }), roleArn: ROLE })),
      'InvalidDefinition',
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'",
    );
    await rejectsWith(
      sfn.send(new CreateStateMachineCommand({ name: 'bad2', definition: definition({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nope' } } }), roleArn: ROLE })),
      'InvalidDefinition',
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /States/A/Next, MISSING_END_STATE: Workflow has no terminal state at null'",
    );
    const callback = definition({ StartAt: 'Publish', States: { Publish: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish.waitForTaskToken', End: true } } });
    await rejectsWith(
      sfn.send(new CreateStateMachineCommand({ name: 'bad3', definition: callback, roleArn: ROLE, type: 'EXPRESS' })),
      'InvalidDefinition',
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration  at /States/Publish/Resource'",
    );
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    assert.equal(stateMachines.filter((m) => m.name?.startsWith('bad')).length, 0);
  });

  test('ValidateStateMachineDefinition answers diagnostics instead of an error', async () => {
    const sfn = sfnClient(n.endpoint);
    const ok = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: PASS }));
    assert.equal(ok.result, 'OK');
    assert.deepEqual(ok.diagnostics, []);
    const bad = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: definition({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nope' } } }) }));
    assert.equal(bad.result, 'FAIL');
    assert.deepEqual(bad.diagnostics, [
      { severity: 'ERROR', code: 'MISSING_TRANSITION_TARGET', message: "Missing 'Next' target: Nope", location: '/States/A/Next' },
      { severity: 'ERROR', code: 'MISSING_END_STATE', message: 'Workflow has no terminal state' },
    ]);
    assert.equal(bad.truncated, false);
  });

  test('names with characters AWS forbids are InvalidName; bad ARNs are InvalidArn with AWS wording', async () => {
    const sfn = sfnClient(n.endpoint);
    await rejectsWith(sfn.send(new CreateStateMachineCommand({ name: 'has space', definition: PASS, roleArn: ROLE })), 'InvalidName', "Invalid Name: 'has space'");
    await rejectsWith(sfn.send(new CreateStateMachineCommand({ name: 'a/b', definition: PASS, roleArn: ROLE })), 'InvalidName');
    await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'not_a_valid_arn' })), 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'");
    await rejectsWith(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${ARN_PREFIX}:activity:x` })),
      'InvalidArn',
      "Invalid Arn: 'Resource type not valid in this context: activity'",
    );
    await rejectsWith(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${ARN_PREFIX}:stateMachine:missing` })),
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${ARN_PREFIX}:stateMachine:missing'`,
    );
  });

  test('UpdateStateMachine: new revisionId on change, same one when nothing changes, MissingRequiredParameter when empty', async () => {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'updatable', definition: PASS, roleArn: ROLE }));
    const changed = definition({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 2, End: true } } });
    const u1 = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: changed }));
    assert.ok(u1.revisionId);
    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    assert.equal(d.definition, changed);
    assert.equal(d.revisionId, u1.revisionId);
    const u2 = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: changed }));
    assert.equal(u2.revisionId, u1.revisionId);
    await rejectsWith(
      sfn.send(new UpdateStateMachineCommand({ stateMachineArn })),
      'MissingRequiredParameter',
      'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified',
    );
    await rejectsWith(sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: '{"StartAt":' })), 'InvalidDefinition', /INVALID_JSON_DESCRIPTION/);
  });

  test('ListStateMachines: sorted by name, paginated with nextToken', async () => {
    const n2 = sfnClient(n.endpoint);
    for (const name of ['page-c', 'page-a', 'page-b', 'page-e', 'page-d']) {
      await n2.send(new CreateStateMachineCommand({ name, definition: PASS, roleArn: ROLE }));
    }
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await n2.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
      assert.ok((page.stateMachines ?? []).length <= 2);
      names.push(...(page.stateMachines ?? []).map((m) => m.name!));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    assert.deepEqual(names, [...names].sort());
    assert.deepEqual(
      names.filter((x) => x.startsWith('page-')),
      ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'],
    );
    assert.equal(pages, Math.ceil(names.length / 2));
    const item = (await n2.send(new ListStateMachinesCommand({ maxResults: 1000 }))).stateMachines!.find((m) => m.name === 'page-a')!;
    assert.deepEqual(Object.keys(item).sort(), ['creationDate', 'name', 'stateMachineArn', 'type']);
  });

  test('DeleteStateMachine: DELETING while an execution runs, gone once it stops; deleting a missing machine succeeds', async () => {
    const sfn = sfnClient(n.endpoint);
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'never-worked' }));
    const waits = definition({ StartAt: 'T', States: { T: { Type: 'Task', Resource: activityArn, End: true } } });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'doomed', definition: waits, roleArn: ROLE }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));
    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    assert.equal(d.status, 'DELETING');
    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn })), 'StateMachineDeleting');
    await sfn.send(new StopExecutionCommand({ executionArn }));
    assert.equal((await finished(sfn, executionArn!)).status, 'ABORTED');
    await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn })), 'StateMachineDoesNotExist');
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));
  });
});

describe('tags and activities', () => {
  const n = useNimbus({ sfnWaitScale: 0 });

  test('tags on create, TagResource, UntagResource, ListTagsForResource; ResourceNotFound for a missing machine', async () => {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'tagged', definition: PASS, roleArn: ROLE, tags: [{ key: 'team', value: 'a' }] }));
    await sfn.send(new TagResourceCommand({ resourceArn: stateMachineArn, tags: [{ key: 'env', value: 'dev' }, { key: 'team', value: 'b' }] }));
    assert.deepEqual((await sfn.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn }))).tags, [
      { key: 'team', value: 'b' },
      { key: 'env', value: 'dev' },
    ]);
    await sfn.send(new UntagResourceCommand({ resourceArn: stateMachineArn, tagKeys: ['team', 'absent'] }));
    assert.deepEqual((await sfn.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn }))).tags, [{ key: 'env', value: 'dev' }]);
    const missing = `${ARN_PREFIX}:stateMachine:nope`;
    await rejectsWith(sfn.send(new TagResourceCommand({ resourceArn: missing, tags: [{ key: 'k', value: 'v' }] })), 'ResourceNotFound', `Resource not found: '${missing}'`);
    const many = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    await rejectsWith(sfn.send(new TagResourceCommand({ resourceArn: stateMachineArn, tags: many })), 'TooManyTags');
  });

  test('activities: create (idempotent), describe, list, tags, delete; ActivityDoesNotExist afterwards', async () => {
    const sfn = sfnClient(n.endpoint);
    const a = await sfn.send(new CreateActivityCommand({ name: 'worker-b', tags: [{ key: 'k', value: 'v' }] }));
    assert.equal(a.activityArn, `${ARN_PREFIX}:activity:worker-b`);
    const again = await sfn.send(new CreateActivityCommand({ name: 'worker-b' }));
    assert.equal(again.creationDate?.getTime(), a.creationDate?.getTime());
    await sfn.send(new CreateActivityCommand({ name: 'worker-a' }));
    const d = await sfn.send(new DescribeActivityCommand({ activityArn: a.activityArn }));
    assert.deepEqual([d.activityArn, d.name, d.creationDate?.getTime()], [a.activityArn, 'worker-b', a.creationDate?.getTime()]);
    const list = await sfn.send(new ListActivitiesCommand({}));
    assert.deepEqual(
      list.activities?.map((x) => x.name),
      ['worker-a', 'worker-b'],
    );
    assert.deepEqual((await sfn.send(new ListTagsForResourceCommand({ resourceArn: a.activityArn }))).tags, [{ key: 'k', value: 'v' }]);
    await rejectsWith(sfn.send(new CreateActivityCommand({ name: 'TestActivity InvalidName$' })), 'InvalidName', "Invalid Name: 'TestActivity InvalidName$'");
    await sfn.send(new DeleteActivityCommand({ activityArn: a.activityArn }));
    await sfn.send(new DeleteActivityCommand({ activityArn: a.activityArn }));
    await rejectsWith(sfn.send(new DescribeActivityCommand({ activityArn: a.activityArn })), 'ActivityDoesNotExist', `Activity Does Not Exist: '${a.activityArn}'`);
    await rejectsWith(sfn.send(new GetActivityTaskCommand({ activityArn: a.activityArn })), 'ActivityDoesNotExist');
  });
});
