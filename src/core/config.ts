import { isLogLevel, type LogLevel } from './log.js';

export interface NimbusOptions {
  /** Interface to listen on (default 127.0.0.1; NIMBUS_HOST). */
  host?: string;
  /** Port (default 4566; 0 picks a free port; NIMBUS_PORT). */
  port?: number;
  /** debug | info | warn | error | silent (default info for the CLI, warn embedded; NIMBUS_LOG_LEVEL). */
  logLevel?: LogLevel;
  /** Multiplier for Step Functions Wait states and retry intervals; 0 runs them instantly (NIMBUS_SFN_WAIT_SCALE). */
  sfnWaitScale?: number;
  /** Step Functions Local mock configuration file for `<state machine ARN>#<test case>` executions (NIMBUS_SFN_MOCK_CONFIG, or SFN_MOCK_CONFIG). */
  sfnMockConfig?: string;
}

export interface NimbusConfig {
  host: string;
  port: number;
  logLevel: LogLevel;
  sfnWaitScale: number;
  sfnMockConfig?: string;
}

export class ConfigError extends Error {}

function envNumber(name: string, env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name} must be a non-negative number, got '${raw}'`);
  return n;
}

/** Options win over environment variables, which win over defaults. */
export function resolveConfig(opts: NimbusOptions = {}, env: NodeJS.ProcessEnv = process.env, defaultLogLevel: LogLevel = 'warn'): NimbusConfig {
  const envLevel = env.NIMBUS_LOG_LEVEL;
  if (envLevel && !isLogLevel(envLevel)) throw new ConfigError(`NIMBUS_LOG_LEVEL must be one of debug, info, warn, error, silent; got '${envLevel}'`);
  const port = opts.port ?? envNumber('NIMBUS_PORT', env) ?? 4566;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`port must be an integer from 0 to 65535, got '${port}'`);
  return {
    host: opts.host ?? env.NIMBUS_HOST ?? '127.0.0.1',
    port,
    logLevel: opts.logLevel ?? (envLevel as LogLevel | undefined) ?? defaultLogLevel,
    sfnWaitScale: opts.sfnWaitScale ?? envNumber('NIMBUS_SFN_WAIT_SCALE', env) ?? 1,
    sfnMockConfig: opts.sfnMockConfig ?? (env.NIMBUS_SFN_MOCK_CONFIG || env.SFN_MOCK_CONFIG || undefined),
  };
}
