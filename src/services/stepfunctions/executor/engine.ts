/**
 * The interpreter behind an Execution. Branches move state by state in slices handed out by the
 * process-wide scheduler (scheduler.ts), which yields to the event loop after a bounded number of
 * states, so long Pass chains, big Maps and Choice loops never block Node and cost no promise per
 * state. A waiting branch holds one Work (a clock timer, a task in flight, child branches) and
 * nothing else.
 *
 * History follows AWS: ids from 1, previousEventId is the event that led to this one within its
 * branch (0 for ExecutionStarted and the first state), Parallel branches and Map iterations start
 * from their ParallelStateStarted / MapIterationStarted event.
 */
import type { Clock, TimerHandle } from '../../../core/clock.js';
import type { ExecutionContextObject } from '../asl/context.js';
import { StatesError, isStatesError } from '../asl/errors.js';
import { applyResultPath } from '../asl/io.js';
import { errorMatches, retryDelayMs } from '../asl/retry.js';
import type { IntegrationRegistry } from '../integrations/registry.js';
import type { ActivityHub } from './activities.js';
import { newBranch, resumedBranch, type Branch, type BranchParent, type Failure, type ResumePoint, type Work } from './branch.js';
import { HistoryLog, NOT_TRUNCATED } from './history.js';
import { dataLimitCause, exceedsPayloadLimit, toJson } from './payload-size.js';
import { linkedPlan, planOf, type StatePlan } from './plan.js';
import type { TaskTokenTable } from './tokens.js';
import { assignJsonPath, contextFor, runChoice, runFail, runPass, runSucceed, runWait } from './states.js';
import { catchJsonata, runJsonataState } from './jsonata-states.js';
import { commitAssignment, serialiseAssignment } from './variables.js';
import { QUERY_EVALUATION_ERROR, QueryEvaluationError } from '../asl/jsonata.js';
import { attemptTask } from './task.js';
import { attemptMap, attemptParallel } from './fanout.js';
import { enqueue, type Runnable } from './scheduler.js';

/** States one branch runs before the other ready branches of its execution get a turn. */
const SLICE = 64;

export type TerminalStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface EngineConfig {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  roleArn: string;
  definition: any;
  input: unknown;
  inputJson?: string;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  clock: Clock;
  waitScale: number;
  integrations: IntegrationRegistry;
  tokens: TaskTokenTable;
  activities: ActivityHub;
  region: string;
  account: string;
}

/** `resume`: where a redrive would pick up (unsuccessful ends only). */
export type Settle = (status: TerminalStatus, output?: string, error?: string, cause?: string, resume?: ResumePoint) => void;

export class Engine implements Runnable {
  queued = false;
  readonly clock: Clock;
  readonly scale: number;
  private readonly startMs: number;
  /** `$$.Execution.StartTime` and `$$.StateMachine.Name`, formatted on first use (most runs never read them). */
  private startTimeText: string | undefined;
  private stateMachineNameText: string | undefined;
  running = true;
  private readonly ready: Branch[] = [];
  private head = 0;
  private timeout: TimerHandle | undefined;
  private root: Branch | undefined;
  /** The machine's QueryLanguage is JSONata: states without their own QueryLanguage inherit it. */
  private readonly jsonata: boolean;
  /** `$$.Execution.RedriveCount` / `RedriveTime` (set by `redrive`). */
  private redriveCount = 0;
  private redriveTime: string | undefined;

  constructor(
    readonly config: EngineConfig,
    readonly history: HistoryLog,
    private readonly settle: Settle,
    startMs: number,
  ) {
    this.clock = config.clock;
    this.scale = Number.isFinite(config.waitScale) && config.waitScale > 0 ? config.waitScale : 0;
    this.startMs = startMs;
    this.jsonata = config.definition?.QueryLanguage === 'JSONata';
  }

  get startTime(): string {
    return (this.startTimeText ??= new Date(this.startMs).toISOString());
  }

  private get stateMachineName(): string {
    return (this.stateMachineNameText ??= this.config.stateMachineArn.split(':')[6] ?? '');
  }

  get integrations(): IntegrationRegistry {
    return this.config.integrations;
  }

