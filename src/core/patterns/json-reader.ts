/**
 * A streaming JSON tokenizer that reproduces the observable behaviour of the Jackson parser
 * AWS's pattern compiler (event-ruler) runs on: the same token sequence, the same error texts
 * and, crucially, the same notion of "current location". AWS puts that location in every
 * InvalidEventPatternException / FilterPolicy error (`\n at [Source: (String)"..."; line: 1,
 * column: 13]`), and Jackson's location depends on its lazy parsing: a string value is only read
 * when its text is asked for, and the value following a field name is consumed together with the
 * name.
 */

export const Tok = {
  START_OBJECT: 1,
  END_OBJECT: 2,
  START_ARRAY: 3,
  END_ARRAY: 4,
  FIELD_NAME: 5,
  STRING: 6,
  NUMBER_INT: 7,
  NUMBER_FLOAT: 8,
  TRUE: 9,
  FALSE: 10,
  NULL: 11,
} as const;
export type Tok = (typeof Tok)[keyof typeof Tok];

/** A parse failure, Jackson's `JsonParseException`: message already carries the location suffix. */
export class JsonParseError extends Error {
  /** True for malformed JSON (as opposed to a rule the compiler rejected). */
  readonly syntax: boolean;
  /** The message without the location suffix(es). */
  readonly reason: string;
  constructor(message: string, syntax: boolean, reason: string) {
    super(message);
    this.syntax = syntax;
    this.reason = reason;
  }
}

const enum Ctx {
  Root,
  Array,
  Object,
}

interface Context {
  type: Ctx;
  index: number;
  line: number;
  column: number;
}

const MAX_SNIPPET = 500;
const VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
const IDENT_START = /[\p{L}\p{Nl}\p{Pc}\p{Sc}]/u;
const IDENT_PART = /[\p{L}\p{Nl}\p{Pc}\p{Sc}\p{Nd}\p{Mn}\p{Mc}]/u;

export class JsonReader {
  private readonly src: string;
  private ptr = 0;
  private line = 1;
  private lineStart = 0;
  private readonly stack: Context[] = [{ type: Ctx.Root, index: -1, line: 1, column: 0 }];
  private token: Tok | null = null;
  private pending: Tok | null = null;
  private stringIncomplete = false;
  private text = '';
  private name = '';

  constructor(src: string) {
    this.src = src;
  }

  /** Jackson's `getCurrentLocation()` rendered the way its exception messages render it. */
  location(minusOne = false): string {
    const column = this.ptr - this.lineStart + (minusOne ? 0 : 1);
    return `[Source: ${this.sourceDescription()}; line: ${this.line}, column: ${column}]`;
  }

  /** Builds the exception a `barf(parser, message)` call in the compiler produces. */
  fail(message: string): JsonParseError {
    return new JsonParseError(`${message}\n at ${this.location()}`, false, message);
  }

  currentName(): string {
    return this.name;
  }

  /** Jackson's `getText()`: completes a pending string, which moves the current location. */
  getText(): string {
    switch (this.token) {
      case Tok.STRING:
        if (this.stringIncomplete) {
          this.text = this.readString('string value');
          this.stringIncomplete = false;
        }
        return this.text;
      case Tok.FIELD_NAME:
        return this.name;
      case Tok.NUMBER_INT:
      case Tok.NUMBER_FLOAT:
        return this.text;
      case Tok.TRUE:
        return 'true';
      case Tok.FALSE:
        return 'false';
      case Tok.NULL:
        return 'null';
      case Tok.START_OBJECT:
        return '{';
      case Tok.END_OBJECT:
        return '}';
      case Tok.START_ARRAY:
        return '[';
      case Tok.END_ARRAY:
        return ']';
      default:
        return '';
    }
  }

