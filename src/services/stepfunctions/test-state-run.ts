/**
 * TestState: running the one state under test, in either query language, recording the
 * intermediate data AWS reports at the DEBUG and TRACE inspection levels. Task states really call
 * their integration (through the service's registry); Wait states do not wait. Retry and Catch are
 * decided by the caller (test-state.ts) from the failure this module throws.
 */
import type { Clock } from '../../core/clock.js';
import type { ExecutionContextObject } from './asl/context.js';
import { StatesError } from './asl/errors.js';
import { applyInputPath, applyOutputPath, applyResultPath } from './asl/io.js';
import { evaluateExpression, evaluateTemplate, isJsonataString, jsonataBindings, QUERY_EVALUATION_ERROR, unexpectedType, type StatesBinding } from './asl/jsonata.js';
import { applyPayloadTemplate } from './asl/payload.js';
import { evaluateChoiceRule } from './asl/choice.js';
import { dataLimitCause, exceedsPayloadLimit, toJson } from './executor/payload-size.js';
import { timestampMs, valueAt } from './executor/states.js';
import { failureFromThrown } from './executor/task.js';
import { parseResource, type IntegrationRegistry, type TaskRequest } from './integrations/registry.js';

/** TestState runs for at most five minutes; a longer state fails with States.Timeout. */
export const MAX_TEST_SECONDS = 300;

export interface TestStateEnv {
  integrations: IntegrationRegistry;
  clock: Clock;
  account: string;
  region: string;
}

/** The InspectionData members this module records, as JSON values (written as JSON text by the caller). */
export type Inspection = Partial<Record<'input' | 'afterArguments' | 'afterInputPath' | 'afterParameters' | 'result' | 'afterResultSelector' | 'afterResultPath', unknown>>;

export interface TestRun {
  def: any;
  input: unknown;
  context: ExecutionContextObject;
  variables: Record<string, unknown> | undefined;
  inspection: Inspection;
  env: TestStateEnv;
  executionArn: string;
  executionName: string;
}

/** A state that completed: its output, the state it goes to (none for an End state) and the variables it assigned. */
export interface Exit {
  output: unknown;
  next?: string;
  assigned?: Record<string, unknown>;
}

export interface Failure {
  error?: string;
  cause?: string;
}

/** A state that failed with `failure` (a Fail state may leave Error and Cause out, so this is not a StatesError). */
export class StateFailed extends Error {
  constructor(readonly failure: Failure) {
    super(failure.cause ?? failure.error ?? 'The state failed');
  }
}

const nextOf = (def: any): string | undefined => (def.End ? undefined : def.Next);

// --- JSONPath ---------------------------------------------------------------------------------

export async function runJsonPath(run: TestRun): Promise<Exit> {
  const { def, input, context, variables, inspection } = run;
  if (def.Type === 'Fail') {
    inspection.afterInputPath = input;
    const error = def.Error ?? (def.ErrorPath === undefined ? undefined : stringAt(def.ErrorPath, 'ErrorPath', run));
    const cause = def.Cause ?? (def.CausePath === undefined ? undefined : stringAt(def.CausePath, 'CausePath', run));
    throw new StateFailed({ error, cause });
  }
  const eff = applyInputPath(def.InputPath, input, context, variables);
  switch (def.Type) {
    case 'Pass': {
      let result: unknown;
      if (def.Result !== undefined) {
        // AWS reports neither afterInputPath nor afterParameters for a Pass state with a Result.
        result = def.Result;
        inspection.result = result;
      } else {
        inspection.afterInputPath = eff;
        result = def.Parameters === undefined ? eff : applyPayloadTemplate(def.Parameters, eff, context, variables);
        inspection.afterParameters = result;
      }
      return finishJsonPath(run, result);
    }
    case 'Task': {
      inspection.afterInputPath = eff;
      const params = def.Parameters === undefined ? eff : applyPayloadTemplate(def.Parameters, eff, context, variables);
      inspection.afterParameters = params;
      const timeout = positiveSeconds(def.TimeoutSecondsPath !== undefined ? valueAt(def.TimeoutSecondsPath, eff, context, variables) : def.TimeoutSeconds, def.TimeoutSecondsPath ?? 'TimeoutSeconds');
      if (def.HeartbeatSecondsPath !== undefined) positiveSeconds(valueAt(def.HeartbeatSecondsPath, eff, context, variables), def.HeartbeatSecondsPath);
      const result = await callTask(run, params, timeout);
      inspection.result = result;
      return finishJsonPath(run, result);
    }
    case 'Choice': {
      inspection.afterInputPath = eff;
      const rule = (def.Choices as any[]).find((r) => evaluateChoiceRule(r, eff, context, variables));
      if (rule === undefined && def.Default === undefined) {
        throw new StatesError('States.NoChoiceMatched', 'No Choice Rule matched the input and no Default was specified');
      }
      // The state's Assign applies whichever way the state goes; a matched rule's Assign on top.
      let assigned = def.Assign === undefined ? undefined : assignJsonPath(def.Assign, eff, run);
      if (rule?.Assign !== undefined) assigned = { ...assigned, ...assignJsonPath(rule.Assign, eff, run) };
      return { output: applyOutputPath(def.OutputPath, eff, context, variables), next: rule === undefined ? def.Default : rule.Next, assigned };
    }
    case 'Wait': {
      inspection.afterInputPath = eff;
      checkWait(def, eff, run);
      const assigned = def.Assign === undefined ? undefined : assignJsonPath(def.Assign, eff, run);
      return { output: applyOutputPath(def.OutputPath, eff, context, variables), next: nextOf(def), assigned };
    }
    case 'Succeed':
      inspection.afterInputPath = eff;
      return { output: applyOutputPath(def.OutputPath, eff, context, variables) };
    default:
      throw new StatesError('States.Runtime', `Unsupported state type '${String(def.Type)}'`);
  }
}

