import assert from 'node:assert/strict';
import type { ApiResponse } from './api-client.ts';
import type { TestRoster } from './roster.ts';

export const OPERATOR = { username: 'operator', password: 'a long enough password' };

/**
 * A caller of the admin API (`/api/admin`), as the portal is (a session cookie and its CSRF token) or as a script is
 * (an API key).
 */
export class AdminClient {
  private cookie: string | undefined;
  csrfToken: string | undefined;

  private constructor(
    private readonly roster: TestRoster,
    private readonly apiKey?: string,
  ) {}

  static withKey(roster: TestRoster, key: string): AdminClient {
    return new AdminClient(roster, key);
  }

  static anonymous(roster: TestRoster): AdminClient {
    return new AdminClient(roster);
  }

  /** Signs in as the operator (made on first use). */
  static async operator(roster: TestRoster): Promise<AdminClient> {
    if (!(await roster.roster.admins.list()).some((a) => a.username === OPERATOR.username)) await roster.roster.admins.create(OPERATOR.username, OPERATOR.password);
    const client = new AdminClient(roster);
    const res = await client.request('POST', '/session', OPERATOR);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return client;
  }

  /** Opens a setup link's URL as the customer's browser does: the token is the URL's fragment. */
  static async setup(roster: TestRoster, url: string): Promise<{ client: AdminClient; res: ApiResponse }> {
    const client = new AdminClient(roster);
    const res = await client.request('POST', '/session/setup', { token: new URL(url).hash.slice(1) });
    return { client, res };
  }

  /** A request to `/api/admin{path}`; the session's CSRF token goes with it unless `csrf` is false. */
  async request(method: string, path: string, body?: unknown, options: { csrf?: boolean } = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken && options.csrf !== false && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    const response = await this.roster.roster.app.inject({
      method: method as 'GET',
      url: `/api/admin${path}`,
      headers,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const setCookie = response.headers['set-cookie'];
    if (setCookie) this.cookie = String(setCookie).split(';')[0];
    const parsed = response.body ? JSON.parse(response.body) : undefined;
    if (parsed?.csrfToken) this.csrfToken = parsed.csrfToken;
    return { status: response.statusCode, headers: response.headers, body: parsed };
  }

  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const res = await this.request(method, path, body);
    assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}
