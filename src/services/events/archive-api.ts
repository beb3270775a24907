/** Archive and replay handlers. */
import { AwsError } from '../../core/errors.js';
import { paginate } from '../../core/paging.js';
import type * as T from '../../generated/events.types.js';
import type { Handler } from '../types.js';
import { purgeExpired, runReplay } from './archive.js';
import type { EventsCore } from './core.js';
import { compileEventPattern } from './rule-api.js';
import type { Archive, Replay } from './store.js';

const byName = <X extends { name: string }>(a: X, b: X) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function replayView(r: Replay): T.Replay {
  return {
    ReplayName: r.name,
    EventSourceArn: r.sourceArn,
    State: r.state,
    StateReason: r.stateReason,
    EventStartTime: r.eventStart,
    EventEndTime: r.eventEnd,
    EventLastReplayedTime: r.lastReplayed,
    ReplayStartTime: r.replayStart,
    ReplayEndTime: r.replayEnd,
  };
}

export function archiveHandlers(core: EventsCore): Record<string, Handler> {
  function archive(ctx: Parameters<Handler>[0], name: string): Archive {
    const a = core.region(ctx).archives.get(name);
    if (!a) throw new AwsError('ResourceNotFoundException', `Archive ${name} does not exist.`);
    purgeExpired(a, ctx.now());
    return a;
  }

  function replay(ctx: Parameters<Handler>[0], name: string): Replay {
    const r = core.region(ctx).replays.get(name);
    if (!r) throw new AwsError('ResourceNotFoundException', `Replay ${name} does not exist.`);
    return r;
  }

  return {
    CreateArchive(ctx, input: T.CreateArchiveRequest): T.CreateArchiveResponse {
      const region = core.region(ctx);
      if (region.archives.has(input.ArchiveName)) throw new AwsError('ResourceAlreadyExistsException', `Archive ${input.ArchiveName} already exists.`);
      const bus = core.bus(ctx, input.EventSourceArn);
      const matcher = input.EventPattern !== undefined ? compileEventPattern(input.EventPattern) : undefined;
      const a: Archive = {
        name: input.ArchiveName,
        arn: region.archiveArn(input.ArchiveName),
        sourceArn: bus.arn,
        description: input.Description,
        eventPattern: input.EventPattern,
        matcher,
        retentionDays: input.RetentionDays ?? 0,
        created: new Date(ctx.now()),
        events: [],
        sizeBytes: 0,
      };
      region.archives.set(a.name, a);
      return { ArchiveArn: a.arn, State: 'ENABLED', CreationTime: a.created };
    },

    DescribeArchive(ctx, input: T.DescribeArchiveRequest): T.DescribeArchiveResponse {
      const a = archive(ctx, input.ArchiveName);
      return {
        ArchiveArn: a.arn,
        ArchiveName: a.name,
        EventSourceArn: a.sourceArn,
        Description: a.description,
        EventPattern: a.eventPattern,
        State: 'ENABLED',
        RetentionDays: a.retentionDays,
        SizeBytes: a.sizeBytes,
        EventCount: a.events.length,
        CreationTime: a.created,
      };
    },

    ListArchives(ctx, input: T.ListArchivesRequest): T.ListArchivesResponse {
      if (input.State !== undefined && input.State !== 'ENABLED') return { Archives: [] };
      const list = [...core.region(ctx).archives.values()]
        .filter((a) => (!input.NamePrefix || a.name.startsWith(input.NamePrefix)) && (!input.EventSourceArn || a.sourceArn === input.EventSourceArn))
        .sort(byName);
      const { page, nextToken } = paginate(list, { maxResults: input.Limit, nextToken: input.NextToken, scope: 'archives', invalidTokenCode: 'ValidationException' });
      return {
        Archives: page.map((a) => {
          purgeExpired(a, ctx.now());
          return { ArchiveName: a.name, EventSourceArn: a.sourceArn, State: 'ENABLED', RetentionDays: a.retentionDays, SizeBytes: a.sizeBytes, EventCount: a.events.length, CreationTime: a.created };
        }),
        NextToken: nextToken,
      };
    },

    UpdateArchive(ctx, input: T.UpdateArchiveRequest): T.UpdateArchiveResponse {
      const a = archive(ctx, input.ArchiveName);
      if (input.EventPattern !== undefined) {
        a.matcher = compileEventPattern(input.EventPattern);
        a.eventPattern = input.EventPattern;
      }
      if (input.Description !== undefined) a.description = input.Description;
      if (input.RetentionDays !== undefined) a.retentionDays = input.RetentionDays;
      return { ArchiveArn: a.arn, State: 'ENABLED', CreationTime: a.created };
    },

    DeleteArchive(ctx, input: T.DeleteArchiveRequest): Record<string, never> {
      archive(ctx, input.ArchiveName);
      core.region(ctx).archives.delete(input.ArchiveName);
      return {};
    },

    StartReplay(ctx, input: T.StartReplayRequest): T.StartReplayResponse {
      const region = core.region(ctx);
      if (region.replays.has(input.ReplayName)) throw new AwsError('ResourceAlreadyExistsException', `Replay ${input.ReplayName} already exists.`);
      const name = /:archive\/(.+)$/.exec(input.EventSourceArn)?.[1];
      if (!name) throw new AwsError('ValidationException', 'Parameter EventSourceArn is not valid.');
      const a = archive(ctx, name);
      if (input.EventStartTime.getTime() >= input.EventEndTime.getTime()) throw new AwsError('ValidationException', 'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.');
      if (input.EventEndTime.getTime() > ctx.now()) throw new AwsError('ValidationException', 'Parameter EventEndTime is not valid. Reason: EventEndTime must be before the current time.');
      if (input.Destination.Arn !== a.sourceArn) throw new AwsError('ValidationException', 'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.');
      const bus = core.bus(ctx, a.sourceArn);
      for (const f of input.Destination.FilterArns ?? []) {
        if (![...bus.rules.values()].some((r) => r.arn === f)) throw new AwsError('ValidationException', `Parameter Destination.FilterArns is not valid. Reason: Rule ${f} does not exist on EventBus ${bus.name}.`);
      }
      const r: Replay = {
        name: input.ReplayName,
        arn: region.replayArn(input.ReplayName),
        description: input.Description,
        sourceArn: a.arn,
        destination: input.Destination,
        eventStart: input.EventStartTime,
        eventEnd: input.EventEndTime,
        state: 'STARTING',
        replayStart: new Date(ctx.now()),
      };
      region.replays.set(r.name, r);
      runReplay(ctx.cloud.clock, a, bus, r, (b, ev, only) => core.ingest(region, b, ev, only));
      return { ReplayArn: r.arn, State: r.state, ReplayStartTime: r.replayStart };
    },

    DescribeReplay(ctx, input: T.DescribeReplayRequest): T.DescribeReplayResponse {
      const r = replay(ctx, input.ReplayName);
      return { ...replayView(r), ReplayArn: r.arn, Description: r.description, Destination: r.destination };
    },

    ListReplays(ctx, input: T.ListReplaysRequest): T.ListReplaysResponse {
      const list = [...core.region(ctx).replays.values()]
        .filter((r) => (!input.NamePrefix || r.name.startsWith(input.NamePrefix)) && (!input.State || r.state === input.State) && (!input.EventSourceArn || r.sourceArn === input.EventSourceArn))
        .sort(byName);
      const { page, nextToken } = paginate(list, { maxResults: input.Limit, nextToken: input.NextToken, scope: 'replays', invalidTokenCode: 'ValidationException' });
      return { Replays: page.map(replayView), NextToken: nextToken };
    },

    CancelReplay(ctx, input: T.CancelReplayRequest): T.CancelReplayResponse {
      const r = replay(ctx, input.ReplayName);
      if (r.state !== 'STARTING' && r.state !== 'RUNNING') throw new AwsError('IllegalStatusException', `Replay ${r.name} is not in a valid state for this operation.`);
      r.state = 'CANCELLED';
      r.replayEnd = new Date(ctx.now());
      return { ReplayArn: r.arn, State: 'CANCELLING' };
    },
  };
}
