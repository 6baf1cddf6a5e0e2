import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { CompareOperator, Filter, FilterValue } from '../src/scim/filter/ast.ts';
import { MAX_FILTER_LENGTH, MAX_NESTING_DEPTH, parseFilter } from '../src/scim/filter/parse-filter.ts';
import { ScimError } from '../src/scim/messages/error.ts';
import type { AttributePath } from '../src/scim/path/attribute-path.ts';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../src/scim/schema/urns.ts';

const urns = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA];
const parse = (text: string, lenient = false) => parseFilter(text, { urns, lenient });

const at = (name: string, sub?: string, urn?: string): AttributePath => ({
  ...(urn ? { urn } : {}),
  name,
  ...(sub ? { sub } : {}),
});
const cmp = (path: string | AttributePath, op: CompareOperator, value: FilterValue): Filter => ({
  kind: 'compare',
  op,
  path: typeof path === 'string' ? at(path) : path,
  value,
});
const pr = (path: string | AttributePath): Filter => ({ kind: 'present', path: typeof path === 'string' ? at(path) : path });
const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });
const not = (filter: Filter): Filter => ({ kind: 'not', filter });
const vp = (path: string | AttributePath, filter: Filter): Filter => ({
  kind: 'valuePath',
  path: typeof path === 'string' ? at(path) : path,
  filter,
});

function assertInvalid(text: string, lenient = false, detail?: RegExp) {
  assert.throws(
    () => parse(text, lenient),
    (error: unknown) => {
      assert.ok(error instanceof ScimError, `expected a ScimError for ${JSON.stringify(text)}, got ${String(error)}`);
      assert.equal(error.status, 400);
      assert.equal(error.scimType, 'invalidFilter');
      assert.match(error.detail, /^Invalid filter/);
      if (detail) assert.match(error.detail, detail);
      return true;
    },
    `expected ${JSON.stringify(text)} to be rejected`,
  );
}

test('every example filter of RFC 7644 §3.4.2.2', () => {
  const emailsOr = or(cmp('emails', 'co', 'example.com'), cmp(at('emails', 'value'), 'co', 'example.org'));
  const cases: [string, Filter][] = [
    ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
    [`name.familyName co "O'Malley"`, cmp(at('name', 'familyName'), 'co', "O'Malley")],
    ['userName sw "J"', cmp('userName', 'sw', 'J')],
    [`${USER_SCHEMA}:userName sw "J"`, cmp(at('userName', undefined, USER_SCHEMA), 'sw', 'J')],
    ['title pr', pr('title')],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp(at('meta', 'lastModified'), 'gt', '2011-05-13T04:42:34Z')],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp(at('meta', 'lastModified'), 'ge', '2011-05-13T04:42:34Z')],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp(at('meta', 'lastModified'), 'lt', '2011-05-13T04:42:34Z')],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp(at('meta', 'lastModified'), 'le', '2011-05-13T04:42:34Z')],
    ['title pr and userType eq "Employee"', and(pr('title'), cmp('userType', 'eq', 'Employee'))],
    ['title pr or userType eq "Intern"', or(pr('title'), cmp('userType', 'eq', 'Intern'))],
    [`schemas eq "${ENTERPRISE_USER_SCHEMA}"`, cmp('schemas', 'eq', ENTERPRISE_USER_SCHEMA)],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      and(cmp('userType', 'eq', 'Employee'), emailsOr),
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      and(cmp('userType', 'ne', 'Employee'), not(emailsOr)),
    ],
    [
      'userType eq "Employee" and (emails.type eq "work")',
      and(cmp('userType', 'eq', 'Employee'), cmp(at('emails', 'type'), 'eq', 'work')),
    ],
    [
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      and(
        cmp('userType', 'eq', 'Employee'),
        vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
      ),
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      or(
        vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
        vp('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com'))),
      ),
    ],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parse(text), expected, text);
});

test('every comparison operator, in any case', () => {
  for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const) {
    assert.deepEqual(parse(`userName ${op} "x"`), cmp('userName', op, 'x'));
    assert.deepEqual(parse(`userName ${op.toUpperCase()} "x"`), cmp('userName', op, 'x'));
  }
  assert.deepEqual(parse('title PR'), pr('title'));
  assert.deepEqual(
    parse('title Pr AND userType Eq "a" OR NOT (userType eQ "b")'),
    or(and(pr('title'), cmp('userType', 'eq', 'a')), not(cmp('userType', 'eq', 'b'))),
  );
});

