// A group's members are read in keyset chunks of the primary key and written into the response as they are read, so
// a reply holds one chunk, never the whole group. The chunk size is made small here (CHUNK), so that a group of over
// a thousand members takes a dozen chunks; what must hold is that the answer is exactly the one a whole-list read gave.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Kysely, SqliteDialect } from 'kysely';
import { pino } from 'pino';
import { WHOLE_BODY_LIMIT } from '../src/http/send-scim-json.ts';
import { parseAttributeList, projectResource } from '../src/scim/resource/project-resource.ts';
import { ResourceSchema } from '../src/scim/schema/resource-schema.ts';
import type { Database } from '../src/store/database.ts';
import { assertScimError } from './support/assertions.ts';
import { QueryLog, type Statement } from './support/query-log.ts';
import { GROUP_SCHEMA, patchOp, type DirectoryHandle, TestRoster, userBody } from './support/roster.ts';
import { testDialect } from './support/test-database.ts';

const CHUNK = 100;
const groupSchema = ResourceSchema.for('Group', []);

interface Member {
  value: string;
  type: 'User' | 'Group';
  display: string;
}

/**
 * Creates `count` users over HTTP (half with a displayName, half shown by their userName) and returns them as
 * members. The names are long, so that about a thousand members already make a body larger than WHOLE_BODY_LIMIT,
 * which is then streamed: each user is a POST, and PostgreSQL embedded in the test process takes ~10 ms for one.
 */
async function createUsers(roster: TestRoster, dir: DirectoryHandle, prefix: string, count: number): Promise<Member[]> {
  const members: Member[] = [];
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, async (_, j) => {
      const n = start + j;
      const userName = `${prefix}-${n}@a-directory-with-rather-long-user-names.example.com`;
      const display = n % 2 === 0 ? `${prefix} ${n}, with a display name as long as real ones can be` : undefined;
      const res = await roster.request(dir, 'POST', '/Users', userBody(userName, display ? { displayName: display } : {}));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return { value: res.body.id as string, type: 'User' as const, display: display ?? userName };
    });
    members.push(...(await Promise.all(batch)));
  }
  return members;
}

