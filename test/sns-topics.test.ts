/** SNS topics through the SDK: create (standard, FIFO, idempotent), attributes, list, delete, tags, permissions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AddPermissionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetDataProtectionPolicyCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  PutDataProtectionPolicyCommand,
  RemovePermissionCommand,
  SetTopicAttributesCommand,
  SNSClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { rawRequest, useNimbus } from './helpers.js';
import { clients, rejects } from './sns-helpers.js';

const h = useNimbus();
const c = clients(h);
const sns = () => c.sns();

async function attrs(TopicArn: string): Promise<Record<string, string>> {
  return (await sns().send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
}

describe('sns topics: create', () => {
  it('creates a standard topic with AWS default attributes', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'orders' }));
    assert.equal(TopicArn, 'arn:aws:sns:us-east-1:000000000000:orders');
    const a = await attrs(TopicArn!);
    assert.equal(a.TopicArn, TopicArn);
    assert.equal(a.Owner, '000000000000');
    assert.equal(a.DisplayName, '');
    assert.equal(a.SubscriptionsConfirmed, '0');
    assert.equal(a.SubscriptionsPending, '0');
    assert.equal(a.SubscriptionsDeleted, '0');
    assert.equal(a.FifoTopic, undefined);
    const policy = JSON.parse(a.Policy);
    assert.equal(policy.Id, '__default_policy_ID');
    assert.equal(policy.Statement[0].Resource, TopicArn);
    assert.deepEqual(policy.Statement[0].Condition, { StringEquals: { 'AWS:SourceOwner': '000000000000' } });
    assert.equal(JSON.parse(a.EffectiveDeliveryPolicy).http.defaultHealthyRetryPolicy.numRetries, 3);
  });

  it('creates FIFO topics and reports FifoTopic and ContentBasedDeduplication', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'jobs.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } }));
    const a = await attrs(TopicArn!);
    assert.equal(a.FifoTopic, 'true');
    assert.equal(a.ContentBasedDeduplication, 'true');
  });

  it('is idempotent with the same attributes and refuses different ones', async () => {
    const first = await sns().send(new CreateTopicCommand({ Name: 'same', Attributes: { DisplayName: 'x' }, Tags: [{ Key: 'k', Value: 'v' }] }));
    const again = await sns().send(new CreateTopicCommand({ Name: 'same', Attributes: { DisplayName: 'x' } }));
    assert.equal(again.TopicArn, first.TopicArn);
    await rejects(sns().send(new CreateTopicCommand({ Name: 'same', Attributes: { DisplayName: 'y' } })), 'InvalidParameterException', 'Invalid parameter: Attributes Reason: Topic already exists with different attributes');
    await rejects(sns().send(new CreateTopicCommand({ Name: 'same', Tags: [{ Key: 'k', Value: 'other' }] })), 'InvalidParameterException', 'Invalid parameter: Tags Reason: Topic already exists with different tags');
  });

  it('validates names, FIFO naming and attributes', async () => {
    await rejects(sns().send(new CreateTopicCommand({ Name: 'bad name' })), 'InvalidParameterException', 'Invalid parameter: Topic Name');
    await rejects(sns().send(new CreateTopicCommand({ Name: 'x'.repeat(257) })), 'InvalidParameterException', 'Invalid parameter: Topic Name');
    await rejects(sns().send(new CreateTopicCommand({ Name: 'plain.fifo' })), 'InvalidParameterException', 'Invalid parameter: Topic Name');
    await rejects(sns().send(new CreateTopicCommand({ Name: 'nofifo', Attributes: { FifoTopic: 'true' } })), 'InvalidParameterException', /^Invalid parameter: Fifo Topic names must end with \.fifo/);
    await rejects(sns().send(new CreateTopicCommand({ Name: 'std', Attributes: { ContentBasedDeduplication: 'true' } })), 'InvalidParameterException', /ContentBasedDeduplication/);
    await rejects(sns().send(new CreateTopicCommand({ Name: 'std', Attributes: { Bogus: '1' } })), 'InvalidParameterException', 'Invalid parameter: AttributeName');
    await rejects(sns().send(new CreateTopicCommand({ Name: 'std', Attributes: { SignatureVersion: '3' } })), 'InvalidParameterException', 'Invalid parameter: SignatureVersion');
  });
});

describe('sns topics: attributes, list, delete', () => {
  it('sets and reads attributes', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'attrs' }));
    await sns().send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DisplayName', AttributeValue: 'My Topic' }));
    await sns().send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' }));
    const policy = { http: { defaultHealthyRetryPolicy: { numRetries: 5, minDelayTarget: 1, maxDelayTarget: 2 } } };
    await sns().send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DeliveryPolicy', AttributeValue: JSON.stringify(policy) }));
    const a = await attrs(TopicArn!);
    assert.equal(a.DisplayName, 'My Topic');
    assert.equal(a.SignatureVersion, '2');
    assert.deepEqual(JSON.parse(a.DeliveryPolicy), policy);
    assert.deepEqual(JSON.parse(a.EffectiveDeliveryPolicy), policy);
    await rejects(sns().send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'FifoTopic', AttributeValue: 'true' })), 'InvalidParameterException', 'Invalid parameter: AttributeName');
    await rejects(sns().send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'Policy', AttributeValue: '{nope' })), 'InvalidParameterException', /^Invalid parameter: Policy/);
  });

  it('answers NotFound for unknown topics and InvalidParameter for malformed ARNs', async () => {
    await rejects(sns().send(new GetTopicAttributesCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:missing' })), 'NotFoundException', 'Topic does not exist');
    await rejects(sns().send(new GetTopicAttributesCommand({ TopicArn: 'not-an-arn' })), 'InvalidParameterException', 'Invalid parameter: TopicArn');
  });

  it('lists topics of the caller region in pages of 100', async () => {
    const west = new SNSClient({ ...h.config, region: 'eu-west-1' });
    for (let i = 0; i < 105; i++) await west.send(new CreateTopicCommand({ Name: `page-${i}` }));
    const first = await west.send(new ListTopicsCommand({}));
    assert.equal(first.Topics!.length, 100);
    assert.ok(first.NextToken);
    const second = await west.send(new ListTopicsCommand({ NextToken: first.NextToken }));
    assert.equal(second.Topics!.length, 5);
    assert.equal(second.NextToken, undefined);
    assert.ok(second.Topics!.every((t) => t.TopicArn!.startsWith('arn:aws:sns:eu-west-1:')));
    await rejects(west.send(new ListTopicsCommand({ NextToken: 'garbage' })), 'InvalidParameterException', 'Invalid parameter: NextToken');
  });

  it('deletes topics, idempotently', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'doomed' }));
    await sns().send(new DeleteTopicCommand({ TopicArn }));
    await sns().send(new DeleteTopicCommand({ TopicArn }));
    await rejects(sns().send(new GetTopicAttributesCommand({ TopicArn })), 'NotFoundException');
    const all = await sns().send(new ListTopicsCommand({}));
    assert.ok(!all.Topics!.some((t) => t.TopicArn === TopicArn));
  });

  it('speaks the query protocol: XML answers and NotFound wire code', async () => {
    const body = 'Action=GetTopicAttributes&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:000000000000:nope';
    const r = await rawRequest(h.endpoint, '/', { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 404);
    assert.match(r.text, /<Code>NotFound<\/Code><Message>Topic does not exist<\/Message>/);
  });
});

describe('sns topics: tags, permissions, data protection', () => {
  it('tags, untags and lists tags; enforces the 50-tag quota', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'tagged', Tags: [{ Key: 'a', Value: '1' }] }));
    await sns().send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: 'b', Value: '2' }] }));
    await sns().send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ['a'] }));
    const { Tags } = await sns().send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }));
    assert.deepEqual(Tags, [{ Key: 'b', Value: '2' }]);
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await rejects(sns().send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: many })), 'TagLimitExceededException', 'Could not complete request: tag quota of per resource exceeded');
    await rejects(sns().send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:sns:us-east-1:000000000000:nope' })), 'ResourceNotFoundException', 'Resource does not exist');
  });

  it('adds and removes policy statements', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'perm' }));
    await sns().send(new AddPermissionCommand({ TopicArn, Label: 'pub', AWSAccountId: ['111122223333'], ActionName: ['Publish'] }));
    let policy = JSON.parse((await attrs(TopicArn!)).Policy);
    const stmt = policy.Statement.find((s: { Sid: string }) => s.Sid === 'pub');
    assert.deepEqual(stmt.Principal, { AWS: ['arn:aws:iam::111122223333:root'] });
    assert.deepEqual(stmt.Action, ['SNS:Publish']);
    await rejects(sns().send(new AddPermissionCommand({ TopicArn, Label: 'pub', AWSAccountId: ['111122223333'], ActionName: ['Publish'] })), 'InvalidParameterException', 'Invalid parameter: Statement already exists');
    await sns().send(new RemovePermissionCommand({ TopicArn, Label: 'pub' }));
    policy = JSON.parse((await attrs(TopicArn!)).Policy);
    assert.equal(policy.Statement.length, 1);
  });

  it('stores the data protection policy', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'dpp' }));
    const doc = JSON.stringify({ Name: 'p', Version: '2021-06-01', Statement: [] });
    await sns().send(new PutDataProtectionPolicyCommand({ ResourceArn: TopicArn, DataProtectionPolicy: doc }));
    const r = await sns().send(new GetDataProtectionPolicyCommand({ ResourceArn: TopicArn }));
    assert.equal(r.DataProtectionPolicy, doc);
  });
});
