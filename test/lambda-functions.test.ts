/** Function management: create/get/update/delete, states, versions, aliases, permissions, tags, concurrency, layers. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  GetLayerVersionCommand,
  GetPolicyCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  paginateListFunctions,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { useNimbus } from './helpers.js';
import { createFunction, json, lambdaClient, ROLE } from './lambda-helpers.js';
import { zip } from './lambda-zip.js';
import { createHash } from 'node:crypto';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const versionCode = (v: string) => ({ 'index.js': `exports.handler = async () => ({ v: ${JSON.stringify(v)} });` });

describe('Lambda functions', () => {
  const n = useNimbus();
  const client = () => lambdaClient(n.config);

  test('CreateFunction answers Pending/InProgress, then GetFunction reports Active/Successful with the package', async () => {
    const c = client();
    const pkg = zip(versionCode('one'));
    const created = await c.send(
      new CreateFunctionCommand({ FunctionName: 'fn1', Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: pkg }, Description: 'first', Tags: { team: 'a' } }),
    );
    assert.equal(created.State, 'Pending');
    assert.equal(created.StateReasonCode, 'Creating');
    assert.equal(created.LastUpdateStatus, 'InProgress');
    assert.equal(created.FunctionArn, `${ARN}:fn1`);
    assert.equal(created.Version, '$LATEST');
    assert.equal(created.Timeout, 3);
    assert.equal(created.MemorySize, 128);
    assert.equal(created.PackageType, 'Zip');
    assert.equal(created.CodeSize, pkg.length);
    assert.equal(created.CodeSha256, createHash('sha256').update(pkg).digest('base64'));
    assert.match(created.LastModified!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const got = await c.send(new GetFunctionCommand({ FunctionName: 'fn1' }));
    assert.equal(got.Configuration!.State, 'Active');
    assert.equal(got.Configuration!.LastUpdateStatus, 'Successful');
    assert.deepEqual(got.Tags, { team: 'a' });
    assert.equal(got.Code!.RepositoryType, 'S3');
    const download = Buffer.from(await (await fetch(got.Code!.Location!)).arrayBuffer());
    assert.deepEqual(download, pkg);
    await assert.rejects(
      c.send(new CreateFunctionCommand({ FunctionName: 'fn1', Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: pkg } })),
      { name: 'ResourceConflictException', message: 'Function already exist: fn1' },
    );
  });

  test('CreateFunction refuses what AWS refuses', async () => {
    const c = client();
    const base = { Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip(versionCode('x')) } };
    await assert.rejects(c.send(new CreateFunctionCommand({ ...base, FunctionName: 'old', Runtime: 'nodejs12.x' })), {
      name: 'InvalidParameterValueException',
      message: /The runtime parameter of nodejs12.x is no longer supported/,
    });
    await assert.rejects(c.send(new CreateFunctionCommand({ ...base, FunctionName: 'nohandler', Runtime: 'nodejs20.x', Handler: undefined })), {
      name: 'InvalidParameterValueException',
      message: 'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    });
    await assert.rejects(
      c.send(new CreateFunctionCommand({ ...base, FunctionName: 'reserved', Runtime: 'nodejs20.x', Environment: { Variables: { AWS_REGION: 'x' } } })),
      { name: 'InvalidParameterValueException', message: /Reserved keys used in this request: AWS_REGION$/ },
    );
    await assert.rejects(c.send(new CreateFunctionCommand({ ...base, FunctionName: 'badzip', Runtime: 'nodejs20.x', Code: { ZipFile: Buffer.from('not a zip') } })), {
      name: 'InvalidParameterValueException',
      message: /Could not unzip uploaded file/,
    });
  });

  test('UpdateFunctionCode / UpdateFunctionConfiguration change $LATEST; waiters see the update finish', async () => {
    const c = client();
    await createFunction(c, 'upd', versionCode('a'));
    assert.deepEqual(json((await c.send(new InvokeCommand({ FunctionName: 'upd' }))).Payload), { v: 'a' });
    const before = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'upd' }));
    const u = await c.send(new UpdateFunctionCodeCommand({ FunctionName: 'upd', ZipFile: zip(versionCode('b')) }));
    assert.equal(u.LastUpdateStatus, 'InProgress');
    assert.notEqual(u.CodeSha256, before.CodeSha256);
    assert.notEqual(u.RevisionId, before.RevisionId);
    await waitUntilFunctionUpdatedV2({ client: c, maxWaitTime: 10, minDelay: 1 }, { FunctionName: 'upd' });
    assert.deepEqual(json((await c.send(new InvokeCommand({ FunctionName: 'upd' }))).Payload), { v: 'b' });
    await assert.rejects(c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'upd', Timeout: 10, RevisionId: before.RevisionId })), { name: 'PreconditionFailedException' });
    const cfg = await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'upd', Timeout: 10, Environment: { Variables: { AB: '1' } } }));
    assert.equal(cfg.Timeout, 10);
    assert.deepEqual(cfg.Environment, { Variables: { AB: '1' } });
  });

  test('versions and aliases: PublishVersion, qualified invokes, weighted aliases, deletion rules', async () => {
    const c = client();
    await createFunction(c, 'ver', versionCode('v1'));
    const v1 = await c.send(new PublishVersionCommand({ FunctionName: 'ver', Description: 'first' }));
    assert.equal(v1.Version, '1');
    assert.equal(v1.FunctionArn, `${ARN}:ver:1`);
    assert.equal(v1.Description, 'first');
    assert.equal((await c.send(new PublishVersionCommand({ FunctionName: 'ver' }))).Version, '1', 'unchanged $LATEST publishes nothing new');
    await c.send(new UpdateFunctionCodeCommand({ FunctionName: 'ver', ZipFile: zip(versionCode('v2')) }));
    await waitUntilFunctionUpdatedV2({ client: c, maxWaitTime: 10, minDelay: 1 }, { FunctionName: 'ver' });
    await assert.rejects(c.send(new PublishVersionCommand({ FunctionName: 'ver', CodeSha256: v1.CodeSha256 })), { name: 'InvalidParameterValueException' });
    const v2 = await c.send(new PublishVersionCommand({ FunctionName: 'ver' }));
    assert.equal(v2.Version, '2');
    const versions = await c.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
    assert.deepEqual(versions.Versions!.map((v) => v.Version), ['$LATEST', '1', '2']);

    const one = await c.send(new InvokeCommand({ FunctionName: 'ver', Qualifier: '1' }));
    assert.deepEqual(json(one.Payload), { v: 'v1' });
    assert.equal(one.ExecutedVersion, '1');
    assert.deepEqual(json((await c.send(new InvokeCommand({ FunctionName: `${ARN}:ver:2` }))).Payload), { v: 'v2' });
    await assert.rejects(c.send(new InvokeCommand({ FunctionName: 'ver', Qualifier: '9' })), { name: 'ResourceNotFoundException', message: `Function not found: ${ARN}:ver:9` });

    const alias = await c.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1' }));
    assert.equal(alias.AliasArn, `${ARN}:ver:live`);
    await assert.rejects(c.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1' })), { name: 'ResourceConflictException' });
    const viaAlias = await c.send(new InvokeCommand({ FunctionName: 'ver:live' }));
    assert.equal(viaAlias.ExecutedVersion, '1');
    await c.send(new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } } }));
    const seen = new Set<string>();
    for (let i = 0; i < 30 && seen.size < 2; i++) seen.add((await c.send(new InvokeCommand({ FunctionName: 'ver', Qualifier: 'live' }))).ExecutedVersion!);
    assert.deepEqual([...seen].sort(), ['1', '2']);
    assert.equal((await c.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'live' }))).FunctionVersion, '2');
    assert.deepEqual((await c.send(new ListAliasesCommand({ FunctionName: 'ver' }))).Aliases!.map((a) => a.Name), ['live']);
    await assert.rejects(c.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '1' })), {
      name: 'ResourceConflictException',
      message: 'Unable to delete version because the following aliases reference it: [live]',
    });
    await c.send(new DeleteAliasCommand({ FunctionName: 'ver', Name: 'live' }));
    await assert.rejects(c.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'live' })), { name: 'ResourceNotFoundException', message: `Alias not found: ${ARN}:ver:live` });
    await c.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '1' }));
    await c.send(new DeleteFunctionCommand({ FunctionName: 'ver' }));
    await assert.rejects(c.send(new GetFunctionCommand({ FunctionName: 'ver' })), { name: 'ResourceNotFoundException', message: `Function not found: ${ARN}:ver` });
  });

  test('ListFunctions paginates with Marker/MaxItems and omits state fields', async () => {
    const c = client();
    for (const name of ['page-a', 'page-b', 'page-c']) await createFunction(c, name, versionCode(name));
    const first = await c.send(new ListFunctionsCommand({ MaxItems: 2 }));
    assert.equal(first.Functions!.length, 2);
    assert.ok(first.NextMarker);
    assert.equal(first.Functions![0].State, undefined);
    const names: string[] = [];
    for await (const page of paginateListFunctions({ client: client(), pageSize: 2 }, {})) names.push(...page.Functions!.map((f) => f.FunctionName!));
    for (const name of ['page-a', 'page-b', 'page-c']) assert.ok(names.includes(name));
    assert.deepEqual(names, [...names].sort());
  });

  test('permissions, tags, concurrency, account settings, event invoke config', async () => {
    const c = client();
    await createFunction(c, 'misc', versionCode('m'));
    await assert.rejects(c.send(new GetPolicyCommand({ FunctionName: 'misc' })), { name: 'ResourceNotFoundException' });
    const added = await c.send(new AddPermissionCommand({ FunctionName: 'misc', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::bucket', SourceAccount: '000000000000' }));
    assert.deepEqual(JSON.parse(added.Statement!), {
      Sid: 's3',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: `${ARN}:misc`,
      Condition: { StringEquals: { 'AWS:SourceAccount': '000000000000' }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::bucket' } },
    });
    await assert.rejects(c.send(new AddPermissionCommand({ FunctionName: 'misc', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: '*' })), { name: 'ResourceConflictException' });
    const policy = JSON.parse((await c.send(new GetPolicyCommand({ FunctionName: 'misc' }))).Policy!);
    assert.equal(policy.Version, '2012-10-17');
    assert.equal(policy.Statement.length, 1);
    await c.send(new RemovePermissionCommand({ FunctionName: 'misc', StatementId: 's3' }));
    await assert.rejects(c.send(new RemovePermissionCommand({ FunctionName: 'misc', StatementId: 's3' })), { name: 'ResourceNotFoundException' });

    await c.send(new TagResourceCommand({ Resource: `${ARN}:misc`, Tags: { a: '1', b: '2' } }));
    await c.send(new UntagResourceCommand({ Resource: `${ARN}:misc`, TagKeys: ['a'] }));
    assert.deepEqual((await c.send(new ListTagsCommand({ Resource: `${ARN}:misc` }))).Tags, { b: '2' });

    assert.equal((await c.send(new PutFunctionConcurrencyCommand({ FunctionName: 'misc', ReservedConcurrentExecutions: 5 }))).ReservedConcurrentExecutions, 5);
    const settings = await c.send(new GetAccountSettingsCommand({}));
    assert.equal(settings.AccountLimit!.ConcurrentExecutions, 1000);
    assert.equal(settings.AccountLimit!.UnreservedConcurrentExecutions, 995);
    assert.ok(settings.AccountUsage!.FunctionCount! >= 1);
    await assert.rejects(c.send(new PutFunctionConcurrencyCommand({ FunctionName: 'misc', ReservedConcurrentExecutions: 950 })), {
      name: 'InvalidParameterValueException',
      message: /below its minimum value of \[100\]/,
    });
    assert.equal((await c.send(new GetFunctionCommand({ FunctionName: 'misc' }))).Concurrency!.ReservedConcurrentExecutions, 5);

    await assert.rejects(c.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'misc' })), { name: 'ResourceNotFoundException' });
    const cfg = await c.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: 'misc', MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:dlq' } } }),
    );
    assert.equal(cfg.FunctionArn, `${ARN}:misc:$LATEST`);
    assert.ok(cfg.LastModified instanceof Date);
    assert.equal(cfg.DestinationConfig!.OnFailure!.Destination, 'arn:aws:sqs:us-east-1:000000000000:dlq');
    await assert.rejects(
      c.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'misc', DestinationConfig: { OnSuccess: { Destination: 'arn:aws:s3:::bucket' } } })),
      { name: 'InvalidParameterValueException' },
    );
  });

  test('a layer published in Nimbus is applied: its nodejs/node_modules are requireable', async () => {
    const c = client();
    const layer = await c.send(
      new PublishLayerVersionCommand({ LayerName: 'shared', Content: { ZipFile: zip({ 'nodejs/node_modules/greeter/index.js': 'exports.greet = (n) => `hi ${n} from a layer`;' }) }, CompatibleRuntimes: ['nodejs20.x'] }),
    );
    assert.equal(layer.Version, 1);
    assert.equal(layer.LayerVersionArn, 'arn:aws:lambda:us-east-1:000000000000:layer:shared:1');
    assert.equal((await c.send(new GetLayerVersionCommand({ LayerName: 'shared', VersionNumber: 1 }))).Content!.CodeSize, layer.Content!.CodeSize);
    await createFunction(c, 'layered', { 'index.js': 'exports.handler = async () => require("greeter").greet("you");' }, { Layers: [layer.LayerVersionArn!] });
    const cfg = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'layered' }));
    assert.deepEqual(cfg.Layers, [{ Arn: layer.LayerVersionArn, CodeSize: layer.Content!.CodeSize }]);
    assert.equal(json((await c.send(new InvokeCommand({ FunctionName: 'layered' }))).Payload), 'hi you from a layer');
  });
});
