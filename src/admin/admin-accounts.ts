import { randomUUID } from 'node:crypto';
import { DirectoryError } from '../directory/directory-service.ts';
import type { AdminAccountStore, AdminRow } from '../store/admin-account-store.ts';
import type { AdminSessionStore } from '../store/admin-session-store.ts';
import { TooManyAttempts, unauthorized } from './admin-error.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyNothing, verifyPassword } from './password-hash.ts';
import { SignInThrottle } from './sign-in-throttle.ts';

const WRONG_CREDENTIALS = 'wrong username or password';

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new DirectoryError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
}

/** Operator accounts: created from the CLI (`roster admin create`), signed in to from the portal. */
export class AdminAccounts {
  constructor(
    private readonly store: AdminAccountStore,
    private readonly sessions: AdminSessionStore,
    private readonly throttle: SignInThrottle,
  ) {}

  async create(username: string, password: string): Promise<{ id: string; username: string }> {
    const name = username.trim();
    if (!/^[\p{L}\p{N}._@-]{1,100}$/u.test(name)) throw new DirectoryError('a username is 1 to 100 letters, digits, ".", "_", "@" or "-"');
    checkPassword(password);
    if (await this.store.byUsername(name)) throw new DirectoryError(`an admin named ${name} exists already`);
    const id = randomUUID();
    await this.store.insert({ id, username: name, passwordHash: await hashPassword(password) });
    return { id, username: name };
  }

  list(): Promise<AdminRow[]> {
    return this.store.list();
  }

  /** Sets a new password, lifts a lock-out and ends the account's sessions. */
  async setPassword(username: string, password: string): Promise<void> {
    checkPassword(password);
    const admin = await this.store.byUsername(username.trim());
    if (!admin) throw new DirectoryError(`no admin named ${username}`);
    await this.store.setPassword(admin.id, await hashPassword(password));
    await this.sessions.deleteForAdmin(admin.id);
  }

  /**
   * The account `username` and `password` open. A wrong password, or an unknown name (which takes as long to refuse),
   * is 401; a locked account is 429 with the time left, whatever the password, so a guess during the lock learns
   * nothing.
   */
  async verify(username: string, password: string, now = new Date()): Promise<AdminRow> {
    const admin = await this.store.byUsername(username.trim());
    if (!admin) {
      await verifyNothing(password);
      throw unauthorized(WRONG_CREDENTIALS);
    }
    const locked = SignInThrottle.secondsLocked(admin.locked_until, now.getTime());
    if (locked > 0) throw new TooManyAttempts(locked);
    if (!(await verifyPassword(password, admin.password_hash))) {
      await this.throttle.failed(admin.id, now.getTime());
      throw unauthorized(WRONG_CREDENTIALS);
    }
    await this.throttle.succeeded(admin.id);
    await this.store.recordSignIn(admin.id, now.toISOString());
    return admin;
  }
}
