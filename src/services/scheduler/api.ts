/** Amazon EventBridge Scheduler: schedules, schedule groups and tags. */
import { AwsError } from '../../core/errors.js';
import { paginate } from '../../core/paging.js';
import { parseScheduleExpression } from '../../core/schedule/expression.js';
import { isValidTimeZone } from '../../core/schedule/timezone.js';
import type * as T from '../../generated/scheduler.types.js';
import type { ServiceFactory } from '../registry.js';
import type { Handler, RequestContext } from '../types.js';
import { ScheduleRunner } from './runner.js';
import { DEFAULT_GROUP, SchedulerStore, type Schedule, type ScheduleGroup } from './store.js';
import { validateTarget } from './targets.js';

const byName = <X extends { name: string }>(a: X, b: X) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

interface ScheduleSettings {
  expressionText: string;
  expression: Schedule['expression'];
  timezone: string;
}

function checkSettings(input: T.CreateScheduleInput | T.UpdateScheduleInput): ScheduleSettings {
  const expression = parseScheduleExpression(input.ScheduleExpression, { allowAt: true });
  if (!expression) throw new AwsError('ValidationException', `Invalid Schedule Expression ${input.ScheduleExpression}.`);
  const timezone = input.ScheduleExpressionTimezone ?? 'UTC';
  if (!isValidTimeZone(timezone)) throw new AwsError('ValidationException', `Invalid time zone: ${timezone}.`);
  if (input.StartDate && input.EndDate && input.EndDate.getTime() <= input.StartDate.getTime()) throw new AwsError('ValidationException', 'The EndDate must be after the StartDate.');
  const w = input.FlexibleTimeWindow;
  if (w.Mode === 'FLEXIBLE' && w.MaximumWindowInMinutes === undefined) throw new AwsError('ValidationException', 'MaximumWindowInMinutes must be provided when the FlexibleTimeWindow mode is FLEXIBLE.');
  if (w.Mode === 'OFF' && w.MaximumWindowInMinutes !== undefined) throw new AwsError('ValidationException', 'MaximumWindowInMinutes must not be provided when the FlexibleTimeWindow mode is OFF.');
  validateTarget(input.Target);
  return { expressionText: input.ScheduleExpression, expression, timezone };
}

