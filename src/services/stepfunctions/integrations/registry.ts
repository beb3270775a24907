/**
 * Where Task states find the code behind their `Resource`. Other services plug their integration
 * in with one `register` call; the executor resolves a Resource ARN to (parsed resource,
 * integration) and drives AWS's three integration patterns around it:
 *
 * - Request Response (`arn:aws:states:::sqs:sendMessage`): `call` is the whole task.
 * - Run a Job (`.sync`, `.sync:2`): `call` submits the job (its result goes to TaskSubmitted), then
 *   `waitForJob` resolves with the job's final output (or rejects with the job's failure).
 * - Wait for Callback (`.waitForTaskToken`): `call` sends the request carrying the task token; the
 *   task then completes through SendTaskSuccess / SendTaskFailure (executor/tokens.ts).
 *
 * Activities (`arn:aws:states:<region>:<account>:activity:<name>`) need no integration: the
 * executor queues them for GetActivityTask workers (executor/activities.ts).
 */
import { randomUUID } from 'node:crypto';
import { StatesError } from '../asl/errors.js';

export type IntegrationPattern = 'request-response' | 'sync' | 'sync:2' | 'callback';

export interface ParsedResource {
  /** The Resource field as written. */
  arn: string;
  /** `service`: arn:aws:states:::<service>:<action>; `lambda`: a Lambda function ARN (legacy form); `activity`. */
  kind: 'service' | 'lambda' | 'activity';
  /** As AWS writes it in Task* history events: `lambda`, `sqs`, `states`, `aws-sdk:s3`, ... */
  resourceType: string;
  /** The API action: `invoke`, `sendMessage`, `startExecution`, `getObject`, ... (kind `service` only). */
  action: string;
  pattern: IntegrationPattern;
  /** As AWS writes it in Task* history events: the action with its pattern suffix (`sendMessage.waitForTaskToken`). */
  historyResource: string;
  /** Registry key: `<resourceType>:<action>` (`lambda:invoke`, `aws-sdk:s3:getObject`); `lambda:function` for a function ARN; `activity`. */
  key: string;
}

export interface TaskExecutionInfo {
  arn: string;
  region: string;
  account: string;
  name: string;
}

export interface TaskRequest {
  /** The Resource field as written. */
  resource: string;
  parsed: ParsedResource;
  pattern: IntegrationPattern;
  /** Effective input after InputPath and Parameters: the API call's parameters. */
  parameters: unknown;
  /** The task token (Wait for Callback only; it is also in `$$.Task.Token`). */
  token?: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  stateName: string;
  execution: TaskExecutionInfo;
  /** Aborted when the task times out or the execution stops: stop work and settle quickly. */
  signal: AbortSignal;
  /** Resets the HeartbeatSeconds timer (for long-running jobs). */
  heartbeat(): void;
}

/**
 * An integration. Reject with a `StatesError` to fail the task with that error name and cause
 * (see `serviceError` for AWS's wording of a failed service call); any other rejection fails it
 * with `States.TaskFailed`.
 */
export interface Integration {
  /** Performs the API call and resolves with its result (a JSON value). */
  call(req: TaskRequest): Promise<unknown>;
  /** Run a Job: resolves with the job's final output once it ends. Without it, `.sync` is refused. */
  waitForJob?(req: TaskRequest, submitted: unknown): Promise<unknown>;
}

/** `lambda:invoke`, `aws-sdk:s3:*` (prefix), or a predicate over the parsed resource. */
export type IntegrationMatcher = string | ((resource: ParsedResource) => boolean);

export interface ResolvedIntegration {
  parsed: ParsedResource;
  integration: Integration;
}

const parseCache = new Map<string, ParsedResource | null>();

/** Parses a Task Resource ARN; undefined when it is not one Step Functions knows. */
export function parseResource(resource: string): ParsedResource | undefined {
  let hit = parseCache.get(resource);
  if (hit === undefined) {
    hit = parse(resource) ?? null;
    if (parseCache.size > 10_000) parseCache.clear();
    parseCache.set(resource, hit);
  }
  return hit ?? undefined;
}

