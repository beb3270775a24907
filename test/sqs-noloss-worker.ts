/**
 * Worker thread of test/sqs-noloss.test.ts: runs some of the senders and receivers with their own
 * SDK clients, so SDK work uses the second core while the main thread serves Nimbus. Progress is
 * shared through SharedArrayBuffers: per-message flags and a few counters.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface NoLossShare {
  config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; maxAttempts: number };
  url: string;
  total: number;
  /** Batch numbers (of 10 messages) this thread sends. */
  batches: number[];
  receivers: number;
  abandonEvery: number;
  /** Per message: bit 1 seen, bit 2 abandoned and not deleted since. */
  flags: SharedArrayBuffer;
  /** [distinct seen, abandoned outstanding, deliveries, receive batches]. */
  counters: SharedArrayBuffer;
}

const SEEN = 1;
const ABANDONED = 2;
const DISTINCT = 0;
const OUTSTANDING = 1;
const DELIVERIES = 2;
const BATCHES = 3;

async function run(share: NoLossShare): Promise<void> {
  const flags = new Int32Array(share.flags);
  const counters = new Int32Array(share.counters);
  const clients = Array.from({ length: 3 }, () => new SQSClient(share.config));
  const done = () => Atomics.load(counters, DISTINCT) >= share.total && Atomics.load(counters, OUTSTANDING) === 0;

  async function sender(batches: number[]): Promise<void> {
    for (const batch of batches) {
      const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: String(batch * 10 + i) }));
      const r = await clients[0].send(new SendMessageBatchCommand({ QueueUrl: share.url, Entries: entries }));
      if (r.Successful?.length !== 10) throw new Error(`SendMessageBatch: ${JSON.stringify(r.Failed)}`);
    }
  }

  async function receiver(index: number): Promise<void> {
    const client = clients[1 + (index % 2)];
    while (!done()) {
      const got = (await client.send(new ReceiveMessageCommand({ QueueUrl: share.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? [];
      if (!got.length) continue;
      Atomics.add(counters, DELIVERIES, got.length);
      const ids = got.map((m) => Number(m.Body));
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= share.total) throw new Error(`unexpected body ${id}`);
        if ((Atomics.or(flags, id, SEEN) & SEEN) === 0) Atomics.add(counters, DISTINCT, 1);
      }
      // Abandon a batch now and then, early enough that its redelivery happens during the run.
      const n = Atomics.add(counters, BATCHES, 1) + 1;
      if (n % share.abandonEvery === 0 && Atomics.load(counters, DISTINCT) < share.total * 0.8) {
        for (const id of ids) if ((Atomics.or(flags, id, ABANDONED) & ABANDONED) === 0) Atomics.add(counters, OUTSTANDING, 1);
        continue;
      }
      const r = await client.send(new DeleteMessageBatchCommand({ QueueUrl: share.url, Entries: got.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
      if (r.Failed?.length) throw new Error(`DeleteMessageBatch: ${JSON.stringify(r.Failed)}`);
      for (const id of ids) if ((Atomics.and(flags, id, ~ABANDONED) & ABANDONED) !== 0) Atomics.sub(counters, OUTSTANDING, 1);
    }
  }

  const senders = [0, 1, 2, 3].map((k) => sender(share.batches.filter((_, i) => i % 4 === k)));
  await Promise.all([...senders, ...Array.from({ length: share.receivers }, (_, i) => receiver(i))]);
  for (const c of clients) c.destroy();
}

run(workerData as NoLossShare).then(
  () => parentPort!.postMessage('done'),
  (err: Error) => parentPort!.postMessage(`failed: ${err.stack ?? err.message}`),
);
