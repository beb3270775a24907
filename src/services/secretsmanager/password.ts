/** GetRandomPassword: AWS's character classes, exclusions and "one of each included type" rule. */
import { randomInt } from 'node:crypto';
import type { GetRandomPasswordRequest } from '../../generated/secretsmanager.types.js';
import { invalidParameter } from './errors.js';

export const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
export const NUMBERS = '0123456789';
export const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

const DEFAULT_LENGTH = 32;

export function randomPassword(req: GetRandomPasswordRequest): string {
  const length = req.PasswordLength ?? DEFAULT_LENGTH;
  const excluded = new Set(req.ExcludeCharacters ?? '');
  const keep = (chars: string) => [...chars].filter((c) => !excluded.has(c)).join('');
  const classes: string[] = [];
  if (!req.ExcludeUppercase) classes.push(keep(UPPERCASE));
  if (!req.ExcludeLowercase) classes.push(keep(LOWERCASE));
  if (!req.ExcludeNumbers) classes.push(keep(NUMBERS));
  if (!req.ExcludePunctuation) classes.push(keep(PUNCTUATION));
  const requireEach = req.RequireEachIncludedType ?? true;
  // A space is admitted when asked for, never required.
  const pool = classes.join('') + (req.IncludeSpace && !excluded.has(' ') ? ' ' : '');

  if (requireEach && classes.some((c) => c.length === 0)) throw invalidParameter('All characters of the desired type have been excluded.');
  if (pool.length === 0) throw invalidParameter('All characters have been excluded from selection.');
  const required = requireEach ? classes : [];
  if (required.length > length) throw invalidParameter('Password length is too short based on the required types.');

  const out: string[] = required.map((c) => c[randomInt(c.length)]);
  while (out.length < length) out.push(pool[randomInt(pool.length)]);
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.join('');
}
