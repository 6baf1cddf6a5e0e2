import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { hashToken, sameHash } from '../directory/secret-token.ts';
import type { PoolStats } from '../store/pool-stats.ts';

export interface MetricsOptions {
  poolStats(): PoolStats;
  /** When set, `/metrics` answers only requests that send `Authorization: Bearer <token>`. */
  token?: string;
}

/** Finer than Prometheus' defaults at the low end: most SCIM requests answer within a few milliseconds. */
const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processRegistry: Registry | undefined;

/**
 * CPU, memory, event loop lag and GC metrics. They describe the process, not an app, and collecting them starts
 * timers and observers that live as long as the process: so one set per process, however many apps it builds.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * Serves `/metrics` in Prometheus' text format: requests and their latency by route pattern (never the raw URL,
 * whose directory and resource ids would make a series per user), the database pool, and the process.
 *
 * The latency histogram has no status label: the counter already splits requests by status, and every label value
 * multiplies the histogram's series by its bucket count.
 */
export function registerMetrics(app: FastifyInstance, options: MetricsOptions): void {
  const registry = new Registry();
  const requests = new Counter({
    name: 'roster_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'roster_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  new Gauge({
    name: 'roster_db_pool_connections',
    help: 'Open database connections: all of them (total) and those no query holds (idle)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const stats = options.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
    },
  });
  new Gauge({
    name: 'roster_db_pool_waiting',
    help: 'Queries waiting for a free database connection',
    registers: [registry],
    collect() {
      this.set(options.poolStats().waiting);
    },
  });
  // Merged at the first scrape, so that apps nobody scrapes (CLI commands, tests) start no process collectors.
  let scraped: Registry | undefined;

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: reply.statusCode });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (request, reply) => {
    if (options.token !== undefined && !hasBearer(request, options.token)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="roster-metrics"').send({ error: 'send the metrics token as "Authorization: Bearer <token>"' });
    }
    scraped ??= Registry.merge([processMetrics(), registry]);
    return reply.type(scraped.contentType).send(await scraped.metrics());
  });
}

function hasBearer(request: FastifyRequest, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  // Hashing first gives both sides one length, so the comparison takes the same time whatever was sent.
  return given !== undefined && sameHash(hashToken(given), hashToken(token));
}
