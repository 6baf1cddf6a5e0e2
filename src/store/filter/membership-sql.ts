import { type Expression, expressionBuilder, sql, type SqlBool } from 'kysely';
import type { AttributeDefinition } from '../../scim/schema/attribute.ts';
import type { Database } from '../database.ts';
import type { Rejecter } from './invalid.ts';
import { columnScalar, constantScalar, type Scalar, type TextSql } from './scalar.ts';
import { TRUE } from './sql-logic.ts';

/** The alias of group_members inside a membership test; element filters refer to its columns. */
const MEMBERSHIP = 'gm';

/**
 * EXISTS over the membership rows of the resource being filtered — a group's members, or the groups a user belongs
 * to — that satisfy `predicate`. Correlated on the primary key's leading column for groups (group_id) and on the
 * member_id index for users, so `members[value eq "U"]` and `groups[value eq "G"]` are each one index probe on
 * (group_id, member_id).
 */
export function membershipExists(resource: 'users' | 'groups', predicate: Expression<SqlBool>): Expression<SqlBool> {
  if (resource === 'groups') {
    const eb = expressionBuilder<Database, 'groups'>();
    return eb.exists(
      eb
        .selectFrom(`group_members as ${MEMBERSHIP}`)
        .select(sql.lit(1).as('one'))
        .whereRef(`${MEMBERSHIP}.group_id`, '=', 'groups.id')
        .where(predicate),
    );
  }
  const eb = expressionBuilder<Database, 'users'>();
  return eb.exists(
    eb
      .selectFrom(`group_members as ${MEMBERSHIP}`)
      .select(sql.lit(1).as('one'))
      .whereRef(`${MEMBERSHIP}.member_id`, '=', 'users.id')
      .where(predicate),
  );
}

/**
 * A sub-attribute of a membership element, read from the row. `value` is the other side's id, matched exactly:
 * ids are caseExact (RFC 7643 §3.1), and an exact match is what probes the primary key. A group's `members.type`
 * is the member_type column; a user's `groups.type` is always "direct", because Roster does not expand nested
 * groups. `display` and `$ref` live in other rows or depend on the request's URL, and are not filterable.
 */
export function membershipScalar(
  resource: 'users' | 'groups',
  sub: AttributeDefinition,
  dialect: TextSql,
  reject: Rejecter,
): Scalar {
  const column = (name: 'group_id' | 'member_id' | 'member_type', definition: AttributeDefinition) =>
    columnScalar({
      kind: 'column',
      column: sql.ref(`${MEMBERSHIP}.${name}`),
      definition,
      folded: false,
      timestamp: false,
      present: TRUE,
    });
  const attribute = resource === 'groups' ? 'members' : 'groups';
  switch (sub.name) {
    case 'value':
      return column(resource === 'groups' ? 'member_id' : 'group_id', { ...sub, caseExact: true });
    case 'type':
      return resource === 'groups' ? column('member_type', sub) : constantScalar({ definition: sub, value: 'direct' }, dialect);
    default:
      throw reject(`"${attribute}.${sub.name}" is not supported; filter ${attribute} on value or type`);
  }
}