/** Creates a group over HTTP and adds `members` by PATCH, 500 at a time; returns its id. */
async function createGroup(roster: TestRoster, dir: DirectoryHandle, displayName: string, members: Member[]): Promise<string> {
  const created = await roster.request(dir, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  for (let start = 0; start < members.length; start += 500) {
    const value = members.slice(start, start + 500).map((m) => ({ value: m.value }));
    const res = await roster.request(dir, 'PATCH', `/Groups/${created.body.id}?excludedAttributes=members`, patchOp({ op: 'add', path: 'members', value }));
    assert.ok(res.status === 200 || res.status === 204, JSON.stringify(res.body));
  }
  return created.body.id;
}

/** The member list a group returns: every member once, in id order, with `display`, `type` and `$ref`. */
function memberList(dir: DirectoryHandle, members: Member[]) {
  return [...members]
    .sort((a, b) => (a.value < b.value ? -1 : 1))
    .map((m) => ({ ...m, $ref: `https://roster.test${dir.base}/${m.type === 'Group' ? 'Groups' : 'Users'}/${m.value}` }));
}

describe(`a large group's members are read and sent a chunk at a time (${testDialect})`, { timeout: 300_000 }, () => {
  let roster: TestRoster;
  let dir: DirectoryHandle;
  let members: Member[];
  let bigGroup: string;
  let emptyGroup: string;

  before(async () => {
    roster = await TestRoster.start({ memberChunkSize: CHUNK });
    dir = await roster.directory('generic');
    // 1,250 users and 2 groups: 12 full chunks and a short one, with members of both types.
    const users = await createUsers(roster, dir, 'member', 1_250);
    const subgroups: Member[] = [];
    for (const name of ['Subgroup A', 'Subgroup B']) subgroups.push({ value: await createGroup(roster, dir, name, []), type: 'Group', display: name });
    members = [...users, ...subgroups];
    bigGroup = await createGroup(roster, dir, 'Everyone', members);
    emptyGroup = await createGroup(roster, dir, 'Nobody', []);
  });
  after(() => roster.close());

  test('GET returns every member exactly once, in id order, with display, type and $ref, streamed as one JSON body', async () => {
    const res = await roster.request(dir, 'GET', `/Groups/${bigGroup}`);
    assert.equal(res.status, 200);
    assert.ok(JSON.stringify(res.body).length > WHOLE_BODY_LIMIT);
    assert.equal(res.headers['transfer-encoding'], 'chunked', 'a body this large is streamed');
    assert.match(String(res.headers['content-type']), /^application\/scim\+json/);
    assert.equal(res.headers.etag, (await roster.request(dir, 'GET', `/Groups/${bigGroup}?excludedAttributes=members`)).headers.etag, 'the version');
    assert.deepEqual(Object.keys(res.body), ['schemas', 'id', 'displayName', 'members', 'meta']);
    assert.deepEqual(res.body.members, memberList(dir, members));
    assert.deepEqual(res.body.meta, {
      resourceType: 'Group',
      created: res.body.meta.created,
      lastModified: res.body.meta.lastModified,
      location: `https://roster.test${dir.base}/Groups/${bigGroup}`,
      version: res.headers.etag,
    });
  });

  test('a small group is sent whole, with a Content-Length', async () => {
    const small = await createGroup(roster, dir, 'Few', members.slice(0, 3));
    const res = await roster.request(dir, 'GET', `/Groups/${small}`);
    assert.equal(res.headers['transfer-encoding'], undefined);
    assert.equal(Number(res.headers['content-length']), Buffer.byteLength(JSON.stringify(res.body)));
    assert.deepEqual(res.body.members, memberList(dir, members.slice(0, 3)));
  });

  test('a group with no members: members is [], or left out where projecting sub-attributes drops it', async () => {
    const plain = await roster.request(dir, 'GET', `/Groups/${emptyGroup}`);
    assert.deepEqual(plain.body.members, []);
    assert.deepEqual(Object.keys(plain.body), ['schemas', 'id', 'displayName', 'members', 'meta']);
    const projected = await roster.request(dir, 'GET', `/Groups/${emptyGroup}?attributes=members.value`);
    assert.deepEqual(projected.body, { schemas: [GROUP_SCHEMA], id: emptyGroup });
  });

  test('attributes and excludedAttributes shape the streamed members exactly as they shape the whole list', async () => {
    const full = (await roster.request(dir, 'GET', `/Groups/${bigGroup}`)).body;
    const fullEmpty = (await roster.request(dir, 'GET', `/Groups/${emptyGroup}`)).body;
    const projections: Array<[attributes: string | undefined, excluded: string | undefined]> = [
      ['displayName', undefined],
      ['members', undefined],
      ['members.value', undefined],
      ['members.display,meta', undefined],
      ['displayName,members.$ref', 'members'],
      [undefined, 'members'],
      [undefined, 'members.display'],
      [undefined, 'members.value,members.type,members.display,members.$ref'],
      [undefined, 'displayName,meta'],
    ];
    for (const [attributes, excluded] of projections) {
      const query = new URLSearchParams({ ...(attributes && { attributes }), ...(excluded && { excludedAttributes: excluded }) });
      for (const [id, whole] of [
        [bigGroup, full],
        [emptyGroup, fullEmpty],
      ] as const) {
        const res = await roster.request(dir, 'GET', `/Groups/${id}?${query}`);
        const expected = projectResource(whole, groupSchema, parseAttributeList(attributes, groupSchema), parseAttributeList(excluded, groupSchema));
        assert.deepEqual(res.body, expected, `${query}`);
        assert.deepEqual(Object.keys(res.body), Object.keys(expected), `${query}: key order`);
      }
    }
  });

  test('If-None-Match with the current ETag answers 304 without a body', async () => {
    const { etag } = (await roster.request(dir, 'GET', `/Groups/${bigGroup}`)).headers;
    const res = await roster.request(dir, 'GET', `/Groups/${bigGroup}`, undefined, { 'if-none-match': String(etag) });
    assert.equal(res.status, 304);
    assert.equal(res.headers.etag, etag);
    assert.equal(res.body, undefined);
  });

  test('POST, PUT and PATCH answers carry the whole member list too', async () => {
    const some = members.slice(0, 1_200);
    const posted = await roster.request(dir, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Posted', members: some.map((m) => ({ value: m.value })) });
    assert.equal(posted.status, 201);
    assert.deepEqual(posted.body.members, memberList(dir, some));
    const id = posted.body.id;
    const put = await roster.request(dir, 'PUT', `/Groups/${id}`, { schemas: [GROUP_SCHEMA], displayName: 'Posted, renamed' });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.members, memberList(dir, some), 'a PUT without members keeps them, and returns them');
    const patched = await roster.request(dir, 'PATCH', `/Groups/${id}`, patchOp({ op: 'add', path: 'members', value: [{ value: members[1_220]!.value }] }));
    assert.equal(patched.status, 200);
    assert.equal(patched.headers['transfer-encoding'], 'chunked');
    assert.deepEqual(patched.body.members, memberList(dir, [...some, members[1_220]!]));
  });

  test("a list streams each group's members after the other's", async () => {
    const res = await roster.request(dir, 'GET', `/Groups?filter=${encodeURIComponent('displayName sw "Every" or displayName eq "Nobody"')}&sortBy=displayName`);
    assert.equal(res.status, 200);
    assert.equal(res.body.totalResults, 2);
    assert.deepEqual(
      res.body.Resources.map((g: { id: string; members: unknown[] }) => [g.id, g.members]),
      [
        [bigGroup, memberList(dir, members)],
        [emptyGroup, []],
      ],
    );
  });

  test('a filtered remove still removes only the matching members', async () => {
    const id = await createGroup(roster, dir, 'Mixed', members.slice(-250));
    const res = await roster.request(dir, 'PATCH', `/Groups/${id}?excludedAttributes=members`, patchOp({ op: 'remove', path: 'members[type eq "Group"]' }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const left = await roster.request(dir, 'GET', `/Groups/${id}`);
    assert.deepEqual(left.body.members, memberList(dir, members.slice(-250, -2)));
  });
});

describe('member reads, statement by statement (SQLite)', { timeout: 300_000 }, () => {
  let log: QueryLog;
  let roster: TestRoster;
  let dir: DirectoryHandle;
  let members: Member[];
  let bigGroup: string;
  let evenGroup: string;

  const isMemberRead = (s: Statement) => s.sql.includes('"group_members"');

  before(async () => {
    log = await QueryLog.open();
    roster = await TestRoster.start({ connection: log.connection, memberChunkSize: CHUNK });
    dir = await roster.directory('generic');
    // Enough members for a body larger than WHOLE_BODY_LIMIT, so that it is streamed.
    members = await createUsers(roster, dir, 'logged', 1_250);
    bigGroup = await createGroup(roster, dir, 'Big', members);
    evenGroup = await createGroup(roster, dir, 'Even', members.slice(0, 2 * CHUNK));
  });
  after(async () => {
    await roster?.close();
  });

  test('each read is one keyset chunk of the primary key, bounded by LIMIT', async () => {
    for (const [group, count, reads] of [
      [bigGroup, 1_250, 13],
      // A last chunk that is full cannot know it is the last: one more read finds nothing.
      [evenGroup, 2 * CHUNK, 3],
    ] as const) {
      const { result, statements } = await log.record(() => roster.request(dir, 'GET', `/Groups/${group}`));
      assert.equal(result.body.members.length, count);
      const memberReads = statements.filter(isMemberRead);
      assert.equal(memberReads.length, reads, memberReads.map((s) => s.sql).join('\n'));
      for (const [i, read] of memberReads.entries()) {
        assert.match(read.sql, /where "gm"\."group_id" = \? and "gm"\."member_id" > \? order by "gm"\."member_id" limit \?$/);
        // Each chunk starts after the last member of the one before.
        assert.deepEqual(read.parameters, [group, i === 0 ? '' : result.body.members[i * CHUNK - 1].value, CHUNK]);
        assert.deepEqual(
          log.plan(read).filter((step) => /\bgm\b/.test(step.detail)).map((step) => step.detail),
          ['SEARCH gm USING INDEX sqlite_autoindex_group_members_1 (group_id=? AND member_id>?)'],
        );
      }
    }
  });

  test('excludedAttributes=members, attributes=displayName and a 304 read no membership row', async () => {
    const { etag } = (await roster.request(dir, 'GET', `/Groups/${bigGroup}?excludedAttributes=members`)).headers;
    const cases: Array<[string, Record<string, string>]> = [
      [`/Groups/${bigGroup}?excludedAttributes=members`, {}],
      [`/Groups/${bigGroup}?attributes=displayName`, {}],
      ['/Groups?excludedAttributes=members', {}],
      [`/Groups/${bigGroup}`, { 'if-none-match': String(etag) }],
    ];
    for (const [path, headers] of cases) {
      const { result, statements } = await log.record(() => roster.request(dir, 'GET', path, undefined, headers));
      assert.ok(result.status === 200 || result.status === 304, `${path}: ${result.status}`);
      assert.deepEqual(statements.filter(isMemberRead), [], path);
    }
  });

  /**
   * Runs `work` against a second app on the same database whose member reads fail from the one after `reads`
   * succeeded on (the membership table is renamed away, then back), with what it logged at error level.
   */
  async function withFailingMemberRead(reads: number, work: (app: TestRoster) => Promise<void>): Promise<Array<{ msg: string; err?: { message: string } }>> {
    let succeeded = 0;
    const failing = new Kysely<Database>({
      dialect: new SqliteDialect({ database: log.sqlite }),
      log: (event) => {
        if (event.level === 'query' && isMemberRead(event.query) && ++succeeded === reads) log.sqlite.exec('alter table group_members rename to group_members_gone');
      },
    });
    const lines: Array<{ msg: string; err?: { message: string } }> = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (line, _encoding, done) => done(void lines.push(JSON.parse(String(line)))) }));
    // `close` leaves the database to the first app.
    const app = await TestRoster.start({ connection: { ...log.connection, db: failing, close: async () => {} }, memberChunkSize: CHUNK, logger });
    try {
      await work(app);
    } finally {
      if (succeeded >= reads) log.sqlite.exec('alter table group_members_gone rename to group_members');
      await app.close();
    }
    return lines;
  }

  const lastEntry = async (app: TestRoster) => (await app.roster.provisioningLog.query({ directoryId: dir.id, limit: 1 }))[0];

  test('a failure while the body is still within what is sent whole is an ordinary 500', async () => {
    const lines = await withFailingMemberRead(2, async (app) => {
      const res = await app.request(dir, 'GET', `/Groups/${bigGroup}`);
      assertScimError(res, 500);
      assert.equal((await lastEntry(app))?.status, 500);
    });
    assert.deepEqual(lines.map((l) => [l.msg, l.err?.message]), [['request failed', 'no such table: group_members']]);
  });

  test('a failure after the headers were sent cuts the body short; it is logged and in the provisioning log', async () => {
    // By the 12th chunk the body is past WHOLE_BODY_LIMIT, so streaming: the 13th read fails.
    const whole = await roster.request(dir, 'GET', `/Groups/${bigGroup}`);
    assert.ok(JSON.stringify(whole.body.members.slice(0, 12 * CHUNK)).length > WHOLE_BODY_LIMIT);
    const lines = await withFailingMemberRead(12, async (app) => {
      await assert.rejects(app.request(dir, 'GET', `/Groups/${bigGroup}`), /destroyed before completion/);
      const entry = await lastEntry(app);
      assert.equal(entry?.path, `${dir.base}/Groups/${bigGroup}`);
      assert.equal(entry?.status, 200, 'the status line had gone out');
      assert.match(String(entry?.error), /cut short/);
      const failed = await app.roster.provisioningLog.query({ directoryId: dir.id, failedOnly: true, limit: 1 });
      assert.equal(failed[0]?.id ?? 'none', entry?.id, '`roster log --failed` lists it despite its 200');
    });
    assert.deepEqual(lines.map((l) => [l.msg, l.err?.message]), [['response failed after its headers were sent: the client got a truncated body', 'no such table: group_members']]);
    assert.deepEqual((await roster.request(dir, 'GET', `/Groups/${bigGroup}`)).body, whole.body, 'the table is back');
  });
});
