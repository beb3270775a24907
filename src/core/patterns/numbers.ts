/**
 * Numbers as AWS's matcher compares them: a value takes part in numeric matching only inside
 * [-5e9, 5e9], and comparisons are made on `trunc(1e6 * (5e9 + value))`, i.e. to six digits
 * after the decimal point (event-ruler's ComparableNumber).
 */
import { RuleArgumentError } from './errors.js';

const FIVE_BILLION = 5e9;

function inComparableRange(value: number): boolean {
  return value >= -FIVE_BILLION && value <= FIVE_BILLION;
}

/** The comparable key of a number, throwing AWS's message when it is out of range. */
export function comparableKey(value: number): number {
  if (!inComparableRange(value)) {
    throw new RuleArgumentError('Value must be between -5.0E9 and 5.0E9, inclusive');
  }
  return Math.trunc(1e6 * (FIVE_BILLION + value));
}

/** The comparable key, or NaN when the number is outside the comparable range. */
export function comparableKeyOrNaN(value: number): number {
  return inComparableRange(value) ? Math.trunc(1e6 * (FIVE_BILLION + value)) : NaN;
}
