import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CompiledQuery, type Compilable, type Expression, sql, type SqlBool } from 'kysely';
import type { CompareOperator, Filter, FilterValue } from '../src/scim/filter/ast.ts';
import { parseFilter } from '../src/scim/filter/parse-filter.ts';
import { ScimError } from '../src/scim/messages/error.ts';
import { parseAttributePath, type AttributePath } from '../src/scim/path/attribute-path.ts';
import { type ExtensionAttribute, ResourceSchema } from '../src/scim/schema/resource-schema.ts';
import { ENTERPRISE_USER_SCHEMA as ENTERPRISE } from '../src/scim/schema/urns.ts';
import type { Connection, DialectName } from '../src/store/connect.ts';
import type { JsonSql } from '../src/store/dialect/json-sql.ts';
import { jsonSqlFor } from '../src/store/dialect/json-sql-for.ts';
import { compileFilter, compileSortKey } from '../src/store/filter/compile-filter.ts';
import { connectTestDatabase, testDialect } from './support/test-database.ts';

/** The store holds its dialect as the plain interface, chosen by the database it reached. */
const json: JsonSql = jsonSqlFor(testDialect);

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
const customAttributes: ExtensionAttribute[] = [
  { resourceType: 'User', urn: CUSTOM, name: 'folders', type: 'string', multiValued: true },
  { resourceType: 'User', urn: CUSTOM, name: 'level', type: 'integer', multiValued: false },
];
const userSchema = ResourceSchema.for('User', customAttributes);
/** The same users as seen by a directory that never recorded the custom extension: its attributes are inferred. */
const undeclaredSchema = ResourceSchema.for('User');
const groupSchema = ResourceSchema.for('Group');

const A = 'dir-a';
const B = 'dir-b';
/** A few hundred generated users, for the query plans and the cross-check against an in-memory evaluator. */
const C = 'dir-c';

type Doc = Record<string, any>;

const users: Record<string, { doc: Doc; created: string }> = {
  'u-alice': {
    created: '2024-01-01T00:00:00.000Z',
    doc: {
      userName: 'Alice@Contoso.com',
      displayName: 'Alice Smith',
      title: 'Engineer',
      externalId: 'EXT-alice',
      active: true,
      name: { givenName: 'Alice', familyName: 'Smith' },
      emails: [
        { value: 'alice@contoso.com', type: 'work', primary: true },
        { value: 'Alice.Home@Example.org', type: 'home' },
      ],
      [ENTERPRISE]: { employeeNumber: '701', department: 'R&D', manager: { value: 'u-bob' } },
      [CUSTOM]: { folders: ['a', 'b'], level: 3 },
    },
  },
  'u-bob': {
    created: '2024-02-01T00:00:00.000Z',
    doc: {
      userName: 'bob@contoso.com',
      displayName: 'Bob Jones',
      title: 'Manager',
      externalId: 'ext-bob',
      active: false,
      name: { givenName: 'Bob' },
      emails: [
        { value: 'bob@example.org', type: 'home' },
        { value: 'BOB@contoso.com', type: 'work' },
      ],
      [ENTERPRISE]: { employeeNumber: '702' },
      [CUSTOM]: { folders: ['b'], level: 10 },
    },
  },
  'u-carol': {
    created: '2024-03-01T00:00:00.000Z',
    doc: { userName: 'carol_1%x@contoso.com', title: null },
  },
  'u-dave': {
    created: '2024-04-01T00:00:00.000Z',
    doc: {
      userName: 'dave@fabrikam.com',
      displayName: 'dave',
      title: '',
      externalId: 'EXT-ALICE',
      active: true,
      emails: [
        { value: 'dave@fabrikam.com', type: 'work', primary: false },
        { value: 'd@contoso.com', type: 'other', primary: true },
      ],
      [ENTERPRISE]: { employeeNumber: 703, manager: { value: 'u-alice' } },
    },
  },
  'u-erin': {
    created: '2024-05-01T00:00:00.000Z',
    doc: {
      userName: 'erin@contoso.com',
      displayName: "Erin O'Neil",
      title: 'engineer',
      active: true,
      name: {},
      emails: [{ value: 'erin@CONTOSO.com', type: 'work' }],
      [ENTERPRISE]: {},
      [CUSTOM]: { folders: [] },
    },
  },
  'u-frank': {
    created: '2023-12-31T23:59:59.999Z',
    doc: {
      userName: 'Frank',
      displayName: 'FRANK',
      title: 'Senior Engineer',
      externalId: 'ext-frank',
      emails: [{ value: 'frank_x@contoso.com', type: 'work', primary: true }],
      [ENTERPRISE]: { department: 'Sales' },
    },
  },
  'u-grace': {
    created: '2024-06-01T12:00:00.000Z',
    doc: { userName: 'grace%@contoso.com', displayName: 'Grace 100% Hopper', active: true, emails: [] },
  },
};
const ALL_USERS = Object.keys(users).sort();

const groups: Record<string, Doc> = {
  'g-eng': { displayName: 'Engineering' },
  'g-sales': { displayName: 'Sales', externalId: 'ext-sales' },
  'g-mgmt': { displayName: 'management', externalId: 'EXT-MGMT' },
  'g-empty': { displayName: 'Empty Group' },
};
const memberships: Array<[group: string, member: string, type: 'User' | 'Group']> = [
  ['g-eng', 'u-alice', 'User'],
  ['g-eng', 'u-dave', 'User'],
  ['g-eng', 'u-frank', 'User'],
  ['g-sales', 'u-frank', 'User'],
  ['g-sales', 'g-eng', 'Group'],
  ['g-mgmt', 'u-bob', 'User'],
];

let connection: Connection;
const db = () => connection.db;

/** The promoted columns, computed the way the store's writer does (lower-casing with toLowerCase). */
async function insertUser(directory: string, id: string, doc: Doc, created: string): Promise<void> {
  const emails: Doc[] = Array.isArray(doc.emails) ? doc.emails : [];
  const email = emails.find((e) => e.primary === true) ?? emails[0];
  await db()
    .insertInto('users')
    .values({
      id,
      directory_id: directory,
      user_name: doc.userName,
      user_name_key: doc.userName.toLowerCase(),
      external_id: typeof doc.externalId === 'string' ? doc.externalId : null,
      display_name: typeof doc.displayName === 'string' ? doc.displayName : null,
      active: doc.active === false ? 0 : 1,
      email_key: typeof email?.value === 'string' ? email.value.toLowerCase() : null,
      unique_email_key: null,
      doc: JSON.stringify(doc),
      version: 1,
      created_at: created,
      last_modified: created.replace(/^(\d{4})/, (year) => String(Number(year) + 1)),
    })
    .execute();
}

