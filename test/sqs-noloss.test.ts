/**
 * No loss under concurrency: 20,000 messages sent in batches while 50 long-polling receivers consume
 * them, some receivers abandoning batches so their messages come back after the visibility timeout.
 * Every message must arrive at least once and the queue must end empty. The SDK clients run in two
 * worker threads (test/sqs-noloss-worker.ts) so they do not compete with Nimbus for one core.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { useNimbus } from './helpers.js';
import type { NoLossShare } from './sqs-noloss-worker.js';

const h = useNimbus();

const TOTAL = 20_000;
const RECEIVERS = 50;
const THREADS = 2;

function startWorker(share: NoLossShare): Promise<string> {
  // Worker threads do not inherit tsx's loader: register it, then load the worker module.
  const url = new URL('./sqs-noloss-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url)}); })`;
  const w = new Worker(boot, { eval: true, workerData: share });
  return new Promise((resolve) => {
    w.once('message', (m: string) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', (err) => resolve(`failed: ${err.message}`));
  });
}

it('delivers 20,000 messages to 50 concurrent receivers at least once each and ends empty', { timeout: 90_000 }, async () => {
  const sqs = new SQSClient(h.config);
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'no-loss', Attributes: { VisibilityTimeout: '2' } }))).QueueUrl!;
  const flags = new SharedArrayBuffer(TOTAL * 4);
  const counters = new SharedArrayBuffer(4 * 4);
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: THREADS }, (_, t) =>
      startWorker({
        config: h.config,
        url,
        total: TOTAL,
        batches: Array.from({ length: TOTAL / 10 }, (_, b) => b).filter((b) => b % THREADS === t),
        receivers: RECEIVERS / THREADS,
        abandonEvery: 97,
        flags,
        counters,
      }),
    ),
  );
  assert.deepEqual(results, Array(THREADS).fill('done'));

  const [distinct, outstanding, deliveries] = new Int32Array(counters);
  const seen = new Int32Array(flags);
  assert.equal(distinct, TOTAL);
  assert.equal(outstanding, 0);
  assert.ok(seen.every((f) => (f & 1) === 1), 'every message was received');
  assert.ok(deliveries >= TOTAL);
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  assert.deepEqual([a.ApproximateNumberOfMessages, a.ApproximateNumberOfMessagesNotVisible, a.ApproximateNumberOfMessagesDelayed], ['0', '0', '0']);
  console.log(`# no-loss: ${TOTAL} messages, ${deliveries} deliveries (${deliveries - TOTAL} redelivered) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  sqs.destroy();
});
