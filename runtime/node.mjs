// Nimbus's Node.js bootstrap: speaks the Lambda Runtime API (AWS_LAMBDA_RUNTIME_API) and runs the
// handler named by _HANDLER from LAMBDA_TASK_ROOT, CommonJS or ES module, async or callback style.
import http from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import util from 'node:util';

const MARKER = '\u001eNIMBUS:END:';
const api = process.env.AWS_LAMBDA_RUNTIME_API ?? '';
const cut = api.indexOf('/');
const [host, port] = (cut < 0 ? api : api.slice(0, cut)).split(':');
const base = `${cut < 0 ? '' : api.slice(cut)}/2018-06-01/runtime`;
// Two sockets: the next long poll starts while the previous response is still being posted.
const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });

function call(method, p, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path: base + p, method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Without the Runtime API there is nothing left to do (Nimbus stopped or killed us).
const lost = () => process.exit(1);

// Logs as AWS's Node.js runtime writes them: timestamp, request id, level, message (one line).
let requestId;
const write = process.stdout.write.bind(process.stdout);
process.stderr.write = write;
for (const [name, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  console[name] = (...args) => {
    write(`${new Date().toISOString()}\t${requestId ?? 'undefined'}\t${level}\t${util.format(...args).replace(/\n/g, '\r')}\n`);
  };
}

function errorOf(err) {
  if (err instanceof Error || (err && typeof err === 'object' && typeof err.message === 'string')) {
    return { errorType: err.name || 'Error', errorMessage: err.message, trace: typeof err.stack === 'string' ? err.stack.split('\n') : [] };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

async function postError(p, error) {
  const body = JSON.stringify(error);
  await call('POST', p, body, { 'content-type': 'application/json', 'lambda-runtime-function-error-type': error.errorType });
}

async function initFailed(errorType, errorMessage, trace = []) {
  const error = { errorType, errorMessage, trace };
  console.error(`${errorType}: ${errorMessage}`);
  await postError('/init/error', error).catch(lost);
  process.exit(1);
}

async function loadHandler() {
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const spec = process.env._HANDLER ?? '';
  const slash = spec.lastIndexOf('/');
  const dir = spec.slice(0, slash + 1);
  const m = /^([^.]*)\.(.*)$/.exec(spec.slice(slash + 1));
  if (!m) return initFailed('Runtime.MalformedHandlerName', `Bad handler ${spec}`);
  const [, moduleName, handlerPath] = m;
  const stem = path.resolve(root, dir + moduleName);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => stem + ext).find((f) => existsSync(f));
  if (!file) return initFailed('Runtime.ImportModuleError', `Error: Cannot find module '${dir + moduleName}'\nRequire stack:\n- ${process.argv[1]}`);
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    const e = errorOf(err);
    if (err instanceof SyntaxError) return initFailed('Runtime.UserCodeSyntaxError', `${e.errorType}: ${e.errorMessage}`, e.trace);
    return initFailed(e.errorType, e.errorMessage, e.trace);
  }
  const walk = (obj) => handlerPath.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
  let handler = walk(mod);
  if (typeof handler !== 'function') handler = walk(mod.default);
  if (typeof handler !== 'function') return initFailed('Runtime.HandlerNotFound', `${dir + moduleName}.${handlerPath} is undefined or not exported`);
  return handler;
}

function run(handler, event, context) {
  return new Promise((resolve, reject) => {
    let done = false;
    const callback = (err, result) => {
      if (done) return;
      done = true;
      if (err !== undefined && err !== null) reject(err);
      else resolve(result);
    };
    context.done = callback;
    context.succeed = (r) => callback(null, r);
    context.fail = (e) => callback(e ?? 'handled');
    let ret;
    try {
      ret = handler(event, context, callback);
    } catch (err) {
      return callback(err);
    }
    if (ret && typeof ret.then === 'function') ret.then((r) => callback(null, r), (e) => callback(e ?? new Error('Promise rejected without a reason')));
  });
}

let inFlight;
const crash = (errorType) => async (reason) => {
  const error = errorType ? { errorType, errorMessage: String(reason?.stack ?? reason), trace: [] } : errorOf(reason);
  console.error(`Uncaught ${error.errorType}: ${error.errorMessage}`);
  if (inFlight) {
    write(`${MARKER}${inFlight}\n`);
    await postError(`/invocation/${inFlight}/error`, error).catch(() => {});
  }
  process.exit(128);
};
process.on('uncaughtException', crash());
process.on('unhandledRejection', crash('Runtime.UnhandledPromiseRejection'));

const handler = await loadHandler();
for (;;) {
  const next = await call('GET', '/invocation/next').catch(lost);
  if (next.status !== 200) lost();
  const h = next.headers;
  const id = h['lambda-runtime-aws-request-id'];
  const deadline = Number(h['lambda-runtime-deadline-ms']);
  requestId = inFlight = id;
  if (h['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: h['lambda-runtime-cognito-identity'] ? JSON.parse(h['lambda-runtime-cognito-identity']) : undefined,
    clientContext: h['lambda-runtime-client-context'] ? JSON.parse(h['lambda-runtime-client-context']) : undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let outcome;
  try {
    const result = await run(handler, next.body.length ? JSON.parse(next.body) : {}, context);
    const body = JSON.stringify(result);
    outcome = () => call('POST', `/invocation/${id}/response`, body === undefined ? 'null' : body, { 'content-type': 'application/json' });
  } catch (err) {
    const error = errorOf(err);
    console.error(`Invoke Error \t${JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: error.trace })}`);
    outcome = () => postError(`/invocation/${id}/error`, error);
  }
  write(`${MARKER}${id}\n`);
  inFlight = undefined;
  outcome().catch(lost);
}
