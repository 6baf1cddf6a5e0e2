/**
 * A stand-in for Microsoft Entra ID (Microsoft identity platform v2.0) for single sign-on tests: `oidc-provider` on
 * 127.0.0.1, on a free port, shaped like one Entra tenant.
 *
 * What is Entra-like: the issuer `http://127.0.0.1:PORT/{tenantId}/v2.0` and its discovery document; the endpoint paths
 * (`/{tenantId}/oauth2/v2.0/authorize`, `…/token`, `…/logout`, `/{tenantId}/discovery/v2.0/keys`); ID tokens signed RS256
 * with `tid`, `oid`, `preferred_username`, `name`, `email`, `ver: "2.0"` and a per-application `sub` that is not the
 * `oid`; which scope releases which claim; PKCE; confidential and public (native) clients; and a post-logout redirect
 * without a confirmation page.
 *
 * What is not: sign-in never shows a page. Every authorization request goes through one automatic interaction that picks
 * the account by `login_hint` (or `nextLogin`), so a browser or a fetch loop that keeps cookies just follows redirects
 * to the client's redirect URI. There is no single sign-on session at the provider (see `handle`), so `prompt=none`
 * always answers `login_required`.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, {
  interactionPolicy,
  type Adapter,
  type AdapterFactory,
  type AdapterPayload,
  type Client,
  type ClientMetadata,
  type Configuration,
  type JWK,
  type KoaContextWithOIDC,
} from 'oidc-provider';

export interface EntraAccount {
  /** The user's object ID in the tenant (a GUID in Entra); the `oid` claim. */
  oid: string;
  /** The UPN; the `preferred_username` claim, and what `login_hint` is matched against (case-insensitive). */
  preferredUsername: string;
  name?: string;
  email?: string;
  /** The `tid` claim; defaults to the provider's tenant (set another one to play a guest from a foreign tenant). */
  tid?: string;
}

export interface EntraClient {
  /** The application (client) ID. */
  clientId: string;
  /** A confidential ("web") client when set; a public client (`token_endpoint_auth_method: none`) otherwise. */
  clientSecret?: string;
  redirectUris: string[];
  /** Where logout may send the user back to, besides `redirectUris` (Entra accepts the app's redirect URIs). */
  postLogoutRedirectUris?: string[];
  /**
   * oidc-provider's rules for redirect URIs follow it: 'web' takes http(s) URIs, 'native' takes custom schemes, http
   * loopback and claimed https. Default: 'web' for confidential clients, and for public clients whose redirect URIs are
   * all http(s) on a non-loopback host; 'native' otherwise.
   */
  applicationType?: 'web' | 'native';
}

export interface EntraLikeProviderOptions {
  /** The tenant's ID: a GUID, or a domain like `contoso.onmicrosoft.com`. */
  tenantId: string;
  clients: EntraClient[];
  accounts?: EntraAccount[];
  /** Lifetime of ID tokens; Entra's is one hour. */
  idTokenTtlSeconds?: number;
}

/** One request to the end-session (logout) endpoint, as the test can check it. */
export interface EndSessionCall {
  method: string;
  idTokenHint: string | undefined;
  postLogoutRedirectUri: string | undefined;
  state: string | undefined;
  clientId: string | undefined;
  logoutHint: string | undefined;
  /** Where the user was sent back to; undefined when the signed-out page was shown instead. */
  redirectedTo: string | undefined;
}

const SESSION_COOKIE = '_session';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
/** More than openid-client's default clock tolerance (30 s), so an "expired" token is refused. */
const EXPIRED_BY_SECONDS = 300;

export class EntraLikeProvider {
  /** The account to sign in when an authorization request has no `login_hint` (an `oid`); stays until changed. */
  nextLogin: string | undefined;
  /** Every call to the logout endpoint, oldest first. */
  readonly endSessionCalls: EndSessionCall[] = [];

  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  readonly endSessionEndpoint: string;

