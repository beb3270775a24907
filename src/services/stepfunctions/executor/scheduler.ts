/**
 * One run queue for every execution in the process. Each event-loop turn runs a bounded number of
 * states, shared round-robin between the executions that have work, then yields (setImmediate):
 * however many executions are busy, I/O never waits for more than one turn's budget.
 */

/** States run per event-loop turn, all executions together. */
const TURN_BUDGET = 1024;
/** States one execution runs before the next one gets its turn. */
const EXECUTION_SLICE = 256;

export interface Runnable {
  /** Set while the runnable is in the queue (managed by `enqueue` and the pump). */
  queued: boolean;
  /** Runs up to `budget` states; returns how many it ran. */
  runSome(budget: number): number;
  /** Still has states ready to run. */
  readonly hasWork: boolean;
}

let queue: Runnable[] = [];
let head = 0;
let armed = false;

export function enqueue(r: Runnable): void {
  if (r.queued) return;
  r.queued = true;
  queue.push(r);
  if (!armed) {
    armed = true;
    setImmediate(pump);
  }
}

function pump(): void {
  armed = false;
  let budget = TURN_BUDGET;
  while (head < queue.length && budget > 0) {
    const r = queue[head++];
    budget -= Math.max(1, r.runSome(Math.min(budget, EXECUTION_SLICE)));
    if (r.hasWork) queue.push(r);
    else r.queued = false;
  }
  if (head >= queue.length) {
    queue = [];
    head = 0;
  } else if (head > 4096) {
    queue = queue.slice(head);
    head = 0;
  }
  if (queue.length > head && !armed) {
    armed = true;
    setImmediate(pump);
  }
}
