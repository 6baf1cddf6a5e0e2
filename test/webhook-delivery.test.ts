/**
 * Webhook delivery by `roster serve` processes: one killed with SIGKILL while a webhook is in flight, and two sharing
 * the work on one PostgreSQL database. The receiver is a real HTTP server on 127.0.0.1 that checks every signature.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DirectoryService } from '../src/directory/directory-service.ts';
import { connect } from '../src/store/connect.ts';
import { DirectoryStore } from '../src/store/directory-store.ts';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { parseSecretKey } from '../src/secrets/secret-key.ts';
import { WebhookService } from '../src/webhooks/webhook-service.ts';
import { userBody } from './support/roster.ts';
import { RosterProcess, rosterCommand } from './support/roster-process.ts';
import { ScimClient } from './support/scim-client.ts';
import { createTestDatabase, testDialect, testPostgresUrl } from './support/test-database.ts';
import { waitUntil } from './support/wait-until.ts';
import { WebhookReceiver } from './support/webhook-receiver.ts';

// Every `roster` process this file starts inherits these: a key for the secrets, the receiver on loopback allowed,
// and a retry schedule and time limit in milliseconds.
Object.assign(process.env, {
  ROSTER_SECRET_KEY: randomBytes(32).toString('base64'),
  ROSTER_WEBHOOK_ALLOW_PRIVATE: '1',
  ROSTER_WEBHOOK_POLL_MS: '20',
  ROSTER_WEBHOOK_TIMEOUT_MS: '1000',
  ROSTER_WEBHOOK_RETRY_DELAYS_MS: '50,100,200,400,800,1600,3200',
});

const NEEDS_SERVER = 'needs a PostgreSQL server: set ROSTER_TEST_POSTGRES_URL (.ci/run does)';

/** A database several processes can open: a SQLite file, or a schema on the PostgreSQL server. */
async function sharedDatabase() {
  const workdir = mkdtempSync(join(tmpdir(), 'roster-webhooks-'));
  const database = await createTestDatabase();
  return {
    location: testDialect === 'sqlite' ? join(workdir, 'roster.db') : database.location,
    drop: async () => {
      await database.drop();
      rmSync(workdir, { recursive: true, force: true });
    },
  };
}

describe(`webhook delivery across a restart (${testDialect})`, { skip: testDialect === 'postgres' && !testPostgresUrl ? NEEDS_SERVER : false }, () => {
  test('an instance killed with SIGKILL while a webhook is in flight loses nothing: the next one sends again what it had not recorded, then the rest', async (t) => {
    const database = await sharedDatabase();
    t.after(() => database.drop());
    const receiver = await WebhookReceiver.start();
    t.after(() => receiver.close());
    const roster = (...args: string[]) => rosterCommand(database.location, ...args);

    const directory = JSON.parse(await roster('directory', 'create', '--name', 'Restart', '--json'));
    const { id: endpointId, secret } = JSON.parse(await roster('webhook', 'add', '--directory', directory.id, '--url', receiver.url(), '--json'));
    // The events are written first, by an instance that delivers none, so the kill below finds them all queued.
    const writer = await RosterProcess.start(database.location, '--no-webhooks');
    const client = new ScimClient(writer.address, directory.id, directory.token);
    for (let i = 0; i < 40; i++) assert.equal((await client.send('POST', '/Users', userBody(`user-${i}@contoso.com`))).status, 201);
    await writer.stop();

    const db = await connect(database.location);
    t.after(() => db.close());
    const eventIds = (await db.db.selectFrom('changes').select('event_id').where('directory_id', '=', directory.id).orderBy('seq').execute()).map((c) => c.event_id);
    assert.equal(eventIds.length, 41, 'the activation and 40 creates');

    const IN_FLIGHT = 15;
    const delivering = RosterProcess.spawn(database.location);
    receiver.reply = (_, i) => {
      if (i !== IN_FLIGHT) return { status: 200 };
      void delivering.stop('SIGKILL');
      return 'hang';
    };
    assert.equal((await delivering.exited).signal, 'SIGKILL', delivering.output);

    receiver.reply = () => ({ status: 200 });
    const restarted = await RosterProcess.start(database.location);
    t.after(() => restarted.stop());
    await waitUntil('every event at the receiver', () => new Set(receiver.received.map((r) => r.id)).size === eventIds.length);
    for (const received of receiver.received) WebhookReceiver.verify(received, secret);
    // Attempts are recorded a batch at a time: what the killed instance sent since its last record is sent again,
    // from the first unrecorded event on, in order and with the same webhook-ids. Nothing is skipped.
    const ids = receiver.received.map((r) => r.id);
    const resentFrom = eventIds.indexOf(ids[IN_FLIGHT + 1]!);
    assert.ok(resentFrom >= 0 && resentFrom <= IN_FLIGHT, `the second instance starts at or before the event in flight (${resentFrom})`);
    assert.deepEqual(ids, [...eventIds.slice(0, IN_FLIGHT + 1), ...eventIds.slice(resentFrom)], 'in order; repeats only of what had no recorded answer');
    const deliveries = await db.db.selectFrom('webhook_deliveries').select(['status']).where('endpoint_id', '=', endpointId).execute();
    assert.equal(deliveries.length, eventIds.length);
  });
});

