/**
 * CloudTrail: the event history other services record into (`trail.record`), queried with
 * LookupEvents.
 */
import { AwsError } from '../../core/errors.js';
import { rootArn } from '../../core/ids.js';
import type { Event, LookupAttribute, LookupEventsRequest, LookupEventsResponse } from '../../generated/cloudtrail.types.js';
import type { ServiceFactory } from '../registry.js';
import type { RequestContext, ServiceInstance } from '../types.js';
import { RETENTION_MS, TrailStore, type TrailRecord } from './store.js';

export interface CloudTrailService extends ServiceInstance {
  trail: TrailStore;
}

const DEFAULT_MAX = 50;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Nimbus has no IAM users: every access key acts as its account's root. */
function userIdentity(r: TrailRecord): Record<string, unknown> {
  if (r.eventType === 'AwsServiceEvent') return { accountId: r.account, invokedBy: r.eventSource };
  return { type: 'Root', principalId: r.account, arn: rootArn(r.account, r.region), accountId: r.account, accessKeyId: r.accessKeyId };
}

export function cloudTrailEvent(r: TrailRecord): string {
  const e: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: userIdentity(r),
    eventTime: iso(r.eventTime),
    eventSource: r.eventSource,
    eventName: r.eventName,
    awsRegion: r.region,
    sourceIPAddress: r.sourceIp,
    userAgent: r.userAgent ?? r.eventSource,
  };
  if (r.errorCode !== undefined) {
    e.errorCode = r.errorCode;
    e.errorMessage = r.errorMessage;
  }
  e.requestParameters = r.requestParameters ?? null;
  e.responseElements = r.responseElements ?? null;
  if (r.additionalEventData) e.additionalEventData = r.additionalEventData;
  if (r.requestId) e.requestID = r.requestId;
  e.eventID = r.eventId;
  e.readOnly = r.readOnly;
  if (r.resources.length) e.resources = r.resources.map((x) => ({ accountId: r.account, type: x.type, ARN: x.arn }));
  e.eventType = r.eventType;
  e.managementEvent = true;
  e.recipientAccountId = r.account;
  e.eventCategory = 'Management';
  return JSON.stringify(e);
}

function toEvent(r: TrailRecord): Event {
  return {
    EventId: r.eventId,
    EventName: r.eventName,
    ReadOnly: String(r.readOnly),
    AccessKeyId: r.accessKeyId,
    EventTime: new Date(r.eventTime),
    EventSource: r.eventSource,
    Username: r.eventType === 'AwsApiCall' ? 'root' : undefined,
    Resources: r.resources.map((x) => ({ ResourceType: x.type, ResourceName: x.arn })),
    CloudTrailEvent: cloudTrailEvent(r),
  };
}

function matches(r: TrailRecord, a: LookupAttribute | undefined): boolean {
  if (!a) return true;
  const v = a.AttributeValue;
  switch (a.AttributeKey) {
    case 'EventId':
      return r.eventId === v;
    case 'EventName':
      return r.eventName === v;
    case 'ReadOnly':
      return String(r.readOnly) === v;
    case 'Username':
      return r.eventType === 'AwsApiCall' && v === 'root';
    case 'ResourceType':
      return r.resources.some((x) => x.type === v);
    case 'ResourceName':
      return r.resources.some((x) => x.arn === v);
    case 'EventSource':
      return r.eventSource === v;
    case 'AccessKeyId':
      return r.accessKeyId === v;
  }
}

function decodeToken(token: string): number {
  const m = /^v1:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw new AwsError('InvalidNextTokenException', 'The NextToken is not valid.');
  return Number(m[1]);
}

export const createService: ServiceFactory = () => {
  const trail = new TrailStore();
  const service: CloudTrailService = {
    trail,
    handlers: {
      LookupEvents(ctx: RequestContext, input: LookupEventsRequest): LookupEventsResponse {
        const attrs = input.LookupAttributes ?? [];
        if (attrs.length > 1) throw new AwsError('InvalidLookupAttributesException', 'You can specify at most one lookup attribute.');
        const now = ctx.now();
        const start = input.StartTime?.getTime() ?? now - RETENTION_MS;
        const end = input.EndTime?.getTime() ?? now;
        if (start > end) throw new AwsError('InvalidTimeRangeException', 'The start time must be earlier than the end time.');
        // Nimbus produces no CloudTrail Insights events.
        if (input.EventCategory === 'insight') return { Events: [] };
        const max = input.MaxResults ?? DEFAULT_MAX;
        const before = input.NextToken ? decodeToken(input.NextToken) : Infinity;
        const found: (TrailRecord & { seq: number })[] = [];
        for (const r of trail.newestFirst(ctx.account, ctx.region, before)) {
          if (r.eventTime < start || r.eventTime > end || r.eventTime < now - RETENTION_MS || !matches(r, attrs[0])) continue;
          found.push(r);
          if (found.length > max) break;
        }
        const page = found.slice(0, max);
        const next = found.length > max ? Buffer.from(`v1:${page[page.length - 1].seq}`).toString('base64url') : undefined;
        return { Events: page.map(toEvent), NextToken: next };
      },
    },
  };
  return service;
};