export const createService: ServiceFactory = (cloud) => {
  const store = new SchedulerStore(() => cloud.clock.now());
  const runner = new ScheduleRunner(cloud, (s) => s.group.schedules.delete(s.name));

  const region = (ctx: RequestContext) => store.region(ctx.account, ctx.region);

  function group(ctx: RequestContext, name = DEFAULT_GROUP): ScheduleGroup {
    const g = region(ctx).groups.get(name);
    if (!g) throw new AwsError('ResourceNotFoundException', `Schedule group ${name} does not exist.`);
    return g;
  }

  function schedule(ctx: RequestContext, name: string, groupName?: string): Schedule {
    const s = group(ctx, groupName).schedules.get(name);
    if (!s) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return s;
  }

  function apply(s: Schedule, input: T.CreateScheduleInput | T.UpdateScheduleInput, settings: ScheduleSettings, now: number): void {
    if (s.expressionText !== settings.expressionText || s.timezone !== settings.timezone) s.lastFired = undefined;
    s.expressionText = settings.expressionText;
    s.expression = settings.expression;
    s.timezone = settings.timezone;
    s.startDate = input.StartDate;
    s.endDate = input.EndDate;
    s.description = input.Description;
    s.state = input.State ?? 'ENABLED';
    s.kmsKeyArn = input.KmsKeyArn;
    s.target = input.Target;
    s.flexibleTimeWindow = input.FlexibleTimeWindow;
    s.actionAfterCompletion = input.ActionAfterCompletion ?? 'NONE';
    s.modified = new Date(now);
    s.anchor = now;
  }

  /** The group or schedule a tagging ARN names (only groups carry tags on AWS). */
  function taggable(ctx: RequestContext, resourceArn: string): ScheduleGroup {
    const m = /^arn:[^:]+:scheduler:[^:]*:\d{12}:schedule-group\/(.+)$/.exec(resourceArn);
    if (!m) throw new AwsError('ValidationException', `Invalid ARN ${resourceArn}.`);
    return group(ctx, m[1]);
  }

  const handlers: Record<string, Handler> = {
    CreateSchedule(ctx, input: T.CreateScheduleInput): T.CreateScheduleOutput {
      const g = group(ctx, input.GroupName);
      if (g.schedules.has(input.Name)) throw new AwsError('ConflictException', `Schedule ${input.Name} already exists.`);
      const settings = checkSettings(input);
      const now = ctx.now();
      const s = { name: input.Name, group: g, arn: region(ctx).scheduleArn(g.name, input.Name), created: new Date(now) } as Schedule;
      apply(s, input, settings, now);
      g.schedules.set(s.name, s);
      runner.arm(s);
      return { ScheduleArn: s.arn };
    },

    UpdateSchedule(ctx, input: T.UpdateScheduleInput): T.UpdateScheduleOutput {
      const s = schedule(ctx, input.Name, input.GroupName);
      const settings = checkSettings(input);
      apply(s, input, settings, ctx.now());
      runner.arm(s);
      return { ScheduleArn: s.arn };
    },

    GetSchedule(ctx, input: T.GetScheduleInput): T.GetScheduleOutput {
      const s = schedule(ctx, input.Name, input.GroupName);
      return {
        Arn: s.arn,
        GroupName: s.group.name,
        Name: s.name,
        ScheduleExpression: s.expressionText,
        StartDate: s.startDate,
        EndDate: s.endDate,
        Description: s.description,
        ScheduleExpressionTimezone: s.timezone,
        State: s.state,
        CreationDate: s.created,
        LastModificationDate: s.modified,
        KmsKeyArn: s.kmsKeyArn,
        Target: s.target,
        FlexibleTimeWindow: s.flexibleTimeWindow,
        ActionAfterCompletion: s.actionAfterCompletion,
      };
    },

    DeleteSchedule(ctx, input: T.DeleteScheduleInput): Record<string, never> {
      const s = schedule(ctx, input.Name, input.GroupName);
      runner.disarm(s);
      s.group.schedules.delete(s.name);
      return {};
    },

    ListSchedules(ctx, input: T.ListSchedulesInput): T.ListSchedulesOutput {
      const groups = input.GroupName ? [group(ctx, input.GroupName)] : [...region(ctx).groups.values()];
      const list = groups
        .flatMap((g) => [...g.schedules.values()])
        .filter((s) => (!input.NamePrefix || s.name.startsWith(input.NamePrefix)) && (!input.State || s.state === input.State))
        .sort((a, b) => byName(a.group, b.group) || byName(a, b));
      const { page, nextToken } = paginate(list, { maxResults: input.MaxResults, nextToken: input.NextToken, scope: `schedules:${input.GroupName ?? ''}:${input.NamePrefix ?? ''}:${input.State ?? ''}`, invalidTokenCode: 'ValidationException' });
      return {
        Schedules: page.map((s) => ({ Arn: s.arn, Name: s.name, GroupName: s.group.name, State: s.state, CreationDate: s.created, LastModificationDate: s.modified, Target: { Arn: s.target.Arn } })),
        NextToken: nextToken,
      };
    },

    CreateScheduleGroup(ctx, input: T.CreateScheduleGroupInput): T.CreateScheduleGroupOutput {
      const r = region(ctx);
      if (r.groups.has(input.Name)) throw new AwsError('ConflictException', `Schedule group ${input.Name} already exists.`);
      const g = r.addGroup(input.Name, ctx.now());
      for (const t of input.Tags ?? []) g.tags.set(t.Key, t.Value);
      return { ScheduleGroupArn: g.arn };
    },

    GetScheduleGroup(ctx, input: T.GetScheduleGroupInput): T.GetScheduleGroupOutput {
      const g = group(ctx, input.Name);
      return { Arn: g.arn, Name: g.name, State: 'ACTIVE', CreationDate: g.created, LastModificationDate: g.modified };
    },

    DeleteScheduleGroup(ctx, input: T.DeleteScheduleGroupInput): Record<string, never> {
      if (input.Name === DEFAULT_GROUP) throw new AwsError('ValidationException', 'You cannot delete the default schedule group.');
      const g = group(ctx, input.Name);
      for (const s of g.schedules.values()) runner.disarm(s);
      region(ctx).groups.delete(g.name);
      return {};
    },

    ListScheduleGroups(ctx, input: T.ListScheduleGroupsInput): T.ListScheduleGroupsOutput {
      const list = [...region(ctx).groups.values()].filter((g) => !input.NamePrefix || g.name.startsWith(input.NamePrefix)).sort(byName);
      const { page, nextToken } = paginate(list, { maxResults: input.MaxResults, nextToken: input.NextToken, scope: `groups:${input.NamePrefix ?? ''}`, invalidTokenCode: 'ValidationException' });
      return { ScheduleGroups: page.map((g) => ({ Arn: g.arn, Name: g.name, State: 'ACTIVE', CreationDate: g.created, LastModificationDate: g.modified })), NextToken: nextToken };
    },

    TagResource(ctx, input: T.TagResourceInput): Record<string, never> {
      const g = taggable(ctx, input.ResourceArn);
      for (const t of input.Tags) g.tags.set(t.Key, t.Value);
      return {};
    },

    UntagResource(ctx, input: T.UntagResourceInput): Record<string, never> {
      const g = taggable(ctx, input.ResourceArn);
      for (const k of input.TagKeys) g.tags.delete(k);
      return {};
    },

    ListTagsForResource(ctx, input: T.ListTagsForResourceInput): T.ListTagsForResourceOutput {
      return { Tags: [...taggable(ctx, input.ResourceArn).tags].map(([Key, Value]) => ({ Key, Value })) };
    },
  };

  return {
    handlers,
    stop() {
      for (const r of store.all()) for (const g of r.groups.values()) for (const s of g.schedules.values()) runner.disarm(s);
    },
  };
};
