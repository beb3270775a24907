/** The queue engine on its own clock: FIFO order under redelivery, large backlogs, retention of moved messages. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Clock } from '../src/core/clock.js';
import { defaultAttributes } from '../src/services/sqs/attributes.js';
import { prepareMessage } from '../src/services/sqs/messages.js';
import type { Queue, Received } from '../src/services/sqs/queue.js';
import { SqsStore } from '../src/services/sqs/store.js';

const clock = new Clock();
const store = new SqsStore(clock);
after(() => {
  store.stop();
  clock.stop();
});

let counter = 0;
function queue(fifo: boolean, attributes: Record<string, string> = {}): Queue {
  const name = `e${++counter}${fifo ? '.fifo' : ''}`;
  return store.create({ account: '000000000000', region: 'us-east-1', name, fifo, attributes: { ...defaultAttributes(fifo), ...attributes }, tags: {} });
}

function send(q: Queue, body: string, group?: string): void {
  q.send(prepareMessage({ MessageBody: body, MessageGroupId: group, MessageDeduplicationId: q.fifo ? body : undefined }, q, '000000000000'));
}

function receive(q: Queue, max: number, visibilityMs = 30_000): Received[] {
  const got = q.receive({ max, visibilityMs, waitMs: 0 });
  assert.ok(Array.isArray(got));
  return got;
}

describe('queue engine', () => {
  it('keeps per-group order for 5,000 FIFO messages in 50 groups with abandoned receives', () => {
    const q = queue(true);
    const groups = 50;
    const perGroup = 100;
    for (let i = 0; i < perGroup; i++) for (let g = 0; g < groups; g++) send(q, `${g}:${i}`, `g${g}`);
    const next = new Array<number>(groups).fill(0);
    let rounds = 0;
    while (next.some((n) => n < perGroup)) {
      assert.ok(++rounds < 10_000, 'progress');
      const got = receive(q, 10, 1_000);
      if (!got.length) {
        clock.advance(1_000);
        continue;
      }
      const abandon = rounds % 7 === 0;
      // In one receive, a group's messages start at its first undeleted one and follow in order.
      const expected = new Map<number, number>();
      for (const r of got) {
        const [g, i] = r.message.body.split(':').map(Number);
        const want = expected.get(g) ?? next[g];
        assert.equal(i, want, `group ${g} in order`);
        expected.set(g, want + 1);
        if (abandon) continue;
        next[g]++;
        q.deleteMessage(r.receiptHandle);
      }
    }
    assert.deepEqual([q.visibleCount, q.inflightCount, q.delayedCount], [0, 0, 0]);
  });

  it('drains a standard backlog of 50,000 messages exactly once', () => {
    const q = queue(false);
    for (let i = 0; i < 50_000; i++) send(q, String(i));
    const seen = new Uint8Array(50_000);
    for (;;) {
      const got = receive(q, 10);
      if (!got.length) break;
      for (const r of got) {
        const i = Number(r.message.body);
        assert.equal(seen[i], 0);
        seen[i] = 1;
        q.deleteMessage(r.receiptHandle);
      }
    }
    assert.ok(seen.every((s) => s === 1));
    assert.deepEqual([q.visibleCount, q.inflightCount], [0, 0]);
  });

  it('expires moved messages by their original retention start', () => {
    const dlq = queue(false, { MessageRetentionPeriod: '120' });
    const src = queue(false, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }) });
    send(dlq, 'fresh-in-dlq');
    clock.advance(10_000);
    send(src, 'old');
    clock.advance(100_000);
    send(src, 'newer');
    receive(src, 10, 0);
    clock.advance(0);
    assert.deepEqual(receive(src, 10), []);
    assert.equal(dlq.visibleCount, 3);
    clock.advance(10_000);
    assert.equal(dlq.visibleCount, 2, 'fresh-in-dlq expired');
    clock.advance(10_000);
    assert.equal(dlq.visibleCount, 1, 'old expired by the time it was first sent');
    assert.equal(receive(dlq, 10)[0].message.body, 'newer');
  });
});
