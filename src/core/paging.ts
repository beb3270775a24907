import { AwsError } from './errors.js';

/**
 * Token pagination over an already ordered list: the token is the base64 of the next offset,
 * bound to the list's name so a token from another listing is rejected.
 */
export function paginate<T>(items: T[], opts: { maxResults?: number; nextToken?: string; scope: string; defaultMax?: number; invalidTokenCode?: string }): { page: T[]; nextToken?: string } {
  const max = opts.maxResults && opts.maxResults > 0 ? opts.maxResults : (opts.defaultMax ?? 100);
  let start = 0;
  if (opts.nextToken) {
    const decoded = Buffer.from(opts.nextToken, 'base64').toString('utf8');
    const [scope, offset] = decoded.split('|');
    start = Number(offset);
    if (scope !== opts.scope || !Number.isInteger(start) || start < 0)
      throw new AwsError(opts.invalidTokenCode ?? 'InvalidToken', `Invalid NextToken: ${opts.nextToken}`, 400);
  }
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(`${opts.scope}|${start + max}`).toString('base64') : undefined;
  return { page, nextToken: next };
}
