/**
 * SQS send -> receive -> delete throughput over loopback with the AWS SDK v3, Nimbus against
 * moto_server (the peer) in the same run. Each server runs in its own process, and so do the SDK
 * clients (child processes of this one, like user programs). The workload is bounded and identical
 * for both servers: `messages` messages through one standard queue, each client looping
 * SendMessageBatch (10) -> ReceiveMessage (up to 10) -> DeleteMessageBatch until every message is
 * deleted. Measured with one client and with eight concurrent clients.
 *
 *   npx tsx bench/sqs.ts [--messages 10000] [--processes 2]
 *   npm run bench -- sqs [options]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { arg, startPeers, stop, table, withClient } from './lib.js';

const BATCH = 10;
const WARMUP_BATCHES = 30;
const BODY = JSON.stringify({ orderId: 'o-000000', amount: 42.5, items: ['a', 'b', 'c'], note: 'x'.repeat(64) });

function client(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}

/** Orders from the bench process to a client process, and its answers. */
type Order = { run: { endpoint: string; url: string; clients: number; batches: number } } | 'go' | 'stop';
type Report = 'ready' | { deleted: number } | 'done' | { failed: string };

/**
 * One client: sends its `batches` batches, receiving and deleting as it goes, and keeps receiving
 * (other clients' messages too) until told to stop.
 */
async function pipeline(sqs: SQSClient, url: string, batches: { left: number }, stopped: () => boolean, deleted: (n: number) => void): Promise<void> {
  while (!stopped()) {
    if (batches.left > 0) {
      batches.left--;
      const entries = Array.from({ length: BATCH }, (_, i) => ({ Id: `m${i}`, MessageBody: BODY }));
      const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
      if (sent.Successful?.length !== BATCH) throw new Error(`SendMessageBatch failed: ${JSON.stringify(sent.Failed)}`);
    }
    const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: BATCH }))).Messages ?? [];
    if (!got.length) continue;
    const out = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: got.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
    deleted(out.Successful?.length ?? 0);
  }
}

/** A client process: warms its clients up on a queue of its own, then runs them on the shared one. */
async function clientProcess(): Promise<void> {
  const report = (r: Report) => process.send!(r);
  const orders: ((o: Order) => void)[] = [];
  let stopRequested = false;
  process.on('message', (o: Order) => {
    if (o === 'stop') stopRequested = true;
    else orders.shift()?.(o);
  });
  const next = () => new Promise<Order>((resolve) => orders.push(resolve));
  const order = await next();
  if (typeof order !== 'object') throw new Error('expected a run order');
  const { endpoint, url, clients, batches } = order.run;
  const sqs = Array.from({ length: clients }, () => client(endpoint));
  try {
    const warmUrl = (await sqs[0].send(new CreateQueueCommand({ QueueName: `warm-${process.pid}-${Date.now()}` }))).QueueUrl!;
    const warmBatches = { left: WARMUP_BATCHES };
    let warmDeleted = 0;
    const warmDone = () => warmDeleted >= WARMUP_BATCHES * BATCH;
    await Promise.all(sqs.map((s) => pipeline(s, warmUrl, warmBatches, warmDone, (n) => (warmDeleted += n))));
    await sqs[0].send(new DeleteQueueCommand({ QueueUrl: warmUrl }));
    report('ready');
    await next();
    const mine = { left: batches };
    await Promise.all(sqs.map((s) => pipeline(s, url, mine, () => stopRequested, (n) => report({ deleted: n }))));
    report('done');
  } catch (err) {
    report({ failed: (err as Error).message });
  }
  process.disconnect();
}


interface Figure {
  seconds: number;
  perSecond: number;
  /** CPU the server process (and its children) used per message: robust when other jobs share the cores. */
  serverCpuMicros: number;
  /** CPU the SDK client processes used per message. */
  clientCpuMicros: number;
}

