/**
 * Parses an EventBridge event pattern or SNS filter policy the way AWS's rule compiler
 * (event-ruler, on Jackson) does, so that the same patterns are accepted and rejected with the
 * same messages at the same JSON locations.
 *
 * As in AWS, compilation first runs with `$or` support; if that fails with a parse error it is
 * retried treating `$or` as an ordinary field name, and only that second error is reported.
 */
import type { Alternative, Condition, FieldRule } from './conditions.js';
import { RuleArgumentError } from './errors.js';
import { ipToHex, parseCidr } from './ip.js';
import { JsonParseError, JsonReader, Tok } from './json-reader.js';
import { comparableKey, comparableKeyOrNaN } from './numbers.js';
import { type Glob, parseWildcard, WildcardSyntaxError } from './wildcard.js';

export type Dialect = 'eventbridge' | 'sns';

export interface CompiledRule {
  alternatives: Alternative[];
  /** SNS's count of value combinations (product of array sizes weighted by nesting depth). */
  combinations: number;
}

const OR = '$or';
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'date-after', 'date-on-or-after',
  'date-before', 'date-on-or-before', 'in-date-range', 'ip-address-in-range', 'ip-address-not-in-range',
]);

export function compileRule(source: string, dialect: Dialect): CompiledRule {
  try {
    return new RuleCompiler(source, dialect, true).compile();
  } catch (e) {
    if (!(e instanceof JsonParseError)) throw e;
    return new RuleCompiler(source, dialect, false).compile();
  }
}

class RuleCompiler {
  private readonly r: JsonReader;
  private readonly dialect: Dialect;
  private readonly orEnabled: boolean;

  constructor(source: string, dialect: Dialect, orEnabled: boolean) {
    this.r = new JsonReader(source);
    this.dialect = dialect;
    this.orEnabled = orEnabled;
  }

  compile(): CompiledRule {
    const r = this.r;
    if (r.nextToken() !== Tok.START_OBJECT) throw r.fail('Filter is not an object');
    const alternatives: Alternative[] = [];
    const combinations = this.parseObject(alternatives, [], false, 1, 1);
    return { alternatives, combinations };
  }

