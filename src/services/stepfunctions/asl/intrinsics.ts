/**
 * Intrinsic functions of JSONPath states (`States.Format(...)`, `States.Array(...)`, ...): the
 * parser for an invocation string and its evaluation. Each distinct invocation is parsed once.
 * The functions themselves live in intrinsic-functions.ts.
 */
import { StatesError, StatesErrors } from './errors.js';
import { INTRINSIC_FUNCTIONS, intrinsicFailure } from './intrinsic-functions.js';

export type IntrinsicArg =
  | { kind: 'call'; name: string; args: IntrinsicArg[] }
  /** `raw` is the text between the quotes, escapes intact (States.Format needs to tell `\{` from `{`). */
  | { kind: 'string'; value: string; raw: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'path'; path: string };

export type IntrinsicCall = Extract<IntrinsicArg, { kind: 'call' }>;

const INTRINSIC_START = /^States\.[A-Za-z0-9]+\s*\(/;

/** True when `value` is an intrinsic function invocation such as `States.Format('{}', $.a)`. */
export function isIntrinsic(value: string): boolean {
  return INTRINSIC_START.test(value) && value.trimEnd().endsWith(')');
}

const MAX_CACHED = 10_000;
const compiled = new Map<string, IntrinsicCall>();

/** Parses an invocation (cached); a malformed one is a States.IntrinsicFailure. */
export function compileIntrinsic(expr: string): IntrinsicCall {
  let call = compiled.get(expr);
  if (call === undefined) {
    call = new IntrinsicParser(expr).invocation();
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(expr, call);
  }
  return call;
}

/**
 * Parses and runs an intrinsic invocation. Path arguments (`$.x`, `$$.x`, `$var.x`) are handed to
 * `resolvePath`, which returns their value or throws when they do not resolve.
 */
export function evaluateIntrinsic(expr: string, resolvePath: (path: string) => unknown): unknown {
  return runCall(compileIntrinsic(expr), resolvePath);
}

function runCall(call: IntrinsicCall, resolvePath: (path: string) => unknown): unknown {
  const fn = INTRINSIC_FUNCTIONS[call.name];
  if (fn === undefined) throw intrinsicFailure(call.name, `the function ${call.name} is not supported`);
  const values = call.args.map((arg) => argValue(arg, resolvePath));
  return fn(values, call.args);
}

function argValue(arg: IntrinsicArg, resolvePath: (path: string) => unknown): unknown {
  switch (arg.kind) {
    case 'call':
      return runCall(arg, resolvePath);
    case 'path':
      return resolvePath(arg.path);
    case 'null':
      return null;
    default:
      return arg.value;
  }
}

class IntrinsicParser {
  private pos = 0;

  constructor(private readonly src: string) {}

  private fail(message: string): never {
    throw new StatesError(
      StatesErrors.IntrinsicFailure,
      `Invalid intrinsic function invocation '${this.src}': ${message} at position ${this.pos}`,
    );
  }

  private skipWs(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }

  invocation(): IntrinsicCall {
    this.skipWs();
    const call = this.call();
    this.skipWs();
    if (this.pos < this.src.length) this.fail(`unexpected '${this.src.slice(this.pos)}'`);
    return call;
  }

  private call(): IntrinsicCall {
    const m = /^States\.([A-Za-z0-9]+)\s*\(/.exec(this.src.slice(this.pos));
    if (!m) this.fail('expected a States.<Function>( call');
    const name = `States.${m[1]}`;
    this.pos += m[0].length;
    const args: IntrinsicArg[] = [];
    this.skipWs();
    if (this.src[this.pos] === ')') {
      this.pos++;
      return { kind: 'call', name, args };
    }
    for (;;) {
      this.skipWs();
      args.push(this.arg());
      this.skipWs();
      const c = this.src[this.pos];
      if (c === ')') {
        this.pos++;
        return { kind: 'call', name, args };
      }
      if (c !== ',') this.fail("expected ',' or ')'");
      this.pos++;
    }
  }

  private arg(): IntrinsicArg {
    const rest = this.src.slice(this.pos);
    const c = rest[0];
    if (c === "'") return this.string();
    if (c === '$') return { kind: 'path', path: this.path() };
    if (rest.startsWith('States.')) return this.call();
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      return { kind: 'number', value: Number(num[0]) };
    }
    const word = /^(true|false|null)(?![A-Za-z0-9_])/.exec(rest);
    if (word) {
      this.pos += word[0].length;
      return word[1] === 'null' ? { kind: 'null' } : { kind: 'boolean', value: word[1] === 'true' };
    }
    this.fail('expected a string, number, boolean, null, path or intrinsic function');
  }

  /** A single-quoted literal; only `\'`, `\{`, `\}` and `\\` are valid escapes. */
  private string(): IntrinsicArg {
    this.pos++;
    const start = this.pos;
    let value = '';
    for (;;) {
      if (this.pos >= this.src.length) this.fail('unterminated string literal');
      const c = this.src[this.pos];
      if (c === "'") break;
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n !== "'" && n !== '{' && n !== '}' && n !== '\\') this.fail('open escape backslash in string literal');
        value += n;
        this.pos += 2;
      } else {
        value += c;
        this.pos++;
      }
    }
    const raw = this.src.slice(start, this.pos);
    this.pos++;
    return { kind: 'string', value, raw };
  }

  /** A path argument runs to the next top-level ',' or ')', skipping over brackets and quotes. */
  private path(): string {
    const start = this.pos;
    let depth = 0;
    let quote: string | undefined;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (quote !== undefined) {
        if (c === '\\') this.pos++;
        else if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"') {
        quote = c;
      } else if (c === '[' || c === '(') {
        depth++;
      } else if (c === ']' || (c === ')' && depth > 0)) {
        depth--;
      } else if (depth === 0 && (c === ',' || c === ')')) {
        break;
      }
      this.pos++;
    }
    return this.src.slice(start, this.pos).trimEnd();
  }
}