  private readonly provider: Provider;
  private readonly providerHandler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  private readonly accounts = new Map<string, EntraAccount>();
  private readonly clients: Map<string, EntraClient>;
  private readonly signingKey: { privateKey: KeyObject; publicKey: KeyObject; kid: string };
  private readonly paths: Record<'discovery' | 'authorize' | 'token' | 'keys' | 'logout' | 'userinfo' | 'login', string>;
  private pendingClaims: Record<string, unknown> | undefined;
  private expireNext = false;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly tenantId: string,
    options: EntraLikeProviderOptions,
  ) {
    const tenant = `/${tenantId}`;
    this.paths = {
      discovery: `${tenant}/v2.0/.well-known/openid-configuration`,
      authorize: `${tenant}/oauth2/v2.0/authorize`,
      token: `${tenant}/oauth2/v2.0/token`,
      keys: `${tenant}/discovery/v2.0/keys`,
      logout: `${tenant}/oauth2/v2.0/logout`,
      // Entra's is https://graph.microsoft.com/oidc/userinfo; SSO does not need it, but it keeps the tenant prefix here.
      userinfo: `${tenant}/openid/userinfo`,
      // Not an Entra endpoint: where the automatic sign-in happens.
      login: `${tenant}/fixture-login/`,
    };
    this.issuer = `${baseUrl}${tenant}/v2.0`;
    this.discoveryUrl = baseUrl + this.paths.discovery;
    this.authorizationEndpoint = baseUrl + this.paths.authorize;
    this.tokenEndpoint = baseUrl + this.paths.token;
    this.jwksUri = baseUrl + this.paths.keys;
    this.endSessionEndpoint = baseUrl + this.paths.logout;

    this.clients = new Map(options.clients.map((client) => [client.clientId, client]));
    for (const account of options.accounts ?? []) this.addAccount(account);
    this.signingKey = generateSigningKey();
    this.provider = new Provider(this.issuer, this.configuration(options));
    // Requests come straight from the test, not through a reverse proxy: X-Forwarded-* headers are not trusted.
    this.provider.proxy = false;
    this.providerHandler = this.provider.callback();
    this.overrideIdTokens();
  }

  static async start(options: EntraLikeProviderOptions): Promise<EntraLikeProvider> {
    if (!/^[A-Za-z0-9.-]+$/.test(options.tenantId)) throw new Error(`tenantId must be a GUID or a domain: ${options.tenantId}`);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    try {
      const fixture = new EntraLikeProvider(server, `http://127.0.0.1:${port}`, options.tenantId, options);
      server.on('request', (req: IncomingMessage, res: ServerResponse) => void fixture.handle(req, res));
      return fixture;
    } catch (error) {
      server.close();
      throw error;
    }
  }

  addAccount(account: EntraAccount): void {
    this.accounts.set(account.oid, account);
  }

  /** The `sub` Entra would give this account in tokens for this client: stable, per application, not the `oid`. */
  subjectFor(oid: string, clientId: string): string {
    return createHash('sha256').update(`${oid}${clientId}`).digest('base64url');
  }

  /**
   * Changes claims of the next ID token only (whichever client it is for), then the provider goes back to normal.
   * Any claim can be set, including `iss`, `aud`, `exp` and `nonce`; a value of `undefined` removes the claim. The
   * token is signed again with the tenant's key, so only the claims are wrong. Calls before that token add up.
   */
  overrideNextIdTokenClaims(claims: Record<string, unknown>): void {
    this.pendingClaims = { ...this.pendingClaims, ...claims };
  }

  /** The next ID token says it is from another tenant (`tid`), as a token for a multi-tenant app would. */
  issueTokensWithTenant(tid: string): void {
    this.overrideNextIdTokenClaims({ tid });
  }

  /** The next ID token has already expired when it is issued (`exp` five minutes in the past). */
  expireNextIdTokenImmediately(): void {
    this.expireNext = true;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private configuration(options: EntraLikeProviderOptions): ConfigurationV8 {
    const idTokenTtl = options.idTokenTtlSeconds ?? 3600;
    const loginPrefix = this.paths.login;
    // Entra understands prompt=select_account; registering it (satisfied by the automatic sign-in) keeps
    // oidc-provider from refusing it as an unsupported prompt.
    const policy = interactionPolicy.base();
    policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }));
    return {
      adapter: memoryAdapter(),
      clients: options.clients.map(clientMetadata),
      jwks: { keys: [this.publicAndPrivateJwk()] },
      cookies: { keys: [randomBytes(32).toString('base64url')], names: { session: SESSION_COOKIE } },
      // The scope that releases each claim, as Entra documents it: tid with openid; oid, name and
      // preferred_username need profile; email needs email.
      claims: {
        openid: ['sub', 'tid', 'ver'],
        profile: ['oid', 'name', 'preferred_username'],
        email: ['email'],
      },
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      // Entra's sub is pairwise: per application, never the oid. oidc-provider always makes sub the accountId (the
      // oid here) unless the client is pairwise, so every client is, with this identifier.
      subjectTypes: ['pairwise'],
      pairwiseIdentifier: (_ctx, oid, client) => this.subjectFor(oid, client.clientId),
      // oidc-provider wants a sector_identifier_uri for pairwise clients whose redirect URIs have several hosts, and
      // fetches it; the identifier above does not use sectors, so such clients get a placeholder (see clientMetadata)
      // that is never fetched.
      sectorIdentifierUriValidate: () => false,
      // An Entra app registration issues no ID token from the authorization endpoint unless implicit/hybrid is enabled.
      responseTypes: ['code'],
      // oidc-provider's default puts only `sub` in ID tokens of the code flow (the rest at userinfo); Entra puts the
      // profile claims in the ID token.
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      clientAuthMethods: ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none'],
      enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
      features: {
        devInteractions: { enabled: false },
        // Entra has no PAR endpoint, and no DPoP for these clients.
        pushedAuthorizationRequests: { enabled: false },
        dPoP: { enabled: false },
        // The logout endpoint is served by `endSession` (it redirects without a confirmation form); discovery below
        // names it.
        rpInitiatedLogout: { enabled: false },
        userinfo: { enabled: true },
      },
      discovery: { end_session_endpoint: this.endSessionEndpoint },
      routes: {
        authorization: this.paths.authorize,
        token: this.paths.token,
        jwks: this.paths.keys,
        userinfo: this.paths.userinfo,
      },
      interactions: {
        policy,
        url: (_ctx: KoaContextWithOIDC, interaction) => `${loginPrefix}${interaction.uid}`,
      },
      findAccount: (_ctx: KoaContextWithOIDC, oid: string) => this.findAccount(oid),
      ttl: {
        AccessToken: 3600,
        AuthorizationCode: 600,
        ClientCredentials: 3600,
        Grant: 86400,
        IdToken: idTokenTtl,
        Interaction: 600,
        RefreshToken: 86400,
        Session: 86400,
      },
      clientBasedCORS: (_ctx, origin, client) =>
        client.clientAuthMethod === 'none' && client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) === true,
      // Plain text, so a test that gets an error page can print what went wrong.
      renderError: (ctx, out) => {
        ctx.type = 'text/plain';
        ctx.body = `${out.error}: ${out.error_description ?? ''}\n`;
      },
    };
  }

  private findAccount(oid: string) {
    const account = this.accounts.get(oid);
    if (!account) return undefined;
    return {
      accountId: oid,
      claims: () => ({
        // oidc-provider replaces it with pairwiseIdentifier's value.
        sub: oid,
        tid: account.tid ?? this.tenantId,
        ver: '2.0',
        oid,
        name: account.name,
        preferred_username: account.preferredUsername,
        email: account.email,
      }),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.baseUrl);
      // No single sign-on session: oidc-provider never sees its session cookie, so each authorization request runs
      // the automatic sign-in again and login_hint / nextLogin always decide the account. Otherwise a second sign-in
      // as someone else would go through oidc-provider's auto-submitting "end the other session" form.
      stripCookie(req, SESSION_COOKIE);
      if (url.pathname === this.paths.discovery) {
        // oidc-provider serves discovery at /.well-known/openid-configuration of its mount point; Entra serves it
        // under the issuer. The endpoints in it come from `routes`, which carry the tenant.
        req.url = `/.well-known/openid-configuration${url.search}`;
      } else if (url.pathname === '/.well-known/openid-configuration') {
        return plainText(res, 404, 'Entra serves discovery under the issuer: /{tenant}/v2.0/.well-known/openid-configuration\n');
      } else if (url.pathname.startsWith(this.paths.login)) {
        return await this.signIn(req, res);
      } else if (url.pathname === this.paths.logout) {
        return await this.endSession(req, res, url);
      }
      await this.providerHandler(req, res);
    } catch (error) {
      if (!res.headersSent) plainText(res, 500, `fixture error: ${String(error)}\n`);
      else res.end();
    }
  }

  /** The interaction: picks the account, grants what was asked and sends the browser back to the authorization endpoint. */
  private async signIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let details;
    try {
      details = await this.provider.interactionDetails(req, res);
    } catch (error) {
      return plainText(res, 400, `no sign-in in progress: ${String(error)}\n`);
    }
    const { params } = details;
    const account = this.chooseAccount(typeof params.login_hint === 'string' ? params.login_hint : undefined);
    if (typeof account === 'string') return plainText(res, 400, `${account}\n`);

    const grant = new this.provider.Grant({ accountId: account.oid, clientId: String(params.client_id) });
    grant.addOIDCScope(typeof params.scope === 'string' ? params.scope : 'openid');
    const grantId = await grant.save();
    await this.provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.oid }, consent: { grantId }, select_account: {} },
      { mergeWithLastSubmission: false },
    );
  }

  /** The account to sign in, or why there is none. */
  private chooseAccount(loginHint: string | undefined): EntraAccount | string {
    if (loginHint !== undefined) {
      const wanted = loginHint.toLowerCase();
      const match = [...this.accounts.values()].find((account) => account.preferredUsername.toLowerCase() === wanted);
      return match ?? `no account with preferred_username ${loginHint} (login_hint) in tenant ${this.tenantId}`;
    }
    if (this.nextLogin === undefined) return 'no login_hint in the authorization request and no nextLogin set on the provider';
    return this.accounts.get(this.nextLogin) ?? `nextLogin ${this.nextLogin} is not the oid of an account`;
  }

  /**
   * The logout endpoint, like Entra's: records the call, then sends the user to post_logout_redirect_uri (with `state`)
   * when it belongs to the app named by id_token_hint or client_id; otherwise shows a signed-out page.
   */
  private async endSession(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const params = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
    const call: EndSessionCall = {
      method: req.method ?? 'GET',
      idTokenHint: params.get('id_token_hint') ?? undefined,
      postLogoutRedirectUri: params.get('post_logout_redirect_uri') ?? undefined,
      state: params.get('state') ?? undefined,
      clientId: params.get('client_id') ?? undefined,
      logoutHint: params.get('logout_hint') ?? undefined,
      redirectedTo: undefined,
    };
    this.endSessionCalls.push(call);

    let clientId = call.clientId;
    if (call.idTokenHint !== undefined) {
      const hint = this.verifyOwnIdToken(call.idTokenHint);
      if (!hint) return plainText(res, 400, 'invalid_request: id_token_hint was not issued by this tenant\n');
      clientId ??= typeof hint.aud === 'string' ? hint.aud : undefined;
    }
    const client = clientId === undefined ? undefined : this.clients.get(clientId);
    const target = call.postLogoutRedirectUri;
    if (client && target !== undefined && [...client.redirectUris, ...(client.postLogoutRedirectUris ?? [])].includes(target)) {
      const location = new URL(target);
      if (call.state !== undefined) location.searchParams.set('state', call.state);
      call.redirectedTo = location.href;
      res.writeHead(302, { location: location.href, 'cache-control': 'no-store' }).end();
      return;
    }
    plainText(res, 200, 'You signed out of your account.\n');
  }

  /** The payload of an ID token this tenant signed (expired ones too, as id_token_hint may be), or undefined. */
  private verifyOwnIdToken(jwt: string): Record<string, unknown> | undefined {
    const [header, payload, signature] = jwt.split('.');
    if (header === undefined || payload === undefined || signature === undefined) return undefined;
    const signed = verify('sha256', Buffer.from(`${header}.${payload}`), this.signingKey.publicKey, Buffer.from(signature, 'base64url'));
    if (!signed) return undefined;
    const claims = decodeSegment(payload);
    return claims.iss === this.issuer ? claims : undefined;
  }

  /**
   * oidc-provider builds ID token claims from `findAccount` filtered by scope, and sets iss/aud/exp/sub itself, so the
   * one-shot overrides are applied after it signed: this provider's IdToken class (one per Provider instance) gets an
   * `issue` that re-signs the token with changed claims.
   */
  private overrideIdTokens(): void {
    const prototype = this.provider.IdToken.prototype;
    const issue = prototype.issue;
    const fixture = this;
    prototype.issue = async function (this: typeof prototype, context) {
      const token = await issue.call(this, context);
      return context.use === 'idtoken' ? fixture.applyOverrides(token) : token;
    };
  }

  private applyOverrides(token: string): string {
    const claims = this.pendingClaims;
    const expire = this.expireNext;
    if (claims === undefined && !expire) return token;
    this.pendingClaims = undefined;
    this.expireNext = false;

    const [header, payload] = token.split('.');
    const changed: Record<string, unknown> = decodeSegment(payload ?? '');
    if (expire) {
      const lifetime = Number(changed.exp) - Number(changed.iat);
      changed.exp = Math.floor(Date.now() / 1000) - EXPIRED_BY_SECONDS;
      changed.iat = Number(changed.exp) - lifetime;
    }
    for (const [name, value] of Object.entries(claims ?? {})) {
      if (value === undefined) delete changed[name];
      else changed[name] = value;
    }
    const input = `${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}`;
    return `${input}.${sign('sha256', Buffer.from(input), this.signingKey.privateKey).toString('base64url')}`;
  }

  private publicAndPrivateJwk(): JWK {
    return { ...this.signingKey.privateKey.export({ format: 'jwk' }), kid: this.signingKey.kid, alg: 'RS256', use: 'sig' } as JWK;
  }
}

