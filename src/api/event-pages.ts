import type { RosterEvent } from '../events/event.ts';
import type { EventType } from '../events/event-type.ts';
import type { EventFeed, EventScope, EventSource } from '../store/event-feed.ts';
import { notFound } from './api-error.ts';
import { eventCursor, type EventPositions, readEventCursor } from './event-cursor.ts';

export interface EventPageRequest {
  scope: EventScope;
  /** The `next` of the previous page; none to start at the oldest event retention kept. */
  after: string | undefined;
  limit: number;
  /** Only events of these types; all when undefined. */
  types: readonly EventType[] | undefined;
}

export interface EventPage {
  data: RosterEvent[];
  /** Where the following page starts: always given, the same cursor again when nothing new has happened. */
  next: string;
}

/** Events of one directory read for a page: `events` are the next ones after its position, in sequence order. */
interface Stream {
  source: EventSource;
  position: number;
  events: RosterEvent[];
  /** How many of `events`, from the first, made it into the page. */
  taken: number;
}

/**
 * Pages through the events of an organization (or one directory) with a cursor that holds a position per directory:
 * directories have no common commit order, but each has a gap-free one (event-feed.ts). Each page reads, for every
 * directory with events beyond its position, the next `limit` of them, merges them by time, and moves each
 * directory's position only past the events the page returns. A reader that follows `next` until `data` is empty
 * therefore gets every event once, however writes interleave with its reads.
 */
export class EventPages {
  constructor(private readonly feed: EventFeed) {}

  async page(request: EventPageRequest): Promise<EventPage> {
    const positions = readEventCursor(request.after);
    const sources = await this.feed.sources(request.scope);
    if (request.scope.directoryId !== undefined && sources.length === 0) throw notFound(`no directory with id ${request.scope.directoryId}`);
    const streams: Stream[] = await Promise.all(
      sources.map(async (source) => {
        const position = positions.get(source.directoryId) ?? 0;
        // A directory with nothing beyond the reader's position costs no query: a poll that finds nothing new is
        // one statement.
        const events = source.lastSequence > position ? await this.feed.read(source, position, request.types, request.limit) : [];
        return { source, position, events, taken: 0 };
      }),
    );
    const data = merge(streams, request.limit);
    return { data, next: eventCursor(advance(streams, request.limit)) };
  }
}

/** Takes up to `limit` events from the heads of the streams, oldest first (ties by directory, then sequence). */
function merge(streams: Stream[], limit: number): RosterEvent[] {
  const page: RosterEvent[] = [];
  while (page.length < limit) {
    let next: Stream | undefined;
    for (const stream of streams) {
      if (stream.taken < stream.events.length && (!next || before(stream.events[stream.taken]!, next.events[next.taken]!))) next = stream;
    }
    if (!next) break;
    page.push(next.events[next.taken++]!);
  }
  return page;
}

function before(a: RosterEvent, b: RosterEvent): boolean {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt;
  if (a.directoryId !== b.directoryId) return a.directoryId < b.directoryId;
  return a.sequence < b.sequence;
}

/**
 * Each directory's position after the page. A directory whose read came back short and went wholly into the page
 * has nothing left up to the sequence number it was listed with (only events of other types, or events retention
 * removed), so its position moves there: a reader filtering by type does not read the same others again.
 */
function advance(streams: Stream[], limit: number): EventPositions {
  const positions: EventPositions = new Map();
  for (const { source, position, events, taken } of streams) {
    const exhausted = taken === events.length && events.length < limit;
    const moved = exhausted ? Math.max(position, source.lastSequence) : taken > 0 ? events[taken - 1]!.sequence : position;
    if (moved > 0) positions.set(source.directoryId, moved);
  }
  return positions;
}
