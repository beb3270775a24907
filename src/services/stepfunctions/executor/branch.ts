/**
 * A Branch is one running sequence of states: the execution's top level, one Parallel branch or
 * one Map iteration. The engine moves it state by state; while it waits (Task, Wait, retry
 * backoff, child branches) it holds one cancellable piece of Work and no promise chain.
 */
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

export interface Branch {
  /** The `States` object this branch runs. */
  states: Record<string, any>;
  /** Name of the current (or next) state. */
  state: string;
  /** Definition of the current state (set on entry). */
  def: any;
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
  };
}