async function insertGroup(directory: string, id: string, doc: Doc): Promise<void> {
  await db()
    .insertInto('groups')
    .values({
      id,
      directory_id: directory,
      display_name: doc.displayName,
      display_name_key: doc.displayName.toLowerCase(),
      external_id: doc.externalId ?? null,
      doc: JSON.stringify(doc),
      version: 1,
      created_at: '2024-01-01T00:00:00.000Z',
      last_modified: '2024-01-01T00:00:00.000Z',
    })
    .execute();
}

async function insertMember(directory: string, group: string, member: string, type: 'User' | 'Group'): Promise<void> {
  await db()
    .insertInto('group_members')
    .values({ group_id: group, member_id: member, directory_id: directory, member_type: type, created_at: '2024-01-01T00:00:00.000Z' })
    .execute();
}

/** A small deterministic generator, so a failure reproduces. */
function generator(seed: number) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const casing = (text: string) => [...text].map((c) => (next() < 0.3 ? c.toUpperCase() : c)).join('');
  return { next, pick, casing };
}

const NAMES = ['alice', 'bob', 'élise', 'ÉMILE', 'zoë', 'anna', "o'neil", 'x_y', '50%', 'li', 'engineer', 'sales'];
const DOMAINS = ['contoso.com', 'fabrikam.com', 'example.org'];
const TITLES = ['Engineer', 'engineer', 'Senior Engineer', 'Manager', '50% Sales', 'x_y lead', 'Élève'];

function bulkUsers(count: number): Array<{ id: string; doc: Doc }> {
  const { next, pick, casing } = generator(42);
  /** Missing, null, empty or a value: every state a text attribute can be in. */
  const text = (value: () => string) => {
    const r = next();
    return r < 0.15 ? undefined : r < 0.2 ? null : r < 0.25 ? '' : value();
  };
  const result: Array<{ id: string; doc: Doc }> = [];
  for (let i = 0; i < count; i++) {
    const doc: Doc = { userName: `${casing(pick(NAMES))}.${i}@${pick(DOMAINS)}` };
    const displayName = text(() => `${casing(pick(NAMES))} ${casing(pick(NAMES))}`);
    if (displayName !== undefined) doc.displayName = displayName;
    const title = text(() => casing(pick(TITLES)));
    if (title !== undefined) doc.title = title;
    if (next() < 0.85) {
      doc.emails = Array.from({ length: Math.floor(next() * 4) }, () => {
        const email: Doc = { type: pick(['work', 'home', 'other', undefined]) };
        if (next() < 0.9) email.value = `${casing(pick(NAMES))}@${pick(DOMAINS)}`;
        if (next() < 0.3) email.primary = true;
        return email;
      });
    }
    const r = next();
    if (r < 0.3) doc.active = false;
    else if (r < 0.8) doc.active = true;
    result.push({ id: `c-${String(i).padStart(4, '0')}`, doc: JSON.parse(JSON.stringify(doc)) });
  }
  return result;
}
const bulk = bulkUsers(300);

before(async () => {
  connection = await connectTestDatabase();
  for (const id of [A, B, C]) {
    await db().insertInto('directories').values({ id, name: id, provider: 'entra', settings: '{}', created_at: '2024-01-01T00:00:00.000Z' }).execute();
  }
  for (const [id, { doc, created }] of Object.entries(users)) await insertUser(A, id, doc, created);
  for (const [id, doc] of Object.entries(groups)) await insertGroup(A, id, doc);
  for (const [group, member, type] of memberships) await insertMember(A, group, member, type);
  // Directory B holds look-alikes of A's rows: a filter that leaks across directories would return them.
  await insertUser(B, 'b-alice', users['u-alice']!.doc, users['u-alice']!.created);
  await insertGroup(B, 'b-eng', { displayName: 'Engineering' });
  await insertMember(B, 'b-eng', 'b-alice', 'User');
  for (const [i, { id, doc }] of bulk.entries()) {
    await insertUser(C, id, doc, new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString());
  }
  for (let g = 0; g < 20; g++) {
    await insertGroup(C, `cg-${g}`, { displayName: `Group ${g}` });
    for (let m = g; m < bulk.length; m += 7 + g) await insertMember(C, `cg-${g}`, bulk[m]!.id, 'User');
  }
  // Planner statistics, which a server's autovacuum would gather: without them PostgreSQL guesses at the size of
  // every table, and may answer `externalId eq` through any index that starts with directory_id.
  if (testDialect === 'postgres') await sql`analyze users, groups, group_members`.execute(db());
});

after(async () => {
  await connection.close();
});

const toFilter = (filter: Filter | string, schema: ResourceSchema, lenient = false): Filter =>
  typeof filter === 'string' ? parseFilter(filter, { urns: schema.urns, lenient }) : filter;

function userQuery(filter: Filter | string, schema = userSchema, directory = A) {
  return db()
    .selectFrom('users')
    .select('id')
    .where('directory_id', '=', directory)
    .where(compileFilter(toFilter(filter, schema), schema, 'users', json));
}

function groupQuery(filter: Filter | string, directory = A) {
  return db()
    .selectFrom('groups')
    .select('id')
    .where('directory_id', '=', directory)
    .where(compileFilter(toFilter(filter, groupSchema), groupSchema, 'groups', json));
}

const ids = async (query: { execute(): Promise<Array<{ id: string }>> }) => (await query.execute()).map((r) => r.id).sort();
const userIds = async (filter: Filter | string, schema = userSchema, directory = A) => ids(userQuery(filter, schema, directory));
const groupIds = async (filter: Filter | string, directory = A) => ids(groupQuery(filter, directory));
const except = (...excluded: string[]) => ALL_USERS.filter((id) => !excluded.includes(id));

function isScimError(scimType: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.scimType, scimType);
    return true;
  };
}
const rejectsFilter = (run: () => Promise<unknown>) => assert.rejects(run, isScimError('invalidFilter'));

/** Builds an AST by hand, for what the parser would refuse before the compiler sees it. */
const path = (text: string, schema = userSchema): AttributePath => parseAttributePath(text, schema.urns)!;
const compare = (p: string, op: CompareOperator, value: FilterValue): Filter => ({ kind: 'compare', op, path: path(p), value });

