/** Step Functions' optimized SQS integration (`arn:aws:states:::sqs:sendMessage`) end to end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CreateStateMachineCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { useNimbus } from './helpers.js';
import { definition, finished, history, ROLE, sfnClient } from './sfn-api-helpers.js';

const n = useNimbus({ sfnWaitScale: 0 });

async function machine(name: string, def: object): Promise<string> {
  const out = await sfnClient(n.endpoint).send(new CreateStateMachineCommand({ name, roleArn: ROLE, definition: definition(def) }));
  return out.stateMachineArn!;
}

test('sqs:sendMessage sends a JSON MessageBody as its text and answers AWS result shape', async () => {
  const sqs = new SQSClient(n.config);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'sfn-send' }));
  const arn = await machine('send', {
    StartAt: 'Send',
    States: {
      Send: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage',
        Parameters: { QueueUrl, MessageBody: { 'order.$': '$.order' }, MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } } },
        End: true,
      },
    },
  });
  const sfn = sfnClient(n.endpoint);
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"order": 42}' }));
  const done = await finished(sfn, executionArn!);
  assert.equal(done.status, 'SUCCEEDED', done.cause);
  const output = JSON.parse(done.output!);
  assert.equal(output.MD5OfMessageBody, createHash('md5').update('{"order":42}').digest('hex'));
  assert.match(output.MessageId, /^[0-9a-f-]{36}$/);
  assert.equal(output.SdkHttpMetadata.HttpStatusCode, 200);
  assert.equal(output.SdkResponseMetadata.RequestId, output.SdkHttpMetadata.HttpHeaders['x-amzn-RequestId']);
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'] }));
  assert.equal(got.Messages?.[0].Body, '{"order":42}');
  assert.equal(got.Messages?.[0].MessageAttributes?.kind.StringValue, 'order');
  const events = await history(sfn, executionArn!);
  const scheduled = events.find((e) => e.type === 'TaskScheduled')!;
  assert.equal(scheduled.taskScheduledEventDetails?.resourceType, 'sqs');
  assert.equal(scheduled.taskScheduledEventDetails?.resource, 'sendMessage');
});

test('sqs:sendMessage.waitForTaskToken completes when the consumer sends the token back', async () => {
  const sqs = new SQSClient(n.config);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'sfn-callback' }));
  const arn = await machine('callback', {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl, MessageBody: { 'token.$': '$$.Task.Token', 'question.$': '$.q' } },
        End: true,
      },
    },
  });
  const sfn = sfnClient(n.endpoint);
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"q": "approve?"}' }));
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
  const body = JSON.parse(got.Messages![0].Body!);
  assert.equal(body.question, 'approve?');
  await sfn.send(new SendTaskSuccessCommand({ taskToken: body.token, output: '{"approved": true}' }));
  const done = await finished(sfn, executionArn!);
  assert.equal(done.status, 'SUCCEEDED');
  assert.deepEqual(JSON.parse(done.output!), { approved: true });
});

test('a missing queue fails the task with SQS.QueueDoesNotExistException, which Catch can route', async () => {
  const arn = await machine('missing', {
    StartAt: 'Send',
    States: {
      Send: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage',
        Parameters: { QueueUrl: `${n.endpoint}/000000000000/nope`, MessageBody: 'x' },
        Catch: [{ ErrorEquals: ['SQS.QueueDoesNotExistException'], ResultPath: '$.error', Next: 'Handled' }],
        End: true,
      },
      Handled: { Type: 'Pass', End: true },
    },
  });
  const sfn = sfnClient(n.endpoint);
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{}' }));
  const done = await finished(sfn, executionArn!);
  assert.equal(done.status, 'SUCCEEDED');
  const out = JSON.parse(done.output!);
  assert.equal(out.error.Error, 'SQS.QueueDoesNotExistException');
  assert.match(out.error.Cause, /Service: AmazonSQS; Status Code: 400; Error Code: QueueDoesNotExist/);
});