/** CPU milliseconds used so far by a process and its descendants (Linux /proc). */
function cpuMs(pid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  let ticks = 0;
  const visit = (p: number) => {
    ticks += stats.get(p)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === p) visit(child);
  };
  visit(pid);
  return ticks * 10;
}

/** Moves `messages` messages through a fresh queue with `clients` clients spread over `processes` processes. */
async function measure(name: string, endpoint: string, server: ChildProcess, messages: number, clients: number, processes: number): Promise<Figure> {
  const setup = client(endpoint);
  const url = (await setup.send(new CreateQueueCommand({ QueueName: `bench-${clients}-${Date.now()}` }))).QueueUrl!;
  const batches = Math.ceil(messages / BATCH);
  const moved = batches * BATCH;
  const count = Math.min(processes, clients);
  const children = Array.from({ length: count }, (_, i) => {
    const child = fork(fileURLToPath(import.meta.url), ['--client'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const share = (n: number) => Math.floor(n / count) + (i < n % count ? 1 : 0);
    child.send({ run: { endpoint, url, clients: share(clients), batches: share(batches) } } satisfies Order);
    return child;
  });
  let deleted = 0;
  let finished: (() => void) | undefined;
  let failed: ((err: Error) => void) | undefined;
  const allDeleted = new Promise<void>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });
  let ready = 0;
  let readyAll: () => void;
  const allReady = new Promise<void>((resolve) => (readyAll = resolve));
  let done = 0;
  let doneAll: () => void;
  const allDone = new Promise<void>((resolve) => (doneAll = resolve));
  for (const child of children) {
    child.on('message', (r: Report) => {
      if (r === 'ready') {
        if (++ready === count) readyAll();
      } else if (r === 'done') {
        if (++done === count) doneAll();
      } else if ('deleted' in r) {
        deleted += r.deleted;
        if (deleted >= moved) finished?.();
      } else failed?.(new Error(`${name}: ${r.failed}`));
    });
    child.on('exit', (code) => code && failed?.(new Error(`${name}: a client process exited with code ${code}`)));
  }
  try {
    await Promise.race([allReady, allDeleted]);
    const cpu0 = cpuMs(server.pid!);
    const clientCpu0 = children.reduce((sum, c) => sum + cpuMs(c.pid!), 0);
    const t0 = process.hrtime.bigint();
    for (const child of children) child.send('go' satisfies Order);
    await allDeleted;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const serverCpu = cpuMs(server.pid!) - cpu0;
    const clientCpu = children.reduce((sum, c) => sum + cpuMs(c.pid!), 0) - clientCpu0;
    for (const child of children) child.send('stop' satisfies Order);
    await allDone;
    const left = (await setup.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
    if (left.ApproximateNumberOfMessages !== '0' || left.ApproximateNumberOfMessagesNotVisible !== '0')
      throw new Error(`${name}: messages left in the queue (${left.ApproximateNumberOfMessages} visible, ${left.ApproximateNumberOfMessagesNotVisible} in flight)`);
    return { seconds, perSecond: moved / seconds, serverCpuMicros: (serverCpu * 1000) / moved, clientCpuMicros: (clientCpu * 1000) / moved };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
    await setup.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => undefined);
    setup.destroy();
  }
}


