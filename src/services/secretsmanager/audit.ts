/**
 * The audit trail: every Secrets Manager call (success or error) and rotation event becomes a
 * CloudTrail management event. Secret values (SecretString, SecretBinary, RandomPassword) are
 * never recorded, in request parameters or response elements.
 */
import type { Cloud } from '../../core/cloud.js';
import { isAwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import type { CloudTrailService } from '../cloudtrail/api.js';
import type { TrailRecord, TrailStore } from '../cloudtrail/store.js';
import type { Handler, RequestContext } from '../types.js';

export const EVENT_SOURCE = 'secretsmanager.amazonaws.com';
export const RESOURCE_TYPE = 'AWS::SecretsManager::Secret';

const READ_ONLY = new Set([
  'GetSecretValue',
  'BatchGetSecretValue',
  'DescribeSecret',
  'ListSecrets',
  'ListSecretVersionIds',
  'GetResourcePolicy',
  'GetRandomPassword',
  'ValidateResourcePolicy',
]);
const SENSITIVE = new Set(['SecretString', 'SecretBinary', 'RandomPassword']);

/** CloudTrail's spelling of parameters: lower camel case, secret values left out. */
function trailForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(trailForm);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SENSITIVE.has(k) || v === undefined) continue;
    out[k.charAt(0).toLowerCase() + k.slice(1)] = trailForm(v);
  }
  return out;
}

export class Audit {
  private trail?: TrailStore;
  private waiting: TrailRecord[] = [];
  private readonly resources = new WeakMap<RequestContext, Set<string>>();

  constructor(cloud: Cloud) {
    cloud.service<CloudTrailService>('cloudtrail').then((s) => {
      this.trail = s.trail;
      for (const r of this.waiting) s.trail.record(r);
      this.waiting = [];
    });
  }

  /** Notes that the call `ctx` acts on the secret `arn` (its CloudTrail resource). */
  touch(ctx: RequestContext, arn: string): void {
    let set = this.resources.get(ctx);
    if (!set) this.resources.set(ctx, (set = new Set()));
    set.add(arn);
  }

  /** Wraps an operation's handler so each call is recorded once it answers. */
  wrap(operation: string, handler: Handler): Handler {
    const readOnly = READ_ONLY.has(operation);
    return (ctx, input) => {
      const at = ctx.now();
      let out: unknown;
      try {
        out = handler(ctx, input);
      } catch (err) {
        this.call(ctx, operation, readOnly, at, input, undefined, err);
        throw err;
      }
      if (out instanceof Promise)
        return out.then(
          (o) => {
            this.call(ctx, operation, readOnly, at, input, o, undefined);
            return o;
          },
          (err) => {
            this.call(ctx, operation, readOnly, at, input, undefined, err);
            throw err;
          },
        );
      this.call(ctx, operation, readOnly, at, input, out, undefined);
      return out;
    };
  }

  /** A Secrets Manager service event (RotationStarted, RotationSucceeded, RotationFailed, ...). */
  serviceEvent(at: number, account: string, region: string, eventName: string, arn: string, details: Record<string, unknown> = {}): void {
    this.add({
      eventId: uuid(),
      eventTime: at,
      eventName,
      eventSource: EVENT_SOURCE,
      eventType: 'AwsServiceEvent',
      readOnly: false,
      account,
      region,
      sourceIp: EVENT_SOURCE,
      userAgent: EVENT_SOURCE,
      requestParameters: null,
      responseElements: null,
      additionalEventData: { SecretId: arn, ...details },
      resources: [{ arn, type: RESOURCE_TYPE }],
    });
  }

  private call(ctx: RequestContext, operation: string, readOnly: boolean, at: number, input: unknown, output: unknown, err: unknown): void {
    const arns = this.resources.get(ctx) ?? new Set<string>();
    const outArn = (output as { ARN?: string } | undefined)?.ARN;
    if (outArn) arns.add(outArn);
    const r: TrailRecord = {
      eventId: uuid(),
      eventTime: at,
      eventName: operation,
      eventSource: EVENT_SOURCE,
      eventType: 'AwsApiCall',
      readOnly,
      account: ctx.account,
      region: ctx.region,
      accessKeyId: ctx.accessKeyId,
      sourceIp: ctx.sourceIp,
      userAgent: ctx.userAgent,
      requestId: ctx.requestId,
      requestParameters: (trailForm(input) as Record<string, unknown>) ?? null,
      responseElements: err === undefined && !readOnly ? ((trailForm(output) as Record<string, unknown>) ?? null) : null,
      resources: [...arns].map((arn) => ({ arn, type: RESOURCE_TYPE })),
    };
    if (err !== undefined) {
      r.errorCode = isAwsError(err) ? err.code : 'InternalFailure';
      r.errorMessage = isAwsError(err) ? err.message : 'An internal error occurred.';
    }
    this.add(r);
  }

  private add(r: TrailRecord): void {
    if (this.trail) this.trail.record(r);
    else this.waiting.push(r);
  }
}
