/** Shared test set-up: a Nimbus on a free port and SDK client settings pointing at it. */
import { after, before } from 'node:test';
import { startNimbus, type RunningNimbus } from '../src/index.js';

export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Client configuration for any @aws-sdk/client-* constructor. */
export function clientConfig(endpoint: string, region = 'us-east-1') {
  return { endpoint, region, credentials: CREDENTIALS, maxAttempts: 1 };
}

/**
 * Starts one Nimbus for the enclosing test file (or `describe`) and stops it afterwards.
 * Read `.endpoint` / `.nimbus` inside tests, after `before` has run.
 */
export function useNimbus(options: Parameters<typeof startNimbus>[0] = {}) {
  const holder = {} as { nimbus: RunningNimbus; endpoint: string; config: ReturnType<typeof clientConfig> };
  before(async () => {
    holder.nimbus = await startNimbus({ port: 0, logLevel: 'error', ...options });
    holder.endpoint = holder.nimbus.endpoint;
    holder.config = clientConfig(holder.endpoint);
  });
  after(async () => {
    await holder.nimbus?.stop();
  });
  return holder;
}

/** POSTs raw bytes to Nimbus (for protocol-level tests). */
export async function rawRequest(endpoint: string, path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = await fetch(endpoint + path, { method: 'POST', ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}
