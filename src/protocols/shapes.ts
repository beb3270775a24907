/**
 * Model-driven conversion between wire values and the plain objects handlers see, and validation
 * of inputs against the model's constraints. Shared by every codec.
 */
import { AwsError, validationMessage } from '../core/errors.js';
import type { ListShape, MapShape, MemberRef, ServiceModel, Shape, StructureShape } from './model.js';

const INTEGER_KINDS = new Set(['byte', 'short', 'integer', 'long', 'bigInteger']);
const NUMBER_KINDS = new Set([...INTEGER_KINDS, 'float', 'double', 'bigDecimal']);

export function shapeOf(model: ServiceModel, name: string): Shape {
  const s = model.shapes[name];
  if (!s) throw new Error(`shape ${name} missing from the ${model.name} model`);
  return s;
}

export function serializationError(message: string): AwsError {
  return new AwsError('SerializationException', message, 400);
}

const jsonTypeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

// ---------------------------------------------------------------------------------------------
// Timestamps

export function parseTimestamp(value: unknown, where: string): Date {
  let d: Date;
  if (typeof value === 'number') d = new Date(value * 1000);
  else if (typeof value === 'string') {
    const n = Number(value);
    d = value.trim() !== '' && Number.isFinite(n) ? new Date(n * 1000) : new Date(value);
  } else throw serializationError(`Expected a timestamp for '${where}' but found ${jsonTypeName(value)}`);
  if (Number.isNaN(d.getTime())) throw serializationError(`Invalid timestamp '${String(value)}' for '${where}'`);
  return d;
}

function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  return new Date(String(v));
}

export function formatTimestamp(v: unknown, format: string): string | number {
  const d = toDate(v);
  switch (format) {
    case 'epoch-seconds':
      return Math.round(d.getTime()) / 1000;
    case 'http-date':
      return d.toUTCString();
    default:
      return d.toISOString().replace(/\.000Z$/, 'Z');
  }
}

// ---------------------------------------------------------------------------------------------
// JSON documents (awsJson bodies and restJson bodies) -> typed values

