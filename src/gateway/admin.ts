/** Nimbus's own endpoints under /_nimbus/ (and LocalStack's health path, for tools written for it). */
import { Cloud } from '../core/cloud.js';
import type { HttpResponse } from '../protocols/types.js';
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
  if (path === '/_localstack/health' && (method === 'GET' || method === 'HEAD'))
    return () => json(200, { services: serviceStates(cloud), edition: 'community', version: version() });
  return () => json(404, { __type: 'NotFound', message: `No Nimbus admin endpoint ${method} ${path}` });
}