/** send -> receive -> delete in batches of BATCH with plain HTTP requests (awsJson1_0), `loops` at a time. */
async function rawThroughput(endpoint: string, messages: number, loops: number): Promise<{ perSecond: number }> {
  const { port } = new URL(endpoint);
  const agent = new HttpAgent({ keepAlive: true, maxSockets: loops });
  const call = (target: string, body: object) =>
    new Promise<any>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          agent,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': `AmazonSQS.${target}`,
            authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text || '{}')) : reject(new Error(`${target}: ${res.statusCode} ${text}`))));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  const { QueueUrl } = await call('CreateQueue', { QueueName: `raw-${Date.now()}` });
  const entries = Array.from({ length: BATCH }, (_, i) => ({ Id: String(i), MessageBody: `message ${i}` }));
  let sent = 0;
  let received = 0;
  const t0 = process.hrtime.bigint();
  const loop = async () => {
    while (received < messages) {
      if (sent < messages) {
        sent += BATCH;
        await call('SendMessageBatch', { QueueUrl, Entries: entries });
      }
      const { Messages = [] } = await call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: BATCH, WaitTimeSeconds: 0 });
      if (!Messages.length) continue;
      received += Messages.length;
      await call('DeleteMessageBatch', { QueueUrl, Entries: Messages.map((m: any, i: number) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) });
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  return { perSecond: received / seconds };
}

async function main(): Promise<void> {
  const messages = arg('messages', 10_000);
  const processes = arg('processes', 2);

  const { nimbus, moto, nimbusEndpoint, motoEndpoint } = await startPeers((endpoint) => withClient(client(endpoint), (c) => c.send(new ListQueuesCommand({}))));
  try {
    const rows: (string | number)[][] = [['server', 'clients', 'seconds', 'msgs/s', 'server CPU µs/msg', 'SDK CPU µs/msg']];
    const figures: Record<string, Figure> = {};
    for (const clients of [1, 8]) {
      for (const [name, endpoint, server] of [
        ['Nimbus', nimbusEndpoint, nimbus],
        ['moto_server', motoEndpoint, moto],
      ] as const) {
        const f = await measure(name, endpoint, server, messages, clients, processes);
        figures[`${name}/${clients}`] = f;
        rows.push([name, clients, f.seconds.toFixed(2), Math.round(f.perSecond), Math.round(f.serverCpuMicros), Math.round(f.clientCpuMicros)]);
        process.stderr.write(`${name}, ${clients} client(s): ${Math.round(f.perSecond)} msgs/s\n`);
      }
    }
    console.log(
      `\nSQS send -> receive -> delete over loopback, AWS SDK v3, batches of ${BATCH} (${messages} messages per run, one standard queue, clients in ${processes} processes; targets >= 5,000 msgs/s and >= 5x)\n`,
    );
    console.log(table(rows));
    for (const clients of [1, 8]) {
      const ratio = figures[`Nimbus/${clients}`].perSecond / figures[`moto_server/${clients}`].perSecond;
      const cpuRatio = figures[`moto_server/${clients}`].serverCpuMicros / figures[`Nimbus/${clients}`].serverCpuMicros;
      console.log(`${clients} client${clients > 1 ? 's' : ''}: Nimbus is ${ratio.toFixed(1)}x moto_server (server CPU per message: ${cpuRatio.toFixed(1)}x less)`);
    }
    // The SDK's own CPU bounds the figures above on 2 cores; a raw keep-alive client shows what the servers carry.
    const raw: (string | number)[][] = [['server', 'clients', 'msgs/s', 'requests/s']];
    const rawFigures: Record<string, number> = {};
    for (const [name, endpoint] of [
      ['Nimbus', nimbusEndpoint],
      ['moto_server', motoEndpoint],
    ] as const) {
      const r = await rawThroughput(endpoint, name === 'Nimbus' ? Math.max(messages, 20_000) : Math.min(messages, 2000), 8);
      rawFigures[name] = r.perSecond;
      raw.push([name, 8, Math.round(r.perSecond), Math.round((r.perSecond / BATCH) * 3)]);
    }
    console.log(`\nThe same workload from a raw keep-alive HTTP client (no SDK), 8 concurrent loops:\n`);
    console.log(table(raw));
    console.log(`raw: Nimbus is ${(rawFigures.Nimbus / rawFigures.moto_server).toFixed(1)}x moto_server`);
  } finally {
    await Promise.all([stop(nimbus), stop(moto)]);
  }
}

if (process.argv.includes('--client')) await clientProcess();
else await main();
