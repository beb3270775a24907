/**
 * Execution environments: one child process each, running one invocation at a time through the
 * Runtime API. Idle environments stay warm for reuse; a function never has more busy
 * environments than its reserved concurrency; a timeout kills the environment (its whole process
 * group) and answers AWS's `Task timed out after N.00 seconds`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Cloud } from '../../core/cloud.js';
import { randomHex } from '../../core/ids.js';
import { environmentFor, type Launch } from './launch.js';
import { MAX_RESPONSE_BYTES, type RuntimeApi, type RuntimeClient } from './runtime-api.js';
import type { FunctionRecord, VersionRecord } from './store.js';

export interface InvokeInput {
  requestId: string;
  payload: Buffer;
  invokedArn: string;
  clientContext?: string;
  timeoutMs: number;
}

export interface Outcome {
  ok: boolean;
  payload: Buffer;
  /** Complete log text of the invocation (START ... REPORT), with init output on a cold start. */
  log: string;
}

const MARKER = '\u001eNIMBUS:END:';
/** How long an idle environment stays warm. */
const IDLE_MS = 10 * 60_000;
/** Output kept per invocation in memory (its tail: LogResult only shows the last 4 KB anyway). */
const MAX_INVOCATION_LOG = 1024 * 1024;
/** Init time AWS grants an on-demand environment before the invocation's own timeout starts. */
const INIT_LIMIT_MS = 10_000;
/** How long to wait for our bootstrap's end-of-output marker after the response. */
const MARKER_WAIT_MS = 200;

interface Current {
  input: InvokeInput;
  dispatched: boolean;
  finishing: boolean;
  markerSeen: boolean;
  onMarker?: () => void;
  started: number;
  /** When the runtime received the event (Duration excludes a cold start's init, as on AWS). */
  dispatchedAt?: number;
  timer?: NodeJS.Timeout;
  log: string;
  resolve(o: Outcome): void;
}

