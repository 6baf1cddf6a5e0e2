import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { jsonPieces, StreamedArray } from '../src/scim/messages/streamed-json.ts';

async function joined(pieces: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of pieces) text += piece;
  return text;
}

const text = (value: unknown) => joined(jsonPieces(value));

async function* inChunks(values: unknown[], cuts: number[]) {
  let start = 0;
  for (const cut of cuts) {
    yield values.slice(start, start + cut);
    start += cut;
  }
  yield values.slice(start);
}

/** A small deterministic generator, so that one seed decides which arrays are streamed and how they are cut. */
function randomFrom(seed: number) {
  let state = seed >>> 0;
  return (below: number) => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state % below;
  };
}

/**
 * `value` with some of its object properties that are arrays made StreamedArrays (cut into chunks, some empty),
 * and the value JSON.stringify must then give the same text for: the arrays in place, an empty one left out when
 * it is omitted when empty.
 */
function streamSome(value: unknown, random: (below: number) => number): { streamed: unknown; expected: unknown } {
  if (Array.isArray(value)) {
    const parts = value.map((item) => streamSome(item, random));
    return { streamed: parts.map((p) => p.streamed), expected: parts.map((p) => p.expected) };
  }
  if (typeof value !== 'object' || value === null) return { streamed: value, expected: value };
  const streamed: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  // Defined, not assigned: a generated key may be `__proto__`.
  const set = (object: object, key: string, item: unknown) => Object.defineProperty(object, key, { value: item, enumerable: true });
  for (const [key, item] of Object.entries(value)) {
    if (Array.isArray(item) && random(2) === 0) {
      const omitWhenEmpty = random(2) === 0;
      const cuts = Array.from({ length: random(4) }, () => random(item.length + 1));
      set(streamed, key, new StreamedArray(inChunks(item, cuts), omitWhenEmpty));
      if (item.length > 0 || !omitWhenEmpty) set(expected, key, item);
    } else {
      const part = streamSome(item, random);
      set(streamed, key, part.streamed);
      set(expected, key, part.expected);
    }
  }
  return { streamed, expected };
}

test('the pieces of a value with StreamedArrays join to the JSON.stringify text of the same value', async () => {
  await fc.assert(
    fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.integer(), async (value, seed) => {
      const { streamed, expected } = streamSome(value, randomFrom(seed));
      assert.equal(await text(streamed), JSON.stringify(expected));
    }),
    { numRuns: 300 },
  );
});

test('an empty StreamedArray is left out only as an attribute: as a value or an element it is []', async () => {
  const empty = (omitWhenEmpty: boolean) => new StreamedArray(inChunks([], [0, 0]), omitWhenEmpty);
  assert.equal(await text({ a: 1, members: empty(true), meta: {} }), '{"a":1,"meta":{}}');
  assert.equal(await text({ members: empty(true), meta: {} }), '{"meta":{}}');
  assert.equal(await text({ a: 1, members: empty(false) }), '{"a":1,"members":[]}');
  assert.equal(await text(empty(true)), '[]');
  assert.equal(await text([empty(true), 1]), '[[],1]');
});

test('a StreamedArray is read only as its pieces are, and never by JSON.stringify', async () => {
  let reads = 0;
  async function* counted() {
    for (const chunk of [[1, 2], [3]]) {
      reads++;
      yield chunk;
    }
  }
  const pieces = jsonPieces({ id: 'g', members: new StreamedArray(counted(), false) });
  assert.equal((await pieces.next()).value, '{');
  assert.equal(reads, 0);
  assert.equal(await joined(pieces), '"id":"g","members":[1,2,3]}');
  assert.equal(reads, 2);
  assert.throws(() => JSON.stringify({ members: new StreamedArray(counted(), false) }), /jsonPieces/);
});
