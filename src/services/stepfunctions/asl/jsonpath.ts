/**
 * Evaluation of Step Functions JSONPath (Jayway semantics): definite paths yield one value and
 * fail when nothing matches; indefinite paths (wildcard, filter, deep scan, slice, index union,
 * property union followed by more steps) yield the list of matches, possibly empty. Each distinct
 * path string is parsed once.
 */
import { StatesError, StatesErrors } from './errors.js';
import {
  parsePath,
  PathSyntaxError,
  type CompiledPath,
  type FilterExpr,
  type Operand,
  type PathFunctionName,
  type Segment,
} from './jsonpath-parser.js';
import { hasOwn, isJsonObject, jsonEquals, jsonText, setOwn, type JsonObject } from './json-values.js';

/** Returned by lookups when a path matches nothing. */
export const MISSING: unique symbol = Symbol('jsonpath.missing');
export type Missing = typeof MISSING;

const MAX_CACHED_PATHS = 10_000;
const compiled = new Map<string, CompiledPath>();

/** Parses a path (cached). A syntax error is a States.Runtime error naming the path. */
export function compilePath(path: string): CompiledPath {
  let c = compiled.get(path);
  if (c === undefined) {
    try {
      c = parsePath(path);
    } catch (e) {
      if (e instanceof PathSyntaxError) throw new StatesError(StatesErrors.Runtime, `Invalid path '${path}' : ${e.message}`);
      throw e;
    }
    if (compiled.size >= MAX_CACHED_PATHS) compiled.clear();
    compiled.set(path, c);
  }
  return c;
}

/**
 * The value at `path` in `data`, or the list of matches for an indefinite path. A definite path
 * that matches nothing throws States.Runtime with Jayway's explanation, as AWS reports it.
 * `$$...` paths are evaluated against `data` as if it were the Context object.
 */
export function evaluatePath(path: string, data: unknown): unknown {
  const c = compilePath(path);
  if (c.root === 'variable') {
    throw new StatesError(StatesErrors.Runtime, `Invalid path '${path}' : variable references are resolved against workflow variables`);
  }
  const value = evaluateCompiled(c, data);
  if (value === MISSING) throw new StatesError(StatesErrors.Runtime, `Invalid path '${path}' : ${describeMissing(c, data)}`);
  return value;
}

/** Like evaluatePath but returns MISSING instead of throwing when a definite path matches nothing. */
export function lookupPath(path: string, data: unknown): unknown {
  return evaluateCompiled(compilePath(path), data);
}

/** Jayway's explanation of why a definite path matched nothing in `data`. */
export function describeMissingPath(path: string, data: unknown): string {
  return describeMissing(compilePath(path), data);
}

/** True for a path made only of single property and index steps (rooted at `$`, `$$` or `$name`). */
export function isReferencePath(path: string): boolean {
  try {
    return compilePath(path).reference;
  } catch {
    return false;
  }
}

/**
 * ResultPath semantics: a new top-level value with `value` placed at `path` in `target`. Only the
 * objects along the path are copied; missing intermediate objects are created. Crossing anything
 * that is not an object fails with States.ResultPathMatchFailure.
 */
export function setPath(target: unknown, path: string, value: unknown): unknown {
  const c = compilePath(path);
  if (c.root !== 'input' || !c.reference) {
    throw new StatesError(StatesErrors.Runtime, `Invalid path '${path}' : ResultPath must be a Reference Path rooted at '$'`);
  }
  if (c.segments.length === 0) return value;
  return setAt(target, c.segments, 0, value, path, target);
}

function setAt(node: unknown, segs: readonly Segment[], i: number, value: unknown, path: string, input: unknown): unknown {
  const seg = segs[i];
  const last = i === segs.length - 1;
  if (seg.kind === 'prop') {
    if (!isJsonObject(node)) throw resultPathFailure(path, input);
    let child = value;
    if (!last) {
      const existing = hasOwn(node, seg.name) ? node[seg.name] : undefined;
      if (existing === undefined && segs[i + 1].kind !== 'prop') throw resultPathFailure(path, input);
      child = setAt(existing === undefined ? {} : existing, segs, i + 1, value, path, input);
    }
    const copy: JsonObject = { ...node };
    setOwn(copy, seg.name, child);
    return copy;
  }
  if (seg.kind !== 'index' || !Array.isArray(node)) throw resultPathFailure(path, input);
  const idx = seg.index < 0 ? node.length + seg.index : seg.index;
  if (idx < 0 || idx >= node.length) throw resultPathFailure(path, input);
  const copy = node.slice();
  copy[idx] = last ? value : setAt(node[idx], segs, i + 1, value, path, input);
  return copy;
}