export class Environment implements RuntimeClient {
  readonly id = randomHex(8);
  private proc: ChildProcess | undefined;
  private dead = false;
  private parked: ServerResponse | undefined;
  private cur: Current | undefined;
  private initMs: number | undefined;
  private coldReported = false;
  private readonly spawnedAt = performance.now();
  private pendingLog = '';
  private partial = '';
  idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly fn: FunctionRecord,
    readonly record: VersionRecord,
    private readonly launch: Launch,
    private readonly deps: { api: RuntimeApi; onLog(fn: FunctionRecord, text: string): void; onExit(env: Environment): void },
  ) {}

  get alive(): boolean {
    return !this.dead;
  }

  start(runtimeApi: string, endpoint: string): void {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    const env = environmentFor(this.fn, this.record, this.launch, {
      runtimeApi: `${runtimeApi}/${this.id}`,
      endpoint,
      logStream: `${day}/[${this.record.version}]${randomHex(16)}`,
    });
    this.deps.api.register(this.id, this);
    let proc: ChildProcess;
    try {
      proc = spawn(this.launch.command, this.launch.args, { cwd: this.record.code.dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    } catch (err) {
      queueMicrotask(() => this.exited(`Runtime exited with error: ${(err as Error).message}`));
      return;
    }
    this.proc = proc;
    proc.stdout!.setEncoding('utf8');
    proc.stderr!.setEncoding('utf8');
    proc.stdout!.on('data', (t: string) => this.output(t));
    proc.stderr!.on('data', (t: string) => this.output(t));
    proc.on('error', (err) => this.exited(`Runtime exited with error: ${err.message}`));
    proc.on('exit', (code, signal) => this.exited(`Runtime exited with error: ${signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code}`}`));
  }

  invoke(input: InvokeInput): Promise<Outcome> {
    return new Promise((resolve) => {
      const cur: Current = { input, dispatched: false, finishing: false, markerSeen: false, started: performance.now(), log: '', resolve };
      this.cur = cur;
      cur.log = `${this.pendingLog}START RequestId: ${input.requestId} Version: ${this.record.version}\n`;
      this.pendingLog = '';
      // Real time, not the shared clock: user code runs in real time, so skipping ahead on the
      // clock (to shorten Wait states or retry delays) must not time out running functions.
      // Until the runtime takes the event, the guard also covers init (AWS allows 10 s of it).
      cur.timer = setTimeout(() => this.timedOut(cur), INIT_LIMIT_MS + input.timeoutMs);
      if (this.dead) return this.finish(cur, false, runtimeError(input.requestId, 'Runtime.ExitError', 'Runtime exited without providing a reason'));
      if (this.parked) {
        const res = this.parked;
        this.parked = undefined;
        this.dispatch(res);
      }
    });
  }

  // --- Runtime API -------------------------------------------------------------------------

  next(res: ServerResponse): void {
    if (this.initMs === undefined) this.initMs = performance.now() - this.spawnedAt;
    if (this.cur && !this.cur.dispatched && !this.cur.finishing) this.dispatch(res);
    else this.parked = res;
  }

  respond(requestId: string, body: Buffer): boolean {
    const cur = this.current(requestId);
    if (!cur) return false;
    this.finish(cur, true, body);
    return true;
  }

  fail(requestId: string, body: Buffer, _errorType: string | undefined): boolean {
    const cur = this.current(requestId);
    if (!cur) return false;
    this.finish(cur, false, body);
    return true;
  }

  tooLarge(requestId: string): boolean {
    const cur = this.current(requestId);
    if (!cur) return false;
    this.finish(cur, false, errorPayload('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`));
    return true;
  }

  initError(body: Buffer, _errorType: string | undefined): void {
    const cur = this.cur;
    this.kill();
    if (cur && !cur.finishing) this.finish(cur, false, body.length ? body : runtimeError(cur.input.requestId, 'Runtime.Unknown', 'Unknown application error occurred'));
  }

  // --- lifecycle -----------------------------------------------------------------------------

  kill(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (!this.dead) {
      this.dead = true;
      this.deps.api.unregister(this.id);
      this.parked?.destroy();
      this.parked = undefined;
      this.deps.onExit(this);
    }
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      try {
        if (proc.pid && process.platform !== 'win32') process.kill(-proc.pid, 'SIGKILL');
        else proc.kill('SIGKILL');
      } catch {
        proc.kill('SIGKILL');
      }
    }
  }

  private current(requestId: string): Current | undefined {
    const cur = this.cur;
    return cur && cur.dispatched && !cur.finishing && cur.input.requestId === requestId ? cur : undefined;
  }

  private dispatch(res: ServerResponse): void {
    const cur = this.cur!;
    cur.dispatched = true;
    cur.dispatchedAt = performance.now();
    const { input } = cur;
    clearTimeout(cur.timer);
    cur.timer = setTimeout(() => this.timedOut(cur), input.timeoutMs);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(input.payload.length),
      'lambda-runtime-aws-request-id': input.requestId,
      'lambda-runtime-deadline-ms': String(Date.now() + input.timeoutMs),
      'lambda-runtime-invoked-function-arn': input.invokedArn,
      'lambda-runtime-trace-id': traceId(),
    };
    if (input.clientContext) headers['lambda-runtime-client-context'] = input.clientContext;
    res.writeHead(200, headers);
    res.end(input.payload);
  }

  private timedOut(cur: Current): void {
    if (cur.finishing || this.cur !== cur) return;
    const seconds = (cur.input.timeoutMs / 1000).toFixed(2);
    const line = `${new Date().toISOString()} ${cur.input.requestId} Task timed out after ${seconds} seconds`;
    this.kill();
    this.flushPartial(cur);
    cur.log += `${line}\n\n`;
    this.settle(cur, false, Buffer.from(JSON.stringify({ errorMessage: line })), 'timeout');
  }

  private exited(reason: string): void {
    const cur = this.cur;
    this.kill();
    if (cur && !cur.finishing) {
      this.flushPartial(cur);
      this.finish(cur, false, runtimeError(cur.input.requestId, 'Runtime.ExitError', reason), true);
    }
  }

  private finish(cur: Current, ok: boolean, payload: Buffer, immediate = false): void {
    if (cur.finishing) return;
    cur.finishing = true;
    clearTimeout(cur.timer);
    const settle = () => {
      cur.onMarker = undefined;
      this.flushPartial(cur);
      this.settle(cur, ok, payload);
    };
    // The response can overtake the output that preceded it: wait for our bootstrap's marker.
    if (immediate || cur.markerSeen || this.dead) settle();
    else if (this.launch.marksOutput) {
      const t = setTimeout(settle, MARKER_WAIT_MS);
      cur.onMarker = () => {
        clearTimeout(t);
        settle();
      };
    } else setImmediate(settle);
  }

  private settle(cur: Current, ok: boolean, payload: Buffer, status?: 'timeout'): void {
    cur.finishing = true;
    if (this.cur === cur) this.cur = undefined;
    const duration = performance.now() - (cur.dispatchedAt ?? cur.started);
    let report = `REPORT RequestId: ${cur.input.requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(duration))} ms\tMemory Size: ${this.record.config.MemorySize ?? 128} MB`;
    if (!this.coldReported && this.initMs !== undefined) report += `\tInit Duration: ${this.initMs.toFixed(2)} ms`;
    this.coldReported = true;
    if (status) report += `\tStatus: ${status}`;
    const tail = `END RequestId: ${cur.input.requestId}\n${report}\t\n`;
    cur.log += tail;
    this.deps.onLog(this.fn, cur.log);
    cur.resolve({ ok, payload, log: cur.log });
  }

  private output(text: string): void {
    let data = this.partial + text;
    const nl = data.lastIndexOf('\n');
    if (nl < 0) {
      this.partial = data;
      return;
    }
    this.partial = data.slice(nl + 1);
    data = data.slice(0, nl + 1);
    let marked: string | undefined;
    for (let i = data.indexOf(MARKER); i >= 0; i = data.indexOf(MARKER)) {
      const end = data.indexOf('\n', i);
      marked = data.slice(i + MARKER.length, end);
      // Output without a final newline still ends its line before END.
      data = data.slice(0, i) + (i > 0 && data[i - 1] !== '\n' ? '\n' : '') + data.slice(end + 1);
    }
    this.append(data);
    const cur = this.cur;
    if (marked !== undefined && cur && cur.input.requestId === marked) {
      cur.markerSeen = true;
      cur.onMarker?.();
    }
  }

  private flushPartial(cur: Current): void {
    if (!this.partial) return;
    cur.log += this.partial + '\n';
    this.partial = '';
  }

  private append(text: string): void {
    if (!text) return;
    const cur = this.cur;
    if (!cur) {
      this.pendingLog = capped(this.pendingLog + text);
      return;
    }
    cur.log += text;
    if (cur.log.length > MAX_INVOCATION_LOG) cur.log = capped(cur.log);
  }
}

