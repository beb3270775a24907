/**
 * The AWS SDK service integration, `arn:aws:states:::aws-sdk:<service>:<action>`: calls the Nimbus
 * service behind `<service>` in process (cloud.call, with the service's model validation), as AWS
 * does through the AWS SDK for Java v2:
 *
 * - `<service>` is the SDK client name (`sfn`, `eventbridge`, `cloudwatchlogs`, ...), mapped to the
 *   signing name Nimbus serves it under; `<action>` is the operation in camelCase.
 * - Parameters are PascalCase even where the service's own members are camelCase (SFN); timestamps
 *   are RFC 3339 strings (or epoch seconds), blobs are text.
 * - The result has PascalCase member names and timestamps as ISO-8601 strings with milliseconds.
 * - A failed call fails the task with `<JavaServiceName>.<JavaExceptionName>`
 *   (`Sqs.QueueDoesNotExistException`, `Sfn.StateMachineDoesNotExistException`,
 *   `SecretsManager.ResourceNotFoundException`); an error code the service's model does not
 *   declare becomes the service's base exception (`Sqs.SqsException`), as the Java SDK throws it.
 */
import { randomUUID } from 'node:crypto';
import type { Cloud } from '../../../core/cloud.js';
import { isAwsError } from '../../../core/errors.js';
import type { MemberRef, ServiceModel, Shape } from '../../../protocols/model.js';
import { StatesError } from '../asl/errors.js';
import type { IntegrationRegistry, TaskRequest } from './registry.js';

/** SDK client name (as in the Resource ARN) -> Nimbus signing name, for every service Nimbus models. */
export const SDK_SERVICES: Readonly<Record<string, string>> = {
  cloudtrail: 'cloudtrail',
  cloudwatch: 'monitoring',
  cloudwatchlogs: 'logs',
  dynamodb: 'dynamodb',
  ecr: 'ecr',
  eventbridge: 'events',
  iam: 'iam',
  kms: 'kms',
  lambda: 'lambda',
  s3: 's3',
  scheduler: 'scheduler',
  secretsmanager: 'secretsmanager',
  sfn: 'states',
  sns: 'sns',
  sqs: 'sqs',
  ssm: 'ssm',
  sts: 'sts',
};

export function registerAwsSdkIntegration(registry: IntegrationRegistry, cloud: Cloud): void {
  registry.register('aws-sdk:*', (req) => callSdk(cloud, req));
}

async function callSdk(cloud: Cloud, req: TaskRequest): Promise<unknown> {
  const sdkName = req.parsed.resourceType.slice('aws-sdk:'.length);
  const signingName = SDK_SERVICES[sdkName];
  if (!signingName) throw new StatesError('States.Runtime', `Nimbus does not serve the AWS SDK service '${sdkName}' (resource '${req.resource}').`);
  const model = await cloud.model(signingName);
  const action = req.parsed.action;
  const operation = action[0].toUpperCase() + action.slice(1);
  const op = model.operations[operation];
  if (!op) throw new StatesError('States.Runtime', `The AWS SDK service '${sdkName}' has no action '${action}' (resource '${req.resource}').`);
  const params = req.parameters ?? {};
  if (!isObject(params)) throw new StatesError('States.Runtime', `The parameters of '${req.resource}' must be a JSON object.`);
  const input = op.i ? (toModel(model, { s: op.i }, params, '') as Record<string, unknown>) : {};
  let output: unknown;
  try {
    output = await cloud.call(signingName, operation, input, { account: req.execution.account, region: req.execution.region });
  } catch (e) {
    if (!isAwsError(e)) throw e;
    if (e.status === 501) throw new StatesError('States.Runtime', `${e.message} (resource '${req.resource}').`);
    throw sdkError(model, e.code, e.message, e.status);
  }
  return op.o ? fromModel(model, { s: op.o }, output ?? {}) : {};
}

// --- names -----------------------------------------------------------------------------------

/** Cases acronyms as words, as the AWS SDK for Java v2 names classes: `DynamoDB` -> `DynamoDb`, `KMSInvalidState` -> `KmsInvalidState`. */
const javaCase = (name: string): string => name.replace(/[A-Z]{2,}(?=[A-Z][a-z]|[^A-Za-z]|$)/g, (run) => run[0] + run.slice(1).toLowerCase());

