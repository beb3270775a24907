/**
 * Parallel and Map (inline) states: child branches run on the same pump as the rest of the
 * execution. Event order as AWS writes it: MapStateStarted, MapIterationStarted (all up front when
 * concurrency allows, else as earlier iterations finish), MapIterationSucceeded, MapStateSucceeded
 * and MapStateExited (both after the last iteration's events); on a failure the failed iteration's
 * MapIterationFailed, the running siblings' MapIterationAborted / <Type>StateAborted, then
 * MapStateFailed unless a retrier runs the state again.
 *
 * On a redrive (RedriveExecution), the children that succeeded keep their outputs and do not run
 * again; the failed and aborted ones pick up at the state they stopped in (branch.ts ResumePoint).
 */
import { StatesError } from '../asl/errors.js';
import { applyPayloadTemplate } from '../asl/payload.js';
import { newBranch, resumedBranch, type Branch, type BranchParent, type ChildrenResume, type ChildrenSnapshot, type Failure, type ResumePoint, type Work } from './branch.js';
import type { Engine } from './engine.js';
import { isJsonataString, jsonataBindings, unexpectedType } from '../asl/jsonata.js';
import { drive, numberField, stateBindings, value, type StateEvaluation } from './jsonata-states.js';
import type { HistoryEventType } from './history.js';
import { toJson } from './payload-size.js';
import { contextFor, effectiveInput, finishResult, valueAt, varsOf } from './states.js';

export function attemptParallel(x: Engine, b: Branch): void {
  const def = b.def;
  if (b.jsonata) {
    if (def.Arguments === undefined) return launchParallel(x, b, b.input);
    return drive(x, b, jsonataParallel(x, b, def));
  }
  const ctx = contextFor(x, b);
  const vars = varsOf(b);
  const eff = effectiveInput(def, b.input, ctx, vars);
  launchParallel(x, b, def.Parameters === undefined ? eff : applyPayloadTemplate(def.Parameters, eff, ctx, vars));
}

function* jsonataParallel(x: Engine, b: Branch, def: any): StateEvaluation {
  const input = yield* value(def.Arguments, 'Arguments', stateBindings(x, b));
  return () => launchParallel(x, b, input);
}

function launchParallel(x: Engine, b: Branch, input: unknown): void {
  const branches: { StartAt: string; States: Record<string, any> }[] = b.def.Branches;
  b.cursor = x.history.add('ParallelStateStarted', b.cursor);
  const fan = new Fanout(x, b, 'Parallel', branches.length, b.cursor);
  if (fan.remaining === 0) return fan.finish();
  const inputJson = x.history.recording ? toJson(input) : undefined;
  fan.park();
  for (let i = 0; i < branches.length; i++) {
    if (fan.succeeded(i)) continue;
    const point = fan.pointOf(i);
    fan.launch(point ? resumedBranch(branches[i].States, point, b.cursor, fan, i) : newBranch(branches[i].States, branches[i].StartAt, input, inputJson, b.cursor, fan, i, b.vars));
  }
}

export function attemptMap(x: Engine, b: Branch): void {
  const def = b.def;
  const processor = def.ItemProcessor ?? def.Iterator;
  if (processor?.ProcessorConfig?.Mode === 'DISTRIBUTED' || def.ItemReader !== undefined || def.ItemBatcher !== undefined || def.ResultWriter !== undefined) {
    throw new StatesError('States.Runtime', 'Nimbus runs Map states in INLINE mode only; Distributed Map (ItemReader, ItemBatcher, ResultWriter, DISTRIBUTED mode) is not supported yet.');
  }
  if (b.jsonata) return drive(x, b, jsonataMap(x, b, def));
  const ctx = contextFor(x, b);
  const vars = varsOf(b);
  const eff = effectiveInput(def, b.input, ctx, vars);
  const items = def.ItemsPath === undefined ? eff : valueAt(def.ItemsPath, eff, ctx, vars);
  if (!Array.isArray(items)) {
    throw new StatesError('States.Runtime', `The Map state's ItemsPath '${def.ItemsPath ?? '$'}' must select an array, got ${jsonKind(items)}`);
  }
  let limit = def.MaxConcurrency ?? 0;
  if (def.MaxConcurrencyPath !== undefined) limit = valueAt(def.MaxConcurrencyPath, eff, ctx, vars);
  launchMap(x, b, items, limit, { items, eff, selector: def.ItemSelector ?? def.Parameters, inputs: undefined, states: processor.States, startAt: processor.StartAt, next: 0 });
}

