import type { DirectoryService } from '../directory/directory-service.ts';
import { isStorableText } from '../scim/storable-text.ts';
import type { ApiKeyRecord } from '../store/api-key-store.ts';
import type { DirectoryRecord } from '../store/directory-store.ts';
import { notFound } from './api-error.ts';

/**
 * What an API key may see. An organization's key sees its organization only; a global key sees every one. Whatever
 * a key may not see answers exactly as something that does not exist (404, never 403), so a key learns nothing
 * about other organizations — not even which ids exist.
 */
export class ApiScope {
  constructor(private readonly directories: DirectoryService) {}

  /**
   * The organization a request acts for: the one it names (which must be the key's own, for an organization's key),
   * else the key's. Undefined for a global key that names none.
   */
  async organization(caller: ApiKeyRecord, requested: string | undefined): Promise<string | undefined> {
    if (requested === undefined) return caller.organizationId ?? undefined;
    const visible =
      caller.organizationId === null
        ? isStorableText(requested) && (await this.directories.organization(requested)) !== undefined
        : requested === caller.organizationId;
    if (!visible) throw notFound(`no organization with id ${requested}`);
    return requested;
  }

  /** The directories of `organizationId` (what `organization` gave); every directory for a global key naming none. */
  listDirectories(organizationId: string | undefined): Promise<DirectoryRecord[]> {
    return this.directories.list(organizationId);
  }

  /** A directory the key may read (deleted ones are gone: their events stay readable through the events API). */
  async directory(caller: ApiKeyRecord, id: string): Promise<DirectoryRecord> {
    const directory = isStorableText(id) ? await this.directories.get(id) : undefined;
    if (!directory || (caller.organizationId !== null && directory.organizationId !== caller.organizationId)) throw notFound(`no directory with id ${id}`);
    return directory;
  }
}
