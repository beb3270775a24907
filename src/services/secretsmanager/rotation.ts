/**
 * Rotation with a rotation function: Secrets Manager stages an empty AWSPENDING version named by
 * the rotation's token, then invokes the function four times (createSecret, setSecret,
 * testSecret, finishSecret) in the background. The function fills AWSPENDING and its
 * finishSecret step moves AWSCURRENT; a failed step leaves AWSCURRENT where it was, and later
 * RotateSecret calls answer "A previous rotation isn't complete" until AWSPENDING is cleared.
 * Scheduled rotations run on the shared clock.
 *
 * Functions run through an invoker: the Lambda service's in-process `invoke`, or an invoker set
 * with `setInvoker` (tests, embedders).
 */
import type { Cloud } from '../../core/cloud.js';
import { AwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import type { ServiceInstance } from '../types.js';
import type { Audit } from './audit.js';
import { nextRotation } from './schedule.js';
import type { Secret, SecretsStore } from './store.js';
import { addVersion, attachStage, CURRENT, currentVersion, PENDING, removeLabel } from './versions.js';

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/** The event a rotation function receives. */
export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: RotationStep;
  RotationToken: string;
}

/** Runs one step of a rotation function; rejects when the function fails. */
export type RotationInvoker = (functionArn: string, event: RotationEvent) => Promise<unknown>;

/** The part of the Lambda service's in-process interface rotation uses. */
interface LambdaInvoke {
  invoke(
    functionNameOrArn: string,
    payload: object,
    opts: { invocationType?: 'RequestResponse' | 'DryRun'; account: string; region: string },
  ): Promise<{ functionError?: string }>;
}

const STEPS: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

const CANNOT_INVOKE =
  'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.';

