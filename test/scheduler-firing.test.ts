/**
 * Schedules firing on the shared clock (advanced, never waited for): rate, cron across a daylight
 * saving change, one-time `at` with ActionAfterCompletion DELETE, Start/EndDate, templated and
 * universal targets, retries into a dead-letter queue.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand, UpdateScheduleCommand, type CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import { AwsError } from '../src/core/errors.js';
import { eventsTestbed } from './events-helpers.js';

const t = eventsTestbed();
const ROLE = 'arn:aws:iam::000000000000:role/scheduler';
const now = () => t.h.nimbus.cloud.clock.now();
/** Moves the clock to an absolute time (firing everything due on the way). */
const advanceTo = (ms: number) => t.advance(Math.max(0, ms - now()));
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

async function create(input: Partial<CreateScheduleCommandInput> & { Target: CreateScheduleCommandInput['Target'] }): Promise<string> {
  const Name = input.Name ?? t.unique('s');
  await t.scheduler().send(new CreateScheduleCommand({ Name, ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: { Mode: 'OFF' }, ...input }));
  return Name;
}

/** Scheduled times recorded in message bodies (the Input carries <aws.scheduler.scheduled-time>). */
const scheduledTimes = (bodies: string[]) => bodies.map((b) => JSON.parse(b).at as string).sort();

describe('recurring schedules', () => {
  it('invokes a rate schedule at once, then every period', async () => {
    const q = await t.queue();
    const name = await create({ ScheduleExpression: 'rate(10 minutes)', Target: { Arn: q.arn, RoleArn: ROLE, Input: '{"at": "<aws.scheduler.scheduled-time>", "attempt": <aws.scheduler.attempt-number>}' } });
    const first = await t.messages(q.url, 1);
    assert.equal(first.length, 1);
    assert.equal(JSON.parse(first[0].Body!).attempt, 1);
    t.advance(30 * 60_000);
    const more = await t.messages(q.url, 3);
    assert.equal(more.length, 3);
    await t.scheduler().send(new DeleteScheduleCommand({ Name: name }));
    t.advance(60 * 60_000);
    assert.deepEqual(await t.none(q.url), []);
  });

  it('runs cron schedules in their time zone across a daylight saving change', async () => {
    // America/New_York moves to daylight time on Sunday 14 March 2027 at 02:00.
    const start = Date.UTC(2027, 2, 12, 0, 0);
    advanceTo(start - 60_000);
    const q = await t.queue();
    const body = '{"at": "<aws.scheduler.scheduled-time>"}';
    const nine = await create({ ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'America/New_York', StartDate: new Date(start), Target: { Arn: q.arn, RoleArn: ROLE, Input: body } });
    const skipped = await create({ ScheduleExpression: 'cron(30 2 * * ? *)', ScheduleExpressionTimezone: 'America/New_York', StartDate: new Date(start), Target: { Arn: q.arn, RoleArn: ROLE, Input: body } });
    advanceTo(Date.UTC(2027, 2, 16, 0, 0));
    const got = await t.messages(q.url, 7);
    assert.deepEqual(scheduledTimes(got.map((m) => m.Body!)), [
      '2027-03-12T07:30:00Z', // 02:30 EST
      '2027-03-12T14:00:00Z', // 09:00 EST
      '2027-03-13T07:30:00Z',
      '2027-03-13T14:00:00Z',
      // 14 March: 02:30 does not exist in New York, so that invocation is skipped
      '2027-03-14T13:00:00Z', // 09:00 EDT
      '2027-03-15T06:30:00Z', // 02:30 EDT
      '2027-03-15T13:00:00Z',
    ]);
    for (const Name of [nine, skipped]) await t.scheduler().send(new DeleteScheduleCommand({ Name }));
  });

  it('runs once in the repeated hour when clocks go back', async () => {
    // America/New_York returns to standard time on Sunday 7 November 2027 at 02:00 (01:00-01:59 twice).
    advanceTo(Date.UTC(2027, 10, 6, 12, 0));
    const q = await t.queue();
    const name = await create({ ScheduleExpression: 'cron(30 1 * * ? *)', ScheduleExpressionTimezone: 'America/New_York', EndDate: new Date(Date.UTC(2027, 10, 9)), Target: { Arn: q.arn, RoleArn: ROLE, Input: '{"at": "<aws.scheduler.scheduled-time>"}' } });
    advanceTo(Date.UTC(2027, 10, 10));
    const got = await t.messages(q.url, 2);
    assert.deepEqual(scheduledTimes(got.map((m) => m.Body!)), ['2027-11-07T05:30:00Z', '2027-11-08T06:30:00Z']);
    assert.deepEqual(await t.none(q.url), [], 'nothing after EndDate');
    await t.scheduler().send(new DeleteScheduleCommand({ Name: name }));
  });

  it('does not invoke disabled schedules, and re-arms on update', async () => {
    const q = await t.queue();
    const name = await create({ State: 'DISABLED', ScheduleExpression: 'rate(1 hour)', Target: { Arn: q.arn, RoleArn: ROLE, Input: '{}' } });
    t.advance(3 * 3_600_000);
    assert.deepEqual(await t.none(q.url, 20), []);
    await t.scheduler().send(new UpdateScheduleCommand({ Name: name, State: 'ENABLED', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: q.arn, RoleArn: ROLE, Input: '{}' } }));
    assert.equal((await t.messages(q.url, 1)).length, 1);
    await t.scheduler().send(new DeleteScheduleCommand({ Name: name }));
  });
});