  get tokens(): TaskTokenTable {
    return this.config.tokens;
  }

  get activities(): ActivityHub {
    return this.config.activities;
  }

  start(): void {
    const c = this.config;
    const inputJson = c.inputJson ?? toJson(c.input);
    const details: Record<string, unknown> = { input: inputJson, inputDetails: NOT_TRUNCATED, roleArn: c.roleArn };
    if (c.stateMachineAliasArn) details.stateMachineAliasArn = c.stateMachineAliasArn;
    if (c.stateMachineVersionArn) details.stateMachineVersionArn = c.stateMachineVersionArn;
    this.history.add('ExecutionStarted', 0, 'executionStartedEventDetails', details);
    const def = c.definition;
    this.armTimeout();
    this.root = newBranch(def.States, def.StartAt, c.input, inputJson, 0, undefined, 0);
    this.schedule(this.root);
  }

  /**
   * RedriveExecution: writes ExecutionRedriven after the last event and re-enters the states that
   * did not succeed (`point`, captured when the execution stopped). The execution timeout restarts.
   */
  redrive(point: ResumePoint, redriveCount: number, redriveMs: number): void {
    this.redriveCount = redriveCount;
    this.redriveTime = new Date(redriveMs).toISOString();
    const id = this.history.add('ExecutionRedriven', this.history.lastEventId, 'executionRedrivenEventDetails', { redriveCount });
    this.armTimeout();
    this.root = resumedBranch(this.config.definition.States, point, id, undefined, 0);
    this.schedule(this.root);
  }

  private armTimeout(): void {
    const t = this.config.definition.TimeoutSeconds;
    if (typeof t === 'number' && t > 0) this.timeout = this.clock.setTimeout(() => this.timedOut(), t * 1000);
  }

  /** Where `b` (and, through a Map or Parallel state, its children) would pick up on a redrive. */
  private resumePoint(b: Branch): ResumePoint {
    const p: ResumePoint = { state: b.state, input: b.input, inputJson: b.inputJson, vars: b.vars };
    if (b.fan) p.children = b.fan.snapshot((child) => this.resumePoint(child));
    return p;
  }

  // --- scheduling -------------------------------------------------------------------------

  schedule(b: Branch): void {
    this.ready.push(b);
    if (this.running) enqueue(this);
  }

  /** Resumes a waiting branch with `cont` (from a timer, a task's settlement, its children). */
  wake(b: Branch, cont: () => void): void {
    if (b.done || !this.running) return;
    b.blocked = false;
    b.cont = cont;
    this.schedule(b);
  }

  /** Parks a branch for `ms` on the clock, then runs `then`. */
  sleep(b: Branch, ms: number, then: () => void): void {
    b.blocked = true;
    const handle = this.clock.setTimeout(() => {
      b.work = undefined;
      this.wake(b, then);
    }, ms);
    b.work = { cancel: () => this.clock.clear(handle) };
  }

  get hasWork(): boolean {
    return this.running && this.head < this.ready.length;
  }

  /** Runs up to `budget` states of the ready branches (called by the scheduler). */
  runSome(budget: number): number {
    this.history.beginTurn(this.clock.now());
    try {
      return this.runReady(budget);
    } finally {
      this.history.endTurn();
    }
  }

  private runReady(budget: number): number {
    let used = 0;
    while (this.head < this.ready.length && used < budget && this.running) {
      const b = this.ready[this.head++];
      if (b.done || b.blocked) continue;
      let runnable = true;
      for (let slice = SLICE; runnable && slice > 0 && used < budget; slice--, used++) {
        // A fresh time every 64 states keeps event times close even when states do heavy work.
        if ((used & 63) === 63) this.history.stamp(this.clock.now());
        runnable = this.step(b);
      }
      if (runnable) this.ready.push(b);
    }
    if (this.head >= this.ready.length) {
      this.ready.length = 0;
      this.head = 0;
    } else if (this.head > 4096) {
      this.ready.splice(0, this.head);
      this.head = 0;
    }
    return used;
  }

