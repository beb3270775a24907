/** The AWS CLI against Nimbus's Lambda: create-function from a zip file, then invoke. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useNimbus } from './helpers.js';
import { ROLE } from './lambda-helpers.js';
import { zip } from './lambda-zip.js';

const n = useNimbus();

test('aws lambda create-function --zip-file fileb://... and aws lambda invoke', async () => {
  const run = promisify(execFile);
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-cli-'));
  try {
    const zipPath = join(dir, 'function.zip');
    writeFileSync(zipPath, zip({ 'index.js': 'exports.handler = async (e) => ({ echoed: e, from: "cli" });' }));
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
    const aws = async (...args: string[]) => (await run('aws', ['--endpoint-url', n.endpoint, 'lambda', ...args], { env })).stdout;
    const created = JSON.parse(
      await aws('create-function', '--function-name', 'cli-fn', '--runtime', 'nodejs20.x', '--role', ROLE, '--handler', 'index.handler', '--zip-file', `fileb://${zipPath}`),
    );
    assert.equal(created.FunctionName, 'cli-fn');
    assert.equal(created.Runtime, 'nodejs20.x');
    const outPath = join(dir, 'out.json');
    const invoked = JSON.parse(await aws('invoke', '--function-name', 'cli-fn', '--payload', '{"hello":"cli"}', '--log-type', 'Tail', outPath));
    assert.equal(invoked.StatusCode, 200);
    assert.equal(invoked.ExecutedVersion, '$LATEST');
    assert.match(Buffer.from(invoked.LogResult, 'base64').toString(), /^START RequestId: /);
    assert.deepEqual(JSON.parse(readFileSync(outPath, 'utf8')), { echoed: { hello: 'cli' }, from: 'cli' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