/** The service's name in the Java SDK (and in error names): `SFN` -> `Sfn`, `Secrets Manager` -> `SecretsManager`. */
export const javaServiceName = (sdkId: string): string => sdkId.split(/\s+/).map(javaCase).join('');

function javaExceptionName(shapeName: string): string {
  let name = javaCase(shapeName);
  if (name.endsWith('Fault')) name = name.slice(0, -'Fault'.length);
  return name.endsWith('Exception') ? name : `${name}Exception`;
}

/** AWS's error for a failed AWS SDK call: `<Service>.<Exception>` and the Java SDK's message. */
export function sdkError(model: ServiceModel, code: string, message: string, status: number): StatesError {
  const service = javaServiceName(model.sdkId);
  const shape = errorShapeName(model, code);
  const name = shape ? javaExceptionName(shape) : `${service}Exception`;
  return new StatesError(`${service}.${name}`, `${message} (Service: ${service}, Status Code: ${status}, Request ID: ${randomUUID()})`);
}

/** The modelled error shape behind an error code (its name, or its awsQuery code). */
function errorShapeName(model: ServiceModel, code: string): string | undefined {
  const direct = model.shapes[code];
  if (direct && direct.t === 'structure' && direct.e) return code;
  for (const [name, shape] of Object.entries(model.shapes)) {
    if (shape.t === 'structure' && shape.e && shape.q?.[0] === code) return name;
  }
  return undefined;
}

// --- values ----------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The member of `shape` a PascalCase parameter names (`StateMachineArn` -> `stateMachineArn`; `EqualsValue` -> `Equals`). */
function memberFor(members: Record<string, MemberRef>, key: string): string | undefined {
  if (key in members) return key;
  const camel = key[0].toLowerCase() + key.slice(1);
  if (camel in members) return camel;
  if (key === 'EqualsValue' && 'Equals' in members) return 'Equals';
  return undefined;
}

/** Step Functions parameters -> the operation's input (member names and value types of the model). */
function toModel(model: ServiceModel, ref: MemberRef, value: unknown, path: string): unknown {
  const shape: Shape | undefined = model.shapes[ref.s];
  if (!shape || value === null || value === undefined) return value;
  switch (shape.t) {
    case 'structure':
    case 'union': {
      if (!isObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        const member = memberFor(shape.m, key);
        if (!member) throw new StatesError('States.Runtime', `The field '${path}${key}' is not supported by Step Functions for this action: the API has no such parameter.`);
        out[member] = toModel(model, shape.m[member], v, `${path}${key}.`);
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v, i) => toModel(model, shape.m, v, `${path}${i}.`)) : value;
    case 'map': {
      if (!isObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = toModel(model, shape.v, v, `${path}${k}.`);
      return out;
    }
    case 'timestamp':
      if (typeof value === 'string') return new Date(value);
      if (typeof value === 'number') return new Date(value * 1000);
      return value;
    case 'blob':
      // Text as is; a JSON value (a Lambda Payload written as an object) as its JSON text.
      return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
    default:
      return value;
  }
}

/** The operation's output -> the task result (PascalCase members, ISO-8601 timestamps). */
function fromModel(model: ServiceModel, ref: MemberRef, value: unknown): unknown {
  const shape: Shape | undefined = model.shapes[ref.s];
  if (value === null || value === undefined) return value;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const buf = Buffer.from(value);
    // A payload (S3 object body, Lambda response) is text; other blobs are base64, as the SDK serialises them.
    return ref.l === 'payload' ? buf.toString('utf8') : buf.toString('base64');
  }
  if (!shape) return value;
  switch (shape.t) {
    case 'structure':
    case 'union': {
      if (!isObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [member, v] of Object.entries(value)) {
        if (v === undefined) continue;
        const m = shape.m[member];
        const key = member[0].toUpperCase() + member.slice(1);
        out[key] = m ? fromModel(model, m, v) : v;
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => fromModel(model, shape.m, v)) : value;
    case 'map': {
      if (!isObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = fromModel(model, shape.v, v);
      return out;
    }
    default:
      return value;
  }
}
