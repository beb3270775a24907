/**
 * Events that come from AWS rather than users, and Step Functions' EventBridge integration:
 *
 * - `subscribeExecutionStatusEvents(sfn, cloud)`: "Step Functions Execution Status Change" events
 *   (source `aws.states`) on the default bus, from the Step Functions service's
 *   `onExecutionStatusChange(listener)`.
 * - `registerEventsIntegration(registry, cloud)`: `arn:aws:states:::events:putEvents` (and
 *   `.waitForTaskToken`) for Task states.
 * - `injectEvents(cloud, body)`: the admin endpoint `POST /_nimbus/events/inject`, which may put
 *   `aws.*` events (AWS Health, ...) that PutEvents refuses from users.
 */
import type { Cloud } from '../../core/cloud.js';
import { AwsError } from '../../core/errors.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, parseArn } from '../../core/ids.js';
import type { PutEventsRequestEntry } from '../../generated/events.types.js';
import { StatesError } from '../stepfunctions/asl/errors.js';
import { type IntegrationRegistry, type TaskRequest } from '../stepfunctions/integrations/registry.js';
import { callForTask } from '../stepfunctions/integrations/service-call.js';
import type { EventsService } from './api.js';
import type { PutEventsResult } from './core.js';

/** One execution status change, as the Step Functions service reports it. */
export interface ExecutionStatusChange {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
  startDate: Date | number;
  stopDate?: Date | number;
  /** JSON text. */
  input?: string;
  /** JSON text (SUCCEEDED only). */
  output?: string;
  error?: string;
  cause?: string;
  redriveCount?: number;
  redriveDate?: Date | number;
  redriveStatus?: string;
  redriveStatusReason?: string;
}

export interface ExecutionStatusSource {
  onExecutionStatusChange(listener: (change: ExecutionStatusChange) => void): unknown;
}

const epochMs = (d: Date | number | undefined) => (d === undefined ? null : typeof d === 'number' ? d : d.getTime());

/** The `detail` of AWS's "Step Functions Execution Status Change" event. */
export function executionStatusDetail(c: ExecutionStatusChange): Record<string, unknown> {
  return {
    executionArn: c.executionArn,
    stateMachineArn: c.stateMachineArn,
    name: c.name,
    status: c.status,
    startDate: epochMs(c.startDate),
    stopDate: epochMs(c.stopDate),
    input: c.input ?? null,
    output: c.output ?? null,
    inputDetails: c.input === undefined ? null : { included: true },
    outputDetails: c.output === undefined ? null : { included: true },
    error: c.error ?? null,
    cause: c.cause ?? null,
    redriveCount: c.redriveCount ?? 0,
    redriveDate: epochMs(c.redriveDate),
    redriveStatus: c.redriveStatus ?? (c.status === 'RUNNING' || c.status === 'SUCCEEDED' ? 'NOT_REDRIVABLE' : 'REDRIVABLE'),
    redriveStatusReason: c.redriveStatusReason ?? (c.status === 'RUNNING' ? 'Execution is RUNNING and cannot be redriven' : c.status === 'SUCCEEDED' ? 'Execution is SUCCEEDED and cannot be redriven' : null),
  };
}

/** Call once when both services exist: `subscribeExecutionStatusEvents(await cloud.service('states'), cloud)`. */
export function subscribeExecutionStatusEvents(sfn: ExecutionStatusSource, cloud: Cloud): void {
  sfn.onExecutionStatusChange((change) => {
    const a = parseArn(change.executionArn);
    const scope = { account: a?.account || DEFAULT_ACCOUNT, region: a?.region || DEFAULT_REGION };
    cloud
      .service<EventsService>('events')
      .then((events) => events.emit(scope, { source: 'aws.states', detailType: 'Step Functions Execution Status Change', resources: [change.executionArn], detail: executionStatusDetail(change) }))
      .catch((err) => cloud.logger.warn('could not emit Step Functions status event', { error: String(err) }));
  });
}

const EVENTBRIDGE = { errorPrefix: 'EventBridge', serviceName: 'AmazonEventBridge' };

/** The state machine of an execution ARN (`...:execution:<sm>:<name>` or `...:express:<sm>:<name>:<id>`). */
function stateMachineOf(executionArn: string): string | undefined {
  const m = /^(arn:[^:]+:states:[^:]*:[^:]*):(?:execution|express):([^:]+):/.exec(executionArn);
  return m ? `${m[1]}:stateMachine:${m[2]}` : undefined;
}

/** Call once with the Step Functions integration registry: `registerEventsIntegration(registry, cloud)`. */
export function registerEventsIntegration(registry: IntegrationRegistry, cloud: Cloud): () => void {
  return registry.register('events:putEvents', async (req: TaskRequest) => {
    const p = (req.parameters ?? {}) as { Entries?: unknown };
    if (!Array.isArray(p.Entries)) throw new StatesError('States.Runtime', "The field 'Entries' is required by events:putEvents");
    const appended = [req.execution.arn, stateMachineOf(req.execution.arn)].filter((x): x is string => !!x);
    const entries = p.Entries.map((raw) => {
      const entry = entryFrom(raw);
      entry.Resources = [...(entry.Resources ?? []), ...appended];
      return entry;
    });
    const result = (await callForTask(cloud, req, EVENTBRIDGE, 'events', 'PutEvents', { Entries: entries })).result as unknown as PutEventsResult;
    if (result.FailedEntryCount > 0) throw new StatesError('EventBridge.FailedEntry', JSON.stringify(result));
    return result;
  });
}

/** A PutEvents entry from JSON where Detail may be an object and Time an ISO string or epoch ms. */
function entryFrom(raw: unknown): PutEventsRequestEntry {
  const e = (raw ?? {}) as Record<string, unknown>;
  const entry: PutEventsRequestEntry = {};
  if (typeof e.Source === 'string') entry.Source = e.Source;
  if (typeof e.DetailType === 'string') entry.DetailType = e.DetailType;
  if (e.Detail !== undefined) entry.Detail = typeof e.Detail === 'string' ? e.Detail : JSON.stringify(e.Detail);
  if (typeof e.EventBusName === 'string') entry.EventBusName = e.EventBusName;
  if (typeof e.TraceHeader === 'string') entry.TraceHeader = e.TraceHeader;
  if (Array.isArray(e.Resources)) entry.Resources = e.Resources.map(String);
  if (typeof e.Time === 'string' || typeof e.Time === 'number') {
    const t = new Date(e.Time);
    if (Number.isNaN(t.getTime())) throw new AwsError('ValidationException', `Invalid Time ${String(e.Time)}`);
    entry.Time = t;
  }
  return entry;
}

/**
 * The admin endpoint's body: `{"Entries": [PutEvents entries], "Account"?, "Region"?}`; an entry's
 * Detail may be a JSON object and its Time an ISO string or epoch milliseconds.
 */
export async function injectEvents(cloud: Cloud, body: unknown): Promise<PutEventsResult> {
  const b = (body ?? {}) as { Entries?: unknown; Account?: unknown; Region?: unknown };
  if (!Array.isArray(b.Entries) || b.Entries.length === 0) throw new AwsError('ValidationException', 'Body must be {"Entries": [...]} with at least one entry');
  const scope = { account: typeof b.Account === 'string' ? b.Account : DEFAULT_ACCOUNT, region: typeof b.Region === 'string' ? b.Region : DEFAULT_REGION };
  const entries = b.Entries.map(entryFrom);
  const events = await cloud.service<EventsService>('events');
  return events.putEvents(entries, scope, true);
}
