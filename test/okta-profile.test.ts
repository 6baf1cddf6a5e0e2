/**
 * What Okta really sends (developer.okta.com, "Okta and SCIM Version 2.0"): it looks users up by userName with
 * `startIndex=1&count=100`, creates with POST, updates with a full PUT, deactivates with `active: false` and never
 * deletes a user; re-assigning a deactivated user POSTs it again. Group push creates with POST and changes
 * membership by PATCH. Each test checks the HTTP answer and the resulting state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GROUP_SCHEMA, PATCH_SCHEMA, TestRoster, USER_SCHEMA, type DirectoryHandle, type ScimResponse } from './support/roster.ts';

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** Okta's create request: its user id as externalId, a password, an empty `groups`. */
function oktaUser(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: 'Test', familyName: 'User' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: 'Test User',
    locale: 'en-US',
    externalId: '00ujl29u0le5T6Aj10h7',
    groups: [],
    password: '1mz050nq',
    active: true,
    ...extra,
  };
}

/** Okta's lookup: `filter=userName eq "…"&startIndex=1&count=100`. */
const lookupPath = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`;

const patchBody = (...operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });

describe('Okta profile', () => {
  let roster: TestRoster;
  let okta: DirectoryHandle;
  before(async () => {
    roster = await TestRoster.start();
    okta = await roster.directory('okta');
  });
  after(() => roster.close());

  const send = (method: string, path: string, body?: unknown, dir = okta) => roster.request(dir, method, path, body);
  const getUser = async (id: string, dir = okta) => {
    const res = await send('GET', `/Users/${id}`, undefined, dir);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const rowsNamed = (dir: DirectoryHandle, userName: string) =>
    roster.db.selectFrom('users').selectAll().where('directory_id', '=', dir.id).where('user_name_key', '=', userName.toLowerCase()).execute();
  const create = async (body: unknown, dir = okta) => {
    const res = await send('POST', '/Users', body, dir);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res;
  };

  describe('user lifecycle: lookup, POST, PUT, deactivate', () => {
    const userName = 'test.user@okta.local';
    let id = '';
    let etag = '';

    test('the lookup before a create finds nothing: 200, an empty ListResponse', async () => {
      const res = await send('GET', lookupPath(userName));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.schemas, [LIST_RESPONSE]);
      assert.equal(res.body.totalResults, 0);
      assert.equal(res.body.startIndex, 1);
      assert.deepEqual(res.body.Resources, []);
    });

    test('POST creates the user; the password is neither returned nor stored; the lookup then finds it', async () => {
      const res = await create(oktaUser(userName, { title: 'Engineer' }));
      id = res.body.id;
      etag = String(res.headers.etag);
      assert.equal(res.body.userName, userName);
      assert.equal(res.body.externalId, '00ujl29u0le5T6Aj10h7');
      assert.equal(res.body.locale, 'en-US');
      assert.equal(res.body.active, true);
      assert.equal(res.body.password, undefined);
      assert.equal(res.headers.location, res.body.meta.location);
      const [row, ...more] = await rowsNamed(okta, userName);
      assert.equal(more.length, 0);
      assert.ok(!row!.doc.includes('1mz050nq'), 'the password is not stored');
      const found = await send('GET', lookupPath(userName));
      assert.equal(found.body.totalResults, 1);
      assert.equal(found.body.itemsPerPage, 1);
      assert.equal(found.body.startIndex, 1);
      assert.equal(found.body.Resources[0].id, id);
    });

    test('PUT replaces the whole user: attributes it leaves out are cleared', async () => {
      const current = await getUser(id);
      const put = {
        ...oktaUser(userName),
        id,
        name: { givenName: 'Another', middleName: 'Mid', familyName: 'User' },
        displayName: 'Another Mid User',
        meta: current.meta,
      };
      delete (put as { password?: string }).password;
      const res = await send('PUT', `/Users/${id}`, put);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.notEqual(res.headers.etag, etag, 'a new version');
      const user = await getUser(id);
      assert.deepEqual(user.name, put.name);
      assert.equal(user.displayName, 'Another Mid User');
      assert.equal(user.title, undefined, 'title was not in the PUT');
      assert.equal(user.id, id);
      assert.equal(user.meta.created, current.meta.created);
    });

    test('PUT with active false deactivates: the user stays, and the lookup still finds it', async () => {
      const current = await getUser(id);
      const res = await send('PUT', `/Users/${id}`, { ...current, active: false });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.active, false);
      assert.equal((await getUser(id)).active, false);
      const [row] = await rowsNamed(okta, userName);
      assert.equal(row!.active, 0);
      const found = await send('GET', lookupPath(userName));
      assert.equal(found.body.Resources[0]?.id, id);
      assert.equal(found.body.Resources[0].active, false);
    });

    test('a POST of the deactivated userName reactivates that user: 201, same id, active, no second row', async () => {
      const before = await getUser(id);
      const res = await send('POST', '/Users', oktaUser(userName, { displayName: 'Back Again', externalId: '00unew' }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.id, id, 'the same user');
      assert.equal(res.body.active, true);
      assert.equal(res.body.displayName, 'Back Again', 'takes the new state');
      assert.equal(res.body.externalId, '00unew');
      assert.equal(res.body.password, undefined);
      assert.equal(res.headers.location, `https://roster.test/scim/v2/${okta.id}/Users/${id}`);
      assert.notEqual(res.headers.etag, before.meta.version);
      assert.equal(res.body.meta.created, before.meta.created, 'not a new resource');
      const rows = await rowsNamed(okta, userName);
      assert.deepEqual(rows.map((r) => [r.id, r.active]), [[id, 1]], 'one row, active');
      const user = await getUser(id);
      assert.equal(user.active, true);
      assert.equal(user.name.middleName, undefined, 'the POST body is the whole new state');
      const changes = await roster.db.selectFrom('changes').select('type').where('resource_id', '=', id).orderBy('seq').execute();
      assert.deepEqual(
        changes.map((c) => c.type),
        ['dsync.user.created', 'dsync.user.updated', 'dsync.user.deactivated', 'dsync.user.reactivated'],
        'the change log records an update, not a second create',
      );
    });

    test('a POST of an active user\'s userName is still 409 uniqueness', async () => {
      const res = await send('POST', '/Users', oktaUser(userName));
      assert.equal(res.status, 409);
      assert.equal(res.body.scimType, 'uniqueness');
      assert.equal((await rowsNamed(okta, userName)).length, 1);
    });

    test('reactivation matches the userName in any letter case', async () => {
      const created = (await create(oktaUser('Case.User@okta.local'))).body;
      await send('PUT', `/Users/${created.id}`, { ...created, active: false });
      const emails = [{ primary: true, value: 'New.Mail@okta.local', type: 'work' }];
      const res = await send('POST', '/Users', oktaUser('case.user@OKTA.local', { emails }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.id, created.id);
      assert.equal(res.body.active, true);
      assert.equal(res.body.userName, 'case.user@OKTA.local', 'the userName as now sent');
      assert.deepEqual(res.body.emails, emails);
      const rows = await rowsNamed(okta, 'case.user@okta.local');
      assert.deepEqual(
        rows.map((r) => [r.id, r.user_name, r.email_key, r.active]),
        [[created.id, 'case.user@OKTA.local', 'new.mail@okta.local', 1]],
        'the indexed columns follow the new state',
      );
      const found = await send('GET', `/Users?filter=${encodeURIComponent('emails.value eq "new.mail@okta.local"')}`);
      assert.deepEqual(found.body.Resources.map((u: { id: string }) => u.id), [created.id]);
    });

    test('Okta\'s PATCH deactivation ({"op":"replace","value":{"active":false}}) answers 200 with the user', async () => {
      const created = (await create(oktaUser('patch.deactivate@okta.local'))).body;
      const res = await send('PATCH', `/Users/${created.id}`, patchBody({ op: 'replace', value: { active: false } }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.active, false);
      assert.equal((await getUser(created.id)).active, false);
    });
  });

  describe('a deactivated userName POSTed to other providers', () => {
    for (const provider of ['generic', 'entra'] as const) {
      test(`'${provider}': 409 uniqueness, and the deactivated user stays as it was`, async () => {
        const dir = await roster.directory(provider);
        const created = (await create(oktaUser('gone@example.com'), dir)).body;
        const off = await send('PUT', `/Users/${created.id}`, { ...created, active: false }, dir);
        assert.equal(off.status, 200);
        const res = await send('POST', '/Users', oktaUser('gone@example.com', { displayName: 'Changed' }), dir);
        assert.equal(res.status, 409, JSON.stringify(res.body));
        assert.equal(res.body.scimType, 'uniqueness');
        const user = await getUser(created.id, dir);
        assert.equal(user.active, false);
        assert.equal(user.displayName, 'Test User');
        assert.equal((await rowsNamed(dir, 'gone@example.com')).length, 1);
      });
    }
  });

  describe('queries as Okta sends them', () => {
    test('userName eq with startIndex=1&count=100 finds exactly that user among many', async () => {
      const dir = await roster.directory('okta');
      const ids: Record<string, string> = {};
      for (const name of ['a@okta.local', 'b@okta.local', 'c@okta.local']) ids[name] = (await create(oktaUser(name), dir)).body.id;
      const res = await send('GET', lookupPath('B@okta.local'), undefined, dir);
      assert.equal(res.status, 200);
      assert.deepEqual([res.body.totalResults, res.body.startIndex, res.body.itemsPerPage], [1, 1, 1]);
      assert.equal(res.body.Resources[0].id, ids['b@okta.local']);
      const all = await send('GET', '/Users?startIndex=1&count=100', undefined, dir);
      assert.deepEqual([all.body.totalResults, all.body.itemsPerPage], [3, 3]);
    });

    test('an unquoted filter value is 400 invalidFilter (the okta profile is strict)', async () => {
      const res = await send('GET', `/Users?filter=${encodeURIComponent('userName eq test.user@okta.local')}`);
      assert.equal(res.status, 400);
      assert.equal(res.body.scimType, 'invalidFilter');
    });
  });

  describe('group push', () => {
    const users: string[] = [];
    let groupId = '';
    const members = async () => {
      const res = await send('GET', `/Groups/${groupId}`);
      assert.equal(res.status, 200);
      return (res.body.members ?? []).map((m: { value: string }) => m.value).sort();
    };
    const memberRows = async () =>
      (await roster.db.selectFrom('group_members').select('member_id').where('group_id', '=', groupId).execute()).map((r) => r.member_id).sort();
    const pushPatch = async (...operations: unknown[]): Promise<ScimResponse> => {
      const res = await send('PATCH', `/Groups/${groupId}`, patchBody(...operations));
      assert.equal(res.status, 204, `the okta profile answers group PATCH with 204: ${JSON.stringify(res.body)}`);
      assert.equal(res.body, undefined);
      assert.match(String(res.headers.etag), /^W\/"/);
      return res;
    };
    const member = (i: number) => ({ value: users[i], display: `push${i}@okta.local` });

    before(async () => {
      for (let i = 0; i < 5; i++) users.push((await create(oktaUser(`push${i}@okta.local`))).body.id);
    });

    test('lookup by displayName, then POST the group with no members', async () => {
      const lookup = await send('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Test SCIMv2"')}&startIndex=1&count=100`);
      assert.equal(lookup.status, 200);
      assert.equal(lookup.body.totalResults, 0);
      const res = await send('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Test SCIMv2', members: [] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      groupId = res.body.id;
      assert.ok(res.body.members === undefined || res.body.members.length === 0);
      assert.deepEqual(await members(), []);
    });

    test('rename: a path-less replace whose value carries the id and the new displayName', async () => {
      await pushPatch({ op: 'replace', value: { id: groupId, displayName: 'Test SCIMv2 renamed' } });
      const group = (await send('GET', `/Groups/${groupId}`)).body;
      assert.equal(group.id, groupId);
      assert.equal(group.displayName, 'Test SCIMv2 renamed');
    });

    test('PATCH replace members sets exactly the pushed members', async () => {
      await pushPatch({ op: 'replace', path: 'members', value: [member(0), member(1)] });
      assert.deepEqual(await members(), [users[0], users[1]].sort());
      await pushPatch({ op: 'replace', path: 'members', value: [member(1), member(2)] });
      assert.deepEqual(await members(), [users[1], users[2]].sort());
      assert.deepEqual(await memberRows(), [users[1], users[2]].sort());
    });

    test('PATCH add members adds to the existing ones', async () => {
      await pushPatch({ op: 'add', path: 'members', value: [member(3)] });
      assert.deepEqual(await members(), [users[1], users[2], users[3]].sort());
    });

    test('PATCH remove members[value eq "…"], with an add in the same request', async () => {
      await pushPatch({ op: 'remove', path: `members[value eq "${users[1]}"]` }, { op: 'add', path: 'members', value: [member(4)] });
      assert.deepEqual(await members(), [users[2], users[3], users[4]].sort());
      assert.deepEqual(await memberRows(), [users[2], users[3], users[4]].sort());
      const removed = await getUser(users[1]!);
      assert.deepEqual(removed.groups ?? [], [], 'the removed user no longer lists the group');
    });

    test('a path-less replace with members replaces the member list', async () => {
      await pushPatch({ op: 'replace', value: { members: [member(0)] } });
      assert.deepEqual(await members(), [users[0]]);
    });

    test('deactivating a member (PUT active false) keeps the user and its membership', async () => {
      const user = await getUser(users[0]!);
      const res = await send('PUT', `/Users/${users[0]}`, { ...user, active: false });
      assert.equal(res.status, 200);
      assert.deepEqual(await members(), [users[0]]);
      assert.equal((await getUser(users[0]!)).active, false);
    });

    test('DELETE of the pushed group is 204 and leaves its users', async () => {
      const res = await send('DELETE', `/Groups/${groupId}`);
      assert.equal(res.status, 204);
      assert.equal((await send('GET', `/Groups/${groupId}`)).status, 404);
      assert.deepEqual(await memberRows(), []);
      assert.equal((await getUser(users[0]!)).id, users[0]);
    });
  });
});
