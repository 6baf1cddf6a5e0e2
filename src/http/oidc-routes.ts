import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { PAGE_HEADERS } from '../oidc/sign-in-pages.ts';
import type { SignInFlow, Step } from '../oidc/sign-in-flow.ts';

export interface OidcRoutesOptions {
  provider: (request: FastifyRequest) => Promise<Provider>;
  flow: SignInFlow;
  origin: (request: FastifyRequest) => string;
}

const OIDC_PREFIX = '/oidc';

/** Sends a sign-in step: a redirect, or a page with the strict headers of sign-in pages. */
export function sendStep(reply: FastifyReply, step: Step): FastifyReply {
  if (step.kind === 'redirect') return reply.header('cache-control', 'no-store').redirect(step.url, 303);
  return reply.code(step.status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(step.html);
}

/**
 * Roster's OpenID provider under `/oidc` (discovery at `/oidc/.well-known/openid-configuration`), and its sign-in
 * pages under `/signin/{uid}`. oidc-provider reads request bodies itself, so Fastify hands it the raw request.
 */
export async function oidcRoutes(app: FastifyInstance, { provider, flow, origin }: OidcRoutesOptions): Promise<void> {
  await app.register(async (mounted) => {
    mounted.removeAllContentTypeParsers();
    mounted.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      const callback = (await provider(request)).callback();
      reply.hijack();
      const raw = request.raw as typeof request.raw & { originalUrl?: string };
      // Mounted under a path: oidc-provider reads its routes from url and the mount point from originalUrl.
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(OIDC_PREFIX.length) || '/';
      callback(raw, reply.raw);
    };
    mounted.all(OIDC_PREFIX, handle);
    mounted.all(`${OIDC_PREFIX}/*`, handle);
  });

  await app.register(async (pages) => {
    pages.removeAllContentTypeParsers();
    pages.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    type SignInRequest = FastifyRequest<{ Params: { uid: string }; Body: Record<string, string> | undefined }>;
    pages.get('/signin/:uid', async (request: SignInRequest, reply) => sendStep(reply, await flow.start(request.params.uid, origin(request))));
    pages.post('/signin/:uid', async (request: SignInRequest, reply) => sendStep(reply, await flow.submit(request.params.uid, request.body ?? {}, origin(request))));
  });
}
