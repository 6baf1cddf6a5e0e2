import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { patchOp, TestRoster, userBody, type DirectoryHandle } from './support/roster.ts';

const rules = {
  required: ['name.givenName', 'name.familyName', 'emails[type eq "work"].value'],
  uniqueEmail: true,
  allowedValues: { userType: ['Premium', 'Standard'], 'roles.value': ['ReadOnly', 'User', 'Admin', 'EnterpriseAdmin'] },
  defaults: { userType: 'Standard' },
};

const person = (userName: string, extra: Record<string, unknown> = {}) =>
  userBody(userName, { name: { givenName: 'Ada', familyName: 'Lovelace' }, emails: [{ type: 'work', value: `${userName}@contoso.com`, primary: true }], ...extra });

describe('per-directory attribute rules', () => {
  let roster: TestRoster;
  let dir: DirectoryHandle;
  before(async () => {
    roster = await TestRoster.start();
    dir = await roster.directory('entra', rules);
  });
  after(() => roster.close());

  const userCount = async () => (await roster.request(dir, 'GET', '/Users?count=0')).body.totalResults;

  test('a default fills an absent attribute', async () => {
    const res = await roster.request(dir, 'POST', '/Users', person('defaulted'));
    assert.equal(res.status, 201);
    assert.equal(res.body.userType, 'Standard');
  });

  test('a missing required attribute is 400 invalidValue naming it, and nothing is stored', async () => {
    const before = await userCount();
    const res = await roster.request(dir, 'POST', '/Users', userBody('no.email', { name: { givenName: 'A', familyName: 'B' } }));
    assert.equal(res.status, 400);
    assert.equal(res.body.scimType, 'invalidValue');
    assert.match(res.body.detail, /emails\[type eq "work"\]\.value/);
    assert.equal(await userCount(), before);
  });

  test('a value outside the allowed list is refused in words an admin understands', async () => {
    const res = await roster.request(dir, 'POST', '/Users', person('gold', { userType: 'Gold' }));
    assert.equal(res.status, 400);
    assert.equal(res.body.scimType, 'invalidValue');
    assert.equal(res.body.detail, "userType 'Gold' is not allowed: use Premium or Standard");
    const role = await roster.request(dir, 'POST', '/Users', person('rooted', { roles: [{ value: 'Root', primary: true }] }));
    assert.equal(role.status, 400);
    assert.match(role.body.detail, /roles\.value 'Root' is not allowed/);
    const ok = await roster.request(dir, 'POST', '/Users', person('admin', { userType: 'Premium', roles: [{ value: 'Admin', primary: 'True' }] }));
    assert.equal(ok.status, 201);
  });

  test('rules hold for PATCH too, atomically', async () => {
    const created = (await roster.request(dir, 'POST', '/Users', person('patched'))).body;
    const res = await roster.request(dir, 'PATCH', `/Users/${created.id}`, patchOp({ op: 'Replace', path: 'userType', value: 'Gold' }, { op: 'Replace', path: 'displayName', value: 'Changed' }));
    assert.equal(res.status, 400);
    const now = (await roster.request(dir, 'GET', `/Users/${created.id}`)).body;
    assert.equal(now.userType, 'Standard');
    assert.equal(now.displayName, undefined);
    const removal = await roster.request(dir, 'PATCH', `/Users/${created.id}`, patchOp({ op: 'remove', path: 'name.givenName' }));
    assert.equal(removal.status, 400);
    assert.match(removal.body.detail, /name\.givenName is required/);
  });

  test('unique email: a second user with the same email is 409 uniqueness', async () => {
    await roster.request(dir, 'POST', '/Users', person('first.owner'));
    const clash = await roster.request(dir, 'POST', '/Users', person('second.owner', { emails: [{ type: 'work', value: 'FIRST.OWNER@contoso.com' }] }));
    assert.equal(clash.status, 409);
    assert.equal(clash.body.scimType, 'uniqueness');
    assert.match(clash.body.detail, /email/);
    const free = await roster.directory('entra');
    assert.equal((await roster.request(free, 'POST', '/Users', person('second.owner', { emails: [{ type: 'work', value: 'first.owner@contoso.com' }] }))).status, 201, 'without the rule, emails may repeat');
  });

  test('unique externalId: a second user with the same externalId is 409, another casing is another id', async () => {
    const strict = await roster.directory('entra', { uniqueExternalId: true });
    assert.equal((await roster.request(strict, 'POST', '/Users', person('ext.first', { externalId: 'ext-1' }))).status, 201);
    const clash = await roster.request(strict, 'POST', '/Users', person('ext.second', { externalId: 'ext-1' }));
    assert.equal(clash.status, 409);
    assert.equal(clash.body.scimType, 'uniqueness');
    assert.match(clash.body.detail, /externalId/);
    // externalId is caseExact (RFC 7643 §3.1).
    assert.equal((await roster.request(strict, 'POST', '/Users', person('ext.third', { externalId: 'EXT-1' }))).status, 201);
    const renamed = await roster.request(strict, 'GET', `/Users?filter=${encodeURIComponent('userName eq "ext.third"')}`);
    const patch = await roster.request(strict, 'PATCH', `/Users/${renamed.body.Resources[0].id}`, patchOp({ op: 'replace', path: 'externalId', value: 'ext-1' }));
    assert.equal(patch.status, 409, 'a PATCH may not take another user\'s externalId either');
    assert.equal((await roster.request(dir, 'POST', '/Users', person('ext.fourth', { externalId: 'ext-1' }))).status, 201, 'directories are separate');
    assert.equal((await roster.request(dir, 'POST', '/Users', person('ext.fifth', { externalId: 'ext-1' }))).status, 201, 'without the rule, externalIds may repeat');
  });

  test('rules naming unknown attributes are refused when saved', async () => {
    await assert.rejects(roster.roster.directories.setRules(dir.id, { required: ['nmae.givenName'] }), /nmae\.givenName/);
  });
});
