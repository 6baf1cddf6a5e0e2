import type { Kysely } from 'kysely';
import type { Filter } from '../scim/filter/ast.ts';
import { notFound } from '../scim/messages/error.ts';
import type { MemberChange } from '../scim/patch/member-changes.ts';
import type { ScimDocument } from '../scim/resource/document.ts';
import type { MemberInput } from '../scim/resource/member.ts';
import type { ExtensionAttribute, ResourceSchema, ResourceTypeName } from '../scim/schema/resource-schema.ts';
import { appendChanges, type ChangeEntry } from './change-log.ts';
import type { DialectName } from './connect.ts';
import type { Database } from './database.ts';
import type { JsonSql } from './dialect/json-sql.ts';
import { compileFilter, compileSortKey } from './filter/compile-filter.ts';
import { applyMemberChanges, listGroupsOf, listMembers, type MemberRecord } from './membership.ts';
import { fromRow, groupColumns, type StoredResource, tableOf, userColumns } from './resource-row.ts';
import { uniqueViolation } from './unique-violation.ts';

export interface ListQuery {
  filter?: Filter;
  sortBy?: string;
  descending?: boolean;
  /** 1-based, as SCIM's startIndex. */
  startIndex: number;
  count: number;
}

export interface ListResult {
  totalResults: number;
  resources: StoredResource[];
}

/** What a PUT or PATCH turns the current resource into. */
export interface Mutation {
  doc: ScimDocument;
  members?: MemberChange[];
  changedAttributes: string[];
}

export interface WriteOptions {
  /** The directory's unique-email rule: the email column joins a unique index only when it is on. */
  uniqueEmail: boolean;
}

/**
 * Users, groups and their membership rows: every write is one transaction that also appends the change log, and
 * every read is an index lookup or a compiled filter — never a scan in memory.
 */
