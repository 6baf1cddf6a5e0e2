import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAttributeList, projectResource, wantsAttribute } from '../src/scim/resource/project-resource.ts';
import { ResourceSchema } from '../src/scim/schema/resource-schema.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../src/scim/schema/urns.ts';

const users = ResourceSchema.for('User');
const groups = ResourceSchema.for('Group');
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const customUsers = ResourceSchema.for('User', [
  { resourceType: 'User', urn: CUSTOM, name: 'tag', type: 'string', multiValued: false },
]);

const meta = {
  resourceType: 'User',
  created: '2024-01-01T00:00:00Z',
  lastModified: '2024-01-01T00:00:00Z',
  location: 'https://x/Users/1',
  version: 'W/"1"',
};

const user: Record<string, unknown> = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, CUSTOM],
  id: '1',
  externalId: 'e1',
  userName: 'bjensen',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { value: 'b@work', type: 'work', primary: true },
    { value: 'b@home', type: 'home' },
  ],
  groups: [{ value: 'g1', display: 'Eng', $ref: 'https://x/Groups/g1', type: 'direct' }],
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '7', manager: { value: 'm1', displayName: 'Boss' } },
  [CUSTOM]: { tag: 'blue' },
  meta,
};

const project = (attributes?: string, excluded?: string, schema = customUsers, resource = user) =>
  projectResource(resource, schema, parseAttributeList(attributes, schema), parseAttributeList(excluded, schema));

test('parseAttributeList: trimmed, case-insensitive, canonical, URN-qualified, unknown names ignored', () => {
  assert.deepEqual(
    parseAttributeList(
      ` USERNAME , name.GIVENNAME,${USER_SCHEMA}:emails.value,, ${ENTERPRISE_USER_SCHEMA.toLowerCase()}:Manager.Value ,` +
        `nope, name.nope, ${ENTERPRISE_USER_SCHEMA}, urn:bad`,
      users,
    ),
    [
      { name: 'userName' },
      { name: 'name', sub: 'givenName' },
      { name: 'emails', sub: 'value' },
      { urn: ENTERPRISE_USER_SCHEMA, name: 'manager', sub: 'value' },
      { urn: ENTERPRISE_USER_SCHEMA, name: '' },
    ],
  );
  assert.deepEqual(parseAttributeList(undefined, users), []);
  assert.deepEqual(parseAttributeList('', users), []);
});

test('no lists: everything but returned:never attributes', () => {
  assert.deepEqual(project(), user);
  assert.deepEqual(project(undefined, undefined, customUsers, { ...user, password: 'never-returned' }), user);
});

test('attributes: only those named, plus schemas and id (returned: always); meta only when asked', () => {
  assert.deepEqual(project('userName'), { schemas: user.schemas, id: '1', userName: 'bjensen' });
  // Entra's 2017 query: attributes=id.
  assert.deepEqual(project('id'), { schemas: user.schemas, id: '1' });
  assert.deepEqual(project('meta.location'), { schemas: user.schemas, id: '1', meta: { location: 'https://x/Users/1' } });
});

test('attributes: sub-attributes of complex and multi-valued attributes', () => {
  assert.deepEqual(project('name.givenName,emails.value'), {
    schemas: user.schemas,
    id: '1',
    name: { givenName: 'Barbara' },
    emails: [{ value: 'b@work' }, { value: 'b@home' }],
  });
  assert.deepEqual(project('emails.value,emails'), { schemas: user.schemas, id: '1', emails: user.emails });
});

test('attributes: extension attributes inside their URN objects, and whole extensions', () => {
  assert.deepEqual(project(`${ENTERPRISE_USER_SCHEMA}:manager.value,${CUSTOM}:tag`), {
    schemas: user.schemas,
    id: '1',
    [ENTERPRISE_USER_SCHEMA]: { manager: { value: 'm1' } },
    [CUSTOM]: { tag: 'blue' },
  });
  assert.deepEqual(project(ENTERPRISE_USER_SCHEMA), {
    schemas: user.schemas,
    id: '1',
    [ENTERPRISE_USER_SCHEMA]: user[ENTERPRISE_USER_SCHEMA],
  });
  // A named attribute the resource does not have adds nothing.
  assert.deepEqual(project('title,nickName'), { schemas: user.schemas, id: '1' });
});

test('excludedAttributes: drops the named attributes, sub-attributes and extension parts; never id or schemas', () => {
  const { groups: _groups, emails: _emails, ...rest } = user;
  assert.deepEqual(project(undefined, 'groups,emails,id,schemas'), rest);
  assert.deepEqual(project(undefined, 'emails.type,name.givenName').emails, [{ value: 'b@work', primary: true }, { value: 'b@home' }]);
  assert.deepEqual(project(undefined, 'name.givenName,name.familyName').name, undefined);
  assert.deepEqual(project(undefined, `${ENTERPRISE_USER_SCHEMA}:employeeNumber`)[ENTERPRISE_USER_SCHEMA], {
    manager: { value: 'm1', displayName: 'Boss' },
  });
  assert.equal(project(undefined, CUSTOM)[CUSTOM], undefined);
  assert.equal(project(undefined, 'META').meta, undefined);
});

test('attributes wins when both lists are given', () => {
  assert.deepEqual(project('userName', 'userName'), { schemas: user.schemas, id: '1', userName: 'bjensen' });
});

test('groups: excludedAttributes=members (Entra) and wantsAttribute', () => {
  const group = {
    schemas: [GROUP_SCHEMA],
    id: 'g1',
    displayName: 'Eng',
    members: [{ value: 'u1', display: 'Ann', type: 'User', $ref: 'https://x/Users/u1' }],
    meta,
  };
  const { members: _members, ...withoutMembers } = group;
  assert.deepEqual(project(undefined, 'members', groups, group), withoutMembers);
  assert.deepEqual(project('members.value', undefined, groups, group), { schemas: [GROUP_SCHEMA], id: 'g1', members: [{ value: 'u1' }] });

  const wants = (attributes?: string, excluded?: string) =>
    wantsAttribute('members', groups, parseAttributeList(attributes, groups), parseAttributeList(excluded, groups));
  assert.equal(wants(), true);
  assert.equal(wants(undefined, 'members'), false);
  assert.equal(wants(undefined, 'MEMBERS'), false);
  assert.equal(wants(undefined, 'members.display'), true);
  assert.equal(wants(undefined, 'displayName'), true);
  assert.equal(wants('displayName'), false);
  assert.equal(wants('displayName,members.value'), true);
  assert.equal(wants(`${GROUP_SCHEMA}:members`, 'members'), true);
  assert.equal(wantsAttribute('groups', groups, [], []), false);
  assert.equal(wantsAttribute('groups', users, [], parseAttributeList('groups', users)), false);
  assert.equal(wantsAttribute('groups', users, parseAttributeList('userName', users), []), false);
  assert.equal(wantsAttribute('groups', users, [], []), true);
});