function resultPathFailure(path: string, input: unknown): StatesError {
  return new StatesError(
    StatesErrors.ResultPathMatchFailure,
    `Unable to apply ResultPath '${path}' to input '${jsonText(input)}'`,
  );
}

// ---- evaluation ---------------------------------------------------------------------------

/** Evaluates a compiled path; `root` is the document `$` refers to inside filters. */
export function evaluateCompiled(c: CompiledPath, data: unknown, root: unknown = data): unknown {
  const segs = c.segments;
  const lastSeg = segs[segs.length - 1];
  if (lastSeg !== undefined && lastSeg.kind === 'function') {
    const upstream = segs.length - 1;
    // With a trailing function, `definite` describes the steps before it.
    const subject = c.definite ? walkDefinite(segs, upstream, data) : collect(segs, upstream, data, root);
    return subject === MISSING ? MISSING : applyFunction(lastSeg.name, subject);
  }
  if (c.definite) return walkDefinite(segs, segs.length, data);
  return collect(segs, segs.length, data, root);
}

function walkDefinite(segs: readonly Segment[], count: number, data: unknown): unknown {
  let node = data;
  for (let i = 0; i < count; i++) {
    const seg = segs[i];
    if (seg.kind === 'prop') {
      if (!isJsonObject(node) || !hasOwn(node, seg.name)) return MISSING;
      node = node[seg.name];
    } else if (seg.kind === 'index') {
      if (!Array.isArray(node)) return MISSING;
      const idx = seg.index < 0 ? node.length + seg.index : seg.index;
      if (idx < 0 || idx >= node.length) return MISSING;
      node = node[idx];
    } else if (seg.kind === 'props') {
      if (!isJsonObject(node)) return MISSING;
      node = mergeProps(node, seg.names);
    } else {
      throw new Error(`Indefinite step '${seg.kind}' in a definite path`);
    }
  }
  return node;
}

function collect(segs: readonly Segment[], count: number, data: unknown, root: unknown): unknown[] {
  let current: unknown[] = [data];
  for (let i = 0; i < count && current.length > 0; i++) {
    const next: unknown[] = [];
    const leaf = i === count - 1;
    for (const node of current) step(segs[i], node, next, root, leaf);
    current = next;
  }
  return current;
}

function step(seg: Segment, node: unknown, out: unknown[], root: unknown, leaf: boolean): void {
  switch (seg.kind) {
    case 'prop':
      if (isJsonObject(node) && hasOwn(node, seg.name)) out.push(node[seg.name]);
      return;
    case 'props':
      if (!isJsonObject(node)) return;
      // Jayway merges a trailing property union into one object; earlier in a path it iterates.
      if (leaf) out.push(mergeProps(node, seg.names));
      else for (const name of seg.names) if (hasOwn(node, name)) out.push(node[name]);
      return;
    case 'index':
      if (Array.isArray(node)) pushIndex(node, seg.index, out);
      return;
    case 'indexes':
      if (Array.isArray(node)) for (const idx of seg.indexes) pushIndex(node, idx, out);
      return;
    case 'wildcard':
      if (Array.isArray(node)) out.push(...node);
      else if (isJsonObject(node)) for (const key of Object.keys(node)) out.push(node[key]);
      return;
    case 'slice':
      if (Array.isArray(node)) slice(node, seg.start, seg.end, seg.step, out);
      return;
    case 'filter':
      if (Array.isArray(node)) {
        for (const item of node) if (testFilter(seg.expr, item, root)) out.push(item);
      } else if (isJsonObject(node) && testFilter(seg.expr, node, root)) {
        out.push(node);
      }
      return;
    case 'scan': {
      const nodes: unknown[] = [];
      descendants(node, nodes);
      const target = seg.target;
      if (target.kind === 'filter') {
        for (const d of nodes) if (isJsonObject(d) && testFilter(target.expr, d, root)) out.push(d);
      } else {
        for (const d of nodes) step(target, d, out, root, leaf);
      }
      return;
    }
    case 'function':
      throw new Error('A path function must be the last step');
  }
}

