/**
 * The Lambda Runtime API (the HTTP interface AWS's runtimes poll), one loopback server per Nimbus
 * instance, started on first use. Many environments share it, so each one's
 * AWS_LAMBDA_RUNTIME_API carries a path prefix naming it: `127.0.0.1:<port>/<envId>`, and
 * clients that build `http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/...` reach their own environment.
 *
 * The same server hands out function packages for GetFunction's `Code.Location` (`/code/<id>`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBodyLimited } from '../../core/http.js';

/** Largest response or error payload a function may return (AWS's 6 MB synchronous limit). */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/** What an environment does for its runtime's calls. */
export interface RuntimeClient {
  /** Long poll for the next event: answer `res` now or when one arrives. */
  next(res: ServerResponse): void;
  /** False when `requestId` is not the invocation in progress. */
  respond(requestId: string, body: Buffer): boolean;
  fail(requestId: string, body: Buffer, errorType: string | undefined): boolean;
  /** The response was larger than AWS allows. */
  tooLarge(requestId: string): boolean;
  initError(body: Buffer, errorType: string | undefined): void;
}

const PREFIX = '/2018-06-01/runtime/';

export class RuntimeApi {
  private server: Server | undefined;
  private starting: Promise<string> | undefined;
  private readonly clients = new Map<string, RuntimeClient>();

  constructor(private readonly codeFor: (id: string) => Buffer | undefined) {}

  /** `127.0.0.1:<port>`, starting the server on first call. */
  address(): Promise<string> {
    this.starting ??= new Promise((resolve, reject) => {
      const server = createServer((req, res) => this.handle(req, res));
      server.keepAliveTimeout = 10 * 60_000;
      server.requestTimeout = 0;
      server.headersTimeout = 60_000;
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        this.server = server;
        resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`);
      });
    });
    return this.starting;
  }

  register(id: string, client: RuntimeClient): void {
    this.clients.set(id, client);
  }

  unregister(id: string): void {
    this.clients.delete(id);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.starting = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    if (url.startsWith('/code/') && req.method === 'GET') {
      const zip = this.codeFor(decodeURIComponent(url.slice(6).split('?')[0]));
      if (!zip) return reply(res, 404, { errorType: 'ResourceNotFound', errorMessage: 'No such function package' });
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(zip.length) });
      res.end(zip);
      return;
    }
    const slash = url.indexOf('/', 1);
    const client = slash > 0 ? this.clients.get(url.slice(1, slash)) : undefined;
    const path = slash > 0 ? url.slice(slash) : url;
    if (!client || !path.startsWith(PREFIX)) {
      req.resume();
      return reply(res, 404, { errorType: 'InvalidRequest', errorMessage: `Unknown runtime API path ${url}` });
    }
    const rest = path.slice(PREFIX.length);
    if (req.method === 'GET' && rest === 'invocation/next') {
      req.resume();
      client.next(res);
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      return reply(res, 405, { errorType: 'InvalidRequest', errorMessage: `${req.method} ${path} is not part of the Runtime API` });
    }
    const errorType = header(req, 'lambda-runtime-function-error-type');
    readBodyLimited(req, MAX_RESPONSE_BYTES).catch(() => Buffer.alloc(0)).then((body) => {
      if (rest === 'init/error') {
        client.initError(body ?? Buffer.alloc(0), errorType);
        return reply(res, 202, { status: 'OK' });
      }
      const m = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
      if (!m) return reply(res, 404, { errorType: 'InvalidRequest', errorMessage: `Unknown runtime API path ${path}` });
      const id = decodeURIComponent(m[1]);
      if (body === undefined) {
        if (!client.tooLarge(id)) return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });
        return reply(res, 413, { errorType: 'RequestEntityTooLarge', errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).` });
      }
      const ok = m[2] === 'response' ? client.respond(id, body) : client.fail(id, body, errorType);
      if (!ok) return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });
      reply(res, 202, { status: 'OK' });
    });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}


function reply(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}