describe('two instances on PostgreSQL', { skip: testDialect !== 'postgres' ? 'runs in the PostgreSQL pass' : !testPostgresUrl ? NEEDS_SERVER : false }, () => {
  test('share the deliveries and send each event once (a receiver that always answers 200 gets each webhook-id once)', async (t) => {
    const database = await sharedDatabase();
    t.after(() => database.drop());
    const receiver = await WebhookReceiver.start();
    t.after(() => receiver.close());
    // Set up in this process (the CLI's `webhook add` is covered above): each command would start a process.
    const db = await connect(database.location);
    t.after(() => db.close());
    const directoryService = new DirectoryService(new DirectoryStore(db.db));
    const webhooks = new WebhookService(db.db, { secrets: () => new SecretBox(parseSecretKey(process.env.ROSTER_SECRET_KEY!)), allowPrivateDestinations: true });
    const first = await directoryService.create('Contoso A');
    const organizationId = first.directory.organizationId;
    const directories = [first, await directoryService.create('Contoso B', 'entra', organizationId), await directoryService.create('Contoso C', 'entra', organizationId)];
    // One endpoint for the whole organization and one per directory: six lanes for the two instances to share.
    const endpoints = [await webhooks.add({ organizationId, url: receiver.url('/all') })];
    for (const d of directories) endpoints.push(await webhooks.add({ directoryId: d.directory.id, url: receiver.url(`/${d.directory.id}`) }));
    const secrets = new Map(endpoints.map((e) => [new URL(e.endpoint.url).pathname, e.secret]));

    const instances = await Promise.all([RosterProcess.start(database.location), RosterProcess.start(database.location)]);
    t.after(() => Promise.all(instances.map((instance) => instance.stop())));
    const writes = directories.flatMap((d) =>
      Array.from({ length: 30 }, (_, i) => new ScimClient(instances[i % 2]!.address, d.directory.id, d.token).send('POST', '/Users', userBody(`user-${i}@contoso.com`))),
    );
    assert.ok((await Promise.all(writes)).every((r) => r.status === 201));

    const events = await db.db.selectFrom('changes').select(['event_id', 'directory_id']).execute();
    const expected = events.length * 2; // each event goes to the organization's endpoint and to its directory's
    await waitUntil('every delivery succeeded', async () => {
      const rows = await db.db.selectFrom('webhook_deliveries').select('status').execute();
      return rows.length === expected && rows.every((r) => r.status === 'succeeded');
    });
    // Stopped before counting, so that a duplicate still in flight would have arrived.
    await Promise.all(instances.map((instance) => instance.stop()));

    assert.equal(receiver.received.length, expected, 'one request per delivery');
    const perEndpoint = new Map<string, Set<string>>();
    for (const received of receiver.received) {
      WebhookReceiver.verify(received, secrets.get(received.path)!);
      const seen = perEndpoint.get(received.path) ?? new Set<string>();
      assert.ok(!seen.has(received.id), `${received.id} arrived twice at ${received.path}`);
      perEndpoint.set(received.path, seen.add(received.id));
    }
    assert.equal(perEndpoint.get('/all')!.size, events.length);
    const attempts = await db.db.selectFrom('webhook_attempts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(attempts.n), expected, 'one attempt per delivery');
  });
});
