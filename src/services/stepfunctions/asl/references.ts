/**
 * Resolving a path against the data its root names: `$...` the state's data, `$$...` the Context
 * object, `$name...` the workflow variable `name`.
 */
import type { CompiledPath } from './jsonpath-parser.js';
import { compilePath, describeMissingPath, evaluateCompiled, MISSING } from './jsonpath.js';
import { hasOwn } from './json-values.js';

export interface PathScope {
  input: unknown;
  context?: unknown;
  variables?: Record<string, unknown>;
}

/** The document a compiled path's root refers to; MISSING for an undefined variable. */
export function rootDocument(c: CompiledPath, scope: PathScope): unknown {
  if (c.root === 'input') return scope.input;
  if (c.root === 'context') return scope.context;
  const vars = scope.variables;
  return vars !== undefined && c.variable !== undefined && hasOwn(vars, c.variable) ? vars[c.variable] : MISSING;
}

/** The value `path` selects within its root, or MISSING when a definite path matches nothing. */
export function resolveReference(path: string, scope: PathScope): unknown {
  return resolveCompiled(compilePath(path), scope);
}

export function resolveCompiled(c: CompiledPath, scope: PathScope): unknown {
  const doc = rootDocument(c, scope);
  return doc === MISSING ? MISSING : evaluateCompiled(c, doc);
}

/** Why `path` matched nothing, in Jayway's words (or because the variable is not defined). */
export function explainMissing(path: string, scope: PathScope): string {
  const c = compilePath(path);
  const doc = rootDocument(c, scope);
  if (doc === MISSING) return `The variable '${c.variable}' is not defined`;
  return describeMissingPath(path, doc);
}
