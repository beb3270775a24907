/**
 * Task states: Request Response, Run a Job (.sync / .sync:2), Wait for Callback
 * (.waitForTaskToken), legacy Lambda function ARNs (LambdaFunction* events) and activities
 * (Activity* events). One TaskRun per attempt; it is the branch's Work while the task is out.
 */
import type { TimerHandle } from '../../../core/clock.js';
import { isAwsError } from '../../../core/errors.js';
import { StatesError, isStatesError } from '../asl/errors.js';
import { applyPayloadTemplate } from '../asl/payload.js';
import type { Integration, ParsedResource, TaskRequest } from '../integrations/registry.js';
import type { Branch, Failure, Work } from './branch.js';
import { errorDetails, type Engine } from './engine.js';
import { drive, numberField, stateBindings, value, type StateEvaluation } from './jsonata-states.js';
import { NOT_TRUNCATED } from './history.js';
import { dataLimitCause, exceedsPayloadLimit, toJson } from './payload-size.js';
import { effectiveInput, finishResult, valueAt, varsOf } from './states.js';

/** Starts one attempt of the Task state `b` is in (on entry, and again on each retry). */
export function attemptTask(x: Engine, b: Branch): void {
  const def = b.def;
  const plan = b.plan!;
  const parsed = plan.resource;
  if (!parsed) {
    throw new StatesError('States.Runtime', `The resource '${String(def.Resource)}' is not a service integration, Lambda function or activity ARN that Step Functions knows`);
  }
  const callback = parsed.pattern === 'callback';
  const token = callback || parsed.kind === 'activity' ? x.tokens.issue() : undefined;
  if (b.jsonata) return drive(x, b, jsonataTask(x, b, parsed, token, callback));
  const ctx = plan.needsContext || callback ? x.context(b, callback ? token : undefined) : undefined;
  const vars = varsOf(b);
  const eff = effectiveInput(def, b.input, ctx, vars);
  const params = def.Parameters === undefined ? eff : applyPayloadTemplate(def.Parameters, eff, ctx, vars);
  const timeoutSeconds = positiveSeconds(def.TimeoutSeconds, def.TimeoutSecondsPath, 'TimeoutSecondsPath', eff, ctx, vars);
  const heartbeatSeconds = positiveSeconds(def.HeartbeatSeconds, def.HeartbeatSecondsPath, 'HeartbeatSecondsPath', eff, ctx, vars);
  launchTask(x, b, parsed, params, token, timeoutSeconds, heartbeatSeconds);
}

function* jsonataTask(x: Engine, b: Branch, parsed: ParsedResource, token: string | undefined, callback: boolean): StateEvaluation {
  const def = b.def;
  const bind = stateBindings(x, b, undefined, callback ? token : undefined);
  const params = def.Arguments === undefined ? b.input : yield* value(def.Arguments, 'Arguments', bind);
  const timeout = positiveSeconds(yield* numberField(def.TimeoutSeconds, 'TimeoutSeconds', bind), undefined, 'TimeoutSeconds', undefined, undefined);
  const heartbeat = positiveSeconds(yield* numberField(def.HeartbeatSeconds, 'HeartbeatSeconds', bind), undefined, 'HeartbeatSeconds', undefined, undefined);
  return () => launchTask(x, b, parsed, params, token, timeout, heartbeat);
}

function launchTask(x: Engine, b: Branch, parsed: ParsedResource, params: unknown, token: string | undefined, timeoutSeconds: number | undefined, heartbeatSeconds: number | undefined): void {
  if (parsed.kind === 'activity') {
    if (!x.activities.exists(parsed.arn)) throw new StatesError('States.Runtime', `The activity ${parsed.arn} does not exist.`);
    new TaskRun(x, b, parsed, undefined, params, token, timeoutSeconds, heartbeatSeconds).startActivity();
    return;
  }
  const resolved = x.integrations.resolve(parsed);
  if (!resolved) throw new StatesError('States.Runtime', `Nimbus has no integration for the resource '${parsed.arn}'.`);
  if ((parsed.pattern === 'sync' || parsed.pattern === 'sync:2') && !resolved.integration.waitForJob) {
    throw new StatesError('States.Runtime', `Nimbus's integration for '${parsed.key}' does not support the Run a Job (.sync) pattern.`);
  }
  new TaskRun(x, b, parsed, resolved.integration, params, token, timeoutSeconds, heartbeatSeconds).start();
}

