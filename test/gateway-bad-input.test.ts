/** Garbage to every codec: AWS-shaped 4xx answers, never a 5xx, and a server that keeps answering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { MODEL_LOADERS } from '../src/generated/index.js';
import type { ServiceModel, StructureShape } from '../src/protocols/model.js';
import { rawRequest, useNimbus } from './helpers.js';

const n = useNimbus();

const json10 = (op: string, body: string) => ({
  headers: { 'x-amz-target': `AWSStepFunctions.${op}`, 'content-type': 'application/x-amz-json-1.0' },
  body,
});
const json11 = (op: string, body: string) => ({
  headers: { 'x-amz-target': `secretsmanager.${op}`, 'content-type': 'application/x-amz-json-1.1' },
  body,
});

async function assertStillUp() {
  const res = await fetch(n.endpoint + '/_nimbus/health');
  assert.equal(res.status, 200);
}

test('awsJson: truncated JSON, non-object bodies and wrong types are SerializationException 400', async () => {
  for (const body of ['{"maxResults": 1', '[1,2]', '"x"', 'null', '\u0000\u0001garbage', '{"maxResults": "ten"}', '{"maxResults": 1.5}', '{"nextToken": {"a":1}}']) {
    const res = await rawRequest(n.endpoint, '/', json10('ListStateMachines', body));
    assert.equal(res.status, 400, body);
    assert.equal(res.headers.get('x-amzn-errortype'), 'SerializationException', body);
    assert.equal(JSON.parse(res.text).__type, 'SerializationException');
  }
  const res = await rawRequest(n.endpoint, '/', json11('ListSecrets', '{"MaxResults": true}'));
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('x-amzn-errortype'), 'SerializationException');
  await assertStillUp();
});

test('awsJson: unknown operation, missing target, wrong method and wrong content type', async () => {
  const unknown = await rawRequest(n.endpoint, '/', json10('FlyToTheMoon', '{}'));
  assert.equal(unknown.status, 400);
  assert.equal(JSON.parse(unknown.text).__type, 'UnknownOperationException');
  const wrongPrefix = await rawRequest(n.endpoint, '/', { headers: { 'x-amz-target': 'AWSStepFunctionsX.ListStateMachines', authorization: 'AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/states/aws4_request' }, body: '{}' });
  assert.equal(wrongPrefix.status, 400);
  const get = await rawRequest(n.endpoint, '/', { method: 'GET', headers: { 'x-amz-target': 'AWSStepFunctions.ListStateMachines' } });
  assert.ok(get.status >= 400 && get.status < 500, String(get.status));
  const textPlain = await rawRequest(n.endpoint, '/', { headers: { 'x-amz-target': 'AWSStepFunctions.ListStateMachines', 'content-type': 'text/plain' }, body: 'not json' });
  assert.equal(textPlain.status, 400);
  const noService = await rawRequest(n.endpoint, '/', { headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(noService.status, 400);
  assert.equal(JSON.parse(noService.text).__type, 'UnrecognizedClientException');
  await assertStillUp();
});

test('awsQuery: missing and unknown Action, bad parameter types, missing required members', async () => {
  const form = (body: string) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const missing = await rawRequest(n.endpoint, '/', form('Version=2010-03-31'));
  assert.equal(missing.status, 400);
  assert.match(missing.text, /<Code>MissingAction<\/Code>/);
  const unknown = await rawRequest(n.endpoint, '/', form('Action=Explode&Version=2010-03-31'));
  assert.equal(unknown.status, 400);
  assert.match(unknown.text, /<ErrorResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>The action Explode is not valid for this endpoint.<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>/);
  const required = await rawRequest(n.endpoint, '/', form('Action=Publish&Version=2010-03-31'));
  assert.equal(required.status, 400);
  assert.match(required.text, /<Code>ValidationError<\/Code>/);
  assert.match(required.text, /Value null at &apos;message&apos; failed to satisfy constraint: Member must not be null/);
  const badType = await rawRequest(n.endpoint, '/', form('Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::000000000000:role/r&RoleSessionName=s&DurationSeconds=abc'));
  assert.equal(badType.status, 400);
  assert.match(badType.text, /<Code>ValidationError<\/Code>/);
  const garbage = await rawRequest(n.endpoint, '/', form('%%%&&&==Action'));
  assert.ok(garbage.status >= 400 && garbage.status < 500, String(garbage.status));
  await assertStillUp();
});

test('restJson1: malformed JSON body, bad labels and unknown routes', async () => {
  const bad = await rawRequest(n.endpoint, '/2015-03-31/functions', { headers: { 'content-type': 'application/json' }, body: '{"FunctionName": ' });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get('x-amzn-errortype'), 'SerializationException');
  const wrongType = await rawRequest(n.endpoint, '/2015-03-31/functions', { headers: { 'content-type': 'application/json' }, body: '{"FunctionName": 5, "Role": "r", "Code": {}}' });
  assert.equal(wrongType.status, 400);
  const badQuery = await rawRequest(n.endpoint, '/2015-03-31/functions/?MaxItems=lots', { method: 'GET' });
  assert.equal(badQuery.status, 400);
  const badEscape = await rawRequest(n.endpoint, '/2015-03-31/functions/%E0%A4%A/configuration', { method: 'GET' });
  assert.ok(badEscape.status >= 400 && badEscape.status < 500, String(badEscape.status));
  const route = await rawRequest(n.endpoint, '/2015-03-31/nowhere/at/all', { method: 'DELETE' });
  assert.equal(route.status, 404);
  assert.equal(route.headers.get('x-amzn-errortype'), 'UnknownOperationException');
  await assertStillUp();
});

test('restXml: malformed XML is MalformedXML 400', async () => {
  const res = await rawRequest(n.endpoint, '/my-bucket?tagging', {
    method: 'PUT',
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/s3/aws4_request', 'content-type': 'application/xml' },
    body: '<Tagging><TagSet><Tag><Key>a</Key></TagSet>',
  });
  assert.equal(res.status, 400);
  assert.match(res.text, /<Code>MalformedXML<\/Code>/);
  await assertStillUp();
});

test('a body over 10 MiB is refused with 413 and the server keeps answering', async () => {
  const big = Buffer.alloc(10 * 1024 * 1024 + 10, 0x61);
  const res = await rawRequest(n.endpoint, '/', json10('ListStateMachines', big.toString()));
  assert.equal(res.status, 413);
  assert.equal(JSON.parse(res.text).__type, 'RequestEntityTooLarge');
  await assertStillUp();
});

test('huge headers are refused with a 4xx and the server keeps answering', async () => {
  const res = await rawRequest(n.endpoint, '/', { headers: { 'x-amz-target': 'AWSStepFunctions.ListStateMachines', 'x-junk': 'j'.repeat(100_000) }, body: '{}' });
  assert.ok(res.status >= 400 && res.status < 500, String(res.status));
  await assertStillUp();
});

test('a raw garbage HTTP request gets a 400 and the server keeps answering', async () => {
  const answer = await new Promise<string>((resolve, reject) => {
    const sock = connect(n.nimbus.port, '127.0.0.1', () => sock.write('THIS IS NOT HTTP\r\n\r\n'));
    let data = '';
    sock.on('data', (c) => (data += c));
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
  assert.match(answer, /^HTTP\/1\.1 400/);
  await assertStillUp();
});

/** A value of the wrong JSON type for a member of shape `target`. */
function wrongValue(model: ServiceModel, target: string): unknown {
  const s = model.shapes[target];
  switch (s.t) {
    case 'string':
    case 'timestamp':
    case 'blob':
      return { not: 'a string' };
    case 'boolean':
      return 'yes';
    case 'list':
      return 'not-a-list';
    case 'map':
    case 'structure':
    case 'union':
      return ['not', 'an', 'object'];
    case 'document':
      return undefined;
    default:
      return 'not-a-number';
  }
}

