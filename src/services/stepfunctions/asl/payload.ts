/**
 * Payload templates (Parameters, ResultSelector, ItemSelector, Map Parameters) of JSONPath states:
 * the template is copied, and every field whose name ends in `.$` is replaced by a field without
 * the suffix whose value comes from a path (`$` state data, `$$` Context object, `$name` variable)
 * or an intrinsic function. A template is analysed once and reused.
 */
import { StatesError, StatesErrors } from './errors.js';
import { evaluateIntrinsic, isIntrinsic } from './intrinsics.js';
import { compilePath, MISSING } from './jsonpath.js';
import { cloneJson, isJsonObject, jsonText, jsonTypeName, setOwn, type JsonObject } from './json-values.js';
import { resolveCompiled, rootDocument, type PathScope } from './references.js';

type TemplateNode =
  | { kind: 'copy'; value: unknown }
  | { kind: 'array'; items: TemplateNode[] }
  | { kind: 'object'; entries: TemplateEntry[] };

/** How a `.$` field's value is evaluated, decided once when the template is analysed. */
type FieldMode = 'intrinsic' | 'path' | 'invalid';

type TemplateEntry =
  | { key: string; node: TemplateNode }
  | { key: string; field: string; expression: unknown; mode: FieldMode };

const compiledTemplates = new WeakMap<object, TemplateNode>();

export function applyPayloadTemplate(
  template: unknown,
  input: unknown,
  context: unknown,
  variables?: Record<string, unknown>,
): unknown {
  if (typeof template !== 'object' || template === null) return template;
  let node = compiledTemplates.get(template);
  if (node === undefined) {
    node = compile(template);
    compiledTemplates.set(template, node);
  }
  return build(node, { input, context, variables });
}

function compile(value: unknown): TemplateNode {
  if (Array.isArray(value)) {
    const items = value.map(compile);
    return items.every((i) => i.kind === 'copy') ? { kind: 'copy', value } : { kind: 'array', items };
  }
  if (!isJsonObject(value)) return { kind: 'copy', value };
  const entries: TemplateEntry[] = [];
  let dynamic = false;
  for (const key of Object.keys(value)) {
    if (key.length > 2 && key.endsWith('.$')) {
      const expression = value[key];
      entries.push({ key: key.slice(0, -2), field: key, expression, mode: fieldMode(expression) });
      dynamic = true;
    } else {
      const node = compile(value[key]);
      if (node.kind !== 'copy') dynamic = true;
      entries.push({ key, node });
    }
  }
  return dynamic ? { kind: 'object', entries } : { kind: 'copy', value };
}

function fieldMode(expression: unknown): FieldMode {
  if (typeof expression !== 'string') return 'invalid';
  if (isIntrinsic(expression)) return 'intrinsic';
  return expression.startsWith('$') ? 'path' : 'invalid';
}

function build(node: TemplateNode, scope: PathScope): unknown {
  if (node.kind === 'copy') return cloneJson(node.value);
  if (node.kind === 'array') return node.items.map((item) => build(item, scope));
  const out: JsonObject = {};
  for (const entry of node.entries) {
    setOwn(out, entry.key, 'node' in entry ? build(entry.node, scope) : fieldValue(entry.field, entry.expression, entry.mode, scope));
  }
  return out;
}


function fieldValue(field: string, expression: unknown, mode: FieldMode, scope: PathScope): unknown {
  if (mode === 'path') return pathValue(field, expression as string, scope);
  if (mode === 'intrinsic') return evaluateIntrinsic(expression as string, (path) => pathValue(field, path, scope));
  if (typeof expression !== 'string') {
    throw new StatesError(
      StatesErrors.Runtime,
      `The value for the field '${field}' must be a STRING that contains a JSONPath or an intrinsic function but was ${jsonTypeName(expression)}`,
    );
  }
  throw new StatesError(
    StatesErrors.Runtime,
    `The value for the field '${field}' must be a valid JSONPath or a valid intrinsic function call: ${expression}`,
  );
}

function pathValue(field: string, path: string, scope: PathScope): unknown {
  const c = compilePath(path);
  if (c.root === 'input' && scope.input === null) {
    throw new StatesError(StatesErrors.Runtime, 'Unable to apply Path transformation to null or empty input.');
  }
  const value = resolveCompiled(c, scope);
  if (value === MISSING) {
    const doc = rootDocument(c, scope);
    throw new StatesError(
      StatesErrors.Runtime,
      `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${jsonText(doc === MISSING ? null : doc)}'`,
    );
  }
  return value;
}
