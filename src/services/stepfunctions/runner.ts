/**
 * Starting executions: StartExecution (Standard and asynchronous Express), StartSyncExecution,
 * nested executions started by `states:startExecution` tasks, and the status-change feed other
 * services (EventBridge) listen to. Every execution of a service instance shares its clock,
 * integration registry, task token table and activity hub.
 */
import type { Cloud } from '../../core/cloud.js';
import { AwsError, validationMessage } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import type { ExecutionStatus, RedriveExecutionOutput, StartSyncExecutionOutput } from '../../generated/states.types.js';
import { parseJson } from './asl/validate-json.js';
import { executionArn, expressExecutionArn } from './arns.js';
import type { ActivityHub } from './executor/activities.js';
import { Execution } from './executor/execution.js';
import type { NestedExecutionHook, NestedExecutionResult } from './executor/nested.js';
import type { TaskTokenTable } from './executor/tokens.js';
import type { IntegrationRegistry } from './integrations/registry.js';
import { MockedIntegrations, type MockConfigSource } from './mocks.js';
import { assertValidName } from './names.js';
import { CLIENT_TOKEN_TTL_MS, CLIENT_TOKENS_KEPT, notRedrivableReason } from './redrive.js';
import type { ExecutionRecord, StateMachineRecord, StatesStore } from './store.js';
import { resolveTarget, type ExecutionTarget } from './versions.js';
import { withExecutionData } from './views.js';

/** What EventBridge's "Step Functions Execution Status Change" event is built from (Standard executions only, as on AWS). */
export interface ExecutionStatusChange {
  account: string;
  region: string;
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  /** JSON text. */
  input: string;
  /** JSON text (SUCCEEDED only). */
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: Date;
  redriveStatus: 'REDRIVABLE' | 'NOT_REDRIVABLE';
  /** Why the execution cannot be redriven (NOT_REDRIVABLE only). */
  redriveStatusReason?: string;
}

export type ExecutionStatusListener = (change: ExecutionStatusChange) => void;

export interface StartRequest {
  account: string;
  region: string;
  stateMachineArn: string;
  name?: string;
  /** JSON text; `{}` when absent. */
  input?: string;
  traceHeader?: string;
}

export interface Started {
  executionArn: string;
  startDate: Date;
}

/** Step Functions' payload quota for an execution's input, in UTF-8 bytes. */
const MAX_INPUT_BYTES = 256 * 1024;
const EXPRESS_MEMORY_MB = 64;

export class ExecutionRunner {
  private readonly listeners = new Set<ExecutionStatusListener>();
  /** Express children of `states:startExecution` tasks, until their parent has seen them end. */
  private readonly nestedExpress = new Map<string, { machine: StateMachineRecord; name: string; input: string; run: Execution }>();

  constructor(
    private readonly cloud: Cloud,
    private readonly store: StatesStore,
    private readonly integrations: IntegrationRegistry,
    private readonly tokens: TaskTokenTable,
    private readonly activities: ActivityHub,
    private readonly mocks: MockConfigSource,
  ) {}