function parse(arn: string): ParsedResource | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, , service, , , head] = parts;
  if (service === 'lambda' && head === 'function' && parts.length >= 7) {
    return { arn, kind: 'lambda', resourceType: 'lambda', action: 'invoke', pattern: 'request-response', historyResource: arn, key: 'lambda:function' };
  }
  if (service !== 'states') return undefined;
  if (head === 'activity' && parts.length === 7 && parts[6]) {
    return { arn, kind: 'activity', resourceType: 'activity', action: '', pattern: 'request-response', historyResource: arn, key: 'activity' };
  }
  // arn:<partition>:states:::<service>:<action>[.sync[:2] | .waitForTaskToken]; aws-sdk adds one part.
  let rest = parts.slice(5);
  let resourceType = rest[0];
  if (resourceType === 'aws-sdk') {
    if (rest.length < 3) return undefined;
    resourceType = `aws-sdk:${rest[1]}`;
    rest = rest.slice(2);
  } else {
    rest = rest.slice(1);
  }
  let tail = rest.join(':');
  let pattern: IntegrationPattern = 'request-response';
  for (const [suffix, p] of PATTERN_SUFFIXES) {
    if (tail.endsWith(suffix)) {
      pattern = p;
      tail = tail.slice(0, -suffix.length);
      break;
    }
  }
  if (!resourceType || !tail || tail.includes(':') || tail.includes('.')) return undefined;
  const historyResource = rest.join(':');
  return { arn, kind: 'service', resourceType, action: tail, pattern, historyResource, key: `${resourceType}:${tail}` };
}

const PATTERN_SUFFIXES: [string, IntegrationPattern][] = [
  ['.sync:2', 'sync:2'],
  ['.sync', 'sync'],
  ['.waitForTaskToken', 'callback'],
];

interface Entry {
  match: IntegrationMatcher;
  integration: Integration;
}

export class IntegrationRegistry {
  private exact = new Map<string, Integration>();
  private prefixes: { prefix: string; integration: Integration }[] = [];
  private predicates: Entry[] = [];

  /**
   * Plugs an integration in. A plain function is a Request Response integration. Returns a
   * function that removes it. Later registrations for the same key replace earlier ones.
   */
  register(match: IntegrationMatcher, integration: Integration): () => void;
  register(match: IntegrationMatcher, call: (req: TaskRequest) => Promise<unknown>): () => void;
  register(match: IntegrationMatcher, integration: Integration | ((req: TaskRequest) => Promise<unknown>)): () => void {
    const integ: Integration = typeof integration === 'function' ? { call: integration } : integration;
    if (typeof match === 'function') {
      const entry = { match, integration: integ };
      this.predicates.push(entry);
      return () => {
        this.predicates = this.predicates.filter((e) => e !== entry);
      };
    }
    if (match.endsWith('*')) {
      const entry = { prefix: match.slice(0, -1), integration: integ };
      this.prefixes = [...this.prefixes.filter((e) => e.prefix !== entry.prefix), entry].sort((a, b) => b.prefix.length - a.prefix.length);
      return () => {
        this.prefixes = this.prefixes.filter((e) => e !== entry);
      };
    }
    this.exact.set(match, integ);
    return () => {
      if (this.exact.get(match) === integ) this.exact.delete(match);
    };
  }

  /** The integration for a resource: exact key first, then the longest prefix, then predicates. */
  resolve(resource: string | ParsedResource): ResolvedIntegration | undefined {
    const parsed = typeof resource === 'string' ? parseResource(resource) : resource;
    if (!parsed) return undefined;
    let integration = this.exact.get(parsed.key);
    if (!integration) integration = this.prefixes.find((e) => parsed.key.startsWith(e.prefix))?.integration;
    if (!integration) integration = this.predicates.find((e) => (e.match as (r: ParsedResource) => boolean)(parsed))?.integration;
    return integration ? { parsed, integration } : undefined;
  }
}

export interface ServiceIdentity {
  /** Error name prefix Step Functions uses: `Lambda`, `StepFunctions`, `SQS`, `SNS`, ... */
  errorPrefix: string;
  /** Service name in the Java SDK message: `AWSLambda`, `AWSStepFunctions`, `AmazonSQS`, ... */
  serviceName: string;
}

/**
 * AWS's wording of a failed service call inside a Task: error `<Prefix>.<Code>` (with the
 * `Exception` suffix AWS adds) and a cause carrying the service's message and error details,
 * e.g. `StepFunctions.StateMachineDoesNotExistException`.
 */
export function serviceError(service: ServiceIdentity, code: string, message: string, status = 400): StatesError {
  const name = code.endsWith('Exception') ? code : `${code}Exception`;
  const cause = `${message} (Service: ${service.serviceName}; Status Code: ${status}; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`;
  return new StatesError(`${service.errorPrefix}.${name}`, cause);
}
