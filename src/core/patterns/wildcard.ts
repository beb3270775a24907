/**
 * Wildcard values (`*` matches any run of characters, `\*` and `\\` are literal) parsed with
 * AWS's rules and error texts, a linear-time matcher, and the complexity estimate AWS uses to
 * refuse rules whose wildcards would make matching slow.
 */

export class WildcardSyntaxError extends Error {}

/** A wildcard value split on its unescaped `*`s. */
export class Glob {
  readonly parts: string[];

  constructor(parts: string[]) {
    this.parts = parts;
  }

  test(s: string): boolean {
    const parts = this.parts;
    const last = parts.length - 1;
    if (last === 0) return s === parts[0];
    const first = parts[0];
    const end = parts[last];
    if (s.length < first.length + end.length || !s.startsWith(first) || !s.endsWith(end)) return false;
    let pos = first.length;
    const limit = s.length - end.length;
    for (let i = 1; i < last; i++) {
      const part = parts[i];
      if (part === '') continue;
      const at = s.indexOf(part, pos);
      if (at < 0 || at + part.length > limit) return false;
      pos = at + part.length;
    }
    return true;
  }
}

/**
 * Parses a wildcard value. Error positions are UTF-8 byte offsets in the value as AWS stores it,
 * that is with a leading double quote.
 */
export function parseWildcard(text: string): Glob {
  const parts: string[] = [];
  let current = '';
  let pos = 1;
  const cps = Array.from(text + '"');
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i];
    if (ch === '*') {
      if (cps[i + 1] === '*') throw new WildcardSyntaxError(`Consecutive wildcard characters at pos ${pos}`);
      parts.push(current);
      current = '';
    } else if (ch === '\\') {
      const next = cps[i + 1];
      if (next !== '*' && next !== '\\') throw new WildcardSyntaxError(`Invalid escape character at pos ${pos}`);
      current += next;
      i++;
      pos++;
    } else if (i < cps.length - 1) {
      current += ch;
    }
    pos += utf8Length(ch);
  }
  parts.push(current);
  return new Glob(parts);
}

function utf8Length(ch: string): number {
  const c = ch.codePointAt(0) as number;
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

/**
 * The largest number of automaton states a value can keep live at once, AWS's measure of how
 * non-deterministic a wildcard makes matching (more live states, slower matching). As in AWS's
 * automaton, a `*` and the position after it are one state that loops on any character, and a
 * value ending in `*` needs one more state (AWS builds a separate self-looping state for it).
 * The search stops as soon as `limit` is exceeded.
 */
export function wildcardComplexity(glob: Glob, limit: number): number {
  const literal = glob.parts.join('');
  const loops: boolean[] = new Array(literal.length + 1).fill(false);
  let at = 0;
  glob.parts.forEach((part, i) => {
    if (i > 0) loops[at] = true;
    at += part.length;
  });
  const alphabet = new Set<string>(['\u0000', ...literal]);
  let max = 1;
  const seen = new Set<string>(['0']);
  const queue: number[][] = [[0]];
  while (queue.length > 0 && max <= limit && seen.size < 5000) {
    const states = queue.shift() as number[];
    for (const ch of alphabet) {
      const next = new Set<number>();
      for (const k of states) {
        if (loops[k]) next.add(k);
        if (k < literal.length && literal[k] === ch) next.add(k + 1);
      }
      const sorted = Array.from(next).sort((a, b) => a - b);
      const key = sorted.join(',');
      if (sorted.length === 0 || seen.has(key)) continue;
      seen.add(key);
      max = Math.max(max, sorted.length);
      queue.push(sorted);
    }
  }
  return glob.parts.length > 1 && glob.parts[glob.parts.length - 1] === '' ? max + 1 : max;
}
