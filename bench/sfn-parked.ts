/**
 * Memory of parked executions: 10,000 concurrent STANDARD executions sitting in a one-hour Wait
 * state, started in process through the Step Functions service interface (startExecution, as
 * EventBridge and Scheduler targets do), on a Nimbus embedded in this process. Reports the
 * process's RSS before and after, and the cost per execution.
 *
 *   npx tsx bench/sfn-parked.ts [--executions 10000]
 */
import { startNimbus } from '../src/index.js';
import type { StepFunctionsService } from '../src/services/stepfunctions/api.js';
import { rssMb, sleep, table } from './lib.js';

const TARGET_RSS_MB = 300;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const count = arg('executions', 10_000);
const nimbus = await startNimbus({ port: 0, logLevel: 'error', sfnWaitScale: 1 });
try {
  const cloud = nimbus.cloud;
  const states = await cloud.service<StepFunctionsService>('states');
  const definition = JSON.stringify({
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Parameters: { 'order.$': '$.order', stage: 'parked' }, Next: 'Park' },
      Park: { Type: 'Wait', Seconds: 3600, Next: 'Done' },
      Done: { Type: 'Succeed' },
    },
  });
  const { stateMachineArn } = (await cloud.call('states', 'CreateStateMachine', {
    name: 'parked',
    definition,
    roleArn: 'arn:aws:iam::000000000000:role/bench',
  })) as { stateMachineArn: string };

  await sleep(200);
  const before = rssMb(process.pid);
  const heapBefore = process.memoryUsage().heapUsed / 2 ** 20;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await states.startExecution(stateMachineArn, `{"order":${i}}`);
  const startMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // Let every execution reach its Wait state.
  while (cloud.clock.pending < count) await sleep(10);
  await sleep(500);
  const after = rssMb(process.pid);
  const heapAfter = process.memoryUsage().heapUsed / 2 ** 20;
  const running = (await cloud.call('states', 'ListExecutions', { stateMachineArn, statusFilter: 'RUNNING', maxResults: 1000 })) as { executions: unknown[] };

  console.log(`\n${count} STANDARD executions parked in a 3600 s Wait (started in process via startExecution)\n`);
  console.log(
    table([
      ['measure', 'value'],
      ['start time (total)', `${startMs.toFixed(0)} ms (${((startMs * 1000) / count).toFixed(1)} us/execution)`],
      ['timers parked on the clock', String(cloud.clock.pending)],
      ['RUNNING (first ListExecutions page)', String(running.executions.length)],
      ['RSS before', `${before.toFixed(1)} MB`],
      ['RSS with executions parked', `${after.toFixed(1)} MB`],
      ['heap used before / after', `${heapBefore.toFixed(1)} / ${heapAfter.toFixed(1)} MB`],
      ['per execution (RSS delta)', `${(((after - before) * 1024) / count).toFixed(2)} KB`],
    ]),
  );
  console.log(`\nRSS ${after.toFixed(1)} MB: ${(TARGET_RSS_MB / after).toFixed(2)}x under the ${TARGET_RSS_MB} MB target (${after <= TARGET_RSS_MB ? 'met' : 'MISSED'})`);
} finally {
  await nimbus.stop();
}
