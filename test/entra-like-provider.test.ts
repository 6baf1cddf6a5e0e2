/**
 * The Entra-like identity provider fixture (support/entra-like-provider.ts), driven as the SSO tests will drive it:
 * openid-client v6 as the relying party, and plain fetch with manual redirects and a small cookie jar as the browser.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { browse } from './support/browse.ts';
import { EntraLikeProvider } from './support/entra-like-provider.ts';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const WEB = { clientId: 'a1b2c3d4-0000-4000-8000-00000000000a', clientSecret: 'web-secret', redirectUri: 'http://127.0.0.1:9/sso/callback' };
const NATIVE = { clientId: 'a1b2c3d4-0000-4000-8000-00000000000b', redirectUri: 'com.example.app://auth' };
const ADA = { oid: '00000000-0000-4000-8000-0000000000ad', preferredUsername: 'ada@contoso.example', name: 'Ada Lovelace', email: 'ada@contoso.example' };
const ALAN = { oid: '00000000-0000-4000-8000-0000000000a1', preferredUsername: 'alan@contoso.example', name: 'Alan Turing' };

async function callback(start: URL | string): Promise<URL> {
  const result = await browse(start);
  if (result instanceof URL) return result;
  assert.fail(`sign-in stopped at ${result.url}: ${result.status} ${await result.text()}`);
}

interface Login {
  config: oidc.Configuration;
  redirectUri: string;
  loginHint?: string;
  scope?: string;
}

/** A whole sign-in: authorization request with PKCE, state and nonce, redirects, code exchange and ID token checks. */
async function signIn({ config, redirectUri, loginHint, scope = 'openid profile email' }: Login) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    response_mode: 'query',
    state,
    nonce,
    ...(loginHint === undefined ? {} : { login_hint: loginHint }),
  });
  const returned = await callback(url);
  assert.ok(returned.href.startsWith(redirectUri), returned.href);
  assert.equal(returned.searchParams.get('state'), state);
  assert.ok(returned.searchParams.get('code'));
  return oidc.authorizationCodeGrant(config, returned, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
}

