// Hot paths do not depend on directory size: proven from SQLite's query plans and the statements each request runs,
// never from timings. A directory of 20,000 users and a group of 20,000 members is built with direct batch inserts
// (the rows the store writes), then every request runs through HTTP while a logging Kysely records its SQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { userColumns } from '../src/store/resource-row.ts';
import { type PlanStep, QueryLog, type Statement } from './support/query-log.ts';
import { GROUP_SCHEMA, patchOp, TestRoster, userBody, type DirectoryHandle } from './support/roster.ts';
import { testDialect } from './support/test-database.ts';

const USERS = 20_000;
const CHUNK = 500;

/** Tables a hot path must never read in full, and the aliases the store's queries give them. */
const GUARDED = new Set(['users', 'groups', 'group_members']);

interface Explained {
  statement: Statement;
  plan: PlanStep[];
}

const show = (e: Explained) => `${e.statement.sql}\n${e.plan.map((p) => `    ${p.detail}`).join('\n')}`;

/** `"table" as "alias"` in Kysely's SQL: which guarded table each plan name stands for. */
function tableNames(text: string): Map<string, string> {
  const names = new Map<string, string>([...GUARDED].map((t) => [t, t]));
  for (const [, table, alias] of text.matchAll(/"(\w+)" as "(\w+)"/g)) if (GUARDED.has(table!)) names.set(alias!, table!);
  return names;
}

/**
 * Problems in one statement's plan: a SCAN of a guarded table (a full table or full index scan), or a SEARCH of
 * users/groups constrained by directory_id alone (a walk over the whole directory), unless `walkAllowed`.
 */
function planProblems(e: Explained, walkAllowed = false): string[] {
  const names = tableNames(e.statement.sql);
  const problems: string[] = [];
  for (const { detail } of e.plan) {
    const scan = /^SCAN (\w+)/.exec(detail);
    if (scan && names.has(scan[1]!)) problems.push(`full scan of ${names.get(scan[1]!)}: ${detail}`);
    const search = /^SEARCH (\w+) USING .*\((.*)\)$/.exec(detail);
    if (search && names.has(search[1]!) && names.get(search[1]!) !== 'group_members' && search[2] === 'directory_id=?' && !walkAllowed) {
      problems.push(`walks the whole directory: ${detail}`);
    }
  }
  return problems;
}

// SQLite's plans: the PostgreSQL pass would only repeat them (filter-sql.test.ts checks PostgreSQL's plans).
const skip = testDialect === 'postgres' ? 'SQLite query plans: run in the SQLite pass' : false;

