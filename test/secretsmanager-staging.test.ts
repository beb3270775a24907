/** Versions and staging labels through their whole life: create, put, update, move, rotate, cancel, delete, restore. */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerService } from '../src/services/secretsmanager/api.js';
import { useNimbus } from './helpers.js';

const nimbus = useNimbus();
let sm: SecretsManagerClient;
let n = 0;
const name = () => `stage/s-${++n}`;
const token = (c: string) => c.repeat(32);

beforeEach(() => {
  sm = new SecretsManagerClient(nimbus.config);
});

async function stages(id: string) {
  return (await sm.send(new DescribeSecretCommand({ SecretId: id }))).VersionIdsToStages ?? {};
}

describe('staging labels', () => {
  test('put moves AWSCURRENT and AWSPREVIOUS; a version without labels is deprecated but readable', async () => {
    const id = name();
    const v1 = (await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'one' }))).VersionId!;
    assert.deepEqual(await stages(id), { [v1]: ['AWSCURRENT'] });
    const put2 = await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'two' }));
    assert.deepEqual(put2.VersionStages, ['AWSCURRENT']);
    const v2 = put2.VersionId!;
    assert.deepEqual(await stages(id), { [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
    const v3 = (await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'three' }))).VersionId!;
    assert.deepEqual(await stages(id), { [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT'] });

    const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: id }));
    assert.deepEqual(listed.Versions!.map((v) => v.VersionId).sort(), [v2, v3].sort());
    assert.deepEqual(listed.Versions![0].KmsKeyIds, ['DefaultEncryptionKey']);
    const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: id, IncludeDeprecated: true }));
    assert.equal(all.Versions!.length, 3);
    assert.equal(all.Versions!.find((v) => v.VersionId === v1)!.VersionStages, undefined);

    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString, 'three');
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: id, VersionStage: 'AWSPREVIOUS' }))).SecretString, 'two');
    const old = await sm.send(new GetSecretValueCommand({ SecretId: id, VersionId: v1 }));
    assert.equal(old.SecretString, 'one');
    assert.deepEqual(old.VersionStages, []);
  });

  test('put with custom labels moves only those labels, sorted', async () => {
    const id = name();
    const v1 = (await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'S1' }))).VersionId!;
    const p1 = await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'S2', VersionStages: ['PUT1', 'AWSPENDING', 'AWSSOMETHING'] }));
    assert.deepEqual(p1.VersionStages, ['AWSPENDING', 'AWSSOMETHING', 'PUT1']);
    const p2 = await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'S3', VersionStages: ['AWSPENDING', 'PUT2'] }));
    assert.deepEqual(await stages(id), { [v1]: ['AWSCURRENT'], [p1.VersionId!]: ['AWSSOMETHING', 'PUT1'], [p2.VersionId!]: ['AWSPENDING', 'PUT2'] });
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString, 'S1');
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: id, VersionStage: 'PUT1' }))).SecretString, 'S2');
  });

  test('UpdateSecretVersionStage: AWSCURRENT must name the version it leaves, and AWSPREVIOUS follows it', async () => {
    const id = name();
    const v1 = (await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'S1' }))).VersionId!;
    const v2 = (await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'S2', VersionStages: ['AWSPENDING'] }))).VersionId!;
    await assert.rejects(sm.send(new UpdateSecretVersionStageCommand({ SecretId: id, VersionStage: 'AWSCURRENT', MoveToVersionId: v2 })), {
      name: 'InvalidParameterException',
      message: `The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version ${v1}, so you must explicitly reference that version in RemoveFromVersionId.`,
    });
    const res = await sm.send(new UpdateSecretVersionStageCommand({ SecretId: id, VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v1 }));
    assert.equal(res.Name, id);
    assert.deepEqual(await stages(id), { [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT', 'AWSPENDING'] });

    // Rolling back moves AWSCURRENT back and AWSPREVIOUS to the version it left.
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: id, VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v2 }));
    assert.deepEqual(await stages(id), { [v1]: ['AWSCURRENT'], [v2]: ['AWSPENDING', 'AWSPREVIOUS'] });

    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: id, VersionStage: 'AWSPENDING', RemoveFromVersionId: v2 }));
    assert.deepEqual(await stages(id), { [v1]: ['AWSCURRENT'], [v2]: ['AWSPREVIOUS'] });

    await assert.rejects(sm.send(new UpdateSecretVersionStageCommand({ SecretId: id, VersionStage: 'CUSTOM', RemoveFromVersionId: v1 })), {
      name: 'InvalidParameterException',
      message: `Version stage CUSTOM not found in version ${v1}`,
    });
    await assert.rejects(sm.send(new UpdateSecretVersionStageCommand({ SecretId: id, VersionStage: 'CUSTOM', MoveToVersionId: token('f') })), {
      name: 'InvalidParameterException',
      message: `Not a valid version: ${token('f')}`,
    });
  });

  test('UpdateSecret adds an AWSCURRENT version only when given a value', async () => {
    const id = name();
    const v1 = (await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'S1', Description: 'first' }))).VersionId!;
    const meta = await sm.send(new UpdateSecretCommand({ SecretId: id, Description: 'second' }));
    assert.equal(meta.VersionId, undefined);
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: id }))).Description, 'second');
    const upd = await sm.send(new UpdateSecretCommand({ SecretId: id, SecretBinary: Buffer.from([1, 2, 3]) }));
    assert.deepEqual(await stages(id), { [v1]: ['AWSPREVIOUS'], [upd.VersionId!]: ['AWSCURRENT'] });
    const got = await sm.send(new GetSecretValueCommand({ SecretId: id }));
    assert.deepEqual([...got.SecretBinary!], [1, 2, 3]);
    assert.equal(got.SecretString, undefined);
    await assert.rejects(sm.send(new UpdateSecretCommand({ SecretId: id, SecretString: 'x', ClientRequestToken: upd.VersionId })), {
      name: 'ResourceExistsException',
      message: "You can't modify an existing version, you can only create a new version.",
    });
    await assert.rejects(sm.send(new UpdateSecretCommand({ SecretId: id, SecretString: 'x', SecretBinary: Buffer.from('y') })), {
      name: 'InvalidParameterException',
      message: "You can't specify both a binary secret value and a string secret value in the same secret.",
    });
  });

  test('a secret created without a value has no version until one is put', async () => {
    const id = name();
    const created = await sm.send(new CreateSecretCommand({ Name: id }));
    assert.equal(created.VersionId, undefined);
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: id }))).VersionIdsToStages, undefined);
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: id })), {
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    });
    await assert.rejects(sm.send(new PutSecretValueCommand({ SecretId: id })), {
      name: 'InvalidRequestException',
      message: 'You must provide either SecretString or SecretBinary.',
    });
    const put = await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'now' }));
    assert.deepEqual(put.VersionStages, ['AWSCURRENT']);
    assert.deepEqual(await stages(id), { [put.VersionId!]: ['AWSCURRENT'] });
  });

  test('GetSecretValue by VersionId and VersionStage', async () => {
    const id = name();
    const v1 = (await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'S1' }))).VersionId!;
    await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'S2' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: id, VersionId: v1, VersionStage: 'AWSPREVIOUS' }))).SecretString, 'S1');
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: id, VersionId: v1, VersionStage: 'AWSCURRENT' })), {
      name: 'InvalidRequestException',
      message: 'You provided a VersionStage that is not associated to the provided VersionId.',
    });
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: id, VersionId: token('0') })), {
      name: 'ResourceNotFoundException',
      message: `Secrets Manager can't find the specified secret value for VersionId: ${token('0')}`,
    });
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: id, VersionStage: 'NOPE' })), {
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: NOPE",
    });
  });
});

