/** Step Functions versions and aliases: publishing, routing executions by weight, AWS's rules and errors. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeExecutionCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ListExecutionsCommand,
  ListStateMachineAliasesCommand,
  ListStateMachineVersionsCommand,
  PublishStateMachineVersionCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { useNimbus } from './helpers.js';
import { definition, finished, history, rejectsWith, ROLE, sfnClient } from './sfn-api-helpers.js';

const ARN_PREFIX = 'arn:aws:states:us-east-1:000000000000';
const passing = (value: unknown, type?: string): string => definition({ StartAt: 'P', States: { P: { Type: 'Pass', Result: value, End: true } }, ...(type ? { Comment: type } : {}) });

describe('state machine versions', () => {
  const n = useNimbus({ sfnWaitScale: 0 });

  test('publish on create and update; versions numbered from 1, newest first, never reused', async () => {
    const sfn = sfnClient(n.endpoint);
    const created = await sfn.send(new CreateStateMachineCommand({ name: 'v-basic', definition: passing(1), roleArn: ROLE, publish: true, versionDescription: 'first' }));
    const arn = `${ARN_PREFIX}:stateMachine:v-basic`;
    assert.equal(created.stateMachineVersionArn, `${arn}:1`);
    const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing(2), publish: true, versionDescription: 'second' }));
    assert.equal(updated.stateMachineVersionArn, `${arn}:2`);
    assert.ok(updated.revisionId);
    // Nothing changed since version 2: publishing again returns it.
    const again = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn }));
    assert.equal(again.stateMachineVersionArn, `${arn}:2`);
    const same = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing(2), publish: true }));
    assert.equal(same.stateMachineVersionArn, `${arn}:2`);

    const v1 = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:1` }));
    assert.equal(v1.stateMachineArn, `${arn}:1`);
    assert.equal(v1.name, 'v-basic');
    assert.equal(v1.definition, passing(1));
    assert.equal(v1.description, 'first');
    assert.equal(v1.revisionId, undefined);
    const v2 = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:2` }));
    assert.equal(v2.revisionId, updated.revisionId);
    assert.equal(v2.description, 'second');
    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    assert.equal(machine.stateMachineArn, arn);
    assert.equal(machine.description, undefined);

    const listed = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn }));
    assert.deepEqual(listed.stateMachineVersions?.map((v) => v.stateMachineVersionArn), [`${arn}:2`, `${arn}:1`]);
    const page = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn, maxResults: 1 }));
    assert.equal(page.stateMachineVersions?.length, 1);
    assert.ok(page.nextToken);

    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:2` }));
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:2` })); // idempotent
    await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:2` })), 'StateMachineDoesNotExist');
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing(3) }));
    const v3 = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, description: 'third' }));
    assert.equal(v3.stateMachineVersionArn, `${arn}:3`);
  });

  test('revisionId optimistic check: INITIAL before the first update, ConflictException when stale', async () => {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn: arn } = await sfn.send(new CreateStateMachineCommand({ name: 'v-revision', definition: passing(1), roleArn: ROLE }));
    const first = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, revisionId: 'INITIAL' }));
    assert.equal(first.stateMachineVersionArn, `${arn}:1`);
    const { revisionId } = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing(2) }));
    await rejectsWith(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn!, revisionId: 'INITIAL' })), 'ConflictException');
    await rejectsWith(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn!, revisionId: 'not-the-revision' })), 'ConflictException');
    const second = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, revisionId }));
    assert.equal(second.stateMachineVersionArn, `${arn}:2`);
  });

  test('errors: labeled ARNs where the API takes none, versionDescription without publish, unknown machine', async () => {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn: arn, stateMachineVersionArn } = await sfn.send(new CreateStateMachineCommand({ name: 'v-errors', definition: passing(1), roleArn: ROLE, publish: true }));
    await rejectsWith(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: stateMachineVersionArn, definition: passing(2) })), 'ValidationException', 'This API does not support labeled ARNs.');
    await rejectsWith(sfn.send(new DeleteStateMachineCommand({ stateMachineArn: stateMachineVersionArn })), 'ValidationException', 'This API does not support labeled ARNs.');
    await rejectsWith(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: stateMachineVersionArn })), 'ValidationException');
    await rejectsWith(sfn.send(new CreateStateMachineCommand({ name: 'v-no-publish', definition: passing(1), roleArn: ROLE, versionDescription: 'x' })), 'ValidationException', 'Version description can only be set when publish is true');
    await rejectsWith(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing(5), versionDescription: 'x' })), 'ValidationException');
    await rejectsWith(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: `${ARN_PREFIX}:stateMachine:nope` })), 'StateMachineDoesNotExist');
    await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:7` })), 'StateMachineDoesNotExist');
    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}:7` })), 'StateMachineDoesNotExist');
    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}:no-alias` })), 'StateMachineDoesNotExist');
  });

  test('executions on a version run its snapshot and carry stateMachineVersionArn', async () => {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn: arn } = await sfn.send(new CreateStateMachineCommand({ name: 'v-exec', definition: passing('one'), roleArn: ROLE, publish: true }));
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing('two') }));
    const onVersion = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}:1`, name: 'on-v1' }));
    assert.equal(onVersion.executionArn, `${ARN_PREFIX}:execution:v-exec:on-v1`);
    const d = await finished(sfn, onVersion.executionArn!);
    assert.equal(d.output, '"one"');
    assert.equal(d.stateMachineArn, arn);
    assert.equal(d.stateMachineVersionArn, `${arn}:1`);
    assert.equal(d.stateMachineAliasArn, undefined);
    const [started] = await history(sfn, onVersion.executionArn!);
    assert.equal(started.executionStartedEventDetails?.stateMachineVersionArn, `${arn}:1`);
    assert.equal(started.executionStartedEventDetails?.stateMachineAliasArn, undefined);
    const forExec = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: onVersion.executionArn }));
    assert.equal(forExec.definition, passing('one'));

    const onLatest = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'on-latest' }));
    const latest = await finished(sfn, onLatest.executionArn!);
    assert.equal(latest.output, '"two"');
    assert.equal(latest.stateMachineVersionArn, undefined);

    const byVersion = await sfn.send(new ListExecutionsCommand({ stateMachineArn: `${arn}:1` }));
    assert.deepEqual(byVersion.executions?.map((e) => [e.name, e.stateMachineVersionArn]), [['on-v1', `${arn}:1`]]);
    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    assert.equal(all.executions?.length, 2);
  });

  test('StartSyncExecution on an Express version and alias', async () => {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn: arn } = await sfn.send(new CreateStateMachineCommand({ name: 'v-express', type: 'EXPRESS', definition: passing('x1'), roleArn: ROLE, publish: true }));
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing('x2') }));
    const sync = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: `${arn}:1` }));
    assert.equal(sync.status, 'SUCCEEDED');
    assert.equal(sync.output, '"x1"');
    const { stateMachineAliasArn } = await sfn.send(new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }] }));
    const viaAlias = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: stateMachineAliasArn }));
    assert.equal(viaAlias.output, '"x1"');
  });

  test('version quota: 1000 versions, then ServiceQuotaExceededException', async () => {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn: arn } = await sfn.send(new CreateStateMachineCommand({ name: 'v-quota', definition: passing(0), roleArn: ROLE, publish: true }));
    for (let i = 1; i < 1000; i++) await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing(i), publish: true }));
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing(1000) }));
    await rejectsWith(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn })), 'ServiceQuotaExceededException');
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:1` }));
    const next = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn }));
    assert.equal(next.stateMachineVersionArn, `${arn}:1001`);
  });
});

describe('state machine aliases', () => {
  const n = useNimbus({ sfnWaitScale: 0 });

  async function twoVersions(name: string): Promise<string> {
    const sfn = sfnClient(n.endpoint);
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, definition: passing('v1'), roleArn: ROLE, publish: true }));
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: passing('v2'), publish: true }));
    return stateMachineArn!;
  }

  test('create, describe, update, list and delete an alias', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await twoVersions('a-crud');
    const created = await sfn.send(new CreateStateMachineAliasCommand({ name: 'prod', description: 'production', routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }] }));
    assert.equal(created.stateMachineAliasArn, `${arn}:prod`);
    // Idempotent with the same configuration, a conflict with another one.
    const again = await sfn.send(new CreateStateMachineAliasCommand({ name: 'prod', description: 'production', routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }] }));
    assert.equal(again.creationDate?.getTime(), created.creationDate?.getTime());
    await rejectsWith(sfn.send(new CreateStateMachineAliasCommand({ name: 'prod', routingConfiguration: [{ stateMachineVersionArn: `${arn}:2`, weight: 100 }] })), 'ConflictException');

    const d = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: created.stateMachineAliasArn }));
    assert.equal(d.name, 'prod');
    assert.equal(d.description, 'production');
    assert.deepEqual(d.routingConfiguration, [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }]);

    const routing = [
      { stateMachineVersionArn: `${arn}:1`, weight: 10 },
      { stateMachineVersionArn: `${arn}:2`, weight: 90 },
    ];
    const updated = await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: created.stateMachineAliasArn, routingConfiguration: routing }));
    assert.ok(updated.updateDate instanceof Date);
    const d2 = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: created.stateMachineAliasArn }));
    assert.deepEqual(d2.routingConfiguration, routing);
    assert.equal(d2.description, 'production');
    await rejectsWith(sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: created.stateMachineAliasArn })), 'ValidationException');

    await sfn.send(new CreateStateMachineAliasCommand({ name: 'beta', routingConfiguration: [{ stateMachineVersionArn: `${arn}:2`, weight: 100 }] }));
    const all = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: arn }));
    assert.deepEqual(all.stateMachineAliases?.map((a) => a.stateMachineAliasArn), [`${arn}:prod`, `${arn}:beta`]);
    const onlyV1 = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: `${arn}:1` }));
    assert.deepEqual(onlyV1.stateMachineAliases?.map((a) => a.stateMachineAliasArn), [`${arn}:prod`]);

    await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:beta` }));
    await rejectsWith(sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:beta` })), 'ResourceNotFound');
    await rejectsWith(sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:beta` })), 'ResourceNotFound');
  });

  test('routing configuration rules: weights sum to 100, distinct versions of one machine, existing versions', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await twoVersions('a-rules');
    const other = await twoVersions('a-rules-other');
    const create = (routingConfiguration: { stateMachineVersionArn: string; weight: number }[]) => sfn.send(new CreateStateMachineAliasCommand({ name: 'x', routingConfiguration }));
    await rejectsWith(create([{ stateMachineVersionArn: `${arn}:1`, weight: 90 }]), 'ValidationException', /Sum of routing configuration weights must be equal to 100/);
    await rejectsWith(
      create([
        { stateMachineVersionArn: `${arn}:1`, weight: 50 },
        { stateMachineVersionArn: `${arn}:1`, weight: 50 },
      ]),
      'ValidationException',
    );
    await rejectsWith(
      create([
        { stateMachineVersionArn: `${arn}:1`, weight: 50 },
        { stateMachineVersionArn: `${other}:1`, weight: 50 },
      ]),
      'ValidationException',
    );
    await rejectsWith(create([{ stateMachineVersionArn: arn, weight: 100 }]), 'ValidationException');
    await rejectsWith(create([{ stateMachineVersionArn: `${arn}:9`, weight: 100 }]), 'ResourceNotFound');
    await rejectsWith(sfn.send(new CreateStateMachineAliasCommand({ name: '123', routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }] })), 'ValidationException');
  });

  test('a version an alias routes to cannot be deleted (ConflictException)', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await twoVersions('a-conflict');
    await sfn.send(new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: `${arn}:2`, weight: 100 }] }));
    await rejectsWith(sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:2` })), 'ConflictException', /must not be referenced by an alias.*a-conflict:live/);
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:1` }));
    await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:live` }));
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:2` }));
    const left = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn }));
    assert.deepEqual(left.stateMachineVersions, []);
  });

  test('alias quota: 100 aliases per machine', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await twoVersions('a-quota');
    for (let i = 0; i < 100; i++) await sfn.send(new CreateStateMachineAliasCommand({ name: `alias-${i}`, routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }] }));
    await rejectsWith(sfn.send(new CreateStateMachineAliasCommand({ name: 'one-too-many', routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }] })), 'ServiceQuotaExceededException');
    const page = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: arn, maxResults: 60 }));
    assert.equal(page.stateMachineAliases?.length, 60);
    const rest = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: arn, nextToken: page.nextToken }));
    assert.equal(rest.stateMachineAliases?.length, 40);
  });

  test('400 executions through a 70/30 alias land on each version by weight', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await twoVersions('a-weights');
    const { stateMachineAliasArn } = await sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'split',
        routingConfiguration: [
          { stateMachineVersionArn: `${arn}:1`, weight: 70 },
          { stateMachineVersionArn: `${arn}:2`, weight: 30 },
        ],
      }),
    );
    const arns: string[] = [];
    for (let i = 0; i < 400; i++) arns.push((await sfn.send(new StartExecutionCommand({ stateMachineArn: stateMachineAliasArn, name: `e${i}` }))).executionArn!);
    const counts = { v1: 0, v2: 0 };
    for (const executionArn of arns) {
      const d = await finished(sfn, executionArn);
      assert.equal(d.stateMachineAliasArn, stateMachineAliasArn);
      // The version the alias picked is the one that ran.
      assert.equal(d.output, d.stateMachineVersionArn === `${arn}:1` ? '"v1"' : '"v2"');
      if (d.stateMachineVersionArn === `${arn}:1`) counts.v1++;
      else counts.v2++;
    }
    // 70% of 400 = 280, standard deviation ~9.2: ±46 is five deviations.
    assert.ok(Math.abs(counts.v1 - 280) <= 46, `v1 got ${counts.v1} of 400`);
    assert.equal(counts.v1 + counts.v2, 400);
    const [started] = await history(sfn, arns[0]);
    assert.equal(started.executionStartedEventDetails?.stateMachineAliasArn, stateMachineAliasArn);
    assert.match(started.executionStartedEventDetails?.stateMachineVersionArn ?? '', /a-weights:[12]$/);
    const viaAlias = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineAliasArn, maxResults: 1000 }));
    assert.equal(viaAlias.executions?.length, 400);

    // Weight 0 never gets an execution.
    await sfn.send(
      new UpdateStateMachineAliasCommand({
        stateMachineAliasArn,
        routingConfiguration: [
          { stateMachineVersionArn: `${arn}:1`, weight: 0 },
          { stateMachineVersionArn: `${arn}:2`, weight: 100 },
        ],
      }),
    );
    for (let i = 0; i < 20; i++) {
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: stateMachineAliasArn }));
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      assert.equal(d.stateMachineVersionArn, `${arn}:2`);
    }
  });

  test('deleting the machine deletes its versions and aliases', async () => {
    const sfn = sfnClient(n.endpoint);
    const arn = await twoVersions('a-gone');
    await sfn.send(new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: `${arn}:2`, weight: 100 }] }));
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    await rejectsWith(sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:live` })), 'ResourceNotFound');
    await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:1` })), 'StateMachineDoesNotExist');
    await sfn.send(new CreateStateMachineCommand({ name: 'a-gone', definition: passing('new'), roleArn: ROLE, publish: true }));
    const versions = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn }));
    assert.deepEqual(versions.stateMachineVersions?.map((v) => v.stateMachineVersionArn), [`${arn}:1`]);
  });
});
