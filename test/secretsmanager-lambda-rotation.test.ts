/** Rotation through a real Node.js Lambda function running in Nimbus's Lambda service. */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerService } from '../src/services/secretsmanager/api.js';
import { createFunction, lambdaClient } from './lambda-helpers.js';
import { useNimbus } from './helpers.js';

const nimbus = useNimbus();
let sm: SecretsManagerClient;

beforeEach(() => {
  sm = new SecretsManagerClient(nimbus.config);
});

/** AWS's rotation template in miniature; `failAt` names a step that throws. */
const ROTATION_FUNCTION = (failAt: string) => `
const { SecretsManagerClient, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand } = require('@aws-sdk/client-secrets-manager');
const sm = new SecretsManagerClient({ endpoint: process.env.SM_ENDPOINT, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
exports.handler = async (event) => {
  const { SecretId: arn, ClientRequestToken: token, Step } = event;
  console.log('step ' + Step);
  const meta = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
  const stages = meta.VersionIdsToStages[token];
  if (!meta.RotationEnabled || !stages) throw new Error('not set up for rotation');
  if (stages.includes('AWSCURRENT')) return;
  if (!stages.includes('AWSPENDING')) throw new Error('not AWSPENDING');
  if (Step === ${JSON.stringify(failAt)}) throw new Error(Step + ' failed');
  if (Step === 'createSecret') {
    try {
      await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: 'AWSPENDING' }));
    } catch (err) {
      if (err.name !== 'ResourceNotFoundException') throw err;
      await sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: 'rotated:' + token, VersionStages: ['AWSPENDING'] }));
    }
  }
  if (Step === 'finishSecret') {
    const current = Object.entries(meta.VersionIdsToStages).find(([, s]) => s.includes('AWSCURRENT'))[0];
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
  }
};`;

async function rotateWith(functionName: string, failAt: string) {
  const lambda = lambdaClient(nimbus.config);
  // AWS's Node.js runtimes include the SDK v3; here the function finds it in the project's node_modules.
  const nodePath = fileURLToPath(new URL('../node_modules', import.meta.url));
  const fn = await createFunction(lambda, functionName, { 'index.js': ROTATION_FUNCTION(failAt) }, {
    Environment: { Variables: { SM_ENDPOINT: nimbus.endpoint, NODE_PATH: nodePath } },
  });
  const secret = await sm.send(new CreateSecretCommand({ Name: `lambda-rotation/${functionName}`, SecretString: 'initial' }));
  const rotation = await sm.send(new RotateSecretCommand({ SecretId: secret.ARN, RotationLambdaARN: fn.FunctionArn }));
  const service = await nimbus.nimbus.cloud.service<SecretsManagerService>('secretsmanager');
  await service.rotationsSettled();
  const lambdaService = (await nimbus.nimbus.cloud.service('lambda')) as unknown as { logs(fn: string): string };
  const logs = lambdaService.logs(functionName);
  return { secret, token: rotation.VersionId!, logs };
}

describe('rotation through Lambda', () => {
  test('the function receives the four steps and its finishSecret promotes AWSPENDING', async () => {
    const { secret, token, logs } = await rotateWith('rotator-ok', 'none');
    assert.deepEqual(
      [...logs.matchAll(/step (\w+)/g)].map((m) => m[1]),
      ['createSecret', 'setSecret', 'testSecret', 'finishSecret'],
    );
    const current = await sm.send(new GetSecretValueCommand({ SecretId: secret.ARN }));
    assert.equal(current.VersionId, token);
    assert.equal(current.SecretString, `rotated:${token}`);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: secret.ARN }));
    assert.deepEqual(d.VersionIdsToStages, { [secret.VersionId!]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT', 'AWSPENDING'] });
    assert.ok(d.LastRotatedDate);
  });

  test('a function failing at testSecret leaves AWSCURRENT untouched', async () => {
    const { secret, token, logs } = await rotateWith('rotator-fails', 'testSecret');
    assert.deepEqual(
      [...logs.matchAll(/step (\w+)/g)].map((m) => m[1]),
      ['createSecret', 'setSecret', 'testSecret'],
    );
    const current = await sm.send(new GetSecretValueCommand({ SecretId: secret.ARN }));
    assert.deepEqual([current.VersionId, current.SecretString], [secret.VersionId, 'initial']);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: secret.ARN }));
    assert.deepEqual(d.VersionIdsToStages, { [secret.VersionId!]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });
    assert.equal(d.LastRotatedDate, undefined);
  });
});
