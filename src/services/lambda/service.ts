/**
 * The Lambda service's shared machinery: finding functions and versions from what callers pass,
 * state transitions (Pending -> Active, LastUpdateStatus), publishing versions, and the in-process
 * `invoke` other services use.
 */
import type { Cloud } from '../../core/cloud.js';
import { AwsError } from '../../core/errors.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, uuid } from '../../core/ids.js';
import type { AliasConfiguration, FunctionCode, InvocationType } from '../../generated/lambda.types.js';
import { EnvironmentPool } from './environments.js';
import { Invoker, type InvokeResult, type Target } from './invoke.js';
import { functionArn, functionNotFound, invalid, parseFunctionName, type FunctionRef } from './names.js';
import { RuntimeApi } from './runtime-api.js';
import { LambdaStore, type CodeArtifact, type FunctionRecord, type VersionRecord } from './store.js';
import { ZipError } from './zip.js';

export interface InvokeOptions {
  qualifier?: string;
  invocationType?: InvocationType;
  account?: string;
  region?: string;
  /** Return the base64 tail of the invocation's log. */
  tail?: boolean;
  clientContext?: string;
}

/** How much function output Nimbus keeps per function (the "function's logs"). */
const LOG_KEEP_CHARS = 256 * 1024;

export class LambdaCore {
  readonly store = new LambdaStore();
  readonly api: RuntimeApi;
  readonly pool: EnvironmentPool;
  readonly invoker: Invoker;
  private readonly logs = new WeakMap<FunctionRecord, { chunks: string[]; size: number }>();

  constructor(readonly cloud: Cloud) {
    this.api = new RuntimeApi((id) => this.store.artifactById(id)?.zip);
    this.pool = new EnvironmentPool(cloud, this.api, (fn, text) => this.appendLog(fn, text));
    this.invoker = new Invoker(cloud, this.store, this.pool, (arn, payload) => this.invoke(arn, payload, { invocationType: 'Event' }));
  }

  ref(scope: { account: string; region: string }, name: string, qualifier?: string): FunctionRef {
    return parseFunctionName(name, scope, qualifier);
  }

  fn(ref: FunctionRef): FunctionRecord {
    const fn = this.store.get(ref.account, ref.region, ref.name);
    if (!fn) throw functionNotFound({ ...ref, qualifier: undefined });
    return fn;
  }

  /** The version a qualifier names ($LATEST, a number or an alias; alias routing weights apply). */
  target(ref: FunctionRef): Target {
    const fn = this.fn(ref);
    const q = ref.qualifier;
    const invokedArn = functionArn(fn.region, fn.account, fn.name, q);
    if (!q || q === '$LATEST') return { fn, record: fn.latest, invokedArn, configQualifier: '$LATEST' };
    if (/^\d+$/.test(q)) {
      const record = fn.versions.get(q);
      if (!record) throw functionNotFound(ref);
      return { fn, record, invokedArn, configQualifier: q };
    }
    const alias = fn.aliases.get(q);
    if (!alias) throw functionNotFound(ref);
    const version = pickVersion(alias);
    const record = version === '$LATEST' ? fn.latest : fn.versions.get(version);
    if (!record) throw functionNotFound({ ...ref, qualifier: version });
    return { fn, record, invokedArn, configQualifier: q };
  }

  /** A version record by exact qualifier (aliases resolve to their primary version). */
  record(ref: FunctionRef): VersionRecord {
    const fn = this.fn(ref);
    const q = ref.qualifier;
    if (!q || q === '$LATEST') return fn.latest;
    const alias = fn.aliases.get(q);
    const record = fn.versions.get(alias ? alias.FunctionVersion! : q) ?? (alias?.FunctionVersion === '$LATEST' ? fn.latest : undefined);
    if (!record) throw functionNotFound(ref);
    return record;
  }

  /** The qualifier must exist (for per-qualifier settings). */
  checkQualifier(fn: FunctionRecord, ref: FunctionRef): void {
    const q = ref.qualifier;
    if (!q || q === '$LATEST' || fn.versions.has(q) || fn.aliases.has(q)) return;
    throw functionNotFound(ref);
  }

  /** Package bytes from ZipFile, or from an S3 object in Nimbus. */
  async codeBytes(code: Pick<FunctionCode, 'ZipFile' | 'S3Bucket' | 'S3Key' | 'S3ObjectVersion' | 'ImageUri'>, scope: { account: string; region: string }): Promise<Buffer> {
    if (code.ImageUri) throw invalid('Nimbus runs .zip deployment packages only; container image functions (ImageUri) are not supported.');
    if (code.ZipFile) return Buffer.isBuffer(code.ZipFile) ? code.ZipFile : Buffer.from(code.ZipFile);
    if (code.S3Bucket && code.S3Key) {
      try {
        const out = (await this.cloud.call('s3', 'GetObject', { Bucket: code.S3Bucket, Key: code.S3Key, ...(code.S3ObjectVersion ? { VersionId: code.S3ObjectVersion } : {}) }, scope)) as { Body?: Buffer | Uint8Array | string };
        const body = out.Body;
        if (body === undefined) throw new Error('empty object');
        return typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
      } catch (err) {
        const code2 = (err as AwsError).code ?? 'InternalError';
        throw invalid(`Error occurred while GetObject. S3 Error Code: ${code2}. S3 Error Message: ${(err as Error).message}`);
      }
    }
    throw invalid('Please provide a source for function code.');
  }

