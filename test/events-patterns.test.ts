/**
 * The event-pattern language through the SDK (TestEventPattern, and PutRule + PutEvents routing):
 * every operator, matching and not matching, and invalid patterns with AWS's messages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { eventsTestbed } from './events-helpers.js';

const t = eventsTestbed();

const event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    count: 5,
    price: 10.5,
    enabled: true,
    nothing: null,
    empty: '',
    ip: '10.0.0.123',
    ipv6: '2001:db8::ff00:42:8329',
    fileName: 'Report.PDF',
    path: '/var/log/app/err.log',
    tags: ['blue', 'prod'],
    items: [
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 2 },
    ],
  },
};

type Case = [operator: string, pattern: object, matches: boolean];

const cases: Case[] = [
  ['exact string', { source: ['aws.ec2'] }, true],
  ['exact string (other)', { source: ['aws.s3'] }, false],
  ['nested exact', { detail: { state: ['terminated'] } }, true],
  ['exact number', { detail: { count: [5] } }, true],
  ['exact number (other)', { detail: { count: [6] } }, false],
  ['boolean', { detail: { enabled: [true] } }, true],
  ['boolean (other)', { detail: { enabled: [false] } }, false],
  ['null', { detail: { nothing: [null] } }, true],
  ['null on a missing field', { detail: { missing: [null] } }, false],
  ['empty string', { detail: { empty: [''] } }, true],
  ['array field intersects', { detail: { tags: ['prod', 'dev'] } }, true],
  ['array field disjoint', { detail: { tags: ['dev'] } }, false],
  ['prefix', { 'detail-type': [{ prefix: 'EC2 Instance' }] }, true],
  ['prefix (other)', { 'detail-type': [{ prefix: 'EC2 Spot' }] }, false],
  ['prefix equals-ignore-case', { detail: { fileName: [{ prefix: { 'equals-ignore-case': 'report' } }] } }, true],
  ['prefix equals-ignore-case (other)', { detail: { fileName: [{ prefix: { 'equals-ignore-case': 'summary' } }] } }, false],
  ['suffix', { detail: { path: [{ suffix: '.log' }] } }, true],
  ['suffix (other)', { detail: { path: [{ suffix: '.txt' }] } }, false],
  ['suffix equals-ignore-case', { detail: { fileName: [{ suffix: { 'equals-ignore-case': '.pdf' } }] } }, true],
  ['suffix equals-ignore-case (other)', { detail: { fileName: [{ suffix: { 'equals-ignore-case': '.doc' } }] } }, false],
  ['equals-ignore-case', { detail: { state: [{ 'equals-ignore-case': 'TERMINATED' }] } }, true],
  ['equals-ignore-case (other)', { detail: { state: [{ 'equals-ignore-case': 'RUNNING' }] } }, false],
  ['wildcard', { detail: { path: [{ wildcard: '/var/*/err.log' }] } }, true],
  ['wildcard (other)', { detail: { path: [{ wildcard: '/opt/*' }] } }, false],
  ['anything-but string', { detail: { state: [{ 'anything-but': 'running' }] } }, true],
  ['anything-but string (excluded)', { detail: { state: [{ 'anything-but': 'terminated' }] } }, false],
  ['anything-but list', { detail: { state: [{ 'anything-but': ['running', 'stopped'] }] } }, true],
  ['anything-but list (excluded)', { detail: { state: [{ 'anything-but': ['running', 'terminated'] }] } }, false],
  ['anything-but number', { detail: { count: [{ 'anything-but': 4 }] } }, true],
  ['anything-but number (excluded)', { detail: { count: [{ 'anything-but': 5 }] } }, false],
  ['anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, true],
  ['anything-but prefix (excluded)', { detail: { state: [{ 'anything-but': { prefix: 'term' } }] } }, false],
  ['anything-but suffix', { detail: { path: [{ 'anything-but': { suffix: '.txt' } }] } }, true],
  ['anything-but suffix (excluded)', { detail: { path: [{ 'anything-but': { suffix: '.log' } }] } }, false],
  ['anything-but equals-ignore-case', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['RUNNING'] } }] } }, true],
  ['anything-but equals-ignore-case (excluded)', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['TERMINATED'] } }] } }, false],
  ['anything-but wildcard', { detail: { path: [{ 'anything-but': { wildcard: '/opt/*' } }] } }, true],
  ['anything-but wildcard (excluded)', { detail: { path: [{ 'anything-but': { wildcard: '/var/*' } }] } }, false],
  ['numeric range', { detail: { price: [{ numeric: ['>', 10, '<=', 11] }] } }, true],
  ['numeric range (outside)', { detail: { price: [{ numeric: ['>', 10.5] }] } }, false],
  ['numeric equals', { detail: { count: [{ numeric: ['=', 5] }] } }, true],
  ['numeric >=', { detail: { count: [{ numeric: ['>=', 5] }] } }, true],
  ['numeric <', { detail: { count: [{ numeric: ['<', 5] }] } }, false],
  ['numeric on a string', { detail: { state: [{ numeric: ['>', 0] }] } }, false],
  ['exists true', { detail: { state: [{ exists: true }] } }, true],
  ['exists true (missing)', { detail: { missing: [{ exists: true }] } }, false],
  ['exists false', { detail: { missing: [{ exists: false }] } }, true],
  ['exists false (present)', { detail: { state: [{ exists: false }] } }, false],
  ['cidr IPv4', { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, true],
  ['cidr IPv4 (outside)', { detail: { ip: [{ cidr: '10.0.1.0/24' }] } }, false],
  ['cidr IPv6', { detail: { ipv6: [{ cidr: '2001:db8::/32' }] } }, true],
  ['cidr IPv6 (outside)', { detail: { ipv6: [{ cidr: '2001:db9::/32' }] } }, false],
  ['$or', { $or: [{ source: ['aws.s3'] }, { detail: { state: ['terminated'] } }] }, true],
  ['$or (neither)', { $or: [{ source: ['aws.s3'] }, { detail: { state: ['running'] } }] }, false],
  ['array of objects, same element', { detail: { items: { sku: ['b'], qty: [2] } } }, true],
  ['array of objects, different elements', { detail: { items: { sku: ['a'], qty: [2] } } }, false],
  ['several fields (AND)', { source: ['aws.ec2'], detail: { state: ['terminated'], count: [5] } }, true],
  ['several fields, one fails', { source: ['aws.ec2'], detail: { state: ['terminated'], count: [6] } }, false],
  ['resources', { resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'] }, true],
];

describe('TestEventPattern: operators', () => {
  for (const [name, pattern, expected] of cases) {
    it(`${expected ? 'matches' : 'does not match'}: ${name}`, async () => {
      const r = await t.events().send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(event) }));
      assert.equal(r.Result, expected);
    });
  }
});

