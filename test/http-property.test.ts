// "Client input never causes a 500": random filters, bodies, PatchOps and query parameters against one in-memory
// Roster. Every property asserts inside the run, so a failure names the request fast-check shrank it to.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { isStorableText } from '../src/scim/storable-text.ts';
import { ENTERPRISE, GROUP_SCHEMA, PATCH_SCHEMA, TestRoster, USER_SCHEMA, userBody, type DirectoryHandle, type ScimResponse } from './support/roster.ts';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

/** Each property's budget: the whole file runs in about 15 s. FUZZ_SCALE=20 digs deeper (a few minutes). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const RUNS = { filter: 1000 * SCALE, body: 600 * SCALE, patch: 700 * SCALE, query: 700 * SCALE };

/** Percent-encodes the UTF-8 bytes of `text` (a lone surrogate becomes U+FFFD instead of throwing as encodeURIComponent does). */
function encode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** An object with `key` as an own enumerable property, even for `__proto__`, so JSON.stringify sends it. */
function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** A huge string that serialises in full but prints short in fast-check's counterexamples. */
class Huge {
  constructor(
    readonly char: string,
    readonly length: number,
  ) {}
  toJSON(): string {
    return this.char.repeat(this.length);
  }
  [fc.toStringMethod](): string {
    return `${JSON.stringify(this.char)}.repeat(${this.length})`;
  }
}

function describeRequest(dirName: string, method: string, path: string, body: unknown, res: ScimResponse): string {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const shown = text.replace(/(.)\1{50,}/gu, (run, ch: string) => `${ch.repeat(3)}…×${[...run].length}`);
  return `${method} ${path} [${dirName}] ${shown}\n  -> ${res.status} ${JSON.stringify(res.body)?.slice(0, 1000)}`;
}

function assertScimError(res: ScimResponse, context: string, scimType?: string): void {
  assert.match(String(res.headers['content-type']), /^application\/scim\+json/, context);
  assert.deepEqual(res.body?.schemas, [ERROR_SCHEMA], context);
  assert.equal(res.body.status, String(res.status), context);
  assert.equal(typeof res.body.detail, 'string', context);
  if (scimType !== undefined) assert.equal(res.body.scimType, scimType, context);
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries

const junkText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', ' ', '\u0000', '\t\n', '"', '\\', '\\"', '\u202e', '\ud800', '𝔘𝔫𝔦', '😀', 'é', 'Ⅻ', '١٢٣', '%', '%00', '&', '=', '#', '?', '+'),
);

const filterAttributes = [
  'userName', 'USERNAME', 'externalId', 'id', 'displayName', 'name.givenName', 'name.familyName', 'name', 'title',
  'active', 'emails', 'emails.value', 'emails.type', 'emails.primary', 'emails[type eq "work"].value', 'emails[type eq "work"]',
  'phoneNumbers[type eq "mobile"].value', 'addresses[type eq "work"].streetAddress', 'roles.value', 'x509Certificates.value',
  'meta', 'meta.created', 'meta.lastModified', 'meta.resourceType', 'meta.version', 'meta.location', 'schemas', 'password',
  'members', 'members.value', 'members.type', 'members.display', 'members.$ref', 'groups', 'groups.value', 'groups.type',
  `${USER_SCHEMA}:userName`, `${USER_SCHEMA}:name.givenName`, `${GROUP_SCHEMA}:displayName`, `${ENTERPRISE}:employeeNumber`,
  `${ENTERPRISE}:manager`, `${ENTERPRISE}:manager.value`, `${ENTERPRISE}:manager.displayName`, `${CUSTOM}:costCenter`,
  `${CUSTOM}:folders`, 'urn:acme:x:y:z', 'urn:x', 'urn:a:b"c:d', 'urn:-bad:x:y', 'urn:ietf:params:scim:schemas:core:2.0:User:',
  '$ref', 'noSuchAttribute', 'a.b.c', 'emails..value', '.value', 'emails[', 'emails]', 'x-y_z', '_x', '0abc',
];
const collections = ['emails', 'members', 'groups', 'phoneNumbers', 'addresses', 'roles', 'name', 'userName', 'meta', `${ENTERPRISE}:manager`, `${CUSTOM}:folders`, 'nope'];
const operators = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'EQ', 'Ne', 'xx', 'eqq', '=', '=='];
const literalValue = fc.oneof(
  fc.constantFrom('"work"', '"x\\"y"', '"\\u00e9"', '"\\ud800"', '"\\"', 'true', 'false', 'True', 'null', '1', '-7', '0.5', '1.5e3', '1e999', '-0',
    '"2024-01-01T00:00:00Z"', '"2024-13-45"', '"not a date"', 'jyoung', 'user0', '"user0"', '""', '"a b c"', '123abc'),
  junkText.map((s) => JSON.stringify(s)),
  fc.integer().map(String),
  fc.double().map(String),
);

