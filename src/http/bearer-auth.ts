import type { FastifyRequest } from 'fastify';
import type { DirectoryService } from '../directory/directory-service.ts';
import type { DirectoryRecord } from '../store/directory-store.ts';
import { ScimError } from '../scim/messages/error.ts';

/** How often a token's "last used" time is written: often enough for an admin, rare enough for the hot path. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Bearer authentication for one directory. A missing token, a wrong one, a revoked one, a token of another
 * directory and an unknown directory all get the same 401, so nothing tells a caller which directories exist.
 */
export class BearerAuth {
  private readonly touched = new Map<string, number>();
  private readonly activated = new Set<string>();

  constructor(private readonly directories: DirectoryService) {}

  async authenticate(request: FastifyRequest, directoryId: string): Promise<DirectoryRecord> {
    const directory = await this.directories.get(directoryId);
    if (directory) request.provisioning.directoryId = directory.id;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const session = directory && match ? await this.directories.authenticate(directory.id, match[1]!) : undefined;
    if (!directory || !session) {
      throw new ScimError(401, match ? 'the Secret Token is not valid for this directory' : 'send the Secret Token as "Authorization: Bearer <token>"');
    }
    await this.noteUse(directory, session.tokenId);
    return directory;
  }

  private async noteUse(directory: DirectoryRecord, tokenId: string): Promise<void> {
    if (!directory.activatedAt && !this.activated.has(directory.id)) {
      this.activated.add(directory.id);
      await this.directories.markActivated(directory.id);
    }
    const now = Date.now();
    if (now - (this.touched.get(tokenId) ?? 0) > TOUCH_INTERVAL_MS) {
      this.touched.set(tokenId, now);
      await this.directories.touchToken(tokenId);
    }
  }
}
