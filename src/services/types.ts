import type { Cloud } from '../core/cloud.js';
import type { Protocol } from '../protocols/model.js';

/** What a handler knows about the call it serves. */
export interface RequestContext {
  requestId: string;
  /** 12-digit account id (from the access key; 000000000000 by default). */
  account: string;
  /** Region from the SigV4 scope (us-east-1 by default). */
  region: string;
  accessKeyId: string;
  /** Signing name of the service (states, sqs, secretsmanager, ...). */
  service: string;
  operation: string;
  sourceIp: string;
  userAgent?: string;
  /** Base URL the client used to reach Nimbus, e.g. http://localhost:4566 (for queue URLs). */
  endpoint: string;
  /** Wire protocol of the call (`awsQuery` for SQS's old clients); undefined for in-process calls. */
  protocol?: Protocol;
  cloud: Cloud;
  /** The Nimbus process's clock; all waiting goes through it. */
  now(): number;
}

/**
 * A service operation: receives the decoded, model-validated input (plain object, member names as
 * in the Smithy model; timestamps as Date, blobs as Buffer) and returns the output object.
 * Throw `AwsError` for AWS's errors.
 */
export type Handler = (ctx: RequestContext, input: any) => unknown | Promise<unknown>;

export interface ServiceInstance {
  /** Operation name (as in the model, e.g. `ListStateMachines`) -> handler. */
  handlers: Record<string, Handler>;
  stop?(): void | Promise<void>;
}
