/**
 * Roster as the host app's OpenID provider, end to end over HTTP: a test host app (openid-client) sends people to
 * Roster; Roster routes each by login method to Entra ID (a local provider shaped like it) or to its password page;
 * the app gets an ID token with the Roster user id, organization, email, name, roles, userType and groups.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { AdminClient } from './support/admin-client.ts';
import { readEvents } from './support/api-client.ts';
import { CookieJar, walk } from './support/browse.ts';
import { EntraLikeProvider } from './support/entra-like-provider.ts';
import { GROUP_SCHEMA, patchOp, TestRoster, userBody } from './support/roster.ts';

const TENANT = '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a';
const ENTRA_APP = { clientId: 'c0ffee00-1234-4abc-9def-0123456789ab', clientSecret: 'entra app secret' };
const ADA = { oid: 'aaaaaaaa-0000-4000-8000-00000000000a', preferredUsername: 'ada@contoso.example', name: 'Ada Lovelace', email: 'ada@contoso.example' };
const BOB = { oid: 'bbbbbbbb-0000-4000-8000-00000000000b', preferredUsername: 'bob@contoso.example', name: 'Bob' };
const APP_CALLBACK = 'http://127.0.0.1:9/callback';
const APP_SIGNED_OUT = 'http://127.0.0.1:9/signed-out';
const NATIVE_CALLBACK = 'com.example.app://auth';
const insecure = { execute: [oidc.allowInsecureRequests] };

let roster: TestRoster;
let origin: string;
let idp: EntraLikeProvider;
let admin: AdminClient;
let organizationId: string;
let adaId: string;
let directoryId: string;
let directoryToken: string;
let eventsKey: string;
let app: oidc.Configuration;

interface SignIn {
  config?: oidc.Configuration;
  redirectUri?: string;
  loginHint?: string;
  /** The password to type when Roster shows its password page. */
  password?: string;
  /** The browser's cookies, to sign in again in the same browser. */
  jar?: CookieJar;
  prompt?: 'none';
}

type SignInOutcome = { claims: Record<string, unknown>; idToken: string } | { page: Response } | { error: string };

/** Opens a one-time password link and chooses `password` on its page, as the person would. */
async function choosePassword(url: string, password: string): Promise<void> {
  const page = await fetch(new URL(new URL(url).pathname, origin));
  assert.equal(page.status, 200);
  const token = /name="token" value="([^"]+)"/.exec(await page.text())?.[1];
  const set = await fetch(`${origin}/set-password`, { method: 'POST', body: new URLSearchParams({ token: token!, password }) });
  assert.equal(set.status, 200, await set.text());
}

/**
 * The app's authorization request, a browser that follows it through Roster (and Entra) back to the app, typing the
 * password when asked, and the app's code exchange: the ID token's claims, or the page where the walk stopped.
 */
async function signIn({ config = app, redirectUri = APP_CALLBACK, loginHint, password, jar = new CookieJar(), prompt }: SignIn): Promise<SignInOutcome> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(loginHint ? { login_hint: loginHint } : {}),
    ...(prompt ? { prompt } : {}),
  });
  const arrived = (next: URL) => next.href.startsWith(redirectUri);
  let result = await walk(url, arrived, jar);
  if (!(result instanceof URL) && password !== undefined && result.status === 200) {
    const html = await result.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && /name="password"/.test(html), `a password page, not: ${html.slice(0, 300)}`);
    const name = /name="name" value="([^"]*)"/.exec(html)?.[1] ?? '';
    result = await walk(new URL(action, origin), arrived, jar, { form: { name, password } });
  }
  if (!(result instanceof URL)) return { page: result };
  if (result.searchParams.has('error')) return { error: result.searchParams.get('error')! };
  const tokens = await oidc.authorizationCodeGrant(config, result, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  return { claims: { ...tokens.claims() }, idToken: tokens.id_token! };
}

