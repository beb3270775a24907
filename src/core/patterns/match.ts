/**
 * Runtime matching of a compiled pattern against an event (an already-parsed JSON value).
 *
 * Semantics follow AWS's matcher: a field path names leaf values (strings, numbers, booleans,
 * null) reached through objects and arrays; field names join with dots, so `{"a.b": 1}` and
 * `{"a": {"b": 1}}` are the same field. A field matches if any of its values satisfies any of
 * the field's conditions. Matches are array-consistent: two fields may not be satisfied by
 * values taken from different elements of the same array of objects.
 *
 * Work per call is proportional to the fields the pattern names, not to the event's size.
 */
import type { Alternative, Condition, FieldRule } from './conditions.js';
import { ipToHex } from './ip.js';
import { comparableKeyOrNaN } from './numbers.js';
import type { Glob } from './wildcard.js';

type Leaf = string | number | boolean | null;
/** The arrays of objects a value was found in, as [array, index, array, index, ...]. */
type Membership = readonly unknown[] | null;

export interface CompiledPattern {
  match(event: unknown): boolean;
}

// Matching is synchronous and never re-entrant, so traversal scratch space can be shared.
const arrayStack: unknown[] = [];
const indexStack: number[] = [];
let stackDepth = 0;
let callStamp = 0;
const constrained: FieldMatcher[] = [];
const chosen: Membership[] = [];

/** The values of one field path in the event currently being matched. */
class FieldValues {
  /** keys[i][j]: path segments i..i+j joined with dots (an event key may itself contain dots). */
  private readonly keys: string[][];
  /** Whether keys[i][j] also names an Object.prototype member, so an own-property check is due. */
  private readonly inherited: boolean[][];
  private readonly last: number;
  stamp = 0;
  count = 0;
  anyMembership = false;
  readonly values: Leaf[] = [];
  readonly memberships: Membership[] = [];

  constructor(path: string) {
    const segments = path.split('.');
    this.last = segments.length - 1;
    this.keys = segments.map((_, i) => segments.slice(i).map((__, j) => segments.slice(i, i + j + 1).join('.')));
    this.inherited = this.keys.map((row) => row.map((key) => key in Object.prototype));
  }

  collect(root: object, stamp: number): void {
    this.stamp = stamp;
    this.count = 0;
    this.anyMembership = false;
    stackDepth = 0;
    this.walk(root, 0);
  }

  private walk(node: object, i: number): void {
    if (Array.isArray(node)) {
      for (let k = 0; k < node.length; k++) {
        const element: unknown = node[k];
        if (typeof element !== 'object' || element === null) continue;
        arrayStack[stackDepth] = node;
        indexStack[stackDepth++] = k;
        this.walk(element, i);
        stackDepth--;
      }
      return;
    }
    const row = this.keys[i];
    const inherited = this.inherited[i];
    for (let j = 0; j < row.length; j++) {
      const key = row[j];
      const child: unknown = (node as Record<string, unknown>)[key];
      if (child === undefined || (inherited[j] && !Object.prototype.hasOwnProperty.call(node, key))) continue;
      if (i + j === this.last) this.leaf(child);
      else if (typeof child === 'object' && child !== null) this.walk(child, i + j + 1);
    }
  }

  /** Arrays at the leaf itself only list values; they take no part in array consistency. */
  private leaf(value: unknown): void {
    switch (typeof value) {
      case 'string':
      case 'number':
      case 'boolean':
        this.push(value);
        return;
      case 'object':
        if (value === null) this.push(null);
        else if (Array.isArray(value)) for (const element of value) this.leaf(element);
    }
  }

  private push(value: Leaf): void {
    const n = this.count++;
    this.values[n] = value;
    if (stackDepth === 0) {
      this.memberships[n] = null;
      return;
    }
    const membership: unknown[] = new Array(stackDepth * 2);
    for (let d = 0; d < stackDepth; d++) {
      membership[2 * d] = arrayStack[d];
      membership[2 * d + 1] = indexStack[d];
    }
    this.memberships[n] = membership;
    this.anyMembership = true;
  }
}

