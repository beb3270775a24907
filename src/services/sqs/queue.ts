/**
 * One queue's messages and delivery semantics.
 *
 * Standard queues hand out messages from a ready list (entries whose message is no longer visible
 * are skipped). FIFO queues keep each message group in send order and a list of groups that can
 * deliver: a group delivers only while none of its messages is in flight. Every wait (delays,
 * visibility timeouts, retention, long polls) is a timer on the Nimbus clock; a long poll is a
 * waiter served as soon as a message becomes available, never a polling loop.
 */
import { createHash } from 'node:crypto';
import type { Clock, TimerHandle } from '../../core/clock.js';
import { randomHex, uuid } from '../../core/ids.js';
import type { RedriveAllowPolicy, RedrivePolicy } from './attributes.js';
import { parseRedriveAllowPolicy, parseRedrivePolicy } from './attributes.js';
import { invalidParameter, receiptHandleExpired, receiptHandleIsInvalid, receiptHandleOfOtherQueue } from './errors.js';
import {
  STATE_DELAYED,
  STATE_GONE,
  STATE_INFLIGHT,
  STATE_VISIBLE,
  type OutgoingMessage,
  type StoredMessage,
} from './messages.js';
import { queueArn } from './urls.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HANDLE_UID = /^[0-9a-f]{12}$/;

/** FIFO deduplication interval and ReceiveRequestAttemptId lifetime. */
export const DEDUPLICATION_WINDOW_MS = 5 * 60_000;
/** Longest a message can stay in flight after it was received. */
export const MAX_VISIBILITY_SECONDS = 43_200;

export interface Received {
  message: StoredMessage;
  receiptHandle: string;
  /** ApproximateReceiveCount as of this receive. */
  receiveCount: number;
}

export interface ReceiveRequest {
  max: number;
  visibilityMs: number;
  waitMs: number;
  attemptId?: string;
  signal?: AbortSignal;
}

export interface QueueEnv {
  clock: Clock;
  /** A queue of the same Nimbus by ARN (dead-letter targets). */
  findQueue(arn: string): Queue | undefined;
}

export interface QueueInit {
  account: string;
  region: string;
  name: string;
  fifo: boolean;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

const groupKey = (m: { groupId?: string }): string => m.groupId ?? '';

interface Group {
  id: string;
  /** The group's messages in sequence order from `head` (gone ones are skipped). */
  msgs: StoredMessage[];
  head: number;
  live: number;
  inflight: number;
  /** Whether it sits in the available list. */
  queued: boolean;
}

interface Waiter {
  max: number;
  visibilityMs: number;
  finish(received: Received[]): void;
}

interface DedupEntry {
  id: string;
  sequenceNumber?: string;
  expiresAt: number;
}

interface Attempt {
  at: number;
  items: { message: StoredMessage; receiveCount: number }[];
}

export class Queue {
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly createdAt: number;
  lastModifiedAt: number;
  lastPurgeAt = -Infinity;
  deleted = false;
  /** Settable attributes, normalised (defaults included). */
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;

  visibilityMs = 30_000;
  delayMs = 0;
  retentionMs = 345_600_000;
  waitSeconds = 0;
  maximumMessageSize = 0;
  contentBasedDeduplication = false;
  dedupByGroup = false;
  redrivePolicy: RedrivePolicy | undefined;
  redriveAllowPolicy: RedriveAllowPolicy | undefined;

  /** Distinguishes receipt handles of this queue from those of others (and of a deleted namesake). */
  private readonly uid = randomHex(6);
  private readonly clock: Clock;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly counts = [0, 0, 0, 0];
  private ready: (StoredMessage | undefined)[] = [];
  private readyHead = 0;
  private readonly groups = new Map<string, Group>();
  private available: (Group | undefined)[] = [];
  private availableHead = 0;
  private waiters: Waiter[] = [];
  private pumpScheduled = false;
  private readonly dedup = new Map<string, DedupEntry>();
  private readonly attempts = new Map<string, Attempt>();
  private sequenceBase: bigint;
  private sequenceCount = 0n;
  private retentionTimer: TimerHandle | undefined;
  /**
   * Messages sit in `messages` in arrival order, which is retention order unless a moved message
   * kept an older retention start; then expiry scans them all.
   */
  private retentionUnordered = false;
  private newestRetainFrom = -Infinity;

