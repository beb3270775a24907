/** The integration registry: Resource ARN parsing and integration lookup. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntegrationRegistry, parseResource, serviceError } from '../src/services/stepfunctions/integrations/registry.js';

test('parseResource: service integrations with their pattern, as AWS names them in history', () => {
  const p = (arn: string) => {
    const r = parseResource(arn);
    return r && [r.kind, r.resourceType, r.action, r.pattern, r.historyResource, r.key];
  };
  assert.deepEqual(p('arn:aws:states:::lambda:invoke'), ['service', 'lambda', 'invoke', 'request-response', 'invoke', 'lambda:invoke']);
  assert.deepEqual(p('arn:aws:states:::sqs:sendMessage.waitForTaskToken'), ['service', 'sqs', 'sendMessage', 'callback', 'sendMessage.waitForTaskToken', 'sqs:sendMessage']);
  assert.deepEqual(p('arn:aws:states:::states:startExecution.sync'), ['service', 'states', 'startExecution', 'sync', 'startExecution.sync', 'states:startExecution']);
  assert.deepEqual(p('arn:aws:states:::states:startExecution.sync:2'), ['service', 'states', 'startExecution', 'sync:2', 'startExecution.sync:2', 'states:startExecution']);
  assert.deepEqual(p('arn:aws:states:::aws-sdk:s3:getObject'), ['service', 'aws-sdk:s3', 'getObject', 'request-response', 'getObject', 'aws-sdk:s3:getObject']);
  assert.deepEqual(p('arn:aws-cn:states:::events:putEvents.waitForTaskToken'), ['service', 'events', 'putEvents', 'callback', 'putEvents.waitForTaskToken', 'events:putEvents']);
  assert.deepEqual(p('arn:aws:lambda:us-east-1:123456789012:function:hello:live'), [
    'lambda', 'lambda', 'invoke', 'request-response', 'arn:aws:lambda:us-east-1:123456789012:function:hello:live', 'lambda:function',
  ]);
  assert.deepEqual(p('arn:aws:states:us-east-1:123456789012:activity:Worker'), [
    'activity', 'activity', '', 'request-response', 'arn:aws:states:us-east-1:123456789012:activity:Worker', 'activity',
  ]);
  assert.equal(parseResource('arn:aws:s3:::bucket'), undefined);
  assert.equal(parseResource('not-an-arn'), undefined);
  assert.equal(parseResource('arn:aws:states:::aws-sdk:s3'), undefined);
  assert.equal(parseResource('arn:aws:states:::lambda:invoke.bogus'), undefined);
});

test('resolve: exact key, then the longest prefix, then predicates; register returns an unregister', async () => {
  const reg = new IntegrationRegistry();
  const tag = (name: string) => async () => name;
  reg.register('aws-sdk:*', tag('any-sdk'));
  const offS3 = reg.register('aws-sdk:s3:*', tag('s3-sdk'));
  reg.register('aws-sdk:s3:getObject', tag('getObject'));
  reg.register((r) => r.resourceType === 'sqs', tag('sqs-predicate'));
  const call = (arn: string) => reg.resolve(arn)?.integration.call({} as never);
  assert.equal(await call('arn:aws:states:::aws-sdk:s3:getObject'), 'getObject');
  assert.equal(await call('arn:aws:states:::aws-sdk:s3:putObject'), 's3-sdk');
  assert.equal(await call('arn:aws:states:::aws-sdk:dynamodb:getItem'), 'any-sdk');
  assert.equal(await call('arn:aws:states:::sqs:sendMessage.waitForTaskToken'), 'sqs-predicate');
  assert.equal(reg.resolve('arn:aws:states:::sns:publish'), undefined);
  assert.equal(reg.resolve('garbage'), undefined);
  offS3();
  assert.equal(await call('arn:aws:states:::aws-sdk:s3:putObject'), 'any-sdk');
  const resolved = reg.resolve('arn:aws:states:::aws-sdk:s3:getObject')!;
  assert.equal(resolved.parsed.key, 'aws-sdk:s3:getObject');
});

test('serviceError: AWS wording of a failed service call', () => {
  const e = serviceError({ errorPrefix: 'Lambda', serviceName: 'AWSLambda' }, 'ResourceNotFoundException', 'Function not found: arn:aws:lambda:us-east-1:1:function:f', 404);
  assert.equal(e.error, 'Lambda.ResourceNotFoundException');
  assert.match(e.cause, /^Function not found: arn:aws:lambda:us-east-1:1:function:f \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/);
  assert.equal(serviceError({ errorPrefix: 'SQS', serviceName: 'AmazonSQS' }, 'QueueDoesNotExist', 'x').error, 'SQS.QueueDoesNotExistException');
});
