/**
 * The shape of a state machine definition that passed validation. Values keep their JSON form
 * (templates, JSONata strings, Result payloads); only the ASL structure is typed.
 */

export type QueryLanguage = 'JSONPath' | 'JSONata';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface StateMachineDefinition {
  StartAt: string;
  States: Record<string, State>;
  Comment?: string;
  TimeoutSeconds?: number;
  Version?: string;
  QueryLanguage?: QueryLanguage;
}

/** A Parallel branch: a state machine of its own, without the top-level-only fields. */
export interface Branch {
  StartAt: string;
  States: Record<string, State>;
  Comment?: string;
}

export interface ProcessorConfig {
  Mode?: 'INLINE' | 'DISTRIBUTED';
  ExecutionType?: 'STANDARD' | 'EXPRESS';
}

export interface ItemProcessor extends Branch {
  ProcessorConfig?: ProcessorConfig;
}

export type State = PassState | TaskState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState;
export type StateType = State['Type'];

interface StateBase {
  Comment?: string;
  QueryLanguage?: QueryLanguage;
}

/** Next / End: exactly one is present on Pass, Task, Wait, Parallel and Map. */
interface Transition {
  Next?: string;
  End?: boolean;
}

interface JsonPathIo {
  InputPath?: string | null;
  OutputPath?: string | null;
}

export interface PassState extends StateBase, Transition, JsonPathIo {
  Type: 'Pass';
  Parameters?: JsonObject;
  Result?: JsonValue;
  ResultPath?: string | null;
  Assign?: JsonObject;
  Output?: JsonValue;
}

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
  Comment?: string;
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: JsonValue;
  Assign?: JsonObject;
  Comment?: string;
}

interface ErrorHandling {
  Retry?: Retrier[];
  Catch?: Catcher[];
}

interface ResultProcessing {
  ResultSelector?: JsonObject;
  ResultPath?: string | null;
  Assign?: JsonObject;
  Output?: JsonValue;
}

export interface TaskState extends StateBase, Transition, JsonPathIo, ErrorHandling, ResultProcessing {
  Type: 'Task';
  Resource: string;
  Parameters?: JsonObject;
  /** JSONata: an object template or a `{% %}` expression. */
  Arguments?: JsonObject | string;
  /** Seconds, or (JSONata) a `{% %}` expression. */
  TimeoutSeconds?: number | string;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number | string;
  HeartbeatSecondsPath?: string;
  Credentials?: JsonObject;
}

export const COMPARISON_OPERATORS = [
  'BooleanEquals',
  'BooleanEqualsPath',
  'IsBoolean',
  'IsNull',
  'IsNumeric',
  'IsPresent',
  'IsString',
  'IsTimestamp',
  'NumericEquals',
  'NumericEqualsPath',
  'NumericGreaterThan',
  'NumericGreaterThanPath',
  'NumericGreaterThanEquals',
  'NumericGreaterThanEqualsPath',
  'NumericLessThan',
  'NumericLessThanPath',
  'NumericLessThanEquals',
  'NumericLessThanEqualsPath',
  'StringEquals',
  'StringEqualsPath',
  'StringGreaterThan',
  'StringGreaterThanPath',
  'StringGreaterThanEquals',
  'StringGreaterThanEqualsPath',
  'StringLessThan',
  'StringLessThanPath',
  'StringLessThanEquals',
  'StringLessThanEqualsPath',
  'StringMatches',
  'TimestampEquals',
  'TimestampEqualsPath',
  'TimestampGreaterThan',
  'TimestampGreaterThanPath',
  'TimestampGreaterThanEquals',
  'TimestampGreaterThanEqualsPath',
  'TimestampLessThan',
  'TimestampLessThanPath',
  'TimestampLessThanEquals',
  'TimestampLessThanEqualsPath',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/**
 * A Choice Rule. JSONPath rules hold a Variable and exactly one comparison operator, or one of
 * And / Or / Not; JSONata rules hold a Condition. Next and Assign appear on top-level rules only.
 */
export type ChoiceRule = {
  Variable?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  Condition?: boolean | string;
  Next?: string;
  Assign?: JsonObject;
  Output?: JsonValue;
  Comment?: string;
} & { [K in ComparisonOperator]?: string | number | boolean };

export interface ChoiceState extends StateBase, JsonPathIo {
  Type: 'Choice';
  Choices: ChoiceRule[];
  Default?: string;
  Assign?: JsonObject;
  Output?: JsonValue;
}

export interface WaitState extends StateBase, Transition, JsonPathIo {
  Type: 'Wait';
  Seconds?: number | string;
  Timestamp?: string;
  SecondsPath?: string;
  TimestampPath?: string;
  Assign?: JsonObject;
  Output?: JsonValue;
}

export interface SucceedState extends StateBase, JsonPathIo {
  Type: 'Succeed';
  Output?: JsonValue;
}

export interface FailState extends StateBase {
  Type: 'Fail';
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
}

export interface ParallelState extends StateBase, Transition, JsonPathIo, ErrorHandling, ResultProcessing {
  Type: 'Parallel';
  Branches: Branch[];
  Parameters?: JsonObject;
  Arguments?: JsonObject | string;
}

export interface MapState extends StateBase, Transition, JsonPathIo, ErrorHandling, ResultProcessing {
  Type: 'Map';
  /** Current spelling; `Iterator` is the legacy one. Exactly one of the two is present. */
  ItemProcessor?: ItemProcessor;
  Iterator?: ItemProcessor;
  ItemsPath?: string;
  /** JSONata: an array or a `{% %}` expression. */
  Items?: JsonValue[] | string;
  ItemSelector?: JsonObject;
  /** Legacy spelling of ItemSelector. */
  Parameters?: JsonObject;
  MaxConcurrency?: number | string;
  MaxConcurrencyPath?: string;
  ItemReader?: JsonObject;
  ItemBatcher?: JsonObject;
  ResultWriter?: JsonObject;
  ToleratedFailureCount?: number | string;
  ToleratedFailureCountPath?: string;
  ToleratedFailurePercentage?: number | string;
  ToleratedFailurePercentagePath?: string;
  Label?: string;
}
