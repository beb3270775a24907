/**
 * State machine versions and aliases: PublishStateMachineVersion, the version and alias APIs, and
 * resolving the ARN given to StartExecution (the machine itself, `<machine>:<version>` or
 * `<machine>:<alias>`) to the revision the execution runs. AWS's rules: at most 1000 versions and
 * 100 aliases per machine, version numbers are never reused, publishing is idempotent per
 * revision, an alias routes to one or two versions of its machine with weights summing to 100, and
 * a version an alias routes to cannot be deleted.
 */
import { AwsError } from '../../core/errors.js';
import { paginate } from '../../core/paging.js';
import type * as T from '../../generated/states.types.js';
import type { Handler, RequestContext } from '../types.js';
import { invalidArn, isVersionQualifier, labeledArnNotSupported, parseStatesArn, splitMachineArn } from './arns.js';
import type { TestCase } from './mocks.js';
import type { AliasRecord, MachineRevision, RoutingEntry, StateMachineRecord, StatesStore, VersionRecord } from './store.js';

export const MAX_VERSIONS = 1000;
export const MAX_ALIASES = 100;
const DEFAULT_PAGE = 100;

/** What an execution runs: the machine, the revision, and the version / alias it was started through. */
export interface ExecutionTarget {
  machine: StateMachineRecord;
  revision: MachineRevision;
  version?: VersionRecord;
  alias?: AliasRecord;
  /** The mocked responses the execution runs with (`<arn>#<test case>`). */
  testCase?: TestCase;
}

const noMachine = (arn: string) => new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
const notFound = (arn: string) => new AwsError('ResourceNotFound', `Resource not found: '${arn}'`, 404, { resourceName: arn });
const deleting = (arn: string) => new AwsError('StateMachineDeleting', `State Machine Is Being Deleted: '${arn}'`);
const badRouting = (message: string) => new AwsError('ValidationException', message, 400, { reason: 'INVALID_ROUTING_CONFIGURATION' });

/** Resolves a (possibly qualified) state machine ARN; StartExecution picks an alias's version by weight here. */
export function resolveTarget(store: StatesStore, account: string, region: string, arn: string): ExecutionTarget {
  const { machineArn, qualifier } = splitMachineArn(arn);
  const machine = store.machine(account, region, machineArn);
  if (!machine) throw noMachine(arn);
  if (qualifier === undefined) return { machine, revision: machine.revision };
  if (isVersionQualifier(qualifier)) {
    const version = machine.versions.get(Number(qualifier));
    if (!version) throw noMachine(arn);
    return { machine, revision: version.revision, version };
  }
  const alias = machine.aliases.get(qualifier);
  if (!alias) throw noMachine(arn);
  const version = route(alias.routing);
  return { machine, revision: version.revision, version, alias };
}

/** Picks a version by weight (weights sum to 100; a weight of 0 never gets an execution). */
function route(routing: RoutingEntry[]): VersionRecord {
  if (routing.length === 1) return routing[0].version;
  return Math.random() * 100 < routing[0].weight ? routing[0].version : routing[1].version;
}

/** Publishes the machine's current revision, or returns the version already published from it. */
export function publishVersion(m: StateMachineRecord, now: Date, description: string | undefined): VersionRecord {
  if (m.status === 'DELETING') throw deleting(m.arn);
  const published = m.revision.publishedAs;
  if (published && m.versions.get(published.number) === published) return published;
  if (m.versions.size >= MAX_VERSIONS) {
    throw new AwsError('ServiceQuotaExceededException', `Maximum number of versions (${MAX_VERSIONS}) reached for state machine '${m.arn}'. Delete unused versions and try again.`, 402);
  }
  const number = ++m.lastVersion;
  const v: VersionRecord = { arn: `${m.arn}:${number}`, number, machine: m, revision: m.revision, creationDate: now };
  if (description !== undefined) v.description = description;
  m.versions.set(number, v);
  m.revision.publishedAs = v;
  return v;
}

/** The version a version ARN names, or undefined (an unqualified or alias ARN is refused). */
function versionOf(store: StatesStore, ctx: RequestContext, arn: string): { machine?: StateMachineRecord; version?: VersionRecord } {
  const { machineArn, qualifier } = splitMachineArn(arn);
  if (qualifier === undefined || !isVersionQualifier(qualifier)) throw invalidArn(`Invalid version ARN: ${arn}`);
  const machine = store.machine(ctx.account, ctx.region, machineArn);
  return { machine, version: machine?.versions.get(Number(qualifier)) };
}

