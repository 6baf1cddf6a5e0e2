import { decodeCursor, encodeCursor } from './opaque-cursor.ts';

/**
 * How far a reader has read: directory id → the last sequence number of that directory it has been given. A
 * directory missing from it has not been read at all (it starts before its first event).
 */
export type EventPositions = Map<string, number>;

/** The positions an events cursor holds: none (the start of every directory) without a cursor. */
export function readEventCursor(cursor: string | undefined): EventPositions {
  if (cursor === undefined || cursor === '') return new Map();
  return decodeCursor(cursor, (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const entries = Object.entries(value);
    return entries.every(([, seq]) => Number.isSafeInteger(seq) && seq >= 0) ? new Map(entries as Array<[string, number]>) : undefined;
  });
}

export function eventCursor(positions: EventPositions): string {
  return encodeCursor(Object.fromEntries(positions));
}