  constructor(
    init: QueueInit,
    private readonly env: QueueEnv,
  ) {
    this.clock = env.clock;
    this.account = init.account;
    this.region = init.region;
    this.name = init.name;
    this.fifo = init.fifo;
    this.arn = queueArn(init.region, init.account, init.name);
    this.createdAt = this.lastModifiedAt = this.clock.now();
    this.sequenceBase = BigInt(this.createdAt) * 10_000_000n;
    this.attributes = init.attributes;
    this.tags = init.tags;
    this.derive();
  }

  get visibleCount(): number {
    return this.counts[STATE_VISIBLE];
  }

  get inflightCount(): number {
    return this.counts[STATE_INFLIGHT];
  }

  get delayedCount(): number {
    return this.counts[STATE_DELAYED];
  }

  /** Applies normalised attribute changes (an empty value removes the attribute). */
  setAttributes(changes: Record<string, string>): void {
    const retention = this.retentionMs;
    for (const [k, v] of Object.entries(changes)) {
      if (v === '') delete this.attributes[k];
      else this.attributes[k] = v;
    }
    this.derive();
    this.lastModifiedAt = this.clock.now();
    if (this.retentionMs !== retention) this.rearmRetention();
  }

  private derive(): void {
    const a = this.attributes;
    this.visibilityMs = Number(a.VisibilityTimeout) * 1000;
    this.delayMs = Number(a.DelaySeconds) * 1000;
    this.retentionMs = Number(a.MessageRetentionPeriod) * 1000;
    this.waitSeconds = Number(a.ReceiveMessageWaitTimeSeconds);
    this.maximumMessageSize = Number(a.MaximumMessageSize);
    this.contentBasedDeduplication = a.ContentBasedDeduplication === 'true';
    this.dedupByGroup = a.DeduplicationScope === 'messageGroup';
    this.redrivePolicy = a.RedrivePolicy ? parseRedrivePolicy(a.RedrivePolicy) : undefined;
    this.redriveAllowPolicy = a.RedriveAllowPolicy ? parseRedriveAllowPolicy(a.RedriveAllowPolicy) : undefined;
  }

  // ------------------------------------------------------------------------------------------
  // Sending

  /** Enqueues a validated message; a FIFO duplicate within the window answers the original's ids. */
  send(o: OutgoingMessage): { id: string; sequenceNumber?: string } {
    const now = this.clock.now();
    if (!this.fifo) {
      const m = this.insert(o, { id: uuid(), sentAt: now, retainFrom: now }, o.delaySeconds !== undefined ? o.delaySeconds * 1000 : this.delayMs);
      return { id: m.id };
    }
    for (const [key, e] of this.dedup) {
      if (e.expiresAt > now) break;
      this.dedup.delete(key);
    }
    const dedupId = o.dedupId ?? createHash('sha256').update(o.body).digest('hex');
    const key = this.dedupByGroup ? `${o.groupId}\n${dedupId}` : dedupId;
    const seen = this.dedup.get(key);
    if (seen) return { id: seen.id, sequenceNumber: seen.sequenceNumber };
    const m = this.insert({ ...o, dedupId }, { id: uuid(), sentAt: now, retainFrom: now }, this.delayMs);
    this.dedup.set(key, { id: m.id, sequenceNumber: m.sequenceNumber, expiresAt: now + DEDUPLICATION_WINDOW_MS });
    return { id: m.id, sequenceNumber: m.sequenceNumber };
  }

  /** Takes in a message moved from another queue (dead-letter moves, message move tasks). */
  adopt(source: StoredMessage, opts: { deadLetterSourceArn?: string; keepReceives: boolean; retainFrom: number }): void {
    const id = this.messages.has(source.id) ? uuid() : source.id;
    const m = this.insert(
      {
        body: source.body,
        md5OfBody: source.md5OfBody,
        attributes: source.attributes,
        md5OfAttributes: source.md5OfAttributes,
        systemAttributes: source.systemAttributes,
        md5OfSystemAttributes: source.md5OfSystemAttributes,
        senderId: source.senderId,
        groupId: source.groupId,
        dedupId: source.dedupId,
      },
      { id, sentAt: source.sentAt, retainFrom: opts.retainFrom, deadLetterSourceArn: opts.deadLetterSourceArn },
      0,
    );
    if (opts.keepReceives) {
      m.receiveCount = source.receiveCount;
      m.firstReceiveAt = source.firstReceiveAt;
    }
  }

