import { findUnstorableText } from '../scim/storable-text.ts';
import { invalidCursor } from './api-error.ts';

/**
 * A cursor as the API hands it out: base64url of a JSON value. Opaque to the caller (only ever passed back), so what
 * it holds can change without changing the API.
 */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * The position a cursor holds, checked by `read` (which returns undefined for a value of the wrong shape): anything
 * else — not base64url, not JSON, the wrong shape, text no database can hold — is 400 `invalid_cursor`.
 */
export function decodeCursor<T>(cursor: string, read: (value: unknown) => T | undefined): T {
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]*$/.test(cursor)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const position = findUnstorableText(value) === undefined ? read(value) : undefined;
  if (position === undefined) throw invalidCursor();
  return position;
}
