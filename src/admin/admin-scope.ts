import { notFound } from '../api/api-error.ts';
import type { DirectoryService } from '../directory/directory-service.ts';
import { isStorableText } from '../scim/storable-text.ts';
import type { DirectoryRecord } from '../store/directory-store.ts';
import { forbidden } from './admin-error.ts';
import { managesIntegrations, organizationScope, type Principal, seesAllOrganizations } from './principal.ts';

/**
 * What a principal may reach. Whatever lies outside its organization answers as something that does not exist
 * (404, never 403), so a customer's key or setup link learns nothing about other customers, not even which ids
 * exist. A 403 is kept for what the principal can see but may not do.
 */
export class AdminScope {
  constructor(private readonly directories: DirectoryService) {}

  /** The organization `id`, when the principal may see it. */
  async organization(principal: Principal, id: string): Promise<{ id: string; name: string }> {
    const scope = organizationScope(principal);
    const organization = isStorableText(id) && (scope === null || scope === id) ? await this.directories.organization(id) : undefined;
    if (!organization) throw notFound(`no organization with id ${id}`);
    return organization;
  }

  /** A live directory the principal may see. */
  async directory(principal: Principal, id: string): Promise<DirectoryRecord> {
    const scope = organizationScope(principal);
    const directory = isStorableText(id) ? await this.directories.get(id) : undefined;
    if (!directory || (scope !== null && directory.organizationId !== scope)) throw notFound(`no directory with id ${id}`);
    return directory;
  }

  /** Checks that something of `organizationId` (a webhook, a setup link, a key) is within the principal's reach. */
  owns(principal: Principal, organizationId: string | null, what: string): void {
    const scope = organizationScope(principal);
    if (scope !== null && organizationId !== scope) throw notFound(`no ${what}`);
  }

  requireAllOrganizations(principal: Principal): void {
    if (!seesAllOrganizations(principal)) throw forbidden('only an operator or a global API key can do this');
  }

  requireIntegrations(principal: Principal): void {
    if (!managesIntegrations(principal)) throw forbidden('a setup link configures directories only');
  }
}
