/**
 * SNS fan-out to ten SQS queues over loopback with the AWS SDK, Nimbus against moto_server in the
 * same run: messages published per second (Publish calls answered) and deliveries per second
 * (messages landed in the ten queues, counted until every one has arrived).
 *
 *   npx tsx bench/sns.ts [--messages 500] [--concurrency 16]
 */
import { CreateTopicCommand, ListTopicsCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { arg, startPeers, stop, table, withClient } from './lib.js';

const QUEUES = 10;
const DELIVERY_LIMIT_MS = 120_000;
const WARMUP = 100;

interface Figure {
  publishSeconds: number;
  publishedPerSecond: number;
  deliverySeconds: number;
  deliveriesPerSecond: number;
}

function config(endpoint: string) {
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
}


async function publishAll(sns: SNSClient, topicArn: string, count: number, concurrency: number, prefix: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: `${prefix} message ${i} ${'x'.repeat(200)}`, MessageAttributes: { n: { DataType: 'Number', StringValue: String(i) } } }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function queued(sqs: SQSClient, urls: string[]): Promise<number> {
  const counts = await Promise.all(
    urls.map(async (QueueUrl) => Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.ApproximateNumberOfMessages ?? 0)),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function measure(name: string, endpoint: string, messages: number, concurrency: number): Promise<Figure> {
  const sns = new SNSClient(config(endpoint));
  const sqs = new SQSClient(config(endpoint));
  try {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'bench-fanout' }));
    const urls: string[] = [];
    for (let i = 0; i < QUEUES; i++) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-fanout-${i}` }));
      const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: arn }));
      urls.push(QueueUrl!);
    }
    await publishAll(sns, TopicArn!, WARMUP, concurrency, 'warmup');
    const base = await waitForCount(sqs, urls, WARMUP * QUEUES, name);
    const t0 = process.hrtime.bigint();
    await publishAll(sns, TopicArn!, messages, concurrency, 'bench');
    const publishSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await waitForCount(sqs, urls, base + messages * QUEUES, name);
    const deliverySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { publishSeconds, publishedPerSecond: messages / publishSeconds, deliverySeconds, deliveriesPerSecond: (messages * QUEUES) / deliverySeconds };
  } finally {
    sns.destroy();
    sqs.destroy();
  }
}

async function waitForCount(sqs: SQSClient, urls: string[], expected: number, name: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    const n = await queued(sqs, urls);
    if (n >= expected) return n;
    if (Date.now() - started > DELIVERY_LIMIT_MS) throw new Error(`${name}: only ${n} of ${expected} deliveries after ${DELIVERY_LIMIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}


async function main(): Promise<void> {
  const messages = arg('messages', 500);
  const concurrency = arg('concurrency', 16);
  const { nimbus, moto, nimbusEndpoint, motoEndpoint } = await startPeers((endpoint) => withClient(new SNSClient(config(endpoint)), (c) => c.send(new ListTopicsCommand({}))));
  try {
    const n = await measure('Nimbus', nimbusEndpoint, messages, concurrency);
    process.stderr.write('Nimbus: done\n');
    const m = await measure('moto_server', motoEndpoint, messages, concurrency);
    process.stderr.write('moto_server: done\n');
    console.log(`\nSNS fan-out to ${QUEUES} SQS queues over loopback, AWS SDK v3 (${messages} publishes, concurrency ${concurrency})\n`);
    console.log(
      table([
        ['server', 'publish s', 'published/s', 'all delivered s', 'deliveries/s'],
        ['Nimbus', n.publishSeconds.toFixed(2), Math.round(n.publishedPerSecond), n.deliverySeconds.toFixed(2), Math.round(n.deliveriesPerSecond)],
        ['moto_server', m.publishSeconds.toFixed(2), Math.round(m.publishedPerSecond), m.deliverySeconds.toFixed(2), Math.round(m.deliveriesPerSecond)],
      ]),
    );
    console.log(`\nPublished per second: Nimbus is ${(n.publishedPerSecond / m.publishedPerSecond).toFixed(1)}x moto_server`);
    console.log(`Deliveries per second: Nimbus is ${(n.deliveriesPerSecond / m.deliveriesPerSecond).toFixed(1)}x moto_server`);
  } finally {
    await Promise.all([stop(nimbus), stop(moto)]);
  }
}

await main();
