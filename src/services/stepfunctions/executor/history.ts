/**
 * The execution history: AWS's HistoryEvent records with 1-based ids and previousEventId links.
 * Events are appended in a compact form (no Date or event object per event, which dominated the
 * cost of long runs) and become HistoryEvent objects when the history is read.
 */
import type { Clock } from '../../../core/clock.js';
import type { HistoryEvent, HistoryEventType } from '../../../generated/states.types.js';

export type { HistoryEvent, HistoryEventType };

/** `inputDetails` / `outputDetails` of every event: Nimbus never truncates payloads. */
export const NOT_TRUNCATED = Object.freeze({ truncated: false }) as { truncated: boolean };

export type DetailsKey = Exclude<keyof HistoryEvent, 'timestamp' | 'type' | 'id' | 'previousEventId'>;

/**
 * Fields per record: type, previousEventId * 4 + kind, then for a state event the state name (or
 * `{name, assigned}`) and its data JSON, for any other its details key and details. A PASSED
 * record holds two events: a Pass state's Entered and Exited, when it handed its input on.
 */
const STRIDE = 4;
/**
 * `records` is a list of preallocated chunks, written in place (growing one array by push cost a
 * third of a Pass state): 8 records first, so that a short or parked execution stays small, then
 * each chunk twice the last (little room left unused), up to 1,024 records.
 */
const FIRST_CHUNK = 8 * STRIDE;
const MAX_CHUNK = 1024 * STRIDE;
const OTHER = 0;
const STATE_ENTERED = 1;
const STATE_EXITED = 2;
const PASSED = 3;

export class HistoryLog {
  /** True when events are built at all (kept, or handed to a listener). */
  readonly recording: boolean;
  /** Inside a scheduler turn (see `beginTurn`). */
  private inTurn = false;
  private lastId = 0;
  private readonly chunks: unknown[][] = [];
  /** The chunk being written and the next free slot in it. */
  private chunk: unknown[] = [];
  private fill = 0;
  /** Number of events in `chunks`. */
  private recorded = 0;
  /** Where `build` reads next: chunk index and slot. */
  private readChunk = 0;
  private readAt = 0;
  /**
   * Event times, run-length encoded (a whole turn of events shares one time), kept histories
   * only: pairs of the index of the first event of a run and its time.
   */
  private readonly timeRuns: number[] = [];
  /** The time of the newest run. */
  private stampedTime = 0;
  /** Position in `timeRuns` of the run of the event `build` materialises next. */
  private timeRun = 0;
  private readonly built: HistoryEvent[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly keep: boolean,
    private readonly onEvent: ((e: HistoryEvent) => void) | undefined,
  ) {
    this.recording = keep || onEvent !== undefined;
  }

  /** Time (epoch ms) of the newest event (in a turn: the turn's time). */
  get lastTime(): number {
    return this.stampedTime;
  }

  /**
   * The engine runs a scheduler turn (it stamps a fresh time at the start and every 64 states, well
   * under a millisecond apart for ordinary states): the events until `endTurn` carry the time given
   * here or by `stamp`, instead of reading the clock per event, which was a quarter of the cost of
   * a Pass state.
   */
  beginTurn(now: number): void {
    this.inTurn = true;
    this.stamp(now);
  }

  endTurn(): void {
    this.inTurn = false;
  }

  /** The time of the events from now on. */
  stamp(now: number): void {
    if (now === this.stampedTime) return;
    this.stampedTime = now;
    if (!this.keep) return;
    const runs = this.timeRuns;
    const last = runs.length - 2;
    // A run that got no event takes the new time instead of leaving an empty run behind.
    if (last >= 0 && runs[last] === this.recorded) runs[last + 1] = now;
    else runs.push(this.recorded, now);
  }

  /** Id of the newest event (0 before any). */
  get lastEventId(): number {
    return this.lastId;
  }

  /** Appends an event and returns its id; ids advance even when events are not recorded. */
  add(type: HistoryEventType, previousEventId: number, key?: DetailsKey, details?: object): number {
    return this.append(type, previousEventId * 4 + OTHER, key, details);
  }

  /** A <Type>StateEntered event (`json`: the state input). */
  entered(type: HistoryEventType, previousEventId: number, name: string, json: string): number {
    return this.append(type, previousEventId * 4 + STATE_ENTERED, name, json);
  }

  /**
   * A <Type>StateExited event (`json`: the state output, undefined when not recording;
   * `assigned`: the JSON text of each variable the state assigned).
   */
  exited(type: HistoryEventType, previousEventId: number, name: string, json: string | undefined, assigned?: Record<string, string>): number {
    return this.append(type, previousEventId * 4 + STATE_EXITED, assigned === undefined ? name : { name, assigned }, json);
  }