describe('promoted columns', () => {
  test('userName is case-insensitive for every operator, and % and _ are literal', async () => {
    assert.deepEqual(await userIds('userName eq "alice@contoso.com"'), ['u-alice']);
    assert.deepEqual(await userIds('USERNAME eq "ALICE@CONTOSO.COM"'), ['u-alice']);
    assert.deepEqual(await userIds('userName sw "BOB"'), ['u-bob']);
    assert.deepEqual(await userIds('userName ew "@CONTOSO.com"'), ['u-alice', 'u-bob', 'u-carol', 'u-erin', 'u-grace']);
    assert.deepEqual(await userIds('userName gt "e"'), ['u-erin', 'u-frank', 'u-grace']);
    assert.deepEqual(await userIds('userName le "bob@contoso.com"'), ['u-alice', 'u-bob']);
    assert.deepEqual(await userIds('userName co "%"'), ['u-carol', 'u-grace']);
    assert.deepEqual(await userIds('userName co "_"'), ['u-carol']);
    assert.deepEqual(await userIds('userName sw "carol_"'), ['u-carol']);
    assert.deepEqual(await userIds('userName sw "carol%"'), []);
    assert.deepEqual(await userIds('userName ew "%@contoso.com"'), ['u-grace']);
    assert.deepEqual(await userIds('userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"'), []);
    assert.deepEqual(await userIds('userName co ""'), ALL_USERS);
  });

  test('externalId and id are caseExact', async () => {
    assert.deepEqual(await userIds('externalId eq "EXT-alice"'), ['u-alice']);
    assert.deepEqual(await userIds('externalId eq "ext-alice"'), []);
    assert.deepEqual(await userIds('externalId sw "ext-"'), ['u-bob', 'u-frank']);
    assert.deepEqual(await userIds(parseFilter('externalId eq ext-bob', { urns: userSchema.urns, lenient: true })), ['u-bob']);
    assert.deepEqual(await userIds('externalId pr'), ['u-alice', 'u-bob', 'u-dave', 'u-frank']);
    assert.deepEqual(await userIds('id eq "u-dave"'), ['u-dave']);
    assert.deepEqual(await userIds('id eq "U-DAVE"'), []);
    assert.deepEqual(await userIds('id pr'), ALL_USERS);
  });

  test("a user's displayName is case-insensitive", async () => {
    assert.deepEqual(await userIds('displayName eq "alice smith"'), ['u-alice']);
    assert.deepEqual(await userIds('displayName eq "DAVE"'), ['u-dave']);
    assert.deepEqual(await userIds('displayName co "\'"'), ['u-erin']);
    assert.deepEqual(await userIds('displayName co "100%"'), ['u-grace']);
    assert.deepEqual(await userIds('displayName eq null'), ['u-carol']);
    assert.deepEqual(await userIds('not (displayName pr)'), ['u-carol']);
  });

  test('active compares booleans, and accepts "True" and "False" as Entra sends them', async () => {
    assert.deepEqual(await userIds('active eq true'), except('u-bob'));
    assert.deepEqual(await userIds('active eq false'), ['u-bob']);
    assert.deepEqual(await userIds('active eq "False"'), ['u-bob']);
    assert.deepEqual(await userIds('active eq "True"'), except('u-bob'));
    assert.deepEqual(await userIds('active ne true'), ['u-bob']);
    assert.deepEqual(await userIds('active pr'), ALL_USERS);
    await rejectsFilter(() => userIds('active gt false'));
    await rejectsFilter(() => userIds('active eq "yes"'));
    await rejectsFilter(() => userIds('active co "t"'));
  });

  test('meta timestamps compare as instants; meta.resourceType is a constant', async () => {
    assert.deepEqual(await userIds('meta.created gt "2024-03-01T00:00:00Z"'), ['u-dave', 'u-erin', 'u-grace']);
    assert.deepEqual(await userIds('meta.created ge "2024-03-01T00:00:00Z"'), ['u-carol', 'u-dave', 'u-erin', 'u-grace']);
    assert.deepEqual(await userIds('meta.created ge "2024-03-01T01:00:00+01:00"'), ['u-carol', 'u-dave', 'u-erin', 'u-grace']);
    assert.deepEqual(await userIds('meta.created lt "2024-01-01"'), ['u-frank']);
    assert.deepEqual(await userIds('meta.created le "2024-01-01T00:00:00"'), ['u-alice', 'u-frank']);
    assert.deepEqual(await userIds('meta.created eq "2024-01-01T00:00:00Z"'), ['u-alice']);
    assert.deepEqual(await userIds('meta.lastModified gt "2025-05-15T00:00:00.000Z"'), ['u-grace']);
    assert.deepEqual(await userIds('meta.created sw "2023-"'), ['u-frank']);
    await rejectsFilter(() => userIds('meta.created gt "yesterday"'));
    await rejectsFilter(() => userIds('meta.created gt 5'));
    assert.deepEqual(await userIds('meta.resourceType eq "User"'), ALL_USERS);
    assert.deepEqual(await userIds('meta.resourceType eq "user"'), []);
    assert.deepEqual(await groupIds('meta.resourceType eq "Group"'), Object.keys(groups).sort());
    assert.deepEqual(await userIds('meta pr'), ALL_USERS);
    await rejectsFilter(() => userIds('meta.location eq "x"'));
    await rejectsFilter(() => userIds('meta eq "x"'));
  });

  test("a group's displayName is case-insensitive; its externalId is caseExact", async () => {
    assert.deepEqual(await groupIds('displayName eq "ENGINEERING"'), ['g-eng']);
    assert.deepEqual(await groupIds('displayName sw "e"'), ['g-empty', 'g-eng']);
    assert.deepEqual(await groupIds('displayName co "MENT"'), ['g-mgmt']);
    assert.deepEqual(await groupIds('displayName gt "f"'), ['g-mgmt', 'g-sales']);
    assert.deepEqual(await groupIds('externalId eq "EXT-MGMT"'), ['g-mgmt']);
    assert.deepEqual(await groupIds('externalId eq "ext-mgmt"'), []);
  });
});

