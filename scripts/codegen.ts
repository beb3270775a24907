/**
 * Reads AWS's Smithy models (../shared/aws-models/*.json by default) and writes, per service,
 *   src/generated/<signing-name>.ts        the compact protocol table (see src/protocols/model.ts)
 *   src/generated/<signing-name>.types.ts  TypeScript types of every operation's input and output
 * plus src/generated/index.ts, the lazy loader keyed by signing name.
 *
 * Usage: npm run codegen [-- --models DIR]
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemberRef, OperationModel, Protocol, ServiceModel, Shape } from '../src/protocols/model.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const modelsDir = args.includes('--models') ? resolve(args[args.indexOf('--models') + 1]) : resolve(root, '../shared/aws-models');
const outDir = join(root, 'src/generated');

type SmithyShape = {
  type: string;
  members?: Record<string, { target: string; traits?: Record<string, any> }>;
  member?: { target: string; traits?: Record<string, any> };
  key?: { target: string; traits?: Record<string, any> };
  value?: { target: string; traits?: Record<string, any> };
  input?: { target: string };
  output?: { target: string };
  errors?: { target: string }[];
  operations?: { target: string }[];
  resources?: { target: string }[];
  traits?: Record<string, any>;
  version?: string;
};

const PRELUDE: Record<string, string> = {
  String: 'string',
  Boolean: 'boolean',
  PrimitiveBoolean: 'boolean',
  Byte: 'byte',
  PrimitiveByte: 'byte',
  Short: 'short',
  PrimitiveShort: 'short',
  Integer: 'integer',
  PrimitiveInteger: 'integer',
  Long: 'long',
  PrimitiveLong: 'long',
  Float: 'float',
  PrimitiveFloat: 'float',
  Double: 'double',
  PrimitiveDouble: 'double',
  BigInteger: 'bigInteger',
  BigDecimal: 'bigDecimal',
  Timestamp: 'timestamp',
  Blob: 'blob',
  Document: 'document',
};

const PROTOCOLS: Protocol[] = ['awsJson1_0', 'awsJson1_1', 'awsQuery', 'restJson1', 'restXml'];

function generate(file: string): { name: string; model: ServiceModel; types: string } {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { shapes: Record<string, SmithyShape> };
  const all = doc.shapes;
  const [serviceId, service] = Object.entries(all).find(([, s]) => s.type === 'service')!;
  const t = service.traits ?? {};
  const protocol = PROTOCOLS.find((p) => `aws.protocols#${p}` in t);
  if (!protocol) throw new Error(`${file}: no supported protocol`);

  const short = new Map<string, string>();
  const taken = new Map<string, string>();
  const nameOf = (id: string): string => {
    let n = short.get(id);
    if (n) return n;
    const local = id.startsWith('smithy.api#') ? `smithy_${id.slice(11)}` : id.split('#')[1];
    n = local;
    for (let i = 2; taken.has(n) && taken.get(n) !== id; i++) n = `${local}${i}`;
    short.set(id, n);
    taken.set(n, id);
    return n;
  };

  const shapes: Record<string, Shape> = {};
  const typeDecls: string[] = [];
  const tsTypeOf = new Map<string, string>();

  const memberRef = (m: { target: string; traits?: Record<string, any> }): MemberRef => {
    const tr = m.traits ?? {};
    const ref: MemberRef = { s: visit(m.target) };
    if ('smithy.api#required' in tr) ref.r = 1;
    if ('smithy.api#httpHeader' in tr) Object.assign(ref, { l: 'header', n: tr['smithy.api#httpHeader'] });
    if ('smithy.api#httpQuery' in tr) Object.assign(ref, { l: 'query', n: tr['smithy.api#httpQuery'] });
    if ('smithy.api#httpLabel' in tr) ref.l = 'label';
    if ('smithy.api#httpPayload' in tr) ref.l = 'payload';
    if ('smithy.api#httpResponseCode' in tr) ref.l = 'status';
    if ('smithy.api#httpQueryParams' in tr) ref.l = 'queryParams';
    if ('smithy.api#httpPrefixHeaders' in tr) Object.assign(ref, { l: 'prefixHeaders', n: tr['smithy.api#httpPrefixHeaders'] });
    if ('smithy.api#xmlName' in tr) ref.x = tr['smithy.api#xmlName'];
    if ('smithy.api#xmlFlattened' in tr) ref.f = 1;
    if ('smithy.api#xmlAttribute' in tr) ref.a = 1;
    if ('smithy.api#jsonName' in tr) ref.j = tr['smithy.api#jsonName'];
    if ('smithy.api#timestampFormat' in tr) ref.ts = tr['smithy.api#timestampFormat'];
    if ('smithy.api#idempotencyToken' in tr) ref.it = 1;
    return ref;
  };

  const constraints = (tr: Record<string, any>, s: any) => {
    if (tr['smithy.api#length']) s.len = [tr['smithy.api#length'].min ?? null, tr['smithy.api#length'].max ?? null];
    if (tr['smithy.api#range']) s.rng = [tr['smithy.api#range'].min ?? null, tr['smithy.api#range'].max ?? null];
    if (tr['smithy.api#pattern']) s.pat = tr['smithy.api#pattern'];
    if (tr['smithy.api#enum']) s.en = tr['smithy.api#enum'].map((e: any) => e.value);
    if (tr['smithy.api#timestampFormat']) s.ts = tr['smithy.api#timestampFormat'];
    if ('smithy.api#sensitive' in tr) s.sen = 1;
  };

  function visit(id: string): string {
    const name = nameOf(id);
    if (shapes[name]) return name;
    if (id.startsWith('smithy.api#')) {
      const kind = PRELUDE[id.slice(11)];
      if (!kind) throw new Error(`unknown prelude shape ${id}`);
      shapes[name] = { t: kind as any };
      tsTypeOf.set(name, tsScalar(kind));
      return name;
    }
    const s = all[id];
    if (!s) throw new Error(`${file}: missing shape ${id}`);
    const tr = s.traits ?? {};
    switch (s.type) {
      case 'structure':
      case 'union': {
        const out: any = { t: s.type, m: {} };
        shapes[name] = out;
        if (tr['smithy.api#error']) out.e = tr['smithy.api#error'];
        if (tr['smithy.api#httpError']) out.c = tr['smithy.api#httpError'];
        if (tr['aws.protocols#awsQueryError']) out.q = [tr['aws.protocols#awsQueryError'].code, tr['aws.protocols#awsQueryError'].httpResponseCode];
        if (tr['smithy.api#xmlName']) out.x = tr['smithy.api#xmlName'];
        if (tr['smithy.api#xmlNamespace']) out.xn = tr['smithy.api#xmlNamespace'].uri;
        const fields: string[] = [];
        for (const [mn, m] of Object.entries(s.members ?? {})) {
          out.m[mn] = memberRef(m);
          const opt = out.m[mn].r && s.type === 'structure' ? '' : '?';
          fields.push(`  ${safeKey(mn)}${opt}: ${tsTypeOfRef(out.m[mn].s)};`);
        }
        typeDecls.push(`export interface ${name} {\n${fields.join('\n')}\n}`);
        tsTypeOf.set(name, name);
        return name;
      }
      case 'list':
      case 'set': {
        const out: any = { t: 'list' };
        shapes[name] = out;
        constraints(tr, out);
        out.m = memberRef(s.member!);
        tsTypeOf.set(name, `${wrap(tsTypeOfRef(out.m.s))}[]`);
        return name;
      }
      case 'map': {
        const out: any = { t: 'map' };
        shapes[name] = out;
        constraints(tr, out);
        out.k = memberRef(s.key!);
        out.v = memberRef(s.value!);
        tsTypeOf.set(name, `Record<string, ${tsTypeOfRef(out.v.s)}>`);
        return name;
      }
      case 'enum': {
        const values = Object.entries(s.members ?? {}).map(([mn, m]) => m.traits?.['smithy.api#enumValue'] ?? mn);
        shapes[name] = { t: 'string', en: values };
        constraints(tr, shapes[name]);
        typeDecls.push(`export type ${name} = ${values.map((v) => JSON.stringify(v)).join(' | ')};`);
        tsTypeOf.set(name, name);
        return name;
      }
      case 'intEnum': {
        shapes[name] = { t: 'integer' };
        tsTypeOf.set(name, 'number');
        return name;
      }
      default: {
        const kind = s.type === 'set' ? 'list' : s.type;
        const out: any = { t: kind };
        constraints(tr, out);
        shapes[name] = out;
        tsTypeOf.set(name, out.en ? out.en.map((v: string) => JSON.stringify(v)).join(' | ') : tsScalar(kind));
        return name;
      }
    }
  }

  // Types may be referenced before their shape is visited (recursive structures): resolve lazily.
  function tsTypeOfRef(shapeName: string): string {
    return `__T<${JSON.stringify(shapeName)}>`;
  }

  const operations: Record<string, OperationModel> = {};
  const ops = Object.entries(all).filter(([, s]) => s.type === 'operation');
  for (const [id, op] of ops.sort(([a], [b]) => a.localeCompare(b))) {
    const opName = id.split('#')[1];
    const o: OperationModel = {};
    const tr = op.traits ?? {};
    if (tr['smithy.api#http']) o.h = [tr['smithy.api#http'].method, tr['smithy.api#http'].uri, tr['smithy.api#http'].code ?? 200];
    if (op.input && op.input.target !== 'smithy.api#Unit') o.i = visit(op.input.target);
    if (op.output && op.output.target !== 'smithy.api#Unit') o.o = visit(op.output.target);
    const errs = [...(op.errors ?? []), ...(service.errors ?? [])].map((e) => visit(e.target));
    if (errs.length) o.e = errs;
    if (tr['smithy.api#endpoint']?.hostPrefix) o.hp = tr['smithy.api#endpoint'].hostPrefix;
    operations[opName] = o;
  }

  const api = t['aws.api#service'];
  const model: ServiceModel = {
    name: t['aws.auth#sigv4'].name,
    sdkId: api.sdkId,
    endpointPrefix: api.endpointPrefix,
    protocol,
    target: serviceId.split('#')[1],
    namespace: serviceId.split('#')[0],
    version: service.version ?? '',
    operations,
    shapes: sortKeys(shapes),
  };
  if ('aws.protocols#awsQueryCompatible' in t) model.alsoQuery = 1;
  if (t['smithy.api#xmlNamespace']) model.xmlNamespace = t['smithy.api#xmlNamespace'].uri;

  const resolveTs = (text: string): string => {
    for (let i = 0; i < 20 && text.includes('__T<'); i++)
      text = text.replace(/__T<"([^"]+)">/g, (_, n: string) => tsTypeOf.get(n) ?? 'unknown');
    return text;
  };
  const types = typeDecls
    .map(resolveTs)
    .sort((a, b) => a.localeCompare(b))
    .join('\n\n');
  return { name: model.name, model, types };
}

function tsScalar(kind: string): string {
  switch (kind) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'Date';
    case 'blob':
      return 'Uint8Array';
    case 'document':
      return 'unknown';
    default:
      return 'number';
  }
}

const wrap = (t: string) => (/[|&\s]/.test(t) ? `(${t})` : t);
const safeKey = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));
const sortKeys = <T>(o: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

const HEADER = (src: string) =>
  `// Generated by scripts/codegen.ts from the AWS API model ${src} (Smithy JSON AST).\n` +
  `// Source: AWS API models, Copyright Amazon.com, Inc. or its affiliates, Apache License 2.0.\n` +
  `// Do not edit by hand: run \`npm run codegen\`.\n`;

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const index: string[] = [];
for (const file of readdirSync(modelsDir).filter((f) => f.endsWith('.json')).sort()) {
  const { name, model, types } = generate(join(modelsDir, file));
  const json = JSON.stringify(model);
  writeFileSync(
    join(outDir, `${name}.ts`),
    `${HEADER(file)}import type { ServiceModel } from '../protocols/model.js';\n\n` +
      `const model: ServiceModel = JSON.parse(${JSON.stringify(json)});\nexport default model;\n`,
  );
  writeFileSync(join(outDir, `${name}.types.ts`), `${HEADER(file)}/* eslint-disable */\n\n${types}\n`);
  index.push(`  ${JSON.stringify(name)}: () => import('./${name}.js').then((m) => m.default),`);
  console.log(`${file} -> src/generated/${name}.ts (${Object.keys(model.operations).length} operations, ${(json.length / 1024).toFixed(0)} KiB)`);
}
writeFileSync(
  join(outDir, 'index.ts'),
  `${HEADER('*.json')}import type { ServiceModel } from '../protocols/model.js';\n\n` +
    `/** Signing name -> loader of that service's protocol table (loaded on first use). */\n` +
    `export const MODEL_LOADERS: Record<string, () => Promise<ServiceModel>> = {\n${index.join('\n')}\n};\n`,
);
