/**
 * Step Functions' optimized SNS integration: `arn:aws:states:::sns:publish` (Request Response and
 * `.waitForTaskToken`), answering with the result shape Step Functions records (the Publish result
 * plus the Java SDK's SdkHttpMetadata and SdkResponseMetadata).
 */
import type { Cloud } from '../../core/cloud.js';
import { isAwsError } from '../../core/errors.js';
import { toWireError } from '../../protocols/errors.js';
import { codecFor } from '../../protocols/index.js';
import { type IntegrationRegistry, serviceError, type TaskRequest } from '../stepfunctions/integrations/registry.js';
import { StatesError } from '../stepfunctions/asl/errors.js';
import { sdkMetadata } from '../stepfunctions/integrations/sdk-metadata.js';

const SNS = { errorPrefix: 'SNS', serviceName: 'AmazonSNS' };

export function registerSnsIntegrations(registry: IntegrationRegistry, cloud: Cloud): () => void {
  return registry.register('sns:publish', (req) => publish(cloud, req));
}

async function publish(cloud: Cloud, req: TaskRequest): Promise<unknown> {
  const params = req.parameters;
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new StatesError('States.Runtime', 'The Parameters of an sns:publish task must be a JSON object');
  const input = toPublishInput(params as Record<string, unknown>);
  const requestId = crypto.randomUUID();
  const model = await cloud.model('sns');
  let result: Record<string, unknown>;
  try {
    result = (await cloud.call('sns', 'Publish', input, { account: req.execution.account, region: req.execution.region, requestId })) as Record<string, unknown>;
  } catch (e) {
    if (!isAwsError(e)) throw e;
    const wire = toWireError(model, e, true);
    throw serviceError(SNS, wire.wireCode, wire.message, wire.status);
  }
  const date = new Date(cloud.clock.now()).toUTCString();
  // The Content-Length of the query response SNS would have sent.
  const length = String(Buffer.byteLength(codecFor('awsQuery').encode(model, 'Publish', result, requestId).body));
  return { ...result, ...sdkMetadata(requestId, { 'Content-Length': length, 'Content-Type': 'text/xml', Date: date, 'x-amzn-RequestId': requestId }) };
}

/** Task parameters -> Publish input: a JSON Message is sent as its JSON text, binary values as bytes. */
function toPublishInput(p: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = { ...p };
  if (p.Message !== undefined && typeof p.Message !== 'string') input.Message = JSON.stringify(p.Message);
  const attrs = p.MessageAttributes;
  if (attrs && typeof attrs === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(attrs as Record<string, Record<string, unknown>>)) {
      out[name] = typeof v?.BinaryValue === 'string' ? { ...v, BinaryValue: Buffer.from(v.BinaryValue, 'base64') } : v;
    }
    input.MessageAttributes = out;
  }
  return input;
}
