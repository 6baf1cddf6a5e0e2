import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../api/api-error.ts';
import { unauthorized } from '../../admin/admin-error.ts';
import type { AdminSessions, OpenSession } from '../../admin/admin-sessions.ts';
import type { Principal } from '../../admin/principal.ts';
import type { ApiKeyAuth } from '../api-key-auth.ts';

/** Browsers accept a `__Host-` cookie only with Secure, which needs https; over plain http the name drops the prefix. */
const SECURE_COOKIE = '__Host-roster_session';
const PLAIN_COOKIE = 'roster_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    /** The portal session the request came with, if it came with one (not with an API key). */
    adminSession: OpenSession | null;
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Who calls the admin API: a script with an API key (`Authorization: Bearer`), or the portal with a session
 * cookie. A cookie is sent by the browser on its own, so a state-changing request made with one must also prove it
 * comes from a page of the portal: the session's CSRF token in `x-csrf-token`.
 */
export class AdminAuth {
  constructor(
    private readonly sessions: AdminSessions,
    private readonly apiKeys: ApiKeyAuth,
  ) {}

  async authenticate(request: FastifyRequest): Promise<void> {
    request.adminSession = null;
    if (request.headers.authorization !== undefined) {
      const key = await this.apiKeys.authenticate(request);
      request.principal = { kind: 'api-key', keyId: key.id, prefix: key.prefix, organizationId: key.organizationId };
      return;
    }
    const session = await this.session(request);
    if (!session) throw unauthorized('sign in to the portal, or send an API key as "Authorization: Bearer <key>"');
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameText(sent, session.csrfToken)) {
        throw new ApiError(403, 'csrf_failed', 'a request that changes something must carry the session\'s CSRF token in x-csrf-token');
      }
    }
    request.adminSession = session;
    request.principal = session.principal;
  }

  /** The live session of the request's cookie, if any. */
  async session(request: FastifyRequest): Promise<OpenSession | undefined> {
    const cookie = request.cookies[SECURE_COOKIE] ?? request.cookies[PLAIN_COOKIE];
    return cookie ? this.sessions.resolve(cookie) : undefined;
  }

  setCookie(request: FastifyRequest, reply: FastifyReply, value: string): void {
    const secure = request.protocol === 'https';
    reply.setCookie(secure ? SECURE_COOKIE : PLAIN_COOKIE, value, { path: '/', httpOnly: true, secure, sameSite: 'lax' });
  }

  clearCookie(request: FastifyRequest, reply: FastifyReply): void {
    const secure = request.protocol === 'https';
    reply.clearCookie(secure ? SECURE_COOKIE : PLAIN_COOKIE, { path: '/', httpOnly: true, secure, sameSite: 'lax' });
  }
}
