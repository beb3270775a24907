/**
 * Replication to other regions of the same account. A replica is an entry in its region with the
 * primary's name and ARN suffix; it reads the primary's data, so changes show up at once.
 */
import type { ReplicaRegionType } from '../../generated/secretsmanager.types.js';
import { invalidParameter } from './errors.js';
import { arnInRegion } from './names.js';
import type { Secret, SecretsStore } from './store.js';

const DEFAULT_KEY = 'alias/aws/secretsmanager';

export function addReplicas(store: SecretsStore, primary: Secret, regions: ReplicaRegionType[], force: boolean, now: number): void {
  for (const r of regions) if (!r.Region || r.Region === primary.region) throw invalidParameter('Invalid replica region.');
  for (const r of regions) {
    const region = r.Region!;
    const kmsKeyId = r.KmsKeyId ?? DEFAULT_KEY;
    const existing = store.get(primary.account, region, primary.name);
    if (existing && existing.primary !== primary) {
      if (!force) {
        primary.replicas.set(region, {
          region,
          kmsKeyId,
          status: 'Failed',
          message: `Replication failed: Secret name ${primary.name} already exists in region ${region}.`,
        });
        continue;
      }
      store.remove(existing);
    }
    if (!existing || existing.primary !== primary)
      store.put({
        name: primary.name,
        arn: arnInRegion(primary.arn, region),
        account: primary.account,
        region,
        kmsKeyId,
        tags: [],
        versions: new Map(),
        created: now,
        lastChanged: now,
        rotation: {},
        replicas: new Map(),
        primary,
      });
    primary.replicas.set(region, { region, kmsKeyId, status: 'InSync', message: 'Replication succeeded' });
  }
}

export function removeReplicas(store: SecretsStore, primary: Secret, regions: string[]): void {
  for (const region of regions) {
    const replica = store.get(primary.account, region, primary.name);
    if (replica?.primary === primary) store.remove(replica);
    primary.replicas.delete(region);
  }
}

/** Turns a replica into a standalone secret in its region, with a copy of the primary's data. */
export function promote(replica: Secret, now: number): void {
  const p = replica.primary!;
  replica.primary = undefined;
  replica.description = p.description;
  replica.tags = p.tags.map((t) => ({ ...t }));
  replica.versions = new Map([...p.versions].map(([id, v]) => [id, { ...v, stages: [...v.stages] }]));
  replica.policy = p.policy;
  replica.lastChanged = now;
  p.replicas.delete(replica.region);
}
