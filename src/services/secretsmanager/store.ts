/**
 * Secrets Manager state: secrets per (account, region), each with its versions and staging
 * labels. A replica is its own entry in the replica region that reads its data from the primary.
 */
import type { TimerHandle } from '../../core/clock.js';
import type { RotationRulesType, StatusType, Tag } from '../../generated/secretsmanager.types.js';
import type { SecretRef } from './names.js';

export interface SecretVersion {
  id: string;
  /** Absent on the empty AWSPENDING version a rotation creates before its createSecret step. */
  string?: string;
  binary?: Buffer;
  /** Kept sorted: AWS returns staging labels in alphabetical order. */
  stages: string[];
  created: Date;
  /** Truncated to the day, as AWS reports it. */
  lastAccessed?: number;
  kmsKeyId?: string;
}

export interface RotationState {
  /** Undefined until rotation is first configured (AWS omits RotationEnabled until then). */
  enabled?: boolean;
  lambdaArn?: string;
  rules?: RotationRulesType;
  lastRotated?: number;
  next?: number;
  timer?: TimerHandle;
  /** The rotation running now (its version id), if any. */
  running?: string;
}

export interface ReplicaStatus {
  region: string;
  kmsKeyId: string;
  status: StatusType;
  message: string;
  lastAccessed?: number;
}

export interface Secret {
  name: string;
  arn: string;
  account: string;
  region: string;
  description?: string;
  kmsKeyId?: string;
  tags: Tag[];
  versions: Map<string, SecretVersion>;
  created: number;
  lastChanged: number;
  lastAccessed?: number;
  /** When DeleteSecret was called; the secret is gone at `deletionDate`. */
  deletedDate?: number;
  deletionDate?: number;
  deletionTimer?: TimerHandle;
  policy?: string;
  rotation: RotationState;
  /** Replica region -> status, on a primary secret. */
  replicas: Map<string, ReplicaStatus>;
  /** Set on a replica: the secret it mirrors. */
  primary?: Secret;
}

export class SecretsStore {
  private readonly buckets = new Map<string, Map<string, Secret>>();

  bucket(account: string, region: string): Map<string, Secret> {
    const key = `${account}/${region}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = new Map();
      this.buckets.set(key, b);
    }
    return b;
  }

  get(account: string, region: string, name: string): Secret | undefined {
    return this.buckets.get(`${account}/${region}`)?.get(name);
  }

  put(secret: Secret): void {
    this.bucket(secret.account, secret.region).set(secret.name, secret);
  }

  remove(secret: Secret): void {
    const b = this.buckets.get(`${secret.account}/${secret.region}`);
    if (b?.get(secret.name) === secret) b.delete(secret.name);
  }

  /** Finds the secret a SecretId names, in the caller's region (secrets are regional). */
  find(account: string, region: string, ref: SecretRef): Secret | undefined {
    if (ref.kind === 'name') return this.get(account, region, ref.name);
    if (ref.region !== region) return undefined;
    if (ref.complete) {
      const s = this.get(ref.account, region, ref.resource.slice(0, -7));
      return s && s.arn === ref.arn ? s : undefined;
    }
    return this.get(ref.account, region, ref.resource);
  }

  all(): Iterable<Secret> {
    const buckets = this.buckets;
    return (function* () {
      for (const b of buckets.values()) yield* b.values();
    })();
  }
}

/** The secret whose data a (possibly replica) entry shows. */
export const source = (s: Secret): Secret => s.primary ?? s;

export const dayOf = (ms: number): number => Math.floor(ms / 86_400_000) * 86_400_000;
