/**
 * Filter-policy matrices end to end: one topic, one queue per policy, a fixed set of published
 * messages; each queue must receive exactly the messages its policy matches.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateTopicCommand, PublishCommand, SubscribeCommand, type MessageAttributeValue } from '@aws-sdk/client-sns';
import { useNimbus } from './helpers.js';
import { clients, createQueue, drain } from './sns-helpers.js';

const h = useNimbus();
const c = clients(h);

const s = (StringValue: string): MessageAttributeValue => ({ DataType: 'String', StringValue });
const n = (StringValue: string): MessageAttributeValue => ({ DataType: 'Number', StringValue });
const a = (StringValue: string): MessageAttributeValue => ({ DataType: 'String.Array', StringValue });

/** Runs one matrix: each policy's queue must receive exactly the listed message ids. */
async function matrix(
  name: string,
  scope: 'MessageAttributes' | 'MessageBody',
  messages: Record<string, { body?: unknown; attrs?: Record<string, MessageAttributeValue> }>,
  policies: [string, object, string[]][],
): Promise<void> {
  const { TopicArn } = await c.sns().send(new CreateTopicCommand({ Name: name }));
  const queues: { label: string; url: string; expected: string[] }[] = [];
  for (let i = 0; i < policies.length; i++) {
    const [label, policy, expected] = policies[i];
    const q = await createQueue(c.sqs(), `${name}-${i}`);
    await c.sns().send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: q.arn,
        Attributes: { FilterPolicy: JSON.stringify(policy), FilterPolicyScope: scope, RawMessageDelivery: 'true' },
      }),
    );
    queues.push({ label, url: q.url, expected });
  }
  for (const [id, m] of Object.entries(messages)) {
    const body = m.body === undefined ? JSON.stringify({ id }) : typeof m.body === 'string' ? m.body : JSON.stringify({ id, ...(m.body as object) });
    await c.sns().send(new PublishCommand({ TopicArn, Message: body, MessageAttributes: { ...m.attrs, id: s(id) } }));
  }
  for (const q of queues) {
    const got = (await drain(c.sqs(), q.url)).map((m) => m.MessageAttributes!.id.StringValue!).sort();
    assert.deepEqual(got, [...q.expected].sort(), `policy ${q.label}`);
  }
}

describe('sns filter policies: MessageAttributes scope', () => {
  it('matches every operator as AWS documents it', async () => {
    await matrix(
      'attr-matrix',
      'MessageAttributes',
      {
        rugby: { attrs: { sport: s('rugby'), price: n('150'), store: s('example_corp') } },
        tennis: { attrs: { sport: s('Tennis'), price: n('50'), store: s('other_corp') } },
        both: { attrs: { sport: a('["rugby","golf"]'), price: n('100') } },
        none: { attrs: {} },
        numeric: { attrs: { price: n('3.015e2'), sport: s('chess') } },
      },
      [
        ['exact', { sport: ['rugby'] }, ['rugby', 'both']],
        ['exact number', { price: [100] }, ['both']],
        ['prefix', { store: [{ prefix: 'example' }] }, ['rugby']],
        ['suffix', { store: [{ suffix: '_corp' }] }, ['rugby', 'tennis']],
        ['anything-but', { sport: [{ 'anything-but': ['rugby', 'golf'] }] }, ['tennis', 'numeric']],
        ['anything-but prefix', { store: [{ 'anything-but': { prefix: 'example' } }] }, ['tennis']],
        ['numeric range', { price: [{ numeric: ['>', 60, '<=', 150] }] }, ['rugby', 'both']],
        ['numeric scientific', { price: [{ numeric: ['=', 301.5] }] }, ['numeric']],
        ['exists true', { store: [{ exists: true }] }, ['rugby', 'tennis']],
        ['exists false', { store: [{ exists: false }] }, ['both', 'none', 'numeric']],
        ['equals-ignore-case', { sport: [{ 'equals-ignore-case': 'TENNIS' }] }, ['tennis']],
        ['AND of keys', { sport: ['rugby'], price: [{ numeric: ['>=', 150] }] }, ['rugby']],
        ['$or', { $or: [{ sport: ['chess'] }, { price: [{ numeric: ['<', 60] }] }] }, ['tennis', 'numeric']],
      ],
    );
  });
});

describe('sns filter policies: MessageBody scope', () => {
  it('matches nested keys, arrays and every operator in the message body', async () => {
    await matrix(
      'body-matrix',
      'MessageBody',
      {
        placed: { body: { order: { status: 'placed', total: 120, customer: { tier: 'gold' } }, tags: ['new', 'web'] } },
        shipped: { body: { order: { status: 'Shipped', total: 30 }, tags: ['mobile'] } },
        bare: { body: { note: 'no order' } },
        text: { body: 'not json at all' },
      },
      [
        ['nested exact', { order: { status: ['placed'] } }, ['placed']],
        ['nested deeper', { order: { customer: { tier: ['gold'] } } }, ['placed']],
        ['array element', { tags: ['mobile'] }, ['shipped']],
        ['numeric', { order: { total: [{ numeric: ['<', 100] }] } }, ['shipped']],
        ['equals-ignore-case', { order: { status: [{ 'equals-ignore-case': 'SHIPPED' }] } }, ['shipped']],
        ['exists false (leaf)', { order: { status: [{ exists: false }] } }, ['bare']],
        ['prefix', { note: [{ prefix: 'no' }] }, ['bare']],
        ['$or nested', { $or: [{ order: { total: [{ numeric: ['>', 100] }] } }, { note: [{ exists: true }] }] }, ['placed', 'bare']],
        ['anything-but', { order: { status: [{ 'anything-but': 'placed' }] } }, ['shipped']],
      ],
    );
  });
});
