import { isJsonObject } from './json.ts';

const isPrimary = (element: unknown): boolean => isJsonObject(element) && element.primary === true;

/**
 * RFC 7643 §2.4: at most one element of a multi-valued attribute is primary. When several claim it, the last of
 * `preferred` (the elements this request wrote) wins, else the last of all; the others get `primary: false`.
 * "Last" because a client listing two primaries most plausibly corrected itself, and a PATCH that marks a new element
 * primary means to demote the old one (RFC 7644 §3.5.2.3's address example). Mutates the elements, which callers
 * have already copied.
 */
export function settlePrimary(elements: readonly unknown[], preferred: readonly unknown[] = elements): void {
  // A preferred element may be absent from the list (an added duplicate that was not appended).
  const winner = lastPrimary(preferred.filter((e) => elements.includes(e))) ?? lastPrimary(elements);
  if (winner === undefined) return;
  for (const element of elements) {
    if (element !== winner && isPrimary(element)) (element as Record<string, unknown>).primary = false;
  }
}

function lastPrimary(elements: readonly unknown[]): unknown {
  for (let i = elements.length - 1; i >= 0; i--) if (isPrimary(elements[i])) return elements[i];
  return undefined;
}
