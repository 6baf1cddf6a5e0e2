import * as oidc from 'openid-client';

/** The OpenID Connect settings of one organization's Entra ID app registration. */
export interface EntraApp {
  issuer: string;
  clientId: string;
  /** Absent for a public client, which proves itself with PKCE alone (Entra's Mobile and desktop platform). */
  clientSecret?: string;
}

export interface AuthorizationStart {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What Entra's ID token says about the person, once openid-client has checked it. */
export interface EntraIdentity {
  tid: string | undefined;
  oid: string | undefined;
  preferredUsername: string | undefined;
  name: string | undefined;
  email: string | undefined;
  /** Every claim, for the admin's test sign-in. */
  claims: Record<string, unknown>;
}

const SCOPE = 'openid profile email';
/** A tenant's discovery document and keys change rarely: read once an hour per app. */
const CONFIGURATION_TTL_MS = 3_600_000;

/**
 * Roster as a relying party of Entra ID, with `openid-client`: the authorization code flow with PKCE, state and nonce,
 * `response_mode=query`. openid-client checks the ID token's signature, issuer, audience, expiry and nonce; the tenant
 * (`tid`) and the link to a provisioned user are checked by the caller.
 */
export class EntraClient {
  private readonly configurations = new Map<string, { configuration: Promise<oidc.Configuration>; expires: number }>();

  /** `allowHttp`: talk to an identity provider over plain http (tests, with a local provider only). */
  constructor(private readonly options: { allowHttp?: boolean } = {}) {}

  /** Reads the tenant's OpenID configuration (cached); fails when the issuer or app cannot be reached. */
  configuration(app: EntraApp): Promise<oidc.Configuration> {
    const key = JSON.stringify([app.issuer, app.clientId, app.clientSecret ?? null]);
    const cached = this.configurations.get(key);
    if (cached && cached.expires > Date.now()) return cached.configuration;
    const authentication = app.clientSecret === undefined ? oidc.None() : oidc.ClientSecretPost(app.clientSecret);
    const configuration = oidc.discovery(new URL(app.issuer), app.clientId, app.clientSecret, authentication, {
      ...(this.options.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
      timeout: 10,
    });
    // A failed discovery is not kept: the next sign-in tries again.
    configuration.catch(() => this.configurations.delete(key));
    if (this.configurations.size > 1000) this.configurations.clear();
    this.configurations.set(key, { configuration, expires: Date.now() + CONFIGURATION_TTL_MS });
    return configuration;
  }

  async start(app: EntraApp, redirectUri: string, loginHint?: string): Promise<AuthorizationStart> {
    const configuration = await this.configuration(app);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      response_mode: 'query',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
    return { url, state, nonce, codeVerifier };
  }

  /**
   * Entra's end-session URL, which signs the person out of the tenant and sends them to `postLogoutRedirectUri` (one of
   * the app's redirect URIs, as Entra requires) with a fresh `state`. Undefined when the tenant has no such endpoint.
   */
  async endSession(app: EntraApp, postLogoutRedirectUri: string): Promise<{ url: URL; state: string } | undefined> {
    const configuration = await this.configuration(app);
    if (!configuration.serverMetadata().end_session_endpoint) return undefined;
    const state = oidc.randomState();
    return { url: oidc.buildEndSessionUrl(configuration, { post_logout_redirect_uri: postLogoutRedirectUri, state }), state };
  }

  /** Exchanges the code Entra sent back to `callbackUrl`; throws when anything about the answer or token is wrong. */
  async finish(app: EntraApp, callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<EntraIdentity> {
    const configuration = await this.configuration(app);
    const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
    const claims = { ...tokens.claims() } as Record<string, unknown>;
    const text = (name: string) => (typeof claims[name] === 'string' ? (claims[name] as string) : undefined);
    return { tid: text('tid')?.toLowerCase(), oid: text('oid')?.toLowerCase(), preferredUsername: text('preferred_username'), name: text('name'), email: text('email'), claims };
  }
}
