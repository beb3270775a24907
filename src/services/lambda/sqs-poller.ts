/**
 * Delivery for SQS event source mappings. Each enabled mapping runs a loop that long-polls the queue
 * through SQS's in-process interface and gathers a batch (BatchSize, MaximumBatchingWindowInSeconds,
 * the invocation payload limit); for each batch it deletes messages no filter matches, invokes the
 * function synchronously (a few batches at once) and deletes what succeeded. Failed messages stay in
 * flight until their visibility timeout, so SQS's own redrive moves them to a dead-letter queue after
 * maxReceiveCount. FIFO ordering needs nothing here: SQS hands out a message group only while none
 * of its messages is in flight.
 */
import type { Message } from '../../generated/sqs.types.js';
import type { SqsReceiveOptions, SqsService } from '../sqs/types.js';
import { MAX_SYNC_PAYLOAD } from './invoke.js';
import type { LambdaCore } from './service.js';
import { filterInput, reportedFailures, sqsRecord, type SqsRecord } from './sqs-records.js';
import type { MappingRecord } from './store.js';

/** Batches of one mapping processed at once, unless ScalingConfig sets fewer (AWS starts with five pollers). */
const DEFAULT_CONCURRENCY = 5;
const LONG_POLL_SECONDS = 20;
const RECEIVE_MAX = 10;
/** A batch stops gathering once its records reach this size; larger batches are split to fit one invocation. */
const GATHER_LIMIT_BYTES = 5 * 1024 * 1024;
const ENVELOPE_BYTES = '{"Records":[]}'.length;
/** Pause after the queue or the function could not be reached, so a broken mapping does not spin. */
const RETRY_PAUSE_MS = 1000;

/** The running pollers of every mapping. */
export class SqsPollers {
  private readonly running = new Map<string, SqsPoller>();
  private closed = false;

  constructor(private readonly core: LambdaCore) {}

  /** Starts or stops the mapping's poller to match its state; `restart` picks up changed settings. */
  sync(m: MappingRecord, restart = false): void {
    const current = this.running.get(m.uuid);
    const wanted = !this.closed && m.enabled && m.state !== 'Creating' && m.state !== 'Deleting' && this.core.store.mappings.get(m.uuid) === m;
    if (current && (!wanted || restart)) {
      current.stop();
      this.running.delete(m.uuid);
    }
    if (wanted && (!current || restart)) {
      const p = new SqsPoller(this.core, m, () => this.closed);
      this.running.set(m.uuid, p);
      p.start();
    }
  }

  /** Stops every poller for good (service stop). */
  stop(): void {
    this.closed = true;
    for (const p of this.running.values()) p.stop();
    this.running.clear();
  }
}

interface Entry {
  record: SqsRecord;
  json: string;
}

class SqsPoller {
  private readonly ctl = new AbortController();
  private readonly awsRegion: string;

  constructor(
    private readonly core: LambdaCore,
    private readonly m: MappingRecord,
    private readonly closed: () => boolean,
  ) {
    this.awsRegion = m.eventSourceArn.split(':')[3];
  }

  start(): void {
    this.loop().catch((err) => this.core.cloud.logger.error('lambda sqs poller failed', { mapping: this.m.uuid, error: String((err as Error)?.stack ?? err) }));
  }

  stop(): void {
    this.ctl.abort();
  }

