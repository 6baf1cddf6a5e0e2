import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coerceValue } from '../src/scim/resource/coerce-value.ts';
import { normalizeResource } from '../src/scim/resource/normalize-resource.ts';
import { attribute } from '../src/scim/schema/attribute.ts';
import { ResourceSchema } from '../src/scim/schema/resource-schema.ts';
import { entraFixture, rejects } from './support/assertions.ts';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../src/scim/schema/urns.ts';

const users = ResourceSchema.for('User');
const groups = ResourceSchema.for('Group');
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

const fixtureBody = (name: string): unknown => entraFixture(name).request.body;

test('Entra create user: enterprise URN listed without attributes, empty roles, client-sent meta', () => {
  const { doc, members, newExtensionAttributes } = normalizeResource(fixtureBody('user-create.json'), users);
  assert.deepEqual(doc, {
    externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
    userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
    active: true,
    emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  });
  assert.equal(members, undefined);
  assert.deepEqual(newExtensionAttributes, []);
});

test('Entra Example 2: explicit nulls dropped, typo schema URN ignored, top-level department/manager null', () => {
  const { doc } = normalizeResource(fixtureBody('sample-create-user-jyoung.json'), users);
  assert.deepEqual(doc, {
    externalId: 'jyoung',
    userName: 'jyoung@testuser.com',
    active: true,
    displayName: 'Joy Young',
    emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
    name: { familyName: 'Young', givenName: 'Joy' },
  });
});

