/**
 * An error raised while running a state: `error` is the ASL error name that Retry/Catch match on
 * (`States.Runtime`, `States.IntrinsicFailure`, ...), `cause` the human-readable Cause text that
 * ends up in the execution history.
 */
export class StatesError extends Error {
  error: string;
  override cause: string;

  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
    this.error = error;
    this.cause = cause;
  }
}

export const isStatesError = (e: unknown): e is StatesError => e instanceof StatesError;

/** The predefined error names of the Amazon States Language used by the engine. */
export const StatesErrors = {
  ALL: 'States.ALL',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  IntrinsicFailure: 'States.IntrinsicFailure',
  NoChoiceMatched: 'States.NoChoiceMatched',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  BranchFailed: 'States.BranchFailed',
  Permissions: 'States.Permissions',
} as const;
