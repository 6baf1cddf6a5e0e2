import type { FastifyInstance } from 'fastify';
import { notFound } from '../../api/api-error.ts';
import { actorOf } from '../../admin/principal.ts';
import { SecretError } from '../../secrets/secret-error.ts';
import { SsoConfigurationError, type SsoConnectionInput } from '../../sso/sso-connections.ts';
import { frontChannelLogoutPath, redirectUris } from '../../sso/entra-platform.ts';
import { SignInError } from '../../sso/sso-sign-in.ts';
import type { AdminServices } from './admin-services.ts';
import { type AdminRequest, audit, body, refusing } from './admin-request.ts';

const connection = {
  type: 'object',
  required: ['clientId', 'authority'],
  additionalProperties: false,
  properties: {
    clientId: { type: 'string', minLength: 1, maxLength: 100 },
    authority: { type: 'string', minLength: 1, maxLength: 500 },
    // null: no secret; Roster signs in as a public client through the Mobile and desktop platform.
    clientSecret: { type: ['string', 'null'], minLength: 1, maxLength: 1000 },
    clientSecretExpiresAt: { type: ['string', 'null'], maxLength: 100 },
    justInTime: { type: 'boolean' },
  },
} as const;
const tags = ['Single sign-on'];
/** What a connection may refuse: a bad setting, an unreachable tenant, no key for its secret, no connection to test. */
const SSO_REFUSALS = [SsoConfigurationError, SecretError, SignInError];

/**
 * An organization's Entra ID connection: the app registration's ids and secret (write-only), the redirect URIs to
 * register in Entra, and a test sign-in. A customer's setup link may configure it, as it configures directories.
 */
export async function ssoAdminRoutes(app: FastifyInstance, services: AdminServices): Promise<void> {
  const { scope, sso, ssoSignIn } = services;
  /** What the admin registers in Entra's app registration, for Roster reached at its public URL. */
  const registration = (request: AdminRequest) => {
    const origin = services.publicUrl(request);
    return { redirectUris: redirectUris(origin), frontChannelLogoutUrl: origin + frontChannelLogoutPath };
  };
  app.get('/organizations/:orgId/sso', { schema: { tags, summary: "The organization's Entra ID connection (never its secret)" } }, async (request: AdminRequest) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    const found = await sso.get(id);
    if (!found) throw notFound('this organization has no Entra ID connection yet');
    return { ...found, ...registration(request) };
  });
  app.put('/organizations/:orgId/sso', { schema: { tags, summary: 'Create or change the Entra ID connection', body: connection } }, async (request: AdminRequest) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    const input = body(request) as unknown as SsoConnectionInput;
    const saved = await refusing(SSO_REFUSALS, () => sso.save(id, input));
    await services.audit.record(audit(request), 'sso.updated', {
      organizationId: id,
      target: id,
      details: { clientId: saved.clientId, tenantId: saved.tenantId, platform: saved.platform, secretChanged: input.clientSecret !== undefined, justInTime: saved.justInTime },
    });
    return { ...saved, ...registration(request) };
  });
  app.delete('/organizations/:orgId/sso', { schema: { tags, summary: 'Remove the Entra ID connection' } }, async (request: AdminRequest, reply) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    if (!(await sso.remove(id))) throw notFound('this organization has no Entra ID connection');
    await services.audit.record(audit(request), 'sso.removed', { organizationId: id, target: id });
    return reply.code(204).send();
  });
  app.post('/organizations/:orgId/sso/test', { schema: { tags, summary: 'Start a test sign-in: open the returned URL in a browser' } }, async (request: AdminRequest) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    const url = await refusing(SSO_REFUSALS, () => ssoSignIn.begin(id, { kind: 'test', actor: actorOf(request.principal) }, services.publicUrl(request)));
    return { url: url.href };
  });
}
