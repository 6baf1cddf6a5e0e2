/**
 * Single sign-on with Entra ID, against a local OpenID provider shaped like Entra (support/entra-like-provider.ts):
 * the admin's connection settings, and the test sign-in an admin runs from the portal, which goes all the way from
 * Roster to the provider and back, and says which provisioned user the person links to, or why they are refused.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { AdminClient } from './support/admin-client.ts';
import { assertApiError } from './support/api-client.ts';
import { browse } from './support/browse.ts';
import { EntraLikeProvider } from './support/entra-like-provider.ts';
import { ENTERPRISE, TestRoster, userBody } from './support/roster.ts';

const TENANT = '3c9d2a4e-5f60-4b7c-8d9e-0f1a2b3c4d5e';
const OTHER_TENANT = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const APP = { clientId: 'b6f1c0de-2a3b-4c5d-8e9f-a0b1c2d3e4f5', clientSecret: 'entra client secret value' };
/** An app registration with no secret, its redirect URI on the Mobile and desktop applications platform. */
const PUBLIC_APP = { clientId: 'c7e2d1ef-3b4c-4d6e-9fa0-b1c2d3e4f5a6' };
const ADA = { oid: '11111111-1111-4111-8111-111111111111', preferredUsername: 'ada@contoso.example', name: 'Ada Lovelace', email: 'ada@contoso.example' };
const GRACE = { oid: '22222222-2222-4222-8222-222222222222', preferredUsername: 'grace@contoso.example', name: 'Grace Hopper' };
const LINUS = { oid: '33333333-3333-4333-8333-333333333333', preferredUsername: 'linus@contoso.example', name: 'Linus', email: 'linus@contoso.example' };
const MALLORY = { oid: '44444444-4444-4444-8444-444444444444', preferredUsername: 'mallory@fabrikam.example', name: 'Mallory', email: 'ada@contoso.example' };

let idp: EntraLikeProvider;
let roster: TestRoster;
let admin: AdminClient;
let organizationId: string;
/** What an admin pastes as the Authority: the local provider's, shaped like https://login.microsoftonline.com/{tenant}. */
const authorityUrl = () => idp.issuer.replace(/\/v2\.0$/, '');

/**
 * Runs an admin's test sign-in as `oid`, through the provider and back to Roster's callback (the Web platform's,
 * unless `callback` says otherwise); the callback's answer.
 */
async function testSignIn(
  oid: string,
  tamper: (callback: URL) => URL = (url) => url,
  { organization = organizationId, callback: expected = 'https://roster.test/sso/callback' } = {},
): Promise<{ status: number; body: any; callback: URL }> {
  const { url } = await admin.ok('POST', `/organizations/${organization}/sso/test`);
  idp.nextLogin = oid;
  const returned = await browse(url);
  assert.ok(returned instanceof URL, `the provider sends the browser back to Roster, not: ${returned instanceof Response ? await returned.text() : ''}`);
  assert.equal(`${returned.origin}${returned.pathname}`, expected);
  const callback = tamper(returned);
  const response = await roster.roster.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { accept: 'application/json' } });
  return { status: response.statusCode, body: JSON.parse(response.body), callback };
}

async function provision(userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const directories = (await admin.ok('GET', `/organizations/${organizationId}/directories`)).data;
  const directory = directories[0] ?? (await admin.ok('POST', `/organizations/${organizationId}/directories`, { name: 'Contoso Entra ID' }));
  const handle = directories[0] ? provisioned.get(directory.id)! : { id: directory.directory.id, token: directory.token, base: `/scim/v2/${directory.directory.id}` };
  provisioned.set(handle.id, handle);
  const created = await roster.request(handle, 'POST', '/Users', userBody(userName, extra));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}
const provisioned = new Map<string, { id: string; token: string; base: string }>();

