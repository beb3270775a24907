/** Rule and target handlers, PutEvents and TestEventPattern. */
import { AwsError } from '../../core/errors.js';
import { paginate } from '../../core/paging.js';
import { compilePattern, PatternError, type CompiledPattern } from '../../core/patterns/index.js';
import { parseScheduleExpression } from '../../core/schedule/expression.js';
import type * as T from '../../generated/events.types.js';
import type { Handler } from '../types.js';
import type { EventsCore } from './core.js';
import { targetKind } from './dispatch.js';
import { indexKeys } from './routing.js';
import { DEFAULT_BUS, type Rule } from './store.js';
import { validateTargetInput } from './transformer.js';

export const MAX_TARGETS_PER_RULE = 5;

/** Compiles a pattern, answering AWS's InvalidEventPatternException for an invalid one. */
export function compileEventPattern(pattern: string): CompiledPattern {
  try {
    return compilePattern(pattern, 'eventbridge');
  } catch (e) {
    if (e instanceof PatternError) throw new AwsError('InvalidEventPatternException', e.message);
    throw e;
  }
}

const byName = <X extends { name: string }>(a: X, b: X) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function ruleView(r: Rule): T.Rule {
  return {
    Name: r.name,
    Arn: r.arn,
    EventPattern: r.eventPattern,
    State: r.state,
    Description: r.description,
    ScheduleExpression: r.scheduleExpression,
    RoleArn: r.roleArn,
    ManagedBy: r.managedBy,
    EventBusName: r.bus.name,
  };
}

const TEST_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

