// The directory read API: a directory's users and groups in the shapes events carry, filtered with SCIM filters and
// paged with cursors, on the dialect under test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiGet, assertApiError, readPages } from './support/api-client.ts';
import { CUSTOM_EXTENSION } from './support/provisioning-cycle.ts';
import { type DirectoryHandle, ENTERPRISE, GROUP_SCHEMA, TestRoster, USER_SCHEMA } from './support/roster.ts';

const USERS = 23;

describe('directory API', () => {
  let roster: TestRoster;
  let dir: DirectoryHandle;
  let key: string;
  const users: string[] = [];
  let everyone: string;
  let even: string;
  let nested: string;

  const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);
  const filtered = (path: string, filter: string) => `${path}?filter=${encodeURIComponent(filter)}`;

  before(async () => {
    roster = await TestRoster.start();
    dir = await roster.directory('entra');
    const { organizationId } = await roster.roster.directories.require(dir.id);
    key = (await roster.roster.apiKeys.create(organizationId)).key;
    for (let i = 0; i < USERS; i++) {
      const res = await roster.request(dir, 'POST', '/Users', {
        schemas: [USER_SCHEMA, ENTERPRISE, CUSTOM_EXTENSION],
        userName: `u${i}@contoso.example`,
        active: i % 4 !== 0,
        name: { givenName: `U${i}`, familyName: 'Example' },
        emails: [{ primary: true, type: 'work', value: `u${i}@contoso.example` }],
        [ENTERPRISE]: { department: i % 2 === 0 ? 'Sales' : 'Research' },
        [CUSTOM_EXTENSION]: { costCenter: `CC-${i % 3}` },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      users.push(res.body.id);
    }
    const group = async (displayName: string, members: string[]) => {
      const res = await roster.request(dir, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    nested = await group('Nested', []);
    everyone = await group('Everyone', [...users, nested]);
    even = await group('Even', users.filter((_, i) => i % 2 === 0));
  });
  after(async () => roster.close());

  test('a directory as the API shows it', async () => {
    const res = await apiGet(roster, key, `/directories/${dir.id}`);
    assert.equal(res.status, 200);
    const { organizationId } = await roster.roster.directories.require(dir.id);
    assert.deepEqual({ ...res.body, createdAt: undefined, activatedAt: undefined }, {
      id: dir.id,
      organizationId,
      name: 'Test entra',
      provider: 'entra',
      createdAt: undefined,
      activatedAt: undefined,
      userCount: USERS,
      groupCount: 3,
    });
    assert.ok(res.body.activatedAt, 'activated by the first SCIM request');
    assert.deepEqual(ids((await apiGet(roster, key, '/directories')).body.data), [dir.id]);
  });

  test('users page by cursor: every user once, in creation order, with filters on core, enterprise and custom attributes', async () => {
    const all = await readPages(roster, key, `/directories/${dir.id}/users`, 5);
    assert.deepEqual(ids(all), users, 'every user once, oldest first');
    const [first] = all;
    assert.deepEqual(first.emails, [{ value: 'u0@contoso.example', type: 'work', primary: true }]);
    assert.equal(first.active, false);
    assert.deepEqual(first.raw[CUSTOM_EXTENSION], { costCenter: 'CC-0' });
    assert.deepEqual(first.groups, [
      { id: even, displayName: 'Even' },
      { id: everyone, displayName: 'Everyone' },
    ]);

    const expect = (keep: (i: number) => boolean) => users.filter((_, i) => keep(i));
    assert.deepEqual(ids(await readPages(roster, key, filtered(`/directories/${dir.id}/users`, 'active eq true'), 4)), expect((i) => i % 4 !== 0));
    assert.deepEqual(ids(await readPages(roster, key, filtered(`/directories/${dir.id}/users`, `${ENTERPRISE}:department eq "Sales"`), 3)), expect((i) => i % 2 === 0));
    assert.deepEqual(ids(await readPages(roster, key, filtered(`/directories/${dir.id}/users`, `${CUSTOM_EXTENSION}:costCenter eq "CC-1"`), 2)), expect((i) => i % 3 === 1));
    assert.deepEqual(
      ids(await readPages(roster, key, filtered(`/directories/${dir.id}/users`, 'userName sw "u1" and not (active eq false)'), 2)),
      expect((i) => String(i).startsWith('1') && i % 4 !== 0),
    );
    assert.deepEqual(ids(await readPages(roster, key, filtered(`/directories/${dir.id}/users`, `groups.value eq "${even}"`), 100)), expect((i) => i % 2 === 0));
    const none = await apiGet(roster, key, filtered(`/directories/${dir.id}/users`, 'userName eq "nobody"'));
    assert.deepEqual(none.body, { data: [], next: null });
  });

  test('one user, with its groups; the groups of a user', async () => {
    const user = await apiGet(roster, key, `/directories/${dir.id}/users/${users[2]}`);
    assert.equal(user.status, 200);
    assert.equal(user.body.userName, 'u2@contoso.example');
    assert.deepEqual(user.body.groups, [
      { id: even, displayName: 'Even' },
      { id: everyone, displayName: 'Everyone' },
    ]);
    const groups = await apiGet(roster, key, `/directories/${dir.id}/users/${users[2]}/groups`);
    assert.deepEqual(ids(groups.body.data), [even, everyone]);
    assert.deepEqual(Object.keys(groups.body.data[0]).sort(), ['displayName', 'externalId', 'id', 'raw']);
    assert.deepEqual(ids((await apiGet(roster, key, `/directories/${dir.id}/users/${users[1]}/groups`)).body.data), [everyone]);
    for (const path of [`/users/${crypto.randomUUID()}`, `/users/${crypto.randomUUID()}/groups`, `/users/${everyone}`, '/users/%00']) {
      assertApiError(await apiGet(roster, key, `/directories/${dir.id}${path}`), 404, 'not_found');
    }
  });

  test('groups, one group, and its members paged by cursor (users only, each once)', async () => {
    assert.deepEqual(ids(await readPages(roster, key, `/directories/${dir.id}/groups`, 2)), [nested, everyone, even]);
    assert.deepEqual(ids(await readPages(roster, key, filtered(`/directories/${dir.id}/groups`, 'displayName eq "everyone"'), 2)), [everyone]);
    const group = await apiGet(roster, key, `/directories/${dir.id}/groups/${even}`);
    assert.deepEqual({ ...group.body, raw: undefined }, { id: even, externalId: null, displayName: 'Even', raw: undefined });
    assert.equal(group.body.raw.members, undefined);

    const members = await readPages(roster, key, `/directories/${dir.id}/groups/${everyone}/members`, 5);
    assert.deepEqual(ids(members), [...users].sort(), 'every user member once, in id order; the nested group is not a user');
    assert.ok(members.every((m) => typeof m.userName === 'string' && Array.isArray(m.groups)));
    assert.deepEqual(await readPages(roster, key, `/directories/${dir.id}/groups/${nested}/members`, 5), []);
    assertApiError(await apiGet(roster, key, `/directories/${dir.id}/groups/${users[0]}/members`), 404, 'not_found');
  });

  test('a filter the SCIM engine refuses is 400 invalid_filter; a cursor the API did not hand out is 400 invalid_cursor', async () => {
    for (const filter of ['userName eq', 'nosuchattribute eq "x"', 'active gt true', '(userName eq "a"']) {
      assertApiError(await apiGet(roster, key, filtered(`/directories/${dir.id}/users`, filter)), 400, 'invalid_filter');
    }
    assertApiError(await apiGet(roster, key, filtered(`/directories/${dir.id}/groups`, 'userName eq "a"')), 400, 'invalid_filter');
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of ['%%%', encode({ after: 1 }), encode(['2024-01-01T00:00:00.000Z']), encode([1, 2])]) {
      assertApiError(await apiGet(roster, key, `/directories/${dir.id}/users?after=${cursor}`), 400, 'invalid_cursor');
    }
    assertApiError(await apiGet(roster, key, `/directories/${dir.id}/groups/${everyone}/members?after=${encode(7)}`), 400, 'invalid_cursor');
    assertApiError(await apiGet(roster, key, `/directories/${dir.id}/users?limit=5000`), 400, 'invalid_request');
    assertApiError(await apiGet(roster, key, `/directories/${dir.id}/users?limit=1&limit=2`), 400, 'invalid_request');
    assertApiError(await apiGet(roster, key, '/nothing-here'), 404, 'not_found');
  });
});
