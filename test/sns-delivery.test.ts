/** SNS deliveries: the SQS envelope and its signature, raw delivery, fan-out, FIFO, MessageStructure, batches, DLQ, email/SMS. */
import assert from 'node:assert/strict';
import { createVerify, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { CreateTopicCommand, PublishBatchCommand, PublishCommand, SetSubscriptionAttributesCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import type { SnsService } from '../src/services/sns/api.js';
import type { ServiceInstance } from '../src/services/types.js';
import { useNimbus } from './helpers.js';
import { clients, createQueue, drain, rejects } from './sns-helpers.js';

type LambdaStub = ServiceInstance & { invoke?: (name: string, payload: unknown, options?: unknown) => Promise<unknown> };

const h = useNimbus();
const idle = async () => (await h.nimbus.cloud.service<SnsService>('sns')).idle();
const c = clients(h);
const sns = () => c.sns();
const sqs = () => c.sqs();

async function topic(name: string, attributes?: Record<string, string>): Promise<string> {
  return (await sns().send(new CreateTopicCommand({ Name: name, Attributes: attributes }))).TopicArn!;
}

async function subscribedQueue(t: string, name: string, attributes?: Record<string, string>, queueAttributes?: Record<string, string>) {
  const q = await createQueue(sqs(), name, queueAttributes);
  const { SubscriptionArn } = await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'sqs', Endpoint: q.arn, Attributes: attributes }));
  return { ...q, subscriptionArn: SubscriptionArn! };
}

function canonical(e: Record<string, string>): string {
  const fields = ['Message', 'MessageId', ...(e.Subject !== undefined ? ['Subject'] : []), 'Timestamp', 'TopicArn', 'Type'];
  return fields.map((f) => `${f}\n${e[f]}\n`).join('');
}

