/**
 * The States.* intrinsic functions with AWS's argument rules. Each receives the evaluated argument
 * values plus the parsed argument nodes (States.Format and States.JsonToString look at how an
 * argument was written). Broken arguments raise States.IntrinsicFailure.
 */
import { createHash, randomUUID } from 'node:crypto';
import { StatesError, StatesErrors } from './errors.js';
import type { IntrinsicArg } from './intrinsics.js';
import { isJsonObject, jsonEquals, jsonText, jsonTypeName } from './json-values.js';

type IntrinsicImpl = (args: unknown[], nodes: readonly IntrinsicArg[]) => unknown;

/** Step Functions' payload quota; intrinsics refuse input arrays larger than this. */
const PAYLOAD_LIMIT_BYTES = 256 * 1024;
const MAX_STRING_CHARS = 10_000;
const MAX_RANGE_ITEMS = 1000;
const HASH_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

export function intrinsicFailure(fn: string, detail: string): StatesError {
  return new StatesError(StatesErrors.IntrinsicFailure, `Invalid arguments in ${fn}: ${detail}`);
}

function argCount(fn: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw intrinsicFailure(fn, `expected ${expected} argument${max === 1 ? '' : 's'} but received ${args.length}`);
  }
}

function stringArg(fn: string, args: unknown[], i: number, maxChars?: number): string {
  const v = args[i];
  if (typeof v !== 'string') throw intrinsicFailure(fn, `argument ${i + 1} must be a string but was ${jsonTypeName(v)}`);
  if (maxChars !== undefined && v.length > maxChars) {
    throw intrinsicFailure(fn, `argument ${i + 1} must be at most ${maxChars} characters but has ${v.length}`);
  }
  return v;
}

function arrayArg(fn: string, args: unknown[], i: number, checkPayload = false): unknown[] {
  const v = args[i];
  if (!Array.isArray(v)) throw intrinsicFailure(fn, `argument ${i + 1} must be an array but was ${jsonTypeName(v)}`);
  if (checkPayload && Buffer.byteLength(jsonText(v)) > PAYLOAD_LIMIT_BYTES) {
    throw intrinsicFailure(fn, `the input array exceeds the payload size limit of ${PAYLOAD_LIMIT_BYTES} bytes`);
  }
  return v;
}

function integerArg(fn: string, args: unknown[], i: number): number {
  const v = args[i];
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw intrinsicFailure(fn, `argument ${i + 1} must be an integer but was ${jsonText(v)}`);
  }
  return v;
}

/** A number argument rounded to the nearest integer, half up, as AWS does (Java's Math.round). */
function roundedArg(fn: string, args: unknown[], i: number): number {
  const v = args[i];
  if (typeof v !== 'number') throw intrinsicFailure(fn, `argument ${i + 1} must be a number but was ${jsonTypeName(v)}`);
  return Math.round(v);
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function int32Arg(fn: string, args: unknown[], i: number): number {
  const v = roundedArg(fn, args, i);
  if (v < INT32_MIN || v > INT32_MAX) {
    throw intrinsicFailure(fn, `argument ${i + 1} must be between ${INT32_MIN} and ${INT32_MAX} but was ${v}`);
  }
  return v;
}

/** How States.Format renders a value: Java's toString of the parsed JSON. */
function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (isJsonObject(v)) return `{${Object.keys(v).map((k) => `${k}=${formatValue(v[k])}`).join(', ')}}`;
  return String(v);
}

/** Splits a template into literal text and `{}` placeholders; `escaped` applies `\x` escapes. */
function templateParts(template: string, escaped: boolean): { parts: string[]; placeholders: number } {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (escaped && c === '\\' && i + 1 < template.length) {
      current += template[++i];
    } else if (c === '{' && template[i + 1] === '}') {
      parts.push(current);
      current = '';
      i++;
    } else {
      current += c;
    }
  }
  parts.push(current);
  return { parts, placeholders: parts.length - 1 };
}