test('precedence: not binds tighter than and, and tighter than or; both associate left', () => {
  assert.deepEqual(parse('a pr or b pr and c pr'), or(pr('a'), and(pr('b'), pr('c'))));
  assert.deepEqual(parse('a pr and b pr or c pr'), or(and(pr('a'), pr('b')), pr('c')));
  assert.deepEqual(parse('a pr or b pr or c pr'), or(or(pr('a'), pr('b')), pr('c')));
  assert.deepEqual(parse('a pr and b pr and c pr'), and(and(pr('a'), pr('b')), pr('c')));
  assert.deepEqual(parse('(a pr or b pr) and c pr'), and(or(pr('a'), pr('b')), pr('c')));
  assert.deepEqual(parse('a pr and (b pr or c pr)'), and(pr('a'), or(pr('b'), pr('c'))));
  assert.deepEqual(parse('not (a pr) and b pr'), and(not(pr('a')), pr('b')));
  assert.deepEqual(parse('not (a pr and b pr) or c pr'), or(not(and(pr('a'), pr('b'))), pr('c')));
  assert.deepEqual(parse('not (not (a pr))'), not(not(pr('a'))));
  assert.deepEqual(parse('((a pr))'), pr('a'));
});

test('whitespace: any amount around tokens, none needed next to brackets and quotes', () => {
  const expected = and(cmp('userName', 'eq', 'x'), vp('emails', cmp('type', 'eq', 'work')));
  assert.deepEqual(parse('userName eq "x" and emails[type eq "work"]'), expected);
  assert.deepEqual(parse('   userName    eq   "x"\tand\n emails [ type  eq  "work" ]  '), expected);
  assert.deepEqual(parse('userName eq"x" and emails[type eq"work"]'), expected);
  assert.deepEqual(parse('not(a pr)'), not(pr('a')));
  assert.deepEqual(parse('( a pr )and(b pr)'), and(pr('a'), pr('b')));
});

test('literals: JSON strings with escapes, numbers, booleans and null', () => {
  const value = (literal: string) => (parse(`x eq ${literal}`) as { value: FilterValue }).value;
  assert.equal(value(String.raw`"say \"hi\" \\ \/ \u00e9\u263A \n\t"`), 'say "hi" \\ / é☺ \n\t');
  assert.equal(value('"non-existent user"'), 'non-existent user');
  assert.equal(value('""'), '');
  assert.equal(value('"and"'), 'and');
  assert.equal(value('"(x) [y]"'), '(x) [y]');
  assert.equal(value('0'), 0);
  assert.equal(value('42'), 42);
  assert.equal(value('-7'), -7);
  assert.equal(value('3.25'), 3.25);
  assert.equal(value('-0.5'), -0.5);
  assert.equal(value('1e3'), 1000);
  assert.equal(value('2.5E-2'), 0.025);
  assert.equal(value('1e+2'), 100);
  assert.equal(value('true'), true);
  assert.equal(value('false'), false);
  assert.equal(value('null'), null);
  assert.equal(value('True'), true);
  assert.equal(value('FALSE'), false);
  assert.equal(value('"True"'), 'True', 'a quoted boolean stays a string; the evaluator copes with Entra');
});

test('any operator may compare booleans and null; schema checks come later', () => {
  assert.deepEqual(parse('active gt true'), cmp('active', 'gt', true));
  assert.deepEqual(parse('title co null'), cmp('title', 'co', null));
  assert.deepEqual(parse('title ne null'), cmp('title', 'ne', null));
});

