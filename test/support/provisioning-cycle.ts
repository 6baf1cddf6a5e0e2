import assert from 'node:assert/strict';
import type { EventType } from '../../src/events/event-type.ts';
import { type DirectoryHandle, ENTERPRISE, GROUP_SCHEMA, patchOp, type ScimResponse, type TestRoster, USER_SCHEMA } from './roster.ts';

export const CUSTOM_EXTENSION = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

export interface CycleIds {
  alice: string;
  bob: string;
  group: string;
}

/** The events `provisioningCycle` makes, in sequence order. */
export const CYCLE_EVENTS: EventType[] = [
  'dsync.directory.activated',
  'dsync.user.created', // alice
  'dsync.user.created', // bob
  'dsync.group.created',
  'dsync.group.user_added', // alice
  'dsync.group.user_added', // bob
  'dsync.user.updated', // alice: displayName and name.familyName
  'dsync.user.deactivated', // bob
  'dsync.group.user_removed', // bob
  'dsync.user.reactivated', // bob
  'dsync.group.updated', // renamed
  'dsync.group.user_removed', // alice, by her deletion
  'dsync.user.deleted', // alice
  'dsync.group.deleted',
  'dsync.directory.deleted',
];

function ok(res: ScimResponse, status: number): ScimResponse {
  assert.equal(res.status, status, JSON.stringify(res.body));
  return res;
}

/**
 * What Microsoft Entra ID sends over a directory's life (the requests of its documented provisioning cycle), then
 * the directory's deletion: every event type, once at least. Alice has enterprise and custom extension attributes.
 */
export async function provisioningCycle(roster: TestRoster, dir: DirectoryHandle): Promise<CycleIds> {
  // "Test connection": the first authenticated request activates the directory.
  ok(await roster.request(dir, 'GET', `/Users?filter=${encodeURIComponent('userName eq "ed0c9f4b-81d5-4a48-b3ce-1ff4d3ac6f7e"')}`), 200);
  const alice = ok(
    await roster.request(dir, 'POST', '/Users', {
      schemas: [USER_SCHEMA, ENTERPRISE, CUSTOM_EXTENSION],
      externalId: 'alice',
      userName: 'alice@contoso.example',
      active: true,
      displayName: 'Alice Smith',
      name: { givenName: 'Alice', familyName: 'Smith', formatted: 'Alice Smith' },
      emails: [{ primary: true, type: 'work', value: 'alice@contoso.example' }],
      title: 'Engineer',
      roles: [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin', display: 'Admin' }],
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Research' },
      [CUSTOM_EXTENSION]: { costCenter: 'CC-1001' },
    }),
    201,
  ).body.id as string;
  const bob = ok(
    await roster.request(dir, 'POST', '/Users', {
      schemas: [USER_SCHEMA],
      externalId: 'bob',
      userName: 'bob@contoso.example',
      active: true,
      name: { givenName: 'Bob', familyName: 'Jones' },
      emails: [{ primary: true, type: 'work', value: 'bob@contoso.example' }],
    }),
    201,
  ).body.id as string;
  // Entra creates a group without members, then adds them with a PATCH.
  const group = ok(await roster.request(dir, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], externalId: 'engineering', displayName: 'Engineering' }), 201).body
    .id as string;
  ok(await roster.request(dir, 'PATCH', `/Groups/${group}`, patchOp({ op: 'Add', path: 'members', value: [{ value: alice }, { value: bob }] })), 204);
  ok(
    await roster.request(
      dir,
      'PATCH',
      `/Users/${alice}`,
      patchOp({ op: 'Replace', path: 'displayName', value: 'Alice Smith-Jones' }, { op: 'Replace', path: 'name.familyName', value: 'Smith-Jones' }),
    ),
    200,
  );
  ok(await roster.request(dir, 'PATCH', `/Users/${bob}`, patchOp({ op: 'Replace', path: 'active', value: false })), 200);
  ok(await roster.request(dir, 'PATCH', `/Groups/${group}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: bob }] })), 204);
  ok(await roster.request(dir, 'PATCH', `/Users/${bob}`, patchOp({ op: 'Replace', path: 'active', value: true })), 200);
  ok(await roster.request(dir, 'PATCH', `/Groups/${group}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Engineering (all)' })), 204);
  ok(await roster.request(dir, 'DELETE', `/Users/${alice}`), 204);
  ok(await roster.request(dir, 'DELETE', `/Groups/${group}`), 204);
  await roster.roster.directories.delete(dir.id);
  return { alice, bob, group };
}
