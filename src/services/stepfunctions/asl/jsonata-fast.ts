/**
 * A synchronous evaluator for the simplest JSONata expressions — field paths from `$states` or a
 * variable, literals, and the arithmetic, comparison, `&` and boolean operators on operands of
 * the obvious types — which make up most of what workflows write. The jsonata package evaluates
 * asynchronously (a promise chain per expression); these need none. Whenever a value falls
 * outside what is handled here exactly as JSONata handles it (an array met in a path, operands of
 * mixed types, a non-finite number), the evaluator answers FALLBACK and the real engine runs.
 */
import type jsonata from 'jsonata';
import { isJsonObject } from './json-values.js';

export const FALLBACK: unique symbol = Symbol('jsonata.fallback');
export type FastEval = (bindings: Record<string, unknown>) => unknown;

const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);
const ORDER = new Set(['<', '<=', '>', '>=']);
/** Keys a plain node of the handled kinds carries; anything else (predicates, stages, ...) is out. */
const PLAIN_KEYS = new Set(['type', 'value', 'position', 'lhs', 'rhs', 'steps']);

/** A synchronous evaluator for `ast`, or undefined when the expression is not of the simple kind. */
export function compileFast(ast: jsonata.ExprNode): FastEval | undefined {
  if (!plain(ast)) return undefined;
  switch (ast.type) {
    case 'number':
    case 'string':
    case 'value': {
      const v = ast.value;
      return () => v;
    }
    case 'variable':
      return typeof ast.value === 'string' && ast.value !== '' ? variable(ast.value) : undefined;
    case 'binary':
      return binary(ast);
    default:
      return (ast.type as string) === 'path' ? path(ast) : undefined;
  }
}

function plain(node: jsonata.ExprNode): boolean {
  for (const k of Object.keys(node)) if (!PLAIN_KEYS.has(k)) return false;
  return true;
}

function variable(name: string): FastEval {
  return (bindings) => {
    const v = bindings[name];
    return Array.isArray(v) || typeof v === 'function' ? FALLBACK : v;
  };
}

/** `$var.a.b` / `$states.input.a`: object fields only; an array anywhere is left to JSONata. */
function path(ast: jsonata.ExprNode): FastEval | undefined {
  const steps = ast.steps ?? [];
  const [first, ...rest] = steps;
  if (!first || first.type !== 'variable' || typeof first.value !== 'string' || first.value === '' || !plain(first)) return undefined;
  if (!rest.every((s) => s.type === 'name' && typeof s.value === 'string' && plain(s))) return undefined;
  const root = first.value;
  const names = rest.map((s) => s.value as string);
  return (bindings) => {
    let v: unknown = bindings[root];
    for (let i = 0; i < names.length; i++) {
      if (v === undefined) return undefined;
      if (!isJsonObject(v)) return FALLBACK;
      v = Object.prototype.hasOwnProperty.call(v, names[i]) ? v[names[i]] : undefined;
    }
    return Array.isArray(v) ? FALLBACK : v;
  };
}

function binary(ast: jsonata.ExprNode): FastEval | undefined {
  const op = ast.value as string;
  if (!ast.lhs || Array.isArray(ast.lhs) || !ast.rhs) return undefined;
  const l = compileFast(ast.lhs);
  const r = compileFast(ast.rhs);
  if (!l || !r) return undefined;
  if (ARITHMETIC.has(op)) {
    return (b) => {
      const x = l(b);
      const y = r(b);
      if (typeof x !== 'number' || typeof y !== 'number') return FALLBACK;
      const v = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : x % y;
      return Number.isFinite(v) ? v : FALLBACK;
    };
  }
  if (ORDER.has(op)) {
    return (b) => {
      const x = l(b);
      const y = r(b);
      if (!((typeof x === 'number' && typeof y === 'number') || (typeof x === 'string' && typeof y === 'string'))) return FALLBACK;
      return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
    };
  }
  if (op === '=' || op === '!=') {
    return (b) => {
      const x = l(b);
      const y = r(b);
      if (x === FALLBACK || y === FALLBACK || (typeof x === 'object' && x !== null) || (typeof y === 'object' && y !== null)) return FALLBACK;
      // JSONata: a comparison with nothing is false, whichever the operator.
      if (x === undefined || y === undefined) return false;
      return op === '=' ? x === y : x !== y;
    };
  }
  if (op === '&') {
    return (b) => {
      const x = l(b);
      const y = r(b);
      return typeof x === 'string' && typeof y === 'string' ? x + y : FALLBACK;
    };
  }
  if (op === 'and' || op === 'or') {
    return (b) => {
      const x = l(b);
      if (typeof x !== 'boolean') return FALLBACK;
      if (op === 'and' ? !x : x) return x;
      const y = r(b);
      return typeof y === 'boolean' ? y : FALLBACK;
    };
  }
  return undefined;
}
