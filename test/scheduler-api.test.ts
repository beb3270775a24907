/** EventBridge Scheduler control plane through the SDK: schedules, validation, groups, tags. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { eventsTestbed } from './events-helpers.js';

const t = eventsTestbed();
const ROLE = 'arn:aws:iam::000000000000:role/scheduler';
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:sched-target';

function schedule(over: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name: t.unique('s'),
    ScheduleExpression: 'cron(0 9 * * ? *)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: QUEUE, RoleArn: ROLE, Input: '{"hello":"world"}' },
    ...over,
  };
}

async function rejects(p: Promise<unknown>, name: string, message?: string): Promise<void> {
  await assert.rejects(p, (e: Error) => {
    assert.equal(e.name, name);
    if (message) assert.equal(e.message, message);
    return true;
  });
}

describe('schedules', () => {
  it('creates, gets, updates, lists and deletes a schedule', async () => {
    const input = schedule({ Name: 'daily', Description: 'every day', ScheduleExpressionTimezone: 'Europe/Paris', State: 'DISABLED', ActionAfterCompletion: 'NONE' });
    const created = await t.scheduler().send(new CreateScheduleCommand(input));
    assert.equal(created.ScheduleArn, 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/daily');
    const got = await t.scheduler().send(new GetScheduleCommand({ Name: 'daily' }));
    assert.equal(got.Arn, created.ScheduleArn);
    assert.equal(got.GroupName, 'default');
    assert.equal(got.ScheduleExpression, 'cron(0 9 * * ? *)');
    assert.equal(got.ScheduleExpressionTimezone, 'Europe/Paris');
    assert.equal(got.State, 'DISABLED');
    assert.equal(got.Description, 'every day');
    assert.deepEqual(got.FlexibleTimeWindow, { Mode: 'OFF' });
    assert.deepEqual(got.Target, { Arn: QUEUE, RoleArn: ROLE, Input: '{"hello":"world"}' });
    assert.equal(got.ActionAfterCompletion, 'NONE');
    assert.ok(got.CreationDate instanceof Date);
    await rejects(t.scheduler().send(new CreateScheduleCommand(input)), 'ConflictException', 'Schedule daily already exists.');

    await t.scheduler().send(new UpdateScheduleCommand({ ...input, ScheduleExpression: 'rate(2 hours)', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 } }));
    const updated = await t.scheduler().send(new GetScheduleCommand({ Name: 'daily', GroupName: 'default' }));
    assert.equal(updated.ScheduleExpression, 'rate(2 hours)');
    assert.deepEqual(updated.FlexibleTimeWindow, { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 });

    const listed = await t.scheduler().send(new ListSchedulesCommand({ NamePrefix: 'daily' }));
    assert.deepEqual(listed.Schedules?.map((s) => [s.Name, s.GroupName, s.State, s.Target?.Arn]), [['daily', 'default', 'DISABLED', QUEUE]]);
    await t.scheduler().send(new DeleteScheduleCommand({ Name: 'daily' }));
    await rejects(t.scheduler().send(new GetScheduleCommand({ Name: 'daily' })), 'ResourceNotFoundException', 'Schedule daily does not exist.');
    await rejects(t.scheduler().send(new DeleteScheduleCommand({ Name: 'daily' })), 'ResourceNotFoundException');
  });

  it('accepts at, rate and cron expressions and refuses invalid ones', async () => {
    for (const expr of ['at(2030-01-01T10:00:00)', 'rate(1 minute)', 'rate(15 minutes)', 'rate(1 day)', 'cron(0/10 * ? * MON-FRI *)', 'cron(0 12 L * ? 2030)', 'cron(0 8 ? * 2#1 *)']) {
      await t.scheduler().send(new CreateScheduleCommand(schedule({ ScheduleExpression: expr, State: 'DISABLED' })));
    }
    for (const expr of ['rate(0 minutes)', 'rate(5 weeks)', 'cron(0 9 * * *)', 'cron(0 9 * * MON *)', 'cron(61 9 ? * * *)', 'at(2030-02-30T10:00:00)', 'at(2030-01-01 10:00:00)', 'every day']) {
      await rejects(t.scheduler().send(new CreateScheduleCommand(schedule({ ScheduleExpression: expr }))), 'ValidationException', `Invalid Schedule Expression ${expr}.`);
    }
  });

  it('validates the time zone, dates, window and target', async () => {
    await rejects(t.scheduler().send(new CreateScheduleCommand(schedule({ ScheduleExpressionTimezone: 'Mars/Olympus' }))), 'ValidationException', 'Invalid time zone: Mars/Olympus.');
    await rejects(t.scheduler().send(new CreateScheduleCommand(schedule({ StartDate: new Date('2030-02-01'), EndDate: new Date('2030-01-01') }))), 'ValidationException', 'The EndDate must be after the StartDate.');
    await rejects(t.scheduler().send(new CreateScheduleCommand(schedule({ FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }))), 'ValidationException');
    await rejects(t.scheduler().send(new CreateScheduleCommand(schedule({ GroupName: 'nope' }))), 'ResourceNotFoundException', 'Schedule group nope does not exist.');
    await rejects(
      t.scheduler().send(new CreateScheduleCommand(schedule({ Target: { Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default', RoleArn: ROLE } }))),
      'ValidationException',
      'EventBridgeParameters must be provided for an EventBridge target.',
    );
    await rejects(t.scheduler().send(new CreateScheduleCommand(schedule({ Target: { Arn: 'arn:aws:scheduler:::aws-sdk:sqs', RoleArn: ROLE } }))), 'ValidationException');
  });
});

describe('schedule groups', () => {
  it('creates, gets, lists, tags and deletes groups (with their schedules)', async () => {
    const { ScheduleGroupArn } = await t.scheduler().send(new CreateScheduleGroupCommand({ Name: 'team-a', Tags: [{ Key: 'team', Value: 'a' }] }));
    assert.equal(ScheduleGroupArn, 'arn:aws:scheduler:us-east-1:000000000000:schedule-group/team-a');
    await rejects(t.scheduler().send(new CreateScheduleGroupCommand({ Name: 'team-a' })), 'ConflictException', 'Schedule group team-a already exists.');
    const g = await t.scheduler().send(new GetScheduleGroupCommand({ Name: 'team-a' }));
    assert.equal(g.State, 'ACTIVE');
    assert.equal(g.Arn, ScheduleGroupArn);
    const groups = await t.scheduler().send(new ListScheduleGroupsCommand({}));
    assert.deepEqual(groups.ScheduleGroups?.map((x) => x.Name), ['default', 'team-a']);

    await t.scheduler().send(new TagResourceCommand({ ResourceArn: ScheduleGroupArn, Tags: [{ Key: 'env', Value: 'dev' }] }));
    await t.scheduler().send(new UntagResourceCommand({ ResourceArn: ScheduleGroupArn, TagKeys: ['team'] }));
    assert.deepEqual((await t.scheduler().send(new ListTagsForResourceCommand({ ResourceArn: ScheduleGroupArn }))).Tags, [{ Key: 'env', Value: 'dev' }]);

    const s = await t.scheduler().send(new CreateScheduleCommand(schedule({ Name: 'in-group', GroupName: 'team-a' })));
    assert.equal(s.ScheduleArn, 'arn:aws:scheduler:us-east-1:000000000000:schedule/team-a/in-group');
    const inGroup = await t.scheduler().send(new ListSchedulesCommand({ GroupName: 'team-a' }));
    assert.deepEqual(inGroup.Schedules?.map((x) => x.Name), ['in-group']);
    await t.scheduler().send(new DeleteScheduleGroupCommand({ Name: 'team-a' }));
    await rejects(t.scheduler().send(new GetScheduleGroupCommand({ Name: 'team-a' })), 'ResourceNotFoundException', 'Schedule group team-a does not exist.');
    await rejects(t.scheduler().send(new GetScheduleCommand({ Name: 'in-group', GroupName: 'team-a' })), 'ResourceNotFoundException');
    await rejects(t.scheduler().send(new DeleteScheduleGroupCommand({ Name: 'default' })), 'ValidationException');
  });

  it('pages ListSchedules and filters by state', async () => {
    await t.scheduler().send(new CreateScheduleGroupCommand({ Name: 'paging' }));
    for (const n of ['p1', 'p2', 'p3']) await t.scheduler().send(new CreateScheduleCommand(schedule({ Name: n, GroupName: 'paging', State: n === 'p2' ? 'DISABLED' : 'ENABLED' })));
    const first = await t.scheduler().send(new ListSchedulesCommand({ GroupName: 'paging', MaxResults: 2 }));
    assert.deepEqual(first.Schedules?.map((s) => s.Name), ['p1', 'p2']);
    const second = await t.scheduler().send(new ListSchedulesCommand({ GroupName: 'paging', MaxResults: 2, NextToken: first.NextToken }));
    assert.deepEqual(second.Schedules?.map((s) => s.Name), ['p3']);
    const disabled = await t.scheduler().send(new ListSchedulesCommand({ GroupName: 'paging', State: 'DISABLED' }));
    assert.deepEqual(disabled.Schedules?.map((s) => s.Name), ['p2']);
  });
});
