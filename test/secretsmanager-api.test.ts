/** Addressing secrets, metadata, tags, resource policies, replication, and the AWS CLI. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeEach, describe, test } from 'node:test';
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand,
  SecretsManagerClient,
  StopReplicationToReplicaCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  ValidateResourcePolicyCommand,
} from '@aws-sdk/client-secrets-manager';
import { useNimbus } from './helpers.js';

const nimbus = useNimbus();
let sm: SecretsManagerClient;
const inRegion = (region: string) => new SecretsManagerClient({ ...nimbus.config, region });
const DAY = 86_400_000;

beforeEach(() => {
  sm = new SecretsManagerClient(nimbus.config);
});

describe('addressing a secret', () => {
  test('by name, full ARN (with the 6-character suffix) or partial ARN', async () => {
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: 'addr/app', SecretString: 'v' }));
    assert.match(ARN!, /^arn:aws:secretsmanager:us-east-1:000000000000:secret:addr\/app-[A-Za-z0-9]{6}$/);
    const partial = ARN!.slice(0, -7);
    for (const id of ['addr/app', ARN!, partial]) assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: id }))).ARN, ARN);
    const notFound = { name: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." };
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: `addr/app${ARN!.slice(-7)}` })), notFound);
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: `${partial}-AAAAAA` })), notFound);
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: ARN!.replace('us-east-1', 'us-west-2') })), notFound);
  });

  test('a name ending in a hyphen and six characters reads as a complete ARN', async () => {
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: 'addr/db-abc123', SecretString: 'v' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'addr/db-abc123' }))).ARN, ARN);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: ARN }))).ARN, ARN);
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: ARN!.slice(0, -7) })), { name: 'ResourceNotFoundException' });
  });

  test('invalid names answer ValidationException', async () => {
    const invalid = { name: 'ValidationException', message: 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!' };
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: 'Inv Name', SecretString: 'v' })), invalid);
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: ' Inv*Name? ' })), invalid);
    await assert.rejects(sm.send(new DescribeSecretCommand({ SecretId: 'a#b' })), invalid);
    const ok = await sm.send(new CreateSecretCommand({ Name: 'Valid/_+=.@-Name', SecretString: 'v' }));
    assert.equal(ok.Name, 'Valid/_+=.@-Name');
  });

  test('accounts and regions do not see each other', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'addr/isolated', SecretString: 'v' }));
    const other = new SecretsManagerClient({ ...nimbus.config, credentials: { accessKeyId: '444455556666', secretAccessKey: 'x' } });
    await assert.rejects(other.send(new GetSecretValueCommand({ SecretId: 'addr/isolated' })), { name: 'ResourceNotFoundException' });
    const mine = await other.send(new CreateSecretCommand({ Name: 'addr/isolated', SecretString: 'w' }));
    assert.match(mine.ARN!, /:444455556666:secret:addr\/isolated-/);
    await assert.rejects(inRegion('eu-west-1').send(new GetSecretValueCommand({ SecretId: 'addr/isolated' })), { name: 'ResourceNotFoundException' });
  });
});

describe('metadata', () => {
  test('DescribeSecret dates: LastAccessedDate is truncated to the day', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'meta/dates', SecretString: 'v', KmsKeyId: 'alias/mine', Description: 'd' }));
    let d = await sm.send(new DescribeSecretCommand({ SecretId: 'meta/dates' }));
    assert.equal(d.LastAccessedDate, undefined);
    assert.equal(d.RotationEnabled, undefined);
    assert.equal(d.KmsKeyId, 'alias/mine');
    assert.equal(d.Tags, undefined);
    assert.ok(d.CreatedDate && d.LastChangedDate);
    await sm.send(new GetSecretValueCommand({ SecretId: 'meta/dates' }));
    d = await sm.send(new DescribeSecretCommand({ SecretId: 'meta/dates' }));
    const now = nimbus.nimbus.cloud.clock.now();
    assert.equal(d.LastAccessedDate!.getTime(), Math.floor(now / DAY) * DAY);
    const changed = d.LastChangedDate!.getTime();
    await new Promise((r) => setTimeout(r, 5));
    await sm.send(new UpdateSecretCommand({ SecretId: 'meta/dates', Description: 'e' }));
    assert.ok((await sm.send(new DescribeSecretCommand({ SecretId: 'meta/dates' }))).LastChangedDate!.getTime() > changed);
  });

  test('TagResource merges and overwrites; UntagResource removes', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'meta/tags', SecretString: 'v', Tags: [{ Key: 'a', Value: '1' }] }));
    await sm.send(new TagResourceCommand({ SecretId: 'meta/tags', Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: 'one' }] }));
    assert.deepEqual((await sm.send(new DescribeSecretCommand({ SecretId: 'meta/tags' }))).Tags, [
      { Key: 'a', Value: 'one' },
      { Key: 'b', Value: '2' },
    ]);
    await sm.send(new UntagResourceCommand({ SecretId: 'meta/tags', TagKeys: ['a', 'zzz'] }));
    assert.deepEqual((await sm.send(new DescribeSecretCommand({ SecretId: 'meta/tags' }))).Tags, [{ Key: 'b', Value: '2' }]);
  });
});

describe('resource policies', () => {
  const policy = (principal: unknown, condition?: unknown) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: principal, Action: 'secretsmanager:GetSecretValue', Resource: '*', ...(condition ? { Condition: condition } : {}) }],
    });

  test('put, get and delete', async () => {
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: 'pol/one', SecretString: 'v' }));
    assert.equal((await sm.send(new GetResourcePolicyCommand({ SecretId: 'pol/one' }))).ResourcePolicy, undefined);
    const doc = policy({ AWS: 'arn:aws:iam::123456789012:root' });
    const put = await sm.send(new PutResourcePolicyCommand({ SecretId: 'pol/one', ResourcePolicy: doc }));
    assert.deepEqual([put.ARN, put.Name], [ARN, 'pol/one']);
    assert.equal((await sm.send(new GetResourcePolicyCommand({ SecretId: ARN }))).ResourcePolicy, doc);
    await sm.send(new DeleteResourcePolicyCommand({ SecretId: 'pol/one' }));
    assert.equal((await sm.send(new GetResourcePolicyCommand({ SecretId: 'pol/one' }))).ResourcePolicy, undefined);
  });

  test('malformed documents and BlockPublicPolicy', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'pol/two', SecretString: 'v' }));
    const malformed = { name: 'MalformedPolicyDocumentException', message: 'This policy has invalid syntax.' };
    await assert.rejects(sm.send(new PutResourcePolicyCommand({ SecretId: 'pol/two', ResourcePolicy: '{not json' })), malformed);
    await assert.rejects(sm.send(new PutResourcePolicyCommand({ SecretId: 'pol/two', ResourcePolicy: JSON.stringify({ Version: '2019-10-19', Statement: [] }) })), malformed);
    await assert.rejects(
      sm.send(new PutResourcePolicyCommand({ SecretId: 'pol/two', ResourcePolicy: JSON.stringify({ Statement: { Effect: 'Maybe', Principal: '*', Action: 'x' } }) })),
      malformed,
    );
    await assert.rejects(sm.send(new PutResourcePolicyCommand({ SecretId: 'pol/two', ResourcePolicy: policy('*'), BlockPublicPolicy: true })), {
      name: 'PublicPolicyException',
      message: 'The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.',
    });
    await sm.send(new PutResourcePolicyCommand({ SecretId: 'pol/two', ResourcePolicy: policy({ AWS: ['*'] }, { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } }), BlockPublicPolicy: true }));
    await sm.send(new PutResourcePolicyCommand({ SecretId: 'pol/two', ResourcePolicy: policy('*') }));
  });

  test('ValidateResourcePolicy reports problems without storing anything', async () => {
    const good = await sm.send(new ValidateResourcePolicyCommand({ ResourcePolicy: policy({ AWS: 'arn:aws:iam::123456789012:role/r' }) }));
    assert.deepEqual([good.PolicyValidationPassed, good.ValidationErrors], [true, []]);
    const broad = await sm.send(new ValidateResourcePolicyCommand({ ResourcePolicy: policy('*') }));
    assert.equal(broad.PolicyValidationPassed, false);
    assert.equal(broad.ValidationErrors![0].CheckName, 'BROAD_ACCESS');
    const bad = await sm.send(new ValidateResourcePolicyCommand({ ResourcePolicy: '[]' }));
    assert.equal(bad.PolicyValidationPassed, false);
    assert.match(bad.ValidationErrors![0].ErrorMessage!, /^This policy has invalid syntax\./);
    await assert.rejects(sm.send(new ValidateResourcePolicyCommand({ SecretId: 'pol/none', ResourcePolicy: policy('*') })), { name: 'ResourceNotFoundException' });
  });
});

describe('replication', () => {
  const notOnReplica = { name: 'InvalidParameterException', message: "Operation not permitted on a replica secret. Call must be made in primary secret's region." };

  test('replicas are readable in their regions and follow the primary', async () => {
    const created = await sm.send(new CreateSecretCommand({ Name: 'rep/one', SecretString: 'v1', AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
    assert.deepEqual(created.ReplicationStatus, [{ Region: 'eu-west-1', KmsKeyId: 'alias/aws/secretsmanager', Status: 'InSync', StatusMessage: 'Replication succeeded' }]);
    const eu = inRegion('eu-west-1');
    const replicaArn = created.ARN!.replace('us-east-1', 'eu-west-1');
    const read = await eu.send(new GetSecretValueCommand({ SecretId: replicaArn }));
    assert.deepEqual([read.ARN, read.Name, read.SecretString], [replicaArn, 'rep/one', 'v1']);
    await sm.send(new PutSecretValueCommand({ SecretId: 'rep/one', SecretString: 'v2' }));
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: 'rep/one' }))).SecretString, 'v2');

    const replica = await eu.send(new DescribeSecretCommand({ SecretId: 'rep/one' }));
    assert.equal(replica.PrimaryRegion, 'us-east-1');
    const primary = await sm.send(new DescribeSecretCommand({ SecretId: 'rep/one' }));
    assert.equal(primary.PrimaryRegion, 'us-east-1');
    assert.deepEqual(replica.VersionIdsToStages, primary.VersionIdsToStages);
    assert.ok(primary.ReplicationStatus![0].LastAccessedDate, 'reads of the replica show on the primary');

    await assert.rejects(eu.send(new PutSecretValueCommand({ SecretId: 'rep/one', SecretString: 'x' })), notOnReplica);
    await assert.rejects(eu.send(new UpdateSecretCommand({ SecretId: 'rep/one', Description: 'x' })), notOnReplica);
    await assert.rejects(eu.send(new DeleteSecretCommand({ SecretId: 'rep/one' })), notOnReplica);
    await assert.rejects(eu.send(new TagResourceCommand({ SecretId: 'rep/one', Tags: [{ Key: 'k', Value: 'v' }] })), notOnReplica);

    await assert.rejects(sm.send(new DeleteSecretCommand({ SecretId: 'rep/one' })), {
      name: 'InvalidParameterException',
      message: "You can't delete secret rep/one that still has replica regions [eu-west-1]",
    });
    const removed = await sm.send(new RemoveRegionsFromReplicationCommand({ SecretId: 'rep/one', RemoveReplicaRegions: ['eu-west-1'] }));
    assert.deepEqual(removed.ReplicationStatus, []);
    await assert.rejects(eu.send(new GetSecretValueCommand({ SecretId: 'rep/one' })), { name: 'ResourceNotFoundException' });
    await sm.send(new DeleteSecretCommand({ SecretId: 'rep/one', ForceDeleteWithoutRecovery: true }));
  });

  test('ReplicateSecretToRegions: same region, name clashes and ForceOverwriteReplicaSecret', async () => {
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: 'rep/two', SecretString: 'primary' }));
    await assert.rejects(sm.send(new ReplicateSecretToRegionsCommand({ SecretId: ARN, AddReplicaRegions: [{ Region: 'us-east-1' }] })), {
      name: 'InvalidParameterException',
      message: 'Invalid replica region.',
    });
    const west = inRegion('us-west-2');
    await west.send(new CreateSecretCommand({ Name: 'rep/two', SecretString: 'local' }));
    const clash = await sm.send(new ReplicateSecretToRegionsCommand({ SecretId: ARN, AddReplicaRegions: [{ Region: 'us-west-2' }] }));
    assert.deepEqual(clash.ReplicationStatus![0].Status, 'Failed');
    assert.equal(clash.ReplicationStatus![0].StatusMessage, 'Replication failed: Secret name rep/two already exists in region us-west-2.');
    assert.equal((await west.send(new GetSecretValueCommand({ SecretId: 'rep/two' }))).SecretString, 'local');
    const forced = await sm.send(new ReplicateSecretToRegionsCommand({ SecretId: ARN, AddReplicaRegions: [{ Region: 'us-west-2', KmsKeyId: 'alias/west' }], ForceOverwriteReplicaSecret: true }));
    assert.deepEqual(forced.ReplicationStatus, [{ Region: 'us-west-2', KmsKeyId: 'alias/west', Status: 'InSync', StatusMessage: 'Replication succeeded' }]);
    assert.equal((await west.send(new GetSecretValueCommand({ SecretId: 'rep/two' }))).SecretString, 'primary');
    assert.equal((await west.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['rep/two'] }] }))).SecretList!.length, 1);
  });

  test('StopReplicationToReplica promotes the replica to a standalone secret', async () => {
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: 'rep/three', SecretString: 'v', Tags: [{ Key: 't', Value: '1' }], AddReplicaRegions: [{ Region: 'ap-south-1' }] }));
    const ap = inRegion('ap-south-1');
    await assert.rejects(sm.send(new StopReplicationToReplicaCommand({ SecretId: ARN })), { name: 'InvalidRequestException' });
    const stopped = await ap.send(new StopReplicationToReplicaCommand({ SecretId: 'rep/three' }));
    assert.equal(stopped.ARN, ARN!.replace('us-east-1', 'ap-south-1'));
    const d = await ap.send(new DescribeSecretCommand({ SecretId: 'rep/three' }));
    assert.equal(d.PrimaryRegion, undefined);
    assert.deepEqual(d.Tags, [{ Key: 't', Value: '1' }]);
    await ap.send(new PutSecretValueCommand({ SecretId: 'rep/three', SecretString: 'independent' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'rep/three' }))).SecretString, 'v');
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: 'rep/three' }))).ReplicationStatus, undefined);
  });
});

describe('the AWS CLI', () => {
  test('create-secret and get-secret-value', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
    const aws = async (...args: string[]) => JSON.parse((await run('aws', ['--endpoint-url', nimbus.endpoint, 'secretsmanager', ...args], { env })).stdout);
    const created = await aws('create-secret', '--name', 'cli/secret', '--secret-string', '{"user":"admin"}');
    assert.equal(created.Name, 'cli/secret');
    const got = await aws('get-secret-value', '--secret-id', 'cli/secret');
    assert.equal(got.SecretString, '{"user":"admin"}');
    assert.equal(got.VersionId, created.VersionId);
    assert.deepEqual(got.VersionStages, ['AWSCURRENT']);
  });
});
