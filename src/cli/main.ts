#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/config.js';
import { isLogLevel, type LogLevel } from '../core/log.js';
import { Cloud } from '../core/cloud.js';
import { startNimbus } from '../index.js';
import { version } from '../version.js';

const HELP = `nimbus ${version()}: a local AWS cloud on one endpoint

Usage:
  nimbus [start] [options]     start Nimbus (in-memory state) and serve until Ctrl-C
  nimbus --help | --version

Options (flags win over environment variables):
  --host HOST        interface to listen on      (NIMBUS_HOST, default 127.0.0.1)
  --port PORT        port; 0 picks a free one    (NIMBUS_PORT, default 4566)
  --log-level LEVEL  debug|info|warn|error|silent (NIMBUS_LOG_LEVEL, default info)

Other settings:
  NIMBUS_SFN_WAIT_SCALE   multiplier for Step Functions waits and retry intervals (0 = instant)
  NIMBUS_SFN_MOCK_CONFIG  Step Functions Local mock configuration (executions on <arn>#<TestCase>)
`;

function fail(message: string): never {
  process.stderr.write(`nimbus: ${message}\n\n${HELP}`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    fail((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return;
  }
  const command = positionals[0] ?? 'start';
  if (command !== 'start' || positionals.length > 1) fail(`unknown command '${positionals.join(' ')}'`);
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) fail(`--port must be a number from 0 to 65535, got '${values.port}'`);
  }
  const level = values['log-level'];
  if (level !== undefined && !isLogLevel(level)) fail(`--log-level must be one of debug, info, warn, error, silent; got '${level}'`);

  let nimbus;
  try {
    nimbus = await startNimbus({ host: values.host, port, logLevel: level as LogLevel | undefined }, { logLevel: 'info' });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      process.stderr.write(`nimbus: port ${port ?? process.env.NIMBUS_PORT ?? 4566} is already in use (try --port 0 for a free port)\n`);
      process.exit(1);
    }
    throw err;
  }
  const { cloud } = nimbus;
  if (cloud.logger.level !== 'silent' && cloud.logger.level !== 'error' && cloud.logger.level !== 'warn') {
    process.stdout.write(`Nimbus ${version()} listening on ${nimbus.endpoint}\nServices: ${Cloud.modelledServices().sort().join(', ')}\n`);
  } else {
    process.stdout.write(`${nimbus.endpoint}\n`);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    cloud.logger.info(`received ${signal}, stopping`);
    nimbus.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`nimbus: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
