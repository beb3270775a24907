/** AddPermission / RemovePermission: statements in the queue's Policy attribute, keyed by label (Sid). */
import { rootArn } from '../../core/ids.js';
import { invalidParameter } from './errors.js';
import type { Queue } from './queue.js';

const SHARED_ACTIONS = new Set([
  '*',
  'SendMessage',
  'ReceiveMessage',
  'DeleteMessage',
  'ChangeMessageVisibility',
  'GetQueueAttributes',
  'GetQueueUrl',
  'ListDeadLetterSourceQueues',
  'PurgeQueue',
  'ListQueueTags',
  'StartMessageMoveTask',
  'ListMessageMoveTasks',
  'CancelMessageMoveTask',
]);
const OWNER_ONLY_ACTIONS = new Set(['CreateQueue', 'DeleteQueue', 'SetQueueAttributes', 'AddPermission', 'RemovePermission', 'TagQueue', 'UntagQueue', 'ListQueues']);
const LABEL = /^[\w-]{1,80}$/;

interface Statement {
  Sid: string;
  [k: string]: unknown;
}

interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement?: Statement[] | Statement;
  [k: string]: unknown;
}

function currentPolicy(q: Queue): PolicyDocument | undefined {
  return q.attributes.Policy ? (JSON.parse(q.attributes.Policy) as PolicyDocument) : undefined;
}

const statementsOf = (doc: PolicyDocument | undefined): Statement[] =>
  !doc?.Statement ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];

const single = <T>(items: T[]): T | T[] => (items.length === 1 ? items[0] : items);

/** The new Policy attribute value with a statement for `label` added. */
export function addPermission(q: Queue, label: string, accountIds: string[], actions: string[]): string {
  if (!LABEL.test(label)) throw invalidParameter('Label', label, 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.');
  if (!accountIds.length) throw invalidParameter('AWSAccountIds', '[]', 'At least one account ID is required.');
  if (!actions.length) throw invalidParameter('Actions', '[]', 'At least one action is required.');
  for (const action of actions) {
    if (OWNER_ONLY_ACTIONS.has(action)) throw invalidParameter('ActionName', `SQS:${action}`, 'Only the queue owner is allowed to invoke this action.');
    if (!SHARED_ACTIONS.has(action)) throw invalidParameter('ActionName', `SQS:${action}`, 'Please refer to the appropriate WSDL for a list of valid actions.');
  }
  const doc = currentPolicy(q) ?? { Version: '2008-10-17', Id: `${q.arn}/SQSDefaultPolicy` };
  const statements = statementsOf(doc);
  if (statements.some((s) => s.Sid === label)) throw invalidParameter('Label', label, 'Already exists.');
  statements.push({
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: single(accountIds.map((id) => rootArn(id, q.region))) },
    Action: single(actions.map((a) => `SQS:${a}`)),
    Resource: q.arn,
  });
  doc.Statement = statements;
  return JSON.stringify(doc);
}

/** The new Policy attribute value without the statement for `label` ('' when none is left). */
export function removePermission(q: Queue, label: string): string {
  const doc = currentPolicy(q);
  const statements = statementsOf(doc);
  const kept = statements.filter((s) => s.Sid !== label);
  if (!doc || kept.length === statements.length) throw invalidParameter('Label', label, "can't find label.");
  if (!kept.length) return '';
  doc.Statement = kept;
  return JSON.stringify(doc);
}