  /**
   * PassStateEntered and PassStateExited of a Pass state that hands its input (`json`) on as its
   * output; returns the Exited event's id.
   */
  passedOn(previousEventId: number, name: string, json: string | undefined): number {
    const c = this.chunk;
    const at = this.fill;
    if (!this.inTurn || !this.keep || this.onEvent !== undefined || at === c.length) {
      return this.exited('PassStateExited', this.entered('PassStateEntered', previousEventId, name, json!), name, json);
    }
    c[at] = 'PassStateEntered';
    c[at + 1] = previousEventId * 4 + PASSED;
    c[at + 2] = name;
    c[at + 3] = json;
    this.fill = at + STRIDE;
    this.recorded += 2;
    return (this.lastId += 2);
  }

  /** Every event so far, oldest first (empty when history is not kept). */
  get events(): HistoryEvent[] {
    const built = this.built;
    while (built.length < this.recorded) this.build(built);
    return built;
  }

  private append(type: HistoryEventType, prevAndKind: number, a: unknown, b: unknown): number {
    if (!this.inTurn) this.stamp(this.clock.now());
    const id = ++this.lastId;
    if (!this.recording) return id;
    if (this.keep) {
      let c = this.chunk;
      let at = this.fill;
      if (at === c.length) {
        c = this.newChunk();
        at = 0;
      }
      c[at] = type;
      c[at + 1] = prevAndKind;
      c[at + 2] = a;
      c[at + 3] = b;
      this.fill = at + STRIDE;
      this.recorded++;
    }
    if (this.onEvent) {
      const event = this.keep ? this.events[id - 1] : makeEvent(this.stampedTime, type, id, prevAndKind, a, b);
      try {
        this.onEvent(event);
      } catch {
        // A failing listener (logging, metrics) must not fail the execution it observes.
      }
    }
    return id;
  }

  private newChunk(): unknown[] {
    const size = this.chunks.length === 0 ? FIRST_CHUNK : Math.min(MAX_CHUNK, this.chunk.length * 2);
    const c = new Array<unknown>(size);
    this.chunks.push(c);
    this.chunk = c;
    this.fill = 0;
    return c;
  }

  /** Materialises the next record into `built` (one event, or two for a PASSED record). */
  private build(built: HistoryEvent[]): void {
    let c = this.chunks[this.readChunk];
    if (this.readAt === c.length) {
      c = this.chunks[++this.readChunk];
      this.readAt = 0;
    }
    const at = this.readAt;
    this.readAt = at + STRIDE;
    const prevAndKind = c[at + 1] as number;
    const id = built.length + 1;
    if (prevAndKind % 4 === PASSED) {
      const prev = (prevAndKind - PASSED) / 4;
      built.push(makeEvent(this.timeOf(id - 1), 'PassStateEntered', id, prev * 4 + STATE_ENTERED, c[at + 2], c[at + 3]));
      built.push(makeEvent(this.timeOf(id), 'PassStateExited', id + 1, id * 4 + STATE_EXITED, c[at + 2], c[at + 3]));
    } else {
      built.push(makeEvent(this.timeOf(id - 1), c[at] as HistoryEventType, id, prevAndKind, c[at + 2], c[at + 3]));
    }
  }

  /** The time of event `i` (0-based), for events materialised in order. */
  private timeOf(i: number): number {
    const runs = this.timeRuns;
    while (this.timeRun + 2 < runs.length && runs[this.timeRun + 2] <= i) this.timeRun += 2;
    return runs[this.timeRun + 1];
  }
}

function makeEvent(time: number, type: HistoryEventType, id: number, prevAndKind: number, a: unknown, b: unknown): HistoryEvent {
  const kind = prevAndKind % 4;
  const event: HistoryEvent = { timestamp: new Date(time), type, id, previousEventId: (prevAndKind - kind) / 4 };
  if (kind === STATE_ENTERED) {
    event.stateEnteredEventDetails = { name: a as string, input: b as string, inputDetails: NOT_TRUNCATED };
  } else if (kind === STATE_EXITED) {
    const withVars = typeof a !== 'string';
    const name = withVars ? (a as { name: string }).name : (a as string);
    const json = b as string | undefined;
    const d: NonNullable<HistoryEvent['stateExitedEventDetails']> = json === undefined ? { name } : { name, output: json, outputDetails: NOT_TRUNCATED };
    if (withVars) {
      d.assignedVariables = (a as { assigned: Record<string, string> }).assigned;
      d.assignedVariablesDetails = NOT_TRUNCATED;
    }
    event.stateExitedEventDetails = d;
  } else if (a !== undefined) {
    (event as unknown as Record<string, unknown>)[a as DetailsKey] = b;
  }
  return event;
}
