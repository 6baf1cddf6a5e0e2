// The roster command's API key and organization commands, against `roster serve`; and the retention purge that
// `roster serve` runs by itself.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { RosterProcess, rosterCommand } from './support/roster-process.ts';

const workdir = mkdtempSync(join(tmpdir(), 'roster-api-key-cli-'));
const database = join(workdir, 'roster.db');
const roster = (...args: string[]) => rosterCommand(database, ...args);

describe('roster api-key and organization', () => {
  after(() => rmSync(workdir, { recursive: true, force: true }));

  test('create, list and revoke keys; a key reads its organization through /api/v1', async () => {
    const directory = JSON.parse(await roster('directory', 'create', '--name', 'Fabrikam', '--json'));
    const organizations = JSON.parse(await roster('organization', 'list', '--json'));
    assert.deepEqual(
      organizations.map((o: { id: string; name: string }) => [o.id, o.name]),
      [[directory.organizationId, 'Fabrikam']],
    );

    const created = JSON.parse(await roster('api-key', 'create', '--organization', directory.organizationId, '--json'));
    assert.deepEqual(Object.keys(created).sort(), ['id', 'key', 'organizationId']);
    assert.match(created.key, /^roster_key_[A-Za-z0-9_-]{43}$/);
    const global = JSON.parse(await roster('api-key', 'create', '--global', '--json'));
    assert.equal(global.organizationId, null);
    await assert.rejects(roster('api-key', 'create'), /--organization <id> or --global/);
    await assert.rejects(roster('api-key', 'create', '--organization', 'nope'), /no organization with id nope/);

    const server = await RosterProcess.start(database);
    try {
      const get = (key: string, path: string) => fetch(`${server.address}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
      const directories = await get(created.key, '/directories');
      assert.equal(directories.status, 200);
      assert.deepEqual((await directories.json()).data.map((d: { id: string }) => d.id), [directory.id]);
      assert.equal((await get(global.key, `/events?organization=${directory.organizationId}`)).status, 200);

      const listed = JSON.parse(await roster('api-key', 'list', '--organization', directory.organizationId, '--json'));
      assert.deepEqual(listed.map((k: { id: string }) => k.id), [created.id]);
      assert.ok(listed[0].lastUsedAt, 'the key shows when it was last used');
      assert.match(await roster('api-key', 'list'), /global/);
      assert.ok(!(await roster('api-key', 'list')).includes(created.key), 'a listing never shows a key');

      assert.match(await roster('api-key', 'revoke', created.id), /revoked/);
      await assert.rejects(roster('api-key', 'revoke', created.id), /no active API key/);
      // The server remembers a good key for at most a second; a revocation from another process is seen after it.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal((await get(created.key, '/directories')).status, 401);
    } finally {
      await server.stop();
    }
  });

  test('roster serve removes events older than --event-retention-days', async () => {
    const directory = JSON.parse(await roster('directory', 'create', '--name', 'Retained', '--json'));
    const { key } = JSON.parse(await roster('api-key', 'create', '--organization', directory.organizationId, '--json'));
    let server = await RosterProcess.start(database);
    try {
      const scim = await fetch(`${server.address}/scim/v2/${directory.id}/Users`, { headers: { authorization: `Bearer ${directory.token}` } });
      assert.equal(scim.status, 200, 'activates the directory: one event');
    } finally {
      await server.stop();
    }
    const sqlite = new BetterSqlite3(database);
    sqlite.prepare('update changes set created_at = ? where directory_id = ?').run(new Date(Date.now() - 3 * 86_400_000).toISOString(), directory.id);
    sqlite.close();

    server = await RosterProcess.start(database, '--event-retention-days', '2');
    try {
      await server.waitFor(/removed events older than 2 days/);
      const events = await fetch(`${server.address}/api/v1/events`, { headers: { authorization: `Bearer ${key}` } });
      assert.deepEqual((await events.json()).data, []);
    } finally {
      await server.stop();
    }
  });
});
