/**
 * JSONata in Step Functions: `{% expr %}` strings evaluated with the official `jsonata` package
 * (2.0.6, the version AWS implements), with the functions Step Functions adds ($partition, $range,
 * $hash, $random, $uuid, $parse) and without $eval. Each distinct expression is compiled once, and
 * each template (Output, Arguments, Assign, ItemSelector) is analysed once per definition object.
 *
 * Failures follow AWS: an expression that throws, or that returns nothing where a value is
 * required, fails the state with States.QueryEvaluationError naming the expression and the field
 * (`Output/a/b[0]`, `Arguments/Id`, `Choices[1]/Condition`, ...).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type jsonata from 'jsonata';

/** The jsonata package (about 300 KB of code) is loaded on the first expression, not at start-up. */
let loaded: typeof jsonata | undefined;
const jsonataPackage = (): typeof jsonata => (loaded ??= createRequire(import.meta.url)('jsonata') as typeof jsonata);
import { StatesError } from './errors.js';
import { cloneJson, isJsonObject, jsonText, setOwn, type JsonObject } from './json-values.js';
import { compileFast, FALLBACK, type FastEval } from './jsonata-fast.js';

export { FALLBACK };

export const QUERY_EVALUATION_ERROR = 'States.QueryEvaluationError';

/** States.QueryEvaluationError, with the field it happened in (the EvaluationFailed event's location). */
export class QueryEvaluationError extends StatesError {
  constructor(
    cause: string,
    readonly location: string,
  ) {
    super(QUERY_EVALUATION_ERROR, cause);
  }
}

/** `$states` of a JSONata state. */
export interface StatesBinding {
  input: unknown;
  result?: unknown;
  errorOutput?: unknown;
  context?: unknown;
}

/** A string that is entirely one JSONata expression. */
export const isJsonataString = (v: unknown): v is string =>
  typeof v === 'string' && v.length >= 4 && v.startsWith('{%') && v.endsWith('%}');

/** The expression inside `{% ... %}`, as AWS quotes it in messages. */
export const expressionText = (source: string): string => source.slice(2, -2).trim();

// --- compilation ----------------------------------------------------------------------------

interface Compiled {
  expr: jsonata.Expression;
  /** A synchronous evaluator when the expression is of the simple kind (jsonata-fast.ts). */
  fast: FastEval | undefined;
}

const compiled = new Map<string, Compiled>();
const MAX_CACHED = 10_000;

function compiledEntry(text: string): Compiled {
  let entry = compiled.get(text);
  if (entry === undefined) {
    const expr = jsonataPackage()(text);
    for (const [name, impl, signature] of FUNCTIONS) expr.registerFunction(name, impl, signature);
    // Step Functions removes $eval (use $parse).
    expr.assign('eval', undefined);
    entry = { expr, fast: compileFast(expr.ast()) };
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(text, entry);
  }
  return entry;
}

/** Parses `text` (the inside of `{% %}`); throws jsonata's error (code, position, token) when invalid. */
export function compileJsonata(text: string): jsonata.Expression {
  return compiledEntry(text).expr;
}

// --- evaluation -----------------------------------------------------------------------------

/** Variables visible to the state, plus `$states`; variables are reached through the prototype. */
export function jsonataBindings(variables: Record<string, unknown> | undefined, states: StatesBinding): Record<string, unknown> {
  const b = Object.create(variables ?? null) as Record<string, unknown>;
  b.states = states;
  return b;
}

/** Evaluates one `{% %}` string as the jsonata package returns it. */
async function evaluateRaw(source: string, field: string, bindings: Record<string, unknown>): Promise<unknown> {
  const text = expressionText(source);
  const { expr } = entryFor(text, field);
  try {
    return await expr.evaluate(undefined, bindings);
  } catch (e) {
    throw evaluationFailure(text, field, e);
  }
}

function entryFor(text: string, field: string): Compiled {
  try {
    return compiledEntry(text);
  } catch (e) {
    throw evaluationFailure(text, field, e);
  }
}

