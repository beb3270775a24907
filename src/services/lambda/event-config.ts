/** Asynchronous invocation settings per qualifier: retries, maximum event age, destinations. */
import type * as T from '../../generated/lambda.types.js';
import { AwsError } from '../../core/errors.js';
import { paginate } from '../../core/paging.js';
import type { RequestContext } from '../types.js';
import { checkDestination } from './destinations.js';
import { functionArn } from './names.js';
import type { LambdaCore } from './service.js';

type ConfigInput = T.PutFunctionEventInvokeConfigRequest;

export function eventConfigHandlers(core: LambdaCore) {
  function locate(ctx: RequestContext, input: { FunctionName: string; Qualifier?: string }) {
    const ref = core.ref({ account: ctx.account, region: ctx.region }, input.FunctionName, input.Qualifier);
    const fn = core.fn(ref);
    core.checkQualifier(fn, ref);
    const qualifier = ref.qualifier ?? '$LATEST';
    return { fn, qualifier, arn: functionArn(fn.region, fn.account, fn.name, qualifier) };
  }

  function build(ctx: RequestContext, arn: string, input: ConfigInput, base: T.FunctionEventInvokeConfig | undefined): T.FunctionEventInvokeConfig {
    checkDestination(input.DestinationConfig?.OnSuccess?.Destination);
    checkDestination(input.DestinationConfig?.OnFailure?.Destination);
    const dest = input.DestinationConfig ?? base?.DestinationConfig;
    return {
      LastModified: new Date(ctx.now()),
      FunctionArn: arn,
      MaximumRetryAttempts: input.MaximumRetryAttempts ?? base?.MaximumRetryAttempts,
      MaximumEventAgeInSeconds: input.MaximumEventAgeInSeconds ?? base?.MaximumEventAgeInSeconds,
      DestinationConfig: { OnSuccess: { ...(dest?.OnSuccess ?? {}) }, OnFailure: { ...(dest?.OnFailure ?? {}) } },
    };
  }

  function notFound(arn: string): AwsError {
    return new AwsError('ResourceNotFoundException', `The function ${arn} doesn't have an EventInvokeConfig`, 404);
  }

  return {
    PutFunctionEventInvokeConfig(ctx: RequestContext, input: ConfigInput): T.FunctionEventInvokeConfig {
      const { fn, qualifier, arn } = locate(ctx, input);
      const cfg = build(ctx, arn, input, undefined);
      fn.eventInvokeConfigs.set(qualifier, cfg);
      return { ...cfg };
    },

    UpdateFunctionEventInvokeConfig(ctx: RequestContext, input: ConfigInput): T.FunctionEventInvokeConfig {
      const { fn, qualifier, arn } = locate(ctx, input);
      const cfg = build(ctx, arn, input, fn.eventInvokeConfigs.get(qualifier));
      fn.eventInvokeConfigs.set(qualifier, cfg);
      return { ...cfg };
    },

    GetFunctionEventInvokeConfig(ctx: RequestContext, input: T.GetFunctionEventInvokeConfigRequest): T.FunctionEventInvokeConfig {
      const { fn, qualifier, arn } = locate(ctx, input);
      const cfg = fn.eventInvokeConfigs.get(qualifier);
      if (!cfg) throw notFound(arn);
      return { ...cfg };
    },

    DeleteFunctionEventInvokeConfig(ctx: RequestContext, input: T.DeleteFunctionEventInvokeConfigRequest): void {
      const { fn, qualifier, arn } = locate(ctx, input);
      if (!fn.eventInvokeConfigs.delete(qualifier)) throw notFound(arn);
    },

    ListFunctionEventInvokeConfigs(ctx: RequestContext, input: T.ListFunctionEventInvokeConfigsRequest): T.ListFunctionEventInvokeConfigsResponse {
      const { fn } = locate(ctx, { FunctionName: input.FunctionName });
      const items = [...fn.eventInvokeConfigs.values()].map((c) => ({ ...c }));
      const { page, nextToken } = paginate(items, { maxResults: input.MaxItems, nextToken: input.Marker, scope: `eic:${fn.arn}`, defaultMax: 50, invalidTokenCode: 'InvalidParameterValueException' });
      return { FunctionEventInvokeConfigs: page, NextMarker: nextToken };
    },
  };
}
