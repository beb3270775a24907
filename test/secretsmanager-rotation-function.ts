/**
 * A Node.js rotation function written as AWS's rotation template is (createSecret, setSecret,
 * testSecret, finishSecret), for a "database" that is just a map. Tests run it in process through
 * the Secrets Manager service's rotation invoker until Nimbus can run it as a Lambda function.
 */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { RotationEvent } from '../src/services/secretsmanager/api.js';

export interface RotationFunction {
  handler(event: RotationEvent): Promise<void>;
  /** Every event received, in order. */
  events: RotationEvent[];
  /** The password the "database" accepts, set by setSecret. */
  database: Map<string, string>;
}

export function rotationFunction(client: SecretsManagerClient, options: { failAt?: RotationEvent['Step'] } = {}): RotationFunction {
  const events: RotationEvent[] = [];
  const database = new Map<string, string>();

  async function handler(event: RotationEvent): Promise<void> {
    events.push(event);
    const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
    const meta = await client.send(new DescribeSecretCommand({ SecretId: arn }));
    if (!meta.RotationEnabled) throw new Error(`Secret ${arn} is not enabled for rotation`);
    const stages = meta.VersionIdsToStages?.[token];
    if (!stages) throw new Error(`Secret version ${token} has no stage for rotation of secret ${arn}`);
    if (stages.includes('AWSCURRENT')) return;
    if (!stages.includes('AWSPENDING')) throw new Error(`Secret version ${token} not set as AWSPENDING for rotation of secret ${arn}`);
    if (step === options.failAt) throw new Error(`${step} failed`);

    switch (step) {
      case 'createSecret': {
        const current = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSCURRENT' }));
        try {
          await client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: 'AWSPENDING' }));
        } catch (err) {
          if ((err as Error).name !== 'ResourceNotFoundException') throw err;
          const { RandomPassword } = await client.send(new GetRandomPasswordCommand({ ExcludeCharacters: '/@"\'\\' }));
          const value = { ...JSON.parse(current.SecretString!), password: RandomPassword };
          await client.send(
            new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: JSON.stringify(value), VersionStages: ['AWSPENDING'] }),
          );
        }
        return;
      }
      case 'setSecret': {
        const pending = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: 'AWSPENDING' }));
        const { username, password } = JSON.parse(pending.SecretString!);
        database.set(username, password);
        return;
      }
      case 'testSecret': {
        const pending = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: 'AWSPENDING' }));
        const { username, password } = JSON.parse(pending.SecretString!);
        if (database.get(username) !== password) throw new Error('the database does not accept the pending password');
        return;
      }
      case 'finishSecret': {
        const current = Object.entries(meta.VersionIdsToStages!).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
        if (current === token) return;
        await client.send(
          new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }),
        );
        return;
      }
    }
  }

  return { handler, events, database };
}
