import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { ScimError } from '../src/scim/messages/error.ts';
import { applyPatch } from '../src/scim/patch/apply-patch.ts';
import type { ScimDocument } from '../src/scim/resource/document.ts';
import { ResourceSchema } from '../src/scim/schema/resource-schema.ts';
import { ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../src/scim/schema/urns.ts';

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const users = ResourceSchema.for('User', [{ resourceType: 'User', urn: CUSTOM, name: 'tag', type: 'string', multiValued: false }]);
const groups = ResourceSchema.for('Group');

const user: ScimDocument = {
  userName: 'bjensen',
  active: true,
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { value: 'b@work', type: 'work', primary: true },
    { value: 'b@home', type: 'home' },
  ],
  roles: [{ value: 'Admin', primary: true }],
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '7', manager: { value: 'm1' } },
  [CUSTOM]: { tag: 'blue', folders: ['a'] },
};
const group: ScimDocument = { displayName: 'Eng', externalId: 'e1' };

/** Paths that reach every branch of the engine, valid or not, plus random text. */
const path = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(
    'userName', 'USERNAME', 'nickName', 'active', 'title', 'externalId', 'name', 'name.givenName', 'name.nope',
    'emails', 'emails.value', 'emails.primary', 'emails[type eq "work"].value', 'emails[type eq "work"]',
    'emails[value co "x"]', 'emails[type eq "home" or primary eq true].type', 'emails[primary eq "True"].primary',
    'roles[primary eq "True"].value', 'roles', 'addresses[type eq "work"].postalCode', 'addresses[type eq "work"]',
    'phoneNumbers[type eq null].value', 'name[givenName eq "x"]', 'x509Certificates', `${ENTERPRISE_USER_SCHEMA}:manager`,
    `${ENTERPRISE_USER_SCHEMA}:manager.value`, `${ENTERPRISE_USER_SCHEMA}:manager.displayName`, 'manager', 'department',
    ENTERPRISE_USER_SCHEMA, USER_SCHEMA, `${CUSTOM}:tag`, `${CUSTOM}:folders`, `${CUSTOM}:badge.colour`, `${CUSTOM}:new`,
    `${CUSTOM}:folders[value eq "a"]`, 'urn:x:y:z', 'id', 'meta', 'meta.created', 'groups', 'password', 'schemas', 'members',
    'members[value eq "a"]', 'members[value eq "a" or value eq "b"]', 'members[type eq "User"]', 'members.value',
    'members[display sw 1]', 'displayName', 'emails[type eq work].value', '', ' ', '[', 'emails[', 'a.b.c',
  ) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

const memberLike = fc.record({
  value: fc.oneof(fc.constantFrom('u1', 'u2', ''), fc.integer(), fc.constant(null)),
  type: fc.constantFrom('User', 'group', 'Robot', undefined),
  $ref: fc.constantFrom(null, 'x'),
});
const elementLike = fc.record({
  value: fc.oneof(fc.constantFrom('a@x', 'b@x', 'Admin'), fc.integer(), fc.constant(null)),
  type: fc.constantFrom('work', 'home', 'other', undefined, 7),
  primary: fc.constantFrom(true, false, 'True', 'False', 'maybe', undefined),
  display: fc.constantFrom('D', undefined),
});
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('True', 'False', 'true', '', 'm1', true, false, null, 0, 1.5),
  elementLike,
  fc.array(elementLike, { maxLength: 3 }),
  fc.array(memberLike, { maxLength: 3 }),
  fc.dictionary(path, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.record({ givenName: fc.jsonValue({ maxDepth: 1 }), familyName: fc.constantFrom('J', null) }),
);

/** Each member of an operation may be missing, and `op` may be anything. */
const operation = fc
  .tuple(
    fc.oneof(
      { weight: 19, arbitrary: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'REMOVE') },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 0 }) },
    ),
    fc.option(fc.oneof({ weight: 19, arbitrary: path }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 0 }) }), {
      nil: undefined,
      freq: 6,
    }),
    fc.option(value, { nil: undefined, freq: 10 }),
    fc.constantFrom('op', 'Op'),
  )
  .map(([op, p, v, opKey]) => ({ [opKey]: op, ...(p !== undefined && { path: p }), ...(v !== undefined && { value: v }) }));

/** Bodies arrive as parsed JSON: no undefined members, no prototype-less objects. */
const body = fc.oneof(
  {
    weight: 18,
    arbitrary: fc.array(operation, { minLength: 1, maxLength: 3 }).map((Operations) => ({ schemas: [PATCH_OP_SCHEMA], Operations })),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      schemas: fc.jsonValue({ maxDepth: 1 }),
      Operations: fc.oneof(fc.array(operation), fc.jsonValue({ maxDepth: 2 })),
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
).map((generated) => JSON.parse(JSON.stringify(generated ?? null)) as unknown);

function countPrimaries(list: unknown): number {
  if (!Array.isArray(list)) return 0;
  return list.filter((e) => typeof e === 'object' && e !== null && (e as Record<string, unknown>).primary === true).length;
}

test('random PatchOp bodies either apply or throw a 400 ScimError, leaving the input alone', () => {
  fc.assert(
    fc.property(body, fc.nat(3), fc.boolean(), (patchBody, kind, lenient) => {
      const isGroup = kind === 0;
      const schema = isGroup ? groups : users;
      const current = structuredClone(isGroup ? group : user);
      const bodyBefore = structuredClone(patchBody);
      let result;
      try {
        result = applyPatch(current, patchBody, schema, { lenient });
      } catch (error) {
        assert.ok(error instanceof ScimError, `not a ScimError: ${String(error)}\n${(error as Error)?.stack}`);
        assert.equal(error.status, 400);
        assert.ok(error.scimType, 'a 400 always names its scimType');
        return;
      } finally {
        assert.deepEqual(current, isGroup ? group : user, 'the current document was mutated');
        assert.deepEqual(patchBody, bodyBefore, 'the request body was mutated');
      }
      const { doc } = result;
      for (const key of ['id', 'meta', 'schemas', 'password', 'groups', 'members']) assert.equal(doc[key], undefined, key);
      for (const key of ['emails', 'roles', 'addresses', 'phoneNumbers']) {
        assert.ok(countPrimaries(doc[key]) <= 1, `${key} has several primaries`);
      }
      const required = isGroup ? doc.displayName : doc.userName;
      assert.ok(typeof required === 'string' && required.trim() !== '');
      assert.deepEqual(JSON.parse(JSON.stringify(doc)), doc, 'the document is plain JSON');
      assert.equal(result.changedAttributes.length === 0, isDeepStrictEqual(doc, current));
      if (!isGroup) assert.deepEqual(result.members, []);
    }),
    { numRuns: 3000 },
  );
});
