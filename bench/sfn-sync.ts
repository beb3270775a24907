/**
 * StartSyncExecution latency over loopback with the AWS SDK: a 10-state EXPRESS Pass machine,
 * one call at a time, p50/p90/p99 over the measured calls. Nimbus runs in its own process; this
 * process only drives the SDK client. ListStateMachines (no engine work) is measured the same way
 * as the floor the SDK and HTTP round trip set.
 *
 *   npx tsx bench/sfn-sync.ts [--calls 2000] [--warmup 300]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CreateStateMachineCommand, ListStateMachinesCommand, SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { freePort, percentile, stop, table } from './lib.js';

const TARGET_P50_MS = 2;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function tenPassStates(): string {
  const states: Record<string, object> = {};
  for (let i = 1; i <= 10; i++) states[`S${i}`] = i < 10 ? { Type: 'Pass', Next: `S${i + 1}` } : { Type: 'Pass', End: true };
  return JSON.stringify({ StartAt: 'S1', States: states });
}

async function untilServing(sfn: SFNClient): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      await sfn.send(new ListStateMachinesCommand({}));
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('Nimbus did not answer within 30 s');
}

async function timeCalls(calls: number, call: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await call();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return ms;
}

const calls = arg('calls', 2000);
const warmup = arg('warmup', 300);
const port = await freePort();
const root = fileURLToPath(new URL('..', import.meta.url));
const nimbus = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--port', String(port), '--log-level', 'error'], { cwd: root, stdio: 'ignore' });
try {
  const sfn = new SFNClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    disableHostPrefix: true,
  });
  await untilServing(sfn);
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name: 'bench-sync', type: 'EXPRESS', definition: tenPassStates(), roleArn: 'arn:aws:iam::000000000000:role/bench' }),
  );
  const sync = async () => {
    const out = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{"n":1}' }));
    if (out.status !== 'SUCCEEDED') throw new Error(`execution ${out.status}: ${out.error} ${out.cause}`);
  };
  const list = () => sfn.send(new ListStateMachinesCommand({}));
  await timeCalls(warmup, sync);
  await timeCalls(warmup, list);
  const syncMs = await timeCalls(calls, sync);
  const listMs = await timeCalls(calls, list);
  const row = (name: string, xs: number[]) => [name, percentile(xs, 50).toFixed(3), percentile(xs, 90).toFixed(3), percentile(xs, 99).toFixed(3), (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3)];
  console.log(`\nSDK round trips over loopback, ${calls} sequential calls each (after ${warmup} warm-up calls)\n`);
  console.log(table([['call', 'p50 (ms)', 'p90 (ms)', 'p99 (ms)', 'mean (ms)'], row('StartSyncExecution (10 Pass states)', syncMs), row('ListStateMachines (floor)', listMs)]));
  const p50 = percentile(syncMs, 50);
  console.log(`\nStartSyncExecution p50 ${p50.toFixed(3)} ms: ${(TARGET_P50_MS / p50).toFixed(2)}x under the ${TARGET_P50_MS} ms target (${p50 <= TARGET_P50_MS ? 'met' : 'MISSED'})`);
  console.log(`engine cost over the SDK/HTTP floor at p50: ${(p50 - percentile(listMs, 50)).toFixed(3)} ms (${(p50 / percentile(listMs, 50)).toFixed(2)}x ListStateMachines)`);
  sfn.destroy();
} finally {
  await stop(nimbus);
}
