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

/** Fields per event in `records`: type, previousEventId, details key, details (or state name), state data JSON. */
const STRIDE = 5;
const STATE_ENTERED = 1;
const STATE_EXITED = 2;

export class HistoryLog {
  /** True when events are built at all (kept, or handed to a listener). */
  readonly recording: boolean;
  /** Time (epoch ms) of the newest event. */
  lastTime = 0;
  private lastId = 0;
  private readonly records: unknown[] = [];
  private readonly times: number[] = [];
  private readonly built: HistoryEvent[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly keep: boolean,
    private readonly onEvent: ((e: HistoryEvent) => void) | undefined,
  ) {
    this.recording = keep || onEvent !== undefined;
  }

  /** Id of the newest event (0 before any). */
  get lastEventId(): number {
    return this.lastId;
  }

  /** Appends an event and returns its id; ids advance even when events are not recorded. */
  add(type: HistoryEventType, previousEventId: number, key?: DetailsKey, details?: object): number {
    return this.append(type, previousEventId, key, details, undefined);
  }

  /** A <Type>StateEntered event (`json`: the state input). */
  entered(type: HistoryEventType, previousEventId: number, name: string, json: string): number {
    return this.append(type, previousEventId, STATE_ENTERED, name, json);
  }

  /**
   * A <Type>StateExited event (`json`: the state output, undefined when not recording;
   * `assigned`: the JSON text of each variable the state assigned).
   */
  exited(type: HistoryEventType, previousEventId: number, name: string, json: string | undefined, assigned?: Record<string, string>): number {
    return this.append(type, previousEventId, STATE_EXITED, assigned === undefined ? name : { name, assigned }, json);
  }

  /** Every event so far, oldest first (empty when history is not kept). */
  get events(): HistoryEvent[] {
    const built = this.built;
    for (let i = built.length; i < this.times.length; i++) built.push(this.build(i));
    return built;
  }

  private append(type: HistoryEventType, prev: number, key: DetailsKey | number | undefined, details: unknown, json: string | undefined): number {
    const id = ++this.lastId;
    this.lastTime = this.clock.now();
    if (!this.recording) return id;
    if (this.keep) {
      this.records.push(type, prev, key, details, json);
      this.times.push(this.lastTime);
    }
    if (this.onEvent) {
      const event = this.keep ? this.events[id - 1] : makeEvent(this.lastTime, type, id, prev, key, details, json);
      try {
        this.onEvent(event);
      } catch {
        // A failing listener (logging, metrics) must not fail the execution it observes.
      }
    }
    return id;
  }

  private build(i: number): HistoryEvent {
    const r = this.records;
    const at = i * STRIDE;
    return makeEvent(this.times[i], r[at] as HistoryEventType, i + 1, r[at + 1] as number, r[at + 2] as DetailsKey | number | undefined, r[at + 3], r[at + 4] as string | undefined);
  }
}

function makeEvent(time: number, type: HistoryEventType, id: number, previousEventId: number, key: DetailsKey | number | undefined, details: unknown, json: string | undefined): HistoryEvent {
  const event: HistoryEvent = { timestamp: new Date(time), type, id, previousEventId };
  if (key === STATE_ENTERED) {
    event.stateEnteredEventDetails = { name: details as string, input: json, inputDetails: NOT_TRUNCATED };
  } else if (key === STATE_EXITED) {
    const withVars = typeof details !== 'string';
    const name = withVars ? (details as { name: string }).name : (details as string);
    const d: NonNullable<HistoryEvent['stateExitedEventDetails']> = json === undefined ? { name } : { name, output: json, outputDetails: NOT_TRUNCATED };
    if (withVars) {
      d.assignedVariables = (details as { assigned: Record<string, string> }).assigned;
      d.assignedVariablesDetails = NOT_TRUNCATED;
    }
    event.stateExitedEventDetails = d;
  } else if (key !== undefined) {
    (event as unknown as Record<string, unknown>)[key] = details;
  }
  return event;
}
