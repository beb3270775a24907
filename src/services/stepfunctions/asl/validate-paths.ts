/**
 * Syntax checks for the string forms ASL fields take: JSONPath paths, reference paths, intrinsic
 * function calls, JSONata expression strings and RFC 3339 timestamps. These decide validity only;
 * evaluation lives elsewhere.
 */

export interface PathOptions {
  /** `$$...` (the context object) is allowed. */
  context?: boolean;
  /** `$name...` (a workflow variable) is allowed. */
  variables?: boolean;
}

export const INTRINSIC_FUNCTIONS: ReadonlySet<string> = new Set([
  'States.Array',
  'States.ArrayContains',
  'States.ArrayGetItem',
  'States.ArrayLength',
  'States.ArrayPartition',
  'States.ArrayRange',
  'States.ArrayUnique',
  'States.Base64Decode',
  'States.Base64Encode',
  'States.Format',
  'States.Hash',
  'States.JsonMerge',
  'States.JsonToString',
  'States.MathAdd',
  'States.MathRandom',
  'States.StringSplit',
  'States.StringToJson',
  'States.UUID',
]);

const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_]/.test(c);
/** Characters that end or are not allowed in a dot-notation member name. */
const NAME_STOP = new Set(['.', '[', ']', '(', ')', '*', '@', ',', ':', '?', "'", '"', ' ', '\t', '\n', '\r']);

/** Index just after the root (`$`, `$$` or `$name`), or -1. */
function root(s: string, opts: PathOptions): number {
  if (s[0] !== '$') return -1;
  if (s[1] === '$') return opts.context ? 2 : -1;
  if (s[1] !== undefined && isIdentStart(s[1])) {
    if (!opts.variables) return -1;
    let i = 2;
    while (i < s.length && isIdentPart(s[i])) i++;
    return i;
  }
  return 1;
}

function readName(s: string, i: number): number {
  const start = i;
  while (i < s.length && !NAME_STOP.has(s[i])) i++;
  return i > start ? i : -1;
}

/** Index just after a quoted string starting at `i` (either quote style), or -1. */
function readQuoted(s: string, i: number): number {
  const q = s[i];
  if (q !== "'" && q !== '"') return -1;
  for (i++; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === q) return i + 1;
  }
  return -1;
}

/** Index just after the `]` closing a bracket whose content starts at `i`, honouring quotes and nesting. */
function readBracketBody(s: string, i: number): { end: number; body: string } | undefined {
  const start = i;
  let depth = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "'" || c === '"') {
      const e = readQuoted(s, i);
      if (e < 0) return undefined;
      i = e;
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if (c === ')') depth--;
    else if (c === ']') {
      if (depth === 0) return { end: i + 1, body: s.slice(start, i) };
      depth--;
    }
    if (depth < 0) return undefined;
    i++;
  }
  return undefined;
}

const INDEX = /^\s*-?\d+\s*$/;
const QUOTED = /^\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*$/;
const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(:\s*-?\d+\s*)?$/;

function validBracket(body: string, reference: boolean): boolean {
  if (reference) return /^-?\d+$/.test(body) || QUOTED.test(body);
  if (body.trim() === '*' || SLICE.test(body)) return true;
  if (body.startsWith('?(')) return body.endsWith(')');
  return splitUnion(body).every((part) => INDEX.test(part) || QUOTED.test(part));
}