/** One field of one alternative: its values and the test any one of them must pass. */
class FieldMatcher {
  readonly values: FieldValues;
  /** `exists: false` is one of the conditions. */
  readonly absentOk: boolean;
  /** `exists: true` is one of the conditions. */
  private readonly anyValue: boolean;
  private readonly strings: Set<string> | null;
  private readonly numbers: Set<number> | null;
  private readonly numberKeys: Set<number>;
  private readonly literals: { true: boolean; false: boolean; null: boolean };
  private readonly predicates: ((v: Leaf) => boolean)[];
  /** Evaluation order within an alternative: cheap set lookups first. */
  readonly rank: number;
  candidates: Membership[] = [];
  candidateCount = 0;

  constructor(conditions: Condition[], values: FieldValues) {
    this.values = values;
    let absentOk = false;
    let anyValue = false;
    const strings = new Set<string>();
    const numbers = new Set<number>();
    this.numberKeys = new Set<number>();
    this.literals = { true: false, false: false, null: false };
    this.predicates = [];
    const ips = new Set<string>();
    const cidrs: { lo: string; hi: string }[] = [];
    for (const c of conditions) {
      switch (c.kind) {
        case 'string':
          strings.add(c.value);
          break;
        case 'number':
          numbers.add(c.value);
          if (!Number.isNaN(c.key)) this.numberKeys.add(c.key);
          break;
        case 'literal':
          this.literals[String(c.value) as 'true' | 'false' | 'null'] = true;
          break;
        case 'ip':
          ips.add(c.hex);
          break;
        case 'cidr':
          cidrs.push(c);
          break;
        case 'exists':
          if (c.value) anyValue = true;
          else absentOk = true;
          break;
        default:
          this.predicates.push(predicate(c));
      }
    }
    if (ips.size > 0 || cidrs.length > 0) this.predicates.push(ipPredicate(ips, cidrs));
    this.absentOk = absentOk;
    this.anyValue = anyValue;
    this.strings = strings.size > 0 ? strings : null;
    this.numbers = numbers.size > 0 ? numbers : null;
    this.rank = absentOk || anyValue ? 2 : this.predicates.length > 0 ? 1 : 0;
  }

  test(v: Leaf): boolean {
    if (this.anyValue) return true;
    switch (typeof v) {
      case 'string':
        if (this.strings !== null && this.strings.has(v)) return true;
        break;
      case 'number':
        if (this.numbers !== null && (this.numbers.has(v) || this.numberKeys.has(comparableKeyOrNaN(v)))) return true;
        break;
      case 'boolean':
        if (v ? this.literals.true : this.literals.false) return true;
        break;
      default:
        if (this.literals.null) return true;
    }
    const predicates = this.predicates;
    for (let i = 0; i < predicates.length; i++) if (predicates[i](v)) return true;
    return false;
  }
}

function predicate(c: Condition): (v: Leaf) => boolean {
  switch (c.kind) {
    case 'prefix': {
      const p = c.ignoreCase ? c.value.toLowerCase() : c.value;
      return c.ignoreCase
        ? (v) => typeof v === 'string' && v.toLowerCase().startsWith(p)
        : (v) => typeof v === 'string' && v.startsWith(p);
    }
    case 'suffix': {
      const s = c.ignoreCase ? c.value.toLowerCase() : c.value;
      return c.ignoreCase
        ? (v) => typeof v === 'string' && v.toLowerCase().endsWith(s)
        : (v) => typeof v === 'string' && v.endsWith(s);
    }
    case 'equals-ignore-case': {
      const lower = c.value.toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === lower;
    }
    case 'wildcard': {
      const glob = c.glob;
      return (v) => typeof v === 'string' && glob.test(v);
    }
    case 'anything-but': {
      // Values of the other type (and null, booleans) are never excluded.
      const { strings, numbers } = c;
      if (strings !== null) return (v) => !(typeof v === 'string' && strings.has(v));
      const keys = numbers as Set<number>;
      return (v) => !(typeof v === 'number' && keys.has(comparableKeyOrNaN(v)));
    }
    case 'anything-but-set':
      return anythingButSet(c.mode, c.values);
    case 'anything-but-wildcard': {
      const globs: Glob[] = c.globs;
      return (v) => typeof v !== 'string' || !globs.some((g) => g.test(v));
    }
    case 'range': {
      const { lo, loOpen, hi, hiOpen } = c;
      return (v) => {
        if (typeof v !== 'number') return false;
        const k = comparableKeyOrNaN(v);
        return (loOpen ? k > lo : k >= lo) && (hiOpen ? k < hi : k <= hi);
      };
    }
    default:
      // Exact values, IP addresses and exists are matched by FieldMatcher's own lookups.
      throw new Error(`${c.kind} conditions have no predicate`);
  }
}