export class Rotations {
  private invoker?: RotationInvoker;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly cloud: Cloud,
    private readonly store: SecretsStore,
    private readonly audit: Audit,
  ) {}

  /** Replaces how rotation functions are invoked (undefined: back to the Lambda service). */
  setInvoker(invoker: RotationInvoker | undefined): void {
    this.invoker = invoker;
  }

  /** Resolves once no rotation is running. */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  /**
   * The invoker for a rotation function in (account, region), or AWS's AccessDeniedException when
   * Secrets Manager cannot invoke it (no such function, or no Lambda service to run it).
   */
  async invokerFor(functionArn: string, account: string, region: string): Promise<RotationInvoker> {
    if (this.invoker) return this.invoker;
    const lambda = (await this.cloud.service('lambda')) as ServiceInstance & Partial<LambdaInvoke>;
    if (typeof lambda.invoke !== 'function')
      throw new AwsError('AccessDeniedException', `${CANNOT_INVOKE} (Nimbus cannot run Lambda functions yet, so it cannot invoke ${functionArn}.)`);
    const invoke = lambda.invoke.bind(lambda);
    try {
      await invoke(functionArn, {}, { invocationType: 'DryRun', account, region });
    } catch (err) {
      throw new AwsError('AccessDeniedException', `${CANNOT_INVOKE} (${(err as Error).message})`);
    }
    return async (arn, event) => {
      const result = await invoke(arn, event, { account, region });
      if (result.functionError) throw new Error(`the rotation function failed at ${event.Step}`);
    };
  }

  /**
   * Starts a rotation whose new version is `token`. A test rotation (RotateImmediately false)
   * stages a copy of AWSCURRENT, runs only testSecret, then removes that version.
   */
  begin(secret: Secret, token: string, invoker: RotationInvoker, testOnly: boolean, now: number): void {
    let v = secret.versions.get(token);
    if (!v) {
      const current = testOnly ? currentVersion(secret) : undefined;
      v = { id: token, string: current?.string, binary: current?.binary, stages: [], created: new Date(now) };
      addVersion(secret, v, [PENDING], now);
    } else attachStage(secret, v, PENDING);
    secret.rotation.running = token;
    this.track(this.run(secret, token, invoker, testOnly));
  }

  private track(work: Promise<void>): void {
    const p: Promise<void> = work
      .catch((err: unknown) => this.cloud.logger.error('secrets manager rotation stopped on an internal error', { error: String((err as Error)?.stack ?? err) }))
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  private async run(secret: Secret, token: string, invoker: RotationInvoker, testOnly: boolean): Promise<void> {
    const { account, region, arn } = secret;
    const lambdaArn = secret.rotation.lambdaArn!;
    const now = () => this.cloud.clock.now();
    const rotationToken = uuid();
    if (!testOnly) this.audit.serviceEvent(now(), account, region, 'RotationStarted', arn);
    let failed: RotationStep | undefined;
    for (const step of testOnly ? (['testSecret'] as RotationStep[]) : STEPS) {
      if (!this.live(secret) || secret.rotation.enabled === false) {
        secret.rotation.running = undefined;
        this.audit.serviceEvent(now(), account, region, 'RotationAbandoned', arn, { step });
        return;
      }
      try {
        await invoker(lambdaArn, { SecretId: arn, ClientRequestToken: token, Step: step, RotationToken: rotationToken });
      } catch {
        failed = step;
        break;
      }
    }
    secret.rotation.running = undefined;
    if (testOnly) {
      const v = secret.versions.get(token);
      if (v) {
        removeLabel(v, PENDING);
        if (v.stages.length === 0) secret.versions.delete(token);
      }
      if (failed) this.audit.serviceEvent(now(), account, region, 'RotationFailed', arn, { step: failed });
      return;
    }
    if (!failed && !secret.versions.get(token)?.stages.includes(CURRENT)) failed = 'finishSecret';
    if (failed) {
      this.audit.serviceEvent(now(), account, region, 'RotationFailed', arn, { step: failed });
      if (!secret.rotation.timer) this.schedule(secret, now());
      return;
    }
    secret.rotation.lastRotated = now();
    secret.lastChanged = now();
    this.audit.serviceEvent(now(), account, region, 'RotationSucceeded', arn);
    this.schedule(secret);
  }

  /** True while the secret exists and is not scheduled for deletion. */
  private live(secret: Secret): boolean {
    return this.store.get(secret.account, secret.region, secret.name) === secret && secret.deletedDate === undefined;
  }

  /** (Re)arms the secret's next scheduled rotation from its rules, counting from `from`. */
  schedule(secret: Secret, from?: number): void {
    const r = secret.rotation;
    this.cloud.clock.clear(r.timer);
    r.timer = undefined;
    r.next = undefined;
    if (!r.enabled || !r.rules || !this.live(secret)) return;
    const now = this.cloud.clock.now();
    const next = nextRotation(r.rules, r.rules.ScheduleExpression?.startsWith('cron(') ? now : (from ?? r.lastRotated ?? now));
    if (next === undefined) return;
    r.next = next;
    r.timer = this.cloud.clock.at(next, () => this.track(this.scheduled(secret)));
  }

  private async scheduled(secret: Secret): Promise<void> {
    const r = secret.rotation;
    r.timer = undefined;
    if (!r.enabled || !r.lambdaArn || !this.live(secret)) return;
    const now = this.cloud.clock.now();
    const pending = [...secret.versions.values()].some((v) => v.stages.includes(PENDING) && !v.stages.includes(CURRENT));
    if (r.running || pending) {
      this.audit.serviceEvent(now, secret.account, secret.region, 'RotationFailed', secret.arn, { reason: 'A previous rotation is not complete.' });
      this.schedule(secret, now);
      return;
    }
    let invoker: RotationInvoker;
    try {
      invoker = await this.invokerFor(r.lambdaArn, secret.account, secret.region);
    } catch {
      this.audit.serviceEvent(now, secret.account, secret.region, 'RotationFailed', secret.arn, { reason: 'The rotation function cannot be invoked.' });
      this.schedule(secret, now);
      return;
    }
    this.begin(secret, uuid(), invoker, false, now);
  }
}
