import type { Kysely, Selectable } from 'kysely';
import type { Filter } from '../scim/filter/ast.ts';
import type { ResourceSchema } from '../scim/schema/resource-schema.ts';
import type { Database, GroupTable, UserTable } from './database.ts';
import type { JsonSql } from './dialect/json-sql.ts';
import { compileFilter } from './filter/compile-filter.ts';
import { PreparedQuery } from './prepared-query.ts';
import { fromRow, type StoredResource, tableOf } from './resource-row.ts';

/** Where a page of users or groups ended: the list is in (created_at, id) order. */
export interface ResourceKey {
  createdAt: string;
  id: string;
}

export interface ResourcePage {
  resources: StoredResource[];
  /** Whether resources follow the last one of this page. */
  more: boolean;
}

/**
 * Keyset-paged reads for the host app's directory API. Unlike SCIM's startIndex, a page starts after the last key
 * of the previous one: every page is one index range (users_created, groups_created, group_members' primary key)
 * however deep the reader is, and a resource created or deleted meanwhile shifts no other one into or out of a
 * page. A listing is not a snapshot, though: the events API is the way to follow changes.
 */
export class ResourcePages {
  private readonly membersAfter: PreparedQuery<{ group: string; after: string; limit: number }, Selectable<UserTable>>;
  private readonly groupsOfMember: PreparedQuery<{ member: string }, Selectable<GroupTable>>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly json: JsonSql,
  ) {
    // Nested groups are members too, but the API speaks of users only (as the events do): the join drops them.
    this.membersAfter = new PreparedQuery((p) =>
      db
        .selectFrom('group_members as gm')
        .innerJoin('users as u', 'u.id', 'gm.member_id')
        .selectAll('u')
        .where('gm.group_id', '=', p('group'))
        .where('gm.member_id', '>', p('after'))
        .orderBy('gm.member_id')
        .limit(p('limit')),
    );
    this.groupsOfMember = new PreparedQuery((p) =>
      db
        .selectFrom('group_members as gm')
        .innerJoin('groups as g', 'g.id', 'gm.group_id')
        .selectAll('g')
        .where('gm.member_id', '=', p('member'))
        .orderBy('g.display_name_key'),
    );
  }

  /** Up to `limit` users or groups matching `filter`, after `after`, in (created_at, id) order. */
  async page(directoryId: string, schema: ResourceSchema, query: { filter?: Filter; after?: ResourceKey; limit: number }): Promise<ResourcePage> {
    const table = tableOf(schema.type);
    let select = this.db.selectFrom(table).selectAll().where('directory_id', '=', directoryId);
    if (query.filter) select = select.where(compileFilter(query.filter, schema, table, this.json));
    if (query.after) {
      const { createdAt, id } = query.after;
      select = select.where(({ eb, refTuple, tuple }) => eb(refTuple('created_at', 'id'), '>', tuple(createdAt, id)));
    }
    // One row more than the page tells whether another page follows, without a count.
    const rows = await select.orderBy('created_at').orderBy('id').limit(query.limit + 1).execute();
    return { resources: rows.slice(0, query.limit).map((row) => fromRow(schema.type, row)), more: rows.length > query.limit };
  }

  /** Up to `limit` users in the group, after member id `after` ('' for the first), in id order. */
  async members(groupId: string, after: string, limit: number): Promise<ResourcePage> {
    const rows = await this.membersAfter.execute(this.db, { group: groupId, after, limit: limit + 1 });
    return { resources: rows.slice(0, limit).map((row) => fromRow('User', row)), more: rows.length > limit };
  }

  /** The groups a user is a direct member of, by name. */
  async groupsOf(userId: string): Promise<StoredResource[]> {
    return (await this.groupsOfMember.execute(this.db, { member: userId })).map((row) => fromRow('Group', row));
  }
}
