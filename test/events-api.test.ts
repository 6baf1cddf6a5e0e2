// The events API as the host app uses it: an API key, `GET /api/v1/events` paged with `next`, on the dialect under
// test. What must hold above all: a consumer that follows `next` until `data` is empty sees every event exactly once,
// in each directory's order, whatever writes run meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import type { RosterEvent } from '../src/events/event.ts';
import { purgeExpiredEvents } from '../src/store/event-retention.ts';
import { apiGet, assertApiError, readEvents } from './support/api-client.ts';
import { CUSTOM_EXTENSION, CYCLE_EVENTS, provisioningCycle } from './support/provisioning-cycle.ts';
import { type DirectoryHandle, ENTERPRISE, GROUP_SCHEMA, patchOp, TestRoster, userBody } from './support/roster.ts';

const DAY_MS = 86_400_000;

/** A key for the organization of `dir`. */
async function organizationKey(roster: TestRoster, dir: DirectoryHandle): Promise<{ key: string; id: string; organizationId: string }> {
  const { organizationId } = await roster.roster.directories.require(dir.id);
  const { key, record } = await roster.roster.apiKeys.create(organizationId);
  return { key, id: record.id, organizationId };
}

/** Another directory in the organization of `dir`. */
async function siblingDirectory(roster: TestRoster, dir: DirectoryHandle, name: string): Promise<DirectoryHandle> {
  const { organizationId } = await roster.roster.directories.require(dir.id);
  const { directory, token } = await roster.roster.directories.create(name, 'entra', organizationId);
  return { id: directory.id, token, base: `/scim/v2/${directory.id}` };
}

