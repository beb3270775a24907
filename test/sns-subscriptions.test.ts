/** SNS subscriptions through the SDK: subscribe per protocol, confirmation, attributes, listing, unsubscribe. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { useNimbus } from './helpers.js';
import { clients, rejects } from './sns-helpers.js';

const h = useNimbus();
const c = clients(h);
const sns = () => c.sns();
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:target';

async function topic(name: string, attributes?: Record<string, string>): Promise<string> {
  return (await sns().send(new CreateTopicCommand({ Name: name, Attributes: attributes }))).TopicArn!;
}

async function subAttrs(SubscriptionArn: string): Promise<Record<string, string>> {
  return (await sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
}

interface Recorded {
  protocol: string;
  endpoint: string;
  type: string;
  subject?: string;
  message: string;
  topicArn?: string;
}

async function recorded(): Promise<Recorded[]> {
  const r = await fetch(`${h.endpoint}/_nimbus/sns/messages`);
  assert.equal(r.status, 200);
  return ((await r.json()) as { messages: Recorded[] }).messages;
}

describe('sns subscribe', () => {
  it('confirms sqs subscriptions at once and reports their attributes', async () => {
    const t = await topic('sub-sqs');
    const { SubscriptionArn } = await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'sqs', Endpoint: QUEUE }));
    assert.match(SubscriptionArn!, new RegExp(`^${t}:[0-9a-f-]{36}$`));
    const a = await subAttrs(SubscriptionArn!);
    assert.deepEqual(
      { ...a },
      {
        Owner: '000000000000',
        RawMessageDelivery: 'false',
        TopicArn: t,
        Endpoint: QUEUE,
        Protocol: 'sqs',
        PendingConfirmation: 'false',
        ConfirmationWasAuthenticated: 'true',
        SubscriptionArn,
      },
    );
    const ta = (await sns().send(new GetTopicAttributesCommand({ TopicArn: t }))).Attributes!;
    assert.equal(ta.SubscriptionsConfirmed, '1');
  });

  it('returns the existing subscription for the same endpoint, refuses different attributes', async () => {
    const t = await topic('sub-dup');
    const a = await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'sqs', Endpoint: QUEUE, Attributes: { RawMessageDelivery: 'true' } }));
    const b = await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'sqs', Endpoint: QUEUE, Attributes: { RawMessageDelivery: 'true' } }));
    assert.equal(a.SubscriptionArn, b.SubscriptionArn);
    await rejects(
      sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'sqs', Endpoint: QUEUE, Attributes: { RawMessageDelivery: 'false' } })),
      'InvalidParameterException',
      'Invalid parameter: Attributes Reason: Subscription already exists with different attributes',
    );
  });

  it('validates protocols and endpoints', async () => {
    const t = await topic('sub-bad');
    const fifo = await topic('sub-bad.fifo', { FifoTopic: 'true' });
    const cases: [string, string, string | undefined, string][] = [
      [t, 'carrier-pigeon', 'x', 'Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon'],
      [t, 'sqs', 'not-an-arn', 'Invalid parameter: SQS endpoint ARN'],
      [t, 'lambda', 'arn:aws:sqs:us-east-1:000000000000:q', 'Invalid parameter: Lambda endpoint ARN'],
      [t, 'http', 'https://example.com', 'Invalid parameter: Endpoint must match the specified protocol'],
      [t, 'email', 'nobody', 'Invalid parameter: Email address'],
      [t, 'sms', 'call me', 'Invalid parameter: PhoneNumber Reason: input incorrectly formatted'],
      [t, 'sqs', undefined, 'Invalid parameter: Endpoint'],
      [t, 'sqs', 'arn:aws:sqs:us-east-1:000000000000:q.fifo', 'Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics'],
      [fifo, 'email', 'a@example.com', 'Invalid parameter: Invalid protocol type: email. FIFO topics only support SQS subscriptions'],
    ];
    for (const [TopicArn, Protocol, Endpoint, message] of cases) {
      await rejects(sns().send(new SubscribeCommand({ TopicArn, Protocol, Endpoint })), 'InvalidParameterException', message);
    }
    await rejects(sns().send(new SubscribeCommand({ TopicArn: `${t}-missing`, Protocol: 'sqs', Endpoint: QUEUE })), 'NotFoundException', 'Topic does not exist');
  });

  it('keeps email subscriptions pending, records the confirmation email, confirms through the SubscribeURL', async () => {
    const t = await topic('sub-email');
    const r = await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'email', Endpoint: 'ops@example.com' }));
    assert.equal(r.SubscriptionArn, 'pending confirmation');
    const [sub] = (await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: t }))).Subscriptions!;
    assert.equal(sub.SubscriptionArn, 'PendingConfirmation');
    const mail = (await recorded()).find((m) => m.endpoint === 'ops@example.com' && m.type === 'SubscriptionConfirmation')!;
    assert.equal(mail.topicArn, t);
    assert.equal(mail.subject, 'AWS Notification - Subscription Confirmation');
    const url = /(http:\/\/\S+ConfirmSubscription\S+)/.exec(mail.message)![1];
    const res = await fetch(url);
    assert.equal(res.status, 200);
    const xml = await res.text();
    const arnInXml = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(xml)![1];
    assert.match(arnInXml, new RegExp(`^${t}:`));
    assert.equal((await subAttrs(arnInXml)).PendingConfirmation, 'false');
    const ta = (await sns().send(new GetTopicAttributesCommand({ TopicArn: t }))).Attributes!;
    assert.equal(ta.SubscriptionsConfirmed, '1');
  });

  it('ConfirmSubscription checks the token; ReturnSubscriptionArn gives the ARN of a pending subscription', async () => {
    const t = await topic('sub-token');
    const r = await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'email-json', Endpoint: 'dev@example.com', ReturnSubscriptionArn: true }));
    assert.match(r.SubscriptionArn!, new RegExp(`^${t}:`));
    assert.equal((await subAttrs(r.SubscriptionArn!)).PendingConfirmation, 'true');
    await rejects(sns().send(new ConfirmSubscriptionCommand({ TopicArn: t, Token: 'nope' })), 'InvalidParameterException', 'Invalid parameter: Token');
    const mail = (await recorded()).find((m) => m.endpoint === 'dev@example.com')!;
    const envelope = JSON.parse(mail.message);
    assert.equal(envelope.Type, 'SubscriptionConfirmation');
    const c1 = await sns().send(new ConfirmSubscriptionCommand({ TopicArn: t, Token: envelope.Token, AuthenticateOnUnsubscribe: 'true' }));
    assert.equal(c1.SubscriptionArn, r.SubscriptionArn);
    const a = await subAttrs(r.SubscriptionArn!);
    assert.equal(a.PendingConfirmation, 'false');
    assert.equal(a.ConfirmationWasAuthenticated, 'true');
  });
});

describe('sns subscription attributes', () => {
  it('sets RawMessageDelivery, FilterPolicy, FilterPolicyScope and RedrivePolicy', async () => {
    const t = await topic('attr-set');
    const { SubscriptionArn } = await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'sqs', Endpoint: QUEUE }));
    const set = (AttributeName: string, AttributeValue: string) => sns().send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue }));
    await set('RawMessageDelivery', 'true');
    await set('FilterPolicy', '{"store":["example_corp"]}');
    await set('RedrivePolicy', '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq"}');
    let a = await subAttrs(SubscriptionArn!);
    assert.equal(a.RawMessageDelivery, 'true');
    assert.equal(a.FilterPolicy, '{"store":["example_corp"]}');
    assert.equal(a.FilterPolicyScope, 'MessageAttributes');
    assert.equal(a.RedrivePolicy, '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq"}');
    await set('FilterPolicy', '{"detail":{"store":["x"]}}').then(
      () => assert.fail('nested policy accepted in MessageAttributes scope'),
      (e: Error) => assert.equal(e.message, 'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy'),
    );
    await set('FilterPolicyScope', 'MessageBody');
    await set('FilterPolicy', '{"detail":{"store":["x"]}}');
    a = await subAttrs(SubscriptionArn!);
    assert.equal(a.FilterPolicyScope, 'MessageBody');
    await set('FilterPolicy', '');
    a = await subAttrs(SubscriptionArn!);
    assert.equal(a.FilterPolicy, undefined);
  });

  it('answers AWS errors for bad attribute names and values', async () => {
    const t = await topic('attr-bad');
    const { SubscriptionArn } = await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'sqs', Endpoint: QUEUE }));
    const set = (AttributeName: string, AttributeValue: string) => sns().send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue }));
    await rejects(set('Bogus', 'x'), 'InvalidParameterException', 'Invalid parameter: AttributeName');
    await rejects(set('FilterPolicyScope', 'Headers'), 'InvalidParameterException', 'Invalid parameter: FilterPolicyScope: Invalid filter policy scope, please use either MessageBody or MessageAttributes');
    await rejects(set('FilterPolicy', '{"a": "b"}'), 'InvalidParameterException', /^Invalid parameter: FilterPolicy: /);
    await rejects(set('RedrivePolicy', '{"x":1}'), 'InvalidParameterException', 'Invalid parameter: RedrivePolicy: deadLetterTargetArn is missing');
    await rejects(
      sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'sqs', Endpoint: `${QUEUE}2`, Attributes: { FilterPolicy: '{"a": "b"}' } })),
      'InvalidParameterException',
      /^Invalid parameter: Attributes Reason: FilterPolicy: /,
    );
    const email = await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'email', Endpoint: 'x@example.com', ReturnSubscriptionArn: true }));
    await rejects(
      sns().send(new SetSubscriptionAttributesCommand({ SubscriptionArn: email.SubscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' })),
      'InvalidParameterException',
      'Invalid parameter: Delivery protocol [email] does not support raw message delivery attribute',
    );
    await rejects(sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: `${t}:00000000-0000-0000-0000-000000000000` })), 'NotFoundException', 'Subscription does not exist');
  });

  it('shows the effective delivery policy of HTTP subscriptions', async () => {
    const t = await topic('attr-http');
    const r = await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'http', Endpoint: 'http://127.0.0.1:9/', ReturnSubscriptionArn: true }));
    const a = await subAttrs(r.SubscriptionArn!);
    assert.equal(a.PendingConfirmation, 'true');
    assert.equal(JSON.parse(a.EffectiveDeliveryPolicy).healthyRetryPolicy.minDelayTarget, 20);
  });
});

describe('sns subscription listing and unsubscribe', () => {
  it('lists by topic and for the account, unsubscribes idempotently, drops subscriptions with their topic', async () => {
    const t = await topic('list-subs');
    const arns: string[] = [];
    for (let i = 0; i < 3; i++) arns.push((await sns().send(new SubscribeCommand({ TopicArn: t, Protocol: 'sqs', Endpoint: `${QUEUE}-${i}` }))).SubscriptionArn!);
    const byTopic = (await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: t }))).Subscriptions!;
    assert.deepEqual(byTopic.map((s) => s.SubscriptionArn), arns);
    assert.deepEqual(byTopic[0], { SubscriptionArn: arns[0], Owner: '000000000000', Protocol: 'sqs', Endpoint: `${QUEUE}-0`, TopicArn: t });
    const all = (await sns().send(new ListSubscriptionsCommand({}))).Subscriptions!;
    assert.ok(arns.every((a) => all.some((s) => s.SubscriptionArn === a)));
    await sns().send(new UnsubscribeCommand({ SubscriptionArn: arns[0] }));
    await sns().send(new UnsubscribeCommand({ SubscriptionArn: arns[0] }));
    assert.equal((await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: t }))).Subscriptions!.length, 2);
    assert.equal((await sns().send(new GetTopicAttributesCommand({ TopicArn: t }))).Attributes!.SubscriptionsDeleted, '1');
    await rejects(sns().send(new UnsubscribeCommand({ SubscriptionArn: 'garbage' })), 'InvalidParameterException', 'Invalid parameter: SubscriptionArn');
    await sns().send(new DeleteTopicCommand({ TopicArn: t }));
    await rejects(sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arns[1] })), 'NotFoundException');
    await rejects(sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: t })), 'NotFoundException', 'Topic does not exist');
  });
});
