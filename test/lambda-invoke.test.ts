/** Invoking real handlers: Node.js (CommonJS, ESM, callback), Python, provided.*, errors, timeouts, environment, logs. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvokeCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { useNimbus } from './helpers.js';
import { createFunction, json, lambdaClient, text } from './lambda-helpers.js';
import type { LambdaService } from '../src/services/lambda/api.js';

describe('Lambda invoke', () => {
  const n = useNimbus();
  const client = () => lambdaClient(n.config);

  test('CommonJS async handler sees the event, context and AWS environment; warm environments are reused', async () => {
    const c = client();
    await createFunction(c, 'cjs', {
      'index.js': `
        const started = Date.now();
        exports.handler = async (event, context) => ({
          event,
          pid: process.pid,
          started,
          name: context.functionName,
          version: context.functionVersion,
          arn: context.invokedFunctionArn,
          memory: context.memoryLimitInMB,
          requestId: context.awsRequestId,
          remaining: context.getRemainingTimeInMillis(),
          logGroup: context.logGroupName,
          env: {
            region: process.env.AWS_REGION,
            fn: process.env.AWS_LAMBDA_FUNCTION_NAME,
            endpoint: process.env.AWS_ENDPOINT_URL,
            custom: process.env.GREETING,
            handler: process.env._HANDLER,
            taskRoot: process.env.LAMBDA_TASK_ROOT === process.cwd(),
          },
        });`,
    }, { Environment: { Variables: { GREETING: 'hello' } }, Timeout: 7, MemorySize: 256 });
    const first = await c.send(new InvokeCommand({ FunctionName: 'cjs', Payload: Buffer.from('{"n":1}') }));
    assert.equal(first.StatusCode, 200);
    assert.equal(first.FunctionError, undefined);
    assert.equal(first.ExecutedVersion, '$LATEST');
    const a = json(first.Payload);
    assert.deepEqual(a.event, { n: 1 });
    assert.equal(a.name, 'cjs');
    assert.equal(a.version, '$LATEST');
    assert.equal(a.arn, 'arn:aws:lambda:us-east-1:000000000000:function:cjs');
    assert.equal(a.memory, '256');
    assert.match(a.requestId, /^[0-9a-f-]{36}$/);
    assert.ok(a.remaining > 5000 && a.remaining <= 7000, `remaining ${a.remaining}`);
    assert.equal(a.logGroup, '/aws/lambda/cjs');
    assert.deepEqual(a.env, { region: 'us-east-1', fn: 'cjs', endpoint: n.endpoint, custom: 'hello', handler: 'index.handler', taskRoot: true });
    const second = json((await c.send(new InvokeCommand({ FunctionName: 'cjs', Payload: Buffer.from('{"n":2}') }))).Payload);
    assert.equal(second.pid, a.pid, 'warm environment reused');
    assert.equal(second.started, a.started);
    assert.deepEqual(second.event, { n: 2 });
  });

  test('ES module handler (.mjs), callback-style handler, nested handler path and an empty payload', async () => {
    const c = client();
    await createFunction(c, 'esm', { 'src/app.mjs': 'export const handler = async (e) => ({ esm: true, e });' }, { Handler: 'src/app.handler' });
    assert.deepEqual(json((await c.send(new InvokeCommand({ FunctionName: 'esm', Payload: Buffer.from('[1,2]') }))).Payload), { esm: true, e: [1, 2] });
    await createFunction(c, 'esm-js', { 'package.json': '{"type":"module"}', 'index.js': 'import { sep } from "node:path";\nexport async function handler() { return { sep, partial: process.stdout.write("no newline") }; }' });
    const esmJs = await c.send(new InvokeCommand({ FunctionName: 'esm-js', LogType: 'Tail' }));
    assert.deepEqual(json(esmJs.Payload), { sep: '/', partial: true });
    assert.match(Buffer.from(esmJs.LogResult!, 'base64').toString(), /\nno newline\nEND RequestId: /);
    await createFunction(c, 'callback', { 'index.js': 'exports.handler = (e, ctx, cb) => { setTimeout(() => cb(null, { cb: e }), 5); };' });
    assert.deepEqual(json((await c.send(new InvokeCommand({ FunctionName: 'callback' }))).Payload), { cb: {} });
    await createFunction(c, 'undef', { 'index.js': 'exports.handler = async () => {};' });
    assert.equal(text((await c.send(new InvokeCommand({ FunctionName: 'undef' }))).Payload), 'null');
  });

  test('a thrown error answers 200 with X-Amz-Function-Error: Unhandled and {errorType, errorMessage, trace}', async () => {
    const c = client();
    await createFunction(c, 'thrower', { 'index.js': 'class NopeError extends Error { constructor(m) { super(m); this.name = "NopeError"; } }\nexports.handler = async () => { throw new NopeError("not today"); };' });
    const r = await c.send(new InvokeCommand({ FunctionName: 'thrower' }));
    assert.equal(r.StatusCode, 200);
    assert.equal(r.FunctionError, 'Unhandled');
    const body = json(r.Payload);
    assert.equal(body.errorType, 'NopeError');
    assert.equal(body.errorMessage, 'not today');
    assert.ok(Array.isArray(body.trace) && body.trace[0] === 'NopeError: not today');
    await createFunction(c, 'missing-handler', { 'index.js': 'exports.other = async () => 1;' });
    const m = json((await c.send(new InvokeCommand({ FunctionName: 'missing-handler' }))).Payload);
    assert.equal(m.errorType, 'Runtime.HandlerNotFound');
    assert.equal(m.errorMessage, 'index.handler is undefined or not exported');
    await createFunction(c, 'crasher', { 'index.js': 'exports.handler = async () => { process.exit(3); };' });
    const x = await c.send(new InvokeCommand({ FunctionName: 'crasher' }));
    assert.equal(x.FunctionError, 'Unhandled');
    assert.equal(json(x.Payload).errorType, 'Runtime.ExitError');
    assert.match(json(x.Payload).errorMessage, /Runtime exited with error: exit status 3$/);
  });

  test('Timeout kills the environment and answers "Task timed out after N.00 seconds"', async () => {
    const c = client();
    await createFunction(c, 'sleepy', { 'index.js': 'exports.handler = async (e) => { if (e.quick) return process.pid; await new Promise(() => setInterval(() => {}, 1000)); };' }, { Timeout: 1 });
    const started = Date.now();
    const r = await c.send(new InvokeCommand({ FunctionName: 'sleepy', LogType: 'Tail' }));
    assert.ok(Date.now() - started >= 950 && Date.now() - started < 3000);
    assert.equal(r.FunctionError, 'Unhandled');
    assert.match(json(r.Payload).errorMessage, /^\d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f-]{36} Task timed out after 1\.00 seconds$/);
    const log = Buffer.from(r.LogResult!, 'base64').toString();
    assert.match(log, /Task timed out after 1\.00 seconds/);
    assert.match(log, /Status: timeout/);
    // A new environment serves the next call.
    const ok = await c.send(new InvokeCommand({ FunctionName: 'sleepy', Payload: Buffer.from('{"quick":true}') }));
    assert.equal(ok.FunctionError, undefined);
  });

  test('LogType Tail returns the base64 tail of the invocation log (START, output, END, REPORT)', async () => {
    const c = client();
    await createFunction(c, 'logger', { 'index.js': 'exports.handler = async (e) => { console.log("hello", e.who); console.error("careful"); process.stdout.write("raw\\n"); return 1; };' });
    const r = await c.send(new InvokeCommand({ FunctionName: 'logger', LogType: 'Tail', Payload: Buffer.from('{"who":"you"}') }));
    const log = Buffer.from(r.LogResult!, 'base64').toString();
    const lines = log.trim().split('\n');
    assert.match(lines[0], /^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/);
    assert.match(lines[1], /^\d{4}-.+Z\t[0-9a-f-]{36}\tINFO\thello you$/);
    assert.match(lines[2], /\tERROR\tcareful$/);
    assert.equal(lines[3], 'raw');
    assert.match(lines[4], /^END RequestId: /);
    assert.match(lines[5], /^REPORT RequestId: .*\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB/);
    const noTail = await c.send(new InvokeCommand({ FunctionName: 'logger' }));
    assert.equal(noTail.LogResult, undefined);
    const lambda = await n.nimbus.cloud.service<LambdaService>('lambda');
    assert.match(lambda.logs('logger'), /INFO\thello you/);
  });

  test('Python handler: event, context, print output, errors in the Python runtime shape', async () => {
    const c = client();
    await createFunction(
      c,
      'py',
      {
        'app.py': [
          'import os',
          'def handler(event, context):',
          '    print("py got", event)',
          '    if event.get("fail"):',
          '        raise ValueError("bad input")',
          '    return {"name": context.function_name, "remaining": context.get_remaining_time_in_millis() > 0, "region": os.environ["AWS_REGION"], "pid": os.getpid()}',
        ].join('\n'),
      },
      { Runtime: 'python3.12', Handler: 'app.handler' },
    );
    const r = await c.send(new InvokeCommand({ FunctionName: 'py', Payload: Buffer.from('{"x":1}'), LogType: 'Tail' }));
    const out = json(r.Payload);
    assert.deepEqual({ ...out, pid: 0 }, { name: 'py', remaining: true, region: 'us-east-1', pid: 0 });
    assert.match(Buffer.from(r.LogResult!, 'base64').toString(), /py got \{'x': 1\}/);
    const e = await c.send(new InvokeCommand({ FunctionName: 'py', Payload: Buffer.from('{"fail":true}') }));
    assert.equal(e.FunctionError, 'Unhandled');
    const err = json(e.Payload);
    assert.equal(err.errorType, 'ValueError');
    assert.equal(err.errorMessage, 'bad input');
    assert.ok(Array.isArray(err.stackTrace));
    assert.equal(json((await c.send(new InvokeCommand({ FunctionName: 'py', Payload: Buffer.from('{}') }))).Payload).pid, out.pid, 'warm environment reused');
    await createFunction(c, 'py-missing', { 'app.py': 'x = 1\n' }, { Runtime: 'python3.12', Handler: 'nothere.handler' });
    const m = json((await c.send(new InvokeCommand({ FunctionName: 'py-missing' }))).Payload);
    assert.equal(m.errorType, 'Runtime.ImportModuleError');
    assert.equal(m.errorMessage, "Unable to import module 'nothere': No module named 'nothere'");
  });

  test('provided.al2023 runs the package\'s own bootstrap against the Runtime API', async () => {
    const c = client();
    const bootstrap = [
      `#!${process.execPath}`,
      'const api = "http://" + process.env.AWS_LAMBDA_RUNTIME_API + "/2018-06-01/runtime";',
      '(async () => { for (;;) {',
      '  const next = await fetch(api + "/invocation/next");',
      '  const id = next.headers.get("lambda-runtime-aws-request-id");',
      '  const event = await next.json();',
      '  console.log("custom runtime got", JSON.stringify(event));',
      '  await fetch(api + "/invocation/" + id + "/response", { method: "POST", body: JSON.stringify({ custom: event, handler: process.env._HANDLER }) });',
      '} })();',
    ].join('\n');
    await createFunction(c, 'custom', { bootstrap }, { Runtime: 'provided.al2023', Handler: 'my.handler' }, { bootstrap: 0o755 });
    const r = await c.send(new InvokeCommand({ FunctionName: 'custom', Payload: Buffer.from('{"k":"v"}'), LogType: 'Tail' }));
    assert.deepEqual(json(r.Payload), { custom: { k: 'v' }, handler: 'my.handler' });
    assert.match(Buffer.from(r.LogResult!, 'base64').toString(), /custom runtime got \{"k":"v"\}/);
    await createFunction(c, 'no-bootstrap', { 'main.sh': 'echo' }, { Runtime: 'provided.al2', Handler: 'x' });
    const e = await c.send(new InvokeCommand({ FunctionName: 'no-bootstrap' }));
    assert.equal(e.FunctionError, 'Unhandled');
    assert.equal(json(e.Payload).errorType, 'Runtime.InvalidEntrypoint');
    assert.match(json(e.Payload).errorMessage, /Couldn't find valid bootstrap\(s\)/);
  });

  test('a runtime Nimbus cannot run fails with InvalidRuntimeException, not a crash', async () => {
    const c = client();
    await createFunction(c, 'java', { 'Main.class': 'x' }, { Runtime: 'java21', Handler: 'example.Handler::handleRequest' });
    await assert.rejects(c.send(new InvokeCommand({ FunctionName: 'java' })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(e.name, 'InvalidRuntimeException');
      assert.match(e.message, /Nimbus cannot run java21 functions/);
      return true;
    });
  });

  test('MemorySize bounds the Node.js heap; configuration updates start fresh environments', async () => {
    const c = client();
    const code = { 'index.js': 'const v8 = require("v8"); exports.handler = async () => ({ heap: v8.getHeapStatistics().heap_size_limit / 1048576, pid: process.pid });' };
    await createFunction(c, 'mem', code, { MemorySize: 128 });
    const small = json((await c.send(new InvokeCommand({ FunctionName: 'mem' }))).Payload);
    assert.ok(small.heap < 200, `heap limit ${small.heap} MB`);
    await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'mem', MemorySize: 1024 }));
    await waitUntilFunctionUpdatedV2({ client: c, maxWaitTime: 10, minDelay: 1 }, { FunctionName: 'mem' });
    const big = json((await c.send(new InvokeCommand({ FunctionName: 'mem' }))).Payload);
    assert.ok(big.heap > 900, `heap limit ${big.heap} MB`);
    assert.notEqual(big.pid, small.pid);
  });

  test('invalid JSON payloads are refused; DryRun answers 204', async () => {
    const c = client();
    await createFunction(c, 'dry', { 'index.js': 'exports.handler = async () => 1;' });
    await assert.rejects(c.send(new InvokeCommand({ FunctionName: 'dry', Payload: Buffer.from('{nope') })), { name: 'InvalidRequestContentException' });
    const r = await c.send(new InvokeCommand({ FunctionName: 'dry', InvocationType: 'DryRun' }));
    assert.equal(r.StatusCode, 204);
    await assert.rejects(c.send(new InvokeCommand({ FunctionName: 'ghost' })), {
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:ghost',
    });
  });

  test('in-process invoke(name, payload) for other services', async () => {
    const c = client();
    await createFunction(c, 'inproc', { 'index.js': 'exports.handler = async (e) => ({ doubled: e.n * 2 });' });
    const lambda = await n.nimbus.cloud.service<LambdaService>('lambda');
    const r = await lambda.invoke('arn:aws:lambda:us-east-1:000000000000:function:inproc', '{"n":21}');
    assert.equal(r.statusCode, 200);
    assert.equal(r.functionError, undefined);
    assert.equal(r.executedVersion, '$LATEST');
    assert.deepEqual(JSON.parse(r.payload.toString()), { doubled: 42 });
    await assert.rejects(lambda.invoke('nope', '{}'), { name: 'ResourceNotFoundException' });
  });
});
