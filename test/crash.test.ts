import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, type Connection } from '../src/store/connect.ts';
import { GROUP_SCHEMA, userBody } from './support/roster.ts';
import { RosterProcess, rosterCommand } from './support/roster-process.ts';
import { ScimClient } from './support/scim-client.ts';
import { createTestDatabase, type TestDatabase, testDialect, testPostgresUrl } from './support/test-database.ts';

/** PGlite lives inside one process: a second process cannot open it, so the PostgreSQL pass needs a server. */
const skip = testDialect === 'postgres' && !testPostgresUrl ? 'needs a PostgreSQL server: set ROSTER_TEST_POSTGRES_URL (.ci/run does)' : false;

interface Sent {
  kind: 'user' | 'group';
  name: string;
  members: string[];
  /** The answer, when one came before the crash. */
  status?: number;
  id?: string;
}

/**
 * kill -9 in the middle of an initial sync: every request that was answered 2xx must be in the database after a
 * restart, and no request may be half-applied (a user without its change record, a group with some of its members).
 */
describe(`a Roster instance killed with SIGKILL during an initial sync (${testDialect})`, { skip }, () => {
  let workdir: string;
  let database: TestDatabase;
  let location: string;
  let directory: { id: string; token: string };
  const sent: Sent[] = [];
  /** What the killed instance printed, to explain a failure. */
  let firstRunOutput = '';

  before(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'roster-crash-'));
    database = await createTestDatabase();
    location = testDialect === 'sqlite' ? join(workdir, 'roster.db') : database.location;
    directory = JSON.parse(await rosterCommand(location, 'directory', 'create', '--name', 'Crash', '--provider', 'entra', '--json'));

    const instance = await RosterProcess.start(location);
    const client = new ScimClient(instance.address, directory.id, directory.token);
    const acknowledgedUsers: string[] = [];
    let crashed = false;
    const crashAfter = 300;
    // Sixteen workers, as Entra's provisioning runs requests in parallel; every fifth request creates a group with
    // members, which writes several rows that must appear together or not at all.
    const worker = async (w: number) => {
      // Each worker keeps sending until the dead server refuses it, so requests are in flight when it dies.
      for (let i = 0; ; i++) {
        const request: Sent =
          i % 5 === 4 && acknowledgedUsers.length >= 10
            ? { kind: 'group', name: `group-${w}-${i}`, members: acknowledgedUsers.slice(-10) }
            : { kind: 'user', name: `user-${w}-${i}@contoso.com`, members: [] };
        sent.push(request);
        try {
          const res =
            request.kind === 'user'
              ? await client.send('POST', '/Users', userBody(request.name))
              : await client.send('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: request.name, members: request.members.map((value) => ({ value })) });
          request.status = res.status;
          request.id = res.body?.id;
          if (request.kind === 'user' && res.status === 201) acknowledgedUsers.push(res.body.id);
        } catch {
          return; // the connection died with the process
        }
        if (sent.filter((s) => s.status === 201).length >= crashAfter && !crashed) {
          crashed = true;
          instance.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
    await instance.stop();
    firstRunOutput = instance.output;
  });
  after(async () => {
    await database?.drop();
    rmSync(workdir, { recursive: true, force: true });
  });

  test('after a restart, every acknowledged create is there, whole, and nothing is half-applied', async () => {
    const acknowledged = sent.filter((s) => s.status === 201);
    assert.ok(acknowledged.length >= 300, `the sync ran before the crash (${acknowledged.length} acknowledged)`);
    const failed = sent.filter((s) => s.status !== undefined && s.status !== 201);
    assert.deepEqual(failed, [], `no request failed before the crash; the server said:\n${firstRunOutput.slice(-4000)}`);

    const restarted = await RosterProcess.start(location);
    const client = new ScimClient(restarted.address, directory.id, directory.token);
    let connection: Connection | undefined;
    try {
      for (const request of acknowledged) {
        const res = await client.send('GET', `/${request.kind === 'user' ? 'Users' : 'Groups'}/${request.id}`);
        assert.equal(res.status, 200, `${request.name} was acknowledged, so it must survive`);
        if (request.kind === 'user') assert.equal(res.body.userName, request.name);
        else assert.deepEqual(res.body.members.map((m: { value: string }) => m.value).sort(), [...request.members].sort());
      }

      connection = await connect(location);
      const db = connection.db;
      const users = await db.selectFrom('users').select(['id', 'user_name']).where('directory_id', '=', directory.id).execute();
      const groups = await db.selectFrom('groups').select(['id', 'display_name']).where('directory_id', '=', directory.id).execute();
      const changes = await db.selectFrom('changes').select(['seq', 'resource_id', 'type']).where('directory_id', '=', directory.id).orderBy('seq').execute();
      const counters = await db.selectFrom('directories').select(['change_seq', 'user_count', 'group_count']).where('id', '=', directory.id).executeTakeFirstOrThrow();

      // Unanswered requests may or may not have committed, but only as a whole.
      const byName = new Map(sent.map((s) => [s.name, s]));
      assert.ok(users.every((u) => byName.get(u.user_name)?.kind === 'user'));
      for (const group of groups) {
        const members = await db.selectFrom('group_members').select('member_id').where('group_id', '=', group.id).execute();
        assert.deepEqual(members.map((m) => m.member_id).sort(), [...byName.get(group.display_name)!.members].sort(), `${group.display_name} has all its members or none`);
      }
      assert.equal(Number(counters.user_count), users.length, 'the user counter matches the rows');
      assert.equal(Number(counters.group_count), groups.length, 'the group counter matches the rows');
      assert.deepEqual(changes.map((c) => Number(c.seq)), Array.from({ length: changes.length }, (_, i) => i + 1), 'the change log is gap-free');
      assert.equal(Number(counters.change_seq), changes.length);
      const created = new Set(changes.filter((c) => c.type.endsWith('.created')).map((c) => c.resource_id));
      assert.ok([...users, ...groups].every((r) => created.has(r.id)), 'every stored resource has its change record');
      assert.equal(created.size, users.length + groups.length, 'and every change record its resource');
    } finally {
      await connection?.close();
      await restarted.stop();
    }
  });
});
