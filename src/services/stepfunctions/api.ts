/**
 * Step Functions: state machines (Standard and Express), executions with AWS's history events,
 * activities, task callbacks, tags, definition validation, nested executions, versions and aliases
 * (versions.ts), TestState (test-state.ts), RedriveExecution (redrive.ts). Map runs are not implemented (the gateway answers 501).
 */
import { AwsError } from '../../core/errors.js';
import { parseArn, uuid } from '../../core/ids.js';
import { paginate } from '../../core/paging.js';
import type * as T from '../../generated/states.types.js';
import type { ServiceFactory } from '../registry.js';
import type { RequestContext, ServiceInstance } from '../types.js';
import { activityArn, invalidArn, isVersionQualifier, labeledArnNotSupported, parseStatesArn, splitMachineArn, stateMachineArn } from './arns.js';
import { ActivityHub } from './executor/activities.js';
import { registerNestedExecutions } from './executor/nested.js';
import { TaskTokenTable } from './executor/tokens.js';
import { IntegrationRegistry } from './integrations/registry.js';
import { forwardExecutionStatusEvents, registerServiceIntegrations } from './integrations/providers.js';
import { assertValidName } from './names.js';
import type { ExecutionRunner, ExecutionStatusChange, ExecutionStatusListener } from './runner.js';
import { MemoryStatesStore, type ActivityRecord, type ExecutionRecord, type MachineRevision, type StateMachineRecord } from './store.js';
import { publishVersion, versionHandlers } from './versions.js';
import * as views from './views.js';

export type { ExecutionStatusChange, ExecutionStatusListener } from './runner.js';

export interface StepFunctionsService extends ServiceInstance {
  /** Where Lambda, SQS, SNS, EventBridge, ... register their Task integrations. */
  readonly integrations: IntegrationRegistry;
  /**
   * StartExecution in process (EventBridge and Scheduler targets). `input` is JSON text (`{}` when
   * absent); account and region default to the ones in the state machine ARN.
   */
  startExecution(stateMachineArn: string, input?: string, name?: string, ctx?: Partial<Pick<RequestContext, 'account' | 'region'>>): Promise<T.StartExecutionOutput>;
  /** Status changes of Standard executions (RUNNING, then the final status); returns an unsubscribe function. */
  onExecutionStatusChange(listener: ExecutionStatusListener): () => void;
}

/** AWS's limit of tags per resource. */
const MAX_TAGS = 50;
const DEFAULT_PAGE = 100;

