/**
 * Amazon States Language definition validator, used by CreateStateMachine / UpdateStateMachine
 * (which answer InvalidDefinition) and ValidateStateMachineDefinition (which answers diagnostics).
 * All problems are collected: a schema pass over every state, then a transition-graph pass.
 */
import { Checker, isObject, resolvesToJsonata } from './validate-check.js';
import { checkGraph } from './validate-graph.js';
import { type DuplicateKey, parseJson } from './validate-json.js';
import { validateScope } from './validate-states.js';
import type { QueryLanguage, StateMachineDefinition } from './validate-types.js';

export type * from './validate-types.js';
export { COMPARISON_OPERATORS } from './validate-types.js';

export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  code: string;
  message: string;
  location?: string;
}

export interface ValidationResult {
  result: 'OK' | 'FAIL';
  diagnostics: Diagnostic[];
  truncated: boolean;
  /** The parsed definition, when the result is OK. */
  definition?: StateMachineDefinition;
}

export interface ValidateOptions {
  /** The workflow type the definition is for (STANDARD by default): Express refuses some integrations. */
  type?: 'STANDARD' | 'EXPRESS';
  /** Lowest severity returned: ERROR (default) returns errors only, WARNING returns both. */
  severity?: 'ERROR' | 'WARNING';
  /** Most diagnostics returned; 0 or absent means AWS's default of 100. */
  maxResults?: number;
}

const DEFAULT_MAX_RESULTS = 100;

export function validateDefinition(definitionJson: string, opts: ValidateOptions = {}): ValidationResult {
  const { diagnostics, value } = collect(definitionJson, opts.type === 'EXPRESS');
  const failed = diagnostics.some((d) => d.severity === 'ERROR');
  const returned = opts.severity === 'WARNING' ? diagnostics : diagnostics.filter((d) => d.severity === 'ERROR');
  const max = opts.maxResults && opts.maxResults > 0 ? opts.maxResults : DEFAULT_MAX_RESULTS;
  const result: ValidationResult = {
    result: failed ? 'FAIL' : 'OK',
    diagnostics: returned.length > max ? returned.slice(0, max) : returned,
    truncated: returned.length > max,
  };
  if (!failed) result.definition = value as StateMachineDefinition;
  return result;
}

/**
 * AWS's InvalidDefinition message for a failed result: every error as `<CODE>: <message> at
 * <location>` (AWS prints `null` when there is no location), joined with ", ", e.g.
 * "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'".
 */
export function invalidDefinitionMessage(result: ValidationResult): string {
  const errors = result.diagnostics.filter((d) => d.severity === 'ERROR');
  return `Invalid State Machine Definition: '${errors.map(flatten).join(', ')}'`;
}

function flatten(d: Diagnostic): string {
  // A JSON syntax message already ends with Jackson's "at [Source: ...]", which is its location.
  if (d.code === 'INVALID_JSON_DESCRIPTION') return `${d.code}: ${d.message}`;
  return `${d.code}: ${d.message} at ${d.location ?? 'null'}`;
}

/**
 * The query language a state runs in. States inherit the machine's top-level language, also
 * inside Parallel branches and Map item processors (a Map's or Parallel's own QueryLanguage does
 * not propagate to the states it contains).
 */
export function stateQueryLanguage(state: { QueryLanguage?: QueryLanguage }, machine: { QueryLanguage?: QueryLanguage }): QueryLanguage {
  return state.QueryLanguage ?? machine.QueryLanguage ?? 'JSONPath';
}

function collect(text: string, express: boolean): { diagnostics: Diagnostic[]; value?: unknown } {
  const notAnObject: Diagnostic = { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Definition must be a valid JSON object' };
  if (text.trim() === '') return { diagnostics: [notAnObject] };
  const parsed = parseJson(text);
  if (!parsed.ok) {
    return { diagnostics: [{ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION', message: parsed.message, location: parsed.location }] };
  }
  const root = parsed.value;
  if (!isObject(root)) return { diagnostics: [notAnObject] };
  const c = new Checker(resolvesToJsonata(root.QueryLanguage, false), duplicatesByLocation(parsed.duplicateKeys));
  validateScope(c, root, '', 'top', express);
  checkGraph(c);
  return { diagnostics: c.diagnostics, value: root };
}

/** Groups duplicate keys by the location of their object, rendered like diagnostic locations (`/States/P/Branches[0]/States`). */
function duplicatesByLocation(duplicates: DuplicateKey[]): Map<string, string[]> {
  const byLocation = new Map<string, string[]>();
  for (const d of duplicates) {
    const loc = d.parent.map((p) => (typeof p === 'number' ? `[${p}]` : `/${p}`)).join('');
    const keys = byLocation.get(loc);
    if (keys) keys.push(d.key);
    else byLocation.set(loc, [d.key]);
  }
  return byLocation;
}
