/**
 * Step Functions' optimized SQS integration: `arn:aws:states:::sqs:sendMessage` (Request Response
 * and `.waitForTaskToken`), answering the SendMessage result plus the Java SDK metadata Step
 * Functions records.
 */
import type { Cloud } from '../../core/cloud.js';
import type { IntegrationRegistry, TaskRequest } from '../stepfunctions/integrations/registry.js';
import { sdkMetadata } from '../stepfunctions/integrations/sdk-metadata.js';
import { callForTask, messageInput } from '../stepfunctions/integrations/service-call.js';

const SQS = { errorPrefix: 'SQS', serviceName: 'AmazonSQS' };

export function registerSqsIntegrations(registry: IntegrationRegistry, cloud: Cloud): () => void {
  return registry.register('sqs:sendMessage', (req) => sendMessage(cloud, req));
}

async function sendMessage(cloud: Cloud, req: TaskRequest): Promise<unknown> {
  const { result, requestId } = await callForTask(cloud, req, SQS, 'sqs', 'SendMessage', messageInput(req, 'MessageBody'));
  const headers = {
    'Content-Length': String(Buffer.byteLength(JSON.stringify(result))),
    'Content-Type': 'application/x-amz-json-1.0',
    Date: new Date(cloud.clock.now()).toUTCString(),
    'x-amzn-RequestId': requestId,
  };
  return { ...result, ...sdkMetadata(requestId, headers) };
}
