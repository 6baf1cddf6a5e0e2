import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GROUP_SCHEMA, patchOp, TestRoster, userBody, type DirectoryHandle } from './support/roster.ts';

describe('SCIM /Groups and membership', () => {
  let roster: TestRoster;
  let dir: DirectoryHandle;
  const users: string[] = [];
  before(async () => {
    roster = await TestRoster.start();
    dir = await roster.directory('generic');
    for (let i = 0; i < 6; i++) users.push((await roster.request(dir, 'POST', '/Users', userBody(`member${i}`, { displayName: `Member ${i}` }))).body.id);
  });
  after(() => roster.close());

  const group = async (displayName: string, members: string[] = []) =>
    roster.request(dir, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) });
  const memberIds = async (id: string) => (await roster.request(dir, 'GET', `/Groups/${id}`)).body.members.map((m: { value: string }) => m.value).sort();

  test('POST honours members; GET returns them with display, type and $ref', async () => {
    const res = await group('Engineering', [users[0]!, users[1]!]);
    assert.equal(res.status, 201);
    const member = res.body.members.find((m: { value: string }) => m.value === users[0]);
    assert.equal(member.display, 'Member 0');
    assert.equal(member.type, 'User');
    assert.equal(member.$ref, `https://roster.test/scim/v2/${dir.id}/Users/${users[0]}`);
    const user = await roster.request(dir, 'GET', `/Users/${users[0]}`);
    assert.deepEqual(user.body.groups.map((g: { display: string }) => g.display), ['Engineering']);
  });

  test('displayName is unique per directory, case-insensitively', async () => {
    await group('Sales');
    const clash = await group('SALES');
    assert.equal(clash.status, 409);
    assert.equal(clash.body.scimType, 'uniqueness');
  });

  test('PATCH add / remove members; remove with a value array removes only those (never all)', async () => {
    const id = (await group('Support', [users[0]!])).body.id;
    const add = await roster.request(dir, 'PATCH', `/Groups/${id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: users[1] }, { value: users[2] }, { value: users[3] }] }));
    assert.equal(add.status, 200);
    assert.deepEqual(await memberIds(id), [users[0], users[1], users[2], users[3]].sort());
    await roster.request(dir, 'PATCH', `/Groups/${id}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: users[1], $ref: null }] }));
    assert.deepEqual(await memberIds(id), [users[0], users[2], users[3]].sort());
    await roster.request(dir, 'PATCH', `/Groups/${id}`, patchOp({ op: 'remove', path: `members[value eq "${users[2]}"]` }));
    assert.deepEqual(await memberIds(id), [users[0], users[3]].sort());
    await roster.request(dir, 'PATCH', `/Groups/${id}`, patchOp({ op: 'remove', path: 'members' }));
    assert.deepEqual(await memberIds(id), []);
  });

  test("Entra's membership check: id eq G and members[value eq U]", async () => {
    const id = (await group('Checked', [users[4]!])).body.id;
    const check = (user: string) => roster.request(dir, 'GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`id eq "${id}" and members[value eq "${user}"]`)}`);
    const hit = await check(users[4]!);
    assert.equal(hit.body.totalResults, 1);
    assert.equal(hit.body.Resources[0].members, undefined, 'excludedAttributes=members leaves members out');
    assert.equal((await check(users[5]!)).body.totalResults, 0);
  });

  test('adding an unknown member is refused and changes nothing', async () => {
    const id = (await group('Strict', [users[0]!])).body.id;
    const res = await roster.request(dir, 'PATCH', `/Groups/${id}`, patchOp({ op: 'add', path: 'members', value: [{ value: users[1] }, { value: 'no-such-user' }] }));
    assert.equal(res.status, 400);
    assert.equal(res.body.scimType, 'invalidValue');
    assert.deepEqual(await memberIds(id), [users[0]]);
  });

  test('PUT with members replaces them; PUT without members keeps them', async () => {
    const id = (await group('Replaced', [users[0]!, users[1]!])).body.id;
    await roster.request(dir, 'PUT', `/Groups/${id}`, { schemas: [GROUP_SCHEMA], displayName: 'Replaced', members: [{ value: users[2] }] });
    assert.deepEqual(await memberIds(id), [users[2]]);
    await roster.request(dir, 'PUT', `/Groups/${id}`, { schemas: [GROUP_SCHEMA], displayName: 'Replaced 2' });
    assert.deepEqual(await memberIds(id), [users[2]]);
  });

  test('deleting a user removes its memberships and bumps the group version', async () => {
    const doomed = (await roster.request(dir, 'POST', '/Users', userBody('doomed'))).body.id;
    const created = await group('Temporary', [doomed, users[0]!]);
    await roster.request(dir, 'DELETE', `/Users/${doomed}`);
    const after = await roster.request(dir, 'GET', `/Groups/${created.body.id}`);
    assert.deepEqual(after.body.members.map((m: { value: string }) => m.value), [users[0]]);
    assert.notEqual(after.body.meta.version, created.body.meta.version);
    const rows = await roster.db.selectFrom('group_members').select('member_id').where('member_id', '=', doomed).execute();
    assert.equal(rows.length, 0);
  });

  test('an Entra directory answers group PATCH with 204', async () => {
    const entra = await roster.directory('entra');
    const u = (await roster.request(entra, 'POST', '/Users', userBody('entra.member'))).body.id;
    const g = (await roster.request(entra, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Entra group' })).body.id;
    const res = await roster.request(entra, 'PATCH', `/Groups/${g}`, patchOp({ op: 'Add', path: 'members', value: [{ value: u }] }));
    assert.equal(res.status, 204);
    assert.equal(res.body, undefined);
  });

  test('a group of another directory is invisible', async () => {
    const other = await roster.directory('generic');
    const id = (await group('Private')).body.id;
    assert.equal((await roster.request(other, 'GET', `/Groups/${id}`)).status, 404);
    assert.equal((await roster.request(other, 'PATCH', `/Groups/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'x' }))).status, 404);
    assert.equal((await roster.request(other, 'DELETE', `/Groups/${id}`)).status, 404);
    assert.equal((await roster.request(dir, 'GET', `/Groups/${id}`)).body.displayName, 'Private');
  });
});
