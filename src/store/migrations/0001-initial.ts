import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.ts';

/** The first schema. Written with Kysely's schema builder so one migration serves SQLite and PostgreSQL. */
export async function up(db: Kysely<any>): Promise<void> {
  const { text, serialKey } = columnTypes(db);
  await db.schema
    .createTable('directories')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('provider', text, (c) => c.notNull())
    .addColumn('settings', text, (c) => c.notNull().defaultTo('{}'))
    .addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('user_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('group_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('activated_at', text)
    .execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('directory_id', text, (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('hash', text, (c) => c.notNull().unique())
    .addColumn('prefix', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('last_used_at', text)
    .addColumn('revoked_at', text)
    .execute();
  await db.schema.createIndex('tokens_directory').on('tokens').columns(['directory_id']).execute();

  await db.schema
    .createTable('users')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('directory_id', text, (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('user_name', text, (c) => c.notNull())
    .addColumn('user_name_key', text, (c) => c.notNull())
    .addColumn('external_id', text)
    .addColumn('display_name', text)
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('email_key', text)
    .addColumn('unique_email_key', text)
    .addColumn('unique_external_id', text)
    .addColumn('doc', text, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('last_modified', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_user_name').on('users').columns(['directory_id', 'user_name_key']).unique().execute();
  // Partial: only directories with the unique-email (unique-externalId) rule fill the column, so other writes skip
  // the index.
  await db.schema
    .createIndex('users_unique_email')
    .on('users')
    .columns(['directory_id', 'unique_email_key'])
    .unique()
    .where('unique_email_key', 'is not', null)
    .execute();
  await db.schema
    .createIndex('users_unique_external_id')
    .on('users')
    .columns(['directory_id', 'unique_external_id'])
    .unique()
    .where('unique_external_id', 'is not', null)
    .execute();
  // Lookup indexes end with the default list order (created_at, id): a lookup then needs no sort, and the planner
  // never prefers walking the whole directory in users_created order to skip one. Every index costs each write
  // (SQLite writes whole pages to the WAL), so there is none on email_key: filters on emails read the document.
  await db.schema.createIndex('users_external_id').on('users').columns(['directory_id', 'external_id', 'created_at', 'id']).execute();

  await db.schema.createIndex('users_created').on('users').columns(['directory_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('directory_id', text, (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('display_name', text, (c) => c.notNull())
    .addColumn('display_name_key', text, (c) => c.notNull())
    .addColumn('external_id', text)
    .addColumn('doc', text, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('last_modified', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('groups_display_name').on('groups').columns(['directory_id', 'display_name_key']).unique().execute();
  await db.schema.createIndex('groups_external_id').on('groups').columns(['directory_id', 'external_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('groups_created').on('groups').columns(['directory_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', text, (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('member_id', text, (c) => c.notNull())
    .addColumn('directory_id', text, (c) => c.notNull())
    .addColumn('member_type', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'member_id'])
    .execute();
  await db.schema.createIndex('group_members_member').on('group_members').columns(['member_id']).execute();

  await db.schema
    .createTable('extension_attributes')
    .addColumn('directory_id', text, (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('resource_type', text, (c) => c.notNull())
    .addColumn('urn', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('key', text, (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('multi_valued', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('extension_attributes_pk', ['directory_id', 'resource_type', 'key'])
    .execute();

  // The change log is also the event outbox: each row is one event, written in the transaction of its change.
  await db.schema
    .createTable('changes')
    .addColumn('directory_id', text, (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('event_id', text, (c) => c.notNull().unique())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('resource_type', text, (c) => c.notNull())
    .addColumn('resource_id', text, (c) => c.notNull())
    .addColumn('member_id', text)
    .addColumn('attributes', text, (c) => c.notNull())
    .addColumn('data', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('changes_pk', ['directory_id', 'seq'])
    .execute();
  await db.schema.createIndex('changes_created').on('changes').columns(['created_at']).execute();

  await db.schema
    .createTable('provisioning_log')
    .addColumn('id', serialKey)
    .addColumn('directory_id', text, (c) => c.notNull())
    .addColumn('at', text, (c) => c.notNull())
    .addColumn('request_id', text, (c) => c.notNull())
    .addColumn('method', text, (c) => c.notNull())
    .addColumn('path', text, (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('resource_type', text)
    .addColumn('resource_id', text)
    .addColumn('label', text)
    .addColumn('duration_ms', 'real', (c) => c.notNull())
    .addColumn('error', text)
    .execute();
  await db.schema.createIndex('provisioning_log_directory').on('provisioning_log').columns(['directory_id', 'id']).execute();
}
