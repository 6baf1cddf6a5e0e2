import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Filter } from '../src/scim/filter/ast.ts';
import { evaluateFilter } from '../src/scim/filter/evaluate.ts';
import { parseFilter } from '../src/scim/filter/parse-filter.ts';
import { parsePatchPath } from '../src/scim/path/patch-path.ts';
import { attribute, type AttributeDefinition } from '../src/scim/schema/attribute.ts';
import { commonAttributes } from '../src/scim/schema/common.ts';
import { coreGroupSchema } from '../src/scim/schema/core-group.ts';
import { coreUserSchema } from '../src/scim/schema/core-user.ts';

function subAttributesOf(attributes: readonly AttributeDefinition[], name: string): AttributeDefinition[] {
  const found = attributes.find((a) => a.name === name)?.subAttributes;
  assert.ok(found, name);
  return found;
}
const emailAttributes = subAttributesOf(coreUserSchema.attributes, 'emails');
const memberAttributes = subAttributesOf(coreGroupSchema.attributes, 'members');
const metaAttributes = subAttributesOf(commonAttributes, 'meta');

const filter = (text: string, lenient = false) => parseFilter(text, { urns: [], lenient });
/** Whether `element` passes the value filter `text` (what goes between the brackets). */
const matches = (text: string, element: unknown, attributes: readonly AttributeDefinition[] = emailAttributes) =>
  evaluateFilter(filter(text), element, attributes);

const workEmail = { type: 'work', value: 'BJensen@Example.com', display: 'Babs', primary: true };
const homeEmail = { type: 'home', value: 'babs@jensen.org', primary: false };

test('eq and ne on strings ignore case unless the attribute is caseExact', () => {
  assert.equal(matches('type eq "work"', workEmail), true);
  assert.equal(matches('type eq "WORK"', workEmail), true);
  assert.equal(matches('type eq "home"', workEmail), false);
  assert.equal(matches('type ne "home"', workEmail), true);
  assert.equal(matches('type ne "Work"', workEmail), false);
  const exact = [attribute('value', 'string', { caseExact: true })];
  assert.equal(matches('value eq "bjensen@example.com"', workEmail, exact), false);
  assert.equal(matches('value eq "BJensen@Example.com"', workEmail, exact), true);
  assert.equal(matches('value co "example"', workEmail, exact), false);
});

test('co, sw and ew on strings', () => {
  assert.equal(matches('value co "@example.COM"', workEmail), true);
  assert.equal(matches('value co "@contoso.com"', workEmail), false);
  assert.equal(matches('value sw "bjen"', workEmail), true);
  assert.equal(matches('value sw "jensen"', workEmail), false);
  assert.equal(matches('value ew ".com"', workEmail), true);
  assert.equal(matches('value ew ".org"', workEmail), false);
  assert.equal(matches('value co ""', workEmail), true);
});

test('gt ge lt le: strings lexicographically, numbers numerically, dateTimes as instants', () => {
  assert.equal(matches('type gt "home"', workEmail), true);
  assert.equal(matches('type lt "home"', workEmail), false);
  assert.equal(matches('type ge "WORK"', workEmail), true);
  assert.equal(matches('type le "work"', workEmail), true);

  const numbers = [attribute('count', 'integer'), attribute('ratio', 'decimal')];
  const element = { count: 10, ratio: 0.5 };
  assert.equal(matches('count gt 9', element, numbers), true);
  assert.equal(matches('count gt 10', element, numbers), false);
  assert.equal(matches('count ge 10', element, numbers), true);
  assert.equal(matches('count lt 100', element, numbers), true, 'numerically, not as text');
  assert.equal(matches('count le 9.5', element, numbers), false);
  assert.equal(matches('ratio eq 0.5', element, numbers), true);
  assert.equal(matches('ratio eq 5e-1', element, numbers), true);
  assert.equal(matches('count co 1', element, numbers), false);
  assert.equal(matches('count eq "10"', element, numbers), false);

  const meta = { lastModified: '2011-05-13T04:42:34Z', created: '2010-01-23T04:56:22.000Z' };
  assert.equal(matches('lastModified gt "2011-05-13T04:42:33Z"', meta, metaAttributes), true);
  assert.equal(matches('lastModified gt "2011-05-13T04:42:34Z"', meta, metaAttributes), false);
  assert.equal(matches('lastModified ge "2011-05-13T04:42:34.000Z"', meta, metaAttributes), true);
  assert.equal(matches('lastModified eq "2011-05-13T06:42:34+02:00"', meta, metaAttributes), true, 'same instant');
  assert.equal(matches('lastModified lt "2011-05-14"', meta, metaAttributes), true);
  assert.equal(matches('created le "2010-01-23T04:56:21.999Z"', meta, metaAttributes), false);
  assert.equal(matches('lastModified sw "2011-05"', meta, metaAttributes), true, 'substring operators see the text');
  assert.equal(matches('lastModified gt "not a date"', meta, metaAttributes), false);
});