/** Comparisons whose attribute, operator and value agree: these get past validation into the SQL compiler. */
const stringAttributes = [
  'userName', 'externalId', 'id', 'displayName', 'name.givenName', 'name.formatted', 'title', 'emails', 'emails.value', 'emails.type',
  'emails[type eq "work"].value', 'phoneNumbers.value', 'addresses.locality', 'roles.value', 'members', 'members.value', 'members.type',
  'groups', 'groups.value', 'groups.type', 'meta.resourceType', 'schemas', `${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:department`,
  `${ENTERPRISE}:manager.value`, `${CUSTOM}:costCenter`, `${CUSTOM}:folders`, 'urn:acme:x:1.0:User:undeclared',
];
const stringOperators = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const typedComparison = fc.oneof(
  fc.tuple(fc.constantFrom(...stringAttributes), fc.constantFrom(...stringOperators), fc.oneof(
    fc.constantFrom('user0', 'User0@Example.com', 'work', 'Finance', 'Group', 'User', 'CC-1', '42', 'ext-user1', ''),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
  )).map(([a, o, v]) => `${a} ${o} ${JSON.stringify(v)}`),
  fc.tuple(fc.constantFrom('active', 'emails.primary', 'emails[type eq "work"].primary', 'roles.primary'), fc.constantFrom('eq', 'ne'), fc.constantFrom('true', 'false', '"True"', 'null'))
    .map(([a, o, v]) => `${a} ${o} ${v}`),
  fc.tuple(fc.constantFrom('meta.created', 'meta.lastModified'), fc.constantFrom(...stringOperators), fc.constantFrom('"2020-01-01T00:00:00Z"', '"2999-12-31T23:59:59.999Z"', '"2020-01-01"'))
    .map(([a, o, v]) => `${a} ${o} ${v}`),
  fc.constantFrom(...stringAttributes, 'active', 'name', 'meta', 'emails', 'addresses', ENTERPRISE, `${ENTERPRISE}:manager`).map((a) => `${a} pr`),
);

const comparison = fc.oneof(
  { weight: 2, arbitrary: typedComparison },
  fc.tuple(fc.constantFrom(...filterAttributes), fc.constantFrom(...operators), literalValue).map(([a, o, v]) => `${a} ${o} ${v}`),
  fc.constantFrom(...filterAttributes).map((a) => `${a} pr`),
);

/** Mostly well-formed filters over the schema's attributes (and some that are not). */
const grammarFilter: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    comparison,
    fc.tuple(tie('f'), fc.constantFrom('and', 'or', 'AND', 'Or'), tie('f')).map(([l, o, r]) => `${l} ${o} ${r}`),
    tie('f').map((f) => `(${f})`),
    tie('f').map((f) => `not (${f})`),
    fc.tuple(fc.constantFrom(...collections), tie('f')).map(([c, f]) => `${c}[${f}]`),
  ),
})).f;

const filterToken = fc.constantFrom(
  ' ', ' ', '(', ')', '[', ']', '"', '\\', '.', ':', 'and', 'or', 'not', 'pr', 'eq', 'co', 'gt', 'true', 'null', '"work"',
  ...filterAttributes.slice(0, 20), `${ENTERPRISE}:`, 'urn:', '2.0', '\u0000', 'é', '😀',
);

/** Insert, delete or replace one character: near-misses of the grammar. */
const mutated = fc.tuple(grammarFilter, fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom('(', ')', '[', ']', '"', ' ', '\\', '.', 'x', '\u0000'))
  .map(([text, at, how, ch]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    if (how === 'insert') return text.slice(0, i) + ch + text.slice(i);
    if (how === 'delete') return text.slice(0, i) + text.slice(i + 1);
    return text.slice(0, i) + ch + text.slice(i + 1);
  });

