import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callbackPath, SignInError, type SignInResult, type SsoSignIn } from '../sso/sso-sign-in.ts';

export interface SsoRoutesOptions {
  signIn: SsoSignIn;
  /** Carries on a sign-in for the host app (Roster's OpenID provider) once Entra has answered. */
  onAuthorize: (result: SignInResult, reply: FastifyReply) => Promise<FastifyReply>;
  /** The origin people reach Roster at: the public URL, else the request's own. */
  origin: (request: FastifyRequest) => string;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)} · Roster</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:48rem;padding:0 1rem;color:#1f2933}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d8dee4;padding:.35rem .5rem;text-align:left;vertical-align:top}th{width:14rem}code{font-size:.9em;word-break:break-all}.ok{color:#0b6b2b}.refused{color:#a61b1b}</style>
</head><body><main>${body}</main></body></html>`;
}

/** The admin's test sign-in: what Entra said, and which account it leads to, or why it is refused. */
function testResultPage(result: SignInResult): string {
  const { outcome, identity } = result;
  const verdict =
    outcome.kind === 'linked'
      ? `<p class="ok" role="status">Signed in. Linked to ${outcome.user ? `the provisioned user <strong>${escape(outcome.user.userName)}</strong>` : 'a just-in-time account'} (by ${escape(outcome.linkedBy)}); account id <code>${escape(outcome.account.id)}</code>.</p>`
      : `<p class="refused" role="alert">Refused: ${escape(outcome.reason)}</p>`;
  const rows = Object.entries(identity.claims)
    .map(([name, value]) => `<tr><th scope="row"><code>${escape(name)}</code></th><td><code>${escape(typeof value === 'string' ? value : JSON.stringify(value))}</code></td></tr>`)
    .join('');
  return page('Test sign-in', `<h1>Test sign-in with Entra ID</h1>${verdict}<h2>Claims in the ID token</h2><table>${rows}</table>`);
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

/** Where Entra ID sends people back after signing in (`/sso/callback`). */
export async function ssoRoutes(app: FastifyInstance, { signIn, origin, onAuthorize }: SsoRoutesOptions): Promise<void> {
  app.get(callbackPath, async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    let result: SignInResult;
    try {
      result = await signIn.complete(new URL(request.url, origin(request)));
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      if (wantsJson(request)) return reply.code(400).send({ error: { code: 'sign_in_failed', message: error.message } });
      return reply.code(400).type('text/html; charset=utf-8').send(page('Sign-in failed', `<h1>Sign-in failed</h1><p role="alert">${escape(error.message)}</p>`));
    }
    if (result.purpose.kind === 'authorize') return onAuthorize(result, reply);
    if (wantsJson(request)) return testResultJson(result);
    return reply.type('text/html; charset=utf-8').send(testResultPage(result));
  });
}
