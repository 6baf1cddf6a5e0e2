import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { GROUP_SCHEMA, patchOp, userBody } from './support/roster.ts';
import { type ListeningRoster, RosterProcess, rosterCommand } from './support/roster-process.ts';
import { ScimClient } from './support/scim-client.ts';
import { createTestDatabase, type TestDatabase, testDialect, testPostgresUrl } from './support/test-database.ts';

const skip =
  testDialect !== 'postgres' ? 'runs in the PostgreSQL pass' : !testPostgresUrl ? 'needs a PostgreSQL server: set ROSTER_TEST_POSTGRES_URL (.ci/run does)' : false;

/**
 * Two `roster serve` processes on one PostgreSQL database, hit at once the way Entra's parallel workers hit a load
 * balancer: the database, not either process, must keep every write and refuse every conflict.
 */
describe('two Roster instances on one PostgreSQL', { skip }, () => {
  let database: TestDatabase;
  let instances: ListeningRoster[] = [];
  let clients: ScimClient[];
  let sql: pg.Client;
  /** Alternates between the instances, as a round-robin load balancer does. */
  const via = (i: number) => clients[i % clients.length]!;

  before(async () => {
    database = await createTestDatabase('postgres');
    // Both start together on an empty database: the migrations must be applied once, under the advisory lock.
    instances = await Promise.all([RosterProcess.start(database.location), RosterProcess.start(database.location)]);
    const { id, token } = JSON.parse(await rosterCommand(database.location, 'directory', 'create', '--name', 'Contoso', '--provider', 'entra', '--json'));
    // The unique-email and unique-externalId rules live in partial unique indexes, which must hold across instances.
    const rules = join(mkdtempSync(join(tmpdir(), 'roster-rules-')), 'rules.json');
    writeFileSync(rules, JSON.stringify({ uniqueEmail: true, uniqueExternalId: true }));
    await rosterCommand(database.location, 'directory', 'rules', '--directory', id, '--file', rules);
    clients = instances.map((instance) => new ScimClient(instance.address, id, token));
    sql = new pg.Client({ connectionString: database.location });
    await sql.connect();
  });
  after(async () => {
    await sql?.end();
    await Promise.all(instances.map((instance) => instance.stop()));
    await database?.drop();
  });

  const changeSeqs = async () =>
    (await sql.query<{ seq: number }>('select seq::int as seq from changes where directory_id = $1 order by seq', [clients[0]!.directoryId])).rows.map((r) => r.seq);

  test('the migrations were applied exactly once by instances that started together', async () => {
    const { rows } = await sql.query<{ name: string }>('select name from kysely_migration');
    assert.deepEqual(rows.map((r) => r.name), ['0001-initial', '0002-events', '0003-admin', '0004-sso', '0005-oidc', '0006-sso-public-client', '0007-entra-sessions']);
  });

  test('200 concurrent member additions to one group, spread over both instances, keep all 200 members', async () => {
    const users = await Promise.all(Array.from({ length: 200 }, (_, i) => via(i).send('POST', '/Users', userBody(`member-${i}@contoso.com`))));
    assert.ok(users.every((u) => u.status === 201));
    const group = await via(0).send('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Everyone' });
    const added = await Promise.all(
      users.map((u, i) => via(i + 1).send('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: u.body.id }] }))),
    );
    assert.deepEqual([...new Set(added.map((r) => r.status))], [204], 'Entra profile: group PATCH answers 204');
    const final = await via(1).send('GET', `/Groups/${group.body.id}`);
    assert.equal(final.body.members.length, 200);
    assert.deepEqual(final.body.members.map((m: { value: string }) => m.value).sort(), users.map((u) => u.body.id).sort());
    assert.equal(final.body.meta.version, 'W/"201"', 'each PATCH bumped the version once: none was lost');
    const seqs = await changeSeqs();
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'the change log is gap-free across instances');
  });

  test('100 concurrent creates of one userName: exactly one 201 and 99 × 409', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => via(i).send('POST', '/Users', userBody(i % 2 ? 'Racer@Contoso.com' : 'racer@contoso.com'))));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1);
    assert.equal(statuses.filter((s) => s === 409).length, 99);
    assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.scimType === 'uniqueness'));
  });

  test('with the unique-email rule, 40 concurrent creates sharing one email: exactly one 201', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => via(i).send('POST', '/Users', userBody(`email-racer-${i}`, { emails: [{ value: i % 2 ? 'Shared@Contoso.com' : 'shared@contoso.com', primary: true }] }))),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    assert.equal(results.filter((r) => r.status === 409).length, 39);
  });

  test('with the unique-externalId rule, 40 concurrent creates sharing one externalId: exactly one 201', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => via(i).send('POST', '/Users', userBody(`ext-racer-${i}`, { externalId: 'object-1' }))));
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    assert.equal(results.filter((r) => r.status === 409).length, 39);
  });

  test('50 concurrent creates of one group displayName: exactly one 201', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => via(i).send('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Sales' })));
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    assert.equal(results.filter((r) => r.status === 409).length, 49);
  });

  test('concurrent PATCHes with the same If-Match: one wins, the rest get 412, never a silent overwrite', async () => {
    const user = await via(0).send('POST', '/Users', userBody('etag@contoso.com'));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        via(i).send('PATCH', `/Users/${user.body.id}`, patchOp({ op: 'replace', path: 'title', value: `title ${i}` }), { 'if-match': user.etag! }),
      ),
    );
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1);
    assert.equal(statuses.filter((s) => s === 412).length, 19);
    const winner = results.find((r) => r.status === 200)!;
    const final = await via(1).send('GET', `/Users/${user.body.id}`);
    assert.equal(final.body.title, winner.body.title, 'the stored title is the one the single 200 answered');
    assert.equal(final.body.meta.version, 'W/"2"');
  });

  test('concurrent PATCHes without If-Match to one user all apply: no lost update', async () => {
    const user = await via(0).send('POST', '/Users', userBody('many-emails@contoso.com'));
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        via(i).send('PATCH', `/Users/${user.body.id}`, patchOp({ op: 'add', path: 'emails', value: [{ type: `t${i}`, value: `e${i}@contoso.com` }] })),
      ),
    );
    assert.ok(results.every((r) => r.status === 200));
    const final = await via(1).send('GET', `/Users/${user.body.id}`);
    assert.equal(final.body.emails.length, 40);
    assert.equal(final.body.meta.version, 'W/"41"');
  });

  test('a custom extension attribute one instance registers is filterable, and listed in /Schemas, on the other at once', async () => {
    const urn = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
    // The second instance has read the directory's schemas already, before the attribute exists.
    assert.equal((await via(1).send('GET', '/Schemas')).status, 200);
    assert.equal((await via(1).send('GET', `/Users?filter=${encodeURIComponent(`${urn}:costCenter eq "CC-7"`)}`)).body.totalResults, 0);
    const created = await via(0).send('POST', '/Users', { ...userBody('cost-center@contoso.com'), [urn]: { costCenter: 'CC-7' } });
    assert.equal(created.status, 201);
    const found = await via(1).send('GET', `/Users?filter=${encodeURIComponent(`${urn}:costCenter eq "CC-7"`)}`);
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.deepEqual(found.body.Resources.map((r: { id: string }) => r.id), [created.body.id]);
    const schemas = await via(1).send('GET', '/Schemas');
    const extension = schemas.body.Resources.find((schema: { id: string }) => schema.id === urn);
    assert.ok(extension?.attributes.some((a: { name: string }) => a.name === 'costCenter'), JSON.stringify(schemas.body));
  });

  test('deleting users while they are added to groups never leaves a membership naming a deleted user', async () => {
    const users = await Promise.all(Array.from({ length: 30 }, (_, i) => via(i).send('POST', '/Users', userBody(`leaver-${i}@contoso.com`))));
    const groups = await Promise.all(Array.from({ length: 3 }, (_, i) => via(i).send('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Leavers ${i}` })));
    const results = await Promise.all(
      users.flatMap((u, i) => [
        ...groups.map((g, j) => via(i + j).send('PATCH', `/Groups/${g.body.id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: u.body.id }] }))),
        via(i + 1).send('DELETE', `/Users/${u.body.id}`),
      ]),
    );
    // A PATCH that lost the race to the delete is refused (the user no longer exists); none fails otherwise.
    assert.ok(results.every((r) => [204, 400].includes(r.status)), JSON.stringify(results.map((r) => r.status)));
    const { rows } = await sql.query('select gm.member_id from group_members gm left join users u on u.id = gm.member_id where gm.directory_id = $1 and u.id is null', [
      clients[0]!.directoryId,
    ]);
    assert.deepEqual(rows, []);
  });
});
