/** Unit tests: the envelope's exact text (AWS's pretty printing, field order) and HTTP retry delays. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelaySeconds } from '../src/services/sns/delivery.js';
import { EnvelopeBuilder, lambdaEvent, messageFor, type Notification } from '../src/services/sns/envelope.js';

const base: Notification = {
  messageId: '11111111-2222-3333-4444-555555555555',
  topicArn: 'arn:aws:sns:us-east-1:000000000000:t.fifo',
  message: 'line1\nline2 "q"',
  timestamp: '2026-01-02T03:04:05.678Z',
  signatureVersion: '1',
  endpoint: 'http://localhost:4566',
};

describe('sns envelope text', () => {
  it('prints fields in AWS order with Jackson spacing, SequenceNumber for FIFO, attributes one per line', () => {
    const n: Notification = { ...base, sequenceNumber: '10000000000000000001', subject: 'S', attributes: { b: { DataType: 'Binary', BinaryValue: new Uint8Array([255]) }, a: { DataType: 'String', StringValue: 'x' } } };
    const env = new EnvelopeBuilder(n, n.message);
    const text = env.forSubscription(n.endpoint, `${n.topicArn}:sub`);
    const lines = text.split('\n');
    assert.equal(lines[0], '{');
    assert.equal(lines[1], '  "Type" : "Notification",');
    assert.equal(lines[2], `  "MessageId" : "${n.messageId}",`);
    assert.equal(lines[3], '  "SequenceNumber" : "10000000000000000001",');
    assert.equal(lines[4], `  "TopicArn" : "${n.topicArn}",`);
    assert.equal(lines[5], '  "Subject" : "S",');
    assert.equal(lines[6], '  "Message" : "line1\\nline2 \\"q\\"",');
    assert.equal(lines[7], '  "Timestamp" : "2026-01-02T03:04:05.678Z",');
    assert.equal(lines[8], '  "SignatureVersion" : "1",');
    assert.match(lines[9], /^ {2}"Signature" : "[A-Za-z0-9+/=]{344}",$/);
    assert.equal(lines[10], '  "SigningCertURL" : "http://localhost:4566/_nimbus/sns/SimpleNotificationService-nimbus.pem",');
    assert.equal(lines[11], `  "UnsubscribeURL" : "http://localhost:4566/?Action=Unsubscribe&SubscriptionArn=${n.topicArn}:sub&Version=2010-03-31",`);
    assert.equal(lines[12], '  "MessageAttributes" : {');
    assert.equal(lines[13], '    "b" : {"Type":"Binary","Value":"/w=="},');
    assert.equal(lines[14], '    "a" : {"Type":"String","Value":"x"}');
    assert.equal(lines[15], '  }');
    assert.equal(lines[16], '}');
    assert.equal(JSON.parse(text).Message, n.message);
  });

  it('shares one signature across subscriptions and builds the Lambda record', () => {
    const env = new EnvelopeBuilder(base, base.message);
    const a = JSON.parse(env.forSubscription(base.endpoint, 'arn:a'));
    const b = JSON.parse(env.forSubscription(base.endpoint, 'arn:b'));
    assert.equal(a.Signature, b.Signature);
    assert.notEqual(a.UnsubscribeURL, b.UnsubscribeURL);
    const ev = lambdaEvent(base, base.message, 'arn:a', env.signature) as { Records: { Sns: Record<string, unknown> }[] };
    assert.equal(ev.Records[0].Sns.Signature, env.signature);
    assert.deepEqual(ev.Records[0].Sns.MessageAttributes, {});
  });

  it('picks the protocol entry of a structured message, else default', () => {
    const n = { ...base, structured: { default: 'd', sqs: 's' } };
    assert.equal(messageFor(n, 'sqs'), 's');
    assert.equal(messageFor(n, 'http'), 'd');
    assert.equal(messageFor(base, 'sqs'), base.message);
  });
});

describe('sns HTTP retry delays', () => {
  const policy = { minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear' };

  it('default policy: three retries 20 seconds apart', () => {
    assert.deepEqual([1, 2, 3].map((n) => retryDelaySeconds(policy, n)), [20, 20, 20]);
  });

  it('phases: no-delay, minimum, backoff (linear or exponential), maximum', () => {
    const p = { ...policy, minDelayTarget: 1, maxDelayTarget: 16, numRetries: 8, numNoDelayRetries: 1, numMinDelayRetries: 1, numMaxDelayRetries: 1 };
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelaySeconds(p, n)), [0, 1, 1, 5, 9, 12, 16, 16]);
    const e = { ...p, backoffFunction: 'exponential' };
    assert.deepEqual([3, 5, 7].map((n) => retryDelaySeconds(e, n)), [1, 4, 16]);
  });
});
