/**
 * Message move tasks (StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask): move the
 * messages of a dead-letter queue back to their source queues or to a chosen queue, at a fixed rate
 * on the Nimbus clock or, without one, in quick batches.
 */
import type { TimerHandle } from '../../core/clock.js';
import { AwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import type { ListMessageMoveTasksResultEntry } from '../../generated/sqs.types.js';
import { invalidParameter, invalidParameterValue } from './errors.js';
import type { Queue } from './queue.js';
import type { SqsStore } from './store.js';

type Status = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

interface MoveTask {
  id: string;
  handle: string;
  sourceArn: string;
  destinationArn?: string;
  rate?: number;
  status: Status;
  moved: number;
  toMove: number;
  startedAt: number;
  failureReason?: string;
  timer?: TimerHandle;
}

/** Messages moved per step when no rate is given ("system optimized"). */
const UNTHROTTLED_BATCH = 500;
const MAX_RATE = 500;
const KEPT_PER_SOURCE = 10;

const notFound = (parameter: string) => new AwsError('ResourceNotFoundException', `The resource that you specified for the ${parameter} parameter doesn't exist.`, 404);

export class MessageMoveTasks {
  private readonly bySource = new Map<string, MoveTask[]>();
  private readonly byId = new Map<string, MoveTask>();

  constructor(private readonly store: SqsStore) {}

  start(sourceArn: string, destinationArn: string | undefined, rate: number | undefined): string {
    const source = this.store.getByArn(sourceArn);
    if (!source) throw notFound('SourceArn');
    if (!this.store.deadLetterSources(source).length) throw invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
    if (destinationArn !== undefined) {
      const dest = this.store.getByArn(destinationArn);
      if (!dest) throw notFound('DestinationArn');
      if (dest === source) throw invalidParameterValue('Source queue and destination queue must be different.');
      if (dest.fifo !== source.fifo) throw invalidParameterValue('Source queue and destination queue must be of the same queue type.');
    }
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > MAX_RATE))
      throw invalidParameter('MaxNumberOfMessagesPerSecond', rate, `Must be between 1 and ${MAX_RATE}.`);
    const tasks = this.bySource.get(sourceArn) ?? [];
    if (tasks.some((t) => t.status === 'RUNNING' || t.status === 'CANCELLING'))
      throw invalidParameterValue('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    const id = uuid();
    const task: MoveTask = {
      id,
      handle: Buffer.from(JSON.stringify({ taskId: id, sourceArn })).toString('base64'),
      sourceArn,
      destinationArn,
      rate,
      status: 'RUNNING',
      moved: 0,
      toMove: source.visibleCount,
      startedAt: this.store.clock.now(),
    };
    tasks.unshift(task);
    for (const old of tasks.splice(KEPT_PER_SOURCE)) this.byId.delete(old.id);
    this.bySource.set(sourceArn, tasks);
    this.byId.set(id, task);
    this.schedule(task, 0);
    return task.handle;
  }

  list(sourceArn: string, maxResults: number | undefined): ListMessageMoveTasksResultEntry[] {
    if (!this.store.getByArn(sourceArn)) throw notFound('SourceArn');
    if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 10))
      throw invalidParameter('MaxResults', maxResults, 'Must be between 1 and 10.');
    return (this.bySource.get(sourceArn) ?? []).slice(0, maxResults ?? 1).map((t) => ({
      TaskHandle: t.status === 'RUNNING' ? t.handle : undefined,
      Status: t.status,
      SourceArn: t.sourceArn,
      DestinationArn: t.destinationArn,
      MaxNumberOfMessagesPerSecond: t.rate,
      ApproximateNumberOfMessagesMoved: t.moved,
      ApproximateNumberOfMessagesToMove: t.toMove,
      FailureReason: t.failureReason,
      StartedTimestamp: t.startedAt,
    }));
  }

  cancel(handle: string): number {
    let decoded: { taskId?: unknown; sourceArn?: unknown } | undefined;
    try {
      decoded = JSON.parse(Buffer.from(handle, 'base64').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    if (!decoded || typeof decoded.taskId !== 'string' || typeof decoded.sourceArn !== 'string')
      throw invalidParameterValue('Value for parameter TaskHandle is invalid.');
    if (!this.store.getByArn(decoded.sourceArn)) throw notFound('SourceArn');
    const task = this.byId.get(decoded.taskId);
    if (!task || task.sourceArn !== decoded.sourceArn || task.status !== 'RUNNING')
      throw new AwsError('ResourceNotFoundException', 'Task does not exist.', 404);
    this.store.clock.clear(task.timer);
    task.status = 'CANCELLED';
    return task.moved;
  }

  stop(): void {
    for (const t of this.byId.values()) this.store.clock.clear(t.timer);
  }

  private schedule(task: MoveTask, delayMs: number): void {
    task.timer = this.store.clock.setTimeout(() => this.step(task), delayMs);
  }

  private step(task: MoveTask): void {
    task.timer = undefined;
    if (task.status !== 'RUNNING') return;
    const source = this.store.getByArn(task.sourceArn);
    if (!source) return this.fail(task, 'AWS.SimpleQueueService.NonExistentQueue');
    const fixed = task.destinationArn !== undefined ? this.store.getByArn(task.destinationArn) : undefined;
    if (task.destinationArn !== undefined && !fixed) return this.fail(task, 'AWS.SimpleQueueService.NonExistentQueue');
    const want = Math.min(task.rate ?? UNTHROTTLED_BATCH, task.toMove - task.moved);
    const batch = want > 0 ? source.takeForMove(want) : [];
    const now = this.store.clock.now();
    for (let i = 0; i < batch.length; i++) {
      const m = batch[i];
      const dest: Queue | undefined = fixed ?? (m.deadLetterSourceArn ? this.store.getByArn(m.deadLetterSourceArn) : undefined);
      if (!dest) {
        // The unmoved messages go back where they were, so a failed task loses nothing.
        for (const back of batch.slice(i)) source.adopt(back, { deadLetterSourceArn: back.deadLetterSourceArn, keepReceives: true, retainFrom: back.retainFrom });
        return this.fail(task, 'AWS.SimpleQueueService.NonExistentQueue');
      }
      dest.adopt(m, { keepReceives: false, retainFrom: dest.fifo ? now : m.retainFrom });
      task.moved++;
    }
    if (batch.length < want || task.moved >= task.toMove) {
      task.status = 'COMPLETED';
      return;
    }
    this.schedule(task, task.rate ? 1000 : 0);
  }

  private fail(task: MoveTask, reason: string): void {
    task.status = 'FAILED';
    task.failureReason = reason;
  }
}