describe('absent values', () => {
  test('ne, not and eq null match users without the attribute; pr needs a non-empty value', async () => {
    // carol's title is null, dave's is "", grace has none.
    assert.deepEqual(await userIds('title pr'), ['u-alice', 'u-bob', 'u-erin', 'u-frank']);
    assert.deepEqual(await userIds('not (title pr)'), ['u-carol', 'u-dave', 'u-grace']);
    assert.deepEqual(await userIds('title eq null'), ['u-carol', 'u-dave', 'u-grace']);
    assert.deepEqual(await userIds('title ne null'), ['u-alice', 'u-bob', 'u-erin', 'u-frank']);
    assert.deepEqual(await userIds('title ne "ENGINEER"'), ['u-bob', 'u-carol', 'u-dave', 'u-frank', 'u-grace']);
    assert.deepEqual(await userIds('not (title eq "engineer")'), ['u-bob', 'u-carol', 'u-dave', 'u-frank', 'u-grace']);
    assert.deepEqual(await userIds('title eq ""'), ['u-dave']);
    assert.deepEqual(await userIds('title ne ""'), except('u-dave'));
    assert.deepEqual(await userIds('title co "engineer"'), ['u-alice', 'u-erin', 'u-frank']);
    assert.deepEqual(await userIds('not (title co "engineer")'), ['u-bob', 'u-carol', 'u-dave', 'u-grace']);
    assert.deepEqual(await userIds('not (not (title pr))'), ['u-alice', 'u-bob', 'u-erin', 'u-frank']);
    assert.deepEqual(await userIds('not (displayName eq "dave") and not (title pr)'), ['u-carol', 'u-grace']);
    assert.deepEqual(await userIds('title pr or displayName eq "dave"'), ['u-alice', 'u-bob', 'u-dave', 'u-erin', 'u-frank']);
    assert.deepEqual(await userIds('not (title eq "Manager" or displayName sw "a")'), ['u-carol', 'u-dave', 'u-erin', 'u-frank', 'u-grace']);
    await rejectsFilter(() => userIds('title gt null'));
  });

  test('on a multi-valued attribute, ne means no value is equal', async () => {
    assert.deepEqual(await userIds('emails.value ne "ALICE@contoso.com"'), except('u-alice'));
    assert.deepEqual(await userIds('not (emails.value co "contoso")'), ['u-carol', 'u-grace']);
    assert.deepEqual(await userIds('emails pr'), ['u-alice', 'u-bob', 'u-dave', 'u-erin', 'u-frank']);
    assert.deepEqual(await userIds('not (emails pr)'), ['u-carol', 'u-grace']);
  });

  test('pr on a complex attribute needs a present sub-attribute', async () => {
    assert.deepEqual(await userIds('name pr'), ['u-alice', 'u-bob']);
    assert.deepEqual(await userIds('name.familyName pr'), ['u-alice']);
    assert.deepEqual(await userIds(`${ENTERPRISE}:manager pr`), ['u-alice', 'u-dave']);
  });
});

describe('document attributes', () => {
  test('sub-attributes and extension attributes', async () => {
    assert.deepEqual(await userIds('name.givenName eq "alice"'), ['u-alice']);
    assert.deepEqual(await userIds('name.GIVENNAME sw "B"'), ['u-bob']);
    assert.deepEqual(await userIds(`${ENTERPRISE}:employeeNumber eq "701"`), ['u-alice']);
    // dave's employeeNumber is stored as a number: a string compares with its text.
    assert.deepEqual(await userIds(`${ENTERPRISE}:employeeNumber eq "703"`), ['u-dave']);
    assert.deepEqual(await userIds(parseFilter(`${ENTERPRISE}:employeeNumber eq 701`, { urns: userSchema.urns, lenient: true })), ['u-alice']);
    assert.deepEqual(await userIds(`${ENTERPRISE}:employeeNumber sw "70"`), ['u-alice', 'u-bob', 'u-dave']);
    assert.deepEqual(await userIds(`${ENTERPRISE.toLowerCase()}:Manager.Value eq "u-bob"`), ['u-alice']);
    assert.deepEqual(await userIds(`${ENTERPRISE}:department eq "r&d"`), ['u-alice']);
    assert.deepEqual(await userIds(`${ENTERPRISE}:manager[value eq "u-alice"]`), ['u-dave']);
    assert.deepEqual(await userIds('name[givenName eq "ALICE" and familyName pr]'), ['u-alice']);
    // Declared nowhere, even under a known URN: compiled against the path as written, matching nothing here.
    assert.deepEqual(await userIds(`${ENTERPRISE}:costCentre eq "x"`), []);
  });

  test('multi-valued attributes: one element must satisfy the whole value filter', async () => {
    assert.deepEqual(await userIds('emails[type eq "work" and value co "@contoso.com"]'), ['u-alice', 'u-bob', 'u-erin', 'u-frank']);
    assert.deepEqual(await userIds('emails.type eq "work" and emails.value co "@contoso.com"'), ['u-alice', 'u-bob', 'u-dave', 'u-erin', 'u-frank']);
    assert.deepEqual(await userIds('emails[type eq "work"].value eq "bob@contoso.com"'), ['u-bob']);
    assert.deepEqual(await userIds('emails.value co "@contoso.com"'), ['u-alice', 'u-bob', 'u-dave', 'u-erin', 'u-frank']);
    assert.deepEqual(await userIds('emails co "EXAMPLE"'), ['u-alice', 'u-bob']);
    assert.deepEqual(await userIds('emails eq "d@contoso.com"'), ['u-dave']);
    assert.deepEqual(await userIds('Emails.Value eq "ALICE@contoso.com"'), ['u-alice']);
    assert.deepEqual(await userIds('emails.value co "_"'), ['u-frank']);
    assert.deepEqual(await userIds('emails.type eq "home"'), ['u-alice', 'u-bob']);
    assert.deepEqual(await userIds('emails[primary eq true]'), ['u-alice', 'u-dave', 'u-frank']);
    assert.deepEqual(await userIds('emails[primary eq "True"]'), ['u-alice', 'u-dave', 'u-frank']);
    assert.deepEqual(await userIds('emails[primary eq false]'), ['u-dave']);
    assert.deepEqual(await userIds('emails[not (type eq "work")]'), ['u-alice', 'u-bob', 'u-dave']);
    assert.deepEqual(await userIds('emails[type eq "work"] and not (emails[type eq "home"])'), ['u-dave', 'u-erin', 'u-frank']);
    assert.deepEqual(await userIds('emails[value pr]'), ['u-alice', 'u-bob', 'u-dave', 'u-erin', 'u-frank']);
    await rejectsFilter(() => userIds('emails[primary gt true]'));
  });

  test('custom multi-valued extension attributes, declared or not', async () => {
    for (const schema of [userSchema, undeclaredSchema]) {
      assert.deepEqual(await userIds(`${CUSTOM}:folders eq "a"`, schema), ['u-alice']);
      assert.deepEqual(await userIds(`${CUSTOM}:folders eq "B"`, schema), ['u-alice', 'u-bob']);
      assert.deepEqual(await userIds(`${CUSTOM}:folders[value eq "b"]`, schema), ['u-alice', 'u-bob']);
      assert.deepEqual(await userIds(`${CUSTOM}:folders pr`, schema), ['u-alice', 'u-bob']);
      assert.deepEqual(await userIds(`${CUSTOM}:folders ne "b"`, schema), except('u-alice', 'u-bob'));
      assert.deepEqual(await userIds(`${CUSTOM}:level eq 3`, schema), ['u-alice']);
      assert.deepEqual(await userIds(`${CUSTOM}:level gt 5`, schema), ['u-bob']);
      assert.deepEqual(await userIds(`${CUSTOM}:level le 10`, schema), ['u-alice', 'u-bob']);
    }
    // Declared as an integer, the attribute compares numerically and refuses text operators.
    assert.deepEqual(await userIds(`${CUSTOM}:level eq "10"`), ['u-bob']);
    await rejectsFilter(() => userIds(`${CUSTOM}:level eq "ten"`));
    await rejectsFilter(() => userIds(`${CUSTOM}:level co "1"`));
    await rejectsFilter(() => userIds(`${CUSTOM}:folders[type eq "x"]`));
  });

  test('schemas eq names the core schema and the extensions a document holds', async () => {
    const enterpriseUsers = ['u-alice', 'u-bob', 'u-dave', 'u-frank'];
    assert.deepEqual(await userIds(`schemas eq "${ENTERPRISE}"`), enterpriseUsers);
    assert.deepEqual(await userIds(`schemas eq "${ENTERPRISE.toLowerCase()}"`), enterpriseUsers);
    assert.deepEqual(await userIds(`not (schemas eq "${ENTERPRISE}")`), ['u-carol', 'u-erin', 'u-grace']);
    assert.deepEqual(await userIds(`schemas ne "${ENTERPRISE}"`), ['u-carol', 'u-erin', 'u-grace']);
    assert.deepEqual(await userIds('schemas eq "urn:ietf:params:scim:schemas:core:2.0:User"'), ALL_USERS);
    assert.deepEqual(await userIds(`schemas eq "${CUSTOM}"`), ['u-alice', 'u-bob']);
    assert.deepEqual(await userIds('schemas eq "urn:example:unknown"'), []);
    assert.deepEqual(await userIds('schemas pr'), ALL_USERS);
    await rejectsFilter(() => userIds('schemas co "enterprise"'));
  });
});

