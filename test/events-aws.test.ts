/**
 * AWS's own events: the admin inject endpoint (the AWS Health alert rule end to end), Step
 * Functions "Execution Status Change" events, and Step Functions' events:putEvents integration.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { StatesError } from '../src/services/stepfunctions/asl/errors.js';
import { IntegrationRegistry, parseResource, type TaskRequest } from '../src/services/stepfunctions/integrations/registry.js';
import { registerEventsIntegration, subscribeExecutionStatusEvents, type ExecutionStatusChange } from '../src/services/events/aws-events.js';
import { eventsTestbed } from './events-helpers.js';

const t = eventsTestbed();

const healthDetail = (category: string) => ({
  eventArn: 'arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_7f35c8ae',
  service: 'EC2',
  eventTypeCode: 'AWS_EC2_OPERATIONAL_ISSUE',
  eventTypeCategory: category,
  startTime: 'Sat, 05 Jun 2021 15:10:09 GMT',
  eventDescription: [{ language: 'en_US', latestDescription: 'Increased API error rates in us-east-1.' }],
});

async function inject(body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${t.h.endpoint}/_nimbus/events/inject`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe('AWS Health alert rule, end to end', () => {
  it('routes injected aws.health issue events to the alert queue, and nothing else', async () => {
    const q = await t.queue('health-alerts');
    await t.events().send(
      new PutRuleCommand({
        Name: 'health-alerts',
        EventPattern: JSON.stringify({ source: ['aws.health'], 'detail-type': ['AWS Health Event'], detail: { eventTypeCategory: ['issue'] } }),
      }),
    );
    await t.events().send(
      new PutTargetsCommand({
        Rule: 'health-alerts',
        Targets: [
          { Id: 'raw', Arn: q.arn },
          {
            Id: 'text',
            Arn: q.arn,
            InputTransformer: { InputPathsMap: { service: '$.detail.service', code: '$.detail.eventTypeCode', text: '$.detail.eventDescription[0].latestDescription' }, InputTemplate: '"<service> <code>: <text>"' },
          },
        ],
      }),
    );
    const r = await inject({
      Entries: [
        { Source: 'aws.health', DetailType: 'AWS Health Event', Detail: healthDetail('issue'), Resources: ['i-abcd1111'] },
        { Source: 'aws.health', DetailType: 'AWS Health Event', Detail: healthDetail('scheduledChange') },
      ],
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.FailedEntryCount, 0);
    assert.equal(r.json.Entries.length, 2);
    const got = await t.messages(q.url, 2);
    const raw = got.map((m) => m.Body!).find((b) => b.startsWith('{'))!;
    const event = JSON.parse(raw);
    assert.equal(event.source, 'aws.health');
    assert.equal(event['detail-type'], 'AWS Health Event');
    assert.equal(event.id, r.json.Entries[0].EventId);
    assert.deepEqual(event.resources, ['i-abcd1111']);
    assert.equal(event.detail.eventTypeCategory, 'issue');
    assert.ok(got.some((m) => m.Body === '"EC2 AWS_EC2_OPERATIONAL_ISSUE: Increased API error rates in us-east-1."'));
    assert.deepEqual(await t.none(q.url), []);
  });

  it('keeps aws.* sources out of PutEvents', async () => {
    const r = await t.events().send(new PutEventsCommand({ Entries: [{ Source: 'aws.health', DetailType: 'AWS Health Event', Detail: JSON.stringify(healthDetail('issue')) }] }));
    assert.equal(r.Entries![0].ErrorCode, 'NotAuthorizedForSourceException');
  });

  it('answers errors of the inject endpoint', async () => {
    assert.equal((await inject('{nope')).status, 400);
    const empty = await inject({ Entries: [] });
    assert.equal(empty.status, 400);
    assert.equal(empty.json.__type, 'ValidationException');
    const bad = await inject({ Entries: [{ Source: 'aws.health', DetailType: 'x' }] });
    assert.equal(bad.status, 200);
    assert.equal(bad.json.FailedEntryCount, 1);
    assert.equal(bad.json.Entries[0].ErrorCode, 'InvalidArgument');
  });
});

describe('Step Functions', () => {
  it('emits Execution Status Change events (source aws.states) on the default bus', async () => {
    const q = await t.queue();
    await t.events().send(new PutRuleCommand({ Name: 'sfn-status', EventPattern: JSON.stringify({ source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['FAILED', 'SUCCEEDED'] } }) }));
    await t.events().send(new PutTargetsCommand({ Rule: 'sfn-status', Targets: [{ Id: 'q', Arn: q.arn }] }));
    const listeners: ((c: ExecutionStatusChange) => void)[] = [];
    subscribeExecutionStatusEvents({ onExecutionStatusChange: (l) => listeners.push(l) }, t.h.nimbus.cloud);
    const base = {
      executionArn: 'arn:aws:states:us-east-1:000000000000:execution:sm:run-1',
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:sm',
      name: 'run-1',
      startDate: 1_700_000_000_000,
      input: '{"a":1}',
    };
    for (const l of listeners) l({ ...base, status: 'RUNNING' });
    for (const l of listeners) l({ ...base, status: 'SUCCEEDED', stopDate: 1_700_000_005_000, output: '{"b":2}' });
    const [m] = await t.messages(q.url);
    const e = JSON.parse(m.Body!);
    assert.equal(e.source, 'aws.states');
    assert.equal(e['detail-type'], 'Step Functions Execution Status Change');
    assert.deepEqual(e.resources, [base.executionArn]);
    assert.deepEqual(e.detail, {
      executionArn: base.executionArn,
      stateMachineArn: base.stateMachineArn,
      name: 'run-1',
      status: 'SUCCEEDED',
      startDate: 1_700_000_000_000,
      stopDate: 1_700_000_005_000,
      input: '{"a":1}',
      output: '{"b":2}',
      inputDetails: { included: true },
      outputDetails: { included: true },
      error: null,
      cause: null,
      redriveCount: 0,
      redriveDate: null,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    });
    assert.deepEqual(await t.none(q.url), [], 'RUNNING is filtered out by the rule');
  });

  function task(resource: string, parameters: unknown): TaskRequest {
    return {
      resource,
      parsed: parseResource(resource)!,
      pattern: parseResource(resource)!.pattern,
      parameters,
      stateName: 'Send',
      execution: { arn: 'arn:aws:states:us-east-1:000000000000:execution:flow:e-1', region: 'us-east-1', account: '000000000000', name: 'e-1' },
      signal: new AbortController().signal,
      heartbeat: () => undefined,
    };
  }

  it('events:putEvents puts the entries with the execution and state machine ARNs appended', async () => {
    const q = await t.queue();
    await t.events().send(new PutRuleCommand({ Name: 'from-sfn', EventPattern: JSON.stringify({ source: ['my.flow'] }) }));
    await t.events().send(new PutTargetsCommand({ Rule: 'from-sfn', Targets: [{ Id: 'q', Arn: q.arn }] }));
    const registry = new IntegrationRegistry();
    registerEventsIntegration(registry, t.h.nimbus.cloud);
    for (const resource of ['arn:aws:states:::events:putEvents', 'arn:aws:states:::events:putEvents.waitForTaskToken']) {
      const resolved = registry.resolve(resource);
      assert.ok(resolved, resource);
      const result = (await resolved.integration.call(task(resource, { Entries: [{ Source: 'my.flow', DetailType: 'Step', Detail: { token: 't-1' }, Resources: ['r-1'] }] }))) as { Entries: { EventId: string }[]; FailedEntryCount: number };
      assert.equal(result.FailedEntryCount, 0);
      assert.match(result.Entries[0].EventId, /^[0-9a-f-]{36}$/);
      const [m] = await t.messages(q.url);
      const e = JSON.parse(m.Body!);
      assert.equal(e.id, result.Entries[0].EventId);
      assert.deepEqual(e.detail, { token: 't-1' });
      assert.deepEqual(e.resources, ['r-1', 'arn:aws:states:us-east-1:000000000000:execution:flow:e-1', 'arn:aws:states:us-east-1:000000000000:stateMachine:flow']);
    }
  });

  it('events:putEvents fails the task with EventBridge.FailedEntry when an entry fails', async () => {
    const registry = new IntegrationRegistry();
    registerEventsIntegration(registry, t.h.nimbus.cloud);
    const resource = 'arn:aws:states:::events:putEvents';
    await assert.rejects(registry.resolve(resource)!.integration.call(task(resource, { Entries: [{ Source: 'my.flow', DetailType: 'Step', Detail: {}, EventBusName: 'missing' }] })), (e: StatesError) => {
      assert.equal(e.error, 'EventBridge.FailedEntry');
      assert.equal(JSON.parse(e.cause).FailedEntryCount, 1);
      return true;
    });
  });
});
