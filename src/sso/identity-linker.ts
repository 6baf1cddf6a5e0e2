import { randomUUID } from 'node:crypto';
import type { AccountRow, AccountStore, ProvisionedUser } from '../store/account-store.ts';
import type { EntraIdentity } from './entra-client.ts';

/** How an Entra identity was tied to an account. */
export type LinkedBy = 'oid' | 'externalId' | 'userName' | 'just-in-time';

export type LinkOutcome =
  | { kind: 'linked'; account: AccountRow; user: ProvisionedUser | null; linkedBy: LinkedBy }
  | { kind: 'refused'; reason: string };

const refused = (reason: string): LinkOutcome => ({ kind: 'refused', reason });

/**
 * Ties the person Entra signed in to an account of the organization, by Entra's immutable object id (`oid`):
 * 1. an account already linked to that oid;
 * 2. else the provisioned user whose externalId is the oid (when the admin maps `externalId ← objectId`);
 * 3. else, once, the provisioned user whose userName is the token's `preferred_username`, if that user is not linked
 *    to another oid yet; the oid is stored, so a later rename in Entra does not break the link;
 * 4. else, when the organization allows just-in-time accounts, a new one.
 * Never by email alone: an email is not proof of identity (anyone may put any address on a guest account). A
 * deactivated user, and a user whose login method is the built-in password, are refused.
 */
export class IdentityLinker {
  constructor(private readonly accounts: AccountStore) {}

  async link(organizationId: string, identity: EntraIdentity, options: { justInTime: boolean }): Promise<LinkOutcome> {
    const { oid } = identity;
    if (!oid) return refused('the ID token has no oid claim');
    const at = new Date().toISOString();

    const linked = await this.accounts.byEntraOid(organizationId, oid);
    if (linked) {
      const user = linked.user_id ? ((await this.accounts.user(linked.user_id)) ?? null) : null;
      if (linked.user_id && !user) return refused('the user was removed from the directory');
      return this.admit(linked, user, 'oid');
    }

    for (const [linkedBy, users] of [
      ['externalId', await this.accounts.usersByExternalId(organizationId, oid)],
      ['userName', identity.preferredUsername ? await this.accounts.usersByUserName(organizationId, identity.preferredUsername) : []],
    ] as const) {
      if (users.length > 1) return refused(`more than one provisioned user has this ${linkedBy} (in several directories): ask the admin to remove the duplicate`);
      const user = users[0];
      if (!user) continue;
      const account = await this.accounts.forUser(organizationId, user.id, at);
      if (account.entra_oid && account.entra_oid !== oid) return refused(`the user ${user.userName} is linked to another Entra ID account`);
      await this.accounts.linkEntraOid(account.id, oid, at);
      return this.admit({ ...account, entra_oid: oid }, user, linkedBy);
    }

    if (!options.justInTime) {
      return refused(`no provisioned user matches (object id ${oid}, ${identity.preferredUsername ?? 'no preferred_username'}), and just-in-time accounts are off`);
    }
    const account = await this.accounts.insert({
      id: randomUUID(),
      organization_id: organizationId,
      user_id: null,
      login_method: 'external',
      entra_oid: oid,
      username: identity.preferredUsername ?? null,
      username_key: identity.preferredUsername?.toLowerCase() ?? null,
      display_name: identity.name ?? null,
      email: identity.email ?? null,
      created_at: at,
      updated_at: at,
    });
    return this.admit(account, null, 'just-in-time');
  }

  private admit(account: AccountRow, user: ProvisionedUser | null, linkedBy: LinkedBy): LinkOutcome {
    if (user && !user.active) return refused(`the user ${user.userName} is deactivated in the directory`);
    if (account.login_method !== 'external') return refused('this user signs in with a password, not with Entra ID');
    return { kind: 'linked', account, user, linkedBy };
  }
}
