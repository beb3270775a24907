/**
 * Event source mappings (Create/Get/List/Update/Delete) for Amazon SQS queues, the one event source
 * Nimbus has: BatchSize, MaximumBatchingWindowInSeconds, FilterCriteria, FunctionResponseTypes,
 * ScalingConfig and the states AWS reports (Creating -> Enabled, Enabling, Disabling, Updating,
 * Deleting). Delivery itself is in sqs-poller.ts.
 */
import type * as T from '../../generated/lambda.types.js';
import { AwsError } from '../../core/errors.js';
import { arn, parseArn, uuid } from '../../core/ids.js';
import { paginate } from '../../core/paging.js';
import { compilePattern, PatternError, type CompiledPattern } from '../../core/patterns/index.js';
import type { SqsService } from '../sqs/types.js';
import type { RequestContext } from '../types.js';
import { conflict, functionArn, invalid } from './names.js';
import type { LambdaCore } from './service.js';
import type { SqsPollers } from './sqs-poller.js';
import type { MappingRecord } from './store.js';

const DEFAULT_BATCH_SIZE = 10;
const LIST_MAX = 100;
const STREAM_SOURCES = new Set(['kinesis', 'dynamodb', 'kafka', 'mq', 'rds']);

/** Parameters of other event source types, which AWS rejects for an SQS queue. */
const NOT_FOR_SQS = [
  'StartingPositionTimestamp',
  'ParallelizationFactor',
  'DestinationConfig',
  'MaximumRecordAgeInSeconds',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'TumblingWindowInSeconds',
  'Topics',
  'Queues',
  'SourceAccessConfigurations',
  'SelfManagedEventSource',
  'AmazonManagedKafkaEventSourceConfig',
  'SelfManagedKafkaEventSourceConfig',
  'DocumentDBEventSourceConfig',
] as const;

type MappingInput = Partial<T.CreateEventSourceMappingRequest & T.UpdateEventSourceMappingRequest>;

export function notFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
}

