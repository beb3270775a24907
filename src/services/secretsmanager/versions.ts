/**
 * The staging-label state machine. A label sits on at most one version; moving AWSCURRENT moves
 * AWSPREVIOUS to the version it left. A version without labels is deprecated: still readable by
 * VersionId, hidden from listings, and removed once a secret has more than 100 versions.
 */
import { AwsError } from '../../core/errors.js';
import type { Secret, SecretVersion } from './store.js';

export const CURRENT = 'AWSCURRENT';
export const PREVIOUS = 'AWSPREVIOUS';
export const PENDING = 'AWSPENDING';

const MAX_VERSIONS = 100;
const DAY_MS = 86_400_000;

export function holderOf(secret: Secret, stage: string): SecretVersion | undefined {
  for (const v of secret.versions.values()) if (v.stages.includes(stage)) return v;
  return undefined;
}

export function currentVersion(secret: Secret): SecretVersion | undefined {
  return holderOf(secret, CURRENT);
}

function addLabel(v: SecretVersion, stage: string): void {
  if (v.stages.includes(stage)) return;
  v.stages.push(stage);
  v.stages.sort();
}

export function removeLabel(v: SecretVersion, stage: string): void {
  const i = v.stages.indexOf(stage);
  if (i >= 0) v.stages.splice(i, 1);
}

/** Attaches `stage` to `v`, taking it from the version that holds it. */
export function attachStage(secret: Secret, v: SecretVersion, stage: string): void {
  const holder = holderOf(secret, stage);
  if (holder === v) return;
  if (holder) removeLabel(holder, stage);
  addLabel(v, stage);
  if (stage === CURRENT && holder) {
    const previous = holderOf(secret, PREVIOUS);
    if (previous) removeLabel(previous, PREVIOUS);
    addLabel(holder, PREVIOUS);
  }
}

/** Adds a new version carrying `stages`, making room first when the secret is at its quota. */
export function addVersion(secret: Secret, v: SecretVersion, stages: string[], now: number): void {
  if (secret.versions.size >= MAX_VERSIONS) prune(secret, now);
  secret.versions.set(v.id, v);
  for (const s of stages) attachStage(secret, v, s);
}

function prune(secret: Secret, now: number): void {
  for (const v of secret.versions.values()) {
    if (secret.versions.size < MAX_VERSIONS) return;
    if (v.stages.length === 0 && now - v.created.getTime() >= DAY_MS) secret.versions.delete(v.id);
  }
  if (secret.versions.size >= MAX_VERSIONS)
    throw new AwsError(
      'LimitExceededException',
      `You can't create more than ${MAX_VERSIONS} versions of a secret. Secrets Manager removes versions without staging labels once they are more than 24 hours old.`,
    );
}

export function sameValue(v: SecretVersion, string: string | undefined, binary: Buffer | undefined): boolean {
  if (string !== undefined) return v.string === string && v.binary === undefined;
  if (binary !== undefined) return v.binary !== undefined && v.binary.equals(binary) && v.string === undefined;
  return v.string === undefined && v.binary === undefined;
}

export const hasValue = (v: SecretVersion): boolean => v.string !== undefined || v.binary !== undefined;
