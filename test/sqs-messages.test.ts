/**
 * SQS messages through the SDK (its MD5 checks on): digests, attributes, batches, delays,
 * visibility, retention, long polling, purge.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
  type ReceiveMessageCommandInput,
} from '@aws-sdk/client-sqs';
import { useNimbus } from './helpers.js';

const h = useNimbus();
let client: SQSClient | undefined;
const sqs = () => (client ??= new SQSClient(h.config));
const advance = (ms: number) => h.nimbus.cloud.clock.advance(ms);
let counter = 0;

async function queue(attributes: Record<string, string> = {}): Promise<string> {
  return (await sqs().send(new CreateQueueCommand({ QueueName: `m${++counter}`, Attributes: attributes }))).QueueUrl!;
}

async function receive(url: string, extra: Omit<ReceiveMessageCommandInput, 'QueueUrl'> = {}): Promise<Message[]> {
  return (await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, ...extra }))).Messages ?? [];
}

async function counts(url: string) {
  const a = (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  return { visible: Number(a.ApproximateNumberOfMessages), inflight: Number(a.ApproximateNumberOfMessagesNotVisible), delayed: Number(a.ApproximateNumberOfMessagesDelayed) };
}

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

/** AWS's attribute digest, written independently of the implementation. */
function referenceMd5(attrs: Record<string, MessageAttributeValue>): string {
  const parts: Buffer[] = [];
  const withLength = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name];
    withLength(Buffer.from(name));
    withLength(Buffer.from(a.DataType!));
    if (a.BinaryValue) {
      parts.push(Buffer.from([2]));
      withLength(Buffer.from(a.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      withLength(Buffer.from(a.StringValue!));
    }
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}

describe('digests', () => {
  it('match AWS for bodies and message attributes (known AWS values)', async () => {
    const url = await queue();
    const cases: [Record<string, MessageAttributeValue>, string][] = [
      [{ Foo: { DataType: 'String', StringValue: 'Bar' } }, 'ae7155c6026991b6d54b11589678bf9c'],
      [{ attribName1: { DataType: 'String', StringValue: 'attribValue 1' } }, '19e27d4e946b072f3f58da80d94fd778'],
      [{ customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' } }, '9fe1b90bbd9965bdf77bac517c7d2495'],
      [{ binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!') } }, '31a92b15d92f8db860eda32aceb656c3'],
      [
        {
          attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
          customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' },
          binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!') },
        },
        'c932db14a896c663f83c260297d594ff',
      ],
    ];
    for (const [attributes, md5] of cases) {
      const sent = await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'msg', MessageAttributes: attributes }));
      assert.equal(sent.MD5OfMessageBody, '6e2baaf3b97dbeef01c0043275f9a0e7');
      assert.equal(sent.MD5OfMessageAttributes, md5);
      assert.equal(referenceMd5(attributes), md5);
    }
    const got = await receive(url, { MessageAttributeNames: ['All'] });
    assert.equal(got.length, cases.length);
    for (const m of got) assert.equal(m.MD5OfMessageAttributes, referenceMd5(m.MessageAttributes!));
    assert.deepEqual(got[3].MessageAttributes!.binaryAttribute.BinaryValue, new Uint8Array(Buffer.from('Hello binary world!')));
  });

  it('covers the system attributes and unicode bodies', async () => {
    const url = await queue();
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1';
    const body = 'héllo wörld 🚀 \t\n\r';
    const sent = await sqs().send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } } }),
    );
    assert.equal(sent.MD5OfMessageBody, createHash('md5').update(body, 'utf8').digest('hex'));
    assert.equal(sent.MD5OfMessageSystemAttributes, referenceMd5({ AWSTraceHeader: { DataType: 'String', StringValue: trace } }));
    const [m] = await receive(url, { MessageSystemAttributeNames: ['AWSTraceHeader'] });
    assert.equal(m.Body, body);
    assert.deepEqual(m.Attributes, { AWSTraceHeader: trace });
  });

  it('are recomputed for the attributes a receive selects', async () => {
    const url = await queue();
    const attributes = {
      General: { DataType: 'String', StringValue: 'Kenobi' },
      Hello: { DataType: 'String', StringValue: 'There' },
      'Help.Me': { DataType: 'String', StringValue: 'Me' },
    };
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'msg', MessageAttributes: attributes }));
    const pick = async (names?: string[]) => (await receive(url, { MessageAttributeNames: names, VisibilityTimeout: 0 }))[0];
    const none = await pick();
    assert.equal(none.MessageAttributes, undefined);
    assert.equal(none.MD5OfMessageAttributes, undefined);
    assert.equal((await pick(['All'])).MD5OfMessageAttributes, '4c360f3fdafd970e05fae2f149d997f5');
    assert.equal((await pick(['.*'])).MD5OfMessageAttributes, '4c360f3fdafd970e05fae2f149d997f5');
    const some = await pick(['General', 'Hello']);
    assert.deepEqual(Object.keys(some.MessageAttributes!).sort(), ['General', 'Hello']);
    assert.equal(some.MD5OfMessageAttributes, 'fca026605781cb4126a1e9044df24232');
    const prefixed = await pick(['He.*']);
    assert.deepEqual(Object.keys(prefixed.MessageAttributes!).sort(), ['Hello', 'Help.Me']);
    assert.equal(prefixed.MD5OfMessageAttributes, '83fee93c1bcd8b9a5a923ffacdc636c7');
    assert.equal((await pick(['Hello', 'Nope'])).MD5OfMessageAttributes, 'a311262e065454b75da111d535b8dacd');
  });
});

