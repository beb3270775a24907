/** Shared pieces of the Step Functions API tests (SDK client, waiting for executions, errors). */
import assert from 'node:assert/strict';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type DescribeExecutionOutput, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { StepFunctionsService } from '../src/services/stepfunctions/api.js';
import type { RunningNimbus } from '../src/index.js';
import { clientConfig } from './helpers.js';

export const ROLE = 'arn:aws:iam::000000000000:role/StepFunctionsRole';

/** StartSyncExecution has the `sync-` host prefix, which a local endpoint cannot take. */
export const sfnClient = (endpoint: string): SFNClient => new SFNClient({ ...clientConfig(endpoint), disableHostPrefix: true });

export const states = (nimbus: RunningNimbus): Promise<StepFunctionsService> => nimbus.cloud.service<StepFunctionsService>('states');

export const definition = (d: object): string => JSON.stringify(d);

/** Polls DescribeExecution until the execution is no longer RUNNING. */
export async function finished(sfn: SFNClient, executionArn: string, limitMs = 5000): Promise<DescribeExecutionOutput> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    if (Date.now() > deadline) throw new Error(`execution ${executionArn} still RUNNING after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Polls GetExecutionHistory until `pred` holds for the events. */
export async function historyUntil(sfn: SFNClient, executionArn: string, pred: (events: HistoryEvent[]) => boolean, limitMs = 5000): Promise<HistoryEvent[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    if (pred(events)) return events;
    if (Date.now() > deadline) throw new Error(`history condition not met after ${limitMs} ms: ${events.map((e) => e.type).join(',')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
}

/** [id, previousEventId, type] of each event. */
export const shape = (events: HistoryEvent[]): [number | undefined, number | undefined, string | undefined][] =>
  events.map((e) => [e.id, e.previousEventId, e.type]);

/** Asserts `promise` rejects with the AWS error `code` (and `message` when given). */
export async function rejectsWith(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(promise, (err: any) => {
    assert.equal(err.name, code, `expected ${code}, got ${err.name}: ${err.message}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}