export function eventSourceMappingHandlers(core: LambdaCore, pollers: SqsPollers) {
  const { store } = core;
  const scope = (ctx: RequestContext) => ({ account: ctx.account, region: ctx.region });

  function mappingOf(ctx: RequestContext, id: string): MappingRecord {
    const m = store.mappings.get(id);
    if (!m || m.account !== ctx.account || m.region !== ctx.region) throw notFound();
    return m;
  }

  /** The function's ARN, qualified when the name carries a version or alias (which must exist). */
  function functionOf(ctx: RequestContext, name: string): string {
    const ref = core.ref(scope(ctx), name);
    const fn = core.fn(ref);
    core.checkQualifier(fn, ref);
    return functionArn(fn.region, fn.account, fn.name, ref.qualifier);
  }

  async function sourceQueue(sourceArn: string | undefined): Promise<{ arn: string; fifo: boolean }> {
    const service = sourceArn ? parseArn(sourceArn)?.service : undefined;
    if (!sourceArn || !service) throw invalid('Unrecognized event source.');
    if (STREAM_SOURCES.has(service))
      throw invalid(`Nimbus supports event source mappings for Amazon SQS queues only; ${service} event sources are not supported.`);
    if (service !== 'sqs') throw invalid('Unrecognized event source.');
    const sqs = await core.cloud.service<SqsService>('sqs');
    try {
      const q = sqs.getQueue(sourceArn);
      return { arn: q.arn, fifo: q.fifo };
    } catch {
      throw invalid(
        'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist for this wsdl version.',
      );
    }
  }

  function checkForSqs(input: MappingInput): void {
    if (input.StartingPosition !== undefined) throw invalid('StartingPosition is not valid for SQS event sources.');
    for (const name of NOT_FOR_SQS) if (given(input[name])) throw invalid(`Unsupported ${name} parameter for given event source mapping type.`);
  }

  function checkBatching(batchSize: number, windowSeconds: number, fifo: boolean): void {
    if (fifo && windowSeconds > 0) throw invalid('Batching window is not supported for FIFO queues');
    if (batchSize > 10 && windowSeconds === 0) throw invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  }

  function checkUnique(m: Pick<MappingRecord, 'account' | 'region' | 'functionArn' | 'eventSourceArn' | 'uuid'>): void {
    for (const other of store.mappings.values()) {
      if (other.uuid === m.uuid || other.state === 'Deleting' || other.account !== m.account || other.region !== m.region) continue;
      if (other.functionArn === m.functionArn && other.eventSourceArn === m.eventSourceArn) {
        const name = m.functionArn.split(':').slice(6).join(':');
        throw conflict(
          `An event source mapping with SQS arn (" ${m.eventSourceArn} ") and function (" ${name} ") already exists. Please update or delete the existing mapping with UUID ${other.uuid}`,
        );
      }
    }
  }

  function checkIdle(m: MappingRecord, verb: 'update' | 'delete'): void {
    if (m.state !== 'Enabled' && m.state !== 'Disabled')
      throw new AwsError('ResourceInUseException', `Cannot ${verb} the event source mapping because it is in use. Its state is ${m.state}.`);
  }

  /** The pending state settles on the next turn, as Lambda's does shortly after the call. */
  function settle(m: MappingRecord): void {
    setImmediate(() => {
      if (store.mappings.get(m.uuid) !== m) return;
      if (m.state === 'Deleting') {
        store.mappings.delete(m.uuid);
        return;
      }
      m.state = m.enabled ? 'Enabled' : 'Disabled';
      pollers.sync(m);
    });
  }

  return {
    async CreateEventSourceMapping(ctx: RequestContext, input: T.CreateEventSourceMappingRequest): Promise<T.EventSourceMappingConfiguration> {
      const fnArn = functionOf(ctx, input.FunctionName);
      const queue = await sourceQueue(input.EventSourceArn);
      checkForSqs(input);
      const batchSize = input.BatchSize ?? DEFAULT_BATCH_SIZE;
      const windowSeconds = input.MaximumBatchingWindowInSeconds ?? 0;
      checkBatching(batchSize, windowSeconds, queue.fifo);
      const filters = compileFilters(input.FilterCriteria);
      const id = uuid();
      const m: MappingRecord = {
        uuid: id,
        account: ctx.account,
        region: ctx.region,
        arn: arn('lambda', ctx.region, ctx.account, `event-source-mapping:${id}`),
        functionArn: fnArn,
        eventSourceArn: queue.arn,
        fifo: queue.fifo,
        batchSize,
        batchingWindowSeconds: windowSeconds,
        ...filters,
        responseTypes: [...(input.FunctionResponseTypes ?? [])],
        scaling: scalingOf(input.ScalingConfig),
        kmsKeyArn: input.KMSKeyArn,
        metrics: input.MetricsConfig,
        provisioned: input.ProvisionedPollerConfig,
        enabled: input.Enabled ?? true,
        state: 'Creating',
        lastModified: new Date(ctx.now()),
        tags: { ...(input.Tags ?? {}) },
      };
      checkUnique(m);
      store.mappings.set(id, m);
      settle(m);
      return view(m);
    },

    GetEventSourceMapping(ctx: RequestContext, input: T.GetEventSourceMappingRequest): T.EventSourceMappingConfiguration {
      return view(mappingOf(ctx, input.UUID));
    },

    ListEventSourceMappings(ctx: RequestContext, input: T.ListEventSourceMappingsRequest): T.ListEventSourceMappingsResponse {
      let ofFunction: ((fnArn: string) => boolean) | undefined;
      if (input.FunctionName !== undefined) {
        const ref = core.ref(scope(ctx), input.FunctionName);
        const base = functionArn(ref.region, ref.account, ref.name);
        // An unqualified name lists the mappings of every version and alias of the function.
        ofFunction = ref.qualifier ? (a) => a === functionArn(ref.region, ref.account, ref.name, ref.qualifier) : (a) => a === base || a.startsWith(base + ':');
      }
      const items: T.EventSourceMappingConfiguration[] = [];
      for (const m of store.mappings.values()) {
        if (m.account !== ctx.account || m.region !== ctx.region) continue;
        if (input.EventSourceArn !== undefined && m.eventSourceArn !== input.EventSourceArn) continue;
        if (ofFunction && !ofFunction(m.functionArn)) continue;
        items.push(view(m));
      }
      const { page, nextToken } = paginate(items, {
        maxResults: input.MaxItems,
        nextToken: input.Marker,
        scope: `esm:${ctx.account}:${ctx.region}:${input.EventSourceArn ?? ''}:${input.FunctionName ?? ''}`,
        defaultMax: LIST_MAX,
        invalidTokenCode: 'InvalidParameterValueException',
      });
      return { EventSourceMappings: page, NextMarker: nextToken };
    },

    UpdateEventSourceMapping(ctx: RequestContext, input: T.UpdateEventSourceMappingRequest): T.EventSourceMappingConfiguration {
      const m = mappingOf(ctx, input.UUID);
      checkIdle(m, 'update');
      checkForSqs(input);
      const fnArn = input.FunctionName !== undefined ? functionOf(ctx, input.FunctionName) : m.functionArn;
      const batchSize = input.BatchSize ?? m.batchSize;
      const windowSeconds = input.MaximumBatchingWindowInSeconds ?? m.batchingWindowSeconds;
      checkBatching(batchSize, windowSeconds, m.fifo);
      const filters = input.FilterCriteria !== undefined ? compileFilters(input.FilterCriteria) : undefined;
      if (fnArn !== m.functionArn) checkUnique({ ...m, functionArn: fnArn });
      m.functionArn = fnArn;
      m.batchSize = batchSize;
      m.batchingWindowSeconds = windowSeconds;
      if (filters) {
        m.filters = filters.filters;
        m.matchers = filters.matchers;
      }
      if (input.FunctionResponseTypes !== undefined) m.responseTypes = [...input.FunctionResponseTypes];
      if (input.ScalingConfig !== undefined) m.scaling = scalingOf(input.ScalingConfig);
      if (input.KMSKeyArn !== undefined) m.kmsKeyArn = input.KMSKeyArn || undefined;
      if (input.MetricsConfig !== undefined) m.metrics = input.MetricsConfig;
      if (input.ProvisionedPollerConfig !== undefined) m.provisioned = input.ProvisionedPollerConfig;
      const enabled = input.Enabled ?? m.enabled;
      m.state = enabled === m.enabled ? 'Updating' : enabled ? 'Enabling' : 'Disabling';
      m.enabled = enabled;
      m.lastModified = new Date(ctx.now());
      pollers.sync(m, true);
      settle(m);
      return view(m);
    },

    DeleteEventSourceMapping(ctx: RequestContext, input: T.DeleteEventSourceMappingRequest): T.EventSourceMappingConfiguration {
      const m = mappingOf(ctx, input.UUID);
      checkIdle(m, 'delete');
      m.state = 'Deleting';
      pollers.sync(m);
      settle(m);
      return view(m);
    },
  };
}

