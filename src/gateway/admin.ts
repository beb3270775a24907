/** Nimbus's own endpoints under /_nimbus/ (and LocalStack's health path, for tools written for it). */
import { Cloud } from '../core/cloud.js';
import { isAwsError } from '../core/errors.js';
import type { HttpResponse } from '../protocols/types.js';
import type { SnsService } from '../services/sns/api.js';
import { CERT_PATH } from '../services/sns/signing.js';
import { version } from '../version.js';

type AdminHandler = (body: Buffer) => HttpResponse | Promise<HttpResponse>;

const json = (status: number, value: unknown): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/** State of each served service: `running` once used in this instance, else `available`. */
function serviceStates(cloud: Cloud): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Cloud.modelledServices().sort()) out[name] = cloud.isStarted(name) ? 'running' : 'available';
  return out;
}

export function adminRoute(cloud: Cloud, method: string, path: string): AdminHandler | undefined {
  if (!path.startsWith('/_nimbus/') && !path.startsWith('/_localstack/')) return undefined;
  if (path === '/_nimbus/health' && (method === 'GET' || method === 'HEAD'))
    return () =>
      json(200, {
        status: 'running',
        version: version(),
        endpoint: cloud.endpoint,
        services: serviceStates(cloud),
        implemented: Cloud.implementedServices().sort(),
      });
  if (path === '/_nimbus/sns/messages' && method === 'GET')
    return async () => json(200, { messages: (await cloud.service<SnsService>('sns')).recordedMessages() });
  if (path === CERT_PATH && method === 'GET')
    return async () => ({ status: 200, headers: { 'content-type': 'application/x-pem-file' }, body: (await cloud.service<SnsService>('sns')).signingCertificate() });
  if (path === '/_nimbus/events/inject' && method === 'POST') return (body) => injectEvents(cloud, body);
  if (path === '/_localstack/health' && (method === 'GET' || method === 'HEAD'))
    return () => json(200, { services: serviceStates(cloud), edition: 'community', version: version() });
  return () => json(404, { __type: 'NotFound', message: `No Nimbus admin endpoint ${method} ${path}` });
}

/** Puts events with `aws.*` sources (AWS Health, ...) that PutEvents refuses from users. */
async function injectEvents(cloud: Cloud, body: Buffer): Promise<HttpResponse> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return json(400, { __type: 'ValidationException', message: 'Body is not valid JSON' });
  }
  try {
    const { injectEvents: inject } = await import('../services/events/aws-events.js');
    return json(200, await inject(cloud, parsed));
  } catch (e) {
    if (isAwsError(e)) return json(e.status, { __type: e.code, message: e.message });
    throw e;
  }
}
