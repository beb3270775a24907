/** PutEvents entries: AWS's per-entry validation, the request size limit, and the event they become. */
import { AwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import type { PutEventsRequestEntry } from '../../generated/events.types.js';

export const MAX_REQUEST_BYTES = 256 * 1024;

/** The event as rules, archives and targets see it. */
export interface EventEnvelope {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  'replay-name'?: string;
}

export class IngestedEvent {
  private text: string | undefined;

  constructor(
    readonly event: EventEnvelope,
    /** Event time, ms. */
    readonly time: number,
    /** Time EventBridge received it, ms. */
    readonly ingested: number,
  ) {}

  /** The event as JSON, serialised on first use (most events match no archive or target). */
  get json(): string {
    return (this.text ??= JSON.stringify(this.event));
  }
}

export interface EntryError {
  ErrorCode: string;
  ErrorMessage: string;
}

/** An entry of PutEvents, or of the admin inject endpoint (which may also name account and region). */
export type Entry = PutEventsRequestEntry;

export const isoSeconds = (ms: number) => new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z');

const utf8 = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s));

/** AWS's entry size: Time counts 14 bytes, then Source, DetailType, Detail and each resource. */
export function entrySize(e: Entry): number {
  let size = (e.Time ? 14 : 0) + utf8(e.Source) + utf8(e.DetailType) + utf8(e.Detail);
  for (const r of e.Resources ?? []) size += utf8(r);
  return size;
}

export function checkRequestSize(entries: Entry[]): void {
  let total = 0;
  for (const e of entries) total += entrySize(e);
  if (total > MAX_REQUEST_BYTES) throw new AwsError('ValidationException', 'Total size of the entries in the request is over the limit.');
}

const invalid = (member: string, reason: string): EntryError => ({ ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${member} is not valid. Reason: ${reason}` });

/**
 * Validates one entry and builds its event. `trusted` (Nimbus's own AWS events, the admin inject
 * endpoint) may use `aws.` sources, which users cannot.
 */
export function buildEvent(e: Entry, account: string, region: string, now: number, trusted: boolean): IngestedEvent | EntryError {
  if (e.Source === undefined || e.Source === '') return invalid('Source', 'Source is a required argument.');
  if (e.DetailType === undefined || e.DetailType === '') return invalid('DetailType', 'DetailType is a required argument.');
  if (e.Detail === undefined || e.Detail === '') return invalid('Detail', 'Detail is a required argument.');
  if (!trusted && e.Source.startsWith('aws.')) return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  let detail: unknown;
  try {
    detail = JSON.parse(e.Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  const time = e.Time ? e.Time.getTime() : now;
  const event: EventEnvelope = {
    version: '0',
    id: uuid(),
    'detail-type': e.DetailType,
    source: e.Source,
    account,
    time: isoSeconds(time),
    region,
    resources: e.Resources ?? [],
    detail,
  };
  return new IngestedEvent(event, time, now);
}

/** Wraps an already built event (AWS service events, scheduled rule events). */
export function ingested(event: EventEnvelope, now: number): IngestedEvent {
  return new IngestedEvent(event, Date.parse(event.time), now);
}
