/** The states that finish within one step: Pass, Choice, Wait (one clock timer), Succeed, Fail. */
import type { ExecutionContextObject } from '../asl/context.js';
import { StatesError } from '../asl/errors.js';
import { evaluateIntrinsic, isIntrinsic } from '../asl/intrinsics.js';
import { applyInputPath, applyOutputPath, applyResultPath } from '../asl/io.js';
import { MISSING } from '../asl/jsonpath.js';
import { applyPayloadTemplate } from '../asl/payload.js';
import { selectChoice } from '../asl/choice.js';
import { explainMissing, resolveReference } from '../asl/references.js';
import { parseTimestamp, timestampToEpochMs } from '../asl/timestamp.js';
import type { Branch } from './branch.js';
import { nextOf, type Engine } from './engine.js';
import { planOf } from './plan.js';

type Ctx = ExecutionContextObject | undefined;

export function contextFor(x: Engine, b: Branch): Ctx {
  return planOf(b.def).needsContext ? x.context(b) : undefined;
}

/** The state's effective input: its raw input filtered by InputPath. */
export function effectiveInput(def: any, input: unknown, ctx: Ctx): unknown {
  return def.InputPath === undefined ? input : applyInputPath(def.InputPath, input, ctx);
}

/** ResultSelector -> ResultPath (onto the raw state input) -> OutputPath. */
export function stateOutput(def: any, rawInput: unknown, result: unknown, ctx: Ctx): unknown {
  let r = def.ResultSelector === undefined ? result : applyPayloadTemplate(def.ResultSelector, result, ctx);
  r = def.ResultPath === undefined ? r : applyResultPath(def.ResultPath, rawInput, r);
  return def.OutputPath === undefined ? r : applyOutputPath(def.OutputPath, r, ctx);
}

/** A path (`$.x`, `$$.x`) or an intrinsic function call, evaluated against `data`. */
export function valueAt(expr: string, data: unknown, ctx: Ctx): unknown {
  const scope = { input: data, context: ctx };
  const resolve = (path: string) => {
    const v = resolveReference(path, scope);
    if (v === MISSING) throw new StatesError('States.Runtime', `Invalid path '${path}' : ${explainMissing(path, scope)}`);
    return v;
  };
  return isIntrinsic(expr) ? evaluateIntrinsic(expr, resolve) : resolve(expr);
}

export function runPass(x: Engine, b: Branch, def: any): void {
  const ctx = contextFor(x, b);
  const eff = effectiveInput(def, b.input, ctx);
  const result = def.Result !== undefined ? def.Result : def.Parameters === undefined ? eff : applyPayloadTemplate(def.Parameters, eff, ctx);
  x.exit(b, stateOutput(def, b.input, result, ctx), nextOf(def));
}

export function runChoice(x: Engine, b: Branch, def: any): void {
  const ctx = contextFor(x, b);
  const eff = effectiveInput(def, b.input, ctx);
  const next = selectChoice(def, eff, ctx);
  x.exit(b, def.OutputPath === undefined ? eff : applyOutputPath(def.OutputPath, eff, ctx), next);
}

export function runSucceed(x: Engine, b: Branch, def: any): void {
  const ctx = contextFor(x, b);
  const eff = effectiveInput(def, b.input, ctx);
  x.exit(b, def.OutputPath === undefined ? eff : applyOutputPath(def.OutputPath, eff, ctx), undefined);
}

export function runFail(x: Engine, b: Branch, def: any): void {
  const ctx = contextFor(x, b);
  const error = def.Error ?? (def.ErrorPath === undefined ? undefined : stringAt(def.ErrorPath, 'ErrorPath', b.input, ctx));
  const cause = def.Cause ?? (def.CausePath === undefined ? undefined : stringAt(def.CausePath, 'CausePath', b.input, ctx));
  x.branchFailed(b, { error, cause });
}

function stringAt(expr: string, field: string, input: unknown, ctx: Ctx): string {
  const v = valueAt(expr, input, ctx);
  if (typeof v !== 'string') throw new StatesError('States.Runtime', `The ${field} '${expr}' did not resolve to a string`);
  return v;
}

export function runWait(x: Engine, b: Branch, def: any): void {
  const ctx = contextFor(x, b);
  const eff = effectiveInput(def, b.input, ctx);
  const waitMs = waitDuration(x, def, eff, ctx);
  const output = def.OutputPath === undefined ? eff : applyOutputPath(def.OutputPath, eff, ctx);
  const delay = Math.max(0, waitMs) * x.scale;
  const next = nextOf(def);
  if (delay > 0) x.sleep(b, delay, () => x.exit(b, output, next));
  else x.exit(b, output, next);
}

function waitDuration(x: Engine, def: any, eff: unknown, ctx: Ctx): number {
  if (def.Seconds !== undefined) return seconds(def.Seconds, 'Seconds') * 1000;
  if (def.SecondsPath !== undefined) return seconds(valueAt(def.SecondsPath, eff, ctx), `SecondsPath '${def.SecondsPath}'`) * 1000;
  const ts = def.Timestamp !== undefined ? def.Timestamp : def.TimestampPath !== undefined ? valueAt(def.TimestampPath, eff, ctx) : undefined;
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

function timestampMs(v: unknown): number {
  const ts = typeof v === 'string' ? parseTimestamp(v) : undefined;
  if (ts === undefined) {
    throw new StatesError('States.Runtime', `The Timestamp value ${JSON.stringify(v) ?? String(v)} is not an ISO-8601 extended offset date-time`);
  }
  return timestampToEpochMs(ts);
}
