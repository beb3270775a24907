/**
 * Where asynchronous invocation records go: SQS queues, SNS topics, Lambda functions and
 * EventBridge buses (through each service's in-process handlers), and dead-letter queues/topics.
 */
import type { Cloud } from '../../core/cloud.js';
import { AwsError } from '../../core/errors.js';
import { parseArn } from '../../core/ids.js';

const SUPPORTED = new Set(['sqs', 'sns', 'lambda', 'events']);

/** AWS refuses destinations that are not one of the four supported services. */
export function checkDestination(arn: string | undefined): void {
  if (arn === undefined) return;
  const p = parseArn(arn);
  if (!p || !SUPPORTED.has(p.service))
    throw new AwsError('InvalidParameterValueException', `The destination ARN ${arn} is invalid. Destinations must be an SQS queue, SNS topic, Lambda function or EventBridge event bus.`);
}

async function sendToQueue(cloud: Cloud, arn: string, body: string, attributes?: Record<string, string>): Promise<void> {
  const p = parseArn(arn)!;
  const scope = { account: p.account, region: p.region };
  const { QueueUrl } = (await cloud.call('sqs', 'GetQueueUrl', { QueueName: p.resource, QueueOwnerAWSAccountId: p.account }, scope)) as { QueueUrl: string };
  const MessageAttributes = attributes
    ? Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: k === 'ErrorCode' ? 'Number' : 'String', StringValue: v }]))
    : undefined;
  await cloud.call('sqs', 'SendMessage', { QueueUrl, MessageBody: body, ...(MessageAttributes ? { MessageAttributes } : {}) }, scope);
}

async function publishToTopic(cloud: Cloud, arn: string, message: string, attributes?: Record<string, string>): Promise<void> {
  const p = parseArn(arn)!;
  const MessageAttributes = attributes
    ? Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: k === 'ErrorCode' ? 'Number' : 'String', StringValue: v }]))
    : undefined;
  await cloud.call('sns', 'Publish', { TopicArn: arn, Message: message, ...(MessageAttributes ? { MessageAttributes } : {}) }, { account: p.account, region: p.region });
}

export async function deliverRecord(
  cloud: Cloud,
  arn: string,
  record: Record<string, unknown>,
  success: boolean,
  invokeAsync: (arn: string, payload: Buffer) => Promise<unknown>,
): Promise<void> {
  const p = parseArn(arn);
  const body = JSON.stringify(record);
  switch (p?.service) {
    case 'sqs':
      return sendToQueue(cloud, arn, body);
    case 'sns':
      return publishToTopic(cloud, arn, body);
    case 'lambda':
      await invokeAsync(arn, Buffer.from(body));
      return;
    case 'events':
      await cloud.call(
        'events',
        'PutEvents',
        { Entries: [{ Source: 'lambda', DetailType: `Lambda Function Invocation Result - ${success ? 'Success' : 'Failure'}`, Detail: body, EventBusName: arn }] },
        { account: p.account, region: p.region },
      );
      return;
    default:
      throw new Error(`unsupported destination ${arn}`);
  }
}

/** DeadLetterConfig: the original event, with the error in message attributes. */
export async function deliverToDeadLetter(cloud: Cloud, arn: string, event: string, attributes: Record<string, string>): Promise<void> {
  const service = parseArn(arn)?.service;
  if (service === 'sqs') return sendToQueue(cloud, arn, event, attributes);
  if (service === 'sns') return publishToTopic(cloud, arn, event, attributes);
  throw new Error(`unsupported dead-letter target ${arn}`);
}
