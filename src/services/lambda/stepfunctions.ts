/**
 * Step Functions' Lambda integrations: the optimized `arn:aws:states:::lambda:invoke` (also with
 * `.waitForTaskToken`) answering AWS's result shape, and a function ARN as Resource (the legacy
 * form, whose result is the function's own output). A function error fails the task with the
 * function's errorType (`Lambda.Unknown` when it has none, e.g. a timeout); a failed Invoke call
 * fails it with `Lambda.<Exception>`.
 */
import type { Cloud } from '../../core/cloud.js';
import { sdkMetadata } from '../stepfunctions/integrations/sdk-metadata.js';
import { isAwsError } from '../../core/errors.js';
import { StatesError } from '../stepfunctions/asl/errors.js';
import { serviceError, type IntegrationRegistry, type TaskRequest } from '../stepfunctions/integrations/registry.js';
import type { LambdaService } from './api.js';
import type { InvokeOptions } from './service.js';
import type { InvokeResult } from './invoke.js';

const LAMBDA = { errorPrefix: 'Lambda', serviceName: 'AWSLambda' };

function parsePayload(payload: Buffer): unknown {
  if (!payload.length) return '';
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function functionFailure(result: InvokeResult): StatesError {
  const text = result.payload.toString('utf8');
  const parsed = parsePayload(result.payload);
  const errorType = parsed && typeof parsed === 'object' && typeof (parsed as { errorType?: unknown }).errorType === 'string' ? (parsed as { errorType: string }).errorType : undefined;
  if (errorType) return new StatesError(errorType, text);
  return new StatesError('Lambda.Unknown', `The cause could not be determined because Lambda did not return an error type. Returned payload: ${text}`);
}

async function callLambda(cloud: Cloud, req: TaskRequest, name: string, payload: Buffer, opts: InvokeOptions): Promise<InvokeResult> {
  const lambda = await cloud.service<LambdaService>('lambda');
  let result: InvokeResult;
  try {
    result = await lambda.invoke(name, payload, { account: req.execution.account, region: req.execution.region, ...opts });
  } catch (err) {
    if (isAwsError(err)) throw serviceError(LAMBDA, err.code, err.message, err.status);
    throw err;
  }
  if (result.functionError) throw functionFailure(result);
  return result;
}

function sdkShape(result: InvokeResult): Record<string, unknown> {
  const headers: Record<string, string> = {
    Connection: 'keep-alive',
    'Content-Length': String(result.payload.length),
    'Content-Type': 'application/json',
    Date: new Date().toUTCString(),
    'X-Amz-Executed-Version': result.executedVersion,
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': result.requestId,
  };
  if (result.logTail) headers['X-Amz-Log-Result'] = result.logTail;
  const out: Record<string, unknown> = {
    ExecutedVersion: result.executedVersion,
    Payload: parsePayload(result.payload),
    ...sdkMetadata(result.requestId, headers, result.statusCode),
    StatusCode: result.statusCode,
  };
  if (result.logTail) out.LogResult = result.logTail;
  return out;
}

/**
 * Plugs Lambda into Step Functions' integration registry: `lambda:invoke` (all integration
 * patterns the registry accepts for it) and `lambda:function` (function ARNs as Resource).
 */
export function registerLambdaIntegrations(registry: IntegrationRegistry, cloud: Cloud): void {
  registry.register('lambda:invoke', async (req) => {
    const params = (req.parameters ?? {}) as Record<string, unknown>;
    const name = params.FunctionName;
    if (typeof name !== 'string' || !name) throw serviceError(LAMBDA, 'InvalidParameterValueException', 'FunctionName is required in the Parameters of a lambda:invoke task', 400);
    const payload = params.Payload === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(params.Payload));
    const result = await callLambda(cloud, req, name, payload, {
      qualifier: typeof params.Qualifier === 'string' ? params.Qualifier : undefined,
      invocationType: params.InvocationType as InvokeOptions['invocationType'],
      tail: params.LogType === 'Tail',
      clientContext: typeof params.ClientContext === 'string' ? Buffer.from(params.ClientContext, 'base64').toString('utf8') : undefined,
    });
    return sdkShape(result);
  });

  registry.register('lambda:function', async (req) => {
    const payload = Buffer.from(JSON.stringify(req.parameters ?? {}));
    const result = await callLambda(cloud, req, req.resource, payload, {});
    return parsePayload(result.payload);
  });
}
