/**
 * The Task integrations other services provide (`arn:aws:states:::sqs:sendMessage`,
 * `...:::lambda:invoke`, a Lambda function ARN, ...). Each provider module is loaded on the first
 * Task that needs it, so a Step Functions instance that never calls SNS never loads SNS.
 */
import type { Cloud } from '../../../core/cloud.js';
import type { ExecutionStatusSource } from '../../events/aws-events.js';
import { IntegrationRegistry, type Integration, type ParsedResource, type TaskRequest } from './registry.js';

type Register = (registry: IntegrationRegistry, cloud: Cloud) => unknown;

/** resourceType (as parsed from the Resource ARN; `aws-sdk` for every `aws-sdk:<service>`) -> loader of the service's register function. */
const PROVIDERS: Record<string, () => Promise<Register>> = {
  lambda: () => import('../../lambda/stepfunctions.js').then((m) => m.registerLambdaIntegrations),
  sqs: () => import('../../sqs/integrations.js').then((m) => m.registerSqsIntegrations),
  sns: () => import('../../sns/integrations.js').then((m) => m.registerSnsIntegrations),
  events: () => import('../../events/aws-events.js').then((m) => m.registerEventsIntegration),
  'aws-sdk': () => import('./aws-sdk.js').then((m) => m.registerAwsSdkIntegration),
};

const providerOf = (resourceType: string): string => (resourceType.startsWith('aws-sdk:') ? 'aws-sdk' : resourceType);

type StatusChange = Parameters<Parameters<ExecutionStatusSource['onExecutionStatusChange']>[0]>[0];

/**
 * AWS puts "Step Functions Execution Status Change" events on the default bus; EventBridge is
 * loaded on the first status change, not with Step Functions.
 */
export function forwardExecutionStatusEvents(sfn: ExecutionStatusSource, cloud: Cloud): void {
  let emitter: Promise<(c: StatusChange) => void> | undefined;
  sfn.onExecutionStatusChange((change) => {
    emitter ??= import('../../events/aws-events.js').then((m) => {
      let forward: (c: StatusChange) => void = () => {};
      m.subscribeExecutionStatusEvents({ onExecutionStatusChange: (l) => ((forward = l), () => {}) }, cloud);
      return forward;
    });
    emitter.then((forward) => forward(change)).catch((err) => cloud.logger.warn('status event not emitted', { error: String(err) }));
  });
}

export function registerServiceIntegrations(registry: IntegrationRegistry, cloud: Cloud): void {
  const loaded = new Map<string, Promise<IntegrationRegistry>>();
  const providerRegistry = (type: string): Promise<IntegrationRegistry> => {
    let p = loaded.get(type);
    if (!p) {
      p = PROVIDERS[type]().then((register) => {
        const own = new IntegrationRegistry();
        register(own, cloud);
        return own;
      });
      loaded.set(type, p);
    }
    return p;
  };
  const resolved = async (req: TaskRequest) => {
    const own = await providerRegistry(providerOf(req.parsed.resourceType));
    const hit = own.resolve(req.parsed);
    if (!hit) throw new Error(`no integration for ${req.resource}`);
    return hit.integration;
  };
  const lazy: Integration = {
    async call(req) {
      return (await resolved(req)).call(req);
    },
    async waitForJob(req, submitted) {
      const integration = await resolved(req);
      if (!integration.waitForJob) throw new Error(`${req.resource} does not support .sync`);
      return integration.waitForJob(req, submitted);
    },
  };
  registry.register((r: ParsedResource) => providerOf(r.resourceType) in PROVIDERS, lazy);
}