describe('one-time schedules', () => {
  it('invokes an at() schedule once in its time zone and deletes it afterwards', async () => {
    const q = await t.queue();
    const local = new Date(now() + 2 * 86_400_000);
    const day = local.toISOString().slice(0, 10);
    const name = await create({
      ScheduleExpression: `at(${day}T10:00:00)`,
      ScheduleExpressionTimezone: 'Asia/Tokyo',
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: q.arn, RoleArn: ROLE, Input: '{"at": "<aws.scheduler.scheduled-time>"}' },
    });
    advanceTo(Date.parse(`${day}T01:00:00Z`) - 1000);
    assert.deepEqual(await t.none(q.url, 20), []);
    t.advance(1000);
    const [m] = await t.messages(q.url);
    assert.equal(JSON.parse(m.Body!).at, `${day}T01:00:00Z`);
    await assert.rejects(t.scheduler().send(new GetScheduleCommand({ Name: name })), { name: 'ResourceNotFoundException' });
  });
});

describe('targets', () => {
  it('calls universal targets in process with the Input as the request', async () => {
    const q = await t.queue();
    const name = await create({
      ScheduleExpression: `at(${iso(now() + 3_600_000).slice(0, 19)})`,
      Target: { Arn: 'arn:aws:scheduler:::aws-sdk:sqs:sendMessage', RoleArn: ROLE, Input: JSON.stringify({ QueueUrl: q.url, MessageBody: 'from <aws.scheduler.schedule-arn>' }) },
    });
    t.advance(3_600_000);
    const [m] = await t.messages(q.url);
    assert.equal(m.Body, `from arn:aws:scheduler:us-east-1:000000000000:schedule/default/${name}`);
  });

  it('puts events on a bus for EventBridge targets', async () => {
    const q = await t.queue();
    await t.events().send(new PutRuleCommand({ Name: 'from-scheduler', EventPattern: JSON.stringify({ source: ['sched.app'] }) }));
    await t.events().send(new PutTargetsCommand({ Rule: 'from-scheduler', Targets: [{ Id: 'q', Arn: q.arn }] }));
    const name = await create({
      ScheduleExpression: `at(${iso(now() + 60_000).slice(0, 19)})`,
      Target: { Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default', RoleArn: ROLE, Input: '{"job": "nightly"}', EventBridgeParameters: { Source: 'sched.app', DetailType: 'Job Due' } },
    });
    t.advance(60_000);
    const [m] = await t.messages(q.url);
    const e = JSON.parse(m.Body!);
    assert.equal(e['detail-type'], 'Job Due');
    assert.deepEqual(e.detail, { job: 'nightly' });
    assert.deepEqual(e.resources, [`arn:aws:scheduler:us-east-1:000000000000:schedule/default/${name}`]);
  });

  it('starts Step Functions executions and invokes Lambda functions (templated targets)', async () => {
    const sfn = await t.stub('states', 'StartExecution', () => ({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:sm:x', startDate: new Date() }));
    const lambda = await t.stub('lambda', 'Invoke', () => ({ StatusCode: 202 }));
    const sm = 'arn:aws:states:us-east-1:000000000000:stateMachine:sm';
    const fn = 'arn:aws:lambda:us-east-1:000000000000:function:f';
    const when = `at(${iso(now() + 60_000).slice(0, 19)})`;
    await create({ ScheduleExpression: when, Target: { Arn: sm, RoleArn: ROLE, Input: '{"run": 1}' } });
    await create({ ScheduleExpression: when, Target: { Arn: fn, RoleArn: ROLE, Input: '{"run": 2}' } });
    t.advance(60_000);
    await t.until(() => sfn.length === 1 && lambda.length === 1);
    assert.deepEqual(sfn[0], { stateMachineArn: sm, input: '{"run": 1}' });
    assert.equal(lambda[0].FunctionName, fn);
    assert.equal(Buffer.from(lambda[0].Payload as Uint8Array).toString(), '{"run": 2}');
    await t.unstub('states', 'StartExecution');
    await t.unstub('lambda', 'Invoke');
  });

  it('retries with the RetryPolicy and then dead-letters', async () => {
    let calls = 0;
    await t.stub('sns', 'Publish', () => {
      calls++;
      throw new AwsError('InternalError', 'try later', 500);
    });
    const dlq = await t.queue();
    const name = await create({
      ScheduleExpression: `at(${iso(now() + 60_000).slice(0, 19)})`,
      Target: { Arn: 'arn:aws:sns:us-east-1:000000000000:topic', RoleArn: ROLE, Input: '{"n": <aws.scheduler.attempt-number>}', RetryPolicy: { MaximumRetryAttempts: 1 }, DeadLetterConfig: { Arn: dlq.arn } },
    });
    t.advance(60_000);
    await t.until(() => calls === 1);
    t.advance(1_000);
    await t.until(() => calls === 2);
    const [m] = await t.messages(dlq.url);
    assert.equal(m.Body, '{"n": 2}');
    assert.equal(m.MessageAttributes!.SCHEDULE_ARN.StringValue, `arn:aws:scheduler:us-east-1:000000000000:schedule/default/${name}`);
    assert.equal(m.MessageAttributes!.EXHAUSTED_RETRY_CONDITION.StringValue, 'MaximumRetryAttemptsExhausted');
    assert.equal(m.MessageAttributes!.RETRY_ATTEMPTS.StringValue, '1');
    assert.equal(m.MessageAttributes!.ERROR_MESSAGE.StringValue, 'try later');
    await t.unstub('sns', 'Publish');
  });

  it('dead-letters at once when the target queue does not exist', async () => {
    const dlq = await t.queue();
    await create({ ScheduleExpression: `at(${iso(now() + 60_000).slice(0, 19)})`, Target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:missing', RoleArn: ROLE, Input: '{}', DeadLetterConfig: { Arn: dlq.arn } } });
    t.advance(60_000);
    const [m] = await t.messages(dlq.url);
    assert.equal(m.MessageAttributes!.ERROR_CODE.StringValue, 'RESOURCE_NOT_FOUND');
    assert.equal(m.MessageAttributes!.RETRY_ATTEMPTS.StringValue, '0');
  });
});
