import { randomBytes, randomUUID } from 'node:crypto';

export const DEFAULT_ACCOUNT = '000000000000';
export const DEFAULT_REGION = 'us-east-1';

export const uuid = (): string => randomUUID();

/** Lower-case hex of `bytes` random bytes. */
export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random letters and digits, as AWS uses for suffixes (Secrets Manager's 6-character one, ...). */
export function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let s = '';
  for (let i = 0; i < length; i++) s += ALNUM[bytes[i] % ALNUM.length];
  return s;
}

/** The partition of a region: aws, aws-cn or aws-us-gov. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function arn(service: string, region: string, account: string, resource: string): string {
  return `arn:${partitionOf(region || DEFAULT_REGION)}:${service}:${region}:${account}:${resource}`;
}

/** The account root principal, `arn:<partition>:iam::<account>:root`. */
export function rootArn(account: string, region = DEFAULT_REGION): string {
  return `arn:${partitionOf(region)}:iam::${account}:root`;
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(value: string): ParsedArn | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return {
    partition: parts[1],
    service: parts[2],
    region: parts[3],
    account: parts[4],
    resource: parts.slice(5).join(':'),
  };
}

/** The account for an access key id: a 12-digit key id is the account, anything else the default. */
export function accountForAccessKey(accessKeyId: string | undefined): string {
  return accessKeyId && /^\d{12}$/.test(accessKeyId) ? accessKeyId : DEFAULT_ACCOUNT;
}
