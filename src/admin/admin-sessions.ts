import { randomBytes } from 'node:crypto';
import { hashToken } from '../directory/secret-token.ts';
import type { AdminSessionStore } from '../store/admin-session-store.ts';
import type { Principal } from './principal.ts';

const SESSION_MS = 12 * 3_600_000;
/** A session's end moves forward with use, but at most once per this interval: one write, not one per request. */
const SLIDE_EVERY_MS = 10 * 60_000;

export interface OpenSession {
  id: string;
  principal: Principal;
  csrfToken: string;
}

/**
 * Browser sessions of the portal. The cookie holds 256 random bits; the database keeps only their SHA-256, with a
 * CSRF token bound to the session (the synchronizer-token pattern: a page of the portal reads it from the session
 * and sends it in `x-csrf-token`, which no other site's page can). A setup link's session ends when the link
 * expires or is revoked.
 */
export class AdminSessions {
  constructor(private readonly store: AdminSessionStore) {}

  /** Opens a session; returns the cookie value, shown to the browser only. */
  async open(owner: { adminId: string } | { setupLinkId: string }, now = new Date()): Promise<{ cookie: string; csrfToken: string }> {
    const cookie = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    await this.store.insert({
      id: hashToken(cookie),
      adminId: 'adminId' in owner ? owner.adminId : null,
      setupLinkId: 'setupLinkId' in owner ? owner.setupLinkId : null,
      csrfToken,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_MS).toISOString(),
    });
    if (Math.random() < 0.01) await this.store.deleteExpired(now.toISOString());
    return { cookie, csrfToken };
  }

  /** The live session the cookie opens, or undefined. */
  async resolve(cookie: string, now = new Date()): Promise<OpenSession | undefined> {
    const id = hashToken(cookie);
    const session = await this.store.get(id);
    const at = now.toISOString();
    if (!session || session.expiresAt <= at) return undefined;
    let principal: Principal;
    if (session.admin) {
      principal = { kind: 'operator', adminId: session.admin.id, username: session.admin.username };
    } else if (session.setupLink && session.setupLink.revokedAt === null && session.setupLink.expiresAt > at) {
      const { id: setupLinkId, prefix, organizationId, organizationName, expiresAt } = session.setupLink;
      principal = { kind: 'setup', setupLinkId, prefix, organizationId, organizationName, expiresAt };
    } else {
      return undefined;
    }
    if (Date.parse(session.expiresAt) - now.getTime() < SESSION_MS - SLIDE_EVERY_MS) {
      await this.store.extend(id, new Date(now.getTime() + SESSION_MS).toISOString());
    }
    return { id, principal, csrfToken: session.csrfToken };
  }

  close(id: string): Promise<void> {
    return this.store.delete(id);
  }
}
