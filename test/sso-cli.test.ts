/**
 * `roster sso …` and `roster oidc-client …` on a SQLite file: an organization's Entra ID connection, saved against a
 * local provider shaped like Entra (support/entra-like-provider.ts) with the secret on stdin, and the apps that sign
 * people in through Roster. Each command starts a process (about 2 s of CPU), so the two tests run side by side and
 * the commands that do not depend on each other run together.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { EntraLikeProvider } from './support/entra-like-provider.ts';
import { rosterCommand, rosterCommandWithInput } from './support/roster-process.ts';

const TENANT = '3c9d2a4e-5f60-4b7c-8d9e-0f1a2b3c4d5e';
const APP = { clientId: 'b6f1c0de-2a3b-4c5d-8e9f-a0b1c2d3e4f5', clientSecret: 'entra client secret value' };

// The commands inherit these: plain http to the local provider, and the key that seals the secrets.
process.env.ROSTER_SSO_ALLOW_HTTP = '1';
process.env.ROSTER_SECRET_KEY = randomBytes(32).toString('base64');
delete process.env.ROSTER_PUBLIC_URL;

const workdir = mkdtempSync(join(tmpdir(), 'roster-sso-cli-'));
const database = join(workdir, 'roster.db');
const roster = (...args: string[]) => rosterCommand(database, ...args);
const rosterWithInput = (input: string, ...args: string[]) => rosterCommandWithInput(database, input, ...args);

/** Runs a command that should fail, with `input` on its stdin: its exit code and what it printed. */
function failureOf(input: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('./bin/roster', [...args, '--database', database], { env: { ...process.env, ROSTER_DATABASE: '' } }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

function count(table: string): number {
  const sqlite = new BetterSqlite3(database, { readonly: true });
  try {
    return (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

let idp: EntraLikeProvider;
let organizationId: string;
/** What an admin pastes as the Authority: the local provider's, shaped like https://login.microsoftonline.com/{tenant}. */
const authority = () => idp.issuer.replace(/\/v2\.0$/, '');

describe('roster sso and oidc-client', { concurrency: true }, () => {
  before(async () => {
    idp = await EntraLikeProvider.start({ tenantId: TENANT, clients: [{ ...APP, redirectUris: ['http://127.0.0.1:8080/sso/callback'] }] });
    // Also migrates the database before the tests use it side by side.
    organizationId = JSON.parse(await roster('directory', 'create', '--name', 'Contoso', '--json')).organizationId;
  });
  after(async () => {
    await idp?.close();
    rmSync(workdir, { recursive: true, force: true });
  });

  test('sso set (secret from stdin), show, remove; a shared authority, and a new connection without a secret, refused', async () => {
    const set = (...args: string[]) => ['sso', 'set', '--organization', organizationId, '--client-id', APP.clientId, ...args];
    const [common, noSecret] = await Promise.all([
      failureOf(`${APP.clientSecret}\n`, ...set('--authority', 'common', '--client-secret-stdin')),
      failureOf('', ...set('--authority', authority())),
    ]);
    assert.deepEqual(common, { code: 1, stdout: '', stderr: `roster: "common" lets any Microsoft account in: give the Directory (tenant) ID of the customer's tenant\n` });
    assert.equal(noSecret.code, 1);
    assert.match(noSecret.stderr, /^roster: a new connection needs the client secret: pipe .* into --client-secret-stdin, or give --public-client\n$/);

    const saved = await rosterWithInput(
      `${APP.clientSecret}\n`,
      ...set('--authority', authority(), '--client-secret-stdin', '--secret-expires', '2027-05-31', '--just-in-time', '--public-url', 'https://roster.example.com/'),
    );
    assert.match(saved, new RegExp(`Tenant: +${TENANT}\n`));
    assert.match(saved, /Redirect URI to register in Entra ID.*→ Web\):\n\n {2}https:\/\/roster\.example\.com\/sso\/callback\n/);
    assert.ok(!saved.includes(APP.clientSecret));

    const shown = JSON.parse(await roster('sso', 'show', '--organization', organizationId, '--json'));
    assert.deepEqual(
      { ...shown, createdAt: undefined, updatedAt: undefined },
      {
        organizationId,
        clientId: APP.clientId,
        tenantId: TENANT,
        issuer: idp.issuer,
        platform: 'web',
        clientSecretExpiresAt: '2027-05-31T00:00:00.000Z',
        justInTime: true,
        createdAt: undefined,
        updatedAt: undefined,
        redirectUris: { web: ['http://127.0.0.1:8080/sso/callback'], mobileAndDesktop: ['http://127.0.0.1:8080/sso/callback/public'] },
        frontChannelLogoutUrl: 'http://127.0.0.1:8080/sso/front-channel-logout',
      },
    );
    assert.ok(!JSON.stringify(shown).includes(APP.clientSecret), 'show never prints the secret');

    // No secret at all: a public client, registered on the Mobile and desktop applications platform.
    const asPublic = await roster(...set('--authority', authority(), '--public-client', '--public-url', 'https://roster.example.com'));
    assert.match(asPublic, /Client secret: +none \(a public client, with PKCE\)\n/);
    assert.match(asPublic, /→ Mobile and desktop applications\):\n\n {2}https:\/\/roster\.example\.com\/sso\/callback\/public\n/);
    assert.equal(JSON.parse(await roster('sso', 'show', '--organization', organizationId, '--json')).platform, 'mobileAndDesktop');

    assert.match(await roster('sso', 'remove', '--organization', organizationId), /removed/);
    assert.equal(count('sso_connections'), 0);
  });

  test('oidc-client add (web: secret shown once; --native: none), list, remove', async () => {
    const [webOutput, native] = await Promise.all([
      roster('oidc-client', 'add', '--name', 'Host app', '--redirect-uri', 'https://app.example/callback', '--redirect-uri', 'http://localhost:3000/callback', '--post-logout-redirect-uri', 'https://app.example/', '--json'),
      roster('oidc-client', 'add', '--name', 'Mobile app', '--redirect-uri', 'com.example.app:/callback', '--native', '--public-url', 'https://roster.example.com'),
    ]);
    const web = JSON.parse(webOutput);
    assert.match(web.clientSecret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(web.issuer, 'http://127.0.0.1:8080/oidc');
    assert.deepEqual(web.redirectUris, ['https://app.example/callback', 'http://localhost:3000/callback']);
    assert.deepEqual(web.postLogoutRedirectUris, ['https://app.example/']);
    assert.equal(web.applicationType, 'web');
    assert.match(native, /Issuer: +https:\/\/roster\.example\.com\/oidc\n/);
    assert.match(native, /no secret/);
    assert.doesNotMatch(native, /Client secret/);
    const nativeId = /Client ID: +(\S+)/.exec(native)![1]!;

    const listed = JSON.parse(await roster('oidc-client', 'list', '--json'));
    assert.deepEqual(new Set(listed.map((c: { clientId: string; applicationType: string }) => `${c.clientId} ${c.applicationType}`)), new Set([`${web.clientId} web`, `${nativeId} native`]));
    assert.ok(!JSON.stringify(listed).includes(web.clientSecret), 'a listing never shows a secret');

    assert.match(await roster('oidc-client', 'remove', web.clientId), /removed/);
    assert.equal(count('oidc_clients'), 1);
  });
});
