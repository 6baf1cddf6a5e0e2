import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.ts';
import { checkReadiness } from '../store/readiness.ts';

/** A readiness probe gets its answer within this time even when the database does not answer at all. */
const READINESS_TIMEOUT_MS = 2_000;

/**
 * `/healthz` (liveness) checks only that the process answers, so a database outage does not get every instance
 * restarted. `/readyz` (readiness) checks that this instance can serve SCIM requests: the database answers, its
 * schema is up to date and the instance is not shutting down.
 */
export function registerHealthRoutes(app: FastifyInstance, db: Kysely<Database>, isShuttingDown: () => boolean): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    if (isShuttingDown()) return reply.code(503).send({ status: 'shutting down' });
    const readiness = await checkReadiness(db, READINESS_TIMEOUT_MS);
    if (readiness.ready) return { status: 'ready' };
    // The cause (a host name, a driver message) goes to the log only: this endpoint needs no credentials.
    request.log.warn({ err: readiness.cause }, `not ready: ${readiness.reason}`);
    return reply.code(503).send({ status: 'not ready', reason: readiness.reason });
  });
}
