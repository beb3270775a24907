/**
 * Step Functions engine throughput, in process, on the same definitions run side by side with the
 * npm package aws-local-stepfunctions (the peer): a 1,000-state Pass chain, a Map over 10,000
 * items, and a Choice loop counting to 10,000. Nimbus records full execution history. Each
 * definition also has a JSONata twin (same output), timed on Nimbus only: the last table gives
 * the JSONata / JSONPath time ratio.
 *
 *   npm run bench -- sfn-engine [--rounds 5]
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { Clock } from '../src/core/clock.js';
import { ActivityHub } from '../src/services/stepfunctions/executor/activities.js';
import { Execution } from '../src/services/stepfunctions/executor/execution.js';
import { TaskTokenTable } from '../src/services/stepfunctions/executor/tokens.js';
import { IntegrationRegistry } from '../src/services/stepfunctions/integrations/registry.js';
import { validateDefinition } from '../src/services/stepfunctions/asl/validate.js';
import { median, table } from './lib.js';

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;

function passChain(n: number) {
  const States: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) States[`S${i}`] = i === n - 1 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `S${i + 1}` };
  return { StartAt: 'S0', States };
}

const mapOver = {
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 0,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'v.$': '$.id' }, End: true } } },
      End: true,
    },
  },
};

const choiceLoop = {
  StartAt: 'Check',
  States: {
    Check: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericGreaterThanEquals: 10000, Next: 'Done' }], Default: 'Inc' },
    Inc: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Check' },
    Done: { Type: 'Succeed' },
  },
};

const jsonataMap = {
  QueryLanguage: 'JSONata',
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      Items: '{% $states.input.items %}',
      MaxConcurrency: 0,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', Output: { v: '{% $states.input.id %}' }, End: true } } },
      End: true,
    },
  },
};

const jsonataChoiceLoop = {
  QueryLanguage: 'JSONata',
  StartAt: 'Check',
  States: {
    Check: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.i >= 10000 %}', Next: 'Done' }], Default: 'Inc' },
    Inc: { Type: 'Pass', Output: { i: '{% $states.input.i + 1 %}' }, Next: 'Check' },
    Done: { Type: 'Succeed' },
  },
};

const jsonataTwins: Record<string, object> = {
  '1,000-state Pass chain': { QueryLanguage: 'JSONata', ...passChain(1000) },
  'Map over 10,000 items': jsonataMap,
  'Choice loop to 10,000': jsonataChoiceLoop,
};

const cases = [
  { name: '1,000-state Pass chain', def: passChain(1000), input: {} as unknown, states: 1000 },
  { name: 'Map over 10,000 items', def: mapOver, input: { items: Array.from({ length: 10000 }, (_, i) => ({ id: `item-${i}` })) }, states: 10001 },
  { name: 'Choice loop to 10,000', def: choiceLoop, input: { i: 0 }, states: 20001 },
];

const clock = new Clock();
const integrations = new IntegrationRegistry();
const tokens = new TaskTokenTable();
const activities = new ActivityHub(clock);

async function runNimbus(def: object, input: unknown): Promise<unknown> {
  const exec = new Execution({
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:bench:x',
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench',
    name: 'x',
    roleArn: 'arn:aws:iam::000000000000:role/r',
    definition: def,
    input,
    type: 'STANDARD',
    clock,
    waitScale: 0,
    integrations,
    tokens,
    activities,
    region: 'us-east-1',
    account: '000000000000',
  });
  exec.start();
  await exec.done;
  if (exec.status !== 'SUCCEEDED') throw new Error(`nimbus: ${exec.status} ${exec.error} ${exec.cause}`);
  return JSON.parse(exec.output!);
}

/** The peer validates in its constructor, as Nimbus does at CreateStateMachine: neither is timed. */
const peerMachine = (def: object) => new StateMachine(def as any, { validationOptions: { checkPaths: false, checkArn: false } } as any);

