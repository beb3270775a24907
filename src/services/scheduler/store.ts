/** EventBridge Scheduler state per (account, region): schedule groups and their schedules. */
import type { TimerHandle } from '../../core/clock.js';
import { arn } from '../../core/ids.js';
import type { ScheduleExpression } from '../../core/schedule/expression.js';
import type { FlexibleTimeWindow, Target } from '../../generated/scheduler.types.js';

export const DEFAULT_GROUP = 'default';

export interface ScheduleGroup {
  name: string;
  arn: string;
  account: string;
  region: string;
  created: Date;
  modified: Date;
  tags: Map<string, string>;
  schedules: Map<string, Schedule>;
}

export interface Schedule {
  name: string;
  group: ScheduleGroup;
  arn: string;
  expressionText: string;
  expression: ScheduleExpression;
  timezone: string;
  startDate?: Date;
  endDate?: Date;
  description?: string;
  state: 'ENABLED' | 'DISABLED';
  kmsKeyArn?: string;
  target: Target;
  flexibleTimeWindow: FlexibleTimeWindow;
  actionAfterCompletion: 'NONE' | 'DELETE';
  created: Date;
  modified: Date;
  /** When a rate without StartDate counts from (creation or last update). */
  anchor: number;
  timer?: TimerHandle;
  /** Time of the last invocation, so an update does not fire the same time twice. */
  lastFired?: number;
}

export class SchedulerRegion {
  readonly groups = new Map<string, ScheduleGroup>();

  constructor(
    readonly account: string,
    readonly region: string,
    now: number,
  ) {
    this.addGroup(DEFAULT_GROUP, now);
  }

  addGroup(name: string, now: number): ScheduleGroup {
    const g: ScheduleGroup = { name, arn: arn('scheduler', this.region, this.account, `schedule-group/${name}`), account: this.account, region: this.region, created: new Date(now), modified: new Date(now), tags: new Map(), schedules: new Map() };
    this.groups.set(name, g);
    return g;
  }

  scheduleArn(group: string, name: string): string {
    return arn('scheduler', this.region, this.account, `schedule/${group}/${name}`);
  }
}

export class SchedulerStore {
  private readonly regions = new Map<string, SchedulerRegion>();

  constructor(private readonly now: () => number) {}

  region(account: string, region: string): SchedulerRegion {
    const key = `${account}/${region}`;
    let r = this.regions.get(key);
    if (!r) this.regions.set(key, (r = new SchedulerRegion(account, region, this.now())));
    return r;
  }

  all(): IterableIterator<SchedulerRegion> {
    return this.regions.values();
  }
}