describe('single sign-on with Entra ID', () => {
  before(async () => {
    idp = await EntraLikeProvider.start({
      tenantId: TENANT,
      clients: [
        { clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUris: ['https://roster.test/sso/callback'] },
        { clientId: PUBLIC_APP.clientId, redirectUris: ['https://roster.test/sso/callback/public'] },
      ],
      accounts: [ADA, GRACE, LINUS, MALLORY],
    });
    const key = randomBytes(32);
    roster = await TestRoster.start({ secrets: () => new SecretBox(key), ssoAllowHttp: true });
    admin = await AdminClient.operator(roster);
    organizationId = (await admin.ok('POST', '/organizations', { name: 'Contoso' })).id;
  });
  after(async () => {
    await roster?.close();
    await idp?.close();
  });

  test('the connection: tenant from the authority, secret write-only and sealed, redirect URI to register; shared authorities refused', async () => {
    const path = `/organizations/${organizationId}/sso`;
    assertApiError(await admin.request('GET', path), 404, 'not_found');
    const authority = authorityUrl();
    assertApiError(await admin.request('PUT', path, { clientId: APP.clientId, authority: authorityUrl().replace(TENANT, 'common'), clientSecret: 'x' }), 400, 'invalid_request');
    assertApiError(await admin.request('PUT', path, { clientId: APP.clientId, authority: 'organizations', clientSecret: 'x' }), 400, 'invalid_request');
    assertApiError(await admin.request('PUT', path, { clientId: 'my-app', authority, clientSecret: 'x' }), 400, 'invalid_request');
    assertApiError(await admin.request('PUT', path, { clientId: APP.clientId, authority }), 400, 'invalid_request');
    const unknownTenant = await admin.request('PUT', path, { clientId: APP.clientId, authority: authorityUrl().replace(TENANT, OTHER_TENANT), clientSecret: 'x' });
    assertApiError(unknownTenant, 400, 'invalid_request');
    assert.match(unknownTenant.body.error.message, /could not be read/);

    const saved = await admin.ok('PUT', path, { clientId: APP.clientId.toUpperCase(), authority: `${authority}/v2.0`, clientSecret: APP.clientSecret, clientSecretExpiresAt: '2027-05-31' });
    assert.deepEqual(
      {
        clientId: saved.clientId,
        tenantId: saved.tenantId,
        issuer: saved.issuer,
        expires: saved.clientSecretExpiresAt,
        justInTime: saved.justInTime,
        redirectUris: saved.redirectUris,
        frontChannelLogoutUrl: saved.frontChannelLogoutUrl,
      },
      {
        clientId: APP.clientId,
        tenantId: TENANT,
        issuer: idp.issuer,
        expires: '2027-05-31T00:00:00.000Z',
        justInTime: false,
        redirectUris: { web: ['https://roster.test/sso/callback'], mobileAndDesktop: ['https://roster.test/sso/callback/public'] },
        frontChannelLogoutUrl: 'https://roster.test/sso/front-channel-logout',
      },
    );
    assert.ok(!JSON.stringify(await admin.ok('GET', path)).includes(APP.clientSecret), 'the secret is never shown');
    const stored = await roster.db.selectFrom('sso_connections').select('client_secret').executeTakeFirstOrThrow();
    assert.ok(stored.client_secret && !stored.client_secret.includes(APP.clientSecret), 'the secret is sealed at rest');
    // Changing a setting keeps the secret.
    assert.equal((await admin.ok('PUT', path, { clientId: APP.clientId, authority: authorityUrl().toUpperCase().replace('HTTP://', 'http://'), justInTime: false })).tenantId, TENANT);
  });

  test("a provisioned user links once by userName, then by Entra's object id, even after a rename", async () => {
    const adaId = await provision(ADA.preferredUsername);
    const first = await testSignIn(ADA.oid);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.outcome, { kind: 'linked', accountId: adaId, userId: adaId, userName: ADA.preferredUsername, linkedBy: 'userName' });
    assert.equal(first.body.claims.tid, TENANT);
    const account = await roster.db.selectFrom('accounts').selectAll().where('id', '=', adaId).executeTakeFirstOrThrow();
    assert.equal(account.entra_oid, ADA.oid);

    // Entra renames her (a new UPN): the stored object id still finds her.
    const handle = [...provisioned.values()][0]!;
    const renamed = await roster.request(handle, 'PATCH', `/Users/${adaId}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'userName', value: 'ada.lovelace@contoso.example' }],
    });
    assert.equal(renamed.status, 200);
    const again = await testSignIn(ADA.oid);
    assert.equal(again.body.outcome.linkedBy, 'oid');
    assert.equal(again.body.outcome.userId, adaId);
  });

  test('a user whose externalId is the object id links by it; a deactivated user is refused; an email alone links nobody', async () => {
    const graceId = await provision('grace.hopper@contoso.example', { externalId: GRACE.oid });
    const grace = await testSignIn(GRACE.oid);
    assert.deepEqual(grace.body.outcome, { kind: 'linked', accountId: graceId, userId: graceId, userName: 'grace.hopper@contoso.example', linkedBy: 'externalId' });

    await provision(LINUS.preferredUsername, { active: false, [ENTERPRISE]: { employeeNumber: '42' } });
    const linus = await testSignIn(LINUS.oid);
    assert.equal(linus.body.outcome.kind, 'refused');
    assert.match(linus.body.outcome.reason, /deactivated/);

    // Mallory's token carries Ada's email address, but neither her object id nor her userName matches anyone.
    const mallory = await testSignIn(MALLORY.oid);
    assert.equal(mallory.body.outcome.kind, 'refused');
    assert.match(mallory.body.outcome.reason, /no provisioned user matches/);
  });

  test('just-in-time accounts, when the organization allows them', async () => {
    await admin.ok('PUT', `/organizations/${organizationId}/sso`, { clientId: APP.clientId, authority: authorityUrl(), justInTime: true });
    const mallory = await testSignIn(MALLORY.oid);
    assert.equal(mallory.body.outcome.kind, 'linked');
    assert.equal(mallory.body.outcome.linkedBy, 'just-in-time');
    assert.equal(mallory.body.outcome.userId, null);
    const again = await testSignIn(MALLORY.oid);
    assert.equal(again.body.outcome.accountId, mallory.body.outcome.accountId, 'the same account the next time');
    await admin.ok('PUT', `/organizations/${organizationId}/sso`, { clientId: APP.clientId, authority: authorityUrl(), justInTime: false });
  });

  test('a user on the built-in password cannot sign in with Entra', async () => {
    const adaId = (await roster.db.selectFrom('accounts').select('id').where('entra_oid', '=', ADA.oid).executeTakeFirstOrThrow()).id;
    await roster.db.updateTable('accounts').set({ login_method: 'built-in' }).where('id', '=', adaId).execute();
    try {
      const refused = await testSignIn(ADA.oid);
      assert.equal(refused.body.outcome.kind, 'refused');
      assert.match(refused.body.outcome.reason, /password/);
    } finally {
      await roster.db.updateTable('accounts').set({ login_method: 'external' }).where('id', '=', adaId).execute();
    }
  });

  test('refused: a token of another tenant, a wrong nonce, an expired token, a replayed state, a forged state', async () => {
    // openid-client itself refuses an ID token whose tid does not match the issuer's tenant; Roster checks again.
    idp.issueTokensWithTenant(OTHER_TENANT);
    const otherTenant = await testSignIn(ADA.oid);
    if (otherTenant.status === 400) assert.match(otherTenant.body.error.message, /did not check out/);
    else assert.match(otherTenant.body.outcome.reason, new RegExp(`tenant ${OTHER_TENANT}`));

    idp.overrideNextIdTokenClaims({ nonce: 'not the nonce Roster sent' });
    const wrongNonce = await testSignIn(ADA.oid);
    assert.equal(wrongNonce.status, 400);
    assert.match(wrongNonce.body.error.message, /did not check out/);

    idp.expireNextIdTokenImmediately();
    const expired = await testSignIn(ADA.oid);
    assert.equal(expired.status, 400);
    assert.match(expired.body.error.message, /did not check out/);

    const good = await testSignIn(ADA.oid);
    assert.equal(good.body.outcome.kind, 'linked');
    const replayed = await roster.roster.app.inject({ method: 'GET', url: `${good.callback.pathname}${good.callback.search}`, headers: { accept: 'application/json' } });
    assert.equal(replayed.statusCode, 400);
    assert.match(JSON.parse(replayed.body).error.message, /expired or was already used/);

    const forged = await testSignIn(ADA.oid, (url) => {
      const copy = new URL(url);
      copy.searchParams.set('state', randomBytes(16).toString('base64url'));
      return copy;
    });
    assert.equal(forged.status, 400);
  });

  test('the test sign-in page shows the claims and the linked user to the admin', async () => {
    const { url } = await admin.ok('POST', `/organizations/${organizationId}/sso/test`);
    idp.nextLogin = ADA.oid;
    const returned = (await browse(url)) as URL;
    const page = await roster.roster.app.inject({ method: 'GET', url: `${returned.pathname}${returned.search}` });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    assert.match(page.body, /Linked to the provisioned user <strong>ada\.lovelace@contoso\.example<\/strong> \(by oid\)/);
    assert.match(page.body, new RegExp(ADA.oid));
  });

  test('a connection without a client secret signs in as a public client, with PKCE, through the Mobile and desktop redirect URI', async () => {
    const northwind = (await admin.ok('POST', '/organizations', { name: 'Northwind' })).id;
    const path = `/organizations/${northwind}/sso`;
    const saved = await admin.ok('PUT', path, { clientId: PUBLIC_APP.clientId, authority: authorityUrl(), clientSecret: null, justInTime: true });
    assert.deepEqual([saved.platform, saved.clientSecretExpiresAt], ['mobileAndDesktop', null]);
    const stored = await roster.db.selectFrom('sso_connections').select('client_secret').where('organization_id', '=', northwind).executeTakeFirstOrThrow();
    assert.equal(stored.client_secret, null);

    // The fixture's public client refuses a token request that carries a secret: a sign-in that links proves none went.
    const signedIn = await testSignIn(MALLORY.oid, undefined, { organization: northwind, callback: 'https://roster.test/sso/callback/public' });
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    assert.equal(signedIn.body.outcome.linkedBy, 'just-in-time');
    assert.equal(signedIn.body.claims.aud, PUBLIC_APP.clientId);

    // An empty secret is refused; a secret given later moves the connection to the Web platform.
    assertApiError(await admin.request('PUT', path, { clientId: PUBLIC_APP.clientId, authority: authorityUrl(), clientSecret: '' }), 400, 'invalid_request');
    const web = await admin.ok('PUT', path, { clientId: PUBLIC_APP.clientId, authority: authorityUrl(), clientSecret: 'a secret after all', clientSecretExpiresAt: '2028-01-31' });
    assert.deepEqual([web.platform, web.clientSecretExpiresAt], ['web', '2028-01-31T00:00:00.000Z']);
    // And back: no secret, no expiry to warn about.
    const again = await admin.ok('PUT', path, { clientId: PUBLIC_APP.clientId, authority: authorityUrl(), clientSecret: null });
    assert.deepEqual([again.platform, again.clientSecretExpiresAt], ['mobileAndDesktop', null]);
  });
});