  onStatusChange(listener: ExecutionStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * What an execution on `stateMachineArn` runs: a machine (not being deleted), one of its versions
   * (`<machine>:<n>`), or the version an alias (`<machine>:<alias>`) routes this execution to.
   */
  target(account: string, region: string, stateMachineArn: string): ExecutionTarget {
    // `<arn>#<test case>` runs with the mocked responses of that test case (mocks.ts).
    const hash = stateMachineArn.indexOf('#');
    const arn = hash < 0 ? stateMachineArn : stateMachineArn.slice(0, hash);
    const t = resolveTarget(this.store, account, region, arn);
    if (t.machine.status === 'DELETING') throw new AwsError('StateMachineDeleting', `State Machine Is Being Deleted: '${arn}'`);
    if (hash >= 0) t.testCase = this.mocks.testCase(t.machine.name, stateMachineArn.slice(hash + 1));
    return t;
  }

  /** StartExecution, for both workflow types. */
  start(req: StartRequest): Started {
    const t = this.target(req.account, req.region, req.stateMachineArn);
    return t.machine.type === 'EXPRESS' ? this.startExpress(t, req).started : this.startStandard(t, req);
  }

  /** StartSyncExecution (Express only): runs the execution to its end. */
  async startSync(req: StartRequest, metadataOnly: boolean): Promise<StartSyncExecutionOutput> {
    const t = this.target(req.account, req.region, req.stateMachineArn);
    const m = t.machine;
    if (m.type !== 'EXPRESS') throw new AwsError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    const { started, name, input, run } = this.startExpress(t, req);
    await run.done;
    const stopDate = run.stopDate!;
    const out: StartSyncExecutionOutput = {
      executionArn: started.executionArn,
      stateMachineArn: m.arn,
      name,
      startDate: started.startDate,
      stopDate,
      status: run.status as StartSyncExecutionOutput['status'],
    };
    withExecutionData(out, input, run, req.traceHeader, metadataOnly);
    const ms = stopDate.getTime() - started.startDate.getTime();
    out.billingDetails = { billedMemoryUsedInMB: EXPRESS_MEMORY_MB, billedDurationInMilliseconds: Math.max(100, Math.ceil(ms / 100) * 100) };
    return out;
  }

  /** The hook `states:startExecution` tasks start, await and stop child executions through. */
  nestedHook(): NestedExecutionHook {
    return {
      start: async (request, parent) => {
        const req: StartRequest = { account: parent.account, region: parent.region, stateMachineArn: request.stateMachineArn, input: request.input };
        if (request.name !== undefined) req.name = request.name;
        if (request.traceHeader !== undefined) req.traceHeader = request.traceHeader;
        const t = this.target(req.account, req.region, req.stateMachineArn);
        if (t.machine.type === 'STANDARD') return this.startStandard(t, req);
        const express = this.startExpress(t, req);
        this.nestedExpress.set(express.started.executionArn, { machine: t.machine, name: express.name, input: express.input, run: express.run });
        return express.started;
      },
      wait: async (arn) => {
        const found = this.nestedRun(arn);
        if (!found) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
        await found.run.done;
        this.nestedExpress.delete(arn);
        return nestedResult(arn, found.machine.arn, found.name, found.input, found.run);
      },
      stop: (arn) => this.nestedRun(arn)?.run.stop(),
    };
  }

  private nestedRun(arn: string): { machine: StateMachineRecord; name: string; input: string; run: Execution } | undefined {
    const parts = arn.split(':');
    return this.store.execution(parts[4], parts[3], arn) ?? this.nestedExpress.get(arn);
  }

  private startStandard(t: ExecutionTarget, req: StartRequest): Started {
    const m = t.machine;
    const name = req.name ?? uuid();
    if (req.name !== undefined) assertValidName(name);
    const input = req.input ?? '{}';
    const value = parseInput(input);
    const arn = executionArn(m.region, m.account, m.name, name);
    const existing = this.store.execution(m.account, m.region, arn);
    if (existing) {
      // AWS: the same name and input while the first execution is open is idempotent; anything else is refused.
      if (existing.run.status === 'RUNNING' && existing.input === input) return { executionArn: arn, startDate: existing.run.startDate };
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const run = this.newExecution(t, arn, name, input, value, true);
    const record: ExecutionRecord = { arn, name, machine: m, revision: t.revision, input, run };
    if (t.version) record.version = t.version;
    if (t.alias) record.alias = t.alias;
    if (req.traceHeader !== undefined) record.traceHeader = req.traceHeader;
    this.store.putExecution(record);
    run.start();
    this.emit(record);
    void run.done.then(() => {
      this.emit(record);
    });
    return { executionArn: arn, startDate: run.startDate };
  }

  private startExpress(t: ExecutionTarget, req: StartRequest): { started: Started; name: string; input: string; run: Execution } {
    const m = t.machine;
    const name = req.name ?? uuid();
    if (req.name !== undefined) assertValidName(name);
    const input = req.input ?? '{}';
    const value = parseInput(input);
    const arn = expressExecutionArn(m.region, m.account, m.name, name);
    const run = this.newExecution(t, arn, name, input, value, false);
    run.start();
    return { started: { executionArn: arn, startDate: run.startDate }, name, input, run };
  }

  private newExecution(t: ExecutionTarget, arn: string, name: string, input: string, value: unknown, recordHistory: boolean): Execution {
    const m = t.machine;
    const run = new Execution({
      executionArn: arn,
      stateMachineArn: m.arn,
      stateMachineVersionArn: t.version?.arn,
      stateMachineAliasArn: t.alias?.arn,
      name,
      roleArn: t.revision.roleArn,
      definition: t.revision.parsed,
      input: value,
      inputJson: input,
      type: m.type,
      clock: this.cloud.clock,
      waitScale: this.cloud.config.sfnWaitScale,
      integrations: t.testCase ? new MockedIntegrations(this.integrations, t.testCase, this.tokens) : this.integrations,
      region: m.region,
      account: m.account,
      recordHistory,
      tokens: this.tokens,
      activities: this.activities,
    });
    this.track(m, run);
    return run;
  }

  /** Counts `run` among its machine's running executions until it stops. */
  private track(m: StateMachineRecord, run: Execution): void {
    m.running++;
    void run.done.then(() => {
      m.running--;
      if (m.status === 'DELETING' && m.running === 0) this.store.removeMachine(m);
    });
  }

  /**
   * RedriveExecution: restarts a stopped Standard execution from what did not succeed. A client
   * token already used for one of its last redrives (within 15 minutes) gets that redrive's answer.
   */
  redrive(e: ExecutionRecord, clientToken: string | undefined): RedriveExecutionOutput {
    const now = this.cloud.clock.now();
    if (clientToken !== undefined) {
      const seen = e.redriveTokens?.find((t) => t.token === clientToken);
      if (seen && now - seen.redriveDate.getTime() < CLIENT_TOKEN_TTL_MS) return { redriveDate: seen.redriveDate };
    }
    const reason = notRedrivableReason(e, now);
    if (reason !== undefined) throw new AwsError('ExecutionNotRedrivable', reason);
    const { run } = e;
    run.redrive();
    this.track(e.machine, run);
    const redriveDate = run.redriveDate!;
    if (clientToken !== undefined) {
      const tokens = (e.redriveTokens ??= []);
      tokens.push({ token: clientToken, redriveDate });
      if (tokens.length > CLIENT_TOKENS_KEPT) tokens.shift();
    }
    this.emit(e);
    void run.done.then(() => this.emit(e));
    return { redriveDate };
  }

  private emit(e: ExecutionRecord): void {
    if (!this.listeners.size) return;
    const { run } = e;
    const change: ExecutionStatusChange = {
      account: e.machine.account,
      region: e.machine.region,
      executionArn: e.arn,
      stateMachineArn: e.machine.arn,
      name: e.name,
      status: run.status,
      startDate: run.startDate,
      input: e.input,
      redriveCount: run.redriveCount,
      redriveStatus: 'REDRIVABLE',
    };
    const reason = notRedrivableReason(e, this.cloud.clock.now());
    if (reason !== undefined) {
      change.redriveStatus = 'NOT_REDRIVABLE';
      change.redriveStatusReason = reason;
    }
    if (run.redriveDate) change.redriveDate = run.redriveDate;
    if (run.stopDate) change.stopDate = run.stopDate;
    if (run.output !== undefined) change.output = run.output;
    if (run.error !== undefined) change.error = run.error;
    if (run.cause !== undefined) change.cause = run.cause;
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.cloud.logger.warn('execution status listener failed', { error: String(err) });
      }
    }
  }
}