/** Splits `0, 1` or `'a', 'b,c'` on the commas outside quotes. */
function splitUnion(body: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "'" || body[i] === '"') {
      const e = readQuoted(body, i);
      if (e < 0) return [body];
      i = e - 1;
    } else if (body[i] === ',') {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

function walk(s: string, opts: PathOptions, reference: boolean): boolean {
  let i = root(s, opts);
  if (i < 0) return false;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      if (s[i + 1] === '.') {
        if (reference) return false;
        i += 2;
        if (s[i] === '[') continue;
      } else {
        i++;
      }
      if (s[i] === '*') {
        if (reference) return false;
        i++;
        continue;
      }
      const e = readName(s, i);
      if (e < 0) return false;
      i = e;
      if (s[i] === '(') {
        // A trailing function such as `.length()`: allowed in Paths, never in reference paths.
        if (reference || s[i + 1] !== ')' || i + 2 !== s.length) return false;
        return true;
      }
      continue;
    }
    if (c === '[') {
      const b = readBracketBody(s, i + 1);
      if (!b || !validBracket(b.body, reference)) return false;
      i = b.end;
      continue;
    }
    return false;
  }
  return true;
}

/** A JSONPath Path (InputPath, OutputPath, `.$` values): the full JSONPath syntax. */
export function isValidPath(s: string, opts: PathOptions = { context: true, variables: true }): boolean {
  return walk(s, opts, false);
}

/** A Reference Path: identifies a single node, using only dot and bracket member/index access. */
export function isValidReferencePath(s: string, opts: PathOptions = {}): boolean {
  return walk(s, opts, true);
}

/** A whole string that is one intrinsic function call with a known name, e.g. `States.Format('{}', $.a)`. */
export function isIntrinsicCall(s: string): boolean {
  return call(s, 0) === s.length;
}

function skipWs(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i])) i++;
  return i;
}

function call(s: string, i: number): number {
  const m = /^States\.[A-Za-z0-9]+/.exec(s.slice(i));
  if (!m || !INTRINSIC_FUNCTIONS.has(m[0])) return -1;
  i += m[0].length;
  if (s[i] !== '(') return -1;
  i = skipWs(s, i + 1);
  if (s[i] === ')') return i + 1;
  for (;;) {
    i = argument(s, i);
    if (i < 0) return -1;
    i = skipWs(s, i);
    if (s[i] === ')') return i + 1;
    if (s[i] !== ',') return -1;
    i = skipWs(s, i + 1);
  }
}

function argument(s: string, i: number): number {
  const c = s[i];
  if (c === "'") return stringLiteral(s, i);
  if (c === '$') {
    const start = i;
    let depth = 0;
    while (i < s.length) {
      const ch = s[i];
      if (ch === "'" || ch === '"') {
        const e = readQuoted(s, i);
        if (e < 0) return -1;
        i = e;
        continue;
      }
      if (ch === '[' || ch === '(') depth++;
      else if (ch === ']' || ch === ')') {
        if (depth === 0) break;
        depth--;
      } else if (ch === ',' && depth === 0) break;
      i++;
    }
    return isValidPath(s.slice(start, i).trimEnd()) ? i : -1;
  }
  if (s.startsWith('States.', i)) return call(s, i);
  const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(s.slice(i));
  return m ? i + m[0].length : -1;
}

/** A single-quoted intrinsic string literal, where `\'`, `\{`, `\}` and `\\` are the escapes. */
function stringLiteral(s: string, i: number): number {
  for (i++; i < s.length; i++) {
    if (s[i] === '\\') {
      if (!"'{}\\".includes(s[i + 1] ?? '')) return -1;
      i++;
    } else if (s[i] === "'") {
      return i + 1;
    }
  }
  return -1;
}

/** A string holding a JSONata expression: `{% ... %}`. */
export const isJsonataExpression = (s: unknown): s is string =>
  typeof s === 'string' && s.length >= 4 && s.startsWith('{%') && s.endsWith('%}');

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 as ASL profiles it: uppercase `T`, and `Z` when there is no numeric offset. */
export function isTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= daysInMonth;
}

/** Whether a string a field holds looks like a path or an intrinsic call (used for NO_DOLLAR / NO_PATH warnings). */
export function looksLikePathOrIntrinsic(s: string): boolean {
  if (s.startsWith('$')) return (s === '$' || s.startsWith('$.') || s.startsWith('$[') || s.startsWith('$$')) && isValidPath(s);
  return s.startsWith('States.') && isIntrinsicCall(s);
}