function mergeProps(node: JsonObject, names: readonly string[]): JsonObject {
  const merged: JsonObject = {};
  for (const name of names) if (hasOwn(node, name)) setOwn(merged, name, node[name]);
  return merged;
}

function pushIndex(arr: unknown[], index: number, out: unknown[]): void {
  const idx = index < 0 ? arr.length + index : index;
  if (idx >= 0 && idx < arr.length) out.push(arr[idx]);
}

function slice(arr: unknown[], start: number | undefined, end: number | undefined, stepBy: number | undefined, out: unknown[]): void {
  const len = arr.length;
  const by = stepBy ?? 1;
  if (by > 0) {
    const from = start === undefined ? 0 : start < 0 ? Math.max(0, len + start) : Math.min(start, len);
    const to = end === undefined ? len : end < 0 ? Math.max(0, len + end) : Math.min(end, len);
    for (let i = from; i < to; i += by) out.push(arr[i]);
  } else {
    const from = start === undefined ? len - 1 : start < 0 ? len + start : Math.min(start, len - 1);
    const to = end === undefined ? -1 : end < 0 ? Math.max(-1, len + end) : end;
    for (let i = from; i > to; i += by) out.push(arr[i]);
  }
}

/** The node itself and every value below it, depth first, in document order. */
function descendants(node: unknown, out: unknown[]): void {
  out.push(node);
  if (Array.isArray(node)) {
    for (const item of node) descendants(item, out);
  } else if (isJsonObject(node)) {
    for (const key of Object.keys(node)) descendants(node[key], out);
  }
}

function applyFunction(name: PathFunctionName, subject: unknown): unknown {
  switch (name) {
    case 'length':
      if (Array.isArray(subject)) return subject.length;
      return isJsonObject(subject) ? Object.keys(subject).length : null;
    case 'keys':
      return isJsonObject(subject) ? Object.keys(subject) : null;
    default: {
      const nums = Array.isArray(subject) ? subject.filter((v): v is number => typeof v === 'number') : [];
      if (nums.length === 0) {
        throw new StatesError(StatesErrors.Runtime, 'Aggregation function attempted to calculate value using empty array');
      }
      const sum = nums.reduce((a, b) => a + b, 0);
      if (name === 'sum') return sum;
      if (name === 'min') return Math.min(...nums);
      if (name === 'max') return Math.max(...nums);
      const avg = sum / nums.length;
      if (name === 'avg') return avg;
      return Math.sqrt(nums.reduce((a, b) => a + (b - avg) * (b - avg), 0) / nums.length);
    }
  }
}

// ---- filters ------------------------------------------------------------------------------

function testFilter(expr: FilterExpr, current: unknown, root: unknown): boolean {
  switch (expr.kind) {
    case 'or':
      return testFilter(expr.left, current, root) || testFilter(expr.right, current, root);
    case 'and':
      return testFilter(expr.left, current, root) && testFilter(expr.right, current, root);
    case 'not':
      return !testFilter(expr.expr, current, root);
    case 'exists': {
      const v = operandValue(expr.operand, current, root);
      return v !== MISSING && !(Array.isArray(v) && expr.operand.kind === 'path' && !expr.operand.path.definite && v.length === 0);
    }
    case 'compare':
      return compare(expr.op, operandValue(expr.left, current, root), operandValue(expr.right, current, root));
  }
}

function operandValue(op: Operand, current: unknown, root: unknown): unknown {
  if (op.kind === 'literal') return op.value;
  if (op.kind === 'regex') return op.regex;
  return evaluateCompiled(op.path, op.relative ? current : root, root);
}

