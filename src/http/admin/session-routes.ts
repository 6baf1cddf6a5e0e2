import type { FastifyInstance, FastifyReply } from 'fastify';
import { invalidRequest } from '../../api/api-error.ts';
import { TooManyAttempts, unauthorized } from '../../admin/admin-error.ts';
import type { Principal } from '../../admin/principal.ts';
import type { AdminServices } from './admin-services.ts';
import { type AdminRequest, body } from './admin-request.ts';

const credentials = {
  type: 'object',
  required: ['username', 'password'],
  properties: { username: { type: 'string', minLength: 1, maxLength: 200 }, password: { type: 'string', minLength: 1, maxLength: 1000 } },
} as const;
const setupToken = { type: 'object', required: ['token'], properties: { token: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const tags = ['Session'];

function sessionView(principal: Principal, csrfToken: string) {
  if (principal.kind === 'operator') return { principal: { kind: 'operator', username: principal.username }, csrfToken };
  if (principal.kind === 'setup') {
    const { organizationId, organizationName, expiresAt } = principal;
    return { principal: { kind: 'setup', organizationId, organizationName, expiresAt }, csrfToken };
  }
  throw invalidRequest('an API key has no session');
}

/**
 * Signing in and out of the portal. These routes run before authentication: they are how a session starts. Every
 * sign-in, failed or not, goes to the audit log.
 */
export async function sessionRoutes(app: FastifyInstance, { auth, accounts, sessions, setupLinks, audit }: AdminServices): Promise<void> {
  app.post('/session', { schema: { tags, summary: 'Sign in with an operator account', body: credentials } }, async (request: AdminRequest, reply) => {
    const { username, password } = body(request) as { username: string; password: string };
    const context = { principal: `operator:${username.trim().slice(0, 100)}`, requestId: String(request.id) };
    let admin;
    try {
      admin = await accounts.verify(username, password);
    } catch (error) {
      await audit.record(context, 'session.sign_in_failed', { details: { reason: error instanceof TooManyAttempts ? 'locked' : 'wrong username or password' } });
      if (error instanceof TooManyAttempts) reply.header('retry-after', String(error.retryAfterSeconds));
      throw error;
    }
    const { cookie, csrfToken } = await sessions.open({ adminId: admin.id });
    auth.setCookie(request, reply, cookie);
    await audit.record({ ...context, principal: `operator:${admin.username}` }, 'session.signed_in');
    return sessionView({ kind: 'operator', adminId: admin.id, username: admin.username }, csrfToken);
  });

  app.post('/session/setup', { schema: { tags, summary: "Open a customer's setup link", body: setupToken } }, async (request: AdminRequest, reply) => {
    const link = await setupLinks.open((body(request) as { token: string }).token);
    if (!link) throw unauthorized('this setup link is not valid: it has expired or was revoked, or was never issued');
    const { cookie, csrfToken } = await sessions.open({ setupLinkId: link.id });
    auth.setCookie(request, reply, cookie);
    await audit.record({ principal: `setup-link:${link.prefix}`, requestId: String(request.id) }, 'session.signed_in', { organizationId: link.organizationId });
    const session = await sessions.resolve(cookie);
    return sessionView(session!.principal, csrfToken);
  });

  app.get('/session', { schema: { tags, summary: 'The current session and its CSRF token' } }, async (request: AdminRequest) => {
    const session = await auth.session(request);
    if (!session) throw unauthorized('not signed in');
    return sessionView(session.principal, session.csrfToken);
  });

  app.delete('/session', { schema: { tags, summary: 'Sign out' } }, async (request: AdminRequest, reply: FastifyReply) => {
    await auth.authenticate(request);
    if (request.adminSession) await sessions.close(request.adminSession.id);
    auth.clearCookie(request, reply);
    return reply.code(204).send();
  });
}
