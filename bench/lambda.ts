/**
 * Lambda: warm invoke latency over loopback with the AWS SDK v3 (target p50 <= 3 ms) and the cold
 * start of a Node.js function (target <= 150 ms), each beside its floor:
 * - warm floor: the same SDK Invoke answered by a bare Node.js HTTP server running the handler;
 * - cold floor: a direct `node` spawn that loads the same handler and runs it once.
 * Nimbus runs in its own process (from the sources, through tsx); the client runs here.
 *
 *   npx tsx bench/lambda.ts [--warm 500] [--cold 10]
 *   npm run bench -- lambda [options]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { zip } from '../test/lambda-zip.js';
import { freePort, jsonCall, percentile, median, stop, table, untilReady } from './lib.js';

const { values } = parseArgs({ options: { warm: { type: 'string', default: '500' }, cold: { type: 'string', default: '10' } } });
const WARM = Math.max(10, Number(values.warm));
const COLD = Math.max(1, Number(values.cold));
const HANDLER = 'exports.handler = async (event) => ({ ok: true, n: event.n });\n';
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

const lambdaClient = (endpoint: string) => new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function timeEach(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    out.push(ms(t));
  }
  return out;
}

/**
 * Floor for warm invokes: the same SDK call answered by a bare Node.js HTTP server that runs the
 * handler in process (no gateway, no model, no runtime process).
 */
async function warmFloor(dir: string): Promise<number[]> {
  const require = (await import('node:module')).createRequire(join(dir, 'x.js'));
  const { handler } = require(join(dir, 'index.js'));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = JSON.stringify(await handler(JSON.parse(Buffer.concat(chunks).toString() || '{}')));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amz-executed-version': '$LATEST' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = lambdaClient(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
  const call = (i: number) => client.send(new InvokeCommand({ FunctionName: 'bench', Payload: Buffer.from(`{"n":${i}}`) })).then(() => undefined);
  await timeEach(300, call);
  const times = await timeEach(WARM, call);
  client.destroy();
  server.close();
  return times;
}

/** Floor for cold starts: spawn `node`, load the handler, run it once, exit. */
async function coldFloor(dir: string): Promise<number[]> {
  const script = `require(${JSON.stringify(join(dir, 'index.js'))}).handler({ n: 1 }).then((r) => process.stdout.write(JSON.stringify(r)));`;
  return timeEach(COLD, () => new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => resolve());
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the floor's node exited with ${code} before answering`)));
  }));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-bench-lambda-'));
  writeFileSync(join(dir, 'index.js'), HANDLER);
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');
  const port = await freePort();
  const nimbus = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', String(port), '--log-level', 'warn'], { stdio: 'ignore' });
  try {
    await untilReady(() => jsonCall(port, 'AWSStepFunctions.ListStateMachines'), process.hrtime.bigint(), 60_000, 20);
    const endpoint = `http://127.0.0.1:${port}`;
    const client = lambdaClient(endpoint);
    const Role = 'arn:aws:iam::000000000000:role/bench';
    await client.send(new CreateFunctionCommand({ FunctionName: 'bench', Runtime: 'nodejs20.x', Role, Handler: 'index.handler', Code: { ZipFile: zip({ 'index.js': HANDLER }) } }));
    await waitUntilFunctionActiveV2({ client, maxWaitTime: 30 }, { FunctionName: 'bench' });

    // Cold starts: each configuration change retires the warm environment.
    const cold: number[] = [];
    for (let i = 0; i < COLD; i++) {
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'bench', Description: `cold ${i}` }));
      await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30 }, { FunctionName: 'bench' });
      const t = process.hrtime.bigint();
      const r = await client.send(new InvokeCommand({ FunctionName: 'bench', Payload: Buffer.from('{"n":1}') }));
      cold.push(ms(t));
      if (r.FunctionError) throw new Error(`cold invoke failed: ${Buffer.from(r.Payload!).toString()}`);
    }

    const payload = (i: number) => Buffer.from(`{"n":${i}}`);
    await timeEach(300, (i) => client.send(new InvokeCommand({ FunctionName: 'bench', Payload: payload(i) })).then(() => undefined));
    const warm = await timeEach(WARM, (i) => client.send(new InvokeCommand({ FunctionName: 'bench', Payload: payload(i) })).then(() => undefined));
    const warmBase = await warmFloor(dir);
    const coldBase = await coldFloor(dir);

    const f = (x: number) => x.toFixed(2);
    console.log(`Lambda bench (Node ${process.version}; ${WARM} warm invokes, ${COLD} cold starts)\n`);
    console.log(
      table([
        ['measure', 'nimbus p50 ms', 'nimbus p90 ms', 'floor p50 ms', 'ratio p50', 'target'],
        ['warm invoke (SDK, loopback)', f(median(warm)), f(percentile(warm, 90)), f(median(warmBase)), (median(warm) / median(warmBase)).toFixed(2), 'p50 <= 3 ms'],
        ['cold start (Node.js)', f(median(cold)), f(percentile(cold, 90)), f(median(coldBase)), (median(cold) / median(coldBase)).toFixed(2), '<= 150 ms'],
      ]),
    );
    console.log('\nfloors: warm = the same SDK Invoke answered by a bare Node.js HTTP server running the handler in process; cold = `node -e` loading and running the handler once');
    const ok = median(warm) <= 3 && median(cold) <= 150;
    console.log(ok ? '\ntargets met' : '\ntargets NOT met');
  } finally {
    await stop(nimbus);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
