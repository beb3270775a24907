/** Layers published in Nimbus: their content is merged into the function's /opt equivalent at run time. */
import type * as T from '../../generated/lambda.types.js';
import { AwsError } from '../../core/errors.js';
import { arn } from '../../core/ids.js';
import { paginate } from '../../core/paging.js';
import type { RequestContext } from '../types.js';
import { lastModified } from './config.js';
import type { LambdaCore } from './service.js';
import type { LayerVersionRecord } from './store.js';

export function layerHandlers(core: LambdaCore) {
  const { store } = core;

  function layerArnOf(ctx: RequestContext, name: string): string {
    return name.startsWith('arn:') ? name : arn('lambda', ctx.region, ctx.account, `layer:${name}`);
  }

  async function item(l: LayerVersionRecord): Promise<T.GetLayerVersionResponse> {
    const address = await core.api.address();
    return {
      Content: { Location: `http://${address}/code/${l.code.id}`, CodeSha256: l.code.sha256, CodeSize: l.code.size },
      LayerArn: l.layerArn,
      LayerVersionArn: l.arn,
      Description: l.description ?? '',
      CreatedDate: l.created,
      Version: l.version,
      CompatibleRuntimes: l.runtimes as T.Runtime[] | undefined,
      LicenseInfo: l.license,
      CompatibleArchitectures: l.architectures as T.Architecture[] | undefined,
    };
  }

  function listItem(l: LayerVersionRecord): T.LayerVersionsListItem {
    return {
      LayerVersionArn: l.arn,
      Version: l.version,
      Description: l.description ?? '',
      CreatedDate: l.created,
      CompatibleRuntimes: l.runtimes as T.Runtime[] | undefined,
      LicenseInfo: l.license,
      CompatibleArchitectures: l.architectures as T.Architecture[] | undefined,
    };
  }

  function find(layerArn: string, version: number): LayerVersionRecord {
    const l = store.layerVersions(layerArn).find((v) => v.version === version);
    if (!l) throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
    return l;
  }

  const matches = (l: LayerVersionRecord, runtime?: string, arch?: string) =>
    (!runtime || (l.runtimes ?? []).includes(runtime)) && (!arch || (l.architectures ?? []).includes(arch));

  return {
    async PublishLayerVersion(ctx: RequestContext, input: T.PublishLayerVersionRequest): Promise<T.PublishLayerVersionResponse> {
      const layerArn = layerArnOf(ctx, input.LayerName);
      const code = core.artifact(await core.codeBytes(input.Content, ctx));
      const versions = store.layerVersions(layerArn);
      const version = store.nextLayerVersion(layerArn);
      const record: LayerVersionRecord = {
        arn: `${layerArn}:${version}`,
        layerArn,
        version,
        description: input.Description,
        created: lastModified(ctx.now()),
        runtimes: input.CompatibleRuntimes,
        architectures: input.CompatibleArchitectures,
        license: input.LicenseInfo,
        code,
      };
      versions.push(record);
      return item(record);
    },

    GetLayerVersion(ctx: RequestContext, input: T.GetLayerVersionRequest): Promise<T.GetLayerVersionResponse> {
      return item(find(layerArnOf(ctx, input.LayerName), input.VersionNumber));
    },

    GetLayerVersionByArn(_ctx: RequestContext, input: T.GetLayerVersionByArnRequest): Promise<T.GetLayerVersionResponse> {
      const i = input.Arn.lastIndexOf(':');
      return item(find(input.Arn.slice(0, i), Number(input.Arn.slice(i + 1))));
    },

    ListLayerVersions(ctx: RequestContext, input: T.ListLayerVersionsRequest): T.ListLayerVersionsResponse {
      const layerArn = layerArnOf(ctx, input.LayerName);
      const items = [...store.layerVersions(layerArn)].reverse().filter((l) => matches(l, input.CompatibleRuntime, input.CompatibleArchitecture)).map(listItem);
      const { page, nextToken } = paginate(items, { maxResults: input.MaxItems, nextToken: input.Marker, scope: `layer:${layerArn}`, defaultMax: 50, invalidTokenCode: 'InvalidParameterValueException' });
      return { LayerVersions: page, NextMarker: nextToken };
    },

    ListLayers(ctx: RequestContext, input: T.ListLayersRequest): T.ListLayersResponse {
      const items: T.LayersListItem[] = [];
      for (const [layerArn, versions] of store.allLayers(ctx.account, ctx.region)) {
        const latest = [...versions].reverse().find((l) => matches(l, input.CompatibleRuntime, input.CompatibleArchitecture));
        if (latest) items.push({ LayerName: layerArn.slice(layerArn.lastIndexOf(':') + 1), LayerArn: layerArn, LatestMatchingVersion: listItem(latest) });
      }
      const { page, nextToken } = paginate(items, { maxResults: input.MaxItems, nextToken: input.Marker, scope: 'layers', defaultMax: 50, invalidTokenCode: 'InvalidParameterValueException' });
      return { Layers: page, NextMarker: nextToken };
    },

    DeleteLayerVersion(ctx: RequestContext, input: T.DeleteLayerVersionRequest): void {
      const versions = store.layerVersions(layerArnOf(ctx, input.LayerName));
      const i = versions.findIndex((v) => v.version === input.VersionNumber);
      if (i >= 0) versions.splice(i, 1);
    },
  };
}
