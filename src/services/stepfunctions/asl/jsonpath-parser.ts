/**
 * Parser for the JSONPath dialect Step Functions uses (Jayway JsonPath): `$`, `$$` (Context object)
 * and `$name` (workflow variable) roots; dot and bracket steps; indexes (negative too), index and
 * property unions, slices, `*`, `..` deep scan, `[?(...)]` filters and trailing functions such as
 * `length()`. Pure syntax: evaluation lives in jsonpath.ts.
 */

export type PathFunctionName = 'length' | 'min' | 'max' | 'avg' | 'sum' | 'stddev' | 'keys';
const PATH_FUNCTIONS: ReadonlySet<string> = new Set(['length', 'min', 'max', 'avg', 'sum', 'stddev', 'keys']);

export type Segment =
  | { kind: 'prop'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'props'; names: string[] }
  | { kind: 'indexes'; indexes: number[] }
  | { kind: 'wildcard' }
  | { kind: 'slice'; start: number | undefined; end: number | undefined; step: number | undefined }
  | { kind: 'filter'; expr: FilterExpr }
  | { kind: 'scan'; target: Segment }
  | { kind: 'function'; name: PathFunctionName };

export type PathRoot = 'input' | 'context' | 'variable';

export interface CompiledPath {
  readonly text: string;
  readonly root: PathRoot;
  /** Variable name when root is 'variable' (`$name.rest`). */
  readonly variable: string | undefined;
  readonly segments: readonly Segment[];
  /** True when the path yields one value rather than a list of matches. */
  readonly definite: boolean;
  /** True when every step is a single property or index (a Reference Path). */
  readonly reference: boolean;
}

export type Operand =
  | { kind: 'literal'; value: unknown }
  | { kind: 'regex'; regex: RegExp }
  | { kind: 'path'; relative: boolean; path: CompiledPath };

export type FilterExpr =
  | { kind: 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'and'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'exists'; operand: Operand }
  | { kind: 'compare'; op: string; left: Operand; right: Operand };

export class PathSyntaxError extends Error {}

const SYMBOL_OPERATORS = ['===', '!==', '==', '!=', '<=', '>=', '=~', '<', '>'];
const WORD_OPERATORS = ['subsetof', 'contains', 'anyof', 'noneof', 'empty', 'size', 'nin', 'in'];
/** Characters that end a dot-notation name inside a filter expression. */
const FILTER_NAME_STOP = new Set([' ', '\t', '\n', '\r', '=', '!', '<', '>', '&', '|', ')', '(', ',', '~', ']', '.', '[']);

const isIdentStart = (c: string | undefined): boolean => c !== undefined && /[\p{L}_]/u.test(c);
const isIdentPart = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

export function parsePath(text: string): CompiledPath {
  const p = new Parser(text);
  const path = p.path(false);
  if (p.pos < text.length) p.fail(`Unexpected character '${text[p.pos]}'`);
  return path;
}

class Parser {
  pos = 0;

  constructor(readonly src: string) {}

  fail(message: string): never {
    throw new PathSyntaxError(`${message} at position ${this.pos} in path ${this.src}`);
  }

  private skipWs(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }

  private expect(c: string): void {
    if (this.src[this.pos] !== c) this.fail(`Expected '${c}'`);
    this.pos++;
  }

  /** A path starting at `$` (or `@` when `relative`), read up to the end of its steps. */
  path(inFilter: boolean, relative = false): CompiledPath {
    const start = this.pos;
    let root: PathRoot = 'input';
    let variable: string | undefined;
    if (relative) {
      this.expect('@');
    } else {
      if (this.src[this.pos] !== '$') this.fail("Path must start with '$'");
      this.pos++;
      if (!inFilter && this.src[this.pos] === '$') {
        root = 'context';
        this.pos++;
      } else if (!inFilter && isIdentStart(this.src[this.pos])) {
        root = 'variable';
        const nameStart = this.pos;
        while (isIdentPart(this.src[this.pos])) this.pos++;
        variable = this.src.slice(nameStart, this.pos);
      }
    }
    const segments = this.segments(inFilter);
    const last = segments.length - 1;
    const definite = segments.every(
      (s, i) => s.kind === 'prop' || s.kind === 'index' || ((s.kind === 'props' || s.kind === 'function') && i === last),
    );
    const reference = segments.every((s) => s.kind === 'prop' || s.kind === 'index');
    return { text: this.src.slice(start, this.pos), root, variable, segments, definite, reference };
  }

