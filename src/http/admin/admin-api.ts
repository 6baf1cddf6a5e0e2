import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../api/api-error.ts';
import { sendApiError } from '../api-error-reply.ts';
import type { AdminServices } from './admin-services.ts';
import { directoryRoutes } from './directory-routes.ts';
import { integrationRoutes } from './integration-routes.ts';
import { sessionRoutes } from './session-routes.ts';
import { signInAdminRoutes } from './sign-in-admin-routes.ts';
import { ssoAdminRoutes } from './sso-admin-routes.ts';

/**
 * The admin API under `/api/admin` (docs/admin-api.md): what the portal does, for operators' scripts too. Sign-in
 * routes come first and open sessions; every other route needs a session (with its CSRF token on changes) or an
 * API key, checked before the body is even validated.
 */
export async function adminApi(app: FastifyInstance, { services }: { services: AdminServices }): Promise<void> {
  await app.register(cookie);
  app.setErrorHandler((error, request, reply) => sendApiError(request, reply, error));
  app.setNotFoundHandler((request, reply) => sendApiError(request, reply, notFound(`no admin API endpoint at ${request.method} ${request.url}`)));
  await app.register(sessionRoutes, services);
  await app.register(async (authenticated) => {
    authenticated.decorateRequest('principal', null as never);
    authenticated.decorateRequest('adminSession', null);
    authenticated.addHook('preValidation', async (request) => services.auth.authenticate(request));
    await authenticated.register(directoryRoutes, services);
    await authenticated.register(integrationRoutes, services);
    await authenticated.register(ssoAdminRoutes, services);
    await authenticated.register(signInAdminRoutes, services);
  });
}
