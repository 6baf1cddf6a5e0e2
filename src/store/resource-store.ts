import type { Insertable, Kysely, SelectQueryBuilder } from 'kysely';
import type { Filter } from '../scim/filter/ast.ts';
import { notFound } from '../scim/messages/error.ts';
import { type EventUser, eventGroup, eventUser } from '../events/event-objects.ts';
import type { EventType } from '../events/event-type.ts';
import type { MemberChange } from '../scim/patch/member-changes.ts';
import type { ScimDocument } from '../scim/resource/document.ts';
import type { MemberInput } from '../scim/resource/member.ts';
import type { ExtensionAttribute, ResourceSchema, ResourceTypeName } from '../scim/schema/resource-schema.ts';
import { type ChangeEntry, ChangeLog } from './change-log.ts';
import type { DialectName } from './connect.ts';
import type { Database, GroupTable } from './database.ts';
import type { JsonSql } from './dialect/json-sql.ts';
import { compileFilter, compileSortKey } from './filter/compile-filter.ts';
import { GroupCommit } from './sqlite/group-commit.ts';
import { filterShape } from './filter/filter-shape.ts';
import { MEMBER_CHUNK_SIZE, type MemberRecord, Membership, type MembershipDelta } from './membership.ts';
import { parameters, PreparedQuery } from './prepared-query.ts';
import { fromRow, GROUP_COLUMNS, groupColumns, type ResourceRow as Row, type ResourceTable, type StoredResource, tableOf, type UniquenessRules, USER_COLUMNS, userColumns } from './resource-row.ts';
import { isRetryableConflict, WRITE_ATTEMPTS } from './retryable-conflict.ts';
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

/** The directory's uniqueness rules, which decide what the user's unique columns hold. */
export type WriteOptions = UniquenessRules;

type ListParams = Record<string, any>;
interface ListStatements {
  firstPage: PreparedQuery<ListParams, Row>;
  page: PreparedQuery<ListParams, Row>;
  /** Absent without a filter: the directory's counters answer. */
  count?: PreparedQuery<ListParams, { n: number }>;
}
type Key = { directory: string; id: string };

/** What a write may change: everything but the identity and the creation time. */
const mutable = <C extends string>(columns: readonly C[]) => columns.filter((c) => c !== 'id' && c !== 'directory_id' && c !== 'created_at');

/** The fixed statements of one table, compiled once. */
class TableStatements {
  readonly get: PreparedQuery<Key, Row>;
  readonly lockedGet: PreparedQuery<Key, Row>;
  readonly insert: PreparedQuery<Record<string, unknown>, unknown>;
  readonly update: PreparedQuery<Record<string, unknown>, unknown>;
  readonly remove: PreparedQuery<{ id: string }, unknown>;
  readonly bumpVersion: PreparedQuery<{ id: string; now: string }, { doc: string }>;

  constructor(db: Kysely<Database>, table: ResourceTable, columns: readonly string[], lock: boolean) {
    this.get = new PreparedQuery((p) => db.selectFrom(table).selectAll().where('id', '=', p('id')).where('directory_id', '=', p('directory')));
    this.lockedGet = new PreparedQuery((p) => {
      const query = db.selectFrom(table).selectAll().where('id', '=', p('id')).where('directory_id', '=', p('directory'));
      // SQLite serialises writers on its own; PostgreSQL needs the row lock for read-modify-write.
      return lock ? query.forUpdate() : query;
    });
    this.insert = new PreparedQuery((p) => db.insertInto(table).values(parameters(columns, p) as Insertable<GroupTable>));
    this.update = new PreparedQuery((p) => db.updateTable(table).set(parameters(mutable(columns), p)).where('id', '=', p('id') as string));
    this.remove = new PreparedQuery((p) => db.deleteFrom(table).where('id', '=', p('id')));
    this.bumpVersion = new PreparedQuery((p) =>
      db.updateTable(table).set((eb) => ({ version: eb('version', '+', 1), last_modified: p('now') })).where('id', '=', p('id')).returning('doc'),
    );
  }
}

/**
 * Users, groups and their membership rows: every write is one transaction that also appends the change log, and
 * every read is an index lookup or a compiled filter — never a scan in memory. The fixed statements are compiled
 * once (PreparedQuery); only filtered lists are built per request.
 */
