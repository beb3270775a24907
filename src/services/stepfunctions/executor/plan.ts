/**
 * What the engine derives once per state definition object (shared by every execution of the same
 * parsed definition): history event names, whether the state reads the Context object, its parsed
 * Resource, whether it assigns variables.
 */
import type { HistoryEventType } from './history.js';
import { parseResource, type ParsedResource } from '../integrations/registry.js';

export interface StatePlan {
  entered: HistoryEventType;
  /** Undefined for Fail, which never exits. */
  exited: HistoryEventType | undefined;
  /** The <Type>StateAborted event, for the types AWS has one for. */
  aborted: HistoryEventType | undefined;
  /** The state mentions `$$` somewhere, so it needs the Context object built. */
  needsContext: boolean;
  /** Task states: the parsed Resource (undefined when Step Functions would not know it). */
  resource: ParsedResource | undefined;
  /** The state, a Choice rule or a catcher has an Assign. */
  assigns: boolean;
  /** A JSONata state reads `$states.context` (or `$states` as a whole). */
  jsonataContext: boolean;
}

const ABORTABLE = new Set(['Task', 'Wait', 'Map', 'Parallel']);
const plans = new WeakMap<object, StatePlan>();

function hasAssign(def: any): boolean {
  if (def.Assign !== undefined) return true;
  const withAssign = (list: unknown) => Array.isArray(list) && list.some((x) => x && typeof x === 'object' && 'Assign' in x);
  return withAssign(def.Choices) || withAssign(def.Catch);
}

export function planOf(def: { Type: string; Resource?: unknown }): StatePlan {
  let plan = plans.get(def);
  if (!plan) {
    const type = def.Type;
    const json = JSON.stringify(def);
    plan = {
      entered: `${type}StateEntered` as HistoryEventType,
      exited: type === 'Fail' ? undefined : (`${type}StateExited` as HistoryEventType),
      aborted: ABORTABLE.has(type) ? (`${type}StateAborted` as HistoryEventType) : undefined,
      needsContext: json.includes('$$'),
      resource: type === 'Task' && typeof def.Resource === 'string' ? parseResource(def.Resource) : undefined,
      assigns: hasAssign(def),
      jsonataContext: /\$states(?!\.(input|result|errorOutput)\b)/.test(json),
    };
    plans.set(def, plan);
  }
  return plan;
}
