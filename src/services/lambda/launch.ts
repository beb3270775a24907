/**
 * How an execution environment starts: which program runs (the local `node` or `python3` with our
 * bootstrap, or the package's own `bootstrap` for provided.* runtimes) and the environment
 * variables AWS defines for functions, with AWS_ENDPOINT_URL pointing back at Nimbus.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../../core/paths.js';
import type { FunctionRecord, VersionRecord } from './store.js';

/** Our bootstraps live in the package's top-level runtime/ folder. */
const RUNTIME_DIR = join(packageRoot(), 'runtime') + '/';

export interface Launch {
  command: string;
  args: string[];
  /** Our bootstraps mark the end of each invocation's output on stdout. */
  marksOutput: boolean;
  /** Added to the function's own variables: paths the runtime needs. */
  paths: Record<string, string>;
}

/** Why an environment cannot start: AWS's function error, or Nimbus missing the runtime. */
export type LaunchProblem = { kind: 'function'; errorType: string; message: string } | { kind: 'service'; message: string };

const found = new Map<string, string | undefined>();

function onPath(program: string): string | undefined {
  if (found.has(program)) return found.get(program);
  let hit: string | undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) {
        hit = candidate;
        break;
      }
    } catch {
      // not here
    }
  }
  found.set(program, hit);
  return hit;
}

export function runtimeFamily(runtime: string | undefined): 'node' | 'python' | 'provided' | undefined {
  if (!runtime) return undefined;
  if (runtime.startsWith('nodejs')) return 'node';
  if (runtime.startsWith('python3')) return 'python';
  if (runtime.startsWith('provided')) return 'provided';
  return undefined;
}

export function launchFor(record: VersionRecord, optDir: string | undefined): Launch | LaunchProblem {
  const runtime = record.config.Runtime;
  const family = runtimeFamily(runtime);
  const mem = record.config.MemorySize ?? 128;
  if (family === 'node') {
    const nodePath = [optDir && join(optDir, 'nodejs', 'node_modules'), optDir && join(optDir, 'nodejs', `node${runtime!.slice(6, 8)}`, 'node_modules')].filter(Boolean).join(delimiter);
    return {
      command: process.execPath,
      // MemorySize bounds the heap, as on AWS where the runtime sizes V8 to the function's memory.
      args: [`--max-old-space-size=${Math.max(32, Math.floor(mem * 0.9))}`, join(RUNTIME_DIR, 'node.mjs')],
      marksOutput: true,
      paths: nodePath ? { NODE_PATH: nodePath } : {},
    };
  }
  if (family === 'python') {
    const python = onPath('python3');
    if (!python) return { kind: 'service', message: `Nimbus cannot run ${runtime} functions: python3 was not found on this machine's PATH.` };
    const pyPath = optDir ? [join(optDir, 'python'), join(optDir, 'python', 'lib', runtime!, 'site-packages')].join(delimiter) : '';
    return { command: python, args: ['-u', join(RUNTIME_DIR, 'python.py')], marksOutput: true, paths: pyPath ? { PYTHONPATH: pyPath } : {} };
  }
  if (family === 'provided') {
    const candidates = [join(record.code.dir, 'bootstrap'), ...(optDir ? [join(optDir, 'bootstrap')] : [])];
    const bootstrap = candidates.find((c) => existsSync(c));
    if (!bootstrap) return { kind: 'function', errorType: 'Runtime.InvalidEntrypoint', message: `Couldn't find valid bootstrap(s): [${candidates.join(' ')}]` };
    return { command: bootstrap, args: [], marksOutput: false, paths: {} };
  }
  return { kind: 'service', message: `Nimbus cannot run ${runtime ?? 'container image'} functions: it runs Node.js, Python and provided.* (custom runtime) functions only.` };
}

export function isProblem(l: Launch | LaunchProblem): l is LaunchProblem {
  return 'kind' in l;
}

export interface EnvContext {
  runtimeApi: string;
  endpoint: string;
  logStream: string;
}

/** The variables AWS sets in every execution environment, then the function's own. */
export function environmentFor(fn: FunctionRecord, record: VersionRecord, launch: Launch, ctx: EnvContext): Record<string, string> {
  const c = record.config;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: c.Handler ?? '',
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${c.Runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.MemorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: record.version,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: c.LoggingConfig?.LogGroup ?? `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: ctx.logStream,
    AWS_LAMBDA_RUNTIME_API: ctx.runtimeApi,
    LAMBDA_TASK_ROOT: record.code.dir,
    LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
    // A 12-digit access key id is the account in Nimbus, so SDK calls stay in the function's account.
    AWS_ACCESS_KEY_ID: fn.account,
    AWS_SECRET_ACCESS_KEY: 'nimbus',
    AWS_SESSION_TOKEN: 'nimbus',
    AWS_ENDPOINT_URL: ctx.endpoint,
    ...launch.paths,
  };
  if (process.env.HOME) env.HOME = process.env.HOME;
  if (process.env.SYSTEMROOT) env.SYSTEMROOT = process.env.SYSTEMROOT;
  Object.assign(env, c.Environment?.Variables ?? {});
  return env;
}
