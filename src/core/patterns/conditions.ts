/** The compiled form of one value in a pattern's value array. */
import type { Glob } from './wildcard.js';

export type Condition =
  /** An exact string (not an IP address literal). */
  | { kind: 'string'; value: string }
  /** An exact number: equal as written, or equal as a comparable number when in range. */
  | { kind: 'number'; value: number; key: number }
  | { kind: 'literal'; value: boolean | null }
  /** An exact string that is an IP address: matches any spelling of the same address. */
  | { kind: 'ip'; hex: string }
  | { kind: 'prefix' | 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; glob: Glob }
  /** anything-but over exact strings or over numbers (comparable keys). */
  | { kind: 'anything-but'; strings: Set<string> | null; numbers: Set<number> | null }
  | { kind: 'anything-but-set'; mode: 'prefix' | 'suffix' | 'ignore-case'; values: string[] }
  | { kind: 'anything-but-wildcard'; globs: Glob[] }
  /** Numeric range on comparable keys; `=` is a range with equal closed bounds. */
  | { kind: 'range'; lo: number; loOpen: boolean; hi: number; hiOpen: boolean }
  | { kind: 'cidr'; lo: string; hi: string }
  | { kind: 'exists'; value: boolean };

/** One field of one alternative of a compiled pattern. */
export interface FieldRule {
  /** Field names joined with dots, as AWS joins them. */
  path: string;
  conditions: Condition[];
  /** The top-level key the field sits under, and whether it is nested below it. */
  top: string;
  nested: boolean;
}

/** One alternative (a `$or` expansion) of a pattern: every field must match. */
export type Alternative = Map<string, FieldRule>;