describe('EntraLikeProvider', () => {
  let idp: EntraLikeProvider;
  let web: oidc.Configuration;
  let native: oidc.Configuration;
  // openid-client refuses http: unless told; the SSO code will need the same option for this fixture.
  const insecure = { execute: [oidc.allowInsecureRequests] };

  before(async () => {
    idp = await EntraLikeProvider.start({
      tenantId: TENANT,
      clients: [
        { clientId: WEB.clientId, clientSecret: WEB.clientSecret, redirectUris: [WEB.redirectUri], postLogoutRedirectUris: ['http://127.0.0.1:9/signed-out'] },
        { clientId: NATIVE.clientId, redirectUris: [NATIVE.redirectUri] },
      ],
      accounts: [ADA],
    });
    web = await oidc.discovery(new URL(idp.issuer), WEB.clientId, WEB.clientSecret, undefined, insecure);
    native = await oidc.discovery(new URL(idp.issuer), NATIVE.clientId, undefined, oidc.None(), insecure);
  });

  after(() => idp.close());

  test('serves discovery under an Entra-shaped issuer, with every endpoint under the tenant', async () => {
    assert.equal(idp.issuer, `${idp.baseUrl}/${TENANT}/v2.0`);
    const document = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(document.issuer, idp.issuer);
    assert.equal(document.authorization_endpoint, `${idp.baseUrl}/${TENANT}/oauth2/v2.0/authorize`);
    assert.equal(document.token_endpoint, `${idp.baseUrl}/${TENANT}/oauth2/v2.0/token`);
    assert.equal(document.jwks_uri, `${idp.baseUrl}/${TENANT}/discovery/v2.0/keys`);
    assert.equal(document.end_session_endpoint, `${idp.baseUrl}/${TENANT}/oauth2/v2.0/logout`);
    for (const [name, value] of Object.entries(document)) {
      if (name.endsWith('_endpoint') || name === 'jwks_uri') assert.ok(String(value).startsWith(`${idp.baseUrl}/${TENANT}/`), name);
    }
    assert.deepEqual(document.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(document.response_types_supported, ['code']);
    assert.equal((await fetch(`${idp.baseUrl}/.well-known/openid-configuration`)).status, 404);
    assert.equal(web.serverMetadata().issuer, idp.issuer);
  });

  test('signs in a confidential client with PKCE and login_hint; the ID token has Entra claims', async () => {
    const tokens = await signIn({ config: web, redirectUri: WEB.redirectUri, loginHint: 'ADA@Contoso.Example' });
    const claims = tokens.claims();
    assert.ok(claims);
    assert.equal(claims.iss, idp.issuer);
    assert.equal(claims.aud, WEB.clientId);
    assert.equal(claims.tid, TENANT);
    assert.equal(claims.oid, ADA.oid);
    assert.equal(claims.preferred_username, ADA.preferredUsername);
    assert.equal(claims.name, ADA.name);
    assert.equal(claims.email, ADA.email);
    assert.equal(claims.ver, '2.0');
    assert.equal(claims.sub, idp.subjectFor(ADA.oid, WEB.clientId));
    assert.notEqual(claims.sub, ADA.oid);
    assert.equal(claims.exp - claims.iat, 3600);

    // client_secret_basic works as well as client_secret_post, and sub is stable for the app.
    const basic = await oidc.discovery(new URL(idp.issuer), WEB.clientId, undefined, oidc.ClientSecretBasic(WEB.clientSecret), insecure);
    const again = await signIn({ config: basic, redirectUri: WEB.redirectUri, loginHint: ADA.preferredUsername });
    assert.equal(again.claims()?.sub, claims.sub);
  });

  test('releases claims by scope as Entra does: no oid, name or email with openid alone', async () => {
    const claims = (await signIn({ config: web, redirectUri: WEB.redirectUri, loginHint: ADA.preferredUsername, scope: 'openid' })).claims();
    assert.equal(claims?.tid, TENANT);
    assert.equal(claims?.oid, undefined);
    assert.equal(claims?.preferred_username, undefined);
    assert.equal(claims?.email, undefined);
  });

  test('without login_hint signs in nextLogin, and refuses with a plain-text 400 when neither is set', async () => {
    idp.addAccount(ALAN);
    idp.nextLogin = ALAN.oid;
    assert.equal((await signIn({ config: web, redirectUri: WEB.redirectUri })).claims()?.oid, ALAN.oid);
    // A different account right after: nothing of the previous sign-in is remembered by the provider.
    assert.equal((await signIn({ config: web, redirectUri: WEB.redirectUri, loginHint: ADA.preferredUsername })).claims()?.oid, ADA.oid);

    idp.nextLogin = undefined;
    const url = oidc.buildAuthorizationUrl(web, {
      redirect_uri: WEB.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const stopped = await browse(url);
    assert.ok(stopped instanceof Response);
    assert.equal(stopped.status, 400);
    assert.match(stopped.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await stopped.text(), /no login_hint/);
  });

  test('refuses an authorization request without PKCE', async () => {
    const url = oidc.buildAuthorizationUrl(web, { redirect_uri: WEB.redirectUri, scope: 'openid', state: 'xyz', login_hint: ADA.preferredUsername });
    const returned = await browse(url);
    assert.ok(returned instanceof URL);
    assert.equal(returned.searchParams.get('error'), 'invalid_request');
    assert.match(returned.searchParams.get('error_description') ?? '', /PKCE/);
    assert.equal(returned.searchParams.get('code'), null);
  });

  test('signs in a public native client with a custom-scheme redirect URI', async () => {
    const tokens = await signIn({ config: native, redirectUri: NATIVE.redirectUri, loginHint: ADA.preferredUsername, scope: 'openid profile offline_access' });
    // offline_access is accepted; oidc-provider only issues a refresh token when prompt=consent was asked too.
    assert.equal(tokens.refresh_token, undefined);
    const claims = tokens.claims();
    assert.equal(claims?.aud, NATIVE.clientId);
    assert.equal(claims?.oid, ADA.oid);
    // Pairwise like Entra: the same user has another sub in another app.
    assert.equal(claims?.sub, idp.subjectFor(ADA.oid, NATIVE.clientId));
    assert.notEqual(claims?.sub, idp.subjectFor(ADA.oid, WEB.clientId));
  });

  test('overrides claims of the next ID token only', async () => {
    idp.issueTokensWithTenant('other-tenant');
    const overridden = await signIn({ config: web, redirectUri: WEB.redirectUri, loginHint: ADA.preferredUsername });
    assert.equal(overridden.claims()?.tid, 'other-tenant');
    const next = await signIn({ config: web, redirectUri: WEB.redirectUri, loginHint: ADA.preferredUsername });
    assert.equal(next.claims()?.tid, TENANT);

    idp.overrideNextIdTokenClaims({ oid: undefined });
    const withoutOid = await signIn({ config: web, redirectUri: WEB.redirectUri, loginHint: ADA.preferredUsername });
    assert.equal(withoutOid.claims()?.oid, undefined);
  });

  test('can issue an ID token that is already expired, which openid-client refuses', async () => {
    idp.expireNextIdTokenImmediately();
    await assert.rejects(signIn({ config: web, redirectUri: WEB.redirectUri, loginHint: ADA.preferredUsername }), /timestamp claim/);
  });

  test('logout redirects to a registered post_logout_redirect_uri with state, and records the call', async () => {
    const tokens = await signIn({ config: web, redirectUri: WEB.redirectUri, loginHint: ADA.preferredUsername });
    const logout = oidc.buildEndSessionUrl(web, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: 'http://127.0.0.1:9/signed-out',
      state: 'bye',
    });
    const returned = await browse(logout);
    assert.ok(returned instanceof URL);
    assert.equal(returned.href, 'http://127.0.0.1:9/signed-out?state=bye');
    const call = idp.endSessionCalls.at(-1);
    assert.equal(call?.idTokenHint, tokens.id_token);
    assert.equal(call?.postLogoutRedirectUri, 'http://127.0.0.1:9/signed-out');
    assert.equal(call?.redirectedTo, returned.href);

    // An address the app did not register gets the signed-out page, not a redirect.
    const page = await browse(oidc.buildEndSessionUrl(web, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: 'http://127.0.0.1:9/elsewhere' }));
    assert.ok(page instanceof Response);
    assert.equal(page.status, 200);
    assert.equal(idp.endSessionCalls.at(-1)?.redirectedTo, undefined);
  });
});
