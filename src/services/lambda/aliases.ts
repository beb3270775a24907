/** Aliases: named pointers to a version, with optional weighted routing to a second version. */
import type * as T from '../../generated/lambda.types.js';
import { AwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import { paginate } from '../../core/paging.js';
import type { RequestContext } from '../types.js';
import { conflict, functionArn, functionNotFound, invalid, preconditionFailed } from './names.js';
import type { LambdaCore } from './service.js';
import type { FunctionRecord } from './store.js';

export function aliasHandlers(core: LambdaCore) {
  const fnOf = (ctx: RequestContext, name: string) => core.fn(core.ref({ account: ctx.account, region: ctx.region }, name));

  function aliasOf(fn: FunctionRecord, name: string): T.AliasConfiguration {
    const a = fn.aliases.get(name);
    if (!a) throw new AwsError('ResourceNotFoundException', `Alias not found: ${functionArn(fn.region, fn.account, fn.name, name)}`, 404);
    return a;
  }

  function checkVersion(fn: FunctionRecord, version: string): void {
    if (version !== '$LATEST' && !fn.versions.has(version)) throw functionNotFound({ account: fn.account, region: fn.region, name: fn.name, qualifier: version });
  }

  function checkRouting(fn: FunctionRecord, primary: string, routing: T.AliasRoutingConfiguration | undefined): void {
    const weights = routing?.AdditionalVersionWeights ?? {};
    const entries = Object.entries(weights);
    if (entries.length > 1) throw invalid('Number of items in AdditionalVersionWeights cannot be greater than 1');
    for (const [v] of entries) {
      if (v === primary) throw invalid(`Cannot set alias to route traffic to the same version (${v}) as the primary version.`);
      if (v === '$LATEST' || primary === '$LATEST') throw invalid('$LATEST is not supported for an alias pointing to more than 1 version');
      checkVersion(fn, v);
    }
  }

  return {
    CreateAlias(ctx: RequestContext, input: T.CreateAliasRequest): T.AliasConfiguration {
      const fn = fnOf(ctx, input.FunctionName);
      checkVersion(fn, input.FunctionVersion);
      checkRouting(fn, input.FunctionVersion, input.RoutingConfig);
      const aliasArn = functionArn(fn.region, fn.account, fn.name, input.Name);
      if (fn.aliases.has(input.Name)) throw conflict(`Alias already exists: ${aliasArn}`);
      const alias: T.AliasConfiguration = {
        AliasArn: aliasArn,
        Name: input.Name,
        FunctionVersion: input.FunctionVersion,
        Description: input.Description ?? '',
        RevisionId: uuid(),
      };
      if (input.RoutingConfig?.AdditionalVersionWeights) alias.RoutingConfig = { AdditionalVersionWeights: { ...input.RoutingConfig.AdditionalVersionWeights } };
      fn.aliases.set(input.Name, alias);
      return { ...alias };
    },

    GetAlias(ctx: RequestContext, input: T.GetAliasRequest): T.AliasConfiguration {
      return { ...aliasOf(fnOf(ctx, input.FunctionName), input.Name) };
    },

    UpdateAlias(ctx: RequestContext, input: T.UpdateAliasRequest): T.AliasConfiguration {
      const fn = fnOf(ctx, input.FunctionName);
      const alias = aliasOf(fn, input.Name);
      if (input.RevisionId !== undefined && input.RevisionId !== alias.RevisionId) throw preconditionFailed('GetAlias');
      const version = input.FunctionVersion ?? alias.FunctionVersion!;
      checkVersion(fn, version);
      const routing = input.RoutingConfig ?? alias.RoutingConfig;
      checkRouting(fn, version, routing);
      alias.FunctionVersion = version;
      if (input.Description !== undefined) alias.Description = input.Description;
      if (input.RoutingConfig !== undefined) {
        const w = input.RoutingConfig.AdditionalVersionWeights;
        alias.RoutingConfig = w && Object.keys(w).length ? { AdditionalVersionWeights: { ...w } } : undefined;
      }
      alias.RevisionId = uuid();
      return { ...alias };
    },

    DeleteAlias(ctx: RequestContext, input: T.DeleteAliasRequest): void {
      const fn = fnOf(ctx, input.FunctionName);
      aliasOf(fn, input.Name);
      fn.aliases.delete(input.Name);
      fn.eventInvokeConfigs.delete(input.Name);
      fn.policies.delete(input.Name);
    },

    ListAliases(ctx: RequestContext, input: T.ListAliasesRequest): T.ListAliasesResponse {
      const fn = fnOf(ctx, input.FunctionName);
      const items = [...fn.aliases.values()].filter((a) => !input.FunctionVersion || a.FunctionVersion === input.FunctionVersion).map((a) => ({ ...a }));
      const { page, nextToken } = paginate(items, { maxResults: input.MaxItems, nextToken: input.Marker, scope: `aliases:${fn.arn}`, defaultMax: 50, invalidTokenCode: 'InvalidParameterValueException' });
      return { Aliases: page, NextMarker: nextToken };
    },
  };
}
