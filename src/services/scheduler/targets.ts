/**
 * Invoking a schedule's target: templated targets (Lambda, Step Functions, SQS, SNS, an EventBridge
 * bus) and universal targets `arn:aws:scheduler:::aws-sdk:<service>:<action>`, which call the
 * named Nimbus API in process with the schedule's Input as the request.
 */
import type { Cloud } from '../../core/cloud.js';
import { AwsError } from '../../core/errors.js';
import { parseArn } from '../../core/ids.js';
import type { Target } from '../../generated/scheduler.types.js';
import { sendToTarget, targetKind, type Scope } from '../events/dispatch.js';

/** SDK service names (as in universal target ARNs) whose Nimbus signing name differs. */
const SIGNING_NAMES: Record<string, string> = { sfn: 'states', eventbridge: 'events', cloudwatch: 'monitoring', cloudwatchlogs: 'logs' };

export interface UniversalTarget {
  service: string;
  operation: string;
}

export function parseUniversalTarget(targetArn: string): UniversalTarget | undefined {
  const m = /^arn:[^:]+:scheduler:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)$/.exec(targetArn);
  if (!m) return undefined;
  return { service: SIGNING_NAMES[m[1]] ?? m[1], operation: m[2][0].toUpperCase() + m[2].slice(1) };
}

export interface InvocationContext {
  scheduleArn: string;
  /** The time the schedule was due (ISO 8601). */
  scheduledTime: string;
  executionId: string;
  attempt: number;
}

/** Fills the context attributes EventBridge Scheduler offers in a target's Input. */
export function renderInput(input: string | undefined, c: InvocationContext): string | undefined {
  if (input === undefined) return undefined;
  return input
    .replaceAll('<aws.scheduler.schedule-arn>', c.scheduleArn)
    .replaceAll('<aws.scheduler.scheduled-time>', c.scheduledTime)
    .replaceAll('<aws.scheduler.execution-id>', c.executionId)
    .replaceAll('<aws.scheduler.attempt-number>', String(c.attempt));
}

export async function invokeTarget(cloud: Cloud, target: Target, input: string | undefined, scope: Scope, c: InvocationContext): Promise<void> {
  const universal = parseUniversalTarget(target.Arn);
  if (universal) {
    let request: unknown = {};
    if (input !== undefined) {
      try {
        request = JSON.parse(input);
      } catch {
        throw new AwsError('ValidationException', `Input of universal target ${target.Arn} is not valid JSON`);
      }
    }
    await cloud.call(universal.service, universal.operation, request as Record<string, unknown>, scope);
    return;
  }
  const kind = targetKind(target.Arn);
  if (kind === 'event-bus') {
    const p = target.EventBridgeParameters;
    const result = (await cloud.call(
      'events',
      'PutEvents',
      { Entries: [{ EventBusName: target.Arn, Source: p?.Source, DetailType: p?.DetailType, Detail: input ?? '{}', Resources: [c.scheduleArn] }] },
      scopeOf(target.Arn, scope),
    )) as { FailedEntryCount?: number; Entries?: { ErrorCode?: string; ErrorMessage?: string }[] };
    const failed = result.Entries?.[0];
    if (result.FailedEntryCount && failed) throw new AwsError(failed.ErrorCode ?? 'InternalException', failed.ErrorMessage ?? 'PutEvents failed', 400);
    return;
  }
  const fifo = kind === 'sqs' && target.Arn.endsWith('.fifo');
  await sendToTarget(cloud, target.Arn, input ?? '{}', scope, { messageGroupId: target.SqsParameters?.MessageGroupId, deduplicationId: fifo ? c.executionId : undefined });
}

function scopeOf(targetArn: string, scope: Scope): Scope {
  const a = parseArn(targetArn);
  return { account: a?.account || scope.account, region: a?.region || scope.region };
}

/** CreateSchedule's checks of the target. */
export function validateTarget(t: Target): void {
  if (t.Arn.startsWith('arn:aws:scheduler:') || /^arn:[^:]+:scheduler:/.test(t.Arn)) {
    if (!parseUniversalTarget(t.Arn)) throw new AwsError('ValidationException', `Invalid target ARN ${t.Arn}.`);
    return;
  }
  const kind = targetKind(t.Arn);
  if (kind === 'unsupported') throw new AwsError('ValidationException', `Nimbus does not invoke targets like ${t.Arn}: use Lambda, Step Functions, SQS, SNS, an EventBridge bus or a universal target.`);
  if (kind === 'event-bus' && !t.EventBridgeParameters) throw new AwsError('ValidationException', 'EventBridgeParameters must be provided for an EventBridge target.');
  if (kind === 'sqs' && t.Arn.endsWith('.fifo') && !t.SqsParameters?.MessageGroupId) throw new AwsError('ValidationException', 'SqsParameters.MessageGroupId must be provided for a FIFO queue target.');
}
