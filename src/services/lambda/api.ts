/** Lambda's operations (restJson1): functions, code, versions, invocation, concurrency, tags, event source mappings. */
import type { ServiceFactory } from '../registry.js';
import type { RequestContext, ServiceInstance } from '../types.js';
import type * as T from '../../generated/lambda.types.js';
import { AwsError } from '../../core/errors.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, uuid } from '../../core/ids.js';
import { paginate } from '../../core/paging.js';
import { layerRefs, lastModified, listView, newConfig, updatedConfig, validateSettings, view } from './config.js';
import { ACCOUNT_CONCURRENCY, type InvokeResult } from './invoke.js';
import { conflict, functionArn, functionNotFound, invalid, preconditionFailed } from './names.js';
import { aliasHandlers } from './aliases.js';
import { eventSourceMappingHandlers, notFound as mappingNotFound } from './event-source-mappings.js';
import { layerHandlers } from './layers.js';
import { policyHandlers } from './policy.js';
import { accountLimitError, LambdaCore, type InvokeOptions } from './service.js';
import { SqsPollers } from './sqs-poller.js';
import type { FunctionRecord, VersionRecord } from './store.js';

/** The Lambda service instance: handlers plus the in-process interface other services use. */
export interface LambdaService extends ServiceInstance {
  invoke(functionNameOrArn: string, payload: Buffer | string | object, opts?: InvokeOptions): Promise<InvokeResult>;
  /** Resolves once no asynchronous invocation is queued or running. */
  settled(): Promise<void>;
  /** Output Nimbus kept of a function's invocations (START/END/REPORT and handler output). */
  logs(functionNameOrArn: string, scope?: { account?: string; region?: string }): string;
  core: LambdaCore;
}

const LIST_MAX = 50;