describe('membership', () => {
  test("a group's members are group_members rows", async () => {
    assert.deepEqual(await groupIds('members[value eq "u-alice"]'), ['g-eng']);
    assert.deepEqual(await groupIds('members.value eq "u-frank"'), ['g-eng', 'g-sales']);
    assert.deepEqual(await groupIds('members eq "u-bob"'), ['g-mgmt']);
    assert.deepEqual(await groupIds('members.value eq "U-BOB"'), []);
    assert.deepEqual(await groupIds('members[type eq "group"]'), ['g-sales']);
    assert.deepEqual(await groupIds('members[value eq "u-frank" and type eq "User"]'), ['g-eng', 'g-sales']);
    assert.deepEqual(await groupIds('members[value eq "g-eng" and type eq "User"]'), []);
    assert.deepEqual(await groupIds('members.value ne "u-frank"'), ['g-empty', 'g-mgmt']);
    assert.deepEqual(await groupIds('members pr'), ['g-eng', 'g-mgmt', 'g-sales']);
    assert.deepEqual(await groupIds('not (members pr)'), ['g-empty']);
    assert.deepEqual(await groupIds('id eq "g-eng" and members[value eq "u-alice"]'), ['g-eng']);
    assert.deepEqual(await groupIds('id eq "g-sales" and members[value eq "u-alice"]'), []);
    await rejectsFilter(() => groupIds('members.display eq "Alice"'));
    await rejectsFilter(() => groupIds('members[display eq "Alice"]'));
    await rejectsFilter(() => groupIds('members.$ref eq "x"'));
  });

  test("a user's groups are group_members rows", async () => {
    assert.deepEqual(await userIds('groups[value eq "g-eng"]'), ['u-alice', 'u-dave', 'u-frank']);
    assert.deepEqual(await userIds('groups.value eq "g-sales"'), ['u-frank']);
    assert.deepEqual(await userIds('groups eq "g-mgmt"'), ['u-bob']);
    assert.deepEqual(await userIds('not (groups pr)'), ['u-carol', 'u-erin', 'u-grace']);
    assert.deepEqual(await userIds('groups[type eq "direct"]'), ['u-alice', 'u-bob', 'u-dave', 'u-frank']);
    assert.deepEqual(await userIds('groups.type eq "indirect"'), []);
    await rejectsFilter(() => userIds('groups.display eq "Sales"'));
  });
});

test("another directory's rows never match", async () => {
  assert.deepEqual(await userIds('userName eq "alice@contoso.com"'), ['u-alice']);
  assert.deepEqual(await userIds('userName eq "alice@contoso.com"', userSchema, B), ['b-alice']);
  assert.deepEqual(await userIds('groups[value eq "b-eng"]'), []);
  assert.deepEqual(await userIds('groups[value eq "b-eng"]', userSchema, B), ['b-alice']);
  assert.deepEqual(await userIds('not (userName eq "x")', userSchema, B), ['b-alice']);
  assert.deepEqual(await groupIds('displayName eq "engineering"'), ['g-eng']);
  assert.deepEqual(await groupIds('members[value eq "b-alice"]', B), ['b-eng']);
  assert.deepEqual(await groupIds('members[value eq "b-alice"]'), []);
});