/** ResultSelector, Assign (whose `$` is the selected result), ResultPath and OutputPath. */
function finishJsonPath(run: TestRun, result: unknown): Exit {
  const { def, input, context, variables, inspection } = run;
  const selected = def.ResultSelector === undefined ? result : applyPayloadTemplate(def.ResultSelector, result, context, variables);
  inspection.afterResultSelector = selected;
  const assigned = def.Assign === undefined ? undefined : assignJsonPath(def.Assign, selected, run);
  const placed = applyResultPath(def.ResultPath, input, selected);
  inspection.afterResultPath = placed;
  return { output: applyOutputPath(def.OutputPath, placed, context, variables), next: nextOf(def), assigned };
}

export function assignJsonPath(assign: unknown, data: unknown, run: TestRun): Record<string, unknown> {
  return applyPayloadTemplate(assign, data, run.context, run.variables) as Record<string, unknown>;
}

function stringAt(expr: string, field: string, run: TestRun): string {
  const v = valueAt(expr, run.input, run.context, run.variables);
  if (typeof v !== 'string') throw new StatesError('States.Runtime', `The ${field} '${expr}' did not resolve to a string`);
  return v;
}

/** The Wait state's duration is checked as in an execution, but TestState never waits. */
function checkWait(def: any, eff: unknown, run: TestRun): void {
  const { context, variables } = run;
  if (def.Seconds !== undefined || def.SecondsPath !== undefined) {
    const v = def.SecondsPath !== undefined ? valueAt(def.SecondsPath, eff, context, variables) : def.Seconds;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      const what = def.SecondsPath !== undefined ? `SecondsPath '${def.SecondsPath}'` : 'Seconds';
      throw new StatesError('States.Runtime', `The value of ${what} must be a non-negative integer, got ${JSON.stringify(v) ?? String(v)}`);
    }
    return;
  }
  timestampMs(def.TimestampPath !== undefined ? valueAt(def.TimestampPath, eff, context, variables) : def.Timestamp);
}

