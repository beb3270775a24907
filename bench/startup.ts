/**
 * Cold start and idle memory: time from process spawn to the first successful
 * Step Functions ListStateMachines, and resident memory after 2 s idle; Nimbus against moto_server
 * (the moto 5 package's server, preinstalled here), median of several runs, measured in this run.
 *
 *   npm run bench -- startup [--runs 7]
 */
import { freePort, jsonCall, median, rssMb, sleep, spawnMoto, spawnNimbus, stop, table, untilReady } from './lib.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

async function measure(name: string, spawnIt: (port: number) => ReturnType<typeof spawnNimbus>) {
  const starts: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const port = await freePort();
    const t0 = process.hrtime.bigint();
    const child = spawnIt(port);
    try {
      starts.push(await untilReady(() => jsonCall(port, 'AWSStepFunctions.ListStateMachines'), t0));
      await sleep(2000);
      rss.push(rssMb(child.pid!));
    } finally {
      await stop(child);
    }
    process.stderr.write(`${name} run ${i + 1}/${RUNS}: ${starts.at(-1)!.toFixed(0)} ms, ${rss.at(-1)!.toFixed(1)} MB\n`);
  }
  return { name, start: median(starts), rss: median(rss) };
}

const nimbus = await measure('nimbus', spawnNimbus);
const moto = await measure('moto_server', spawnMoto);

console.log(`\nCold start to first ListStateMachines, and RSS after 2 s idle (median of ${RUNS} runs)\n`);
console.log(
  table([
    ['server', 'cold start (ms)', 'idle RSS (MB)'],
    [nimbus.name, nimbus.start.toFixed(0), nimbus.rss.toFixed(1)],
    [moto.name, moto.start.toFixed(0), moto.rss.toFixed(1)],
  ]),
);
console.log(`\ncold start: Nimbus is ${(moto.start / nimbus.start).toFixed(1)}x faster than moto_server (target >= 5x, <= 150 ms)`);
console.log(`idle RSS: Nimbus ${nimbus.rss.toFixed(1)} MB vs moto_server ${moto.rss.toFixed(1)} MB (target <= 60 MB)`);