test('invalid filters are 400 invalidFilter', async () => {
  const rejected: Array<Filter | string> = [
    'foo eq "x"',
    'emails.foo eq "x"',
    'emails.foo pr',
    'name eq "Alice"',
    'name.nickname eq "x"',
    'password eq "secret"',
    'addresses eq "x"',
    'title eq null and active gt true',
    compare('name.givenName', 'sw', null),
    // What the parser refuses, built by hand: a nested value filter, a value filter on a single value.
    { kind: 'valuePath', path: path('emails'), filter: { kind: 'valuePath', path: path('type'), filter: compare('value', 'eq', 'x') } },
    { kind: 'valuePath', path: path('title'), filter: compare('value', 'eq', 'x') },
    { kind: 'valuePath', path: path('emails.value'), filter: compare('value', 'eq', 'x') },
    { kind: 'valuePath', path: path('emails'), filter: compare('name.givenName', 'eq', 'x') },
    { kind: 'compare', op: 'eq', path: { urn: 'urn:bad"urn', name: 'x' }, value: 'x' },
  ];
  for (const filter of rejected) {
    await rejectsFilter(() => userIds(filter));
  }
});

describe('sortBy', () => {
  async function sorted(sortBy: string, descending = false, schema = userSchema): Promise<string[]> {
    const key = compileSortKey(sortBy, schema, 'users', json);
    const rows = await db()
      .selectFrom('users')
      .select('id')
      .where('directory_id', '=', A)
      .orderBy(key, (ob) => (descending ? ob.desc().nullsFirst() : ob.asc().nullsLast()))
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  test('promoted columns', async () => {
    const byUserName = ['u-alice', 'u-bob', 'u-carol', 'u-dave', 'u-erin', 'u-frank', 'u-grace'];
    assert.deepEqual(await sorted('userName'), byUserName);
    assert.deepEqual(await sorted('USERNAME', true), [...byUserName].reverse());
    assert.deepEqual(await sorted('displayName'), ['u-alice', 'u-bob', 'u-dave', 'u-erin', 'u-frank', 'u-grace', 'u-carol']);
    assert.deepEqual(await sorted('displayName', true), ['u-carol', 'u-grace', 'u-frank', 'u-erin', 'u-dave', 'u-bob', 'u-alice']);
    assert.deepEqual(await sorted('meta.created'), ['u-frank', 'u-alice', 'u-bob', 'u-carol', 'u-dave', 'u-erin', 'u-grace']);
    assert.deepEqual(await sorted('externalId'), ['u-dave', 'u-alice', 'u-bob', 'u-frank', 'u-carol', 'u-erin', 'u-grace']);
    assert.deepEqual(await sorted('active'), ['u-bob', 'u-alice', 'u-carol', 'u-dave', 'u-erin', 'u-frank', 'u-grace']);
    assert.deepEqual(await sorted('emails'), ['u-alice', 'u-bob', 'u-dave', 'u-erin', 'u-frank', 'u-carol', 'u-grace']);
  });

  test('document attributes; multi-valued ones by their primary-else-first element', async () => {
    assert.deepEqual(await sorted('emails.type'), ['u-bob', 'u-dave', 'u-alice', 'u-erin', 'u-frank', 'u-carol', 'u-grace']);
    assert.deepEqual(await sorted('name.givenName', true), ['u-carol', 'u-dave', 'u-erin', 'u-frank', 'u-grace', 'u-bob', 'u-alice']);
    assert.deepEqual(await sorted(`${ENTERPRISE}:employeeNumber`), ['u-alice', 'u-bob', 'u-dave', 'u-carol', 'u-erin', 'u-frank', 'u-grace']);
    // Numerically: 3 before 10.
    assert.deepEqual(await sorted(`${CUSTOM}:level`), ['u-alice', 'u-bob', 'u-carol', 'u-dave', 'u-erin', 'u-frank', 'u-grace']);
    assert.deepEqual(await sorted(`${CUSTOM}:folders`, true), ['u-carol', 'u-dave', 'u-erin', 'u-frank', 'u-grace', 'u-bob', 'u-alice']);
    assert.deepEqual(await sorted(`${CUSTOM}:folders`, true, undeclaredSchema), ['u-carol', 'u-dave', 'u-erin', 'u-frank', 'u-grace', 'u-bob', 'u-alice']);
    const byGroup = await db()
      .selectFrom('groups')
      .select('id')
      .where('directory_id', '=', A)
      .orderBy(compileSortKey('displayName', groupSchema, 'groups', json))
      .execute();
    assert.deepEqual(byGroup.map((r) => r.id), ['g-empty', 'g-eng', 'g-mgmt', 'g-sales']);
  });

  test('an attribute that cannot be sorted by is 400 invalidValue', () => {
    for (const sortBy of ['foo', '', 'name', 'groups', 'groups.value', 'schemas', 'emails.foo', 'password', 'addresses', 'meta', 'a b']) {
      assert.throws(() => compileSortKey(sortBy, userSchema, 'users', json), isScimError('invalidValue'), sortBy);
    }
    assert.throws(() => compileSortKey('members', groupSchema, 'groups', json), isScimError('invalidValue'));
  });
});

describe('query plans', () => {
  /** SQLite's plan: one line per table access, `SEARCH users USING INDEX users_user_name (directory_id=? AND …)`. */
  async function sqlitePlan(query: CompiledQuery): Promise<string> {
    const result = await db().executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
    );
    return result.rows.map((r) => r.detail).join('\n');
  }

  interface PostgresPlanNode {
    'Node Type': string;
    'Relation Name'?: string;
    Alias?: string;
    'Index Name'?: string;
    'Index Cond'?: string;
    Plans?: PostgresPlanNode[];
  }

  /**
   * PostgreSQL's plan in the same shape: `Index Scan on users as users using users_user_name: ((directory_id = …)
   * AND (user_name_key = …))`. On tables this small the planner rightly prefers reading them whole, so sequential
   * scans are disabled for the query: the plan then shows whether an index can answer it, which is the question.
   */
  async function postgresPlan(query: CompiledQuery): Promise<string> {
    const result = await db().transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      return trx.executeQuery<{ 'QUERY PLAN': Array<{ Plan: PostgresPlanNode }> }>(
        CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
      );
    });
    const lines: string[] = [];
    const visit = (node: PostgresPlanNode) => {
      const table = node['Relation Name'] ? ` on ${node['Relation Name']} as ${node.Alias}` : '';
      const index = node['Index Name'] ? ` using ${node['Index Name']}: ${node['Index Cond'] ?? ''}` : '';
      if (table || index) lines.push(`${node['Node Type']}${table}${index}`);
      node.Plans?.forEach(visit);
    };
    visit(result.rows[0]!['QUERY PLAN'][0]!.Plan);
    return lines.join('\n');
  }

  /** Asserts that the plan has each of the dialect's `probes` and reads no table whole. */
  async function assertProbes(query: Compilable<unknown>, probes: Record<DialectName, RegExp[]>): Promise<void> {
    const text = await (testDialect === 'sqlite' ? sqlitePlan : postgresPlan)(query.compile());
    for (const probe of probes[testDialect]) assert.match(text, probe, text);
    assert.doesNotMatch(text, testDialect === 'sqlite' ? /\bSCAN (users|groups|gm|group_members)\b/ : /Seq Scan/, text);
  }

  test('userName eq probes (directory_id, user_name_key)', async () => {
    await assertProbes(userQuery('userName eq "Alice.7@contoso.com"', userSchema, C), {
      sqlite: [/SEARCH users USING (COVERING )?INDEX users_user_name \(directory_id=\? AND user_name_key=\?\)/],
      postgres: [/Index (Only )?Scan .*using users_user_name: \(\(directory_id = .+\) AND \(user_name_key = .+\)\)/],
    });
  });

  test('externalId eq probes (directory_id, external_id)', async () => {
    await assertProbes(userQuery('externalId eq "x"', userSchema, C), {
      sqlite: [/SEARCH users USING (COVERING )?INDEX users_external_id \(directory_id=\? AND external_id=\?\)/],
      postgres: [/Index (Only )?Scan .*using users_external_id: \(\(directory_id = .+\) AND \(external_id = .+\)\)/],
    });
  });

  test("a group's displayName eq probes (directory_id, display_name_key)", async () => {
    await assertProbes(groupQuery('displayName eq "Group 3"', C), {
      sqlite: [/SEARCH groups USING (COVERING )?INDEX groups_display_name \(directory_id=\? AND display_name_key=\?\)/],
      postgres: [/Index (Only )?Scan .*using groups_display_name: \(\(directory_id = .+\) AND \(display_name_key = .+\)\)/],
    });
  });

  // PostgreSQL may probe by (directory_id, id) and by member_id rather than by the primary keys: as cheap for one row.
  test('id eq and members[value eq] are two index probes', async () => {
    await assertProbes(groupQuery('id eq "cg-3" and members[value eq "c-0003"]', C), {
      sqlite: [
        /SEARCH groups USING INDEX sqlite_autoindex_groups_1 \(id=\?\)/,
        /SEARCH gm (EXISTS )?USING (COVERING )?INDEX sqlite_autoindex_group_members_1 \(group_id=\? AND member_id=\?\)/,
      ],
      postgres: [/Index (Only )?Scan on groups .*: .*\(id = /, /Index (Only )?Scan on group_members as gm .*: .*\(member_id = /],
    });
  });

  test("id eq and a user's groups[value eq] are two index probes", async () => {
    await assertProbes(userQuery('id eq "c-0003" and groups[value eq "cg-3"]', userSchema, C), {
      sqlite: [
        /SEARCH users USING INDEX sqlite_autoindex_users_1 \(id=\?\)/,
        /SEARCH gm (EXISTS )?USING (COVERING )?INDEX sqlite_autoindex_group_members_1 \(group_id=\? AND member_id=\?\)/,
      ],
      postgres: [/Index (Only )?Scan on users .*: .*\(id = /, /Index (Only )?Scan on group_members as gm .*: .*\(member_id = /],
    });
  });
});

// ---- Property tests ------------------------------------------------------------------------------------------

/** Paths a client may write, known and unknown, for the robustness property. */
const USER_PATHS = [
  'userName', 'displayName', 'title', 'active', 'id', 'externalId', 'name', 'name.givenName', 'name.foo', 'foo',
  'emails', 'emails.value', 'emails.type', 'emails.primary', 'emails.foo', 'addresses', 'addresses.locality',
  'x509Certificates.value', 'password', 'groups', 'groups.value', 'groups.type', 'groups.display', 'schemas',
  'meta', 'meta.created', 'meta.lastModified', 'meta.resourceType', 'meta.location', 'meta.version',
  `${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:manager`, `${ENTERPRISE}:manager.value`, `${ENTERPRISE}:unknown`,
  `${CUSTOM}:folders`, `${CUSTOM}:level`, `${CUSTOM}:undeclared`, `${CUSTOM}:thing.sub`, 'urn:example:x:attr',
  `urn:ietf:params:scim:schemas:core:2.0:User:userName`,
];
const GROUP_PATHS = ['displayName', 'externalId', 'id', 'members', 'members.value', 'members.type', 'members.display', 'meta.created', 'foo', 'schemas'];
const ELEMENT_NAMES = ['value', 'type', 'primary', 'display', 'givenName', 'foo', '$ref'];
const OPERATORS: CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

const anyValue: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('True', 'false', '2024-03-01T00:00:00Z', '2024-02-30', 'a%', '_', '', 'u-alice', 'g-eng', ENTERPRISE),
  fc.integer({ min: -5, max: 20 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

function anyFilter(paths: readonly string[], schema: ResourceSchema): fc.Arbitrary<Filter> {
  const leafOn = (names: fc.Arbitrary<string>, urns: readonly string[]): fc.Arbitrary<Filter> =>
    fc.oneof(
      fc.record({ op: fc.constantFrom(...OPERATORS), name: names, value: anyValue }).map(
        ({ op, name, value }): Filter => ({ kind: 'compare', op, path: parseAttributePath(name, urns)!, value }),
      ),
      names.map((name): Filter => ({ kind: 'present', path: parseAttributePath(name, urns)! })),
    );
  const { filter } = fc.letrec<{ filter: Filter; element: Filter }>((tie) => ({
    filter: fc.oneof(
      { maxDepth: 4, depthIdentifier: 'filter' },
      leafOn(fc.constantFrom(...paths), schema.urns),
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('filter'), right: tie('filter') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('filter') }),
      fc.record({ kind: fc.constant('valuePath' as const), path: fc.constantFrom(...paths).map((p) => parseAttributePath(p, schema.urns)!), filter: tie('element') }),
    ),
    element: fc.oneof(
      { maxDepth: 2, depthIdentifier: 'element' },
      leafOn(fc.constantFrom(...ELEMENT_NAMES), []),
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('element'), right: tie('element') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('element') }),
    ),
  }));
  return filter;
}

