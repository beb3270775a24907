/**
 * Archives keep the events of their bus that match their pattern (replayed events excepted);
 * replays put a time window of an archive's events back on the bus, marked with `replay-name`,
 * to all rules or only those in Destination.FilterArns.
 */
import type { Clock } from '../../core/clock.js';
import { IngestedEvent } from './put-events.js';
import type { Archive, Bus, RegionState, Replay } from './store.js';

const DAY_MS = 86_400_000;

/** Routes a replayed event on a bus, optionally only to the rules with the given ARNs. */
export type Republish = (bus: Bus, ev: IngestedEvent, ruleArns?: Set<string>) => void;

export function purgeExpired(a: Archive, now: number): void {
  if (a.retentionDays <= 0 || !a.events.length) return;
  const cutoff = now - a.retentionDays * DAY_MS;
  let drop = 0;
  while (drop < a.events.length && a.events[drop].time < cutoff) drop++;
  if (!drop) return;
  for (let i = 0; i < drop; i++) a.sizeBytes -= a.events[i].size;
  a.events.splice(0, drop);
}

/** Stores the event in every archive of its bus that wants it. */
export function capture(region: RegionState, bus: Bus, ev: IngestedEvent): void {
  if (ev.event['replay-name'] !== undefined || region.archives.size === 0) return;
  for (const a of region.archives.values()) {
    if (a.sourceArn !== bus.arn) continue;
    if (a.matcher && !a.matcher.match(ev.event)) continue;
    const size = Buffer.byteLength(ev.json);
    a.events.push({ time: ev.time, json: ev.json, size });
    a.sizeBytes += size;
  }
}

/** Runs a replay on the clock: STARTING, then RUNNING, then COMPLETED (or CANCELLED). */
export function runReplay(clock: Clock, archive: Archive, bus: Bus, replay: Replay, republish: Republish): void {
  clock.setTimeout(() => {
    if (replay.state !== 'STARTING') return;
    replay.state = 'RUNNING';
    purgeExpired(archive, clock.now());
    const from = replay.eventStart.getTime();
    const to = replay.eventEnd.getTime();
    const filter = replay.destination.FilterArns?.length ? new Set(replay.destination.FilterArns) : undefined;
    const selected = archive.events.filter((e) => e.time >= from && e.time < to).sort((a, b) => a.time - b.time);
    for (const stored of selected) {
      if ((replay.state as string) !== 'RUNNING') break;
      const event = { ...JSON.parse(stored.json), 'replay-name': replay.name };
      republish(bus, new IngestedEvent(event, stored.time, clock.now()), filter);
      replay.lastReplayed = new Date(stored.time);
    }
    replay.state = (replay.state as string) === 'CANCELLING' ? 'CANCELLED' : 'COMPLETED';
    replay.replayEnd = clock.date();
  }, 0);
}
