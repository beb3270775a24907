/** The one HTTP server: reads the request, finds the service, runs it through its protocol codec. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cloud } from '../core/cloud.js';
import { AwsError, isAwsError, notImplemented } from '../core/errors.js';
import { readBodyLimited } from '../core/http.js';
import { uuid } from '../core/ids.js';
import { codecFor } from '../protocols/index.js';
import { toWireError } from '../protocols/errors.js';
import type { ServiceModel } from '../protocols/model.js';
import { queryParams } from '../protocols/query.js';
import { assertValid, validationCode } from '../protocols/shapes.js';
import type { Codec, HttpRequest, HttpResponse } from '../protocols/types.js';
import type { RequestContext } from '../services/types.js';
import { adminRoute } from './admin.js';
import { identifyCaller, serviceFromRequest } from './resolve.js';

/** Largest request body accepted (AWS's front ends refuse larger ones too). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

const CORS_EXPOSE = [
  'x-amzn-RequestId',
  'x-amzn-ErrorType',
  'x-amzn-query-error',
  'x-amz-request-id',
  'x-amz-id-2',
  'ETag',
  'x-amz-version-id',
  'X-Amz-Function-Error',
  'X-Amz-Log-Result',
  'X-Amz-Executed-Version',
].join(',');

export function startServer(cloud: Cloud): Promise<Server> {
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    handle(cloud, req, res).catch((err) => {
      cloud.logger.error('unhandled gateway error', { error: String(err?.stack ?? err) });
      if (!res.headersSent) send(res, { status: 500, headers: { 'content-type': 'application/json' }, body: '{"__type":"InternalFailure","message":"Internal error in Nimbus"}' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(cloud.config.port, cloud.config.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const host = cloud.config.host === '0.0.0.0' || cloud.config.host === '::' ? 'localhost' : cloud.config.host;
      cloud.endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      resolve(server);
    });
  });
}

function send(res: ServerResponse, r: HttpResponse): void {
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  res.writeHead(r.status, { ...r.headers, 'content-length': String(body.length) });
  res.end(body);
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  return {
    'access-control-allow-origin': req.headers.origin ?? '*',
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'HEAD,GET,PUT,POST,DELETE,OPTIONS,PATCH',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
    'access-control-expose-headers': CORS_EXPOSE,
    'access-control-max-age': '86400',
  };
}


function genericError(code: string, message: string, status: number, requestId: string, form: boolean): HttpResponse {
  if (form)
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message.replace(/[<>&]/g, '')}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'x-amzn-errortype': code },
    body: JSON.stringify({ __type: code, message }),
  };
}

async function handle(cloud: Cloud, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = uuid();
  const cors = corsHeaders(req);
  for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
  // Every answer carries a request id; codecs set it too, with the same value.
  res.setHeader('x-amzn-requestid', requestId);
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    res.writeHead(200, { 'content-length': '0' });
    res.end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const host = req.headers.host ?? 'localhost';
  const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

  const body = await readBodyLimited(req, MAX_BODY_BYTES);
  if (body === undefined) {
    res.setHeader('connection', 'close');
    send(res, genericError('RequestEntityTooLarge', `Request body is larger than ${MAX_BODY_BYTES} bytes`, 413, requestId, isForm));
    return;
  }
  const admin = adminRoute(cloud, req.method ?? 'GET', url.pathname);
  if (admin) {
    send(res, await admin(body));
    return;
  }

  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const httpReq: HttpRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body, host };
  const caller = identifyCaller(httpReq);
  let form: URLSearchParams | undefined;
  const formParams = () => (form ??= isForm || httpReq.method === 'GET' ? queryParams(httpReq) : new URLSearchParams());
  const service = caller.service ?? serviceFromRequest(httpReq, (n) => cloud.hasService(n), formParams);

  if (!service) {
    send(res, genericError('UnrecognizedClientException', 'Nimbus could not tell which AWS service this request is for: sign it with SigV4 or send X-Amz-Target', 400, requestId, isForm));
    return;
  }
  if (!cloud.hasService(service)) {
    send(res, genericError('UnknownServiceException', `Nimbus does not serve the AWS service '${service}'. Served: ${Cloud.modelledServices().join(', ')}`, 400, requestId, isForm));
    return;
  }

  const model = await cloud.model(service);
  // SQS speaks JSON to current SDKs and the query protocol to old clients.
  const useQuery = model.protocol === 'awsQuery' || (!!model.alsoQuery && (isForm || (!headers['x-amz-target'] && formParams().has('Action'))));
  const codec = codecFor(useQuery ? 'awsQuery' : model.protocol);
  const response = await dispatch(cloud, model, codec, httpReq, caller, service, requestId, useQuery, req.socket.remoteAddress ?? '127.0.0.1');
  if (service === 's3') {
    response.headers['x-amz-request-id'] = requestId;
    response.headers['x-amz-id-2'] = Buffer.from(requestId).toString('base64');
  }
  send(res, response);
}

async function dispatch(
  cloud: Cloud,
  model: ServiceModel,
  codec: Codec,
  req: HttpRequest,
  caller: ReturnType<typeof identifyCaller>,
  service: string,
  requestId: string,
  useQuery: boolean,
  sourceIp: string,
): Promise<HttpResponse> {
  let operation = '';
  try {
    const decoded = codec.decode(req, model);
    operation = decoded.operation;
    const op = model.operations[operation];
    // Old SQS query clients (boto2, Java SDK v1) POST to the queue URL instead of sending QueueUrl.
    if (service === 'sqs' && decoded.input.QueueUrl === undefined && /^\/\d{12}\/[^/]+\/?$/.test(req.path) && op.i && 'QueueUrl' in ((model.shapes[op.i] as { m?: object }).m ?? {}))
      decoded.input.QueueUrl = `http://${req.host}${req.path.replace(/\/$/, '')}`;
    assertValid(model, op.i, decoded.input);
    const instance = await cloud.service(service);
    const handler = instance.handlers[operation];
    if (!handler) throw notImplemented(service, operation);
    const ctx: RequestContext = {
      requestId,
      account: caller.account,
      region: caller.region,
      accessKeyId: caller.accessKeyId,
      service,
      operation,
      sourceIp,
      userAgent: req.headers['user-agent'],
      endpoint: `http://${req.host}`,
      protocol: useQuery ? 'awsQuery' : model.protocol,
      cloud,
      now: () => cloud.clock.now(),
    };
    const output = await handler(ctx, decoded.input);
    cloud.logger.debug('request', { service, operation, requestId });
    return codec.encode(model, operation, output, requestId);
  } catch (err) {
    let awsErr: AwsError;
    if (isAwsError(err)) {
      // Scalar parse failures are raised as ValidationException; answer each service's own code.
      awsErr = err.code === 'ValidationException' && err.message.startsWith('Value ') ? new AwsError(validationCode(model, [err.message]), `1 validation error detected: ${err.message}`, err.status) : err;
    } else {
      cloud.logger.error('handler failed', { service, operation, requestId, error: String((err as Error)?.stack ?? err) });
      awsErr = new AwsError('InternalFailure', `Internal error in Nimbus while running ${service}:${operation || '?'}`, 500);
    }
    if (awsErr.status >= 500 && awsErr.code !== 'NotImplemented') cloud.logger.warn('request failed', { service, operation, code: awsErr.code });
    else cloud.logger.debug('request failed', { service, operation, code: awsErr.code });
    return codec.encodeError(model, toWireError(model, awsErr, useQuery), requestId);
  }
}