function aliasOf(store: StatesStore, ctx: RequestContext, arn: string): AliasRecord {
  const { machineArn, qualifier } = splitMachineArn(arn);
  if (qualifier === undefined || isVersionQualifier(qualifier)) throw invalidArn(`Invalid alias ARN: ${arn}`);
  const alias = store.machine(ctx.account, ctx.region, machineArn)?.aliases.get(qualifier);
  if (!alias) throw notFound(arn);
  return alias;
}

/** Checks a routing configuration and resolves its versions; all must belong to `machine` when given. */
function routingOf(store: StatesStore, ctx: RequestContext, items: T.RoutingConfigurationListItem[], machine?: StateMachineRecord): { machine: StateMachineRecord; routing: RoutingEntry[] } {
  const routing: RoutingEntry[] = [];
  let total = 0;
  for (const item of items) {
    const { machineArn, qualifier } = splitMachineArn(item.stateMachineVersionArn);
    if (qualifier === undefined || !isVersionQualifier(qualifier)) throw badRouting(`Routing configuration must contain state machine version ARNs, got '${item.stateMachineVersionArn}'`);
    if (machine && machineArn !== machine.arn) throw badRouting('Routing configuration must contain versions of the same state machine as the alias');
    if (routing.length && machineArn !== routing[0].version.machine.arn) throw badRouting('Routing configuration must contain versions of the same state machine');
    const m = store.machine(ctx.account, ctx.region, machineArn);
    const version = m?.versions.get(Number(qualifier));
    if (!m || !version) throw notFound(item.stateMachineVersionArn);
    if (m.status === 'DELETING') throw deleting(m.arn);
    if (routing.some((r) => r.version === version)) throw badRouting('Routing configuration must contain distinct state machine versions');
    routing.push({ version, weight: item.weight });
    total += item.weight;
  }
  if (total !== 100) throw badRouting(`Sum of routing configuration weights must be equal to 100, got ${total}`);
  return { machine: routing[0].version.machine, routing };
}

const routingList = (routing: RoutingEntry[]): T.RoutingConfigurationListItem[] => routing.map((r) => ({ stateMachineVersionArn: r.version.arn, weight: r.weight }));

const sameRouting = (a: RoutingEntry[], b: RoutingEntry[]): boolean => a.length === b.length && a.every((r, i) => r.version === b[i].version && r.weight === b[i].weight);