test('booleans, including the Entra quirk of "True" and "False" strings', () => {
  assert.equal(matches('primary eq true', workEmail), true);
  assert.equal(matches('primary eq false', workEmail), false);
  assert.equal(matches('primary ne false', workEmail), true);
  assert.equal(matches('primary eq "True"', workEmail), true);
  assert.equal(matches('primary eq "true"', workEmail), true);
  assert.equal(matches('primary eq "False"', homeEmail), true);
  assert.equal(matches('primary eq "True"', homeEmail), false);
  assert.equal(matches('primary eq "yes"', workEmail), false);
  assert.equal(matches('primary gt false', workEmail), false, 'booleans have no order');
  assert.equal(matches('primary eq true', { primary: 'True' }), true, 'a stored "True" string is a boolean too');
  assert.equal(matches('flag eq true', { flag: true }, []), true, 'an undeclared boolean compares by its value');
});

test('pr: present and neither null, an empty string nor an empty array', () => {
  assert.equal(matches('display pr', workEmail), true);
  assert.equal(matches('display pr', homeEmail), false);
  assert.equal(matches('display pr', { display: null }), false);
  assert.equal(matches('display pr', { display: '' }), false);
  assert.equal(matches('tags pr', { tags: [] }, []), false);
  assert.equal(matches('tags pr', { tags: ['a'] }, []), true);
  assert.equal(matches('primary pr', homeEmail), true, 'false is a value');
});

test('a missing attribute matches no comparison, except eq null and under not', () => {
  for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']) {
    assert.equal(matches(`display ${op} "x"`, homeEmail), false, op);
  }
  assert.equal(matches('not (display eq "x")', homeEmail), true);
  assert.equal(matches('display eq null', homeEmail), true, 'null means unassigned (RFC 7643 §2.5)');
  assert.equal(matches('display ne null', homeEmail), false);
  assert.equal(matches('display eq null', workEmail), false);
  assert.equal(matches('display ne null', workEmail), true);
  assert.equal(matches('display eq null', { display: '' }), true);
  assert.equal(matches('display gt null', workEmail), false);
});

test('and, or, not', () => {
  assert.equal(matches('type eq "work" and value co "@example.com"', workEmail), true);
  assert.equal(matches('type eq "work" and value co "@example.com"', homeEmail), false);
  assert.equal(matches('type eq "home" or primary eq true', workEmail), true);
  assert.equal(matches('type eq "home" or primary eq true', { type: 'other' }), false);
  assert.equal(matches('not (type eq "work")', homeEmail), true);
  assert.equal(matches('not (type eq "work" or type eq "home")', workEmail), false);
});

test('names are looked up case-insensitively, in the definitions and in the element', () => {
  assert.equal(matches('TYPE eq "work"', workEmail), true);
  assert.equal(matches('type eq "work"', { Type: 'Work' }), true);
  const exact = [attribute('Value', 'string', { caseExact: true })];
  assert.equal(matches('VALUE eq "bjensen@example.com"', workEmail, exact), false, 'the caseExact definition applies');
});

