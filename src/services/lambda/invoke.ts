/**
 * Running invocations: synchronous ones answer as AWS does (status 200, `Unhandled` function
 * errors, the log tail); asynchronous ones queue, retry on the shared clock (one minute, then two,
 * up to MaximumRetryAttempts), drop after MaximumEventAgeInSeconds, and report to destinations.
 */
import type { Cloud } from '../../core/cloud.js';
import { AwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import type { DestinationConfig } from '../../generated/lambda.types.js';
import { deliverRecord, deliverToDeadLetter } from './destinations.js';
import { errorPayload, type EnvironmentPool } from './environments.js';
import { isProblem, launchFor, type Launch, type LaunchProblem } from './launch.js';
import { functionArn } from './names.js';
import type { FunctionRecord, LambdaStore, VersionRecord } from './store.js';

/** Concurrency of an account (GetAccountSettings reports it). */
export const ACCOUNT_CONCURRENCY = 1000;
export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD = 256 * 1024;
const LOG_TAIL_BYTES = 4096;
/**
 * Queued (Event) invocations of one function run in at most this many environments at once, so
 * a burst of events does not start hundreds of local processes; the rest wait their turn.
 */
export const MAX_ASYNC_ENVIRONMENTS = 8;

export interface Target {
  fn: FunctionRecord;
  record: VersionRecord;
  /** The ARN the caller used (qualified when a qualifier was given). */
  invokedArn: string;
  /** Qualifier whose event invoke config applies ($LATEST, a version or an alias). */
  configQualifier: string;
}

export interface InvokeResult {
  statusCode: number;
  functionError?: 'Unhandled';
  payload: Buffer;
  executedVersion: string;
  /** Base64 of the last 4 KB of the invocation's log (LogType Tail). */
  logTail?: string;
  requestId: string;
}

interface Attempt {
  ok: boolean;
  payload: Buffer;
  log: string;
}

export class Invoker {
  private readonly pending = new Set<Promise<void>>();
  private readonly launches = new WeakMap<VersionRecord, Launch | LaunchProblem>();
  private stopped = false;

  constructor(
    private readonly cloud: Cloud,
    private readonly store: LambdaStore,
    private readonly pool: EnvironmentPool,
    private readonly invokeAsync: (arn: string, payload: Buffer) => Promise<unknown>,
  ) {}

  async sync(t: Target, payload: Buffer, opts: { tail?: boolean; clientContext?: string; requestId?: string } = {}): Promise<InvokeResult> {
    if (payload.length > MAX_SYNC_PAYLOAD) throw new AwsError('RequestTooLargeException', `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation`, 413);
    checkJson(payload);
    const requestId = opts.requestId ?? uuid();
    const attempt = await this.attempt(t, payload, requestId, opts.clientContext);
    if (attempt === 'throttled')
      throw new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429, { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
    const result: InvokeResult = { statusCode: 200, payload: attempt.payload, executedVersion: t.record.version, requestId };
    if (!attempt.ok) result.functionError = 'Unhandled';
    if (opts.tail) result.logTail = tailOf(attempt.log);
    return result;
  }

  /** Queues an Event invocation; resolves with its request id once accepted. */
  event(t: Target, payload: Buffer): InvokeResult {
    if (payload.length > MAX_ASYNC_PAYLOAD) throw new AwsError('RequestTooLargeException', `Request must be smaller than ${MAX_ASYNC_PAYLOAD} bytes for the InvokeFunction operation`, 413);
    checkJson(payload);
    const requestId = uuid();
    const p: Promise<void> = this.runEvent(t, payload, requestId)
      .catch((err) => this.cloud.logger.error('lambda async invocation failed in Nimbus', { error: String((err as Error)?.stack ?? err) }))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
    return { statusCode: 202, payload: Buffer.alloc(0), executedVersion: t.record.version, requestId };
  }

  /** Resolves once no asynchronous invocation is queued or running. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  stop(): void {
    this.stopped = true;
  }

  /** One run of the function; `queued` events share a smaller local pool (see MAX_ASYNC_ENVIRONMENTS). */
  private async attempt(t: Target, payload: Buffer, requestId: string, clientContext?: string, queued = false): Promise<Attempt | 'throttled'> {
    const { fn, record } = t;
    await fn.ready;
    let launch = this.launches.get(record);
    if (!launch) this.launches.set(record, (launch = launchFor(record, this.store.optDir(record))));
    if (isProblem(launch)) {
      if (launch.kind === 'service') throw new AwsError('InvalidRuntimeException', launch.message, 502);
      const body = errorPayload(launch.errorType, `RequestId: ${requestId} Error: ${launch.message}`);
      return { ok: false, payload: body, log: `START RequestId: ${requestId} Version: ${record.version}\n${launch.errorType}: ${launch.message}\nEND RequestId: ${requestId}\n` };
    }
    const limit = Math.min(fn.reserved ?? ACCOUNT_CONCURRENCY, queued ? MAX_ASYNC_ENVIRONMENTS : ACCOUNT_CONCURRENCY);
    const env = await this.pool.acquire(fn, record, launch, limit);
    if (!env) return 'throttled';
    try {
      return await env.invoke({ requestId, payload: payload.length ? payload : EMPTY_EVENT, invokedArn: t.invokedArn, clientContext, timeoutMs: (record.config.Timeout ?? 3) * 1000 });
    } finally {
      this.pool.release(env);
    }
  }

  private async runEvent(t: Target, payload: Buffer, requestId: string): Promise<void> {
    const { fn } = t;
    const clock = this.cloud.clock;
    const queued = clock.now();
    let attempts = 0;
    for (;;) {
      // Events of a deleted function (or a stopped Nimbus) are dropped.
      if (this.stopped || this.store.get(fn.account, fn.region, fn.name) !== fn) return;
      const cfg = fn.eventInvokeConfigs.get(t.configQualifier);
      const maxAgeMs = (cfg?.MaximumEventAgeInSeconds ?? 21_600) * 1000;
      const maxRetries = cfg?.MaximumRetryAttempts ?? 2;
      const left = queued + maxAgeMs - clock.now();
      if (left <= 0) return this.report(t, payload, requestId, attempts, 'EventAgeExceeded', undefined, cfg?.DestinationConfig);
      let attempt: Attempt | 'throttled';
      try {
        attempt = await this.attempt(t, payload, attempts ? uuid() : requestId, undefined, true);
      } catch (err) {
        // The runtime is missing locally: no retry can help.
        const message = (err as Error).message;
        this.cloud.logger.warn('lambda async invocation cannot run', { function: fn.name, error: message });
        attempt = { ok: false, payload: errorPayload('InvalidRuntimeException', message), log: '' };
        attempts = maxRetries;
      }
      if (attempt === 'throttled') {
        // Throttled events wait for capacity without spending an attempt.
        const ctl = new AbortController();
        await Promise.race([this.pool.whenFree(fn), clock.sleep(left, ctl.signal).catch(() => undefined)]);
        ctl.abort();
        continue;
      }
      attempts++;
      if (attempt.ok) return this.report(t, payload, requestId, attempts, 'Success', attempt, cfg?.DestinationConfig);
      if (attempts > maxRetries) return this.report(t, payload, requestId, attempts, 'RetriesExhausted', attempt, cfg?.DestinationConfig);
      await clock.sleep(Math.min(attempts === 1 ? 60_000 : 120_000, Math.max(0, queued + maxAgeMs - clock.now())));
    }
  }

  private async report(t: Target, payload: Buffer, requestId: string, attempts: number, condition: 'Success' | 'RetriesExhausted' | 'EventAgeExceeded', attempt: Attempt | undefined, destinations: DestinationConfig | undefined): Promise<void> {
    if (this.stopped) return;
    const success = condition === 'Success';
    const destination = success ? destinations?.OnSuccess?.Destination : destinations?.OnFailure?.Destination;
    const { fn, record } = t;
    if (destination) {
      const rec: Record<string, unknown> = {
        version: '1.0',
        timestamp: new Date(this.cloud.clock.now()).toISOString(),
        requestContext: { requestId, functionArn: functionArn(fn.region, fn.account, fn.name, t.configQualifier), condition, approximateInvokeCount: attempts },
        requestPayload: parseOr(payload),
      };
      if (attempt) {
        rec.responseContext = { statusCode: 200, executedVersion: record.version, ...(attempt.ok ? {} : { functionError: 'Unhandled' }) };
        rec.responsePayload = parseOr(attempt.payload);
      }
      await this.deliver(() => deliverRecord(this.cloud, destination, rec, success, this.invokeAsync), destination);
    }
    const dlq = record.config.DeadLetterConfig?.TargetArn;
    if (!success && dlq) {
      const error = attempt ? parseOr(attempt.payload) : undefined;
      const message = typeof error === 'object' && error && 'errorMessage' in error ? String((error as { errorMessage: unknown }).errorMessage) : condition;
      await this.deliver(() => deliverToDeadLetter(this.cloud, dlq, payload.toString('utf8'), { RequestID: requestId, ErrorCode: '200', ErrorMessage: message }), dlq);
    }
  }

  private async deliver(send: () => Promise<unknown>, destination: string): Promise<void> {
    try {
      await send();
    } catch (err) {
      this.cloud.logger.warn('lambda could not deliver to a destination', { destination, error: (err as Error).message });
    }
  }
}

const EMPTY_EVENT = Buffer.from('{}');

function checkJson(payload: Buffer): void {
  if (!payload.length) return;
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new AwsError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`);
  }
}

function parseOr(payload: Buffer): unknown {
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function tailOf(log: string): string {
  const bytes = Buffer.from(log);
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString('base64');
}
