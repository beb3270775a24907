/** Each protocol codec end to end through a real SDK v3 client, plus gateway behaviour. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { SFNClient, ListStateMachinesCommand, DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { SecretsManagerClient, ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { SNSClient, ListTopicsCommand } from '@aws-sdk/client-sns';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startNimbus } from '../src/index.js';
import { rawRequest, useNimbus } from './helpers.js';

const n = useNimbus();

test('awsJson1_0: Step Functions ListStateMachines answers an empty list', async () => {
  const out = await new SFNClient(n.config).send(new ListStateMachinesCommand({}));
  assert.deepEqual(out.stateMachines, []);
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
});

test('awsJson1_1: Secrets Manager ListSecrets answers an empty list', async () => {
  const out = await new SecretsManagerClient(n.config).send(new ListSecretsCommand({}));
  assert.deepEqual(out.SecretList, []);
  assert.equal(out.NextToken, undefined);
});

test('awsQuery: SNS ListTopics answers an empty list in XML', async () => {
  const out = await new SNSClient(n.config).send(new ListTopicsCommand({}));
  assert.deepEqual(out.Topics ?? [], []);
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
});

test('restJson1: Lambda ListFunctions answers an empty list', async () => {
  const out = await new LambdaClient(n.config).send(new ListFunctionsCommand({}));
  assert.deepEqual(out.Functions, []);
});

test('restXml: S3 ListBuckets answers an empty list with an owner, path and virtual-host style', async () => {
  for (const forcePathStyle of [true, false]) {
    const out = await new S3Client({ ...n.config, forcePathStyle }).send(new ListBucketsCommand({}));
    assert.deepEqual(out.Buckets ?? [], []);
    assert.equal(out.Owner?.ID, '000000000000');
  }
});

test('the account comes from a 12-digit access key id, else 000000000000; the partition from the region', async () => {
  const sts = new STSClient({ ...n.config, credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
  const out = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(out.Account, '123456789012');
  assert.equal(out.Arn, 'arn:aws:iam::123456789012:root');
  const cn = new STSClient({ ...n.config, region: 'cn-north-1' });
  const out2 = await cn.send(new GetCallerIdentityCommand({}));
  assert.equal(out2.Account, '000000000000');
  assert.equal(out2.Arn, 'arn:aws-cn:iam::000000000000:root');
});

test('model validation answers ValidationException with AWS wording before any handler runs', async () => {
  const sfn = new SFNClient(n.config);
  await assert.rejects(sfn.send(new ListStateMachinesCommand({ maxResults: 5000 })), (err: any) => {
    assert.equal(err.name, 'ValidationException');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, "1 validation error detected: Value '5000' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000");
    return true;
  });
  await assert.rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: undefined as any })), (err: any) => {
    assert.equal(err.name, 'ValidationException');
    assert.match(err.message, /Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null/);
    return true;
  });
});

test('an operation Nimbus does not implement answers 501 naming it', async () => {
  const res = await rawRequest(n.endpoint, '/', {
    headers: { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories', 'content-type': 'application/x-amz-json-1.1' },
    body: '{}',
  });
  assert.equal(res.status, 501);
  assert.equal(res.headers.get('x-amzn-errortype'), 'NotImplemented');
  assert.equal(JSON.parse(res.text).message, 'Nimbus does not implement ecr:DescribeRepositories yet');
});

test('a service Nimbus does not serve gets an AWS-shaped error naming it', async () => {
  const res = await rawRequest(n.endpoint, '/', {
    headers: {
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20261121/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'Action=DescribeInstances&Version=2016-11-15',
  });
  assert.equal(res.status, 400);
  assert.match(res.text, /<Code>UnknownServiceException<\/Code>/);
  assert.match(res.text, /does not serve the AWS service 'ec2'/);
});

test('unsigned requests are routed by X-Amz-Target, query Version and REST path', async () => {
  const sfn = await rawRequest(n.endpoint, '/', { headers: { 'x-amz-target': 'AWSStepFunctions.ListStateMachines', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
  assert.equal(sfn.status, 200);
  assert.deepEqual(JSON.parse(sfn.text), { stateMachines: [] });
  const sns = await rawRequest(n.endpoint, '/', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListTopics&Version=2010-03-31' });
  assert.equal(sns.status, 200);
  assert.match(sns.text, /^<\?xml[^>]*>\s*<ListTopicsResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><ListTopicsResult><Topics><\/Topics><\/ListTopicsResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId>/);
  const lambda = await rawRequest(n.endpoint, '/2015-03-31/functions/', { method: 'GET' });
  assert.equal(lambda.status, 200);
  assert.deepEqual(JSON.parse(lambda.text), { Functions: [] });
});

test('a sync- host prefix (StartSyncExecution) still reaches Step Functions', async () => {
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: n.nimbus.port, method: 'POST', path: '/', headers: { host: `sync-states.localhost:${n.nimbus.port}`, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
  assert.equal(status, 200);
  assert.deepEqual(JSON.parse(body), { stateMachines: [] });
});

test('CORS: preflight and simple responses carry the headers browser SDKs need', async () => {
  const pre = await fetch(n.endpoint + '/', {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target,content-type,authorization' },
  });
  assert.equal(pre.status, 200);
  assert.equal(pre.headers.get('access-control-allow-origin'), 'http://localhost:3000');
  assert.equal(pre.headers.get('access-control-allow-headers'), 'x-amz-target,content-type,authorization');
  assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
  const res = await rawRequest(n.endpoint, '/', { headers: { origin: 'http://a.test', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' }, body: '{}' });
  assert.equal(res.headers.get('access-control-allow-origin'), 'http://a.test');
  assert.match(res.headers.get('access-control-expose-headers') ?? '', /x-amzn-RequestId/);
});

test('health endpoints: Nimbus shape and LocalStack shape', async () => {
  const h = await (await fetch(n.endpoint + '/_nimbus/health')).json();
  assert.equal(h.status, 'running');
  assert.match(h.version, /^\d+\.\d+\.\d+/);
  for (const s of ['states', 'lambda', 'sqs', 'sns', 'events', 'scheduler', 'secretsmanager', 's3', 'sts', 'kms', 'dynamodb', 'logs', 'cloudtrail'])
    assert.ok(['available', 'running'].includes(h.services[s]), `service ${s} listed`);
  assert.equal(h.services.states, 'running', 'used in this instance already');
  const ls = await (await fetch(n.endpoint + '/_localstack/health')).json();
  assert.equal(ls.edition, 'community');
  assert.equal(typeof ls.version, 'string');
  assert.equal(ls.services.sqs === 'available' || ls.services.sqs === 'running', true);
  const missing = await fetch(n.endpoint + '/_nimbus/nope');
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/, 'admin answers carry a request id too');
});

test('two instances in one process are separate servers with separate clocks and services', async () => {
  const other = await startNimbus({ port: 0, logLevel: 'silent' });
  try {
    assert.notEqual(other.port, n.nimbus.port);
    assert.notEqual(other.cloud, n.nimbus.cloud);
    other.cloud.clock.advance(60_000);
    assert.ok(other.cloud.clock.now() - n.nimbus.cloud.clock.now() >= 59_000);
    const mine = await n.nimbus.cloud.service('states');
    const theirs = await other.cloud.service('states');
    assert.notEqual(mine, theirs);
  } finally {
    await other.stop();
  }
});

test('validation errors never echo sensitive values (AWS omits them)', async () => {
  const secret = 's3cr3t-'.repeat(10_000);
  const res = await rawRequest(n.endpoint, '/', {
    headers: { 'x-amz-target': 'secretsmanager.CreateSecret', 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ Name: 'big', SecretString: secret, ClientRequestToken: 'a'.repeat(40) }),
  });
  assert.equal(res.status, 400);
  const body = JSON.parse(res.text);
  assert.equal(body.__type, 'ValidationException');
  assert.equal(body.message, "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536");
  assert.ok(!res.text.includes('s3cr3t'));
});

test('fully qualified X-Amz-Target (as botocore sends for CloudTrail) is accepted', async () => {
  const res = await rawRequest(n.endpoint, '/', {
    headers: { 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents', 'content-type': 'application/x-amz-json-1.1' },
    body: '{}',
  });
  assert.equal(res.status, 200);
  const events = JSON.parse(res.text).Events as { EventName: string }[];
  assert.ok(events.some((e) => e.EventName === 'ListSecrets'), 'the earlier ListSecrets call is in the audit trail');
});

test('presigned requests: the service and region come from X-Amz-Credential', async () => {
  const cred = encodeURIComponent('AKIDEXAMPLE/20260101/eu-west-1/sns/aws4_request');
  const res = await fetch(`${n.endpoint}/?Action=CreateTopic&Name=presigned&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${cred}&X-Amz-Signature=0`);
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.match(text, /<TopicArn>arn:aws:sns:eu-west-1:000000000000:presigned<\/TopicArn>/);
});
