import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

export interface PortalRoutesOptions {
  /** The built portal: the folder holding `index.html` and `assets/` (see `defaultPortalRoot`). */
  root: string;
}

/** Where `npm run build:portal` writes the portal: `<repo>/dist/portal`. */
export function defaultPortalRoot(): string {
  return fileURLToPath(new URL('../../dist/portal/', import.meta.url));
}

/**
 * The pages of the portal allow nothing but the portal's own scripts and styles (uPlot sets inline styles on its
 * chart), are never framed (clickjacking), and send no Referer: a setup link's token is in the URL fragment, which
 * browsers leave out of the Referer anyway, but no page of the portal has reason to tell another site where it was.
 */
const HTML_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // index.html names the hashed assets of the current build: it must be fetched anew after every upgrade.
  'cache-control': 'no-cache',
};

/** Vite puts a content hash in every file name under assets/, so a file there never changes. */
const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Serves the built portal under `/portal/`. Register it without a prefix. Paths that are not files answer
 * `index.html`, so that a reload or a shared link of any page of the single-page app (`/portal/orgs/…`) works;
 * a missing file under `/portal/assets/` answers 404, not a page, so a stale asset fails plainly.
 */
export const portalRoutes: FastifyPluginAsync<PortalRoutesOptions> = async (app, { root }) => {
  const indexPath = join(root, 'index.html');

  // index.html is read on each request (it is small and rarely asked for), so a portal built after the server
  // started is served without a restart.
  async function sendIndex(reply: FastifyReply): Promise<FastifyReply> {
    let html: Buffer;
    try {
      html = await readFile(indexPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send('The admin portal is not built: run `npm run build:portal`, then reload this page.\n');
    }
    return reply.headers(HTML_HEADERS).type('text/html; charset=utf-8').send(html);
  }

  // A prefixed context may have its own not-found handler, which is how paths that are not files reach the page.
  await app.register(
    async (portal) => {
      await portal.register(fastifyStatic, {
        root,
        prefix: '/',
        index: false,
        // No reply.sendFile: the rest of the app may decorate replies with @fastify/static of its own.
        decorateReply: false,
        cacheControl: false,
        // Before the portal is built the folder does not exist: @fastify/static logs a warning, and sendIndex answers
        // /portal with what to do about it.
        setHeaders(response, path) {
          response.setHeader('x-content-type-options', 'nosniff');
          response.setHeader('cache-control', path.startsWith(join(root, 'assets')) ? ASSET_CACHE_CONTROL : 'no-cache');
        },
      });
      // With the prefix, '/' is both `/portal` and `/portal/`.
      portal.get('/', (_request, reply) => sendIndex(reply));
      portal.setNotFoundHandler((request, reply) => {
        const path = request.url.slice('/portal'.length).split('?')[0] ?? '';
        if ((request.method === 'GET' || request.method === 'HEAD') && !/^\/assets\//i.test(path)) return sendIndex(reply);
        return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
      });
    },
    { prefix: '/portal' },
  );
};
