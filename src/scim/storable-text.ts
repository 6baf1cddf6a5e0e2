/** U+0000, or half of a surrogate pair with no other half: code units, not characters, hence no `u` flag. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether every database Roster runs on can store `text`. PostgreSQL's text and JSON types refuse U+0000 and a lone
 * surrogate (and one such document breaks every JSON filter over its directory); SQLite stores both. Refusing them
 * on input keeps the two dialects alike, and no identity provider has a use for either.
 */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** The first string (key or value) in a parsed JSON value that is not storable text, if any. */
export function findUnstorableText(value: unknown): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findUnstorableText(item);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = isStorableText(key) ? findUnstorableText(item) : key;
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
