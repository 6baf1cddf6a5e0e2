// `roster admin …`: operator accounts made from the command line, then used to sign in to a running `roster serve`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RosterProcess, rosterCommand, rosterCommandWithInput } from './support/roster-process.ts';

const workdir = mkdtempSync(join(tmpdir(), 'roster-admin-cli-'));
const database = join(workdir, 'roster.db');

const rosterWithInput = (input: string, ...args: string[]) => rosterCommandWithInput(database, input, ...args);

describe('roster admin', () => {
  after(() => rmSync(workdir, { recursive: true, force: true }));

  test('create (password from stdin, or generated and printed once), set-password and list; the accounts sign in to roster serve', async () => {
    await rosterWithInput('a password from stdin\n', 'admin', 'create', '--username', 'alice', '--password-stdin');
    const generated = await rosterCommand(database, 'admin', 'create', '--username', 'bob');
    const bobPassword = /shown only this once\):\n\n {2}(\S+)\n/.exec(generated)?.[1];
    assert.ok(bobPassword && bobPassword.length >= 20, generated);
    await assert.rejects(rosterWithInput('short\n', 'admin', 'create', '--username', 'carol', '--password-stdin'), /at least 12 characters/);
    await assert.rejects(rosterWithInput('a password from stdin\n', 'admin', 'create', '--username', 'ALICE', '--password-stdin'), /exists already/);
    assert.match(await rosterCommand(database, 'admin', 'list'), /alice[\s\S]*bob/);

    const server = await RosterProcess.start(database);
    try {
      const signIn = (username: string, password: string) =>
        fetch(`${server.address}/api/admin/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      assert.equal((await signIn('alice', 'a password from stdin')).status, 200);
      const bob = await signIn('bob', bobPassword);
      assert.equal(bob.status, 200);
      const cookie = bob.headers.get('set-cookie')!.split(';')[0]!;
      const organizations = await fetch(`${server.address}/api/admin/organizations`, { headers: { cookie } });
      assert.equal(organizations.status, 200);

      await rosterWithInput('a brand new password\n', 'admin', 'set-password', '--username', 'bob', '--password-stdin');
      assert.equal((await fetch(`${server.address}/api/admin/organizations`, { headers: { cookie } })).status, 401, 'a new password ends the sessions');
      assert.equal((await signIn('bob', bobPassword)).status, 401);
      assert.equal((await signIn('bob', 'a brand new password')).status, 200);
    } finally {
      await server.stop();
    }
  });
});
