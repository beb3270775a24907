/**
 * Runs every benchmark one after the other (each in its own process, so none disturbs the next)
 * and prints their reports together: `npm run bench -- all`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ORDER = ['startup', 'sfn-engine', 'sfn-sync', 'sfn-parked', 'sqs', 'sns', 'events', 'secretsmanager', 'lambda'];
const root = fileURLToPath(new URL('..', import.meta.url));

for (const name of ORDER) {
  process.stderr.write(`\n=== ${name} ===\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  console.log(`\n=== ${name} (npm run bench -- ${name}) ===`);
  console.log(run.status === 0 ? run.stdout.trim() : `failed with exit code ${run.status}\n${run.stdout}`);
}
