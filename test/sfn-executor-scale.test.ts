/**
 * The executor at scale: long runs yield to the event loop, executions interleave, and parked
 * executions cost one clock timer and a few KB each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { harness, run, startExecution } from './sfn-executor-helpers.js';

function passChain(n: number) {
  const States: Record<string, object> = {};
  for (let i = 0; i < n; i++) States[`S${i}`] = i < n - 1 ? { Type: 'Pass', Next: `S${i + 1}` } : { Type: 'Pass', End: true };
  return { StartAt: 'S0', States };
}

test('a long Pass chain yields to the event loop while it runs', async () => {
  const e = startExecution(passChain(5000), { a: 1 });
  let seenRunning = false;
  setImmediate(() => setImmediate(() => (seenRunning = e.status === 'RUNNING')));
  await e.done;
  assert.equal(e.status, 'SUCCEEDED');
  assert.equal(seenRunning, true);
  assert.equal(e.history.length, 2 + 5000 * 2);
});

test('many executions run concurrently and interleave', async () => {
  const h = harness();
  let entered = 0;
  let enteredWhenFirstDone = -1;
  const execs = Array.from({ length: 50 }, (_, i) =>
    startExecution(passChain(2000), { i }, h, {
      onEvent: (ev) => {
        if (ev.type === 'PassStateEntered' && ev.stateEnteredEventDetails?.name === 'S0') entered++;
        if (ev.type === 'ExecutionSucceeded' && enteredWhenFirstDone < 0) enteredWhenFirstDone = entered;
      },
    }),
  );
  await Promise.all(execs.map((e) => e.done));
  assert.ok(execs.every((e) => e.status === 'SUCCEEDED'));
  assert.deepEqual(execs.map((e) => JSON.parse(e.output!).i), execs.map((_, i) => i));
  assert.equal(enteredWhenFirstDone, 50);
});

test('however many executions are busy, each event-loop turn runs a bounded number of states', async () => {
  const h = harness();
  let events = 0;
  let last = 0;
  let maxPerTurn = 0;
  let ticking = true;
  const tick = () => {
    maxPerTurn = Math.max(maxPerTurn, events - last);
    last = events;
    if (ticking) setImmediate(tick);
  };
  const execs = Array.from({ length: 100 }, () => startExecution(passChain(1000), {}, h, { onEvent: () => events++ }));
  last = events;
  setImmediate(tick);
  await Promise.all(execs.map((e) => e.done));
  ticking = false;
  assert.equal(events, 100 * (2 + 2000));
  assert.ok(maxPerTurn <= 2 * 1024 + 100, `events in one turn: ${maxPerTurn}`);
});

test('10,000 executions parked in a one-hour Wait: one clock timer each, a few KB each', async () => {
  v8.setFlagsFromString('--expose_gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const h = harness();
  const wait = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } };
  await run(wait, {}, h);
  gc();
  const before = process.memoryUsage().heapUsed;
  const execs = Array.from({ length: 10_000 }, (_, i) => startExecution(wait, { i }, h, { waitScale: 1 }));
  for (let i = 0; i < 50 && h.clock.pending < 10_000; i++) await new Promise((r) => setImmediate(r));
  assert.equal(h.clock.pending, 10_000);
  gc();
  const perExecution = (process.memoryUsage().heapUsed - before) / 10_000;
  assert.ok(perExecution < 8 * 1024, `heap per parked execution ${Math.round(perExecution)} bytes`);
  assert.ok(execs.every((e) => e.status === 'RUNNING'));
  h.clock.advance(3_600_000);
  await Promise.all(execs.map((e) => e.done));
  assert.ok(execs.every((e) => e.status === 'SUCCEEDED'));
  assert.equal(h.clock.pending, 0);
});