const randomFilter = fc.oneof(
  { weight: 4, arbitrary: grammarFilter },
  { weight: 2, arbitrary: mutated },
  { weight: 2, arbitrary: fc.array(filterToken, { maxLength: 25 }).map((t) => t.join('')) },
  { weight: 1, arbitrary: fc.array(filterToken, { maxLength: 25 }).map((t) => t.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);

/** Values of the wrong type (or the right one) for any attribute. */
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 'True', 'False', 0, -0, 1, -1, 1.5, 1e308, -1e308, '', ' ', 'x', [], [null], [[1]], [[]], {}, { value: null },
    [{ value: 'x' }], [{ value: 1, primary: 'True' }], { '': 1 }, ['a', 'b'], '2024-01-01T00:00:00Z'),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(1_000, 20_000, 120_000).chain((n) => fc.constantFrom('x', 'é', '😀', '"').map((c) => new Huge(c, n))),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString').map((key) => withKey({}, key, { polluted: true, value: 'x' })),
  fc.constantFrom('__proto__', 'constructor').map((key) => [withKey({}, key, { value: 'x' })]),
);

const evilKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', 'USERNAME', 'userName',
    'emails[type eq "work"].value', 'name.givenName', `${ENTERPRISE}:employeeNumber`, `${CUSTOM}:costCenter`, `${CUSTOM}:cost"Center`,
    `${CUSTOM}:cost\\Center`, 'urn:acme:x:1.0:User:a', 'urn:a"b:c:d', 'urn:', '', ' ', 'members', 'groups', 'meta', 'id', 'schemas', 'password'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** Paths into a valid user that mutations overwrite (`*` is each element of an array). */
const userPaths: string[][] = [
  [], ['schemas'], ['userName'], ['name'], ['name', 'givenName'], ['emails'], ['emails', '*'], ['emails', '*', 'value'], ['emails', '*', 'primary'],
  ['emails', '*', 'type'], ['active'], ['externalId'], ['displayName'], ['phoneNumbers'], ['phoneNumbers', '*', 'value'], ['addresses', '*'],
  ['roles'], ['roles', '*', 'primary'], ['x509Certificates'], ['groups'], ['id'], ['meta'], ['password'], [ENTERPRISE], [ENTERPRISE, 'manager'],
  [ENTERPRISE, 'manager', 'value'], [ENTERPRISE, 'employeeNumber'], [CUSTOM], [CUSTOM, 'folders'], [CUSTOM, 'costCenter'],
];

function setAt(target: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') {
    if (!Array.isArray(target)) return target;
    return target.map((element) => setAt(element, rest, value));
  }
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return target;
  const object = target as Record<string, unknown>;
  return withKey(object, head, setAt(object[head], rest, value));
}

type Mutation = { kind: 'set'; path: string[]; value: unknown } | { kind: 'key'; path: string[]; key: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), path: fc.constantFrom(...userPaths), value: weirdValue }),
  fc.record({ kind: fc.constant('key' as const), path: fc.constantFrom<string[]>([], ['name'], [ENTERPRISE], [CUSTOM], ['emails', '*']), key: evilKey, value: weirdValue }),
);

