/**
 * What Step Functions' optimized integrations for Nimbus services share: the Task's Parameters as
 * the operation's input, message bodies and binary attributes as AWS turns them into API values,
 * and the in-process call whose AwsError becomes AWS's `<Prefix>.<Code>Exception` task error.
 */
import type { Cloud } from '../../../core/cloud.js';
import { isAwsError } from '../../../core/errors.js';
import { uuid } from '../../../core/ids.js';
import { toWireError } from '../../../protocols/errors.js';
import { StatesError } from '../asl/errors.js';
import { serviceError, type ServiceIdentity, type TaskRequest } from './registry.js';

/**
 * The Task's Parameters as an API input: a JSON `bodyField` is sent as its JSON text, and
 * `BinaryValue`s of MessageAttributes (base64 in the state's JSON) as bytes.
 */
export function messageInput(req: TaskRequest, bodyField: string): Record<string, unknown> {
  const params = req.parameters;
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new StatesError('States.Runtime', `The Parameters of the ${req.parsed.key} task must be a JSON object`);
  const input: Record<string, unknown> = { ...(params as Record<string, unknown>) };
  if (input[bodyField] !== undefined && typeof input[bodyField] !== 'string') input[bodyField] = JSON.stringify(input[bodyField]);
  const attrs = input.MessageAttributes;
  if (attrs && typeof attrs === 'object')
    input.MessageAttributes = Object.fromEntries(
      Object.entries(attrs as Record<string, Record<string, unknown>>).map(([k, v]) => [
        k,
        typeof v?.BinaryValue === 'string' ? { ...v, BinaryValue: Buffer.from(v.BinaryValue, 'base64') } : v,
      ]),
    );
  return input;
}

/** Calls `service:operation` in the execution's account and region; failures become task errors. */
export async function callForTask(
  cloud: Cloud,
  req: TaskRequest,
  identity: ServiceIdentity,
  service: string,
  operation: string,
  input: Record<string, unknown>,
): Promise<{ result: Record<string, unknown>; requestId: string }> {
  const requestId = uuid();
  try {
    const result = (await cloud.call(service, operation, input, { account: req.execution.account, region: req.execution.region, requestId })) as Record<string, unknown>;
    return { result, requestId };
  } catch (e) {
    if (!isAwsError(e)) throw e;
    const model = await cloud.model(service);
    // The error code as the Java SDK reports it: awsQuery services their query code, JSON ones the shape name.
    const wire = toWireError(model, e, model.protocol === 'awsQuery');
    throw serviceError(identity, model.protocol === 'awsQuery' ? wire.wireCode : wire.code, wire.message, wire.status);
  }
}