  /** Runs one state (or one continuation); true when the branch can go on right away. */
  private step(b: Branch): boolean {
    try {
      const cont = b.cont;
      if (cont) {
        b.cont = undefined;
        cont();
      } else {
        this.enter(b);
      }
    } catch (e) {
      this.stateError(b, e);
    }
    return !b.done && !b.blocked && this.running;
  }

  // --- states -----------------------------------------------------------------------------

  private enter(b: Branch): void {
    let plan = b.nextPlan;
    if (plan === undefined) {
      const d = b.states[b.state];
      if (!d || typeof d !== 'object') throw new StatesError('States.Runtime', `The state machine has no state named '${b.state}'`);
      plan = planOf(d);
    } else {
      b.nextPlan = undefined;
    }
    const def = plan.def;
    b.def = def;
    b.plan = plan;
    b.fan = undefined;
    b.inState = true;
    b.retries = undefined;
    b.retryCount = 0;
    if (this.history.recording && b.inputJson === undefined) b.inputJson = toJson(b.input);
    const jsonata = (b.jsonata = plan.jsonata ?? this.jsonata);
    if (plan.passThrough && plan.next !== undefined) return this.passOn(b, plan, plan.next);
    b.cursor = b.enteredId = this.history.entered(plan.entered, b.cursor, b.state, b.inputJson!);
    b.enteredAt = this.history.lastTime;
    if (plan.passThrough) return this.exit(b, b.input, undefined);
    if (jsonata) return runJsonataState(this, b, def);
    switch (def.Type) {
      case 'Pass':
        return runPass(this, b, def);
      case 'Task':
        return attemptTask(this, b);
      case 'Choice':
        return runChoice(this, b, def);
      case 'Wait':
        return runWait(this, b, def);
      case 'Succeed':
        return runSucceed(this, b, def);
      case 'Fail':
        return runFail(this, b, def);
      case 'Parallel':
        return attemptParallel(this, b);
      case 'Map':
        return attemptMap(this, b);
      default:
        throw new StatesError('States.Runtime', `Unsupported state type '${String(def.Type)}'`);
    }
  }

  /**
   * A Pass state that hands its input on to `next` unchanged: what `exit` would do for it, with both
   * events written in one go (the commonest state of long workflows).
   */
  private passOn(b: Branch, plan: StatePlan, next: string): void {
    const id = this.history.passedOn(b.cursor, b.state, b.inputJson);
    b.enteredId = id - 1;
    b.cursor = id;
    b.enteredAt = this.history.lastTime;
    b.inState = false;
    b.resume = undefined;
    b.state = next;
    b.nextPlan = linkedPlan(plan, b.states, next);
  }

  /** Runs the work of a retriable state again (after a Retry backoff). */
  private attempt(b: Branch): void {
    switch (b.def.Type) {
      case 'Task':
        return attemptTask(this, b);
      case 'Parallel':
        return attemptParallel(this, b);
      case 'Map':
        return attemptMap(this, b);
    }
  }

  /**
   * Writes <Type>StateExited and moves to `next`, or ends the branch when `next` is undefined.
   * `assigned` (the values the state's Assign computed) become the branch's variables now, after
   * the output: every expression of the state saw the variables from before it.
   */
  exit(b: Branch, output: unknown, next: string | undefined, assigned?: Record<string, unknown>): void {
    let json: string | undefined;
    if (this.history.recording || (next === undefined && !b.parent)) {
      // A state that passes its input through (most Pass, Choice, Wait states) reuses its JSON.
      if (output === b.input && b.inputJson !== undefined) {
        json = b.inputJson;
      } else {
        json = toJson(output);
        if (exceedsPayloadLimit(json)) throw new StatesError('States.DataLimitExceeded', dataLimitCause(b.state));
      }
    }
    let texts: Record<string, string> | undefined;
    if (assigned !== undefined) {
      texts = serialiseAssignment(b.state, assigned, b.vars);
      b.vars = commitAssignment(b.vars, assigned, texts);
    }
    const plan = b.plan!;
    b.cursor = this.history.exited(plan.exited!, b.cursor, b.state, json, texts);
    b.inState = false;
    b.fan = undefined;
    b.resume = undefined;
    if (next === undefined) return this.branchSucceeded(b, output, json);
    b.state = next;
    b.nextPlan = linkedPlan(plan, b.states, next);
    b.input = output;
    b.inputJson = json;
  }