/** Items, MaxConcurrency and every item's ItemSelector value of a JSONata Map, evaluated up front. */
function* jsonataMap(x: Engine, b: Branch, def: any): StateEvaluation {
  const processor = def.ItemProcessor ?? def.Iterator;
  const bind = stateBindings(x, b);
  const items = def.Items === undefined ? b.input : yield* value(def.Items, 'Items', bind);
  if (!Array.isArray(items)) {
    if (isJsonataString(def.Items)) throw unexpectedType(def.Items, 'Items', 'array', items);
    throw new StatesError('States.Runtime', `The Map state's input must be an array when it has no Items field, got ${jsonKind(items)}`);
  }
  const limit = (yield* numberField(def.MaxConcurrency, 'MaxConcurrency', bind)) ?? 0;
  let inputs: unknown[] | undefined;
  if (def.ItemSelector !== undefined) {
    inputs = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const ctx = x.context(b);
      ctx.Map = { Item: { Index: i, Value: items[i] } };
      inputs[i] = yield* value(def.ItemSelector, 'ItemSelector', jsonataBindings(b.vars?.values, { input: b.input, context: ctx }));
    }
  }
  return () => launchMap(x, b, items, limit, { items, eff: b.input, selector: undefined, inputs, states: processor.States, startAt: processor.StartAt, next: 0 });
}

function launchMap(x: Engine, b: Branch, items: unknown[], limit: unknown, work: MapWork): void {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
    throw new StatesError('States.Runtime', `The Map state's MaxConcurrency must be a non-negative integer, got ${JSON.stringify(limit) ?? String(limit)}`);
  }
  b.cursor = x.history.add('MapStateStarted', b.cursor, 'mapStateStartedEventDetails', { length: items.length });
  const fan = new Fanout(x, b, 'Map', items.length, b.cursor);
  fan.map = work;
  if (fan.remaining === 0) return fan.finish();
  fan.park();
  const first = limit > 0 ? limit : items.length;
  try {
    for (let i = 0; i < first && fan.hasNext(); i++) fan.startIteration(b.cursor);
  } catch (e) {
    fan.abandon();
    throw e;
  }
}

interface MapWork {
  items: unknown[];
  /** The Map state's effective input: `$` of ItemSelector. */
  eff: unknown;
  selector: unknown;
  /** JSONata: each item's ItemSelector value, evaluated before the iterations start. */
  inputs: unknown[] | undefined;
  states: Record<string, any>;
  startAt: string;
  /** Index of the next item to start. */
  next: number;
}

class Fanout implements Work, BranchParent, ChildrenSnapshot {
  map: MapWork | undefined;
  /** Children running, or stopped without succeeding (kept for a redrive's resume points). */
  private readonly children: (Branch | undefined)[];
  private readonly results: unknown[];
  remaining: number;
  /** On a redrive: where the children that did not succeed last time pick up. */
  private readonly resume: ChildrenResume | undefined;
  private failed = false;
  /** The event the state's completion follows: the last child's end. */
  private last: number;

  constructor(
    private readonly x: Engine,
    private readonly owner: Branch,
    private readonly kind: 'Map' | 'Parallel',
    count: number,
    startedId: number,
  ) {
    this.children = new Array(count);
    this.last = startedId;
    owner.fan = this;
    const resume = owner.resume;
    owner.resume = undefined;
    if (resume && resume.points.length === count && resume.results.length === count) {
      // A redrive: the children that succeeded keep their outputs and do not run again.
      this.resume = resume;
      this.results = resume.results;
      let done = 0;
      resume.results.forEach(() => done++); // forEach skips the holes: children that did not succeed
      this.remaining = count - done;
    } else {
      this.results = new Array(count);
      this.remaining = count;
    }
  }

  /** The child `index` succeeded in an earlier attempt (redrive). */
  succeeded(index: number): boolean {
    return this.resume !== undefined && index in this.results;
  }

  pointOf(index: number): ResumePoint | undefined {
    return this.resume?.points[index];
  }

