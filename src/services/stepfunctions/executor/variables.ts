/**
 * Workflow variables of one branch. A Parallel branch or Map iteration starts by sharing its
 * parent's variables (it reads the outer scope) and copies them on its first assignment, so what
 * it assigns stays in its own scope and never reaches the outer one.
 *
 * Limits as AWS documents them: 256 KiB for one variable, 256 KiB for all the values one Assign
 * sets, 10 MiB for all the variables of an execution scope.
 */
import { StatesError } from '../asl/errors.js';

export const MAX_VARIABLE_BYTES = 256 * 1024;
export const MAX_ASSIGN_BYTES = 256 * 1024;
export const MAX_TOTAL_VARIABLE_BYTES = 10 * 1024 * 1024;

export interface VariableStore {
  values: Record<string, unknown>;
  /** UTF-8 size of each variable's JSON text. */
  sizes: Record<string, number>;
  total: number;
  /** Also read by a child scope (or read from a parent): copy before writing. */
  shared: boolean;
}

/** The store a child branch starts with: the parent's, shared. */
export function childStore(parent: VariableStore | undefined): VariableStore | undefined {
  if (parent) parent.shared = true;
  return parent;
}

/**
 * The JSON text of each assigned value (what the StateExited event shows), after checking the
 * size limits against `store`. Throws States.Runtime when a limit is exceeded.
 */
export function serialiseAssignment(state: string, assigned: Record<string, unknown>, store: VariableStore | undefined): Record<string, string> {
  const texts: Record<string, string> = {};
  let assignBytes = 0;
  let total = store?.total ?? 0;
  for (const name of Object.keys(assigned)) {
    const text = JSON.stringify(assigned[name]) ?? 'null';
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_VARIABLE_BYTES) {
      throw new StatesError('States.Runtime', `The variable '${name}' assigned by the state '${state}' exceeds the maximum size of ${MAX_VARIABLE_BYTES} bytes for a variable.`);
    }
    assignBytes += bytes;
    total += bytes - (store?.sizes[name] ?? 0);
    texts[name] = text;
  }
  if (assignBytes > MAX_ASSIGN_BYTES) {
    throw new StatesError('States.Runtime', `The variables assigned by the state '${state}' exceed the maximum combined size of ${MAX_ASSIGN_BYTES} bytes for one Assign.`);
  }
  if (total > MAX_TOTAL_VARIABLE_BYTES) {
    throw new StatesError('States.Runtime', `The variables of the execution would exceed the maximum total size of ${MAX_TOTAL_VARIABLE_BYTES} bytes.`);
  }
  return texts;
}

/** Writes the assigned values into the branch's store (copying a shared one first); returns the store. */
export function commitAssignment(store: VariableStore | undefined, assigned: Record<string, unknown>, texts: Record<string, string>): VariableStore {
  const s: VariableStore =
    store === undefined
      ? { values: {}, sizes: {}, total: 0, shared: false }
      : store.shared
        ? { values: { ...store.values }, sizes: { ...store.sizes }, total: store.total, shared: false }
        : store;
  for (const name of Object.keys(assigned)) {
    const bytes = Buffer.byteLength(texts[name], 'utf8');
    s.total += bytes - (s.sizes[name] ?? 0);
    s.sizes[name] = bytes;
    s.values[name] = assigned[name];
  }
  return s;
}
