/**
 * A Branch is one running sequence of states: the execution's top level, one Parallel branch or
 * one Map iteration. The engine moves it state by state; while it waits (Task, Wait, retry
 * backoff, child branches) it holds one cancellable piece of Work and no promise chain.
 */
import type { StatePlan } from './plan.js';
import { childStore, type VariableStore } from './variables.js';

/** An ASL error on its way to Retry / Catch / the execution. */
export interface Failure {
  /** Absent for a Fail state without Error, or SendTaskFailure without one. */
  error?: string;
  cause?: string;
  /** A heartbeat timeout: reported as States.Timeout, also matched by States.HeartbeatTimeout. */
  heartbeat?: boolean;
}

/** Whatever a Branch is waiting on; `cancel` stops it silently (no events). */
export interface Work {
  cancel(): void;
}

/** Receives the end of a child branch (Parallel branch, Map iteration). */
export interface BranchParent {
  childSucceeded(child: Branch, output: unknown, outputJson: string | undefined): void;
  childFailed(child: Branch, failure: Failure): void;
  /** Writes the abort events of running children (before the owner's own <Type>StateAborted). */
  abortChildren(causeEventId: number): void;
}

/**
 * Where a stopped branch picks up when its execution is redriven: the state to enter again, that
 * state's raw input and the variables it saw, and for a Map or Parallel state what its children did.
 */
export interface ResumePoint {
  state: string;
  input: unknown;
  inputJson: string | undefined;
  vars: VariableStore | undefined;
  children?: ChildrenResume;
}

/** The children of a Map or Parallel state at the stop: succeeded outputs, and where the others stand. */
export interface ChildrenResume {
  /** Outputs of the children that succeeded, by index (sparse: only those indexes are present). */
  results: unknown[];
  /** Resume points of the children that failed, were aborted or were running; the others start afresh. */
  points: (ResumePoint | undefined)[];
}

/** A Map or Parallel state's children, as a resume point sees them. */
export interface ChildrenSnapshot {
  snapshot(pointOf: (child: Branch) => ResumePoint): ChildrenResume;
}

export interface Branch {
  /** The `States` object this branch runs. */
  states: Record<string, any>;
  /** Name of the current (or next) state. */
  state: string;
  /** Definition of the current state and its plan (set on entry). */
  def: any;
  plan: StatePlan | undefined;
  /** The plan of `state` when already known (set on the way from the previous state). */
  nextPlan: StatePlan | undefined;
  /** Raw input of the current state, and its JSON text when already known. */
  input: unknown;
  inputJson: string | undefined;
  /** Id of this branch's latest event: the previousEventId of its next one. */
  cursor: number;
  /** Id of the current state's Entered event. */
  enteredId: number;
  enteredAt: number;
  /** Between a state's Entered and its Exited (or failure). */
  inState: boolean;
  /** Attempts used per retrier during the current state visit. */
  retries: number[] | undefined;
  retryCount: number;
  /** Continuation to run on the next step instead of entering `state`. */
  cont: (() => void) | undefined;
  blocked: boolean;
  done: boolean;
  work: Work | undefined;
  parent: BranchParent | undefined;
  /** Branch index in its Parallel state, or Map iteration index. */
  index: number;
  /** The current state runs in JSONata (set on entry). */
  jsonata: boolean;
  /** Workflow variables this branch reads (undefined until something assigns one). */
  vars: VariableStore | undefined;
  /** The children of the current Map / Parallel visit (kept after they fail, for a redrive). */
  fan: ChildrenSnapshot | undefined;
  /** On a redrive: what the children of the Map / Parallel state about to run had done. */
  resume: ChildrenResume | undefined;
}

export function newBranch(
  states: Record<string, any>,
  startAt: string,
  input: unknown,
  inputJson: string | undefined,
  cursor: number,
  parent: BranchParent | undefined,
  index: number,
  vars?: VariableStore,
): Branch {
  return {
    states,
    state: startAt,
    def: undefined,
    plan: undefined,
    nextPlan: undefined,
    input,
    inputJson,
    cursor,
    enteredId: 0,
    enteredAt: 0,
    inState: false,
    retries: undefined,
    retryCount: 0,
    cont: undefined,
    blocked: false,
    done: false,
    work: undefined,
    parent,
    index,
    jsonata: false,
    vars: childStore(vars),
    fan: undefined,
    resume: undefined,
  };
}

/** A branch that re-enters `point` (redrive), with the variables it had. */
export function resumedBranch(states: Record<string, any>, point: ResumePoint, cursor: number, parent: BranchParent | undefined, index: number): Branch {
  const b = newBranch(states, point.state, point.input, point.inputJson, cursor, parent, index);
  b.vars = point.vars;
  b.resume = point.children;
  return b;
}