describe('hot paths cost the same at any directory size', { timeout: 120_000, skip }, () => {
  let log: QueryLog;
  let roster: TestRoster;
  let dir: DirectoryHandle;
  let userIds: string[];
  let bigGroup: string;
  let smallGroup: string;
  /** Users created over HTTP, in no group yet: PATCH adds these. */
  const spare: string[] = [];

  before(async () => {
    log = await QueryLog.open();
    // TestRoster.start spreads its options over its own, so the app runs on the logged connection.
    roster = await TestRoster.start({ connection: log.connection });
    dir = await roster.directory('entra');
    const db = log.db;

    // 20,000 users, as ResourceStore.create writes them (columns from userColumns, version 1, ordered created_at).
    const start = Date.parse('2024-01-01T00:00:00.000Z');
    userIds = Array.from({ length: USERS }, () => crypto.randomUUID());
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < USERS; i += CHUNK) {
        await trx
          .insertInto('users')
          .values(
            userIds.slice(i, i + CHUNK).map((id, j) => {
              const n = i + j;
              const at = new Date(start + n).toISOString();
              const doc = {
                userName: `user${n}@example.com`,
                externalId: `ext-${n}`,
                displayName: `User ${n}`,
                active: true,
                emails: [{ type: 'work', value: `user${n}@example.com`, primary: true }],
              };
              return { id, directory_id: dir.id, version: 1, created_at: at, last_modified: at, ...userColumns(doc, { uniqueEmail: false, uniqueExternalId: false }) };
            }),
          )
          .execute();
      }
      await trx.updateTable('directories').set((eb) => ({ user_count: eb('user_count', '+', USERS) })).where('id', '=', dir.id).execute();
    });

    const group = async (displayName: string) => {
      const res = await roster.request(dir, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    bigGroup = await group('Big');
    smallGroup = await group('Small');
    await db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      for (let i = 0; i < USERS; i += CHUNK) {
        await trx
          .insertInto('group_members')
          .values(userIds.slice(i, i + CHUNK).map((member_id) => ({ group_id: bigGroup, member_id, directory_id: dir.id, member_type: 'User' as const, created_at: now })))
          .execute();
      }
    });
    const addSmall = await roster.request(dir, 'PATCH', `/Groups/${smallGroup}`, patchOp({ op: 'add', path: 'members', value: [{ value: userIds[0] }, { value: userIds[1] }] }));
    assert.equal(addSmall.status, 204, JSON.stringify(addSmall.body));
    for (let i = 0; i < 6; i++) {
      const res = await roster.request(dir, 'POST', '/Users', userBody(`spare${i}@example.com`, { externalId: `spare-${i}` }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      spare.push(res.body.id);
    }
    // Everything a directory's first request does once (activation, token touch, schema cache) is done by now.
  });

  after(async () => {
    await roster?.close();
    await log?.connection.close();
  });

  const memberCount = async (groupId: string) =>
    Number((await log.db.selectFrom('group_members').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', groupId).executeTakeFirstOrThrow()).n);

  /** Sends a request and returns its status with every statement it ran, explained. */
  async function explain(method: string, path: string, body?: unknown) {
    const { result, statements } = await log.record(() => roster.request(dir, method, path, body));
    return { res: result, explained: statements.map((statement) => ({ statement, plan: log.plan(statement) })) };
  }

  const q = (filter: string) => encodeURIComponent(filter);

  test('the directory is as large as it claims', async () => {
    const users = await log.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', dir.id).executeTakeFirstOrThrow();
    assert.equal(Number(users.n), USERS + spare.length);
    assert.equal(await memberCount(bigGroup), USERS);
    assert.equal(await memberCount(smallGroup), 2);
    const list = await roster.request(dir, 'GET', '/Users?count=1');
    assert.equal(list.body.totalResults, USERS + spare.length);
  });

  /** Asserts that no statement of a request scans a guarded table or walks the directory (except `walkAllowed` ones). */
  function assertIndexed(explained: Explained[], walkAllowed: (e: Explained) => boolean = () => false): void {
    const problems = explained.flatMap((e) => planProblems(e, walkAllowed(e)).map((p) => `${p}\n  in ${show(e)}`));
    assert.deepEqual(problems, [], problems.join('\n'));
  }

  /** Asserts that some statement's plan has a step matching `step`. */
  function assertUses(explained: Explained[], step: RegExp): void {
    assert.ok(
      explained.some((e) => e.plan.some((p) => step.test(p.detail))),
      `no plan step matches ${step}:\n${explained.map(show).join('\n')}`,
    );
  }

  /** What a request runs, as comparable data: each statement's SQL and its plan, housekeeping left out. */
  const signature = (explained: Explained[]) =>
    explained
      // The provisioning log is flushed on a timer, a token's last use is written once a minute, and a checked token is
      // remembered for a second (so a slow run looks it up again): none belongs to the request's own work.
      .filter((e) => !/"provisioning_log"|"tokens"|^select \* from "directories"/.test(e.statement.sql))
      .map((e) => ({ sql: e.statement.sql, plan: e.plan.map((p) => p.detail) }));

  test('the plan check is not vacuous: a filter on the document is flagged as a directory walk', async () => {
    // emails[...] lives in the JSON document, so it can only be answered by reading the directory's users.
    const { res, explained } = await explain('GET', `/Users?filter=${q('emails[type eq "work"].value eq "user5@example.com"')}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.totalResults, 1);
    assert.ok(explained.flatMap((e) => planProblems(e)).length > 0, explained.map(show).join('\n'));
    assert.deepEqual(planProblems({ statement: { sql: 'select * from "group_members" as "gm"', parameters: [] }, plan: [{ id: 2, parent: 0, detail: 'SCAN gm' }] }), [
      'full scan of group_members: SCAN gm',
    ]);
  });

  test('userName eq is one probe of the unique userName index', async () => {
    const { res, explained } = await explain('GET', `/Users?filter=${q('userName eq "USER12345@example.com"')}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.totalResults, 1);
    assert.equal(res.body.Resources[0].id, userIds[12345]);
    assertIndexed(explained);
    assertUses(explained, /^SEARCH users USING (COVERING )?INDEX users_user_name \(directory_id=\? AND user_name_key=\?\)$/);
  });

  test(
    'externalId eq is one probe of the externalId index',
    async () => {
      const { res, explained } = await explain('GET', `/Users?filter=${q('externalId eq "ext-777"')}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.totalResults, 1);
      assert.equal(res.body.Resources[0].id, userIds[777]);
      assertIndexed(explained);
      assertUses(explained, /^SEARCH users USING (COVERING )?INDEX users_external_id \(directory_id=\? AND external_id=\?/);
    },
  );

  test("Entra's membership check (id eq … and members[value eq …]) is two primary-key probes", async () => {
    for (const [member, expected] of [
      [userIds[19_999]!, 1],
      [spare[5]!, 0],
    ] as const) {
      const filter = q(`id eq "${bigGroup}" and members[value eq "${member}"]`);
      const { res, explained } = await explain('GET', `/Groups?filter=${filter}&excludedAttributes=members`);
      assert.equal(res.status, 200);
      assert.equal(res.body.totalResults, expected);
      assertIndexed(explained);
      assertUses(explained, /^SEARCH groups USING (COVERING )?INDEX sqlite_autoindex_groups_1 \(id=\?\)$/);
      assertUses(explained, /^SEARCH gm (EXISTS )?USING (COVERING )?INDEX sqlite_autoindex_group_members_1 \(group_id=\? AND member_id=\?\)$/);
      // The EXISTS probe is the only statement that reads a membership row.
      assert.equal(explained.filter((e) => e.statement.sql.includes('"group_members"')).length, 1, explained.map(show).join('\n'));
    }
  });

  test('group displayName eq is one probe of the unique displayName index', async () => {
    const { res, explained } = await explain('GET', `/Groups?filter=${q('displayName eq "big"')}&excludedAttributes=members`);
    assert.equal(res.status, 200);
    assert.equal(res.body.totalResults, 1);
    assert.equal(res.body.Resources[0].id, bigGroup);
    assertIndexed(explained);
    assertUses(explained, /^SEARCH groups USING (COVERING )?INDEX groups_display_name \(directory_id=\? AND display_name_key=\?\)$/);
  });

  test('GET /Users/{id} is a primary-key probe, its groups an index probe by member', async () => {
    const { res, explained } = await explain('GET', `/Users/${userIds[1]}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.groups.map((g: { display: string }) => g.display), ['Big', 'Small']);
    assertIndexed(explained);
    assertUses(explained, /^SEARCH users USING (COVERING )?INDEX sqlite_autoindex_users_1 \(id=\?\)$/);
    assertUses(explained, /^SEARCH gm USING (COVERING )?INDEX group_members_member \(member_id=\?\)$/);
  });

  test('the default list: a first page walks the index in order, a deep page skips along a covering index; no count', async () => {
    const isFirstPage = (table: string) => (e: Explained) =>
      new RegExp(`^select \\* from "${table}" where "directory_id" = \\? order by "created_at", "id" limit \\?$`).test(e.statement.sql);
    const isDeepPage = (table: string) => (e: Explained) =>
      new RegExp(
        `^select \\* from "${table}" where "id" in \\(select "id" from "${table}" where "directory_id" = \\? order by "created_at", "id" limit \\? offset \\?\\) order by "created_at", "id"$`,
      ).test(e.statement.sql);
    for (const [path, table, index, total, deep] of [
      ['/Users', 'users', 'users_created', USERS + spare.length, false],
      ['/Users?startIndex=15001&count=100', 'users', 'users_created', USERS + spare.length, true],
      ['/Groups?excludedAttributes=members', 'groups', 'groups_created', 2, false],
    ] as const) {
      const { res, explained } = await explain('GET', path);
      assert.equal(res.status, 200);
      assert.equal(res.body.totalResults, total);
      assert.equal(res.body.Resources.length, Math.min(100, total));
      const isPage = deep ? isDeepPage(table) : isFirstPage(table);
      const pages = explained.filter(isPage);
      assert.equal(pages.length, 1, `${path}: expected one page query on ${table}:\n${explained.map(show).join('\n')}`);
      const details = pages[0]!.plan.map((p) => p.detail);
      if (deep) {
        // The skipping walks only index entries, in order; the page's own rows are then fetched by primary key and
        // put in order, a sort of at most `count` rows.
        assert.ok(details.includes(`SEARCH ${table} USING COVERING INDEX ${index} (directory_id=?)`), show(pages[0]!));
        assert.ok(details.some((d) => /^SEARCH \w+ USING INDEX sqlite_autoindex_\w+ \(id=\?\)$/.test(d)), show(pages[0]!));
        assert.equal(details.filter((d) => /TEMP B-TREE/.test(d)).length, 1, show(pages[0]!));
      } else {
        assert.deepEqual(details, [`SEARCH ${table} USING INDEX ${index} (directory_id=?)`], `${path}: walk ${index} in order, stop at the limit:\n${show(pages[0]!)}`);
      }
      // totalResults of an unfiltered list comes from the directory's counters, not count(*).
      assert.ok(!explained.some((e) => /count\(\*\)/i.test(e.statement.sql)), explained.map(show).join('\n'));
      assertIndexed(explained, isPage);
    }
  });

  test('excludedAttributes=members never reads a membership row', async () => {
    for (const path of [
      `/Groups/${bigGroup}?excludedAttributes=members`,
      '/Groups?excludedAttributes=members',
      `/Groups?filter=${q('displayName eq "Big"')}&excludedAttributes=members`,
      `/Groups?excludedAttributes=${q('members,externalId')}&count=10`,
    ]) {
      const { res, explained } = await explain('GET', path);
      assert.equal(res.status, 200, path);
      const body = res.body.Resources ?? [res.body];
      assert.ok(body.length > 0 && body.every((g: Record<string, unknown>) => !('members' in g)), path);
      const touching = explained.filter((e) => e.statement.sql.includes('group_members'));
      assert.deepEqual(touching.map(show), [], `${path} read membership rows`);
      assertIndexed(explained, (e) => /order by "created_at", "id" limit/.test(e.statement.sql) && !/where "directory_id" = \? and/.test(e.statement.sql));
    }
  });

  test('PATCH of one member runs the same statements, with the same plans, on 20,000 members as on 2', async () => {
    const cases: Array<{ name: string; op: (member: string) => unknown; delta: number }> = [
      { name: 'add', op: (member) => patchOp({ op: 'add', path: 'members', value: [{ value: member }] }), delta: 1 },
      { name: "Entra's Remove with a value array", op: (member) => patchOp({ op: 'Remove', path: 'members', value: [{ value: member }] }), delta: -1 },
      { name: 'add again', op: (member) => patchOp({ op: 'Add', path: 'members', value: [{ value: member }] }), delta: 1 },
      { name: 'remove members[value eq …]', op: (member) => patchOp({ op: 'remove', path: `members[value eq "${member}"]` }), delta: -1 },
    ];
    for (const { name, op, delta } of cases) {
      const runs = [];
      for (const [group, member] of [
        [bigGroup, spare[0]!],
        [smallGroup, spare[1]!],
      ] as const) {
        const before = await memberCount(group);
        const { res, explained } = await explain('PATCH', `/Groups/${group}`, op(member));
        assert.equal(res.status, 204, `${name}: ${JSON.stringify(res.body)}`);
        assert.equal(await memberCount(group), before + delta, name);
        assertIndexed(explained);
        runs.push(signature(explained));
      }
      const [big, small] = runs as [ReturnType<typeof signature>, ReturnType<typeof signature>];
      assert.ok(big.length > 0, name);
      assert.equal(big.length, small.length, `${name}: ${big.length} statements on the big group, ${small.length} on the small one`);
      assert.deepEqual(big, small, name);
      // What reads or deletes membership rows names the group: probes of the primary key, never the whole group.
      for (const s of big.filter((s) => s.sql.includes('group_members') && !s.sql.startsWith('insert'))) {
        assert.match(s.sql, /"group_id" = \?/, `${name}: ${s.sql}`);
        // Scanning the request's own id list (json_each) is fine: each id is then a primary-key probe.
        assert.ok(s.plan.every((d) => !/^SCAN (?!json_each)/.test(d)), `${name}: ${s.sql}\n${s.plan.join('\n')}`);
      }
    }
    assert.equal(await memberCount(bigGroup), USERS);
    assert.equal(await memberCount(smallGroup), 2);
  });

  test('renaming the 20,000-member group runs the same statements as renaming the small one', async () => {
    const runs = [];
    for (const [group, name] of [
      [bigGroup, 'Big Renamed'],
      [smallGroup, 'Small Renamed'],
    ] as const) {
      const { res, explained } = await explain('PATCH', `/Groups/${group}`, patchOp({ op: 'replace', path: 'displayName', value: name }));
      assert.equal(res.status, 204, JSON.stringify(res.body));
      assertIndexed(explained);
      assert.ok(!explained.some((e) => e.statement.sql.includes('group_members')), explained.map(show).join('\n'));
      runs.push(signature(explained));
    }
    assert.deepEqual(runs[0], runs[1]);
  });

  test('deleting a member of the 20,000-member group probes memberships by member', async () => {
    const before = await memberCount(bigGroup);
    const { res, explained } = await explain('DELETE', `/Users/${userIds[0]}`);
    assert.equal(res.status, 204);
    assertIndexed(explained);
    assertUses(explained, /^SEARCH group_members USING (COVERING )?INDEX group_members_member \(member_id=\?\)$/);
    assert.equal(await memberCount(bigGroup), before - 1);
    assert.equal(await memberCount(smallGroup), 1);
  });
});