/** JSON text with object keys sorted, so structurally equal values get the same key. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isJsonObject(v)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Deterministic generator for seeded States.MathRandom (mulberry32). */
function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const INTRINSIC_FUNCTIONS: Record<string, IntrinsicImpl> = {
  'States.Format': (args, nodes) => {
    const fn = 'States.Format';
    argCount(fn, args, 1, Infinity);
    const first = nodes[0];
    const template =
      first.kind === 'string' ? templateParts(first.raw, true) : templateParts(stringArg(fn, args, 0), false);
    if (template.placeholders !== args.length - 1) {
      throw intrinsicFailure(
        fn,
        `the format string has ${template.placeholders} '{}' placeholder(s) but ${args.length - 1} value(s) were given`,
      );
    }
    let out = template.parts[0];
    for (let i = 1; i < template.parts.length; i++) out += formatValue(args[i]) + template.parts[i];
    return out;
  },

  'States.StringToJson': (args) => {
    const fn = 'States.StringToJson';
    argCount(fn, args, 1);
    const text = stringArg(fn, args, 0);
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text);
    } catch {
      throw intrinsicFailure(fn, `argument 1 is not valid JSON: ${text}`);
    }
  },

  'States.JsonToString': (args, nodes) => {
    const fn = 'States.JsonToString';
    argCount(fn, args, 1);
    if (nodes[0].kind !== 'path' && nodes[0].kind !== 'call') throw intrinsicFailure(fn, 'argument 1 must be a path');
    return jsonText(args[0]);
  },

  'States.Array': (args) => args.slice(),

  'States.ArrayPartition': (args) => {
    const fn = 'States.ArrayPartition';
    argCount(fn, args, 2);
    const arr = arrayArg(fn, args, 0, true);
    const size = roundedArg(fn, args, 1);
    if (size <= 0) throw intrinsicFailure(fn, `the chunk size must be a positive integer but was ${size}`);
    const chunks: unknown[][] = [];
    for (let i = 0; i < arr.length; i += size) chunks.push(arr.slice(i, i + size));
    return chunks;
  },

  'States.ArrayContains': (args) => {
    const fn = 'States.ArrayContains';
    argCount(fn, args, 2);
    const arr = arrayArg(fn, args, 0, true);
    return arr.some((item) => jsonEquals(item, args[1]));
  },

  'States.ArrayRange': (args) => {
    const fn = 'States.ArrayRange';
    argCount(fn, args, 3);
    const start = roundedArg(fn, args, 0);
    const end = roundedArg(fn, args, 1);
    const by = roundedArg(fn, args, 2);
    if (by === 0) throw intrinsicFailure(fn, 'the step (argument 3) must not be zero');
    const count = (end - start) / by < 0 ? 0 : Math.floor((end - start) / by) + 1;
    if (count > MAX_RANGE_ITEMS) {
      throw intrinsicFailure(fn, `the range would contain ${count} items; at most ${MAX_RANGE_ITEMS} are allowed`);
    }
    const out: number[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = start + i * by;
    return out;
  },

  'States.ArrayGetItem': (args) => {
    const fn = 'States.ArrayGetItem';
    argCount(fn, args, 2);
    const arr = arrayArg(fn, args, 0);
    const index = integerArg(fn, args, 1);
    if (index < 0 || index >= arr.length) {
      throw intrinsicFailure(fn, `index ${index} is out of bounds for an array of length ${arr.length}`);
    }
    return arr[index];
  },

  'States.ArrayLength': (args) => {
    const fn = 'States.ArrayLength';
    argCount(fn, args, 1);
    return arrayArg(fn, args, 0).length;
  },

  'States.ArrayUnique': (args) => {
    const fn = 'States.ArrayUnique';
    argCount(fn, args, 1);
    const seen = new Set<string>();
    const out: unknown[] = [];
    for (const item of arrayArg(fn, args, 0)) {
      const key = canonicalJson(item);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(item);
      }
    }
    return out;
  },

  'States.Base64Encode': (args) => {
    const fn = 'States.Base64Encode';
    argCount(fn, args, 1);
    return Buffer.from(stringArg(fn, args, 0, MAX_STRING_CHARS), 'utf8').toString('base64');
  },

  'States.Base64Decode': (args) => {
    const fn = 'States.Base64Decode';
    argCount(fn, args, 1);
    // The MIME scheme allows line breaks between groups.
    const data = stringArg(fn, args, 0, MAX_STRING_CHARS).replace(/[\r\n]/g, '');
    if (!BASE64.test(data) || data.length % 4 === 1) throw intrinsicFailure(fn, 'argument 1 is not valid Base64');
    return Buffer.from(data, 'base64').toString('utf8');
  },

  'States.Hash': (args) => {
    const fn = 'States.Hash';
    argCount(fn, args, 2);
    const data = stringArg(fn, args, 0, MAX_STRING_CHARS);
    const algorithm = stringArg(fn, args, 1);
    const nodeAlgorithm = HASH_ALGORITHMS[algorithm];
    if (nodeAlgorithm === undefined) {
      throw intrinsicFailure(fn, `unsupported hash algorithm '${algorithm}'; expected one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`);
    }
    return createHash(nodeAlgorithm).update(data, 'utf8').digest('hex');
  },

  'States.JsonMerge': (args) => {
    const fn = 'States.JsonMerge';
    argCount(fn, args, 3);
    const [left, right, deep] = args;
    if (!isJsonObject(left)) throw intrinsicFailure(fn, `argument 1 must be a JSON object but was ${jsonTypeName(left)}`);
    if (!isJsonObject(right)) throw intrinsicFailure(fn, `argument 2 must be a JSON object but was ${jsonTypeName(right)}`);
    if (typeof deep !== 'boolean') throw intrinsicFailure(fn, `argument 3 must be a boolean but was ${jsonTypeName(deep)}`);
    if (deep) throw intrinsicFailure(fn, 'only shallow merging is supported; argument 3 must be false');
    return { ...left, ...right };
  },

  'States.MathRandom': (args) => {
    const fn = 'States.MathRandom';
    argCount(fn, args, 2, 3);
    const start = roundedArg(fn, args, 0);
    const end = roundedArg(fn, args, 1);
    // The start is inclusive and the end exclusive.
    if (end <= start) throw intrinsicFailure(fn, `the end (${end}) must be greater than the start (${start})`);
    const random = args.length === 3 ? seededRandom(roundedArg(fn, args, 2)) : Math.random;
    return start + Math.floor(random() * (end - start));
  },

  'States.MathAdd': (args) => {
    const fn = 'States.MathAdd';
    argCount(fn, args, 2);
    return int32Arg(fn, args, 0) + int32Arg(fn, args, 1);
  },

  'States.StringSplit': (args) => {
    const fn = 'States.StringSplit';
    argCount(fn, args, 2);
    const text = stringArg(fn, args, 0);
    // Every character of the second argument is a delimiter and empty pieces are dropped.
    const delimiters = new Set(stringArg(fn, args, 1));
    const out: string[] = [];
    let current = '';
    for (const c of text) {
      if (delimiters.has(c)) {
        if (current !== '') out.push(current);
        current = '';
      } else {
        current += c;
      }
    }
    if (current !== '') out.push(current);
    return out;
  },

  'States.UUID': (args) => {
    argCount('States.UUID', args, 0);
    return randomUUID();
  },
};
