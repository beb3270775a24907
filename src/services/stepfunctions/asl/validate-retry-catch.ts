/** Retry and Catch arrays of Task, Parallel and Map states. */
import {
  type Checker,
  type Edge,
  at,
  checkAssignNames,
  checkEnum,
  checkInteger,
  checkLanguageFields,
  checkRange,
  checkRequired,
  checkResultPath,
  checkSupported,
  checkTemplate,
  expectType,
  has,
  item,
} from './validate-check.js';

const MAX_SECONDS = 99999999;
const MAX_DELAY_SECONDS = 31622400;

const RETRIER_FIELDS = new Set(['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment']);
const CATCHER_FIELDS = new Set(['ErrorEquals', 'Next', 'ResultPath', 'Output', 'Assign', 'Comment']);

/** ErrorEquals: a non-empty list of error names, where States.ALL stands alone. Answers whether it holds States.ALL. */
function checkErrorEquals(c: Checker, v: unknown, loc: string): boolean {
  if (!expectType(c, v, loc, 'ARRAY')) return false;
  const names = v as unknown[];
  if (names.length === 0) {
    c.schema('Value cannot be empty', loc);
    return false;
  }
  names.forEach((n, i) => expectType(c, n, item(loc, i), 'STRING'));
  const all = names.includes('States.ALL');
  if (all && names.length > 1) c.schema(`'States.ALL' must appear alone in the 'ErrorEquals' array`, loc);
  return all;
}

function checkLast(c: Checker, field: 'Retry' | 'Catch', index: number, count: number, loc: string): void {
  if (index === count - 1) return;
  const what = field === 'Retry' ? 'Retrier' : 'Catcher';
  c.schema(`A ${what} with 'States.ALL' in its 'ErrorEquals' must be the last ${what} in the '${field}' array`, loc);
}

export function checkRetry(c: Checker, v: unknown, loc: string): void {
  if (!expectType(c, v, loc, 'ARRAY')) return;
  const retriers = v as unknown[];
  retriers.forEach((r, i) => {
    const l = item(loc, i);
    if (!expectType(c, r, l, 'OBJECT')) return;
    const o = r as Record<string, unknown>;
    checkSupported(c, o, RETRIER_FIELDS, l);
    checkRequired(c, o, ['ErrorEquals'], l);
    if (has(o, 'ErrorEquals') && checkErrorEquals(c, o.ErrorEquals, at(l, 'ErrorEquals'))) checkLast(c, 'Retry', i, retriers.length, l);
    if (has(o, 'IntervalSeconds')) checkInteger(c, o.IntervalSeconds, at(l, 'IntervalSeconds'), 1, MAX_SECONDS);
    if (has(o, 'MaxAttempts')) checkInteger(c, o.MaxAttempts, at(l, 'MaxAttempts'), 0, MAX_SECONDS);
    if (has(o, 'BackoffRate') && expectType(c, o.BackoffRate, at(l, 'BackoffRate'), 'NUMBER')) {
      checkRange(c, o.BackoffRate as number, at(l, 'BackoffRate'), 1);
    }
    if (has(o, 'MaxDelaySeconds')) checkInteger(c, o.MaxDelaySeconds, at(l, 'MaxDelaySeconds'), 1, MAX_DELAY_SECONDS);
    if (has(o, 'JitterStrategy')) checkEnum(c, o.JitterStrategy, at(l, 'JitterStrategy'), ['FULL', 'NONE']);
    if (has(o, 'Comment')) expectType(c, o.Comment, at(l, 'Comment'), 'STRING');
  });
}

/** Checks the catchers and answers their transitions for the graph pass. */
export function checkCatch(c: Checker, v: unknown, loc: string, jsonata: boolean): Edge[] {
  const edges: Edge[] = [];
  if (!expectType(c, v, loc, 'ARRAY')) return edges;
  const catchers = v as unknown[];
  catchers.forEach((k, i) => {
    const l = item(loc, i);
    if (!expectType(c, k, l, 'OBJECT')) return;
    const o = k as Record<string, unknown>;
    checkSupported(c, o, CATCHER_FIELDS, l);
    const foreign = checkLanguageFields(c, o, jsonata, ['ResultPath'], ['Output'], l);
    checkRequired(c, o, ['ErrorEquals', 'Next'], l);
    if (has(o, 'ErrorEquals') && checkErrorEquals(c, o.ErrorEquals, at(l, 'ErrorEquals'))) checkLast(c, 'Catch', i, catchers.length, l);
    if (has(o, 'Next') && expectType(c, o.Next, at(l, 'Next'), 'STRING')) edges.push({ target: o.Next as string, location: at(l, 'Next') });
    if (has(o, 'ResultPath') && !foreign.has('ResultPath')) checkResultPath(c, o.ResultPath, at(l, 'ResultPath'));
    if (has(o, 'Assign') && expectType(c, o.Assign, at(l, 'Assign'), 'OBJECT')) {
      checkAssignNames(c, o.Assign as Record<string, unknown>, at(l, 'Assign'), jsonata);
      if (!jsonata) checkTemplate(c, o.Assign, at(l, 'Assign'));
    }
    if (has(o, 'Comment')) expectType(c, o.Comment, at(l, 'Comment'), 'STRING');
  });
  return edges;
}
