/**
 * Step Functions state per (account, region): state machines (with the revision each execution
 * runs), Standard executions, activities, and the tags of machines and activities. In memory; the
 * handlers only use the StatesStore interface, so a persistent store can replace this one.
 */
import type { EncryptionConfiguration, LoggingConfiguration, StateMachineType, TracingConfiguration } from '../../generated/states.types.js';
import type { Execution } from './executor/execution.js';

/** One version of a machine's configuration; executions keep the one they started with. */
export interface MachineRevision {
  /** The definition text as the caller sent it. */
  definition: string;
  /** The parsed, validated definition the engine runs (shared by all executions of this revision). */
  parsed: unknown;
  roleArn: string;
  logging: LoggingConfiguration;
  tracing: TracingConfiguration;
  encryption?: EncryptionConfiguration;
  /** creationDate for the first revision. */
  updateDate: Date;
  /** Absent until the first UpdateStateMachine, as on AWS. */
  revisionId?: string;
  /** The version published from this revision (PublishStateMachineVersion is idempotent per revision). */
  publishedAs?: VersionRecord;
}

/** A published version: an immutable snapshot of one revision, `<machine arn>:<number>`. */
export interface VersionRecord {
  arn: string;
  number: number;
  machine: StateMachineRecord;
  revision: MachineRevision;
  description?: string;
  creationDate: Date;
}

export interface RoutingEntry {
  version: VersionRecord;
  weight: number;
}

/** An alias: `<machine arn>:<name>`, routing executions to one or two versions by weight. */
export interface AliasRecord {
  arn: string;
  name: string;
  machine: StateMachineRecord;
  description?: string;
  routing: RoutingEntry[];
  creationDate: Date;
  updateDate: Date;
}

export interface StateMachineRecord {
  arn: string;
  name: string;
  account: string;
  region: string;
  type: StateMachineType;
  creationDate: Date;
  revision: MachineRevision;
  status: 'ACTIVE' | 'DELETING';
  /** Executions still running (a DELETING machine goes away when this reaches 0). */
  running: number;
  /** Standard executions, oldest first. */
  executions: ExecutionRecord[];
  tags: Map<string, string>;
  /** Published versions by number. */
  versions: Map<number, VersionRecord>;
  /** The last version number handed out (numbers are never reused, even after a delete). */
  lastVersion: number;
  /** Aliases by name. */
  aliases: Map<string, AliasRecord>;
}

export interface ExecutionRecord {
  arn: string;
  name: string;
  machine: StateMachineRecord;
  revision: MachineRevision;
  /** Set when the execution was started on a version or through an alias. */
  version?: VersionRecord;
  alias?: AliasRecord;
  /** The input's JSON text as sent. */
  input: string;
  traceHeader?: string;
  run: Execution;
  /** RedriveExecution client tokens recently used (newest last), for idempotent answers. */
  redriveTokens?: { token: string; redriveDate: Date }[];
}

export interface ActivityRecord {
  arn: string;
  name: string;
  creationDate: Date;
  tags: Map<string, string>;
}

export interface StatesStore {
  machine(account: string, region: string, arn: string): StateMachineRecord | undefined;
  machines(account: string, region: string): Iterable<StateMachineRecord>;
  putMachine(m: StateMachineRecord): void;
  removeMachine(m: StateMachineRecord): void;
  execution(account: string, region: string, arn: string): ExecutionRecord | undefined;
  putExecution(e: ExecutionRecord): void;
  activity(account: string, region: string, arn: string): ActivityRecord | undefined;
  activities(account: string, region: string): Iterable<ActivityRecord>;
  putActivity(account: string, region: string, a: ActivityRecord): void;
  removeActivity(account: string, region: string, arn: string): void;
}

interface Bucket {
  machines: Map<string, StateMachineRecord>;
  executions: Map<string, ExecutionRecord>;
  activities: Map<string, ActivityRecord>;
}

export class MemoryStatesStore implements StatesStore {
  private readonly buckets = new Map<string, Bucket>();

  private bucket(account: string, region: string): Bucket {
    const key = `${account}/${region}`;
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { machines: new Map(), executions: new Map(), activities: new Map() }));
    return b;
  }

  machine(account: string, region: string, arn: string): StateMachineRecord | undefined {
    return this.buckets.get(`${account}/${region}`)?.machines.get(arn);
  }

  machines(account: string, region: string): Iterable<StateMachineRecord> {
    return this.buckets.get(`${account}/${region}`)?.machines.values() ?? [];
  }

  putMachine(m: StateMachineRecord): void {
    this.bucket(m.account, m.region).machines.set(m.arn, m);
  }

  removeMachine(m: StateMachineRecord): void {
    this.buckets.get(`${m.account}/${m.region}`)?.machines.delete(m.arn);
  }

  execution(account: string, region: string, arn: string): ExecutionRecord | undefined {
    return this.buckets.get(`${account}/${region}`)?.executions.get(arn);
  }

  putExecution(e: ExecutionRecord): void {
    this.bucket(e.machine.account, e.machine.region).executions.set(e.arn, e);
    e.machine.executions.push(e);
  }

  activity(account: string, region: string, arn: string): ActivityRecord | undefined {
    return this.buckets.get(`${account}/${region}`)?.activities.get(arn);
  }

  activities(account: string, region: string): Iterable<ActivityRecord> {
    return this.buckets.get(`${account}/${region}`)?.activities.values() ?? [];
  }

  putActivity(account: string, region: string, a: ActivityRecord): void {
    this.bucket(account, region).activities.set(a.arn, a);
  }

  removeActivity(account: string, region: string, arn: string): void {
    this.buckets.get(`${account}/${region}`)?.activities.delete(arn);
  }
}
