/**
 * The examples of RFC 7644 (SCIM protocol), sent over HTTP to a 'generic' directory: request bodies as the RFC prints
 * them, ids replaced by the ones Roster assigned. Each test checks the status and headers the RFC requires and the
 * resulting state, read back with a GET.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertScimError } from './support/assertions.ts';
import { ENTERPRISE, GROUP_SCHEMA, patchOp, TestRoster, USER_SCHEMA, userBody, type DirectoryHandle, type ScimResponse } from './support/roster.ts';

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** RFC 7644 §3.3: the create request, verbatim. */
const BJENSEN = {
  schemas: [USER_SCHEMA],
  userName: 'bjensen',
  externalId: 'bjensen',
  name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
};

const ids = (body: { Resources: Array<{ id: string }> }) => body.Resources.map((r) => r.id);
const sortedIds = (body: { Resources: Array<{ id: string }> }) => ids(body).sort();
const memberValues = (group: { members?: Array<{ value: string }> }) => (group.members ?? []).map((m) => m.value).sort();


describe('RFC 7644 examples over HTTP (generic directory)', () => {
  let roster: TestRoster;
  let dir: DirectoryHandle;
  before(async () => {
    roster = await TestRoster.start();
    dir = await roster.directory('generic');
  });
  after(() => roster.close());

  const send = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => roster.request(dir, method, path, body, headers);
  const ok = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const res = await send(method, path, body, headers);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const createUser = async (body: unknown) => {
    const res = await send('POST', '/Users', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const createGroup = async (displayName: string, members: string[] = []) => {
    const res = await send('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const getUser = async (id: string) => (await ok('GET', `/Users/${id}`)).body;
  const getGroup = async (id: string) => (await ok('GET', `/Groups/${id}`)).body;
  const filter = async (expression: string, type: 'Users' | 'Groups' = 'Users') => (await ok('GET', `/${type}?filter=${encodeURIComponent(expression)}`)).body;

  // ---- §3.3, §3.4.1, §3.5.1, §3.14, §3.6: one user's life ------------------------------------------------------------

  describe('bjensen: create, read, replace, versions, delete', () => {
    let created: ScimResponse;

    test('§3.3 POST /Users creates the user: 201, Location and ETag headers, meta', async () => {
      created = await send('POST', '/Users', BJENSEN);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.match(String(created.headers['content-type']), /^application\/scim\+json/);
      const user = created.body;
      assert.deepEqual(user.schemas, BJENSEN.schemas);
      assert.equal(user.userName, 'bjensen');
      assert.equal(user.externalId, 'bjensen');
      assert.deepEqual(user.name, BJENSEN.name);
      assert.equal(typeof user.id, 'string');
      assert.equal(user.meta.resourceType, 'User');
      assert.equal(user.meta.location, `https://roster.test/scim/v2/${dir.id}/Users/${user.id}`);
      assert.equal(created.headers.location, user.meta.location, 'Location is meta.location');
      assert.match(String(created.headers.etag), /^W\/".+"$/, 'a weak entity tag');
      assert.equal(created.headers.etag, user.meta.version, 'ETag is meta.version');
      assert.ok(!Number.isNaN(Date.parse(user.meta.created)));
      assert.equal(user.meta.created, user.meta.lastModified);
    });

    test('§3.3 a second POST with the same userName is 409 uniqueness', async () => {
      assertScimError(await send('POST', '/Users', { ...BJENSEN, externalId: 'other' }), 409, 'uniqueness');
    });

    test('§3.4.1 GET /Users/{id} returns the resource with its ETag', async () => {
      const res = await send('GET', `/Users/${created.body.id}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.etag, created.headers.etag);
      assert.deepEqual(res.body, created.body);
    });

    test('§3.14 GET with If-None-Match of the current version is 304 Not Modified, without a body', async () => {
      const res = await send('GET', `/Users/${created.body.id}`, undefined, { 'if-none-match': String(created.headers.etag) });
      assert.equal(res.status, 304);
      assert.equal(res.body, undefined);
      const stale = await send('GET', `/Users/${created.body.id}`, undefined, { 'if-none-match': 'W/"not-the-version"' });
      assert.equal(stale.status, 200, 'another version: the full resource');
    });

    test('§3.5.1 PUT with If-Match replaces the user', async () => {
      const id = created.body.id;
      const put = {
        schemas: [USER_SCHEMA],
        id,
        userName: 'bjensen',
        externalId: 'bjensen',
        name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara', middleName: 'Jane' },
        roles: [],
        emails: [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }],
      };
      const res = await send('PUT', `/Users/${id}`, put, { 'if-match': String(created.headers.etag) });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.notEqual(res.headers.etag, created.headers.etag, 'a new version');
      assert.equal(res.headers.etag, res.body.meta.version);
      assert.equal(res.body.meta.created, created.body.meta.created);
      const user = await getUser(id);
      assert.deepEqual(user.name, put.name);
      assert.deepEqual(user.emails, put.emails);
      assert.equal(user.roles, undefined, 'an empty list is no value');
      assert.equal(user.id, id);
    });

    test('§3.14 PUT, PATCH and DELETE with a stale If-Match are 412 and change nothing; "*" matches', async () => {
      const id = created.body.id;
      const stale = { 'if-match': String(created.headers.etag) };
      const before = await getUser(id);
      assertScimError(await send('PUT', `/Users/${id}`, { ...BJENSEN, displayName: 'Lost' }, stale), 412);
      assertScimError(await send('PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Lost' }), stale), 412);
      assertScimError(await send('DELETE', `/Users/${id}`, undefined, stale), 412);
      assert.deepEqual(await getUser(id), before);
      const any = await send('PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'nickName', value: 'Babs' }), { 'if-match': '*' });
      assert.equal(any.status, 200);
      assert.equal((await getUser(id)).nickName, 'Babs');
    });

    test('§3.6 DELETE with the current If-Match is 204; the user is gone', async () => {
      const id = created.body.id;
      const current = await send('GET', `/Users/${id}`);
      const res = await send('DELETE', `/Users/${id}`, undefined, { 'if-match': String(current.headers.etag) });
      assert.equal(res.status, 204);
      assert.equal(res.body, undefined);
      assertScimError(await send('GET', `/Users/${id}`), 404);
      assertScimError(await send('DELETE', `/Users/${id}`), 404);
      assert.equal((await filter('userName eq "bjensen"')).totalResults, 0);
      assert.equal(await roster.db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst(), undefined);
    });
  });

  // ---- §3.4.2 and §3.4.3: queries -------------------------------------------------------------------------------------

  describe('§3.4.2 query: filter, sort, paging, attributes', () => {
    const people: Record<string, string> = {};
    let query: DirectoryHandle;
    const q = async (path: string) => {
      const res = await roster.request(query, 'GET', path);
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body.schemas, [LIST_RESPONSE]);
      return res.body;
    };
    const matching = async (expression: string) => {
      const body = await q(`/Users?filter=${encodeURIComponent(expression)}`);
      assert.equal(body.totalResults, body.Resources.length);
      return body.Resources.map((r: { userName: string }) => r.userName).sort();
    };

    before(async () => {
      query = await roster.directory('generic');
      const users = [
        userBody('john', { title: 'Tour Guide', userType: 'Employee', name: { familyName: "O'Malley", givenName: 'John' }, emails: [{ value: 'john@example.com', type: 'work' }] }),
        userBody('Jane', { userType: 'Contractor', name: { familyName: 'Doe' }, emails: [{ value: 'jane@example.org', type: 'home' }], ims: [{ value: 'jane@foo.com', type: 'xmpp' }] }),
        userBody('jsmith', { userType: 'Employee', name: { familyName: 'Smith' }, emails: [{ value: 'jsmith@example.org', type: 'work' }] }),
        userBody('alice', { userType: 'Employee', emails: [{ value: 'alice@other.net', type: 'work' }], [ENTERPRISE]: { employeeNumber: '42' } }),
        userBody('bob', { userType: 'Contractor', name: { familyName: 'Adams' }, emails: [{ value: 'bob@other.net', type: 'work' }] }),
      ];
      for (const body of users) {
        const res = await roster.request(query, 'POST', '/Users', body);
        assert.equal(res.status, 201, JSON.stringify(res.body));
        people[res.body.userName] = res.body.id;
      }
    });

    test('the filter examples of §3.4.2.2 select the right users', async () => {
      const cases: Array<[string, string[]]> = [
        ['userName Eq "john"', ['john']],
        ['name.familyName co "O\'Malley"', ['john']],
        ['userName sw "J"', ['Jane', 'john', 'jsmith']],
        ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', ['Jane', 'john', 'jsmith']],
        ['title pr', ['john']],
        ['title pr and userType eq "Employee"', ['john']],
        ['title pr or userType eq "Intern"', ['john']],
        ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['john', 'jsmith']],
        ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['bob']],
        ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['john']],
        ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', ['Jane', 'john']],
        ['meta.lastModified gt "2011-05-13T04:42:34Z"', ['Jane', 'alice', 'bob', 'john', 'jsmith']],
        ['meta.lastModified lt "2011-05-13T04:42:34Z"', []],
      ];
      for (const [expression, expected] of cases) assert.deepEqual(await matching(expression), expected, expression);
    });

    test('§3.4.2.2 filter on "schemas" selects the users that have an extension', async () => {
      assert.deepEqual(await matching(`schemas eq "${ENTERPRISE}"`), ['alice']);
    });

    test('§3.4.2.3 sortBy and sortOrder; resources without the sort attribute come last ascending', async () => {
      const byName = await q('/Users?sortBy=userName&sortOrder=descending');
      assert.deepEqual(
        byName.Resources.map((r: { userName: string }) => r.userName),
        ['jsmith', 'john', 'Jane', 'bob', 'alice'],
        'caseExact false: sorted ignoring case',
      );
      const byFamily = await q('/Users?sortBy=name.familyName');
      assert.deepEqual(
        byFamily.Resources.map((r: { userName: string }) => r.userName),
        ['bob', 'Jane', 'john', 'jsmith', 'alice'],
      );
    });

    test('§3.4.2.4 startIndex and count page through the results', async () => {
      const pages = [];
      for (const startIndex of [1, 3, 5]) {
        const page = await q(`/Users?sortBy=userName&startIndex=${startIndex}&count=2`);
        assert.equal(page.totalResults, 5);
        assert.equal(page.startIndex, startIndex);
        assert.equal(page.itemsPerPage, page.Resources.length);
        pages.push(...ids(page));
      }
      assert.deepEqual(pages.sort(), Object.values(people).sort(), 'every user exactly once');
      const past = await q('/Users?startIndex=6&count=2');
      assert.deepEqual([past.totalResults, past.Resources.length], [5, 0]);
      const belowOne = await q('/Users?startIndex=0&count=1');
      assert.equal(belowOne.startIndex, 1, 'a startIndex below 1 is read as 1');
    });

    test('§3.4.2.5 attributes=userName returns id and userName only; excludedAttributes leaves attributes out', async () => {
      const body = await q('/Users?attributes=userName');
      assert.equal(body.totalResults, 5);
      for (const resource of body.Resources) {
        assert.deepEqual(Object.keys(resource).filter((k) => k !== 'schemas').sort(), ['id', 'userName']);
      }
      const excluded = await q(`/Users?filter=${encodeURIComponent('userName eq "john"')}&excludedAttributes=emails,title`);
      assert.equal(excluded.Resources[0].emails, undefined);
      assert.equal(excluded.Resources[0].title, undefined);
      assert.equal(excluded.Resources[0].userName, 'john');
    });
  });

  describe('§3.4.3 POST /.search', () => {
    let search: DirectoryHandle;
    const people: Record<string, string> = {};
    let smiths = '';
    const post = (path: string, body: unknown) => roster.request(search, 'POST', path, body);

    /** The RFC's example SearchRequest, verbatim. */
    const RFC_SEARCH = {
      schemas: [SEARCH_REQUEST],
      attributes: ['displayName', 'userName'],
      filter: 'displayName sw "smith"',
      startIndex: 1,
      count: 10,
    };

    before(async () => {
      search = await roster.directory('generic');
      for (const [userName, displayName] of [
        ['jsmith', 'Smith, James'],
        ['jsmith2', 'Smith, John'],
        ['bjensen', 'Babs Jensen'],
      ]) {
        const res = await roster.request(search, 'POST', '/Users', userBody(userName!, { displayName }));
        people[userName!] = res.body.id;
      }
      smiths = (await roster.request(search, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Smiths' })).body.id;
      await roster.request(search, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Jensens' });
    });

    test('at the root it searches Users and Groups, with the requested attributes only', async () => {
      const res = await post('/.search', RFC_SEARCH);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.schemas, [LIST_RESPONSE]);
      assert.equal(res.body.startIndex, 1);
      assert.deepEqual(sortedIds(res.body), [people.jsmith!, people.jsmith2!, smiths].sort(), 'users and the group named Smith…');
      assert.equal(res.body.totalResults, 3);
      const group = res.body.Resources.find((r: { id: string }) => r.id === smiths);
      assert.equal(group.displayName, 'Smiths');
      assert.equal(group.members, undefined, 'members were not requested');
      const user = res.body.Resources.find((r: { id: string }) => r.id === people.jsmith);
      assert.deepEqual(Object.keys(user).filter((k) => k !== 'schemas').sort(), ['displayName', 'id', 'userName']);
    });

    test('per resource type: POST /Users/.search and /Groups/.search', async () => {
      const users = await post('/Users/.search', RFC_SEARCH);
      assert.equal(users.status, 200, JSON.stringify(users.body));
      assert.deepEqual(sortedIds(users.body), [people.jsmith!, people.jsmith2!].sort());
      assert.equal(users.body.Resources[0].userName.startsWith('jsmith'), true);
      const groups = await post('/Groups/.search', { schemas: [SEARCH_REQUEST], filter: 'displayName sw "smith"', attributes: ['displayName'] });
      assert.equal(groups.status, 200, JSON.stringify(groups.body));
      assert.deepEqual(ids(groups.body), [smiths]);
    });

    test('paging a root search: count limits the page, totalResults counts both types', async () => {
      const page = await post('/.search', { ...RFC_SEARCH, count: 2 });
      assert.equal(page.status, 200);
      assert.equal(page.body.totalResults, 3);
      assert.equal(page.body.Resources.length, 2);
      const rest = await post('/.search', { ...RFC_SEARCH, startIndex: 3, count: 2 });
      assert.equal(rest.body.Resources.length, 1);
      assert.deepEqual([...ids(page.body), ...ids(rest.body)].sort(), [people.jsmith!, people.jsmith2!, smiths].sort());
    });

    test('a search request with a bad filter is 400 invalidFilter', async () => {
      assertScimError(await post('/Users/.search', { schemas: [SEARCH_REQUEST], filter: 'displayName sw' }), 400, 'invalidFilter');
    });
  });

  // ---- §3.5.2: PATCH --------------------------------------------------------------------------------------------------

  describe('§3.5.2 PATCH examples', () => {
    const users: Record<string, string> = {};
    const ref = (id: string) => `https://example.com/v2/Users/${id}`;
    const patch = async (path: string, ...operations: unknown[]) => {
      const res = await send('PATCH', path, patchOp(...operations));
      assert.equal(res.status, 200, `PATCH ${path}: ${JSON.stringify(res.body)}`);
      return res;
    };

    before(async () => {
      for (const [userName, displayName] of [
        ['babs', 'Babs Jensen'],
        ['james', 'James Smith'],
        ['third', 'Third Person'],
      ]) {
        users[userName!] = (await createUser(userBody(userName!, { displayName }))).id;
      }
    });

    test('§3.5.2.1 add a member (display and $ref as sent); adding it again changes nothing', async () => {
      const group = await createGroup('Tour Guides');
      const add = { op: 'add', path: 'members', value: [{ display: 'Babs Jensen', $ref: ref(users.babs!), value: users.babs }] };
      const first = await patch(`/Groups/${group.id}`, add);
      assert.deepEqual(memberValues(first.body), [users.babs]);
      const member = (await getGroup(group.id)).members[0];
      assert.equal(member.display, 'Babs Jensen');
      assert.equal(member.$ref, `https://roster.test/scim/v2/${dir.id}/Users/${users.babs}`, '$ref is the server\'s own URI');
      const again = await patch(`/Groups/${group.id}`, add);
      assert.deepEqual(memberValues(again.body), [users.babs], 'already a member: no change');
      assert.equal(again.headers.etag, first.headers.etag, '"no changes should be made to the resource": same version');
    });

    test('§3.5.2.1 add without a path: the value holds attributes ("nickname" in any case)', async () => {
      const user = await createUser(userBody('add.nopath', { emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }] }));
      await patch(`/Users/${user.id}`, { op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickname: 'Babs' } });
      const after = await getUser(user.id);
      assert.deepEqual(after.emails, [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ]);
      assert.equal(after.nickName, 'Babs');
    });

    test('§3.5.2.2 remove members[value eq "…"] removes that member only', async () => {
      const group = await createGroup('Remove One', [users.babs!, users.james!]);
      await patch(`/Groups/${group.id}`, { op: 'remove', path: `members[value eq "${users.babs}"]` });
      assert.deepEqual(memberValues(await getGroup(group.id)), [users.james]);
    });

    test('§3.5.2.2 two removes in one request (the RFC writes members[value eq"…"] without a space)', async () => {
      const group = await createGroup('Remove Two', [users.babs!, users.james!, users.third!]);
      await patch(
        `/Groups/${group.id}`,
        { op: 'remove', path: `members[value eq"${users.babs}"]` },
        { op: 'remove', path: `members[value eq"${users.third}"]` },
      );
      assert.deepEqual(memberValues(await getGroup(group.id)), [users.james]);
    });

    test('§3.5.2.2 remove members removes them all; remove-all then add replaces them', async () => {
      const group = await createGroup('Remove All', [users.babs!, users.james!]);
      await patch(`/Groups/${group.id}`, { op: 'remove', path: 'members' });
      assert.deepEqual(memberValues(await getGroup(group.id)), []);
      const rows = await roster.db.selectFrom('group_members').select('member_id').where('group_id', '=', group.id).execute();
      assert.equal(rows.length, 0);
      await patch(
        `/Groups/${group.id}`,
        { op: 'remove', path: 'members' },
        {
          op: 'add',
          path: 'members',
          value: [
            { display: 'Babs Jensen', $ref: ref(users.babs!), value: users.babs },
            { display: 'James Smith', $ref: ref(users.james!), value: users.james },
          ],
        },
      );
      assert.deepEqual(memberValues(await getGroup(group.id)), [users.babs, users.james].sort());
    });

    test('§3.5.2.2 remove emails[type eq "work" and value ew "example.com"] removes the matching email only', async () => {
      const user = await createUser(
        userBody('remove.email', {
          emails: [
            { value: 'bjensen@example.com', type: 'work', primary: true },
            { value: 'babs@jensen.org', type: 'home' },
            { value: 'barbara@jensen.org', type: 'work' },
          ],
        }),
      );
      await patch(`/Users/${user.id}`, { op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' });
      assert.deepEqual((await getUser(user.id)).emails, [
        { value: 'babs@jensen.org', type: 'home' },
        { value: 'barbara@jensen.org', type: 'work' },
      ]);
    });

    test('§3.5.2.3 replace members replaces the whole list', async () => {
      const group = await createGroup('Replace Members', [users.third!]);
      await patch(`/Groups/${group.id}`, {
        op: 'replace',
        path: 'members',
        value: [
          { display: 'Babs Jensen', $ref: ref(users.babs!), value: users.babs },
          { display: 'James Smith', $ref: ref(users.james!), value: users.james },
        ],
      });
      assert.deepEqual(memberValues(await getGroup(group.id)), [users.babs, users.james].sort());
    });

    describe('§3.5.2.3 replace on a user with a work and a home address', () => {
      const home = { type: 'home', streetAddress: '456 Hollywood Blvd', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'USA' };
      const work = {
        type: 'work',
        streetAddress: '100 Universal City Plaza',
        locality: 'Hollywood',
        region: 'CA',
        postalCode: '91608',
        country: 'USA',
        formatted: '100 Universal City Plaza\nHollywood, CA 91608 USA',
        primary: true,
      };
      let id = '';
      before(async () => {
        id = (
          await createUser(
            userBody('addresses', { name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Ms. Barbara J Jensen III' }, addresses: [work, home] }),
          )
        ).id;
      });

      test('addresses[type eq "work"] replaces the whole work address', async () => {
        const value = {
          type: 'work',
          streetAddress: '911 Universal City Plaza',
          locality: 'Hollywood',
          region: 'CA',
          postalCode: '91608',
          country: 'US',
          formatted: '911 Universal City Plaza\nHollywood, CA 91608 US',
          primary: true,
        };
        await patch(`/Users/${id}`, { op: 'replace', path: 'addresses[type eq "work"]', value });
        assert.deepEqual((await getUser(id)).addresses, [value, home]);
      });

      test('addresses[type eq "work"].streetAddress replaces that sub-attribute only', async () => {
        await patch(`/Users/${id}`, { op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' });
        const [workAfter, homeAfter] = (await getUser(id)).addresses;
        assert.equal(workAfter.streetAddress, '1010 Broadway Ave');
        assert.equal(workAfter.formatted, '911 Universal City Plaza\nHollywood, CA 91608 US', 'the other sub-attributes stay');
        assert.equal(workAfter.country, 'US');
        assert.deepEqual(homeAfter, home);
      });

      test('name.familyName replaces the family name only', async () => {
        await patch(`/Users/${id}`, { op: 'replace', path: 'name.familyName', value: 'Jensen-Smith' });
        assert.deepEqual((await getUser(id)).name, { givenName: 'Barbara', familyName: 'Jensen-Smith', formatted: 'Ms. Barbara J Jensen III' });
      });

      test('replace without a path: emails and nickname', async () => {
        const emails = [
          { value: 'bjensen@example.com', type: 'work', primary: true },
          { value: 'babs@jensen.org', type: 'home' },
        ];
        await patch(`/Users/${id}`, { op: 'replace', value: { emails, nickname: 'Babs' } });
        const user = await getUser(id);
        assert.deepEqual(user.emails, emails);
        assert.equal(user.nickName, 'Babs');
        assert.equal(user.addresses.length, 2, 'attributes not in the value are left alone');
      });

      test('replace of an attribute that has no value adds it', async () => {
        assert.equal((await getUser(id)).title, undefined);
        await patch(`/Users/${id}`, { op: 'replace', path: 'title', value: 'Tour Guide' });
        assert.equal((await getUser(id)).title, 'Tour Guide');
      });
    });

    test('§3.5.2 a group PATCH in the generic profile answers 200 with the group', async () => {
      const group = await createGroup('Answered');
      const res = await patch(`/Groups/${group.id}`, { op: 'replace', path: 'displayName', value: 'Answered 2' });
      assert.equal(res.body.id, group.id);
      assert.equal(res.body.displayName, 'Answered 2');
      assert.equal(res.headers.etag, res.body.meta.version);
    });
  });

  // ---- §4: discovery --------------------------------------------------------------------------------------------------

  describe('§4 discovery endpoints', () => {
    test('/ServiceProviderConfig', async () => {
      const { body } = await ok('GET', '/ServiceProviderConfig');
      assert.deepEqual(body.schemas, ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
      assert.equal(body.patch.supported, true);
      assert.equal(body.filter.supported, true);
      assert.ok(Number.isInteger(body.filter.maxResults) && body.filter.maxResults > 0);
      assert.equal(body.sort.supported, true);
      assert.equal(body.etag.supported, true);
      assert.equal(typeof body.bulk.supported, 'boolean');
      assert.equal(typeof body.changePassword.supported, 'boolean');
      assert.ok(body.authenticationSchemes.length > 0);
      for (const scheme of body.authenticationSchemes) for (const key of ['type', 'name', 'description']) assert.equal(typeof scheme[key], 'string');
      assert.equal(body.meta.resourceType, 'ServiceProviderConfig');
    });

    test('/ResourceTypes lists User (with the enterprise extension) and Group', async () => {
      const { body } = await ok('GET', '/ResourceTypes');
      assert.deepEqual(body.schemas, [LIST_RESPONSE]);
      assert.equal(body.totalResults, body.Resources.length);
      const user = body.Resources.find((r: { id: string }) => r.id === 'User');
      const group = body.Resources.find((r: { id: string }) => r.id === 'Group');
      assert.deepEqual([user.endpoint, user.schema, user.name], ['/Users', USER_SCHEMA, 'User']);
      assert.deepEqual(user.schemaExtensions.find((e: { schema: string }) => e.schema === ENTERPRISE), { schema: ENTERPRISE, required: false });
      assert.deepEqual([group.endpoint, group.schema], ['/Groups', GROUP_SCHEMA]);
      assert.deepEqual(user.schemas, ['urn:ietf:params:scim:schemas:core:2.0:ResourceType']);
      assert.deepEqual((await ok('GET', '/ResourceTypes/User')).body, user);
    });

    test('/Schemas lists User, Group and EnterpriseUser; /Schemas/{urn} returns one', async () => {
      const { body } = await ok('GET', '/Schemas');
      assert.deepEqual(body.schemas, [LIST_RESPONSE]);
      const schemaIds = body.Resources.map((s: { id: string }) => s.id);
      for (const urn of [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE]) assert.ok(schemaIds.includes(urn), urn);
      const user = (await ok('GET', `/Schemas/${USER_SCHEMA}`)).body;
      assert.deepEqual(user.schemas, ['urn:ietf:params:scim:schemas:core:2.0:Schema']);
      assert.equal(user.name, 'User');
      const userName = user.attributes.find((a: { name: string }) => a.name === 'userName');
      assert.deepEqual([userName.type, userName.required, userName.caseExact, userName.uniqueness], ['string', true, false, 'server']);
      const emails = user.attributes.find((a: { name: string }) => a.name === 'emails');
      assert.equal(emails.multiValued, true);
      assert.ok(emails.subAttributes.some((a: { name: string }) => a.name === 'value'));
      const members = (await ok('GET', `/Schemas/${GROUP_SCHEMA}`)).body.attributes.find((a: { name: string }) => a.name === 'members');
      assert.equal(members.multiValued, true);
      assertScimError(await send('GET', '/Schemas/urn:example:no-such-schema'), 404);
    });
  });

  // ---- §3.12: errors --------------------------------------------------------------------------------------------------

  describe('§3.12 error responses', () => {
    test('404: "Resource … not found"', async () => {
      assertScimError(await send('GET', '/Users/2819c223-7f76-453a-919d-413861904646'), 404);
      assertScimError(await send('GET', '/Groups/2819c223-7f76-453a-919d-413861904646'), 404);
    });

    test('400 mutability: "Attribute \'id\' is readOnly"', async () => {
      const user = await createUser(userBody('readonly.id'));
      assertScimError(await send('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'id', value: 'other' })), 400, 'mutability');
      assert.equal((await getUser(user.id)).id, user.id);
    });

    test(
      '400 mutability: removing a required attribute (§3.5.2.2)',
      {},
      async () => {
        const user = await createUser(userBody('required.name'));
        const res = await send('PATCH', `/Users/${user.id}`, patchOp({ op: 'remove', path: 'userName' }));
        assert.equal((await getUser(user.id)).userName, 'required.name', 'nothing changes');
        assertScimError(res, 400, 'mutability');
      },
    );

    test('400 noTarget: remove without a path (§3.5.2.2)', async () => {
      const user = await createUser(userBody('no.target'));
      assertScimError(await send('PATCH', `/Users/${user.id}`, patchOp({ op: 'remove' })), 400, 'noTarget');
    });

    test('400 invalidPath, invalidFilter, invalidSyntax, invalidValue; 409 uniqueness', async () => {
      const user = await createUser(userBody('errors'));
      assertScimError(await send('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'noSuchAttribute', value: 1 })), 400, 'invalidPath');
      assertScimError(await send('GET', `/Users?filter=${encodeURIComponent('userName eq')}`), 400, 'invalidFilter');
      assertScimError(await send('POST', '/Users', '{"userName": '), 400, 'invalidSyntax');
      assertScimError(await send('POST', '/Users/.search', { schemas: ['urn:example:not-a-search'], filter: 'userName pr' }), 400, 'invalidSyntax');
      assertScimError(await send('POST', '/Users', userBody('typed', { active: 'maybe' })), 400, 'invalidValue');
      assertScimError(await send('POST', '/Users', userBody('errors')), 409, 'uniqueness');
    });
  });
});
