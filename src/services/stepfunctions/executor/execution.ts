/**
 * One state machine execution: what the API layer creates on StartExecution / StartSyncExecution
 * and reads for DescribeExecution / GetExecutionHistory / StopExecution. The interpreter itself
 * lives in engine.ts.
 */
import type { Clock } from '../../../core/clock.js';
import type { IntegrationRegistry } from '../integrations/registry.js';
import { defaultActivityHub, type ActivityHub } from './activities.js';
import { Engine, type TerminalStatus } from './engine.js';
import { HistoryLog, type HistoryEvent } from './history.js';
import { defaultTokenTable, type TaskTokenTable } from './tokens.js';

export type { HistoryEvent };

export interface ExecutionOptions {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  roleArn: string;
  /** The parsed, validated definition. */
  definition: any;
  /** The parsed execution input. */
  input: unknown;
  /** The input's JSON text as the caller sent it (ExecutionStarted echoes it); derived from `input` when absent. */
  inputJson?: string;
  type: 'STANDARD' | 'EXPRESS';
  clock: Clock;
  /** Multiplies every Wait and Retry interval delay; 0 makes them instant (NIMBUS_SFN_WAIT_SCALE). */
  waitScale: number;
  integrations: IntegrationRegistry;
  region: string;
  account: string;
  /** False skips keeping history (EXPRESS sync executions); `onEvent` still sees every event. */
  recordHistory?: boolean;
  onEvent?: (e: HistoryEvent) => void;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  /** Task token table for callbacks and activities (defaults to the process-wide one). */
  tokens?: TaskTokenTable;
  /** Activity queues (defaults to the process-wide hub). */
  activities?: ActivityHub;
}

export type ExecutionStatus = 'RUNNING' | TerminalStatus;

export class Execution {
  status: ExecutionStatus = 'RUNNING';
  readonly startDate: Date;
  stopDate?: Date;
  /** JSON text of the output (SUCCEEDED only). */
  output?: string;
  error?: string;
  cause?: string;
  /** Resolves when the execution stops, whatever its status. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private engine: Engine | undefined;
  private started = false;
  private readonly log: HistoryLog;

  constructor(readonly options: ExecutionOptions) {
    const { clock } = options;
    this.startDate = clock.date();
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const log = (this.log = new HistoryLog(clock, options.recordHistory !== false, options.onEvent));
    this.engine = new Engine(
      { ...options, tokens: options.tokens ?? defaultTokenTable, activities: options.activities ?? defaultActivityHub },
      log,
      (status, output, error, cause) => this.settle(status, output, error, cause),
      this.startDate.getTime(),
    );
  }

  /** AWS's HistoryEvent records, oldest first (empty when `recordHistory` is false). */
  get history(): HistoryEvent[] {
    return this.log.events;
  }

  get executionArn(): string {
    return this.options.executionArn;
  }

  /** Writes ExecutionStarted and runs the execution in the background (see `done`). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.engine?.start();
  }

  /** StopExecution: ends a running execution with ExecutionAborted. */
  stop(error?: string, cause?: string): void {
    this.engine?.stop(error, cause);
  }

  private settle(status: TerminalStatus, output?: string, error?: string, cause?: string): void {
    this.status = status;
    this.stopDate = this.options.clock.date();
    this.output = output;
    this.error = error;
    this.cause = cause;
    this.engine = undefined;
    this.resolveDone();
  }
}