export function ruleHandlers(core: EventsCore): Record<string, Handler> {
  return {
    PutRule(ctx, input: T.PutRuleRequest): T.PutRuleResponse {
      const bus = core.bus(ctx, input.EventBusName);
      if (input.EventPattern === undefined && input.ScheduleExpression === undefined) throw new AwsError('ValidationException', 'Parameter(s) EventPattern or ScheduleExpression must be specified.');
      let schedule;
      if (input.ScheduleExpression !== undefined) {
        if (bus.name !== DEFAULT_BUS) throw new AwsError('ValidationException', 'ScheduleExpression is supported only on the default event bus.');
        schedule = parseScheduleExpression(input.ScheduleExpression, { strictUnits: true });
        if (!schedule) throw new AwsError('ValidationException', 'Parameter ScheduleExpression is not valid.');
      }
      const matcher = input.EventPattern !== undefined ? compileEventPattern(input.EventPattern) : undefined;
      const region = core.busRef(ctx, input.EventBusName).region;
      const existing = bus.rules.get(input.Name);
      const rule: Rule = existing ?? {
        name: input.Name,
        arn: region.ruleArn(bus.name, input.Name),
        bus,
        scheduleAnchor: ctx.now(),
        state: 'ENABLED',
        createdBy: ctx.account,
        tags: new Map((input.Tags ?? []).map((t) => [t.Key, t.Value])),
        targets: new Map(),
      };
      rule.eventPattern = input.EventPattern;
      rule.matcher = matcher;
      rule.indexKeys = input.EventPattern !== undefined ? indexKeys(input.EventPattern) : undefined;
      if (rule.scheduleExpression !== input.ScheduleExpression) rule.scheduleAnchor = ctx.now();
      rule.scheduleExpression = input.ScheduleExpression;
      rule.schedule = schedule;
      rule.state = input.State ?? (existing ? existing.state : 'ENABLED');
      rule.description = input.Description;
      rule.roleArn = input.RoleArn;
      bus.rules.set(rule.name, rule);
      core.ruleChanged(rule);
      return { RuleArn: rule.arn };
    },

    DescribeRule(ctx, input: T.DescribeRuleRequest): T.DescribeRuleResponse {
      const rule = core.rule(core.bus(ctx, input.EventBusName), input.Name);
      return { ...ruleView(rule), CreatedBy: rule.createdBy };
    },

    ListRules(ctx, input: T.ListRulesRequest): T.ListRulesResponse {
      const bus = core.bus(ctx, input.EventBusName);
      const rules = [...bus.rules.values()].filter((r) => !input.NamePrefix || r.name.startsWith(input.NamePrefix)).sort(byName);
      const { page, nextToken } = paginate(rules, { maxResults: input.Limit, nextToken: input.NextToken, scope: `rules:${bus.arn}:${input.NamePrefix ?? ''}`, invalidTokenCode: 'ValidationException' });
      return { Rules: page.map(ruleView), NextToken: nextToken };
    },

    EnableRule(ctx, input: T.EnableRuleRequest): Record<string, never> {
      const rule = core.rule(core.bus(ctx, input.EventBusName), input.Name);
      if (rule.state === 'DISABLED') rule.state = 'ENABLED';
      core.ruleChanged(rule);
      return {};
    },

    DisableRule(ctx, input: T.DisableRuleRequest): Record<string, never> {
      const rule = core.rule(core.bus(ctx, input.EventBusName), input.Name);
      rule.state = 'DISABLED';
      core.ruleChanged(rule);
      return {};
    },

    DeleteRule(ctx, input: T.DeleteRuleRequest): Record<string, never> {
      const bus = core.bus(ctx, input.EventBusName);
      const rule = bus.rules.get(input.Name);
      if (!rule) return {};
      if (rule.targets.size) throw new AwsError('ValidationException', `Rule can't be deleted since it has targets.`);
      bus.rules.delete(input.Name);
      core.ruleChanged(rule);
      return {};
    },

    ListRuleNamesByTarget(ctx, input: T.ListRuleNamesByTargetRequest): T.ListRuleNamesByTargetResponse {
      const bus = core.bus(ctx, input.EventBusName);
      const names = [...bus.rules.values()].filter((r) => [...r.targets.values()].some((t) => t.Arn === input.TargetArn)).map((r) => r.name).sort();
      const { page, nextToken } = paginate(names, { maxResults: input.Limit, nextToken: input.NextToken, scope: `by-target:${bus.arn}:${input.TargetArn}`, invalidTokenCode: 'ValidationException' });
      return { RuleNames: page, NextToken: nextToken };
    },

    PutTargets(ctx, input: T.PutTargetsRequest): T.PutTargetsResponse {
      const rule = core.rule(core.bus(ctx, input.EventBusName), input.Rule);
      const ids = new Set<string>();
      for (const t of input.Targets) {
        if (ids.has(t.Id)) throw new AwsError('ValidationException', `The target Ids must be unique. Duplicate Id: ${t.Id}.`);
        ids.add(t.Id);
        validateTargetInput(t);
        if (targetKind(t.Arn) === 'sqs' && t.Arn.endsWith('.fifo') && !t.SqsParameters?.MessageGroupId) throw new AwsError('ValidationException', `Parameter(s) SqsParameters must be specified for target: ${t.Id}.`);
      }
      const total = new Set([...rule.targets.keys(), ...ids]).size;
      if (total > MAX_TARGETS_PER_RULE) throw new AwsError('LimitExceededException', `The requested resource exceeds the maximum number allowed.`);
      for (const t of input.Targets) rule.targets.set(t.Id, t);
      return { FailedEntryCount: 0, FailedEntries: [] };
    },

    RemoveTargets(ctx, input: T.RemoveTargetsRequest): T.RemoveTargetsResponse {
      const rule = core.rule(core.bus(ctx, input.EventBusName), input.Rule);
      for (const id of input.Ids) rule.targets.delete(id);
      return { FailedEntryCount: 0, FailedEntries: [] };
    },

    ListTargetsByRule(ctx, input: T.ListTargetsByRuleRequest): T.ListTargetsByRuleResponse {
      const rule = core.rule(core.bus(ctx, input.EventBusName), input.Rule);
      const { page, nextToken } = paginate([...rule.targets.values()], { maxResults: input.Limit, nextToken: input.NextToken, scope: `targets:${rule.arn}`, invalidTokenCode: 'ValidationException' });
      return { Targets: page, NextToken: nextToken };
    },

    PutEvents(ctx, input: T.PutEventsRequest): T.PutEventsResponse {
      if (input.EndpointId !== undefined) throw new AwsError('ValidationException', 'Nimbus does not implement global endpoints (EndpointId).');
      return core.putEvents(input.Entries, ctx, false);
    },

    TestEventPattern(_ctx, input: T.TestEventPatternRequest): T.TestEventPatternResponse {
      const matcher = compileEventPattern(input.EventPattern);
      let event: unknown;
      try {
        event = JSON.parse(input.Event);
      } catch {
        throw new AwsError('ValidationException', 'Parameter Event is not valid.');
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event) || TEST_EVENT_FIELDS.some((f) => !(f in event))) throw new AwsError('ValidationException', 'Parameter Event is not valid.');
      return { Result: matcher.match(event) };
    },
  };
}