describe('sns -> sqs envelope', () => {
  it('delivers AWS JSON envelope with every field, a verifiable signature and a working UnsubscribeURL', async () => {
    const t = await topic('env');
    const q = await subscribedQueue(t, 'env-q');
    const { MessageId } = await sns().send(
      new PublishCommand({
        TopicArn: t,
        Message: 'hello "world"',
        Subject: 'Greetings',
        MessageAttributes: {
          color: { DataType: 'String', StringValue: 'red' },
          size: { DataType: 'Number', StringValue: '42' },
          tags: { DataType: 'String.Array', StringValue: '["a","b"]' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );
    const [m] = await drain(sqs(), q.url);
    assert.match(m.Body!, /^\{\n {2}"Type" : "Notification",\n {2}"MessageId" : /);
    const e = JSON.parse(m.Body!);
    assert.deepEqual(Object.keys(e), ['Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL', 'MessageAttributes']);
    assert.equal(e.Type, 'Notification');
    assert.equal(e.MessageId, MessageId);
    assert.equal(e.TopicArn, t);
    assert.equal(e.Subject, 'Greetings');
    assert.equal(e.Message, 'hello "world"');
    assert.match(e.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(e.SignatureVersion, '1');
    assert.deepEqual(e.MessageAttributes, {
      color: { Type: 'String', Value: 'red' },
      size: { Type: 'Number', Value: '42' },
      tags: { Type: 'String.Array', Value: '["a","b"]' },
      blob: { Type: 'Binary', Value: 'AQID' },
    });
    assert.equal(m.MessageAttributes, undefined);

    const pem = await (await fetch(e.SigningCertURL)).text();
    const cert = new X509Certificate(pem);
    const verify = createVerify('RSA-SHA1');
    verify.update(canonical(e));
    assert.ok(verify.verify(cert.publicKey, e.Signature, 'base64'));

    assert.equal((await fetch(e.UnsubscribeURL)).status, 200);
    await sns().send(new PublishCommand({ TopicArn: t, Message: 'after unsubscribe' }));
    assert.equal((await drain(sqs(), q.url)).length, 0);
  });

  it('omits Subject and MessageAttributes when absent; SignatureVersion 2 signs with SHA256', async () => {
    const t = await topic('env2', { SignatureVersion: '2' });
    const q = await subscribedQueue(t, 'env2-q');
    await sns().send(new PublishCommand({ TopicArn: t, Message: 'plain' }));
    const e = JSON.parse((await drain(sqs(), q.url))[0].Body!);
    assert.equal('Subject' in e, false);
    assert.equal('MessageAttributes' in e, false);
    assert.equal(e.SignatureVersion, '2');
    const cert = new X509Certificate(await (await fetch(e.SigningCertURL)).text());
    const verify = createVerify('RSA-SHA256');
    verify.update(canonical(e));
    assert.ok(verify.verify(cert.publicKey, e.Signature, 'base64'));
  });

  it('raw delivery sends the bare message with SNS attributes as SQS attributes', async () => {
    const t = await topic('raw');
    const q = await subscribedQueue(t, 'raw-q', { RawMessageDelivery: 'true' });
    await sns().send(new PublishCommand({ TopicArn: t, Message: '{"k":1}', MessageAttributes: { a: { DataType: 'String', StringValue: 'x' }, n: { DataType: 'Number', StringValue: '7' } } }));
    const [m] = await drain(sqs(), q.url);
    assert.equal(m.Body, '{"k":1}');
    assert.deepEqual(m.MessageAttributes, { a: { DataType: 'String', StringValue: 'x' }, n: { DataType: 'Number', StringValue: '7' } });
  });
});

describe('sns fan-out and message shapes', () => {
  it('fans one publish out to ten queues, exactly once each', async () => {
    const t = await topic('fan');
    const queues = [];
    for (let i = 0; i < 10; i++) queues.push(await subscribedQueue(t, `fan-${i}`));
    for (let i = 0; i < 5; i++) await sns().send(new PublishCommand({ TopicArn: t, Message: `m${i}` }));
    for (const q of queues) {
      const got = await drain(sqs(), q.url);
      assert.deepEqual(got.map((m) => JSON.parse(m.Body!).Message).sort(), ['m0', 'm1', 'm2', 'm3', 'm4']);
    }
  });

  it('MessageStructure json sends each protocol its own message', async () => {
    const t = await topic('structured');
    const q = await subscribedQueue(t, 'structured-q');
    await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'sms', Endpoint: '+15555550100' }));
    await sns().send(new PublishCommand({ TopicArn: t, MessageStructure: 'json', Message: JSON.stringify({ default: 'dflt', sqs: 'for sqs' }) }));
    assert.equal(JSON.parse((await drain(sqs(), q.url))[0].Body!).Message, 'for sqs');
    const sms = ((await (await fetch(`${h.endpoint}/_nimbus/sns/messages`)).json()) as { messages: { endpoint: string; message: string }[] }).messages;
    assert.equal(sms.find((m) => m.endpoint === '+15555550100')!.message, 'dflt');
    await rejects(sns().send(new PublishCommand({ TopicArn: t, MessageStructure: 'json', Message: '{"sqs":"x"}' })), 'InvalidParameterException', 'Invalid parameter: Message Structure - No default entry in JSON message body');
    await rejects(sns().send(new PublishCommand({ TopicArn: t, MessageStructure: 'json', Message: 'nope' })), 'InvalidParameterException', 'Invalid parameter: Message Structure - JSON message body failed to parse');
  });

  it('validates publishes with AWS messages', async () => {
    const t = await topic('pub-bad');
    await rejects(sns().send(new PublishCommand({ TopicArn: t, Message: '' })), 'InvalidParameterException', 'Invalid parameter: Empty message');
    await rejects(sns().send(new PublishCommand({ TopicArn: t, Message: 'x'.repeat(262_145) })), 'InvalidParameterException', 'Invalid parameter: Message too long');
    await rejects(sns().send(new PublishCommand({ TopicArn: t, Message: 'x', Subject: 'a\nb' })), 'InvalidParameterException', 'Invalid parameter: Subject');
    await rejects(sns().send(new PublishCommand({ Message: 'x' })), 'InvalidParameterException', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    await rejects(sns().send(new PublishCommand({ TopicArn: `${t}x`, Message: 'x' })), 'NotFoundException', 'Topic does not exist');
    await rejects(
      sns().send(new PublishCommand({ TopicArn: t, Message: 'x', MessageAttributes: { a: { DataType: 'Text', StringValue: 'x' } } })),
      'InvalidParameterValueException',
      "The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.",
    );
    await rejects(
      sns().send(new PublishCommand({ TopicArn: t, Message: 'x', MessageAttributes: { a: { DataType: 'Number', StringValue: 'abc' } } })),
      'InvalidParameterValueException',
      "Could not cast message attribute 'a' value to number.",
    );
    await rejects(
      sns().send(new PublishCommand({ TopicArn: t, Message: 'x', MessageAttributes: { a: { DataType: 'String' } } })),
      'InvalidParameterValueException',
      "The message attribute 'a' must contain non-empty message attribute value for message attribute type 'String'.",
    );
    await rejects(
      sns().send(new PublishCommand({ TopicArn: t, Message: 'x', MessageDeduplicationId: 'd' })),
      'InvalidParameterException',
      'Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
    );
    const { MessageId } = await sns().send(new PublishCommand({ TargetArn: t, Message: 'via TargetArn' }));
    assert.match(MessageId!, /^[0-9a-f-]{36}$/);
  });

  it('publishes SMS straight to a phone number', async () => {
    const { MessageId } = await sns().send(new PublishCommand({ PhoneNumber: '+15555550123', Message: 'code 1234' }));
    const all = ((await (await fetch(`${h.endpoint}/_nimbus/sns/messages`)).json()) as { messages: { messageId: string; protocol: string; endpoint: string; message: string }[] }).messages;
    const m = all.find((x) => x.messageId === MessageId)!;
    assert.deepEqual([m.protocol, m.endpoint, m.message], ['sms', '+15555550123', 'code 1234']);
    await rejects(sns().send(new PublishCommand({ PhoneNumber: 'abc', Message: 'x' })), 'InvalidParameterException', 'Invalid parameter: PhoneNumber Reason: input incorrectly formatted');
  });

  it('delivers email notifications to confirmed subscriptions only', async () => {
    const t = await topic('mail');
    await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'email', Endpoint: 'pending@example.com' }));
    await sns().send(new PublishCommand({ TopicArn: t, Message: 'body', Subject: 'Hi' }));
    const all = ((await (await fetch(`${h.endpoint}/_nimbus/sns/messages`)).json()) as { messages: { endpoint: string; type: string }[] }).messages;
    assert.deepEqual(all.filter((m) => m.endpoint === 'pending@example.com').map((m) => m.type), ['SubscriptionConfirmation']);
  });
});

describe('sns FIFO topics', () => {
  it('orders, sequences and deduplicates, passing group and dedup ids to FIFO queues', async () => {
    const t = await topic('orders.fifo', { FifoTopic: 'true' });
    const q = await subscribedQueue(t, 'orders-q.fifo', { RawMessageDelivery: 'true' }, { FifoQueue: 'true' });
    const std = await subscribedQueue(t, 'orders-std');
    const r1 = await sns().send(new PublishCommand({ TopicArn: t, Message: 'one', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
    const r2 = await sns().send(new PublishCommand({ TopicArn: t, Message: 'two', MessageGroupId: 'g', MessageDeduplicationId: 'd2' }));
    const dup = await sns().send(new PublishCommand({ TopicArn: t, Message: 'one again', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
    assert.match(r1.SequenceNumber!, /^\d{20}$/);
    assert.ok(BigInt(r2.SequenceNumber!) > BigInt(r1.SequenceNumber!));
    assert.equal(dup.MessageId, r1.MessageId);
    assert.equal(dup.SequenceNumber, r1.SequenceNumber);
    const got = await drain(sqs(), q.url);
    assert.deepEqual(got.map((m) => m.Body), ['one', 'two']);
    assert.equal(got[0].Attributes!.MessageGroupId, 'g');
    assert.equal(got[0].Attributes!.MessageDeduplicationId, 'd1');
    const envs = (await drain(sqs(), std.url)).map((m) => JSON.parse(m.Body!));
    assert.deepEqual(envs.map((e) => e.Message), ['one', 'two']);
    assert.equal(envs[0].SequenceNumber, r1.SequenceNumber);
  });

  it('requires MessageGroupId and a deduplication id or content-based deduplication', async () => {
    const t = await topic('strict.fifo', { FifoTopic: 'true' });
    await rejects(sns().send(new PublishCommand({ TopicArn: t, Message: 'x', MessageDeduplicationId: 'd' })), 'InvalidParameterException', 'Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
    await rejects(
      sns().send(new PublishCommand({ TopicArn: t, Message: 'x', MessageGroupId: 'g' })),
      'InvalidParameterException',
      'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
    const cbd = await topic('cbd.fifo', { FifoTopic: 'true', ContentBasedDeduplication: 'true' });
    const a = await sns().send(new PublishCommand({ TopicArn: cbd, Message: 'same', MessageGroupId: 'g' }));
    const b = await sns().send(new PublishCommand({ TopicArn: cbd, Message: 'same', MessageGroupId: 'g' }));
    assert.equal(a.MessageId, b.MessageId);
  });
});

describe('sns PublishBatch', () => {
  it('publishes entries, reports invalid ones in Failed', async () => {
    const t = await topic('batch');
    const q = await subscribedQueue(t, 'batch-q');
    const r = await sns().send(
      new PublishBatchCommand({
        TopicArn: t,
        PublishBatchRequestEntries: [
          { Id: 'a', Message: 'first', Subject: 'S' },
          { Id: 'b', Message: '' },
          { Id: 'c', Message: 'third', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
        ],
      }),
    );
    assert.deepEqual(r.Successful!.map((s) => s.Id), ['a', 'c']);
    assert.deepEqual(r.Failed, [{ Id: 'b', Code: 'InvalidParameter', Message: 'Invalid parameter: Empty message', SenderFault: true }]);
    const bodies = (await drain(sqs(), q.url)).map((m) => JSON.parse(m.Body!));
    assert.deepEqual(bodies.map((e) => e.Message), ['first', 'third']);
    assert.equal(bodies[0].MessageId, r.Successful![0].MessageId);
  });

  it('refuses empty, oversized, duplicate-id and bad-id batches', async () => {
    const t = await topic('batch-bad');
    const send = (entries: { Id: string; Message: string }[]) => sns().send(new PublishBatchCommand({ TopicArn: t, PublishBatchRequestEntries: entries }));
    await rejects(send([]), 'EmptyBatchRequestException', "The batch request doesn't contain any entries.");
    await rejects(send(Array.from({ length: 11 }, (_, i) => ({ Id: `i${i}`, Message: 'x' }))), 'TooManyEntriesInBatchRequestException', 'The batch request contains more entries than permissible.');
    await rejects(send([{ Id: 'a', Message: 'x' }, { Id: 'a', Message: 'y' }]), 'BatchEntryIdsNotDistinctException', 'Two or more batch entries in the request have the same Id.');
    await rejects(send([{ Id: 'a b', Message: 'x' }]), 'InvalidBatchEntryIdException', /^A batch entry id can only contain alphanumeric characters/);
    await rejects(send([{ Id: 'a', Message: 'x'.repeat(200_000) }, { Id: 'b', Message: 'x'.repeat(100_000) }]), 'BatchRequestTooLongException');
  });

  it('FIFO batches need MessageGroupId on every entry', async () => {
    const t = await topic('batch.fifo', { FifoTopic: 'true', ContentBasedDeduplication: 'true' });
    const q = await subscribedQueue(t, 'batch-q.fifo', { RawMessageDelivery: 'true' }, { FifoQueue: 'true' });
    await rejects(
      sns().send(new PublishBatchCommand({ TopicArn: t, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x', MessageGroupId: 'g' }, { Id: 'b', Message: 'y' }] })),
      'InvalidParameterException',
      'Invalid parameter: The MessageGroupId parameter is required for FIFO topics',
    );
    const r = await sns().send(new PublishBatchCommand({ TopicArn: t, PublishBatchRequestEntries: [{ Id: 'a', Message: 'x', MessageGroupId: 'g' }, { Id: 'b', Message: 'y', MessageGroupId: 'g' }] }));
    assert.ok(r.Successful!.every((s) => /^\d{20}$/.test(s.SequenceNumber!)));
    assert.deepEqual((await drain(sqs(), q.url)).map((m) => m.Body), ['x', 'y']);
  });
});

describe('sns dead-letter queues', () => {
  it('moves deliveries to a deleted queue into the RedrivePolicy DLQ', async () => {
    const t = await topic('dlq');
    const q = await subscribedQueue(t, 'dlq-target');
    const dlq = await createQueue(sqs(), 'dlq-dead');
    await sns().send(new SetSubscriptionAttributesCommand({ SubscriptionArn: q.subscriptionArn, AttributeName: 'RedrivePolicy', AttributeValue: JSON.stringify({ deadLetterTargetArn: dlq.arn }) }));
    await sqs().send(new DeleteQueueCommand({ QueueUrl: q.url }));
    await sns().send(new PublishCommand({ TopicArn: t, Message: 'lost' }));
    const [m] = await drain(sqs(), dlq.url);
    assert.equal(JSON.parse(m.Body!).Message, 'lost');
  });

  it('counts a delivery to a Lambda function that cannot be invoked as failed (envelope to the DLQ)', async () => {
    const t = await topic('lambda-dlq');
    const dlq = await createQueue(sqs(), 'lambda-dead');
    const lambda = await h.nimbus.cloud.service<LambdaStub>('lambda');
    const saved = lambda.invoke;
    lambda.invoke = async () => {
      throw new Error('Function not found');
    };
    try {
      await sns().send(
        new SubscribeCommand({
          TopicArn: t,
          Protocol: 'lambda',
          Endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:missing',
          Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) },
        }),
      );
      await sns().send(new PublishCommand({ TopicArn: t, Message: 'to lambda' }));
      await idle();
    } finally {
      lambda.invoke = saved;
    }
    const [m] = await drain(sqs(), dlq.url);
    const e = JSON.parse(m.Body!);
    assert.equal(e.Type, 'Notification');
    assert.equal(e.Message, 'to lambda');
  });
});

describe('sns -> lambda', () => {
  it('invokes the function asynchronously with the SNS event shape', async () => {
    const t = await topic('lambda-ok');
    const fn = 'arn:aws:lambda:us-east-1:000000000000:function:handler';
    const lambda = await h.nimbus.cloud.service<LambdaStub>('lambda');
    const saved = lambda.invoke;
    const calls: [string, any, unknown][] = [];
    lambda.invoke = async (name, payload, options) => {
      calls.push([name, payload, options]);
      return {};
    };
    try {
      const { SubscriptionArn } = await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'lambda', Endpoint: fn }));
      const { MessageId } = await sns().send(new PublishCommand({ TopicArn: t, Message: 'hi', MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } } }));
      await idle();
      assert.equal(calls.length, 1);
      const [name, event, options] = calls[0];
      assert.equal(name, fn);
      assert.deepEqual(options, { invocationType: 'Event' });
      const rec = event.Records[0];
      assert.equal(rec.EventSource, 'aws:sns');
      assert.equal(rec.EventVersion, '1.0');
      assert.equal(rec.EventSubscriptionArn, SubscriptionArn);
      assert.deepEqual(Object.keys(rec.Sns), ['Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertUrl', 'UnsubscribeUrl', 'MessageAttributes']);
      assert.equal(rec.Sns.MessageId, MessageId);
      assert.equal(rec.Sns.Subject, null);
      assert.equal(rec.Sns.Message, 'hi');
      assert.deepEqual(rec.Sns.MessageAttributes, { a: { Type: 'String', Value: 'b' } });
      assert.match(rec.Sns.UnsubscribeUrl, /Action=Unsubscribe&SubscriptionArn=/);
    } finally {
      lambda.invoke = saved;
    }
  });
});
