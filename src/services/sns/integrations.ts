/**
 * Step Functions' optimized SNS integration: `arn:aws:states:::sns:publish` (Request Response and
 * `.waitForTaskToken`), answering with the result shape Step Functions records (the Publish result
 * plus the Java SDK's SdkHttpMetadata and SdkResponseMetadata).
 */
import type { Cloud } from '../../core/cloud.js';
import { codecFor } from '../../protocols/index.js';
import type { IntegrationRegistry, TaskRequest } from '../stepfunctions/integrations/registry.js';
import { sdkMetadata } from '../stepfunctions/integrations/sdk-metadata.js';
import { callForTask, messageInput } from '../stepfunctions/integrations/service-call.js';

const SNS = { errorPrefix: 'SNS', serviceName: 'AmazonSNS' };

export function registerSnsIntegrations(registry: IntegrationRegistry, cloud: Cloud): () => void {
  return registry.register('sns:publish', (req) => publish(cloud, req));
}

async function publish(cloud: Cloud, req: TaskRequest): Promise<unknown> {
  const { result, requestId } = await callForTask(cloud, req, SNS, 'sns', 'Publish', messageInput(req, 'Message'));
  const date = new Date(cloud.clock.now()).toUTCString();
  // The Content-Length of the query response SNS would have sent.
  const length = String(Buffer.byteLength(codecFor('awsQuery').encode(await cloud.model('sns'), 'Publish', result, requestId).body));
  return { ...result, ...sdkMetadata(requestId, { 'Content-Length': length, 'Content-Type': 'text/xml', Date: date, 'x-amzn-RequestId': requestId }) };
}
