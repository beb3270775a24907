/**
 * ListSecrets / BatchGetSecretValue filters. Filters combine with AND, the values of one filter
 * with OR; a value starting with `!` matches the secrets the rest of it does not match.
 * name, tag-key, tag-value, primary-region, owning-service: case-sensitive prefix match.
 * description and all: the value is split into words, each of which must begin a word of the
 * attribute (all: of the name, description, tag keys or tag values), ignoring case.
 */
import type { Filter } from '../../generated/secretsmanager.types.js';
import { invalidParameter } from './errors.js';
import { source, type Secret } from './store.js';

const WORD = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

/** Splits text into words at punctuation, lower-to-upper case changes and letter/digit changes. */
export function words(text: string): string[] {
  return (text.match(WORD) ?? []).map((w) => w.toLowerCase());
}

function wordsMatch(value: string, attributes: string[]): boolean {
  const wanted = words(value);
  if (wanted.length === 0) return false;
  const have = attributes.flatMap(words);
  return wanted.every((w) => have.some((h) => h.startsWith(w)));
}

const prefixOf = (value: string, attributes: (string | undefined)[]) => attributes.some((a) => a !== undefined && a.startsWith(value));

/** The region of the primary secret, for replicated secrets and replicas only. */
export function primaryRegion(s: Secret): string | undefined {
  if (s.primary) return s.primary.region;
  return s.replicas.size > 0 ? s.region : undefined;
}

function matchesValue(key: string, value: string, s: Secret): boolean {
  const data = source(s);
  switch (key) {
    case 'name':
      return s.name.startsWith(value);
    case 'description':
      return data.description !== undefined && wordsMatch(value, [data.description]);
    case 'tag-key':
      return prefixOf(value, data.tags.map((t) => t.Key));
    case 'tag-value':
      return prefixOf(value, data.tags.map((t) => t.Value));
    case 'primary-region':
      return prefixOf(value, [primaryRegion(s)]);
    case 'owning-service':
      return false;
    case 'all':
      return wordsMatch(value, [s.name, data.description ?? '', ...data.tags.flatMap((t) => [t.Key ?? '', t.Value ?? ''])]);
    default:
      throw invalidParameter(`Invalid filter key: ${key}`);
  }
}

export function checkFilters(filters: Filter[] | undefined): void {
  for (const f of filters ?? []) {
    if (!f.Key) throw invalidParameter('Filter key must not be empty.');
    if (!f.Values || f.Values.length === 0) throw invalidParameter(`Filter ${f.Key} must have at least one value.`);
  }
}

export function matchesFilters(s: Secret, filters: Filter[] | undefined): boolean {
  if (!filters) return true;
  return filters.every((f) =>
    f.Values!.some((v) => (v.startsWith('!') ? !matchesValue(f.Key!, v.slice(1), s) : matchesValue(f.Key!, v, s))),
  );
}
