import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { request as httpsRequest } from 'node:https';
import { RosterProcess, rosterCommand } from './support/roster-process.ts';

const run = promisify(execFile);
const workdir = mkdtempSync(join(tmpdir(), 'roster-cli-'));
const database = join(workdir, 'roster.db');
const roster = (...args: string[]) => rosterCommand(database, ...args);

describe('the roster command', () => {
  after(() => rmSync(workdir, { recursive: true, force: true }));

  test('directory create --json, serve, Test connection, token rotation and the log', async () => {
    const stdout = await roster('directory', 'create', '--name', 'Contoso', '--provider', 'entra', '--json', '--public-url', 'https://roster.example.com');
    const created = JSON.parse(stdout);
    assert.deepEqual(Object.keys(created).sort(), ['id', 'name', 'organizationId', 'tenantUrl', 'token']);
    assert.equal(created.tenantUrl, `https://roster.example.com/scim/v2/${created.id}`);

    const server = await RosterProcess.start(database);
    try {
      const { address } = server;
      // Entra's "Test connection": a lookup of a random userName with the Secret Token.
      const probe = `${address}/scim/v2/${created.id}/Users?aadOptscim062020&filter=${encodeURIComponent('userName eq "ed0c9f4b-81d5-4a48-b3ce-1ff4d3ac6f7e"')}`;
      const ok = await fetch(probe, { headers: { authorization: `Bearer ${created.token}` } });
      assert.equal(ok.status, 200);
      assert.equal((await ok.json()).totalResults, 0);

      const second = JSON.parse(await roster('token', 'create', '--directory', created.id, '--json'));
      await assert.rejects(roster('token', 'create', '--directory', created.id), /2 active tokens/);
      const tokens = JSON.parse(await roster('token', 'list', '--directory', created.id, '--json'));
      const first = tokens.find((t: { id: string }) => t.id !== second.id);
      assert.ok(first.lastUsedAt, 'the first token shows when it was last used');
      await roster('token', 'revoke', first.id);
      // The server remembers a good token for at most a second; a revocation from another process is seen after it.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal((await fetch(probe, { headers: { authorization: `Bearer ${created.token}` } })).status, 401);
      assert.equal((await fetch(probe, { headers: { authorization: `Bearer ${second.token}` } })).status, 200);
    } finally {
      await server.stop();
    }
    const log = JSON.parse(await roster('log', '--directory', created.id, '--json'));
    assert.deepEqual(log.map((r: { status: number }) => r.status), [200, 401, 200], 'the log survives a graceful shutdown');
    const failed = JSON.parse(await roster('log', '--failed', '--json'));
    assert.equal(failed.length, 1);

    const list = JSON.parse(await roster('directory', 'list', '--json'));
    assert.equal(list[0].name, 'Contoso');
    assert.notEqual(list[0].connected, 'waiting for the first request');
  });

  test('serve --tls-cert/--tls-key answers over HTTPS, as Entra requires', async () => {
    const { id, token } = JSON.parse(await roster('directory', 'create', '--name', 'TLS', '--json'));
    const cert = join(workdir, 'cert.pem');
    const key = join(workdir, 'key.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
    const server = await RosterProcess.start(database, '--tls-cert', cert, '--tls-key', key);
    try {
      const { address } = server;
      assert.match(address, /^https:\/\//);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpsRequest(`${address}/scim/v2/${id}/ServiceProviderConfig`, { ca: readFileSync(cert), headers: { authorization: `Bearer ${token}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 200);
    } finally {
      await server.stop();
    }
  });

  test('directory rules --file sets attribute rules; a rule on an unknown attribute is refused', async () => {
    const { id } = JSON.parse(await roster('directory', 'create', '--name', 'Rules', '--json'));
    const rules = join(workdir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ allowedValues: { userType: ['Premium', 'Standard'] }, defaults: { userType: 'Standard' } }));
    const stdout = await roster('directory', 'rules', '--directory', id, '--file', rules);
    assert.match(stdout, /Premium/);
    writeFileSync(rules, JSON.stringify({ required: ['nonsense.attribute'] }));
    await assert.rejects(roster('directory', 'rules', '--directory', id, '--file', rules), /nonsense\.attribute/);
  });
});
