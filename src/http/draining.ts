import type { FastifyInstance } from 'fastify';

/**
 * Tracks whether the app is shutting down, and from then on closes each connection once its response is sent.
 * `app.close()` stops accepting connections and closes the idle ones, but a keep-alive connection whose request is
 * still running stays open after its response until the keep-alive timeout (72 s), and holds the close open that
 * long; `Connection: close` ends it right after the response.
 *
 * Returns a function that tells whether shutdown has begun.
 */
export function registerDraining(app: FastifyInstance): () => boolean {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (draining) reply.header('connection', 'close');
    return payload;
  });
  return () => draining;
}
