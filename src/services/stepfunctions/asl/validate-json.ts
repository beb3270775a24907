/**
 * JSON parsing for state machine definitions. AWS parses definitions with Jackson and reports a
 * syntax error as INVALID_JSON_DESCRIPTION carrying Jackson's message and source location, so the
 * messages here follow Jackson's wording. The parser also records duplicate object keys (which
 * JSON.parse silently collapses), because a state name declared twice is DUPLICATE_STATE_NAME.
 */

export interface DuplicateKey {
  /** Keys (and array indices) from the root down to the object holding the duplicate. */
  parent: (string | number)[];
  key: string;
}

export type JsonParseResult =
  | { ok: true; value: unknown; duplicateKeys: DuplicateKey[] }
  | { ok: false; message: string; location: string };

const SNIPPET_MAX = 500;
/** Jackson's default StreamReadConstraints nesting limit; it also keeps this recursive parser off the stack limit. */
const MAX_DEPTH = 1000;
const VALUE_EXPECTED = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

class JsonSyntaxError extends Error {}

export function parseJson(text: string): JsonParseResult {
  const p = new Parser(text);
  try {
    p.skipWs();
    const value = p.value();
    p.skipWs();
    if (p.pos < text.length) p.fail(`Unexpected character (${charDesc(text, p.pos)}): expected end-of-input`, p.pos + 1);
    return { ok: true, value, duplicateKeys: p.duplicates };
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { ok: false, message: p.errorMessage, location: p.errorLocation };
  }
}

function charDesc(text: string, i: number): string {
  const code = text.codePointAt(i)!;
  if (code < 32) return `(CTRL-CHAR, code ${code})`;
  const ch = String.fromCodePoint(code);
  if (code > 255) return `'${ch}' (code ${code} / 0x${code.toString(16)})`;
  return `'${ch}' (code ${code})`;
}

const isWs = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;
/** Java's Character.isJavaIdentifierPart for the ASCII range, which is what Jackson uses to collect a bad token. */
const isTokenChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;

class Parser {
  pos = 0;
  duplicates: DuplicateKey[] = [];
  errorMessage = '';
  errorLocation = '';
  private readonly path: (string | number)[] = [];

  constructor(private readonly text: string) {}

