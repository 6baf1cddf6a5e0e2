import type { AttributeRules } from '../../src/directory/attribute-rules.ts';
import { type RosterApp, buildApp, type AppOptions } from '../../src/http/app.ts';
import type { Connection } from '../../src/store/connect.ts';
import { connectTestDatabase } from './test-database.ts';

export interface ScimResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any;
}

export interface DirectoryHandle {
  id: string;
  token: string;
  base: string;
}

/** A Roster app on a fresh database of the dialect under test (test-database.ts), driven through HTTP requests (Fastify inject: no sockets). */
export class TestRoster {
  private constructor(
    readonly roster: RosterApp,
    readonly connection: Connection,
  ) {}

  static async start(options: Partial<AppOptions> = {}): Promise<TestRoster> {
    const connection = options.connection ?? (await connectTestDatabase());
    const roster = await buildApp({ connection, publicUrl: 'https://roster.test', ...options });
    return new TestRoster(roster, connection);
  }

  get db() {
    return this.connection.db;
  }

  async directory(provider: 'entra' | 'okta' | 'generic' = 'entra', rules?: AttributeRules): Promise<DirectoryHandle> {
    const { directory, token } = await this.roster.directories.create(`Test ${provider}`, provider);
    if (rules) await this.roster.directories.setRules(directory.id, rules);
    return { id: directory.id, token, base: `/scim/v2/${directory.id}` };
  }

  /** Sends a SCIM request to a directory; `path` is relative to its Tenant URL. */
  async request(
    dir: DirectoryHandle,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ScimResponse> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const response = await this.roster.app.inject({
      method: method as 'GET',
      url: `${dir.base}${path}`,
      headers: {
        authorization: `Bearer ${dir.token}`,
        ...(payload !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        ...headers,
      },
      payload,
    });
    const text = response.body;
    return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  async close(): Promise<void> {
    await this.roster.app.close();
    await this.connection.close();
  }
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export const patchOp = (...operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });

export function userBody(userName: string, extra: Record<string, unknown> = {}) {
  return { schemas: [USER_SCHEMA], userName, active: true, ...extra };
}
