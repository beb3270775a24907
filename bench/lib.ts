/** Shared pieces of the benchmarks: free ports, peers (moto_server), timing and printing. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const NIMBUS_CLI = fileURLToPath(new URL('../dist/bin/nimbus.mjs', import.meta.url));

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** One signed-looking JSON call over a fresh connection; resolves with the status (0 when refused). */
export function jsonCall(port: number, target: string, body = '{}', service = 'states'): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        agent: false,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': target,
          authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

export function spawnNimbus(port: number): ChildProcess {
  return spawn(process.execPath, [NIMBUS_CLI, '--port', String(port), '--log-level', 'warn'], { stdio: 'ignore' });
}

export function spawnMoto(port: number): ChildProcess {
  return spawn('moto_server', ['-p', String(port)], { stdio: 'ignore' });
}

/** Waits until `probe` answers 200, polling every `everyMs`; returns the elapsed milliseconds. */
export async function untilReady(probe: () => Promise<number>, started: bigint, limitMs = 30_000, everyMs = 2): Promise<number> {
  for (;;) {
    if ((await probe()) === 200) return Number(process.hrtime.bigint() - started) / 1e6;
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (elapsed > limitMs) throw new Error(`not ready after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resident set size of a process in MB (Linux), including its children for wrapper scripts. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

export function table(rows: (string | number)[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ')).join('\n');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `--name N` from the command line, else `fallback`. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Waits until `probe` (one SDK call) succeeds against a server child process. */
export async function untilServing(name: string, child: ChildProcess, probe: () => Promise<unknown>, limitMs = 60_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited before it answered`);
    try {
      await probe();
      return;
    } catch {
      if (Date.now() - started > limitMs) throw new Error(`${name} did not answer within ${limitMs / 1000} s`);
      await sleep(100);
    }
  }
}

export interface Peers {
  nimbus: ChildProcess;
  moto: ChildProcess;
  nimbusEndpoint: string;
  motoEndpoint: string;
}

/**
 * Starts Nimbus (the built CLI) and moto_server on free ports and waits until `probe(endpoint)`
 * answers on both; stops both if either fails to come up.
 */
export async function startPeers(probe: (endpoint: string) => Promise<unknown>): Promise<Peers> {
  const nimbusPort = await freePort();
  const nimbus = spawn(process.execPath, [NIMBUS_CLI, '--port', String(nimbusPort), '--log-level', 'error'], { stdio: 'ignore' });
  const motoPort = await freePort();
  const moto = spawnMoto(motoPort);
  const peers = { nimbus, moto, nimbusEndpoint: `http://127.0.0.1:${nimbusPort}`, motoEndpoint: `http://127.0.0.1:${motoPort}` };
  try {
    await untilServing('Nimbus', nimbus, () => probe(peers.nimbusEndpoint));
    await untilServing('moto_server', moto, () => probe(peers.motoEndpoint));
  } catch (err) {
    await Promise.all([stop(nimbus), stop(moto)]);
    throw err;
  }
  return peers;
}

/** Runs `fn` with an SDK client and destroys the client afterwards. */
export async function withClient<C extends { destroy(): void }, R>(client: C, fn: (c: C) => Promise<R>): Promise<R> {
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}
