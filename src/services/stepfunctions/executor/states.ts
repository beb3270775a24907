/** The states that finish within one step: Pass, Choice, Wait (one clock timer), Succeed, Fail. */
import type { ExecutionContextObject } from '../asl/context.js';
import { StatesError } from '../asl/errors.js';
import { evaluateIntrinsic, isIntrinsic } from '../asl/intrinsics.js';
import { applyInputPath, applyOutputPath, applyResultPath } from '../asl/io.js';
import { MISSING } from '../asl/jsonpath.js';
import { applyPayloadTemplate } from '../asl/payload.js';
import { evaluateChoiceRule, selectChoice } from '../asl/choice.js';
import { explainMissing, resolveReference } from '../asl/references.js';
import { parseTimestamp, timestampToEpochMs } from '../asl/timestamp.js';
import type { Branch } from './branch.js';
import { nextOf, type Engine } from './engine.js';
import { finishJsonata } from './jsonata-states.js';

type Ctx = ExecutionContextObject | undefined;
type Vars = Record<string, unknown> | undefined;

export function contextFor(x: Engine, b: Branch): Ctx {
  return b.plan!.needsContext ? x.context(b) : undefined;
}

/** The variables `b` reads (undefined when none was ever assigned). */
export const varsOf = (b: Branch): Vars => b.vars?.values;

/** The state's effective input: its raw input filtered by InputPath. */
export function effectiveInput(def: any, input: unknown, ctx: Ctx, vars?: Vars): unknown {
  return def.InputPath === undefined ? input : applyInputPath(def.InputPath, input, ctx, vars);
}

/**
 * A JSONPath state's result becomes its output (ResultSelector, ResultPath, OutputPath) and, through
 * Assign (where `$` is the selected result), its variables; then the state exits.
 */
export function finishJsonPath(x: Engine, b: Branch, def: any, result: unknown, ctx: Ctx): void {
  const vars = varsOf(b);
  let r = def.ResultSelector === undefined ? result : applyPayloadTemplate(def.ResultSelector, result, ctx, vars);
  const assigned = def.Assign === undefined ? undefined : assignJsonPath(def.Assign, r, ctx, vars);
  r = def.ResultPath === undefined ? r : applyResultPath(def.ResultPath, b.input, r);
  r = def.OutputPath === undefined ? r : applyOutputPath(def.OutputPath, r, ctx, vars);
  x.exit(b, r, nextOf(def), assigned);
}

/** The values a JSONPath Assign sets: its `.$` fields read `data` (`$`), `$$` and variables. */
export function assignJsonPath(assign: unknown, data: unknown, ctx: Ctx, vars: Vars): Record<string, unknown> {
  return applyPayloadTemplate(assign, data, ctx, vars) as Record<string, unknown>;
}

/** The end of a Task, Parallel or Map with `result`, in the state's query language. */
export function finishResult(x: Engine, b: Branch, result: unknown): void {
  if (b.jsonata) return finishJsonata(x, b, result);
  const def = b.def;
  finishJsonPath(x, b, def, result, b.plan!.needsContext ? x.context(b) : undefined);
}

/** A path (`$.x`, `$$.x`, `$var.x`) or an intrinsic function call, evaluated against `data`. */
export function valueAt(expr: string, data: unknown, ctx: Ctx, vars?: Vars): unknown {
  const scope = { input: data, context: ctx, variables: vars };
  const resolve = (path: string) => {
    const v = resolveReference(path, scope);
    if (v === MISSING) throw new StatesError('States.Runtime', `Invalid path '${path}' : ${explainMissing(path, scope)}`);
    return v;
  };
  return isIntrinsic(expr) ? evaluateIntrinsic(expr, resolve) : resolve(expr);
}

export function runPass(x: Engine, b: Branch, def: any): void {
  const ctx = contextFor(x, b);
  const vars = varsOf(b);
  const eff = effectiveInput(def, b.input, ctx, vars);
  const result = def.Result !== undefined ? def.Result : def.Parameters === undefined ? eff : applyPayloadTemplate(def.Parameters, eff, ctx, vars);
  if (def.Assign === undefined && def.ResultPath === undefined && def.OutputPath === undefined) return x.exit(b, result, nextOf(def));
  finishJsonPath(x, b, def, result, ctx);
}

