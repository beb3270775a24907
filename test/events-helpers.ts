/** Shared set-up of the EventBridge / Scheduler tests: clients, queues as targets, message polling, stubs. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { Handler } from '../src/services/types.js';
import { useNimbus } from './helpers.js';

/** Input a stubbed operation received. */
export type Recorded = Record<string, unknown>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function eventsTestbed() {
  const h = useNimbus();
  let eb: EventBridgeClient | undefined;
  let sq: SQSClient | undefined;
  let sc: SchedulerClient | undefined;
  let counter = 0;
  const originals = new Map<string, Handler | undefined>();
  const events = (): EventBridgeClient => (eb ??= new EventBridgeClient(h.config));
  const sqs = (): SQSClient => (sq ??= new SQSClient(h.config));
  const scheduler = (): SchedulerClient => (sc ??= new SchedulerClient(h.config));
  const unique = (prefix: string): string => `${prefix}-${++counter}`;

  /** A new queue: its URL and ARN. */
  async function queue(name = unique('q'), attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
    const url = (await sqs().send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
    const attrs = await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    return { url, arn: attrs.Attributes!.QueueArn! };
  }

  /** Waits (in real time; deliveries are asynchronous) until `count` messages arrived, and returns (and deletes) them. */
  async function messages(url: string, count = 1, timeoutMs = 3000): Promise<Message[]> {
    const got: Message[] = [];
    const deadline = Date.now() + timeoutMs;
    while (got.length < count && Date.now() < deadline) {
      const r = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 600, MessageAttributeNames: ['All'], AttributeNames: ['All'] }));
      for (const m of r.Messages ?? []) await sqs().send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
      got.push(...(r.Messages ?? []));
      if (got.length < count) await sleep(10);
    }
    return got;
  }

  /** Lets pending asynchronous deliveries run, then returns what arrived (tests expect nothing). */
  async function none(url: string, settleMs = 100): Promise<Message[]> {
    await sleep(settleMs);
    return (await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages ?? [];
  }

  /**
   * Replaces one operation of a service in this Nimbus with a recorder (for targets whose service
   * is someone else's: the test checks the request EventBridge or Scheduler makes).
   */
  async function stub(service: string, operation: string, answer: (input: Recorded) => unknown = () => ({})): Promise<Recorded[]> {
    const calls: Recorded[] = [];
    const inst = await h.nimbus.cloud.service(service);
    const key = `${service}:${operation}`;
    if (!originals.has(key)) originals.set(key, inst.handlers[operation]);
    inst.handlers[operation] = (_ctx, input) => {
      calls.push(input);
      return answer(input);
    };
    return calls;
  }

  /** Puts back the operation `stub` replaced. */
  async function unstub(service: string, operation: string): Promise<void> {
    const inst = await h.nimbus.cloud.service(service);
    const original = originals.get(`${service}:${operation}`);
    if (original) inst.handlers[operation] = original;
    else delete inst.handlers[operation];
  }

  /** Waits (real time) until `check` holds. */
  async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await sleep(5);
    }
  }

  const advance = (ms: number): void => h.nimbus.cloud.clock.advance(ms);
  return { h, events, sqs, scheduler, unique, queue, messages, none, stub, unstub, until, advance };
}