describe('idempotency tokens', () => {
  test('CreateSecret: same token and value is a no-op; a different value or token is ResourceExistsException', async () => {
    const id = name();
    const t = token('a');
    const first = await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'v', ClientRequestToken: t }));
    assert.equal(first.VersionId, t);
    const again = await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'v', ClientRequestToken: t }));
    assert.equal(again.ARN, first.ARN);
    assert.equal(again.VersionId, t);
    assert.equal((await sm.send(new ListSecretVersionIdsCommand({ SecretId: id, IncludeDeprecated: true }))).Versions!.length, 1);
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: id, SecretString: 'other', ClientRequestToken: t })), {
      name: 'ResourceExistsException',
      message: "You can't modify an existing version, you can only create a new version.",
    });
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: id, SecretString: 'v', ClientRequestToken: token('b') })), {
      name: 'ResourceExistsException',
      message: `The operation failed because the secret ${id} already exists.`,
    });
    // The SDK fills a fresh token when none is given, so a plain retry is a new request.
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: id, SecretString: 'v' })), { name: 'ResourceExistsException' });
  });

  test('PutSecretValue: same token and value is a no-op; a different value is ResourceExistsException', async () => {
    const id = name();
    await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'v1' }));
    const t = token('c');
    const put = await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'v2', ClientRequestToken: t }));
    await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'v3' }));
    const same = await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'v2', ClientRequestToken: t }));
    assert.equal(same.VersionId, put.VersionId);
    assert.deepEqual(same.VersionStages, ['AWSPREVIOUS']);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString, 'v3');
    await assert.rejects(sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'changed', ClientRequestToken: t })), {
      name: 'ResourceExistsException',
      message: "You can't modify an existing version, you can only create a new version.",
    });
    const bin = token('d');
    await sm.send(new PutSecretValueCommand({ SecretId: id, SecretBinary: Buffer.from('abc'), ClientRequestToken: bin }));
    await sm.send(new PutSecretValueCommand({ SecretId: id, SecretBinary: Buffer.from('abc'), ClientRequestToken: bin }));
    await assert.rejects(sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'abc', ClientRequestToken: bin })), { name: 'ResourceExistsException' });
  });
});