export const createService: ServiceFactory = (cloud) => {
  const core = new LambdaCore(cloud);
  const { store } = core;
  const pollers = new SqsPollers(core);
  const scope = (ctx: RequestContext) => ({ account: ctx.account, region: ctx.region });

  function checkRevision(fn: FunctionRecord, revisionId: string | undefined): void {
    if (revisionId !== undefined && revisionId !== fn.latest.config.RevisionId) throw preconditionFailed('GetFunction');
  }

  function checkIdle(fn: FunctionRecord): void {
    if (fn.state === 'Pending' || fn.updating)
      throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${fn.arn}`);
  }

  function reservedTotal(account: string, region: string, except?: FunctionRecord): number {
    let n = 0;
    for (const f of store.list(account, region)) if (f !== except) n += f.reserved ?? 0;
    return n;
  }

  const handlers: Record<string, (ctx: RequestContext, input: any) => unknown> = {
    async CreateFunction(ctx, input: T.CreateFunctionRequest): Promise<T.FunctionConfiguration> {
      const ref = core.ref(scope(ctx), input.FunctionName);
      if (ref.qualifier) throw invalid('Function name cannot be qualified when creating a function.');
      if (input.PackageType === 'Image') throw invalid('Nimbus runs .zip deployment packages only; container image functions are not supported.');
      if (!input.Runtime || !input.Handler) throw invalid('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
      validateSettings(input, 'Zip');
      if (store.get(ref.account, ref.region, ref.name)) throw conflict(`Function already exist: ${ref.name}`);
      const zip = await core.codeBytes(input.Code, ref);
      const code = core.artifact(zip);
      // A concurrent CreateFunction may have won while the package was fetched.
      if (store.get(ref.account, ref.region, ref.name)) throw conflict(`Function already exist: ${ref.name}`);
      const arn = functionArn(ref.region, ref.account, ref.name);
      const config = newConfig({ ...input, FunctionName: ref.name }, arn, ctx.now(), store);
      config.CodeSha256 = code.sha256;
      config.CodeSize = code.size;
      const latest: VersionRecord = { version: '$LATEST', config, code, layers: layerRefs(store, input.Layers) };
      const fn: FunctionRecord = {
        account: ref.account,
        region: ref.region,
        name: ref.name,
        arn,
        latest,
        versions: new Map(),
        lastPublished: 0,
        aliases: new Map(),
        policies: new Map(),
        eventInvokeConfigs: new Map(),
        tags: { ...(input.Tags ?? {}) },
        state: 'Pending',
        updating: false,
        ready: Promise.resolve(),
      };
      core.transition(fn, 'create');
      store.put(fn);
      if (input.Publish) return { ...view(fn, core.publish(fn)), State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' };
      return view(fn, latest);
    },

    GetFunction(ctx, input: T.GetFunctionRequest): Promise<T.GetFunctionResponse> {
      const ref = core.ref(scope(ctx), input.FunctionName, input.Qualifier);
      const fn = core.fn(ref);
      const record = core.record(ref);
      return core.api.address().then((address) => {
        const out: T.GetFunctionResponse = {
          Configuration: view(fn, record),
          Code: { RepositoryType: 'S3', Location: `http://${address}/code/${record.code.id}` },
        };
        if (Object.keys(fn.tags).length) out.Tags = { ...fn.tags };
        if (fn.reserved !== undefined) out.Concurrency = { ReservedConcurrentExecutions: fn.reserved };
        return out;
      });
    },

    GetFunctionConfiguration(ctx, input: T.GetFunctionConfigurationRequest): T.FunctionConfiguration {
      const ref = core.ref(scope(ctx), input.FunctionName, input.Qualifier);
      return view(core.fn(ref), core.record(ref));
    },

    async UpdateFunctionCode(ctx, input: T.UpdateFunctionCodeRequest): Promise<T.FunctionConfiguration> {
      const ref = core.ref(scope(ctx), input.FunctionName);
      const fn = core.fn(ref);
      checkRevision(fn, input.RevisionId);
      const zip = await core.codeBytes(input, ref);
      const code = core.artifact(zip);
      checkIdle(fn);
      const config = { ...fn.latest.config, CodeSha256: code.sha256, CodeSize: code.size, LastModified: lastModified(ctx.now()), RevisionId: uuid() };
      if (input.Architectures) config.Architectures = input.Architectures;
      if (input.DryRun) return { ...view(fn, fn.latest), CodeSha256: code.sha256, CodeSize: code.size };
      core.replaceLatest(fn, { ...fn.latest, config, code });
      core.transition(fn, 'update');
      if (input.Publish) return { ...view(fn, core.publish(fn)) };
      return view(fn, fn.latest);
    },

    UpdateFunctionConfiguration(ctx, input: T.UpdateFunctionConfigurationRequest): T.FunctionConfiguration {
      const ref = core.ref(scope(ctx), input.FunctionName);
      const fn = core.fn(ref);
      checkRevision(fn, input.RevisionId);
      checkIdle(fn);
      validateSettings(input, 'Zip');
      const config = updatedConfig(fn.latest.config, input, ctx.now(), store);
      const layers = input.Layers !== undefined ? layerRefs(store, input.Layers) : fn.latest.layers;
      core.replaceLatest(fn, { ...fn.latest, config, layers });
      core.transition(fn, 'update');
      return view(fn, fn.latest);
    },

    DeleteFunction(ctx, input: T.DeleteFunctionRequest): void {
      const ref = core.ref(scope(ctx), input.FunctionName, input.Qualifier);
      const fn = core.fn(ref);
      const q = ref.qualifier;
      if (!q) return core.deleteFunction(fn);
      if (q === '$LATEST') throw invalid('$LATEST version cannot be deleted without deleting the function.');
      const record = fn.versions.get(q);
      if (!record) throw functionNotFound(ref);
      const users = [...fn.aliases.values()].filter((a) => a.FunctionVersion === q || a.RoutingConfig?.AdditionalVersionWeights?.[q] !== undefined).map((a) => a.Name);
      if (users.length) throw conflict(`Unable to delete version because the following aliases reference it: [${users.join(', ')}]`);
      fn.versions.delete(q);
      fn.eventInvokeConfigs.delete(q);
      fn.policies.delete(q);
      core.pool.retire(record);
    },

    ListFunctions(ctx, input: T.ListFunctionsRequest): T.ListFunctionsResponse {
      const all = input.FunctionVersion === 'ALL';
      const items: T.FunctionConfiguration[] = [];
      for (const fn of store.list(ctx.account, ctx.region)) {
        items.push(listView(fn.latest));
        if (all) for (const r of fn.versions.values()) items.push(listView(r));
      }
      const { page, nextToken } = paginate(items, { maxResults: input.MaxItems, nextToken: input.Marker, scope: `functions:${ctx.account}:${ctx.region}`, defaultMax: LIST_MAX, invalidTokenCode: 'InvalidParameterValueException' });
      return { Functions: page, NextMarker: nextToken };
    },

    async Invoke(ctx, input: T.InvocationRequest): Promise<T.InvocationResponse> {
      const ref = core.ref(scope(ctx), input.FunctionName, input.Qualifier);
      const t = core.target(ref);
      const payload = input.Payload ? (input.Payload as Buffer) : Buffer.alloc(0);
      const type = input.InvocationType ?? 'RequestResponse';
      if (type === 'DryRun') return { StatusCode: 204 };
      if (type === 'Event') {
        core.invoker.event(t, payload);
        return { StatusCode: 202 };
      }
      let clientContext: string | undefined;
      if (input.ClientContext) {
        clientContext = Buffer.from(input.ClientContext, 'base64').toString('utf8');
        try {
          JSON.parse(clientContext);
        } catch {
          throw new AwsError('InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
        }
      }
      const r = await core.invoker.sync(t, payload, { tail: input.LogType === 'Tail', clientContext, requestId: ctx.requestId });
      return { StatusCode: r.statusCode, FunctionError: r.functionError, LogResult: r.logTail, ExecutedVersion: r.executedVersion, Payload: r.payload };
    },

    async InvokeAsync(ctx, input: T.InvokeAsyncRequest): Promise<T.InvokeAsyncResponse> {
      const t = core.target(core.ref(scope(ctx), input.FunctionName));
      core.invoker.event(t, Buffer.from(input.InvokeArgs));
      return { Status: 202 };
    },

    async PublishVersion(ctx, input: T.PublishVersionRequest): Promise<T.FunctionConfiguration> {
      const fn = core.fn(core.ref(scope(ctx), input.FunctionName));
      await fn.ready;
      checkRevision(fn, input.RevisionId);
      if (input.CodeSha256 !== undefined && input.CodeSha256 !== fn.latest.code.sha256)
        throw invalid(`CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${fn.latest.code.sha256}). Please try again with the current CodeSHA256.`);
      return view(fn, core.publish(fn, input.Description));
    },

    ListVersionsByFunction(ctx, input: T.ListVersionsByFunctionRequest): T.ListVersionsByFunctionResponse {
      const fn = core.fn(core.ref(scope(ctx), input.FunctionName));
      const items = [listView(fn.latest), ...[...fn.versions.values()].map(listView)];
      const { page, nextToken } = paginate(items, { maxResults: input.MaxItems, nextToken: input.Marker, scope: `versions:${fn.arn}`, defaultMax: LIST_MAX, invalidTokenCode: 'InvalidParameterValueException' });
      return { Versions: page, NextMarker: nextToken };
    },

    PutFunctionConcurrency(ctx, input: T.PutFunctionConcurrencyRequest): T.Concurrency {
      const fn = core.fn(core.ref(scope(ctx), input.FunctionName));
      if (ACCOUNT_CONCURRENCY - reservedTotal(fn.account, fn.region, fn) - input.ReservedConcurrentExecutions < 100) throw accountLimitError();
      fn.reserved = input.ReservedConcurrentExecutions;
      core.pool.wake(fn);
      return { ReservedConcurrentExecutions: fn.reserved };
    },

    GetFunctionConcurrency(ctx, input: T.GetFunctionConcurrencyRequest): T.GetFunctionConcurrencyResponse {
      const fn = core.fn(core.ref(scope(ctx), input.FunctionName));
      return fn.reserved === undefined ? {} : { ReservedConcurrentExecutions: fn.reserved };
    },

    DeleteFunctionConcurrency(ctx, input: T.DeleteFunctionConcurrencyRequest): void {
      const fn = core.fn(core.ref(scope(ctx), input.FunctionName));
      fn.reserved = undefined;
      core.pool.wake(fn);
    },

    GetAccountSettings(ctx): T.GetAccountSettingsResponse {
      const fns = store.list(ctx.account, ctx.region);
      let total = 0;
      for (const fn of fns) {
        const seen = new Set([fn.latest.code]);
        for (const r of fn.versions.values()) seen.add(r.code);
        for (const c of seen) total += c.size;
      }
      return {
        AccountLimit: {
          TotalCodeSize: 80_530_636_800,
          CodeSizeUnzipped: 262_144_000,
          CodeSizeZipped: 52_428_800,
          ConcurrentExecutions: ACCOUNT_CONCURRENCY,
          UnreservedConcurrentExecutions: ACCOUNT_CONCURRENCY - reservedTotal(ctx.account, ctx.region),
        },
        AccountUsage: { TotalCodeSize: total, FunctionCount: fns.length },
      };
    },

    TagResource(ctx, input: T.TagResourceRequest): void {
      Object.assign(taggable(ctx, input.Resource).tags, input.Tags);
    },

    UntagResource(ctx, input: T.UntagResourceRequest): void {
      const fn = taggable(ctx, input.Resource);
      for (const k of input.TagKeys) delete fn.tags[k];
    },

    ListTags(ctx, input: T.ListTagsRequest): T.ListTagsResponse {
      return { Tags: { ...taggable(ctx, input.Resource).tags } };
    },

    ...aliasHandlers(core),
    ...policyHandlers(core),
    ...layerHandlers(core),
    ...eventSourceMappingHandlers(core, pollers),
  };

  function taggable(ctx: RequestContext, resource: string): { tags: Record<string, string> } {
    const mapping = /^arn:[^:]+:lambda:[^:]*:\d{12}:event-source-mapping:(.+)$/.exec(resource);
    if (mapping) {
      const m = store.mappings.get(mapping[1]);
      if (!m || m.arn !== resource) throw mappingNotFound();
      return m;
    }
    const ref = core.ref(scope(ctx), resource);
    if (ref.qualifier) throw invalid('Tags are not supported for resource: ' + resource);
    return core.fn(ref);
  }

  const service: LambdaService = {
    handlers,
    core,
    invoke: (name, payload, opts) => core.invoke(name, payload, opts),
    settled: () => core.invoker.settled(),
    logs(name, s = {}) {
      return core.functionLogs(core.fn(core.ref({ account: s.account ?? DEFAULT_ACCOUNT, region: s.region ?? DEFAULT_REGION }, name)));
    },
    stop() {
      pollers.stop();
      return core.stop();
    },
  };
  return service;
};
