import { Clock } from './clock.js';
import type { NimbusConfig } from './config.js';
import { AwsError, notImplemented } from './errors.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, uuid } from './ids.js';
import { createLogger, type Logger } from './log.js';
import { MODEL_LOADERS } from '../generated/index.js';
import type { ServiceModel } from '../protocols/model.js';
import { assertValid } from '../protocols/shapes.js';
import { SERVICE_FACTORIES } from '../services/registry.js';
import type { RequestContext, ServiceInstance } from '../services/types.js';

/**
 * One Nimbus instance: its clock, its configuration and its services' state. Services are created
 * on first use, so start-up loads nothing but the gateway; two instances share no state.
 */
export class Cloud {
  readonly clock = new Clock();
  readonly logger: Logger;
  /** Base URL clients use, set once the server listens. */
  endpoint = '';
  private readonly instances = new Map<string, Promise<ServiceInstance>>();
  private readonly models = new Map<string, Promise<ServiceModel>>();

  constructor(readonly config: NimbusConfig) {
    this.logger = createLogger(config.logLevel);
  }

  /** Signing names of every service whose model Nimbus has. */
  static modelledServices(): string[] {
    return Object.keys(MODEL_LOADERS);
  }

  /** Signing names of the services Nimbus implements (at least part of). */
  static implementedServices(): string[] {
    return Object.keys(SERVICE_FACTORIES);
  }

  hasService(name: string): boolean {
    return name in MODEL_LOADERS;
  }

  isStarted(name: string): boolean {
    return this.instances.has(name);
  }

  model(name: string): Promise<ServiceModel> {
    let m = this.models.get(name);
    if (!m) {
      const load = MODEL_LOADERS[name];
      if (!load) return Promise.reject(new Error(`no model for service ${name}`));
      m = load();
      this.models.set(name, m);
    }
    return m;
  }

  /** The service's instance (created on first use). Services reach each other through this. */
  service<T extends ServiceInstance = ServiceInstance>(name: string): Promise<T> {
    let inst = this.instances.get(name);
    if (!inst) {
      const factory = SERVICE_FACTORIES[name];
      inst = factory ? factory().then((create) => create(this)) : Promise.resolve({ handlers: {} });
      this.instances.set(name, inst);
    }
    return inst as Promise<T>;
  }

  /** A context for calls that do not come over HTTP (integrations, schedules, rotation). */
  internalContext(service: string, operation: string, over: Partial<RequestContext> = {}): RequestContext {
    return {
      requestId: uuid(),
      account: DEFAULT_ACCOUNT,
      region: DEFAULT_REGION,
      accessKeyId: 'nimbus-internal',
      service,
      operation,
      sourceIp: '127.0.0.1',
      endpoint: this.endpoint,
      cloud: this,
      now: () => this.clock.now(),
      ...over,
    };
  }

  /**
   * Calls an operation in process with the same model validation as a wire call (used by the
   * Step Functions aws-sdk integration, EventBridge targets, Scheduler universal targets).
   */
  async call(service: string, operation: string, input: Record<string, unknown>, over: Partial<RequestContext> = {}): Promise<unknown> {
    if (!this.hasService(service)) throw new AwsError('UnknownServiceException', `Nimbus does not serve the service '${service}'`, 400);
    const model = await this.model(service);
    const op = model.operations[operation];
    if (!op) throw new AwsError('UnknownOperationException', `${model.sdkId} has no operation ${operation}`, 400);
    assertValid(model, op.i, input);
    const inst = await this.service(service);
    const handler = inst.handlers[operation];
    if (!handler) throw notImplemented(service, operation);
    return handler(this.internalContext(service, operation, over), input);
  }

  async stop(): Promise<void> {
    this.clock.stop();
    for (const inst of this.instances.values()) {
      const i = await inst.catch(() => undefined);
      await i?.stop?.();
    }
    this.instances.clear();
  }
}