/** Converts a parsed JSON value of shape `name` into the typed value handlers see. */
export function fromJson(model: ServiceModel, name: string, value: unknown, where: string, jsonNames = false): unknown {
  if (value === null || value === undefined) return undefined;
  const s = shapeOf(model, name);
  switch (s.t) {
    case 'structure':
    case 'union': {
      if (typeof value !== 'object' || Array.isArray(value))
        throw serializationError(`Expected an object for '${where || name}' but found ${jsonTypeName(value)}`);
      const src = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [mn, ref] of Object.entries(s.m)) {
        if (ref.l && ref.l !== 'payload') continue;
        const key = jsonNames && ref.j ? ref.j : mn;
        const v = src[key];
        if (v === undefined || v === null) continue;
        out[mn] = fromJson(model, ref.s, v, where ? `${where}.${mn}` : mn, jsonNames);
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) throw serializationError(`Expected a list for '${where}' but found ${jsonTypeName(value)}`);
      return value.map((v, i) => fromJson(model, s.m.s, v, `${where}.${i + 1}.member`, jsonNames));
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value))
        throw serializationError(`Expected a map for '${where}' but found ${jsonTypeName(value)}`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === null) continue;
        out[k] = fromJson(model, s.v.s, v, `${where}.${k}`, jsonNames);
      }
      return out;
    }
    case 'string':
      if (typeof value !== 'string') throw serializationError(`Expected a string for '${where}' but found ${jsonTypeName(value)}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw serializationError(`Expected a boolean for '${where}' but found ${jsonTypeName(value)}`);
      return value;
    case 'timestamp':
      return parseTimestamp(value, where);
    case 'blob':
      if (typeof value !== 'string') throw serializationError(`Expected base64 text for '${where}' but found ${jsonTypeName(value)}`);
      return Buffer.from(value, 'base64');
    case 'document':
      return value;
    default:
      if (NUMBER_KINDS.has(s.t)) {
        let n = value;
        if (typeof n === 'string' && (s.t === 'float' || s.t === 'double') && ['NaN', 'Infinity', '-Infinity'].includes(n)) n = Number(n);
        if (typeof n !== 'number') throw serializationError(`Expected a number for '${where}' but found ${jsonTypeName(value)}`);
        if (INTEGER_KINDS.has(s.t) && !Number.isInteger(n))
          throw serializationError(`Expected an integer for '${where}' but found ${String(value)}`);
        return n;
      }
      return value;
  }
}

/** Converts a typed value of shape `name` to its JSON form (dropping members the model lacks). */
export function toJson(model: ServiceModel, name: string, value: unknown, tsFormat = 'epoch-seconds', jsonNames = false): unknown {
  if (value === null || value === undefined) return undefined;
  const s = shapeOf(model, name);
  switch (s.t) {
    case 'structure':
    case 'union': {
      const src = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const mn in s.m) {
        const ref = s.m[mn];
        if (ref.l && ref.l !== 'payload') continue;
        const v = src[mn];
        if (v === undefined || v === null) continue;
        out[jsonNames && ref.j ? ref.j : mn] = toJson(model, ref.s, v, ref.ts ?? tsFormat, jsonNames);
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => toJson(model, s.m.s, v, tsFormat, jsonNames));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toJson(model, s.v.s, v, tsFormat, jsonNames);
      return out;
    }
    case 'timestamp':
      return formatTimestamp(value, s.ts ?? tsFormat);
    case 'blob':
      return Buffer.isBuffer(value) || value instanceof Uint8Array
        ? Buffer.from(value).toString('base64')
        : Buffer.from(String(value)).toString('base64');
    default:
      return value;
  }
}

// ---------------------------------------------------------------------------------------------
// Strings (query parameters, headers, labels, awsQuery form values) -> typed scalars

export function fromString(model: ServiceModel, name: string, raw: string, where: string, tsFormat = 'date-time'): unknown {
  const s = shapeOf(model, name);
  switch (s.t) {
    case 'string':
      return raw;
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new AwsError('ValidationException', `Value '${raw}' at '${where}' failed to satisfy constraint: Member must be a boolean`);
    case 'timestamp': {
      const d = tsFormat === 'epoch-seconds' || /^\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
      if (Number.isNaN(d.getTime()))
        throw new AwsError('ValidationException', `Value '${raw}' at '${where}' failed to satisfy constraint: Member must be a timestamp`);
      return d;
    }
    case 'blob':
      return Buffer.from(raw, 'base64');
    default:
      if (NUMBER_KINDS.has(s.t)) {
        const n = Number(raw);
        if (raw.trim() === '' || Number.isNaN(n) || (INTEGER_KINDS.has(s.t) && !Number.isInteger(n)))
          throw new AwsError('ValidationException', `Value '${raw}' at '${where}' failed to satisfy constraint: Member must be a number`);
        return n;
      }
      return raw;
  }
}

export function scalarToString(model: ServiceModel, name: string, value: unknown, tsFormat: string): string {
  const s = shapeOf(model, name);
  if (s.t === 'timestamp') return String(formatTimestamp(value, s.ts ?? tsFormat));
  if (s.t === 'blob') return Buffer.from(value as Uint8Array).toString('base64');
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// Validation against the model's constraints

const patternCache = new Map<string, RegExp | null>();

function compilePattern(p: string): RegExp | null {
  let re = patternCache.get(p);
  if (re !== undefined) return re;
  re = null;
  for (const flags of ['u', '']) {
    try {
      re = new RegExp(p, flags);
      break;
    } catch {
      /* Java-only syntax: try without the unicode flag, else skip the check */
    }
  }
  patternCache.set(p, re);
  return re;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

const show = (v: unknown): string => {
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return 'java.nio.HeapByteBuffer';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};

export interface ValidateOptions {
  /** Check enum members (SQS, for one, accepts values outside its modelled enums). */
  enums?: boolean;
}

/** Validates a decoded input; returns AWS-style problem strings (empty when valid). */
export function validate(model: ServiceModel, name: string, value: unknown, where = '', problems: string[] = [], opts: ValidateOptions = {}): string[] {
  const s = shapeOf(model, name);
  if (value === undefined) return problems;
  switch (s.t) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      for (const mn in s.m) {
        const ref = s.m[mn];
        const path = where ? `${where}.${lowerFirst(mn)}` : lowerFirst(mn);
        const v = obj[mn];
        if (v === undefined) {
          if (ref.r && !ref.it) problems.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
          continue;
        }
        validate(model, ref.s, v, path, problems, opts);
      }
      return problems;
    }
    case 'union': {
      const keys = Object.keys(value as object);
      if (keys.length !== 1) problems.push(`Value at '${where}' failed to satisfy constraint: Union must have exactly one member set`);
      else validate(model, (s as StructureShape).m[keys[0]].s, (value as any)[keys[0]], `${where}.${lowerFirst(keys[0])}`, problems, opts);
      return problems;
    }
    case 'list': {
      const arr = value as unknown[];
      checkLength(s, arr.length, value, where, problems);
      arr.forEach((v, i) => validate(model, (s as ListShape).m.s, v, `${where}.${i + 1}.member`, problems, opts));
      return problems;
    }
    case 'map': {
      const entries = Object.entries(value as object);
      checkLength(s, entries.length, value, where, problems);
      for (const [k, v] of entries) {
        validate(model, (s as MapShape).k.s, k, `${where}.${k}.key`, problems, opts);
        validate(model, (s as MapShape).v.s, v, `${where}.${k}.value`, problems, opts);
      }
      return problems;
    }
    case 'string': {
      const str = value as string;
      checkLength(s, str.length, value, where, problems);
      if (s.en && opts.enums !== false && !s.en.includes(str))
        problems.push(`${valueAt(s, str, where)} failed to satisfy constraint: Member must satisfy enum value set: [${s.en.join(', ')}]`);
      if (s.pat) {
        const re = compilePattern(s.pat);
        if (re && !re.test(str))
          problems.push(`${valueAt(s, str, where)} failed to satisfy constraint: Member must satisfy regular expression pattern: ${s.pat}`);
      }
      return problems;
    }
    case 'blob':
      checkLength(s, (value as Buffer).length, value, where, problems);
      return problems;
    default:
      if (s.rng && typeof value === 'number') {
        const [min, max] = s.rng;
        if (min !== null && value < min)
          problems.push(`${valueAt(s, value, where)} failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
        if (max !== null && value > max)
          problems.push(`${valueAt(s, value, where)} failed to satisfy constraint: Member must have value less than or equal to ${max}`);
      }
      return problems;
  }
}

