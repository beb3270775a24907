/** EventBridge control plane through the SDK: buses, policies, tags, rules, targets, PutEvents validation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListEventBusesCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemovePermissionCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { eventsTestbed } from './events-helpers.js';

const t = eventsTestbed();

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: Error) => {
    assert.equal(e.name, name);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

describe('event buses', () => {
  it('has a default bus and creates, describes, lists and deletes others', async () => {
    const def = await t.events().send(new DescribeEventBusCommand({}));
    assert.equal(def.Name, 'default');
    assert.equal(def.Arn, 'arn:aws:events:us-east-1:000000000000:event-bus/default');
    const created = await t.events().send(new CreateEventBusCommand({ Name: 'orders', Description: 'order events', Tags: [{ Key: 'team', Value: 'a' }] }));
    assert.equal(created.EventBusArn, 'arn:aws:events:us-east-1:000000000000:event-bus/orders');
    assert.equal(created.Description, 'order events');
    const byArn = await t.events().send(new DescribeEventBusCommand({ Name: created.EventBusArn }));
    assert.equal(byArn.Name, 'orders');
    assert.ok(byArn.CreationTime instanceof Date);
    await rejects(t.events().send(new CreateEventBusCommand({ Name: 'orders' })), 'ResourceAlreadyExistsException', 'Event bus orders already exists.');
    const list = await t.events().send(new ListEventBusesCommand({ NamePrefix: 'ord' }));
    assert.deepEqual(list.EventBuses?.map((b) => b.Name), ['orders']);
    const tags = await t.events().send(new ListTagsForResourceCommand({ ResourceARN: created.EventBusArn }));
    assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'a' }]);
    await t.events().send(new DeleteEventBusCommand({ Name: 'orders' }));
    await rejects(t.events().send(new DescribeEventBusCommand({ Name: 'orders' })), 'ResourceNotFoundException', 'Event bus orders does not exist.');
    await rejects(t.events().send(new DeleteEventBusCommand({ Name: 'default' })), 'ValidationException', 'Cannot delete event bus default.');
  });

  it('pages ListEventBuses', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await t.events().send(new CreateEventBusCommand({ Name: n }));
    const first = await t.events().send(new ListEventBusesCommand({ NamePrefix: 'page-', Limit: 2 }));
    assert.deepEqual(first.EventBuses?.map((b) => b.Name), ['page-a', 'page-b']);
    const second = await t.events().send(new ListEventBusesCommand({ NamePrefix: 'page-', Limit: 2, NextToken: first.NextToken }));
    assert.deepEqual(second.EventBuses?.map((b) => b.Name), ['page-c']);
    assert.equal(second.NextToken, undefined);
  });

  it('builds a bus policy with PutPermission and RemovePermission', async () => {
    await t.events().send(new CreateEventBusCommand({ Name: 'shared' }));
    await t.events().send(new PutPermissionCommand({ EventBusName: 'shared', Action: 'events:PutEvents', Principal: '111122223333', StatementId: 'acct' }));
    await t.events().send(new PutPermissionCommand({ EventBusName: 'shared', Action: 'events:PutEvents', Principal: '*', StatementId: 'org', Condition: { Type: 'StringEquals', Key: 'aws:PrincipalOrgID', Value: 'o-123' } }));
    const policy = JSON.parse((await t.events().send(new DescribeEventBusCommand({ Name: 'shared' }))).Policy!);
    assert.deepEqual(policy, {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'acct', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:000000000000:event-bus/shared' },
        { Sid: 'org', Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:000000000000:event-bus/shared', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-123' } } },
      ],
    });
    await rejects(t.events().send(new PutPermissionCommand({ EventBusName: 'shared', Action: 'events:PutEvents', Principal: '111122223333', StatementId: 'acct' })), 'ResourceAlreadyExistsException');
    await t.events().send(new RemovePermissionCommand({ EventBusName: 'shared', StatementId: 'acct' }));
    await rejects(t.events().send(new RemovePermissionCommand({ EventBusName: 'shared', StatementId: 'acct' })), 'ResourceNotFoundException', 'Statement with the provided id does not exist.');
    await t.events().send(new RemovePermissionCommand({ EventBusName: 'shared', RemoveAllPermissions: true }));
    assert.equal((await t.events().send(new DescribeEventBusCommand({ Name: 'shared' }))).Policy, undefined);
  });
});

describe('rules', () => {
  it('puts, describes, lists, disables, enables and deletes rules', async () => {
    const pattern = JSON.stringify({ source: ['my.app'] });
    const put = await t.events().send(new PutRuleCommand({ Name: 'r-basic', EventPattern: pattern, Description: 'd' }));
    assert.equal(put.RuleArn, 'arn:aws:events:us-east-1:000000000000:rule/r-basic');
    const d = await t.events().send(new DescribeRuleCommand({ Name: 'r-basic' }));
    assert.equal(d.State, 'ENABLED');
    assert.equal(d.EventPattern, pattern);
    assert.equal(d.EventBusName, 'default');
    assert.equal(d.CreatedBy, '000000000000');
    await t.events().send(new DisableRuleCommand({ Name: 'r-basic' }));
    assert.equal((await t.events().send(new DescribeRuleCommand({ Name: 'r-basic' }))).State, 'DISABLED');
    await t.events().send(new EnableRuleCommand({ Name: 'r-basic' }));
    assert.equal((await t.events().send(new DescribeRuleCommand({ Name: 'r-basic' }))).State, 'ENABLED');
    const list = await t.events().send(new ListRulesCommand({ NamePrefix: 'r-basic' }));
    assert.deepEqual(list.Rules?.map((r) => [r.Name, r.State, r.EventBusName]), [['r-basic', 'ENABLED', 'default']]);
    await t.events().send(new DeleteRuleCommand({ Name: 'r-basic' }));
    await rejects(t.events().send(new DescribeRuleCommand({ Name: 'r-basic' })), 'ResourceNotFoundException', 'Rule r-basic does not exist on EventBus default.');
  });

  it('uses rule ARNs with the bus name on custom buses', async () => {
    await t.events().send(new CreateEventBusCommand({ Name: 'custom' }));
    const put = await t.events().send(new PutRuleCommand({ Name: 'r1', EventBusName: 'custom', EventPattern: '{"source":["x"]}' }));
    assert.equal(put.RuleArn, 'arn:aws:events:us-east-1:000000000000:rule/custom/r1');
    await t.events().send(new TagResourceCommand({ ResourceARN: put.RuleArn, Tags: [{ Key: 'k', Value: 'v' }, { Key: 'k2', Value: 'v2' }] }));
    await t.events().send(new UntagResourceCommand({ ResourceARN: put.RuleArn, TagKeys: ['k2'] }));
    assert.deepEqual((await t.events().send(new ListTagsForResourceCommand({ ResourceARN: put.RuleArn }))).Tags, [{ Key: 'k', Value: 'v' }]);
  });

  it('validates PutRule as AWS does', async () => {
    await rejects(t.events().send(new PutRuleCommand({ Name: 'r-none' })), 'ValidationException', 'Parameter(s) EventPattern or ScheduleExpression must be specified.');
    await rejects(t.events().send(new PutRuleCommand({ Name: 'r-bad-rate', ScheduleExpression: 'rate(1 minutes)' })), 'ValidationException', 'Parameter ScheduleExpression is not valid.');
    await rejects(t.events().send(new PutRuleCommand({ Name: 'r-bad-rate', ScheduleExpression: 'rate(5 minute)' })), 'ValidationException', 'Parameter ScheduleExpression is not valid.');
    await rejects(t.events().send(new PutRuleCommand({ Name: 'r-bad-cron', ScheduleExpression: 'cron(15 12 ? * -1 *)' })), 'ValidationException', 'Parameter ScheduleExpression is not valid.');
    await rejects(t.events().send(new PutRuleCommand({ Name: 'r-bad-cron', ScheduleExpression: 'cron(0 12 * * * *)' })), 'ValidationException', 'Parameter ScheduleExpression is not valid.');
    await t.events().send(new CreateEventBusCommand({ Name: 'nosched' }));
    await rejects(t.events().send(new PutRuleCommand({ Name: 'r-s', EventBusName: 'nosched', ScheduleExpression: 'rate(5 minutes)' })), 'ValidationException', 'ScheduleExpression is supported only on the default event bus.');
    await rejects(t.events().send(new PutRuleCommand({ Name: 'r-nobus', EventBusName: 'missing', EventPattern: '{"source":["a"]}' })), 'ResourceNotFoundException', 'Event bus missing does not exist.');
    await rejects(t.events().send(new PutRuleCommand({ Name: 'r-pat', EventPattern: '{"source":"a"}' })), 'InvalidEventPatternException', /^Event pattern is not valid\. Reason: /);
    const ok = await t.events().send(new PutRuleCommand({ Name: 'r-cron', ScheduleExpression: 'cron(0/15 8-17 ? * MON-FRI *)' }));
    assert.ok(ok.RuleArn);
  });

  it('manages targets and finds rules by target', async () => {
    const q = await t.queue();
    await t.events().send(new PutRuleCommand({ Name: 'r-t', EventPattern: '{"source":["a"]}' }));
    const put = await t.events().send(new PutTargetsCommand({ Rule: 'r-t', Targets: [{ Id: 'one', Arn: q.arn }, { Id: 'two', Arn: q.arn, Input: '{"x":1}' }] }));
    assert.equal(put.FailedEntryCount, 0);
    assert.deepEqual(put.FailedEntries, []);
    const listed = await t.events().send(new ListTargetsByRuleCommand({ Rule: 'r-t' }));
    assert.deepEqual(listed.Targets?.map((x) => [x.Id, x.Arn, x.Input]), [['one', q.arn, undefined], ['two', q.arn, '{"x":1}']]);
    assert.deepEqual((await t.events().send(new ListRuleNamesByTargetCommand({ TargetArn: q.arn }))).RuleNames, ['r-t']);
    await rejects(t.events().send(new DeleteRuleCommand({ Name: 'r-t' })), 'ValidationException', "Rule can't be deleted since it has targets.");
    await rejects(
      t.events().send(new PutTargetsCommand({ Rule: 'r-t', Targets: ['a', 'b', 'c', 'd'].map((Id) => ({ Id, Arn: q.arn })) })),
      'LimitExceededException',
      'The requested resource exceeds the maximum number allowed.',
    );
    await rejects(t.events().send(new PutTargetsCommand({ Rule: 'r-t', Targets: [{ Id: 'both', Arn: q.arn, Input: '{}', InputPath: '$.detail' }] })), 'ValidationException');
    const fifo = await t.queue(`${t.unique('f')}.fifo`, { FifoQueue: 'true' });
    await rejects(t.events().send(new PutTargetsCommand({ Rule: 'r-t', Targets: [{ Id: 'fifo', Arn: fifo.arn }] })), 'ValidationException', 'Parameter(s) SqsParameters must be specified for target: fifo.');
    await rejects(t.events().send(new PutTargetsCommand({ Rule: 'missing', Targets: [{ Id: 'x', Arn: q.arn }] })), 'ResourceNotFoundException', 'Rule missing does not exist on EventBus default.');
    await t.events().send(new RemoveTargetsCommand({ Rule: 'r-t', Ids: ['one', 'two'] }));
    assert.deepEqual((await t.events().send(new ListTargetsByRuleCommand({ Rule: 'r-t' }))).Targets, []);
    await t.events().send(new DeleteRuleCommand({ Name: 'r-t' }));
  });
});

describe('PutEvents', () => {
  it('answers per-entry results with AWS error codes', async () => {
    const r = await t.events().send(
      new PutEventsCommand({
        Entries: [
          { Source: 'my.app', DetailType: 'ok', Detail: '{"a":1}' },
          { DetailType: 'x', Detail: '{}' },
          { Source: 's', Detail: '{}' },
          { Source: 's', DetailType: 'x' },
          { Source: 's', DetailType: 'x', Detail: '{not json' },
          { Source: 's', DetailType: 'x', Detail: '[1,2]' },
          { Source: 'aws.health', DetailType: 'x', Detail: '{}' },
          { Source: 's', DetailType: 'x', Detail: '{}', EventBusName: 'nope' },
        ],
      }),
    );
    assert.equal(r.FailedEntryCount, 7);
    assert.match(r.Entries![0].EventId!, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      r.Entries!.slice(1).map((e) => [e.ErrorCode, e.ErrorMessage]),
      [
        ['InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.'],
        ['InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.'],
        ['InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.'],
        ['MalformedDetail', 'Detail is malformed.'],
        ['MalformedDetail', 'Detail is malformed.'],
        ['NotAuthorizedForSourceException', 'Not authorized for the source.'],
        ['ResourceNotFoundException', 'Event bus nope does not exist.'],
      ],
    );
  });

  it('refuses requests over 256 KB', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(200 * 1024) });
    await rejects(
      t.events().send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'x', Detail: big }, { Source: 's', DetailType: 'x', Detail: big }] })),
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
    const one = await t.events().send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'x', Detail: big }] }));
    assert.equal(one.FailedEntryCount, 0);
  });

  it('refuses more than 10 entries', async () => {
    const entries = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'x', Detail: '{}' }));
    await rejects(t.events().send(new PutEventsCommand({ Entries: entries })), 'ValidationException');
  });
});