test('undeclared sub-attributes compare as case-insensitive strings', () => {
  assert.equal(matches('costCenter eq "ABC"', { costCenter: 'abc' }, []), true);
  assert.equal(matches('costCenter sw "a"', { costCenter: 'abc' }, []), true);
  assert.equal(matches('costCenter eq "abc"', { costCenter: 7 }, []), false);
});

test('a multi-valued sub-attribute matches when any value does', () => {
  assert.equal(matches('tags eq "b"', { tags: ['a', 'B'] }, []), true);
  assert.equal(matches('tags eq "c"', { tags: ['a', 'B'] }, []), false);
});

test('a primitive element is its own value', () => {
  const values = [attribute('value', 'string')];
  assert.equal(matches('value eq "ADMIN"', 'admin', values), true);
  assert.equal(matches('value eq "ADMIN"', 'admin', []), true);
  assert.equal(matches('value sw "ad"', 'admin', []), true);
  assert.equal(matches('value pr', 'admin', []), true);
  assert.equal(matches('value pr', '', []), false);
  assert.equal(matches('type eq "work"', 'admin', []), false);
  assert.equal(matches('value eq 3', 3, [attribute('value', 'integer')]), true);
});

test('a number compares as its text against a string, since lenient mode reads unquoted ids like 12345 as numbers', () => {
  const element = { value: '12345' };
  assert.equal(evaluateFilter(filter('value eq 12345', true), element, memberAttributes), true);
  assert.equal(evaluateFilter(filter('value sw 123', true), element, memberAttributes), true);
  assert.equal(evaluateFilter(filter('value eq 1234', true), element, memberAttributes), false);
});

test('paths an element cannot hold never match', () => {
  const nested: Filter = { kind: 'valuePath', path: { name: 'value' }, filter: { kind: 'present', path: { name: 'x' } } };
  assert.equal(evaluateFilter(nested, { value: { x: 1 } }, []), false);
  const sub: Filter = { kind: 'present', path: { name: 'manager', sub: 'value' } };
  assert.equal(evaluateFilter(sub, { manager: { value: 'x' } }, []), false);
  const qualified: Filter = { kind: 'present', path: { urn: 'urn:x:y', name: 'value' } };
  assert.equal(evaluateFilter(qualified, { value: 'x' }, []), false);
});

test('with the PATCH parser: members, emails and roles as Entra targets them', () => {
  const urns: string[] = [];
  const members = [
    { value: '7f4bc1a3-285e-48ae-8202-5accb43efb0e', display: 'A' },
    { value: 'u1091', $ref: null },
  ];
  const byMember = parsePatchPath('members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]', { urns });
  assert.ok(byMember.filter);
  assert.deepEqual(
    members.filter((m) => evaluateFilter(byMember.filter!, m, memberAttributes)),
    [members[0]],
  );

  const roleAttributes = subAttributesOf(coreUserSchema.attributes, 'roles');
  const roles = [
    { primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' },
    { primary: false, value: 'User' },
  ];
  const primary = parsePatchPath('roles[primary eq "True"].value', { urns });
  assert.deepEqual(
    roles.filter((r) => evaluateFilter(primary.filter!, r, roleAttributes)),
    [roles[0]],
  );

  const emails = [homeEmail, workEmail];
  const work = parseFilter('emails[type eq "work"].value eq "bjensen@example.com"', { urns });
  assert.equal(work.kind, 'valuePath');
  if (work.kind !== 'valuePath') return;
  assert.deepEqual(
    emails.filter((e) => evaluateFilter(work.filter, e, emailAttributes)),
    [workEmail],
  );
  const crossed = parseFilter('emails[type eq "home"].value eq "bjensen@example.com"', { urns });
  assert.ok(crossed.kind === 'valuePath');
  assert.equal(emails.some((e) => evaluateFilter(crossed.filter, e, emailAttributes)), false, 'one element must match both');
});