  /** Some Map item has not started yet (skipping items a redrive keeps). */
  hasNext(): boolean {
    const m = this.map!;
    while (m.next < m.items.length && this.succeeded(m.next)) m.next++;
    return m.next < m.items.length;
  }

  snapshot(pointOf: (child: Branch) => ResumePoint): ChildrenResume {
    const points: (ResumePoint | undefined)[] = new Array(this.children.length);
    for (let i = 0; i < this.children.length; i++) {
      const child = this.children[i];
      if (child) points[i] = pointOf(child);
    }
    return { results: this.results, points };
  }

  park(): void {
    this.owner.work = this;
    this.owner.blocked = true;
  }

  launch(child: Branch): void {
    this.children[child.index] = child;
    this.x.schedule(child);
  }

  /** Writes MapIterationStarted for the next item and schedules its iteration. */
  startIteration(previousEventId: number): void {
    const m = this.map!;
    const index = m.next++;
    const { x, owner } = this;
    const id = x.history.add('MapIterationStarted', previousEventId, 'mapIterationStartedEventDetails', { name: owner.state, index });
    const point = this.pointOf(index);
    if (point) return this.launch(resumedBranch(m.states, point, id, this, index));
    let input = m.inputs === undefined ? m.items[index] : m.inputs[index];
    if (m.selector !== undefined) {
      const ctx = x.context(owner);
      ctx.Map = { Item: { Index: index, Value: input } };
      input = applyPayloadTemplate(m.selector, m.eff, ctx, varsOf(owner));
    }
    this.launch(newBranch(m.states, m.startAt, input, undefined, id, this, index, owner.vars));
  }

  childSucceeded(child: Branch, output: unknown): void {
    if (this.failed) return;
    const { x, owner } = this;
    this.children[child.index] = undefined;
    this.results[child.index] = output;
    if (this.map) {
      this.last = x.history.add('MapIterationSucceeded', child.cursor, 'mapIterationSucceededEventDetails', { name: owner.state, index: child.index });
      if (this.hasNext()) {
        try {
          this.startIteration(child.cursor);
        } catch (e) {
          return this.fail(x.failureOf(owner, e), child.cursor);
        }
      }
    } else {
      this.last = child.cursor;
    }
    if (--this.remaining === 0) x.wake(owner, () => this.finish());
  }

  childFailed(child: Branch, f: Failure): void {
    if (this.failed) return;
    const { x, owner } = this;
    if (this.map) x.history.add('MapIterationFailed', child.cursor, 'mapIterationFailedEventDetails', { name: owner.state, index: child.index });
    if (child.inState && child.def?.Type === 'Task') x.history.add('TaskStateAborted', child.cursor);
    this.fail(f, child.cursor);
  }

  /** The state fails with `f` after the event `causeId`: siblings are aborted, then Retry/Catch. */
  private fail(f: Failure, causeId: number): void {
    this.failed = true;
    this.abortChildren(causeId);
    const { x, owner, kind } = this;
    if (owner.work === this) owner.work = undefined;
    owner.cursor = causeId;
    x.wake(owner, () =>
      x.failState(owner, f, () => {
        owner.cursor = x.history.add(`${kind}StateFailed` as HistoryEventType, owner.cursor);
      }),
    );
  }

  abortChildren(causeId: number): void {
    const { x, owner } = this;
    for (const child of this.children) {
      if (!child || child.done) continue;
      if (this.map) x.history.add('MapIterationAborted', causeId, 'mapIterationAbortedEventDetails', { name: owner.state, index: child.index });
      x.abortBranch(child, causeId);
    }
  }

  /** The state failed before all its iterations started: stop the started ones, free the owner. */
  abandon(): void {
    this.failed = true;
    this.cancel();
    this.owner.work = undefined;
    this.owner.blocked = false;
  }

  cancel(): void {
    for (const child of this.children) if (child) this.x.cancelBranch(child);
  }

  /** All children succeeded: <Kind>StateSucceeded, then the state's output and Exited. */
  finish(): void {
    const { x, owner, kind } = this;
    owner.work = undefined;
    x.history.add(`${kind}StateSucceeded` as HistoryEventType, this.last);
    owner.cursor = this.last;
    finishResult(x, owner, this.results);
  }
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
