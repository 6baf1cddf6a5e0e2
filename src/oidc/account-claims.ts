import type { AccountStore } from '../store/account-store.ts';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The claims Roster's ID tokens carry for an account, by scope: `sub` (the Roster user id) and the organization with
 * `openid`; name, username, userType, roles and groups with `profile`; the email with `email`. For a provisioned user
 * they come from the SCIM resource Entra (or another IdP) keeps current; for a guest, from the guest's account.
 */
export async function accountClaims(accounts: AccountStore, accountId: string): Promise<Record<string, unknown> | undefined> {
  const profile = await accounts.profile(accountId);
  if (!profile) return undefined;
  const { account, doc, groups } = profile;
  const emails = Array.isArray(doc?.emails) ? (doc.emails as Array<Record<string, unknown>>) : [];
  const email = text((emails.find((e) => e.primary === true) ?? emails[0])?.value) ?? account.email ?? undefined;
  const name = doc?.name as Record<string, unknown> | undefined;
  const roles = Array.isArray(doc?.roles) ? (doc.roles as Array<Record<string, unknown>>).map((r) => text(r.value)).filter(Boolean) : [];
  return {
    sub: account.id,
    organization: account.organization_id,
    name: text(doc?.displayName) ?? text(name?.formatted) ?? account.display_name ?? undefined,
    given_name: text(name?.givenName),
    family_name: text(name?.familyName),
    preferred_username: text(doc?.userName) ?? account.username ?? undefined,
    user_type: text(doc?.userType),
    roles,
    groups,
    email,
    // Roster does not verify addresses; the identity provider that sent them may have.
    email_verified: false,
  };
}
