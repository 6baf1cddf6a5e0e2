import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Database } from '../store/database.ts';

export class OidcClientError extends Error {}

/** A host app registered with Roster's OpenID provider, as the operator sees it (never its secret). */
export interface OidcClient {
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** `web`: a server-side app with a secret; `native`: a mobile or desktop app, public, with PKCE. */
  applicationType: 'web' | 'native';
  createdAt: string;
}

interface Metadata {
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  application_type: 'web' | 'native';
  token_endpoint_auth_method: 'client_secret_basic' | 'none';
}

/**
 * The host apps that sign people in through Roster (`roster oidc-client add`). A web app gets a secret, shown once and
 * stored sealed; a mobile or desktop app is a public client, which must use PKCE, with custom-scheme or loopback
 * redirect URIs.
 */
export class OidcClients {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: () => SecretBox,
  ) {}

  async add(input: { name: string; redirectUris: string[]; postLogoutRedirectUris?: string[]; native?: boolean }): Promise<{ client: OidcClient; clientSecret: string | null }> {
    if (!input.name.trim()) throw new OidcClientError('a client needs a name');
    if (input.redirectUris.length === 0) throw new OidcClientError('a client needs at least one redirect URI');
    for (const uri of [...input.redirectUris, ...(input.postLogoutRedirectUris ?? [])]) {
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        throw new OidcClientError(`${uri} is not a URL`);
      }
      if (url.hash) throw new OidcClientError(`${uri}: a redirect URI has no fragment`);
      if (!input.native && url.protocol !== 'https:' && !(url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))) {
        throw new OidcClientError(`${uri}: a web app's redirect URI is https (or http on localhost for development)`);
      }
    }
    const clientId = randomUUID();
    const clientSecret = input.native ? null : randomBytes(32).toString('base64url');
    const metadata: Metadata = {
      redirect_uris: input.redirectUris,
      post_logout_redirect_uris: input.postLogoutRedirectUris ?? [],
      application_type: input.native ? 'native' : 'web',
      token_endpoint_auth_method: input.native ? 'none' : 'client_secret_basic',
    };
    const createdAt = new Date().toISOString();
    await this.db
      .insertInto('oidc_clients')
      .values({
        client_id: clientId,
        name: input.name.trim(),
        metadata: JSON.stringify(metadata),
        client_secret: clientSecret === null ? null : this.secrets().seal(clientSecret, context(clientId)),
        created_at: createdAt,
      })
      .execute();
    return { client: view({ client_id: clientId, name: input.name.trim(), metadata: JSON.stringify(metadata), created_at: createdAt }), clientSecret };
  }

  async list(): Promise<OidcClient[]> {
    return (await this.db.selectFrom('oidc_clients').select(['client_id', 'name', 'metadata', 'created_at']).orderBy('created_at').execute()).map(view);
  }

  async remove(clientId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('oidc_clients').where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The client as oidc-provider reads it (its `Client` adapter), secret opened. */
  adapter(): Adapter {
    const find = async (id: string): Promise<AdapterPayload | undefined> => {
      const row = await this.db.selectFrom('oidc_clients').selectAll().where('client_id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      return {
        client_id: row.client_id,
        client_name: row.name,
        ...(JSON.parse(row.metadata) as Metadata),
        ...(row.client_secret ? { client_secret: this.secrets().open(row.client_secret, context(row.client_id)) } : {}),
        grant_types: ['authorization_code'],
        response_types: ['code'],
      };
    };
    const refuse = async () => {
      throw new Error('clients are registered with `roster oidc-client add`');
    };
    return { find, upsert: refuse, findByUid: async () => undefined, findByUserCode: async () => undefined, consume: refuse, destroy: refuse, revokeByGrantId: refuse };
  }
}

function view(row: { client_id: string; name: string; metadata: string; created_at: string }): OidcClient {
  const metadata = JSON.parse(row.metadata) as Metadata;
  return {
    clientId: row.client_id,
    name: row.name,
    redirectUris: metadata.redirect_uris,
    postLogoutRedirectUris: metadata.post_logout_redirect_uris,
    applicationType: metadata.application_type,
    createdAt: row.created_at,
  };
}

const context = (clientId: string) => `oidc-client:${clientId}`;
