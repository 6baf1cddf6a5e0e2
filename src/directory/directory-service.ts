import { randomUUID } from 'node:crypto';
import { ResourceSchema } from '../scim/schema/resource-schema.ts';
import type { DirectoryRecord, DirectoryStore, OrganizationRecord, TokenRecord } from '../store/directory-store.ts';
import { type AttributeRules, validateRules } from './attribute-rules.ts';
import { isProvider, PROVIDERS, type Provider, type ProviderProfile, profileFor } from './provider-profile.ts';
import { hashToken, newSecretToken, sameHash } from './secret-token.ts';

/** Two active tokens let an admin rotate with no downtime: create the new one, switch the IdP, revoke the old. */
export const MAX_ACTIVE_TOKENS = 2;

export interface DirectorySettings {
  rules?: AttributeRules;
  profile?: Partial<ProviderProfile>;
}

export interface CreatedDirectory {
  directory: DirectoryRecord;
  token: string;
}

export class DirectoryError extends Error {}

function fail(message: string): never {
  throw new DirectoryError(message);
}

/** Directories, their Secret Tokens and settings: what the CLI (and later the admin API) manage. */
export class DirectoryService {
  private readonly changeListeners: Array<() => void> = [];

  constructor(private readonly store: DirectoryStore) {}

  /** Tells in-process caches (the bearer auth cache) that a token or a directory's settings changed. */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  /** Every directory, or those of one organization. */
  list(organizationId?: string): Promise<DirectoryRecord[]> {
    return this.store.list(organizationId);
  }

  get(id: string): Promise<DirectoryRecord | undefined> {
    return this.store.get(id);
  }

  async require(id: string): Promise<DirectoryRecord> {
    const directory = await this.store.get(id);
    if (!directory) throw new DirectoryError(`no directory with id ${id}`);
    return directory;
  }

  /**
   * Creates a directory in `organizationId`, or, without one, in a new organization of the same name (a customer
   * with one identity provider needs no more).
   */
  async create(name: string, provider: string = 'entra', organizationId?: string): Promise<CreatedDirectory> {
    if (!name.trim()) throw new DirectoryError('a directory needs a name');
    if (!isProvider(provider)) throw new DirectoryError(`provider must be one of ${PROVIDERS.join(', ')}`);
    const id = randomUUID();
    const organization = organizationId
      ? { ...((await this.store.organization(organizationId)) ?? fail(`no organization with id ${organizationId}`)), isNew: false }
      : { id: randomUUID(), name: name.trim(), isNew: true };
    await this.store.create({ id, name: name.trim(), provider, settings: {} }, organization);
    const { token } = await this.createToken(id);
    return { directory: await this.require(id), token };
  }

  /** Issues a new Secret Token, shown once; refuses a third active one. */
  async createToken(directoryId: string): Promise<{ token: string; record: TokenRecord }> {
    await this.require(directoryId);
    return this.store.transaction(async (store) => {
      const active = (await store.tokens(directoryId)).filter((t) => !t.revokedAt);
      if (active.length >= MAX_ACTIVE_TOKENS) {
        throw new DirectoryError(`directory already has ${MAX_ACTIVE_TOKENS} active tokens: revoke one first (roster token revoke)`);
      }
      const secret = newSecretToken();
      const id = randomUUID();
      await store.insertToken({ id, directoryId, hash: secret.hash, prefix: secret.prefix });
      const record = (await store.tokens(directoryId)).find((t) => t.id === id)!;
      return { token: secret.token, record };
    });
  }

  tokens(directoryId: string): Promise<TokenRecord[]> {
    return this.store.tokens(directoryId);
  }

  async revokeToken(tokenId: string): Promise<void> {
    if (!(await this.store.revokeToken(tokenId))) throw new DirectoryError(`no active token with id ${tokenId}`);
    this.changed();
  }

  /** The directory a bearer token opens, or undefined: one indexed lookup by hash, compared in constant time. */
  async authenticate(directoryId: string, token: string): Promise<{ tokenId: string } | undefined> {
    const hash = hashToken(token);
    const found = await this.store.tokenByHash(hash);
    if (!found || found.revoked || found.directoryId !== directoryId || !sameHash(found.hash, hash)) return undefined;
    return { tokenId: found.id };
  }

  touchToken(tokenId: string): Promise<void> {
    return this.store.touchToken(tokenId);
  }

  markActivated(directoryId: string): Promise<void> {
    return this.store.markActivated(directoryId);
  }

  /** Deletes the directory and its users, groups and tokens; its SCIM endpoint answers 401 from then on. */
  async delete(directoryId: string): Promise<void> {
    if (!(await this.store.delete(directoryId))) throw new DirectoryError(`no directory with id ${directoryId}`);
    this.changed();
  }

  organizations(): Promise<OrganizationRecord[]> {
    return this.store.organizations();
  }

  /** An organization with no directory yet: the portal creates the customer first, then its directories. */
  async createOrganization(name: string): Promise<OrganizationRecord> {
    if (!name.trim()) throw new DirectoryError('an organization needs a name');
    return this.store.createOrganization({ id: randomUUID(), name: name.trim() });
  }

  organization(id: string): Promise<{ id: string; name: string } | undefined> {
    return this.store.organization(id);
  }

  settings(directory: DirectoryRecord): DirectorySettings {
    return directory.settings as DirectorySettings;
  }

  profile(directory: DirectoryRecord): ProviderProfile {
    return profileFor(directory.provider as Provider, this.settings(directory).profile);
  }

  async setRules(directoryId: string, rules: AttributeRules): Promise<void> {
    const directory = await this.require(directoryId);
    validateRules(rules, ResourceSchema.for('User'));
    await this.store.saveSettings(directoryId, { ...directory.settings, rules });
    this.changed();
  }
}
