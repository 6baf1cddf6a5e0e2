import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENTERPRISE, patchOp, TestRoster, userBody, type DirectoryHandle } from './support/roster.ts';

describe('SCIM /Users', () => {
  let roster: TestRoster;
  let dir: DirectoryHandle;
  before(async () => {
    roster = await TestRoster.start();
    dir = await roster.directory('generic');
  });
  after(() => roster.close());

  test('POST creates a user with server-assigned id, meta, ETag and Location; password is never returned', async () => {
    const res = await roster.request(dir, 'POST', '/Users', userBody('bjensen@example.com', { password: 't1meMa$heen', externalId: 'bjensen', name: { givenName: 'Barbara', familyName: 'Jensen' } }));
    assert.equal(res.status, 201);
    assert.match(res.headers['content-type'] as string, /^application\/scim\+json/);
    const user = res.body;
    assert.match(user.id, /^[0-9a-f-]{36}$/);
    assert.equal(user.userName, 'bjensen@example.com');
    assert.equal(user.password, undefined);
    assert.deepEqual(user.name, { givenName: 'Barbara', familyName: 'Jensen' });
    assert.equal(user.meta.resourceType, 'User');
    assert.equal(user.meta.location, `https://roster.test/scim/v2/${dir.id}/Users/${user.id}`);
    assert.equal(res.headers.location, user.meta.location);
    assert.equal(res.headers.etag, user.meta.version);
    assert.deepEqual(user.groups, []);
    const stored = await roster.db.selectFrom('users').select('doc').where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.ok(!stored.doc.includes('t1meMa$heen'), 'the password is not stored');
  });

  test('GET by id returns the user; an unknown id is 404 with a SCIM error body', async () => {
    const created = (await roster.request(dir, 'POST', '/Users', userBody('get-me'))).body;
    const res = await roster.request(dir, 'GET', `/Users/${created.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.userName, 'get-me');
    const missing = await roster.request(dir, 'GET', '/Users/00000000-0000-0000-0000-000000000000');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    assert.equal(missing.body.status, '404');
  });

  test('userName is unique per directory, case-insensitively: 409 uniqueness', async () => {
    assert.equal((await roster.request(dir, 'POST', '/Users', userBody('Unique.Person'))).status, 201);
    const clash = await roster.request(dir, 'POST', '/Users', userBody('unique.person'));
    assert.equal(clash.status, 409);
    assert.equal(clash.body.scimType, 'uniqueness');
    const other = await roster.directory('generic');
    assert.equal((await roster.request(other, 'POST', '/Users', userBody('unique.person'))).status, 201, 'another directory may reuse it');
  });

  test('filter userName eq is case-insensitive and finds exactly one user; unknown query parameters are ignored', async () => {
    await roster.request(dir, 'POST', '/Users', userBody('Filter.Me@Contoso.com'));
    const res = await roster.request(dir, 'GET', `/Users?aadOptscim062020&filter=${encodeURIComponent('userName eq "filter.me@contoso.com"')}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.totalResults, 1);
    assert.equal(res.body.Resources[0].userName, 'Filter.Me@Contoso.com');
    assert.deepEqual(res.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
  });

  test('resource paths and attribute names are case-insensitive', async () => {
    await roster.request(dir, 'POST', '/Users', userBody('case.paths', { emails: [{ value: 'Case@Paths.io', type: 'work' }] }));
    const res = await roster.request(dir, 'GET', `/users?filter=${encodeURIComponent('EMAILS.value eq "case@paths.io"')}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.totalResults, 1);
  });

  test('PUT replaces the user; If-Match with a stale version is 412 and changes nothing', async () => {
    const created = await roster.request(dir, 'POST', '/Users', userBody('put.me', { title: 'Engineer' }));
    const etag = created.headers.etag as string;
    const replaced = await roster.request(dir, 'PUT', `/Users/${created.body.id}`, userBody('put.me', { displayName: 'Put Me' }), { 'if-match': etag });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.title, undefined, 'PUT clears attributes it does not carry');
    assert.equal(replaced.body.displayName, 'Put Me');
    assert.notEqual(replaced.headers.etag, etag);
    const stale = await roster.request(dir, 'PUT', `/Users/${created.body.id}`, userBody('put.me', { displayName: 'Lost' }), { 'if-match': etag });
    assert.equal(stale.status, 412);
    assert.equal((await roster.request(dir, 'GET', `/Users/${created.body.id}`)).body.displayName, 'Put Me');
  });

  test('PATCH active false deactivates (the user stays); DELETE removes it', async () => {
    const created = (await roster.request(dir, 'POST', '/Users', userBody('leaver'))).body;
    const patched = await roster.request(dir, 'PATCH', `/Users/${created.id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    assert.equal(patched.status, 200);
    assert.equal(patched.body.active, false);
    const inactive = await roster.request(dir, 'GET', `/Users?filter=${encodeURIComponent('active eq false and userName eq "leaver"')}`);
    assert.equal(inactive.body.totalResults, 1);
    assert.equal((await roster.request(dir, 'DELETE', `/Users/${created.id}`)).status, 204);
    assert.equal((await roster.request(dir, 'GET', `/Users/${created.id}`)).status, 404);
    assert.equal((await roster.request(dir, 'DELETE', `/Users/${created.id}`)).status, 404);
  });

  test('enterprise and custom extension attributes are stored, returned, filterable and patchable by URN path', async () => {
    const custom = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
    const created = await roster.request(dir, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ext.user',
      [ENTERPRISE]: { employeeNumber: '701984', manager: { value: 'boss-id' } },
      [custom]: { folders: ['Finance', 'Legal'] },
      'urn:ietf:params:scim:schemas:extension:2.0:Metadata:costCenter': 'CC-7',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body[ENTERPRISE].employeeNumber, '701984');
    assert.deepEqual(created.body[custom].folders, ['Finance', 'Legal']);
    assert.ok(created.body.schemas.includes(custom), 'schemas lists the custom extension');
    const byEmployee = await roster.request(dir, 'GET', `/Users?filter=${encodeURIComponent(`${ENTERPRISE}:employeeNumber eq "701984"`)}`);
    assert.equal(byEmployee.body.totalResults, 1);
    const byFolder = await roster.request(dir, 'GET', `/Users?filter=${encodeURIComponent(`${custom}:folders eq "legal"`)}`);
    assert.equal(byFolder.body.totalResults, 1);
    const patched = await roster.request(
      dir,
      'PATCH',
      `/Users/${created.body.id}`,
      patchOp({ op: 'replace', path: `${ENTERPRISE}:manager.value`, value: 'new-boss' }, { op: 'add', path: `${custom}:folders`, value: ['HR'] }),
    );
    assert.equal(patched.status, 200);
    assert.equal(patched.body[ENTERPRISE].manager.value, 'new-boss');
    assert.deepEqual(patched.body[custom].folders, ['Finance', 'Legal', 'HR']);
    const schemas = await roster.request(dir, 'GET', '/Schemas');
    const listed = schemas.body.Resources.find((s: { id: string }) => s.id === custom);
    assert.ok(listed, '/Schemas lists the custom extension');
    assert.equal(listed.attributes[0].name, 'folders');
    assert.equal(listed.attributes[0].multiValued, true);
  });

  test('paging: startIndex/count, totalResults, sortBy and a maximum page size', async () => {
    const paging = await roster.directory('generic');
    for (let i = 0; i < 25; i++) await roster.request(paging, 'POST', '/Users', userBody(`page-${String(i).padStart(2, '0')}`));
    const page = await roster.request(paging, 'GET', '/Users?startIndex=11&count=10&sortBy=userName&sortOrder=descending');
    assert.equal(page.body.totalResults, 25);
    assert.equal(page.body.startIndex, 11);
    assert.equal(page.body.itemsPerPage, 10);
    assert.equal(page.body.Resources[0].userName, 'page-14');
    const countOnly = await roster.request(paging, 'GET', '/Users?count=0');
    assert.equal(countOnly.body.totalResults, 25);
    assert.deepEqual(countOnly.body.Resources, []);
    const config = await roster.request(paging, 'GET', '/ServiceProviderConfig');
    const huge = await roster.request(paging, 'GET', '/Users?count=999999');
    assert.ok(huge.body.itemsPerPage <= config.body.filter.maxResults);
  });

  test('attributes and excludedAttributes shape the response', async () => {
    await roster.request(dir, 'POST', '/Users', userBody('projected', { title: 'CTO', name: { givenName: 'P', familyName: 'Q' } }));
    const q = encodeURIComponent('userName eq "projected"');
    const only = await roster.request(dir, 'GET', `/Users?filter=${q}&attributes=userName,name.givenName`);
    const user = only.body.Resources[0];
    assert.equal(user.userName, 'projected');
    assert.deepEqual(user.name, { givenName: 'P' });
    assert.equal(user.title, undefined);
    assert.ok(user.id, 'id is always returned');
    const excluded = await roster.request(dir, 'GET', `/Users?filter=${q}&excludedAttributes=title,groups`);
    assert.equal(excluded.body.Resources[0].title, undefined);
    assert.equal(excluded.body.Resources[0].groups, undefined);
    assert.equal(excluded.body.Resources[0].userName, 'projected');
  });

  test('POST /Users/.search takes a SearchRequest body', async () => {
    await roster.request(dir, 'POST', '/Users', userBody('searched.one'));
    const res = await roster.request(dir, 'POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName sw "searched"',
      attributes: ['userName'],
      startIndex: 1,
      count: 10,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.totalResults, 1);
    assert.deepEqual(Object.keys(res.body.Resources[0]).sort(), ['id', 'schemas', 'userName']);
  });

  test('every write appends ordered change records in the same transaction', async () => {
    const audit = await roster.directory('generic');
    const created = (await roster.request(audit, 'POST', '/Users', userBody('logged'))).body;
    await roster.request(audit, 'PATCH', `/Users/${created.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Logged' }));
    await roster.request(audit, 'PATCH', `/Users/${created.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Logged' }));
    await roster.request(audit, 'DELETE', `/Users/${created.id}`);
    const changes = await roster.db.selectFrom('changes').selectAll().where('directory_id', '=', audit.id).orderBy('seq').execute();
    assert.deepEqual(
      changes.map((c) => [Number(c.seq), c.type]),
      [
        [1, 'dsync.directory.activated'],
        [2, 'dsync.user.created'],
        [3, 'dsync.user.updated'],
        [4, 'dsync.user.deleted'],
      ],
      'a PATCH that changes nothing records nothing',
    );
    assert.deepEqual(JSON.parse(changes[2]!.attributes), ['displayName']);
    assert.equal(JSON.parse(changes[2]!.data).user.displayName, 'Logged');
  });
});
