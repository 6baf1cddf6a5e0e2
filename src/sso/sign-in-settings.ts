import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../admin/password-hash.ts';
import { hashToken } from '../directory/secret-token.ts';
import { eventUser } from '../events/event-objects.ts';
import type { ScimDocument } from '../scim/resource/document.ts';
import { type AccountRow, AccountStore } from '../store/account-store.ts';
import { ChangeLog } from '../store/change-log.ts';
import type { Database } from '../store/database.ts';
import { endSessionsOf } from '../store/oidc-payload-store.ts';

export type LoginMethod = 'external' | 'built-in';
export const LOGIN_METHODS: readonly LoginMethod[] = ['external', 'built-in'];

export class SignInSettingsError extends Error {}

/** How a provisioned user signs in, as admins see it. */
export interface UserSignIn {
  accountId: string | null;
  loginMethod: LoginMethod;
  entraObjectId: string | null;
  hasPassword: boolean;
}

export interface Guest {
  id: string;
  organizationId: string;
  username: string;
  displayName: string | null;
  email: string | null;
  loginMethod: LoginMethod;
  hasPassword: boolean;
  createdAt: string;
}

/** One day: long enough to reach the person, short enough that a forgotten link is soon worthless. */
const PASSWORD_LINK_MS = 24 * 3_600_000;

const guestView = (row: AccountRow): Guest => ({
  id: row.id,
  organizationId: row.organization_id,
  username: row.username ?? '',
  displayName: row.display_name,
  email: row.email,
  loginMethod: row.login_method,
  hasPassword: row.password_hash !== null,
  createdAt: row.created_at,
});

/**
 * Per-person sign-in settings: a provisioned user's login method (Entra ID by default, or a built-in password),
 * guests who are not in any directory, and one-time links where a person chooses a password. Switching a user's
 * login method ends their sessions at once (the app's next request signs them in anew, the new way) and tells the
 * app with a `user.login_method.updated` event in the user's directory.
 */
export class SignInSettings {
  private readonly accounts: AccountStore;

  constructor(private readonly db: Kysely<Database>) {
    this.accounts = new AccountStore(db);
  }

  async forUser(userId: string): Promise<UserSignIn> {
    const account = await this.accounts.byUser(userId);
    return {
      accountId: account?.id ?? null,
      loginMethod: account?.login_method ?? 'external',
      entraObjectId: account?.entra_oid ?? null,
      hasPassword: Boolean(account?.password_hash),
    };
  }

  async setLoginMethod(organizationId: string, directoryId: string, userId: string, method: LoginMethod): Promise<UserSignIn> {
    const at = new Date().toISOString();
    const changed = await this.db.transaction().execute(async (trx) => {
      const accounts = new AccountStore(trx);
      const account = await accounts.forUser(organizationId, userId, at);
      if (account.login_method === method) return false;
      await trx.updateTable('accounts').set({ login_method: method, updated_at: at }).where('id', '=', account.id).execute();
      const user = await trx.selectFrom('users').select('doc').where('id', '=', userId).executeTakeFirstOrThrow();
      await new ChangeLog(trx).append(trx, directoryId, [
        {
          type: 'user.login_method.updated',
          resourceType: 'User',
          resourceId: userId,
          attributes: ['loginMethod'],
          data: { user: eventUser(userId, JSON.parse(user.doc) as ScimDocument), loginMethod: method, previousLoginMethod: account.login_method },
        },
      ]);
      return true;
    });
    if (changed) await endSessionsOf(this.db, userId);
    return this.forUser(userId);
  }

  guests(organizationId: string): Promise<Guest[]> {
    return this.accounts.guests(organizationId).then((rows) => rows.map(guestView));
  }

  async guest(id: string): Promise<Guest | undefined> {
    const row = await this.accounts.byId(id);
    return row && row.user_id === null ? guestView(row) : undefined;
  }

  async addGuest(organizationId: string, input: { username: string; displayName?: string; email?: string }): Promise<Guest> {
    const username = input.username.trim();
    if (!username) throw new SignInSettingsError('a guest needs a username (often their email address)');
    const taken = await this.accounts.signInCandidates(username, organizationId);
    if (taken.length > 0) throw new SignInSettingsError(`${username} already signs in to this organization`);
    const at = new Date().toISOString();
    const row = await this.accounts.insert({
      id: randomUUID(),
      organization_id: organizationId,
      user_id: null,
      login_method: 'built-in',
      username,
      username_key: username.toLowerCase(),
      display_name: input.displayName?.trim() || null,
      email: input.email?.trim() || null,
      created_at: at,
      updated_at: at,
    });
    return guestView(row);
  }

  async removeGuest(id: string): Promise<void> {
    await endSessionsOf(this.db, id);
    await this.accounts.remove(id);
  }

  /** A one-time link (`{base}/set-password/{token}`) where the account's person chooses a built-in password. */
  async passwordLink(accountId: string, baseUrl: string, now = new Date()): Promise<{ url: string; expiresAt: string }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + PASSWORD_LINK_MS).toISOString();
    await this.accounts.insertPasswordLink({ id: hashToken(token), accountId, createdAt: now.toISOString(), expiresAt });
    return { url: `${baseUrl}/set-password/${token}`, expiresAt };
  }

  /** A provisioned user's account for a password link, made if the user has none yet. */
  async accountOfUser(organizationId: string, userId: string): Promise<string> {
    return (await this.accounts.forUser(organizationId, userId, new Date().toISOString())).id;
  }

  /** Sets the password of the link's account; the link works once. */
  async setPassword(token: string, password: string): Promise<void> {
    if (password.length < MIN_PASSWORD_LENGTH) throw new SignInSettingsError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
    const link = await this.accounts.takePasswordLink(hashToken(token));
    if (!link || link.expires_at <= new Date().toISOString()) throw new SignInSettingsError('this link has expired or was already used: ask your admin for a new one');
    await this.accounts.setPassword(link.account_id, await hashPassword(password), new Date().toISOString());
  }
}
