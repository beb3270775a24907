/**
 * Activity task queues: an activity Task state enqueues its task here; GetActivityTask workers
 * long-poll for it (up to 60 s on the clock). Handing a task to a worker is what writes the
 * ActivityStarted event; the task then completes through the token table.
 */
import { Clock } from '../../../core/clock.js';

export interface ActivityTask {
  token: string;
  /** JSON text of the task's input. */
  input: string;
  /** Called once, when a worker receives the task. */
  start(workerName: string | undefined): void;
}

export interface PolledActivityTask {
  taskToken: string;
  input: string;
}

interface Poller {
  workerName: string | undefined;
  settle(task: PolledActivityTask | null): void;
}

export const ACTIVITY_POLL_MS = 60_000;

export class ActivityHub {
  private readonly known = new Set<string>();
  private readonly queues = new Map<string, ActivityTask[]>();
  private readonly pollers = new Map<string, Poller[]>();

  constructor(private readonly clock: Clock) {}

  /** CreateActivity: tasks for unknown activities fail the execution (States.Runtime). */
  define(activityArn: string): void {
    this.known.add(activityArn);
  }

  /** DeleteActivity. */
  remove(activityArn: string): void {
    this.known.delete(activityArn);
  }

  exists(activityArn: string): boolean {
    return this.known.has(activityArn);
  }

  /** Tasks scheduled and not yet handed to a worker. */
  pending(activityArn: string): number {
    return this.queues.get(activityArn)?.length ?? 0;
  }

  /** Queues a task; returns a function that withdraws it if no worker has taken it yet. */
  enqueue(activityArn: string, task: ActivityTask): () => void {
    const waiting = this.pollers.get(activityArn);
    const poller = waiting?.shift();
    if (waiting && !waiting.length) this.pollers.delete(activityArn);
    if (poller) {
      task.start(poller.workerName);
      poller.settle({ taskToken: task.token, input: task.input });
      return () => {};
    }
    let queue = this.queues.get(activityArn);
    if (!queue) this.queues.set(activityArn, (queue = []));
    queue.push(task);
    return () => {
      const q = this.queues.get(activityArn);
      const i = q ? q.indexOf(task) : -1;
      if (i < 0) return;
      q!.splice(i, 1);
      if (!q!.length) this.queues.delete(activityArn);
    };
  }

  /** GetActivityTask: a queued task, or the next one within `waitMs`, or null. */
  poll(activityArn: string, workerName?: string, signal?: AbortSignal, waitMs = ACTIVITY_POLL_MS): Promise<PolledActivityTask | null> {
    const queue = this.queues.get(activityArn);
    const task = queue?.shift();
    if (queue && !queue.length) this.queues.delete(activityArn);
    if (task) {
      task.start(workerName);
      return Promise.resolve({ taskToken: task.token, input: task.input });
    }
    if (signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const poller: Poller = {
        workerName,
        settle: (result) => {
          this.clock.clear(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(result);
        },
      };
      const drop = () => {
        const list = this.pollers.get(activityArn);
        const i = list ? list.indexOf(poller) : -1;
        if (i >= 0) list!.splice(i, 1);
        if (list && !list.length) this.pollers.delete(activityArn);
        poller.settle(null);
      };
      const onAbort = () => drop();
      const timer = this.clock.setTimeout(drop, waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      let list = this.pollers.get(activityArn);
      if (!list) this.pollers.set(activityArn, (list = []));
      list.push(poller);
    });
  }
}

/** The process-wide hub executions use unless given their own. */
export const defaultActivityHub = new ActivityHub(new Clock());

export const pollActivity = (activityArn: string, workerName?: string, signal?: AbortSignal): Promise<PolledActivityTask | null> =>
  defaultActivityHub.poll(activityArn, workerName, signal);
