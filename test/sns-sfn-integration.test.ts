/** Step Functions' sns:publish integration: result shape, JSON messages, task tokens, errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { registerSnsIntegrations } from '../src/services/sns/integrations.js';
import { StatesError } from '../src/services/stepfunctions/asl/errors.js';
import { IntegrationRegistry, type TaskRequest } from '../src/services/stepfunctions/integrations/registry.js';
import { useNimbus } from './helpers.js';
import { clients, createQueue, drain } from './sns-helpers.js';

const h = useNimbus();
const c = clients(h);

function task(resource: string, parameters: unknown, registry: IntegrationRegistry, token?: string): Promise<unknown> {
  const resolved = registry.resolve(resource);
  assert.ok(resolved, `no integration for ${resource}`);
  const req: TaskRequest = {
    resource,
    parsed: resolved.parsed,
    pattern: resolved.parsed.pattern,
    parameters,
    token,
    stateName: 'Publish',
    execution: { arn: 'arn:aws:states:us-east-1:000000000000:execution:sm:run', region: 'us-east-1', account: '000000000000', name: 'run' },
    signal: new AbortController().signal,
    heartbeat() {},
  };
  return resolved.integration.call(req);
}

describe('sfn sns:publish', () => {
  it('publishes and answers with MessageId plus the SDK metadata Step Functions records', async () => {
    const registry = new IntegrationRegistry();
    registerSnsIntegrations(registry, h.nimbus.cloud);
    const { TopicArn } = await c.sns().send(new CreateTopicCommand({ Name: 'sfn' }));
    const q = await createQueue(c.sqs(), 'sfn-q');
    await c.sns().send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }));
    const out = (await task('arn:aws:states:::sns:publish', {
      TopicArn,
      Message: { order: 7 },
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } },
    }, registry)) as Record<string, any>;
    assert.deepEqual(Object.keys(out), ['MessageId', 'SdkHttpMetadata', 'SdkResponseMetadata']);
    assert.match(out.MessageId, /^[0-9a-f-]{36}$/);
    assert.equal(out.SdkHttpMetadata.HttpStatusCode, 200);
    assert.equal(out.SdkHttpMetadata.HttpHeaders['Content-Type'], 'text/xml');
    assert.equal(out.SdkHttpMetadata.HttpHeaders['x-amzn-RequestId'], out.SdkResponseMetadata.RequestId);
    assert.deepEqual(out.SdkHttpMetadata.AllHttpHeaders['x-amzn-RequestId'], [out.SdkResponseMetadata.RequestId]);
    const [m] = await drain(c.sqs(), q.url);
    const e = JSON.parse(m.Body!);
    assert.equal(e.MessageId, out.MessageId);
    assert.equal(e.Message, '{"order":7}');
    assert.deepEqual(e.MessageAttributes, { kind: { Type: 'String', Value: 'order' } });
  });

  it('sends the task token with .waitForTaskToken and reports FIFO sequence numbers', async () => {
    const registry = new IntegrationRegistry();
    registerSnsIntegrations(registry, h.nimbus.cloud);
    const { TopicArn } = await c.sns().send(new CreateTopicCommand({ Name: 'sfn.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } }));
    const q = await createQueue(c.sqs(), 'sfn-q.fifo', { FifoQueue: 'true' });
    await c.sns().send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: 'true' } }));
    const out = (await task('arn:aws:states:::sns:publish.waitForTaskToken', { TopicArn, Message: { token: 'tok-1' }, MessageGroupId: 'g' }, registry, 'tok-1')) as Record<string, any>;
    assert.match(out.SequenceNumber, /^\d{20}$/);
    const [m] = await drain(c.sqs(), q.url);
    assert.deepEqual(JSON.parse(m.Body!), { token: 'tok-1' });
  });

  it('fails the task with SNS.<Code>Exception and AWS cause wording', async () => {
    const registry = new IntegrationRegistry();
    registerSnsIntegrations(registry, h.nimbus.cloud);
    await assert.rejects(task('arn:aws:states:::sns:publish', { TopicArn: 'arn:aws:sns:us-east-1:000000000000:missing', Message: 'x' }, registry), (e: unknown) => {
      assert.ok(e instanceof StatesError);
      assert.equal(e.error, 'SNS.NotFoundException');
      assert.match(e.cause, /^Topic does not exist \(Service: AmazonSNS; Status Code: 404; Error Code: NotFound; Request ID: [0-9a-f-]{36}; Proxy: null\)$/);
      return true;
    });
  });
});