async function createUser(roster: TestRoster, dir: DirectoryHandle, userName: string): Promise<string> {
  const res = await roster.request(dir, 'POST', '/Users', userBody(userName));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

/** The event ids the changes table holds for these directories. */
async function storedEventIds(roster: TestRoster, directoryIds: string[]): Promise<string[]> {
  const rows = await roster.db.selectFrom('changes').select('event_id').where('directory_id', 'in', directoryIds).execute();
  return rows.map((r) => r.event_id).sort();
}

/** Each directory's events come in its sequence order, without gaps. */
function assertDirectoryOrder(events: RosterEvent[]): void {
  const last = new Map<string, number>();
  for (const event of events) {
    assert.equal(event.sequence, (last.get(event.directoryId) ?? 0) + 1, `directory ${event.directoryId}: sequence ${event.sequence} after ${last.get(event.directoryId)}`);
    last.set(event.directoryId, event.sequence);
  }
}

describe('events API', () => {
  let roster: TestRoster;
  before(async () => {
    roster = await TestRoster.start();
  });
  after(async () => roster.close());

  test('an Entra provisioning cycle yields its events in order, with normalized objects and the raw resource', async () => {
    const dir = await roster.directory('entra');
    const { key, organizationId } = await organizationKey(roster, dir);
    // A request with a wrong token activates nothing.
    assert.equal((await roster.request({ ...dir, token: 'roster_wrong' }, 'GET', '/Users')).status, 401);
    assert.deepEqual((await apiGet(roster, key, '/events')).body.data, []);

    const ids = await provisioningCycle(roster, dir);
    const { events } = await readEvents(roster, key, 'limit=100');
    assert.deepEqual(
      events.map((e) => e.type),
      CYCLE_EVENTS,
    );
    assert.deepEqual(
      events.map((e) => e.sequence),
      CYCLE_EVENTS.map((_, i) => i + 1),
    );
    for (const event of events) {
      assert.match(event.id, /^evt_[0-9a-f]{32}$/);
      assert.equal(event.organizationId, organizationId);
      assert.equal(event.directoryId, dir.id);
      assert.ok(!Number.isNaN(Date.parse(event.occurredAt)));
      const isUpdate = ['dsync.user.updated', 'dsync.user.deactivated', 'dsync.user.reactivated', 'dsync.group.updated'].includes(event.type);
      assert.equal('changedAttributes' in event, isUpdate, `${event.type}: changedAttributes only on updates`);
    }
    const [activated, aliceCreated, , groupCreated, aliceAdded, bobAdded, aliceUpdated, bobDeactivated, bobRemoved, bobReactivated, renamed, aliceRemoved, aliceDeleted, groupDeleted, directoryDeleted] =
      events as Array<RosterEvent & { data: any }>;

    assert.deepEqual(activated!.data, { directory: { id: dir.id, name: 'Test entra', provider: 'entra' } });
    const alice = aliceCreated!.data.user;
    assert.deepEqual(
      { ...alice, raw: undefined },
      {
        id: ids.alice,
        externalId: 'alice',
        userName: 'alice@contoso.example',
        displayName: 'Alice Smith',
        name: { givenName: 'Alice', familyName: 'Smith', formatted: 'Alice Smith' },
        emails: [{ value: 'alice@contoso.example', type: 'work', primary: true }],
        active: true,
        userType: null,
        roles: [{ value: 'Admin', display: 'Admin', type: 'WindowsAzureActiveDirectoryRole', primary: true }],
        groups: [],
        raw: undefined,
      },
    );
    assert.equal(alice.raw.id, ids.alice);
    assert.equal(alice.raw.title, 'Engineer');
    assert.deepEqual(alice.raw[CUSTOM_EXTENSION], { costCenter: 'CC-1001' }, 'raw keeps custom extension attributes');
    assert.equal(alice.raw[ENTERPRISE].employeeNumber, '701984');

    assert.deepEqual(groupCreated!.data, {
      group: { id: ids.group, externalId: 'engineering', displayName: 'Engineering', raw: groupCreated!.data.group.raw },
    });
    assert.equal(groupCreated!.data.group.raw.members, undefined, 'a group event never carries the member list');
    assert.deepEqual([aliceAdded!.data.user.id, aliceAdded!.data.group.id], [ids.alice, ids.group]);
    assert.equal(aliceAdded!.data.user.groups, undefined, 'a membership event names its one group, not all of the user\'s');
    assert.equal(bobAdded!.data.user.id, ids.bob);

    assert.deepEqual([...aliceUpdated!.changedAttributes!].sort(), ['displayName', 'name']);
    assert.equal(aliceUpdated!.data.user.displayName, 'Alice Smith-Jones');
    assert.equal(aliceUpdated!.data.user.name.familyName, 'Smith-Jones');
    assert.deepEqual(aliceUpdated!.data.user.groups, [{ id: ids.group, displayName: 'Engineering' }]);
    assert.deepEqual(bobDeactivated!.changedAttributes, ['active']);
    assert.equal(bobDeactivated!.data.user.active, false);
    assert.deepEqual([bobRemoved!.data.user.id, bobRemoved!.data.group.id], [ids.bob, ids.group]);
    assert.equal(bobRemoved!.data.user.groups, undefined);
    assert.equal(bobReactivated!.data.user.active, true);
    assert.deepEqual(renamed!.changedAttributes, ['displayName']);
    assert.equal(renamed!.data.group.displayName, 'Engineering (all)');
    assert.deepEqual([aliceRemoved!.data.user.id, aliceRemoved!.data.group.displayName], [ids.alice, 'Engineering (all)']);
    assert.deepEqual(aliceDeleted!.data.user.groups, [{ id: ids.group, displayName: 'Engineering (all)' }], 'a deleted user names the groups it left');
    assert.equal(groupDeleted!.data.group.id, ids.group);
    assert.deepEqual(directoryDeleted!.data, { directory: { id: dir.id, name: 'Test entra', provider: 'entra' } });

    // The deleted directory's events stay readable by its own id too, until retention removes them.
    const byDirectory = await readEvents(roster, key, `directory=${dir.id}&limit=4`);
    assert.deepEqual(
      byDirectory.events.map((e) => e.id),
      events.map((e) => e.id),
    );
  });

  test('paging with a small limit gives every event of every directory of the organization once; the cursor goes on from there', async () => {
    const first = await roster.directory('entra');
    const second = await siblingDirectory(roster, first, 'Second IdP');
    const { key } = await organizationKey(roster, first);
    for (let i = 0; i < 6; i++) {
      await createUser(roster, first, `p${i}@first.example`);
      await createUser(roster, second, `p${i}@second.example`);
    }
    const read = await readEvents(roster, key, 'limit=3');
    assertDirectoryOrder(read.events);
    assert.deepEqual(read.events.map((e) => e.id).sort(), await storedEventIds(roster, [first.id, second.id]));

    // Within a page, events are merged by time across directories.
    const page = await apiGet(roster, key, '/events?limit=1000');
    const times = page.body.data.map((e: RosterEvent) => e.occurredAt);
    assert.deepEqual(times, [...times].sort());

    // Nothing new: an empty page, and the same position.
    const idle = await apiGet(roster, key, `/events?after=${read.next}`);
    assert.deepEqual(idle.body, { data: [], next: read.next });

    // New events, and only those, follow the cursor.
    const late = await createUser(roster, second, 'late@second.example');
    const more = await readEvents(roster, key, 'limit=3', read.next);
    assert.deepEqual(
      more.events.map((e) => [e.type, e.directoryId, (e.data.user as { id: string }).id]),
      [['dsync.user.created', second.id, late]],
    );

    // `directory` narrows the read to one directory.
    const onlyFirst = await readEvents(roster, key, `directory=${first.id}&limit=5`);
    assert.deepEqual(onlyFirst.events.map((e) => e.id).sort(), await storedEventIds(roster, [first.id]));
  });

  test('types: only events of those types, paged; an unknown type is refused', async () => {
    const dir = await roster.directory('entra');
    const { key } = await organizationKey(roster, dir);
    const users = [await createUser(roster, dir, 't1@types.example'), await createUser(roster, dir, 't2@types.example')];
    const group = await roster.request(dir, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Types', members: users.map((value) => ({ value })) });
    assert.equal(group.status, 201);
    await roster.request(dir, 'PATCH', `/Users/${users[0]}`, patchOp({ op: 'replace', path: 'displayName', value: 'T One' }));

    const { events, next } = await readEvents(roster, key, 'types=dsync.group.user_added,dsync.user.updated&limit=1');
    assert.deepEqual(
      events.map((e) => e.type),
      ['dsync.group.user_added', 'dsync.group.user_added', 'dsync.user.updated'],
    );
    // Having read to the end, the filtered cursor does not read the other events again.
    const created = await createUser(roster, dir, 't3@types.example');
    await roster.request(dir, 'PATCH', `/Users/${created}`, patchOp({ op: 'replace', path: 'displayName', value: 'T Three' }));
    const later = await readEvents(roster, key, 'types=dsync.group.user_added,dsync.user.updated&limit=1', next);
    assert.deepEqual(
      later.events.map((e) => [e.type, (e.data.user as { id: string }).id]),
      [['dsync.user.updated', created]],
    );

    assertApiError(await apiGet(roster, key, '/events?types=dsync.user.created,user.created'), 400, 'invalid_request');
  });

  test("an organization's key never sees another organization's directories or events", async () => {
    const mine = await roster.directory('entra');
    const theirs = await roster.directory('okta');
    const { key, organizationId } = await organizationKey(roster, mine);
    const { organizationId: theirOrganization } = await roster.roster.directories.require(theirs.id);
    await createUser(roster, mine, 'me@mine.example');
    await createUser(roster, theirs, 'them@theirs.example');

    const { events } = await readEvents(roster, key, 'limit=10');
    assert.ok(events.length > 0);
    assert.ok(events.every((e) => e.directoryId === mine.id && e.organizationId === organizationId));
    // Another organization's directory is exactly as absent as one that does not exist.
    const unknown = crypto.randomUUID();
    for (const path of [`/events?directory=${theirs.id}`, `/events?directory=${unknown}`, `/events?organization=${theirOrganization}`, `/directories/${theirs.id}`, `/directories/${theirs.id}/users`]) {
      const res = await apiGet(roster, key, path);
      assertApiError(res, 404, 'not_found');
      assert.doesNotMatch(res.body.error.message, /forbidden|permission|another/i);
    }
    assert.deepEqual(
      (await apiGet(roster, key, '/directories')).body.data.map((d: { id: string }) => d.id),
      [mine.id],
    );
    // Naming its own organization is allowed.
    assert.equal((await apiGet(roster, key, `/events?organization=${organizationId}`)).status, 200);
  });

  test('a missing, wrong or revoked key gets 401 with WWW-Authenticate; a Secret Token is not an API key', async () => {
    const dir = await roster.directory('entra');
    const { key, id, organizationId } = await organizationKey(roster, dir);
    const missing = await apiGet(roster, undefined, '/events');
    assertApiError(missing, 401, 'unauthorized');
    assert.equal(missing.headers['www-authenticate'], 'Bearer realm="roster"');
    const wrong = await apiGet(roster, `${key}x`, '/events');
    assertApiError(wrong, 401, 'unauthorized');
    assert.equal(wrong.headers['www-authenticate'], 'Bearer realm="roster", error="invalid_token"');
    assertApiError(await apiGet(roster, dir.token, '/directories'), 401, 'unauthorized');

    assert.equal((await apiGet(roster, key, '/events')).status, 200);
    await roster.roster.apiKeys.revoke(id);
    assertApiError(await apiGet(roster, key, '/events'), 401, 'unauthorized');
    const [listed] = await roster.roster.apiKeys.list(organizationId);
    assert.equal(listed!.id, id);
    assert.ok(listed!.lastUsedAt, 'the key shows when it was last used');
    assert.ok(listed!.revokedAt);
  });

  test('a global key reads any organization it names, and must name one (or a directory) for events', async () => {
    const one = await roster.directory('entra');
    const other = await roster.directory('generic');
    await createUser(roster, one, 'g@one.example');
    await createUser(roster, other, 'g@other.example');
    const { key } = await roster.roster.apiKeys.create(null);
    const { organizationId } = await roster.roster.directories.require(one.id);

    assertApiError(await apiGet(roster, key, '/events'), 400, 'invalid_request');
    const ofOne = await readEvents(roster, key, `organization=${organizationId}`);
    assert.deepEqual(ofOne.events.map((e) => e.id).sort(), await storedEventIds(roster, [one.id]));
    const ofOther = await readEvents(roster, key, `directory=${other.id}`);
    assert.deepEqual(ofOther.events.map((e) => e.id).sort(), await storedEventIds(roster, [other.id]));
    assertApiError(await apiGet(roster, key, `/events?organization=${crypto.randomUUID()}`), 404, 'not_found');

    const listed = (await apiGet(roster, key, '/directories')).body.data.map((d: { id: string }) => d.id);
    assert.ok(listed.includes(one.id) && listed.includes(other.id));
    assert.deepEqual(
      (await apiGet(roster, key, `/directories?organization=${organizationId}`)).body.data.map((d: { id: string }) => d.id),
      [one.id],
    );
    assert.equal((await apiGet(roster, key, `/directories/${other.id}/users`)).status, 200);
  });

  test('a cursor or limit the API did not hand out is refused with 400', async () => {
    const dir = await roster.directory('entra');
    const { key } = await organizationKey(roster, dir);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    assert.equal((await apiGet(roster, key, `/events?after=${encode({})}`)).status, 200, 'no position is the start');
    for (const cursor of ['not a cursor', encode([1]), encode({ [dir.id]: -1 }), encode({ [dir.id]: 1.5 }), encode({ [dir.id]: '3' }), encode({ 'a\u0000': 1 })]) {
      assertApiError(await apiGet(roster, key, `/events?after=${encodeURIComponent(cursor)}`), 400, 'invalid_cursor');
    }
    for (const limit of ['0', '1001', 'ten', '1.5', '-1']) assertApiError(await apiGet(roster, key, `/events?limit=${limit}`), 400, 'invalid_request');
  });

  test('retention removes old events and, once its events are gone, a directory deleted before then', async () => {
    const dir = await roster.directory('entra');
    const { key } = await organizationKey(roster, dir);
    for (let i = 0; i < 5; i++) await createUser(roster, dir, `r${i}@retention.example`);
    const written = await readEvents(roster, key, `directory=${dir.id}`);
    assert.equal(written.events.length, 6, 'the activation and five users');
    const start = (await apiGet(roster, key, `/events?directory=${dir.id}&limit=1`)).body.next; // positioned after event 1

    const old = new Date(Date.now() - 31 * DAY_MS).toISOString();
    await roster.db.updateTable('changes').set({ created_at: old }).where('directory_id', '=', dir.id).where('seq', '<=', 3).execute();
    // More than one purge batch of old events, in a directory deleted long ago.
    const gone = await roster.directory('entra');
    await roster.roster.directories.delete(gone.id);
    await roster.db
      .insertInto('changes')
      .values(
        Array.from({ length: 2500 }, (_, i) => ({
          directory_id: gone.id,
          seq: i + 2,
          event_id: `evt_old_${gone.id}_${i}`,
          type: 'dsync.user.created',
          resource_type: 'User' as const,
          resource_id: crypto.randomUUID(),
          member_id: null,
          attributes: '[]',
          data: '{}',
          created_at: old,
        })),
      )
      .execute();
    await roster.db.updateTable('changes').set({ created_at: old }).where('directory_id', '=', gone.id).execute();
    await roster.db.updateTable('directories').set({ deleted_at: old }).where('id', '=', gone.id).execute();
    // Deleted recently: kept, with its events.
    const recent = await roster.directory('entra');
    await roster.roster.directories.delete(recent.id);

    const purged = await purgeExpiredEvents(roster.db, 30);
    assert.ok(purged.events >= 3 + 2501, JSON.stringify(purged));
    assert.ok(purged.directories >= 1);
    assert.equal(await roster.db.selectFrom('directories').select('id').where('id', '=', gone.id).executeTakeFirst(), undefined);
    assert.ok(await roster.db.selectFrom('directories').select('id').where('id', '=', recent.id).executeTakeFirst());

    // From the start, and from a position before the removed events: what is left, once.
    const left = written.events.slice(3).map((e) => e.id);
    assert.deepEqual((await readEvents(roster, key, `directory=${dir.id}`)).events.map((e) => e.id), left);
    assert.deepEqual((await readEvents(roster, key, `directory=${dir.id}&limit=1`, start)).events.map((e) => e.id), left);
    assert.deepEqual(await purgeExpiredEvents(roster.db, 30), { events: 0, directories: 0 });
  });

  test('many concurrent SCIM writes while a consumer pages: the consumer gets every event exactly once', async () => {
    const first = await roster.directory('entra');
    const second = await siblingDirectory(roster, first, 'Concurrent second');
    const { key } = await organizationKey(roster, first);
    let writing = true;
    const writes = (async () => {
      const work: Array<Promise<unknown>> = [];
      try {
      for (let i = 0; i < 40; i++) {
        for (const dir of [first, second]) {
          work.push(
            (async () => {
              const id = await createUser(roster, dir, `c${i}@concurrent.example`);
              await roster.request(dir, 'PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: `C ${i}` }));
              if (i % 3 === 0) await roster.request(dir, 'DELETE', `/Users/${id}`);
            })(),
          );
        }
        if (i % 8 === 7) await Promise.all(work.splice(0));
      }
      await Promise.all(work);
      } finally {
        writing = false;
      }
    })();

    const received: RosterEvent[] = [];
    let cursor: string | undefined;
    let pagesDuringWrites = 0;
    for (;;) {
      const stillWriting = writing;
      const res = await apiGet(roster, key, `/events?limit=7${cursor ? `&after=${cursor}` : ''}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      received.push(...res.body.data);
      if (stillWriting && res.body.data.length > 0) pagesDuringWrites++;
      cursor = res.body.next;
      // Done once a page read after the last write came back empty.
      if (!stillWriting && res.body.data.length === 0) break;
      // A consumer's next request comes over the network: let the writes queued for the next turn run meanwhile.
      await setImmediate();
    }
    await writes;
    assert.ok(pagesDuringWrites > 1, `the consumer read while the writes ran (${pagesDuringWrites} pages)`);
    assertDirectoryOrder(received);
    const ids = received.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
    assert.deepEqual(ids.sort(), await storedEventIds(roster, [first.id, second.id]));
    assert.equal(ids.length, 2 * (1 + 40 * 2 + 14), 'activation, 40 creates and updates, 14 deletes per directory');
  });
});