/** A mapping as the API reports it. */
function view(m: MappingRecord): T.EventSourceMappingConfiguration {
  const out: T.EventSourceMappingConfiguration = {
    UUID: m.uuid,
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.batchingWindowSeconds,
    EventSourceArn: m.eventSourceArn,
    FunctionArn: m.functionArn,
    LastModified: m.lastModified,
    State: m.state,
    StateTransitionReason: 'USER_INITIATED',
    FunctionResponseTypes: [...m.responseTypes],
    EventSourceMappingArn: m.arn,
  };
  if (m.filters) out.FilterCriteria = { Filters: m.filters.map((f) => ({ ...f })) };
  if (m.scaling) out.ScalingConfig = { ...m.scaling };
  if (m.kmsKeyArn) out.KMSKeyArn = m.kmsKeyArn;
  if (m.metrics) out.MetricsConfig = { ...m.metrics };
  if (m.provisioned) out.ProvisionedPollerConfig = { ...m.provisioned };
  return out;
}

/** FilterCriteria compiled with the shared pattern engine (EventBridge syntax, as Lambda uses). An empty list clears the filters. */
function compileFilters(criteria: T.FilterCriteria | undefined): { filters?: T.Filter[]; matchers?: CompiledPattern[] } {
  const list = criteria?.Filters ?? [];
  if (!list.length) return { filters: undefined, matchers: undefined };
  const matchers = list.map((f) => {
    try {
      return compilePattern(f.Pattern ?? '', 'eventbridge');
    } catch (err) {
      if (err instanceof PatternError) throw invalid('Invalid filter pattern definition.');
      throw err;
    }
  });
  return { filters: list.map((f) => ({ Pattern: f.Pattern })), matchers };
}

function scalingOf(s: T.ScalingConfig | undefined): T.ScalingConfig | undefined {
  return s?.MaximumConcurrency !== undefined ? { MaximumConcurrency: s.MaximumConcurrency } : undefined;
}

/** Whether a parameter was really given (SDKs may send empty structures and lists). */
function given(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object' && !(v instanceof Date)) return Object.keys(v).length > 0;
  return true;
}
