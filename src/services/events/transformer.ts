/**
 * What a target receives: the whole event, a constant `Input`, the part of the event an
 * `InputPath` selects, or an `InputTransformer`'s template filled from `InputPathsMap`.
 */
import { AwsError } from '../../core/errors.js';
import type { InputTransformer, Target } from '../../generated/events.types.js';

/** A parsed JSON path of the subset EventBridge accepts: `$`, `.name`, `[n]`, `['name']`, `*`. */
type Step = { name: string } | { index: number } | { wildcard: true };

const pathCache = new Map<string, Step[] | null>();

export function parsePath(path: string): Step[] | undefined {
  const hit = pathCache.get(path);
  if (hit !== undefined) return hit ?? undefined;
  const steps = parse(path);
  if (pathCache.size > 10_000) pathCache.clear();
  pathCache.set(path, steps ?? null);
  return steps;
}

function parse(path: string): Step[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === '.') {
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!m) return undefined;
      steps.push(m[0] === '*' ? { wildcard: true } : { name: m[0] });
      i += 1 + m[0].length;
    } else if (path[i] === '[') {
      const m = /^\[(?:(\d+)|\*|'([^']*)'|"([^"]*)")\]/.exec(path.slice(i));
      if (!m) return undefined;
      if (m[1] !== undefined) steps.push({ index: Number(m[1]) });
      else if (m[2] !== undefined || m[3] !== undefined) steps.push({ name: (m[2] ?? m[3])! });
      else steps.push({ wildcard: true });
      i += m[0].length;
    } else return undefined;
  }
  return steps;
}

/** The value at `path` in `doc`; wildcards collect an array; undefined when absent. */
export function evaluatePath(doc: unknown, steps: Step[]): unknown {
  let current: unknown[] = [doc];
  let multi = false;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of current) {
      if (typeof node !== 'object' || node === null) continue;
      if ('wildcard' in step) {
        next.push(...(Array.isArray(node) ? node : Object.values(node)));
        multi = true;
      } else if ('index' in step) {
        if (Array.isArray(node) && step.index < node.length) next.push(node[step.index]);
      } else if (!Array.isArray(node) && Object.prototype.hasOwnProperty.call(node, step.name)) {
        next.push((node as Record<string, unknown>)[step.name]);
      }
    }
    current = next;
  }
  return multi ? current : current[0];
}

const RESERVED = ['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json'];

/** PutTargets' checks of one target's input settings (AWS's ValidationException messages). */
export function validateTargetInput(t: Target): void {
  const modes = [t.Input, t.InputPath, t.InputTransformer].filter((v) => v !== undefined).length;
  if (modes > 1) throw new AwsError('ValidationException', `Only one of Input, InputPath, or InputTransformer must be provided for target ${t.Id}.`);
  if (t.Input !== undefined) {
    try {
      JSON.parse(t.Input);
    } catch {
      throw new AwsError('ValidationException', `Input for target ${t.Id} must be valid JSON text.`);
    }
  }
  if (t.InputPath !== undefined && !parsePath(t.InputPath)) throw new AwsError('ValidationException', `InputPath for target ${t.Id} is invalid.`);
  const tr = t.InputTransformer;
  if (tr) {
    const map = tr.InputPathsMap ?? {};
    if (Object.keys(map).length > 100) throw new AwsError('ValidationException', `InputPathsMap for target ${t.Id} has more than 100 entries.`);
    for (const [key, path] of Object.entries(map)) {
      if (RESERVED.includes(key) || key.startsWith('aws.')) throw new AwsError('ValidationException', `InputTransformer for target ${t.Id} is invalid. Reason: Input path key ${key} is reserved.`);
      if (!parsePath(path)) throw new AwsError('ValidationException', `InputTransformer for target ${t.Id} is invalid. Reason: Invalid input path ${path}.`);
    }
  }
}

export interface TransformContext {
  event: Record<string, unknown>;
  /** The event as JSON text (what a target gets by default). */
  json: string;
  ruleArn: string;
  ruleName: string;
  ingestionTime: string;
}

/** The text the target receives. */
export function targetInput(t: Target, c: TransformContext): string {
  if (t.Input !== undefined) return t.Input;
  if (t.InputPath !== undefined) {
    const v = evaluatePath(c.event, parsePath(t.InputPath)!);
    return v === undefined ? '' : JSON.stringify(v);
  }
  if (t.InputTransformer) return transform(t.InputTransformer, c);
  return c.json;
}

type Resolved = { raw: string } | { value: unknown };

function resolve(name: string, tr: InputTransformer, c: TransformContext): Resolved | undefined {
  switch (name) {
    case 'aws.events.rule-arn':
      return { value: c.ruleArn };
    case 'aws.events.rule-name':
      return { value: c.ruleName };
    case 'aws.events.event.ingestion-time':
      return { value: c.ingestionTime };
    case 'aws.events.event.json':
      return { raw: c.json };
    case 'aws.events.event': {
      const { detail: _detail, ...rest } = c.event;
      return { raw: JSON.stringify(rest) };
    }
  }
  const path = tr.InputPathsMap?.[name];
  if (path === undefined) return undefined;
  return { value: evaluatePath(c.event, parsePath(path)!) };
}

/**
 * Fills `<name>` placeholders. In a JSON template (an object or array) a value outside quotes is
 * written as JSON (strings quoted, a missing value as null) and a value inside a string is written
 * escaped without quotes (a missing value as nothing); in a plain-text template values are
 * written as text. `aws.events.event` and `aws.events.event.json` are written unescaped.
 */
export function transform(tr: InputTransformer, c: TransformContext): string {
  const template = tr.InputTemplate;
  const jsonMode = /^\s*[{[]/.test(template);
  let out = '';
  let inString = false;
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '\\' && i + 1 < template.length) {
      out += ch + template[i + 1];
      i += 2;
      continue;
    }
    if (ch === '"') {
      inString = !inString;
      out += ch;
      i++;
      continue;
    }
    if (ch === '<') {
      const end = template.indexOf('>', i + 1);
      const name = end > 0 ? template.slice(i + 1, end) : '';
      const resolved = name && !/\s/.test(name) ? resolve(name, tr, c) : undefined;
      if (resolved) {
        out += render(resolved, jsonMode, inString);
        i = end + 1;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

function render(r: Resolved, jsonMode: boolean, inString: boolean): string {
  if ('raw' in r) return r.raw;
  const v = r.value;
  if (v === undefined) return jsonMode && !inString ? 'null' : '';
  if (!jsonMode) return typeof v === 'string' ? v : JSON.stringify(v);
  if (inString) {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return JSON.stringify(text).slice(1, -1);
  }
  return JSON.stringify(v);
}
