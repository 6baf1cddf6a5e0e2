import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A host app as a SaaS would write it, on 127.0.0.1: an ordinary OpenID Connect client (openid-client) of Roster.
 * `/login?login_hint=…` sends the browser to Roster; `/callback` exchanges the code and shows who signed in;
 * `/logout` signs the last person out through Roster (RP-initiated logout), which sends them back to `/signed-out`.
 */
export class HostApp {
  /** Who signed in, by the ID token's claims, in order. */
  readonly signIns: Array<Record<string, unknown>> = [];
  private lastIdToken: string | undefined;
  private readonly pending = new Map<string, { verifier: string; nonce: string }>();

  private config: oidc.Configuration | undefined;

  private constructor(private readonly server: Server) {}

  /** Listens first, so its redirect URI (`{url}/callback`) can be registered with Roster; then `connect`. */
  static async listen(): Promise<HostApp> {
    const server = createServer();
    const app = new HostApp(server);
    server.on('request', (request, response) => {
      app.handle(new URL(request.url ?? '/', app.url)).then(
        ({ status, headers, body }) => response.writeHead(status, headers).end(body),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return app;
  }

  /** Discovers Roster's OpenID provider with the client id and secret Roster gave the app. */
  async connect(issuer: string, clientId: string, clientSecret: string): Promise<void> {
    this.config = await oidc.discovery(new URL(issuer), clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(url: URL): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    if (url.pathname === '/login') {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      this.pending.set(state, { verifier, nonce });
      const hint = url.searchParams.get('login_hint');
      const target = oidc.buildAuthorizationUrl(this.config!, {
        redirect_uri: `${this.url}/callback`,
        scope: 'openid profile email',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...(hint ? { login_hint: hint } : {}),
      });
      return { status: 302, headers: { location: target.href }, body: '' };
    }
    if (url.pathname === '/callback') {
      const state = url.searchParams.get('state') ?? '';
      const expected = this.pending.get(state);
      if (!expected) return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'unknown state' };
      this.pending.delete(state);
      const tokens = await oidc.authorizationCodeGrant(this.config!, url, { pkceCodeVerifier: expected.verifier, expectedState: state, expectedNonce: expected.nonce, idTokenExpected: true });
      const claims = { ...tokens.claims() } as Record<string, unknown>;
      this.signIns.push(claims);
      this.lastIdToken = tokens.id_token;
      const rows = Object.entries(claims)
        .map(([name, value]) => `<tr><th>${escape(name)}</th><td>${escape(typeof value === 'string' ? value : JSON.stringify(value))}</td></tr>`)
        .join('');
      return {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: `<!doctype html><html lang="en"><head><title>Tailspin app</title><style>body{font:16px system-ui;margin:2rem}th{text-align:left;padding-right:1rem}</style></head><body><h1>Signed in as ${escape(String(claims.name ?? claims.sub))}</h1><table>${rows}</table></body></html>`,
      };
    }
    if (url.pathname === '/logout') {
      const target = oidc.buildEndSessionUrl(this.config!, { id_token_hint: this.lastIdToken ?? '', post_logout_redirect_uri: `${this.url}/signed-out` });
      return { status: 302, headers: { location: target.href }, body: '' };
    }
    if (url.pathname === '/signed-out') {
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><html lang="en"><head><title>Tailspin app</title></head><body><h1>Signed out</h1></body></html>' };
    }
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