export class ResourceStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    private readonly json: JsonSql,
  ) {}

  async get(directoryId: string, type: ResourceTypeName, id: string): Promise<StoredResource | undefined> {
    const row = await this.db
      .selectFrom(tableOf(type))
      .selectAll()
      .where('directory_id', '=', directoryId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(type, row);
  }

  async list(directoryId: string, schema: ResourceSchema, query: ListQuery): Promise<ListResult> {
    const table = tableOf(schema.type);
    const filter = query.filter && compileFilter(query.filter, schema, table, this.json);
    let base = this.db.selectFrom(table).where('directory_id', '=', directoryId);
    if (filter) base = base.where(filter);
    let page = base.selectAll();
    // RFC 7644 §3.4.2.3: resources without the sort attribute come last ascending and first descending.
    page = query.sortBy
      ? page
          .orderBy(compileSortKey(query.sortBy, schema, table, this.json), (ob) => (query.descending ? ob.desc().nullsFirst() : ob.asc().nullsLast()))
          .orderBy('id')
      : page.orderBy('created_at').orderBy('id');
    const rows = query.count > 0 ? await page.limit(query.count).offset(query.startIndex - 1).execute() : [];
    const resources = rows.map((row) => fromRow(schema.type, row));
    // A first page that is not full holds every match: the total is known without counting. This spares the
    // second query on Entra's lookups (`userName eq`, `externalId eq`), which match zero or one resource.
    if (query.startIndex === 1 && rows.length < query.count) return { totalResults: rows.length, resources };
    const totalResults = filter
      ? Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
      : await this.count(directoryId, schema.type);
    return { totalResults, resources };
  }

  /** Unfiltered totals come from counters kept in the write transactions, so they cost the same at any size. */
  private async count(directoryId: string, type: ResourceTypeName): Promise<number> {
    const row = await this.db
      .selectFrom('directories')
      .select(['user_count', 'group_count'])
      .where('id', '=', directoryId)
      .executeTakeFirst();
    return Number((type === 'User' ? row?.user_count : row?.group_count) ?? 0);
  }

  async create(
    directoryId: string,
    type: ResourceTypeName,
    doc: ScimDocument,
    members: MemberInput[] | undefined,
    options: WriteOptions,
  ): Promise<StoredResource> {
    const now = new Date().toISOString();
    const resource: StoredResource = { id: crypto.randomUUID(), type, doc, version: 1, created: now, lastModified: now };
    const common = { id: resource.id, directory_id: directoryId, version: 1, created_at: now, last_modified: now };
    return this.write(async (trx) => {
      if (type === 'User') {
        await trx.insertInto('users').values({ ...common, ...userColumns(doc, options.uniqueEmail) }).execute();
      } else {
        await trx.insertInto('groups').values({ ...common, ...groupColumns(doc) }).execute();
      }
      const changes: ChangeEntry[] = [
        { resourceType: type, resourceId: resource.id, kind: 'created', attributes: Object.keys(doc), before: undefined, after: doc },
      ];
      if (members?.length) {
        const delta = await applyMemberChanges(trx, directoryId, resource.id, [{ op: 'add', members }]);
        changes.push(membershipChange(resource.id, 'members_added', delta.added));
      }
      await appendChanges(trx, directoryId, changes, type === 'User' ? { users: 1 } : { groups: 1 });
      return resource;
    });
  }

  /**
   * Reads the current resource under a row lock, lets `mutate` compute the new state (it may throw, e.g. 412 on a
   * stale If-Match), and writes it with the change log — all in one transaction, so concurrent PATCHes to one
   * resource never lose an update. A mutation that changes nothing writes nothing.
   */
  async update(
    directoryId: string,
    type: ResourceTypeName,
    id: string,
    mutate: (current: StoredResource) => Mutation,
    options: WriteOptions,
  ): Promise<StoredResource> {
    return this.write(async (trx) => {
      const current = await this.lockedGet(trx, directoryId, type, id);
      const next = mutate(current);
      const changes: ChangeEntry[] = [];
      if (next.changedAttributes.length > 0) {
        changes.push({ resourceType: type, resourceId: id, kind: 'updated', attributes: next.changedAttributes, before: current.doc, after: next.doc });
      }
      if (next.members?.length) {
        const delta = await applyMemberChanges(trx, directoryId, id, next.members);
        if (delta.added.length) changes.push(membershipChange(id, 'members_added', delta.added));
        if (delta.removed.length) changes.push(membershipChange(id, 'members_removed', delta.removed));
      }
      if (changes.length === 0) return current;
      const updated: StoredResource = { ...current, doc: next.doc, version: current.version + 1, lastModified: new Date().toISOString() };
      const columns = type === 'User' ? userColumns(next.doc, options.uniqueEmail) : groupColumns(next.doc);
      await trx
        .updateTable(tableOf(type))
        .set({ ...columns, version: updated.version, last_modified: updated.lastModified })
        .where('id', '=', id)
        .execute();
      await appendChanges(trx, directoryId, changes);
      return updated;
    });
  }

  /** Deletes a resource and every membership row that names it; the groups it left get a new version. */
  async delete(directoryId: string, type: ResourceTypeName, id: string, check: (current: StoredResource) => void): Promise<void> {
    await this.write(async (trx) => {
      const current = await this.lockedGet(trx, directoryId, type, id);
      check(current);
      const groups = await trx.deleteFrom('group_members').where('member_id', '=', id).returning('group_id').execute();
      const now = new Date().toISOString();
      const groupIds = groups.map((g) => g.group_id);
      for (let i = 0; i < groupIds.length; i += 500) {
        await trx
          .updateTable('groups')
          .set((eb) => ({ version: eb('version', '+', 1), last_modified: now }))
          .where('id', 'in', groupIds.slice(i, i + 500))
          .execute();
      }
      await trx.deleteFrom(tableOf(type)).where('id', '=', id).execute();
      const changes: ChangeEntry[] = [
        ...groupIds.map((groupId) => membershipChange(groupId, 'members_removed', [id])),
        { resourceType: type, resourceId: id, kind: 'deleted', attributes: [], before: current.doc, after: undefined },
      ];
      await appendChanges(trx, directoryId, changes, type === 'User' ? { users: -1 } : { groups: -1 });
    });
  }

  members(groupIds: string[]): Promise<Map<string, MemberRecord[]>> {
    return listMembers(this.db, groupIds);
  }

  groupsOf(memberIds: string[]): Promise<Map<string, Array<{ value: string; display: string }>>> {
    return listGroupsOf(this.db, memberIds);
  }

  async extensionAttributes(directoryId: string): Promise<ExtensionAttribute[]> {
    const rows = await this.db.selectFrom('extension_attributes').selectAll().where('directory_id', '=', directoryId).orderBy('created_at').execute();
    return rows.map((r) => ({ resourceType: r.resource_type, urn: r.urn, name: r.name, type: r.type as ExtensionAttribute['type'], multiValued: r.multi_valued === 1 }));
  }

  async registerExtensionAttributes(directoryId: string, attributes: ExtensionAttribute[]): Promise<void> {
    if (attributes.length === 0) return;
    const now = new Date().toISOString();
    await this.db
      .insertInto('extension_attributes')
      .values(
        attributes.map((a) => ({
          directory_id: directoryId,
          resource_type: a.resourceType,
          urn: a.urn,
          name: a.name,
          key: `${a.urn}:${a.name}`.toLowerCase(),
          type: a.type,
          multi_valued: a.multiValued ? 1 : 0,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  private async lockedGet(trx: Kysely<Database>, directoryId: string, type: ResourceTypeName, id: string): Promise<StoredResource> {
    let query = trx.selectFrom(tableOf(type)).selectAll().where('directory_id', '=', directoryId).where('id', '=', id);
    // SQLite serialises writers on its own; PostgreSQL needs the row lock for read-modify-write.
    if (this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (!row) throw notFound(`${type} ${id} not found`);
    return fromRow(type, row);
  }

  private async write<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction().execute(work);
    } catch (error) {
      throw uniqueViolation(error) ?? error;
    }
  }
}

function membershipChange(groupId: string, kind: 'members_added' | 'members_removed', ids: string[]): ChangeEntry {
  return { resourceType: 'Group', resourceId: groupId, kind, attributes: ids, before: undefined, after: undefined };
}