test('property: any filter either runs or is rejected with 400 invalidFilter', async () => {
  const acceptsOrRejects = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      isScimError('invalidFilter')(error);
    }
  };
  await fc.assert(
    fc.asyncProperty(anyFilter(USER_PATHS, userSchema), fc.boolean(), async (filter, declared) => {
      await acceptsOrRejects(() => userIds(filter, declared ? userSchema : undeclaredSchema));
    }),
    { numRuns: 400 },
  );
  await fc.assert(
    fc.asyncProperty(anyFilter(GROUP_PATHS, groupSchema), async (filter) => {
      await acceptsOrRejects(() => groupIds(filter));
    }),
    { numRuns: 200 },
  );
  await fc.assert(
    fc.property(fc.oneof(fc.constantFrom(...USER_PATHS), fc.string()), (sortBy) => {
      try {
        compileSortKey(sortBy, userSchema, 'users', json);
      } catch (error) {
        isScimError('invalidValue')(error);
      }
    }),
    { numRuns: 200 },
  );
});

// A reference evaluator, written independently of the compiler, over the generated users' documents. It states the
// semantics the SQL must have: absent values never compare, `not` matches what its operand does not, `ne` is
// `not eq`, a multi-valued attribute matches when one value does. userName compares through its lower-cased key
// (toLowerCase); other strings through SQL lower(), which folds ASCII only (in SQLite, and in PostgreSQL under
// collate "C") — the evaluator does the same.