  /** A state failed with `f`: Retry, then (after `beforeFinal`) Catch, else the branch fails. */
  failState(b: Branch, f: Failure, beforeFinal?: () => void): void {
    const def = b.def;
    const catchable = f.error !== 'States.Runtime';
    if (catchable && Array.isArray(def.Retry)) {
      const retriers = def.Retry;
      for (let i = 0; i < retriers.length; i++) {
        const r = retriers[i];
        if (!this.matches(r.ErrorEquals, f)) continue;
        const used = (b.retries ??= [])[i] ?? 0;
        if (used < (r.MaxAttempts ?? 3)) {
          b.retries[i] = used + 1;
          b.retryCount++;
          const delay = retryDelayMs(r, used) * this.scale;
          const again = () => this.attempt(b);
          if (delay > 0) this.sleep(b, delay, again);
          else b.cont = again;
          return;
        }
        break;
      }
    }
    beforeFinal?.();
    if (catchable && Array.isArray(def.Catch)) {
      for (let i = 0; i < def.Catch.length; i++) {
        const c = def.Catch[i];
        if (!this.matches(c.ErrorEquals, f)) continue;
        const errorOutput = errorOutputOf(f);
        if (b.jsonata) return catchJsonata(this, b, c, i, errorOutput);
        try {
          const assigned = c.Assign === undefined ? undefined : assignJsonPath(c.Assign, errorOutput, contextFor(this, b), b.vars?.values);
          const output = c.ResultPath === undefined ? errorOutput : applyResultPath(c.ResultPath, b.input, errorOutput);
          this.exit(b, output, c.Next, assigned);
        } catch (e) {
          this.branchFailed(b, this.failureOf(b, e));
        }
        return;
      }
    }
    this.branchFailed(b, f);
  }

  private matches(errorEquals: string[], f: Failure): boolean {
    return errorMatches(errorEquals, f.error ?? '') || (f.heartbeat === true && errorMatches(errorEquals, 'States.HeartbeatTimeout'));
  }

  /** An error thrown while running a state's own logic (paths, templates, checks). */
  private stateError(b: Branch, e: unknown): void {
    if (b.done || !this.running) return;
    const f = this.failureOf(b, e, true);
    try {
      if (b.inState) this.failState(b, f);
      else this.branchFailed(b, f);
    } catch (e2) {
      if (!b.done) this.branchFailed(b, this.failureOf(b, e2));
    }
  }

  /**
   * The Failure for an error thrown inside a state; runtime and query evaluation errors name the
   * state as AWS does. With `record`, a JSONata evaluation failure also writes AWS's
   * EvaluationFailed event (naming the state and the field) before the failure goes on.
   */
  failureOf(b: Branch, e: unknown, record = false): Failure {
    const error = isStatesError(e) ? e.error : 'States.Runtime';
    let cause = isStatesError(e) ? e.cause : e instanceof Error ? e.message : String(e);
    if ((error === 'States.Runtime' || error === QUERY_EVALUATION_ERROR) && b.enteredId > 0 && !cause.startsWith('An error occurred while executing the state')) {
      cause = `An error occurred while executing the state '${b.state}' (entered at the event id #${b.enteredId}). ${cause}`;
    }
    if (record && e instanceof QueryEvaluationError) {
      b.cursor = this.history.add('EvaluationFailed', b.cursor, 'evaluationFailedEventDetails', { error, cause, location: e.location, state: b.state });
    }
    return { error, cause };
  }

  branchSucceeded(b: Branch, output: unknown, json: string | undefined): void {
    b.done = true;
    if (b.parent) return b.parent.childSucceeded(b, output, json);
    if (!this.running) return;
    const outputJson = json ?? toJson(output);
    this.history.add('ExecutionSucceeded', b.cursor, 'executionSucceededEventDetails', { output: outputJson, outputDetails: NOT_TRUNCATED });
    this.finish('SUCCEEDED', outputJson);
  }

