// docs/events.md shows one example per event type. They come from a real run: this test replays an Entra ID
// provisioning cycle and checks that each example has exactly the fields (and the types of values) of the real
// event; with UPDATE_EVENT_CATALOGUE=1 it writes the real events into the document instead.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { RosterEvent } from '../src/events/event.ts';
import { EVENT_TYPES } from '../src/events/event-type.ts';
import { SignInSettings } from '../src/sso/sign-in-settings.ts';
import { readEvents } from './support/api-client.ts';
import { provisioningCycle } from './support/provisioning-cycle.ts';
import { TestRoster, userBody } from './support/roster.ts';

const CATALOGUE = new URL('../docs/events.md', import.meta.url);
/** A type's heading and the JSON block under it. */
const EXAMPLE = /(### `([a-z._]+)`\n[\s\S]*?```json\n)([\s\S]*?)(```)/g;

/** What a value looks like, without its contents: keys of objects, the shapes of array elements, types of the rest. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [...new Set(value.map((item) => JSON.stringify(shape(item))))].sort();
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shape(v)]));
  return value === null ? 'null' : typeof value;
}

describe('the event catalogue (docs/events.md)', () => {
  let roster: TestRoster;
  before(async () => {
    roster = await TestRoster.start();
  });
  after(async () => roster.close());

  test('has an example of every event type, with the fields a real event has', async () => {
    const dir = await roster.directory('entra');
    const { organizationId } = await roster.roster.directories.require(dir.id);
    const { key } = await roster.roster.apiKeys.create(organizationId);
    await provisioningCycle(roster, dir);
    // A sign-in event, in a second directory of the organization (the cycle ends by deleting its own).
    const second = await roster.roster.directories.create('Second', 'entra', organizationId);
    const handle = { id: second.directory.id, token: second.token, base: `/scim/v2/${second.directory.id}` };
    const carol = (await roster.request(handle, 'POST', '/Users', userBody('carol@contoso.example'))).body.id;
    await new SignInSettings(roster.db).setLoginMethod(organizationId, second.directory.id, carol, 'built-in');
    const examples = new Map<string, RosterEvent>();
    for (const event of (await readEvents(roster, key, 'limit=100')).events) if (!examples.has(event.type)) examples.set(event.type, event);
    assert.deepEqual([...examples.keys()].sort(), [...EVENT_TYPES].sort(), 'the cycle makes every type of event');

    const document = readFileSync(CATALOGUE, 'utf8');
    if (process.env.UPDATE_EVENT_CATALOGUE === '1') {
      writeFileSync(CATALOGUE, document.replace(EXAMPLE, (_, head, type, _old, end) => `${head}${JSON.stringify(examples.get(type), null, 2)}\n${end}`));
      return;
    }
    const documented = new Map([...document.matchAll(EXAMPLE)].map((match) => [match[2]!, match[3]!]));
    assert.deepEqual([...documented.keys()].sort(), [...EVENT_TYPES].sort(), 'one example per type');
    for (const [type, json] of documented) {
      assert.deepEqual(shape(JSON.parse(json)), shape(examples.get(type)), `the example of ${type} matches a real event (UPDATE_EVENT_CATALOGUE=1 rewrites it)`);
    }
  });
});