function positiveSeconds(value: unknown, path: string | undefined, field: string, eff: unknown, ctx: any, vars?: Record<string, unknown>): number | undefined {
  const v = path !== undefined ? valueAt(path, eff, ctx, vars) : value;
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new StatesError('States.Runtime', `The value of ${path !== undefined ? `${field} '${path}'` : field.replace('Path', '')} must be a positive integer, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

/** What a rejected integration promise becomes. */
export function failureFromThrown(e: unknown): Failure {
  if (isStatesError(e)) return { error: e.error, cause: e.cause };
  if (isAwsError(e)) return { error: e.code, cause: e.message };
  return { error: 'States.TaskFailed', cause: e instanceof Error ? e.message : String(e) };
}

class TaskRun implements Work {
  private settled = false;
  private submitted = false;
  private early: (() => void) | undefined;
  private controller: AbortController | undefined;
  private timeoutTimer: TimerHandle | undefined;
  private heartbeatTimer: TimerHandle | undefined;
  private withdraw: (() => void) | undefined;
  /** JSON text of the parameters: history detail and activity input. */
  private readonly paramsJson: string | undefined;

  constructor(
    private readonly x: Engine,
    private readonly b: Branch,
    private readonly parsed: ParsedResource,
    private readonly integration: Integration | undefined,
    private readonly params: unknown,
    private readonly token: string | undefined,
    private readonly timeoutSeconds: number | undefined,
    private readonly heartbeatSeconds: number | undefined,
  ) {
    this.paramsJson = x.history.recording || parsed.kind === 'activity' ? toJson(params) : undefined;
  }

  start(): void {
    const { x, b, parsed } = this;
    const lambda = parsed.kind === 'lambda';
    const scheduled = lambda
      ? x.history.add('LambdaFunctionScheduled', b.cursor, 'lambdaFunctionScheduledEventDetails', withTimeouts({ resource: parsed.arn, input: this.paramsJson, inputDetails: NOT_TRUNCATED }, this.timeoutSeconds, undefined))
      : x.history.add('TaskScheduled', b.cursor, 'taskScheduledEventDetails', withTimeouts({ resourceType: parsed.resourceType, resource: parsed.historyResource, region: x.config.region, parameters: this.paramsJson }, this.timeoutSeconds, this.heartbeatSeconds));
    b.cursor = lambda
      ? x.history.add('LambdaFunctionStarted', scheduled)
      : x.history.add('TaskStarted', scheduled, 'taskStartedEventDetails', this.resourceDetails());
    this.park();
    this.armHeartbeat();
    this.controller = new AbortController();
    if (this.token) this.listen();
    const req: TaskRequest = {
      resource: parsed.arn,
      parsed,
      pattern: parsed.pattern,
      parameters: this.params,
      token: this.token,
      timeoutSeconds: this.timeoutSeconds,
      heartbeatSeconds: this.heartbeatSeconds,
      stateName: b.state,
      execution: { arn: x.config.executionArn, region: x.config.region, account: x.config.account, name: x.config.name },
      signal: this.controller.signal,
      heartbeat: () => this.beat(),
    };
    let call: Promise<unknown>;
    try {
      call = Promise.resolve(this.integration!.call(req));
    } catch (e) {
      call = Promise.reject(e);
    }
    call.then(
      (result) => this.called(req, result),
      (e) => this.fail(failureFromThrown(e)),
    );
  }

  startActivity(): void {
    const { x, b, parsed } = this;
    b.cursor = x.history.add('ActivityScheduled', b.cursor, 'activityScheduledEventDetails', withTimeouts({ resource: parsed.arn, input: this.paramsJson, inputDetails: NOT_TRUNCATED }, this.timeoutSeconds, this.heartbeatSeconds));
    this.park();
    this.submitted = true;
    this.listen();
    this.withdraw = x.activities.enqueue(parsed.arn, {
      token: this.token!,
      input: this.paramsJson!,
      start: (workerName) => {
        if (this.settled) return;
        this.withdraw = undefined;
        b.cursor = x.history.add('ActivityStarted', b.cursor, 'activityStartedEventDetails', workerName === undefined ? {} : { workerName });
        this.armHeartbeat();
      },
    });
  }

  cancel(): void {
    this.settle();
    this.controller?.abort();
  }

  /** The branch now waits for this task; its TimeoutSeconds runs from here. */
  private park(): void {
    this.b.work = this;
    this.b.blocked = true;
    if (this.timeoutSeconds !== undefined) this.timeoutTimer = this.x.clock.setTimeout(() => this.timedOut(), this.timeoutSeconds * 1000);
  }

  private listen(): void {
    this.x.tokens.listen(this.token!, {
      succeed: (value, output) => this.whenSubmitted(() => this.succeed(value, output)),
      fail: (error, cause) => this.whenSubmitted(() => this.fail({ error, cause })),
      heartbeat: () => this.beat(),
    });
  }

  /** A callback can arrive before the call that carried the token has returned. */
  private whenSubmitted(fn: () => void): void {
    if (this.settled) return;
    if (this.submitted) fn();
    else this.early = fn;
  }

  private called(req: TaskRequest, result: unknown): void {
    if (this.settled) return;
    const pattern = this.parsed.pattern;
    if (pattern === 'request-response') return this.succeed(result);
    const { x, b } = this;
    b.cursor = x.history.add('TaskSubmitted', b.cursor, 'taskSubmittedEventDetails', { ...this.resourceDetails(), output: toJson(result), outputDetails: NOT_TRUNCATED });
    this.submitted = true;
    if (pattern === 'callback') {
      const early = this.early;
      this.early = undefined;
      early?.();
      return;
    }
    let job: Promise<unknown>;
    try {
      job = Promise.resolve(this.integration!.waitForJob!(req, result));
    } catch (e) {
      job = Promise.reject(e);
    }
    job.then(
      (output) => this.succeed(output),
      (e) => this.fail(failureFromThrown(e)),
    );
  }

  private succeed(value: unknown, json?: string): void {
    if (this.settled) return;
    const output = json ?? toJson(value);
    if (exceedsPayloadLimit(output)) {
      const what = this.parsed.kind === 'service' ? this.parsed.resourceType : this.parsed.arn;
      return this.fail({ error: 'States.DataLimitExceeded', cause: dataLimitCause(what) });
    }
    this.settle();
    const { x, b, parsed } = this;
    const details = { output, outputDetails: NOT_TRUNCATED };
    if (parsed.kind === 'lambda') b.cursor = x.history.add('LambdaFunctionSucceeded', b.cursor, 'lambdaFunctionSucceededEventDetails', details);
    else if (parsed.kind === 'activity') b.cursor = x.history.add('ActivitySucceeded', b.cursor, 'activitySucceededEventDetails', details);
    else b.cursor = x.history.add('TaskSucceeded', b.cursor, 'taskSucceededEventDetails', { ...this.resourceDetails(), ...details });
    x.wake(b, () => finishResult(x, b, value));
  }

  private fail(f: Failure): void {
    if (this.settled) return;
    this.settle();
    const { x, b, parsed } = this;
    if (parsed.kind === 'lambda') b.cursor = x.history.add('LambdaFunctionFailed', b.cursor, 'lambdaFunctionFailedEventDetails', errorDetails(f));
    else if (parsed.kind === 'activity') b.cursor = x.history.add('ActivityFailed', b.cursor, 'activityFailedEventDetails', errorDetails(f));
    else b.cursor = x.history.add('TaskFailed', b.cursor, 'taskFailedEventDetails', { ...this.resourceDetails(), ...errorDetails(f) });
    x.wake(b, () => x.failState(b, f));
  }

  /** TimeoutSeconds or HeartbeatSeconds ran out: AWS reports both as States.Timeout. */
  private timedOut(heartbeat = false): void {
    if (this.settled) return;
    this.timeoutTimer = undefined;
    this.cancel();
    const { x, b, parsed } = this;
    const f: Failure = { error: 'States.Timeout', heartbeat };
    const details = { error: f.error };
    if (parsed.kind === 'lambda') b.cursor = x.history.add('LambdaFunctionTimedOut', b.cursor, 'lambdaFunctionTimedOutEventDetails', details);
    else if (parsed.kind === 'activity') b.cursor = x.history.add('ActivityTimedOut', b.cursor, 'activityTimedOutEventDetails', details);
    else b.cursor = x.history.add('TaskTimedOut', b.cursor, 'taskTimedOutEventDetails', { ...this.resourceDetails(), ...details });
    x.wake(b, () => x.failState(b, f));
  }

  private armHeartbeat(): void {
    if (this.heartbeatSeconds === undefined || this.settled) return;
    this.x.clock.clear(this.heartbeatTimer);
    this.heartbeatTimer = this.x.clock.setTimeout(() => this.timedOut(true), this.heartbeatSeconds * 1000);
  }

  private beat(): void {
    if (this.heartbeatTimer) this.armHeartbeat();
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    const clock = this.x.clock;
    clock.clear(this.timeoutTimer);
    clock.clear(this.heartbeatTimer);
    this.timeoutTimer = this.heartbeatTimer = undefined;
    if (this.token) this.x.tokens.forget(this.token);
    this.withdraw?.();
    this.withdraw = undefined;
    if (this.b.work === this) this.b.work = undefined;
  }

  private resourceDetails(): { resourceType: string; resource: string } {
    return { resourceType: this.parsed.resourceType, resource: this.parsed.historyResource };
  }
}

function withTimeouts<T extends object>(details: T, timeoutSeconds: number | undefined, heartbeatSeconds: number | undefined): T {
  const out = details as T & { timeoutInSeconds?: number; heartbeatInSeconds?: number };
  if (timeoutSeconds !== undefined) out.timeoutInSeconds = timeoutSeconds;
  if (heartbeatSeconds !== undefined) out.heartbeatInSeconds = heartbeatSeconds;
  return out;
}
