import type { FastifyRequest } from 'fastify';
import type { ApiKeys } from '../api/api-keys.ts';
import { ApiError } from '../api/api-error.ts';
import type { ApiKeyRecord } from '../store/api-key-store.ts';

/** How often a key's "last used" time is written: often enough for an operator, rare enough for a polling app. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * `Authorization: Bearer <API key>` for the host-app API. A missing, wrong or revoked key gets 401 with
 * `WWW-Authenticate`. A valid key is remembered for `cacheMs` (1 s by default), as the SCIM bearer auth does: an
 * app polling the events API costs no key lookup per request. A revocation in this process clears the cache at once;
 * one made elsewhere (the CLI, another instance) is seen within `cacheMs`.
 */
export class ApiKeyAuth {
  private readonly cache = new Map<string, { key: ApiKeyRecord; expires: number }>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeys,
    private readonly cacheMs = 1000,
  ) {
    keys.onRevoke(() => this.cache.clear());
  }

  async authenticate(request: FastifyRequest): Promise<ApiKeyRecord> {
    const secret = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (secret === undefined) throw new ApiError(401, 'unauthorized', 'send an API key as "Authorization: Bearer <key>" (roster api-key create)');
    const now = Date.now();
    let cached = this.cache.get(secret);
    if (!cached || cached.expires < now) {
      const key = await this.keys.authenticate(secret);
      if (!key) throw new ApiError(401, 'unauthorized', 'the API key is not valid, or has been revoked');
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(secret, (cached = { key, expires: now + this.cacheMs }));
    }
    if (now - (this.touched.get(cached.key.id) ?? 0) > TOUCH_INTERVAL_MS) {
      this.touched.set(cached.key.id, now);
      await this.keys.touch(cached.key.id);
    }
    return cached.key;
  }
}