/** Parses an execution input; AWS answers InvalidExecutionInput with Jackson's message. */
export function parseInput(input: string): unknown {
  if (input.length * 3 > MAX_INPUT_BYTES && Buffer.byteLength(input, 'utf8') > MAX_INPUT_BYTES) {
    // The model limits the length in characters; AWS counts the quota in UTF-8 bytes.
    throw new AwsError('ValidationException', validationMessage([`Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_INPUT_BYTES}`]));
  }
  if (input.trim() === '') throw new AwsError('InvalidExecutionInput', "Invalid State Machine Execution Input: 'Invalid execution input.'");
  try {
    return JSON.parse(input);
  } catch {
    const parsed = parseJson(input);
    const message = parsed.ok ? 'Invalid execution input.' : parsed.message.split('\n at [Source')[0];
    throw new AwsError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${message}'`);
  }
}

function nestedResult(arn: string, stateMachineArn: string, name: string, input: string, run: Execution): NestedExecutionResult {
  const r: NestedExecutionResult = { executionArn: arn, stateMachineArn, name, status: run.status as NestedExecutionResult['status'], startDate: run.startDate, input };
  if (run.stopDate) r.stopDate = run.stopDate;
  if (run.output !== undefined) r.output = run.output;
  if (run.error !== undefined) r.error = run.error;
  if (run.cause !== undefined) r.cause = run.cause;
  return r;
}