  /** One loop gathers batches (so batching windows fill); up to `concurrency` of them are processed at once. */
  private async loop(): Promise<void> {
    const sqs = await this.core.cloud.service<SqsService>('sqs');
    const signal = this.ctl.signal;
    const inFlight = new Set<Promise<void>>();
    while (!signal.aborted) {
      const concurrency = Math.min(DEFAULT_CONCURRENCY, this.m.scaling?.MaximumConcurrency ?? DEFAULT_CONCURRENCY);
      if (inFlight.size >= concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      let batch: Message[];
      try {
        batch = await this.gather(sqs, signal);
      } catch (err) {
        this.warn('cannot receive from the queue', err);
        await this.pause(signal);
        continue;
      }
      // A batch gathered as the mapping was disabled is still processed; at shutdown it is left to SQS.
      if (!batch.length || this.closed()) continue;
      const p: Promise<void> = this.process(sqs, batch)
        .catch((err) => this.warn('failed to process a batch', err))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  }

  private receiveOptions(max: number, waitSeconds: number, signal: AbortSignal): SqsReceiveOptions {
    return { maxMessages: Math.min(RECEIVE_MAX, max), waitSeconds, attributeNames: ['All'], messageAttributeNames: ['All'], signal };
  }

  /** One long poll, then more receives while the batching window, BatchSize and size limit allow. */
  private async gather(sqs: SqsService, signal: AbortSignal): Promise<Message[]> {
    const m = this.m;
    const batch = await sqs.receive(m.eventSourceArn, this.receiveOptions(m.batchSize, LONG_POLL_SECONDS, signal));
    if (!batch.length || m.batchingWindowSeconds === 0) return batch;
    const clock = this.core.cloud.clock;
    // The window runs from the first message, so an idle queue does not use it up.
    const deadline = clock.now() + m.batchingWindowSeconds * 1000;
    let bytes = 0;
    for (const msg of batch) bytes += approximateSize(msg);
    while (batch.length < m.batchSize && bytes < GATHER_LIMIT_BYTES && !signal.aborted) {
      const left = deadline - clock.now();
      if (left <= 0) break;
      // Ends this receive at the window's end or when the poller stops (one listener, removed after).
      const windowEnd = new AbortController();
      const end = () => windowEnd.abort();
      const timer = clock.setTimeout(end, left);
      signal.addEventListener('abort', end, { once: true });
      let more: Message[];
      try {
        const wait = Math.min(LONG_POLL_SECONDS, Math.ceil(left / 1000));
        more = await sqs.receive(m.eventSourceArn, this.receiveOptions(m.batchSize - batch.length, wait, windowEnd.signal));
      } catch (err) {
        this.warn('cannot receive from the queue', err);
        break;
      } finally {
        clock.clear(timer);
        signal.removeEventListener('abort', end);
      }
      for (const msg of more) {
        batch.push(msg);
        bytes += approximateSize(msg);
      }
    }
    return batch;
  }

  private async process(sqs: SqsService, batch: Message[]): Promise<void> {
    const m = this.m;
    const matchers = m.matchers;
    const entries: Entry[] = [];
    for (const msg of batch) {
      const record = sqsRecord(msg, m.eventSourceArn, this.awsRegion);
      if (matchers?.length) {
        const input = filterInput(record);
        // Messages no filter matches are deleted, as Lambda does for SQS sources.
        if (!matchers.some((p) => p.match(input))) {
          this.remove(sqs, record);
          continue;
        }
      }
      entries.push({ record, json: JSON.stringify(record) });
    }
    for (const chunk of chunks(entries)) await this.invoke(sqs, chunk);
  }

  private async invoke(sqs: SqsService, chunk: Entry[]): Promise<void> {
    const m = this.m;
    const payload = Buffer.from(`{"Records":[${chunk.map((e) => e.json).join(',')}]}`);
    let result;
    try {
      result = await this.core.invoke(m.functionArn, payload);
    } catch (err) {
      // Throttled, or the function is gone: the messages return to the queue after their visibility timeout.
      this.warn('cannot invoke the function', err);
      await this.pause(this.ctl.signal);
      return;
    }
    if (result.functionError) return;
    let failed: ReadonlySet<string> = NONE;
    if (m.responseTypes.includes('ReportBatchItemFailures')) {
      const reported = reportedFailures(result.payload, new Set(chunk.map((e) => e.record.messageId)));
      if (reported === 'all') {
        this.warn('the function returned an invalid batchItemFailures response; the whole batch failed', undefined);
        return;
      }
      failed = reported;
    }
    for (const e of chunk) if (!failed.has(e.record.messageId)) this.remove(sqs, e.record);
  }

  private remove(sqs: SqsService, r: SqsRecord): void {
    try {
      sqs.deleteMessage(this.m.eventSourceArn, r.receiptHandle);
    } catch (err) {
      // The receipt handle expired (the visibility timeout ran out) or the queue is gone.
      this.core.cloud.logger.debug('lambda sqs poller could not delete a message', { mapping: this.m.uuid, error: (err as Error).message });
    }
  }

  private pause(signal: AbortSignal): Promise<void> {
    return this.core.cloud.clock.sleep(RETRY_PAUSE_MS, signal).catch(() => undefined);
  }

  private warn(what: string, err: unknown): void {
    if (this.ctl.signal.aborted) return;
    this.core.cloud.logger.warn(`lambda event source mapping ${what}`, { mapping: this.m.uuid, queue: this.m.eventSourceArn, error: err === undefined ? undefined : (err as Error).message });
  }
}

const NONE: ReadonlySet<string> = new Set();

function approximateSize(m: Message): number {
  return (m.Body?.length ?? 0) + 1024;
}

/** Records split so that each invocation's payload stays within the synchronous limit. */
function* chunks(entries: Entry[]): Generator<Entry[]> {
  let chunk: Entry[] = [];
  let size = ENVELOPE_BYTES;
  for (const e of entries) {
    const n = Buffer.byteLength(e.json) + 1;
    if (chunk.length && size + n > MAX_SYNC_PAYLOAD) {
      yield chunk;
      chunk = [];
      size = ENVELOPE_BYTES;
    }
    chunk.push(e);
    size += n;
  }
  if (chunk.length) yield chunk;
}
