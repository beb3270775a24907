/**
 * Errors of the pattern engine. PatternError is what callers see; RuleArgumentError mirrors the
 * Java IllegalArgumentException paths of AWS's compiler, whose messages carry no JSON location.
 */

export type PatternErrorCode = 'InvalidEventPatternException' | 'InvalidParameter';

export class PatternError extends Error {
  /** The bare reason, for example `Filter is not an object`. */
  readonly reason: string;
  /**
   * What AWS prints after its fixed prefix: the reason plus the JSON location AWS appends, and
   * for SNS the `FilterPolicy: ` label. Services that use another prefix (SNS Subscribe prints
   * `Invalid parameter: Attributes Reason: `) build their message from this.
   */
  readonly detail: string;
  /** The AWS error code the service answers with. */
  readonly code: PatternErrorCode;

  constructor(code: PatternErrorCode, message: string, reason: string, detail: string) {
    super(message);
    this.name = 'PatternError';
    this.code = code;
    this.reason = reason;
    this.detail = detail;
  }
}

export class RuleArgumentError extends Error {}
