import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GROUP_SCHEMA, patchOp, TestRoster, userBody, type DirectoryHandle } from './support/roster.ts';

/** Real sockets on 127.0.0.1: requests race through the whole stack as an IdP's parallel workers would. */
describe('concurrent requests', () => {
  let roster: TestRoster;
  let dir: DirectoryHandle;
  let origin: string;
  before(async () => {
    roster = await TestRoster.start();
    dir = await roster.directory('generic');
    origin = await roster.roster.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => roster.close());

  const send = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${origin}${dir.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${dir.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
  };

  test('50 parallel POST /Users with one userName: exactly one 201, the rest 409', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => send('POST', '/Users', userBody(i % 2 ? 'Racer' : 'racer', { title: `try ${i}` }))));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1);
    assert.equal(statuses.filter((s) => s === 409).length, 49);
    const rows = await roster.db.selectFrom('users').select('id').where('directory_id', '=', dir.id).where('user_name_key', '=', 'racer').execute();
    assert.equal(rows.length, 1);
  });

  test('20 parallel PATCHes adding different members to one group lose none', async () => {
    const members = await Promise.all(Array.from({ length: 20 }, (_, i) => send('POST', '/Users', userBody(`parallel-${i}`))));
    const group = await send('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Parallel' });
    const results = await Promise.all(members.map((m) => send('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: m.body.id }] }))));
    assert.ok(results.every((r) => r.status === 200));
    const final = await roster.request(dir, 'GET', `/Groups/${group.body.id}`);
    assert.equal(final.body.members.length, 20);
    assert.equal(final.body.meta.version, 'W/"21"', 'every PATCH bumped the version once');
    const seqs = await roster.db.selectFrom('changes').select('seq').where('directory_id', '=', dir.id).orderBy('seq').execute();
    assert.deepEqual(seqs.map((s) => Number(s.seq)), Array.from({ length: seqs.length }, (_, i) => i + 1), 'the change log is gap-free');
  });

  test('parallel writes that share a commit fail alone: every good one is stored, every bad one leaves nothing', async () => {
    const before = await roster.db.selectFrom('changes').select('seq').where('directory_id', '=', dir.id).execute();
    const bodies = Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? userBody(`mixed-${i - 1}`) : userBody(`mixed-${i}`, { active: i % 8 === 0 ? 'maybe' : true })));
    const results = await Promise.all(bodies.map((body) => send('POST', '/Users', body)));
    const created = results.filter((r) => r.status === 201).map((r) => r.body.userName).sort();
    const expected = bodies.filter((_, i) => i % 4 !== 3 && i % 8 !== 0).map((b) => b.userName).sort();
    assert.deepEqual(created, expected);
    assert.ok(results.every((r) => [201, 400, 409].includes(r.status)), JSON.stringify(results.map((r) => r.status)));
    const stored = await roster.db.selectFrom('users').select('user_name').where('directory_id', '=', dir.id).where('user_name', 'like', 'mixed-%').execute();
    assert.deepEqual(stored.map((u) => u.user_name).sort(), expected);
    const after = await roster.db.selectFrom('changes').select('seq').where('directory_id', '=', dir.id).orderBy('seq').execute();
    assert.equal(after.length - before.length, expected.length, 'one change record per stored user, none for the refused ones');
    assert.deepEqual(after.map((c) => Number(c.seq)), Array.from({ length: after.length }, (_, i) => i + 1), 'still gap-free');
  });
});
