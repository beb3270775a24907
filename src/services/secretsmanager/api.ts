/**
 * Secrets Manager: secrets under (account, region), versions and staging labels, rotation with a
 * rotation function, resource policies, replication, and an audit trail of every call in
 * CloudTrail's event history.
 */
import { AwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import { paginate } from '../../core/paging.js';
import type * as T from '../../generated/secretsmanager.types.js';
import type { ServiceFactory } from '../registry.js';
import type { Handler, RequestContext, ServiceInstance } from '../types.js';
import { Audit } from './audit.js';
import {
  bothValues,
  invalidParameter,
  invalidRequest,
  markedForDeletion,
  noValue,
  notOnReplica,
  secretNotFound,
  valueNotFoundForStage,
  valueNotFoundForVersion,
  versionExists,
} from './errors.js';
import { checkFilters, matchesFilters } from './filters.js';
import { assertValidName, newSecretArn, parseSecretId } from './names.js';
import { randomPassword } from './password.js';
import { assertValidPolicy, validationErrors } from './policy.js';
import { addReplicas, promote, removeReplicas } from './replication.js';
import { Rotations, type RotationInvoker } from './rotation.js';
import { validateRules } from './schedule.js';
import { dayOf, SecretsStore, source, type Secret, type SecretVersion } from './store.js';
import { addVersion, attachStage, CURRENT, hasValue, holderOf, PENDING, removeLabel, sameValue } from './versions.js';
import { describe, listEntry, replicationStatus, versionEntry } from './views.js';

export type { RotationEvent, RotationInvoker, RotationStep } from './rotation.js';

export interface SecretsManagerService extends ServiceInstance {
  /** Replaces how rotation functions are invoked (undefined: through the Lambda service). */
  setRotationInvoker(invoker: RotationInvoker | undefined): void;
  /** Resolves once no rotation is running. */
  rotationsSettled(): Promise<void>;
}

const DAY_MS = 86_400_000;
const DEFAULT_RECOVERY_DAYS = 30;

interface FindOptions {
  /** The operation also works on a secret scheduled for deletion. */
  deleted?: boolean;
  /** The operation also works on a replica (reads do). */
  replica?: boolean;
}

export const createService: ServiceFactory = (cloud) => {
  const store = new SecretsStore();
  const audit = new Audit(cloud);
  const rotations = new Rotations(cloud, store, audit);

  function find(ctx: RequestContext, secretId: string, opts: FindOptions = {}): Secret {
    const s = store.find(ctx.account, ctx.region, parseSecretId(secretId));
    if (!s) throw secretNotFound();
    audit.touch(ctx, s.arn);
    if (s.primary && !opts.replica) throw notOnReplica();
    if (!opts.deleted && source(s).deletedDate !== undefined) throw markedForDeletion();
    return s;
  }

  function valueVersion(s: Secret, versionId: string | undefined, stage: string | undefined): SecretVersion {
    const d = source(s);
    if (versionId !== undefined) {
      const v = d.versions.get(versionId);
      if (!v || !hasValue(v)) throw valueNotFoundForVersion(versionId);
      if (stage !== undefined && !v.stages.includes(stage))
        throw invalidRequest('You provided a VersionStage that is not associated to the provided VersionId.');
      return v;
    }
    const label = stage ?? CURRENT;
    const v = holderOf(d, label);
    if (!v || !hasValue(v)) throw valueNotFoundForStage(label);
    return v;
  }

  function readValue(s: Secret, v: SecretVersion, now: number): T.GetSecretValueResponse {
    const day = dayOf(now);
    s.lastAccessed = day;
    v.lastAccessed = day;
    const status = s.primary?.replicas.get(s.region);
    if (status) status.lastAccessed = day;
    return { ARN: s.arn, Name: s.name, VersionId: v.id, SecretString: v.string, SecretBinary: v.binary, VersionStages: v.stages, CreatedDate: v.created };
  }

  function checkValue(input: { SecretString?: string; SecretBinary?: Uint8Array }): void {
    if (input.SecretString !== undefined && input.SecretBinary !== undefined) throw bothValues();
  }

  const asBuffer = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.isBuffer(b) ? b : Buffer.from(b));

  function newVersion(id: string, input: { SecretString?: string; SecretBinary?: Uint8Array }, kmsKeyId: string | undefined, now: number): SecretVersion {
    return { id, string: input.SecretString, binary: asBuffer(input.SecretBinary), stages: [], created: new Date(now), kmsKeyId };
  }

  function mergeTags(into: T.Tag[], tags: T.Tag[]): T.Tag[] {
    const byKey = new Map(into.map((t) => [t.Key, t]));
    for (const t of tags) byKey.set(t.Key, { Key: t.Key, Value: t.Value });
    return [...byKey.values()];
  }

  function purgeLater(s: Secret): void {
    cloud.clock.clear(s.deletionTimer);
    s.deletionTimer = cloud.clock.at(s.deletionDate!, () => {
      if (s.deletedDate !== undefined) purge(s);
    });
  }

  function purge(s: Secret): void {
    cloud.clock.clear(s.deletionTimer);
    cloud.clock.clear(s.rotation.timer);
    store.remove(s);
  }

  const ordered = (list: Secret[], order: T.SortOrderType | undefined) => {
    list.sort((a, b) => a.created - b.created || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return order === 'desc' ? list.reverse() : list;
  };

  const listable = (ctx: RequestContext, filters: T.Filter[] | undefined, includeDeleted: boolean) =>
    [...store.bucket(ctx.account, ctx.region).values()].filter(
      (s) => (includeDeleted || source(s).deletedDate === undefined) && matchesFilters(s, filters),
    );

  const handlers: Record<string, Handler> = {
    CreateSecret(ctx, input: T.CreateSecretRequest): T.CreateSecretResponse {
      assertValidName(input.Name);
      checkValue(input);
      const now = ctx.now();
      const existing = store.get(ctx.account, ctx.region, input.Name);
      if (existing) {
        audit.touch(ctx, existing.arn);
        if (existing.deletedDate !== undefined)
          throw invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
        const v = input.ClientRequestToken !== undefined && !existing.primary ? existing.versions.get(input.ClientRequestToken) : undefined;
        if (!v) throw new AwsError('ResourceExistsException', `The operation failed because the secret ${input.Name} already exists.`);
        if (!sameValue(v, input.SecretString, asBuffer(input.SecretBinary))) throw versionExists();
        return { ARN: existing.arn, Name: existing.name, VersionId: v.id, ReplicationStatus: replicationStatus(existing.replicas) };
      }
      const secret: Secret = {
        name: input.Name,
        arn: newSecretArn(ctx.region, ctx.account, input.Name),
        account: ctx.account,
        region: ctx.region,
        description: input.Description,
        kmsKeyId: input.KmsKeyId || undefined,
        tags: mergeTags([], input.Tags ?? []),
        versions: new Map(),
        created: now,
        lastChanged: now,
        rotation: {},
        replicas: new Map(),
      };
      const withValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
      // Created secrets without a value get no version; a token only names a version.
      const versionId = withValue ? (input.ClientRequestToken ?? uuid()) : undefined;
      if (versionId) addVersion(secret, newVersion(versionId, input, secret.kmsKeyId, now), [CURRENT], now);
      if (input.AddReplicaRegions) addReplicas(store, secret, input.AddReplicaRegions, input.ForceOverwriteReplicaSecret ?? false, now);
      store.put(secret);
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId, ReplicationStatus: replicationStatus(secret.replicas) };
    },

    GetSecretValue(ctx, input: T.GetSecretValueRequest): T.GetSecretValueResponse {
      const s = find(ctx, input.SecretId, { replica: true });
      return readValue(s, valueVersion(s, input.VersionId, input.VersionStage), ctx.now());
    },

    BatchGetSecretValue(ctx, input: T.BatchGetSecretValueRequest): T.BatchGetSecretValueResponse {
      if (!input.SecretIdList === !input.Filters) throw invalidParameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.");
      if (input.MaxResults !== undefined && !input.Filters)
        throw invalidParameter("'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.");
      const now = ctx.now();
      const values: T.SecretValueEntry[] = [];
      const errors: T.APIErrorType[] = [];
      const read = (secretId: string, lookup: () => Secret) => {
        try {
          const s = lookup();
          values.push(readValue(s, valueVersion(s, undefined, undefined), now));
        } catch (err) {
          if (!(err instanceof AwsError)) throw err;
          errors.push({ SecretId: secretId, ErrorCode: err.code, Message: err.message });
        }
      };
      if (input.SecretIdList) {
        for (const id of input.SecretIdList) read(id, () => find(ctx, id, { replica: true }));
        return { SecretValues: values, Errors: errors };
      }
      checkFilters(input.Filters);
      const { page, nextToken } = paginate(ordered(listable(ctx, input.Filters, false), 'asc'), {
        maxResults: input.MaxResults,
        nextToken: input.NextToken,
        scope: 'BatchGetSecretValue',
        defaultMax: 20,
        invalidTokenCode: 'InvalidNextTokenException',
      });
      for (const s of page) {
        audit.touch(ctx, s.arn);
        read(s.arn, () => s);
      }
      return { SecretValues: values, Errors: errors, NextToken: nextToken };
    },

    PutSecretValue(ctx, input: T.PutSecretValueRequest): T.PutSecretValueResponse {
      checkValue(input);
      if (input.SecretString === undefined && input.SecretBinary === undefined) throw noValue();
      const s = find(ctx, input.SecretId);
      const now = ctx.now();
      const token = input.ClientRequestToken ?? uuid();
      const stages = input.VersionStages ?? [CURRENT];
      let v = s.versions.get(token);
      if (v && hasValue(v)) {
        if (!sameValue(v, input.SecretString, asBuffer(input.SecretBinary))) throw versionExists();
        return { ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: [...v.stages] };
      }
      if (v) {
        // The empty version a rotation staged under this token: the value fills it.
        v.string = input.SecretString;
        v.binary = asBuffer(input.SecretBinary);
        for (const stage of stages) attachStage(s, v, stage);
      } else {
        v = newVersion(token, input, s.kmsKeyId, now);
        addVersion(s, v, stages, now);
      }
      s.lastChanged = now;
      return { ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: [...v.stages] };
    },

    UpdateSecret(ctx, input: T.UpdateSecretRequest): T.UpdateSecretResponse {
      checkValue(input);
      const s = find(ctx, input.SecretId);
      const now = ctx.now();
      const withValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
      const token = withValue ? (input.ClientRequestToken ?? uuid()) : undefined;
      if (token && s.versions.has(token)) throw versionExists();
      if (input.Description !== undefined) s.description = input.Description;
      if (input.KmsKeyId !== undefined) s.kmsKeyId = input.KmsKeyId || undefined;
      if (token) addVersion(s, newVersion(token, input, s.kmsKeyId, now), [CURRENT], now);
      s.lastChanged = now;
      return { ARN: s.arn, Name: s.name, VersionId: token };
    },

    DescribeSecret(ctx, input: T.DescribeSecretRequest): T.DescribeSecretResponse {
      return describe(find(ctx, input.SecretId, { deleted: true, replica: true }));
    },

    ListSecrets(ctx, input: T.ListSecretsRequest): T.ListSecretsResponse {
      checkFilters(input.Filters);
      const { page, nextToken } = paginate(ordered(listable(ctx, input.Filters, input.IncludePlannedDeletion ?? false), input.SortOrder), {
        maxResults: input.MaxResults,
        nextToken: input.NextToken,
        scope: 'ListSecrets',
        defaultMax: 100,
        invalidTokenCode: 'InvalidNextTokenException',
      });
      return { SecretList: page.map(listEntry), NextToken: nextToken };
    },

    ListSecretVersionIds(ctx, input: T.ListSecretVersionIdsRequest): T.ListSecretVersionIdsResponse {
      const s = find(ctx, input.SecretId, { deleted: true, replica: true });
      const versions = [...source(s).versions.values()].filter((v) => input.IncludeDeprecated || v.stages.length > 0);
      const { page, nextToken } = paginate(versions, {
        maxResults: input.MaxResults,
        nextToken: input.NextToken,
        scope: `ListSecretVersionIds:${s.arn}`,
        defaultMax: 100,
        invalidTokenCode: 'InvalidNextTokenException',
      });
      return { Versions: page.map(versionEntry), NextToken: nextToken, ARN: s.arn, Name: s.name };
    },

    UpdateSecretVersionStage(ctx, input: T.UpdateSecretVersionStageRequest): T.UpdateSecretVersionStageResponse {
      const s = find(ctx, input.SecretId);
      const stage = input.VersionStage;
      const version = (id: string | undefined) => {
        if (id === undefined) return undefined;
        const v = s.versions.get(id);
        if (!v) throw invalidParameter(`Not a valid version: ${id}`);
        return v;
      };
      const from = version(input.RemoveFromVersionId);
      const to = version(input.MoveToVersionId);
      if (from && !from.stages.includes(stage)) throw invalidParameter(`Version stage ${stage} not found in version ${from.id}`);
      if (to) {
        const holder = holderOf(s, stage);
        if (holder && holder !== to && holder !== from)
          throw invalidParameter(
            `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
          );
        attachStage(s, to, stage);
      } else if (from) {
        if (stage === CURRENT)
          throw invalidParameter(`You can't remove the staging label ${CURRENT} from a version without moving it to another with MoveToVersionId.`);
        removeLabel(from, stage);
      }
      s.lastChanged = ctx.now();
      return { ARN: s.arn, Name: s.name };
    },

    DeleteSecret(ctx, input: T.DeleteSecretRequest): T.DeleteSecretResponse {
      const force = input.ForceDeleteWithoutRecovery === true;
      if (force && input.RecoveryWindowInDays !== undefined)
        throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
      const days = input.RecoveryWindowInDays ?? DEFAULT_RECOVERY_DAYS;
      if (!force && (days < 7 || days > 30)) throw invalidParameter('RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
      const now = ctx.now();
      const ref = parseSecretId(input.SecretId);
      const s = store.find(ctx.account, ctx.region, ref);
      // AWS answers a forced delete of a secret that does not exist as if it had deleted it.
      if (!s && force && ref.kind === 'name') return { ARN: newSecretArn(ctx.region, ctx.account, ref.name), Name: ref.name, DeletionDate: new Date(now) };
      if (!s) throw secretNotFound();
      audit.touch(ctx, s.arn);
      if (s.primary) throw notOnReplica();
      if (s.replicas.size) throw invalidParameter(`You can't delete secret ${input.SecretId} that still has replica regions [${[...s.replicas.keys()].join(',')}]`);
      if (s.deletedDate !== undefined && !force) throw markedForDeletion();
      if (force) {
        purge(s);
        return { ARN: s.arn, Name: s.name, DeletionDate: new Date(now) };
      }
      s.deletedDate = now;
      s.deletionDate = now + days * DAY_MS;
      s.lastChanged = now;
      purgeLater(s);
      rotations.schedule(s);
      return { ARN: s.arn, Name: s.name, DeletionDate: new Date(s.deletionDate) };
    },

    RestoreSecret(ctx, input: T.RestoreSecretRequest): T.RestoreSecretResponse {
      const s = find(ctx, input.SecretId, { deleted: true });
      if (s.deletedDate !== undefined) {
        cloud.clock.clear(s.deletionTimer);
        s.deletionTimer = undefined;
        s.deletedDate = undefined;
        s.deletionDate = undefined;
        s.lastChanged = ctx.now();
        rotations.schedule(s);
      }
      return { ARN: s.arn, Name: s.name };
    },

    TagResource(ctx, input: T.TagResourceRequest): void {
      const s = find(ctx, input.SecretId);
      s.tags = mergeTags(s.tags, input.Tags);
      s.lastChanged = ctx.now();
    },

    UntagResource(ctx, input: T.UntagResourceRequest): void {
      const s = find(ctx, input.SecretId);
      const drop = new Set(input.TagKeys);
      s.tags = s.tags.filter((t) => !drop.has(t.Key!));
      s.lastChanged = ctx.now();
    },

    RotateSecret: async (ctx, input: T.RotateSecretRequest): Promise<T.RotateSecretResponse> => {
      const s = find(ctx, input.SecretId);
      const token = input.ClientRequestToken ?? uuid();
      const lambdaArn = input.RotationLambdaARN || s.rotation.lambdaArn;
      if (!lambdaArn) throw invalidRequest('No Lambda rotation function ARN is associated with this secret.');
      const rules = input.RotationRules ?? s.rotation.rules;
      if (input.RotationRules) validateRules(input.RotationRules);
      const out = { ARN: s.arn, Name: s.name, VersionId: token };
      const again = s.versions.get(token);
      if (again && (s.rotation.running === token || again.stages.includes(CURRENT))) return out;
      for (const v of s.versions.values())
        if (v.id !== token && v.stages.includes(PENDING) && !v.stages.includes(CURRENT))
          throw invalidRequest("A previous rotation isn't complete. That rotation will be reattempted.");
      const invoker = await rotations.invokerFor(lambdaArn, s.account, s.region);
      const now = ctx.now();
      s.rotation.enabled = true;
      s.rotation.lambdaArn = lambdaArn;
      s.rotation.rules = rules;
      s.lastChanged = now;
      rotations.schedule(s, now);
      rotations.begin(s, token, invoker, input.RotateImmediately === false, now);
      return out;
    },

    CancelRotateSecret(ctx, input: T.CancelRotateSecretRequest): T.CancelRotateSecretResponse {
      const s = find(ctx, input.SecretId);
      if (!s.rotation.lambdaArn)
        throw invalidRequest(
          "You tried to enable rotation on a secret that doesn't already have a Lambda function ARN configured and you didn't include such an ARN as a parameter in this call.",
        );
      s.rotation.enabled = false;
      rotations.schedule(s);
      s.lastChanged = ctx.now();
      const pending = holderOf(s, PENDING);
      return { ARN: s.arn, Name: s.name, VersionId: pending && !pending.stages.includes(CURRENT) ? pending.id : undefined };
    },

    GetRandomPassword(_ctx, input: T.GetRandomPasswordRequest): T.GetRandomPasswordResponse {
      return { RandomPassword: randomPassword(input) };
    },

    PutResourcePolicy(ctx, input: T.PutResourcePolicyRequest): T.PutResourcePolicyResponse {
      const s = find(ctx, input.SecretId);
      assertValidPolicy(input.ResourcePolicy, input.BlockPublicPolicy ?? false);
      s.policy = input.ResourcePolicy;
      s.lastChanged = ctx.now();
      return { ARN: s.arn, Name: s.name };
    },

    GetResourcePolicy(ctx, input: T.GetResourcePolicyRequest): T.GetResourcePolicyResponse {
      const s = find(ctx, input.SecretId);
      return { ARN: s.arn, Name: s.name, ResourcePolicy: s.policy };
    },

    DeleteResourcePolicy(ctx, input: T.DeleteResourcePolicyRequest): T.DeleteResourcePolicyResponse {
      const s = find(ctx, input.SecretId);
      s.policy = undefined;
      s.lastChanged = ctx.now();
      return { ARN: s.arn, Name: s.name };
    },

    ValidateResourcePolicy(ctx, input: T.ValidateResourcePolicyRequest): T.ValidateResourcePolicyResponse {
      if (input.SecretId !== undefined) find(ctx, input.SecretId);
      const errors = validationErrors(input.ResourcePolicy);
      return { PolicyValidationPassed: errors.length === 0, ValidationErrors: errors };
    },

    ReplicateSecretToRegions(ctx, input: T.ReplicateSecretToRegionsRequest): T.ReplicateSecretToRegionsResponse {
      const s = find(ctx, input.SecretId);
      const now = ctx.now();
      addReplicas(store, s, input.AddReplicaRegions, input.ForceOverwriteReplicaSecret ?? false, now);
      s.lastChanged = now;
      return { ARN: s.arn, ReplicationStatus: replicationStatus(s.replicas) };
    },

    RemoveRegionsFromReplication(ctx, input: T.RemoveRegionsFromReplicationRequest): T.RemoveRegionsFromReplicationResponse {
      const s = find(ctx, input.SecretId);
      removeReplicas(store, s, input.RemoveReplicaRegions);
      s.lastChanged = ctx.now();
      return { ARN: s.arn, ReplicationStatus: replicationStatus(s.replicas) ?? [] };
    },

    StopReplicationToReplica(ctx, input: T.StopReplicationToReplicaRequest): T.StopReplicationToReplicaResponse {
      const s = find(ctx, input.SecretId, { replica: true });
      if (!s.primary) throw invalidRequest('The secret is not a replica, so there is no replication to stop.');
      promote(s, ctx.now());
      return { ARN: s.arn };
    },
  };

  for (const op of Object.keys(handlers)) handlers[op] = audit.wrap(op, handlers[op]);

  const service: SecretsManagerService = {
    handlers,
    setRotationInvoker: (invoker) => rotations.setInvoker(invoker),
    rotationsSettled: () => rotations.settled(),
  };
  return service;
};