describe('the life of a secret', () => {
  test('create, put, rotate, cancel, delete, restore', async () => {
    const service = await nimbus.nimbus.cloud.service<SecretsManagerService>('secretsmanager');
    // A rotation function that stages a new value and promotes it.
    service.setRotationInvoker(async (_fn, e) => {
      if (e.Step === 'createSecret')
        await sm.send(new PutSecretValueCommand({ SecretId: e.SecretId, ClientRequestToken: e.ClientRequestToken, SecretString: 'rotated', VersionStages: ['AWSPENDING'] }));
      if (e.Step === 'finishSecret') {
        const current = Object.entries((await sm.send(new DescribeSecretCommand({ SecretId: e.SecretId }))).VersionIdsToStages!).find(([, s]) =>
          s.includes('AWSCURRENT'),
        )![0];
        await sm.send(new UpdateSecretVersionStageCommand({ SecretId: e.SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: e.ClientRequestToken, RemoveFromVersionId: current }));
      }
    });
    try {
      const id = name();
      const v1 = (await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'created' }))).VersionId!;
      const v2 = (await sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'put' }))).VersionId!;
      const rot = await sm.send(new RotateSecretCommand({ SecretId: id, RotationLambdaARN: 'arn:aws:lambda:us-east-1:000000000000:function:f', RotationRules: { AutomaticallyAfterDays: 5 } }));
      await service.rotationsSettled();
      const v3 = rot.VersionId!;
      assert.deepEqual(await stages(id), { [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT', 'AWSPENDING'] });
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString, 'rotated');
      assert.equal(v1.length, 36);

      await sm.send(new CancelRotateSecretCommand({ SecretId: id }));
      let d = await sm.send(new DescribeSecretCommand({ SecretId: id }));
      assert.equal(d.RotationEnabled, false);
      assert.equal(d.NextRotationDate, undefined);
      assert.deepEqual(d.VersionIdsToStages, { [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT', 'AWSPENDING'] });

      const del = await sm.send(new DeleteSecretCommand({ SecretId: id, RecoveryWindowInDays: 7 }));
      d = await sm.send(new DescribeSecretCommand({ SecretId: id }));
      assert.ok(d.DeletedDate);
      assert.equal(del.DeletionDate!.getTime() - d.DeletedDate!.getTime(), 7 * 86_400_000);
      await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: id })), {
        name: 'InvalidRequestException',
        message: "You can't perform this operation on the secret because it was marked for deletion.",
      });
      await assert.rejects(sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'x' })), { name: 'InvalidRequestException' });
      await assert.rejects(sm.send(new DeleteSecretCommand({ SecretId: id })), {
        name: 'InvalidRequestException',
        message: "You can't perform this operation on the secret because it was marked for deletion.",
      });
      await assert.rejects(sm.send(new CreateSecretCommand({ Name: id, SecretString: 'x' })), {
        name: 'InvalidRequestException',
        message: "You can't create this secret because a secret with this name is already scheduled for deletion.",
      });
      assert.ok(!(await sm.send(new ListSecretsCommand({}))).SecretList!.some((s) => s.Name === id));
      const planned = (await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }))).SecretList!.find((s) => s.Name === id);
      assert.ok(planned?.DeletedDate);

      const restored = await sm.send(new RestoreSecretCommand({ SecretId: id }));
      assert.equal(restored.Name, id);
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString, 'rotated');
      assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: id }))).DeletedDate, undefined);
    } finally {
      service.setRotationInvoker(undefined);
    }
  });

  test('DeleteSecret checks its recovery window', async () => {
    const id = name();
    await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'x' }));
    await assert.rejects(sm.send(new DeleteSecretCommand({ SecretId: id, RecoveryWindowInDays: 6 })), {
      name: 'InvalidParameterException',
      message: 'RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
    });
    await assert.rejects(sm.send(new DeleteSecretCommand({ SecretId: id, RecoveryWindowInDays: 31 })), { name: 'InvalidParameterException' });
    await assert.rejects(sm.send(new DeleteSecretCommand({ SecretId: id, RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true })), {
      name: 'InvalidParameterException',
      message: "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    });
    const del = await sm.send(new DeleteSecretCommand({ SecretId: id }));
    const { DeletedDate } = await sm.send(new DescribeSecretCommand({ SecretId: id }));
    assert.equal(del.DeletionDate!.getTime() - DeletedDate!.getTime(), 30 * 86_400_000);
  });

  test('a secret marked for deletion is gone once its recovery window ends', async () => {
    const id = name();
    await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'x' }));
    await sm.send(new DeleteSecretCommand({ SecretId: id, RecoveryWindowInDays: 7 }));
    nimbus.nimbus.cloud.clock.advance(7 * 86_400_000 + 1000);
    await assert.rejects(sm.send(new DescribeSecretCommand({ SecretId: id })), {
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    });
    const again = await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'new' }));
    assert.equal(again.Name, id);
  });

  test('ForceDeleteWithoutRecovery deletes at once, also a secret marked for deletion', async () => {
    const id = name();
    const first = await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'x' }));
    await sm.send(new DeleteSecretCommand({ SecretId: id }));
    const forced = await sm.send(new DeleteSecretCommand({ SecretId: id, ForceDeleteWithoutRecovery: true }));
    assert.equal(forced.ARN, first.ARN);
    await assert.rejects(sm.send(new DescribeSecretCommand({ SecretId: id })), { name: 'ResourceNotFoundException' });
    const second = await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'y' }));
    assert.notEqual(second.ARN, first.ARN, 'a new secret gets a new random suffix');
    const gone = await sm.send(new DeleteSecretCommand({ SecretId: 'stage/never-existed', ForceDeleteWithoutRecovery: true }));
    assert.equal(gone.Name, 'stage/never-existed');
  });
});
