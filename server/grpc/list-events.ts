// homeplane.v1.EventService.ListEvents: the retained log read backwards, a page at a time, for
// history views (the dashboard's Events page) that a Watch alone cannot give.
import type { EventHistory, EventLogReader, EventMatch } from '../events/types.ts';
import type { ListEventsRequest, ListEventsResponse } from '../../proto/gen/homeplane/v1/event.ts';
import { pageSize } from './input.ts';
import { parseKinds } from './kinds.ts';
import { eventToProto } from './translate.ts';

/** WatchRequest.kinds rules (validated by parseKinds): an entry with a dot is a kind, without one an object type. */
function eventMatch(kinds: readonly string[]): EventMatch | null {
  parseKinds(kinds);
  if (kinds.length === 0) return null;
  return { kinds: kinds.filter((k) => k.includes('.')), objectTypes: kinds.filter((k) => !k.includes('.')) };
}

export function listEvents(log: EventLogReader & EventHistory, request: ListEventsRequest): ListEventsResponse {
  const match = eventMatch(request.kinds);
  const limit = pageSize('page_size', request.pageSize);
  // Read in one tick with the page (better-sqlite3 is synchronous): no commit falls between them.
  const revision = log.lastRevision();
  const before = request.beforeRevision === 0 ? revision + 1 : request.beforeRevision;
  const page = log.pageBefore(before, limit, match);
  return {
    events: page.events.map(eventToProto),
    nextBeforeRevision: page.nextBefore,
    revision,
  };
}
