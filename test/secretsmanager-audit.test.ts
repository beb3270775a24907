/** The audit trail: every Secrets Manager call in CloudTrail's event history, never a secret value. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CloudTrailClient, type Event, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { useNimbus } from './helpers.js';

const nimbus = useNimbus({ logLevel: 'debug' });
const logged: string[] = [];
const write = process.stderr.write.bind(process.stderr);

const client = (accessKeyId: string) => new SecretsManagerClient({ ...nimbus.config, credentials: { accessKeyId, secretAccessKey: 'x' } });
let ct: CloudTrailClient;

async function lookupAll(input: LookupEventsCommandInput): Promise<Event[]> {
  const out: Event[] = [];
  let token: string | undefined;
  do {
    const page = await ct.send(new LookupEventsCommand({ ...input, NextToken: token }));
    out.push(...page.Events!);
    token = page.NextToken;
  } while (token);
  return out;
}

beforeEach(() => {
  ct = new CloudTrailClient(nimbus.config);
});

describe('audit trail', () => {
  let alpha: string;
  let beta: string;
  let password: string;

  before(async () => {
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    const admin = client('AKIDADMIN');
    alpha = (await admin.send(new CreateSecretCommand({ Name: 'audit/alpha', SecretString: 'TOPSECRET-alpha', Description: 'alpha db' }))).ARN!;
    beta = (await admin.send(new CreateSecretCommand({ Name: 'audit/beta', SecretBinary: Buffer.from('TOPSECRET-beta') }))).ARN!;
    await admin.send(new PutSecretValueCommand({ SecretId: alpha, SecretString: 'TOPSECRET-alpha-2' }));
    await admin.send(new UpdateSecretCommand({ SecretId: beta, SecretString: 'TOPSECRET-beta-2' }));
    password = (await admin.send(new GetRandomPasswordCommand({ PasswordLength: 40 }))).RandomPassword!;

    await client('AKIDALICE').send(new GetSecretValueCommand({ SecretId: alpha }));
    await client('AKIDALICE').send(new GetSecretValueCommand({ SecretId: 'audit/beta' }));
    await client('AKIDBOB').send(new GetSecretValueCommand({ SecretId: 'audit/alpha' }));
    await assert.rejects(client('AKIDBOB').send(new GetSecretValueCommand({ SecretId: 'audit/missing' })), { name: 'ResourceNotFoundException' });
    await admin.send(new DeleteSecretCommand({ SecretId: beta }));
    await assert.rejects(client('AKIDMALLORY').send(new GetSecretValueCommand({ SecretId: beta })), { name: 'InvalidRequestException' });
  });

  after(() => {
    process.stderr.write = write;
  });

  test('LookupEvents answers who read which secret', async () => {
    const reads = await lookupAll({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: alpha }] });
    const gets = reads.filter((e) => e.EventName === 'GetSecretValue');
    assert.deepEqual(
      gets.map((e) => e.AccessKeyId),
      ['AKIDBOB', 'AKIDALICE'],
      'newest first',
    );
    for (const e of gets) {
      assert.equal(e.EventSource, 'secretsmanager.amazonaws.com');
      assert.equal(e.ReadOnly, 'true');
      assert.deepEqual(e.Resources, [{ ResourceType: 'AWS::SecretsManager::Secret', ResourceName: alpha }]);
      const body = JSON.parse(e.CloudTrailEvent!);
      assert.equal(body.eventName, 'GetSecretValue');
      assert.equal(body.eventType, 'AwsApiCall');
      assert.equal(body.awsRegion, 'us-east-1');
      assert.equal(body.userIdentity.accountId, '000000000000');
      assert.equal(body.userIdentity.accessKeyId, e.AccessKeyId);
      assert.equal(body.recipientAccountId, '000000000000');
      assert.match(body.sourceIPAddress, /127\.0\.0\.1/);
      assert.match(body.userAgent, /aws-sdk-js/);
      assert.match(body.requestID, /^[0-9a-f-]{36}$/);
      assert.equal(body.eventID, e.EventId);
      assert.equal(body.readOnly, true);
      assert.equal(body.responseElements, null);
      assert.deepEqual(body.resources, [{ accountId: '000000000000', type: 'AWS::SecretsManager::Secret', ARN: alpha }]);
    }
    const byAlice = await lookupAll({ LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIDALICE' }] });
    assert.deepEqual(byAlice.map((e) => e.Resources![0].ResourceName).sort(), [alpha, beta].sort());
  });

  test('failed calls are recorded with their error code', async () => {
    const mallory = await lookupAll({ LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIDMALLORY' }] });
    assert.equal(mallory.length, 1);
    const body = JSON.parse(mallory[0].CloudTrailEvent!);
    assert.equal(body.errorCode, 'InvalidRequestException');
    assert.equal(body.errorMessage, "You can't perform this operation on the secret because it was marked for deletion.");
    assert.deepEqual(mallory[0].Resources, [{ ResourceType: 'AWS::SecretsManager::Secret', ResourceName: beta }]);
    const bob = await lookupAll({ LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIDBOB' }] });
    const missing = bob.map((e) => JSON.parse(e.CloudTrailEvent!)).find((b) => b.errorCode);
    assert.equal(missing.errorCode, 'ResourceNotFoundException');
    assert.deepEqual(missing.requestParameters, { secretId: 'audit/missing' });
  });

  test('write events carry request parameters and response elements, never a secret value', async () => {
    const creates = await lookupAll({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateSecret' }] });
    const alphaCreate = creates.map((e) => JSON.parse(e.CloudTrailEvent!)).find((b) => b.requestParameters.name === 'audit/alpha');
    assert.equal(alphaCreate.readOnly, false);
    assert.equal(alphaCreate.requestParameters.description, 'alpha db');
    assert.match(alphaCreate.requestParameters.clientRequestToken, /^[0-9a-f-]{36}$/);
    assert.equal(alphaCreate.requestParameters.secretString, undefined);
    assert.equal(alphaCreate.responseElements.aRN, alpha);

    const everything = JSON.stringify(await lookupAll({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'secretsmanager.amazonaws.com' }] }));
    assert.ok(everything.includes('GetRandomPassword'));
    assert.ok(!everything.includes('TOPSECRET'));
    assert.ok(!everything.includes(Buffer.from('TOPSECRET-beta').toString('base64')));
    assert.ok(!everything.includes(password));
  });

  test('secret values never reach Nimbus logs', async () => {
    const text = logged.join('');
    assert.ok(text.includes('GetSecretValue'), 'debug logging was on');
    assert.ok(!text.includes('TOPSECRET'));
    assert.ok(!text.includes(password));
  });

  test('time range, paging and attribute checks', async () => {
    const all = await lookupAll({});
    assert.equal(all.length, 11);
    const times = all.map((e) => e.EventTime!.getTime());
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    const ids = new Set<string>();
    let token: string | undefined;
    do {
      const page = await ct.send(new LookupEventsCommand({ MaxResults: 3, NextToken: token }));
      assert.ok(page.Events!.length <= 3);
      for (const e of page.Events!) ids.add(e.EventId!);
      token = page.NextToken;
    } while (token);
    assert.equal(ids.size, all.length);

    const future = new Date(nimbus.nimbus.cloud.clock.now() + 60_000);
    assert.deepEqual((await ct.send(new LookupEventsCommand({ StartTime: future, EndTime: new Date(future.getTime() + 60_000) }))).Events, []);
    const recent = await ct.send(new LookupEventsCommand({ StartTime: new Date(times[1]) }));
    assert.deepEqual(
      recent.Events!.map((e) => e.EventId),
      all.filter((e) => e.EventTime!.getTime() >= times[1]).map((e) => e.EventId),
    );
    const past = await ct.send(new LookupEventsCommand({ EndTime: new Date(times[times.length - 1] - 1) }));
    assert.deepEqual(past.Events, []);
    await assert.rejects(ct.send(new LookupEventsCommand({ StartTime: future, EndTime: new Date(future.getTime() - 1000) })), { name: 'InvalidTimeRangeException' });
    await assert.rejects(
      ct.send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: 'EventName', AttributeValue: 'GetSecretValue' },
            { AttributeKey: 'ReadOnly', AttributeValue: 'true' },
          ],
        }),
      ),
      { name: 'InvalidLookupAttributesException' },
    );
    const writes = await lookupAll({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }] });
    assert.deepEqual([...new Set(writes.map((e) => e.EventName))].sort(), ['CreateSecret', 'DeleteSecret', 'PutSecretValue', 'UpdateSecret']);
    await assert.rejects(ct.send(new LookupEventsCommand({ NextToken: 'garbage' })), { name: 'InvalidNextTokenException' });
  });

  test('events are kept per account and region', async () => {
    const other = new CloudTrailClient({ ...nimbus.config, region: 'eu-central-1' });
    assert.deepEqual((await other.send(new LookupEventsCommand({}))).Events, []);
    const otherAccount = new CloudTrailClient({ ...nimbus.config, credentials: { accessKeyId: '111122223333', secretAccessKey: 'x' } });
    assert.deepEqual((await otherAccount.send(new LookupEventsCommand({}))).Events, []);
  });
});
