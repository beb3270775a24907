/** Shared helpers for the Step Functions executor unit tests. */
import { Clock } from '../src/core/clock.js';
import { ActivityHub } from '../src/services/stepfunctions/executor/activities.js';
import { Execution, type ExecutionOptions } from '../src/services/stepfunctions/executor/execution.js';
import { TaskTokenTable } from '../src/services/stepfunctions/executor/tokens.js';
import { IntegrationRegistry } from '../src/services/stepfunctions/integrations/registry.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const SM_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Machine`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/StepFunctionsRole`;

/** A clock that only moves when told to, so event timestamps are exact. */
export class ManualClock extends Clock {
  private t = Date.UTC(2024, 0, 1, 12, 0, 0);

  override now(): number {
    return this.t;
  }

  override advance(ms: number): void {
    this.t += Math.max(0, ms);
    super.advance(0);
  }
}

export interface Harness {
  clock: ManualClock;
  integrations: IntegrationRegistry;
  tokens: TaskTokenTable;
  activities: ActivityHub;
}

export function harness(): Harness {
  const clock = new ManualClock();
  return { clock, integrations: new IntegrationRegistry(), tokens: new TaskTokenTable(), activities: new ActivityHub(clock) };
}

let counter = 0;

export function startExecution(definition: object, input: unknown = {}, h: Harness = harness(), extra: Partial<ExecutionOptions> = {}): Execution {
  const name = `exec-${++counter}`;
  const exec = new Execution({
    executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:Machine:${name}`,
    stateMachineArn: SM_ARN,
    name,
    roleArn: ROLE_ARN,
    definition,
    input,
    type: 'STANDARD',
    clock: h.clock,
    waitScale: 0,
    integrations: h.integrations,
    tokens: h.tokens,
    activities: h.activities,
    region: REGION,
    account: ACCOUNT,
    ...extra,
  });
  exec.start();
  return exec;
}

/** Runs an execution to its end (no clock movement needed). */
export async function run(definition: object, input: unknown = {}, h: Harness = harness(), extra: Partial<ExecutionOptions> = {}): Promise<Execution> {
  const exec = startExecution(definition, input, h, extra);
  await exec.done;
  return exec;
}

/** [id, previousEventId, type] of every event. */
export const shape = (e: Execution): [number, number | undefined, string][] => e.history.map((ev) => [ev.id, ev.previousEventId, ev.type]);

export const types = (e: Execution): string[] => e.history.map((ev) => ev.type);

/** Lets pending microtasks and setImmediate callbacks run. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Waits (in event-loop turns) until `cond` holds. */
export async function until(cond: () => boolean, what = 'condition', rounds = 2000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const event = (e: Execution, type: string, nth = 0) => e.history.filter((ev) => ev.type === type)[nth];
