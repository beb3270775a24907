/**
 * Choice rules of JSONPath states: And / Or / Not, the data-test comparison operators and their
 * `...Path` forms, and the type tests. A value of the wrong type makes a comparison false; a
 * `Variable` (or `...Path` operand) that does not resolve is a States.Runtime error, except under
 * IsPresent.
 */
import { StatesError, StatesErrors } from './errors.js';
import { MISSING } from './jsonpath.js';
import { resolveReference, type PathScope } from './references.js';
import { compareTimestamps, parseTimestamp } from './timestamp.js';

type ChoiceRule = Record<string, unknown>;

const COMPARISONS = [
  'StringEquals', 'StringLessThan', 'StringGreaterThan', 'StringLessThanEquals', 'StringGreaterThanEquals',
  'NumericEquals', 'NumericLessThan', 'NumericGreaterThan', 'NumericLessThanEquals', 'NumericGreaterThanEquals',
  'BooleanEquals',
  'TimestampEquals', 'TimestampLessThan', 'TimestampGreaterThan', 'TimestampLessThanEquals', 'TimestampGreaterThanEquals',
];
const OPERATORS: ReadonlySet<string> = new Set([
  ...COMPARISONS,
  ...COMPARISONS.map((op) => `${op}Path`),
  'StringMatches', 'IsPresent', 'IsNull', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp',
]);

export function evaluateChoiceRule(
  rule: Record<string, unknown>,
  input: unknown,
  context?: unknown,
  variables?: Record<string, unknown>,
): boolean {
  return evaluate(rule, { input, context, variables });
}

/** The Next of the first matching rule, else Default, else a States.NoChoiceMatched error. */
export function selectChoice(
  state: { Choices: any[]; Default?: string },
  input: unknown,
  context?: unknown,
  variables?: Record<string, unknown>,
): string {
  const scope = { input, context, variables };
  for (const rule of state.Choices) {
    if (evaluate(rule, scope)) return rule.Next as string;
  }
  if (state.Default !== undefined) return state.Default;
  throw new StatesError(StatesErrors.NoChoiceMatched, 'No Choice Rule matched the input and no Default was specified');
}

function evaluate(rule: ChoiceRule, scope: PathScope): boolean {
  if (rule.And !== undefined) return (rule.And as ChoiceRule[]).every((r) => evaluate(r, scope));
  if (rule.Or !== undefined) return (rule.Or as ChoiceRule[]).some((r) => evaluate(r, scope));
  if (rule.Not !== undefined) return !evaluate(rule.Not as ChoiceRule, scope);

  const variable = rule.Variable;
  if (typeof variable !== 'string') throw new StatesError(StatesErrors.Runtime, 'A Choice Rule must have a Variable field');
  const op = operatorOf(rule);
  const value = resolveReference(variable, scope);
  if (op === 'IsPresent') return (value !== MISSING) === rule.IsPresent;
  if (value === MISSING) throw invalidConditionPath(variable);

  let expected = rule[op];
  let base = op;
  if (op.endsWith('Path')) {
    base = op.slice(0, -4);
    if (typeof expected !== 'string') throw new StatesError(StatesErrors.Runtime, `The value of ${op} must be a path`);
    const path = expected;
    expected = resolveReference(path, scope);
    if (expected === MISSING) throw invalidConditionPath(path);
  }
  return test(base, value, expected);
}

function operatorOf(rule: ChoiceRule): string {
  for (const key of Object.keys(rule)) if (OPERATORS.has(key)) return key;
  throw new StatesError(StatesErrors.Runtime, 'A Choice Rule must have a comparison operator');
}

function invalidConditionPath(path: string): StatesError {
  return new StatesError(StatesErrors.Runtime, `Invalid path '${path}': The choice state's condition path references an invalid value.`);
}

function test(op: string, value: unknown, expected: unknown): boolean {
  switch (op) {
    case 'IsNull':
      return (value === null) === expected;
    case 'IsNumeric':
      return (typeof value === 'number') === expected;
    case 'IsString':
      return (typeof value === 'string') === expected;
    case 'IsBoolean':
      return (typeof value === 'boolean') === expected;
    case 'IsTimestamp':
      return (typeof value === 'string' && parseTimestamp(value) !== undefined) === expected;
    case 'BooleanEquals':
      return typeof value === 'boolean' && value === expected;
    case 'StringMatches':
      return typeof value === 'string' && typeof expected === 'string' && wildcardPattern(expected).test(value);
  }
  if (op.startsWith('String')) {
    if (typeof value !== 'string' || typeof expected !== 'string') return false;
    // String comparison is by UTF-16 code units, like Java's String.compareTo.
    return ordered(op.slice(6), value < expected ? -1 : value > expected ? 1 : 0);
  }
  if (op.startsWith('Numeric')) {
    if (typeof value !== 'number' || typeof expected !== 'number') return false;
    return ordered(op.slice(7), value - expected);
  }
  if (op.startsWith('Timestamp')) {
    const a = typeof value === 'string' ? parseTimestamp(value) : undefined;
    const b = typeof expected === 'string' ? parseTimestamp(expected) : undefined;
    if (a === undefined || b === undefined) return false;
    return ordered(op.slice(9), compareTimestamps(a, b));
  }
  throw new StatesError(StatesErrors.Runtime, `Unsupported comparison operator ${op}`);
}

function ordered(relation: string, c: number): boolean {
  switch (relation) {
    case 'Equals':
      return c === 0;
    case 'LessThan':
      return c < 0;
    case 'GreaterThan':
      return c > 0;
    case 'LessThanEquals':
      return c <= 0;
    default:
      return c >= 0;
  }
}

const wildcardCache = new Map<string, RegExp>();

/** StringMatches: `*` matches any run of characters; `\*` is a literal `*` and `\\` a literal `\`. */
function wildcardPattern(pattern: string): RegExp {
  let re = wildcardCache.get(pattern);
  if (re === undefined) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '\\' && i + 1 < pattern.length) {
        source += escapeRegExp(pattern[++i]);
      } else {
        source += c === '*' ? '[\\s\\S]*' : escapeRegExp(c);
      }
    }
    re = new RegExp(`^${source}$`);
    if (wildcardCache.size >= 10_000) wildcardCache.clear();
    wildcardCache.set(pattern, re);
  }
  return re;
}

const escapeRegExp = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
