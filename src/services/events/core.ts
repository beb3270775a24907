/**
 * The EventBridge engine the handlers share: lookups with AWS's not-found errors, ingestion of
 * events on a bus (archives, rule matching, target delivery) and scheduled rules on the clock.
 */
import type { Cloud } from '../../core/cloud.js';
import { AwsError } from '../../core/errors.js';
import { parseArn, uuid } from '../../core/ids.js';
import { nextFireTime } from '../../core/schedule/expression.js';
import { capture } from './archive.js';
import { buildEvent, checkRequestSize, ingested, IngestedEvent, isoSeconds, type Entry, type EntryError, type EventEnvelope } from './put-events.js';
import { invalidateRouting, matchingRules } from './routing.js';
import { DEFAULT_BUS, EventsStore, type Bus, type RegionState, type Rule } from './store.js';
import { TargetDelivery } from './targets.js';

export interface Scope {
  account: string;
  region: string;
}

/** Forwarding between buses stops after this many hops (a loop of bus targets). */
const MAX_BUS_HOPS = 5;

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: ({ EventId: string } | EntryError)[];
}

export class EventsCore {
  readonly store: EventsStore;
  readonly delivery: TargetDelivery;
  private readonly hops = new WeakMap<IngestedEvent, number>();

  constructor(readonly cloud: Cloud) {
    this.store = new EventsStore(() => cloud.clock.now());
    this.delivery = new TargetDelivery(cloud, (busArn, ev) => this.forward(busArn, ev));
  }

  region(s: Scope): RegionState {
    return this.store.region(s.account, s.region);
  }

  /** A bus by name or ARN (`EventBusName` members accept both); default when absent. */
  bus(s: Scope, nameOrArn: string | undefined): Bus {
    const { region, name } = this.busRef(s, nameOrArn);
    const bus = region.buses.get(name);
    if (!bus) throw new AwsError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  busRef(s: Scope, nameOrArn: string | undefined): { region: RegionState; name: string } {
    if (nameOrArn?.startsWith('arn:')) {
      const a = parseArn(nameOrArn);
      if (!a || a.service !== 'events' || !a.resource.startsWith('event-bus/')) throw new AwsError('ValidationException', `Parameter EventBusName is not valid.`);
      return { region: this.store.region(a.account, a.region), name: a.resource.slice('event-bus/'.length) };
    }
    return { region: this.region(s), name: nameOrArn ?? DEFAULT_BUS };
  }

  rule(bus: Bus, name: string): Rule {
    const rule = bus.rules.get(name);
    if (!rule) throw new AwsError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus.name}.`);
    return rule;
  }

  /** PutEvents: per-entry results; valid entries are routed before this returns (delivery is asynchronous). */
  putEvents(entries: Entry[], s: Scope, trusted: boolean): PutEventsResult {
    checkRequestSize(entries);
    const now = this.cloud.clock.now();
    const out: PutEventsResult = { FailedEntryCount: 0, Entries: [] };
    const own = this.region(s);
    for (const entry of entries) {
      let bus: Bus;
      let region: RegionState = own;
      try {
        const local = entry.EventBusName === undefined ? own.buses.get(DEFAULT_BUS) : undefined;
        if (local) bus = local;
        else {
          region = this.busRef(s, entry.EventBusName).region;
          bus = this.bus(s, entry.EventBusName);
        }
      } catch (e) {
        out.FailedEntryCount++;
        out.Entries.push({ ErrorCode: (e as AwsError).code ?? 'InternalException', ErrorMessage: (e as Error).message });
        continue;
      }
      const built = buildEvent(entry, s.account, s.region, now, trusted);
      if ('ErrorCode' in built) {
        out.FailedEntryCount++;
        out.Entries.push(built);
        continue;
      }
      this.ingest(region, bus, built);
      out.Entries.push({ EventId: built.event.id });
    }
    return out;
  }

  /** An event from an AWS service (source `aws.*`), put on the account's default bus. */
  emit(s: Scope, e: { source: string; detailType: string; resources?: string[]; detail: unknown; time?: number }): string {
    const now = this.cloud.clock.now();
    const event: EventEnvelope = {
      version: '0',
      id: uuid(),
      'detail-type': e.detailType,
      source: e.source,
      account: s.account,
      time: isoSeconds(e.time ?? now),
      region: s.region,
      resources: e.resources ?? [],
      detail: e.detail,
    };
    const region = this.region(s);
    this.ingest(region, region.buses.get(DEFAULT_BUS)!, ingested(event, now));
    return event.id;
  }

  /** Archives the event, then delivers it to the targets of every matching rule (of `only`, if given). */
  ingest(region: RegionState, bus: Bus, ev: IngestedEvent, only?: Set<string>): void {
    capture(region, bus, ev);
    const rules = matchingRules(bus, ev.event);
    for (const rule of rules) if (!only || only.has(rule.arn)) this.delivery.deliver(rule, ev);
  }

  private async forward(busArn: string, ev: IngestedEvent): Promise<void> {
    const { region, name } = this.busRef({ account: ev.event.account, region: ev.event.region }, busArn);
    const bus = region.buses.get(name);
    if (!bus) throw new AwsError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    const hops = (this.hops.get(ev) ?? 0) + 1;
    if (hops > MAX_BUS_HOPS) return;
    const copy = new IngestedEvent(ev.event, ev.time, this.cloud.clock.now());
    this.hops.set(copy, hops);
    this.ingest(region, bus, copy);
  }

  /** Re-arms (or stops) a rule's schedule after a change (from now) or a firing (from that firing). */
  schedule(rule: Rule, after = this.cloud.clock.now()): void {
    this.cloud.clock.clear(rule.timer);
    rule.timer = undefined;
    if (!rule.schedule || rule.state === 'DISABLED' || !rule.bus.rules.has(rule.name)) return;
    const next = nextFireTime(rule.schedule, after, 'UTC', rule.scheduleAnchor);
    if (next === undefined) return;
    rule.timer = this.cloud.clock.at(next, () => {
      rule.timer = undefined;
      this.fireScheduled(rule, next);
      this.schedule(rule, next);
    });
  }

  private fireScheduled(rule: Rule, at: number): void {
    const event: EventEnvelope = {
      version: '0',
      id: uuid(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: rule.bus.account,
      time: isoSeconds(at),
      region: rule.bus.region,
      resources: [rule.arn],
      detail: {},
    };
    this.delivery.deliver(rule, ingested(event, this.cloud.clock.now()));
  }

  ruleChanged(rule: Rule): void {
    invalidateRouting(rule.bus);
    this.schedule(rule);
  }

  stop(): void {
    for (const region of this.store.all()) for (const bus of region.buses.values()) for (const rule of bus.rules.values()) this.cloud.clock.clear(rule.timer);
  }
}