/** Evaluates one `{% %}` string that must produce a value. */
export async function evaluateExpression(source: string, field: string, bindings: Record<string, unknown>): Promise<unknown> {
  const v = normalise(await evaluateRaw(source, field, bindings));
  if (v === undefined) throw returnedNothing(source, field);
  return v;
}

export function returnedNothing(source: string, field: string): StatesError {
  return new QueryEvaluationError(`The JSONata expression '${expressionText(source)}' specified for the field '${field}' returned nothing (undefined).`, field);
}

/** A value of the wrong type for a field (Condition, Seconds, Items, ...). */
export function unexpectedType(source: string, field: string, expected: string, value: unknown): StatesError {
  return new QueryEvaluationError(
    `The JSONata expression '${expressionText(source)}' specified for the field '${field}' returned an unexpected result type. Expected '${expected}', but was '${jsonKind(value)}' for value: ${jsonText(value)}`,
    field,
  );
}

function evaluationFailure(text: string, field: string, e: unknown): StatesError {
  const err = e as { code?: unknown; message?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  const tail = typeof err?.code === 'string' ? `. ${err.code}: ${message}` : `: ${message}`;
  return new QueryEvaluationError(`The JSONata expression '${text}' specified for the field '${field}' threw an error during evaluation${tail}`, field);
}

/** A function (`{% $uppercase %}`) is no JSON value: like AWS, it counts as nothing. */
const normalise = (v: unknown): unknown => (typeof v === 'function' ? undefined : v);

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

// --- templates ------------------------------------------------------------------------------

type TemplateNode =
  | { kind: 'copy'; value: unknown }
  | { kind: 'expr'; source: string }
  | { kind: 'array'; items: TemplateNode[] }
  | { kind: 'object'; keys: string[]; nodes: TemplateNode[] };

const templates = new WeakMap<object, TemplateNode>();

function analyse(v: unknown): TemplateNode {
  if (isJsonataString(v)) return { kind: 'expr', source: v };
  if (Array.isArray(v)) {
    const items = v.map(analyse);
    return items.every((i) => i.kind === 'copy') ? { kind: 'copy', value: v } : { kind: 'array', items };
  }
  if (!isJsonObject(v)) return { kind: 'copy', value: v };
  const keys = Object.keys(v);
  const nodes = keys.map((k) => analyse(v[k]));
  return nodes.every((n) => n.kind === 'copy') ? { kind: 'copy', value: v } : { kind: 'object', keys, nodes };
}

function nodeOf(template: unknown): TemplateNode {
  if (typeof template !== 'object' || template === null) return analyse(template);
  let node = templates.get(template);
  if (node === undefined) {
    node = analyse(template);
    templates.set(template, node);
  }
  return node;
}

/**
 * `evaluateTemplate` without waiting, when every expression in the template is of the simple
 * kind; FALLBACK when one is not (or meets values it does not handle), and the template must be
 * evaluated by `evaluateTemplate`.
 */
export function evaluateTemplateSync(template: unknown, field: string, bindings: Record<string, unknown>): unknown {
  const node = nodeOf(template);
  if (node.kind === 'copy') return cloneJson(node.value);
  return buildSync(node, field, bindings);
}

function buildSync(node: TemplateNode, field: string, bindings: Record<string, unknown>): unknown {
  switch (node.kind) {
    case 'copy':
      return cloneJson(node.value);
    case 'expr': {
      const { fast } = entryFor(expressionText(node.source), field);
      if (fast === undefined) return FALLBACK;
      const v = fast(bindings);
      if (v === undefined) throw returnedNothing(node.source, field);
      return v;
    }
    case 'array': {
      const out: unknown[] = [];
      for (let i = 0; i < node.items.length; i++) {
        const v = buildSync(node.items[i], `${field}[${i}]`, bindings);
        if (v === FALLBACK) return FALLBACK;
        out.push(v);
      }
      return out;
    }
    case 'object': {
      const out: JsonObject = {};
      for (let i = 0; i < node.keys.length; i++) {
        const key = node.keys[i];
        const v = buildSync(node.nodes[i], `${field}/${key}`, bindings);
        if (v === FALLBACK) return FALLBACK;
        setOwn(out, key, v);
      }
      return out;
    }
  }
}

/**
 * A field whose value is any JSON value in which every string that is entirely `{% %}` is an
 * expression (Output, Arguments, Assign values, ItemSelector, Catch Output).
 */
export async function evaluateTemplate(template: unknown, field: string, bindings: Record<string, unknown>): Promise<unknown> {
  return build(nodeOf(template), field, bindings);
}

async function build(node: TemplateNode, field: string, bindings: Record<string, unknown>): Promise<unknown> {
  switch (node.kind) {
    case 'copy':
      return cloneJson(node.value);
    case 'expr':
      return evaluateExpression(node.source, field, bindings);
    case 'array': {
      const out: unknown[] = [];
      for (let i = 0; i < node.items.length; i++) out.push(await build(node.items[i], `${field}[${i}]`, bindings));
      return out;
    }
    case 'object': {
      const out: JsonObject = {};
      for (let i = 0; i < node.keys.length; i++) {
        const key = node.keys[i];
        setOwn(out, key, await build(node.nodes[i], `${field}/${key}`, bindings));
      }
      return out;
    }
  }
}


// --- functions Step Functions adds ----------------------------------------------------------

/** The most elements $range builds, as for States.ArrayRange. */
const MAX_RANGE = 1000;
const HASH_ALGORITHMS: Record<string, string> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

function fnError(message: string): Error {
  return Object.assign(new Error(message), { code: undefined });
}

function partition(array: unknown, size: unknown): unknown[] {
  const items = Array.isArray(array) ? array : array === undefined ? [] : [array];
  if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) throw fnError('Invalid arguments to $partition: the chunk size must be a positive integer');
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function range(first: unknown, last: unknown, step: unknown): number[] {
  if (![first, last, step].every((n) => typeof n === 'number' && Number.isInteger(n))) {
    throw fnError('Invalid arguments to $range: start, end and step must be integers');
  }
  const [a, z, s] = [first, last, step] as number[];
  if (s === 0) throw fnError('Invalid arguments to $range: step must not be 0');
  const out: number[] = [];
  for (let v = a; s > 0 ? v <= z : v >= z; v += s) {
    if (out.length === MAX_RANGE) throw fnError(`Invalid arguments to $range: the result would have more than ${MAX_RANGE} items`);
    out.push(v);
  }
  return out;
}

function hash(value: unknown, algorithm: unknown): string {
  if (typeof value !== 'string') throw fnError('Invalid arguments to $hash: the value to hash must be a string');
  const alg = typeof algorithm === 'string' ? HASH_ALGORITHMS[algorithm] : undefined;
  if (!alg) throw fnError(`Invalid arguments to $hash: the algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`);
  return createHash(alg).update(value, 'utf8').digest('hex');
}

/** A number in [0, 1): seeded calls always give the same number for the same seed. */
function random(seed?: unknown): number {
  if (seed === undefined) return Math.random();
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw fnError('Invalid arguments to $random: the seed must be an integer');
  // mulberry32 over the seed's 32 low bits.
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function parse(text: unknown): unknown {
  if (typeof text !== 'string') throw fnError('Invalid arguments to $parse: the argument must be a string');
  try {
    return JSON.parse(text);
  } catch {
    throw fnError(`Invalid arguments to $parse: the string is not valid JSON: ${text}`);
  }
}

const FUNCTIONS: [string, (...args: any[]) => unknown, string][] = [
  ['partition', partition, '<a-n:a>'],
  ['range', range, '<nnn:a<n>>'],
  ['hash', hash, '<s-s:s>'],
  ['random', random, '<n?:n>'],
  ['uuid', () => randomUUID(), '<:s>'],
  ['parse', parse, '<s-:j>'],
];
