import type { SecretBox } from '../secrets/secret-box.ts';
import type { SsoConnectionRow, SsoConnectionStore } from '../store/sso-connection-store.ts';
import { AuthorityError, parseEntraAuthority, tenantOfIssuer } from './entra-authority.ts';
import type { EntraApp, EntraClient } from './entra-client.ts';
import { type EntraPlatform, platformOf } from './entra-platform.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SsoConfigurationError extends Error {}

/** What the admin enters from Entra's app registration. The secret is write-only: absent on an update, it is kept. */
export interface SsoConnectionInput {
  clientId: string;
  /** Directory (tenant) ID, a tenant domain, or the Authority URL. */
  authority: string;
  /** The secret's Value (the Web platform); null for none: Roster then signs in as a public client (Mobile and desktop). */
  clientSecret?: string | null;
  /** The secret's expiry, as Entra shows it under Certificates & secrets, so the portal can warn in time. */
  clientSecretExpiresAt?: string | null;
  justInTime?: boolean;
}

/** A connection as admins see it: never the secret. */
export interface SsoConnectionView {
  organizationId: string;
  clientId: string;
  tenantId: string;
  issuer: string;
  /** The platform Roster signs in through: `web` with the client secret, `mobileAndDesktop` without one. */
  platform: EntraPlatform;
  clientSecretExpiresAt: string | null;
  justInTime: boolean;
  createdAt: string;
  updatedAt: string;
}

const view = (row: SsoConnectionRow): SsoConnectionView => ({
  organizationId: row.organization_id,
  clientId: row.client_id,
  tenantId: row.tenant_id,
  issuer: row.issuer,
  platform: platformOf(row.client_secret),
  clientSecretExpiresAt: row.client_secret_expires_at,
  justInTime: Number(row.just_in_time) === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * Each organization's Entra ID connection. Saving one reads the tenant's OpenID configuration at once, so a wrong
 * tenant or a typo fails while the admin is still on the page, and the tenant id comes from Microsoft's own issuer
 * even when the admin gave a domain. The client secret is sealed with the key from the environment.
 */
export class SsoConnections {
  constructor(
    private readonly store: SsoConnectionStore,
    private readonly secrets: () => SecretBox,
    private readonly entra: EntraClient,
    private readonly options: { allowHttp?: boolean } = {},
  ) {}

  async get(organizationId: string): Promise<SsoConnectionView | undefined> {
    const row = await this.store.get(organizationId);
    return row && view(row);
  }

  async save(organizationId: string, input: SsoConnectionInput): Promise<SsoConnectionView> {
    const clientId = input.clientId.trim().toLowerCase();
    if (!GUID.test(clientId)) throw new SsoConfigurationError('the Application (client) ID is a GUID, as Entra shows it on the app registration');
    let authority;
    try {
      authority = parseEntraAuthority(input.authority, this.options);
    } catch (error) {
      if (error instanceof AuthorityError) throw new SsoConfigurationError(error.message);
      throw error;
    }
    const existing = await this.store.get(organizationId);
    if (input.clientSecret === undefined && !existing) {
      throw new SsoConfigurationError(
        'a new connection needs the client secret (Certificates & secrets → New client secret → its Value), or null for none: Roster then signs in as a public client through the Mobile and desktop applications platform',
      );
    }
    if (input.clientSecret === '') throw new SsoConfigurationError('the client secret is empty: give its Value, or null for a public client');
    const clientSecret = input.clientSecret === undefined ? this.openSecret(organizationId, existing!.client_secret) : input.clientSecret;
    // A public client has no secret to expire.
    const expires = !clientSecret ? null : input.clientSecretExpiresAt === undefined ? (existing?.client_secret_expires_at ?? null) : input.clientSecretExpiresAt;
    if (expires !== null && Number.isNaN(Date.parse(expires))) throw new SsoConfigurationError('the secret expiry is a date, e.g. 2027-05-31');

    let issuer: string;
    try {
      issuer = (await this.entra.configuration({ issuer: authority.issuer, clientId, clientSecret: clientSecret ?? undefined })).serverMetadata().issuer;
    } catch (error) {
      throw new SsoConfigurationError(`Entra ID's configuration for ${authority.tenant} could not be read (${(error as Error).message}): check the tenant`);
    }
    const tenantId = tenantOfIssuer(issuer);
    if (!tenantId) throw new SsoConfigurationError(`the issuer ${issuer} names no tenant id: is this an Entra ID tenant?`);
    const now = new Date().toISOString();
    const row: SsoConnectionRow = {
      organization_id: organizationId,
      client_id: clientId,
      tenant_id: tenantId,
      issuer,
      client_secret: clientSecret ? this.secrets().seal(clientSecret, context(organizationId)) : null,
      client_secret_expires_at: expires === null ? null : new Date(expires).toISOString(),
      just_in_time: (input.justInTime ?? (existing ? Number(existing.just_in_time) === 1 : false)) ? 1 : 0,
      created_at: existing?.created_at ?? now,
      updated_at: now,
    };
    await this.store.save(row);
    return view(row);
  }

  remove(organizationId: string): Promise<boolean> {
    return this.store.remove(organizationId);
  }

  /**
   * What sign-in needs: the app, with its secret opened (none for a public client), the platform it signs in through,
   * the tenant its tokens must come from, and the JIT setting.
   */
  async app(organizationId: string): Promise<{ app: EntraApp; platform: EntraPlatform; tenantId: string; justInTime: boolean } | undefined> {
    const row = await this.store.get(organizationId);
    if (!row) return undefined;
    const clientSecret = this.openSecret(organizationId, row.client_secret);
    return {
      app: { issuer: row.issuer, clientId: row.client_id, ...(clientSecret ? { clientSecret } : {}) },
      platform: platformOf(row.client_secret),
      tenantId: row.tenant_id,
      justInTime: Number(row.just_in_time) === 1,
    };
  }

  private openSecret(organizationId: string, sealed: string | null): string | null {
    return sealed === null ? null : this.secrets().open(sealed, context(organizationId));
  }
}

/** Binds a sealed secret to its organization's row. */
const context = (organizationId: string) => `sso:${organizationId}`;
