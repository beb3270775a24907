/**
 * Lambda's state: functions (with $LATEST, published versions, aliases, policies, tags, event
 * invoke configs, reserved concurrency) and layers, per account and region. A version record is
 * immutable: changing $LATEST replaces its record, so warm environments bound to the old record
 * are simply retired.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type {
  AliasConfiguration,
  EventSourceMappingMetricsConfig,
  Filter,
  FunctionConfiguration,
  FunctionEventInvokeConfig,
  FunctionResponseType,
  ProvisionedPollerConfig,
  ScalingConfig,
} from '../../generated/lambda.types.js';
import type { CompiledPattern } from '../../core/patterns/index.js';
import { randomHex } from '../../core/ids.js';
import { extractZip } from './zip.js';

/** An unzipped deployment package (functions and layers). Shared by versions with the same bytes. */
export interface CodeArtifact {
  id: string;
  dir: string;
  zip: Buffer;
  sha256: string;
  size: number;
  unzippedSize: number;
}

export interface LayerRef {
  arn: string;
  code: CodeArtifact;
}

export interface VersionRecord {
  /** `$LATEST` or the version number. */
  version: string;
  /** The configuration as AWS reports it (without State fields, which belong to the function). */
  config: FunctionConfiguration;
  code: CodeArtifact;
  /** Layers published in Nimbus, in order (unknown layer ARNs are listed in config only). */
  layers: LayerRef[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: unknown;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface FunctionRecord {
  account: string;
  region: string;
  name: string;
  arn: string;
  latest: VersionRecord;
  versions: Map<string, VersionRecord>;
  lastPublished: number;
  aliases: Map<string, AliasConfiguration>;
  /** Qualifier ('' for the unqualified function) -> resource policy statements. */
  policies: Map<string, PolicyStatement[]>;
  /** Qualifier ('$LATEST', a version or an alias) -> config. */
  eventInvokeConfigs: Map<string, FunctionEventInvokeConfig>;
  tags: Record<string, string>;
  reserved?: number;
  state: 'Pending' | 'Active';
  updating: boolean;
  /** Resolves when the function is Active and no update is in progress. */
  ready: Promise<void>;
}

export interface LayerVersionRecord {
  arn: string;
  layerArn: string;
  version: number;
  description?: string;
  created: string;
  runtimes?: string[];
  architectures?: string[];
  license?: string;
  code: CodeArtifact;
}

export type MappingState = 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Deleting';

/** An event source mapping (SQS queues only). */
export interface MappingRecord {
  uuid: string;
  account: string;
  region: string;
  /** EventSourceMappingArn. */
  arn: string;
  /** The function, qualified when the mapping names a version or alias. */
  functionArn: string;
  eventSourceArn: string;
  fifo: boolean;
  batchSize: number;
  batchingWindowSeconds: number;
  filters?: Filter[];
  /** The compiled `filters`, in the same order. */
  matchers?: CompiledPattern[];
  responseTypes: FunctionResponseType[];
  scaling?: ScalingConfig;
  kmsKeyArn?: string;
  metrics?: EventSourceMappingMetricsConfig;
  provisioned?: ProvisionedPollerConfig;
  enabled: boolean;
  state: MappingState;
  lastModified: Date;
  tags: Record<string, string>;
}

export class LambdaStore {
  private readonly functions = new Map<string, FunctionRecord>();
  /** Event source mappings by UUID, in creation order. */
  readonly mappings = new Map<string, MappingRecord>();
  private readonly layers = new Map<string, LayerVersionRecord[]>();
  private readonly layerCounters = new Map<string, number>();
  private readonly artifacts = new Map<string, CodeArtifact>();
  private readonly opts = new WeakMap<VersionRecord, string>();
  private root: string | undefined;

  key(account: string, region: string, name: string): string {
    return `${account}|${region}|${name}`;
  }

  get(account: string, region: string, name: string): FunctionRecord | undefined {
    return this.functions.get(this.key(account, region, name));
  }

  put(fn: FunctionRecord): void {
    this.functions.set(this.key(fn.account, fn.region, fn.name), fn);
  }

  delete(fn: FunctionRecord): void {
    this.functions.delete(this.key(fn.account, fn.region, fn.name));
  }

  list(account: string, region: string): FunctionRecord[] {
    const prefix = `${account}|${region}|`;
    const out: FunctionRecord[] = [];
    for (const [k, fn] of this.functions) if (k.startsWith(prefix)) out.push(fn);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  all(): IterableIterator<FunctionRecord> {
    return this.functions.values();
  }

  /** Unzips a package once per distinct content; throws ZipError on a bad archive. */
  artifact(zip: Buffer): CodeArtifact {
    const sha = createHash('sha256').update(zip).digest();
    const hex = sha.toString('hex');
    const known = this.artifacts.get(hex);
    if (known) return known;
    const id = `${hex.slice(0, 16)}-${randomHex(4)}`;
    const dir = join(this.rootDir(), id);
    const unzippedSize = extractZip(zip, dir);
    const a: CodeArtifact = { id, dir, zip, sha256: sha.toString('base64'), size: zip.length, unzippedSize };
    this.artifacts.set(hex, a);
    return a;
  }

  /** The layers of a version merged into one folder (Lambda's /opt), made once per version. */
  optDir(record: VersionRecord): string | undefined {
    if (!record.layers.length) return undefined;
    let dir = this.opts.get(record);
    if (!dir) {
      dir = join(this.rootDir(), `opt-${randomHex(6)}`);
      for (const l of record.layers) extractZip(l.code.zip, dir);
      this.opts.set(record, dir);
    }
    return dir;
  }

  artifactById(id: string): CodeArtifact | undefined {
    for (const a of this.artifacts.values()) if (a.id === id) return a;
    return undefined;
  }

  layerVersions(layerArn: string): LayerVersionRecord[] {
    let list = this.layers.get(layerArn);
    if (!list) this.layers.set(layerArn, (list = []));
    return list;
  }

  /** Layer version numbers are never reused, even after DeleteLayerVersion. */
  nextLayerVersion(layerArn: string): number {
    const n = (this.layerCounters.get(layerArn) ?? 0) + 1;
    this.layerCounters.set(layerArn, n);
    return n;
  }

  allLayers(account: string, region: string): [string, LayerVersionRecord[]][] {
    const scope = `:lambda:${region}:${account}:layer:`;
    return [...this.layers].filter(([arn, v]) => arn.includes(scope) && v.length > 0);
  }

  /** A published layer version by its full ARN (`...:layer:name:3`). */
  layerVersion(arn: string): LayerVersionRecord | undefined {
    const i = arn.lastIndexOf(':');
    return this.layers.get(arn.slice(0, i))?.find((l) => l.version === Number(arn.slice(i + 1)));
  }

  private rootDir(): string {
    if (!this.root) {
      this.root = mkdtempSync(join(tmpdir(), 'nimbus-lambda-'));
      // Packages must not inherit a `"type": "module"` from a package.json above the temp folder.
      writeFileSync(join(this.root, 'package.json'), '{"type":"commonjs"}\n');
    }
    return this.root;
  }

  /** Removes every unzipped package from disk. */
  dispose(): void {
    if (this.root) rmSync(this.root, { recursive: true, force: true });
    this.root = undefined;
    this.artifacts.clear();
  }
}