/** anything-but over prefixes, suffixes or case-insensitive values: non-strings always pass. */
function anythingButSet(mode: 'prefix' | 'suffix' | 'ignore-case', values: string[]): (v: Leaf) => boolean {
  switch (mode) {
    case 'prefix':
      return (v) => typeof v !== 'string' || !values.some((p) => v.startsWith(p));
    case 'suffix':
      return (v) => typeof v !== 'string' || !values.some((s) => v.endsWith(s));
    case 'ignore-case': {
      const lowered = new Set(values.map((s) => s.toLowerCase()));
      return (v) => typeof v !== 'string' || !lowered.has(v.toLowerCase());
    }
  }
}

function ipPredicate(ips: Set<string>, cidrs: { lo: string; hi: string }[]): (v: Leaf) => boolean {
  return (v) => {
    if (typeof v !== 'string') return false;
    const hex = ipToHex(v);
    if (hex === undefined) return false;
    if (ips.has(hex)) return true;
    for (const r of cidrs) if (hex.length === r.lo.length && hex >= r.lo && hex <= r.hi) return true;
    return false;
  };
}

function conflicts(a: Membership, b: Membership): boolean {
  if (a === null || b === null) return false;
  for (let i = 0; i < a.length; i += 2) {
    for (let j = 0; j < b.length; j += 2) {
      if (a[i] === b[j] && a[i + 1] !== b[j + 1]) return true;
    }
  }
  return false;
}

/** Picks one candidate per constrained field so that no two come from different array elements. */
function consistent(k: number, n: number): boolean {
  if (k === n) return true;
  const field = constrained[k];
  next: for (let c = 0; c < field.candidateCount; c++) {
    const m = field.candidates[c];
    for (let j = 0; j < k; j++) if (conflicts(m, chosen[j])) continue next;
    chosen[k] = m;
    if (consistent(k + 1, n)) return true;
  }
  return false;
}

function matchAlternative(fields: FieldMatcher[], event: object, stamp: number): boolean {
  let n = 0;
  for (const field of fields) {
    const fv = field.values;
    if (fv.stamp !== stamp) fv.collect(event, stamp);
    const count = fv.count;
    if (count === 0) {
      if (field.absentOk) continue;
      return false;
    }
    const values = fv.values;
    if (!fv.anyMembership) {
      let ok = false;
      for (let i = 0; i < count; i++) {
        if (field.test(values[i])) {
          ok = true;
          break;
        }
      }
      if (!ok) return false;
      continue;
    }
    let c = 0;
    let free = false;
    for (let i = 0; i < count; i++) {
      if (!field.test(values[i])) continue;
      const m = fv.memberships[i];
      if (m === null) {
        free = true;
        break;
      }
      field.candidates[c++] = m;
    }
    if (free) continue;
    if (c === 0) return false;
    field.candidateCount = c;
    constrained[n++] = field;
  }
  return n < 2 || consistent(0, n);
}

export class PatternMatcher implements CompiledPattern {
  private readonly alternatives: FieldMatcher[][];

  constructor(alternatives: Alternative[]) {
    const valuesByPath = new Map<string, FieldValues>();
    const matcherByField = new Map<FieldRule, FieldMatcher>();
    this.alternatives = alternatives.map((alt) => {
      const fields: FieldMatcher[] = [];
      for (const rule of alt.values()) {
        let matcher = matcherByField.get(rule);
        if (matcher === undefined) {
          let values = valuesByPath.get(rule.path);
          if (values === undefined) {
            values = new FieldValues(rule.path);
            valuesByPath.set(rule.path, values);
          }
          matcher = new FieldMatcher(rule.conditions, values);
          matcherByField.set(rule, matcher);
        }
        fields.push(matcher);
      }
      return fields.sort((a, b) => a.rank - b.rank);
    });
  }

  match(event: unknown): boolean {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
    const stamp = ++callStamp;
    const alternatives = this.alternatives;
    for (let i = 0; i < alternatives.length; i++) {
      if (matchAlternative(alternatives[i], event, stamp)) return true;
    }
    return false;
  }
}
