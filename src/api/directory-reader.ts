import type { ScimService } from '../directory/scim-service.ts';
import { type EventGroup, type EventUser, eventGroup, eventUser } from '../events/event-objects.ts';
import { parseFilter } from '../scim/filter/parse-filter.ts';
import type { ResourceTypeName } from '../scim/schema/resource-schema.ts';
import { isStorableText } from '../scim/storable-text.ts';
import type { DirectoryRecord } from '../store/directory-store.ts';
import type { ResourceKey, ResourcePage, ResourcePages } from '../store/resource-pages.ts';
import type { StoredResource } from '../store/resource-row.ts';
import type { ResourceStore } from '../store/resource-store.ts';
import { notFound } from './api-error.ts';
import { decodeCursor, encodeCursor } from './opaque-cursor.ts';

/** A page of a listing: `next` is the cursor of the following page, null on the last one. */
export interface ApiPage<T> {
  data: T[];
  next: string | null;
}

export interface PageRequest {
  /** The `next` of the previous page; none for the first. */
  after: string | undefined;
  limit: number;
}

/** A directory as the API shows it: no settings, no tokens. */
export interface ApiDirectory {
  id: string;
  organizationId: string;
  name: string;
  provider: string;
  createdAt: string;
  /** When the identity provider's first authenticated request arrived; null until then. */
  activatedAt: string | null;
  userCount: number;
  groupCount: number;
}

export function apiDirectory(directory: DirectoryRecord): ApiDirectory {
  const { id, organizationId, name, provider, createdAt, activatedAt, userCount, groupCount } = directory;
  return { id, organizationId, name, provider, createdAt, activatedAt, userCount, groupCount };
}

const readResourceKey = (cursor: string): ResourceKey =>
  decodeCursor(cursor, (value) =>
    Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' ? { createdAt: value[0], id: value[1] } : undefined,
  );

const readMemberId = (cursor: string): string => decodeCursor(cursor, (value) => (typeof value === 'string' ? value : undefined));

/**
 * The host app's read access to a directory's users and groups, in the shapes events carry (event-objects.ts), so
 * an app that loads a directory once and then follows its events handles one shape only.
 */
export class DirectoryReader {
  constructor(
    private readonly scim: ScimService,
    private readonly resources: ResourceStore,
    private readonly pages: ResourcePages,
  ) {}

  /** Users matching a SCIM filter (RFC 7644 §3.4.2.2, e.g. `active eq true`), oldest first. */
  async users(directory: DirectoryRecord, filter: string | undefined, request: PageRequest): Promise<ApiPage<EventUser>> {
    const page = await this.listPage(directory, 'User', filter, request);
    return { data: await this.withGroups(page.resources), next: this.nextOf(page, (last) => [last.created, last.id]) };
  }

  async user(directory: DirectoryRecord, id: string): Promise<EventUser> {
    const [user] = await this.withGroups([await this.resource(directory, 'User', id)]);
    return user!;
  }

  /** The groups the user is a direct member of, by name. */
  async userGroups(directory: DirectoryRecord, id: string): Promise<EventGroup[]> {
    await this.resource(directory, 'User', id);
    return (await this.pages.groupsOf(id)).map((group) => eventGroup(group.id, group.doc));
  }

  async groups(directory: DirectoryRecord, filter: string | undefined, request: PageRequest): Promise<ApiPage<EventGroup>> {
    const page = await this.listPage(directory, 'Group', filter, request);
    return { data: page.resources.map((group) => eventGroup(group.id, group.doc)), next: this.nextOf(page, (last) => [last.created, last.id]) };
  }

  async group(directory: DirectoryRecord, id: string): Promise<EventGroup> {
    const group = await this.resource(directory, 'Group', id);
    return eventGroup(group.id, group.doc);
  }

  /** The users in a group, in id order: one range of the membership primary key per page, however large the group. */
  async members(directory: DirectoryRecord, groupId: string, request: PageRequest): Promise<ApiPage<EventUser>> {
    await this.resource(directory, 'Group', groupId);
    const page = await this.pages.members(groupId, request.after === undefined ? '' : readMemberId(request.after), request.limit);
    return { data: await this.withGroups(page.resources), next: this.nextOf(page, (last) => last.id) };
  }

  private async listPage(directory: DirectoryRecord, type: ResourceTypeName, filter: string | undefined, request: PageRequest): Promise<ResourcePage> {
    const schema = (await this.scim.schemas(directory.id))[type];
    return this.pages.page(directory.id, schema, {
      // Invalid filters are refused as SCIM refuses them (a ScimError with scimType invalidFilter).
      filter: filter === undefined ? undefined : parseFilter(filter, { urns: schema.urns, lenient: false }),
      after: request.after === undefined ? undefined : readResourceKey(request.after),
      limit: request.limit,
    });
  }

  private async resource(directory: DirectoryRecord, type: ResourceTypeName, id: string): Promise<StoredResource> {
    const found = isStorableText(id) ? await this.resources.get(directory.id, type, id) : undefined;
    if (!found) throw notFound(`no ${type.toLowerCase()} with id ${id} in this directory`);
    return found;
  }

  private async withGroups(users: StoredResource[]): Promise<EventUser[]> {
    const groups = await this.resources.groupsOf(users.map((user) => user.id));
    return users.map((user) => eventUser(user.id, user.doc, (groups.get(user.id) ?? []).map((g) => ({ id: g.value, displayName: g.display }))));
  }

  private nextOf(page: ResourcePage, position: (last: StoredResource) => unknown): string | null {
    return page.more ? encodeCursor(position(page.resources.at(-1)!)) : null;
  }
}