test('enterprise attributes sent unqualified at the top level land in the enterprise extension', () => {
  const { doc } = normalizeResource({ userName: 'u', department: 'Sales', manager: 'boss' }, users);
  assert.deepEqual(doc, { userName: 'u', [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', manager: { value: 'boss' } } });
});

test('schema design example: manager as a bare string id, custom extension object, id and meta ignored', () => {
  const { doc, newExtensionAttributes } = normalizeResource(fixtureBody('user-schema-design-example.json'), users);
  assert.deepEqual(doc, {
    userName: 'bjensen@testuser.com',
    externalId: 'bjensen',
    name: { familyName: 'Jensen', givenName: 'Barbara' },
    [ENTERPRISE_USER_SCHEMA]: { manager: { value: '123456' } },
    [CUSTOM]: { tag: '701984' },
  });
  assert.deepEqual(newExtensionAttributes, [{ resourceType: 'User', urn: CUSTOM, name: 'tag', type: 'string', multiValued: false }]);
});

test('custom extension object accepted although its URN is missing from schemas; readOnly manager.displayName dropped', () => {
  const { doc, newExtensionAttributes } = normalizeResource(fixtureBody('user-custom-extension-representation.json'), users);
  assert.deepEqual(doc[ENTERPRISE_USER_SCHEMA], {
    employeeNumber: '701984',
    costCenter: '4130',
    organization: 'Universal Studios',
    division: 'Theme Park',
    department: 'Tour Operations',
    manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', $ref: '../Users/26118915-6090-4610-87e4-49d8ca9f808d' },
  });
  assert.deepEqual(doc[CUSTOM], { CustomAttribute: '701984' });
  assert.deepEqual(newExtensionAttributes.map((a) => a.name), ['CustomAttribute']);
  assert.equal(doc.id, undefined);
  assert.equal(doc.meta, undefined);
});

test('roles: Entra POST forms keep RFC sub-attributes; its displayName is the RFC display', () => {
  assert.deepEqual(normalizeResource(fixtureBody('roles-single-post.json'), users).doc.roles, [
    { primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' },
  ]);
  assert.deepEqual(normalizeResource(fixtureBody('roles-complex-post.json'), users).doc.roles, [
    { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Admin', value: 'Admin' },
    { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'User', value: 'User' },
  ]);
  assert.deepEqual(normalizeResource(fixtureBody('roles-assertive-post.json'), users).doc.roles, [
    { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'User', value: 'User' },
    { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Test', value: 'Test' },
  ]);
});

test('phoneNumbers fragment: valid values, but no userName', () => {
  rejects(() => normalizeResource(fixtureBody('user-fragment-phonenumbers.json'), users), 'invalidValue', /userName is required/);
});

test('Entra create group: unknown http:// schema entry and meta tolerated, no members', () => {
  const result = normalizeResource(fixtureBody('group-create.json'), groups);
  assert.deepEqual(result, {
    doc: { externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName' },
    newExtensionAttributes: [],
  });
});

test('group members are extracted, validated and canonicalised; $ref and display ignored', () => {
  const { doc, members } = normalizeResource(
    {
      displayName: 'Eng',
      members: [
        { value: 'u1', $ref: null, display: 'Ann' },
        { Value: 'g1', type: 'group' },
        { value: 'u1', type: 'User' },
      ],
    },
    groups,
  );
  assert.deepEqual(doc, { displayName: 'Eng' });
  assert.deepEqual(members, [{ value: 'u1' }, { value: 'g1', type: 'Group' }]);
  assert.deepEqual(normalizeResource({ displayName: 'Eng', members: null }, groups).members, []);
  rejects(() => normalizeResource({ displayName: 'Eng', members: [{ display: 'x' }] }, groups), 'invalidValue');
  rejects(() => normalizeResource({ displayName: 'Eng', members: [{ value: 7 }] }, groups), 'invalidValue');
  rejects(() => normalizeResource({ displayName: 'Eng', members: [{ value: 'x', type: 'Robot' }] }, groups), 'invalidValue');
  rejects(() => normalizeResource({ displayName: '  ', members: [] }, groups), 'invalidValue', /displayName is required/);
});

test('names are case-insensitive and stored canonical, sub-attributes included', () => {
  const { doc } = normalizeResource(
    {
      USERNAME: 'bjensen',
      Name: { GIVENNAME: 'Barbara', familyname: 'Jensen', nickname: 'not a name sub-attribute' },
      Emails: [{ VALUE: 'b@x', Type: 'work' }],
      'URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER': { EmployeeNumber: '7' },
    },
    users,
  );
  assert.deepEqual(doc, {
    userName: 'bjensen',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [{ value: 'b@x', type: 'work' }],
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '7' },
  });
});

test('readOnly, writeOnly, unknown and schemas are not stored', () => {
  const { doc } = normalizeResource(
    {
      schemas: [USER_SCHEMA],
      id: 'client-id',
      meta: { created: '2020-01-01T00:00:00Z' },
      userName: 'u',
      password: 'hunter2',
      groups: [{ value: 'g1' }],
      favouriteColour: 'blue',
      'emails.value': 'no element to set',
    },
    users,
  );
  assert.deepEqual(doc, { userName: 'u' });
});

test('URN-qualified flat keys: core, enterprise, and custom multi-valued (Split())', () => {
  const folders = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
  const { doc, newExtensionAttributes } = normalizeResource(
    {
      [`${USER_SCHEMA}:userName`]: 'u',
      [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: '42',
      [`${ENTERPRISE_USER_SCHEMA}:manager.value`]: 'm1',
      [`${folders}:folders`]: ['a', 'b'],
      [`${folders}:level`]: 3,
      [`${folders}:ratio`]: 0.5,
      [`${folders}:vip`]: false,
      [`${folders}:address`]: null,
    },
    users,
  );
  assert.deepEqual(doc, {
    userName: 'u',
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '42', manager: { value: 'm1' } },
    [folders]: { folders: ['a', 'b'], level: 3, ratio: 0.5, vip: false },
  });
  assert.deepEqual(
    newExtensionAttributes.map(({ name, type, multiValued }) => ({ name, type, multiValued })),
    [
      { name: 'folders', type: 'string', multiValued: true },
      { name: 'level', type: 'integer', multiValued: false },
      { name: 'ratio', type: 'decimal', multiValued: false },
      { name: 'vip', type: 'boolean', multiValued: false },
    ],
  );
});

test('custom attributes are stored as sent, complex ones included; registered ones are not reported again', () => {
  const body = { userName: 'u', [CUSTOM]: { Badge: { colour: 'red', level: 2 }, Tags: ['x', 1] } };
  const first = normalizeResource(body, users);
  assert.deepEqual(first.doc[CUSTOM], { Badge: { colour: 'red', level: 2 }, Tags: ['x', 1] });
  assert.deepEqual(
    first.newExtensionAttributes.map(({ name, type, multiValued }) => ({ name, type, multiValued })),
    [
      { name: 'Badge', type: 'complex', multiValued: false },
      { name: 'Tags', type: 'string', multiValued: true },
    ],
  );
  const registered = ResourceSchema.for('User', first.newExtensionAttributes);
  const second = normalizeResource({ userName: 'u', [CUSTOM.toLowerCase()]: { badge: { colour: 'blue' } } }, registered);
  assert.deepEqual(second.doc, { userName: 'u', [CUSTOM]: { Badge: { colour: 'blue' } } });
  assert.deepEqual(second.newExtensionAttributes, []);
});

test('the request body is not aliased by the stored document', () => {
  const body = { userName: 'u', [CUSTOM]: { Badge: { colour: 'red' } } };
  const { doc } = normalizeResource(body, users);
  ((doc[CUSTOM] as Record<string, unknown>).Badge as Record<string, unknown>).colour = 'green';
  assert.equal(body[CUSTOM].Badge.colour, 'red');
});

test('booleans accept Entra strings; other types are refused with invalidValue naming the attribute', () => {
  assert.equal(normalizeResource({ userName: 'u', active: 'False' }, users).doc.active, false);
  assert.equal(normalizeResource({ userName: 'u', active: 'true' }, users).doc.active, true);
  rejects(() => normalizeResource({ userName: 'u', active: 'maybe' }, users), 'invalidValue', /"active"/);
  rejects(() => normalizeResource({ userName: 'u', active: 1 }, users), 'invalidValue', /"active"/);
  rejects(() => normalizeResource({ userName: 'u', emails: 'x@y' }, users), 'invalidValue', /"emails"/);
  rejects(() => normalizeResource({ userName: 'u', name: 'Bob' }, users), 'invalidValue', /"name"/);
  rejects(() => normalizeResource({ userName: 'u', title: 42 }, users), 'invalidValue', /"title"/);
  rejects(() => normalizeResource({ userName: 'u', emails: [{ value: 'a', primary: 'yes' }] }, users), 'invalidValue', /"emails.primary"/);
  rejects(() => normalizeResource({ userName: 'u', [ENTERPRISE_USER_SCHEMA]: 'x' }, users), 'invalidValue');
  rejects(() => normalizeResource({ userName: 'u', [`${ENTERPRISE_USER_SCHEMA}:manager`]: ['a', 'b'] }, users), 'invalidValue');
});

test('integer and decimal attributes accept numbers only', () => {
  const integer = attribute('level', 'integer');
  const decimal = attribute('ratio', 'decimal');
  assert.equal(coerceValue(3, integer, 'level'), 3);
  assert.equal(coerceValue(0.5, decimal, 'ratio'), 0.5);
  rejects(() => coerceValue(3.5, integer, 'level'), 'invalidValue', /"level" must be an integer/);
  rejects(() => coerceValue('3', integer, 'level'), 'invalidValue');
  rejects(() => coerceValue('0.5', decimal, 'ratio'), 'invalidValue');
});

test('userName is required and must not be blank', () => {
  rejects(() => normalizeResource({ name: { givenName: 'x' } }, users), 'invalidValue', /userName is required/);
  rejects(() => normalizeResource({ userName: '' }, users), 'invalidValue', /userName is required/);
  rejects(() => normalizeResource({ userName: null }, users), 'invalidValue', /userName is required/);
});

test('input must be a JSON object', () => {
  for (const input of [null, 'x', 42, [], [{ userName: 'u' }]]) rejects(() => normalizeResource(input, users), 'invalidSyntax');
});

test('multi-valued: a single object is wrapped, empty elements dropped, empty lists absent', () => {
  const { doc } = normalizeResource(
    {
      userName: 'u',
      emails: { value: 'a@x', type: 'work' },
      phoneNumbers: [{}, null, { value: null, type: null }, { value: '555' }],
      roles: [],
      addresses: [{}],
    },
    users,
  );
  assert.deepEqual(doc, { userName: 'u', emails: [{ value: 'a@x', type: 'work' }], phoneNumbers: [{ value: '555' }] });
});

test('primary: when several elements claim it, the last keeps it and the others are set false', () => {
  const { doc } = normalizeResource(
    {
      userName: 'u',
      emails: [
        { value: 'a@x', primary: true },
        { value: 'b@x' },
        { value: 'c@x', primary: 'True' },
        { value: 'd@x', primary: false },
      ],
    },
    users,
  );
  assert.deepEqual(doc.emails, [
    { value: 'a@x', primary: false },
    { value: 'b@x' },
    { value: 'c@x', primary: true },
    { value: 'd@x', primary: false },
  ]);
});

test('manager given as a one-element array is its element', () => {
  const { doc } = normalizeResource(
    { userName: 'u', [ENTERPRISE_USER_SCHEMA]: { manager: [{ value: 'm1', $ref: '../Users/m1' }] } },
    users,
  );
  assert.deepEqual(doc[ENTERPRISE_USER_SCHEMA], { manager: { value: 'm1', $ref: '../Users/m1' } });
});
