/** Function configurations as AWS reports them: defaults, validation of what AWS refuses, state fields. */
import type { CreateFunctionRequest, FunctionConfiguration, UpdateFunctionConfigurationRequest } from '../../generated/lambda.types.js';
import { uuid } from '../../core/ids.js';
import { invalid } from './names.js';
import type { FunctionRecord, LambdaStore, LayerRef, VersionRecord } from './store.js';

/** Runtimes AWS no longer accepts for new or updated functions, with the one it recommends. */
const DEPRECATED: Record<string, string> = {
  nodejs: 'nodejs22.x', 'nodejs4.3': 'nodejs22.x', 'nodejs4.3-edge': 'nodejs22.x', 'nodejs6.10': 'nodejs22.x', 'nodejs8.10': 'nodejs22.x',
  'nodejs10.x': 'nodejs22.x', 'nodejs12.x': 'nodejs22.x', 'nodejs14.x': 'nodejs22.x', 'nodejs16.x': 'nodejs22.x',
  'python2.7': 'python3.13', 'python3.6': 'python3.13', 'python3.7': 'python3.13', 'python3.8': 'python3.13',
  'dotnetcore1.0': 'dotnet8', 'dotnetcore2.0': 'dotnet8', 'dotnetcore2.1': 'dotnet8', 'dotnetcore3.1': 'dotnet8', dotnet6: 'dotnet8',
  'ruby2.5': 'ruby3.3', 'ruby2.7': 'ruby3.3', 'go1.x': 'provided.al2023', java8: 'java21', provided: 'provided.al2023',
};

const RESERVED_VARIABLES = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

export const MAX_TIMEOUT_SECONDS = 900;

