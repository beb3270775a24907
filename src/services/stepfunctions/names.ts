/**
 * Names of state machines, executions and activities. AWS documents that a name must not contain
 * whitespace, brackets `< > { } [ ]`, wildcards `? *`, the characters `" # % \ ^ | ~ \` $ & , ; : /`
 * or control characters (U+0000-001F, U+007F-009F); its length (1-80) is checked by the model.
 */
import { AwsError } from '../../core/errors.js';

const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

export function assertValidName(name: string): void {
  if (FORBIDDEN.test(name)) throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
}
