/**
 * JSONata states. The jsonata package evaluates asynchronously; simple expressions are evaluated
 * synchronously instead (jsonata-fast.ts). A state's evaluation is a generator (see `drive`):
 * while every expression is simple it runs within the state's step; otherwise the branch is
 * parked as Work until the evaluation is done, then resumes with the continuation that applies
 * the results. An error thrown while evaluating reaches the state's Retry / Catch like any other.
 *
 * `$states` holds `input` (the state's input), `result` (Task, Parallel, Map), `errorOutput` (in a
 * Catch) and `context` (the Context object, built only when the state mentions it).
 */
import { StatesError } from '../asl/errors.js';
import {
  evaluateTemplate,
  evaluateTemplateSync,
  FALLBACK,
  isJsonataString,
  jsonataBindings,
  QueryEvaluationError,
  unexpectedType,
  type StatesBinding,
} from '../asl/jsonata.js';
import type { Branch, Work } from './branch.js';
import { nextOf, type Engine } from './engine.js';
import { attemptMap, attemptParallel } from './fanout.js';
import { timestampMs, waitThenExit } from './states.js';
import { attemptTask } from './task.js';

type Bindings = Record<string, unknown>;
type Assigned = Record<string, unknown> | undefined;

/** One template (or single `{% %}` string) to evaluate: what a state's evaluation yields. */
export interface Evaluation {
  template: unknown;
  field: string;
  bind: Bindings;
}

/**
 * A state's evaluation, written as a generator that yields each template to evaluate, receives its
 * value, and returns the continuation that applies the results (exit, start a task, fail).
 */
export type StateEvaluation = Generator<Evaluation, () => void, unknown>;

/**
 * Runs `run`: templates the synchronous evaluator handles are evaluated in place, and when every
 * one is, the continuation runs right away. At the first one that needs the jsonata package, the
 * branch is parked (it becomes the branch's Work) and resumes when the evaluation is done.
 */
export function drive(x: Engine, b: Branch, run: StateEvaluation): void {
  let step = run.next();
  while (!step.done) {
    const req = step.value;
    let v: unknown;
    try {
      v = evaluateTemplateSync(req.template, req.field, req.bind);
    } catch (e) {
      step = run.throw(e);
      continue;
    }
    if (v === FALLBACK) return suspend(x, b, () => finishAsync(run, req));
    step = run.next(v);
  }
  step.value();
}

async function finishAsync(run: StateEvaluation, first: Evaluation): Promise<() => void> {
  let pending = first;
  for (;;) {
    let step: IteratorResult<Evaluation, () => void>;
    try {
      step = run.next(await evaluateTemplate(pending.template, pending.field, pending.bind));
    } catch (e) {
      step = run.throw(e);
    }
    let next: Evaluation | undefined;
    while (!step.done && next === undefined) {
      const req: Evaluation = step.value;
      let v: unknown;
      try {
        v = evaluateTemplateSync(req.template, req.field, req.bind);
      } catch (e) {
        step = run.throw(e);
        continue;
      }
      if (v === FALLBACK) next = req;
      else step = run.next(v);
    }
    if (step.done) return step.value;
    pending = next!;
  }
}

/** Parks `b` while `work` runs, then resumes it with the continuation `work` returns. */
function suspend(x: Engine, b: Branch, work: () => Promise<() => void>): void {
  let live = true;
  const w: Work = { cancel: () => (live = false) };
  b.blocked = true;
  b.work = w;
  const resume = (cont: () => void) => {
    if (!live) return;
    if (b.work === w) b.work = undefined;
    x.wake(b, cont);
  };
  work().then(resume, (e) =>
    resume(() => {
      throw e;
    }),
  );
}

/** `$states` and the variables for the current state of `b`. */
export function stateBindings(x: Engine, b: Branch, extra?: { result?: unknown; errorOutput?: unknown }, token?: string): Bindings {
  const states: StatesBinding = { input: b.input };
  if (extra?.result !== undefined) states.result = extra.result;
  if (extra?.errorOutput !== undefined) states.errorOutput = extra.errorOutput;
  if (token !== undefined || b.plan!.jsonataContext) states.context = x.context(b, token);
  return jsonataBindings(b.vars?.values, states);
}

/** A field's value: evaluated when it is an expression or holds some, else the value itself. */
export function* value(template: unknown, field: string, bind: Bindings): Generator<Evaluation, unknown, unknown> {
  return yield { template, field, bind };
}

/** A number field that may be an expression (undefined when absent). */
export function* numberField(v: unknown, field: string, bind: Bindings): Generator<Evaluation, unknown, unknown> {
  if (!isJsonataString(v)) return v;
  const n = yield { template: v, field, bind };
  if (typeof n !== 'number') throw unexpectedType(v, field, 'integer', n);
  return n;
}

/** A string field (Fail's Error and Cause) that may be an expression. */
function* stringField(v: unknown, field: string, bind: Bindings): Generator<Evaluation, string | undefined, unknown> {
  if (!isJsonataString(v)) return v as string | undefined;
  const s = yield { template: v, field, bind };
  if (typeof s !== 'string') throw unexpectedType(v, field, 'string', s);
  return s;
}

export function runJsonataState(x: Engine, b: Branch, def: any): void {
  switch (def.Type) {
    case 'Pass':
      return finishJsonata(x, b, undefined);
    case 'Succeed':
      if (def.Output === undefined) return x.exit(b, b.input, undefined);
      return drive(x, b, succeed(x, b, def));
    case 'Choice':
      return drive(x, b, choose(x, b, def));
    case 'Wait':
      return drive(x, b, wait(x, b, def));
    case 'Fail':
      return drive(x, b, fail(x, b, def));
    case 'Task':
      return attemptTask(x, b);
    case 'Parallel':
      return attemptParallel(x, b);
    case 'Map':
      return attemptMap(x, b);
    default:
      throw new StatesError('States.Runtime', `Unsupported state type '${String(def.Type)}'`);
  }
}

