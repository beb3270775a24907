/** SQS long polling in real time (this file never moves the clock): early return, waits, fairness. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient, type Message, type ReceiveMessageCommandInput } from '@aws-sdk/client-sqs';
import { useNimbus } from './helpers.js';

const h = useNimbus();
let client: SQSClient | undefined;
const sqs = () => (client ??= new SQSClient(h.config));
let counter = 0;

async function queue(attributes: Record<string, string> = {}): Promise<string> {
  return (await sqs().send(new CreateQueueCommand({ QueueName: `lp${++counter}`, Attributes: attributes }))).QueueUrl!;
}

async function receive(url: string, extra: Omit<ReceiveMessageCommandInput, 'QueueUrl'> = {}): Promise<Message[]> {
  return (await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, ...extra }))).Messages ?? [];
}

describe('long polling', () => {
  it('returns as soon as a message arrives', async () => {
    const url = await queue();
    const started = Date.now();
    const polling = receive(url, { WaitTimeSeconds: 10 });
    await new Promise((r) => setTimeout(r, 150));
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
    const got = await polling;
    const took = Date.now() - started;
    assert.deepEqual(got.map((m) => m.Body), ['wake up']);
    assert.ok(took < 2_000, `returned after ${took} ms`);
  });

  it('uses ReceiveMessageWaitTimeSeconds and returns empty when the wait ends', async () => {
    const url = await queue({ ReceiveMessageWaitTimeSeconds: '1' });
    const started = Date.now();
    assert.deepEqual(await receive(url), []);
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 3_000, `waited ${took} ms`);
  });

  it('serves concurrent pollers each message once', async () => {
    const url = await queue();
    const pollers = Array.from({ length: 5 }, () => receive(url, { WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }));
    await new Promise((r) => setTimeout(r, 100));
    await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 5 }, (_, i) => ({ Id: `p${i}`, MessageBody: `p${i}` })) }));
    const bodies = (await Promise.all(pollers)).flat().map((m) => m.Body).sort();
    assert.deepEqual(bodies, ['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('ends pending polls when the queue is deleted', async () => {
    const url = await queue();
    const polling = receive(url, { WaitTimeSeconds: 20 });
    await new Promise((r) => setTimeout(r, 50));
    await sqs().send(new DeleteQueueCommand({ QueueUrl: url }));
    assert.deepEqual(await polling, []);
  });
});