const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
type Reference = { values: (doc: Doc) => unknown[]; fold: (text: string) => string };
const text = (value: unknown) => (typeof value === 'string' ? [value] : []);
const REFERENCE: Record<string, Reference> = {
  username: { values: (doc) => [doc.userName], fold: (t) => t.toLowerCase() },
  displayname: { values: (doc) => text(doc.displayName), fold: asciiLower },
  title: { values: (doc) => text(doc.title), fold: asciiLower },
  'emails.value': { values: (doc) => (Array.isArray(doc.emails) ? doc.emails.flatMap((e: Doc) => text(e.value)) : []), fold: asciiLower },
};

function referenceMatches(filter: Filter, doc: Doc): boolean {
  switch (filter.kind) {
    case 'and':
      return referenceMatches(filter.left, doc) && referenceMatches(filter.right, doc);
    case 'or':
      return referenceMatches(filter.left, doc) || referenceMatches(filter.right, doc);
    case 'not':
      return !referenceMatches(filter.filter, doc);
    case 'valuePath':
      throw new Error('not generated');
    case 'present':
      if (filter.path.name.toLowerCase() === 'active') return true;
      return referenceOf(filter.path).values(doc).some((v) => v !== '');
    case 'compare': {
      const { op, value } = filter;
      if (value === null) {
        const present = referenceMatches({ kind: 'present', path: filter.path }, doc);
        return op === 'eq' ? !present : present;
      }
      if (op === 'ne') return !referenceMatches({ ...filter, op: 'eq' }, doc);
      if (filter.path.name.toLowerCase() === 'active') {
        return (doc.active !== false) === (value === true || String(value).toLowerCase() === 'true');
      }
      const { values, fold } = referenceOf(filter.path);
      const expected = fold(String(value));
      return values(doc).some((v) => {
        const actual = fold(v as string);
        switch (op) {
          case 'eq': return actual === expected;
          case 'co': return actual.includes(expected);
          case 'sw': return actual.startsWith(expected);
          case 'ew': return actual.endsWith(expected);
          case 'gt': return actual > expected;
          case 'le': return actual <= expected;
          default: throw new Error(`not generated: ${op}`);
        }
      });
    }
  }
}

function referenceOf(path: AttributePath): Reference {
  const key = (path.sub ? `${path.name}.${path.sub}` : path.name).toLowerCase();
  return REFERENCE[key]!;
}

test('property: SQL matches the reference evaluator on random filters', async () => {
  const fragments = [
    'alice', 'ALICE', 'Élise', 'élise', 'ÉMILE', 'contoso', '@CONTOSO.COM', '.1', 'engineer', 'ENGINEER', 'senior',
    '%', '_', 'x_y', '50%', "o'neil", '', 'a', 'zoë', 'ZOË', 'sales', 'Manager', '.com', 'li.', 'bob.12@example.org',
  ];
  const textValue = fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 3 }));
  const textPath = fc.constantFrom('userName', 'USERNAME', 'displayName', 'title', 'Title', 'emails.value', 'Emails.Value');
  const leaf: fc.Arbitrary<Filter> = fc.oneof(
    fc.record({ op: fc.constantFrom<CompareOperator>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'le'), name: textPath, value: textValue }).map(
      ({ op, name, value }): Filter => ({ kind: 'compare', op, path: path(name), value }),
    ),
    fc.record({ op: fc.constantFrom<CompareOperator>('eq', 'ne'), value: fc.constantFrom<FilterValue>(true, false, 'True', 'False') }).map(
      ({ op, value }): Filter => ({ kind: 'compare', op, path: path('active'), value }),
    ),
    fc.record({ op: fc.constantFrom<CompareOperator>('eq', 'ne'), name: textPath }).map(
      ({ op, name }): Filter => ({ kind: 'compare', op, path: path(name), value: null }),
    ),
    fc.oneof(textPath, fc.constant('active')).map((name): Filter => ({ kind: 'present', path: path(name) })),
  );
  const { filter } = fc.letrec<{ filter: Filter }>((tie) => ({
    filter: fc.oneof(
      { maxDepth: 4 },
      leaf,
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('filter'), right: tie('filter') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('filter') }),
    ),
  }));
  let nonTrivial = 0;
  await fc.assert(
    fc.asyncProperty(filter, async (f) => {
      const expected = bulk.filter(({ doc }) => referenceMatches(f, doc)).map(({ id }) => id).sort();
      if (expected.length > 0 && expected.length < bulk.length) nonTrivial++;
      assert.deepEqual(await userIds(f, userSchema, C), expected);
    }),
    { numRuns: 500 },
  );
  // The generator must produce filters that split the users, or the comparison proves little.
  assert.ok(nonTrivial > 150, `only ${nonTrivial} filters matched some but not all users`);
});

/** Compiled filters are expressions a caller can combine further. */
test('a compiled filter composes with other conditions', async () => {
  const condition: Expression<SqlBool> = compileFilter(toFilter('title pr', userSchema), userSchema, 'users', json);
  const rows = await db()
    .selectFrom('users')
    .select('id')
    .where('directory_id', '=', A)
    .where((eb) => eb.or([condition, eb('id', '=', 'u-grace')]))
    .execute();
  assert.deepEqual(rows.map((r) => r.id).sort(), ['u-alice', 'u-bob', 'u-erin', 'u-frank', 'u-grace']);
});
