/** Event source mappings deliver SQS messages: event shape, enable/disable, failures and DLQ, partial batch responses, filters, FIFO order, batching windows. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { CreateEventSourceMappingCommand, UpdateEventSourceMappingCommand, type CreateEventSourceMappingCommandInput } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, useNimbus } from './helpers.js';
import { startNimbus } from '../src/index.js';
import type { SqsReceiveOptions, SqsService } from '../src/services/sqs/types.js';
import { createFunction, lambdaClient } from './lambda-helpers.js';

const QUEUE_ARN = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends each event to the file in OUT; throws for a body "boom"; with REPORT set, reports records whose body starts with "bad" (or an unknown id for "garbage"). */
const RECORDER = `
const fs = require('fs');
exports.handler = async (event) => {
  fs.appendFileSync(process.env.OUT, JSON.stringify(event) + '\\n');
  if (event.Records.some((r) => r.body === 'boom')) throw new Error('boom');
  if (!process.env.REPORT) return null;
  if (event.Records.some((r) => r.body === 'garbage')) return { batchItemFailures: [{ itemIdentifier: 'no-such-id' }] };
  return { batchItemFailures: event.Records.filter((r) => r.body.startsWith('bad')).map((r) => ({ itemIdentifier: r.messageId })) };
};
`;

