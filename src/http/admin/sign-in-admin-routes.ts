import type { FastifyInstance } from 'fastify';
import { notFound } from '../../api/api-error.ts';
import { OidcClientError } from '../../oidc/oidc-clients.ts';
import { isStorableText } from '../../scim/storable-text.ts';
import { LOGIN_METHODS, type LoginMethod, SignInSettingsError } from '../../sso/sign-in-settings.ts';
import type { AdminServices } from './admin-services.ts';
import { type AdminRequest, audit, body, refusing } from './admin-request.ts';

const loginMethod = { type: 'object', required: ['loginMethod'], additionalProperties: false, properties: { loginMethod: { type: 'string', enum: [...LOGIN_METHODS] } } } as const;
const newGuest = {
  type: 'object',
  required: ['username'],
  additionalProperties: false,
  properties: { username: { type: 'string', minLength: 1, maxLength: 200 }, displayName: { type: 'string', maxLength: 200 }, email: { type: 'string', maxLength: 200 } },
} as const;
const newClient = {
  type: 'object',
  required: ['name', 'redirectUris'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    redirectUris: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 2000 } },
    postLogoutRedirectUris: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 2000 } },
    native: { type: 'boolean' },
  },
} as const;

/**
 * How people sign in: a provisioned user's login method and password link, guests with a built-in password, and
 * (operators only) the apps that sign people in through Roster's OpenID provider.
 */
export async function signInAdminRoutes(app: FastifyInstance, services: AdminServices): Promise<void> {
  const { scope, signInSettings: settings, oidcClients } = services;
  const userOf = async (request: AdminRequest) => {
    const directory = await scope.directory(request.principal, request.params.dirId!);
    const user = await services.reader.user(directory, request.params.userId!);
    return { directory, user };
  };
  const guestOf = async (request: AdminRequest) => {
    const guest = isStorableText(request.params.id!) ? await settings.guest(request.params.id!) : undefined;
    if (!guest) throw notFound(`no guest with id ${request.params.id}`);
    scope.owns(request.principal, guest.organizationId, `guest with id ${guest.id}`);
    return guest;
  };

  let tags = ['Sign-in'];
  app.get('/directories/:dirId/users/:userId/sign-in', { schema: { tags, summary: 'How a provisioned user signs in' } }, async (request: AdminRequest) => {
    const { user } = await userOf(request);
    return settings.forUser(user.id);
  });
  app.put('/directories/:dirId/users/:userId/sign-in', { schema: { tags, summary: "Switch a user's login method; ends their sessions", body: loginMethod } }, async (request: AdminRequest) => {
    const { directory, user } = await userOf(request);
    const method = (body(request) as { loginMethod: LoginMethod }).loginMethod;
    const updated = await settings.setLoginMethod(directory.organizationId, directory.id, user.id, method);
    await services.audit.record(audit(request), 'user.login_method.updated', { organizationId: directory.organizationId, target: user.id, details: { userName: user.userName, loginMethod: method } });
    return updated;
  });
  app.post('/directories/:dirId/users/:userId/password-link', { schema: { tags, summary: 'A one-time link where the user chooses a built-in password' } }, async (request: AdminRequest) => {
    const { directory, user } = await userOf(request);
    const accountId = await settings.accountOfUser(directory.organizationId, user.id);
    await services.audit.record(audit(request), 'password_link.created', { organizationId: directory.organizationId, target: user.id, details: { userName: user.userName } });
    return settings.passwordLink(accountId, services.publicUrl(request));
  });

  tags = ['Guests'];
  app.get('/organizations/:orgId/guests', { schema: { tags, summary: 'People who sign in with a built-in password and are not in a directory' } }, async (request: AdminRequest) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    return { data: await settings.guests(id) };
  });
  app.post('/organizations/:orgId/guests', { schema: { tags, summary: 'Add a guest; returns a password link, shown once', body: newGuest } }, async (request: AdminRequest, reply) => {
    const { id } = await scope.organization(request.principal, request.params.orgId!);
    const guest = await refusing([SignInSettingsError], () => settings.addGuest(id, body(request) as { username: string; displayName?: string; email?: string }));
    await services.audit.record(audit(request), 'guest.created', { organizationId: id, target: guest.id, details: { username: guest.username } });
    return reply.code(201).send({ guest, passwordLink: await settings.passwordLink(guest.id, services.publicUrl(request)) });
  });
  app.post('/guests/:id/password-link', { schema: { tags, summary: 'A new one-time password link for a guest' } }, async (request: AdminRequest) => {
    const guest = await guestOf(request);
    await services.audit.record(audit(request), 'password_link.created', { organizationId: guest.organizationId, target: guest.id, details: { username: guest.username } });
    return settings.passwordLink(guest.id, services.publicUrl(request));
  });
  app.delete('/guests/:id', { schema: { tags, summary: 'Remove a guest and end their sessions' } }, async (request: AdminRequest, reply) => {
    const guest = await guestOf(request);
    await settings.removeGuest(guest.id);
    await services.audit.record(audit(request), 'guest.removed', { organizationId: guest.organizationId, target: guest.id, details: { username: guest.username } });
    return reply.code(204).send();
  });

  tags = ['Apps (OpenID Connect clients)'];
  app.get('/oidc-clients', { schema: { tags, summary: "Apps that sign people in through Roster, and Roster's issuer" } }, async (request: AdminRequest) => {
    scope.requireAllOrganizations(request.principal);
    return { data: await oidcClients.list(), issuer: `${services.publicUrl(request)}/oidc` };
  });
  app.post('/oidc-clients', { schema: { tags, summary: 'Register an app; its secret is shown once', body: newClient } }, async (request: AdminRequest, reply) => {
    scope.requireAllOrganizations(request.principal);
    const created = await refusing([OidcClientError], () => oidcClients.add(body(request) as { name: string; redirectUris: string[]; postLogoutRedirectUris?: string[]; native?: boolean }));
    await services.audit.record(audit(request), 'oidc_client.created', { target: created.client.clientId, details: { name: created.client.name, redirectUris: created.client.redirectUris } });
    return reply.code(201).send(created);
  });
  app.delete('/oidc-clients/:id', { schema: { tags, summary: 'Remove an app' } }, async (request: AdminRequest, reply) => {
    scope.requireAllOrganizations(request.principal);
    if (!(await oidcClients.remove(request.params.id!))) throw notFound(`no app with client id ${request.params.id}`);
    await services.audit.record(audit(request), 'oidc_client.removed', { target: request.params.id! });
    return reply.code(204).send();
  });
}
