/** SQS queue management through the SDK: create/get/list/delete, attributes, tags, permissions, URLs, old clients. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  AddPermissionCommand,
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  RemovePermissionCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
  type QueueAttributeName,
} from '@aws-sdk/client-sqs';
import { rawRequest, useNimbus } from './helpers.js';

const h = useNimbus();
let client: SQSClient | undefined;
const sqs = () => (client ??= new SQSClient(h.config));

async function create(name: string, attributes: Record<string, string> = {}, tags?: Record<string, string>): Promise<string> {
  const r = await sqs().send(new CreateQueueCommand({ QueueName: name, Attributes: attributes, tags }));
  return r.QueueUrl!;
}

async function attrs(url: string, names: QueueAttributeName[] = ['All']): Promise<Record<string, string>> {
  return (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }))).Attributes ?? {};
}

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

describe('CreateQueue and GetQueueAttributes', () => {
  it('creates a standard queue with AWS defaults and a URL on the endpoint', async () => {
    const url = await create('defaults');
    assert.equal(url, `${h.endpoint}/000000000000/defaults`);
    const a = await attrs(url);
    assert.equal(a.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:defaults');
    assert.deepEqual(
      { ...a, CreatedTimestamp: undefined, LastModifiedTimestamp: undefined },
      {
        QueueArn: 'arn:aws:sqs:us-east-1:000000000000:defaults',
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
        ApproximateNumberOfMessagesDelayed: '0',
        CreatedTimestamp: undefined,
        LastModifiedTimestamp: undefined,
        VisibilityTimeout: '30',
        MaximumMessageSize: '1048576',
        MessageRetentionPeriod: '345600',
        DelaySeconds: '0',
        ReceiveMessageWaitTimeSeconds: '0',
        SqsManagedSseEnabled: 'true',
      },
    );
    const created = Number(a.CreatedTimestamp);
    assert.ok(Math.abs(created - h.nimbus.cloud.clock.now() / 1000) < 5, 'CreatedTimestamp is epoch seconds');
  });

  it('accepts every attribute and returns them normalised', async () => {
    const dlqUrl = await create('every-dlq');
    const dlqArn = (await attrs(dlqUrl, ['QueueArn'])).QueueArn;
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }] };
    const url = await create('every', {
      VisibilityTimeout: '45',
      MessageRetentionPeriod: '86400',
      DelaySeconds: '5',
      ReceiveMessageWaitTimeSeconds: '3',
      MaximumMessageSize: '2048',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '4' }),
      RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'allowAll' }),
      Policy: JSON.stringify(policy),
      KmsMasterKeyId: 'alias/aws/sqs',
      KmsDataKeyReusePeriodSeconds: '600',
    });
    const a = await attrs(url);
    assert.equal(a.VisibilityTimeout, '45');
    assert.equal(a.MessageRetentionPeriod, '86400');
    assert.equal(a.DelaySeconds, '5');
    assert.equal(a.ReceiveMessageWaitTimeSeconds, '3');
    assert.equal(a.MaximumMessageSize, '2048');
    assert.deepEqual(JSON.parse(a.RedrivePolicy), { deadLetterTargetArn: dlqArn, maxReceiveCount: 4 });
    assert.deepEqual(JSON.parse(a.RedriveAllowPolicy), { redrivePermission: 'allowAll' });
    assert.deepEqual(JSON.parse(a.Policy), policy);
    assert.equal(a.KmsMasterKeyId, 'alias/aws/sqs');
    assert.equal(a.KmsDataKeyReusePeriodSeconds, '600');
    assert.equal(a.SqsManagedSseEnabled, 'false');
    assert.deepEqual(await attrs(url, ['VisibilityTimeout', 'DelaySeconds']), { VisibilityTimeout: '45', DelaySeconds: '5' });
  });

  it('creates FIFO queues with the FIFO attributes', async () => {
    const url = await create('every.fifo', {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
    });
    const a = await attrs(url);
    assert.equal(a.FifoQueue, 'true');
    assert.equal(a.ContentBasedDeduplication, 'true');
    assert.equal(a.DeduplicationScope, 'messageGroup');
    assert.equal(a.FifoThroughputLimit, 'perMessageGroupId');
    const plain = await attrs(await create('plain.fifo', { FifoQueue: 'true' }));
    assert.equal(plain.ContentBasedDeduplication, 'false');
    assert.equal(plain.DeduplicationScope, 'queue');
    assert.equal(plain.FifoThroughputLimit, 'perQueue');
  });

  it('rejects invalid names and attribute values with AWS codes', async () => {
    await rejects(create('bad name'), 'InvalidParameterValue', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    await rejects(create('x'.repeat(81)), 'InvalidParameterValue');
    await rejects(create('no-suffix', { FifoQueue: 'true' }), 'InvalidParameterValue', /must end with \.fifo suffix/);
    await rejects(create('suffix.fifo'), 'InvalidParameterValue');
    for (const [name, value] of [
      ['VisibilityTimeout', '43201'],
      ['VisibilityTimeout', '-1'],
      ['VisibilityTimeout', 'ten'],
      ['DelaySeconds', '901'],
      ['MessageRetentionPeriod', '59'],
      ['MessageRetentionPeriod', '1209601'],
      ['ReceiveMessageWaitTimeSeconds', '21'],
      ['MaximumMessageSize', '1023'],
      ['MaximumMessageSize', '1048577'],
      ['KmsDataKeyReusePeriodSeconds', '59'],
      ['Policy', '{not json'],
    ])
      await rejects(create('bad-attr', { [name]: value }), 'InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
    await rejects(create('std-cbd', { ContentBasedDeduplication: 'true' }), 'InvalidAttributeName', 'Unknown Attribute ContentBasedDeduplication.');
    await rejects(create('std-fifo-false', { FifoQueue: 'false' }), 'InvalidAttributeName', 'Unknown Attribute FifoQueue.');
    await rejects(create('ro', { QueueArn: 'arn:aws:sqs:us-east-1:000000000000:ro' }), 'InvalidAttributeName', 'Unknown Attribute QueueArn.');
    await rejects(
      create('sse', { KmsMasterKeyId: 'k', SqsManagedSseEnabled: 'true' }),
      'InvalidAttributeName',
      'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.',
    );
    await rejects(
      create('tp.fifo', { FifoQueue: 'true', FifoThroughputLimit: 'perMessageGroupId' }),
      'InvalidAttributeValue',
      /FifoThroughputLimit/,
    );
  });

  it('validates RedrivePolicy like AWS', async () => {
    const bad = JSON.stringify({ deadLetterTargetArn: 'dummy', maxReceiveCount: 42 });
    await rejects(create('rp1', { RedrivePolicy: bad }), 'InvalidParameterValue', `Value ${bad} for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn.`);
    const missing = JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:nowhere', maxReceiveCount: 3 });
    await rejects(create('rp2', { RedrivePolicy: missing }), 'InvalidParameterValue', /Dead letter target does not exist/);
    const dlqArn = (await attrs(await create('rp-dlq'), ['QueueArn'])).QueueArn;
    await rejects(create('rp3', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 0 }) }), 'InvalidParameterValue', /maxReceiveCount/);
    await rejects(
      create('rp4.fifo', { FifoQueue: 'true', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) }),
      'InvalidParameterValue',
      /same type of queue/,
    );
    const denyUrl = await create('rp-deny', { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) });
    const denyArn = (await attrs(denyUrl, ['QueueArn'])).QueueArn;
    await rejects(create('rp5', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: denyArn, maxReceiveCount: 2 }) }), 'InvalidParameterValue', /does not allow/);
    const byQueueUrl = await create('rp-byqueue', {
      RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: ['arn:aws:sqs:us-east-1:000000000000:rp-allowed'] }),
    });
    const byQueueArn = (await attrs(byQueueUrl, ['QueueArn'])).QueueArn;
    await create('rp-allowed', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: byQueueArn, maxReceiveCount: 2 }) });
    await rejects(create('rp-other', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: byQueueArn, maxReceiveCount: 2 }) }), 'InvalidParameterValue');
  });

  it('is idempotent for equal attributes and answers QueueAlreadyExists otherwise', async () => {
    const url = await create('idem', { DelaySeconds: '2' });
    assert.equal(await create('idem', { DelaySeconds: '2' }), url);
    assert.equal(await create('idem'), url);
    await rejects(create('idem', { DelaySeconds: '3' }), 'QueueNameExists', 'A queue already exists with the same name and a different value for attribute DelaySeconds');
  });
});

describe('GetQueueUrl, ListQueues, DeleteQueue', () => {
  it('finds queues by name and answers QueueDoesNotExist with the query code', async () => {
    const url = await create('findme');
    assert.equal((await sqs().send(new GetQueueUrlCommand({ QueueName: 'findme' }))).QueueUrl, url);
    assert.equal((await sqs().send(new GetQueueUrlCommand({ QueueName: 'findme', QueueOwnerAWSAccountId: '000000000000' }))).QueueUrl, url);
    await assert.rejects(sqs().send(new GetQueueUrlCommand({ QueueName: 'missing' })), (err: any) => {
      assert.equal(err.name, 'QueueDoesNotExist');
      assert.equal(err.message, 'The specified queue does not exist.');
      assert.equal(err.Code, 'AWS.SimpleQueueService.NonExistentQueue');
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  });

  it('lists by prefix with pagination', async () => {
    const names = ['page-c', 'page-a', 'page-e', 'page-b', 'page-d'];
    for (const n of names) await create(n);
    const all = await sqs().send(new ListQueuesCommand({ QueueNamePrefix: 'page-' }));
    assert.deepEqual(all.QueueUrls, ['a', 'b', 'c', 'd', 'e'].map((s) => `${h.endpoint}/000000000000/page-${s}`));
    assert.equal(all.NextToken, undefined);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await sqs().send(new ListQueuesCommand({ QueueNamePrefix: 'page-', MaxResults: 2, NextToken: token }));
      seen.push(...(r.QueueUrls ?? []));
      token = r.NextToken;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, all.QueueUrls);
    assert.deepEqual((await sqs().send(new ListQueuesCommand({ QueueNamePrefix: 'no-such-prefix' }))).QueueUrls ?? [], []);
    await rejects(sqs().send(new ListQueuesCommand({ MaxResults: 1001 })), 'InvalidParameterValue', /MaxResults/);
  });

  it('deletes queues and reserves the name for 60 seconds', async () => {
    const url = await create('short-lived');
    await sqs().send(new DeleteQueueCommand({ QueueUrl: url }));
    await rejects(sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })), 'QueueDoesNotExist');
    await rejects(sqs().send(new DeleteQueueCommand({ QueueUrl: url })), 'QueueDoesNotExist');
    await rejects(create('short-lived'), 'QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.');
    h.nimbus.cloud.clock.advance(60_000);
    assert.equal(await create('short-lived'), url);
  });
});

describe('queue URLs', () => {
  it('work from any host whose path is /<account>/<name>', async () => {
    const url = await create('anyhost');
    const port = new URL(h.endpoint).port;
    for (const variant of [
      `http://localhost:${port}/000000000000/anyhost`,
      `http://127.0.0.1:${port}/000000000000/anyhost`,
      'https://sqs.us-east-1.amazonaws.com/000000000000/anyhost',
      'https://queue.amazonaws.com/000000000000/anyhost',
    ]) {
      const client = new SQSClient({ ...h.config, useQueueUrlAsEndpoint: false });
      const r = await client.send(new SendMessageCommand({ QueueUrl: variant, MessageBody: 'x' }));
      assert.ok(r.MessageId, variant);
    }
    assert.equal((await attrs(url, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages, '4');
  });

  it('read the region from AWS-style hosts', async () => {
    const west = new SQSClient({ ...h.config, region: 'eu-west-1' });
    const url = (await west.send(new CreateQueueCommand({ QueueName: 'regional' }))).QueueUrl!;
    assert.equal((await attrs(url.replace(/^http:\/\/[^/]+/, h.endpoint)).catch((e) => e.name)), 'QueueDoesNotExist');
    const awsStyle = 'https://sqs.eu-west-1.amazonaws.com/000000000000/regional';
    const client = new SQSClient({ ...h.config, useQueueUrlAsEndpoint: false });
    const a = (await client.send(new GetQueueAttributesCommand({ QueueUrl: awsStyle, AttributeNames: ['QueueArn'] }))).Attributes!;
    assert.equal(a.QueueArn, 'arn:aws:sqs:eu-west-1:000000000000:regional');
  });

  it('rejects strings that are not queue URLs with InvalidAddress', async () => {
    await rejects(sqs().send(new SendMessageCommand({ QueueUrl: 'not-a-url', MessageBody: 'x' })), 'InvalidAddress');
  });
});

describe('SetQueueAttributes', () => {
  it('changes attributes and LastModifiedTimestamp, clears with empty values', async () => {
    const url = await create('settable');
    const before = await attrs(url);
    h.nimbus.cloud.clock.advance(2_000);
    await sqs().send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '69', MaximumMessageSize: '2048', DelaySeconds: '420', Policy: '{"Version":"2012-10-17"}' } }));
    const after = await attrs(url);
    assert.equal(after.VisibilityTimeout, '69');
    assert.equal(after.MaximumMessageSize, '2048');
    assert.equal(after.DelaySeconds, '420');
    assert.equal(after.Policy, '{"Version":"2012-10-17"}');
    assert.equal(after.CreatedTimestamp, before.CreatedTimestamp);
    assert.ok(Number(after.LastModifiedTimestamp) >= Number(before.LastModifiedTimestamp) + 2);
    await sqs().send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: '' } }));
    assert.equal((await attrs(url)).Policy, undefined);
  });

  it('refuses to change the queue type', async () => {
    const std = await create('type-std');
    await rejects(sqs().send(new SetQueueAttributesCommand({ QueueUrl: std, Attributes: { FifoQueue: 'true' } })), 'InvalidAttributeName', 'Unknown Attribute FifoQueue.');
    const fifo = await create('type.fifo', { FifoQueue: 'true' });
    await rejects(
      sqs().send(new SetQueueAttributesCommand({ QueueUrl: fifo, Attributes: { FifoQueue: 'false' } })),
      'InvalidAttributeValue',
      'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
    );
    await sqs().send(new SetQueueAttributesCommand({ QueueUrl: fifo, Attributes: { ContentBasedDeduplication: 'true' } }));
    assert.equal((await attrs(fifo)).ContentBasedDeduplication, 'true');
  });

  it('keeps SSE-KMS and SSE-SQS exclusive', async () => {
    const url = await create('sse-kms', { KmsMasterKeyId: 'testKeyId', KmsDataKeyReusePeriodSeconds: '6000' });
    assert.deepEqual(await attrs(url, ['KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled']), {
      KmsMasterKeyId: 'testKeyId',
      KmsDataKeyReusePeriodSeconds: '6000',
      SqsManagedSseEnabled: 'false',
    });
    await rejects(sqs().send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { SqsManagedSseEnabled: 'true' } })), 'InvalidAttributeName');
  });
});

describe('tags and permissions', () => {
  it('tags at creation, tags, untags and lists', async () => {
    const url = await create('tagged', {}, { team: 'a' });
    await sqs().send(new TagQueueCommand({ QueueUrl: url, Tags: { tag1: 'value1', tag2: 'value2', tag3: '' } }));
    assert.deepEqual((await sqs().send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { team: 'a', tag1: 'value1', tag2: 'value2', tag3: '' });
    await sqs().send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['team', 'tag1', 'tag3'] }));
    assert.deepEqual((await sqs().send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { tag2: 'value2' });
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    await rejects(sqs().send(new TagQueueCommand({ QueueUrl: url, Tags: many })), 'InvalidParameterValue', /Too many tags/);
  });

  it('adds and removes permission statements in the Policy attribute', async () => {
    const url = await create('shared');
    const arn = (await attrs(url, ['QueueArn'])).QueueArn;
    await sqs().send(new AddPermissionCommand({ QueueUrl: url, Label: 'crossaccountpermission', AWSAccountIds: ['111111111111'], Actions: ['ReceiveMessage'] }));
    assert.deepEqual(JSON.parse((await attrs(url, ['Policy'])).Policy), {
      Version: '2008-10-17',
      Id: `${arn}/SQSDefaultPolicy`,
      Statement: [
        { Sid: 'crossaccountpermission', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'SQS:ReceiveMessage', Resource: arn },
      ],
    });
    await rejects(
      sqs().send(new AddPermissionCommand({ QueueUrl: url, Label: 'crossaccountpermission', AWSAccountIds: ['111111111111'], Actions: ['SendMessage'] })),
      'InvalidParameterValue',
      'Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.',
    );
    await sqs().send(new AddPermissionCommand({ QueueUrl: url, Label: 'second', AWSAccountIds: ['111111111111', '222222222222'], Actions: ['SendMessage', 'DeleteMessage'] }));
    const two = JSON.parse((await attrs(url, ['Policy'])).Policy);
    assert.deepEqual(two.Statement[1].Principal.AWS, ['arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root']);
    assert.deepEqual(two.Statement[1].Action, ['SQS:SendMessage', 'SQS:DeleteMessage']);
    await sqs().send(new RemovePermissionCommand({ QueueUrl: url, Label: 'crossaccountpermission' }));
    await sqs().send(new RemovePermissionCommand({ QueueUrl: url, Label: 'second' }));
    assert.deepEqual(await attrs(url, ['Policy']), {});
    await rejects(
      sqs().send(new RemovePermissionCommand({ QueueUrl: url, Label: 'second' })),
      'InvalidParameterValue',
      "Value second for parameter Label is invalid. Reason: can't find label.",
    );
  });
});

describe('old clients', () => {
  it('answers the query protocol in XML with the query error code', async () => {
    const r = await rawRequest(h.endpoint, '/', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetQueueUrl&Version=2012-11-05&QueueName=missing',
    });
    assert.equal(r.status, 400);
    assert.match(r.text, /<Code>AWS\.SimpleQueueService\.NonExistentQueue<\/Code>/);
    assert.match(r.text, /<Message>The specified queue does not exist for this wsdl version\.<\/Message>/);
    assert.match(r.text, /<Type>Sender<\/Type>/);

    const created = await rawRequest(h.endpoint, '/', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateQueue&Version=2012-11-05&QueueName=query-made&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=7',
    });
    assert.equal(created.status, 200);
    const url = /<QueueUrl>([^<]+)<\/QueueUrl>/.exec(created.text)?.[1];
    assert.equal(url, `${h.endpoint}/000000000000/query-made`);
    assert.equal((await attrs(url!, ['VisibilityTimeout'])).VisibilityTimeout, '7');
  });

  it('serves the AWS CLI', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
    const cli = (...args: string[]) => run('aws', ['--endpoint-url', h.endpoint, 'sqs', ...args, '--output', 'json'], { env });
    const created = JSON.parse((await cli('create-queue', '--queue-name', 'from-cli')).stdout);
    assert.equal(created.QueueUrl, `${h.endpoint}/000000000000/from-cli`);
    const sent = JSON.parse((await cli('send-message', '--queue-url', created.QueueUrl, '--message-body', 'hello cli')).stdout);
    assert.equal(sent.MD5OfMessageBody, createHash('md5').update('hello cli').digest('hex'));
    const received = JSON.parse((await cli('receive-message', '--queue-url', created.QueueUrl)).stdout);
    assert.equal(received.Messages[0].Body, 'hello cli');
    await assert.rejects(cli('get-queue-url', '--queue-name', 'not-there'), (err: any) => {
      assert.match(err.stderr, /QueueDoesNotExist|NonExistentQueue/);
      return true;
    });
  });
});
