import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

const REQUEST_ID_HEADER = 'x-request-id';

/**
 * What an incoming request id may look like. It is written as it is to the logs and the provisioning log, so it
 * may not carry control characters (forged log lines) nor grow without bound. Any id a proxy or a tracing
 * library generates (UUIDs, hex, base64) fits.
 */
const ACCEPTABLE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The id of a request: the caller's `X-Request-Id` (a reverse proxy's, so both logs tell the same story) when it
 * is acceptable, else a new UUID.
 */
export function requestId(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Every response names its request id, so a caller can quote it and an operator can find the log lines. */
export function registerRequestIdHeader(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