  private insert(
    o: Omit<OutgoingMessage, 'delaySeconds' | 'size'>,
    meta: { id: string; sentAt: number; retainFrom: number; deadLetterSourceArn?: string },
    delayMs: number,
  ): StoredMessage {
    const now = this.clock.now();
    const fifoGroup = this.fifo ? groupKey(o) : undefined;
    const m: StoredMessage = {
      id: meta.id,
      body: o.body,
      md5OfBody: o.md5OfBody,
      attributes: o.attributes,
      md5OfAttributes: o.md5OfAttributes,
      systemAttributes: o.systemAttributes,
      md5OfSystemAttributes: o.md5OfSystemAttributes,
      senderId: o.senderId,
      sentAt: meta.sentAt,
      groupId: o.groupId,
      dedupId: o.dedupId,
      sequenceNumber: this.fifo ? (this.sequenceBase + ++this.sequenceCount).toString() : undefined,
      deadLetterSourceArn: meta.deadLetterSourceArn,
      retainFrom: meta.retainFrom,
      receiveCount: 0,
      firstReceiveAt: 0,
      lastReceiveAt: 0,
      state: delayMs > 0 ? STATE_DELAYED : STATE_VISIBLE,
      visibleAt: now + delayMs,
      timer: undefined,
      inReady: false,
    };
    if (m.retainFrom < this.newestRetainFrom) this.retentionUnordered = true;
    else this.newestRetainFrom = m.retainFrom;
    this.messages.set(m.id, m);
    this.counts[m.state]++;
    let group: Group | undefined;
    if (fifoGroup !== undefined) {
      group = this.groups.get(fifoGroup);
      if (!group) {
        group = { id: fifoGroup, msgs: [], head: 0, live: 0, inflight: 0, queued: false };
        this.groups.set(fifoGroup, group);
      }
      group.msgs.push(m);
      group.live++;
    }
    if (m.state === STATE_DELAYED) m.timer = this.clock.at(m.visibleAt, () => this.reveal(m));
    else if (group) this.checkGroup(group);
    else this.pushReady(m);
    if (!this.retentionTimer) this.armRetention();
    this.schedulePump();
    return m;
  }

  // ------------------------------------------------------------------------------------------
  // Receiving