export function runChoice(x: Engine, b: Branch, def: any): void {
  const ctx = contextFor(x, b);
  const vars = varsOf(b);
  const eff = effectiveInput(def, b.input, ctx, vars);
  let next: string;
  let assigned: Record<string, unknown> | undefined;
  if (!b.plan!.assigns) {
    next = selectChoice(def, eff, ctx, vars);
  } else {
    const rule = def.Choices.find((r: any) => evaluateChoiceRule(r, eff, ctx, vars));
    if (rule === undefined && def.Default === undefined) {
      throw new StatesError('States.NoChoiceMatched', 'No Choice Rule matched the input and no Default was specified');
    }
    next = rule === undefined ? def.Default : rule.Next;
    // The state's Assign applies whichever way the state goes; a matched rule's Assign on top.
    if (def.Assign !== undefined) assigned = assignJsonPath(def.Assign, eff, ctx, vars);
    if (rule?.Assign !== undefined) assigned = { ...assigned, ...assignJsonPath(rule.Assign, eff, ctx, vars) };
  }
  x.exit(b, def.OutputPath === undefined ? eff : applyOutputPath(def.OutputPath, eff, ctx, vars), next, assigned);
}

export function runSucceed(x: Engine, b: Branch, def: any): void {
  const ctx = contextFor(x, b);
  const vars = varsOf(b);
  const eff = effectiveInput(def, b.input, ctx, vars);
  x.exit(b, def.OutputPath === undefined ? eff : applyOutputPath(def.OutputPath, eff, ctx, vars), undefined);
}

export function runFail(x: Engine, b: Branch, def: any): void {
  const ctx = contextFor(x, b);
  const vars = varsOf(b);
  const error = def.Error ?? (def.ErrorPath === undefined ? undefined : stringAt(def.ErrorPath, 'ErrorPath', b.input, ctx, vars));
  const cause = def.Cause ?? (def.CausePath === undefined ? undefined : stringAt(def.CausePath, 'CausePath', b.input, ctx, vars));
  x.branchFailed(b, { error, cause });
}

function stringAt(expr: string, field: string, input: unknown, ctx: Ctx, vars: Vars): string {
  const v = valueAt(expr, input, ctx, vars);
  if (typeof v !== 'string') throw new StatesError('States.Runtime', `The ${field} '${expr}' did not resolve to a string`);
  return v;
}

export function runWait(x: Engine, b: Branch, def: any): void {
  const ctx = contextFor(x, b);
  const vars = varsOf(b);
  const eff = effectiveInput(def, b.input, ctx, vars);
  const waitMs = waitDuration(x, def, eff, ctx, vars);
  const assigned = def.Assign === undefined ? undefined : assignJsonPath(def.Assign, eff, ctx, vars);
  const output = def.OutputPath === undefined ? eff : applyOutputPath(def.OutputPath, eff, ctx, vars);
  waitThenExit(x, b, waitMs, output, nextOf(def), assigned);
}

/** Parks the branch for `waitMs` (scaled), then exits the Wait state. */
export function waitThenExit(x: Engine, b: Branch, waitMs: number, output: unknown, next: string | undefined, assigned?: Record<string, unknown>): void {
  const delay = Math.max(0, waitMs) * x.scale;
  if (delay > 0) x.sleep(b, delay, () => x.exit(b, output, next, assigned));
  else x.exit(b, output, next, assigned);
}

function waitDuration(x: Engine, def: any, eff: unknown, ctx: Ctx, vars: Vars): number {
  if (def.Seconds !== undefined) return seconds(def.Seconds, 'Seconds') * 1000;
  if (def.SecondsPath !== undefined) return seconds(valueAt(def.SecondsPath, eff, ctx, vars), `SecondsPath '${def.SecondsPath}'`) * 1000;
  const ts = def.Timestamp !== undefined ? def.Timestamp : def.TimestampPath !== undefined ? valueAt(def.TimestampPath, eff, ctx, vars) : undefined;
  if (ts === undefined) throw new StatesError('States.Runtime', 'The Wait state has no Seconds, SecondsPath, Timestamp or TimestampPath');
  return timestampMs(ts) - x.clock.now();
}

/** A non-negative integer number of seconds, as Wait (and task timeouts) require. */
function seconds(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new StatesError('States.Runtime', `The value of ${what} must be a non-negative integer, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

export function timestampMs(v: unknown): number {
  const ts = typeof v === 'string' ? parseTimestamp(v) : undefined;
  if (ts === undefined) {
    throw new StatesError('States.Runtime', `The Timestamp value ${JSON.stringify(v) ?? String(v)} is not an ISO-8601 extended offset date-time`);
  }
  return timestampToEpochMs(ts);
}
