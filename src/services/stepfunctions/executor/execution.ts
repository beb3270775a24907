/**
 * One state machine execution: what the API layer creates on StartExecution / StartSyncExecution
 * and reads for DescribeExecution / GetExecutionHistory / StopExecution. The interpreter itself
 * lives in engine.ts.
 */
import type { Clock } from '../../../core/clock.js';
import type { IntegrationRegistry } from '../integrations/registry.js';
import { defaultActivityHub, type ActivityHub } from './activities.js';
import type { ResumePoint } from './branch.js';
import { Engine, type EngineConfig, type TerminalStatus } from './engine.js';
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
  /** Times RedriveExecution restarted this execution, and when it last did. */
  redriveCount = 0;
  redriveDate?: Date;
  /** Resolves when the execution stops, whatever its status (a new promise after each redrive). */
  done: Promise<void>;
  private resolveDone!: () => void;
  private engine: Engine | undefined;
  private started = false;
  private readonly log: HistoryLog;
  /** Where a redrive picks up; kept only while the execution is stopped unsuccessfully. */
  private resume: ResumePoint | undefined;

  constructor(readonly options: ExecutionOptions) {
    const { clock } = options;
    this.startDate = clock.date();
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.log = new HistoryLog(clock, options.recordHistory !== false, options.onEvent);
    this.engine = this.newEngine();
  }

  private newEngine(): Engine {
    const o = this.options;
    const config: EngineConfig = { ...o, tokens: o.tokens ?? defaultTokenTable, activities: o.activities ?? defaultActivityHub };
    return new Engine(config, this.log, (status, output, error, cause, resume) => this.settle(status, output, error, cause, resume), this.startDate.getTime());
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

  /** Stopped unsuccessfully with a place to pick up from (RedriveExecution's other rules are the API's). */
  get canRedrive(): boolean {
    return this.resume !== undefined && this.options.type === 'STANDARD';
  }

  /** Number of history events so far. */
  get eventCount(): number {
    return this.log.lastEventId;
  }

  /**
   * RedriveExecution: RUNNING again, appending ExecutionRedriven and the re-entered states' events
   * to the same history. The caller checks `canRedrive` first.
   */
  redrive(): void {
    const point = this.resume;
    if (!point || this.options.type !== 'STANDARD') throw new Error(`Execution ${this.executionArn} cannot be redriven`);
    this.resume = undefined;
    this.redriveCount++;
    this.redriveDate = this.options.clock.date();
    this.status = 'RUNNING';
    this.stopDate = this.output = this.error = this.cause = undefined;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.engine = this.newEngine();
    this.engine.redrive(point, this.redriveCount, this.redriveDate.getTime());
  }

  private settle(status: TerminalStatus, output?: string, error?: string, cause?: string, resume?: ResumePoint): void {
    this.status = status;
    if (status !== 'SUCCEEDED' && this.options.type === 'STANDARD') this.resume = resume;
    this.stopDate = this.options.clock.date();
    this.output = output;
    this.error = error;
    this.cause = cause;
    this.engine = undefined;
    this.resolveDone();
  }
}
