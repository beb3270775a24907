/**
 * CloudTrail event history: management events per (account, region), newest last. Records keep
 * structured fields; the CloudTrail event JSON is built only when someone looks events up.
 */
export interface TrailResource {
  arn: string;
  type: string;
}

export interface TrailRecord {
  eventId: string;
  /** Epoch milliseconds. */
  eventTime: number;
  eventName: string;
  eventSource: string;
  eventType: 'AwsApiCall' | 'AwsServiceEvent';
  readOnly: boolean;
  account: string;
  region: string;
  accessKeyId?: string;
  sourceIp: string;
  userAgent?: string;
  requestId?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
  resources: TrailResource[];
}

interface Stored extends TrailRecord {
  seq: number;
}

/** Event history is a rolling 90 days in AWS; Nimbus also caps each (account, region) history. */
export const RETENTION_MS = 90 * 86_400_000;
const MAX_EVENTS = 100_000;

export class TrailStore {
  private readonly histories = new Map<string, Stored[]>();
  private seq = 0;

  record(r: TrailRecord): void {
    const key = `${r.account}/${r.region}`;
    let h = this.histories.get(key);
    if (!h) {
      h = [];
      this.histories.set(key, h);
    }
    (r as Stored).seq = ++this.seq;
    h.push(r as Stored);
    // Trimmed in batches so a full history does not cost a shift per event.
    if (h.length > MAX_EVENTS + MAX_EVENTS / 10) h.splice(0, h.length - MAX_EVENTS);
  }

  /** Events of one (account, region), newest first, starting below sequence number `before`. */
  *newestFirst(account: string, region: string, before = Infinity): Generator<TrailRecord & { seq: number }> {
    const h = this.histories.get(`${account}/${region}`);
    if (!h) return;
    // Sequence numbers grow along the history: find the last event below `before`.
    let lo = 0;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (h[mid].seq < before) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0; i--) yield h[i];
  }
}
