/**
 * The diagnostics collector shared by the validator's passes, and the field-level checks every
 * part of a definition uses (types, ranges, enums, paths, templates), each worded the way AWS
 * words its SCHEMA_VALIDATION_FAILED diagnostics.
 */
import type { Diagnostic } from './validate.js';
import { isIntrinsicCall, isJsonataExpression, isValidPath, isValidReferencePath, looksLikePathOrIntrinsic } from './validate-paths.js';

export type Obj = Record<string, unknown>;

/** One edge of the transition graph: a Next, Default, Choices[].Next or Catch[].Next. */
export interface Edge {
  target: string;
  location: string;
}

/** A container of states (the machine, a Parallel branch, a Map's ItemProcessor), for the graph pass. */
export interface Scope {
  /** Location of the container object ('' for the machine itself). */
  prefix: string;
  top: boolean;
  startAt: unknown;
  states: Obj;
  edges: Map<string, Edge[]>;
  hasTerminal: boolean;
}

export class Checker {
  readonly diagnostics: Diagnostic[] = [];
  /** Every state name seen so far, for DUPLICATE_STATE_NAME across the whole machine. */
  readonly stateNames = new Set<string>();
  readonly scopes: Scope[] = [];

  constructor(
    /** The machine's top-level language; nested states inherit it, not their Map's or Parallel's. */
    readonly machineJsonata: boolean,
    /** JSON duplicate keys, by the location of the object holding them. */
    readonly duplicateKeys: Map<string, string[]>,
  ) {}

  error(code: string, message: string, location?: string): void {
    this.diagnostics.push(location === undefined ? { severity: 'ERROR', code, message } : { severity: 'ERROR', code, message, location });
  }

  schema(message: string, location: string): void {
    this.error('SCHEMA_VALIDATION_FAILED', message, location);
  }

  warn(code: string, message: string, location: string): void {
    this.diagnostics.push({ severity: 'WARNING', code, message, location });
  }
}

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const has = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
export const at = (loc: string, field: string): string => `${loc}/${field}`;
export const item = (loc: string, i: number): string => `${loc}[${i}]`;

export type JsonType = 'STRING' | 'INTEGER' | 'NUMBER' | 'BOOLEAN' | 'OBJECT' | 'ARRAY';

function isType(v: unknown, t: JsonType): boolean {
  switch (t) {
    case 'STRING':
      return typeof v === 'string';
    case 'INTEGER':
      return typeof v === 'number' && Number.isInteger(v);
    case 'NUMBER':
      return typeof v === 'number';
    case 'BOOLEAN':
      return typeof v === 'boolean';
    case 'OBJECT':
      return isObject(v);
    case 'ARRAY':
      return Array.isArray(v);
  }
}

/** Reports `Expected value of type [T]` and answers whether the value has the type. */
export function expectType(c: Checker, v: unknown, loc: string, t: JsonType): boolean {
  if (isType(v, t)) return true;
  c.schema(`Expected value of type [${t}]`, loc);
  return false;
}

export function checkRange(c: Checker, v: number, loc: string, min?: number, max?: number): boolean {
  if (min !== undefined && v < min) {
    c.schema(`Minimum value is ${min}`, loc);
    return false;
  }
  if (max !== undefined && v > max) {
    c.schema(`Maximum value is ${max}`, loc);
    return false;
  }
  return true;
}

export function checkInteger(c: Checker, v: unknown, loc: string, min?: number, max?: number): boolean {
  return expectType(c, v, loc, 'INTEGER') && checkRange(c, v as number, loc, min, max);
}

/**
 * A number field that a JSONata state may instead fill with a `{% %}` expression (TimeoutSeconds,
 * Seconds, MaxConcurrency, ...). Answers the number when it is a literal within range.
 */
export function checkNumberOrExpression(
  c: Checker,
  v: unknown,
  loc: string,
  jsonata: boolean,
  opts: { integer: boolean; min?: number; max?: number },
): number | undefined {
  const t: JsonType = opts.integer ? 'INTEGER' : 'NUMBER';
  if (jsonata && typeof v === 'string') {
    if (!isJsonataExpression(v)) c.schema(`The value must be a number or a JSONata expression enclosed in '{%' and '%}'`, loc);
    return undefined;
  }
  if (!isType(v, t)) {
    c.schema(jsonata ? `Expected value of type [${t}, STRING]` : `Expected value of type [${t}]`, loc);
    return undefined;
  }
  return checkRange(c, v as number, loc, opts.min, opts.max) ? (v as number) : undefined;
}

export function checkEnum(c: Checker, v: unknown, loc: string, values: readonly string[]): boolean {
  if (!expectType(c, v, loc, 'STRING')) return false;
  if (values.includes(v as string)) return true;
  c.schema(`Value should be one of the following: [${values.join(', ')}]`, loc);
  return false;
}

/** Fields outside `allowed` are refused, located at the object that holds them. */
export function checkSupported(c: Checker, o: Obj, allowed: ReadonlySet<string>, loc: string): void {
  for (const k of Object.keys(o)) if (!allowed.has(k)) c.schema(`Field '${k}' is not supported`, loc);
}

export function checkRequired(c: Checker, o: Obj, required: readonly string[], loc: string): boolean {
  const missing = required.filter((k) => !has(o, k));
  if (missing.length) c.schema(`These fields are required: [${missing.join(', ')}]`, loc);
  return missing.length === 0;
}

/** At most one of the fields may be present; reported at the first one. */
export function checkExclusive(c: Checker, o: Obj, fields: readonly string[], loc: string): boolean {
  const present = fields.filter((k) => has(o, k));
  if (present.length < 2) return true;
  c.schema(`There should only be one of the following fields: [${fields.join(', ')}]`, at(loc, present[0]));
  return false;
}

