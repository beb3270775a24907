/**
 * Every queue of one Nimbus, under (account, region, name), also found by ARN. In memory; the
 * handlers only use these methods, so a persistent store can replace it.
 */
import type { Clock } from '../../core/clock.js';
import { Queue, type QueueEnv, type QueueInit } from './queue.js';
import type { QueueRef } from './urls.js';

/** How long a deleted queue's name stays reserved (AWS: 60 seconds). */
export const NAME_RESERVED_AFTER_DELETE_MS = 60_000;

const keyOf = (account: string, region: string, name: string) => `${account}/${region}/${name}`;

export class SqsStore {
  private readonly queues = new Map<string, Queue>();
  private readonly byArn = new Map<string, Queue>();
  private readonly deletedAt = new Map<string, number>();
  private readonly env: QueueEnv;

  constructor(readonly clock: Clock) {
    this.env = { clock, findQueue: (arn) => this.byArn.get(arn) };
  }

  get(ref: QueueRef): Queue | undefined {
    return this.queues.get(keyOf(ref.account, ref.region, ref.name));
  }

  getByArn(arn: string): Queue | undefined {
    return this.byArn.get(arn);
  }

  create(init: QueueInit): Queue {
    const q = new Queue(init, this.env);
    this.queues.set(keyOf(q.account, q.region, q.name), q);
    this.byArn.set(q.arn, q);
    return q;
  }

  delete(q: Queue): void {
    const key = keyOf(q.account, q.region, q.name);
    if (this.queues.get(key) !== q) return;
    this.queues.delete(key);
    this.byArn.delete(q.arn);
    this.deletedAt.set(key, this.clock.now());
    q.destroy();
  }

  /** Whether a queue of this name was deleted less than 60 seconds ago. */
  recentlyDeleted(ref: QueueRef): boolean {
    const key = keyOf(ref.account, ref.region, ref.name);
    const at = this.deletedAt.get(key);
    if (at === undefined) return false;
    if (this.clock.now() - at < NAME_RESERVED_AFTER_DELETE_MS) return true;
    this.deletedAt.delete(key);
    return false;
  }

  /** Queues of one account and region, in creation order. */
  list(account: string, region: string): Queue[] {
    const out: Queue[] = [];
    for (const q of this.queues.values()) if (q.account === account && q.region === region) out.push(q);
    return out;
  }

  /** Queues whose RedrivePolicy names `dlq` as their dead-letter queue. */
  deadLetterSources(dlq: Queue): Queue[] {
    const out: Queue[] = [];
    for (const q of this.queues.values()) if (q.redrivePolicy?.deadLetterTargetArn === dlq.arn) out.push(q);
    return out;
  }

  stop(): void {
    for (const q of this.queues.values()) q.destroy();
    this.queues.clear();
    this.byArn.clear();
  }
}
