/** Secret names, secret ARNs and how a `SecretId` (name, partial ARN or full ARN) is read. */
import { AwsError } from '../../core/errors.js';
import { arn, parseArn, randomAlnum } from '../../core/ids.js';

const NAME = /^[A-Za-z0-9/_+=.@!-]+$/;
/** The hyphen and six random characters Secrets Manager appends to a name in the ARN. */
const SUFFIX = /-[A-Za-z0-9]{6}$/;

const INVALID_NAME = 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!';

export function assertValidName(name: string): void {
  if (!NAME.test(name)) throw new AwsError('ValidationException', INVALID_NAME);
}

export function newSecretArn(region: string, account: string, name: string): string {
  return secretArn(region, account, name, randomAlnum(6));
}

export function secretArn(region: string, account: string, name: string, suffix: string): string {
  return arn('secretsmanager', region, account, `secret:${name}-${suffix}`);
}

/** The same secret's ARN in another region (replicas keep the primary's suffix). */
export function arnInRegion(secretArnValue: string, region: string): string {
  const p = parseArn(secretArnValue)!;
  return arn('secretsmanager', region, p.account, p.resource);
}

export type SecretRef =
  | { kind: 'name'; name: string }
  /** `complete` when the resource ends in a hyphen and six characters, which AWS reads as a full ARN. */
  | { kind: 'arn'; arn: string; account: string; region: string; resource: string; complete: boolean };

export function parseSecretId(id: string): SecretRef {
  if (id.startsWith('arn:')) {
    const p = parseArn(id);
    if (p && p.service === 'secretsmanager' && p.resource.startsWith('secret:')) {
      const resource = p.resource.slice('secret:'.length);
      return { kind: 'arn', arn: id, account: p.account, region: p.region, resource, complete: SUFFIX.test(resource) };
    }
  }
  assertValidName(id);
  return { kind: 'name', name: id };
}
