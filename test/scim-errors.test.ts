import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertScimError } from './support/assertions.ts';
import { patchOp, TestRoster, userBody, type DirectoryHandle } from './support/roster.ts';

describe('bad input and authentication', () => {
  let roster: TestRoster;
  let dir: DirectoryHandle;
  before(async () => {
    roster = await TestRoster.start({ bodyLimit: 64 * 1024 });
    dir = await roster.directory('generic');
  });
  after(() => roster.close());

  test('a missing, wrong or revoked token is 401 with WWW-Authenticate', async () => {
    const none = await roster.roster.app.inject({ method: 'GET', url: `${dir.base}/Users` });
    assert.equal(none.statusCode, 401);
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    assertScimError(await roster.request({ ...dir, token: 'roster_wrong' }, 'GET', '/Users'), 401);
    const second = await roster.roster.directories.createToken(dir.id);
    assert.equal((await roster.request({ ...dir, token: second.token }, 'GET', '/Users')).status, 200);
    await roster.roster.directories.revokeToken(second.record.id);
    assertScimError(await roster.request({ ...dir, token: second.token }, 'GET', '/Users'), 401);
  });

  test("directory A's token never opens directory B", async () => {
    const other = await roster.directory('generic');
    const created = (await roster.request(other, 'POST', '/Users', userBody('b-only'))).body.id;
    const crossed = { ...other, token: dir.token };
    assertScimError(await roster.request(crossed, 'GET', `/Users/${created}`), 401);
    assertScimError(await roster.request(crossed, 'GET', '/Users'), 401);
    assertScimError(await roster.request(crossed, 'DELETE', `/Users/${created}`), 401);
    assert.equal((await roster.request(other, 'GET', `/Users/${created}`)).status, 200);
  });

  test('at most two active tokens per directory', async () => {
    const fresh = await roster.directory('generic');
    await roster.roster.directories.createToken(fresh.id);
    await assert.rejects(roster.roster.directories.createToken(fresh.id), /2 active tokens/);
  });

  test('malformed JSON is 400 invalidSyntax', async () => {
    assertScimError(await roster.request(dir, 'POST', '/Users', '{"userName": '), 400, 'invalidSyntax');
    assertScimError(await roster.request(dir, 'POST', '/Users', '[1,2]'), 400, 'invalidSyntax');
  });

  test('a body over the limit is 413', async () => {
    const huge = userBody('big', { displayName: 'x'.repeat(70 * 1024) });
    assertScimError(await roster.request(dir, 'POST', '/Users', huge), 413);
  });

  test('invalid filters are 400 invalidFilter', async () => {
    for (const filter of ['userName eq', 'userName xx "a"', '(userName eq "a"', 'noSuchAttribute eq "x"', 'emails[type eq "work"', '"a" eq userName']) {
      assertScimError(await roster.request(dir, 'GET', `/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
    }
  });

  test('text no database can store (U+0000, a lone surrogate) is 400, in bodies, PATCH values and filters', async () => {
    for (const body of ['{"schemas":[],"userName":"nul\\u0000"}', '{"schemas":[],"userName":"half\\ud800"}', '{"schemas":[],"userName":"ok","title":"\\uDC00x"}']) {
      assertScimError(await roster.request(dir, 'POST', '/Users', body), 400, 'invalidValue');
    }
    const user = (await roster.request(dir, 'POST', '/Users', userBody('escapes \u00e9 \ud83d\ude00'))).body;
    assert.equal(user.userName, 'escapes é 😀', 'escaped characters, a whole surrogate pair included, are fine');
    assertScimError(await roster.request(dir, 'PATCH', `/Users/${user.id}`, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"\\u0000"}]}'), 400, 'invalidValue');
    for (const filter of ['userName eq "\\u0000"', 'userName eq "\u0000"', 'externalId eq a\u0000b']) {
      assertScimError(await roster.request(dir, 'GET', `/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
    }
    // The directory still answers filters that read documents: nothing unstorable got in.
    assert.equal((await roster.request(dir, 'GET', `/Users?filter=${encodeURIComponent('title pr')}`)).status, 200);
  });

  test('ids holding %00 are 404 (401 for a directory id), a malformed URL a 400 SCIM error', async () => {
    assertScimError(await roster.request(dir, 'GET', '/Users/%00'), 404);
    assertScimError(await roster.request(dir, 'DELETE', '/Groups/a%00b'), 404);
    assertScimError(await roster.request({ ...dir, base: '/scim/v2/%00' }, 'GET', '/Users'), 401);
    assertScimError(await roster.request(dir, 'GET', '/Users/%ED%A0%80'), 400, 'invalidSyntax');
  });

  test('values of indexed attributes above 1,024 bytes are 400 invalidValue, on create and on PATCH', async () => {
    assertScimError(await roster.request(dir, 'POST', '/Users', userBody('é'.repeat(513))), 400, 'invalidValue');
    assertScimError(await roster.request(dir, 'POST', '/Users', userBody('long-ext', { externalId: 'x'.repeat(1025) })), 400, 'invalidValue');
    assertScimError(await roster.request(dir, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'g'.repeat(3000) }), 400, 'invalidValue');
    const user = await roster.request(dir, 'POST', '/Users', userBody('x'.repeat(1024)));
    assert.equal(user.status, 201, 'exactly 1,024 bytes is accepted');
    const patched = await roster.request(dir, 'PATCH', `/Users/${user.body.id}`, patchOp({ op: 'replace', path: 'emails', value: [{ value: `${'m'.repeat(1100)}@contoso.com` }] }));
    assertScimError(patched, 400, 'invalidValue');
    assert.match(patched.body.detail, /email is longer than 1024 bytes/);
  });

  test('a wrong value type is 400 invalidValue; a missing userName too', async () => {
    assertScimError(await roster.request(dir, 'POST', '/Users', userBody('typed', { active: 'maybe' })), 400, 'invalidValue');
    assertScimError(await roster.request(dir, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], displayName: 'No Name' }), 400, 'invalidValue');
  });

  test('PATCH errors: invalid path, read-only attribute, unknown op, missing Operations', async () => {
    const id = (await roster.request(dir, 'POST', '/Users', userBody('patch.errors'))).body.id;
    assertScimError(await roster.request(dir, 'PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'noSuchThing', value: 1 })), 400, 'invalidPath');
    assertScimError(await roster.request(dir, 'PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'id', value: 'x' })), 400, 'mutability');
    assertScimError(await roster.request(dir, 'PATCH', `/Users/${id}`, patchOp({ op: 'frobnicate', path: 'title', value: 'x' })), 400, 'invalidSyntax');
    assertScimError(await roster.request(dir, 'PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }), 400, 'invalidSyntax');
    assertScimError(await roster.request(dir, 'PATCH', `/Users/${id}`, patchOp({ op: 'remove' })), 400, 'noTarget');
  });

  test('a PATCH is atomic: a failing operation leaves the earlier ones unapplied', async () => {
    const created = (await roster.request(dir, 'POST', '/Users', userBody('atomic', { title: 'Before' }))).body;
    const res = await roster.request(dir, 'PATCH', `/Users/${created.id}`, patchOp({ op: 'replace', path: 'title', value: 'After' }, { op: 'replace', path: 'bogus.path', value: 1 }));
    assert.equal(res.status, 400);
    const now = await roster.request(dir, 'GET', `/Users/${created.id}`);
    assert.equal(now.body.title, 'Before');
    assert.equal(now.body.meta.version, created.meta.version);
  });

  test('unknown endpoints are 404 SCIM errors', async () => {
    assertScimError(await roster.request(dir, 'GET', '/Widgets'), 404);
  });

  test('every request is in the provisioning log, failures with their reason', async () => {
    const logged = await roster.directory('generic');
    await roster.request(logged, 'POST', '/Users', userBody('log.me'));
    await roster.request(logged, 'POST', '/Users', userBody('log.me'));
    const rows = await roster.roster.provisioningLog.query({ directoryId: logged.id, limit: 10 });
    assert.deepEqual(rows.map((r) => [r.method, r.status, r.label]), [
      ['POST', 201, 'log.me'],
      ['POST', 409, 'log.me'],
    ]);
    assert.match(rows[1]!.error!, /userName/);
    const failed = await roster.roster.provisioningLog.query({ directoryId: logged.id, failedOnly: true, limit: 10 });
    assert.equal(failed.length, 1);
  });
});
