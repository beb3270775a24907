/**
 * JSONata expressions of a JSONata state, checked at CreateStateMachine the way AWS checks them:
 * every string that is entirely `{% ... %}` must parse with JSONata 2.0.6 (so the 2.1 operators
 * `?:` and `??` are refused too) — INVALID_JSONATA_EXPRESSION with the parser's message — and may
 * not use what Step Functions does not offer: `$$`, or `$states.errorOutput` outside a Catch
 * (UNSUPPORTED_JSONATA_EXPRESSION).
 */
import type jsonata from 'jsonata';
import { compileJsonata, expressionText, isJsonataString } from './jsonata.js';
import { type Checker, type Obj, at, item } from './validate-check.js';

/** Fields holding nested containers of states, validated as scopes of their own. */
const NESTED_SCOPES = new Set(['ItemProcessor', 'Iterator', 'Branches']);

export function checkJsonataExpressions(c: Checker, state: Obj, loc: string): void {
  for (const key of Object.keys(state)) {
    if (NESTED_SCOPES.has(key)) continue;
    walk(c, state[key], at(loc, key), key === 'Catch');
  }
}

function walk(c: Checker, v: unknown, loc: string, inCatch: boolean): void {
  if (typeof v === 'string') {
    if (isJsonataString(v)) checkExpression(c, expressionText(v), loc, inCatch);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => walk(c, x, item(loc, i), inCatch));
    return;
  }
  if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) walk(c, x, at(loc, k), inCatch);
  }
}

function checkExpression(c: Checker, text: string, loc: string, inCatch: boolean): void {
  let ast: jsonata.ExprNode;
  try {
    ast = compileJsonata(text).ast();
  } catch (e) {
    const message = typeof (e as { message?: unknown })?.message === 'string' ? (e as { message: string }).message : String(e);
    c.error('INVALID_JSONATA_EXPRESSION', message, loc);
    return;
  }
  const problem = unsupported(ast, inCatch);
  if (problem) c.error('UNSUPPORTED_JSONATA_EXPRESSION', problem, loc);
}

/** The first construct Step Functions does not support in the expression, as AWS words it. */
function unsupported(node: unknown, inCatch: boolean): string | undefined {
  if (Array.isArray(node)) {
    for (const n of node) {
      const p = unsupported(n, inCatch);
      if (p) return p;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  const n = node as jsonata.ExprNode;
  if (n.type === 'variable' && n.value === '$') return "Reference to '$$' is not supported.";
  if ((n.type as string) === 'path' && !inCatch) {
    const [first, second] = n.steps ?? [];
    if (first?.type === 'variable' && first.value === 'states' && second?.type === 'name' && second.value === 'errorOutput') {
      return "Field '$states.errorOutput' does not exist.";
    }
  }
  for (const [key, child] of Object.entries(n)) {
    if (key === 'position' || key === 'value' || key === 'type') continue;
    const p = unsupported(child, inCatch);
    if (p) return p;
  }
  return undefined;
}
