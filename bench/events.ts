/**
 * EventBridge routing throughput.
 *
 * 1. In process: PutEvents batches of 10 (entry validation, Detail parsing, rule matching, archive
 *    and target hand-off) against 100 and 1,000 rules on one bus, through the EventBridge service
 *    instance (no HTTP). Two rule mixes: "typical" (4 in 5 rules pin an exact `source`, which the
 *    bus's routing index uses) and "no-exact-source" (source prefixes, `$or`, detail-type and
 *    detail fields only: most events are matched against most rules). Target: >= 50,000 events/s
 *    against 100 rules.
 * 2. Over HTTP with the AWS SDK v3, the same workload against Nimbus and moto_server (the peer):
 *    100 rules, PutEvents in batches of 10. The in-process figure and the over-HTTP figures measure
 *    different things (HTTP, signing and JSON dominate the latter); only the HTTP figures compare
 *    like for like.
 *
 *   npx tsx bench/events.ts [--events 200000] [--http-events 5000] [--concurrency 16]
 */
import { EventBridgeClient, ListEventBusesCommand, PutEventsCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { startNimbus } from '../src/index.js';
import type { EventsService } from '../src/services/events/api.js';
import type { PutEventsRequestEntry } from '../src/generated/events.types.js';
import { compilePattern } from '../src/core/patterns/index.js';
import { arg, startPeers, stop, table, withClient } from './lib.js';

const SOURCES = 20;
const scope = { account: '000000000000', region: 'us-east-1' };


/** Rule i's pattern. `indexed` rules pin an exact source; the others use prefix / $or / detail-type only. */
function pattern(i: number, mix: 'typical' | 'no-exact-source'): object {
  const src = `bench.app${i % SOURCES}`;
  const indexed = mix === 'typical' && i % 5 !== 0;
  if (indexed) {
    switch (i % 4) {
      case 0:
        return { source: [src], 'detail-type': ['Order Placed'], detail: { amount: [{ numeric: ['>', (i % 7) * 100] }] } };
      case 1:
        return { source: [src], detail: { status: [{ 'anything-but': ['cancelled'] }], region: [{ prefix: 'eu-' }] } };
      case 2:
        return { source: [src], detail: { customer: { tier: ['gold', 'platinum'] } } };
      default:
        return { source: [src], detail: { sku: [{ wildcard: `SKU-${i % 10}*` }] } };
    }
  }
  switch (i % 3) {
    case 0:
      return { source: [{ prefix: `bench.app${i % SOURCES}` }], detail: { amount: [{ numeric: ['>=', i] }] } };
    case 1:
      return { $or: [{ 'detail-type': [`Type ${i}`] }, { detail: { status: [`s-${i}`] } }] };
    default:
      return { 'detail-type': ['Order Placed'], detail: { customer: { id: [`c-${i}`] } } };
  }
}

function entries(n: number): PutEventsRequestEntry[] {
  const out: PutEventsRequestEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      Source: `bench.app${i % SOURCES}`,
      DetailType: i % 2 ? 'Order Placed' : 'Order Shipped',
      Detail: JSON.stringify({ amount: (i * 37) % 1000, status: i % 9 ? 'open' : 'cancelled', region: i % 3 ? 'eu-west-1' : 'us-east-1', customer: { id: `c-${i % 1500}`, tier: i % 4 ? 'silver' : 'gold' }, sku: `SKU-${i % 100}-x` }),
    });
  }
  return out;
}

/** Average number of rules an event of the pool matches (so the work done is visible). */
function averageMatches(rules: number, mix: 'typical' | 'no-exact-source', pool: PutEventsRequestEntry[]): number {
  const compiled = Array.from({ length: rules }, (_, i) => compilePattern(pattern(i, mix), 'eventbridge'));
  const sample = pool.slice(0, 200);
  let matched = 0;
  for (const e of sample) {
    const event = { version: '0', id: 'x', 'detail-type': e.DetailType, source: e.Source, account: scope.account, time: '2026-01-01T00:00:00Z', region: scope.region, resources: [], detail: JSON.parse(e.Detail!) };
    for (const c of compiled) if (c.match(event)) matched++;
  }
  return matched / sample.length;
}