function compare(op: string, l: unknown, r: unknown): boolean {
  switch (op) {
    case '==':
      return looseEquals(l, r);
    case '!=':
      return !looseEquals(l, r);
    case '===':
      return l !== MISSING && r !== MISSING && jsonEquals(l, r);
    case '!==':
      return !(l !== MISSING && r !== MISSING && jsonEquals(l, r));
    case '<':
    case '<=':
    case '>':
    case '>=':
      return ordered(op, l, r);
    case '=~': {
      const [re, input] = l instanceof RegExp ? [l, r] : [r, l];
      if (!(re instanceof RegExp)) return false;
      if (typeof input !== 'string' && typeof input !== 'number' && typeof input !== 'boolean') return false;
      return re.test(String(input));
    }
    case 'in':
      return Array.isArray(r) && r.some((x) => looseEquals(l, x));
    case 'nin':
      return !(Array.isArray(r) && r.some((x) => looseEquals(l, x)));
    case 'subsetof':
      return Array.isArray(l) && Array.isArray(r) && l.every((x) => r.some((y) => looseEquals(x, y)));
    case 'anyof':
      return Array.isArray(l) && Array.isArray(r) && l.some((x) => r.some((y) => looseEquals(x, y)));
    case 'noneof':
      return Array.isArray(l) && Array.isArray(r) && !l.some((x) => r.some((y) => looseEquals(x, y)));
    case 'contains':
      if (typeof l === 'string') return typeof r === 'string' && l.includes(r);
      return Array.isArray(l) && l.some((x) => looseEquals(x, r));
    case 'size':
      return (typeof l === 'string' || Array.isArray(l)) && l.length === r;
    case 'empty':
      return (typeof l === 'string' || Array.isArray(l)) && (l.length === 0) === r;
    default:
      throw new StatesError(StatesErrors.Runtime, `Unsupported filter operator '${op}'`);
  }
}

/** Jayway's `==`: JSON equality, with a number equal to a string holding the same number. */
function looseEquals(a: unknown, b: unknown): boolean {
  if (a === MISSING || b === MISSING) return false;
  if (typeof a === 'number' && typeof b === 'string') return b.trim() !== '' && Number(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return a.trim() !== '' && Number(a) === b;
  return jsonEquals(a, b);
}

function ordered(op: string, l: unknown, r: unknown): boolean {
  let c: number;
  if (typeof l === 'number' && typeof r === 'number') c = l - r;
  else if (typeof l === 'string' && typeof r === 'string') c = l < r ? -1 : l > r ? 1 : 0;
  else return false;
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

// ---- error explanations (Jayway's wording) --------------------------------------------------

function fragment(seg: Segment): string {
  switch (seg.kind) {
    case 'prop':
      return `['${seg.name}']`;
    case 'props':
      return `[${seg.names.map((n) => `'${n}'`).join(', ')}]`;
    case 'index':
      return `[${seg.index}]`;
    case 'function':
      return `.${seg.name}()`;
    default:
      return '';
  }
}

function javaTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'java.lang.String';
  if (typeof v === 'boolean') return 'java.lang.Boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'java.lang.Integer' : 'java.lang.Double';
  return Array.isArray(v) ? 'java.util.ArrayList' : 'java.util.LinkedHashMap';
}

function describeMissing(c: CompiledPath, data: unknown): string {
  const full = '$' + c.segments.map(fragment).join('');
  const noResults = `No results for path: ${full}`;
  let node = data;
  let at = '$';
  const segs = c.segments.filter((s) => s.kind !== 'function');
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (seg.kind === 'prop' || seg.kind === 'props') {
      if (!isJsonObject(node)) {
        return `Expected to find an object with property ${fragment(seg)} in path ${at} but found '${javaTypeName(node)}'. This is not a json object according to the JsonProvider.`;
      }
      if (seg.kind === 'props') return noResults;
      const here = at + fragment(seg);
      if (!hasOwn(node, seg.name)) return i === segs.length - 1 ? noResults : `Missing property in path ${here}`;
      node = node[seg.name];
      at = here;
    } else if (seg.kind === 'index') {
      if (node === null) return `The path ${at} is null`;
      if (!Array.isArray(node)) return `Filter: [${seg.index}] can only be applied to arrays. Current context is: ${jsonText(node)}`;
      const idx = seg.index < 0 ? node.length + seg.index : seg.index;
      if (idx < 0 || idx >= node.length) return noResults;
      node = node[idx];
      at += fragment(seg);
    } else {
      return noResults;
    }
  }
  return noResults;
}
