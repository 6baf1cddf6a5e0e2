import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { scimPatch, type ScimPatchOperation } from 'scim-patch';
import { applyPatch, type PatchResult } from '../src/scim/patch/apply-patch.ts';
import type { ScimDocument } from '../src/scim/resource/document.ts';
import { ResourceSchema } from '../src/scim/schema/resource-schema.ts';
import { entraFixture, rejects } from './support/assertions.ts';
import { ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../src/scim/schema/urns.ts';

const users = ResourceSchema.for('User');
const groups = ResourceSchema.for('Group');

const patchOf = (...Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });

/** A user as Entra creates it (user-create.json, normalized). */
const entraUser: ScimDocument = {
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
  active: true,
  emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
};

/** RFC 7644 §3.5.2's examples patch Barbara Jensen. */
const bjensen: ScimDocument = {
  userName: 'bjensen',
  nickName: 'Barbie',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  addresses: [
    { type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', primary: true },
    { type: 'home', streetAddress: '456 Hollywood Blvd', locality: 'Hollywood' },
  ],
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** Applies a patch to a frozen copy, so any mutation of the input fails the test. */
function patch(current: ScimDocument, body: unknown, schema = users, lenient = false): PatchResult {
  return applyPatch(deepFreeze(structuredClone(current)), body, schema, { lenient });
}

// --- Every PATCH Microsoft documents for Entra, both dialects -------------------------------------------------------

interface FixtureExpectation {
  current: ScimDocument;
  doc: ScimDocument;
  members?: PatchResult['members'];
}

const group: ScimDocument = { displayName: 'Eng', externalId: 'e1' };

const entraPatches: Record<string, FixtureExpectation> = {
  'user-patch-multivalued.json': {
    current: entraUser,
    doc: {
      ...entraUser,
      emails: [{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }],
      name: { formatted: 'givenName familyName', familyName: 'updatedFamilyName', givenName: 'givenName' },
    },
  },
  'user-patch-singlevalued.json': {
    current: entraUser,
    doc: { ...entraUser, userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' },
  },
  'user-disable.json': { current: entraUser, doc: { ...entraUser, active: false } },
  'flag-before-disable-user.json': { current: entraUser, doc: { ...entraUser, active: false } },
  'flag-after-disable-user.json': { current: entraUser, doc: { ...entraUser, active: false } },
  'flag-before-add-single-value.json': { current: entraUser, doc: { ...entraUser, nickName: 'Babs' } },
  'flag-after-add-single-value.json': { current: entraUser, doc: { ...entraUser, nickName: 'Babs' } },
  'flag-before-replace-multiple.json': {
    current: entraUser,
    doc: {
      ...entraUser,
      displayName: 'Pvlo',
      emails: [{ primary: true, type: 'work', value: 'TestBcwqnm@test.microsoft.com' }],
      name: { formatted: 'givenName familyName', givenName: 'Gtfd', familyName: 'Pkqf' },
      externalId: 'Eqpj',
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'Eqpj' },
    },
  },
  'flag-after-replace-dotted.json': {
    current: entraUser,
    doc: {
      ...entraUser,
      emails: [{ primary: true, type: 'work', value: 'TestMhvaes@test.microsoft.com' }],
      displayName: 'Bjfe',
      name: { formatted: 'givenName familyName', givenName: 'Kkom', familyName: 'Unua' },
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'Aklq' },
    },
  },
  'sample-patch-manager-add.json': {
    current: entraUser,
    doc: {
      ...entraUser,
      [ENTERPRISE_USER_SCHEMA]: {
        manager: { $ref: 'http://.../scim/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee', value: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee' },
      },
    },
  },
  'roles-single-patch.json': {
    current: entraUser,
    doc: {
      ...entraUser,
      // Entra's legacy dialect serialises the role into `value`: it is stored as the role it describes.
      roles: [{ value: '25', display: 'Role1234' }],
    },
  },
  'roles-complex-patch.json': {
    current: { ...entraUser, roles: [{ value: 'Existing' }] },
    doc: {
      ...entraUser,
      roles: [
        { value: 'Existing' },
        { value: 'Admin', display: 'Admin' },
        { value: 'User', display: 'User' },
      ],
    },
  },
  'roles-assertive-patch.json': {
    current: { ...entraUser, roles: [{ value: 'Admin', display: 'Admin', primary: true }] },
    doc: {
      ...entraUser,
      roles: [
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'User', value: 'User' },
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Test', value: 'Test' },
      ],
    },
  },
  'group-patch-displayname.json': {
    current: group,
    doc: { ...group, displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' },
    members: [],
  },
  'group-patch-add-members.json': {
    current: group,
    doc: group,
    members: [{ op: 'add', members: [{ value: 'f648f8d5ea4e4cd38e9c' }] }],
  },
  'group-patch-remove-members.json': {
    current: group,
    doc: group,
    members: [{ op: 'remove', ids: ['f648f8d5ea4e4cd38e9c'] }],
  },
  'flag-before-remove-member.json': { current: group, doc: group, members: [{ op: 'remove', ids: ['u1091'] }] },
  'flag-after-remove-member.json': {
    current: group,
    doc: group,
    members: [{ op: 'remove', ids: ['7f4bc1a3-285e-48ae-8202-5accb43efb0e'] }],
  },
};

test('the expectations cover every documented Entra PATCH', () => {
  const documented = readdirSync(new URL('fixtures/entra/', import.meta.url))
    .filter((file) => file.endsWith('.json'))
    .filter((file) => fixture(file).request.method === 'PATCH');
  assert.deepEqual(documented.sort(), Object.keys(entraPatches).sort());
});

const fixture = entraFixture;

for (const [file, expected] of Object.entries(entraPatches)) {
  test(`Entra ${file}`, () => {
    const { request } = fixture(file);
    const schema = request.path.startsWith('/Groups') ? groups : users;
    const result = patch(expected.current, request.body, schema);
    assert.deepEqual(result.doc, expected.doc);
    assert.deepEqual(result.members, expected.members ?? []);
    assert.deepEqual(result.newExtensionAttributes, []);
  });
}

test('Entra fixtures report exactly the attributes they change', () => {
  const changed = (file: string, current = entraUser) => patch(current, fixture(file).request.body).changedAttributes;
  assert.deepEqual(changed('flag-before-disable-user.json'), ['active']);
  assert.deepEqual(changed('flag-before-disable-user.json', { ...entraUser, active: false }), []);
  assert.deepEqual(changed('flag-after-replace-dotted.json').sort(), [
    'displayName',
    'emails',
    'name',
    `${ENTERPRISE_USER_SCHEMA}:employeeNumber`,
  ]);
});

// --- RFC 7644 §3.5.2 -------------------------------------------------------------------------------------------------

test('RFC 7644 §3.5.2.1: add members to a group', () => {
  const { members, doc } = patch(
    group,
    patchOf({
      op: 'add',
      path: 'members',
      value: [{ display: 'Babs Jensen', $ref: 'https://example.com/v2/Users/2819c223', value: '2819c223' }],
    }),
    groups,
  );
  assert.deepEqual(members, [{ op: 'add', members: [{ value: '2819c223' }] }]);
  assert.deepEqual(doc, group);
});

test('RFC 7644 §3.5.2.1: path-less add appends emails and sets nickname (name matched ignoring case)', () => {
  const { doc } = patch(
    { userName: 'bjensen', emails: [{ value: 'bjensen@example.com', type: 'work' }] },
    patchOf({ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickname: 'Babs' } }),
  );
  assert.deepEqual(doc, {
    userName: 'bjensen',
    emails: [
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    nickName: 'Babs',
  });
});

test('RFC 7644 §3.5.2.2: remove all members, one member, and members by filter', () => {
  const members = (path: string) => patch(group, patchOf({ op: 'remove', path }), groups).members;
  assert.deepEqual(members('members'), [{ op: 'removeAll' }]);
  assert.deepEqual(members('members[value eq "2819c223-7f76-453a-919d-413861904646"]'), [
    { op: 'remove', ids: ['2819c223-7f76-453a-919d-413861904646'] },
  ]);
  assert.deepEqual(members('members[value eq "a" or VALUE eq "b" or value eq "a"]'), [{ op: 'remove', ids: ['a', 'b'] }]);
  assert.deepEqual(members('members[TYPE eq "Group"]'), [
    { op: 'removeWhere', filter: { kind: 'compare', op: 'eq', path: { name: 'type' }, value: 'Group' } },
  ]);
  assert.deepEqual(members('members[value eq "a" and type eq "User"]'), [
    {
      op: 'removeWhere',
      filter: {
        kind: 'and',
        left: { kind: 'compare', op: 'eq', path: { name: 'value' }, value: 'a' },
        right: { kind: 'compare', op: 'eq', path: { name: 'type' }, value: 'User' },
      },
    },
  ]);
  rejects(() => members('members[colour eq "red"]'), 'invalidPath');
});

test('RFC 7644 §3.5.2.2: remove then add members replaces all of them, in order', () => {
  const { members } = patch(
    group,
    patchOf({ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] }),
    groups,
  );
  assert.deepEqual(members, [{ op: 'removeAll' }, { op: 'add', members: [{ value: 'u1' }, { value: 'u2' }] }]);
});

test('RFC 7644 §3.5.2.2: remove emails selected by a filter', () => {
  const { doc } = patch(bjensen, patchOf({ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }));
  assert.deepEqual(doc.emails, [{ value: 'babs@jensen.org', type: 'home' }]);
});

test('RFC 7644 §3.5.2.3: replace all members', () => {
  const { members } = patch(group, patchOf({ op: 'replace', path: 'members', value: [{ value: 'u9', type: 'user' }] }), groups);
  assert.deepEqual(members, [{ op: 'replaceAll', members: [{ value: 'u9', type: 'User' }] }]);
});

test('RFC 7644 §3.5.2.3: replace the entire work address; its primary demotes any other', () => {
  const work = {
    type: 'work',
    streetAddress: '911 Universal City Plaza',
    locality: 'Hollywood',
    region: 'CA',
    postalCode: '91608',
    country: 'US',
    formatted: '911 Universal City Plaza\nHollywood, CA 91608 US',
    primary: true,
  };
  const current = { ...bjensen, addresses: [{ type: 'home', streetAddress: 'x', primary: true }, { type: 'work', region: 'NV' }] };
  const { doc } = patch(current, patchOf({ op: 'replace', path: 'addresses[type eq "work"]', value: work }));
  assert.deepEqual(doc.addresses, [{ type: 'home', streetAddress: 'x', primary: false }, work]);
});

test('RFC 7644 §3.5.2.3: replace one sub-attribute of the work address', () => {
  const { doc } = patch(bjensen, patchOf({ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }));
  assert.deepEqual((doc.addresses as unknown[])[0], {
    type: 'work',
    streetAddress: '1010 Broadway Ave',
    locality: 'Hollywood',
    primary: true,
  });
});

test('RFC 7644 §3.5.2.3: path-less replace swaps the emails list and sets nickName', () => {
  const { doc } = patch(
    bjensen,
    patchOf({ op: 'replace', value: { emails: [{ value: 'bjensen@example.com', type: 'work' }], nickName: 'Babs' } }),
  );
  assert.deepEqual(doc.emails, [{ value: 'bjensen@example.com', type: 'work' }]);
  assert.equal(doc.nickName, 'Babs');
});

// --- Multi-valued attributes ------------------------------------------------------------------------------------------

test('add appends to a multi-valued attribute and skips elements already present', () => {
  const { doc, changedAttributes } = patch(
    bjensen,
    patchOf({ op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home' }, { value: 'new@x', type: 'other' }] }),
  );
  assert.deepEqual(doc.emails, [...(bjensen.emails as unknown[]), { value: 'new@x', type: 'other' }]);
  assert.deepEqual(changedAttributes, ['emails']);
  const again = patchOf({ op: 'add', path: 'emails', value: { value: 'babs@jensen.org', type: 'home' } });
  assert.deepEqual(patch(bjensen, again).changedAttributes, []);
});

test('replace on a multi-valued attribute replaces the whole list; a single object is a one-element list', () => {
  const { doc } = patch(bjensen, patchOf({ op: 'replace', path: 'emails', value: { value: 'only@x' } }));
  assert.deepEqual(doc.emails, [{ value: 'only@x' }]);
});

test('primary: an added primary element demotes the existing primary', () => {
  const { doc } = patch(bjensen, patchOf({ op: 'add', path: 'emails', value: [{ value: 'new@x', type: 'other', primary: true }] }));
  assert.deepEqual(doc.emails, [
    { value: 'bjensen@example.com', type: 'work', primary: false },
    { value: 'babs@jensen.org', type: 'home' },
    { value: 'new@x', type: 'other', primary: true },
  ]);
});

test('primary: setting primary through a value path demotes the others (string "True" accepted)', () => {
  const { doc } = patch(bjensen, patchOf({ op: 'Replace', path: 'emails[type eq "home"].primary', value: 'True' }));
  assert.deepEqual(doc.emails, [
    { value: 'bjensen@example.com', type: 'work', primary: false },
    { value: 'babs@jensen.org', type: 'home', primary: true },
  ]);
});

test('Add of emails[type eq "work"].value replaces the work email value instead of adding a second one', () => {
  const { doc } = patch(bjensen, patchOf({ op: 'Add', path: 'emails[type eq "work"].value', value: 'b@new.example' }));
  assert.deepEqual(doc.emails, [
    { value: 'b@new.example', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ]);
});

test('a value path that matches nothing creates the element its eq filter describes (Entra relies on it)', () => {
  const created = (path: string, value: unknown, current: ScimDocument = { userName: 'u' }) =>
    patch(current, patchOf({ op: 'replace', path, value })).doc;
  assert.deepEqual(created('emails[type eq "work"].value', 'w@x').emails, [{ type: 'work', value: 'w@x' }]);
  assert.deepEqual(created('addresses[type eq "work"].postalCode', '98052').addresses, [{ type: 'work', postalCode: '98052' }]);
  assert.deepEqual(created('roles[primary eq "True"].value', 'Admin').roles, [{ primary: true, value: 'Admin' }]);
  assert.deepEqual(created('phoneNumbers[type eq "mobile" and primary eq false]', { value: '555' }).phoneNumbers, [
    { type: 'mobile', primary: false, value: '555' },
  ]);
  assert.deepEqual(
    patch({ userName: 'u' }, patchOf({ op: 'add', path: 'emails[type eq "home"].value', value: 'h@x' })).doc.emails,
    [{ type: 'home', value: 'h@x' }],
  );
  // A new primary element takes the flag from the old one.
  assert.deepEqual(created('roles[primary eq true].value', 'Admin', { userName: 'u', roles: [{ value: 'User', primary: false }] }).roles, [
    { value: 'User', primary: false },
    { primary: true, value: 'Admin' },
  ]);
});

test('Entra roles[primary eq "True"].value updates the primary role', () => {
  const current = { userName: 'u', roles: [{ value: 'User' }, { value: 'Admin', primary: true }] };
  const { doc } = patch(current, patchOf({ op: 'Replace', path: 'roles[primary eq "True"].value', value: 'Owner' }));
  assert.deepEqual(doc.roles, [{ value: 'User' }, { value: 'Owner', primary: true }]);
});

test('a filter that matches nothing and describes no element: replace and add are noTarget', () => {
  rejects(() => patch(bjensen, patchOf({ op: 'replace', path: 'emails[value co "nowhere"]', value: { value: 'x' } })), 'noTarget');
  rejects(() => patch(bjensen, patchOf({ op: 'add', path: 'emails[type eq "a" or type eq "b"].value', value: 'x' })), 'noTarget');
});

test('remove: missing attributes and unmatched filters are no-ops; value-path sub-attributes and elements go', () => {
  const removed = (path: string) => patch(bjensen, patchOf({ op: 'remove', path })).doc;
  assert.deepEqual(removed('title'), bjensen);
  assert.deepEqual(removed('emails[type eq "other"]'), bjensen);
  assert.deepEqual(removed('emails[type eq "work"].value').emails, [
    { type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ]);
  assert.deepEqual(removed('emails[type eq "home"]').emails, [{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  assert.equal(removed('emails[type eq "home" or type eq "work"]').emails, undefined);
  assert.equal(removed('emails').emails, undefined);
  assert.deepEqual(removed('name.givenName').name, { familyName: 'Jensen' });
  assert.deepEqual(removed('addresses.locality').addresses, [
    { type: 'work', streetAddress: '100 Universal City Plaza', primary: true },
    { type: 'home', streetAddress: '456 Hollywood Blvd' },
  ]);
});

test('remove with a value (Entra legacy) removes only the listed elements', () => {
  const current = { userName: 'u', roles: [{ value: 'Admin', type: 'T' }, { value: 'User', type: 'T' }] };
  const { doc } = patch(current, patchOf({ op: 'Remove', path: 'roles', value: [{ value: 'Admin', $ref: null }] }));
  assert.deepEqual(doc.roles, [{ value: 'User', type: 'T' }]);
  assert.deepEqual(patch(current, patchOf({ op: 'Remove', path: 'roles', value: [] })).doc, current);
});

test('replace with null clears the target; add with null changes nothing', () => {
  assert.equal(patch(bjensen, patchOf({ op: 'replace', path: 'nickName', value: null })).doc.nickName, undefined);
  assert.equal(patch(bjensen, patchOf({ op: 'replace', value: { nickName: null } })).doc.nickName, undefined);
  assert.deepEqual(patch(bjensen, patchOf({ op: 'add', path: 'nickName', value: null })).doc, bjensen);
});

// --- Complex and extension attributes --------------------------------------------------------------------------------

test('add and replace on a single-valued complex attribute merge sub-attributes (RFC 7644 §3.5.2.1, §3.5.2.3)', () => {
  for (const op of ['add', 'replace']) {
    const { doc } = patch(bjensen, patchOf({ op, path: 'name', value: { givenName: 'Babs', middleName: 'J' } }));
    assert.deepEqual(doc.name, { givenName: 'Babs', familyName: 'Jensen', middleName: 'J' });
    const pathless = patch(bjensen, patchOf({ op, value: { name: { givenName: 'Babs' } } })).doc;
    assert.deepEqual(pathless.name, { givenName: 'Babs', familyName: 'Jensen' });
  }
});

test('extension paths resolve through schema URNs, never splitting at the dots inside them', () => {
  const { doc } = patch(
    { userName: 'u' },
    patchOf(
      { op: 'add', path: `${ENTERPRISE_USER_SCHEMA}:manager.value`, value: 'm1' },
      { op: 'replace', path: `${ENTERPRISE_USER_SCHEMA.toUpperCase()}:DEPARTMENT`, value: 'Sales' },
    ),
  );
  assert.deepEqual(doc, { userName: 'u', [ENTERPRISE_USER_SCHEMA]: { manager: { value: 'm1' }, department: 'Sales' } });
});

test('manager given as a bare id string or a one-element array becomes { value }', () => {
  const manager = (value: unknown, path = `${ENTERPRISE_USER_SCHEMA}:manager`) =>
    patch({ userName: 'u' }, patchOf({ op: 'replace', path, value })).doc[ENTERPRISE_USER_SCHEMA];
  assert.deepEqual(manager('boss'), { manager: { value: 'boss' } });
  assert.deepEqual(manager([{ value: 'boss' }], 'manager'), { manager: { value: 'boss' } });
  rejects(() => manager([{ value: 'a' }, { value: 'b' }]), 'invalidValue');
});

test('a path that is an extension URN, and path-less values keyed by one, set its attributes one by one', () => {
  const current = { userName: 'u', [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', costCenter: '1' } };
  const byPath = patch(current, patchOf({ op: 'replace', path: ENTERPRISE_USER_SCHEMA, value: { costCenter: '2' } })).doc;
  const byKey = patch(current, patchOf({ op: 'replace', value: { [ENTERPRISE_USER_SCHEMA]: { costCenter: '2' } } })).doc;
  const expected = { userName: 'u', [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', costCenter: '2' } };
  assert.deepEqual(byPath, expected);
  assert.deepEqual(byKey, expected);
  assert.deepEqual(patch(current, patchOf({ op: 'remove', path: ENTERPRISE_USER_SCHEMA })).doc, { userName: 'u' });
  assert.deepEqual(patch(current, patchOf({ op: 'remove', path: `${ENTERPRISE_USER_SCHEMA}:department` })).doc, {
    userName: 'u',
    [ENTERPRISE_USER_SCHEMA]: { costCenter: '1' },
  });
  const both = patchOf(
    { op: 'remove', path: `${ENTERPRISE_USER_SCHEMA}:department` },
    { op: 'remove', path: `${ENTERPRISE_USER_SCHEMA}:costCenter` },
  );
  assert.deepEqual(patch(current, both).doc, { userName: 'u' });
});

test('custom extension attributes are accepted, stored as sent and reported once', () => {
  const custom = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
  const result = patch(
    { userName: 'u' },
    patchOf(
      { op: 'add', path: `${custom}:Tags`, value: ['a'] },
      { op: 'add', path: `${custom}:tags`, value: ['b', 'a'] },
      { op: 'replace', path: `${custom}:Badge.colour`, value: 'red' },
      { op: 'replace', value: { [`${custom}:Level`]: 3 } },
    ),
  );
  assert.deepEqual(result.doc[custom], { Tags: ['a', 'b'], Badge: { colour: 'red' }, Level: 3 });
  assert.deepEqual(
    result.newExtensionAttributes.map(({ urn, name, type, multiValued }) => ({ urn, name, type, multiValued })),
    [
      { urn: custom, name: 'Tags', type: 'string', multiValued: true },
      { urn: custom, name: 'Badge', type: 'complex', multiValued: false },
      { urn: custom, name: 'Level', type: 'integer', multiValued: false },
    ],
  );
  assert.deepEqual(result.changedAttributes, [`${custom}:Tags`, `${custom}:Badge`, `${custom}:Level`]);
  // Added then removed in the same request: nothing to register.
  const gone = patch({ userName: 'u' }, patchOf({ op: 'add', path: `${custom}:x`, value: 1 }, { op: 'remove', path: `${custom}:x` }));
  assert.deepEqual(gone.newExtensionAttributes, []);
  assert.deepEqual(gone.doc, { userName: 'u' });
  rejects(() => patch({ userName: 'u' }, patchOf({ op: 'remove', path: `${custom}:Tags[value eq "a"]` })), 'invalidPath');
});

// --- Mutability, paths and values -------------------------------------------------------------------------------------

test('readOnly attributes cannot be patched by path; path-less values skip them like a resource body', () => {
  for (const path of ['id', 'meta', 'meta.created', 'groups', `${ENTERPRISE_USER_SCHEMA}:manager.displayName`]) {
    rejects(() => patch(bjensen, patchOf({ op: 'replace', path, value: 'x' })), 'mutability');
    rejects(() => patch(bjensen, patchOf({ op: 'remove', path })), 'mutability');
  }
  const resourceLike = { id: 'x', meta: {}, schemas: [USER_SCHEMA], groups: [], unknownThing: 1, nickName: 'B' };
  const echoed = patch(bjensen, patchOf({ op: 'replace', value: resourceLike }));
  assert.deepEqual(echoed.doc, { ...bjensen, nickName: 'B' });
});

test('password is accepted and dropped', () => {
  const byPath = patch(bjensen, patchOf({ op: 'replace', path: 'password', value: 'hunter2' }));
  const pathless = patch(bjensen, patchOf({ op: 'replace', value: { password: 'hunter2' } }));
  assert.deepEqual(byPath.doc, bjensen);
  assert.deepEqual(pathless.doc, bjensen);
  assert.deepEqual(byPath.changedAttributes, []);
});

test('unknown core paths, filters on single-valued attributes and malformed paths are invalidPath', () => {
  for (const path of ['favouriteColour', 'name.nickName', 'members', 'name[givenName eq "x"]', 'emails[type eq', 'userName[x eq 1]']) {
    rejects(() => patch(bjensen, patchOf({ op: 'replace', path, value: 'x' })), 'invalidPath');
  }
  rejects(() => patch(bjensen, patchOf({ op: 'replace', path: 7, value: 'x' })), 'invalidPath');
});

test('remove requires a path (noTarget); so does removing the resource itself', () => {
  rejects(() => patch(bjensen, patchOf({ op: 'remove' })), 'noTarget');
  rejects(() => patch(bjensen, patchOf({ op: 'remove', path: USER_SCHEMA })), 'noTarget');
});

test('userName cannot be removed or blanked: mutability (RFC 7644 §3.5.2.2, a required attribute unassigned)', () => {
  rejects(() => patch(bjensen, patchOf({ op: 'remove', path: 'userName' })), 'mutability', /userName is required/);
  rejects(() => patch(bjensen, patchOf({ op: 'replace', path: 'userName', value: ' ' })), 'mutability');
  rejects(() => patch(bjensen, patchOf({ op: 'replace', value: { userName: null } })), 'mutability');
  rejects(() => patch(group, patchOf({ op: 'remove', path: 'displayName' }), groups), 'mutability', /displayName is required/);
});

test('values of the wrong type are invalidValue, in paths and in path-less values', () => {
  rejects(() => patch(bjensen, patchOf({ op: 'replace', path: 'active', value: 'maybe' })), 'invalidValue', /"active"/);
  rejects(() => patch(bjensen, patchOf({ op: 'replace', value: { active: 'maybe' } })), 'invalidValue', /"active"/);
  rejects(() => patch(bjensen, patchOf({ op: 'add', path: 'emails', value: 'x@y' })), 'invalidValue', /"emails"/);
  rejects(() => patch(bjensen, patchOf({ op: 'replace', path: 'emails[type eq "work"]', value: 'x@y' })), 'invalidValue');
  rejects(() => patch(bjensen, patchOf({ op: 'replace', path: 'emails[type eq "work"].value', value: 42 })), 'invalidValue');
  rejects(() => patch(bjensen, patchOf({ op: 'replace', value: 'x' })), 'invalidValue');
  rejects(() => patch(bjensen, patchOf({ op: 'replace', path: ENTERPRISE_USER_SCHEMA, value: 'x' })), 'invalidValue');
  assert.equal(patch(bjensen, patchOf({ op: 'replace', value: { active: 'False' } })).doc.active, false);
});

test('members: validated values, path-less forms, sub-attribute paths refused; members never reach the document', () => {
  const members = (...operations: unknown[]) => patch(group, patchOf(...operations), groups).members;
  assert.deepEqual(members({ op: 'add', value: { members: [{ value: 'u1' }], displayName: 'Eng' } }), [
    { op: 'add', members: [{ value: 'u1' }] },
  ]);
  assert.deepEqual(members({ op: 'replace', value: { members: [] } }), [{ op: 'replaceAll', members: [] }]);
  assert.deepEqual(members({ op: 'add', path: 'members', value: [] }), []);
  assert.deepEqual(members({ op: 'remove', path: 'members', value: null }), [{ op: 'removeAll' }]);
  rejects(() => members({ op: 'add', path: 'members', value: [{ value: 1 }] }), 'invalidValue');
  rejects(() => members({ op: 'add', path: 'members', value: [{ $ref: 'x' }] }), 'invalidValue');
  rejects(() => members({ op: 'remove', path: 'members', value: [{ value: null }] }), 'invalidValue');
  rejects(() => members({ op: 'replace', path: 'members[value eq "a"].display', value: 'x' }), 'invalidPath');
  rejects(() => members({ op: 'add', path: 'members[value eq "a"]', value: { value: 'a' } }), 'invalidPath');
  rejects(() => members({ op: 'remove', path: 'members.value' }), 'invalidPath');
  rejects(() => patch(bjensen, patchOf({ op: 'add', path: 'members', value: [{ value: 'u1' }] })), 'invalidPath');
});

test('lenient mode accepts unquoted values in path filters', () => {
  const remove = patchOf({ op: 'remove', path: 'members[value eq 2441309d85324e7793ae]' });
  assert.deepEqual(patch(group, remove, groups, true).members, [{ op: 'remove', ids: ['2441309d85324e7793ae'] }]);
  assert.deepEqual(patch(group, patchOf({ op: 'remove', path: 'members[value eq 12345]' }), groups, true).members, [
    { op: 'remove', ids: ['12345'] },
  ]);
  rejects(() => patch(group, remove, groups), 'invalidPath');
});

// --- The message ------------------------------------------------------------------------------------------------------

test('PatchOp message: schemas required, Operations non-empty (key in any case), op in any case', () => {
  const op = { op: 'replace', path: 'nickName', value: 'B' };
  rejects(() => patch(bjensen, { Operations: [op] }), 'invalidSyntax');
  rejects(() => patch(bjensen, { schemas: [USER_SCHEMA], Operations: [op] }), 'invalidSyntax');
  rejects(() => patch(bjensen, { schemas: PATCH_OP_SCHEMA, Operations: [op] }), 'invalidSyntax');
  rejects(() => patch(bjensen, patchOf()), 'invalidSyntax');
  rejects(() => patch(bjensen, { schemas: [PATCH_OP_SCHEMA], Operations: op }), 'invalidSyntax');
  rejects(() => patch(bjensen, patchOf({ ...op, op: 'merge' })), 'invalidSyntax');
  rejects(() => patch(bjensen, patchOf({ path: 'nickName', value: 'B' })), 'invalidSyntax');
  rejects(() => patch(bjensen, patchOf({ op: 'add', path: 'nickName' })), 'invalidSyntax');
  rejects(() => patch(bjensen, patchOf('add')), 'invalidSyntax');
  for (const body of [null, [], 'x']) rejects(() => patch(bjensen, body), 'invalidSyntax');
  const expected = { ...bjensen, nickName: 'B' };
  assert.deepEqual(patch(bjensen, { schemas: [PATCH_OP_SCHEMA], operations: [op] }).doc, expected);
  const shouted = { SCHEMAS: [PATCH_OP_SCHEMA.toUpperCase()], Operations: [{ OP: 'REPLACE', Path: 'nickName', Value: 'B' }] };
  assert.deepEqual(patch(bjensen, shouted).doc, expected);
});

test('atomic: an error in a later operation returns nothing, and the input is never mutated', () => {
  const current = deepFreeze(structuredClone(bjensen));
  const body = deepFreeze(
    patchOf(
      { op: 'replace', path: 'nickName', value: 'B' },
      { op: 'add', path: 'emails', value: [{ value: 'n@x', primary: true }] },
      { op: 'replace', path: 'id', value: 'x' },
    ),
  );
  rejects(() => applyPatch(current, body, users), 'mutability');
  assert.deepEqual(current, bjensen);
  const result = applyPatch(current, deepFreeze(patchOf({ op: 'add', path: 'emails', value: [{ value: 'n@x', primary: true }] })), users);
  assert.notEqual(result.doc, current);
  assert.deepEqual(current, bjensen);
});

// --- Cross-check with the scim-patch package where both read the RFC alike ---------------------------------------------

test('agrees with scim-patch on RFC cases', () => {
  const cases: ScimPatchOperation[][] = [
    [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }],
    [{ op: 'add', path: 'emails', value: [{ value: 'third@example.com', type: 'other' }] }],
    [{ op: 'remove', path: 'emails[type eq "home"]' }],
    [{ op: 'remove', path: 'emails[type eq "work"].value' }],
    [{ op: 'remove', path: 'name.givenName' }],
    [{ op: 'replace', path: 'name', value: { givenName: 'Babs' } }],
    [{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }],
    [{ op: 'add', value: { nickName: 'Babs', title: 'Tour Guide' } }],
    [{ op: 'replace', value: { emails: [{ value: 'only@example.com', type: 'work' }] } }],
    [{ op: 'remove', path: 'addresses' }],
    [{ op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home' }] }],
  ];
  for (const operations of cases) {
    const resource = { schemas: [USER_SCHEMA], meta: { resourceType: 'User' }, ...structuredClone(bjensen) };
    const reference = scimPatch(resource as never, operations, { mutateDocument: false }) as Record<string, unknown>;
    const { schemas: _schemas, meta: _meta, ...expected } = reference;
    assert.deepEqual(patch(bjensen, patchOf(...operations)).doc, expected, JSON.stringify(operations));
  }
});
