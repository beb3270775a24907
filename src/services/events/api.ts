/** Amazon EventBridge: the API handlers and the in-process interface (EventsService). */
import type { PutEventsRequestEntry } from '../../generated/events.types.js';
import type { ServiceFactory } from '../registry.js';
import type { ServiceInstance } from '../types.js';
import { archiveHandlers } from './archive-api.js';
import { busHandlers } from './bus-api.js';
import { EventsCore, type PutEventsResult, type Scope } from './core.js';
import { ruleHandlers } from './rule-api.js';

export interface EventsService extends ServiceInstance {
  /**
   * PutEvents in process. `trusted` (Nimbus's own AWS events, the admin inject endpoint) may put
   * events whose source starts with `aws.`, which AWS refuses from users.
   */
  putEvents(entries: PutEventsRequestEntry[], scope: Scope, trusted?: boolean): PutEventsResult;
  /** An AWS service's event on the account's default bus; returns its id. */
  emit(scope: Scope, event: { source: string; detailType: string; resources?: string[]; detail: unknown; time?: number }): string;
}

export const createService: ServiceFactory = (cloud) => {
  const core = new EventsCore(cloud);
  const service: EventsService = {
    handlers: { ...busHandlers(core), ...ruleHandlers(core), ...archiveHandlers(core) },
    putEvents: (entries, scope, trusted = false) => core.putEvents(entries, scope, trusted),
    emit: (scope, event) => core.emit(scope, event),
    stop: () => core.stop(),
  };
  return service;
};