test('URN-qualified paths split after the longest known URN, not at its dots', () => {
  assert.deepEqual(
    parse(`${ENTERPRISE_USER_SCHEMA}:employeeNumber eq "7"`),
    cmp(at('employeeNumber', undefined, ENTERPRISE_USER_SCHEMA), 'eq', '7'),
  );
  assert.deepEqual(
    parse(`${ENTERPRISE_USER_SCHEMA}:manager.value eq "x"`),
    cmp(at('manager', 'value', ENTERPRISE_USER_SCHEMA), 'eq', 'x'),
  );
  assert.deepEqual(
    parse(`${ENTERPRISE_USER_SCHEMA.toUpperCase()}:EmployeeNumber pr`),
    pr(at('EmployeeNumber', undefined, ENTERPRISE_USER_SCHEMA)),
    'URNs match case-insensitively and come back canonical; names keep the client casing',
  );
  assert.deepEqual(
    parse('urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders eq "a"'),
    cmp(at('folders', undefined, 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName'), 'eq', 'a'),
  );
  assert.deepEqual(
    parse(`${USER_SCHEMA}:emails[type eq "work"]`),
    vp(at('emails', undefined, USER_SCHEMA), cmp('type', 'eq', 'work')),
  );
});

test("Entra's emails[…].value forms: one value path, so one element must match both tests", () => {
  assert.deepEqual(
    parse('emails[type eq "work"].value eq "x"'),
    vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'x'))),
  );
  assert.deepEqual(parse('emails[type eq "work"].value pr'), vp('emails', and(cmp('type', 'eq', 'work'), pr('value'))));
  assert.deepEqual(
    parse('emails[type eq "work"].value eq "x" and userName sw "b"'),
    and(vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'x'))), cmp('userName', 'sw', 'b')),
  );
  assert.deepEqual(
    parse('emails[type eq "work" or primary eq true].value co "@contoso.com"'),
    vp('emails', and(or(cmp('type', 'eq', 'work'), cmp('primary', 'eq', true)), cmp('value', 'co', '@contoso.com'))),
  );
});

test("Entra's group-membership check and other value paths", () => {
  assert.deepEqual(
    parse('id eq "G" and members[value eq "U"]'),
    and(cmp('id', 'eq', 'G'), vp('members', cmp('value', 'eq', 'U'))),
  );
  assert.deepEqual(
    parse('emails[type eq "work" and value co "@contoso.com"]'),
    vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@contoso.com'))),
  );
  assert.deepEqual(parse('emails[not (type eq "work")]'), vp('emails', not(cmp('type', 'eq', 'work'))));
  assert.deepEqual(parse('roles[primary eq "True"]'), vp('roles', cmp('primary', 'eq', 'True')));
});

test('every filter in the Entra fixtures parses (unquoted ones in lenient mode only)', () => {
  const dir = new URL('./fixtures/entra/', import.meta.url);
  const filters: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const fixture = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { request: { path: string } };
    const query = fixture.request.path.split('?')[1];
    const filter = query && new URLSearchParams(query).get('filter');
    if (filter) filters.push(filter);
  }
  assert.ok(filters.length >= 5, `found ${filters.length} fixture filters`);
  for (const filter of filters) {
    assert.ok(parse(filter, true), filter);
    if (filter.includes('"')) assert.ok(parse(filter), filter);
    else assertInvalid(filter);
  }
});

test('lenient mode reads unquoted values as Microsoft documents them', () => {
  assert.deepEqual(parse('externalId eq jyoung', true), cmp('externalId', 'eq', 'jyoung'));
  assert.deepEqual(
    parse('id eq 2441309d85324e7793ae and manager eq 6e0e4bc0f8d6d0a1', true),
    and(cmp('id', 'eq', '2441309d85324e7793ae'), cmp('manager', 'eq', '6e0e4bc0f8d6d0a1')),
  );
  assert.deepEqual(
    parse('id eq 54D382A4-2050-4C03-94D1-E769F1D15682 and manager eq 2819c223-7f76-453a-919d-413861904646', true),
    and(
      cmp('id', 'eq', '54D382A4-2050-4C03-94D1-E769F1D15682'),
      cmp('manager', 'eq', '2819c223-7f76-453a-919d-413861904646'),
    ),
  );
  const value = (literal: string) => (parse(`x eq ${literal}`, true) as { value: FilterValue }).value;
  assert.equal(value('42'), 42);
  assert.equal(value('-1.5'), -1.5);
  assert.equal(value('true'), true);
  assert.equal(value('null'), null);
  assert.equal(value('"quoted"'), 'quoted');
  // Numbers that would lose digits stay strings: leading zeros, hex-looking exponents, unsafe integers.
  assert.equal(value('007'), '007');
  assert.equal(value('2441309e85324'), '2441309e85324');
  assert.equal(value('1e5'), '1e5');
  assert.equal(value('12345678901234567890'), '12345678901234567890');
  assert.equal(value('user@contoso.com'), 'user@contoso.com');
  assert.deepEqual(parse('members[value eq u1091]', true), vp('members', cmp('value', 'eq', 'u1091')));
});

test('strict mode rejects unquoted values', () => {
  assertInvalid('externalId eq jyoung', false, /character 15: unquoted value "jyoung"/);
  assertInvalid('id eq 2441309d85324e7793ae and manager eq 6e0e4bc0f8d6d0a1');
  assertInvalid('x eq 007');
  assertInvalid('x eq 2441309e85324', false, /out of range/);
});

