/** ListSecrets: every filter key, negation, sort order, planned deletions, pagination; BatchGetSecretValue. */
import assert from 'node:assert/strict';
import { before, beforeEach, describe, test } from 'node:test';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  type Filter,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { useNimbus } from './helpers.js';

// A fresh account keeps these listings free of other files' secrets.
const nimbus = useNimbus();
let sm: SecretsManagerClient;

const SECRETS = [
  { Name: 'prod/db/Password', Description: 'Conducts the Main database', Tags: [{ Key: 'Environment', Value: 'Production' }, { Key: 'team', Value: 'core' }] },
  { Name: 'prod/api-key', Description: 'Partner API key', Tags: [{ Key: 'Environment', Value: 'Prod1' }] },
  { Name: 'dev/db/Password', Description: 'my test database', Tags: [{ Key: 'environment', Value: 'development' }] },
  { Name: 'DatabaseSecret', Description: 'credsDatabase#892 copy', Tags: [] },
  { Name: 'databaseSecret', Tags: [{ Key: '1 Prod', Value: 'prod' }] },
];

beforeEach(() => {
  sm = new SecretsManagerClient({ ...nimbus.config, credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
});

describe('listings', () => {
  before(async () => {
    const client = new SecretsManagerClient({ ...nimbus.config, credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
    for (const s of SECRETS) await client.send(new CreateSecretCommand({ ...s, SecretString: `value of ${s.Name}` }));
    await client.send(new CreateSecretCommand({ Name: 'old/deleted', SecretString: 'gone', Description: 'Main database backup' }));
    await client.send(new DeleteSecretCommand({ SecretId: 'old/deleted' }));
  });

  async function names(filters?: Filter[], extra: { IncludePlannedDeletion?: boolean; SortOrder?: 'asc' | 'desc' } = {}) {
    const out = await sm.send(new ListSecretsCommand({ Filters: filters, ...extra }));
    return out.SecretList!.map((s) => s.Name!);
  }

  describe('ListSecrets', () => {
    test('lists by creation date, ascending unless asked otherwise, without planned deletions', async () => {
      assert.deepEqual(
        await names(),
        SECRETS.map((s) => s.Name),
      );
      assert.deepEqual(await names(undefined, { SortOrder: 'desc' }), SECRETS.map((s) => s.Name).reverse());
      assert.deepEqual(await names(undefined, { IncludePlannedDeletion: true }), [...SECRETS.map((s) => s.Name), 'old/deleted']);
    });

    test('name: case-sensitive prefix', async () => {
      assert.deepEqual(await names([{ Key: 'name', Values: ['prod/'] }]), ['prod/db/Password', 'prod/api-key']);
      assert.deepEqual(await names([{ Key: 'name', Values: ['Data'] }]), ['DatabaseSecret']);
      assert.deepEqual(await names([{ Key: 'name', Values: ['prod/', 'dev/'] }]), ['prod/db/Password', 'prod/api-key', 'dev/db/Password']);
    });

    test('description: words, not case-sensitive', async () => {
      assert.deepEqual(await names([{ Key: 'description', Values: ['conducts'] }]), ['prod/db/Password']);
      assert.deepEqual(await names([{ Key: 'description', Values: ['Database main'] }]), ['prod/db/Password']);
      assert.deepEqual(await names([{ Key: 'description', Values: ['datab'] }]), ['prod/db/Password', 'dev/db/Password', 'DatabaseSecret']);
    });

    test('tag-key and tag-value: case-sensitive prefixes', async () => {
      assert.deepEqual(await names([{ Key: 'tag-key', Values: ['Env'] }]), ['prod/db/Password', 'prod/api-key']);
      assert.deepEqual(await names([{ Key: 'tag-key', Values: ['Prod'] }]), []);
      assert.deepEqual(await names([{ Key: 'tag-value', Values: ['Prod'] }]), ['prod/db/Password', 'prod/api-key']);
      assert.deepEqual(await names([{ Key: 'tag-value', Values: ['prod'] }]), ['databaseSecret']);
    });

    test('primary-region matches replicated secrets; owning-service matches none', async () => {
      assert.deepEqual(await names([{ Key: 'primary-region', Values: ['us-east-1'] }]), []);
      await sm.send(new CreateSecretCommand({ Name: 'replicated/one', SecretString: 'r', AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
      try {
        assert.deepEqual(await names([{ Key: 'primary-region', Values: ['us-east'] }]), ['replicated/one']);
        const eu = new SecretsManagerClient({ ...nimbus.config, region: 'eu-west-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
        const inEu = await eu.send(new ListSecretsCommand({ Filters: [{ Key: 'primary-region', Values: ['us-east-1'] }] }));
        assert.deepEqual(
          inEu.SecretList!.map((s) => [s.Name, s.PrimaryRegion]),
          [['replicated/one', 'us-east-1']],
        );
        assert.deepEqual(await names([{ Key: 'owning-service', Values: ['rds'] }]), []);
      } finally {
        const { RemoveRegionsFromReplicationCommand } = await import('@aws-sdk/client-secrets-manager');
        await sm.send(new RemoveRegionsFromReplicationCommand({ SecretId: 'replicated/one', RemoveReplicaRegions: ['eu-west-1'] }));
        await sm.send(new DeleteSecretCommand({ SecretId: 'replicated/one', ForceDeleteWithoutRecovery: true }));
      }
    });

    test('all: words across name, description and tags, not case-sensitive', async () => {
      assert.deepEqual(await names([{ Key: 'all', Values: ['password'] }]), ['prod/db/Password', 'dev/db/Password']);
      assert.deepEqual(await names([{ Key: 'all', Values: ['core'] }]), ['prod/db/Password']);
      assert.deepEqual(await names([{ Key: 'all', Values: ['creds'] }]), ['DatabaseSecret']);
      assert.deepEqual(await names([{ Key: 'all', Values: ['892'] }]), ['DatabaseSecret']);
      assert.deepEqual(await names([{ Key: 'all', Values: ['DEVELOP'] }]), ['dev/db/Password']);
    });

    test('a value starting with ! negates; filters combine with AND', async () => {
      assert.deepEqual(await names([{ Key: 'name', Values: ['!prod/'] }]), ['dev/db/Password', 'DatabaseSecret', 'databaseSecret']);
      assert.deepEqual(await names([{ Key: 'name', Values: ['prod/'] }, { Key: 'tag-value', Values: ['Production'] }]), ['prod/db/Password']);
      assert.deepEqual(await names([{ Key: 'tag-key', Values: ['!Environment'] }, { Key: 'name', Values: ['!data'] }]), ['dev/db/Password', 'DatabaseSecret']);
    });

    test('pages with MaxResults and NextToken', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await sm.send(new ListSecretsCommand({ MaxResults: 2, NextToken: token }));
        assert.ok(page.SecretList!.length <= 2);
        seen.push(...page.SecretList!.map((s) => s.Name!));
        token = page.NextToken;
        pages++;
      } while (token);
      assert.equal(pages, 3);
      assert.deepEqual(
        seen,
        SECRETS.map((s) => s.Name),
      );
      await assert.rejects(sm.send(new ListSecretsCommand({ NextToken: 'bm9wZQ==' })), { name: 'InvalidNextTokenException' });
    });

    test('entries carry the secret metadata', async () => {
      const list = (await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['prod/db/'] }] }))).SecretList!;
      const e = list[0];
      assert.match(e.ARN!, /^arn:aws:secretsmanager:us-east-1:123456789012:secret:prod\/db\/Password-[A-Za-z0-9]{6}$/);
      assert.equal(e.Description, 'Conducts the Main database');
      assert.deepEqual(e.Tags, SECRETS[0].Tags);
      assert.equal(Object.values(e.SecretVersionsToStages!)[0][0], 'AWSCURRENT');
      assert.ok(e.CreatedDate && e.LastChangedDate);
    });
  });

  describe('BatchGetSecretValue', () => {
    test('by ids, with an error entry per secret that cannot be read', async () => {
      const out = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['prod/api-key', 'missing/one', 'old/deleted', 'dev/db/Password'] }));
      assert.deepEqual(
        out.SecretValues!.map((v) => [v.Name, v.SecretString, v.VersionStages]),
        [
          ['prod/api-key', 'value of prod/api-key', ['AWSCURRENT']],
          ['dev/db/Password', 'value of dev/db/Password', ['AWSCURRENT']],
        ],
      );
      assert.deepEqual(out.Errors, [
        { SecretId: 'missing/one', ErrorCode: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." },
        { SecretId: 'old/deleted', ErrorCode: 'InvalidRequestException', Message: "You can't perform this operation on the secret because it was marked for deletion." },
      ]);
    });

    test('by filters, paged', async () => {
      const first = await sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['prod/', 'dev/'] }], MaxResults: 2 }));
      assert.deepEqual(
        first.SecretValues!.map((v) => v.Name),
        ['prod/db/Password', 'prod/api-key'],
      );
      assert.ok(first.NextToken);
      const second = await sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['prod/', 'dev/'] }], MaxResults: 2, NextToken: first.NextToken }));
      assert.deepEqual(
        second.SecretValues!.map((v) => v.Name),
        ['dev/db/Password'],
      );
      assert.equal(second.NextToken, undefined);
    });

    test('refuses ids and filters together, neither, or MaxResults without filters', async () => {
      const both = "Either 'SecretIdList' or 'Filters' must be provided, but not both.";
      await assert.rejects(sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['a'], Filters: [{ Key: 'name', Values: ['a'] }] })), {
        name: 'InvalidParameterException',
        message: both,
      });
      await assert.rejects(sm.send(new BatchGetSecretValueCommand({})), { name: 'InvalidParameterException', message: both });
      await assert.rejects(sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['a'], MaxResults: 5 })), {
        name: 'InvalidParameterException',
        message: "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
      });
    });
  });
});
