/**
 * Which rules of a bus an event reaches. A rule whose pattern requires exact `source` or
 * `detail-type` values (in every `$or` alternative) is indexed under those values, so an event is
 * matched only against the rules that could want its source or detail-type, plus the rules that
 * constrain neither. The table is rebuilt when the bus's rules change.
 */
import type { Bus, Rule } from './store.js';

export interface RoutingTable {
  byKey: Map<string, Rule[]>;
  unindexed: Rule[];
}

const INDEXED_FIELDS = ['source', 'detail-type'] as const;
const key = (field: string, value: string) => `${field}\u0000${value}`;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Exact string values of a pattern field, or undefined if the field does not pin them. */
function exactValues(v: unknown): string[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) return undefined;
  // An IP-address literal matches other spellings of the address: leave those to the matcher.
  if (v.some((x: string) => /^[\d.:a-fA-F]+$/.test(x) && /[.:]/.test(x))) return undefined;
  return v as string[];
}

/**
 * The index keys of a (valid) pattern: for each alternative, the exact values of the first of
 * `source` / `detail-type` it pins. Undefined when some alternative pins neither.
 */
export function indexKeys(pattern: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  let alternatives: Record<string, unknown>[] = [parsed];
  if ('$or' in parsed) {
    const { $or, ...rest } = parsed;
    // A `$or` that is not a list of objects is an ordinary field name to the compiler.
    if (!Array.isArray($or) || $or.length < 2 || !$or.every(isPlainObject)) return undefined;
    alternatives = $or.map((alt) => ({ ...rest, ...alt }));
  }
  const keys = new Set<string>();
  for (const alt of alternatives) {
    let found = false;
    for (const field of INDEXED_FIELDS) {
      const values = exactValues(alt[field]);
      if (!values) continue;
      for (const v of values) keys.add(key(field, v));
      found = true;
      break;
    }
    if (!found) return undefined;
  }
  return [...keys];
}

const isEnabled = (r: Rule) => r.state !== 'DISABLED' && r.matcher !== undefined;

export function routingTable(bus: Bus): RoutingTable {
  if (bus.routing) return bus.routing;
  const table: RoutingTable = { byKey: new Map(), unindexed: [] };
  for (const rule of bus.rules.values()) {
    if (!isEnabled(rule)) continue;
    if (!rule.indexKeys) {
      table.unindexed.push(rule);
      continue;
    }
    for (const k of rule.indexKeys) {
      let list = table.byKey.get(k);
      if (!list) table.byKey.set(k, (list = []));
      list.push(rule);
    }
  }
  bus.routing = table;
  return table;
}

/** Forgets the table after a rule change. */
export function invalidateRouting(bus: Bus): void {
  bus.routing = undefined;
}

let stamp = 0;

/** The enabled rules whose pattern matches the event. */
export function matchingRules(bus: Bus, event: { source: string; 'detail-type': string }): Rule[] {
  const table = routingTable(bus);
  const out: Rule[] = [];
  const s = ++stamp;
  for (const field of INDEXED_FIELDS) {
    const candidates = table.byKey.get(key(field, event[field]));
    if (!candidates) continue;
    for (let i = 0; i < candidates.length; i++) {
      const rule = candidates[i];
      if (rule.routeStamp === s) continue;
      rule.routeStamp = s;
      if (rule.matcher!.match(event)) out.push(rule);
    }
  }
  const rest = table.unindexed;
  for (let i = 0; i < rest.length; i++) if (rest[i].matcher!.match(event)) out.push(rest[i]);
  return out;
}
