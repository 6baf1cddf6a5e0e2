import { randomUUID } from 'node:crypto';
import { invalidRequest, notFound } from '../api/api-error.ts';
import { hashToken, newSecretToken, sameHash } from '../directory/secret-token.ts';
import type { SetupLinkRecord, SetupLinkStore } from '../store/setup-link-store.ts';

const SETUP_LINK_PREFIX = 'roster_setup_';
export const DEFAULT_SETUP_LINK_HOURS = 72;
export const MAX_SETUP_LINK_HOURS = 720;

/**
 * Time-limited links an operator hands to a customer's IT admin, who can then configure their own organization's
 * directories in the portal without an operator account. The token travels in the URL's fragment
 * (`/portal/setup#…`), which browsers never send to a server, so it stays out of access logs and Referer headers.
 */
export class SetupLinks {
  constructor(private readonly store: SetupLinkStore) {}

  /** A new link to `{baseUrl}/portal/setup#<token>`; the URL is returned this once only. */
  async create(
    link: { organizationId: string; createdBy: string; baseUrl: string; hours?: number },
    now = new Date(),
  ): Promise<{ link: SetupLinkRecord; url: string }> {
    const { organizationId, createdBy, baseUrl, hours = DEFAULT_SETUP_LINK_HOURS } = link;
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_SETUP_LINK_HOURS) {
      throw invalidRequest(`expiresInHours must be a whole number from 1 to ${MAX_SETUP_LINK_HOURS}`);
    }
    const secret = newSecretToken(SETUP_LINK_PREFIX);
    const record: SetupLinkRecord = {
      id: randomUUID(),
      organizationId,
      prefix: secret.prefix,
      createdBy,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + hours * 3_600_000).toISOString(),
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.store.insert({ ...record, hash: secret.hash });
    return { link: record, url: `${baseUrl}/portal/setup#${secret.token}` };
  }

  list(organizationId: string): Promise<SetupLinkRecord[]> {
    return this.store.list(organizationId);
  }

  get(id: string): Promise<SetupLinkRecord | undefined> {
    return this.store.get(id);
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.store.revoke(id, new Date().toISOString()))) throw notFound(`no active setup link with id ${id}`);
  }

  /** The link `token` is, while it is neither revoked nor expired; undefined otherwise. */
  async open(token: string, now = new Date()): Promise<SetupLinkRecord | undefined> {
    const hash = hashToken(token);
    const found = await this.store.byHash(hash);
    if (!found || !sameHash(found.hash, hash) || found.revokedAt !== null || found.expiresAt <= now.toISOString()) return undefined;
    await this.store.touch(found.id, now.toISOString());
    const { hash: _, ...link } = found;
    return link;
  }
}
