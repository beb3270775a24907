/** restJson1 and restXml: operations bound to HTTP method + URI, members to labels, query, headers and body. */
import { AwsError } from '../core/errors.js';
import type { MemberRef, ServiceModel, StructureShape } from './model.js';
import { parseJsonBody } from './json.js';
import { messageMember } from './errors.js';
import { fromJson, fromString, scalarToString, serializationError, shapeOf, toJson } from './shapes.js';
import type { Codec, Decoded, HttpRequest, HttpResponse, WireError } from './types.js';
import { escapeXml, parseXml } from './xml.js';
import { fromXml, toXml } from './xml-shapes.js';

interface Segment {
  literal?: string;
  label?: string;
  greedy?: boolean;
}

interface Route {
  operation: string;
  method: string;
  segments: Segment[];
  /** Literal query parameters the URI template requires (`?uploads`, `?list-type=2`). */
  requiredQuery: [string, string | undefined][];
  score: number;
}

const routeCache = new WeakMap<ServiceModel, Route[]>();

function routesOf(model: ServiceModel): Route[] {
  let routes = routeCache.get(model);
  if (routes) return routes;
  routes = [];
  for (const [operation, op] of Object.entries(model.operations)) {
    if (!op.h) continue;
    const [method, uri] = op.h;
    const [pathPart, queryPart] = uri.split('?');
    const segments: Segment[] = pathPart
      .split('/')
      .filter((s) => s !== '')
      .map((s) => {
        const m = /^\{([^}+]+)(\+)?\}$/.exec(s);
        return m ? { label: m[1], greedy: !!m[2] } : { literal: s };
      });
    const requiredQuery: [string, string | undefined][] = queryPart
      ? queryPart.split('&').map((kv): [string, string | undefined] => {
          const [k, v] = kv.split('=');
          return [k, v];
        })
        // `x-id` only names the operation for routers that need it; clients may omit it.
        .filter(([k]) => k !== 'x-id')
      : [];
    const literals = segments.filter((s) => s.literal).length;
    routes.push({ operation, method, segments, requiredQuery, score: literals * 10 + requiredQuery.length * 5 - (segments.some((s) => s.greedy) ? 1 : 0) });
  }
  routes.sort((a, b) => b.score - a.score);
  routeCache.set(model, routes);
  return routes;
}

function matchRoute(route: Route, parts: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  let i = 0;
  for (let s = 0; s < route.segments.length; s++) {
    const seg = route.segments[s];
    if (seg.greedy) {
      const rest = route.segments.length - s - 1;
      const take = parts.length - i - rest;
      if (take < 1) return undefined;
      labels[seg.label!] = parts.slice(i, i + take).map(decodeURIComponent).join('/');
      i += take;
      continue;
    }
    if (i >= parts.length) return undefined;
    if (seg.literal !== undefined) {
      if (decodeURIComponent(parts[i]) !== seg.literal) return undefined;
    } else labels[seg.label!] = decodeURIComponent(parts[i]);
    i++;
  }
  return i === parts.length ? labels : undefined;
}

