/**
 * Limits AWS enforces after a pattern has compiled: EventBridge's wildcard complexity, and SNS's
 * key count, value-combination count and flat-only attribute scope.
 */
import type { CompiledRule } from './compile.js';
import { type Glob, wildcardComplexity } from './wildcard.js';

/** A limit violation; AWS reports these without a JSON location. */
export class PolicyLimitError extends Error {
  /** True when SNS prints the message without its `FilterPolicy: ` label. */
  readonly unlabelled: boolean;
  constructor(message: string, unlabelled = false) {
    super(message);
    this.unlabelled = unlabelled;
  }
}

/**
 * Calibrated on AWS's answers: `*:*:*:*:*:event-bus/*` (8) is refused while
 * `/Users/(any)/dir/dir/dir/dir/dir/doc.txt` (7) is accepted.
 */
const MAX_WILDCARD_COMPLEXITY = 7;
const SNS_MAX_KEYS = 5;
const SNS_MAX_COMBINATIONS = 150;

export function checkWildcardComplexity(rule: CompiledRule): void {
  const checked = new Set<Glob>();
  for (const alternative of rule.alternatives) {
    for (const field of alternative.values()) {
      for (const c of field.conditions) {
        if (c.kind !== 'wildcard' || checked.has(c.glob)) continue;
        checked.add(c.glob);
        if (wildcardComplexity(c.glob, MAX_WILDCARD_COMPLEXITY) > MAX_WILDCARD_COMPLEXITY) {
          throw new PolicyLimitError(
            'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
          );
        }
      }
    }
  }
}

export function checkSnsLimits(rule: CompiledRule, scope: 'MessageAttributes' | 'MessageBody'): void {
  let keys = 0;
  let nested = false;
  for (const alternative of rule.alternatives) {
    const tops = new Set<string>();
    for (const field of alternative.values()) {
      tops.add(field.top);
      if (field.nested) nested = true;
    }
    keys = Math.max(keys, tops.size);
  }
  if (keys > SNS_MAX_KEYS) throw new PolicyLimitError(`Filter policy can not have more than ${SNS_MAX_KEYS} keys`);
  if (nested && scope === 'MessageAttributes') {
    throw new PolicyLimitError('Filter policy scope MessageAttributes does not support nested filter policy', true);
  }
  if (rule.combinations > SNS_MAX_COMBINATIONS) throw new PolicyLimitError('Filter policy is too complex');
}
