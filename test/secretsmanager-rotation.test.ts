/**
 * Rotation with a rotation function, run in process through the service's rotation invoker (the
 * same four-step events a Lambda function receives; secretsmanager-lambda-rotation.test.ts runs
 * them through Lambda).
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { SecretsManagerService } from '../src/services/secretsmanager/api.js';
import { useNimbus } from './helpers.js';
import { rotationFunction } from './secretsmanager-rotation-function.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:rotate-db';
const DAY = 86_400_000;

const nimbus = useNimbus();
let sm: SecretsManagerClient;
let service: SecretsManagerService;
let n = 0;

beforeEach(async () => {
  sm = new SecretsManagerClient(nimbus.config);
  service = await nimbus.nimbus.cloud.service<SecretsManagerService>('secretsmanager');
  service.setRotationInvoker(undefined);
});

async function dbSecret() {
  const name = `rot/db-${++n}`;
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ username: 'app', password: 'initial' }) }));
  return { name, arn: created.ARN!, firstVersion: created.VersionId! };
}

async function stagesOf(id: string) {
  return (await sm.send(new DescribeSecretCommand({ SecretId: id }))).VersionIdsToStages ?? {};
}

describe('rotation through a rotation function', () => {
  test('runs the four steps in order and promotes AWSPENDING to AWSCURRENT', async () => {
    const fn = rotationFunction(sm);
    service.setRotationInvoker((_arn, event) => fn.handler(event));
    const { arn, firstVersion } = await dbSecret();

    const token = 'a'.repeat(8) + '-1111-2222-3333-444444444444';
    const res = await sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 30 }, ClientRequestToken: token }));
    assert.equal(res.VersionId, token);
    await service.rotationsSettled();

    assert.deepEqual(
      fn.events.map((e) => e.Step),
      ['createSecret', 'setSecret', 'testSecret', 'finishSecret'],
    );
    for (const e of fn.events) {
      assert.equal(e.SecretId, arn);
      assert.equal(e.ClientRequestToken, token);
      assert.match(e.RotationToken, /^[0-9a-f-]{36}$/);
    }
    assert.deepEqual(await stagesOf(arn), { [firstVersion]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT', 'AWSPENDING'] });
    const current = JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!);
    assert.equal(current.username, 'app');
    assert.notEqual(current.password, 'initial');
    assert.equal(fn.database.get('app'), current.password);
    const previous = await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPREVIOUS' }));
    assert.equal(JSON.parse(previous.SecretString!).password, 'initial');

    const d = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    assert.equal(d.RotationEnabled, true);
    assert.equal(d.RotationLambdaARN, FUNCTION_ARN);
    assert.deepEqual(d.RotationRules, { AutomaticallyAfterDays: 30 });
    assert.ok(d.LastRotatedDate);
    assert.equal(d.NextRotationDate!.getTime() - d.LastRotatedDate!.getTime(), 30 * DAY);

    const ct = new CloudTrailClient(nimbus.config);
    const names = async (name: string) =>
      (await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }))).Events!.filter((e) =>
        e.Resources?.some((r) => r.ResourceName === arn),
      );
    assert.equal((await names('RotationStarted')).length, 1);
    assert.equal((await names('RotationSucceeded')).length, 1);
    const started = JSON.parse((await names('RotationStarted'))[0].CloudTrailEvent!);
    assert.equal(started.eventType, 'AwsServiceEvent');
    assert.equal(started.userIdentity.invokedBy, 'secretsmanager.amazonaws.com');
  });

  test('a failure at testSecret leaves AWSCURRENT untouched and blocks the next rotation until AWSPENDING is cleared', async () => {
    const fn = rotationFunction(sm, { failAt: 'testSecret' });
    service.setRotationInvoker((_arn, event) => fn.handler(event));
    const { arn, firstVersion } = await dbSecret();

    const { VersionId: token } = await sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN }));
    await service.rotationsSettled();

    assert.deepEqual(
      fn.events.map((e) => e.Step),
      ['createSecret', 'setSecret', 'testSecret'],
    );
    assert.deepEqual(await stagesOf(arn), { [firstVersion]: ['AWSCURRENT'], [token!]: ['AWSPENDING'] });
    const current = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
    assert.equal(current.VersionId, firstVersion);
    assert.equal(JSON.parse(current.SecretString!).password, 'initial');
    const d = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    assert.equal(d.LastRotatedDate, undefined);
    assert.equal(d.RotationEnabled, true);

    const ct = new CloudTrailClient(nimbus.config);
    const failed = (await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: arn }] }))).Events!.filter(
      (e) => e.EventName === 'RotationFailed',
    );
    assert.equal(failed.length, 1);
    assert.equal(JSON.parse(failed[0].CloudTrailEvent!).additionalEventData.step, 'testSecret');

    await assert.rejects(sm.send(new RotateSecretCommand({ SecretId: arn })), {
      name: 'InvalidRequestException',
      message: "A previous rotation isn't complete. That rotation will be reattempted.",
    });

    const cancelled = await sm.send(new CancelRotateSecretCommand({ SecretId: arn }));
    assert.equal(cancelled.VersionId, token);
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: arn }))).RotationEnabled, false);
    // Cancelling leaves the labels as they were; removing AWSPENDING clears the way.
    assert.deepEqual(await stagesOf(arn), { [firstVersion]: ['AWSCURRENT'], [token!]: ['AWSPENDING'] });
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSPENDING', RemoveFromVersionId: token }));

    const ok = rotationFunction(sm);
    service.setRotationInvoker((_arn, event) => ok.handler(event));
    const second = await sm.send(new RotateSecretCommand({ SecretId: arn }));
    await service.rotationsSettled();
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: arn }))).VersionId, second.VersionId);
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: arn }))).RotationEnabled, true);
  });

  test('the same ClientRequestToken does not start a second rotation', async () => {
    const fn = rotationFunction(sm);
    service.setRotationInvoker((_arn, event) => fn.handler(event));
    const { arn } = await dbSecret();
    const token = '0123456789abcdef0123456789abcdef';
    await sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN, ClientRequestToken: token }));
    await service.rotationsSettled();
    const again = await sm.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: token }));
    await service.rotationsSettled();
    assert.equal(again.VersionId, token);
    assert.equal(fn.events.length, 4);
  });

  test('RotateImmediately false runs only testSecret on a copy of AWSCURRENT and removes it', async () => {
    const fn = rotationFunction(sm);
    const seen: string[] = [];
    service.setRotationInvoker(async (_arn, event) => {
      const pending = await sm.send(new GetSecretValueCommand({ SecretId: event.SecretId, VersionId: event.ClientRequestToken, VersionStage: 'AWSPENDING' }));
      seen.push(JSON.parse(pending.SecretString!).password);
      fn.events.push(event);
    });
    const { arn, firstVersion } = await dbSecret();
    await sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 10 }, RotateImmediately: false }));
    await service.rotationsSettled();
    assert.deepEqual(
      fn.events.map((e) => e.Step),
      ['testSecret'],
    );
    assert.deepEqual(seen, ['initial']);
    assert.deepEqual(await stagesOf(arn), { [firstVersion]: ['AWSCURRENT'] });
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true }));
    assert.equal(versions.Versions!.length, 1);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    assert.equal(d.RotationEnabled, true);
    assert.ok(d.NextRotationDate);
  });

  test('scheduled rotation runs on the shared clock', async () => {
    const fn = rotationFunction(sm);
    service.setRotationInvoker((_arn, event) => fn.handler(event));
    const { arn } = await dbSecret();
    await sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 7 } }));
    await service.rotationsSettled();
    const first = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
    const { NextRotationDate } = await sm.send(new DescribeSecretCommand({ SecretId: arn }));

    const clock = nimbus.nimbus.cloud.clock;
    const mine = () => fn.events.filter((e) => e.SecretId === arn).length;
    clock.advance(NextRotationDate!.getTime() - clock.now() - 60_000);
    await service.rotationsSettled();
    assert.equal(mine(), 4, 'nothing runs before the window');

    clock.advance(120_000);
    await service.rotationsSettled();
    assert.equal(mine(), 8);
    const second = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
    assert.notEqual(second.VersionId, first.VersionId);
    assert.deepEqual(second.VersionStages, ['AWSCURRENT', 'AWSPENDING']);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    assert.equal(d.NextRotationDate!.getTime() - d.LastRotatedDate!.getTime(), 7 * DAY);
  });

  test('a cron ScheduleExpression with a Duration sets NextRotationDate to the next window', async () => {
    service.setRotationInvoker(async () => {});
    const { arn } = await dbSecret();
    await sm.send(
      new RotateSecretCommand({
        SecretId: arn,
        RotationLambdaARN: FUNCTION_ARN,
        RotationRules: { ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' },
        RotateImmediately: false,
      }),
    );
    await service.rotationsSettled();
    const d = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    assert.deepEqual(d.RotationRules, { ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' });
    const next = d.NextRotationDate!;
    assert.ok([1, 15].includes(next.getUTCDate()));
    assert.equal(next.getUTCHours(), 16);
    assert.equal(next.getUTCMinutes(), 0);
    const now = nimbus.nimbus.cloud.clock.now();
    assert.ok(next.getTime() > now && next.getTime() - now <= 17 * DAY);
  });

  test('rotation rules are checked', async () => {
    service.setRotationInvoker(async () => {});
    const { arn } = await dbSecret();
    await assert.rejects(
      sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN, RotationRules: { AutomaticallyAfterDays: 3, ScheduleExpression: 'rate(10 days)' } })),
      { name: 'InvalidParameterException', message: 'You cannot specify both rotation frequency and schedule expression together.' },
    );
    await assert.rejects(sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN, RotationRules: { ScheduleExpression: 'rate(2 hours)' } })), {
      name: 'InvalidParameterException',
    });
    await assert.rejects(sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: FUNCTION_ARN, RotationRules: { ScheduleExpression: 'cron(0 16 * * * *)' } })), {
      name: 'InvalidParameterException',
    });
  });

  test('a rotation function Secrets Manager cannot invoke answers AccessDeniedException and changes nothing', async () => {
    const { arn } = await dbSecret();
    await assert.rejects(sm.send(new RotateSecretCommand({ SecretId: arn, RotationLambdaARN: 'arn:aws:lambda:us-east-1:000000000000:function:no-such-function' })), (err: Error) => {
      assert.equal(err.name, 'AccessDeniedException');
      assert.match(err.message, /^Secrets Manager cannot invoke the specified Lambda function\. Ensure that the function policy grants access to the principal secretsmanager\.amazonaws\.com\./);
      return true;
    });
    const d = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    assert.equal(d.RotationEnabled, undefined);
    assert.equal(d.RotationLambdaARN, undefined);
    assert.equal(Object.keys(d.VersionIdsToStages!).length, 1);
  });

  test('RotateSecret without a rotation function and CancelRotateSecret without rotation answer AWS errors', async () => {
    const { arn } = await dbSecret();
    await assert.rejects(sm.send(new RotateSecretCommand({ SecretId: arn })), {
      name: 'InvalidRequestException',
      message: 'No Lambda rotation function ARN is associated with this secret.',
    });
    await assert.rejects(sm.send(new CancelRotateSecretCommand({ SecretId: arn })), { name: 'InvalidRequestException' });
  });
});
