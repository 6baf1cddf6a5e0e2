import { isJsonObject } from '../resource/json.ts';

/**
 * An array whose elements are read while the response is written, a chunk at a time, so whoever writes it holds one
 * chunk and never the whole array: a group's members. It sits in a response body like any other value, and
 * `jsonPieces` writes it.
 *
 * As an attribute, an array that turns out empty is written `[]`, or left out when `omitWhenEmpty` (projecting
 * sub-attributes drops an empty multi-valued attribute, and whether it is empty is known only once it is read).
 */
export class StreamedArray {
  constructor(
    readonly chunks: AsyncIterable<readonly unknown[]>,
    readonly omitWhenEmpty: boolean,
  ) {}

  /** Only `jsonPieces` can write it: JSON.stringify would silently write `{}`. */
  toJSON(): never {
    throw new Error('a StreamedArray is written by jsonPieces, not JSON.stringify');
  }
}

/**
 * The JSON text of `value` in pieces: each part without a StreamedArray in one JSON.stringify, a StreamedArray one
 * piece per chunk, read only as the pieces are. Joined, the pieces are the JSON.stringify text of `value` with each
 * StreamedArray's elements in its place.
 */
export async function* jsonPieces(value: unknown): AsyncGenerator<string> {
  if (value instanceof StreamedArray) {
    yield* arrayPieces(value, '', false);
  } else if (!holdsStreamedArray(value)) {
    yield JSON.stringify(value);
  } else if (Array.isArray(value)) {
    yield '[';
    for (const [i, item] of value.entries()) {
      if (i > 0) yield ',';
      yield* jsonPieces(item ?? null);
    }
    yield ']';
  } else {
    yield '{';
    let empty = true;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === undefined) continue;
      const prefix = `${empty ? '' : ','}${JSON.stringify(key)}:`;
      if (item instanceof StreamedArray) {
        if (yield* arrayPieces(item, prefix, item.omitWhenEmpty)) empty = false;
      } else {
        yield prefix;
        yield* jsonPieces(item);
        empty = false;
      }
    }
    yield '}';
  }
}

/** `prefix` and the array, a chunk per piece; nothing at all if it is empty and `omittable`. Returns whether it wrote. */
async function* arrayPieces(array: StreamedArray, prefix: string, omittable: boolean): AsyncGenerator<string, boolean> {
  let opened = false;
  for await (const chunk of array.chunks) {
    if (chunk.length === 0) continue;
    const elements = JSON.stringify(chunk).slice(1, -1);
    yield opened ? `,${elements}` : `${prefix}[${elements}`;
    opened = true;
  }
  if (opened) yield ']';
  else if (!omittable) yield `${prefix}[]`;
  return opened || !omittable;
}

function holdsStreamedArray(value: unknown): boolean {
  if (value instanceof StreamedArray) return true;
  if (Array.isArray(value)) return value.some(holdsStreamedArray);
  return isJsonObject(value) && Object.values(value).some(holdsStreamedArray);
}