  /** Jackson's `[Source: (String)"..."; line: L, column: C]` for the position just before `at`. */
  private location(at: number): string {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = i + 1;
      } else if (c === 13) {
        if (this.text.charCodeAt(i + 1) === 10) i++;
        line++;
        lineStart = i + 1;
      }
    }
    const src =
      this.text.length > SNIPPET_MAX
        ? `"${this.text.slice(0, SNIPPET_MAX)}"[truncated ${this.text.length - SNIPPET_MAX} chars]`
        : `"${this.text}"`;
    return `[Source: (String)${src}; line: ${line}, column: ${at - lineStart + 1}]`;
  }

  /** `at` is Jackson's input pointer: the index just past what it has consumed. */
  fail(message: string, at: number): never {
    this.errorLocation = this.location(at);
    this.errorMessage = `${message}\n at ${this.errorLocation}`;
    throw new JsonSyntaxError(message);
  }

  skipWs(): void {
    const t = this.text;
    while (this.pos < t.length && isWs(t.charCodeAt(this.pos))) this.pos++;
  }

  private eofIn(container: 'OBJECT' | 'ARRAY', start: number): never {
    return this.fail(
      `Unexpected end-of-input: expected close marker for ${container} (start marker at ${this.location(start)})`,
      this.text.length,
    );
  }

  value(): unknown {
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === 123 || c === 91) {
      if (this.path.length >= MAX_DEPTH) {
        this.fail(
          `Document nesting depth (${MAX_DEPTH + 1}) exceeds the maximum allowed (${MAX_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
          this.pos + 1,
        );
      }
      return c === 123 ? this.object() : this.array();
    }
    if (c === 34) return this.string();
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (c === 116) return this.literal('true', true);
    if (c === 102) return this.literal('false', false);
    if (c === 110) return this.literal('null', null);
    if (Number.isNaN(c)) return this.fail(`Unexpected end-of-input: expected a valid value ${VALUE_EXPECTED}`, t.length);
    if (isTokenChar(c)) return this.badToken(this.pos);
    return this.fail(`Unexpected character (${charDesc(t, this.pos)}): expected a valid value ${VALUE_EXPECTED}`, this.pos + 1);
  }

  private badToken(start: number): never {
    let end = start;
    while (end < this.text.length && isTokenChar(this.text.charCodeAt(end))) end++;
    if (end === start) end++;
    return this.fail(`Unrecognized token '${this.text.slice(start, end)}': was expecting ${VALUE_EXPECTED}`, end);
  }

  private literal(word: string, value: boolean | null): boolean | null {
    const start = this.pos;
    if (this.text.startsWith(word, start) && !isTokenChar(this.text.charCodeAt(start + word.length))) {
      this.pos += word.length;
      return value;
    }
    return this.badToken(start);
  }

  private object(): Record<string, unknown> {
    const t = this.text;
    const start = this.pos;
    const obj: Record<string, unknown> = {};
    this.pos++;
    this.skipWs();
    if (t.charCodeAt(this.pos) === 125) {
      this.pos++;
      return obj;
    }
    for (;;) {
      if (this.pos >= t.length) this.eofIn('OBJECT', start);
      if (t.charCodeAt(this.pos) !== 34) {
        this.fail(`Unexpected character (${charDesc(t, this.pos)}): was expecting double-quote to start field name`, this.pos + 1);
      }
      const key = this.string();
      this.skipWs();
      if (this.pos >= t.length) this.eofIn('OBJECT', start);
      if (t.charCodeAt(this.pos) !== 58) {
        this.fail(`Unexpected character (${charDesc(t, this.pos)}): was expecting a colon to separate field name and value`, this.pos + 1);
      }
      this.pos++;
      this.skipWs();
      if (this.pos >= t.length) this.eofIn('OBJECT', start);
      this.path.push(key);
      const value = this.value();
      this.path.pop();
      if (Object.prototype.hasOwnProperty.call(obj, key)) this.duplicates.push({ parent: [...this.path], key });
      if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      else obj[key] = value;
      this.skipWs();
      const c = t.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        this.skipWs();
        continue;
      }
      if (c === 125) {
        this.pos++;
        return obj;
      }
      if (Number.isNaN(c)) this.eofIn('OBJECT', start);
      this.fail(`Unexpected character (${charDesc(t, this.pos)}): was expecting comma to separate Object entries`, this.pos + 1);
    }
  }

  private array(): unknown[] {
    const t = this.text;
    const start = this.pos;
    const arr: unknown[] = [];
    this.pos++;
    this.skipWs();
    if (t.charCodeAt(this.pos) === 93) {
      this.pos++;
      return arr;
    }
    for (;;) {
      if (this.pos >= t.length) this.eofIn('ARRAY', start);
      this.path.push(arr.length);
      arr.push(this.value());
      this.path.pop();
      this.skipWs();
      const c = t.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        this.skipWs();
        continue;
      }
      if (c === 93) {
        this.pos++;
        return arr;
      }
      if (Number.isNaN(c)) this.eofIn('ARRAY', start);
      this.fail(`Unexpected character (${charDesc(t, this.pos)}): was expecting comma to separate Array entries`, this.pos + 1);
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.pos + 1;
    let i = start;
    let escaped = false;
    for (;;) {
      if (i >= t.length) this.fail('Unexpected end-of-input: was expecting closing quote for a string value', t.length);
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) {
        this.fail(
          `Illegal unquoted character (${charDesc(t, i)}): has to be escaped using backslash to be included in string value`,
          i + 1,
        );
      }
      if (c === 92) {
        escaped = true;
        const e = t.charCodeAt(i + 1);
        if (e === 117) {
          for (let k = i + 2; k < i + 6; k++) {
            if (k >= t.length) this.fail('Unexpected end-of-input in character escape sequence', t.length);
            if (!/[0-9a-fA-F]/.test(t[k])) {
              this.fail(`Unexpected character (${charDesc(t, k)}): expected a hex-digit for character escape sequence`, k + 1);
            }
          }
          i += 6;
          continue;
        }
        if (Number.isNaN(e)) this.fail('Unexpected end-of-input: was expecting closing quote for a string value', t.length);
        if (!'"\\/bfnrt'.includes(t[i + 1])) this.fail(`Unrecognized character escape ${charDesc(t, i + 1)}`, i + 2);
        i += 2;
        continue;
      }
      i++;
    }
    this.pos = i + 1;
    return escaped ? (JSON.parse(t.slice(start - 1, i + 1)) as string) : t.slice(start, i);
  }

  private number(): number {
    const t = this.text;
    const start = this.pos;
    let i = start;
    if (t.charCodeAt(i) === 45) {
      i++;
      const d = t.charCodeAt(i);
      if (!(d >= 48 && d <= 57)) {
        if (Number.isNaN(d)) this.fail('Unexpected end-of-input in a Number value', t.length);
        this.fail(
          `Unexpected character (${charDesc(t, i)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`,
          i + 1,
        );
      }
    }
    if (t.charCodeAt(i) === 48 && isDigit(t.charCodeAt(i + 1))) this.fail('Invalid numeric value: Leading zeroes not allowed', i + 2);
    while (isDigit(t.charCodeAt(i))) i++;
    if (t.charCodeAt(i) === 46) {
      i++;
      if (!isDigit(t.charCodeAt(i))) this.numberFail(i, 'Decimal point not followed by a digit');
      while (isDigit(t.charCodeAt(i))) i++;
    }
    const e = t.charCodeAt(i);
    if (e === 101 || e === 69) {
      i++;
      const s = t.charCodeAt(i);
      if (s === 43 || s === 45) i++;
      if (!isDigit(t.charCodeAt(i))) this.numberFail(i, 'Exponent indicator not followed by a digit');
      while (isDigit(t.charCodeAt(i))) i++;
    }
    this.pos = i;
    return Number(t.slice(start, i));
  }

  private numberFail(i: number, reason: string): never {
    const t = this.text;
    if (i >= t.length) return this.fail('Unexpected end-of-input in a Number value', t.length);
    return this.fail(`Unexpected character (${charDesc(t, i)}) in numeric value: ${reason}`, i + 1);
  }
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