async function runPeer(sm: ReturnType<typeof peerMachine>, input: unknown): Promise<unknown> {
  return sm.run(input as any).result;
}

/**
 * Milliseconds per run, timing `reps` runs back to back: a single 1,000-state run lasts well under a
 * millisecond, where one sample would measure timer and scheduling noise more than the engine.
 */
async function time(fn: () => Promise<unknown>, reps = 1): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / reps;
}

/** Runs per sample: about 20,000 states' worth, at least one. */
const repsFor = (states: number) => Math.max(1, Math.round(20_000 / states));

const rows: (string | number)[][] = [['definition', 'Nimbus ms', 'peer ms', 'Nimbus states/s', 'peer states/s', 'ratio']];
const jsonPathMs = new Map<string, { ms: number; output: string }>();
for (const c of cases) {
  const parsed = validateDefinition(JSON.stringify(c.def));
  if (parsed.result !== 'OK') throw new Error(`invalid bench definition ${c.name}: ${JSON.stringify(parsed.diagnostics)}`);
  const a = JSON.stringify(await runNimbus(parsed.definition!, c.input));
  const sm = peerMachine(c.def);
  const b = JSON.stringify(await runPeer(sm, c.input));
  if (a !== b) throw new Error(`${c.name}: outputs differ\nnimbus: ${a.slice(0, 200)}\npeer:   ${b.slice(0, 200)}`);
  const nimbus: number[] = [];
  const peer: number[] = [];
  const reps = repsFor(c.states);
  for (let r = 0; r < ROUNDS; r++) {
    nimbus.push(await time(() => runNimbus(parsed.definition!, c.input), reps));
    peer.push(await time(() => runPeer(sm, c.input), reps));
  }
  const n = median(nimbus);
  const p = median(peer);
  rows.push([c.name, n.toFixed(2), p.toFixed(2), Math.round((c.states / n) * 1000), Math.round((c.states / p) * 1000), `${(p / n).toFixed(1)}x`]);
  jsonPathMs.set(c.name, { ms: n, output: a });
  process.stderr.write(`${c.name}: done\n`);
}
// The JSONata twins run after every JSONPath timing, so they cannot disturb those figures.
const jsonataRows: (string | number)[][] = [['definition', 'JSONPath ms', 'JSONata ms', 'JSONata states/s', 'JSONata / JSONPath']];
for (const c of cases) {
  const twin = validateDefinition(JSON.stringify(jsonataTwins[c.name]));
  if (twin.result !== 'OK') throw new Error(`invalid JSONata bench definition ${c.name}: ${JSON.stringify(twin.diagnostics)}`);
  const base = jsonPathMs.get(c.name)!;
  const t = JSON.stringify(await runNimbus(twin.definition!, c.input));
  if (t !== base.output) throw new Error(`${c.name}: JSONata output differs\njsonata:  ${t.slice(0, 200)}\njsonpath: ${base.output.slice(0, 200)}`);
  const ata: number[] = [];
  for (let r = 0; r < ROUNDS; r++) ata.push(await time(() => runNimbus(twin.definition!, c.input), repsFor(c.states)));
  const j = median(ata);
  jsonataRows.push([c.name, base.ms.toFixed(2), j.toFixed(2), Math.round((c.states / j) * 1000), `${(j / base.ms).toFixed(2)}x`]);
  process.stderr.write(`${c.name} (JSONata): done\n`);
}
console.log(`\nStep Functions engine throughput, median of ${ROUNDS} rounds, each timing ~20,000 states' worth of runs (peer: aws-local-stepfunctions ${await peerVersion()}; target >= 10x)\n`);
console.log(table(rows));
console.log(`\nJSONata twins of the same definitions on Nimbus, median of ${ROUNDS} rounds\n`);
console.log(table(jsonataRows));

async function peerVersion(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  return JSON.parse(readFileSync(new URL('../node_modules/aws-local-stepfunctions/package.json', import.meta.url), 'utf8')).version;
}
