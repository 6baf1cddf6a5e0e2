import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as connectTcp, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { printableDatabase } from '../src/cli/printable-database.ts';
import { buildApp } from '../src/http/app.ts';
import { connect } from '../src/store/connect.ts';
import type { Database } from '../src/store/database.ts';
import { migrations } from '../src/store/migrations/index.ts';
import { RosterProcess, rosterCommand } from './support/roster-process.ts';
import { TestRoster, USER_SCHEMA, userBody } from './support/roster.ts';
import { createTestDatabase, testDialect, testPostgresUrl } from './support/test-database.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The value of one series in a Prometheus text exposition (labels compared as a set), or undefined when absent. */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    const same = Object.keys(found).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => found[k] === v);
    if (same) return Number(match[3]);
  }
  return undefined;
}

describe('/healthz and /readyz', () => {
  test('a migrated database is ready; /healthz answers ok', async () => {
    const roster = await TestRoster.start();
    try {
      const ready = await roster.roster.app.inject('/readyz');
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'ready' });
      assert.deepEqual((await roster.roster.app.inject('/healthz')).json(), { status: 'ok' });
    } finally {
      await roster.close();
    }
  });

  test('a migration missing from kysely_migration: 503 naming it', async () => {
    const roster = await TestRoster.start();
    try {
      const last = Object.keys(await migrations.getMigrations()).at(-1)!;
      await sql`delete from kysely_migration where name = ${last}`.execute(roster.db);
      const res = await roster.roster.app.inject('/readyz');
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json(), { status: 'not ready', reason: `migrations pending: ${last}` });
      assert.equal((await roster.roster.app.inject('/healthz')).statusCode, 200, 'liveness does not depend on the database');
    } finally {
      await roster.close();
    }
  });

  test('a closed database: 503 database unreachable', async () => {
    const roster = await TestRoster.start();
    try {
      await roster.connection.close();
      const res = await roster.roster.app.inject('/readyz');
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json(), { status: 'not ready', reason: 'database unreachable' });
    } finally {
      await roster.roster.app.close();
    }
  });

  test('a PostgreSQL server that accepts connections and never answers: /readyz still answers, 503', async () => {
    const silent = new Set<Socket>();
    const server = createServer((socket) => silent.add(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    // No connection timeout in the pool: only the probe's own time limit can end the wait.
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ host: '127.0.0.1', port, user: 'roster', password: 'secret', connectionTimeoutMillis: 0 }) }) });
    const { app } = await buildApp({ connection: { db, dialect: 'postgres', poolStats: () => ({ total: 0, idle: 0, waiting: 0 }), close: () => db.destroy() } });
    try {
      const res = await app.inject('/readyz');
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json(), { status: 'not ready', reason: 'database unreachable' });
    } finally {
      for (const socket of silent) socket.destroy();
      server.close();
      await app.close();
      await db.destroy();
    }
  });
});

