/**
 * What SNS delivers: the JSON notification envelope (SQS, HTTP/S, email-json), the Lambda event
 * record, and the SubscriptionConfirmation message. The envelope is printed the way AWS prints it
 * (Jackson's pretty printer: two-space indent, ` : ` separators, attribute values on one line).
 */
import type { MessageAttributeValue } from '../../generated/sns.types.js';
import { CERT_PATH, confirmationCanonical, notificationCanonical, signer } from './signing.js';

/** A published message as every subscription sees it (before per-protocol choices). */
export interface Notification {
  messageId: string;
  topicArn: string;
  subject?: string;
  /** The default message; per-protocol messages come from `structured`. */
  message: string;
  /** MessageStructure=json: protocol -> message (has `default`). */
  structured?: Record<string, string>;
  attributes?: Record<string, MessageAttributeValue>;
  timestamp: string;
  signatureVersion: string;
  sequenceNumber?: string;
  groupId?: string;
  dedupId?: string;
  /** Nimbus base URL, for SigningCertURL and UnsubscribeURL. */
  endpoint: string;
}

export interface EnvelopeAttribute {
  Type: string;
  Value: string;
}

/** The message a protocol receives: its own entry of a MessageStructure=json message, else default. */
export function messageFor(n: Notification, protocol: string): string {
  if (!n.structured) return n.message;
  return n.structured[protocol] ?? n.structured.default;
}

export function envelopeAttributes(attrs: Record<string, MessageAttributeValue> | undefined): Record<string, EnvelopeAttribute> | undefined {
  if (!attrs) return undefined;
  const out: Record<string, EnvelopeAttribute> = {};
  let any = false;
  for (const name of Object.keys(attrs)) {
    const a = attrs[name];
    out[name] = {
      Type: a.DataType,
      Value: a.BinaryValue !== undefined ? Buffer.from(a.BinaryValue).toString('base64') : (a.StringValue ?? ''),
    };
    any = true;
  }
  return any ? out : undefined;
}

export const signingCertUrl = (endpoint: string) => endpoint + CERT_PATH;

export const unsubscribeUrl = (endpoint: string, subscriptionArn: string) =>
  `${endpoint}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}&Version=2010-03-31`;

export const subscribeUrl = (endpoint: string, topicArn: string, token: string) =>
  `${endpoint}/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${token}&Version=2010-03-31`;

const line = (name: string, value: string) => `,\n  "${name}" : ${JSON.stringify(value)}`;

/**
 * Builds envelopes for one message and one protocol's text: the signed part is computed once and
 * only the UnsubscribeURL differs between subscriptions.
 */
export class EnvelopeBuilder {
  private readonly head: string;
  private readonly tail: string;
  readonly signature: string;

  constructor(n: Notification, message: string) {
    this.signature = signer().sign(
      notificationCanonical({ message, messageId: n.messageId, subject: n.subject, timestamp: n.timestamp, topicArn: n.topicArn, type: 'Notification' }),
      n.signatureVersion,
    );
    let head = `{\n  "Type" : "Notification"` + line('MessageId', n.messageId);
    if (n.sequenceNumber !== undefined) head += line('SequenceNumber', n.sequenceNumber);
    head += line('TopicArn', n.topicArn);
    if (n.subject !== undefined) head += line('Subject', n.subject);
    head +=
      line('Message', message) +
      line('Timestamp', n.timestamp) +
      line('SignatureVersion', n.signatureVersion) +
      line('Signature', this.signature) +
      line('SigningCertURL', signingCertUrl(n.endpoint));
    this.head = head;
    const attrs = envelopeAttributes(n.attributes);
    let tail = '';
    if (attrs) {
      const entries = Object.keys(attrs).map((k) => `    ${JSON.stringify(k)} : ${JSON.stringify(attrs[k])}`);
      tail = `,\n  "MessageAttributes" : {\n${entries.join(',\n')}\n  }`;
    }
    this.tail = tail + '\n}';
  }

  forSubscription(endpoint: string, subscriptionArn: string): string {
    return this.head + line('UnsubscribeURL', unsubscribeUrl(endpoint, subscriptionArn)) + this.tail;
  }
}

/** The event a Lambda function subscribed to a topic receives (one record per notification). */
export function lambdaEvent(n: Notification, message: string, subscriptionArn: string, signature: string): unknown {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: n.messageId,
          ...(n.sequenceNumber !== undefined ? { SequenceNumber: n.sequenceNumber } : {}),
          TopicArn: n.topicArn,
          Subject: n.subject ?? null,
          Message: message,
          Timestamp: n.timestamp,
          SignatureVersion: n.signatureVersion,
          Signature: signature,
          SigningCertUrl: signingCertUrl(n.endpoint),
          UnsubscribeUrl: unsubscribeUrl(n.endpoint, subscriptionArn),
          MessageAttributes: envelopeAttributes(n.attributes) ?? {},
        },
      },
    ],
  };
}

export interface Confirmation {
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  messageId: string;
  token: string;
  topicArn: string;
  message: string;
  subscribeUrl: string;
  timestamp: string;
  signatureVersion: string;
  endpoint: string;
}

export function confirmationMessage(topicArn: string): string {
  return `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`;
}

/** The SubscriptionConfirmation body posted to HTTP/S endpoints (and sent to email-json). */
export function confirmationEnvelope(c: Confirmation): string {
  const signature = signer().sign(
    confirmationCanonical({ message: c.message, messageId: c.messageId, subscribeUrl: c.subscribeUrl, timestamp: c.timestamp, token: c.token, topicArn: c.topicArn, type: c.type }),
    c.signatureVersion,
  );
  return (
    `{\n  "Type" : ${JSON.stringify(c.type)}` +
    line('MessageId', c.messageId) +
    line('Token', c.token) +
    line('TopicArn', c.topicArn) +
    line('Message', c.message) +
    line('SubscribeURL', c.subscribeUrl) +
    line('Timestamp', c.timestamp) +
    line('SignatureVersion', c.signatureVersion) +
    line('Signature', signature) +
    line('SigningCertURL', signingCertUrl(c.endpoint)) +
    '\n}'
  );
}
