/** SNS -> HTTP endpoints: the confirmation handshake, notification headers and bodies, retries through the clock, DLQ. */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CreateTopicCommand, GetSubscriptionAttributesCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import type { SnsService } from '../src/services/sns/api.js';
import { useNimbus } from './helpers.js';
import { clients, createQueue, drain } from './sns-helpers.js';

const h = useNimbus();
const idle = async () => (await h.nimbus.cloud.service<SnsService>('sns')).idle();
const c = clients(h);
const sns = () => c.sns();

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local endpoint that answers each request with the next status of its path's script (default 200). */
const hits: Hit[] = [];
const scripts = new Map<string, number[]>();
let server: Server;
let base = '';

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(scripts.get(req.url ?? '')?.shift() ?? 200);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const hitsOn = (path: string) => hits.filter((x) => x.path === path);

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Subscribes `path` and confirms through the SubscribeURL the endpoint received. */
async function confirmedHttpSubscription(topicName: string, path: string, attributes?: Record<string, string>) {
  const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: topicName }));
  const r = await sns().send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: base + path, Attributes: attributes, ReturnSubscriptionArn: true }));
  await until(() => hitsOn(path).length === 1, 'the confirmation');
  const confirmation = JSON.parse(hitsOn(path)[0].body);
  assert.equal((await fetch(confirmation.SubscribeURL)).status, 200);
  return { topicArn: TopicArn!, subscriptionArn: r.SubscriptionArn!, confirmation };
}

describe('sns -> http', () => {
  it('posts a SubscriptionConfirmation with AWS headers; the SubscribeURL confirms', async () => {
    const { topicArn, subscriptionArn, confirmation } = await confirmedHttpSubscription('http-confirm', '/confirm');
    const hit = hitsOn('/confirm')[0];
    assert.equal(hit.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
    assert.equal(hit.headers['x-amz-sns-topic-arn'], topicArn);
    assert.equal(hit.headers['x-amz-sns-message-id'], confirmation.MessageId);
    assert.equal(hit.headers['x-amz-sns-subscription-arn'], undefined);
    assert.equal(hit.headers['user-agent'], 'Amazon Simple Notification Service Agent');
    assert.equal(hit.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.deepEqual(Object.keys(confirmation), ['Type', 'MessageId', 'Token', 'TopicArn', 'Message', 'SubscribeURL', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL']);
    assert.equal(confirmation.Type, 'SubscriptionConfirmation');
    assert.equal(confirmation.Message, `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`);
    assert.match(confirmation.SubscribeURL, /\?Action=ConfirmSubscription&TopicArn=.+&Token=[0-9a-f]+/);
    const a = (await sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }))).Attributes!;
    assert.equal(a.PendingConfirmation, 'false');
  });

  it('posts notifications with the x-amz-sns headers; raw delivery posts the bare message', async () => {
    const { topicArn, subscriptionArn } = await confirmedHttpSubscription('http-notify', '/notify');
    const { MessageId } = await sns().send(new PublishCommand({ TopicArn: topicArn, Message: 'ping', Subject: 'S' }));
    await until(() => hitsOn('/notify').length === 2, 'the notification');
    const hit = hitsOn('/notify')[1];
    assert.equal(hit.headers['x-amz-sns-message-type'], 'Notification');
    assert.equal(hit.headers['x-amz-sns-message-id'], MessageId);
    assert.equal(hit.headers['x-amz-sns-topic-arn'], topicArn);
    assert.equal(hit.headers['x-amz-sns-subscription-arn'], subscriptionArn);
    assert.equal(hit.headers['x-amz-sns-rawdelivery'], undefined);
    const e = JSON.parse(hit.body);
    assert.equal(e.Message, 'ping');
    assert.equal(e.Subject, 'S');
    assert.equal(e.UnsubscribeURL.includes(subscriptionArn), true);

    const raw = await confirmedHttpSubscription('http-raw', '/raw', { RawMessageDelivery: 'true' });
    await sns().send(new PublishCommand({ TopicArn: raw.topicArn, Message: '{"raw":true}' }));
    await until(() => hitsOn('/raw').length === 2, 'the raw notification');
    assert.equal(hitsOn('/raw')[1].body, '{"raw":true}');
    assert.equal(hitsOn('/raw')[1].headers['x-amz-sns-rawdelivery'], 'true');
  });

  it('retries server errors after the delivery policy delay (on the Nimbus clock), then succeeds', async () => {
    const { topicArn } = await confirmedHttpSubscription('http-retry', '/retry');
    scripts.set('/retry', [500, 503]);
    await sns().send(new PublishCommand({ TopicArn: topicArn, Message: 'again' }));
    await until(() => hitsOn('/retry').length === 2, 'the first attempt');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(hitsOn('/retry').length, 2, 'no retry before 20 seconds have passed');
    h.nimbus.cloud.clock.advance(20_000);
    await until(() => hitsOn('/retry').length === 3, 'the first retry');
    h.nimbus.cloud.clock.advance(20_000);
    await until(() => hitsOn('/retry').length === 4, 'the second retry');
    assert.deepEqual(hitsOn('/retry').slice(1).map((x) => JSON.parse(x.body).Message), ['again', 'again', 'again']);
    const ids = new Set(hitsOn('/retry').slice(1).map((x) => x.headers['x-amz-sns-message-id']));
    assert.equal(ids.size, 1);
  });

  it('does not retry client errors, sends exhausted deliveries to the DLQ', async () => {
    const dlq = await createQueue(c.sqs(), 'http-dlq');
    const redrive = { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) };
    const client = await confirmedHttpSubscription('http-4xx', '/client-error', redrive);
    scripts.set('/client-error', [404]);
    await sns().send(new PublishCommand({ TopicArn: client.topicArn, Message: 'not found' }));
    await until(() => hitsOn('/client-error').length === 2, 'the attempt');
    await idle();
    let got = await drain(c.sqs(), dlq.url);
    assert.deepEqual(got.map((m) => JSON.parse(m.Body!).Message), ['not found']);

    const server = await confirmedHttpSubscription('http-5xx', '/server-error', { ...redrive, DeliveryPolicy: JSON.stringify({ healthyRetryPolicy: { numRetries: 1, minDelayTarget: 1, maxDelayTarget: 1 } }) });
    scripts.set('/server-error', [500, 500]);
    await sns().send(new PublishCommand({ TopicArn: server.topicArn, Message: 'down' }));
    await until(() => hitsOn('/server-error').length === 2, 'the attempt');
    h.nimbus.cloud.clock.advance(1_000);
    await until(() => hitsOn('/server-error').length === 3, 'the retry');
    await idle();
    got = await drain(c.sqs(), dlq.url);
    assert.deepEqual(got.map((m) => JSON.parse(m.Body!).Message), ['down']);
  });
});