describe("Roster's OpenID provider for the host app", () => {
  before(async () => {
    const key = randomBytes(32);
    roster = await TestRoster.start({ publicUrl: undefined, secrets: () => new SecretBox(key), ssoAllowHttp: true });
    origin = await roster.roster.app.listen({ host: '127.0.0.1', port: 0 });
    idp = await EntraLikeProvider.start({
      tenantId: TENANT,
      clients: [{ clientId: ENTRA_APP.clientId, clientSecret: ENTRA_APP.clientSecret, redirectUris: [`${origin}/sso/callback`] }],
      accounts: [ADA, BOB],
    });
    admin = await AdminClient.operator(roster);
    organizationId = (await admin.ok('POST', '/organizations', { name: 'Contoso' })).id;
    await admin.ok('PUT', `/organizations/${organizationId}/sso`, { clientId: ENTRA_APP.clientId, authority: idp.issuer.replace(/\/v2\.0$/, ''), clientSecret: ENTRA_APP.clientSecret });
    const created = await admin.ok('POST', `/organizations/${organizationId}/directories`, { name: 'Contoso Entra ID' });
    const directory = { id: created.directory.id, token: created.token, base: `/scim/v2/${created.directory.id}` };
    directoryId = directory.id;
    directoryToken = directory.token;
    eventsKey = (await roster.roster.apiKeys.create(organizationId)).key;
    adaId = (
      await roster.request(directory, 'POST', '/Users', {
        ...userBody(ADA.preferredUsername, { displayName: 'Ada Lovelace', userType: 'Premium' }),
        emails: [{ primary: true, type: 'work', value: ADA.email }],
        roles: [{ value: 'Admin', primary: true }],
      })
    ).body.id;
    await roster.request(directory, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineers', members: [{ value: adaId }] });
    await roster.request(directory, 'POST', '/Users', userBody(BOB.preferredUsername, { active: false }));

    const { client, clientSecret } = await roster.roster.oidcClients.add({ name: 'Test app', redirectUris: [APP_CALLBACK], postLogoutRedirectUris: [APP_SIGNED_OUT] });
    app = await oidc.discovery(new URL(`${origin}/oidc`), client.clientId, clientSecret!, undefined, insecure);
  });
  after(async () => {
    await roster?.close();
    await idp?.close();
  });

  test('a provisioned user signs in through Entra ID; the app gets the Roster user, organization, roles, userType and groups', async () => {
    const result = await signIn({ loginHint: ADA.preferredUsername });
    assert.ok('claims' in result, `stopped at ${'page' in result ? await result.page.text() : ''}`);
    const { claims } = result;
    assert.equal(claims.iss, `${origin}/oidc`);
    assert.equal(claims.sub, adaId);
    assert.equal(claims.organization, organizationId);
    assert.equal(claims.email, ADA.email);
    assert.equal(claims.name, 'Ada Lovelace');
    assert.equal(claims.preferred_username, ADA.preferredUsername);
    assert.equal(claims.user_type, 'Premium');
    assert.deepEqual(claims.roles, ['Admin']);
    assert.deepEqual(claims.groups, ['Engineers']);
  });

  test('without a login hint Roster asks who is signing in; a password for a person on Entra ID is refused', async () => {
    const url = oidc.buildAuthorizationUrl(app, {
      redirect_uri: APP_CALLBACK,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const jar = new CookieJar();
    const page = await walk(url, (next) => next.href.startsWith(APP_CALLBACK), jar);
    assert.ok(page instanceof Response);
    const html = await page.text();
    assert.match(html, /<label>Email or username<input name="name"/);

    // A password sent for a person whose login method is Entra ID opens nothing.
    const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)![1]!, origin);
    const refused = await walk(action, (next) => next.href.startsWith(APP_CALLBACK), jar, { form: { name: ADA.preferredUsername, password: 'any password at all' } });
    assert.ok(refused instanceof Response);
    assert.equal(refused.status, 401);
  });

  test('a deactivated user is refused, and so is a name nobody has', async () => {
    const bob = await signIn({ loginHint: BOB.preferredUsername });
    assert.ok('page' in bob);
    assert.equal(bob.page.status, 403);
    assert.match(await bob.page.text(), /deactivated/);
    const nobody = await signIn({ loginHint: 'nobody@contoso.example' });
    assert.ok('page' in nobody);
    assert.equal(nobody.page.status, 404);
  });

  test('deactivating a signed-in user in the directory ends their sign-in: the app gets no new token without a sign-in', async () => {
    const directory = { id: directoryId, token: directoryToken, base: `/scim/v2/${directoryId}` };
    const jar = new CookieJar();
    assert.ok('claims' in (await signIn({ loginHint: ADA.preferredUsername, jar })));
    assert.ok('claims' in (await signIn({ jar, prompt: 'none' })), 'signed in: a silent sign-in gets a code');
    const deactivate = (active: boolean) => roster.request(directory, 'PATCH', `/Users/${adaId}`, patchOp({ op: 'replace', path: 'active', value: active }));
    assert.equal((await deactivate(false)).status, 200);
    try {
      const silent = await signIn({ jar, prompt: 'none' });
      assert.ok('error' in silent && silent.error === 'login_required', 'page' in silent ? `${silent.page.status} ${await silent.page.text()}` : JSON.stringify(silent));
      const again = await signIn({ jar, loginHint: ADA.preferredUsername });
      assert.ok('page' in again && again.page.status === 403, 'and a new sign-in through Entra is refused');
    } finally {
      assert.equal((await deactivate(true)).status, 200);
    }
  });

  test("Entra's front-channel logout, naming the Entra session she signed in with, ends her Roster sessions", async () => {
    const jar = new CookieJar();
    const sid = `entra-session-${Date.now()}`;
    idp.overrideNextIdTokenClaims({ sid });
    assert.ok('claims' in (await signIn({ loginHint: ADA.preferredUsername, jar })));
    assert.ok('claims' in (await signIn({ jar, prompt: 'none' })));

    // Another session id, or none, signs nobody out.
    for (const query of ['?sid=some-other-session', '']) {
      const ignored = await fetch(`${origin}/sso/front-channel-logout${query}`);
      assert.equal(ignored.status, 200);
    }
    assert.ok('claims' in (await signIn({ jar, prompt: 'none' })), 'still signed in');

    // As Entra calls it: a GET with the sid alone, from a hidden frame of its sign-out page (no Roster cookie).
    const called = await fetch(`${origin}/sso/front-channel-logout?sid=${encodeURIComponent(sid)}`);
    assert.equal(called.status, 200);
    assert.equal(called.headers.get('cache-control'), 'no-store');
    const silent = await signIn({ jar, prompt: 'none' });
    assert.ok('error' in silent && silent.error === 'login_required');
    assert.equal((await roster.db.selectFrom('entra_sessions').selectAll().execute()).filter((row) => row.account_id === adaId).length, 0, 'the Entra session is forgotten');
  });

  test('a guest added by the admin chooses a password from a one-time link and signs in with it; a wrong password is refused', async () => {
    const { guest, passwordLink } = await admin.ok('POST', `/organizations/${organizationId}/guests`, { username: 'guest@partner.example', displayName: 'Guest Partner', email: 'guest@partner.example' });
    // Made through the admin API without a public URL: the link has the admin request's origin.
    assert.match(passwordLink.url, /^http:\/\/[^/]+\/set-password\/[\w-]{43}$/);
    await choosePassword(passwordLink.url, 'guest password 123');
    const reused = await fetch(`${origin}/set-password`, { method: 'POST', body: new URLSearchParams({ token: passwordLink.url.split('/').at(-1)!, password: 'another password 456' }) });
    assert.equal(reused.status, 400, 'a link sets one password, once');

    const wrong = await signIn({ loginHint: 'guest@partner.example', password: 'another password 456' });
    assert.ok('page' in wrong);
    assert.equal(wrong.page.status, 401);
    const result = await signIn({ loginHint: 'Guest@Partner.example', password: 'guest password 123' });
    assert.ok('claims' in result);
    assert.equal(result.claims.sub, guest.id);
    assert.equal(result.claims.email, 'guest@partner.example');
    assert.equal(result.claims.name, 'Guest Partner');
  });

  test('five wrong built-in passwords in a row lock the account for a while, whatever the password', async () => {
    const { guest, passwordLink } = await admin.ok('POST', `/organizations/${organizationId}/guests`, { username: 'locked@partner.example' });
    await choosePassword(passwordLink.url, 'the right password 1');
    for (let i = 0; i < 5; i++) {
      const wrong = await signIn({ loginHint: 'locked@partner.example', password: `guess ${i} guess ${i}` });
      assert.ok('page' in wrong && wrong.page.status === 401);
    }
    const locked = await signIn({ loginHint: 'locked@partner.example', password: 'the right password 1' });
    assert.ok('page' in locked);
    assert.equal(locked.page.status, 429);
    assert.match(await locked.page.text(), /Too many wrong passwords: try again in \d+ seconds/);
    // The lock ends (moved into the past, as 30 s passing would): the right password opens again.
    await roster.db.updateTable('accounts').set({ locked_until: new Date(Date.now() - 1000).toISOString() }).where('id', '=', guest.id).execute();
    assert.ok('claims' in (await signIn({ loginHint: 'locked@partner.example', password: 'the right password 1' })));
  });

  test('a user switched to the built-in password signs in with it, no longer through Entra; the switch ends their sessions and is an event', async () => {
    const jar = new CookieJar();
    assert.ok('claims' in (await signIn({ loginHint: ADA.preferredUsername, jar })));
    assert.ok('claims' in (await signIn({ jar, prompt: 'none' })), 'signed in: the app gets a code without asking');

    const path = `/directories/${directoryId}/users/${adaId}/sign-in`;
    assert.deepEqual(await admin.ok('GET', path), { accountId: adaId, loginMethod: 'external', entraObjectId: ADA.oid, hasPassword: false });
    const switched = await admin.ok('PUT', path, { loginMethod: 'built-in' });
    assert.equal(switched.loginMethod, 'built-in');
    const { events } = await readEvents(roster, eventsKey, 'types=user.login_method.updated');
    assert.equal(events.length, 1);
    const data = events[0]!.data as { user: { id: string }; loginMethod: string; previousLoginMethod: string };
    assert.deepEqual([data.user.id, data.loginMethod, data.previousLoginMethod], [adaId, 'built-in', 'external']);

    const ended = await signIn({ jar, prompt: 'none' });
    assert.ok('error' in ended && ended.error === 'login_required', 'her session ended with the switch');
    const { url } = await admin.ok('POST', `/directories/${directoryId}/users/${adaId}/password-link`);
    await choosePassword(url, 'ada password 12345');
    const withPassword = await signIn({ loginHint: ADA.preferredUsername, password: 'ada password 12345' });
    assert.ok('claims' in withPassword);
    assert.equal(withPassword.claims.sub, adaId);

    await admin.ok('PUT', path, { loginMethod: 'external' });
    const viaEntra = await signIn({ loginHint: ADA.preferredUsername });
    assert.ok('claims' in viaEntra, 'back on Entra ID');
  });

  /** The app's RP-initiated logout, confirmed by the person: where the browser ends, and the calls Entra ID received. */
  async function signOut(jar: CookieJar, idToken: string): Promise<{ back: URL; entraCalls: typeof idp.endSessionCalls }> {
    const before = idp.endSessionCalls.length;
    const logout = oidc.buildEndSessionUrl(app, { id_token_hint: idToken, post_logout_redirect_uri: APP_SIGNED_OUT, state: 'app state 1' });
    const confirm = await walk(logout, (next) => next.href.startsWith(APP_SIGNED_OUT), jar);
    assert.ok(confirm instanceof Response, 'Roster asks to confirm');
    const html = await confirm.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const fields = Object.fromEntries([...html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    assert.ok(action, html);
    const back = await walk(new URL(action.replaceAll('&amp;', '&'), origin), (next) => next.href.startsWith(APP_SIGNED_OUT), jar, { form: { ...fields, logout: 'yes' } });
    assert.ok(back instanceof URL, `back at the app, not at: ${back instanceof Response ? await back.text() : ''}`);
    return { back, entraCalls: idp.endSessionCalls.slice(before) };
  }

  test('RP-initiated logout ends the session at Roster, then at Entra ID, and returns to the app with its state', async () => {
    const jar = new CookieJar();
    const result = await signIn({ loginHint: ADA.preferredUsername, jar });
    assert.ok('claims' in result && result.idToken);
    const { back, entraCalls } = await signOut(jar, result.idToken);
    assert.equal(back.href, `${APP_SIGNED_OUT}?state=app+state+1`);
    assert.equal(entraCalls.length, 1, 'Roster sent her on to sign out of Entra ID');
    assert.equal(entraCalls[0]!.postLogoutRedirectUri, `${origin}/sso/callback`, "Entra sends her back to Roster's registered redirect URI");
    assert.match(entraCalls[0]!.redirectedTo ?? '', /\/sso\/callback\?state=[\w-]{20,}$/);
    const after = await signIn({ jar, prompt: 'none' });
    assert.ok('error' in after && after.error === 'login_required');

    // The state that brought her back is spent: a replay of Entra's redirect leads nowhere.
    const replay = await fetch(entraCalls[0]!.redirectedTo!, { redirect: 'manual' });
    assert.equal(replay.status, 400);
  });

  test("a guest's logout ends the session at Roster only: the built-in password has nothing at Entra ID to end", async () => {
    const { passwordLink } = await admin.ok('POST', `/organizations/${organizationId}/guests`, { username: 'leaving@partner.example' });
    await choosePassword(passwordLink.url, 'leaving guest password');
    const jar = new CookieJar();
    const result = await signIn({ loginHint: 'leaving@partner.example', password: 'leaving guest password', jar });
    assert.ok('claims' in result && result.idToken);
    const { back, entraCalls } = await signOut(jar, result.idToken);
    assert.equal(back.href, `${APP_SIGNED_OUT}?state=app+state+1`);
    assert.deepEqual(entraCalls, []);
    const after = await signIn({ jar, prompt: 'none' });
    assert.ok('error' in after && after.error === 'login_required');
  });

  test('a mobile app (public client, PKCE, custom-scheme redirect) signs in the same way', async () => {
    const { client, clientSecret } = await roster.roster.oidcClients.add({ name: 'Mobile app', redirectUris: [NATIVE_CALLBACK], native: true });
    assert.equal(clientSecret, null);
    const mobile = await oidc.discovery(new URL(`${origin}/oidc`), client.clientId, undefined, oidc.None(), insecure);
    const result = await signIn({ config: mobile, redirectUri: NATIVE_CALLBACK, loginHint: ADA.preferredUsername });
    assert.ok('claims' in result);
    assert.equal(result.claims.sub, adaId);
  });
});
