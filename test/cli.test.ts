/** The `nimbus` command (dist/bin/nimbus.mjs, built by `npm test`) and the AWS CLI pointed at it. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../dist/bin/nimbus.mjs', import.meta.url));

function startCli(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; endpoint: string; stdout: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no endpoint printed: ${out}`)), 10_000);
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, endpoint: m[1], stdout: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

const exitCode = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

test('nimbus --help prints usage and exits 0; bad flags exit 2 with a message', async () => {
  const { stdout } = await run(process.execPath, [CLI, '--help']);
  assert.match(stdout, /Usage:/);
  assert.match(stdout, /--port PORT/);
  for (const args of [['--port', 'abc'], ['--log-level', 'loud'], ['fly']]) {
    await assert.rejects(run(process.execPath, [CLI, ...args]), (err: any) => {
      assert.equal(err.code, 2, args.join(' '));
      assert.match(err.stderr, /^nimbus: /);
      return true;
    });
  }
});

test('nimbus start prints the endpoint and services, serves, and stops cleanly on SIGTERM and SIGINT', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const { child, endpoint, stdout } = await startCli(['start', '--port', '0', '--log-level', 'info']);
    const health = await (await fetch(`${endpoint}/_nimbus/health`)).json();
    assert.equal(health.status, 'running');
    assert.match(stdout(), /Services: .*states/);
    const done = exitCode(child);
    child.kill(signal);
    assert.equal(await done, 0, signal);
  }
});

test('NIMBUS_PORT and NIMBUS_HOST are read; flags win over them', async () => {
  const envPort = await freePort();
  const a = await startCli(['--log-level', 'info'], { NIMBUS_PORT: String(envPort), NIMBUS_HOST: '127.0.0.1' });
  assert.equal(a.endpoint, `http://127.0.0.1:${envPort}`);
  const flagPort = await freePort();
  const b = await startCli(['--port', String(flagPort)], { NIMBUS_PORT: String(envPort), NIMBUS_LOG_LEVEL: 'info' });
  assert.equal(b.endpoint, `http://127.0.0.1:${flagPort}`);
  for (const p of [a, b]) {
    const done = exitCode(p.child);
    p.child.kill('SIGTERM');
    assert.equal(await done, 0);
  }
});

// The AWS CLI (v1 here, v2 where .ci/run installs Debian's awscli) against a running Nimbus.
let cli: Awaited<ReturnType<typeof startCli>>;
const awsEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };

before(async () => {
  cli = await startCli(['--port', '0', '--log-level', 'info']);
});
after(() => {
  cli?.child.kill('SIGTERM');
});

async function aws(...args: string[]): Promise<any> {
  const { stdout } = await run('aws', ['--endpoint-url', cli.endpoint, '--output', 'json', ...args], { env: awsEnv });
  return JSON.parse(stdout);
}

test('AWS CLI: one operation of each protocol answers', async () => {
  assert.deepEqual((await aws('stepfunctions', 'list-state-machines')).stateMachines, []);
  assert.deepEqual((await aws('secretsmanager', 'list-secrets')).SecretList, []);
  assert.deepEqual((await aws('sns', 'list-topics')).Topics ?? [], []);
  assert.deepEqual((await aws('lambda', 'list-functions')).Functions, []);
  const buckets = await aws('s3api', 'list-buckets');
  assert.deepEqual(buckets.Buckets ?? [], []);
  assert.equal(buckets.Owner.ID, '000000000000');
});

test('AWS CLI: errors come back with AWS codes', async () => {
  await assert.rejects(aws('stepfunctions', 'list-state-machines', '--max-results', '5000'), (err: any) => {
    assert.match(err.stderr, /\(ValidationException\)/);
    return true;
  });
  await assert.rejects(aws('ecr', 'describe-repositories'), (err: any) => {
    assert.match(err.stderr, /\(NotImplemented\).*Nimbus does not implement ecr:DescribeRepositories yet/);
    return true;
  });
});
