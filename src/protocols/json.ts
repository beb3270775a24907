/** awsJson1_0 and awsJson1_1: POST /, `X-Amz-Target: <Service>.<Operation>`, JSON bodies. */
import { AwsError } from '../core/errors.js';
import type { ServiceModel } from './model.js';
import { fromJson, serializationError, toJson } from './shapes.js';
import type { Codec, Decoded, HttpRequest, HttpResponse, WireError } from './types.js';
import { messageMember } from './errors.js';

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw serializationError('Unable to parse the request body as JSON');
  }
}

export class JsonCodec implements Codec {
  constructor(private readonly version: '1.0' | '1.1') {}

  decode(req: HttpRequest, model: ServiceModel): Decoded {
    const target = req.headers['x-amz-target'] ?? '';
    const dot = target.lastIndexOf('.');
    const operation = dot >= 0 ? target.slice(dot + 1) : '';
    if (req.method !== 'POST') throw new AwsError('UnknownOperationException', `Unsupported HTTP method ${req.method}`, 404);
    const op = model.operations[operation];
    // botocore sends some targets fully qualified (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`).
    const prefix = dot >= 0 ? target.slice(0, dot) : '';
    if (!operation || !op || (prefix !== model.target && !prefix.endsWith(`.${model.target}`)))
      throw new AwsError('UnknownOperationException', target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header', 400);
    const body = parseJsonBody(req.body);
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw serializationError('Start of structure or map found where not expected: the request body must be a JSON object');
    const input = op.i ? (fromJson(model, op.i, body, '') as Record<string, unknown>) : {};
    return { operation, input };
  }

  encode(model: ServiceModel, operation: string, output: unknown, requestId: string): HttpResponse {
    const op = model.operations[operation];
    const body = op?.o && output ? toJson(model, op.o, output) : {};
    return {
      status: 200,
      headers: { 'content-type': `application/x-amz-json-${this.version}`, 'x-amzn-requestid': requestId },
      body: JSON.stringify(body),
    };
  }

  encodeError(model: ServiceModel, err: WireError, requestId: string): HttpResponse {
    const fields = err.shape && err.fields ? (toJson(model, err.shape, err.fields) as Record<string, unknown>) : {};
    const body = { __type: `${err.shape ? model.namespace + '#' : ''}${err.code}`, ...fields, [messageMember(model, err.shape)]: err.message };
    const headers: Record<string, string> = {
      'content-type': `application/x-amz-json-${this.version}`,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': err.code,
    };
    if (model.alsoQuery && err.queryCode) headers['x-amzn-query-error'] = `${err.queryCode};${err.sender ? 'Sender' : 'Receiver'}`;
    return { status: err.status, headers, body: JSON.stringify(body) };
  }
}
