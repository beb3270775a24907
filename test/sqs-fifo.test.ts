/** FIFO queues through the SDK: ordering per group, group blocking, deduplication, sequence numbers. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
  type ReceiveMessageCommandInput,
  type SendMessageCommandInput,
} from '@aws-sdk/client-sqs';
import { useNimbus } from './helpers.js';

const h = useNimbus();
let client: SQSClient | undefined;
const sqs = () => (client ??= new SQSClient(h.config));
const advance = (ms: number) => h.nimbus.cloud.clock.advance(ms);
let counter = 0;

async function fifo(attributes: Record<string, string> = {}): Promise<string> {
  const name = `f${++counter}.fifo`;
  return (await sqs().send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true', ...attributes } }))).QueueUrl!;
}

const send = (url: string, body: string, group: string, extra: Partial<SendMessageCommandInput> = {}) =>
  sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: body, ...extra }));

async function receive(url: string, extra: Omit<ReceiveMessageCommandInput, 'QueueUrl'> = {}): Promise<Message[]> {
  return (await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], ...extra }))).Messages ?? [];
}

const del = (url: string, m: Message) => sqs().send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));

async function visibleCount(url: string): Promise<number> {
  const a = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!;
  return Number(a.ApproximateNumberOfMessages);
}

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

describe('ordering', () => {
  it('delivers each group in send order with increasing sequence numbers', async () => {
    const url = await fifo();
    const sequence: bigint[] = [];
    for (let i = 0; i < 6; i++) {
      for (const g of ['a', 'b', 'c']) {
        const r = await send(url, `${g}${i}`, g);
        assert.match(r.SequenceNumber!, /^\d{20,}$/);
        sequence.push(BigInt(r.SequenceNumber!));
      }
    }
    assert.deepEqual([...sequence].sort((x, y) => (x < y ? -1 : 1)), sequence, 'sequence numbers grow');
    const seen: Record<string, string[]> = { a: [], b: [], c: [] };
    for (let rounds = 0; rounds < 20 && seen.a.length + seen.b.length + seen.c.length < 18; rounds++) {
      const got = await receive(url, { MaxNumberOfMessages: 4 });
      for (const m of got) {
        seen[m.Attributes!.MessageGroupId!].push(m.Body!);
        await del(url, m);
      }
    }
    for (const g of ['a', 'b', 'c']) assert.deepEqual(seen[g], [0, 1, 2, 3, 4, 5].map((i) => `${g}${i}`));
  });

  it('blocks a group while one of its messages is in flight', async () => {
    const url = await fifo();
    await send(url, 'a1', 'a');
    await send(url, 'a2', 'a');
    await send(url, 'b1', 'b');
    const [first] = await receive(url, { MaxNumberOfMessages: 1 });
    assert.equal(first.Body, 'a1');
    assert.deepEqual((await receive(url)).map((m) => m.Body), ['b1']);
    assert.deepEqual(await receive(url), [], 'a2 waits behind a1; b1 is in flight');
    assert.equal(await visibleCount(url), 1);
    await del(url, first);
    assert.deepEqual((await receive(url)).map((m) => m.Body), ['a2']);
  });

  it('returns several messages of one group in order in a single receive', async () => {
    const url = await fifo();
    for (const b of ['x1', 'x2', 'x3']) await send(url, b, 'x');
    const got = await receive(url);
    assert.deepEqual(got.map((m) => m.Body), ['x1', 'x2', 'x3']);
    await sqs().send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: got.slice(1).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
    assert.deepEqual(await receive(url), [], 'x1 still in flight blocks the group');
  });

  it('redelivers the head of a group after its visibility expires, before later messages', async () => {
    const url = await fifo({ VisibilityTimeout: '10' });
    await send(url, 'g1', 'g');
    await send(url, 'g2', 'g');
    const [m1] = await receive(url, { MaxNumberOfMessages: 1 });
    advance(10_000);
    const again = await receive(url, { MaxNumberOfMessages: 1 });
    assert.equal(again[0].Body, 'g1');
    assert.equal(again[0].Attributes!.ApproximateReceiveCount, '2');
    await rejects(del(url, m1), 'InvalidParameterValue', `Value ${m1.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`);
    await rejects(
      sqs().send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m1.ReceiptHandle, VisibilityTimeout: 5 })),
      'InvalidParameterValue',
      /The receipt handle has expired/,
    );
    await del(url, again[0]);
    assert.deepEqual((await receive(url)).map((m) => m.Body), ['g2']);
  });

  it('releases a group at once when its message is made visible again', async () => {
    const url = await fifo();
    await send(url, 'r1', 'r');
    const [m] = await receive(url);
    await sqs().send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    assert.deepEqual((await receive(url)).map((x) => x.Body), ['r1']);
  });

  it('applies the queue delay and answers system attributes', async () => {
    const url = await fifo({ DelaySeconds: '5' });
    const sent = await send(url, 'late', 'grp', { MessageDeduplicationId: 'dedup-1' });
    assert.deepEqual(await receive(url), []);
    advance(5_000);
    const [m] = await receive(url);
    assert.equal(m.Attributes!.MessageGroupId, 'grp');
    assert.equal(m.Attributes!.MessageDeduplicationId, 'dedup-1');
    assert.equal(m.Attributes!.SequenceNumber, sent.SequenceNumber);
    assert.equal(m.Attributes!.ApproximateReceiveCount, '1');
  });

  it('replays a receive with the same ReceiveRequestAttemptId', async () => {
    const url = await fifo();
    await send(url, 'once', 'o');
    const first = await receive(url, { ReceiveRequestAttemptId: 'attempt-1' });
    const retry = await receive(url, { ReceiveRequestAttemptId: 'attempt-1' });
    assert.equal(first.length, 1);
    assert.deepEqual(retry.map((m) => [m.MessageId, m.ReceiptHandle]), first.map((m) => [m.MessageId, m.ReceiptHandle]));
    assert.deepEqual(await receive(url, { ReceiveRequestAttemptId: 'attempt-2' }), []);
    await del(url, retry[0]);
  });
});

describe('deduplication', () => {
  it('drops a repeated MessageDeduplicationId for five minutes, even after delete', async () => {
    const url = await fifo();
    const a = await send(url, 'first', 'g', { MessageDeduplicationId: 'same' });
    const b = await send(url, 'second', 'g', { MessageDeduplicationId: 'same' });
    assert.equal(b.MessageId, a.MessageId);
    assert.equal(b.SequenceNumber, a.SequenceNumber);
    assert.equal(b.MD5OfMessageBody, createHash('md5').update('second').digest('hex'));
    const [m] = await receive(url);
    assert.equal(m.Body, 'first');
    await del(url, m);
    await send(url, 'third', 'g', { MessageDeduplicationId: 'same' });
    assert.deepEqual(await receive(url), []);
    advance(5 * 60_000);
    const c = await send(url, 'fourth', 'g', { MessageDeduplicationId: 'same' });
    assert.notEqual(c.MessageId, a.MessageId);
    assert.deepEqual((await receive(url)).map((x) => x.Body), ['fourth']);
  });

  it('derives the id from the body with ContentBasedDeduplication (SHA-256)', async () => {
    const url = await fifo({ ContentBasedDeduplication: 'true' });
    const body = '{"foo":"bar"}';
    const a = await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g1' }));
    const b = await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g2' }));
    assert.equal(b.MessageId, a.MessageId, 'queue-scoped deduplication ignores the group');
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g1', MessageDeduplicationId: 'explicit' }));
    const got = await receive(url);
    assert.equal(got.length, 2);
    assert.equal(got[0].Attributes!.MessageDeduplicationId, createHash('sha256').update(body).digest('hex'));
    assert.equal(got[1].Attributes!.MessageDeduplicationId, 'explicit');
  });

  it('scopes deduplication to the message group with DeduplicationScope=messageGroup', async () => {
    const url = await fifo({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    const a = await send(url, 'x', 'g1', { MessageDeduplicationId: 'd' });
    const b = await send(url, 'x', 'g2', { MessageDeduplicationId: 'd' });
    const c = await send(url, 'x', 'g1', { MessageDeduplicationId: 'd' });
    assert.notEqual(b.MessageId, a.MessageId);
    assert.equal(c.MessageId, a.MessageId);
    assert.equal((await receive(url)).length, 2);
  });

  it('deduplicates inside a batch', async () => {
    const url = await fifo();
    const r = await sqs().send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: '1', MessageBody: 'one', MessageGroupId: 'g', MessageDeduplicationId: 'k' },
          { Id: '2', MessageBody: 'one again', MessageGroupId: 'g', MessageDeduplicationId: 'k' },
          { Id: '3', MessageBody: 'two', MessageGroupId: 'g', MessageDeduplicationId: 'l' },
        ],
      }),
    );
    assert.equal(r.Successful!.length, 3);
    assert.equal(r.Successful![1].MessageId, r.Successful![0].MessageId);
    assert.deepEqual((await receive(url)).map((m) => m.Body), ['one', 'two']);
  });
});

describe('FIFO validation', () => {
  it('answers AWS errors for missing ids and per-message delays', async () => {
    const url = await fifo();
    await rejects(sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' })), 'MissingParameter', 'The request must contain the parameter MessageGroupId.');
    await rejects(
      sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' })),
      'InvalidParameterValue',
      'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
    await rejects(
      send(url, 'x', 'g', { DelaySeconds: 2 }),
      'InvalidParameterValue',
      'Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.',
    );
    await send(url, 'zero-delay-ok', 'g', { DelaySeconds: 0 });
    await rejects(
      sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'x', MessageDeduplicationId: 'd' }] })),
      'InvalidParameterValue',
      'The request must contain the parameter MessageGroupId.',
    );
    await rejects(send(url, 'x', 'bad group id with spaces'), 'InvalidParameterValue', /MessageGroupId/);
  });
});