describe('Lambda event source mappings: SQS delivery', () => {
  const n = useNimbus();
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-esm-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const lambda = () => lambdaClient(n.config);
  const sqs = () => new SQSClient(n.config);

  async function queue(name: string, attributes: Record<string, string> = {}): Promise<string> {
    return (await sqs().send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  }

  /** A recording function and the file it writes to. */
  async function recorder(name: string, env: Record<string, string> = {}): Promise<() => any[]> {
    const out = join(dir, `${name}.jsonl`);
    await createFunction(lambda(), name, { 'index.js': RECORDER }, { Environment: { Variables: { OUT: out, ...env } } });
    return () => (existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  }

  const records = (events: any[]) => events.flatMap((e) => e.Records);

  async function until<T>(what: string, fn: () => T | Promise<T>, ms = 6000): Promise<NonNullable<T>> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
      await sleep(25);
    }
  }

  async function counts(url: string): Promise<{ visible: number; inFlight: number }> {
    const a = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes!;
    return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
  }

  async function empty(url: string): Promise<void> {
    await until('the queue to be empty', async () => {
      const c = await counts(url);
      return c.visible === 0 && c.inFlight === 0;
    });
  }

  async function map(input: Partial<CreateEventSourceMappingCommandInput>) {
    return lambda().send(new CreateEventSourceMappingCommand(input as CreateEventSourceMappingCommandInput));
  }

  test('messages arrive as AWS SQS events and the queue ends empty', async () => {
    const url = await queue('esm-basic');
    const seen = await recorder('esm-basic-fn');
    await map({ FunctionName: 'esm-basic-fn', EventSourceArn: QUEUE_ARN('esm-basic') });
    const sent = await sqs().send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'hello',
        MessageAttributes: { color: { DataType: 'String', StringValue: 'red' }, blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) } },
      }),
    );
    await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [1, 2].map((i) => ({ Id: `m${i}`, MessageBody: `body-${i}` })) }));
    const got = await until('three records', () => (records(seen()).length >= 3 ? records(seen()) : undefined));
    assert.deepEqual(got.map((r) => r.body).sort(), ['body-1', 'body-2', 'hello']);
    const r = got.find((x) => x.body === 'hello');
    assert.deepEqual(Object.keys(r), ['messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfBody', 'eventSource', 'eventSourceARN', 'awsRegion']);
    assert.equal(r.messageId, sent.MessageId);
    assert.equal(typeof r.receiptHandle, 'string');
    assert.equal(r.md5OfBody, createHash('md5').update('hello').digest('hex'));
    assert.equal(r.eventSource, 'aws:sqs');
    assert.equal(r.eventSourceARN, QUEUE_ARN('esm-basic'));
    assert.equal(r.awsRegion, 'us-east-1');
    assert.deepEqual(Object.keys(r.attributes), ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
    assert.equal(r.attributes.ApproximateReceiveCount, '1');
    assert.match(r.attributes.SentTimestamp, /^\d{13}$/);
    assert.equal(r.attributes.SenderId, '000000000000');
    assert.deepEqual(r.messageAttributes, {
      color: { stringValue: 'red', stringListValues: [], binaryListValues: [], dataType: 'String' },
      blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    await empty(url);
  });

  test('a disabled mapping delivers nothing; enabling resumes and disabling stops again', async () => {
    const url = await queue('esm-toggle');
    const seen = await recorder('esm-toggle-fn');
    const m = await map({ FunctionName: 'esm-toggle-fn', EventSourceArn: QUEUE_ARN('esm-toggle'), Enabled: false });
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'first' }));
    await sleep(400);
    assert.equal(seen().length, 0);
    assert.deepEqual(await counts(url), { visible: 1, inFlight: 0 });

    await lambda().send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: true }));
    await until('the first message', () => records(seen()).some((r) => r.body === 'first'));
    await empty(url);

    await lambda().send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: false }));
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'second' }));
    await sleep(400);
    assert.deepEqual(records(seen()).map((r) => r.body), ['first']);
    assert.deepEqual(await counts(url), { visible: 1, inFlight: 0 });
  });

  test("a failing function's message returns after the visibility timeout and reaches the DLQ after maxReceiveCount", async () => {
    const dlqUrl = await queue('esm-fail-dlq');
    const url = await queue('esm-fail', { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: QUEUE_ARN('esm-fail-dlq'), maxReceiveCount: 2 }) });
    const seen = await recorder('esm-fail-fn');
    await map({ FunctionName: 'esm-fail-fn', EventSourceArn: QUEUE_ARN('esm-fail') });
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'boom' }));
    const dead = await until('the dead-letter queue', async () => (await sqs().send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }))).Messages?.[0]);
    assert.equal(dead.Body, 'boom');
    assert.deepEqual(records(seen()).map((r) => r.attributes.ApproximateReceiveCount), ['1', '2']);
    await empty(url);
  });

  test('ReportBatchItemFailures keeps only the reported messages; an invalid response fails the whole batch', async () => {
    const dlqUrl = await queue('esm-partial-dlq');
    const url = await queue('esm-partial', { VisibilityTimeout: '2', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: QUEUE_ARN('esm-partial-dlq'), maxReceiveCount: 1 }) });
    const seen = await recorder('esm-partial-fn', { REPORT: '1' });
    await map({ FunctionName: 'esm-partial-fn', EventSourceArn: QUEUE_ARN('esm-partial'), FunctionResponseTypes: ['ReportBatchItemFailures'] });
    await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['ok-1', 'bad-1', 'ok-2'].map((b, i) => ({ Id: `m${i}`, MessageBody: b })) }));
    const dead: string[] = [];
    await until('the reported message in the DLQ', async () => {
      for (const m of (await sqs().send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }))).Messages ?? []) dead.push(m.Body!);
      return dead.length >= 1;
    });
    assert.deepEqual(dead, ['bad-1']);
    assert.deepEqual(records(seen()).map((r) => r.body).sort(), ['bad-1', 'ok-1', 'ok-2']);
    await empty(url);

    // An item identifier that is not in the batch fails every message of it.
    await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['garbage', 'ok-3'].map((b, i) => ({ Id: `g${i}`, MessageBody: b })) }));
    await until('both messages in the DLQ', async () => {
      for (const m of (await sqs().send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }))).Messages ?? []) dead.push(m.Body!);
      return dead.length >= 3;
    });
    assert.deepEqual(dead.slice(1).sort(), ['garbage', 'ok-3']);
  });

  test('FilterCriteria: matching messages are delivered, the others deleted', async () => {
    const url = await queue('esm-filter');
    const seen = await recorder('esm-filter-fn');
    await map({
      FunctionName: 'esm-filter-fn',
      EventSourceArn: QUEUE_ARN('esm-filter'),
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ['order'] } }) }, { Pattern: JSON.stringify({ messageAttributes: { tier: { stringValue: ['gold'] } } }) }] },
    });
    const bodies = [JSON.stringify({ kind: 'order', id: 1 }), JSON.stringify({ kind: 'refund' }), 'plain text', 'vip'];
    for (const b of bodies)
      await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: b, MessageAttributes: b === 'vip' ? { tier: { DataType: 'String', StringValue: 'gold' } } : undefined }));
    await empty(url);
    await sleep(100);
    assert.deepEqual(records(seen()).map((r) => r.body).sort(), ['vip', JSON.stringify({ kind: 'order', id: 1 })]);
  });

  test('FIFO queues: each message group is delivered in order, with the FIFO attributes', async () => {
    const url = await queue('esm-fifo.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const seen = await recorder('esm-fifo-fn');
    await map({ FunctionName: 'esm-fifo-fn', EventSourceArn: QUEUE_ARN('esm-fifo.fifo'), BatchSize: 2 });
    const sent: Record<string, string[]> = { a: [], b: [] };
    for (let i = 0; i < 6; i++) {
      const g = i % 2 ? 'b' : 'a';
      sent[g].push(`${g}-${i}`);
      await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: `${g}-${i}`, MessageGroupId: g }));
    }
    const got = await until('six records', () => (records(seen()).length >= 6 ? records(seen()) : undefined));
    for (const g of ['a', 'b']) assert.deepEqual(got.filter((r) => r.attributes.MessageGroupId === g).map((r) => r.body), sent[g]);
    const r = got[0];
    assert.deepEqual(Object.keys(r.attributes), ['ApproximateReceiveCount', 'SentTimestamp', 'SequenceNumber', 'MessageGroupId', 'SenderId', 'MessageDeduplicationId', 'ApproximateFirstReceiveTimestamp']);
    assert.equal(r.attributes.MessageDeduplicationId, createHash('sha256').update(r.body).digest('hex'));
    await empty(url);
  });

  test('BatchSize above 10 gathers messages for the batching window into one invocation', async () => {
    const url = await queue('esm-window');
    const seen = await recorder('esm-window-fn');
    await map({ FunctionName: 'esm-window-fn', EventSourceArn: QUEUE_ARN('esm-window'), BatchSize: 100, MaximumBatchingWindowInSeconds: 1 });
    for (let k = 0; k < 3; k++)
      await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `${k}-${i}` })) }));
    const events = await until('30 records', () => (records(seen()).length >= 30 ? seen() : undefined));
    assert.equal(events.length, 1);
    assert.equal(events[0].Records.length, 30);
    await empty(url);
  });

  test('stopping Nimbus aborts the pollers of enabled mappings', async () => {
    const nimbus = await startNimbus({ port: 0, logLevel: 'error' });
    let stopped = false;
    try {
      const config = clientConfig(nimbus.endpoint);
      await new SQSClient(config).send(new CreateQueueCommand({ QueueName: 'esm-stop' }));
      const sqsService = await nimbus.cloud.service<SqsService>('sqs');
      const signals: AbortSignal[] = [];
      const receive = sqsService.receive.bind(sqsService);
      sqsService.receive = (q: string, o?: SqsReceiveOptions) => {
        if (o?.signal) signals.push(o.signal);
        return receive(q, o);
      };
      await createFunction(lambdaClient(config), 'esm-stop-fn', { 'index.js': 'exports.handler = async () => null;' });
      await lambdaClient(config).send(new CreateEventSourceMappingCommand({ FunctionName: 'esm-stop-fn', EventSourceArn: QUEUE_ARN('esm-stop') }));
      await until('the poller to long-poll', () => signals.length > 0);
      assert.ok(signals.every((sig) => !sig.aborted));
      await nimbus.stop();
      stopped = true;
      assert.ok(signals.every((sig) => sig.aborted));
    } finally {
      if (!stopped) await nimbus.stop();
    }
  });
});
