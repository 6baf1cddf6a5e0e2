/** Every event Roster emits, documented with an example each in docs/events.md. */
export const EVENT_TYPES = [
  'dsync.directory.activated',
  'dsync.directory.deleted',
  'dsync.user.created',
  'dsync.user.updated',
  'dsync.user.deactivated',
  'dsync.user.reactivated',
  'dsync.user.deleted',
  'dsync.group.created',
  'dsync.group.updated',
  'dsync.group.deleted',
  'dsync.group.user_added',
  'dsync.group.user_removed',
  /** An admin switched how a provisioned user signs in (Entra ID or the built-in password). */
  'user.login_method.updated',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
