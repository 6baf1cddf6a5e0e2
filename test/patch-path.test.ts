import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { ScimError } from '../src/scim/messages/error.ts';
import { parsePatchPath, type PatchPath } from '../src/scim/path/patch-path.ts';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../src/scim/schema/urns.ts';

const urns = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA];
const parse = (text: string, lenient = false) => parsePatchPath(text, { urns, lenient });

function assertInvalid(text: string, detail?: RegExp) {
  assert.throws(
    () => parse(text),
    (error: unknown) => {
      assert.ok(error instanceof ScimError, `expected a ScimError for ${JSON.stringify(text)}, got ${String(error)}`);
      assert.equal(error.status, 400);
      assert.equal(error.scimType, 'invalidPath');
      assert.match(error.detail, /^Invalid path( at character \d+)?: /);
      if (detail) assert.match(error.detail, detail);
      return true;
    },
    `expected ${JSON.stringify(text)} to be rejected`,
  );
}

test('attribute paths', () => {
  const cases: [string, PatchPath][] = [
    ['userName', { attribute: { name: 'userName' } }],
    ['name.givenName', { attribute: { name: 'name', sub: 'givenName' } }],
    ['members', { attribute: { name: 'members' } }],
    [`${ENTERPRISE_USER_SCHEMA}:manager`, { attribute: { urn: ENTERPRISE_USER_SCHEMA, name: 'manager' } }],
    [`${ENTERPRISE_USER_SCHEMA}:manager.value`, { attribute: { urn: ENTERPRISE_USER_SCHEMA, name: 'manager', sub: 'value' } }],
    [ENTERPRISE_USER_SCHEMA, { attribute: { urn: ENTERPRISE_USER_SCHEMA, name: '' } }],
    [`${USER_SCHEMA}:userName`, { attribute: { urn: USER_SCHEMA, name: 'userName' } }],
    [
      'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders',
      { attribute: { urn: 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName', name: 'folders' } },
    ],
    ['  name.givenName ', { attribute: { name: 'name', sub: 'givenName' } }],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parse(text), expected, text);
});

test('value paths with and without a sub-attribute', () => {
  const cases: [string, PatchPath][] = [
    [
      'emails[type eq "work"].value',
      {
        attribute: { name: 'emails' },
        filter: { kind: 'compare', op: 'eq', path: { name: 'type' }, value: 'work' },
        sub: 'value',
      },
    ],
    [
      'members[value eq "2819c223"]',
      { attribute: { name: 'members' }, filter: { kind: 'compare', op: 'eq', path: { name: 'value' }, value: '2819c223' } },
    ],
    [
      'addresses[type eq "work"].postalCode',
      {
        attribute: { name: 'addresses' },
        filter: { kind: 'compare', op: 'eq', path: { name: 'type' }, value: 'work' },
        sub: 'postalCode',
      },
    ],
    [
      'roles[primary eq "True"].value',
      {
        attribute: { name: 'roles' },
        filter: { kind: 'compare', op: 'eq', path: { name: 'primary' }, value: 'True' },
        sub: 'value',
      },
    ],
    [
      `${USER_SCHEMA}:emails[type eq "work"].value`,
      {
        attribute: { urn: USER_SCHEMA, name: 'emails' },
        filter: { kind: 'compare', op: 'eq', path: { name: 'type' }, value: 'work' },
        sub: 'value',
      },
    ],
    [
      'emails[type eq "work" and not (value ew ".org")]',
      {
        attribute: { name: 'emails' },
        filter: {
          kind: 'and',
          left: { kind: 'compare', op: 'eq', path: { name: 'type' }, value: 'work' },
          right: { kind: 'not', filter: { kind: 'compare', op: 'ew', path: { name: 'value' }, value: '.org' } },
        },
      },
    ],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parse(text), expected, text);
});

test('every PATCH path in the Entra fixtures parses', () => {
  const dir = new URL('./fixtures/entra/', import.meta.url);
  const paths: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const fixture = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as {
      request: { body: { Operations?: { path?: string }[] } | null };
    };
    for (const operation of fixture.request.body?.Operations ?? []) if (operation.path) paths.push(operation.path);
  }
  assert.ok(paths.length >= 10, `found ${paths.length} fixture paths`);
  for (const path of paths) assert.ok(parse(path).attribute.name, path);
});

test('lenient mode applies to the bracket filter', () => {
  assert.deepEqual(parse('members[value eq u1091]', true), {
    attribute: { name: 'members' },
    filter: { kind: 'compare', op: 'eq', path: { name: 'value' }, value: 'u1091' },
  });
  assertInvalid('members[value eq u1091]', /unquoted value/);
});

test('malformed paths throw invalidPath', () => {
  assertInvalid('', /expected an attribute path but found the end of the path/);
  assertInvalid('   ');
  assertInvalid('1name', /not a valid attribute path/);
  assertInvalid('name.givenName.x');
  assertInvalid('name givenName', /character 6: unexpected "givenName" after the path/);
  assertInvalid('userName eq "x"');
  assertInvalid('"userName"');
  assertInvalid('emails[', /expected an attribute path/);
  assertInvalid('emails[type eq "work"', /expected "\]" to close "\["/);
  assertInvalid('emails[type eq]');
  assertInvalid('emails[]');
  assertInvalid('emails[type eq "work"]x');
  assertInvalid('emails[type eq "work"].');
  assertInvalid('emails[type eq "work"].value.display', /not a valid sub-attribute/);
  assertInvalid('emails[type eq "work"].value eq "x"');
  assertInvalid('emails[type eq "work"] and x pr');
  assertInvalid('emails[type eq "work"][value pr]');
  assertInvalid('a[b[c eq 1]]', /value filters cannot be nested/);
  assertInvalid('name.givenName[type eq "x"]', /multi-valued attribute/);
  assertInvalid(`${ENTERPRISE_USER_SCHEMA}[value eq "x"]`, /multi-valued attribute/);
  assertInvalid('(emails)');
  assertInvalid('x'.repeat(10_001), /longer than/);
});
