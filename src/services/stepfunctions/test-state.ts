/**
 * The TestState API: runs the definition of a single state once, without a state machine, and
 * answers its output, next state and status (SUCCEEDED, FAILED, RETRIABLE when a retrier matches
 * the error, CAUGHT_ERROR when a catcher takes it), with the intermediate data at DEBUG and TRACE.
 *
 * The state is validated as AWS does, as the only state (named `StateName`, as AWS names it in
 * the Context object) of a machine whose transition targets exist. As on AWS, Parallel and Map
 * states, activities and the .sync / .waitForTaskToken patterns are refused.
 */
import { AwsError } from '../../core/errors.js';
import { arn, parseArn, uuid } from '../../core/ids.js';
import type * as T from '../../generated/states.types.js';
import type { ExecutionContextObject } from './asl/context.js';
import { isStatesError } from './asl/errors.js';
import { applyResultPath } from './asl/io.js';
import { evaluateTemplate } from './asl/jsonata.js';
import { isJsonObject } from './asl/json-values.js';
import { findCatcher, findRetrier, canRetry } from './asl/retry.js';
import { invalidDefinitionMessage, stateQueryLanguage, validateDefinition } from './asl/validate.js';
import { parseJson } from './asl/validate-json.js';
import { invalidArn } from './arns.js';
import { dataLimitCause, exceedsPayloadLimit, toJson } from './executor/payload-size.js';
import { parseResource } from './integrations/registry.js';
import { parseInput } from './runner.js';
import { assignJsonPath, bindings, runJsonata, runJsonPath, StateFailed, type Exit, type Failure, type TestRun, type TestStateEnv } from './test-state-run.js';

export type { TestStateEnv } from './test-state-run.js';

/** The name AWS gives the state under test (its Context object's `State.Name`). */
const STATE_NAME = 'StateName';

const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set(['Map', 'Parallel']);

export async function testState(input: T.TestStateInput, env: TestStateEnv): Promise<T.TestStateOutput> {
  const def = checkedState(input.definition);
  if (input.roleArn !== undefined && !parseArn(input.roleArn)) throw invalidArn(`Invalid ARN prefix: ${input.roleArn}`);
  if (def.Type === 'Task' && input.roleArn === undefined) throw new AwsError('ValidationException', 'RoleArn must be specified when testing a Task state');
  const inputText = input.input ?? '{}';
  const value = parseInput(inputText);
  const variables = parseVariables(input.variables);

  const machineName = uuid();
  const executionName = uuid();
  const executionArn = arn('states', env.region, env.account, `express:${machineName}:${executionName}`);
  const now = new Date(env.clock.now()).toISOString();
  const state: Record<string, unknown> = { Name: STATE_NAME, EnteredTime: now };
  if (def.Type === 'Task') state.RetryCount = 0;
  const context = {
    Execution: { Id: executionArn, Input: value, Name: executionName, RoleArn: input.roleArn ?? null, StartTime: now },
    StateMachine: { Id: arn('states', env.region, env.account, `stateMachine:${machineName}`), Name: machineName },
    State: state,
  } as unknown as ExecutionContextObject;
  const run: TestRun = { def, input: value, context, variables, inspection: { input: value }, env, executionArn, executionName };
  const jsonata = stateQueryLanguage(def, {}) === 'JSONata';

  const out: T.TestStateOutput = {};
  let assigned: Record<string, unknown> | undefined;
  try {
    const exit = await (jsonata ? runJsonata(run) : runJsonPath(run));
    assigned = exit.assigned;
    finish(out, exit, 'SUCCEEDED');
  } catch (e) {
    const handled = await handleFailure(run, failureOf(e), jsonata);
    if (handled.status === 'CAUGHT_ERROR') {
      assigned = handled.exit.assigned;
      finish(out, handled.exit, 'CAUGHT_ERROR');
      if (out.status === 'CAUGHT_ERROR') setError(out, handled.failure);
    } else {
      out.status = handled.status;
      setError(out, handled.failure);
    }
  }
  if (input.inspectionLevel === 'DEBUG' || input.inspectionLevel === 'TRACE') {
    out.inspectionData = inspectionData(run, variables, assigned);
  }
  return out;
}

/** Puts a completed state's output and next state in `out`, unless the output is over the payload quota. */
function finish(out: T.TestStateOutput, exit: Exit, status: 'SUCCEEDED' | 'CAUGHT_ERROR'): void {
  const json = toJson(exit.output);
  if (exceedsPayloadLimit(json)) {
    out.status = 'FAILED';
    setError(out, { error: 'States.DataLimitExceeded', cause: dataLimitCause(STATE_NAME) });
    return;
  }
  out.status = status;
  out.output = json;
  if (exit.next !== undefined) out.nextState = exit.next;
}

function setError(out: T.TestStateOutput, f: Failure): void {
  if (f.error !== undefined) out.error = f.error;
  if (f.cause !== undefined) out.cause = f.cause;
}

