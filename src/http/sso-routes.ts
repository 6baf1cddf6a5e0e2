import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escape, messagePage, page } from '../oidc/sign-in-pages.ts';
import { callbackPaths, frontChannelLogoutPath } from '../sso/entra-platform.ts';
import { SignInError, type SignedOut, type SignInResult, type SsoSignIn } from '../sso/sso-sign-in.ts';
import { sendStep } from './oidc-routes.ts';

export interface SsoRoutesOptions {
  signIn: SsoSignIn;
  /** Carries on a sign-in for the host app (Roster's OpenID provider) once Entra has answered. */
  onAuthorize: (result: SignInResult, reply: FastifyReply) => Promise<FastifyReply>;
  /** The origin people reach Roster at: the public URL, else the request's own. */
  origin: (request: FastifyRequest) => string;
}

/** The admin's test sign-in: what Entra said, and which account it leads to, or why it is refused. */
function testResultPage(result: SignInResult): string {
  const { outcome, identity } = result;
  const verdict =
    outcome.kind === 'linked'
      ? `<p class="ok" role="status">Signed in. Linked to ${outcome.user ? `the provisioned user <strong>${escape(outcome.user.userName)}</strong>` : 'a just-in-time account'} (by ${escape(outcome.linkedBy)}); account id <code>${escape(outcome.account.id)}</code>.</p>`
      : `<p role="alert">Refused: ${escape(outcome.reason)}</p>`;
  const rows = Object.entries(identity.claims)
    .map(([name, value]) => `<tr><th scope="row"><code>${escape(name)}</code></th><td><code>${escape(typeof value === 'string' ? value : JSON.stringify(value))}</code></td></tr>`)
    .join('');
  return page('Test sign-in', `<h1>Test sign-in with Entra ID</h1>${verdict}<h2>Claims in the ID token</h2><table>${rows}</table>`, { wide: true });
}

function testResultJson(result: SignInResult) {
  const { outcome, identity } = result;
  return {
    outcome:
      outcome.kind === 'linked'
        ? { kind: 'linked', accountId: outcome.account.id, userId: outcome.user?.id ?? null, userName: outcome.user?.userName ?? null, linkedBy: outcome.linkedBy }
        : outcome,
    claims: identity.claims,
  };
}

const wantsJson = (request: FastifyRequest) => /application\/json/.test(request.headers.accept ?? '');

/**
 * Where Entra ID sends people back after signing in or out: `/sso/callback` for connections with a client secret (the
 * Web platform), `/sso/callback/public` for those without (Mobile and desktop). The state says what the trip was for.
 */
export async function ssoRoutes(app: FastifyInstance, { signIn, origin, onAuthorize }: SsoRoutesOptions): Promise<void> {
  const callback = async (request: FastifyRequest, reply: FastifyReply) => {
    let result: SignInResult | SignedOut;
    try {
      result = await signIn.complete(new URL(request.url, origin(request)));
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      if (wantsJson(request)) return reply.code(400).header('cache-control', 'no-store').send({ error: { code: 'sign_in_failed', message: error.message } });
      return sendStep(reply, { kind: 'page', status: 400, html: messagePage('Sign-in failed', error.message) });
    }
    if (result.kind === 'signed-out') return sendStep(reply, { kind: 'redirect', url: result.returnTo });
    if (result.purpose.kind === 'authorize') return onAuthorize(result, reply);
    if (wantsJson(request)) return reply.header('cache-control', 'no-store').send(testResultJson(result));
    return sendStep(reply, { kind: 'page', status: 200, html: testResultPage(result) });
  };
  app.get(callbackPaths.web, callback);
  app.get(callbackPaths.mobileAndDesktop, callback);

  // Entra loads this in a hidden frame of its sign-out page, with the ended session's `sid` (and no `iss`, unlike the
  // OpenID spec). The answer is an empty page Entra may frame; an unknown or missing sid changes nothing.
  app.get(frontChannelLogoutPath, async (request: FastifyRequest<{ Querystring: { sid?: string } }>, reply: FastifyReply) => {
    const sid = typeof request.query.sid === 'string' ? request.query.sid : '';
    if (sid) await signIn.signedOutAtEntra(sid);
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send('<!doctype html><title>Signed out</title>');
  });
}