function checkLength(s: Shape, n: number, value: unknown, where: string, problems: string[]): void {
  if (!s.len) return;
  const [min, max] = s.len;
  if (min !== null && n < min)
    problems.push(`${valueAt(s, value, where)} failed to satisfy constraint: Member must have length greater than or equal to ${min}`);
  if (max !== null && n > max)
    problems.push(`${valueAt(s, value, where)} failed to satisfy constraint: Member must have length less than or equal to ${max}`);
}

/** `Value '...' at 'path'`, or AWS's form without the value for sensitive members. */
function valueAt(s: Shape, value: unknown, where: string): string {
  return s.sen ? `Value at '${where}'` : `Value '${show(value)}' at '${where}'`;
}

/** Services that accept values outside their modelled enums (SQS attribute names, for one). */
const OPEN_ENUM_SERVICES = new Set(['sqs']);

/** The error code a service answers for input that breaks the model's constraints. */
export function validationCode(model: ServiceModel, problems: string[]): string {
  if (model.name === 'sqs') return problems[0].includes('must not be null') ? 'MissingParameter' : 'InvalidParameterValue';
  return model.protocol === 'awsQuery' ? 'ValidationError' : 'ValidationException';
}

/** Throws the service's validation error when `input` breaks the model's constraints. */
export function assertValid(model: ServiceModel, shape: string | undefined, input: unknown): void {
  if (!shape) return;
  const problems = validate(model, shape, input ?? {}, '', [], { enums: !OPEN_ENUM_SERVICES.has(model.name) });
  if (problems.length) throw new AwsError(validationCode(model, problems), validationMessage(problems), 400);
}

export type { MemberRef };