/** The version and alias handlers, merged into the service's handler table. */
export function versionHandlers(store: StatesStore): Record<string, Handler> {
  /** An existing machine named by its own (unqualified) ARN. */
  function machine(ctx: RequestContext, arn: string): StateMachineRecord {
    if (splitMachineArn(arn).qualifier !== undefined) throw labeledArnNotSupported();
    const m = store.machine(ctx.account, ctx.region, arn);
    if (!m) throw noMachine(arn);
    return m;
  }

  return {
    PublishStateMachineVersion(ctx, input: T.PublishStateMachineVersionInput): T.PublishStateMachineVersionOutput {
      const m = machine(ctx, input.stateMachineArn);
      if (input.revisionId !== undefined) {
        const current = m.revision.revisionId ?? 'INITIAL';
        if (input.revisionId !== current) {
          throw new AwsError('ConflictException', `Failed to publish the State Machine version for revision ${input.revisionId}. The current State Machine revision is ${current}.`, 409);
        }
      }
      const v = publishVersion(m, new Date(ctx.now()), input.description);
      return { creationDate: v.creationDate, stateMachineVersionArn: v.arn };
    },

    ListStateMachineVersions(ctx, input: T.ListStateMachineVersionsInput): T.ListStateMachineVersionsOutput {
      const m = machine(ctx, input.stateMachineArn);
      // Newest first, as AWS lists them.
      const all = [...m.versions.values()].reverse();
      const { page, nextToken } = paginate(all, { maxResults: input.maxResults, nextToken: input.nextToken, scope: `ListStateMachineVersions#${m.arn}`, defaultMax: DEFAULT_PAGE });
      const out: T.ListStateMachineVersionsOutput = { stateMachineVersions: page.map((v) => ({ stateMachineVersionArn: v.arn, creationDate: v.creationDate })) };
      if (nextToken !== undefined) out.nextToken = nextToken;
      return out;
    },

    DeleteStateMachineVersion(ctx, input: T.DeleteStateMachineVersionInput): T.DeleteStateMachineVersionOutput {
      const { machine: m, version } = versionOf(store, ctx, input.stateMachineVersionArn);
      if (!m || !version) return {};
      const referencing = [...m.aliases.values()].filter((a) => a.routing.some((r) => r.version === version));
      if (referencing.length) {
        const names = referencing.map((a) => a.arn).join(', ');
        throw new AwsError('ConflictException', `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${names}]`, 409);
      }
      m.versions.delete(version.number);
      return {};
    },

    CreateStateMachineAlias(ctx, input: T.CreateStateMachineAliasInput): T.CreateStateMachineAliasOutput {
      const { machine: m, routing } = routingOf(store, ctx, input.routingConfiguration);
      const existing = m.aliases.get(input.name);
      if (existing) {
        if (existing.description === input.description && sameRouting(existing.routing, routing)) return { stateMachineAliasArn: existing.arn, creationDate: existing.creationDate };
        throw new AwsError('ConflictException', `Failed to create alias because an alias with the same name and a different routing configuration or description already exists: '${existing.arn}'`, 409);
      }
      if (m.aliases.size >= MAX_ALIASES) {
        throw new AwsError('ServiceQuotaExceededException', `Maximum number of aliases (${MAX_ALIASES}) reached for state machine '${m.arn}'. Delete unused aliases and try again.`, 402);
      }
      const now = new Date(ctx.now());
      const alias: AliasRecord = { arn: `${m.arn}:${input.name}`, name: input.name, machine: m, routing, creationDate: now, updateDate: now };
      if (input.description !== undefined) alias.description = input.description;
      m.aliases.set(alias.name, alias);
      return { stateMachineAliasArn: alias.arn, creationDate: now };
    },

    DescribeStateMachineAlias(ctx, input: T.DescribeStateMachineAliasInput): T.DescribeStateMachineAliasOutput {
      const a = aliasOf(store, ctx, input.stateMachineAliasArn);
      const out: T.DescribeStateMachineAliasOutput = { stateMachineAliasArn: a.arn, name: a.name, routingConfiguration: routingList(a.routing), creationDate: a.creationDate, updateDate: a.updateDate };
      if (a.description !== undefined) out.description = a.description;
      return out;
    },

    UpdateStateMachineAlias(ctx, input: T.UpdateStateMachineAliasInput): T.UpdateStateMachineAliasOutput {
      if (input.description === undefined && input.routingConfiguration === undefined) {
        throw new AwsError('ValidationException', 'Either the description or the RoutingConfiguration must be specified', 400, { reason: 'MISSING_REQUIRED_PARAMETER' });
      }
      const a = aliasOf(store, ctx, input.stateMachineAliasArn);
      if (a.machine.status === 'DELETING') throw deleting(a.machine.arn);
      const routing = input.routingConfiguration ? routingOf(store, ctx, input.routingConfiguration, a.machine).routing : a.routing;
      const description = input.description ?? a.description;
      if (description === a.description && sameRouting(routing, a.routing)) return { updateDate: a.updateDate };
      a.routing = routing;
      if (description !== undefined) a.description = description;
      a.updateDate = new Date(ctx.now());
      return { updateDate: a.updateDate };
    },

    DeleteStateMachineAlias(ctx, input: T.DeleteStateMachineAliasInput): T.DeleteStateMachineAliasOutput {
      const a = aliasOf(store, ctx, input.stateMachineAliasArn);
      a.machine.aliases.delete(a.name);
      return {};
    },

    ListStateMachineAliases(ctx, input: T.ListStateMachineAliasesInput): T.ListStateMachineAliasesOutput {
      parseStatesArn(input.stateMachineArn, ['stateMachine']);
      const { machineArn, qualifier } = splitMachineArn(input.stateMachineArn);
      const m = store.machine(ctx.account, ctx.region, machineArn);
      if (!m) throw noMachine(input.stateMachineArn);
      if (m.status === 'DELETING') throw deleting(m.arn);
      let all = [...m.aliases.values()];
      if (qualifier !== undefined) {
        // A version ARN lists the aliases routing to that version.
        const version = isVersionQualifier(qualifier) ? m.versions.get(Number(qualifier)) : undefined;
        if (!version) throw notFound(input.stateMachineArn);
        all = all.filter((a) => a.routing.some((r) => r.version === version));
      }
      const { page, nextToken } = paginate(all, { maxResults: input.maxResults, nextToken: input.nextToken, scope: `ListStateMachineAliases#${input.stateMachineArn}`, defaultMax: DEFAULT_PAGE });
      const out: T.ListStateMachineAliasesOutput = { stateMachineAliases: page.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: a.creationDate })) };
      if (nextToken !== undefined) out.nextToken = nextToken;
      return out;
    },
  };
}
