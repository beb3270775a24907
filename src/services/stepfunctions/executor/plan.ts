/**
 * What the engine derives once per state definition object (shared by every execution of the same
 * parsed definition): history event names, whether the state reads the Context object, its parsed
 * Resource, whether it assigns variables.
 */
import type { HistoryEventType } from './history.js';
import { parseResource, type ParsedResource } from '../integrations/registry.js';

export interface StatePlan {
  /** The state definition this plan belongs to. */
  def: any;
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
  /** The state's own QueryLanguage is JSONata (true) or JSONPath (false); undefined: the machine's. */
  jsonata: boolean | undefined;
  /** A Pass state that hands its input on unchanged to `next` (none of the fields that change it, in either query language). */
  passThrough: boolean;
  /** The state's Next (undefined for an End state). */
  next: string | undefined;
  /**
   * The plan of the state this one last went to (`linkName` in the States object `linkOwner`):
   * saves the name and plan look-ups on the way from one state to the next.
   */
  linkName: string | undefined;
  linkOwner: object | undefined;
  linkPlan: StatePlan | undefined;
}

const ABORTABLE = new Set(['Task', 'Wait', 'Map', 'Parallel']);
const plans = new WeakMap<object, StatePlan>();

function hasAssign(def: any): boolean {
  if (def.Assign !== undefined) return true;
  const withAssign = (list: unknown) => Array.isArray(list) && list.some((x) => x && typeof x === 'object' && 'Assign' in x);
  return withAssign(def.Choices) || withAssign(def.Catch);
}

const PASS_FIELDS = ['InputPath', 'Parameters', 'Result', 'ResultPath', 'OutputPath', 'Assign', 'Output'];

export function planOf(def: any): StatePlan {
  let plan = plans.get(def);
  if (!plan) {
    const type = def.Type;
    const json = JSON.stringify(def);
    plan = {
      def,
      entered: `${type}StateEntered` as HistoryEventType,
      exited: type === 'Fail' ? undefined : (`${type}StateExited` as HistoryEventType),
      aborted: ABORTABLE.has(type) ? (`${type}StateAborted` as HistoryEventType) : undefined,
      needsContext: json.includes('$$'),
      resource: type === 'Task' && typeof def.Resource === 'string' ? parseResource(def.Resource) : undefined,
      assigns: hasAssign(def),
      jsonataContext: /\$states(?!\.(input|result|errorOutput)\b)/.test(json),
      jsonata: def.QueryLanguage === undefined ? undefined : def.QueryLanguage === 'JSONata',
      passThrough: type === 'Pass' && PASS_FIELDS.every((f) => def[f] === undefined),
      next: def.End ? undefined : def.Next,
      linkName: undefined,
      linkOwner: undefined,
      linkPlan: undefined,
    };
    plans.set(def, plan);
  }
  return plan;
}

/** The plan of the state `name` of `states` that `from` goes to (undefined when there is none). */
export function linkedPlan(from: StatePlan, states: Record<string, any>, name: string): StatePlan | undefined {
  if (from.linkName === name && from.linkOwner === states) return from.linkPlan;
  const def = states[name];
  if (!def || typeof def !== 'object') return undefined;
  const plan = planOf(def);
  from.linkName = name;
  from.linkOwner = states;
  from.linkPlan = plan;
  return plan;
}
