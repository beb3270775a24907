/**
 * The transition graph pass, run after the schema pass over every container of states: transitions
 * must name a state of the same container, every state must be reachable from StartAt, and the
 * machine must have a terminal state.
 */
import { type Checker, at, has } from './validate-check.js';

export function checkGraph(c: Checker): void {
  let missingEnd = false;
  for (const scope of c.scopes) {
    const { states, startAt, prefix } = scope;
    const startKnown = typeof startAt === 'string' && has(states, startAt);
    if (typeof startAt === 'string' && !startKnown) {
      c.error('MISSING_TRANSITION_TARGET', `Missing 'Next' target: ${startAt}`, at(prefix, 'StartAt'));
    }
    for (const edges of scope.edges.values()) {
      for (const e of edges) {
        if (!has(states, e.target)) c.error('MISSING_TRANSITION_TARGET', `Missing 'Next' target: ${e.target}`, e.location);
      }
    }
    // A machine without a terminal state is refused outright, with no reachability report on top.
    if (scope.top && !scope.hasTerminal) {
      missingEnd = true;
      continue;
    }
    // Without a StartAt there is nowhere to walk from; the schema pass has reported it.
    if (typeof startAt !== 'string') continue;
    const reachable = new Set<string>();
    if (startKnown) {
      const pending = [startAt as string];
      reachable.add(startAt as string);
      while (pending.length) {
        for (const e of scope.edges.get(pending.pop()!) ?? []) {
          if (has(states, e.target) && !reachable.has(e.target)) {
            reachable.add(e.target);
            pending.push(e.target);
          }
        }
      }
    }
    for (const name of Object.keys(states)) {
      if (!reachable.has(name)) c.error('MISSING_TRANSITION_TARGET', `State "${name}" is not reachable.`, at(at(prefix, 'States'), name));
    }
  }
  if (missingEnd) c.error('MISSING_END_STATE', 'Workflow has no terminal state');
}
