/**
 * Queue URLs and ARNs. A queue URL is `<endpoint>/<account>/<name>`; any host is accepted so URLs
 * from localhost, 127.0.0.1 or an AWS-style host all work, and the region is read from the host when
 * it names one (sqs.<region>.amazonaws.com, <region>.queue.amazonaws.com, ...).
 */
import { arn, parseArn } from '../../core/ids.js';

export interface QueueRef {
  account: string;
  region: string;
  name: string;
}

const QUEUE_PATH = /^\/(\d{12})\/([\w.-]{1,80})\/?$/;
const SQS_HOST_REGION = /(?:^|\.)sqs[.-]([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2})\./;
const LEGACY_HOST_REGION = /^([a-z]{2}(?:-gov)?-[a-z]+-\d{1,2})\.queue\./;

export function queueUrl(endpoint: string, account: string, name: string): string {
  return `${endpoint}/${account}/${name}`;
}

export function queueArn(region: string, account: string, name: string): string {
  return arn('sqs', region, account, name);
}

export function regionFromHost(host: string): string | undefined {
  const h = host.toLowerCase();
  const m = SQS_HOST_REGION.exec(h) ?? LEGACY_HOST_REGION.exec(h);
  if (m) return m[1];
  if (h === 'queue.amazonaws.com' || h.startsWith('queue.amazonaws.com:')) return 'us-east-1';
  return undefined;
}

/** The queue a URL names, or undefined when the string is not a queue URL. */
export function parseQueueUrl(url: string, defaultRegion: string): QueueRef | undefined {
  const scheme = url.indexOf('://');
  if (scheme <= 0) return undefined;
  const slash = url.indexOf('/', scheme + 3);
  if (slash < 0) return undefined;
  const host = url.slice(scheme + 3, slash);
  const query = url.indexOf('?', slash);
  const m = QUEUE_PATH.exec(query < 0 ? url.slice(slash) : url.slice(slash, query));
  if (!m) return undefined;
  return { account: m[1], region: regionFromHost(host) ?? defaultRegion, name: m[2] };
}

/** The queue an SQS ARN names, or undefined when the string is not one. */
export function parseQueueArn(value: string): QueueRef | undefined {
  const p = parseArn(value);
  if (!p || p.service !== 'sqs' || !/^\d{12}$/.test(p.account) || !p.region || !/^[\w.-]{1,80}$/.test(p.resource)) return undefined;
  return { account: p.account, region: p.region, name: p.resource };
}
