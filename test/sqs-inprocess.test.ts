/** The in-process SQS interface other services use (SNS fan-out, EventBridge, Step Functions, Lambda). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SqsService } from '../src/services/sqs/api.js';
import { useNimbus } from './helpers.js';

const h = useNimbus();
let client: SQSClient | undefined;
const sdk = () => (client ??= new SQSClient(h.config));
const service = () => h.nimbus.cloud.service<SqsService>('sqs');

async function create(name: string, attributes: Record<string, string> = {}) {
  const url = (await sdk().send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}

describe('in-process interface', () => {
  it('sends by ARN with attributes; SDK clients receive what was sent', async () => {
    const q = await create('ip-plain');
    const sqs = await service();
    const sent = sqs.sendMessage(q.arn, '{"hello":"world"}', { source: { DataType: 'String', StringValue: 'sns' } });
    assert.equal(sent.MD5OfMessageBody, 'fbc24bcc7a1794758fc1327fcfebdaf6');
    assert.ok(sent.MD5OfMessageAttributes);
    const got = (await sdk().send(new ReceiveMessageCommand({ QueueUrl: q.url, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }))).Messages!;
    assert.equal(got[0].MessageId, sent.MessageId);
    assert.equal(got[0].Body, '{"hello":"world"}');
    assert.equal(got[0].MessageAttributes!.source.StringValue, 'sns');
    assert.equal(got[0].Attributes!.SenderId, '000000000000');
  });

  it('receives, changes visibility and deletes by URL or name', async () => {
    const q = await create('ip-cycle');
    const sqs = await service();
    sqs.sendMessage('ip-cycle', 'one', undefined, undefined, undefined, { senderId: 'AIDAEXAMPLE' });
    const [m] = await sqs.receive(q.url, { maxMessages: 10, attributeNames: ['All'] });
    assert.equal(m.Body, 'one');
    assert.equal(m.Attributes!.SenderId, 'AIDAEXAMPLE');
    assert.equal(m.Attributes!.ApproximateReceiveCount, '1');
    sqs.changeMessageVisibility(q.arn, m.ReceiptHandle!, 0);
    const [again] = await sqs.receive('ip-cycle');
    assert.equal(again.MessageId, m.MessageId);
    sqs.deleteMessage(q.url, again.ReceiptHandle!);
    assert.equal(sqs.getQueueAttributes(q.arn, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']).ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('long polls and stops on an abort signal', async () => {
    await create('ip-poll');
    const sqs = await service();
    const waiting = sqs.receive('ip-poll', { waitSeconds: 20 });
    setTimeout(() => sqs.sendMessage('ip-poll', 'arrived'), 30);
    assert.deepEqual((await waiting).map((m) => m.Body), ['arrived']);
    const controller = new AbortController();
    const aborted = sqs.receive('ip-poll', { waitSeconds: 20, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    assert.deepEqual(await aborted, []);
  });

  it('sends to FIFO queues with group and deduplication ids', async () => {
    const q = await create('ip.fifo', { FifoQueue: 'true' });
    const sqs = await service();
    const a = sqs.sendMessage(q.arn, 'first', undefined, 'g', 'd1');
    const b = sqs.sendMessage(q.arn, 'dup', undefined, 'g', 'd1');
    assert.equal(b.MessageId, a.MessageId);
    assert.match(a.SequenceNumber!, /^\d+$/);
    assert.throws(() => sqs.sendMessage(q.arn, 'no group'), { name: 'MissingParameter' });
    const got = await sqs.receive(q.arn, { maxMessages: 10, attributeNames: ['MessageGroupId'] });
    assert.deepEqual(got.map((m) => [m.Body, m.Attributes!.MessageGroupId]), [['first', 'g']]);
  });

  it('describes queues and throws AWS errors for unknown ones', async () => {
    const q = await create('ip-info');
    const sqs = await service();
    const info = sqs.getQueue(q.arn);
    assert.deepEqual(info, { name: 'ip-info', arn: q.arn, url: q.url, account: '000000000000', region: 'us-east-1', fifo: false });
    assert.equal(sqs.getQueueAttributes(q.url).VisibilityTimeout, '30');
    assert.throws(() => sqs.getQueueAttributes(q.url, ['Bogus']), { name: 'InvalidAttributeName', message: 'Unknown Attribute Bogus.' });
    assert.throws(() => sqs.sendMessage('arn:aws:sqs:us-east-1:000000000000:missing', 'x'), { name: 'QueueDoesNotExist', message: 'The specified queue does not exist.' });
    assert.throws(() => sqs.getQueue('ip-info', { region: 'eu-west-1' }), { name: 'QueueDoesNotExist' });
  });

  it('serves the model-validated calls other services make through cloud.call', async () => {
    const q = await create('ip-call');
    const out = (await h.nimbus.cloud.call('sqs', 'SendMessage', { QueueUrl: q.url, MessageBody: 'via call' })) as { MessageId: string };
    assert.ok(out.MessageId);
    const sqs = await service();
    assert.deepEqual((await sqs.receive(q.arn)).map((m) => m.Body), ['via call']);
  });
});
