/**
 * The in-process interface other services use to reach SQS (SNS fan-out, EventBridge targets, Step
 * Functions' sqs:sendMessage, Lambda event source mappings): `await cloud.service<SqsService>('sqs')`.
 *
 * A queue is named by its ARN, its URL (any host) or, with `scope` (default account and region), its
 * name. Calls validate like the API does and throw the same AwsErrors (QueueDoesNotExist, ...).
 */
import type {
  Message,
  MessageAttributeValue,
  MessageSystemAttributeName,
  MessageSystemAttributeValue,
  SendMessageResult,
} from '../../generated/sqs.types.js';
import type { ServiceInstance } from '../types.js';

export interface SqsScope {
  account?: string;
  region?: string;
}

export interface SqsSendOptions {
  /** Standard queues only (FIFO queues use the queue's delay). */
  delaySeconds?: number;
  /** AWSTraceHeader. */
  systemAttributes?: Record<string, MessageSystemAttributeValue>;
  /** The SenderId attribute; defaults to the queue's account. */
  senderId?: string;
  scope?: SqsScope;
}

export interface SqsReceiveOptions {
  /** 1 to 10 (default 1). */
  maxMessages?: number;
  /** Long poll, 0 to 20 (default: the queue's ReceiveMessageWaitTimeSeconds). */
  waitSeconds?: number;
  /** Default: the queue's VisibilityTimeout. */
  visibilityTimeout?: number;
  /** System attributes to return in `Attributes` (`All` for every one). */
  attributeNames?: MessageSystemAttributeName[];
  /** Message attributes to return (`All`, `.*`, `prefix.*` or names). */
  messageAttributeNames?: string[];
  /** Ends a long poll early with no messages. */
  signal?: AbortSignal;
  scope?: SqsScope;
}

export interface SqsQueueInfo {
  name: string;
  arn: string;
  /** URL on the Nimbus endpoint. */
  url: string;
  account: string;
  region: string;
  fifo: boolean;
}

export interface SqsService extends ServiceInstance {
  sendMessage(
    queue: string,
    body: string,
    attributes?: Record<string, MessageAttributeValue>,
    groupId?: string,
    dedupId?: string,
    options?: SqsSendOptions,
  ): SendMessageResult;
  receive(queue: string, options?: SqsReceiveOptions): Promise<Message[]>;
  deleteMessage(queue: string, receiptHandle: string, scope?: SqsScope): void;
  changeMessageVisibility(queue: string, receiptHandle: string, visibilityTimeout: number, scope?: SqsScope): void;
  /** The queue's identity; throws QueueDoesNotExist. */
  getQueue(queue: string, scope?: SqsScope): SqsQueueInfo;
  /** GetQueueAttributes' answer for `names` (default All). */
  getQueueAttributes(queue: string, names?: string[], scope?: SqsScope): Record<string, string>;
}