describe('/metrics', () => {
  test('requests by route pattern and status, latency histogram, pool gauges and process metrics', async () => {
    const roster = await TestRoster.start();
    try {
      const dir = await roster.directory('generic');
      const scrape = async () => {
        const res = await roster.roster.app.inject('/metrics');
        assert.equal(res.statusCode, 200);
        assert.match(res.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
        return res.body;
      };
      const user = (await roster.request(dir, 'POST', '/Users', userBody('metrics-1'))).body;
      await roster.request(dir, 'POST', '/Users', userBody('metrics-2'));
      await roster.request(dir, 'GET', `/Users/${user.id}`);
      await roster.request(dir, 'GET', '/Users/00000000-0000-0000-0000-000000000000');
      await roster.roster.app.inject('/no/such/route');
      const before = await scrape();

      const created = { method: 'POST', route: '/scim/v2/:directoryId/Users', status: '201' };
      assert.equal(sample(before, 'roster_http_requests_total', created), 2);
      assert.equal(sample(before, 'roster_http_requests_total', { method: 'GET', route: '/scim/v2/:directoryId/Users/:id', status: '200' }), 1);
      assert.equal(sample(before, 'roster_http_requests_total', { method: 'GET', route: '/scim/v2/:directoryId/Users/:id', status: '404' }), 1);
      assert.equal(sample(before, 'roster_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }), 1);
      assert.ok(!before.includes(dir.id) && !before.includes(user.id), 'no label carries a directory or resource id');

      const postLatency = { method: 'POST', route: '/scim/v2/:directoryId/Users' };
      assert.equal(sample(before, 'roster_http_request_duration_seconds_count', postLatency), 2);
      assert.equal(sample(before, 'roster_http_request_duration_seconds_bucket', { ...postLatency, le: '+Inf' }), 2);
      assert.ok(sample(before, 'roster_http_request_duration_seconds_bucket', { ...postLatency, le: '0.001' }) !== undefined);
      assert.ok(sample(before, 'roster_http_request_duration_seconds_sum', postLatency)! > 0);

      // Read at scrape time: the pool is idle between requests, so it has not changed since.
      const pool = roster.connection.poolStats();
      assert.ok(pool.total >= 1);
      assert.equal(sample(before, 'roster_db_pool_connections', { state: 'total' }), pool.total);
      assert.equal(sample(before, 'roster_db_pool_connections', { state: 'idle' }), pool.idle);
      assert.equal(sample(before, 'roster_db_pool_waiting'), 0);
      assert.ok(sample(before, 'process_cpu_seconds_total')! > 0);
      assert.ok(sample(before, 'nodejs_heap_size_used_bytes')! > 0);

      await roster.request(dir, 'POST', '/Users', userBody('metrics-3'));
      assert.equal(sample(await scrape(), 'roster_http_requests_total', created), 3, 'the counter goes up with each request');
    } finally {
      await roster.close();
    }
  });

  test('each app counts its own requests', async () => {
    const first = await TestRoster.start();
    const second = await TestRoster.start();
    try {
      await first.roster.app.inject('/healthz');
      const healthz = { method: 'GET', route: '/healthz', status: '200' };
      assert.equal(sample((await first.roster.app.inject('/metrics')).body, 'roster_http_requests_total', healthz), 1);
      assert.equal(sample((await second.roster.app.inject('/metrics')).body, 'roster_http_requests_total', healthz), undefined);
    } finally {
      await first.close();
      await second.close();
    }
  });

  test('with a metrics token, /metrics answers only that bearer token', async () => {
    const roster = await TestRoster.start({ metricsToken: 'metrics-secret' });
    try {
      const scrape = (authorization?: string) => roster.roster.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
      assert.equal((await scrape()).statusCode, 401);
      assert.equal((await scrape('Bearer wrong')).statusCode, 401);
      const allowed = await scrape('Bearer metrics-secret');
      assert.equal(allowed.statusCode, 200);
      assert.ok(sample(allowed.body, 'roster_db_pool_waiting') !== undefined);
      assert.equal((await roster.roster.app.inject('/readyz')).statusCode, 200, 'probes need no token');
    } finally {
      await roster.close();
    }
  });
});

describe('request ids', () => {
  test("each response carries its request id: the caller's X-Request-Id, else a new UUID; the provisioning log has it", async () => {
    const roster = await TestRoster.start();
    try {
      const dir = await roster.directory('entra');
      const traced = await roster.request(dir, 'POST', '/Users', userBody('traced'), { 'x-request-id': 'lb-7f3a:42' });
      assert.equal(traced.headers['x-request-id'], 'lb-7f3a:42');
      const untraced = await roster.request(dir, 'GET', '/Users?count=1');
      assert.match(untraced.headers['x-request-id'] as string, UUID);
      const refused = await roster.request(dir, 'GET', '/Users', undefined, { authorization: 'Bearer wrong' });
      assert.equal(refused.status, 401);
      assert.match(refused.headers['x-request-id'] as string, UUID, 'errors carry it too');
      const forged = await roster.request(dir, 'GET', '/Users', undefined, { 'x-request-id': `evil" id ${'x'.repeat(200)}` });
      assert.match(forged.headers['x-request-id'] as string, UUID, 'an id that does not look like one is replaced');

      const log = await roster.roster.provisioningLog.query({ directoryId: dir.id, limit: 10 });
      assert.deepEqual(
        log.map((entry) => entry.request_id),
        [traced, untraced, refused, forged].map((res) => res.headers['x-request-id']),
      );
    } finally {
      await roster.close();
    }
  });
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A request sent in two parts over its own connection, so that the server holds it open between them. Resolves
 * once the first part is written; `finish` sends the rest and reads the answer up to the end of the connection.
 */
async function requestInTwoParts(port: number, first: string): Promise<{ finish(rest: string): Promise<RawResponse> }> {
  const socket = connectTcp(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const ended = once(socket, 'end');
  socket.write(first);
  return {
    async finish(rest) {
      socket.write(rest);
      await ended;
      socket.destroy();
      const [head = '', body = ''] = received.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      return { status: Number(statusLine.split(' ')[1]), headers, body };
    },
  };
}

/**
 * Resolves when the server has read everything sent to it before: an answer on a new connection takes it several
 * turns of its event loop, and data already waiting on another connection is read in the first of them.
 */
async function serverHasRead(port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(res.status, 200);
}

describe('shutdown of the app', () => {
  test('in-flight requests finish, requests on open connections still get an answer, /readyz says shutting down', { timeout: 30_000 }, async () => {
    const roster = await TestRoster.start();
    const dir = await roster.directory('generic');
    const { app } = roster.roster;
    let closing!: () => void;
    const closeBegun = new Promise<void>((resolve) => (closing = resolve));
    app.addHook('preClose', async () => closing());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    try {
      const body = JSON.stringify(userBody('in-flight@example.com'));
      const create = await requestInTwoParts(
        port,
        `POST ${dir.base}/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${dir.token}\r\nContent-Type: application/scim+json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
      );
      const probe = await requestInTwoParts(port, 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await serverHasRead(port);

      const closed = app.close();
      await closeBegun;
      const notReady = await probe.finish('\r\n');
      assert.equal(notReady.status, 503);
      assert.deepEqual(JSON.parse(notReady.body), { status: 'shutting down' });
      assert.equal(notReady.headers.connection, 'close');

      const created = await create.finish(body.slice(10));
      assert.equal(created.status, 201);
      assert.equal(JSON.parse(created.body).userName, 'in-flight@example.com');
      assert.equal(created.headers.connection, 'close', 'the connection ends with its answer instead of holding the shutdown open');
      await closed;
      const stored = await roster.db.selectFrom('users').select('user_name').where('directory_id', '=', dir.id).execute();
      assert.equal(stored.length, 1);
    } finally {
      await roster.connection.close();
    }
  });
});

/** `roster serve` runs on a PostgreSQL server in the PostgreSQL pass; PGlite lives inside one process, so the CLI cannot share it. */
const serveOnPostgres = testDialect === 'postgres' && testPostgresUrl !== undefined;

describe('roster serve in operation', { skip: testDialect === 'postgres' && !serveOnPostgres ? 'needs a PostgreSQL server (ROSTER_TEST_POSTGRES_URL)' : false }, () => {
  const run = promisify(execFile);
  const workdir = mkdtempSync(join(tmpdir(), 'roster-ops-'));
  let database = join(workdir, 'roster.db');
  let dropDatabase = async () => {};
  before(async () => {
    if (!serveOnPostgres) return;
    const created = await createTestDatabase();
    database = created.location;
    dropDatabase = created.drop;
  });
  after(async () => {
    await dropDatabase();
    rmSync(workdir, { recursive: true, force: true });
  });
  const cli = (...args: string[]) => rosterCommand(database, ...args);

  const serve = (args: string[] = [], env: Record<string, string> = {}) => RosterProcess.spawn(database, args, env);

  type Outcome = { status: number } | { error: string };

  /** POST /Users on a connection of its own (no keep-alive: no request is sent on a connection the server is closing). */
  function createUser(address: string, directoryId: string, token: string, userName: string): Promise<Outcome> {
    const body = JSON.stringify({ schemas: [USER_SCHEMA], userName });
    return new Promise((resolve) => {
      const req = httpRequest(
        `${address}/scim/v2/${directoryId}/Users`,
        { method: 'POST', agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode! }));
          res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      req.end(body);
    });
  }

  test('SIGTERM: requests in flight are answered and recorded, the process exits 0, no secret is printed', { timeout: 60_000 }, async () => {
    const { id, token } = JSON.parse(await cli('directory', 'create', '--name', 'Ops', '--json'));
    const server = serve(['--log-requests'], { ROSTER_METRICS_TOKEN: 'metrics-token-not-for-logs' });
    const address = (await server.waitFor(/listening on (\S+)/))[1]!;

    const creates = Array.from({ length: 40 }, (_, i) => createUser(address, id, token, `user${i}@example.com`));
    await Promise.race(creates);
    server.child.kill('SIGTERM');
    const outcomes = await Promise.all(creates);
    assert.deepEqual(await server.exited, { code: 0, signal: null });

    const answered = outcomes.filter((o): o is { status: number } => 'status' in o);
    assert.ok(answered.length >= 1);
    assert.deepEqual(new Set(answered.map((o) => o.status)), new Set([201]), 'every answer is a success, none a 503 or 500');
    for (const outcome of outcomes) {
      if ('error' in outcome) assert.ok(['ECONNREFUSED', 'ECONNRESET'].includes(outcome.error), `a request that was not answered was not accepted either: ${outcome.error}`);
    }
    const stored = await connect(database);
    try {
      const users = await stored.db.selectFrom('users').select('id').where('directory_id', '=', id).execute();
      assert.equal(users.length, answered.length, 'every stored user was answered, every answered user is stored');
      const logged = await stored.db.selectFrom('provisioning_log').select('id').where('directory_id', '=', id).where('status', '=', 201).execute();
      assert.equal(logged.length, answered.length, 'the provisioning log was flushed');
    } finally {
      await stored.close();
    }

    assert.match(server.output, /"reqId":"[0-9a-f-]{36}"/, 'request log lines carry the request id');
    assert.match(server.output, /SIGTERM: finishing in-flight requests/);
    assert.ok(!server.output.includes(token), 'the Secret Token is not logged');
    assert.ok(!server.output.includes('metrics-token-not-for-logs'), 'the metrics token is not logged');
  });

  /** A server holding a request it will never get the rest of, so that its shutdown cannot finish by itself. */
  async function serveWithStuckRequest(args: string[] = []) {
    const server = serve(args);
    const address = (await server.waitFor(/listening on (\S+)/))[1]!;
    const port = Number(new URL(address).port);
    await requestInTwoParts(port, 'POST /scim/v2/x/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{');
    await serverHasRead(port);
    return server;
  }

  test('a second signal during shutdown exits at once with 1', { timeout: 60_000 }, async () => {
    const server = await serveWithStuckRequest();
    server.child.kill('SIGTERM');
    await server.waitFor(/SIGTERM: finishing in-flight requests/);
    server.child.kill('SIGINT');
    assert.deepEqual(await server.exited, { code: 1, signal: null });
  });

  test('a shutdown that outlasts ROSTER_SHUTDOWN_TIMEOUT_MS exits with 1', { timeout: 60_000 }, async () => {
    const server = await serveWithStuckRequest(['--shutdown-timeout-ms', '300']);
    server.child.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 1, signal: null });
    assert.match(server.output, /killed by timeout/);
  });

  test('pool settings are checked, also when they come from the environment', async () => {
    await assert.rejects(
      run('./bin/roster', ['serve', '--database', database], { env: { ...process.env, ROSTER_DB_STATEMENT_TIMEOUT_MS: 'soon' } }),
      /--db-statement-timeout-ms.*a duration is a whole number of milliseconds/s,
    );
  });

  test('serve prints no database password, even when it cannot connect', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    const url = `postgres://roster:pg-password-not-for-logs@127.0.0.1:${port}/roster`;
    const server = serve(['--database', url, '--db-connect-timeout-ms', '2000']);
    const { code } = await server.exited;
    assert.notEqual(code, 0);
    assert.match(server.output, /ECONNREFUSED/);
    assert.ok(!server.output.includes('pg-password-not-for-logs'));
  });
});

test('printableDatabase masks the password of a PostgreSQL URL and keeps the rest', () => {
  assert.equal(printableDatabase('postgres://roster:s3cret@db.internal:5432/roster?sslmode=require'), 'postgres://roster:***@db.internal:5432/roster?sslmode=require');
  assert.equal(printableDatabase('postgresql://roster@db/roster?password=s3cret'), 'postgresql://roster@db/roster?password=***');
  assert.equal(printableDatabase('./data/roster.db'), './data/roster.db');
});