describe('sending', () => {
  it('validates bodies, attributes and sizes with AWS codes', async () => {
    const url = await queue({ MaximumMessageSize: '1024' });
    const send = (input: Partial<ConstructorParameters<typeof SendMessageCommand>[0]>) => sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', ...input }));
    await rejects(send({ MessageBody: '' }), 'MissingParameter', 'The request must contain the parameter MessageBody.');
    await rejects(send({ MessageBody: 'bad \u0001 char' }), 'InvalidMessageContents', /Invalid characters found/);
    await rejects(send({ MessageBody: 'x'.repeat(1025) }), 'InvalidParameterValue', 'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.');
    await rejects(
      send({ MessageBody: 'x'.repeat(1000), MessageAttributes: { long: { DataType: 'String', StringValue: 'y'.repeat(20) } } }),
      'InvalidParameterValue',
      /shorter than 1024 bytes/,
    );
    await rejects(send({ DelaySeconds: 901 }), 'InvalidParameterValue', 'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.');
    await rejects(send({ MessageDeduplicationId: 'd' }), 'InvalidParameterValue', /not valid for this queue type/);
    await rejects(send({ MessageAttributes: { a: { DataType: 'Strung', StringValue: 'v' } } }), 'InvalidParameterValue', /supported type prefixes/);
    await rejects(
      send({ MessageAttributes: { ErrorDetails: { DataType: 'String', StringValue: '' } } }),
      'InvalidParameterValue',
      "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.",
    );
    await rejects(send({ MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } } }), 'InvalidParameterValue', /number/);
    await rejects(send({ MessageAttributes: { 'AWS.x': { DataType: 'String', StringValue: 'v' } } }), 'InvalidParameterValue', /attribute name/);
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]));
    await rejects(send({ MessageAttributes: eleven }), 'InvalidParameterValue', 'Number of message attributes [11] exceeds the allowed maximum [10].');
    assert.deepEqual(await counts(url), { visible: 0, inflight: 0, delayed: 0 });
  });

  it('sends batches with per-entry results', async () => {
    const url = await queue();
    const r = await sqs().send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'ok-1', MessageBody: 'one', MessageAttributes: { k: { DataType: 'Number', StringValue: '1' } } },
          { Id: 'bad', MessageBody: 'two', DelaySeconds: 1000 },
          { Id: 'ok_2', MessageBody: 'three' },
        ],
      }),
    );
    assert.deepEqual(r.Successful!.map((s) => s.Id), ['ok-1', 'ok_2']);
    assert.equal(r.Successful![0].MD5OfMessageAttributes, referenceMd5({ k: { DataType: 'Number', StringValue: '1' } }));
    assert.deepEqual(r.Failed, [
      { Id: 'bad', SenderFault: true, Code: 'InvalidParameterValue', Message: 'Value 1000 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.' },
    ]);
    assert.deepEqual((await receive(url)).map((m) => m.Body).sort(), ['one', 'three']);
  });

  it('rejects malformed batches as a whole', async () => {
    const url = await queue();
    const batch = (Entries: { Id: string; MessageBody: string }[]) => sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));
    await rejects(batch([]), 'EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry in the request.');
    await rejects(
      batch(Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }))),
      'TooManyEntriesInBatchRequest',
      'Maximum number of entries per request are 10. You have sent 11.',
    );
    await rejects(batch([{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }]), 'BatchEntryIdsNotDistinct', 'Id a repeated.');
    await rejects(batch([{ Id: 'invalid:id', MessageBody: 'x' }]), 'InvalidBatchEntryId', /A batch entry id can only contain/);
    await rejects(
      batch([{ Id: 'a', MessageBody: 'x'.repeat(600_000) }, { Id: 'b', MessageBody: 'y'.repeat(600_000) }]),
      'BatchRequestTooLong',
      'Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes.',
    );
  });
});