  private parseObject(rules: Alternative[], path: string[], insideOr: boolean, depth: number, combos: number): number {
    const r = this.r;
    let fieldsPresent = false;
    while (r.nextToken() !== Tok.END_OBJECT) {
      fieldsPresent = true;
      const step = r.currentName();
      if (this.orEnabled && step === OR) {
        combos = this.parseOr(rules, path, depth, combos);
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(step)) {
        throw r.fail(`${step} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
      }
      switch (r.nextToken()) {
        case Tok.START_OBJECT:
          path.push(step);
          combos = this.parseObject(rules, path, insideOr, depth + 1, combos);
          path.pop();
          break;
        case Tok.START_ARRAY:
          combos *= this.writeRules(rules, path, step) * depth;
          break;
        default:
          throw r.fail(`"${step}" must be an object or an array`);
      }
    }
    if (!fieldsPresent) throw r.fail('Empty objects are not allowed');
    return combos;
  }

  private parseOr(rules: Alternative[], path: string[], depth: number, combos: number): number {
    const r = this.r;
    const current = rules.map((rule) => new Map(rule));
    rules.length = 0;
    if (r.nextToken() !== Tok.START_ARRAY) throw r.fail(`It must be an Array followed with ${OR}.`);
    let count = 0;
    let total = 0;
    let t: Tok | null;
    while ((t = r.nextToken()) !== Tok.END_ARRAY) {
      count++;
      if (t !== Tok.START_OBJECT) throw r.fail(`Only JSON object is allowed in array of ${OR} relationship.`);
      const branch = current.map((rule) => new Map(rule));
      if (branch.length === 0) branch.push(new Map());
      total += this.parseObject(branch, path, true, depth, combos);
      rules.push(...branch);
    }
    if (count < 2) throw r.fail(`There must have at least 2 Objects in ${OR} relationship.`);
    return total;
  }

  /** Reads a value array; returns how many JSON values it held. */
  private writeRules(rules: Alternative[], path: string[], step: string): number {
    const r = this.r;
    const conditions: Condition[] = [];
    let count = 0;
    let t: Tok | null;
    while ((t = r.nextToken()) !== Tok.END_ARRAY) {
      count++;
      switch (t) {
        case Tok.START_OBJECT:
          conditions.push(this.matchExpression());
          break;
        case Tok.STRING: {
          const text = r.getText();
          const hex = ipToHex(text);
          conditions.push(hex !== undefined ? { kind: 'ip', hex } : { kind: 'string', value: text });
          break;
        }
        case Tok.NUMBER_INT:
        case Tok.NUMBER_FLOAT: {
          const value = Number(r.getText());
          conditions.push({ kind: 'number', value, key: comparableKeyOrNaN(value) });
          break;
        }
        case Tok.TRUE:
          conditions.push({ kind: 'literal', value: true });
          break;
        case Tok.FALSE:
          conditions.push({ kind: 'literal', value: false });
          break;
        case Tok.NULL:
          conditions.push({ kind: 'literal', value: null });
          break;
        default:
          throw r.fail('Match value must be String, number, true, false, or null');
      }
    }
    if (conditions.length === 0) throw r.fail('Empty arrays are not allowed');
    const name = path.length === 0 ? step : `${path.join('.')}.${step}`;
    const field: FieldRule = { path: name, conditions, top: path.length === 0 ? step : path[0], nested: path.length > 0 };
    if (rules.length === 0) rules.push(new Map());
    for (const rule of rules) rule.set(name, field);
    return count;
  }

  private matchExpression(): Condition {
    const r = this.r;
    if (r.nextToken() !== Tok.FIELD_NAME) throw r.fail('Match expression name not found');
    const type = r.currentName();
    switch (type) {
      case 'exactly':
        return this.stringOperand('exact match pattern must be a string', (value) => ({ kind: 'string', value }));
      case 'prefix':
      case 'suffix':
        return this.prefixOrSuffix(type);
      case 'numeric': {
        if (r.nextToken() !== Tok.START_ARRAY) throw r.fail('Value of numeric must be an array.');
        const range = this.numericExpression();
        if (r.nextToken() !== Tok.END_OBJECT) throw r.fail('Too many elements in numeric expression');
        return range;
      }
      case 'anything-but':
        return this.dialect === 'sns' ? this.snsAnythingBut() : this.anythingBut();
      case 'exists': {
        const t = r.nextToken();
        if (t !== Tok.TRUE && t !== Tok.FALSE) throw r.fail('exists match pattern must be either true or false.');
        if (r.nextToken() !== Tok.END_OBJECT) throw r.fail('Only one key allowed in match expression');
        return { kind: 'exists', value: t === Tok.TRUE };
      }
      case 'cidr':
        // AWS reports a non-string CIDR with the prefix wording.
        return this.stringOperand('prefix match pattern must be a string', (value) => ({ kind: 'cidr', ...parseCidr(value) }));
      case 'equals-ignore-case':
        return this.stringOperand('equals-ignore-case match pattern must be a string', (value) => ({ kind: 'equals-ignore-case', value }));
      case 'wildcard':
        if (this.dialect === 'eventbridge') {
          return this.stringOperand('wildcard match pattern must be a string', (value) => ({ kind: 'wildcard', glob: this.wildcard(value) }));
        }
        break;
    }
    throw r.fail(`Unrecognized match type ${type}`);
  }

  /** `{"op": "<string>"}`: reads the string, builds the condition, expects the object to end. */
  private stringOperand(notString: string, build: (value: string) => Condition): Condition {
    const r = this.r;
    if (r.nextToken() !== Tok.STRING) throw r.fail(notString);
    const condition = build(r.getText());
    if (r.nextToken() !== Tok.END_OBJECT) throw r.fail('Only one key allowed in match expression');
    return condition;
  }

  private prefixOrSuffix(kind: 'prefix' | 'suffix'): Condition {
    const r = this.r;
    const t = r.nextToken();
    if (t === Tok.START_OBJECT && this.dialect === 'eventbridge') {
      const label = kind === 'prefix' ? 'Prefix' : 'Suffix';
      if (r.nextToken() !== Tok.FIELD_NAME) throw r.fail(`${label} expression name not found`);
      const op = r.currentName();
      if (op !== 'equals-ignore-case') throw r.fail(`Unsupported ${kind} pattern: ${op}`);
      if (r.nextToken() !== Tok.STRING) throw r.fail('equals-ignore-case match pattern must be a string');
      const value = r.getText();
      if (r.nextToken() !== Tok.END_OBJECT) throw r.fail('Only one key allowed in match expression');
      if (r.nextToken() !== Tok.END_OBJECT) throw r.fail('Only one key allowed in match expression');
      return { kind, value, ignoreCase: true };
    }
    if (t !== Tok.STRING) throw r.fail(`${kind} match pattern must be a string`);
    const value = r.getText();
    if (r.nextToken() !== Tok.END_OBJECT) throw r.fail('Only one key allowed in match expression');
    return { kind, value, ignoreCase: false };
  }

  private anythingBut(): Condition {
    const r = this.r;
    let mode: 'values' | 'prefix' | 'suffix' | 'ignore-case' | 'wildcard' = 'values';
    let t = r.nextToken();
    if (t === Tok.START_OBJECT) {
      if (r.nextToken() !== Tok.FIELD_NAME) throw r.fail('Anything-But expression name not found');
      const op = r.currentName();
      if (op === 'equals-ignore-case') mode = 'ignore-case';
      else if (op === 'prefix' || op === 'suffix' || op === 'wildcard') mode = op;
      else throw r.fail(`Unsupported anything-but pattern: ${op}`);
      t = r.nextToken();
    }
    if (t !== Tok.START_ARRAY && t !== Tok.STRING && t !== Tok.NUMBER_INT && t !== Tok.NUMBER_FLOAT) {
      throw r.fail('Value of anything-but must be an array or single string/number value.');
    }
    let condition: Condition;
    if (mode === 'values') {
      condition = t === Tok.START_ARRAY ? this.anythingButList() : this.anythingButSingle(t);
    } else {
      condition = t === Tok.START_ARRAY ? this.anythingButSetList(mode) : this.anythingButSetSingle(t, mode);
    }
    if (r.nextToken() !== Tok.END_OBJECT) throw r.fail('Too many elements in numeric expression');
    if (mode !== 'values' && r.nextToken() !== Tok.END_OBJECT) throw r.fail('Too many elements in numeric expression');
    return condition;
  }

  /** SNS accepts only `prefix` inside anything-but, with its own wording for a bad operand. */
  private snsAnythingBut(): Condition {
    const r = this.r;
    const t = r.nextToken();
    if (t === Tok.START_OBJECT) {
      if (r.nextToken() !== Tok.FIELD_NAME) throw r.fail('Anything-But expression name not found');
      const op = r.currentName();
      if (op !== 'prefix') throw r.fail(`Unsupported anything-but pattern: ${op}`);
      if (r.nextToken() !== Tok.STRING) throw r.fail('prefix match pattern must be a string');
      const value = r.getText();
      if (value === '') throw r.fail('Null prefix/suffix not allowed');
      if (r.nextToken() !== Tok.END_OBJECT) throw r.fail('Only one key allowed in match expression');
      if (r.nextToken() !== Tok.END_OBJECT) throw r.fail('Only one key allowed in match expression');
      return { kind: 'anything-but-set', mode: 'prefix', values: [value] };
    }
    if (t !== Tok.START_ARRAY && t !== Tok.STRING && t !== Tok.NUMBER_INT && t !== Tok.NUMBER_FLOAT) {
      throw r.fail('Value of anything-but must be an array or single string/number value.');
    }
    const condition = t === Tok.START_ARRAY ? this.anythingButList() : this.anythingButSingle(t);
    if (r.nextToken() !== Tok.END_OBJECT) throw r.fail('Too many elements in numeric expression');
    return condition;
  }

  private anythingButList(): Condition {
    const r = this.r;
    const strings = new Set<string>();
    const numbers = new Set<number>();
    try {
      let t: Tok | null;
      while ((t = r.nextToken()) !== Tok.END_ARRAY) {
        if (t === Tok.STRING) strings.add(r.getText());
        else if (t === Tok.NUMBER_INT || t === Tok.NUMBER_FLOAT) numbers.add(comparableKey(Number(r.getText())));
        else throw r.fail('Inside anything but list, start|null|boolean is not supported.');
      }
    } catch (e) {
      throw this.rethrow(e);
    }
    if ((strings.size > 0) === (numbers.size > 0)) {
      throw r.fail('Inside anything but list, either all values are number or string, mixed type is not supported');
    }
    return { kind: 'anything-but', strings: strings.size > 0 ? strings : null, numbers: numbers.size > 0 ? numbers : null };
  }

  private anythingButSingle(t: Tok): Condition {
    const r = this.r;
    if (t === Tok.STRING) return { kind: 'anything-but', strings: new Set([r.getText()]), numbers: null };
    // Outside any try block in AWS's compiler: a range error surfaces without a JSON location.
    return { kind: 'anything-but', strings: null, numbers: new Set([comparableKey(Number(r.getText()))]) };
  }

  private anythingButSetList(mode: 'prefix' | 'suffix' | 'ignore-case' | 'wildcard'): Condition {
    const r = this.r;
    const values: string[] = [];
    try {
      let t: Tok | null;
      while ((t = r.nextToken()) !== Tok.END_ARRAY) {
        if (t !== Tok.STRING) throw r.fail(setOperandError(mode));
        const text = r.getText();
        if ((mode === 'prefix' || mode === 'suffix') && text === '') throw r.fail('Null prefix/suffix not allowed');
        values.push(text);
      }
    } catch (e) {
      throw this.rethrow(e);
    }
    if (mode === 'wildcard') return { kind: 'anything-but-wildcard', globs: values.map((v) => this.wildcard(v)) };
    return { kind: 'anything-but-set', mode, values };
  }

  private anythingButSetSingle(t: Tok, mode: 'prefix' | 'suffix' | 'ignore-case' | 'wildcard'): Condition {
    const r = this.r;
    if (t !== Tok.STRING) throw r.fail(setOperandError(mode));
    const text = r.getText();
    if ((mode === 'prefix' || mode === 'suffix') && text === '') throw r.fail('Null prefix/suffix not allowed');
    if (mode === 'wildcard') return { kind: 'anything-but-wildcard', globs: [this.wildcard(text)] };
    return { kind: 'anything-but-set', mode, values: [text] };
  }

  private numericExpression(): Condition {
    const r = this.r;
    let t = r.nextToken();
    if (t !== Tok.STRING) throw r.fail(`Invalid member in numeric match: ${r.getText()}`);
    const op = r.getText();
    t = r.nextToken();
    try {
      switch (op) {
        case '=': {
          const value = this.numericOperand(t, 'equals');
          if (r.nextToken() !== Tok.END_ARRAY) throw r.fail('Too many elements in numeric expression');
          const key = comparableKey(value);
          return { kind: 'range', lo: key, loOpen: false, hi: key, hiOpen: false };
        }
        case '>=':
        case '>': {
          const bottom = this.numericOperand(t, op);
          t = r.nextToken();
          if (t === Tok.END_ARRAY) return range(bottom, op === '>', 5e9, false);
          return this.completeRange(t, bottom, op === '>');
        }
        case '<=':
        case '<': {
          const top = this.numericOperand(t, op);
          if (r.nextToken() !== Tok.END_ARRAY) throw r.fail('Too many elements in numeric expression');
          return range(-5e9, false, top, op === '<');
        }
        default:
          throw r.fail(`Unrecognized numeric range operator: ${op}`);
      }
    } catch (e) {
      if (e instanceof RuleArgumentError) throw r.fail(e.message);
      throw e;
    }
  }

  private completeRange(t: Tok | null, bottom: number, openBottom: boolean): Condition {
    const r = this.r;
    if (t !== Tok.STRING) throw r.fail(`Bad value in numeric range: ${r.getText()}`);
    const op = r.getText();
    if (op !== '<' && op !== '<=') throw r.fail(`Bad numeric range operator: ${op}`);
    const top = this.numericOperand(r.nextToken(), op);
    if (r.nextToken() !== Tok.END_ARRAY) throw r.fail('Too many terms in numeric range expression');
    return range(bottom, openBottom, top, op === '<');
  }

  private numericOperand(t: Tok | null, label: string): number {
    if (t !== Tok.NUMBER_INT && t !== Tok.NUMBER_FLOAT) throw this.r.fail(`Value of ${label} must be numeric`);
    return Number(this.r.getText());
  }

  private wildcard(value: string): Glob {
    try {
      return parseWildcard(value);
    } catch (e) {
      if (e instanceof WildcardSyntaxError) throw this.r.fail(e.message);
      throw e;
    }
  }

  /** AWS's list readers catch their own errors and report them again, adding a second location. */
  private rethrow(e: unknown): unknown {
    if (e instanceof JsonParseError || e instanceof RuleArgumentError) {
      const wrapped = this.r.fail(e.message);
      return new JsonParseError(wrapped.message, false, e instanceof JsonParseError ? e.reason : e.message);
    }
    return e;
  }
}

function setOperandError(mode: 'prefix' | 'suffix' | 'ignore-case' | 'wildcard'): string {
  if (mode === 'ignore-case') return 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.';
  if (mode === 'wildcard') return 'wildcard match pattern must be a string';
  return 'prefix/suffix match pattern must be a string';
}

function range(bottom: number, loOpen: boolean, top: number, hiOpen: boolean): Condition {
  const lo = comparableKey(bottom);
  const hi = comparableKey(top);
  if (bottom >= top) throw new RuleArgumentError('Bottom must be less than top');
  return { kind: 'range', lo, loOpen, hi, hiOpen };
}