  artifact(zip: Buffer): CodeArtifact {
    try {
      return this.store.artifact(zip);
    } catch (err) {
      if (err instanceof ZipError) throw invalid(err.message);
      throw err;
    }
  }

  /** Marks a change in progress; it completes on the next turn (SDK waiters see InProgress -> Successful). */
  transition(fn: FunctionRecord, kind: 'create' | 'update'): void {
    if (kind === 'create') fn.state = 'Pending';
    else fn.updating = true;
    fn.ready = new Promise((resolve) =>
      setImmediate(() => {
        fn.state = 'Active';
        fn.updating = false;
        resolve();
      }),
    );
  }

  /** Replaces $LATEST; environments of the old record are retired. */
  replaceLatest(fn: FunctionRecord, record: VersionRecord): void {
    const old = fn.latest;
    fn.latest = record;
    if (old !== record && ![...fn.versions.values()].includes(old)) this.pool.retire(old);
  }

  publish(fn: FunctionRecord, description?: string): VersionRecord {
    const last = fn.versions.get(String(fn.lastPublished));
    // Publishing an unchanged $LATEST returns the version already published from it.
    if (last && last.code === fn.latest.code && sameConfig(last, fn.latest)) return last;
    const version = String(++fn.lastPublished);
    const record: VersionRecord = {
      version,
      code: fn.latest.code,
      layers: fn.latest.layers,
      config: {
        ...fn.latest.config,
        Version: version,
        FunctionArn: functionArn(fn.region, fn.account, fn.name, version),
        Description: description ?? fn.latest.config.Description,
        RevisionId: uuid(),
      },
    };
    fn.versions.set(version, record);
    return record;
  }

  deleteFunction(fn: FunctionRecord): void {
    this.store.delete(fn);
    this.pool.retire(fn.latest);
    for (const r of fn.versions.values()) this.pool.retire(r);
  }

  /**
   * In-process invocation, for services that call functions (SNS, EventBridge, Secrets Manager, ...).
   * Resolves with AWS's answer, function errors included (`functionError: 'Unhandled'`); rejects
   * with an AwsError when Invoke itself fails (ResourceNotFoundException, TooManyRequestsException, ...).
   */
  async invoke(functionNameOrArn: string, payload: Buffer | string | object, opts: InvokeOptions = {}): Promise<InvokeResult> {
    const ref = this.ref({ account: opts.account ?? DEFAULT_ACCOUNT, region: opts.region ?? DEFAULT_REGION }, functionNameOrArn, opts.qualifier);
    const t = this.target(ref);
    // A JSON value (an event object) is serialized, as the SDKs do for callers.
    const body = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
    const type = opts.invocationType ?? 'RequestResponse';
    if (type === 'DryRun') return { statusCode: 204, payload: Buffer.alloc(0), executedVersion: t.record.version, requestId: uuid() };
    if (type === 'Event') return this.invoker.event(t, body);
    return this.invoker.sync(t, body, { tail: opts.tail, clientContext: opts.clientContext });
  }

  functionLogs(fn: FunctionRecord): string {
    return this.logs.get(fn)?.chunks.join('') ?? '';
  }

  async stop(): Promise<void> {
    this.invoker.stop();
    await this.pool.stop();
    this.store.dispose();
  }

  private appendLog(fn: FunctionRecord, text: string): void {
    let log = this.logs.get(fn);
    if (!log) this.logs.set(fn, (log = { chunks: [], size: 0 }));
    log.chunks.push(text);
    log.size += text.length;
    // Trim in batches so each invocation costs a push, not a copy of the whole log.
    if (log.size > 2 * LOG_KEEP_CHARS) {
      while (log.size > LOG_KEEP_CHARS && log.chunks.length > 1) log.size -= log.chunks.shift()!.length;
    }
    if (this.cloud.config.logLevel === 'debug') this.cloud.logger.debug('lambda function log', { function: fn.name, text });
  }
}

function sameConfig(a: VersionRecord, b: VersionRecord): boolean {
  const strip = (r: VersionRecord) => JSON.stringify({ ...r.config, Version: '', FunctionArn: '', RevisionId: '', LastModified: '', Description: '' });
  return strip(a) === strip(b);
}

function pickVersion(alias: AliasConfiguration): string {
  const weights = alias.RoutingConfig?.AdditionalVersionWeights;
  if (weights) {
    let r = Math.random();
    for (const [version, w] of Object.entries(weights)) {
      if (r < w) return version;
      r -= w;
    }
  }
  return alias.FunctionVersion!;
}

export function accountLimitError(): AwsError {
  return invalid("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].");
}
