/** Which service a request is for, and for which account and region. */
import { accountForAccessKey, DEFAULT_REGION } from '../core/ids.js';
import type { HttpRequest } from '../protocols/types.js';

export interface Caller {
  /** SigV4 signing name, or undefined when the request does not say. */
  service?: string;
  region: string;
  accessKeyId: string;
  account: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/** X-Amz-Target prefixes of the JSON services. */
const TARGET_PREFIXES: Record<string, string> = {
  AWSStepFunctions: 'states',
  AmazonSQS: 'sqs',
  AWSEvents: 'events',
  secretsmanager: 'secretsmanager',
  TrentService: 'kms',
  DynamoDB_20120810: 'dynamodb',
  Logs_20140328: 'logs',
  CloudTrail_20131101: 'cloudtrail',
  AmazonSSM: 'ssm',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
};

/** awsQuery API versions -> service. */
const QUERY_VERSIONS: Record<string, string> = {
  '2010-03-31': 'sns',
  '2012-11-05': 'sqs',
  '2011-06-15': 'sts',
  '2010-05-08': 'iam',
  '2010-08-01': 'monitoring',
};

/** Host-name prefixes (endpoint prefixes) -> signing name, where they differ. */
const HOST_PREFIXES: Record<string, string> = { monitoring: 'monitoring', 'sync-states': 'states' };

export function identifyCaller(req: HttpRequest): Caller {
  const auth = req.headers['authorization'] ?? '';
  let m = CREDENTIAL.exec(auth);
  if (!m) {
    const cred = req.query.get('X-Amz-Credential');
    if (cred) m = CREDENTIAL.exec(`Credential=${cred}`);
  }
  const accessKeyId = m?.[1] ?? 'test';
  return {
    service: m?.[3],
    region: m?.[2] ?? regionFromHost(req.host) ?? DEFAULT_REGION,
    accessKeyId,
    account: accountForAccessKey(m?.[1]),
  };
}

function regionFromHost(host: string): string | undefined {
  const m = /^[\w-]+\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\./.exec(host);
  return m?.[1];
}

/**
 * Picks the service for a request that is not signed: X-Amz-Target, the Host name, the query
 * protocol's Version, then well-known REST paths.
 */
export function serviceFromRequest(req: HttpRequest, known: (name: string) => boolean, formParams?: () => URLSearchParams): string | undefined {
  const target = req.headers['x-amz-target'];
  if (target) {
    const parts = target.split('.');
    const svc = TARGET_PREFIXES[parts[parts.length - 2] ?? ''];
    if (svc) return svc;
  }
  const first = req.host.split('.')[0].toLowerCase();
  if (req.host.includes('.')) {
    const svc = HOST_PREFIXES[first] ?? first;
    if (known(svc)) return svc;
  }
  if (formParams) {
    const version = formParams().get('Version');
    if (version && QUERY_VERSIONS[version]) return QUERY_VERSIONS[version];
  }
  if (req.path.startsWith('/2015-03-31/') || req.path.startsWith('/2017-03-31/') || req.path.startsWith('/2018-10-31/')) return 'lambda';
  if (req.path.startsWith('/schedules') || req.path.startsWith('/schedule-groups')) return 'scheduler';
  if (/^\/\d{12}\/[^/]+\/?$/.test(req.path)) return 'sqs';
  return undefined;
}
