/**
 * One content-filtering engine for EventBridge event patterns and SNS subscription filter
 * policies. Compile once (validation with AWS's error messages included), then match many.
 */
import { compileRule, type Dialect } from './compile.js';
import { PatternError, RuleArgumentError } from './errors.js';
import { JsonParseError, JsonReader } from './json-reader.js';
import { type CompiledPattern, PatternMatcher } from './match.js';
import { checkSnsLimits, checkWildcardComplexity, PolicyLimitError } from './validate.js';

export type PatternDialect = Dialect;
export type { CompiledPattern } from './match.js';
export { PatternError } from './errors.js';
export { snsAttributesToMatchInput, type SnsMessageAttribute } from './sns.js';

export interface CompileOptions {
  /** SNS only: which part of a message the policy filters (default MessageAttributes). */
  snsScope?: 'MessageAttributes' | 'MessageBody';
}

/** Parses and validates; throws PatternError with AWS's message for an invalid pattern. */
export function compilePattern(pattern: string | object, dialect: PatternDialect, opts: CompileOptions = {}): CompiledPattern {
  const source = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  try {
    if (dialect === 'sns') new JsonReader(source).skipValue();
  } catch (e) {
    if (e instanceof JsonParseError) throw snsError(`FilterPolicy: failed to parse JSON. ${e.message}`, e.reason);
    throw e;
  }
  try {
    const rule = compileRule(source, dialect);
    if (dialect === 'eventbridge') checkWildcardComplexity(rule);
    else checkSnsLimits(rule, opts.snsScope ?? 'MessageAttributes');
    return new PatternMatcher(rule.alternatives);
  } catch (e) {
    if (!(e instanceof JsonParseError || e instanceof RuleArgumentError || e instanceof PolicyLimitError)) throw e;
    const reason = e instanceof JsonParseError ? e.reason : e.message;
    if (dialect === 'eventbridge') {
      throw new PatternError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${e.message}`, reason, e.message);
    }
    const unlabelled = e instanceof PolicyLimitError && e.unlabelled;
    throw snsError(unlabelled ? e.message : `FilterPolicy: ${e.message}`, reason);
  }
}

function snsError(detail: string, reason: string): PatternError {
  return new PatternError('InvalidParameter', `Invalid parameter: ${detail}`, reason, detail);
}