/** `2024-05-01T12:00:00.000+0000`, Lambda's LastModified format. */
export function lastModified(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

type Settable = Partial<Pick<CreateFunctionRequest, 'Runtime' | 'Handler' | 'Timeout' | 'Environment' | 'Layers'>>;

export function validateSettings(input: Settable, packageType: string): void {
  if (input.Runtime && DEPRECATED[input.Runtime])
    throw invalid(
      `The runtime parameter of ${input.Runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${DEPRECATED[input.Runtime]}) while creating or updating functions.`,
    );
  if (input.Timeout !== undefined && input.Timeout > MAX_TIMEOUT_SECONDS)
    throw invalid(`1 validation error detected: Value '${input.Timeout}' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to ${MAX_TIMEOUT_SECONDS}`);
  const reserved = Object.keys(input.Environment?.Variables ?? {}).filter((k) => RESERVED_VARIABLES.has(k));
  if (reserved.length)
    throw invalid(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  if (packageType === 'Zip' && input.Layers && input.Layers.length > 5) throw invalid('Cannot reference more than 5 layers.');
}

export function layerRefs(store: LambdaStore, arns: string[] | undefined): LayerRef[] {
  const refs: LayerRef[] = [];
  for (const arn of arns ?? []) {
    const l = store.layerVersion(arn);
    if (l) refs.push({ arn, code: l.code });
  }
  return refs;
}

export function layersView(store: LambdaStore, arns: string[] | undefined): FunctionConfiguration['Layers'] {
  if (!arns?.length) return undefined;
  return arns.map((Arn) => ({ Arn, CodeSize: store.layerVersion(Arn)?.code.size ?? 0 }));
}

export function newConfig(input: CreateFunctionRequest, fnArn: string, now: number, store: LambdaStore): FunctionConfiguration {
  return {
    FunctionName: input.FunctionName,
    FunctionArn: fnArn,
    Runtime: input.Runtime,
    Role: input.Role,
    Handler: input.Handler,
    Description: input.Description ?? '',
    Timeout: input.Timeout ?? 3,
    MemorySize: input.MemorySize ?? 128,
    LastModified: lastModified(now),
    Version: '$LATEST',
    Environment: input.Environment ? { Variables: { ...(input.Environment.Variables ?? {}) } } : undefined,
    DeadLetterConfig: input.DeadLetterConfig?.TargetArn ? { TargetArn: input.DeadLetterConfig.TargetArn } : undefined,
    KMSKeyArn: input.KMSKeyArn,
    TracingConfig: { Mode: input.TracingConfig?.Mode ?? 'PassThrough' },
    RevisionId: uuid(),
    Layers: layersView(store, input.Layers),
    PackageType: 'Zip',
    Architectures: input.Architectures ?? ['x86_64'],
    EphemeralStorage: { Size: input.EphemeralStorage?.Size ?? 512 },
    SnapStart: { ApplyOn: input.SnapStart?.ApplyOn ?? 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: input.LoggingConfig?.LogFormat ?? 'Text', LogGroup: input.LoggingConfig?.LogGroup ?? `/aws/lambda/${input.FunctionName}`, ...pickLevels(input.LoggingConfig) },
  };
}

function pickLevels(l: CreateFunctionRequest['LoggingConfig']): object {
  return l?.LogFormat === 'JSON' ? { ApplicationLogLevel: l.ApplicationLogLevel ?? 'INFO', SystemLogLevel: l.SystemLogLevel ?? 'INFO' } : {};
}

/** $LATEST's configuration after UpdateFunctionConfiguration. */
export function updatedConfig(current: FunctionConfiguration, input: UpdateFunctionConfigurationRequest, now: number, store: LambdaStore): FunctionConfiguration {
  const c: FunctionConfiguration = { ...current, LastModified: lastModified(now), RevisionId: uuid() };
  if (input.Role !== undefined) c.Role = input.Role;
  if (input.Handler !== undefined) c.Handler = input.Handler;
  if (input.Description !== undefined) c.Description = input.Description;
  if (input.Timeout !== undefined) c.Timeout = input.Timeout;
  if (input.MemorySize !== undefined) c.MemorySize = input.MemorySize;
  if (input.Runtime !== undefined) c.Runtime = input.Runtime;
  if (input.Environment !== undefined) c.Environment = { Variables: { ...(input.Environment.Variables ?? {}) } };
  if (input.DeadLetterConfig !== undefined) c.DeadLetterConfig = input.DeadLetterConfig.TargetArn ? { TargetArn: input.DeadLetterConfig.TargetArn } : undefined;
  if (input.KMSKeyArn !== undefined) c.KMSKeyArn = input.KMSKeyArn || undefined;
  if (input.TracingConfig?.Mode) c.TracingConfig = { Mode: input.TracingConfig.Mode };
  if (input.Layers !== undefined) c.Layers = layersView(store, input.Layers);
  if (input.EphemeralStorage) c.EphemeralStorage = { Size: input.EphemeralStorage.Size };
  if (input.SnapStart) c.SnapStart = { ApplyOn: input.SnapStart.ApplyOn ?? 'None', OptimizationStatus: 'Off' };
  if (input.LoggingConfig) c.LoggingConfig = { ...c.LoggingConfig, ...input.LoggingConfig };
  return c;
}

/** A version's configuration with the function's state, as GetFunction/GetFunctionConfiguration report it. */
export function view(fn: FunctionRecord, record: VersionRecord): FunctionConfiguration {
  const out: FunctionConfiguration = { ...record.config };
  if (record.version !== '$LATEST' || (fn.state === 'Active' && !fn.updating)) {
    out.State = 'Active';
    out.LastUpdateStatus = 'Successful';
  } else if (fn.state === 'Pending') {
    out.State = 'Pending';
    out.StateReason = 'The function is being created.';
    out.StateReasonCode = 'Creating';
    out.LastUpdateStatus = 'InProgress';
    out.LastUpdateStatusReason = 'The function is being created.';
  } else {
    out.State = 'Active';
    out.LastUpdateStatus = 'InProgress';
    out.LastUpdateStatusReason = 'The function is being updated.';
  }
  return out;
}

/** ListFunctions returns a subset: no state fields (AWS documents this). */
export function listView(record: VersionRecord): FunctionConfiguration {
  return record.config;
}