/**
 * oidc-provider 8.8.1 honours `sectorIdentifierUriValidate` (lib/helpers/defaults.js, lib/models/client.js), but
 * @types/oidc-provider 8.8.1 does not declare it.
 */
type ConfigurationV8 = Configuration & { sectorIdentifierUriValidate?: (client: Client) => boolean };

function generateSigningKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // Entra's key IDs are opaque base64url strings.
  return { privateKey, publicKey, kid: randomBytes(20).toString('base64url') };
}

function clientMetadata(client: EntraClient): ClientMetadata {
  const confidential = client.clientSecret !== undefined;
  return {
    client_id: client.clientId,
    ...(confidential
      ? { client_secret: client.clientSecret, token_endpoint_auth_method: 'client_secret_post' }
      : { token_endpoint_auth_method: 'none' }),
    application_type: client.applicationType ?? (confidential || client.redirectUris.every(isRemoteWebUri) ? 'web' : 'native'),
    redirect_uris: client.redirectUris,
    // oidc-provider requires one for pairwise clients whose redirect URIs have several hosts; never fetched.
    ...(new Set(client.redirectUris.map(redirectHost)).size > 1
      ? { sector_identifier_uri: `https://sector.invalid/${encodeURIComponent(client.clientId)}` }
      : {}),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
}

/** The host oidc-provider derives a client's sector from (`new URL(uri).host`; a custom scheme's may be empty). */
function redirectHost(uri: string): string | undefined {
  return URL.parse(uri)?.host;
}

function isRemoteWebUri(uri: string): boolean {
  const url = URL.parse(uri);
  return url !== null && (url.protocol === 'https:' || url.protocol === 'http:') && !LOOPBACK_HOSTS.has(url.hostname);
}

function decodeSegment(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function stripCookie(req: IncomingMessage, name: string): void {
  const header = req.headers.cookie;
  if (header === undefined) return;
  const kept = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => {
      const cookieName = part.slice(0, part.indexOf('='));
      return cookieName !== name && cookieName !== `${name}.sig`;
    });
  if (kept.length > 0) req.headers.cookie = kept.join('; ');
  else delete req.headers.cookie;
}

function plainText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Stored {
  payload: AdapterPayload;
  expiresAt: number;
}

/**
 * A per-provider in-memory store. oidc-provider's own MemoryAdapter would do, but using it prints a "development-only
 * adapter" warning on every start.
 */
function memoryAdapter(): AdapterFactory {
  const store = new Map<string, Stored>();
  return (model: string) => new MemoryAdapter(model, store);
}

class MemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: Map<string, Stored>,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
    this.store.set(this.key(id), { payload, expiresAt });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const stored = this.store.get(this.key(id));
    return stored && stored.expiresAt > Date.now() ? stored.payload : undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere((payload) => payload.uid === uid);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere((payload) => payload.userCode === userCode);
  }

  async consume(id: string): Promise<void> {
    const payload = await this.find(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [key, { payload }] of this.store) if (payload.grantId === grantId) this.store.delete(key);
  }

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  private findWhere(matches: (payload: AdapterPayload) => boolean): AdapterPayload | undefined {
    const now = Date.now();
    for (const [key, stored] of this.store) {
      if (key.startsWith(`${this.model}:`) && stored.expiresAt > now && matches(stored.payload)) return stored.payload;
    }
    return undefined;
  }
}
