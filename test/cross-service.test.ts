/**
 * Services calling each other in process, end to end through the SDKs: the AWS Health alert rule
 * into SNS fanned out to SQS, and Step Functions status-change events routed by EventBridge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { useNimbus } from './helpers.js';
import { finished, ROLE, sfnClient } from './sfn-api-helpers.js';

const n = useNimbus({ sfnWaitScale: 0 });

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const sqs = new SQSClient(n.config);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

async function receiveOne(url: string): Promise<string> {
  const sqs = new SQSClient(n.config);
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
  assert.equal(Messages.length, 1, `one message expected on ${url}`);
  return Messages[0].Body!;
}

test('AWS Health alert rule: injected aws.health event -> EventBridge rule -> SNS topic -> SQS subscriber', async () => {
  const sns = new SNSClient(n.config);
  const events = new EventBridgeClient(n.config);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'health-alerts' }));
  const inbox = await queue('health-inbox');
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: inbox.arn }));
  await events.send(
    new PutRuleCommand({
      Name: 'health-alert',
      EventPattern: JSON.stringify({ source: ['aws.health'], 'detail-type': ['AWS Health Event'], detail: { eventTypeCategory: ['issue'] } }),
    }),
  );
  await events.send(new PutTargetsCommand({ Rule: 'health-alert', Targets: [{ Id: 'sns', Arn: TopicArn }] }));

  const injected = await fetch(`${n.endpoint}/_nimbus/events/inject`, {
    method: 'POST',
    body: JSON.stringify({
      Entries: [
        { Source: 'aws.health', DetailType: 'AWS Health Event', Detail: { service: 'EC2', eventTypeCategory: 'scheduledChange' } },
        { Source: 'aws.health', DetailType: 'AWS Health Event', Detail: { service: 'EC2', eventTypeCode: 'AWS_EC2_OPERATIONAL_ISSUE', eventTypeCategory: 'issue' } },
      ],
    }),
  });
  assert.equal(injected.status, 200);
  assert.equal((await injected.json()).FailedEntryCount, 0);

  const envelope = JSON.parse(await receiveOne(inbox.url));
  assert.equal(envelope.Type, 'Notification');
  assert.equal(envelope.TopicArn, TopicArn);
  const event = JSON.parse(envelope.Message);
  assert.equal(event.source, 'aws.health');
  assert.equal(event['detail-type'], 'AWS Health Event');
  assert.equal(event.detail.eventTypeCategory, 'issue', 'only the issue event matched the rule');
  const { Messages = [] } = await new SQSClient(n.config).send(new ReceiveMessageCommand({ QueueUrl: inbox.url, WaitTimeSeconds: 1 }));
  assert.equal(Messages.length, 0, 'the scheduledChange event did not match');
});

test('Step Functions "Execution Status Change" events reach an EventBridge rule on the default bus', async () => {
  const failures = await queue('sfn-failures');
  const events = new EventBridgeClient(n.config);
  await events.send(
    new PutRuleCommand({
      Name: 'sfn-failed',
      EventPattern: JSON.stringify({ source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['FAILED'] } }),
    }),
  );
  await events.send(new PutTargetsCommand({ Rule: 'sfn-failed', Targets: [{ Id: 'q', Arn: failures.arn, InputPath: '$.detail' }] }));
  const sfn = sfnClient(n.endpoint);
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name: 'fails', roleArn: ROLE, definition: JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'on purpose' } } }) }),
  );
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: '{"k": 1}' }));
  assert.equal((await finished(sfn, executionArn!)).status, 'FAILED');
  const detail = JSON.parse(await receiveOne(failures.url));
  assert.equal(detail.executionArn, executionArn);
  assert.equal(detail.stateMachineArn, stateMachineArn);
  assert.equal(detail.status, 'FAILED');
  assert.equal(detail.error, 'Boom');
  assert.equal(detail.cause, 'on purpose');
});
