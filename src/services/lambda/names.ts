/** Function names as Lambda accepts them (name, partial ARN, ARN, each with an optional qualifier) and AWS's not-found wording. */
import { AwsError } from '../../core/errors.js';
import { arn } from '../../core/ids.js';

export interface FunctionRef {
  account: string;
  region: string;
  name: string;
  qualifier?: string;
}

/** `my-fn`, `my-fn:prod`, `123456789012:function:my-fn[:q]`, `arn:aws:lambda:us-east-1:123456789012:function:my-fn[:q]`. */
export function parseFunctionName(raw: string, scope: { account: string; region: string }, qualifier?: string): FunctionRef {
  let account = scope.account;
  let region = scope.region;
  let rest = raw;
  if (raw.startsWith('arn:')) {
    const parts = raw.split(':');
    if (parts.length < 7 || parts[2] !== 'lambda' || parts[5] !== 'function') throw invalid(`Invalid function ARN: ${raw}`);
    region = parts[3] || region;
    account = parts[4] || account;
    rest = parts.slice(6).join(':');
  } else {
    const m = /^(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?function:(.+)$/.exec(raw);
    if (m) {
      region = m[1] ?? region;
      account = m[2] ?? account;
      rest = m[3];
    }
  }
  const [name, derived, extra] = rest.split(':');
  if (extra !== undefined || !name) throw invalid(`Invalid function name: ${raw}`);
  if (derived !== undefined && qualifier !== undefined && derived !== qualifier)
    throw invalid('The derived qualifier from the function name does not match the specified qualifier.');
  const q = derived ?? qualifier;
  return { account, region, name, qualifier: q === '' ? undefined : q };
}

export function functionArn(region: string, account: string, name: string, qualifier?: string): string {
  return arn('lambda', region, account, `function:${name}${qualifier ? `:${qualifier}` : ''}`);
}

export function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message);
}

export function functionNotFound(ref: FunctionRef): AwsError {
  return new AwsError('ResourceNotFoundException', `Function not found: ${functionArn(ref.region, ref.account, ref.name, ref.qualifier)}`, 404);
}

export function conflict(message: string): AwsError {
  return new AwsError('ResourceConflictException', message, 409);
}

export function preconditionFailed(what: 'GetFunction' | 'GetAlias' | 'GetPolicy'): AwsError {
  return new AwsError('PreconditionFailedException', `The Revision Id provided does not match the latest Revision Id. Call the ${what} API to retrieve the latest Revision Id`, 412);
}