export class ResourceStore {
  private readonly statements: Record<ResourceTable, TableStatements>;
  private readonly membership: Membership;
  private readonly changeLog: ChangeLog;
  private readonly counts: PreparedQuery<{ id: string }, { user_count: number; group_count: number }>;
  /** Compiled list statements by shape, per schema object (a new custom attribute makes a new schema object). */
  private readonly listShapes = new WeakMap<ResourceSchema, Map<string, ListStatements | null>>();
  /** SQLite's single writer shares commits among concurrent writes; PostgreSQL runs them side by side. */
  private readonly groupCommit: GroupCommit | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: DialectName,
    private readonly json: JsonSql,
    /** Members a group's member list reads at a time; tests make it small to see several chunks. */
    private readonly memberChunkSize = MEMBER_CHUNK_SIZE,
  ) {
    const lock = dialect === 'postgres';
    this.groupCommit = dialect === 'sqlite' ? new GroupCommit(db) : undefined;
    this.statements = { users: new TableStatements(db, 'users', USER_COLUMNS, lock), groups: new TableStatements(db, 'groups', GROUP_COLUMNS, lock) };
    this.membership = new Membership(db, lock);
    this.changeLog = new ChangeLog(db);
    this.counts = new PreparedQuery((p) => db.selectFrom('directories').select(['user_count', 'group_count']).where('id', '=', p('id')));
  }

  async get(directoryId: string, type: ResourceTypeName, id: string): Promise<StoredResource | undefined> {
    const row = await this.statements[tableOf(type)].get.first(this.db, { directory: directoryId, id });
    return row && fromRow(type, row);
  }

  async list(directoryId: string, schema: ResourceSchema, query: ListQuery): Promise<ListResult> {
    const statements = this.listStatements(schema, query);
    const params = { ...statements.literals, directory: directoryId, limit: query.count, offset: query.startIndex - 1 };
    const page = query.startIndex === 1 ? statements.firstPage : statements.page;
    const rows = query.count > 0 ? await page.execute(this.db, params) : [];
    const resources = rows.map((row) => fromRow(schema.type, row));
    // A first page that is not full holds every match: the total is known without counting. This spares the
    // second query on Entra's lookups (`userName eq`, `externalId eq`), which match zero or one resource.
    if (query.startIndex === 1 && rows.length < query.count) return { totalResults: rows.length, resources };
    const totalResults = statements.count
      ? Number((await statements.count.first(this.db, params))?.n ?? 0)
      : await this.count(directoryId, schema.type);
    return { totalResults, resources };
  }

  /**
   * The page and count statements of a list, compiled once per shape of filter and sort (Entra sends the same few
   * lookups thousands of times with different values) and per version of the directory's schema. A shape whose
   * literals the compiler must read (a date, "True" for a boolean) is compiled for each request instead.
   */
  private listStatements(schema: ResourceSchema, query: ListQuery) {
    const shape = query.filter && filterShape(query.filter);
    const literals = Object.fromEntries((shape?.literals ?? []).map((value, i) => [`l${i}`, value]));
    const key = JSON.stringify([shape?.key, query.sortBy, query.descending]);
    let shapes = this.listShapes.get(schema);
    if (!shapes) this.listShapes.set(schema, (shapes = new Map()));
    let statements = shapes.get(key);
    if (statements === undefined) {
      try {
        statements = this.compileList(schema, query, shape && ((p) => shape.fill((i) => p(`l${i}`))));
        // A literal the compiler read instead of binding (`schemas eq "urn:…"` picks a JSON key by it) makes the
        // statement specific to that value.
        if (Object.keys(literals).some((name) => !statements!.firstPage.bound.has(name))) statements = null;
      } catch {
        // With markers in place of its literals the shape did not compile: they matter, so compile per request.
        statements = null;
      }
      if (shapes.size >= 200) shapes.clear();
      shapes.set(key, statements);
    }
    return { ...(statements ?? this.compileList(schema, query, query.filter && (() => query.filter!))), literals };
  }

  private compileList(schema: ResourceSchema, query: ListQuery, filterOf: ((p: (name: string) => string) => Filter) | undefined): ListStatements {
    const table = tableOf(schema.type);
    const sortKey = query.sortBy ? compileSortKey(query.sortBy, schema, table, this.json) : undefined;
    const ordered = <Q extends SelectQueryBuilder<Database, ResourceTable, any>>(q: Q): Q =>
      (sortKey
        ? // RFC 7644 §3.4.2.3: resources without the sort attribute come last ascending and first descending.
          q.orderBy(sortKey, (ob) => (query.descending ? ob.desc().nullsFirst() : ob.asc().nullsLast())).orderBy('id')
        : q.orderBy('created_at').orderBy('id')) as Q;
    const base = (p: (name: string) => any) => {
      const q = this.db.selectFrom(table).where('directory_id', '=', p('directory'));
      return filterOf ? q.where(compileFilter(filterOf(p), schema, table, this.json)) : q;
    };
    return {
      // The first page reads its rows at once: nothing to skip, and Entra's lookups are all first pages.
      firstPage: new PreparedQuery((p) => ordered(base(p).selectAll()).limit(p('limit'))),
      // Later pages read their ids first, then their rows: OFFSET skips index entries (users_created covers the
      // default order) instead of whole documents, so page 1,000 costs little more than page 1.
      page: new PreparedQuery((p) =>
        ordered(this.db.selectFrom(table).selectAll().where('id', 'in', ordered(base(p).select('id')).limit(p('limit')).offset(p('offset')))),
      ),
      count: filterOf ? new PreparedQuery((p) => base(p).select((eb) => eb.fn.countAll<number>().as('n'))) : undefined,
    };
  }

  /** Unfiltered totals come from counters kept in the write transactions, so they cost the same at any size. */
  private async count(directoryId: string, type: ResourceTypeName): Promise<number> {
    const row = await this.counts.first(this.db, { id: directoryId });
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
      await this.statements[tableOf(type)].insert.execute(trx, { ...common, ...this.columns(type, doc, options) });
      const changes: ChangeEntry[] = [
        type === 'User'
          ? { type: 'dsync.user.created', resourceType: type, resourceId: resource.id, attributes: [], data: { user: eventUser(resource.id, doc, []) } }
          : { type: 'dsync.group.created', resourceType: type, resourceId: resource.id, attributes: [], data: { group: eventGroup(resource.id, doc) } },
      ];
      if (members?.length) {
        const delta = await this.membership.apply(trx, directoryId, resource.id, [{ op: 'add', members }]);
        changes.push(...(await this.membershipEvents(trx, resource.id, doc, delta)));
      }
      await this.changeLog.append(trx, directoryId, changes, type === 'User' ? { users: 1 } : { groups: 1 });
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
        changes.push(
          type === 'User'
            ? await this.userEvent(trx, userUpdateType(current.doc, next.doc), id, next.doc, next.changedAttributes)
            : { type: 'dsync.group.updated', resourceType: type, resourceId: id, attributes: next.changedAttributes, data: { group: eventGroup(id, next.doc) } },
        );
      }
      if (next.members?.length) {
        const delta = await this.membership.apply(trx, directoryId, id, next.members);
        changes.push(...(await this.membershipEvents(trx, id, next.doc, delta)));
      }
      if (changes.length === 0) return current;
      const updated: StoredResource = { ...current, doc: next.doc, version: current.version + 1, lastModified: new Date().toISOString() };
      await this.statements[tableOf(type)].update.execute(trx, {
        ...this.columns(type, next.doc, options),
        id,
        version: updated.version,
        last_modified: updated.lastModified,
      });
      await this.changeLog.append(trx, directoryId, changes);
      return updated;
    });
  }

  /** Deletes a resource and every membership row that names it; the groups it left get a new version. */
  async delete(directoryId: string, type: ResourceTypeName, id: string, check: (current: StoredResource) => void): Promise<void> {
    await this.write(async (trx) => {
      const current = await this.lockedGet(trx, directoryId, type, id);
      check(current);
      // Sorted, so two deletes that touch the same groups lock them in the same order.
      const groupIds = (await this.membership.leaveEveryGroup(trx, id)).sort();
      const now = new Date().toISOString();
      const left: Array<{ id: string; doc: ScimDocument }> = [];
      for (const groupId of groupIds) {
        const group = await this.statements.groups.bumpVersion.first(trx, { id: groupId, now });
        left.push({ id: groupId, doc: JSON.parse(group!.doc) as ScimDocument });
      }
      await this.statements[tableOf(type)].remove.execute(trx, { id });
      const changes: ChangeEntry[] =
        type === 'User'
          ? [
              // Left as the delete found it: in the groups it is being removed from.
              ...left.map((group) => userRemoved(group.id, group.doc, eventUser(id, current.doc))),
              {
                type: 'dsync.user.deleted',
                resourceType: type,
                resourceId: id,
                attributes: [],
                data: { user: eventUser(id, current.doc, left.map((g) => ({ id: g.id, displayName: eventGroup(g.id, g.doc).displayName }))) },
              },
            ]
          : [{ type: 'dsync.group.deleted', resourceType: type, resourceId: id, attributes: [], data: { group: eventGroup(id, current.doc) } }];
      await this.changeLog.append(trx, directoryId, changes, type === 'User' ? { users: -1 } : { groups: -1 });
    });
  }

  /** A group's members in id order, a chunk (one index range) at a time: see Membership.members. */
  members(groupId: string): AsyncGenerator<MemberRecord[]> {
    return this.membership.members(this.db, groupId, this.memberChunkSize);
  }

  /** Groups of each user; one index range per user. */
  async groupsOf(memberIds: string[]): Promise<Map<string, Array<{ value: string; display: string }>>> {
    return new Map(await Promise.all(memberIds.map(async (id) => [id, await this.membership.groupsOf(this.db, id)] as const)));
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

  /** A user event carrying the user with the groups it is in now (inside the write's transaction). */
  private async userEvent(trx: Kysely<Database>, type: EventType, id: string, doc: ScimDocument, attributes: string[]): Promise<ChangeEntry> {
    return { type, resourceType: 'User', resourceId: id, attributes, data: { user: eventUser(id, doc, await this.groupsForEvent(trx, id)) } };
  }

  private async groupsForEvent(trx: Kysely<Database>, userId: string): Promise<EventUser['groups']> {
    return (await this.membership.groupsOf(trx, userId)).map((g) => ({ id: g.value, displayName: g.display }));
  }

  /**
   * One event per user a membership change added or removed. Nested groups change membership rows too, but the
   * event catalogue speaks of users only, so they make no event.
   */
  private async membershipEvents(trx: Kysely<Database>, groupId: string, groupDoc: ScimDocument, delta: MembershipDelta): Promise<ChangeEntry[]> {
    const changes: ChangeEntry[] = [];
    for (const [members, type] of [
      [delta.added, 'dsync.group.user_added'],
      [delta.removed, 'dsync.group.user_removed'],
    ] as const) {
      for (const member of members) {
        if (member.type !== 'User' || member.doc === undefined) continue;
        const user = eventUser(member.id, JSON.parse(member.doc) as ScimDocument);
        changes.push({ type, resourceType: 'Group', resourceId: groupId, memberId: member.id, attributes: [], data: { group: eventGroup(groupId, groupDoc), user } });
      }
    }
    return changes;
  }

  private async lockedGet(trx: Kysely<Database>, directoryId: string, type: ResourceTypeName, id: string): Promise<StoredResource> {
    const row = await this.statements[tableOf(type)].lockedGet.first(trx, { directory: directoryId, id });
    if (!row) throw notFound(`${type} ${id} not found`);
    return fromRow(type, row);
  }

  private columns(type: ResourceTypeName, doc: ScimDocument, options: WriteOptions) {
    return type === 'User' ? userColumns(doc, options) : groupColumns(doc);
  }

  /** Runs `work` in a transaction of its own (or a shared group commit on SQLite), again after a deadlock. */
  private async write<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await (this.groupCommit ? this.groupCommit.run(work) : this.db.transaction().execute(work));
      } catch (error) {
        if (attempt < WRITE_ATTEMPTS && isRetryableConflict(error)) continue;
        throw uniqueViolation(error) ?? error;
      }
    }
  }
}

/** `active` turning false is a deactivation, turning back a reactivation; any other change an update. */
function userUpdateType(before: ScimDocument, after: ScimDocument): EventType {
  const wasActive = before.active !== false;
  const isActive = after.active !== false;
  return wasActive === isActive ? 'dsync.user.updated' : isActive ? 'dsync.user.reactivated' : 'dsync.user.deactivated';
}

function userRemoved(groupId: string, groupDoc: ScimDocument, user: EventUser): ChangeEntry {
  return { type: 'dsync.group.user_removed', resourceType: 'Group', resourceId: groupId, memberId: user.id, attributes: [], data: { group: eventGroup(groupId, groupDoc), user } };
}