describe('delivery', () => {
  it('delays messages by the queue delay and by per-message DelaySeconds', async () => {
    const url = await queue({ DelaySeconds: '10' });
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'queue-delay' }));
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'no-delay', DelaySeconds: 0 }));
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'long-delay', DelaySeconds: 30 }));
    assert.deepEqual(await counts(url), { visible: 1, inflight: 0, delayed: 2 });
    const [noDelay] = await receive(url);
    assert.equal(noDelay.Body, 'no-delay');
    await sqs().send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: noDelay.ReceiptHandle }));
    advance(10_000);
    assert.deepEqual((await receive(url)).map((m) => m.Body), ['queue-delay']);
    advance(19_000);
    assert.deepEqual(await receive(url), []);
    advance(1_000);
    assert.deepEqual((await receive(url)).map((m) => m.Body), ['long-delay']);
  });

  it('hides received messages for the visibility timeout, counting receives', async () => {
    const url = await queue({ VisibilityTimeout: '20' });
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'v' }));
    const [first] = await receive(url, { MessageSystemAttributeNames: ['All'] });
    assert.equal(first.Attributes!.ApproximateReceiveCount, '1');
    assert.equal(first.Attributes!.SenderId, '000000000000');
    const firstReceive = first.Attributes!.ApproximateFirstReceiveTimestamp;
    assert.ok(Number(first.Attributes!.SentTimestamp) <= Number(firstReceive));
    assert.deepEqual(await counts(url), { visible: 0, inflight: 1, delayed: 0 });
    advance(19_000);
    assert.deepEqual(await receive(url), []);
    advance(1_000);
    const [second] = await receive(url, { MessageSystemAttributeNames: ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'], VisibilityTimeout: 5 });
    assert.equal(second.MessageId, first.MessageId);
    assert.notEqual(second.ReceiptHandle, first.ReceiptHandle);
    assert.deepEqual(second.Attributes, { ApproximateReceiveCount: '2', ApproximateFirstReceiveTimestamp: firstReceive });
    advance(5_000);
    assert.equal((await receive(url)).length, 1, 'the per-receive VisibilityTimeout applied');
  });

  it('changes visibility, singly and in batches', async () => {
    const url = await queue();
    await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['a', 'b', 'c'].map((b) => ({ Id: b, MessageBody: b })) }));
    const got = await receive(url);
    assert.equal(got.length, 3);
    const [a, b, c] = got;
    await sqs().send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: a.ReceiptHandle, VisibilityTimeout: 0 }));
    assert.deepEqual((await receive(url, { VisibilityTimeout: 100 })).map((m) => m.Body), [a.Body]);
    const r = await sqs().send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'b', ReceiptHandle: b.ReceiptHandle, VisibilityTimeout: 60 },
          { Id: 'c', ReceiptHandle: c.ReceiptHandle, VisibilityTimeout: 120 },
          { Id: 'junk', ReceiptHandle: 'not-a-handle', VisibilityTimeout: 1 },
        ],
      }),
    );
    assert.deepEqual(r.Successful!.map((s) => s.Id), ['b', 'c']);
    assert.equal(r.Failed![0].Id, 'junk');
    assert.equal(r.Failed![0].Code, 'ReceiptHandleIsInvalid');
    advance(60_000);
    assert.deepEqual((await receive(url)).map((m) => m.Body), [b.Body]);
    await rejects(
      sqs().send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: c.ReceiptHandle, VisibilityTimeout: 43_200 })),
      'InvalidParameterValue',
      'Value 43200 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]',
    );
  });

  it('deletes by receipt handle, singly and in batches, and rejects forged handles', async () => {
    const url = await queue();
    await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['a', 'b', 'c'].map((b) => ({ Id: b, MessageBody: b })) }));
    const [a, b, c] = await receive(url);
    await sqs().send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: a.ReceiptHandle }));
    await sqs().send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: a.ReceiptHandle }));
    const r = await sqs().send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'b', ReceiptHandle: b.ReceiptHandle },
          { Id: 'c', ReceiptHandle: c.ReceiptHandle },
          { Id: 'x', ReceiptHandle: 'garbage' },
        ],
      }),
    );
    assert.deepEqual(r.Successful!.map((s) => s.Id), ['b', 'c']);
    assert.deepEqual(r.Failed, [{ Id: 'x', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle "garbage" is not a valid receipt handle.' }]);
    assert.deepEqual(await counts(url), { visible: 0, inflight: 0, delayed: 0 });
    await rejects(sqs().send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })), 'ReceiptHandleIsInvalid');
    const other = await queue();
    await sqs().send(new SendMessageCommand({ QueueUrl: other, MessageBody: 'o' }));
    const [o] = await receive(other);
    await rejects(sqs().send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: o.ReceiptHandle })), 'ReceiptHandleIsInvalid', /not valid for this queue/);
  });

  it('still deletes with the handle of an earlier receive on standard queues', async () => {
    const url = await queue({ VisibilityTimeout: '1' });
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'old-handle' }));
    const [first] = await receive(url);
    advance(1_000);
    const [again] = await receive(url);
    assert.equal(again.MessageId, first.MessageId);
    await sqs().send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle }));
    assert.deepEqual(await counts(url), { visible: 0, inflight: 0, delayed: 0 });
  });

  it('drops messages older than the retention period, in flight or not', async () => {
    const url = await queue({ MessageRetentionPeriod: '60' });
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'old' }));
    advance(30_000);
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'newer' }));
    await receive(url, { MaxNumberOfMessages: 1, VisibilityTimeout: 600 });
    advance(30_000);
    assert.deepEqual(await counts(url), { visible: 1, inflight: 0, delayed: 0 });
    advance(30_000);
    assert.deepEqual(await counts(url), { visible: 0, inflight: 0, delayed: 0 });
  });

  it('applies a shortened retention period to messages already queued', async () => {
    const url = await queue();
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'aging' }));
    advance(120_000);
    assert.equal((await counts(url)).visible, 1);
    const { SetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
    await sqs().send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MessageRetentionPeriod: '60' } }));
    assert.equal((await counts(url)).visible, 0);
  });

  it('validates ReceiveMessage parameters', async () => {
    const url = await queue();
    await rejects(receive(url, { MaxNumberOfMessages: 11 }), 'InvalidParameterValue', 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.');
    await rejects(receive(url, { WaitTimeSeconds: 21 }), 'InvalidParameterValue', 'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.');
    await rejects(receive(url, { VisibilityTimeout: 43_201 }), 'InvalidParameterValue', /VisibilityTimeout/);
  });

  it('returns at most MaxNumberOfMessages, one by default', async () => {
    const url = await queue();
    await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` })) }));
    assert.equal((await sqs().send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages!.length, 1);
    assert.equal((await receive(url, { MaxNumberOfMessages: 4 })).length, 4);
    assert.equal((await receive(url)).length, 5);
  });
});

describe('long polling on the clock', () => {
  it('wakes when a delayed or in-flight message becomes visible', async () => {
    const url = await queue({ VisibilityTimeout: '5' });
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'delayed', DelaySeconds: 5 }));
    const polling = receive(url, { WaitTimeSeconds: 20 });
    await new Promise((r) => setTimeout(r, 50));
    advance(5_000);
    assert.deepEqual((await polling).map((m) => m.Body), ['delayed']);
    const again = receive(url, { WaitTimeSeconds: 20 });
    await new Promise((r) => setTimeout(r, 50));
    advance(5_000);
    assert.deepEqual((await again).map((m) => m.Body), ['delayed']);
  });
});

describe('PurgeQueue', () => {
  it('deletes every message and allows one purge per 60 seconds', async () => {
    const url = await queue();
    await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['a', 'b'].map((b) => ({ Id: b, MessageBody: b })) }));
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 }));
    await receive(url, { MaxNumberOfMessages: 1 });
    await sqs().send(new PurgeQueueCommand({ QueueUrl: url }));
    assert.deepEqual(await counts(url), { visible: 0, inflight: 0, delayed: 0 });
    await assert.rejects(sqs().send(new PurgeQueueCommand({ QueueUrl: url })), (err: any) => {
      assert.equal(err.name, 'PurgeQueueInProgress');
      assert.equal(err.Code, 'AWS.SimpleQueueService.PurgeQueueInProgress');
      assert.equal(err.message, `Only one PurgeQueue operation on ${url.split('/').pop()} is allowed every 60 seconds.`);
      assert.equal(err.$metadata.httpStatusCode, 403);
      return true;
    });
    advance(60_000);
    await sqs().send(new PurgeQueueCommand({ QueueUrl: url }));
  });
});
