/** Shared pieces of the SNS tests: clients, a queue subscribed to a topic, reading a queue. */
import assert from 'node:assert/strict';
import { SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { useNimbus } from './helpers.js';

export type Nimbus = ReturnType<typeof useNimbus>;

export function clients(h: Nimbus) {
  let sns: SNSClient | undefined;
  let sqs: SQSClient | undefined;
  return { sns: () => (sns ??= new SNSClient(h.config)), sqs: () => (sqs ??= new SQSClient(h.config)) };
}

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** Every message currently in the queue (received and deleted), up to `max`. */
export async function drain(sqs: SQSClient, url: string, max = 100): Promise<Message[]> {
  const out: Message[] = [];
  while (out.length < max) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], AttributeNames: ['All'] }));
    if (!r.Messages?.length) break;
    for (const m of r.Messages) {
      out.push(m);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return out;
}

export async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, name, `error name: ${err.name}: ${err.message}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}
