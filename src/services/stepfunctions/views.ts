/** The output shapes of Describe* / List* built from store records, as AWS fills them. */
import type * as T from '../../generated/states.types.js';
import type { HistoryEvent } from './executor/execution.js';
import { notRedrivableReason } from './redrive.js';
import type { ActivityRecord, ExecutionRecord, MachineRevision, StateMachineRecord, VersionRecord } from './store.js';

export const describeMachine = (m: StateMachineRecord): T.DescribeStateMachineOutput => describeRevision(m, m.arn, m.revision, m.creationDate, m.status);

/** DescribeStateMachine on a version ARN: the version's snapshot, its description and publication date. */
export function describeVersion(v: VersionRecord): T.DescribeStateMachineOutput {
  const out = describeRevision(v.machine, v.arn, v.revision, v.creationDate, 'ACTIVE');
  if (v.description !== undefined) out.description = v.description;
  return out;
}

function describeRevision(m: StateMachineRecord, arn: string, r: MachineRevision, creationDate: Date, status: T.StateMachineStatus): T.DescribeStateMachineOutput {
  const out: T.DescribeStateMachineOutput = {
    stateMachineArn: arn,
    name: m.name,
    status,
    definition: r.definition,
    roleArn: r.roleArn,
    type: m.type,
    creationDate,
    loggingConfiguration: r.logging,
    tracingConfiguration: r.tracing,
  };
  if (r.revisionId !== undefined) out.revisionId = r.revisionId;
  if (r.encryption) out.encryptionConfiguration = r.encryption;
  return out;
}

export function describeMachineForExecution(e: ExecutionRecord): T.DescribeStateMachineForExecutionOutput {
  const r = e.revision;
  const out: T.DescribeStateMachineForExecutionOutput = {
    stateMachineArn: e.machine.arn,
    name: e.machine.name,
    definition: r.definition,
    roleArn: r.roleArn,
    updateDate: r.updateDate,
    loggingConfiguration: r.logging,
    tracingConfiguration: r.tracing,
  };
  if (r.revisionId !== undefined) out.revisionId = r.revisionId;
  if (r.encryption) out.encryptionConfiguration = r.encryption;
  return out;
}

export const machineListItem = (m: StateMachineRecord): T.StateMachineListItem => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: m.creationDate });

/** Input/output (unless METADATA_ONLY), error, cause and trace header of an execution's answer. */
export function withExecutionData(
  out: { input?: string; inputDetails?: T.CloudWatchEventsExecutionDataDetails; output?: string; outputDetails?: T.CloudWatchEventsExecutionDataDetails; error?: string; cause?: string; traceHeader?: string },
  input: string,
  run: { output?: string; error?: string; cause?: string },
  traceHeader: string | undefined,
  metadataOnly: boolean,
): void {
  if (!metadataOnly) {
    out.input = input;
    out.inputDetails = { included: true };
    if (run.output !== undefined) {
      out.output = run.output;
      out.outputDetails = { included: true };
    }
  }
  if (run.error !== undefined) out.error = run.error;
  if (run.cause !== undefined) out.cause = run.cause;
  if (traceHeader !== undefined) out.traceHeader = traceHeader;
}

export function describeExecution(e: ExecutionRecord, metadataOnly: boolean): T.DescribeExecutionOutput {
  const run = e.run;
  const out: T.DescribeExecutionOutput = { executionArn: e.arn, stateMachineArn: e.machine.arn, name: e.name, status: run.status, startDate: run.startDate };
  if (run.stopDate) out.stopDate = run.stopDate;
  withExecutionData(out, e.input, run, e.traceHeader, metadataOnly);
  if (e.version) out.stateMachineVersionArn = e.version.arn;
  if (e.alias) out.stateMachineAliasArn = e.alias.arn;
  out.redriveCount = run.redriveCount;
  if (run.redriveDate) out.redriveDate = run.redriveDate;
  const reason = notRedrivableReason(e, run.options.clock.now());
  if (reason === undefined) {
    out.redriveStatus = 'REDRIVABLE';
  } else {
    out.redriveStatus = 'NOT_REDRIVABLE';
    out.redriveStatusReason = reason;
  }
  return out;
}

export function executionListItem(e: ExecutionRecord): T.ExecutionListItem {
  const run = e.run;
  const out: T.ExecutionListItem = { executionArn: e.arn, stateMachineArn: e.machine.arn, name: e.name, status: run.status, startDate: run.startDate };
  if (run.stopDate) out.stopDate = run.stopDate;
  if (e.version) out.stateMachineVersionArn = e.version.arn;
  if (e.alias) out.stateMachineAliasArn = e.alias.arn;
  out.redriveCount = run.redriveCount;
  if (run.redriveDate) out.redriveDate = run.redriveDate;
  return out;
}

export const activityListItem = (a: ActivityRecord): T.ActivityListItem => ({ activityArn: a.arn, name: a.name, creationDate: a.creationDate });

const DATA_FIELDS = new Set(['input', 'inputDetails', 'output', 'outputDetails']);

/** GetExecutionHistory with includeExecutionData=false: the events without their input and output. */
export function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') {
      const details: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (!DATA_FIELDS.has(k)) details[k] = v;
      out[key] = details;
    } else {
      out[key] = value;
    }
  }
  return out as unknown as HistoryEvent;
}

export function tagList(tags: Map<string, string>): T.Tag[] {
  const out: T.Tag[] = [];
  for (const [key, value] of tags) out.push({ key, value });
  return out;
}
