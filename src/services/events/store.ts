/**
 * EventBridge state per (account, region): event buses (each with its rules and their targets),
 * archives and replays. Every region starts with its `default` bus.
 */
import type { TimerHandle } from '../../core/clock.js';
import { arn } from '../../core/ids.js';
import type { CompiledPattern } from '../../core/patterns/index.js';
import type { ScheduleExpression } from '../../core/schedule/expression.js';
import type { DeadLetterConfig, RuleState, Target } from '../../generated/events.types.js';
import type { RoutingTable } from './routing.js';

export const DEFAULT_BUS = 'default';

export interface Rule {
  name: string;
  arn: string;
  bus: Bus;
  eventPattern?: string;
  matcher?: CompiledPattern;
  /** Routing index keys (routing.ts); undefined when the pattern pins no source or detail-type. */
  indexKeys?: string[];
  /** Scratch mark of the routing pass that last considered the rule. */
  routeStamp?: number;
  scheduleExpression?: string;
  schedule?: ScheduleExpression;
  /** Time rates count from. */
  scheduleAnchor: number;
  timer?: TimerHandle;
  state: RuleState;
  description?: string;
  roleArn?: string;
  managedBy?: string;
  createdBy: string;
  tags: Map<string, string>;
  /** By target Id, in the order they were put. */
  targets: Map<string, Target>;
}

export interface PolicyStatement {
  Sid: string;
  [k: string]: unknown;
}

export interface Bus {
  name: string;
  arn: string;
  account: string;
  region: string;
  description?: string;
  kmsKeyIdentifier?: string;
  deadLetterConfig?: DeadLetterConfig;
  /** A policy set whole with PutPermission's Policy, or built from statements. */
  statements: PolicyStatement[];
  created: Date;
  modified: Date;
  tags: Map<string, string>;
  rules: Map<string, Rule>;
  routing?: RoutingTable;
}

export interface ArchivedEvent {
  /** Event time (ms), which replays select on. */
  time: number;
  json: string;
  size: number;
}

export interface Archive {
  name: string;
  arn: string;
  sourceArn: string;
  description?: string;
  eventPattern?: string;
  matcher?: CompiledPattern;
  retentionDays: number;
  created: Date;
  events: ArchivedEvent[];
  sizeBytes: number;
}

export type ReplayState = 'STARTING' | 'RUNNING' | 'CANCELLING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export interface Replay {
  name: string;
  arn: string;
  description?: string;
  sourceArn: string;
  destination: { Arn: string; FilterArns?: string[] };
  eventStart: Date;
  eventEnd: Date;
  state: ReplayState;
  stateReason?: string;
  replayStart: Date;
  replayEnd?: Date;
  lastReplayed?: Date;
}

export class RegionState {
  readonly buses = new Map<string, Bus>();
  readonly archives = new Map<string, Archive>();
  readonly replays = new Map<string, Replay>();

  constructor(
    readonly account: string,
    readonly region: string,
    now: number,
  ) {
    this.addBus(DEFAULT_BUS, now);
  }

  addBus(name: string, now: number): Bus {
    const bus: Bus = {
      name,
      arn: arn('events', this.region, this.account, `event-bus/${name}`),
      account: this.account,
      region: this.region,
      statements: [],
      created: new Date(now),
      modified: new Date(now),
      tags: new Map(),
      rules: new Map(),
    };
    this.buses.set(name, bus);
    return bus;
  }

  ruleArn(bus: string, rule: string): string {
    return arn('events', this.region, this.account, bus === DEFAULT_BUS ? `rule/${rule}` : `rule/${bus}/${rule}`);
  }

  archiveArn(name: string): string {
    return arn('events', this.region, this.account, `archive/${name}`);
  }

  replayArn(name: string): string {
    return arn('events', this.region, this.account, `replay/${name}`);
  }
}

export class EventsStore {
  private readonly regions = new Map<string, RegionState>();

  constructor(private readonly now: () => number) {}

  region(account: string, region: string): RegionState {
    const key = `${account}/${region}`;
    let r = this.regions.get(key);
    if (!r) {
      r = new RegionState(account, region, this.now());
      this.regions.set(key, r);
    }
    return r;
  }

  all(): IterableIterator<RegionState> {
    return this.regions.values();
  }
}