function positiveSeconds(v: unknown, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new StatesError('States.Runtime', `The value of ${field} must be a positive integer, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

// --- JSONata ----------------------------------------------------------------------------------

export async function runJsonata(run: TestRun): Promise<Exit> {
  const { def, input, inspection } = run;
  const bind = bindings(run, {});
  switch (def.Type) {
    case 'Pass':
      return finishJsonata(run, bind, input);
    case 'Task': {
      const args = def.Arguments === undefined ? input : await evaluateTemplate(def.Arguments, 'Arguments', bind);
      inspection.afterArguments = args;
      const timeout = positiveSeconds(await numberField(def.TimeoutSeconds, 'TimeoutSeconds', bind), 'TimeoutSeconds');
      positiveSeconds(await numberField(def.HeartbeatSeconds, 'HeartbeatSeconds', bind), 'HeartbeatSeconds');
      const result = await callTask(run, args, timeout);
      inspection.result = result;
      return finishJsonata(run, bindings(run, { result }), result);
    }
    case 'Choice':
      return choose(run, bind);
    case 'Wait': {
      if (def.Seconds !== undefined) {
        const s = await numberField(def.Seconds, 'Seconds', bind);
        if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
          throw new StatesError(QUERY_EVALUATION_ERROR, `The value of the field 'Seconds' must be a non-negative integer, got ${JSON.stringify(s)}`);
        }
      } else {
        const ts = isJsonataString(def.Timestamp) ? await evaluateExpression(def.Timestamp, 'Timestamp', bind) : def.Timestamp;
        if (isJsonataString(def.Timestamp) && typeof ts !== 'string') throw unexpectedType(def.Timestamp, 'Timestamp', 'string', ts);
        timestampMs(ts);
      }
      return finishJsonata(run, bind, input);
    }
    case 'Succeed':
      return { output: def.Output === undefined ? input : await evaluateTemplate(def.Output, 'Output', bind) };
    case 'Fail':
      throw new StateFailed({ error: await stringField(def.Error, 'Error', bind), cause: await stringField(def.Cause, 'Cause', bind) });
    default:
      throw new StatesError('States.Runtime', `Unsupported state type '${String(def.Type)}'`);
  }
}

/** `$states` (input, Context object, and the result or error output when there is one) plus the variables. */
export function bindings(run: TestRun, extra: Pick<StatesBinding, 'result' | 'errorOutput'>): Record<string, unknown> {
  return jsonataBindings(run.variables, { input: run.input, context: run.context, ...extra });
}

/** Assign and Output both see the variables from before the state; Output defaults to `fallback`. */
async function finishJsonata(run: TestRun, bind: Record<string, unknown>, fallback: unknown): Promise<Exit> {
  const def = run.def;
  const assigned = def.Assign === undefined ? undefined : ((await evaluateTemplate(def.Assign, 'Assign', bind)) as Record<string, unknown>);
  const output = def.Output === undefined ? fallback : await evaluateTemplate(def.Output, 'Output', bind);
  return { output, next: nextOf(def), assigned };
}

async function choose(run: TestRun, bind: Record<string, unknown>): Promise<Exit> {
  const def = run.def;
  const rules: any[] = def.Choices;
  let rule: any;
  let at = '';
  for (let i = 0; i < rules.length && rule === undefined; i++) {
    const cond = rules[i].Condition;
    const field = `Choices[${i}]/Condition`;
    const v = isJsonataString(cond) ? await evaluateExpression(cond, field, bind) : cond;
    if (typeof v !== 'boolean') throw unexpectedType(String(cond), field, 'boolean', v);
    if (v) {
      rule = rules[i];
      at = `Choices[${i}]/`;
    }
  }
  if (rule === undefined && def.Default === undefined) {
    throw new StatesError('States.NoChoiceMatched', 'No Choice Rule matched the input and no Default was specified');
  }
  let assigned = def.Assign === undefined ? undefined : ((await evaluateTemplate(def.Assign, 'Assign', bind)) as Record<string, unknown>);
  if (rule?.Assign !== undefined) assigned = { ...assigned, ...((await evaluateTemplate(rule.Assign, `${at}Assign`, bind)) as Record<string, unknown>) };
  const output =
    rule?.Output !== undefined
      ? await evaluateTemplate(rule.Output, `${at}Output`, bind)
      : def.Output !== undefined
        ? await evaluateTemplate(def.Output, 'Output', bind)
        : run.input;
  return { output, next: rule === undefined ? def.Default : rule.Next, assigned };
}

async function numberField(v: unknown, field: string, bind: Record<string, unknown>): Promise<unknown> {
  if (!isJsonataString(v)) return v;
  const n = await evaluateExpression(v, field, bind);
  if (typeof n !== 'number') throw unexpectedType(v, field, 'integer', n);
  return n;
}

async function stringField(v: unknown, field: string, bind: Record<string, unknown>): Promise<string | undefined> {
  if (!isJsonataString(v)) return v as string | undefined;
  const s = await evaluateExpression(v, field, bind);
  if (typeof s !== 'string') throw unexpectedType(v, field, 'string', s);
  return s;
}

// --- Task -------------------------------------------------------------------------------------

/**
 * One Request Response call of the Task's integration, bounded by its TimeoutSeconds and by
 * TestState's own five minutes (both fail the state with States.Timeout).
 */
async function callTask(run: TestRun, parameters: unknown, timeoutSeconds: number | undefined): Promise<unknown> {
  const { env, def } = run;
  const parsed = parseResource(def.Resource)!;
  const resolved = env.integrations.resolve(parsed);
  if (!resolved) throw new StatesError('States.Runtime', `Nimbus has no integration for the resource '${parsed.arn}'.`);
  const controller = new AbortController();
  const seconds = Math.min(timeoutSeconds ?? MAX_TEST_SECONDS, MAX_TEST_SECONDS);
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = env.clock.setTimeout(() => {
      controller.abort();
      reject(new StateFailed({ error: 'States.Timeout' }));
    }, seconds * 1000);
  });
  const req: TaskRequest = {
    resource: parsed.arn,
    parsed,
    pattern: parsed.pattern,
    parameters,
    timeoutSeconds,
    stateName: run.context.State.Name,
    execution: { arn: run.executionArn, region: env.region, account: env.account, name: run.executionName },
    signal: controller.signal,
    heartbeat: () => {},
  };
  const called = (async () => {
    try {
      return await resolved.integration.call(req);
    } catch (e) {
      throw new StateFailed(failureFromThrown(e));
    }
  })();
  let result: unknown;
  try {
    result = await Promise.race([called, timedOut]);
  } finally {
    env.clock.clear(timer);
  }
  if (exceedsPayloadLimit(toJson(result))) {
    throw new StatesError('States.DataLimitExceeded', dataLimitCause(parsed.kind === 'service' ? parsed.resourceType : parsed.arn));
  }
  return result;
}