test('wrong types for every member of a sample of JSON operations: 400, never 5xx', async () => {
  const samples: [string, string, string[]][] = [
    ['states', 'AWSStepFunctions', ['CreateStateMachine', 'StartExecution', 'SendTaskSuccess', 'GetExecutionHistory', 'TagResource']],
    ['secretsmanager', 'secretsmanager', ['CreateSecret', 'GetSecretValue', 'ListSecrets', 'RotateSecret']],
    ['sqs', 'AmazonSQS', ['SendMessage', 'ReceiveMessage', 'CreateQueue']],
    ['events', 'AWSEvents', ['PutEvents', 'PutRule', 'PutTargets']],
  ];
  let checked = 0;
  for (const [service, prefix, ops] of samples) {
    const model = await MODEL_LOADERS[service]();
    const version = model.protocol === 'awsJson1_0' ? '1.0' : '1.1';
    for (const op of ops) {
      const shape = model.shapes[model.operations[op].i!] as StructureShape;
      for (const [member, ref] of Object.entries(shape.m)) {
        const value = wrongValue(model, ref.s);
        if (value === undefined) continue;
        const res = await rawRequest(n.endpoint, '/', {
          headers: { 'x-amz-target': `${prefix}.${op}`, 'content-type': `application/x-amz-json-${version}` },
          body: JSON.stringify({ [member]: value }),
        });
        assert.equal(res.status, 400, `${service}:${op} ${member} -> ${res.status} ${res.text}`);
        assert.equal(JSON.parse(res.text).__type, 'SerializationException', `${op}.${member}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 40, `checked ${checked} members`);
  await assertStillUp();
});