type Handled = { status: 'RETRIABLE' | 'FAILED'; failure: Failure } | { status: 'CAUGHT_ERROR'; failure: Failure; exit: Exit };

/**
 * Retry first (a matching retrier with attempts left makes the state RETRIABLE; the retry is not
 * made), then Catch (the catcher's Next and its output), else FAILED. States.Runtime is neither
 * retried nor caught.
 */
async function handleFailure(run: TestRun, failure: Failure, jsonata: boolean): Promise<Handled> {
  const { def } = run;
  const error = failure.error ?? '';
  const r = findRetrier(def.Retry, error);
  if (r >= 0 && canRetry(def.Retry[r], 0)) return { status: 'RETRIABLE', failure };
  const c = findCatcher(def.Catch, error);
  if (c < 0) return { status: 'FAILED', failure };
  const catcher = def.Catch[c];
  const errorOutput: Record<string, string> = {};
  if (failure.error !== undefined) errorOutput.Error = failure.error;
  if (failure.cause !== undefined) errorOutput.Cause = failure.cause;
  try {
    if (jsonata) {
      const bind = bindings(run, { errorOutput });
      const assigned = catcher.Assign === undefined ? undefined : ((await evaluateTemplate(catcher.Assign, `Catch[${c}]/Assign`, bind)) as Record<string, unknown>);
      const output = catcher.Output === undefined ? errorOutput : await evaluateTemplate(catcher.Output, `Catch[${c}]/Output`, bind);
      return { status: 'CAUGHT_ERROR', failure, exit: { output, next: catcher.Next, assigned } };
    }
    const assigned = catcher.Assign === undefined ? undefined : assignJsonPath(catcher.Assign, errorOutput, run);
    const output = catcher.ResultPath === undefined ? errorOutput : applyResultPath(catcher.ResultPath, run.input, errorOutput);
    return { status: 'CAUGHT_ERROR', failure, exit: { output, next: catcher.Next, assigned } };
  } catch (e) {
    // An error while the catcher runs fails the state: there is no second Retry / Catch round.
    return { status: 'FAILED', failure: failureOf(e) };
  }
}

function failureOf(e: unknown): Failure {
  if (e instanceof StateFailed) return e.failure;
  if (isStatesError(e)) return { error: e.error, cause: e.cause };
  return { error: 'States.Runtime', cause: e instanceof Error ? e.message : String(e) };
}

function inspectionData(run: TestRun, variables: Record<string, unknown> | undefined, assigned: Record<string, unknown> | undefined): T.InspectionData {
  const data: T.InspectionData = {};
  for (const [key, v] of Object.entries(run.inspection)) (data as Record<string, string>)[key] = toJson(v);
  const after = assigned ? { ...variables, ...assigned } : variables;
  if (after && Object.keys(after).length > 0) data.variables = toJson(after);
  return data;
}

/** The definition of one state, validated; AWS's InvalidDefinition when it is not a valid state of a supported type. */
function checkedState(definition: string): any {
  const parsed = parseJson(definition);
  if (!parsed.ok || !isJsonObject(parsed.value)) throw new AwsError('InvalidDefinition', invalidDefinitionMessage(validateDefinition(definition)));
  const def = parsed.value as Record<string, any>;
  if (typeof def.Type === 'string' && UNSUPPORTED_TYPES.has(def.Type)) {
    throw new AwsError('InvalidDefinition', 'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]');
  }
  // Validated as the only state of a machine whose transition targets exist (as Succeed states).
  const states: Record<string, unknown> = {};
  for (const target of transitionTargets(def)) states[target] = { Type: 'Succeed' };
  states[STATE_NAME] = def;
  const result = validateDefinition(JSON.stringify({ StartAt: STATE_NAME, States: states }));
  // A state that is not terminal is fine on its own; without Next or End it is reported anyway.
  const diagnostics = result.diagnostics.filter((d) => d.code !== 'MISSING_END_STATE');
  if (diagnostics.some((d) => d.severity === 'ERROR')) throw new AwsError('InvalidDefinition', invalidDefinitionMessage({ ...result, diagnostics }));
  if (def.Type === 'Task') {
    const resource = parseResource(def.Resource);
    if (resource?.kind === 'activity' || (resource && resource.pattern !== 'request-response')) {
      throw new AwsError('InvalidDefinition', 'TestState API does not support Activity tasks or the .sync and .waitForTaskToken service integration patterns');
    }
  }
  return def;
}

function transitionTargets(def: Record<string, any>): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v !== STATE_NAME) out.push(v);
  };
  add(def.Next);
  add(def.Default);
  for (const list of [def.Choices, def.Catch]) {
    if (Array.isArray(list)) for (const item of list) add(item?.Next);
  }
  return out;
}

/** The `variables` member: JSON text of an object whose members are the variables' values. */
function parseVariables(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AwsError('ValidationException', 'Invalid variables: the value must be a JSON object');
  }
  if (!isJsonObject(value)) throw new AwsError('ValidationException', 'Invalid variables: the value must be a JSON object');
  return value;
}
