import type { EventType } from './event-type.ts';

/**
 * One event, as the events API returns it and a webhook posts it. `id` is stable (a redelivery repeats it as
 * `webhook-id`); `sequence` orders a directory's events without gaps.
 */
export interface RosterEvent {
  id: string;
  type: EventType;
  organizationId: string;
  directoryId: string;
  sequence: number;
  occurredAt: string;
  /** Names of the attributes an update changed; absent for other events. */
  changedAttributes?: string[];
  /** `{ user }`, `{ group }`, `{ group, user }` (membership) or `{ directory }`: see event-objects.ts. */
  data: Record<string, unknown>;
}
