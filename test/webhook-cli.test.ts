/**
 * `roster webhook …` on a SQLite file without ROSTER_SECRET_KEY: the key file beside the database, the secret shown
 * once, the test event, rotation, `roster serve` delivering, the delivery list, replay, and a wrong key refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { keyFileOf } from '../src/secrets/secret-key.ts';
import { userBody } from './support/roster.ts';
import { RosterProcess, rosterCommand } from './support/roster-process.ts';
import { ScimClient } from './support/scim-client.ts';
import { testDialect } from './support/test-database.ts';
import { waitUntil } from './support/wait-until.ts';
import { WebhookReceiver } from './support/webhook-receiver.ts';

delete process.env.ROSTER_SECRET_KEY;
delete process.env.ROSTER_WEBHOOK_ALLOW_PRIVATE;
process.env.ROSTER_WEBHOOK_POLL_MS = '20';

describe('the roster webhook commands', { skip: testDialect === 'postgres' ? 'the commands are the same on both dialects: they run in the SQLite pass' : false }, () => {
  const workdir = mkdtempSync(join(tmpdir(), 'roster-webhook-cli-'));
  const database = join(workdir, 'roster.db');
  const roster = (...args: string[]) => rosterCommand(database, ...args);
  let receiver: WebhookReceiver;
  let directory: { id: string; token: string; organizationId: string };

  before(async () => {
    receiver = await WebhookReceiver.start();
    directory = JSON.parse(await roster('directory', 'create', '--name', 'Contoso', '--json'));
  });
  after(async () => {
    await receiver.close();
    rmSync(workdir, { recursive: true, force: true });
  });

  test('add, list, test, rotate-secret, deliveries, replay and remove', async (t) => {
    await assert.rejects(roster('webhook', 'add', '--directory', directory.id, '--url', receiver.url()), /private, loopback or link-local.*ROSTER_WEBHOOK_ALLOW_PRIVATE=1/s);
    process.env.ROSTER_WEBHOOK_ALLOW_PRIVATE = '1';

    const added = await roster('webhook', 'add', '--directory', directory.id, '--url', receiver.url(), '--events', 'dsync.user.created,dsync.user.deleted');
    const secret = /Signing secret: (whsec_\S+)/.exec(added)?.[1];
    assert.ok(secret, added);
    const id = /Webhook endpoint (\S+) added/.exec(added)![1]!;
    // No ROSTER_SECRET_KEY: the first `webhook add` made a key file beside the database, for the owner only.
    assert.equal(statSync(keyFileOf(database)).mode & 0o777, 0o600);

    const listed = await roster('webhook', 'list', '--json');
    assert.ok(!listed.includes('whsec_'), 'the secret is shown only once');
    assert.deepEqual(
      JSON.parse(listed).map((e: { id: string; organizationId: string; eventTypes: string[] }) => [e.id, e.organizationId, e.eventTypes]),
      [[id, directory.organizationId, ['dsync.user.created', 'dsync.user.deleted']]],
    );

    assert.match(await roster('webhook', 'test', id), /^HTTP 200, after [\d.]+ ms/);
    assert.equal(WebhookReceiver.verify(receiver.received[0]!, secret).type, 'webhook.test');
    receiver.reply = () => ({ status: 500, body: 'receiver broken' });
    await assert.rejects(roster('webhook', 'test', id), (error: { code: number; stdout: string }) => error.code === 1 && /HTTP 500.*receiver broken/s.test(error.stdout));
    receiver.reply = () => ({ status: 200 });

    const rotated = JSON.parse(await roster('webhook', 'rotate-secret', id, '--json'));
    await roster('webhook', 'test', id);
    const during = receiver.received.at(-1)!;
    WebhookReceiver.verify(during, secret);
    WebhookReceiver.verify(during, rotated.secret);

    const server = await RosterProcess.start(database);
    t.after(() => server.stop());
    const client = new ScimClient(server.address, directory.id, directory.token);
    const user = await client.send('POST', '/Users', userBody('alice@contoso.com'));
    await client.send('PATCH', `/Users/${user.body.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'CFO' }] });
    await client.send('DELETE', `/Users/${user.body.id}`);
    await waitUntil('the create and the delete', () => receiver.received.filter((r) => JSON.parse(r.body).type !== 'webhook.test').length === 2);
    const [created, deleted] = receiver.received.slice(-2).map((r) => WebhookReceiver.verify(r, rotated.secret));
    assert.deepEqual([created.type, deleted.type], ['dsync.user.created', 'dsync.user.deleted'], 'only the subscribed types');

    const deliveries = JSON.parse(await roster('webhook', 'deliveries', id, '--json'));
    assert.deepEqual(
      deliveries.map((d: { eventId: string; status: string; attempts: number; lastStatus: number }) => [d.eventId, d.status, d.attempts, d.lastStatus]),
      [
        [deleted.id, 'succeeded', 1, 200],
        [created.id, 'succeeded', 1, 200],
      ],
    );
    assert.match(await roster('webhook', 'deliveries', id), /dsync\.user\.deleted\s+\d+\s+succeeded\s+1/);

    assert.equal(await roster('webhook', 'replay', id, '--event', created.id), `1 event queued for delivery to ${id}.\n`);
    await waitUntil('the replay', () => receiver.received.at(-1)!.id === created.id);
    await assert.rejects(roster('webhook', 'replay', id), /give either --event <event-id> or --since <time>/);
    await assert.rejects(roster('webhook', 'replay', id, '--since', 'yesterday-ish'), /--since must be a date and time/);

    await roster('webhook', 'remove', id);
    assert.deepEqual(JSON.parse(await roster('webhook', 'list', '--json')), []);
  });

  test('roster webhook worker delivers in a process of its own, beside roster serve --no-webhooks', async (t) => {
    const { id, secret } = JSON.parse(await roster('webhook', 'add', '--directory', directory.id, '--url', receiver.url('/worker'), '--json'));
    t.after(() => roster('webhook', 'remove', id));
    const server = await RosterProcess.start(database, '--no-webhooks');
    t.after(() => server.stop());
    const client = new ScimClient(server.address, directory.id, directory.token);
    assert.equal((await client.send('POST', '/Users', userBody('worker-1@contoso.com'))).status, 201);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const toWorker = () => receiver.received.filter((r) => r.path === '/worker');
    assert.equal(toWorker().length, 0, 'roster serve --no-webhooks sends nothing');

    const worker = RosterProcess.command(['webhook', 'worker', '--database', database]);
    await worker.waitFor(/Delivering webhooks/);
    await waitUntil('the worker delivers the event', () => toWorker().length === 1);
    assert.equal(WebhookReceiver.verify(toWorker()[0]!, secret).data.user.userName, 'worker-1@contoso.com');
    assert.equal((await worker.stop()).code, 0, worker.output);
  });

  test('roster serve refuses to start when the key does not open the stored secrets', async () => {
    await roster('webhook', 'add', '--directory', directory.id, '--url', receiver.url());
    const server = RosterProcess.spawn(database, [], { ROSTER_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') });
    const exit = await server.exited;
    assert.equal(exit.code, 1, server.output);
    assert.match(server.output, /the secret key does not open the stored secrets/);
    // --no-webhooks serves SCIM all the same.
    const serving = RosterProcess.spawn(database, ['--no-webhooks'], { ROSTER_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') });
    await serving.waitFor(/listening on/);
    await serving.stop();
  });
});