function capped(log: string): string {
  return log.length > MAX_INVOCATION_LOG ? log.slice(log.length - MAX_INVOCATION_LOG / 2) : log;
}

/** An X-Ray trace header (one random UUID's worth of hex: cheap on the hot path). */
function traceId(): string {
  const hex = randomUUID().replace(/-/g, '');
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${hex.slice(0, 24)};Parent=${hex.slice(16)};Sampled=0`;
}

export function errorPayload(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}

export function runtimeError(requestId: string, errorType: string, reason: string): Buffer {
  return errorPayload(errorType, `RequestId: ${requestId} Error: ${reason}`);
}

/**
 * Warm environments per version record, and the number of busy environments per function (the
 * function's concurrency in use).
 */
export class EnvironmentPool {
  private readonly idle = new Map<VersionRecord, Environment[]>();
  private readonly busy = new Map<FunctionRecord, number>();
  private readonly retired = new WeakSet<VersionRecord>();
  private readonly all = new Set<Environment>();
  private readonly waiters = new Map<FunctionRecord, (() => void)[]>();

  constructor(
    private readonly cloud: Cloud,
    private readonly api: RuntimeApi,
    private readonly onLog: (fn: FunctionRecord, text: string) => void,
  ) {}

  inUse(fn: FunctionRecord): number {
    return this.busy.get(fn) ?? 0;
  }

  /** A warm or new environment, or undefined when the function is at its concurrency limit. */
  async acquire(fn: FunctionRecord, record: VersionRecord, launch: Launch, limit: number): Promise<Environment | undefined> {
    if (this.inUse(fn) >= limit) return undefined;
    this.busy.set(fn, this.inUse(fn) + 1);
    const list = this.idle.get(record);
    while (list?.length) {
      const env = list.pop()!;
      if (!env.alive) continue;
      if (env.idleTimer) clearTimeout(env.idleTimer);
      env.idleTimer = undefined;
      return env;
    }
    try {
      const address = await this.api.address();
      const env = new Environment(fn, record, launch, { api: this.api, onLog: this.onLog, onExit: (e) => this.forget(e) });
      this.all.add(env);
      env.start(address, this.cloud.endpoint);
      return env;
    } catch (err) {
      this.done(fn);
      throw err;
    }
  }

  /** Returns a busy environment after its invocation. */
  release(env: Environment): void {
    this.done(env.fn);
    if (!env.alive) return;
    if (this.retired.has(env.record)) return env.kill();
    let list = this.idle.get(env.record);
    if (!list) this.idle.set(env.record, (list = []));
    list.push(env);
    env.idleTimer = setTimeout(() => env.kill(), IDLE_MS);
    env.idleTimer.unref();
  }

  /** Resolves when one of the function's environments is released (for queued async events). */
  whenFree(fn: FunctionRecord): Promise<void> {
    return new Promise((resolve) => {
      let list = this.waiters.get(fn);
      if (!list) this.waiters.set(fn, (list = []));
      list.push(resolve);
    });
  }

  /** The record is no longer current ($LATEST changed, function deleted): drop its environments. */
  retire(record: VersionRecord): void {
    this.retired.add(record);
    for (const env of this.idle.get(record) ?? []) env.kill();
    this.idle.delete(record);
  }

  /** Wakes async events parked on a concurrency change. */
  wake(fn: FunctionRecord): void {
    const list = this.waiters.get(fn);
    if (!list?.length) return;
    this.waiters.delete(fn);
    for (const w of list) w();
  }

  async stop(): Promise<void> {
    for (const env of this.all) env.kill();
    this.all.clear();
    this.idle.clear();
    await this.api.stop();
  }

  private done(fn: FunctionRecord): void {
    const n = this.inUse(fn) - 1;
    if (n > 0) this.busy.set(fn, n);
    else this.busy.delete(fn);
    // Every waiter retries: one wins the slot, the others wait again (a waiter may be gone).
    this.wake(fn);
  }

  private forget(env: Environment): void {
    this.all.delete(env);
    const list = this.idle.get(env.record);
    if (list) {
      const i = list.indexOf(env);
      if (i >= 0) list.splice(i, 1);
    }
  }
}
