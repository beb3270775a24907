/** Choice Rules: JSONPath rules (Variable + one comparison operator, or And / Or / Not) and JSONata rules (Condition). */
import {
  type Checker,
  type Edge,
  type Obj,
  at,
  checkAssignNames,
  checkLanguageFields,
  checkRequired,
  checkSupported,
  checkTemplate,
  expectType,
  has,
  item,
} from './validate-check.js';
import { isJsonataExpression, isTimestamp, isValidPath, isValidReferencePath } from './validate-paths.js';
import { COMPARISON_OPERATORS } from './validate-types.js';

const OPERATORS: readonly string[] = COMPARISON_OPERATORS;
const COMBINATORS = ['And', 'Or', 'Not'];
/** What a JSONPath rule holds, all of it foreign to a JSONata rule. */
const JSONPATH_RULE_FIELDS = ['Variable', ...COMBINATORS, ...OPERATORS];
const JSONATA_RULE_FIELDS = ['Condition', 'Output'];

const RULE_KINDS: ReadonlySet<string> = new Set([...COMBINATORS, ...OPERATORS]);
const TOP_RULE_FIELDS = new Set([...JSONPATH_RULE_FIELDS, ...JSONATA_RULE_FIELDS, 'Next', 'Assign', 'Comment']);
const NESTED_RULE_FIELDS = new Set([...JSONPATH_RULE_FIELDS, 'Condition', 'Comment']);

/** Checks a Choice state's Choices and answers the rules' transitions. */
export function checkChoices(c: Checker, v: unknown, loc: string, jsonata: boolean): Edge[] {
  const edges: Edge[] = [];
  if (!expectType(c, v, loc, 'ARRAY')) return edges;
  const rules = v as unknown[];
  if (rules.length === 0) c.schema('Value cannot be empty', loc);
  rules.forEach((r, i) => {
    const l = item(loc, i);
    if (!expectType(c, r, l, 'OBJECT')) return;
    const rule = r as Obj;
    if (jsonata) checkJsonataRule(c, rule, l);
    else checkJsonPathRule(c, rule, l, true);
    if (has(rule, 'Next') && expectType(c, rule.Next, at(l, 'Next'), 'STRING')) edges.push({ target: rule.Next as string, location: at(l, 'Next') });
    if (has(rule, 'Assign') && expectType(c, rule.Assign, at(l, 'Assign'), 'OBJECT')) {
      checkAssignNames(c, rule.Assign as Obj, at(l, 'Assign'), jsonata);
      if (!jsonata) checkTemplate(c, rule.Assign, at(l, 'Assign'));
    }
    if (has(rule, 'Comment')) expectType(c, rule.Comment, at(l, 'Comment'), 'STRING');
  });
  return edges;
}

function checkJsonataRule(c: Checker, rule: Obj, loc: string): void {
  checkSupported(c, rule, TOP_RULE_FIELDS, loc);
  checkLanguageFields(c, rule, true, JSONPATH_RULE_FIELDS, [], loc);
  checkRequired(c, rule, ['Condition', 'Next'], loc);
  if (has(rule, 'Condition')) {
    const cond = rule.Condition;
    if (typeof cond !== 'boolean' && !isJsonataExpression(cond)) {
      c.schema(`The value for the field 'Condition' must be a boolean or a JSONata expression enclosed in '{%' and '%}'`, at(loc, 'Condition'));
    }
  }
}

function checkJsonPathRule(c: Checker, rule: Obj, loc: string, top: boolean): void {
  checkSupported(c, rule, top ? TOP_RULE_FIELDS : NESTED_RULE_FIELDS, loc);
  const foreign = checkLanguageFields(c, rule, false, [], top ? JSONATA_RULE_FIELDS : ['Condition'], loc);
  if (top) checkRequired(c, rule, ['Next'], loc);
  if (!top && has(rule, 'Comment')) expectType(c, rule.Comment, at(loc, 'Comment'), 'STRING');

  const kinds = Object.keys(rule).filter((k) => RULE_KINDS.has(k));
  if (kinds.length === 0) {
    if (!foreign.has('Condition')) {
      c.schema(`A Choice Rule must have one comparison operator or one of the following fields: [${COMBINATORS.join(', ')}]`, loc);
    }
    return;
  }
  if (kinds.length > 1) {
    c.schema(`There should only be one of the following fields: [${kinds.join(', ')}]`, loc);
    return;
  }
  const kind = kinds[0];
  const l = at(loc, kind);
  if (kind === 'And' || kind === 'Or') {
    if (has(rule, 'Variable')) c.schema(`Field 'Variable' is not supported`, loc);
    if (!expectType(c, rule[kind], l, 'ARRAY')) return;
    const nested = rule[kind] as unknown[];
    if (nested.length === 0) c.schema('Value cannot be empty', l);
    nested.forEach((n, i) => {
      if (expectType(c, n, item(l, i), 'OBJECT')) checkJsonPathRule(c, n as Obj, item(l, i), false);
    });
    return;
  }
  if (kind === 'Not') {
    if (has(rule, 'Variable')) c.schema(`Field 'Variable' is not supported`, loc);
    if (expectType(c, rule.Not, l, 'OBJECT')) checkJsonPathRule(c, rule.Not as Obj, l, false);
    return;
  }
  if (!checkRequired(c, rule, ['Variable'], loc)) return;
  const variable = rule.Variable;
  if (expectType(c, variable, at(loc, 'Variable'), 'STRING') && !isValidPath(variable as string)) {
    c.schema(`The value for the field 'Variable' must be a valid JSONPath`, at(loc, 'Variable'));
  }
  checkOperand(c, kind, rule[kind], l);
}

function checkOperand(c: Checker, op: string, v: unknown, loc: string): void {
  if (op.endsWith('Path')) {
    if (expectType(c, v, loc, 'STRING') && !isValidReferencePath(v as string, { context: true, variables: true })) {
      c.schema(`The value for the field '${op}' must be a valid reference path`, loc);
    }
    return;
  }
  if (op.startsWith('Is') || op === 'BooleanEquals') {
    expectType(c, v, loc, 'BOOLEAN');
  } else if (op.startsWith('Numeric')) {
    expectType(c, v, loc, 'NUMBER');
  } else if (op.startsWith('Timestamp')) {
    if (expectType(c, v, loc, 'STRING') && !isTimestamp(v as string)) c.schema(`The value for the field '${op}' must be a valid timestamp`, loc);
  } else if (expectType(c, v, loc, 'STRING') && op === 'StringMatches' && !isValidPattern(v as string)) {
    c.schema(`The value for the field 'StringMatches' must be a valid pattern: '\\' may only escape '*' or '\\'`, loc);
  }
}

/** StringMatches: `*` is the wildcard; a backslash escapes only `*` or another backslash. */
function isValidPattern(p: string): boolean {
  for (let i = 0; i < p.length; i++) {
    if (p[i] !== '\\') continue;
    if (p[i + 1] !== '*' && p[i + 1] !== '\\') return false;
    i++;
  }
  return true;
}
