import type { FastifyRequest } from 'fastify';
import type { DirectoryService } from '../directory/directory-service.ts';
import type { DirectoryRecord } from '../store/directory-store.ts';
import { ScimError } from '../scim/messages/error.ts';
import { isStorableText } from '../scim/storable-text.ts';

/** How often a token's "last used" time is written: often enough for an admin, rare enough for the hot path. */
const TOUCH_INTERVAL_MS = 60_000;

interface Session {
  directory: DirectoryRecord;
  tokenId: string;
  expires: number;
}

/**
 * Bearer authentication for one directory. A missing token, a wrong one, a revoked one, a token of another
 * directory and an unknown directory all get the same 401, so nothing tells a caller which directories exist.
 *
 * A successful check is remembered for `cacheMs` (1 s by default), which takes two queries off every request of an
 * IdP's burst. Revoking a token or changing rules in this process clears the cache at once; a change made by
 * another process (the CLI, another instance) is seen within `cacheMs`.
 */
export class BearerAuth {
  private readonly sessions = new Map<string, Session>();
  private readonly touched = new Map<string, number>();
  private readonly activated = new Set<string>();

  constructor(
    private readonly directories: DirectoryService,
    private readonly cacheMs = 1000,
  ) {
    directories.onChange(() => this.sessions.clear());
  }

  async authenticate(request: FastifyRequest, directoryId: string): Promise<DirectoryRecord> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const key = match ? `${directoryId} ${match[1]}` : undefined;
    const now = Date.now();
    let session = key ? this.sessions.get(key) : undefined;
    if (!key || !session || session.expires < now) {
      session = { ...(await this.lookup(request, directoryId, match?.[1])), expires: now + this.cacheMs };
      if (this.sessions.size > 10_000) this.sessions.clear();
      this.sessions.set(key!, session);
    }
    request.provisioning.directoryId = session.directory.id;
    await this.noteUse(session.directory, session.tokenId, now);
    return session.directory;
  }

  private async lookup(request: FastifyRequest, directoryId: string, token: string | undefined): Promise<Omit<Session, 'expires'>> {
    const directory = isStorableText(directoryId) ? await this.directories.get(directoryId) : undefined;
    if (directory) request.provisioning.directoryId = directory.id;
    const found = directory && token ? await this.directories.authenticate(directory.id, token) : undefined;
    if (!directory || !found) {
      throw new ScimError(401, token ? 'the Secret Token is not valid for this directory' : 'send the Secret Token as "Authorization: Bearer <token>"');
    }
    return { directory, tokenId: found.tokenId };
  }

  private async noteUse(directory: DirectoryRecord, tokenId: string, now: number): Promise<void> {
    if (!directory.activatedAt && !this.activated.has(directory.id)) {
      this.activated.add(directory.id);
      await this.directories.markActivated(directory.id);
    }
    if (now - (this.touched.get(tokenId) ?? 0) > TOUCH_INTERVAL_MS) {
      this.touched.set(tokenId, now);
      await this.directories.touchToken(tokenId);
    }
  }
}