  receive(req: ReceiveRequest): Received[] | Promise<Received[]> {
    const now = this.clock.now();
    if (req.attemptId !== undefined && this.fifo) {
      const replay = this.replayAttempt(req.attemptId, req.visibilityMs, now);
      if (replay) return replay;
    }
    const out: Received[] = [];
    this.take(req.max, req.visibilityMs, now, out);
    if (out.length || req.waitMs <= 0 || this.deleted || req.signal?.aborted) {
      if (req.attemptId !== undefined && this.fifo) this.recordAttempt(req.attemptId, out, now);
      return out;
    }
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const finish = (got: Received[]) => {
        this.clock.clear(timer);
        req.signal?.removeEventListener('abort', drop);
        if (req.attemptId !== undefined && this.fifo) this.recordAttempt(req.attemptId, got, this.clock.now());
        resolve(got);
      };
      const w: Waiter = { max: req.max, visibilityMs: req.visibilityMs, finish };
      const drop = () => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          finish([]);
        }
      };
      timer = this.clock.setTimeout(drop, req.waitMs);
      req.signal?.addEventListener('abort', drop, { once: true });
      this.waiters.push(w);
    });
  }

  private take(max: number, visibilityMs: number, now: number, out: Received[]): void {
    if (this.fifo) this.takeFifo(max, visibilityMs, now, out);
    else this.takeStandard(max, visibilityMs, now, out);
  }

  private takeStandard(max: number, visibilityMs: number, now: number, out: Received[]): void {
    while (out.length < max) {
      const m = this.popReady();
      if (!m) return;
      if (m.retainFrom + this.retentionMs <= now) this.remove(m);
      else if (!this.deadLetter(m)) out.push(this.deliver(m, visibilityMs, now));
    }
  }

  private takeFifo(max: number, visibilityMs: number, now: number, out: Received[]): void {
    while (out.length < max) {
      const g = this.popAvailableGroup();
      if (!g) return;
      const msgs = g.msgs;
      for (let i = g.head; i < msgs.length && out.length < max; i++) {
        const m = msgs[i];
        if (m.state === STATE_GONE) continue;
        if (m.state !== STATE_VISIBLE) break;
        if (m.retainFrom + this.retentionMs <= now) this.remove(m);
        else if (!this.deadLetter(m)) out.push(this.deliver(m, visibilityMs, now));
      }
    }
  }

  /** Moves a message that exhausted maxReceiveCount to the dead-letter queue; false to deliver it. */
  private deadLetter(m: StoredMessage): boolean {
    const policy = this.redrivePolicy;
    if (!policy || m.receiveCount < policy.maxReceiveCount) return false;
    const dlq = this.env.findQueue(policy.deadLetterTargetArn);
    if (!dlq || dlq.deleted || dlq === this) return false;
    this.remove(m);
    // Standard dead-letter queues keep the original enqueue time for retention; FIFO ones restart it.
    dlq.adopt(m, { deadLetterSourceArn: this.arn, keepReceives: true, retainFrom: dlq.fifo ? this.clock.now() : m.retainFrom });
    return true;
  }

  private deliver(m: StoredMessage, visibilityMs: number, now: number): Received {
    this.counts[m.state]--;
    m.state = STATE_INFLIGHT;
    this.counts[STATE_INFLIGHT]++;
    if (this.fifo) this.groups.get(groupKey(m))!.inflight++;
    m.receiveCount++;
    if (!m.firstReceiveAt) m.firstReceiveAt = now;
    m.lastReceiveAt = now;
    this.hide(m, now + visibilityMs);
    return { message: m, receiptHandle: this.receiptHandle(m), receiveCount: m.receiveCount };
  }

  private hide(m: StoredMessage, until: number): void {
    this.clock.clear(m.timer);
    m.visibleAt = until;
    m.timer = this.clock.at(until, () => this.reveal(m));
  }

  /** A delayed or in-flight message becomes visible. */
  private reveal(m: StoredMessage): void {
    this.clock.clear(m.timer);
    m.timer = undefined;
    if (m.state === STATE_GONE || m.state === STATE_VISIBLE) return;
    const group = this.fifo ? this.groups.get(groupKey(m))! : undefined;
    if (group && m.state === STATE_INFLIGHT) group.inflight--;
    this.counts[m.state]--;
    m.state = STATE_VISIBLE;
    this.counts[STATE_VISIBLE]++;
    if (group) this.checkGroup(group);
    else this.pushReady(m);
    this.schedulePump();
  }

  private replayAttempt(attemptId: string, visibilityMs: number, now: number): Received[] | undefined {
    for (const [key, a] of this.attempts) {
      if (a.at + DEDUPLICATION_WINDOW_MS > now) break;
      this.attempts.delete(key);
    }
    const a = this.attempts.get(attemptId);
    if (!a) return undefined;
    if (a.items.some((i) => i.message.state !== STATE_INFLIGHT || i.message.receiveCount !== i.receiveCount)) {
      this.attempts.delete(attemptId);
      return undefined;
    }
    return a.items.map(({ message }) => {
      this.hide(message, now + visibilityMs);
      return { message, receiptHandle: this.receiptHandle(message), receiveCount: message.receiveCount };
    });
  }

  private recordAttempt(attemptId: string, got: Received[], now: number): void {
    if (!got.length) return;
    this.attempts.delete(attemptId);
    this.attempts.set(attemptId, { at: now, items: got.map((r) => ({ message: r.message, receiveCount: r.receiveCount })) });
  }

  // ------------------------------------------------------------------------------------------
  // Ready list (standard) and available groups (FIFO)

  private pushReady(m: StoredMessage): void {
    if (m.inReady) return;
    m.inReady = true;
    this.ready.push(m);
  }

  private popReady(): StoredMessage | undefined {
    const m = this.peekReady();
    if (m) {
      this.ready[this.readyHead++] = undefined;
      m.inReady = false;
      // Under a standing backlog the list never drains: drop the consumed prefix now and then.
      if (this.readyHead > 4096 && this.readyHead * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.readyHead);
        this.readyHead = 0;
      }
    }
    return m;
  }

  private peekReady(): StoredMessage | undefined {
    const ready = this.ready;
    while (this.readyHead < ready.length) {
      const m = ready[this.readyHead]!;
      if (m.state === STATE_VISIBLE) return m;
      ready[this.readyHead++] = undefined;
      m.inReady = false;
    }
    if (this.readyHead) {
      this.ready = [];
      this.readyHead = 0;
    }
    return undefined;
  }

  /** Queues a FIFO group for delivery when nothing of it is in flight and its head is visible. */
  private checkGroup(g: Group): void {
    if (g.queued || g.inflight > 0) return;
    while (g.head < g.msgs.length && g.msgs[g.head].state === STATE_GONE) g.head++;
    if (g.head < g.msgs.length && g.msgs[g.head].state === STATE_VISIBLE) {
      g.queued = true;
      this.available.push(g);
    }
  }

  private peekAvailableGroup(): Group | undefined {
    const list = this.available;
    while (this.availableHead < list.length) {
      const g = list[this.availableHead]!;
      if (this.groups.get(g.id) === g && g.inflight === 0) {
        while (g.head < g.msgs.length && g.msgs[g.head].state === STATE_GONE) g.head++;
        if (g.head < g.msgs.length && g.msgs[g.head].state === STATE_VISIBLE) return g;
      }
      list[this.availableHead++] = undefined;
      g.queued = false;
    }
    if (this.availableHead) {
      this.available = [];
      this.availableHead = 0;
    }
    return undefined;
  }

  private popAvailableGroup(): Group | undefined {
    const g = this.peekAvailableGroup();
    if (!g) return undefined;
    this.available[this.availableHead++] = undefined;
    g.queued = false;
    if (this.availableHead > 4096 && this.availableHead * 2 > this.available.length) {
      this.available = this.available.slice(this.availableHead);
      this.availableHead = 0;
    }
    if (g.head > 64 && g.head * 2 > g.msgs.length) {
      g.msgs = g.msgs.slice(g.head);
      g.head = 0;
    }
    return g;
  }

  private hasAvailable(): boolean {
    return this.fifo ? this.peekAvailableGroup() !== undefined : this.peekReady() !== undefined;
  }

  private schedulePump(): void {
    if (this.pumpScheduled || !this.waiters.length) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Serves waiting long polls, oldest first, while messages are available. */
  private pump(): void {
    while (this.waiters.length && this.hasAvailable()) {
      const w = this.waiters.shift()!;
      const got: Received[] = [];
      this.take(w.max, w.visibilityMs, this.clock.now(), got);
      if (!got.length) {
        this.waiters.unshift(w);
        return;
      }
      w.finish(got);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Receipt handles, deletes and visibility changes

  private receiptHandle(m: StoredMessage): string {
    return Buffer.from(`${this.uid}:${m.id}:${m.receiveCount}`).toString('base64');
  }

  private decodeHandle(handle: string): { message: StoredMessage | undefined; receiveCount: number } {
    const parts = (BASE64.test(handle) ? Buffer.from(handle, 'base64').toString('latin1') : '').split(':');
    if (parts.length !== 3 || !HANDLE_UID.test(parts[0]) || !/^\d+$/.test(parts[2])) throw receiptHandleIsInvalid(handle);
    if (parts[0] !== this.uid) throw receiptHandleOfOtherQueue(handle);
    return { message: this.messages.get(parts[1]), receiveCount: Number(parts[2]) };
  }

  /**
   * Deletes by receipt handle. Standard queues accept any handle ever issued for the message; FIFO
   * queues only the one from the current receive, as AWS does.
   */
  deleteMessage(handle: string): void {
    const { message: m, receiveCount } = this.decodeHandle(handle);
    if (!m) return;
    if (this.fifo && (m.state !== STATE_INFLIGHT || m.receiveCount !== receiveCount)) throw receiptHandleExpired(handle);
    this.remove(m);
  }

  changeVisibility(handle: string, seconds: number): void {
    const { message: m, receiveCount } = this.decodeHandle(handle);
    if (!m || m.state === STATE_DELAYED || !m.receiveCount)
      throw invalidParameter('ReceiptHandle', handle, 'Message does not exist or is not available for visibility timeout change.');
    if (this.fifo && (m.state !== STATE_INFLIGHT || m.receiveCount !== receiveCount)) throw receiptHandleExpired(handle);
    const now = this.clock.now();
    if (now + seconds * 1000 - m.lastReceiveAt > MAX_VISIBILITY_SECONDS * 1000)
      throw invalidParameter('VisibilityTimeout', seconds, `Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_SECONDS} seconds]`);
    if (m.state === STATE_VISIBLE) {
      // Standard queues let an expired handle hide its message again; its ready entry goes stale.
      this.counts[STATE_VISIBLE]--;
      m.state = STATE_INFLIGHT;
      this.counts[STATE_INFLIGHT]++;
    }
    if (seconds === 0) this.reveal(m);
    else this.hide(m, now + seconds * 1000);
  }

  private remove(m: StoredMessage): void {
    if (m.state === STATE_GONE) return;
    this.clock.clear(m.timer);
    m.timer = undefined;
    const wasInflight = m.state === STATE_INFLIGHT;
    this.counts[m.state]--;
    m.state = STATE_GONE;
    this.messages.delete(m.id);
    if (!this.messages.size) this.resetRetentionOrder();
    if (!this.fifo) return;
    const g = this.groups.get(groupKey(m))!;
    if (wasInflight) g.inflight--;
    if (--g.live === 0) this.groups.delete(g.id);
    else if (!g.queued) {
      this.checkGroup(g);
      this.schedulePump();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Retention, purge, moves, deletion

  private armRetention(): void {
    if (this.retentionTimer || !this.messages.size) return;
    let oldest = Infinity;
    if (this.retentionUnordered) for (const m of this.messages.values()) oldest = Math.min(oldest, m.retainFrom);
    else oldest = this.messages.values().next().value!.retainFrom;
    this.retentionTimer = this.clock.at(oldest + this.retentionMs, () => {
      this.retentionTimer = undefined;
      this.expireRetained();
      this.armRetention();
    });
  }

  private rearmRetention(): void {
    this.clock.clear(this.retentionTimer);
    this.retentionTimer = undefined;
    this.expireRetained();
    this.armRetention();
  }

  private expireRetained(): void {
    const limit = this.clock.now() - this.retentionMs;
    const unordered = this.retentionUnordered;
    for (const m of this.messages.values()) {
      if (m.retainFrom <= limit) this.remove(m);
      else if (!unordered) break;
    }
  }

  /** Deletes every message (PurgeQueue). */
  purge(): void {
    for (const m of this.messages.values()) {
      this.clock.clear(m.timer);
      m.timer = undefined;
      m.state = STATE_GONE;
    }
    this.messages.clear();
    this.counts.fill(0);
    this.ready = [];
    this.readyHead = 0;
    this.groups.clear();
    this.available = [];
    this.availableHead = 0;
    this.attempts.clear();
    this.clock.clear(this.retentionTimer);
    this.retentionTimer = undefined;
    this.resetRetentionOrder();
  }

  private resetRetentionOrder(): void {
    this.retentionUnordered = false;
    this.newestRetainFrom = -Infinity;
  }

  /** Removes up to `max` visible messages, in delivery order, for a message move task. */
  takeForMove(max: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    if (!this.fifo) {
      while (out.length < max) {
        const m = this.popReady();
        if (!m) break;
        out.push(m);
        this.remove(m);
      }
      return out;
    }
    while (out.length < max) {
      const g = this.popAvailableGroup();
      if (!g) break;
      const batch: StoredMessage[] = [];
      for (let i = g.head; i < g.msgs.length && out.length + batch.length < max; i++) {
        const m = g.msgs[i];
        if (m.state === STATE_GONE) continue;
        if (m.state !== STATE_VISIBLE) break;
        batch.push(m);
      }
      for (const m of batch) {
        out.push(m);
        this.remove(m);
      }
    }
    return out;
  }

  /** DeleteQueue: drops every message and answers pending long polls with nothing. */
  destroy(): void {
    this.deleted = true;
    this.purge();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.finish([]);
  }
}
