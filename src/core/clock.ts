/**
 * The one clock every wait in Nimbus goes through (Wait states, retry backoff, SQS visibility and
 * delays, schedules, timeouts). Timers live in one min-heap behind a single real `setTimeout`, so
 * thousands of sleeping executions cost a heap entry each, not a timer or a promise chain each.
 *
 * `now()` is real time plus an offset that `advance(ms)` moves forward: tests can jump time and
 * every timer due by then fires, in order.
 */
export interface TimerHandle {
  readonly id: number;
}

interface Timer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

export class Clock {
  private offset = 0;
  private heap: Timer[] = [];
  private live = new Map<number, Timer>();
  private nextId = 1;
  private seq = 0;
  private realTimer: NodeJS.Timeout | undefined;
  private realTimerAt = Infinity;
  private stopped = false;

  /** Milliseconds since the epoch, as Nimbus sees them. */
  now(): number {
    return Date.now() + this.offset;
  }

  date(): Date {
    return new Date(this.now());
  }

  /** Runs `fn` once `delayMs` have passed on this clock. */
  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    return this.at(this.now() + Math.max(0, delayMs), fn);
  }

  /** Runs `fn` when this clock reaches `atMs` (epoch milliseconds). */
  at(atMs: number, fn: () => void): TimerHandle {
    const t: Timer = { id: this.nextId++, at: atMs, seq: this.seq++, fn };
    this.live.set(t.id, t);
    this.push(t);
    this.arm();
    return { id: t.id };
  }

  clear(handle: TimerHandle | undefined): void {
    if (handle) this.live.delete(handle.id);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const h = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delayMs);
      const onAbort = () => {
        this.clear(h);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves time forward by `ms` and fires every timer due by then. */
  advance(ms: number): void {
    this.offset += Math.max(0, ms);
    // The real timer was set for the old offset: drop it so that arm() sets one for the new time.
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    this.realTimerAt = Infinity;
    this.fireDue();
  }

  /** Number of timers waiting. */
  get pending(): number {
    return this.live.size;
  }

  stop(): void {
    this.stopped = true;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    this.heap = [];
    this.live.clear();
  }

  private fireDue(): void {
    const now = this.now();
    while (this.heap.length && this.heap[0].at <= now) {
      const t = this.pop()!;
      if (!this.live.delete(t.id)) continue;
      try {
        t.fn();
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    while (this.heap.length && !this.live.has(this.heap[0].id)) this.pop();
    if (!this.heap.length) {
      if (this.realTimer) clearTimeout(this.realTimer);
      this.realTimer = undefined;
      this.realTimerAt = Infinity;
      return;
    }
    const next = this.heap[0].at;
    if (this.realTimer && next >= this.realTimerAt) return;
    if (this.realTimer) clearTimeout(this.realTimer);
    const delay = Math.min(Math.max(0, next - this.now()), 2 ** 31 - 1);
    this.realTimerAt = next;
    this.realTimer = setTimeout(() => {
      this.realTimer = undefined;
      this.realTimerAt = Infinity;
      this.fireDue();
    }, delay);
    this.realTimer.unref?.();
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    if (!h.length) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
