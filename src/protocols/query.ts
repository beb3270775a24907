/** awsQuery: form-encoded `Action=...&Version=...` requests, XML responses. */
import { AwsError } from '../core/errors.js';
import type { ServiceModel } from './model.js';
import { fromString, shapeOf } from './shapes.js';
import type { Codec, Decoded, HttpRequest, HttpResponse, WireError } from './types.js';
import { escapeXml } from './xml.js';
import { toXml } from './xml-shapes.js';

/** The form parameters of a query request: the body for POST, the URL's query for GET. */
export function queryParams(req: HttpRequest): URLSearchParams {
  if (req.method === 'POST' && req.body.length) return new URLSearchParams(req.body.toString('utf8'));
  return req.query;
}

export class QueryCodec implements Codec {
  decode(req: HttpRequest, model: ServiceModel): Decoded {
    const params = queryParams(req);
    const operation = params.get('Action');
    if (!operation) throw new AwsError('MissingAction', 'Missing Action parameter', 400);
    const op = model.operations[operation];
    if (!op) throw new AwsError('InvalidAction', `The action ${operation} is not valid for this endpoint.`, 400);
    const flat = new Map<string, string>();
    for (const [k, v] of params) flat.set(k, v);
    const input = op.i ? ((readStructure(model, op.i, '', flat) as Record<string, unknown>) ?? {}) : {};
    return { operation, input };
  }

  encode(model: ServiceModel, operation: string, output: unknown, requestId: string): HttpResponse {
    const op = model.operations[operation];
    const ns = model.xmlNamespace ? ` xmlns="${model.xmlNamespace}"` : '';
    const result = op?.o ? toXml(model, op.o, output ?? {}, `${operation}Result`) : '';
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response${ns}>${result}` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
  }

  encodeError(model: ServiceModel, err: WireError, requestId: string): HttpResponse {
    const ns = model.xmlNamespace ? ` xmlns="${model.xmlNamespace}"` : '';
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${ns}><Error><Type>${err.sender ? 'Sender' : 'Receiver'}</Type>` +
      `<Code>${escapeXml(err.wireCode)}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: err.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
  }
}

function hasPrefix(flat: Map<string, string>, prefix: string): boolean {
  for (const k of flat.keys()) if (k === prefix || k.startsWith(prefix + '.')) return true;
  return false;
}

function readValue(model: ServiceModel, name: string, key: string, flat: Map<string, string>, flattened: boolean): unknown {
  const s = shapeOf(model, name);
  switch (s.t) {
    case 'structure':
    case 'union':
      return hasPrefix(flat, key) ? readStructure(model, name, key + '.', flat) : undefined;
    case 'list': {
      const base = flattened ? key : `${key}.${s.m.x ?? 'member'}`;
      const items: unknown[] = [];
      for (let i = 1; hasPrefix(flat, `${base}.${i}`); i++) items.push(readValue(model, s.m.s, `${base}.${i}`, flat, false));
      if (!items.length && flat.get(key) === '') return [];
      return items.length ? items : undefined;
    }
    case 'map': {
      const base = flattened ? key : `${key}.entry`;
      const out: Record<string, unknown> = {};
      let any = false;
      for (let i = 1; hasPrefix(flat, `${base}.${i}`); i++) {
        const k = flat.get(`${base}.${i}.${s.k.x ?? 'key'}`);
        if (k === undefined) continue;
        out[k] = readValue(model, s.v.s, `${base}.${i}.${s.v.x ?? 'value'}`, flat, false);
        any = true;
      }
      return any ? out : undefined;
    }
    default: {
      const raw = flat.get(key);
      return raw === undefined ? undefined : fromString(model, name, raw, key);
    }
  }
}

function readStructure(model: ServiceModel, name: string, prefix: string, flat: Map<string, string>): unknown {
  const s = shapeOf(model, name);
  if (s.t !== 'structure' && s.t !== 'union') return undefined;
  const out: Record<string, unknown> = {};
  for (const mn in s.m) {
    const ref = s.m[mn];
    const v = readValue(model, ref.s, prefix + (ref.x ?? mn), flat, !!ref.f);
    if (v !== undefined) out[mn] = v;
  }
  return out;
}