export const createService: ServiceFactory = (cloud) => {
  const store = new MemoryStatesStore();
  const integrations = new IntegrationRegistry();
  const tokens = new TaskTokenTable();
  const activities = new ActivityHub(cloud.clock);
  registerServiceIntegrations(integrations, cloud);

  // The engine (runner, executor, validator, TestState) loads on the first call that needs it, so
  // listing an empty account at start-up does not pay for it.
  const statusListeners = new Set<ExecutionStatusListener>();
  let runnerLoading: Promise<ExecutionRunner> | undefined;
  const engine = (): Promise<ExecutionRunner> =>
    (runnerLoading ??= Promise.all([import('./runner.js'), import('./mocks.js')]).then(([{ ExecutionRunner }, { MockConfigSource }]) => {
      const runner = new ExecutionRunner(cloud, store, integrations, tokens, activities, new MockConfigSource(cloud.config.sfnMockConfig, cloud.logger));
      registerNestedExecutions(integrations, runner.nestedHook());
      runner.onStatusChange((change: ExecutionStatusChange) => statusListeners.forEach((l) => l(change)));
      return runner;
    }));
  const validator = () => import('./asl/validate.js');

  /** A machine named by its own ARN (APIs that refuse version and alias ARNs). */
  function machine(ctx: RequestContext, arn: string): StateMachineRecord {
    if (splitMachineArn(arn).qualifier !== undefined) throw labeledArnNotSupported();
    const m = store.machine(ctx.account, ctx.region, arn);
    if (!m) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  function execution(ctx: RequestContext, arn: string): ExecutionRecord {
    parseStatesArn(arn, ['execution']);
    const e = store.execution(ctx.account, ctx.region, arn);
    if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  function activity(ctx: RequestContext, arn: string): ActivityRecord {
    parseStatesArn(arn, ['activity']);
    const a = store.activity(ctx.account, ctx.region, arn);
    if (!a) throw new AwsError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`);
    return a;
  }

  /** The tags of a state machine or activity. */
  function taggable(ctx: RequestContext, arn: string): Map<string, string> {
    const { type } = parseStatesArn(arn, ['stateMachine', 'activity']);
    const found = type === 'activity' ? store.activity(ctx.account, ctx.region, arn) : store.machine(ctx.account, ctx.region, arn);
    if (!found) throw new AwsError('ResourceNotFound', `Resource not found: '${arn}'`, 404, { resourceName: arn });
    return found.tags;
  }

  function addTags(target: Map<string, string>, tags: T.Tag[] | undefined, arn: string): void {
    if (!tags?.length) return;
    const next = new Map(target);
    for (const t of tags) next.set(t.key ?? '', t.value ?? '');
    if (next.size > MAX_TAGS) throw new AwsError('TooManyTags', `Too many tags: a resource can have at most ${MAX_TAGS} tags`, 400, { resourceName: arn });
    for (const [k, v] of next) target.set(k, v);
  }

  async function checkedDefinition(definition: string, type: T.StateMachineType): Promise<unknown> {
    const { validateDefinition, invalidDefinitionMessage } = await validator();
    const result = validateDefinition(definition, { type });
    if (result.result !== 'OK') throw new AwsError('InvalidDefinition', invalidDefinitionMessage(result));
    return result.definition;
  }

  const service: StepFunctionsService = {
    integrations,

    async startExecution(stateMachineArn, input, name, ctx = {}) {
      const parsed = parseArn(stateMachineArn);
      return (await engine()).start({
        account: ctx.account ?? parsed?.account ?? '',
        region: ctx.region ?? parsed?.region ?? '',
        stateMachineArn,
        input,
        name,
      });
    },

    onExecutionStatusChange(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },

    handlers: {
      ...versionHandlers(store),

      // --- state machines -------------------------------------------------------------------

      async CreateStateMachine(ctx, input: T.CreateStateMachineInput): Promise<T.CreateStateMachineOutput> {
        assertVersionDescription(input.publish, input.versionDescription);
        assertValidName(input.name);
        assertArn(input.roleArn);
        const type = input.type ?? 'STANDARD';
        const parsed = await checkedDefinition(input.definition, type);
        const arn = stateMachineArn(ctx.region, ctx.account, input.name);
        const logging = loggingOf(input.loggingConfiguration);
        const tracing = { enabled: input.tracingConfiguration?.enabled ?? false };
        const existing = store.machine(ctx.account, ctx.region, arn);
        if (existing) {
          if (existing.status === 'DELETING') throw deleting(arn);
          // AWS: idempotent on name, definition, type, logging, tracing and encryption; roleArn and tags are ignored.
          const r = existing.revision;
          const same =
            existing.type === type &&
            r.definition === input.definition &&
            sameJson(r.logging, logging) &&
            sameJson(r.tracing, tracing) &&
            sameJson(r.encryption, input.encryptionConfiguration);
          if (!same) throw new AwsError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
          return withVersion({ stateMachineArn: arn, creationDate: existing.creationDate }, existing, new Date(ctx.now()), input.publish, input.versionDescription);
        }
        const now = new Date(ctx.now());
        const revision: MachineRevision = { definition: input.definition, parsed, roleArn: input.roleArn, logging, tracing, updateDate: now };
        if (input.encryptionConfiguration) revision.encryption = input.encryptionConfiguration;
        const m: StateMachineRecord = {
          arn,
          name: input.name,
          account: ctx.account,
          region: ctx.region,
          type,
          creationDate: now,
          revision,
          status: 'ACTIVE',
          running: 0,
          executions: [],
          tags: new Map(),
          versions: new Map(),
          lastVersion: 0,
          aliases: new Map(),
        };
        addTags(m.tags, input.tags, arn);
        const out = withVersion({ stateMachineArn: arn, creationDate: now }, m, now, input.publish, input.versionDescription);
        store.putMachine(m);
        return out;
      },

      DescribeStateMachine(ctx, input: T.DescribeStateMachineInput): T.DescribeStateMachineOutput {
        const { machineArn, qualifier } = splitMachineArn(input.stateMachineArn);
        if (qualifier === undefined) return views.describeMachine(machine(ctx, machineArn));
        // A version ARN describes that version; an alias is described by DescribeStateMachineAlias.
        const v = isVersionQualifier(qualifier) ? store.machine(ctx.account, ctx.region, machineArn)?.versions.get(Number(qualifier)) : undefined;
        if (!v) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${input.stateMachineArn}'`);
        return views.describeVersion(v);
      },

      async UpdateStateMachine(ctx, input: T.UpdateStateMachineInput): Promise<T.UpdateStateMachineOutput> {
        assertVersionDescription(input.publish, input.versionDescription);
        const m = machine(ctx, input.stateMachineArn);
        const { definition, roleArn, loggingConfiguration, tracingConfiguration, encryptionConfiguration } = input;
        if (definition === undefined && roleArn === undefined && !loggingConfiguration && !tracingConfiguration && !encryptionConfiguration) {
          throw new AwsError('MissingRequiredParameter', 'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified');
        }
        if (m.status === 'DELETING') throw deleting(m.arn);
        if (roleArn !== undefined) assertArn(roleArn);
        const old = m.revision;
        const next: MachineRevision = {
          definition: definition ?? old.definition,
          parsed: definition === undefined ? old.parsed : await checkedDefinition(definition, m.type),
          roleArn: roleArn ?? old.roleArn,
          logging: loggingConfiguration ? loggingOf(loggingConfiguration) : old.logging,
          tracing: tracingConfiguration ? { enabled: tracingConfiguration.enabled ?? false } : old.tracing,
          updateDate: new Date(ctx.now()),
        };
        const encryption = encryptionConfiguration ?? old.encryption;
        if (encryption) next.encryption = encryption;
        const changed =
          next.definition !== old.definition ||
          next.roleArn !== old.roleArn ||
          !sameJson(next.logging, old.logging) ||
          !sameJson(next.tracing, old.tracing) ||
          !sameJson(next.encryption, old.encryption);
        if (changed) {
          next.revisionId = uuid();
          m.revision = next;
        }
        const out = withRevision({ updateDate: next.updateDate }, m.revision.revisionId);
        if (input.publish) out.stateMachineVersionArn = publishVersion(m, next.updateDate, input.versionDescription).arn;
        return out;
      },

      DeleteStateMachine(ctx, input: T.DeleteStateMachineInput): T.DeleteStateMachineOutput {
        if (splitMachineArn(input.stateMachineArn).qualifier !== undefined) throw labeledArnNotSupported();
        const m = store.machine(ctx.account, ctx.region, input.stateMachineArn);
        if (!m) return {};
        // Running executions go on; the machine is DELETING until the last one stops (and its
        // stopped executions, which stay describable, can no longer be redriven).
        m.status = 'DELETING';
        if (m.running === 0) store.removeMachine(m);
        return {};
      },

      ListStateMachines(ctx, input: T.ListStateMachinesInput): T.ListStateMachinesOutput {
        const all = [...store.machines(ctx.account, ctx.region)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const { page, nextToken } = paginate(all, { maxResults: input.maxResults, nextToken: input.nextToken, scope: 'ListStateMachines', defaultMax: DEFAULT_PAGE });
        return withToken({ stateMachines: page.map(views.machineListItem) }, nextToken);
      },

      async ValidateStateMachineDefinition(_ctx, input: T.ValidateStateMachineDefinitionInput): Promise<T.ValidateStateMachineDefinitionOutput> {
        const r = (await validator()).validateDefinition(input.definition, { type: input.type, severity: input.severity, maxResults: input.maxResults });
        return { result: r.result, diagnostics: r.diagnostics, truncated: r.truncated };
      },

      async TestState(ctx, input: T.TestStateInput): Promise<T.TestStateOutput> {
        const { testState } = await import('./test-state.js');
        return testState(input, { integrations, clock: cloud.clock, account: ctx.account, region: ctx.region });
      },

      // --- executions -----------------------------------------------------------------------

      async StartExecution(ctx, input: T.StartExecutionInput): Promise<T.StartExecutionOutput> {
        return (await engine()).start({ account: ctx.account, region: ctx.region, stateMachineArn: input.stateMachineArn, name: input.name, input: input.input, traceHeader: input.traceHeader });
      },

      async StartSyncExecution(ctx, input: T.StartSyncExecutionInput): Promise<T.StartSyncExecutionOutput> {
        const req = { account: ctx.account, region: ctx.region, stateMachineArn: input.stateMachineArn, name: input.name, input: input.input, traceHeader: input.traceHeader };
        return (await engine()).startSync(req, input.includedData === 'METADATA_ONLY');
      },

      StopExecution(ctx, input: T.StopExecutionInput): T.StopExecutionOutput {
        const { run } = execution(ctx, input.executionArn);
        if (run.status === 'RUNNING') run.stop(input.error, input.cause);
        return { stopDate: run.stopDate ?? new Date(ctx.now()) };
      },

      async RedriveExecution(ctx, input: T.RedriveExecutionInput): Promise<T.RedriveExecutionOutput> {
        // Express executions keep no state to pick up from: AWS does not support redriving them.
        if (parseStatesArn(input.executionArn, ['execution', 'express']).type === 'express') {
          throw new AwsError('ExecutionNotRedrivable', 'Executions of EXPRESS state machines cannot be redriven');
        }
        return (await engine()).redrive(execution(ctx, input.executionArn), input.clientToken);
      },

      DescribeExecution(ctx, input: T.DescribeExecutionInput): T.DescribeExecutionOutput {
        return views.describeExecution(execution(ctx, input.executionArn), input.includedData === 'METADATA_ONLY');
      },

      DescribeStateMachineForExecution(ctx, input: T.DescribeStateMachineForExecutionInput): T.DescribeStateMachineForExecutionOutput {
        return views.describeMachineForExecution(execution(ctx, input.executionArn));
      },

      ListExecutions(ctx, input: T.ListExecutionsInput): T.ListExecutionsOutput {
        if (input.mapRunArn !== undefined) throw new AwsError('ResourceNotFound', `Resource not found: '${input.mapRunArn}'`, 404, { resourceName: input.mapRunArn });
        if (input.stateMachineArn === undefined) throw new AwsError('ValidationException', 'Must provide a StateMachine ARN or MapRun ARN');
        // A version or alias ARN lists the executions started through it.
        const { machineArn, qualifier } = splitMachineArn(input.stateMachineArn);
        const m = machine(ctx, machineArn);
        if (m.type === 'EXPRESS') throw new AwsError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
        const version = qualifier !== undefined && isVersionQualifier(qualifier) ? m.versions.get(Number(qualifier)) : undefined;
        const alias = qualifier !== undefined && !isVersionQualifier(qualifier) ? m.aliases.get(qualifier) : undefined;
        if (qualifier !== undefined && !version && !alias) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${input.stateMachineArn}'`);
        const matching: ExecutionRecord[] = [];
        const redriven = input.redriveFilter === undefined ? undefined : input.redriveFilter === 'REDRIVEN';
        for (let i = m.executions.length - 1; i >= 0; i--) {
          const e = m.executions[i];
          if (input.statusFilter && e.run.status !== input.statusFilter) continue;
          if (redriven !== undefined && e.run.redriveCount > 0 !== redriven) continue;
          if (alias ? e.alias !== alias : version && e.version !== version) continue;
          matching.push(e);
        }
        const scope = `ListExecutions#${input.stateMachineArn}#${input.statusFilter ?? ''}#${input.redriveFilter ?? ''}`;
        const { page, nextToken } = paginate(matching, { maxResults: input.maxResults, nextToken: input.nextToken, scope, defaultMax: DEFAULT_PAGE });
        return withToken({ executions: page.map(views.executionListItem) }, nextToken);
      },

      GetExecutionHistory(ctx, input: T.GetExecutionHistoryInput): T.GetExecutionHistoryOutput {
        const e = execution(ctx, input.executionArn);
        const events = input.reverseOrder ? [...e.run.history].reverse() : e.run.history;
        // Tokens are bound to one listing; `|` separates the scope from the offset inside them.
        const scope = `GetExecutionHistory#${e.arn}#${input.reverseOrder ? 'r' : 'f'}`;
        const { page, nextToken } = paginate(events, { maxResults: input.maxResults, nextToken: input.nextToken, scope, defaultMax: DEFAULT_PAGE });
        const out = input.includeExecutionData === false ? page.map(views.withoutExecutionData) : page;
        return withToken({ events: out }, nextToken);
      },

      // --- activities and task callbacks ----------------------------------------------------

      CreateActivity(ctx, input: T.CreateActivityInput): T.CreateActivityOutput {
        assertValidName(input.name);
        const arn = activityArn(ctx.region, ctx.account, input.name);
        // Idempotent on the name; AWS ignores different tags on a repeated call.
        const existing = store.activity(ctx.account, ctx.region, arn);
        if (existing) return { activityArn: arn, creationDate: existing.creationDate };
        const a: ActivityRecord = { arn, name: input.name, creationDate: new Date(ctx.now()), tags: new Map() };
        addTags(a.tags, input.tags, arn);
        store.putActivity(ctx.account, ctx.region, a);
        activities.define(arn);
        return { activityArn: arn, creationDate: a.creationDate };
      },

      DescribeActivity(ctx, input: T.DescribeActivityInput): T.DescribeActivityOutput {
        const a = activity(ctx, input.activityArn);
        return { activityArn: a.arn, name: a.name, creationDate: a.creationDate };
      },

      DeleteActivity(ctx, input: T.DeleteActivityInput): T.DeleteActivityOutput {
        parseStatesArn(input.activityArn, ['activity']);
        store.removeActivity(ctx.account, ctx.region, input.activityArn);
        activities.remove(input.activityArn);
        return {};
      },

      ListActivities(ctx, input: T.ListActivitiesInput): T.ListActivitiesOutput {
        const all = [...store.activities(ctx.account, ctx.region)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const { page, nextToken } = paginate(all, { maxResults: input.maxResults, nextToken: input.nextToken, scope: 'ListActivities', defaultMax: DEFAULT_PAGE });
        return withToken({ activities: page.map(views.activityListItem) }, nextToken);
      },

      async GetActivityTask(ctx, input: T.GetActivityTaskInput): Promise<T.GetActivityTaskOutput> {
        const a = activity(ctx, input.activityArn);
        const task = await activities.poll(a.arn, input.workerName);
        return task ? { taskToken: task.taskToken, input: task.input } : {};
      },

      SendTaskSuccess(_ctx, input: T.SendTaskSuccessInput): T.SendTaskSuccessOutput {
        tokens.sendTaskSuccess(input.taskToken, input.output);
        return {};
      },

      SendTaskFailure(_ctx, input: T.SendTaskFailureInput): T.SendTaskFailureOutput {
        tokens.sendTaskFailure(input.taskToken, input.error, input.cause);
        return {};
      },

      SendTaskHeartbeat(_ctx, input: T.SendTaskHeartbeatInput): T.SendTaskHeartbeatOutput {
        tokens.sendTaskHeartbeat(input.taskToken);
        return {};
      },

      // --- tags -----------------------------------------------------------------------------

      TagResource(ctx, input: T.TagResourceInput): T.TagResourceOutput {
        addTags(taggable(ctx, input.resourceArn), input.tags, input.resourceArn);
        return {};
      },

      UntagResource(ctx, input: T.UntagResourceInput): T.UntagResourceOutput {
        const tags = taggable(ctx, input.resourceArn);
        for (const key of input.tagKeys) tags.delete(key);
        return {};
      },

      ListTagsForResource(ctx, input: T.ListTagsForResourceInput): T.ListTagsForResourceOutput {
        return { tags: views.tagList(taggable(ctx, input.resourceArn)) };
      },
    },
  };
  forwardExecutionStatusEvents(service, cloud);
  return service;
};

function loggingOf(c: T.LoggingConfiguration | undefined): T.LoggingConfiguration {
  const out: T.LoggingConfiguration = { level: c?.level ?? 'OFF', includeExecutionData: c?.includeExecutionData ?? false };
  if (c?.destinations?.length) out.destinations = c.destinations;
  return out;
}

function assertArn(value: string): void {
  if (!parseArn(value)) throw invalidArn(`Invalid ARN prefix: ${value}`);
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const deleting = (arn: string) => new AwsError('StateMachineDeleting', `State Machine Is Being Deleted: '${arn}'`);

function assertVersionDescription(publish: boolean | undefined, description: string | undefined): void {
  if (description !== undefined && !publish) throw new AwsError('ValidationException', 'Version description can only be set when publish is true');
}

/** CreateStateMachine with `publish`: publishes (or finds) the version of the current revision. */
function withVersion(out: T.CreateStateMachineOutput, m: StateMachineRecord, now: Date, publish: boolean | undefined, description: string | undefined): T.CreateStateMachineOutput {
  if (publish) out.stateMachineVersionArn = publishVersion(m, now, description).arn;
  return out;
}

function withToken<T extends object>(out: T, nextToken: string | undefined): T & { nextToken?: string } {
  return nextToken === undefined ? out : { ...out, nextToken };
}

function withRevision(out: T.UpdateStateMachineOutput, revisionId: string | undefined): T.UpdateStateMachineOutput {
  if (revisionId !== undefined) out.revisionId = revisionId;
  return out;
}
