import type { Cloud } from '../core/cloud.js';
import type { ServiceInstance } from './types.js';

export type ServiceFactory = (cloud: Cloud) => ServiceInstance;

/**
 * Signing name -> loader of the service's implementation (its `api.ts`), imported on first use.
 * A modelled service missing here is still served: each of its operations answers 501.
 */
export const SERVICE_FACTORIES: Record<string, () => Promise<ServiceFactory>> = {
  states: () => import('./stepfunctions/api.js').then((m) => m.createService),
  lambda: () => import('./lambda/api.js').then((m) => m.createService),
  sns: () => import('./sns/api.js').then((m) => m.createService),
  secretsmanager: () => import('./secretsmanager/api.js').then((m) => m.createService),
  cloudtrail: () => import('./cloudtrail/api.js').then((m) => m.createService),
  s3: () => import('./s3/api.js').then((m) => m.createService),
  sts: () => import('./sts/api.js').then((m) => m.createService),
  sqs: () => import('./sqs/api.js').then((m) => m.createService),
  events: () => import('./events/api.js').then((m) => m.createService),
  scheduler: () => import('./scheduler/api.js').then((m) => m.createService),
};
