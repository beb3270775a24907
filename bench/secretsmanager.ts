/**
 * Secrets Manager GetSecretValue throughput over loopback with the AWS SDK v3, Nimbus against
 * moto_server (the peer) in the same run. Each server runs in its own process; the SDK clients
 * run in worker threads of this one. Same secret, same request count and concurrency for both;
 * after a 1,000-request warm-up each, rounds alternate between the servers and each figure is
 * the median round.
 *
 *   npx tsx bench/secretsmanager.ts [--requests 5000] [--concurrency 16] [--workers 1] [--rounds 5]
 *   npm run bench -- secretsmanager [options]
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { arg, median, startPeers, stop, table, withClient } from './lib.js';

const SECRET = 'bench/db-password';
const WARMUP = 1000;

function client(endpoint: string): SecretsManagerClient {
  return new SecretsManagerClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}

/** `concurrency` callers sending GetSecretValue until `count` calls have been made. */
async function drive(sm: SecretsManagerClient, count: number, concurrency: number): Promise<void> {
  let sent = 0;
  const caller = async () => {
    while (sent < count) {
      sent++;
      const out = await sm.send(new GetSecretValueCommand({ SecretId: SECRET }));
      if (!out.SecretString) throw new Error('GetSecretValue answered without a SecretString');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
}

/** A client thread: warms up, reports "ready", then runs each round it is sent ({ count }). */
async function clientThread(): Promise<void> {
  const { endpoint, concurrency } = workerData as { endpoint: string; concurrency: number };
  const sm = client(endpoint);
  try {
    await drive(sm, WARMUP, concurrency);
    parentPort!.postMessage('ready');
    parentPort!.on('message', ({ count }: { count: number }) => {
      drive(sm, count, concurrency).then(
        () => parentPort!.postMessage('done'),
        (err: Error) => parentPort!.postMessage(`failed: ${err.message}`),
      );
    });
  } catch (err) {
    parentPort!.postMessage(`failed: ${(err as Error).message}`);
  }
}


/** SDK client threads aimed at one server, created and warmed up once, then driven round by round. */
class Clients {
  private constructor(private readonly threads: { w: Worker; next: () => Promise<string> }[]) {}

  static async start(name: string, endpoint: string, concurrency: number, workers: number): Promise<Clients> {
    const setup = client(endpoint);
    await setup.send(new CreateSecretCommand({ Name: SECRET, SecretString: JSON.stringify({ username: 'app', password: 'x'.repeat(32) }) }));
    setup.destroy();
    // Worker threads do not inherit tsx's loader: register it, then load this file.
    const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const threads = Array.from({ length: workers }, () => {
      const w = new Worker(boot, { eval: true, workerData: { endpoint, concurrency: Math.max(1, Math.round(concurrency / workers)) } });
      const inbox: ((m: string) => void)[] = [];
      w.on('message', (m: string) => inbox.shift()?.(m));
      w.on('error', (err) => inbox.shift()?.(`failed: ${err.message}`));
      return { w, next: () => new Promise<string>((resolve) => inbox.push(resolve)) };
    });
    const clients = new Clients(threads);
    const ready = await Promise.all(threads.map((t) => t.next()));
    if (ready.some((m) => m !== 'ready')) {
      await clients.stop();
      throw new Error(`${name}: ${ready.find((m) => m !== 'ready')}`);
    }
    return clients;
  }

  /** Sends `count` requests across the threads; resolves with the operations per second. */
  async round(name: string, count: number): Promise<number> {
    const n = this.threads.length;
    const t0 = process.hrtime.bigint();
    const done = this.threads.map((t) => t.next());
    this.threads.forEach((t, i) => t.w.postMessage({ count: Math.floor(count / n) + (i < count % n ? 1 : 0) }));
    const results = await Promise.all(done);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (results.some((m) => m !== 'done')) throw new Error(`${name}: ${results.find((m) => m !== 'done')}`);
    return count / seconds;
  }

  async stop(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.w.terminate()));
  }
}


async function main(): Promise<void> {
  const requests = arg('requests', 5000);
  const concurrency = arg('concurrency', 16);
  const workers = arg('workers', 1);
  const rounds = arg('rounds', 5);
  const { nimbus, moto, nimbusEndpoint, motoEndpoint } = await startPeers((endpoint) => withClient(client(endpoint), (c) => c.send(new ListSecretsCommand({}))));
  const pools: Clients[] = [];
  try {
    const nimbusClients = await Clients.start('Nimbus', nimbusEndpoint, concurrency, workers);
    pools.push(nimbusClients);
    const motoClients = await Clients.start('moto_server', motoEndpoint, concurrency, workers);
    pools.push(motoClients);
    // Rounds alternate between the two servers so a change in machine load hits both alike.
    const perRound = Math.ceil(requests / rounds);
    const n: number[] = [];
    const m: number[] = [];
    for (let r = 0; r < rounds; r++) {
      n.push(await nimbusClients.round('Nimbus', perRound));
      m.push(await motoClients.round('moto_server', perRound));
      process.stderr.write(`round ${r + 1}/${rounds}: done\n`);
    }
    const nimbusOps = median(n);
    const motoOps = median(m);
    console.log(
      `\nSecrets Manager GetSecretValue over loopback, AWS SDK v3: median of ${rounds} alternating rounds of ${perRound} requests, concurrency ${concurrency}, ${workers} client thread(s) (target >= 5x)\n`,
    );
    console.log(
      table([
        ['server', 'median ops/s', 'rounds ops/s'],
        ['Nimbus', Math.round(nimbusOps), n.map(Math.round).join(' ')],
        ['moto_server', Math.round(motoOps), m.map(Math.round).join(' ')],
      ]),
    );
    console.log(`\nGetSecretValue: Nimbus is ${(nimbusOps / motoOps).toFixed(1)}x moto_server`);
  } finally {
    await Promise.all(pools.map((p) => p.stop()));
    await Promise.all([stop(nimbus), stop(moto)]);
  }
}

if (isMainThread) await main();
else await clientThread();