async function inProcess(rules: number, mix: 'typical' | 'no-exact-source', events: number): Promise<{ eps: number; matches: number }> {
  const nimbus = await startNimbus({ port: 0, logLevel: 'error' });
  try {
    const svc = await nimbus.cloud.service<EventsService>('events');
    for (let i = 0; i < rules; i++) await svc.handlers.PutRule(nimbus.cloud.internalContext('events', 'PutRule'), { Name: `r${i}`, EventPattern: JSON.stringify(pattern(i, mix)) });
    const pool = entries(1000);
    const batches: PutEventsRequestEntry[][] = [];
    for (let i = 0; i < pool.length; i += 10) batches.push(pool.slice(i, i + 10));
    const run = (count: number) => {
      let b = 0;
      for (let done = 0; done < count; done += 10) {
        if (svc.putEvents(batches[b++ % batches.length], scope).FailedEntryCount) throw new Error('PutEvents failed in the benchmark');
      }
    };
    run(Math.min(20_000, events));
    const t0 = process.hrtime.bigint();
    run(events);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { eps: events / seconds, matches: averageMatches(rules, mix, pool) };
  } finally {
    await nimbus.stop();
  }
}

function client(endpoint: string): EventBridgeClient {
  return new EventBridgeClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}


/** 100 rules through the SDK, then `events` events as PutEvents batches of 10 from `concurrency` callers. */
async function overHttp(endpoint: string, events: number, concurrency: number): Promise<number> {
  const eb = client(endpoint);
  try {
    for (let i = 0; i < 100; i++) await eb.send(new PutRuleCommand({ Name: `r${i}`, EventPattern: JSON.stringify(pattern(i, 'typical')) }));
    const pool = entries(1000);
    let next = 0;
    const drive = async (count: number) => {
      let sent = 0;
      const caller = async () => {
        while (sent < count) {
          sent += 10;
          const start = next;
          next = (next + 10) % pool.length;
          const r = await eb.send(new PutEventsCommand({ Entries: pool.slice(start, start + 10) }));
          if (r.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(r.Entries?.find((e) => e.ErrorCode))}`);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, caller));
    };
    await drive(500);
    const t0 = process.hrtime.bigint();
    await drive(events);
    return events / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally {
    eb.destroy();
  }
}

async function main(): Promise<void> {
  const events = arg('events', 200_000);
  const httpEvents = arg('http-events', 5000);
  const concurrency = arg('concurrency', 16);

  const rows: (string | number)[][] = [['rules', 'mix', 'events/s', 'rules matched per event']];
  for (const rules of [100, 1000]) {
    for (const mix of ['typical', 'no-exact-source'] as const) {
      const r = await inProcess(rules, mix, rules === 1000 && mix === 'no-exact-source' ? Math.round(events / 4) : events);
      rows.push([rules, mix, Math.round(r.eps), r.matches.toFixed(2)]);
      process.stderr.write(`in process: ${rules} rules, ${mix}: done\n`);
    }
  }
  console.log(`\nEventBridge routing in process: PutEvents batches of 10 on one bus (target >= 50,000 events/s with 100 rules)\n`);
  console.log(table(rows));

  const { nimbus, moto, nimbusEndpoint, motoEndpoint } = await startPeers((endpoint) => withClient(client(endpoint), (c) => c.send(new ListEventBusesCommand({}))));
  try {
    const n = await overHttp(nimbusEndpoint, httpEvents, concurrency);
    process.stderr.write('over HTTP: Nimbus done\n');
    const m = await overHttp(motoEndpoint, httpEvents, concurrency);
    process.stderr.write('over HTTP: moto_server done\n');
    console.log(`\nPutEvents over loopback, AWS SDK v3, 100 rules, batches of 10 (${httpEvents} events, concurrency ${concurrency})\n`);
    console.log(
      table([
        ['server', 'events/s'],
        ['Nimbus (HTTP)', Math.round(n)],
        ['moto_server (HTTP)', Math.round(m)],
      ]),
    );
    const inProc100 = Number(rows[1][2]);
    console.log(`\nOver HTTP (like for like): Nimbus is ${(n / m).toFixed(1)}x moto_server`);
    console.log(`In process (Nimbus, 100 rules) vs moto_server over HTTP: ${(inProc100 / m).toFixed(0)}x (different things measured: no HTTP, signing or SDK in process)`);
  } finally {
    await Promise.all([stop(nimbus), stop(moto)]);
  }
}

await main();
