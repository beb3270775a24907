/**
 * Sends a payload to a target ARN through the target service's in-process interface or its API
 * (`cloud.call`). Shared by EventBridge rule targets and EventBridge Scheduler templated targets.
 * A rejected promise is a failed delivery (retried, then dead-lettered, by the caller).
 */
import type { Cloud } from '../../core/cloud.js';
import { AwsError } from '../../core/errors.js';
import { parseArn } from '../../core/ids.js';
import type { MessageAttributeValue } from '../../generated/sqs.types.js';
import type { SqsService } from '../sqs/types.js';

export interface Scope {
  account: string;
  region: string;
}

export interface SqsDelivery {
  messageGroupId?: string;
  deduplicationId?: string;
  attributes?: Record<string, MessageAttributeValue>;
}

export type TargetKind = 'sqs' | 'sns' | 'lambda' | 'states' | 'event-bus' | 'unsupported';

export function targetKind(targetArn: string): TargetKind {
  const a = parseArn(targetArn);
  if (!a) return 'unsupported';
  if (a.service === 'sqs') return 'sqs';
  if (a.service === 'sns') return 'sns';
  if (a.service === 'lambda' && a.resource.startsWith('function:')) return 'lambda';
  if (a.service === 'states' && a.resource.startsWith('stateMachine:')) return 'states';
  if (a.service === 'events' && a.resource.startsWith('event-bus/')) return 'event-bus';
  return 'unsupported';
}

export async function sendToSqs(cloud: Cloud, queueArn: string, body: string, scope: Scope, d: SqsDelivery = {}): Promise<void> {
  const sqs = await cloud.service<SqsService>('sqs');
  if (typeof sqs.sendMessage === 'function') {
    sqs.sendMessage(queueArn, body, d.attributes, d.messageGroupId, d.deduplicationId, { scope });
    return;
  }
  const a = parseArn(queueArn);
  if (!a) throw new AwsError('ValidationException', `Invalid queue ARN ${queueArn}`);
  const { QueueUrl } = (await cloud.call('sqs', 'GetQueueUrl', { QueueName: a.resource, QueueOwnerAWSAccountId: a.account }, scope)) as { QueueUrl: string };
  const input: Record<string, unknown> = { QueueUrl, MessageBody: body };
  if (d.messageGroupId !== undefined) input.MessageGroupId = d.messageGroupId;
  if (d.deduplicationId !== undefined) input.MessageDeduplicationId = d.deduplicationId;
  if (d.attributes) input.MessageAttributes = d.attributes;
  await cloud.call('sqs', 'SendMessage', input, scope);
}

/** Delivers to an SQS queue, SNS topic, Lambda function (asynchronous invoke) or state machine. */
export async function sendToTarget(cloud: Cloud, targetArn: string, payload: string, scope: Scope, sqs: SqsDelivery = {}): Promise<void> {
  const a = parseArn(targetArn);
  const at = a ? { account: a.account || scope.account, region: a.region || scope.region } : scope;
  switch (targetKind(targetArn)) {
    case 'sqs':
      return sendToSqs(cloud, targetArn, payload, at, sqs);
    case 'sns':
      await cloud.call('sns', 'Publish', { TopicArn: targetArn, Message: payload }, at);
      return;
    case 'lambda':
      await cloud.call('lambda', 'Invoke', { FunctionName: targetArn, InvocationType: 'Event', Payload: Buffer.from(payload) }, at);
      return;
    case 'states':
      await cloud.call('states', 'StartExecution', { stateMachineArn: targetArn, input: payload }, at);
      return;
    default:
      throw new AwsError('NotImplemented', `Nimbus does not deliver to targets like ${targetArn}`, 501);
  }
}
