import { randomUUID } from 'node:crypto';
import { DirectoryError, type DirectoryService } from '../directory/directory-service.ts';
import { hashToken, newSecretToken, sameHash } from '../directory/secret-token.ts';
import type { ApiKeyRecord, ApiKeyStore } from '../store/api-key-store.ts';

/** Tells an API key from a directory's Secret Token (`roster_…`) at a glance, and to secret scanners. */
const API_KEY_PREFIX = 'roster_key_';

/**
 * The host app's keys to the events and directory API. An organization's key sees that organization's directories
 * and events only; a global key (organization null) is for the operator's own scripts and sees every organization.
 */
export class ApiKeys {
  private readonly revokeListeners: Array<() => void> = [];

  constructor(
    private readonly store: ApiKeyStore,
    private readonly directories: DirectoryService,
  ) {}

  /** Tells in-process caches (the API key auth cache) that a key was revoked. */
  onRevoke(listener: () => void): void {
    this.revokeListeners.push(listener);
  }

  /** Issues a key for `organizationId`, or a global key for null; the key itself is returned this once only. */
  async create(organizationId: string | null): Promise<{ key: string; record: ApiKeyRecord }> {
    if (organizationId !== null && !(await this.directories.organization(organizationId))) {
      throw new DirectoryError(`no organization with id ${organizationId}`);
    }
    const secret = newSecretToken(API_KEY_PREFIX);
    const record = await this.store.insert({ id: randomUUID(), organizationId, hash: secret.hash, prefix: secret.prefix });
    return { key: secret.token, record };
  }

  /** Every key, or only those of one organization. */
  list(organizationId?: string): Promise<ApiKeyRecord[]> {
    return this.store.list(organizationId);
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.store.revoke(id))) throw new DirectoryError(`no active API key with id ${id}`);
    for (const listener of this.revokeListeners) listener();
  }

  /** The active key `key` is, or undefined: one indexed lookup by hash, compared in constant time. */
  async authenticate(key: string): Promise<ApiKeyRecord | undefined> {
    const hash = hashToken(key);
    const found = await this.store.findByHash(hash);
    if (!found || found.revokedAt !== null || !sameHash(found.hash, hash)) return undefined;
    const { hash: _, ...record } = found;
    return record;
  }

  touch(id: string): Promise<void> {
    return this.store.touch(id);
  }
}