  branchFailed(b: Branch, f: Failure): void {
    b.done = true;
    if (b.parent) return b.parent.childFailed(b, f);
    if (!this.running) return;
    this.history.add('ExecutionFailed', b.cursor, 'executionFailedEventDetails', errorDetails(f));
    this.finish('FAILED', undefined, f.error, f.cause, this.resumePoint(b));
  }

  /** Stops a branch silently (execution stopped or timed out). */
  cancelBranch(b: Branch): void {
    if (b.done) return;
    b.done = true;
    const w = b.work;
    b.work = undefined;
    w?.cancel();
  }

  /** Stops a branch because a sibling failed, writing AWS's abort events. */
  abortBranch(b: Branch, causeEventId: number): void {
    if (b.done) return;
    b.done = true;
    const w = b.work;
    b.work = undefined;
    if (w && isParent(w)) w.abortChildren(causeEventId);
    w?.cancel();
    const aborted = b.inState && b.def ? planOf(b.def).aborted : undefined;
    if (aborted) this.history.add(aborted, causeEventId);
  }

  // --- context object -----------------------------------------------------------------------

  /** The `$$` object for the current state of `b`. */
  context(b: Branch, token?: string): ExecutionContextObject {
    const c = this.config;
    const state: Record<string, unknown> = { Name: b.state, EnteredTime: new Date(b.enteredAt).toISOString() };
    if (b.def?.Retry !== undefined) state.RetryCount = b.retryCount;
    const ctx = {
      Execution: { Id: c.executionArn, Input: c.input, StartTime: this.startTime, Name: c.name, RoleArn: c.roleArn, RedriveCount: this.redriveCount },
      StateMachine: { Id: c.stateMachineArn, Name: this.stateMachineName },
      State: state,
    } as unknown as ExecutionContextObject;
    if (this.redriveTime !== undefined) ctx.Execution.RedriveTime = this.redriveTime;
    if (token !== undefined) ctx.Task = { Token: token };
    return ctx;
  }

  // --- end of the execution -----------------------------------------------------------------

  stop(error?: string, cause?: string): void {
    if (!this.running) return;
    const resume = this.root && this.resumePoint(this.root);
    if (this.root) this.cancelBranch(this.root);
    const details: Record<string, string> = {};
    if (error !== undefined) details.error = error;
    if (cause !== undefined) details.cause = cause;
    this.history.add('ExecutionAborted', this.history.lastEventId, 'executionAbortedEventDetails', details);
    this.finish('ABORTED', undefined, error, cause, resume);
  }

  private timedOut(): void {
    this.timeout = undefined;
    if (!this.running) return;
    const resume = this.root && this.resumePoint(this.root);
    if (this.root) this.cancelBranch(this.root);
    this.history.add('ExecutionTimedOut', this.history.lastEventId, 'executionTimedOutEventDetails', {});
    this.finish('TIMED_OUT', undefined, undefined, undefined, resume);
  }

  private finish(status: TerminalStatus, output?: string, error?: string, cause?: string, resume?: ResumePoint): void {
    this.running = false;
    if (this.timeout) this.clock.clear(this.timeout);
    this.timeout = undefined;
    this.ready.length = 0;
    this.head = 0;
    this.root = undefined;
    this.settle(status, output, error, cause, resume);
  }
}

const isParent = (w: Work): w is Work & BranchParent => typeof (w as Partial<BranchParent>).abortChildren === 'function';

/** `{Error, Cause}`: what a Catch passes on. */
function errorOutputOf(f: Failure): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.error !== undefined) out.Error = f.error;
  if (f.cause !== undefined) out.Cause = f.cause;
  return out;
}

/** `{error, cause}` details of failure events, without absent members. */
export function errorDetails(f: Failure): { error?: string; cause?: string } {
  const out: { error?: string; cause?: string } = {};
  if (f.error !== undefined) out.error = f.error;
  if (f.cause !== undefined) out.cause = f.cause;
  return out;
}

/** The next state, or undefined for an End state. */
export const nextOf = (def: { Next?: string; End?: boolean }): string | undefined => (def.End ? undefined : def.Next);