const loc = (src: string, column: number) => `\n at [Source: (String)"${src}"; line: 1, column: ${column}]`;

describe('invalid patterns', () => {
  const invalid: [string, string][] = [
    ['{"source": "aws.ec2"}', `"source" must be an object or an array${loc('{"source": "aws.ec2"}', 13)}`],
    ['{"s": [{"exists": "yes"}]}', `exists match pattern must be either true or false.${loc('{"s": [{"exists": "yes"}]}', 20)}`],
    ['{"s": [{}]}', `Match expression name not found${loc('{"s": [{}]}', 10)}`],
    ['{"s": [{"prefix": "a", "suffix": "b"}]}', `Only one key allowed in match expression${loc('{"s": [{"prefix": "a", "suffix": "b"}]}', 35)}`],
    ['{"ip": [{"cidr": "bad"}]}', "Malformed CIDR, one '/' required"],
    ['{"s": [{"anything-but": ["a", 1]}]}', `Inside anything but list, either all values are number or string, mixed type is not supported${loc('{"s": [{"anything-but": ["a", 1]}]}', 33)}`],
    ["{'bad': 'quotation'}", `Unexpected character (''' (code 39)): was expecting double-quote to start field name${loc("{'bad': 'quotation'}", 2)}`],
  ];
  for (const [pattern, reason] of invalid) {
    it(`TestEventPattern refuses ${pattern}`, async () => {
      await assert.rejects(t.events().send(new TestEventPatternCommand({ EventPattern: pattern, Event: JSON.stringify(event) })), (e: Error) => {
        assert.equal(e.name, 'InvalidEventPatternException');
        assert.equal(e.message, `Event pattern is not valid. Reason: ${reason}`);
        return true;
      });
    });
  }

  it('PutRule refuses an invalid pattern with the same message', async () => {
    await assert.rejects(t.events().send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"s": [{}]}' })), (e: Error) => {
      assert.equal(e.name, 'InvalidEventPatternException');
      assert.equal(e.message, `Event pattern is not valid. Reason: Match expression name not found${loc('{"s": [{}]}', 10)}`);
      return true;
    });
  });

  it('TestEventPattern refuses an event that is not an AWS event', async () => {
    await assert.rejects(t.events().send(new TestEventPatternCommand({ EventPattern: '{"source":["a"]}', Event: '{"source":"a"}' })), { name: 'ValidationException', message: 'Parameter Event is not valid.' });
    await assert.rejects(t.events().send(new TestEventPatternCommand({ EventPattern: '{"source":["a"]}', Event: 'nope' })), { name: 'ValidationException' });
  });
});

describe('rules route with the same engine', () => {
  it('delivers only the events a rule matches (source-indexed and unindexed patterns)', async () => {
    const q = await t.queue();
    const rules: [string, object][] = [
      ['by-source', { source: ['shop.orders'], detail: { total: [{ numeric: ['>=', 100] }] } }],
      ['by-prefix', { source: [{ prefix: 'shop.pay' }], 'detail-type': ['Refund'] }],
      ['by-or', { $or: [{ detail: { vip: [true] } }, { detail: { country: [{ 'anything-but': ['FR', 'DE'] }] }, source: ['shop.signup'] }] }],
    ];
    for (const [name, pattern] of rules) {
      await t.events().send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern) }));
      await t.events().send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'q', Arn: q.arn, Input: JSON.stringify({ rule: name }) }] }));
    }
    const put = (Source: string, DetailType: string, detail: object) => ({ Source, DetailType, Detail: JSON.stringify(detail) });
    await t.events().send(
      new PutEventsCommand({
        Entries: [
          put('shop.orders', 'Order', { total: 150 }),
          put('shop.orders', 'Order', { total: 50 }),
          put('shop.payments', 'Refund', {}),
          put('shop.payments', 'Charge', {}),
          put('shop.signup', 'Signup', { country: 'US' }),
          put('shop.signup', 'Signup', { country: 'FR' }),
          put('shop.other', 'Anything', { vip: true }),
        ],
      }),
    );
    const got = await t.messages(q.url, 4);
    assert.deepEqual(got.map((m) => JSON.parse(m.Body!).rule).sort(), ['by-or', 'by-or', 'by-prefix', 'by-source']);
    assert.deepEqual(await t.none(q.url), []);
  });
});