test('malformed filters throw invalidFilter with the position', () => {
  assertInvalid('', false, /character 1: expected an attribute path but found the end of the filter/);
  assertInvalid('   ');
  assertInvalid('userName');
  assertInvalid('userName eq');
  assertInvalid('userName xx "x"', false, /character 10: expected an operator/);
  assertInvalid('userName eq "x" and');
  assertInvalid('userName eq "x" or or title pr');
  assertInvalid('and pr');
  assertInvalid('userName eq "x" title pr', false, /expected "and", "or" or the end/);
  assertInvalid('userName eq "x" "y"');
  assertInvalid('userName pr "x"');
  assertInvalid('userName eq "x', false, /character 13: unterminated string/);
  assertInvalid('userName eq "x\\"');
  assertInvalid('userName eq "a\\qb"', false, /invalid string/);
  assertInvalid('userName eq "\u0001"');
  assertInvalid('userName eq "\\u12"');
  assertInvalid('(userName eq "x"', false, /expected "\)" to close "\("/);
  assertInvalid('userName eq "x")');
  assertInvalid('()');
  assertInvalid('not userName eq "x"', false, /expected "\(" after "not"/);
  assertInvalid('not ()');
  assertInvalid('userName eq (');
  assertInvalid('userName eq ]');
  assertInvalid('"userName" eq "x"');
  assertInvalid('1abc eq "x"', false, /not a valid attribute path/);
  assertInvalid('a.b.c eq "x"');
  assertInvalid('a. eq "x"');
  assertInvalid(`${USER_SCHEMA} eq "x"`, false, /schema URN alone/);
  assertInvalid('urn:x eq "y"');
  assertInvalid('x eq 01');
  assertInvalid('x eq .5');
  assertInvalid('x eq -');
  assertInvalid('x eq 1e999', false, /out of range/);
});

test('malformed value paths throw invalidFilter', () => {
  assertInvalid('emails[type eq "work"', false, /expected "\]" to close "\["/);
  assertInvalid('emails[type eq "work"]]');
  assertInvalid('emails[]');
  assertInvalid('emails[type eq "work")');
  assertInvalid('emails[type eq "work"].value', false, /expected an operator/);
  assertInvalid('emails[type eq "work"].value.display eq "x"', false, /not a valid sub-attribute/);
  assertInvalid('emails[type eq "work"]. eq "x"');
  assertInvalid('emails[type eq "work"]value eq "x"');
  assertInvalid('a[b[c eq 1]]', false, /character 4: value filters cannot be nested/);
  assertInvalid('a[b pr and c[d pr]]', false, /nested/);
  assertInvalid('emails[emails.type eq "work"]', false, /plain sub-attribute name/);
  assertInvalid(`emails[${USER_SCHEMA}:type eq "work"]`, false, /plain sub-attribute name/);
  assertInvalid('name.givenName[value eq "x"]', false, /multi-valued attribute/);
  assertInvalid(`${ENTERPRISE_USER_SCHEMA}[value eq "x"]`, false, /multi-valued attribute/);
});

test('nesting depth and length are bounded', () => {
  const nested = (depth: number) => `${'('.repeat(depth)}a pr${')'.repeat(depth)}`;
  assert.deepEqual(parse(nested(MAX_NESTING_DEPTH)), pr('a'));
  assertInvalid(nested(MAX_NESTING_DEPTH + 1), false, /nested more than 50 levels/);
  assertInvalid(`${'not ('.repeat(MAX_NESTING_DEPTH + 1)}a pr${')'.repeat(MAX_NESTING_DEPTH + 1)}`, false, /nested/);
  assertInvalid(`${'('.repeat(5000)}`, false, /nested/);
  assertInvalid('('.repeat(MAX_FILTER_LENGTH + 1), false, /longer than 10000 characters/);

  // A long flat chain is a loop, not recursion: it parses right up to the length limit.
  const chain = Array.from({ length: 900 }, (_, i) => `a${i} pr`).join(' or ');
  assert.ok(chain.length > MAX_FILTER_LENGTH * 0.9 && chain.length <= MAX_FILTER_LENGTH, String(chain.length));
  let filter = parse(chain);
  let count = 1;
  while (filter.kind === 'or') {
    filter = filter.left;
    count++;
  }
  assert.equal(count, 900);
});
