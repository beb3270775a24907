/** Asynchronous invocation (retries, destinations, dead-letter queue), concurrency, and SDK calls from inside a handler. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvokeCommand, PutFunctionConcurrencyCommand, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { fileURLToPath } from 'node:url';
import { useNimbus } from './helpers.js';
import { createFunction, json, lambdaClient } from './lambda-helpers.js';
import type { LambdaService } from '../src/services/lambda/api.js';

const QUEUE_ARN = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

describe('Lambda async invocation and concurrency', () => {
  const n = useNimbus();
  const client = () => lambdaClient(n.config);
  const sqs = () => new SQSClient(n.config);

  async function queue(name: string): Promise<string> {
    return (await sqs().send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  }

  async function receive(url: string): Promise<any> {
    const r = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5, MessageAttributeNames: ['All'] }));
    assert.ok(r.Messages?.length, 'a message arrived');
    return r.Messages![0];
  }

  test('Event invoke answers 202 and sends the success record to an SQS destination', async () => {
    const c = client();
    const url = await queue('on-success');
    await createFunction(c, 'async-ok', { 'index.js': 'exports.handler = async (e) => ({ seen: e.n });' });
    await c.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'async-ok', DestinationConfig: { OnSuccess: { Destination: QUEUE_ARN('on-success') } } }));
    const r = await c.send(new InvokeCommand({ FunctionName: 'async-ok', InvocationType: 'Event', Payload: Buffer.from('{"n":7}') }));
    assert.equal(r.StatusCode, 202);
    const record = JSON.parse((await receive(url)).Body);
    assert.equal(record.version, '1.0');
    assert.equal(record.requestContext.condition, 'Success');
    assert.equal(record.requestContext.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:async-ok:$LATEST');
    assert.equal(record.requestContext.approximateInvokeCount, 1);
    assert.deepEqual(record.requestPayload, { n: 7 });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
    assert.deepEqual(record.responsePayload, { seen: 7 });
  });

  test('failed events retry on the clock (1 minute), then go to the failure destination and the dead-letter queue', async () => {
    const c = client();
    const failures = await queue('on-failure');
    const dlq = await queue('dead-letters');
    await createFunction(c, 'async-fail', { 'index.js': 'let calls = 0; exports.handler = async () => { calls++; throw new Error("attempt " + calls); };' }, { DeadLetterConfig: { TargetArn: QUEUE_ARN('dead-letters') } });
    await c.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'async-fail', MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: QUEUE_ARN('on-failure') } } }));
    await c.send(new InvokeCommand({ FunctionName: 'async-fail', InvocationType: 'Event', Payload: Buffer.from('{"job":1}') }));
    const lambda = await n.nimbus.cloud.service<LambdaService>('lambda');
    // Let the first attempt fail, then jump over the one-minute retry delay.
    for (let i = 0; i < 200 && !lambda.logs('async-fail').includes('END RequestId'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(lambda.logs('async-fail'), /attempt 1/);
    n.nimbus.cloud.clock.advance(61_000);
    await lambda.settled();
    const record = JSON.parse((await receive(failures)).Body);
    assert.equal(record.requestContext.condition, 'RetriesExhausted');
    assert.equal(record.requestContext.approximateInvokeCount, 2);
    assert.equal(record.responseContext.functionError, 'Unhandled');
    assert.equal(record.responsePayload.errorMessage, 'attempt 2');
    const dead = await receive(dlq);
    assert.deepEqual(JSON.parse(dead.Body), { job: 1 });
    assert.equal(dead.MessageAttributes.ErrorMessage.StringValue, 'attempt 2');
    assert.equal(dead.MessageAttributes.RequestID.DataType, 'String');
  });

  test('concurrent invocations get separate environments; reserved concurrency throttles the excess', async () => {
    const c = client();
    await createFunction(c, 'slow', { 'index.js': 'exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms ?? 300)); return process.pid; };' });
    const pids = await Promise.all([1, 2, 3].map(() => c.send(new InvokeCommand({ FunctionName: 'slow' })).then((r) => json(r.Payload))));
    assert.equal(new Set(pids).size, 3);
    await c.send(new PutFunctionConcurrencyCommand({ FunctionName: 'slow', ReservedConcurrentExecutions: 1 }));
    const results = await Promise.allSettled([1, 2].map(() => c.send(new InvokeCommand({ FunctionName: 'slow' }))));
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0].reason.name, 'TooManyRequestsException');
    assert.equal(rejected[0].reason.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    await c.send(new PutFunctionConcurrencyCommand({ FunctionName: 'slow', ReservedConcurrentExecutions: 0 }));
    await assert.rejects(c.send(new InvokeCommand({ FunctionName: 'slow', Payload: Buffer.from('{"ms":1}') })), { name: 'TooManyRequestsException', message: 'Rate Exceeded.' });
  });

  test('AWS_ENDPOINT_URL lets an unmodified AWS SDK call inside the handler reach Nimbus', async () => {
    const c = client();
    const url = await queue('from-handler');
    const nodeModules = fileURLToPath(new URL('../node_modules', import.meta.url));
    await createFunction(
      c,
      'sdk-caller',
      {
        'index.js': `
          const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
          const sqs = new SQSClient({});
          exports.handler = async (e) => {
            const r = await sqs.send(new SendMessageCommand({ QueueUrl: e.url, MessageBody: 'from ' + process.env.AWS_LAMBDA_FUNCTION_NAME }));
            return r.MessageId;
          };`,
      },
      { Environment: { Variables: { NODE_PATH: nodeModules } }, Timeout: 20 },
    );
    const r = await c.send(new InvokeCommand({ FunctionName: 'sdk-caller', Payload: Buffer.from(JSON.stringify({ url })) }));
    assert.equal(r.FunctionError, undefined, Buffer.from(r.Payload!).toString());
    const msg = await receive(url);
    assert.equal(msg.Body, 'from sdk-caller');
    assert.equal(msg.MessageId, json(r.Payload));
  });
});
