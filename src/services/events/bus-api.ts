/** Event bus handlers: buses, their resource policy (PutPermission / RemovePermission) and tags. */
import { AwsError } from '../../core/errors.js';
import { rootArn } from '../../core/ids.js';
import { paginate } from '../../core/paging.js';
import type * as T from '../../generated/events.types.js';
import type { Handler } from '../types.js';
import type { EventsCore } from './core.js';
import { DEFAULT_BUS, type Bus, type PolicyStatement } from './store.js';

export function busPolicy(bus: Bus): string | undefined {
  return bus.statements.length ? JSON.stringify({ Version: '2012-10-17', Statement: bus.statements }) : undefined;
}

const tagList = (tags: Map<string, string>): T.Tag[] => [...tags].map(([Key, Value]) => ({ Key, Value }));

export function busHandlers(core: EventsCore): Record<string, Handler> {
  const now = (ctx: { now(): number }) => new Date(ctx.now());

  /** The bus or rule an ARN names, for the tagging operations. */
  function taggable(ctx: Parameters<Handler>[0], resourceArn: string): { tags: Map<string, string> } {
    const m = /^arn:[^:]+:events:([^:]*):(\d{12}):(event-bus|rule)\/(.+)$/.exec(resourceArn);
    if (!m) throw new AwsError('ValidationException', `Parameter ResourceARN is not valid.`);
    const region = core.store.region(m[2], m[1] || ctx.region);
    if (m[3] === 'event-bus') {
      const bus = region.buses.get(m[4]);
      if (!bus) throw new AwsError('ResourceNotFoundException', `Event bus ${m[4]} does not exist.`);
      return bus;
    }
    const parts = m[4].split('/');
    const [busName, ruleName] = parts.length > 1 ? [parts[0], parts.slice(1).join('/')] : [DEFAULT_BUS, parts[0]];
    const bus = region.buses.get(busName);
    if (!bus) throw new AwsError('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
    return core.rule(bus, ruleName);
  }

  return {
    CreateEventBus(ctx, input: T.CreateEventBusRequest): T.CreateEventBusResponse {
      const region = core.region(ctx);
      if (region.buses.has(input.Name)) throw new AwsError('ResourceAlreadyExistsException', `Event bus ${input.Name} already exists.`);
      if (input.Name.includes('/') && !input.EventSourceName) throw new AwsError('ValidationException', `Event bus name must not contain '/'.`);
      if (input.EventSourceName && input.EventSourceName !== input.Name) throw new AwsError('ValidationException', `Event source ${input.EventSourceName} does not match the event bus name.`);
      if (input.EventSourceName) throw new AwsError('ResourceNotFoundException', `Event source ${input.EventSourceName} does not exist.`);
      const bus = region.addBus(input.Name, ctx.now());
      bus.description = input.Description;
      bus.kmsKeyIdentifier = input.KmsKeyIdentifier;
      bus.deadLetterConfig = input.DeadLetterConfig;
      for (const t of input.Tags ?? []) bus.tags.set(t.Key, t.Value);
      return { EventBusArn: bus.arn, Description: bus.description, KmsKeyIdentifier: bus.kmsKeyIdentifier, DeadLetterConfig: bus.deadLetterConfig };
    },

    UpdateEventBus(ctx, input: T.UpdateEventBusRequest): T.UpdateEventBusResponse {
      const bus = core.bus(ctx, input.Name);
      if (input.Description !== undefined) bus.description = input.Description;
      if (input.KmsKeyIdentifier !== undefined) bus.kmsKeyIdentifier = input.KmsKeyIdentifier;
      if (input.DeadLetterConfig !== undefined) bus.deadLetterConfig = input.DeadLetterConfig;
      bus.modified = now(ctx);
      return { Arn: bus.arn, Name: bus.name, Description: bus.description, KmsKeyIdentifier: bus.kmsKeyIdentifier, DeadLetterConfig: bus.deadLetterConfig };
    },

    DescribeEventBus(ctx, input: T.DescribeEventBusRequest): T.DescribeEventBusResponse {
      const bus = core.bus(ctx, input.Name);
      return {
        Name: bus.name,
        Arn: bus.arn,
        Description: bus.description,
        KmsKeyIdentifier: bus.kmsKeyIdentifier,
        DeadLetterConfig: bus.deadLetterConfig,
        Policy: busPolicy(bus),
        CreationTime: bus.created,
        LastModifiedTime: bus.modified,
      };
    },

    DeleteEventBus(ctx, input: T.DeleteEventBusRequest): Record<string, never> {
      if (input.Name === DEFAULT_BUS) throw new AwsError('ValidationException', 'Cannot delete event bus default.');
      const region = core.region(ctx);
      const bus = region.buses.get(input.Name);
      if (bus) {
        region.buses.delete(input.Name);
        for (const rule of bus.rules.values()) ctx.cloud.clock.clear(rule.timer);
      }
      return {};
    },

    ListEventBuses(ctx, input: T.ListEventBusesRequest): T.ListEventBusesResponse {
      const buses = [...core.region(ctx).buses.values()].filter((b) => !input.NamePrefix || b.name.startsWith(input.NamePrefix)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const { page, nextToken } = paginate(buses, { maxResults: input.Limit, nextToken: input.NextToken, scope: `buses:${input.NamePrefix ?? ''}`, invalidTokenCode: 'ValidationException' });
      return {
        EventBuses: page.map((b) => ({ Name: b.name, Arn: b.arn, Description: b.description, Policy: busPolicy(b), CreationTime: b.created, LastModifiedTime: b.modified })),
        NextToken: nextToken,
      };
    },

    PutPermission(ctx, input: T.PutPermissionRequest): Record<string, never> {
      const bus = core.bus(ctx, input.EventBusName);
      if (input.Policy !== undefined) {
        let policy: { Statement?: unknown };
        try {
          policy = JSON.parse(input.Policy);
        } catch {
          throw new AwsError('ValidationException', 'Parameter Policy is not valid.');
        }
        const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
        bus.statements = statements as PolicyStatement[];
        return {};
      }
      if (!input.Action || !input.Principal || !input.StatementId) throw new AwsError('ValidationException', 'Parameter(s) Action, Principal and StatementId must be specified.');
      if (input.Action !== 'events:PutEvents') throw new AwsError('ValidationException', `Provided value in parameter 'action' is not supported.`);
      if (bus.statements.some((s) => s.Sid === input.StatementId)) throw new AwsError('ResourceAlreadyExistsException', 'Statement with the provided id already exists.');
      const statement: PolicyStatement = {
        Sid: input.StatementId,
        Effect: 'Allow',
        Principal: input.Principal === '*' ? '*' : { AWS: rootArn(input.Principal, ctx.region) },
        Action: 'events:PutEvents',
        Resource: bus.arn,
      };
      if (input.Condition) statement.Condition = { [input.Condition.Type]: { [input.Condition.Key]: input.Condition.Value } };
      bus.statements.push(statement);
      return {};
    },

    RemovePermission(ctx, input: T.RemovePermissionRequest): Record<string, never> {
      const bus = core.bus(ctx, input.EventBusName);
      if (input.RemoveAllPermissions) {
        bus.statements = [];
        return {};
      }
      if (!bus.statements.length) throw new AwsError('ResourceNotFoundException', 'EventBus does not have a policy.');
      const i = bus.statements.findIndex((s) => s.Sid === input.StatementId);
      if (i < 0) throw new AwsError('ResourceNotFoundException', 'Statement with the provided id does not exist.');
      bus.statements.splice(i, 1);
      return {};
    },

    TagResource(ctx, input: T.TagResourceRequest): Record<string, never> {
      const r = taggable(ctx, input.ResourceARN);
      for (const t of input.Tags) r.tags.set(t.Key, t.Value);
      return {};
    },

    UntagResource(ctx, input: T.UntagResourceRequest): Record<string, never> {
      const r = taggable(ctx, input.ResourceARN);
      for (const k of input.TagKeys) r.tags.delete(k);
      return {};
    },

    ListTagsForResource(ctx, input: T.ListTagsForResourceRequest): T.ListTagsForResourceResponse {
      return { Tags: tagList(taggable(ctx, input.ResourceARN).tags) };
    },
  };
}
