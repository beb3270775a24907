/** How a secret reads in DescribeSecret, ListSecrets and ListSecretVersionIds answers. */
import type {
  DescribeSecretResponse,
  ReplicationStatusType,
  SecretListEntry,
  SecretVersionsListEntry,
} from '../../generated/secretsmanager.types.js';
import { primaryRegion } from './filters.js';
import { source, type ReplicaStatus, type Secret, type SecretVersion } from './store.js';

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

export function versionsToStages(s: Secret): Record<string, string[]> | undefined {
  let out: Record<string, string[]> | undefined;
  for (const v of s.versions.values()) if (v.stages.length) (out ??= {})[v.id] = [...v.stages];
  return out;
}

export function replicationStatus(replicas: Map<string, ReplicaStatus>): ReplicationStatusType[] | undefined {
  if (replicas.size === 0) return undefined;
  return [...replicas.values()].map((r) => ({
    Region: r.region,
    KmsKeyId: r.kmsKeyId,
    Status: r.status,
    StatusMessage: r.message,
    LastAccessedDate: date(r.lastAccessed),
  }));
}

/** The members DescribeSecret and ListSecrets share. */
function common(s: Secret) {
  const d = source(s);
  const r = d.rotation;
  return {
    ARN: s.arn,
    Name: s.name,
    Description: d.description || undefined,
    KmsKeyId: d.kmsKeyId,
    RotationEnabled: r.enabled,
    RotationLambdaARN: r.lambdaArn,
    RotationRules: r.rules,
    LastRotatedDate: date(r.lastRotated),
    LastChangedDate: date(d.lastChanged),
    LastAccessedDate: date(s.lastAccessed),
    DeletedDate: date(d.deletedDate),
    NextRotationDate: r.enabled ? date(r.next) : undefined,
    Tags: d.tags.length ? d.tags : undefined,
    CreatedDate: date(s.created),
    PrimaryRegion: primaryRegion(s),
  };
}

export function describe(s: Secret): DescribeSecretResponse {
  return { ...common(s), VersionIdsToStages: versionsToStages(source(s)), ReplicationStatus: replicationStatus(s.replicas) };
}

export function listEntry(s: Secret): SecretListEntry {
  return { ...common(s), SecretVersionsToStages: versionsToStages(source(s)) };
}

export function versionEntry(v: SecretVersion): SecretVersionsListEntry {
  return {
    VersionId: v.id,
    VersionStages: v.stages.length ? [...v.stages] : undefined,
    LastAccessedDate: date(v.lastAccessed),
    CreatedDate: v.created,
    KmsKeyIds: [v.kmsKeyId ?? 'DefaultEncryptionKey'],
  };
}