/**
 * The end of a JSONata state with `result` (undefined for Pass): Assign and Output both see the
 * variables from before the state; Output defaults to the result, or to the input for Pass.
 */
export function finishJsonata(x: Engine, b: Branch, result: unknown): void {
  const def = b.def;
  const fallback = def.Type === 'Pass' ? b.input : result;
  if (def.Assign === undefined && def.Output === undefined) return x.exit(b, fallback, nextOf(def));
  drive(x, b, finish(x, b, def, result, fallback));
}

function* finish(x: Engine, b: Branch, def: any, result: unknown, fallback: unknown): StateEvaluation {
  const bind = stateBindings(x, b, { result });
  const assigned = def.Assign === undefined ? undefined : ((yield* value(def.Assign, 'Assign', bind)) as Assigned);
  const output = def.Output === undefined ? fallback : yield* value(def.Output, 'Output', bind);
  return () => x.exit(b, output, nextOf(def), assigned);
}

function* succeed(x: Engine, b: Branch, def: any): StateEvaluation {
  const output = yield* value(def.Output, 'Output', stateBindings(x, b));
  return () => x.exit(b, output, undefined);
}

function* fail(x: Engine, b: Branch, def: any): StateEvaluation {
  const bind = stateBindings(x, b);
  const error = yield* stringField(def.Error, 'Error', bind);
  const cause = yield* stringField(def.Cause, 'Cause', bind);
  return () => x.branchFailed(b, { error, cause });
}

function* choose(x: Engine, b: Branch, def: any): StateEvaluation {
  const bind = stateBindings(x, b);
  const rules: any[] = def.Choices;
  let rule: any;
  let at = '';
  for (let i = 0; i < rules.length && rule === undefined; i++) {
    const cond = rules[i].Condition;
    const field = `Choices[${i}]/Condition`;
    const v = isJsonataString(cond) ? yield* value(cond, field, bind) : cond;
    if (typeof v !== 'boolean') throw unexpectedType(String(cond), field, 'boolean', v);
    if (v) {
      rule = rules[i];
      at = `Choices[${i}]/`;
    }
  }
  if (rule === undefined && def.Default === undefined) {
    throw new StatesError('States.NoChoiceMatched', 'No Choice Rule matched the input and no Default was specified');
  }
  // The state's Assign applies whichever way the state goes; a matched rule's Assign on top.
  let assigned = def.Assign === undefined ? undefined : ((yield* value(def.Assign, 'Assign', bind)) as Assigned);
  if (rule?.Assign !== undefined) assigned = { ...assigned, ...((yield* value(rule.Assign, `${at}Assign`, bind)) as Assigned) };
  const output =
    rule?.Output !== undefined
      ? yield* value(rule.Output, `${at}Output`, bind)
      : def.Output !== undefined
        ? yield* value(def.Output, 'Output', bind)
        : b.input;
  const next: string = rule === undefined ? def.Default : rule.Next;
  return () => x.exit(b, output, next, assigned);
}

function* wait(x: Engine, b: Branch, def: any): StateEvaluation {
  const bind = stateBindings(x, b);
  let ms: number;
  if (def.Seconds !== undefined) {
    const s = yield* numberField(def.Seconds, 'Seconds', bind);
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      throw new QueryEvaluationError(`The value of the field 'Seconds' must be a non-negative integer, got ${JSON.stringify(s)}`, 'Seconds');
    }
    ms = s * 1000;
  } else {
    const ts = isJsonataString(def.Timestamp) ? yield* value(def.Timestamp, 'Timestamp', bind) : def.Timestamp;
    if (isJsonataString(def.Timestamp) && typeof ts !== 'string') throw unexpectedType(def.Timestamp, 'Timestamp', 'string', ts);
    ms = timestampMs(ts) - x.clock.now();
  }
  const assigned = def.Assign === undefined ? undefined : ((yield* value(def.Assign, 'Assign', bind)) as Assigned);
  const output = def.Output === undefined ? b.input : yield* value(def.Output, 'Output', bind);
  return () => waitThenExit(x, b, ms, output, nextOf(def), assigned);
}

/** A JSONata catcher (the `index`th) took the error: its Assign and Output see `$states.errorOutput`. */
export function catchJsonata(x: Engine, b: Branch, c: any, index: number, errorOutput: Record<string, string>): void {
  drive(x, b, catcher(x, b, c, index, errorOutput));
}

/** Errors while a catcher runs fail the branch: there is no second Retry / Catch round. */
function* catcher(x: Engine, b: Branch, c: any, index: number, errorOutput: Record<string, string>): StateEvaluation {
  const fail = (e: unknown) => () => x.branchFailed(b, x.failureOf(b, e, true));
  try {
    const bind = stateBindings(x, b, { errorOutput });
    const assigned = c.Assign === undefined ? undefined : ((yield* value(c.Assign, `Catch[${index}]/Assign`, bind)) as Assigned);
    const output = c.Output === undefined ? errorOutput : yield* value(c.Output, `Catch[${index}]/Output`, bind);
    return () => {
      try {
        x.exit(b, output, c.Next, assigned);
      } catch (e) {
        fail(e)();
      }
    };
  } catch (e) {
    return fail(e);
  }
}
