import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';

const run = promisify(execFile);
const workdir = mkdtempSync(join(tmpdir(), 'roster-cli-'));
const database = join(workdir, 'roster.db');
const roster = (...args: string[]) => run('./bin/roster', [...args, '--database', database], { env: { ...process.env, ROSTER_DATABASE: '' } });

/** The address `roster serve` prints once it listens. */
function listeningAddress(server: ReturnType<typeof spawn>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

describe('the roster command', () => {
  after(() => rmSync(workdir, { recursive: true, force: true }));

  test('directory create --json, serve, Test connection, token rotation and the log', async () => {
    const { stdout } = await roster('directory', 'create', '--name', 'Contoso', '--provider', 'entra', '--json', '--public-url', 'https://roster.example.com');
    const created = JSON.parse(stdout);
    assert.deepEqual(Object.keys(created).sort(), ['id', 'name', 'tenantUrl', 'token']);
    assert.equal(created.tenantUrl, `https://roster.example.com/scim/v2/${created.id}`);

    const server = spawn('./bin/roster', ['serve', '--port', '0', '--database', database], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const address = await listeningAddress(server);
      // Entra's "Test connection": a lookup of a random userName with the Secret Token.
      const probe = `${address}/scim/v2/${created.id}/Users?aadOptscim062020&filter=${encodeURIComponent('userName eq "ed0c9f4b-81d5-4a48-b3ce-1ff4d3ac6f7e"')}`;
      const ok = await fetch(probe, { headers: { authorization: `Bearer ${created.token}` } });
      assert.equal(ok.status, 200);
      assert.equal((await ok.json()).totalResults, 0);

      const second = JSON.parse((await roster('token', 'create', '--directory', created.id, '--json')).stdout);
      await assert.rejects(roster('token', 'create', '--directory', created.id), /2 active tokens/);
      const tokens = JSON.parse((await roster('token', 'list', '--directory', created.id, '--json')).stdout);
      const first = tokens.find((t: { id: string }) => t.id !== second.id);
      assert.ok(first.lastUsedAt, 'the first token shows when it was last used');
      await roster('token', 'revoke', first.id);
      // The server remembers a good token for at most a second; a revocation from another process is seen after it.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal((await fetch(probe, { headers: { authorization: `Bearer ${created.token}` } })).status, 401);
      assert.equal((await fetch(probe, { headers: { authorization: `Bearer ${second.token}` } })).status, 200);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    const log = JSON.parse((await roster('log', '--directory', created.id, '--json')).stdout);
    assert.deepEqual(log.map((r: { status: number }) => r.status), [200, 401, 200], 'the log survives a graceful shutdown');
    const failed = JSON.parse((await roster('log', '--failed', '--json')).stdout);
    assert.equal(failed.length, 1);

    const list = JSON.parse((await roster('directory', 'list', '--json')).stdout);
    assert.equal(list[0].name, 'Contoso');
    assert.notEqual(list[0].connected, 'waiting for the first request');
  });

  test('serve --tls-cert/--tls-key answers over HTTPS, as Entra requires', async () => {
    const { id, token } = JSON.parse((await roster('directory', 'create', '--name', 'TLS', '--json')).stdout);
    const cert = join(workdir, 'cert.pem');
    const key = join(workdir, 'key.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
    const server = spawn('./bin/roster', ['serve', '--port', '0', '--database', database, '--tls-cert', cert, '--tls-key', key], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const address = await listeningAddress(server);
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
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  });

  test('directory rules --file sets attribute rules; a rule on an unknown attribute is refused', async () => {
    const { id } = JSON.parse((await roster('directory', 'create', '--name', 'Rules', '--json')).stdout);
    const rules = join(workdir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ allowedValues: { userType: ['Premium', 'Standard'] }, defaults: { userType: 'Standard' } }));
    const { stdout } = await roster('directory', 'rules', '--directory', id, '--file', rules);
    assert.match(stdout, /Premium/);
    writeFileSync(rules, JSON.stringify({ required: ['nonsense.attribute'] }));
    await assert.rejects(roster('directory', 'rules', '--directory', id, '--file', rules), /nonsense\.attribute/);
  });
});
