/**
 * The InputPath / ResultPath / OutputPath steps of a JSONPath state. For each field, `undefined`
 * means the field is absent (default `$`) and `null` means it was set to JSON null.
 */
import { StatesError, StatesErrors } from './errors.js';
import { compilePath, MISSING, setPath } from './jsonpath.js';
import { explainMissing, resolveCompiled } from './references.js';

/** Absent: the raw input; null: `{}`; otherwise the part of the input the path selects. */
export function applyInputPath(
  path: string | null | undefined,
  input: unknown,
  context: unknown,
  variables?: Record<string, unknown>,
): unknown {
  if (path === undefined) return input;
  if (path === null) return {};
  return select(path, input, context, variables);
}

/**
 * Absent or `$`: the result replaces the input; null: the input passes through unchanged;
 * otherwise the result is placed into a copy of the input at the path. ResultPath cannot refer to
 * the Context object or to variables, so `variables` is accepted only for call-site symmetry.
 */
export function applyResultPath(
  path: string | null | undefined,
  input: unknown,
  result: unknown,
  _variables?: Record<string, unknown>,
): unknown {
  if (path === undefined || path === '$') return result;
  if (path === null) return input;
  return setPath(input, path, result);
}

/** Absent: the data; null: `{}`; otherwise the part of the data the path selects. */
export function applyOutputPath(
  path: string | null | undefined,
  data: unknown,
  context: unknown,
  variables?: Record<string, unknown>,
): unknown {
  if (path === undefined) return data;
  if (path === null) return {};
  return select(path, data, context, variables);
}

function select(path: string, data: unknown, context: unknown, variables: Record<string, unknown> | undefined): unknown {
  if (path === '$') return data;
  const scope = { input: data, context, variables };
  const c = compilePath(path);
  if (c.root === 'input' && data === null) {
    throw new StatesError(StatesErrors.Runtime, 'Unable to apply Path transformation to null or empty input.');
  }
  const value = resolveCompiled(c, scope);
  if (value === MISSING) throw new StatesError(StatesErrors.Runtime, `Invalid path '${path}' : ${explainMissing(path, scope)}`);
  return value;
}