  private segments(inFilter: boolean): Segment[] {
    const segments: Segment[] = [];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (segments.length > 0 && segments[segments.length - 1].kind === 'function') {
        if (inFilter) break;
        this.fail('A function must be the last step of a path');
      }
      if (c === '.') {
        if (this.src[this.pos + 1] === '.') {
          this.pos += 2;
          segments.push({ kind: 'scan', target: this.stepAfterDot(inFilter, true) });
        } else {
          this.pos++;
          segments.push(this.stepAfterDot(inFilter, false));
        }
      } else if (c === '[') {
        segments.push(this.bracket());
      } else if (inFilter) {
        break;
      } else {
        this.fail(`Unexpected character '${c}'`);
      }
    }
    return segments;
  }

  private stepAfterDot(inFilter: boolean, scan: boolean): Segment {
    const c = this.src[this.pos];
    if (c === '*') {
      this.pos++;
      return { kind: 'wildcard' };
    }
    // `$..[0]` and the `$.abc.['def ghi']` form the AWS docs show.
    if (c === '[') return this.bracket();
    const name = this.dotName(inFilter);
    if (name === '') this.fail('Expected a property name');
    if (this.src[this.pos] === '(') {
      if (scan) this.fail('A function cannot follow a deep scan');
      this.pos++;
      this.skipWs();
      this.expect(')');
      if (!PATH_FUNCTIONS.has(name)) this.fail(`Function with name: ${name} does not exist`);
      return { kind: 'function', name: name as PathFunctionName };
    }
    return { kind: 'prop', name };
  }

  /** A dot-notation name; a backslash makes the next character literal (`$.a\.b` is key "a.b"). */
  private dotName(inFilter: boolean): string {
    let name = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\' && this.pos + 1 < this.src.length) {
        name += this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (inFilter ? FILTER_NAME_STOP.has(c) : c === '.' || c === '[' || c === '(') break;
      if (!inFilter && /\s/.test(c)) this.fail("Use bracket notation ['my prop'] if a property contains blank characters");
      name += c;
      this.pos++;
    }
    return name;
  }

  private bracket(): Segment {
    this.expect('[');
    this.skipWs();
    const c = this.src[this.pos];
    let seg: Segment;
    if (c === '*') {
      this.pos++;
      seg = { kind: 'wildcard' };
    } else if (c === '?') {
      this.pos++;
      this.skipWs();
      this.expect('(');
      const expr = this.orExpr();
      this.skipWs();
      this.expect(')');
      seg = { kind: 'filter', expr };
    } else if (c === "'" || c === '"') {
      const names = [this.quoted()];
      this.skipWs();
      while (this.src[this.pos] === ',') {
        this.pos++;
        this.skipWs();
        names.push(this.quoted());
        this.skipWs();
      }
      seg = names.length === 1 ? { kind: 'prop', name: names[0] } : { kind: 'props', names };
    } else {
      seg = this.indexOrSlice();
    }
    this.skipWs();
    this.expect(']');
    return seg;
  }

  private indexOrSlice(): Segment {
    const first = this.optionalInt();
    this.skipWs();
    if (this.src[this.pos] === ':') {
      this.pos++;
      this.skipWs();
      const end = this.optionalInt();
      this.skipWs();
      let step: number | undefined;
      if (this.src[this.pos] === ':') {
        this.pos++;
        this.skipWs();
        step = this.optionalInt();
        if (step === 0) this.fail('Slice step cannot be zero');
      }
      return { kind: 'slice', start: first, end, step };
    }
    if (first === undefined) this.fail('Expected an index, a slice, a quoted name, * or a filter');
    if (this.src[this.pos] !== ',') return { kind: 'index', index: first };
    const indexes = [first];
    while (this.src[this.pos] === ',') {
      this.pos++;
      this.skipWs();
      const next = this.optionalInt();
      if (next === undefined) this.fail('Expected an index');
      indexes.push(next);
      this.skipWs();
    }
    return { kind: 'indexes', indexes };
  }

  private optionalInt(): number | undefined {
    const start = this.pos;
    if (this.src[this.pos] === '-') this.pos++;
    if (!isDigit(this.src[this.pos])) {
      this.pos = start;
      return undefined;
    }
    while (isDigit(this.src[this.pos])) this.pos++;
    return Number(this.src.slice(start, this.pos));
  }

  /** A single- or double-quoted string; backslash escapes the next character. */
  private quoted(): string {
    const quote = this.src[this.pos];
    if (quote !== "'" && quote !== '"') this.fail('Expected a quoted name');
    this.pos++;
    let out = '';
    while (this.pos < this.src.length && this.src[this.pos] !== quote) {
      const c = this.src[this.pos];
      if (c === '\\' && this.pos + 1 < this.src.length) {
        const n = this.src[this.pos + 1];
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
        this.pos += 2;
      } else {
        out += c;
        this.pos++;
      }
    }
    this.expect(quote);
    return out;
  }

  // ---- filter expressions -------------------------------------------------------------------

  private orExpr(): FilterExpr {
    let left = this.andExpr();
    for (;;) {
      this.skipWs();
      if (!this.src.startsWith('||', this.pos)) return left;
      this.pos += 2;
      left = { kind: 'or', left, right: this.andExpr() };
    }
  }

  private andExpr(): FilterExpr {
    let left = this.unaryExpr();
    for (;;) {
      this.skipWs();
      if (!this.src.startsWith('&&', this.pos)) return left;
      this.pos += 2;
      left = { kind: 'and', left, right: this.unaryExpr() };
    }
  }

  private unaryExpr(): FilterExpr {
    this.skipWs();
    const c = this.src[this.pos];
    if (c === '!' && this.src[this.pos + 1] !== '=') {
      this.pos++;
      return { kind: 'not', expr: this.unaryExpr() };
    }
    if (c === '(') {
      this.pos++;
      const inner = this.orExpr();
      this.skipWs();
      this.expect(')');
      return inner;
    }
    const left = this.operand();
    this.skipWs();
    const op = this.operator();
    if (op === undefined) {
      if (left.kind !== 'path') this.fail('Expected a comparison operator');
      return { kind: 'exists', operand: left };
    }
    this.skipWs();
    return { kind: 'compare', op, left, right: this.operand() };
  }

  private operator(): string | undefined {
    for (const op of SYMBOL_OPERATORS) {
      if (this.src.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    for (const op of WORD_OPERATORS) {
      if (this.src.startsWith(op, this.pos) && !isIdentPart(this.src[this.pos + op.length])) {
        this.pos += op.length;
        return op;
      }
    }
    return undefined;
  }

  private operand(): Operand {
    const c = this.src[this.pos];
    if (c === '@') return { kind: 'path', relative: true, path: this.path(true, true) };
    if (c === '$') return { kind: 'path', relative: false, path: this.path(true) };
    if (c === '/') return { kind: 'regex', regex: this.regex() };
    return { kind: 'literal', value: this.literal() };
  }

  private regex(): RegExp {
    this.expect('/');
    let pattern = '';
    while (this.pos < this.src.length && this.src[this.pos] !== '/') {
      if (this.src[this.pos] === '\\' && this.pos + 1 < this.src.length) {
        pattern += this.src.slice(this.pos, this.pos + 2);
        this.pos += 2;
      } else {
        pattern += this.src[this.pos++];
      }
    }
    this.expect('/');
    let flags = '';
    while (/[a-z]/.test(this.src[this.pos] ?? '')) {
      const f = this.src[this.pos++];
      if (f !== 'i' && f !== 'm' && f !== 's') this.fail(`Unsupported regular expression flag '${f}'`);
      flags += f;
    }
    try {
      // Jayway matches the whole string (Java's Matcher.matches()).
      return new RegExp(`^(?:${pattern})$`, flags);
    } catch {
      this.fail(`Invalid regular expression /${pattern}/`);
    }
  }

  /** A JSON-like literal: numbers, 'single' or "double" quoted strings, true/false/null, [..], {..}. */
  private literal(): unknown {
    this.skipWs();
    const c = this.src[this.pos];
    if (c === "'" || c === '"') return this.quoted();
    if (c === '-' || isDigit(c)) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.src.slice(this.pos));
      if (!m) this.fail('Invalid number');
      this.pos += m[0].length;
      return Number(m[0]);
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.src.startsWith(word, this.pos) && !isIdentPart(this.src[this.pos + word.length])) {
        this.pos += word.length;
        return value;
      }
    }
    if (c === '[') {
      this.pos++;
      const items: unknown[] = [];
      this.skipWs();
      if (this.src[this.pos] === ']') {
        this.pos++;
        return items;
      }
      for (;;) {
        items.push(this.literal());
        this.skipWs();
        if (this.src[this.pos] === ']') {
          this.pos++;
          return items;
        }
        this.expect(',');
      }
    }
    if (c === '{') {
      this.pos++;
      const obj: Record<string, unknown> = {};
      this.skipWs();
      if (this.src[this.pos] === '}') {
        this.pos++;
        return obj;
      }
      for (;;) {
        this.skipWs();
        const key = this.quoted();
        this.skipWs();
        this.expect(':');
        Object.defineProperty(obj, key, { value: this.literal(), enumerable: true, writable: true, configurable: true });
        this.skipWs();
        if (this.src[this.pos] === '}') {
          this.pos++;
          return obj;
        }
        this.expect(',');
      }
    }
    this.fail('Expected a value');
  }
}
