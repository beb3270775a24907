/**
 * Embedding Nimbus in a test:
 *   const cloud = await startNimbus({ port: 0 });
 *   ... point SDK clients at cloud.endpoint ...
 *   await cloud.stop();
 */
import type { Server } from 'node:http';
import { Cloud } from './core/cloud.js';
import { resolveConfig, type NimbusOptions } from './core/config.js';
import type { LogLevel } from './core/log.js';
import { startServer } from './gateway/server.js';

export interface RunningNimbus {
  /** e.g. http://127.0.0.1:4566 */
  endpoint: string;
  port: number;
  host: string;
  /** The instance's services, clock and configuration (for in-process use). */
  cloud: Cloud;
  stop(): Promise<void>;
}

export async function startNimbus(options: NimbusOptions = {}, defaults: { logLevel?: LogLevel } = {}): Promise<RunningNimbus> {
  const config = resolveConfig(options, process.env, defaults.logLevel ?? 'warn');
  const cloud = new Cloud(config);
  const server: Server = await startServer(cloud);
  const port = Number(new URL(cloud.endpoint).port);
  let stopped: Promise<void> | undefined;
  return {
    endpoint: cloud.endpoint,
    port,
    host: config.host,
    cloud,
    stop() {
      stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await cloud.stop();
      })();
      return stopped;
    },
  };
}

export { Cloud } from './core/cloud.js';
export { AwsError } from './core/errors.js';
export type { NimbusOptions } from './core/config.js';