/** A deep copy (keeping Huge and own `__proto__` keys), so a mutation never edits a value fast-check hands out again. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (typeof value !== 'object' || value === null || value instanceof Huge) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) withKey(out, key, copy((value as Record<string, unknown>)[key]));
  return out;
}

function applyMutation(doc: unknown, m: Mutation): unknown {
  if (m.kind === 'set') return setAt(doc, m.path, copy(m.value));
  const addKey = (node: unknown, path: string[]): unknown => {
    if (path.length === 0) {
      return typeof node === 'object' && node !== null && !Array.isArray(node) ? withKey(node as Record<string, unknown>, m.key, copy(m.value)) : node;
    }
    const [head, ...rest] = path as [string, ...string[]];
    if (head === '*') return Array.isArray(node) ? node.map((e) => addKey(e, rest)) : node;
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
    const object = node as Record<string, unknown>;
    return withKey(object, head, addKey(object[head], rest));
  };
  return addKey(doc, m.path);
}

// ---------------------------------------------------------------------------------------------------------------

describe('client input never causes a 500', () => {
  let roster: TestRoster;
  let entra: DirectoryHandle;
  let generic: DirectoryHandle;
  const fixtures = new Map<DirectoryHandle, { users: string[]; groups: string[]; putUser: string; putGroup: string; patchUser: string; patchGroup: string }>();
  let serial = 0;

  const validUser = (userName: string, managerId: string) => ({
    schemas: [USER_SCHEMA, ENTERPRISE, CUSTOM],
    userName,
    externalId: `ext-${userName}`,
    displayName: `Display ${userName}`,
    name: { givenName: 'Given', familyName: 'Family', formatted: 'Given Family' },
    emails: [{ type: 'work', value: `${userName}@example.com`, primary: true }, { type: 'home', value: `${userName}@home.example` }],
    phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }],
    addresses: [{ type: 'work', streetAddress: '1 Main St', locality: 'Town', primary: true }],
    roles: [{ value: 'User', primary: true }],
    active: true,
    title: 'Engineer',
    [ENTERPRISE]: { employeeNumber: '42', department: 'R&D', manager: { value: managerId } },
    [CUSTOM]: { costCenter: 'CC-1', folders: ['Finance', 'Legal'] },
  });

  before(async () => {
    // Room for the huge strings: 413 is not what these properties are about.
    roster = await TestRoster.start({ bodyLimit: 32 * 1024 * 1024 });
    entra = await roster.directory('entra');
    generic = await roster.directory('generic');
    for (const dir of [entra, generic]) {
      const users: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await roster.request(dir, 'POST', '/Users', validUser(`user${i}`, users[0] ?? 'nobody'));
        assert.equal(res.status, 201, JSON.stringify(res.body));
        users.push(res.body.id);
      }
      const groups: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await roster.request(dir, 'POST', '/Groups', {
          schemas: [GROUP_SCHEMA],
          displayName: `group${i}`,
          externalId: `gext-${i}`,
          members: users.slice(0, i + 1).map((value) => ({ value })),
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        groups.push(res.body.id);
      }
      fixtures.set(dir, { users, groups, putUser: users[1]!, putGroup: groups[1]!, patchUser: users[2]!, patchGroup: groups[2]! });
    }
  });
  after(() => roster.close());

  const directory = fc.constantFrom('entra', 'generic');
  const dirOf = (name: string) => (name === 'entra' ? entra : generic);

  async function counts() {
    const one = async (table: 'users' | 'groups' | 'group_members' | 'changes') =>
      Number((await roster.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const seq = await roster.db.selectFrom('directories').select(['id', 'change_seq', 'user_count', 'group_count']).orderBy('id').execute();
    return { users: await one('users'), groups: await one('groups'), members: await one('group_members'), changes: await one('changes'), directories: seq };
  }

  test('(a) random filters on GET /Users and /Groups: 200 or 400 invalidFilter', async () => {
    await fc.assert(
      fc.asyncProperty(directory, fc.constantFrom('GET /Users', 'GET /Groups', 'POST /Users/.search', 'POST /.search'), randomFilter, async (dirName, endpoint, filter) => {
        const dir = dirOf(dirName);
        const [method, path] = endpoint.split(' ') as [string, string];
        const url = method === 'GET' ? `${path}?filter=${encode(filter)}` : path;
        const body = method === 'POST' ? { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter } : undefined;
        const res = await roster.request(dir, method, url, body);
        const context = describeRequest(dirName, method, url, body ?? `filter=${JSON.stringify(filter)}`, res);
        assert.ok(res.status === 200 || res.status === 400, context);
        // A body holding U+0000 or a lone surrogate is refused before its filter is read.
        if (res.status === 400) assertScimError(res, context, body && !isStorableText(filter) ? 'invalidValue' : 'invalidFilter');
        else {
          assert.deepEqual(res.body.schemas, [LIST_SCHEMA], context);
          assert.equal(typeof res.body.totalResults, 'number', context);
        }
      }),
      { includeErrorInReport: true, numRuns: RUNS.filter },
    );
  });

  const bodyArbitrary = fc.oneof(
    { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => ({ kind: 'mutatedUser' as const, ms })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: 'value' as const, value })) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((text) => ({ kind: 'text' as const, text })) },
    {
      weight: 1,
      arbitrary: fc.dictionary(evilKey, weirdValue, { maxKeys: 6 }).map((extra) => ({ kind: 'extra' as const, extra })),
    },
    {
      weight: 1,
      // Duplicate keys differing in case, and raw `__proto__` in the text.
      arbitrary: fc.tuple(fc.constantFrom('userName', 'displayName', 'members', 'active', '__proto__', 'constructor'), weirdValue).map(([key, value]) => ({
        kind: 'text' as const,
        text: `{"schemas":["${USER_SCHEMA}","${GROUP_SCHEMA}"],"userName":"dup-${key}","displayName":"dup-${key}","${key}":${JSON.stringify(value) ?? 'null'},"${key.toUpperCase()}":${JSON.stringify(value) ?? 'null'}}`,
      })),
    },
  );

  test('(b) random bodies to POST /Users, PUT /Users/{id}, POST /Groups, PUT /Groups/{id}: never 5xx, a 4xx writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        directory,
        fc.constantFrom('POST /Users', 'PUT /Users', 'POST /Groups', 'PUT /Groups'),
        bodyArbitrary,
        fc.array(fc.constantFrom('user', 'group', 'self', 'junk', 'missing'), { maxLength: 4 }),
        async (dirName, endpoint, shape, memberPicks) => {
          const dir = dirOf(dirName);
          const fx = fixtures.get(dir)!;
          const [method, collection] = endpoint.split(' ') as [string, '/Users' | '/Groups'];
          const id = collection === '/Users' ? fx.putUser : fx.putGroup;
          const path = method === 'PUT' ? `${collection}/${id}` : collection;
          const name = `fuzz${++serial}`;
          const memberValue = (pick: string) =>
            pick === 'user' ? { value: fx.users[0] } : pick === 'group' ? { value: fx.groups[0] } : pick === 'self' ? { value: id } : pick === 'junk' ? { value: '../x"' } : { value: crypto.randomUUID() };
          let body: unknown;
          if (shape.kind === 'mutatedUser') {
            let doc: unknown = validUser(name, fx.users[0]!);
            if (collection === '/Groups') doc = { ...(doc as object), schemas: [GROUP_SCHEMA], members: memberPicks.map(memberValue) };
            for (const m of shape.ms) doc = applyMutation(doc, m);
            body = doc;
          } else if (shape.kind === 'extra') {
            const base: Record<string, unknown> = collection === '/Users' ? userBody(name) : { schemas: [GROUP_SCHEMA], displayName: name, members: memberPicks.map(memberValue) };
            for (const [k, v] of Object.entries(shape.extra)) withKey(base, k, v);
            body = base;
          } else if (shape.kind === 'value') {
            body = shape.value;
          } else {
            body = shape.text;
          }
          const payload = typeof body === 'string' ? body : JSON.stringify(body);
          const beforeCounts = await counts();
          const beforeTarget = method === 'PUT' ? await roster.request(dir, 'GET', path) : undefined;
          const res = await roster.request(dir, method, path, payload);
          const context = describeRequest(dirName, method, path, payload, res);
          assert.ok([200, 201, 400, 409].includes(res.status), context);
          if (res.status >= 400) {
            assertScimError(res, context);
            assert.deepEqual(await counts(), beforeCounts, `a ${res.status} wrote rows: ${context}`);
            if (beforeTarget) {
              const afterTarget = await roster.request(dir, 'GET', path);
              assert.equal(afterTarget.body.meta.version, beforeTarget.body.meta.version, context);
              assert.deepEqual(afterTarget.body, beforeTarget.body, context);
            }
          } else if (method === 'POST') {
            assert.equal(res.status, 201, context);
            // Keep the directory small and the fixtures stable.
            assert.equal((await roster.request(dir, 'DELETE', `${collection}/${res.body.id}`)).status, 204, context);
          }
        },
      ),
      { includeErrorInReport: true, numRuns: RUNS.body },
    );
  });

  const opName = fc.oneof(
    { weight: 12, arbitrary: fc.mixedCase(fc.constantFrom('add', 'replace', 'remove')) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>('delete', 'move', 'copy', 'test', '', ' add', 'add ', null, 1, true, ['add'], { op: 'add' }) },
  );

  const patchPath = (fx: { users: string[]; groups: string[] }, type: string) =>
    fc.oneof(
      {
        weight: 6,
        arbitrary:
          type === 'Groups'
            ? fc.constantFrom<unknown>(
                undefined, 'members', 'Members', `members[value eq "${fx.users[0]}"]`, `members[value eq "${fx.users[3]}"]`, `members[value eq "${fx.groups[0]}"]`,
                'members[type eq "Group"]', 'members[type eq "User"]', 'members[value eq "no-such-id"]', 'displayName', 'externalId', `${GROUP_SCHEMA}:displayName`,
                `${GROUP_SCHEMA}:members`, 'members.value', 'members.display', 'id', 'meta.lastModified',
              )
            : fc.constantFrom<unknown>(undefined, 'title', 'active', 'name.givenName', 'emails[type eq "work"].value', `${ENTERPRISE}:manager`, `${CUSTOM}:costCenter`),
      },
      {
        weight: 6,
        arbitrary: fc.constantFrom(
          'userName', 'displayName', 'externalId', 'title', 'active', 'name', 'name.givenName', 'name.nonsense', 'emails', 'emails.value',
          'emails[type eq "work"].value', 'emails[type eq "work"]', 'emails[type eq "work"].primary', 'emails[primary eq true].value',
          'emails[value co "@"]', 'phoneNumbers[type eq "mobile"].value', 'addresses[type eq "work"].streetAddress', 'roles', 'roles[value eq "User"]',
          'members', `members[value eq "${fx.users[0]}"]`, `members[value eq "${fx.groups[0]}"]`, 'members[type eq "Group"]', 'members[display co "x"]',
          'members.value', 'groups', 'id', 'meta', 'meta.version', 'schemas', 'password',
          `${ENTERPRISE}:manager`, `${ENTERPRISE}:manager.value`, `${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:department`, ENTERPRISE,
          `${CUSTOM}:costCenter`, `${CUSTOM}:folders`, `${CUSTOM}:folders[value eq "Legal"]`, `urn:acme:params:x:1.0:User:thing`, `${USER_SCHEMA}:userName`,
          `${USER_SCHEMA}:name.familyName`, `${GROUP_SCHEMA}:displayName`,
        ),
      },
      { weight: 2, arbitrary: mutated },
      { weight: 1, arbitrary: junkText },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 1, true, [], {}) },
    );

  const patchValue = (fx: { users: string[]; groups: string[] }) =>
    fc.oneof(
      { weight: 3, arbitrary: weirdValue },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, 'True', 'False', 'Alice', '') },
      { weight: 2, arbitrary: fc.constantFrom<unknown>('Alice', 'Bob', 'Group Renamed', true, false, { value: fx.users[1] }, { givenName: 'Al' }) },
      {
        weight: 3,
        arbitrary: fc.subarray([...fx.users, fx.groups[0]!, fx.groups[1]!], { minLength: 1 }).map((ids) => ids.map((value) => ({ value }))),
      },
      {
        weight: 2,
        arbitrary: fc
          .array(fc.constantFrom(...fx.users, ...fx.groups, 'no-such-id', '', '"'), { maxLength: 3 })
          .map((ids) => ids.map((value) => ({ value }))),
      },
      {
        weight: 2,
        arbitrary: fc.dictionary(
          fc.constantFrom('userName', 'displayName', 'title', 'active', 'name.givenName', 'emails[type eq "work"].value', 'members', `${ENTERPRISE}:manager`,
            `${CUSTOM}:costCenter`, '__proto__', 'constructor', 'id', 'externalId', 'nope', 'urn:bad'),
          weirdValue,
          { maxKeys: 4 },
        ),
      },
    );

  const operation = (fx: { users: string[]; groups: string[] }, type: string) =>
    fc
      .record(
        { op: opName, path: patchPath(fx, type), value: patchValue(fx), opKey: fc.constantFrom('op', 'Op', 'OP'), extra: fc.option(fc.tuple(evilKey, weirdValue)) },
        { requiredKeys: ['op', 'opKey'] },
      )
      .map(({ op, path, value, opKey, extra }) => {
        const o: Record<string, unknown> = {};
        withKey(o, opKey, op);
        if (path !== undefined) o.path = path;
        if (value !== undefined) o.value = value;
        if (extra) withKey(o, extra[0], extra[1]);
        return o;
      });

  test('(c) random PatchOps to PATCH /Users/{id} and /Groups/{id}: never 5xx, a 4xx changes nothing', async () => {
    const arbitrary = fc.tuple(directory, fc.constantFrom('Users', 'Groups')).chain(([dirName, type]) => {
      const fx = fixtures.get(dirOf(dirName))!;
      return fc.record({
        dirName: fc.constant(dirName),
        type: fc.constant(type),
        target: fc.constantFrom('fixture', 'fixture', 'fixture', 'fixture', 'fixture', 'fixture', 'fixture', 'missing', 'other-type'),
        operations: fc.oneof(
          { weight: 8, arbitrary: fc.array(operation(fx, type), { minLength: 1, maxLength: 3 }) },
          { weight: 1, arbitrary: fc.constantFrom<unknown>([], null, {}, 'add', [null], [[]]) },
        ),
        envelope: fc.constantFrom('ok', 'ok', 'ok', 'ok', 'lowercase-key', 'no-schemas', 'wrong-schema', 'not-object'),
      });
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ dirName, type, target, operations, envelope }) => {
        const dir = dirOf(dirName);
        const fx = fixtures.get(dir)!;
        const own = type === 'Users' ? fx.patchUser : fx.patchGroup;
        const id = target === 'fixture' ? own : target === 'missing' ? crypto.randomUUID() : type === 'Users' ? fx.patchGroup : fx.patchUser;
        const path = `/${type}/${id}`;
        const body =
          envelope === 'not-object' ? [operations]
          : envelope === 'no-schemas' ? { Operations: operations }
          : envelope === 'wrong-schema' ? { schemas: [USER_SCHEMA], Operations: operations }
          : envelope === 'lowercase-key' ? { schemas: [PATCH_SCHEMA.toLowerCase()], operations }
          : { schemas: [PATCH_SCHEMA], Operations: operations };
        const payload = JSON.stringify(body);
        const beforeCounts = await counts();
        const beforeTarget = await roster.request(dir, 'GET', path);
        const res = await roster.request(dir, 'PATCH', path, payload);
        const context = describeRequest(dirName, 'PATCH', path, payload, res);
        assert.ok([200, 204, 400, 404, 409].includes(res.status), context);
        if (res.status >= 400) {
          assertScimError(res, context);
          assert.deepEqual(await counts(), beforeCounts, `a ${res.status} wrote rows: ${context}`);
          const afterTarget = await roster.request(dir, 'GET', path);
          assert.equal(afterTarget.status, beforeTarget.status, context);
          if (beforeTarget.status === 200) {
            assert.equal(afterTarget.body.meta.version, beforeTarget.body.meta.version, context);
            assert.deepEqual(afterTarget.body, beforeTarget.body, context);
          }
        } else {
          assert.equal(beforeTarget.status, 200, context);
        }
      }),
      { includeErrorInReport: true, numRuns: RUNS.patch },
    );
  });

  const paramNames = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes', 'filter') },
    { weight: 1, arbitrary: fc.mixedCase(fc.constantFrom('startindex', 'count', 'sortby', 'sortorder', 'attributes', 'excludedattributes')) },
    { weight: 1, arbitrary: fc.constantFrom('', '[]', 'count[]', 'count[0]', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'x\u0000y') },
  );
  const paramValue = fc.oneof(
    fc.constantFrom(
      '', ' ', '0', '1', '-1', '2', '10', '100', '1001', '1e3', '1e400', '1.5', '-0', '0x10', ' 5 ', 'NaN', 'Infinity', '-Infinity', '١٢',
      '9007199254740993', '9223372036854775808', '1e300', '99999999999999999999', '-99999999999999999999', 'ascending', 'descending', 'DESCENDING', 'up', 'userName', 'name.givenName',
      'emails', 'emails.value', 'emails[type eq "work"].value', 'meta.created', 'meta.lastModified', 'meta.version', 'members', 'members.value',
      'groups', 'displayName', 'id', 'externalId', 'active', 'title', `${ENTERPRISE}:manager`, `${ENTERPRISE}:employeeNumber`, `${CUSTOM}:costCenter`,
      `${CUSTOM}:folders`, 'urn:a:b:c', 'schemas', 'password', 'userName,emails.value', 'members,displayName', ',,,', 'a b', 'userName eq "user0"',
      'x'.repeat(5000),
    ),
    fc.array(fc.constantFrom('userName', 'emails.value', 'members', 'meta', 'groups', 'nope', `${ENTERPRISE}:manager.value`, ''), { maxLength: 4 }).map((a) => a.join(',')),
    junkText,
  );
  /** Query strings that are not percent-encoded properly, as a broken client might send them. */
  const rawTail = fc.constantFrom('', '&', '&&', '=', '%', '%zz', '%E0%A4', '%00', '%C0%AF', 'a[b]=c', 'count=1&count=2', 'filter', '+', '#frag', '%2', '?x=1');

  test('(d) random query parameters on lists and single resources: never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        directory,
        fc.constantFrom('GET /Users', 'GET /Groups', 'GET /Users/{id}', 'GET /Groups/{id}', 'POST /Users/.search', 'POST /Groups/.search', 'PATCH /Users/{id}'),
        fc.array(fc.tuple(paramNames, paramValue), { maxLength: 5 }),
        rawTail,
        fc.array(fc.tuple(paramNames, fc.oneof(paramValue, fc.jsonValue({ maxDepth: 2 }))), { maxLength: 4 }),
        async (dirName, endpoint, params, tail, searchParams) => {
          const dir = dirOf(dirName);
          const fx = fixtures.get(dir)!;
          const [method, template] = endpoint.split(' ') as [string, string];
          const path = template.replace('{id}', template.startsWith('/Users') ? fx.users[3]! : fx.groups[0]!);
          const query = params.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
          const url = `${path}?${query}${tail ? `&${tail}` : ''}`;
          let body: unknown;
          if (endpoint.includes('.search')) {
            const search: Record<string, unknown> = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] };
            for (const [k, v] of searchParams) withKey(search, k, v);
            body = search;
          } else if (method === 'PATCH') {
            // A no-op PATCH still shapes its reply with the projection.
            body = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] };
          }
          const res = await roster.request(dir, method, url, body);
          const context = describeRequest(dirName, method, url, body, res);
          assert.ok(res.status < 500, context);
          assert.ok([200, 204, 400].includes(res.status), context);
          if (res.status >= 400) assertScimError(res, context);
        },
      ),
      { includeErrorInReport: true, numRuns: RUNS.query },
    );
  });

  // Regression tests for 500s this file found; (d) also generates both inputs.
  test(
    'a repeated attributes/excludedAttributes on a single resource is not a 500',
    async () => {
      for (const dir of [entra, generic]) {
        const fx = fixtures.get(dir)!;
        for (const [path, query] of [
          [`/Groups/${fx.groups[0]}`, 'excludedAttributes=members&excludedAttributes=displayName'],
          [`/Users/${fx.users[3]}`, 'attributes=userName&attributes=emails'],
        ] as const) {
          const get = await roster.request(dir, 'GET', `${path}?${query}`);
          assert.ok(get.status === 200 || get.status === 400, describeRequest(dir === entra ? 'entra' : 'generic', 'GET', `${path}?${query}`, undefined, get));
          const before = (await roster.request(dir, 'GET', path)).body.meta.version;
          const body = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: path.startsWith('/Users') ? 'title' : 'externalId', value: `v${++serial}` }] };
          const patch = await roster.request(dir, 'PATCH', `${path}?${query}`, body);
          const context = describeRequest(dir === entra ? 'entra' : 'generic', 'PATCH', `${path}?${query}`, body, patch);
          assert.ok([200, 204, 400].includes(patch.status), context);
          if (patch.status === 400) assert.equal((await roster.request(dir, 'GET', path)).body.meta.version, before, context);
        }
      }
    },
  );

  test(
    'a startIndex beyond any page is an empty page, not a 500',
    async () => {
      for (const dir of [entra, generic]) {
        for (const [method, path, body] of [
          ['GET', '/Groups?startIndex=99999999999999999999', undefined],
          ['GET', '/Users?startIndex=9223372036854775807&count=5', undefined],
          ['POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], startIndex: 1e300 }],
        ] as const) {
          const res = await roster.request(dir, method, path, body);
          const context = describeRequest(dir === entra ? 'entra' : 'generic', method, path, body, res);
          assert.ok(res.status === 200 || res.status === 400, context);
          if (res.status === 200) assert.deepEqual(res.body.Resources ?? [], [], context);
        }
      }
    },
  );

  test('a rejected POST registers no custom extension attribute', async () => {
    // The first user of this shape succeeds; the same userName again is a 409 that must leave /Schemas alone.
    const urn = 'urn:ietf:params:scim:schemas:extension:Leak:2.0:User';
    const dir = generic;
    const first = await roster.request(dir, 'POST', '/Users', userBody('leak.probe'));
    assert.equal(first.status, 201);
    const beforeCount = Number((await roster.db.selectFrom('extension_attributes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const dup = await roster.request(dir, 'POST', '/Users', { ...userBody('leak.probe'), schemas: [USER_SCHEMA, urn], [urn]: { rejected: 'yes' } });
    assert.equal(dup.status, 409);
    const afterCount = Number((await roster.db.selectFrom('extension_attributes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    assert.equal(afterCount, beforeCount, 'a 409 POST registered its extension attribute');
    const schemas = await roster.request(dir, 'GET', '/Schemas');
    assert.ok(!JSON.stringify(schemas.body).includes(urn), '/Schemas lists an attribute from a rejected request');
  });
});