  nextToken(): Tok | null {
    if (this.token === Tok.FIELD_NAME) {
      const t = this.pending as Tok;
      this.pending = null;
      if (t === Tok.START_ARRAY || t === Tok.START_OBJECT) this.pushContext(t);
      this.token = t;
      return t;
    }
    if (this.stringIncomplete) {
      this.readString('string value');
      this.stringIncomplete = false;
    }
    let c = this.skipWhitespaceOrEnd();
    if (c < 0) {
      this.handleEnd();
      this.token = null;
      return null;
    }
    if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      this.closeScope(c);
      return this.token;
    }
    const ctx = this.stack[this.stack.length - 1];
    ctx.index++;
    if (ctx.type !== Ctx.Root && ctx.index > 0) c = this.skipComma(c, ctx);
    const inObject = ctx.type === Ctx.Object;
    if (inObject) {
      this.name = c === 0x22 ? this.readString('name') : this.unexpected(c, 'was expecting double-quote to start field name');
      this.token = Tok.FIELD_NAME;
      c = this.skipColon();
    }
    const t = this.readValueStart(c);
    if (inObject) {
      this.pending = t;
      return Tok.FIELD_NAME;
    }
    if (t === Tok.START_ARRAY || t === Tok.START_OBJECT) this.pushContext(t);
    this.token = t;
    return t;
  }

  /** Reads one complete value (used to validate a document without compiling it). */
  skipValue(): void {
    const t = this.nextToken();
    if (t === Tok.START_OBJECT || t === Tok.START_ARRAY) {
      let depth = 1;
      while (depth > 0) {
        const n = this.nextToken();
        if (n === Tok.START_OBJECT || n === Tok.START_ARRAY) depth++;
        else if (n === Tok.END_OBJECT || n === Tok.END_ARRAY) depth--;
        else if (n === Tok.STRING) this.getText();
      }
    } else if (t === Tok.STRING) {
      this.getText();
    }
  }

  private readValueStart(c: number): Tok {
    switch (c) {
      case 0x22:
        this.stringIncomplete = true;
        return Tok.STRING;
      case 0x5b:
        return Tok.START_ARRAY;
      case 0x7b:
        return Tok.START_OBJECT;
      case 0x7d:
        return this.unexpected(c, 'expected a value');
      case 0x74:
        this.matchLiteral('true');
        return Tok.TRUE;
      case 0x66:
        this.matchLiteral('false');
        return Tok.FALSE;
      case 0x6e:
        this.matchLiteral('null');
        return Tok.NULL;
      case 0x2d:
        return this.readNumber(true);
      default:
        if (c >= 0x30 && c <= 0x39) return this.readNumber(false);
        if (IDENT_START.test(String.fromCharCode(c))) this.invalidToken(String.fromCharCode(c));
        return this.unexpected(c, `expected a valid value ${VALID_VALUES}`);
    }
  }

  private pushContext(t: Tok): void {
    // The start marker is the bracket just consumed.
    const column = this.ptr - this.lineStart;
    this.stack.push({ type: t === Tok.START_ARRAY ? Ctx.Array : Ctx.Object, index: -1, line: this.line, column });
  }

  private closeScope(c: number): void {
    const ctx = this.stack[this.stack.length - 1];
    const wanted = c === 0x5d ? Ctx.Array : Ctx.Object;
    if (ctx.type !== wanted) {
      const expected = c === 0x5d ? '}' : ']';
      throw this.syntax(
        `Unexpected close marker '${String.fromCharCode(c)}': expected '${expected}' (for ${typeDesc(ctx.type)} starting at ${this.contextLocation(ctx)})`,
      );
    }
    this.stack.pop();
    this.token = c === 0x5d ? Tok.END_ARRAY : Tok.END_OBJECT;
  }

  private handleEnd(): void {
    const ctx = this.stack[this.stack.length - 1];
    if (ctx.type !== Ctx.Root) {
      throw this.syntax(
        `Unexpected end-of-input: expected close marker for ${typeDesc(ctx.type)} (start marker at ${this.contextLocation(ctx)})`,
      );
    }
  }

  private contextLocation(ctx: Context): string {
    return `[Source: ${this.sourceDescription()}; line: ${ctx.line}, column: ${ctx.column}]`;
  }

  private skipComma(c: number, ctx: Context): number {
    if (c !== 0x2c) this.unexpected(c, `was expecting comma to separate ${typeDesc(ctx.type)} entries`);
    const n = this.skipWhitespaceOrEnd();
    if (n < 0) throw this.syntax(`Unexpected end-of-input within/between ${typeDesc(ctx.type)} entries`);
    return n;
  }

  private skipColon(): number {
    let c = this.skipWhitespaceOrEnd();
    if (c < 0) throw this.syntax('Unexpected end-of-input within/between Object entries');
    if (c !== 0x3a) this.unexpected(c, 'was expecting a colon to separate field name and value');
    c = this.skipWhitespaceOrEnd();
    if (c < 0) throw this.syntax('Unexpected end-of-input within/between Object entries');
    return c;
  }

  /** Returns the next non-blank character code (consumed), or -1 at the end. */
  private skipWhitespaceOrEnd(): number {
    const src = this.src;
    while (this.ptr < src.length) {
      const c = src.charCodeAt(this.ptr++);
      if (c > 0x20) {
        if (c === 0x2f) {
          this.unexpected(c, "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)");
        }
        return c;
      }
      if (c === 0x20 || c === 0x09) continue;
      if (c === 0x0a) {
        this.line++;
        this.lineStart = this.ptr;
      } else if (c === 0x0d) {
        if (this.ptr < src.length && src.charCodeAt(this.ptr) === 0x0a) this.ptr++;
        this.line++;
        this.lineStart = this.ptr;
      } else {
        throw this.syntax(`Illegal character (${charDesc(c)}): only regular white space (\\r, \\n, \\t) is allowed between tokens`);
      }
    }
    return -1;
  }

  /** Reads the rest of a string whose opening quote was consumed. */
  private readString(kind: 'name' | 'string value'): string {
    const src = this.src;
    let out = '';
    let start = this.ptr;
    while (true) {
      if (this.ptr >= src.length) {
        throw this.syntax(kind === 'name' ? 'Unexpected end-of-input in field name' : 'Unexpected end-of-input: was expecting closing quote for a string value');
      }
      const c = src.charCodeAt(this.ptr++);
      if (c === 0x22) {
        return out + src.slice(start, this.ptr - 1);
      }
      if (c === 0x5c) {
        out += src.slice(start, this.ptr - 1) + this.readEscape();
        start = this.ptr;
      } else if (c < 0x20) {
        throw this.syntax(`Illegal unquoted character (${charDesc(c)}): has to be escaped using backslash to be included in ${kind}`);
      }
    }
  }

  private readEscape(): string {
    if (this.ptr >= this.src.length) throw this.syntax('Unexpected end-of-input in character escape sequence');
    const c = this.src.charCodeAt(this.ptr++);
    switch (c) {
      case 0x62:
        return '\b';
      case 0x74:
        return '\t';
      case 0x6e:
        return '\n';
      case 0x66:
        return '\f';
      case 0x72:
        return '\r';
      case 0x22:
      case 0x2f:
      case 0x5c:
        return String.fromCharCode(c);
      case 0x75: {
        let value = 0;
        for (let i = 0; i < 4; i++) {
          if (this.ptr >= this.src.length) throw this.syntax('Unexpected end-of-input in character escape sequence');
          const h = this.src.charCodeAt(this.ptr++);
          const d = hexValue(h);
          if (d < 0) throw this.syntax(`Unexpected character (${charDesc(h)}): expected a hex-digit for character escape sequence`);
          value = (value << 4) | d;
        }
        return String.fromCharCode(value);
      }
      default:
        throw this.syntax(`Unrecognized character escape ${charDesc(c)}`);
    }
  }

  private readNumber(negative: boolean): Tok {
    const src = this.src;
    const start = this.ptr - 1;
    let c = this.ptr < src.length ? src.charCodeAt(this.ptr) : -1;
    if (negative) {
      if (!isDigit(c)) {
        if (c < 0) throw this.syntax('Unexpected end-of-input in a Number value');
        this.ptr++;
        throw this.syntax(`Unexpected character (${charDesc(c)}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value`);
      }
      this.ptr++;
    }
    const firstDigit = src.charCodeAt(this.ptr - 1);
    let intDigits = 1;
    while (isDigit((c = this.peek()))) {
      if (firstDigit === 0x30 && intDigits === 1) throw this.syntax('Invalid numeric value: Leading zeroes not allowed');
      this.ptr++;
      intDigits++;
    }
    let float = false;
    if (c === 0x2e) {
      float = true;
      this.ptr++;
      c = this.peek();
      if (!isDigit(c)) this.numberChar(c, 'Decimal point not followed by a digit');
      while (isDigit(this.peek())) this.ptr++;
      c = this.peek();
    }
    if (c === 0x65 || c === 0x45) {
      float = true;
      this.ptr++;
      c = this.peek();
      if (c === 0x2b || c === 0x2d) {
        this.ptr++;
        c = this.peek();
      }
      if (!isDigit(c)) this.numberChar(c, 'Exponent indicator not followed by a digit');
      while (isDigit(this.peek())) this.ptr++;
    }
    this.text = src.slice(start, this.ptr);
    if (this.stack.length === 1) this.verifyRootSpace();
    return float ? Tok.NUMBER_FLOAT : Tok.NUMBER_INT;
  }

  private verifyRootSpace(): void {
    const c = this.peek();
    if (c < 0 || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) return;
    this.ptr++;
    this.unexpected(c, 'Expected space separating root-level values');
  }

  private numberChar(c: number, comment: string): never {
    if (c < 0) throw this.syntax('Unexpected end-of-input in a Number value');
    this.ptr++;
    throw this.syntax(`Unexpected character (${charDesc(c)}) in numeric value: ${comment}`);
  }

  private peek(): number {
    return this.ptr < this.src.length ? this.src.charCodeAt(this.ptr) : -1;
  }

  private matchLiteral(word: string): void {
    const src = this.src;
    for (let i = 1; i < word.length; i++) {
      if (this.ptr >= src.length || src.charCodeAt(this.ptr) !== word.charCodeAt(i)) this.invalidToken(word.slice(0, i));
      this.ptr++;
    }
    const next = this.peek();
    if (next >= 0 && IDENT_PART.test(String.fromCharCode(next))) this.invalidToken(word);
  }

  private invalidToken(matched: string): never {
    let token = matched;
    while (this.ptr < this.src.length) {
      const ch = this.src[this.ptr];
      if (!IDENT_PART.test(ch)) break;
      this.ptr++;
      token += ch;
      if (token.length >= 256) {
        token += '...';
        break;
      }
    }
    throw this.syntax(`Unrecognized token '${token}': was expecting ${VALID_VALUES}`);
  }

  /** Jackson reports an unexpected character at the character itself (one before the pointer). */
  private unexpected(c: number, comment: string): never {
    const message = `Unexpected character (${charDesc(c)}): ${comment}`;
    throw new JsonParseError(`${message}\n at ${this.location(true)}`, true, message);
  }

  private syntax(message: string): JsonParseError {
    return new JsonParseError(`${message}\n at ${this.location()}`, true, message);
  }

  private sourceDescription(): string {
    const src = this.src;
    if (src.length <= MAX_SNIPPET) return `(String)"${src}"`;
    return `(String)"${src.slice(0, MAX_SNIPPET)}"[truncated ${src.length - MAX_SNIPPET} chars]`;
  }
}

function typeDesc(type: Ctx): string {
  return type === Ctx.Array ? 'Array' : type === Ctx.Object ? 'Object' : 'root';
}

function charDesc(c: number): string {
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return `(CTRL-CHAR, code ${c})`;
  if (c > 255) return `'${String.fromCharCode(c)}' (code ${c} / 0x${c.toString(16)})`;
  return `'${String.fromCharCode(c)}' (code ${c})`;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