/** Finds the operation a REST request addresses, with its URI labels. */
export function findRoute(model: ServiceModel, req: HttpRequest): { operation: string; labels: Record<string, string> } | undefined {
  let parts: string[];
  try {
    parts = req.path.split('/').filter((p) => p !== '');
    parts.forEach((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
  const method = req.method === 'HEAD' ? 'HEAD' : req.method;
  for (const route of routesOf(model)) {
    if (route.method !== method) continue;
    if (!route.requiredQuery.every(([k, v]) => req.query.has(k) && (v === undefined || req.query.get(k) === v))) continue;
    const labels = matchRoute(route, parts);
    if (labels) return { operation: route.operation, labels };
  }
  return undefined;
}

export class RestCodec implements Codec {
  constructor(private readonly format: 'json' | 'xml') {}

  decode(req: HttpRequest, model: ServiceModel): Decoded {
    const route = findRoute(model, req);
    if (!route)
      throw new AwsError('UnknownOperationException', `No ${model.sdkId} operation matches ${req.method} ${req.path}`, 404);
    const op = model.operations[route.operation];
    const input: Record<string, unknown> = {};
    if (!op.i) return { operation: route.operation, input };
    const shape = shapeOf(model, op.i) as StructureShape;
    let bodyBound = false;
    for (const [mn, ref] of Object.entries(shape.m)) {
      const v = this.readBound(model, mn, ref, req, route.labels);
      if (v !== undefined) input[mn] = v;
      if (!ref.l) bodyBound = true;
    }
    if (bodyBound && req.body.length) Object.assign(input, this.readBody(model, op.i, req.body));
    return { operation: route.operation, input };
  }

  private readBound(model: ServiceModel, mn: string, ref: MemberRef, req: HttpRequest, labels: Record<string, string>): unknown {
    const target = shapeOf(model, ref.s);
    switch (ref.l) {
      case 'label':
        return labels[mn] === undefined ? undefined : fromString(model, ref.s, labels[mn], mn);
      case 'query': {
        const key = ref.n ?? mn;
        if (!req.query.has(key)) return undefined;
        if (target.t === 'list') return req.query.getAll(key).map((v) => fromString(model, target.m.s, v, mn));
        return fromString(model, ref.s, req.query.get(key)!, mn);
      }
      case 'queryParams': {
        const out: Record<string, unknown> = {};
        for (const [k, v] of req.query) out[k] = v;
        return out;
      }
      case 'header': {
        const raw = req.headers[(ref.n ?? mn).toLowerCase()];
        if (raw === undefined) return undefined;
        if (target.t === 'list') return raw.split(',').map((v) => fromString(model, target.m.s, v.trim(), mn));
        return fromString(model, ref.s, raw, mn, ref.ts ?? 'http-date');
      }
      case 'prefixHeaders': {
        const prefix = (ref.n ?? '').toLowerCase();
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (k.startsWith(prefix) && v !== undefined) out[k.slice(prefix.length)] = v;
        return Object.keys(out).length ? out : undefined;
      }
      case 'payload': {
        if (!req.body.length) return undefined;
        if (target.t === 'blob') return req.body;
        if (target.t === 'string') return req.body.toString('utf8');
        return this.readBody(model, ref.s, req.body);
      }
      default:
        return undefined;
    }
  }

  private readBody(model: ServiceModel, shape: string, body: Buffer): Record<string, unknown> {
    if (this.format === 'json') {
      const doc = parseJsonBody(body);
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw serializationError('The request body must be a JSON object');
      return (fromJson(model, shape, doc, '', true) as Record<string, unknown>) ?? {};
    }
    let node;
    try {
      node = parseXml(body.toString('utf8'));
    } catch {
      throw new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
    }
    return (fromXml(model, shape, node, '') as Record<string, unknown>) ?? {};
  }

  encode(model: ServiceModel, operation: string, output: unknown, requestId: string): HttpResponse {
    const op = model.operations[operation];
    const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
    let status = op.h?.[2] ?? 200;
    const out = (output ?? {}) as Record<string, unknown>;
    if (!op.o) return { status, headers, body: this.format === 'json' ? '{}' : '' };
    const shape = shapeOf(model, op.o) as StructureShape;
    let payload: string | Buffer | undefined;
    let hasBodyMembers = false;
    for (const [mn, ref] of Object.entries(shape.m)) {
      const v = out[mn];
      if (!ref.l) {
        hasBodyMembers = true;
        continue;
      }
      if (v === undefined || v === null) continue;
      switch (ref.l) {
        case 'header':
          headers[(ref.n ?? mn).toLowerCase()] = Array.isArray(v)
            ? v.map(String).join(',')
            : scalarToString(model, ref.s, v, ref.ts ?? 'http-date');
          break;
        case 'prefixHeaders':
          for (const [k, hv] of Object.entries(v as Record<string, string>)) headers[`${ref.n ?? ''}${k}`.toLowerCase()] = String(hv);
          break;
        case 'status':
          status = Number(v);
          break;
        case 'payload': {
          const target = shapeOf(model, ref.s);
          if (target.t === 'blob') {
            payload = Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array);
            headers['content-type'] ??= 'application/octet-stream';
          } else if (target.t === 'string') {
            payload = String(v);
            headers['content-type'] ??= 'text/plain';
          } else if (this.format === 'json') {
            payload = JSON.stringify(toJson(model, ref.s, v, 'epoch-seconds', true));
            headers['content-type'] = 'application/json';
          } else {
            payload = xmlDocument(model, ref.s, v, ref.x ?? (target as StructureShape).x ?? ref.s);
            headers['content-type'] = 'application/xml';
          }
          break;
        }
      }
    }
    if (payload === undefined && hasBodyMembers) {
      if (this.format === 'json') {
        payload = JSON.stringify(toJson(model, op.o, out, 'epoch-seconds', true));
        headers['content-type'] = 'application/json';
      } else {
        payload = xmlDocument(model, op.o, out, shape.x ?? op.o);
        headers['content-type'] = 'application/xml';
      }
    }
    return { status, headers, body: payload ?? '' };
  }

  encodeError(model: ServiceModel, err: WireError, requestId: string): HttpResponse {
    const headers: Record<string, string> = { 'x-amzn-requestid': requestId, 'x-amzn-errortype': err.code };
    if (this.format === 'json') {
      const fields = err.shape && err.fields ? (toJson(model, err.shape, err.fields, 'epoch-seconds', true) as Record<string, unknown>) : {};
      const body: Record<string, unknown> = { ...fields, [messageMember(model, err.shape)]: err.message };
      if (err.shape && 'Type' in ((model.shapes[err.shape] as StructureShape).m ?? {}) && body.Type === undefined)
        body.Type = err.sender ? 'User' : 'Service';
      headers['content-type'] = 'application/json';
      return { status: err.status, headers, body: JSON.stringify(body) };
    }
    headers['content-type'] = 'application/xml';
    const extra = Object.entries(err.fields ?? {})
      .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
      .join('');
    return {
      status: err.status,
      headers: { ...headers, 'x-amz-request-id': requestId },
      body:
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(err.wireCode)}</Code>` +
        `<Message>${escapeXml(err.message)}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`,
    };
  }
}

function xmlDocument(model: ServiceModel, shape: string, value: unknown, root: string): string {
  const xml = toXml(model, shape, value, root);
  const ns = (model.shapes[shape] as StructureShape).xn ?? model.xmlNamespace;
  const withNs = ns ? xml.replace(new RegExp(`^<${root}`), `<${root} xmlns="${ns}"`) : xml;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${withNs}`;
}
