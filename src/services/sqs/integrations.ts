/**
 * Step Functions' optimized SQS integration: `arn:aws:states:::sqs:sendMessage` (Request Response
 * and `.waitForTaskToken`), answering the SendMessage result plus the Java SDK metadata Step
 * Functions records.
 */
import type { Cloud } from '../../core/cloud.js';
import { isAwsError } from '../../core/errors.js';
import { toWireError } from '../../protocols/errors.js';
import { StatesError } from '../stepfunctions/asl/errors.js';
import { serviceError, type IntegrationRegistry, type TaskRequest } from '../stepfunctions/integrations/registry.js';
import { sdkMetadata } from '../stepfunctions/integrations/sdk-metadata.js';

const SQS = { errorPrefix: 'SQS', serviceName: 'AmazonSQS' };

export function registerSqsIntegrations(registry: IntegrationRegistry, cloud: Cloud): () => void {
  return registry.register('sqs:sendMessage', (req) => sendMessage(cloud, req));
}

async function sendMessage(cloud: Cloud, req: TaskRequest): Promise<unknown> {
  const params = req.parameters;
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new StatesError('States.Runtime', 'The Parameters of an sqs:sendMessage task must be a JSON object');
  const input: Record<string, unknown> = { ...(params as Record<string, unknown>) };
  // A JSON MessageBody is sent as its JSON text, as Step Functions does.
  if (input.MessageBody !== undefined && typeof input.MessageBody !== 'string') input.MessageBody = JSON.stringify(input.MessageBody);
  const attrs = input.MessageAttributes as Record<string, Record<string, unknown>> | undefined;
  if (attrs && typeof attrs === 'object')
    input.MessageAttributes = Object.fromEntries(
      Object.entries(attrs).map(([k, v]) => [k, typeof v?.BinaryValue === 'string' ? { ...v, BinaryValue: Buffer.from(v.BinaryValue, 'base64') } : v]),
    );
  const requestId = crypto.randomUUID();
  let result: Record<string, unknown>;
  try {
    result = (await cloud.call('sqs', 'SendMessage', input, { account: req.execution.account, region: req.execution.region, requestId })) as Record<string, unknown>;
  } catch (e) {
    if (!isAwsError(e)) throw e;
    const wire = toWireError(await cloud.model('sqs'), e, false);
    throw serviceError(SQS, wire.code, wire.message, wire.status);
  }
  const body = JSON.stringify(result);
  const headers = {
    'Content-Length': String(Buffer.byteLength(body)),
    'Content-Type': 'application/x-amz-json-1.0',
    Date: new Date(cloud.clock.now()).toUTCString(),
    'x-amzn-RequestId': requestId,
  };
  return { ...result, ...sdkMetadata(requestId, headers) };
}