/** InputPath / OutputPath: a Path, or null. */
export function checkPathOrNull(c: Checker, v: unknown, loc: string, field: string): void {
  if (v === null) return;
  if (!expectType(c, v, loc, 'STRING')) return;
  if (!isValidPath(v as string)) c.schema(`The value for the field '${field}' must be a valid JSONPath`, loc);
}

/** ResultPath: a reference path into the state's input (no context object, no variables), or null. */
export function checkResultPath(c: Checker, v: unknown, loc: string): void {
  if (v === null) return;
  if (!expectType(c, v, loc, 'STRING')) return;
  if (!isValidReferencePath(v as string)) c.schema(`The value for the field 'ResultPath' must be a valid reference path`, loc);
}

/** SecondsPath, ItemsPath, MaxConcurrencyPath, ...: a reference path, which may read the context object or a variable. */
export function checkReferencePath(c: Checker, v: unknown, loc: string, field: string): void {
  if (!expectType(c, v, loc, 'STRING')) return;
  if (!isValidReferencePath(v as string, { context: true, variables: true })) {
    c.schema(`The value for the field '${field}' must be a valid reference path`, loc);
  }
}

/**
 * A JSONPath payload template (Parameters, ResultSelector, ItemSelector, Assign): every key ending
 * in `.$` must hold a Path or an intrinsic function call. Literal keys whose value looks like one
 * get a NO_DOLLAR warning.
 */
export function checkTemplate(c: Checker, v: unknown, loc: string): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkTemplate(c, x, item(loc, i)));
    return;
  }
  if (!isObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    const l = at(loc, k);
    if (k.endsWith('.$')) {
      if (typeof x !== 'string' || !(isValidPath(x) || isIntrinsicCall(x))) {
        c.schema(`The value for the field '${k}' must be a valid JSONPath or a valid intrinsic function call`, l);
      }
    } else if (typeof x === 'string') {
      if (looksLikePathOrIntrinsic(x)) {
        c.warn('NO_DOLLAR', `The value of the field '${k}' looks like a JSONPath or an intrinsic function, but the field name does not end with '.$'`, l);
      }
    } else {
      checkTemplate(c, x, l);
    }
  }
}

/** A JSONata state's Arguments (and the like): an object or array template, or one `{% %}` expression. */
export function checkJsonataPayload(c: Checker, v: unknown, loc: string): void {
  if (typeof v === 'string') {
    if (!isJsonataExpression(v)) c.schema(`The value must be a JSON object or a JSONata expression enclosed in '{%' and '%}'`, loc);
    return;
  }
  expectType(c, v, loc, 'OBJECT');
}

export const LANGUAGE_VALUES = ['JSONPath', 'JSONata'] as const;

/** The effective language of something declaring `QueryLanguage`: JSONPath only for the exact string. */
export function resolvesToJsonata(declared: unknown, inherited: boolean): boolean {
  return declared === undefined ? inherited : declared !== 'JSONPath';
}

export function checkQueryLanguageValue(c: Checker, v: unknown, loc: string): void {
  checkEnum(c, v, loc, LANGUAGE_VALUES);
}

/** Fields of the other query language, reported at the object holding them in the order given. */
export function checkLanguageFields(
  c: Checker,
  o: Obj,
  jsonata: boolean,
  jsonPathOnly: readonly string[],
  jsonataOnly: readonly string[],
  loc: string,
  fieldLoc = false,
): Set<string> {
  const foreign = new Set<string>();
  const [fields, own, other] = jsonata ? [jsonPathOnly, 'JSONata', 'JSONPath'] : [jsonataOnly, 'JSONPath', 'JSONata'];
  for (const f of fields) {
    if (!has(o, f)) continue;
    foreign.add(f);
    c.schema(
      `The QueryLanguage is set to '${own}', but field '${f}' is only supported for the '${other}' QueryLanguage`,
      fieldLoc ? at(loc, f) : loc,
    );
  }
  return foreign;
}

/** What the per-state checks share about the state being checked. */
export interface StateCheck {
  c: Checker;
  state: Obj;
  /** Location of the state, e.g. /States/A or /States/M/ItemProcessor/States/B. */
  loc: string;
  jsonata: boolean;
  /** The state runs inside an Express workflow (the machine, or a Distributed Map's Express children). */
  express: boolean;
  /** Fields of the other query language, already reported, that the field checks skip. */
  foreign: Set<string>;
  /** Transitions out of the state, collected for the graph pass. */
  edges: Edge[];
}

/** A nested container of states: a Parallel branch or a Map's ItemProcessor / Iterator. */
export type ScopeKind = 'branch' | 'processor';
export type ScopeValidator = (c: Checker, v: unknown, prefix: string, kind: ScopeKind, express: boolean) => void;

const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const MAX_VARIABLE_NAME_LENGTH = 80;

/**
 * The names an Assign sets (without the `.$` suffix of JSONPath fields): identifiers a `$name`
 * reference can reach, at most 80 characters, and not the reserved `states`.
 */
export function checkAssignNames(c: Checker, assign: Obj, loc: string, jsonata: boolean): void {
  for (const key of Object.keys(assign)) {
    const name = !jsonata && key.endsWith('.$') ? key.slice(0, -2) : key;
    const l = at(loc, key);
    if (name === 'states') c.schema(`The variable name 'states' is reserved`, l);
    else if (!VARIABLE_NAME.test(name) || [...name].length > MAX_VARIABLE_NAME_LENGTH) {
      c.schema(`The variable name '${name}' is not valid: it must start with a letter or '_', hold only letters, digits and '_', and be at most ${MAX_VARIABLE_NAME_LENGTH} characters long`, l);
    }
  }
}
