/** The AWS SDK service integration (`arn:aws:states:::aws-sdk:<service>:<action>`) against Nimbus's own services. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateStateMachineCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { useNimbus } from './helpers.js';
import { definition, finished, history, ROLE, sfnClient } from './sfn-api-helpers.js';

const ARN_PREFIX = 'arn:aws:states:us-east-1:000000000000';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Creates a machine with one Task state (and a Catch to `Caught` when `catchAll`), runs it, returns the description. */
async function runTask(sfn: SFNClient, name: string, task: object, input: object = {}) {
  const def = definition({
    StartAt: 'Call',
    States: {
      Call: { Type: 'Task', ...task, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
      Caught: { Type: 'Pass', End: true },
    },
  });
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, definition: def, roleArn: ROLE }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  const d = await finished(sfn, executionArn!);
  return { d, executionArn: executionArn!, output: d.output === undefined ? undefined : JSON.parse(d.output) };
}

describe('aws-sdk service integration', () => {
  const n = useNimbus({ sfnWaitScale: 0 });

  test('round trip through SQS: aws-sdk:sqs:sendMessage, then receive it', async () => {
    const sfn = sfnClient(n.endpoint);
    const sqs = new SQSClient({ ...n.config });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'sdk-round-trip' }));
    const { d, output, executionArn } = await runTask(
      sfn,
      'sdk-sqs-send',
      { Resource: 'arn:aws:states:::aws-sdk:sqs:sendMessage', Parameters: { QueueUrl, 'MessageBody.$': '$.body', MessageAttributes: { kind: { DataType: 'String', StringValue: 'greeting' } } } },
      { body: 'hello from a Task' },
    );
    assert.equal(d.status, 'SUCCEEDED');
    assert.match(output.MessageId, /^[0-9a-f-]{36}$/);
    assert.equal(output.MD5OfMessageBody.length, 32);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }));
    assert.equal(received.Messages?.length, 1);
    assert.equal(received.Messages?.[0].Body, 'hello from a Task');
    assert.equal(received.Messages?.[0].MessageId, output.MessageId);
    assert.equal(received.Messages?.[0].MessageAttributes?.kind?.StringValue, 'greeting');
    const events = await history(sfn, executionArn);
    const scheduled = events.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    assert.equal(scheduled.resourceType, 'aws-sdk:sqs');
    assert.equal(scheduled.resource, 'sendMessage');
  });

  test('the service error, named <Service>.<Exception>, is caught by Catch', async () => {
    const sfn = sfnClient(n.endpoint);
    const def = definition({
      StartAt: 'Url',
      States: {
        Url: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:sqs:getQueueUrl',
          Parameters: { QueueName: 'no-such-queue' },
          Catch: [{ ErrorEquals: ['Sqs.QueueDoesNotExistException'], ResultPath: '$.error', Next: 'Missing' }],
          End: true,
        },
        Missing: { Type: 'Pass', End: true },
      },
    });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'sdk-sqs-missing', definition: def, roleArn: ROLE }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, 'SUCCEEDED');
    const { error } = JSON.parse(d.output!);
    assert.equal(error.Error, 'Sqs.QueueDoesNotExistException');
    assert.match(error.Cause, /^The specified queue does not exist\. \(Service: Sqs, Status Code: 400, Request ID: [0-9a-f-]{36}\)$/);
    const events = await history(sfn, executionArn!);
    const failed = events.find((e) => e.type === 'TaskFailed')!.taskFailedEventDetails!;
    assert.equal(failed.error, 'Sqs.QueueDoesNotExistException');
    assert.equal(failed.resourceType, 'aws-sdk:sqs');
  });

  test('sfn: PascalCase parameters for camelCase members, PascalCase result with ISO timestamps, Sfn.* errors', async () => {
    const sfn = sfnClient(n.endpoint);
    const child = definition({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const { stateMachineArn: childArn } = await sfn.send(new CreateStateMachineCommand({ name: 'sdk-child', definition: child, roleArn: ROLE }));
    const started = await runTask(sfn, 'sdk-sfn-start', { Resource: 'arn:aws:states:::aws-sdk:sfn:startExecution', Parameters: { StateMachineArn: childArn, Name: 'from-sdk', Input: '{"a":1}' } });
    assert.equal(started.d.status, 'SUCCEEDED');
    assert.deepEqual(Object.keys(started.output).sort(), ['ExecutionArn', 'StartDate']);
    assert.equal(started.output.ExecutionArn, `${ARN_PREFIX}:execution:sdk-child:from-sdk`);
    assert.match(started.output.StartDate, ISO);

    const described = await runTask(sfn, 'sdk-sfn-describe', { Resource: 'arn:aws:states:::aws-sdk:sfn:describeStateMachine', Parameters: { StateMachineArn: childArn } });
    assert.equal(described.output.Name, 'sdk-child');
    assert.equal(described.output.LoggingConfiguration.Level, 'OFF');
    assert.match(described.output.CreationDate, ISO);

    const missing = await runTask(sfn, 'sdk-sfn-missing', { Resource: 'arn:aws:states:::aws-sdk:sfn:describeStateMachine', Parameters: { StateMachineArn: `${ARN_PREFIX}:stateMachine:nope` }, ResultPath: '$.error' });
    assert.equal(missing.output.Error, 'Sfn.StateMachineDoesNotExistException');
    assert.match(missing.output.Cause, /^State Machine Does Not Exist: '.*nope' \(Service: Sfn, Status Code: 400, Request ID: /);
  });

  test('secretsmanager: create and read a secret; a missing one is SecretsManager.ResourceNotFoundException', async () => {
    const sfn = sfnClient(n.endpoint);
    const created = await runTask(sfn, 'sdk-secret-create', { Resource: 'arn:aws:states:::aws-sdk:secretsmanager:createSecret', Parameters: { Name: 'sdk/secret', SecretString: 's3cr3t' } });
    assert.equal(created.d.status, 'SUCCEEDED');
    assert.equal(created.output.Name, 'sdk/secret');
    const got = await runTask(sfn, 'sdk-secret-get', { Resource: 'arn:aws:states:::aws-sdk:secretsmanager:getSecretValue', Parameters: { SecretId: 'sdk/secret' } });
    assert.equal(got.output.SecretString, 's3cr3t');
    assert.match(got.output.CreatedDate, ISO);
    const missing = await runTask(sfn, 'sdk-secret-missing', { Resource: 'arn:aws:states:::aws-sdk:secretsmanager:getSecretValue', Parameters: { SecretId: 'sdk/absent' } });
    assert.equal(missing.output.Error, 'SecretsManager.ResourceNotFoundException');
  });

  test('a service Nimbus does not serve, an unknown action or parameter fails the task clearly', async () => {
    const sfn = sfnClient(n.endpoint);
    const unknownService = await runTask(sfn, 'sdk-no-service', { Resource: 'arn:aws:states:::aws-sdk:ec2:describeInstances', Parameters: {} });
    assert.equal(unknownService.d.status, 'FAILED');
    assert.equal(unknownService.d.error, 'States.Runtime');
    assert.match(unknownService.d.cause!, /Nimbus does not serve the AWS SDK service 'ec2'/);
    const unknownAction = await runTask(sfn, 'sdk-no-action', { Resource: 'arn:aws:states:::aws-sdk:sqs:sendMessages', Parameters: {} });
    assert.equal(unknownAction.d.error, 'States.Runtime');
    assert.match(unknownAction.d.cause!, /has no action 'sendMessages'/);
    const badField = await runTask(sfn, 'sdk-bad-field', { Resource: 'arn:aws:states:::aws-sdk:sqs:listQueues', Parameters: { Nope: 1 } });
    assert.equal(badField.d.error, 'States.Runtime');
    assert.match(badField.d.cause!, /'Nope' is not supported/);
  });
});
