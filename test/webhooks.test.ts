/**
 * Webhooks end to end, in-process: SCIM requests through the app, the delivery worker running beside them, and a real
 * HTTP receiver on 127.0.0.1 that verifies signatures with the `standardwebhooks` package, as a host app would.
 * The retry schedule and time limit are milliseconds here, so a receiver that is down for "days" takes a second.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test, type TestContext } from 'node:test';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { SecretError } from '../src/secrets/secret-error.ts';
import { FanOut } from '../src/webhooks/fan-out.ts';
import { WebhookService } from '../src/webhooks/webhook-service.ts';
import { type DirectoryHandle, GROUP_SCHEMA, patchOp, TestRoster, userBody } from './support/roster.ts';
import { waitUntil } from './support/wait-until.ts';
import { type ReceivedWebhook, WebhookReceiver } from './support/webhook-receiver.ts';

const box = new SecretBox(randomBytes(32));
const RETRY_DELAYS_MS = [50, 100, 150, 200, 250, 300];
const TIMEOUT_MS = 500;

describe('webhooks', () => {
  let roster: TestRoster;
  let webhooks: WebhookService;

  before(async () => {
    roster = await TestRoster.start({
      webhooks: { secrets: () => box, allowPrivateDestinations: true, timeoutMs: TIMEOUT_MS, pollIntervalMs: 20, retryDelaysMs: RETRY_DELAYS_MS },
    });
    webhooks = new WebhookService(roster.db, { secrets: () => box, allowPrivateDestinations: true, timeoutMs: TIMEOUT_MS });
  });
  after(() => roster.close());

  /** A directory of its own (in an organization of its own), a receiver, and an endpoint to it: removed after the test. */
  async function setup(t: TestContext, options: { eventTypes?: string[] } = {}) {
    const dir = await roster.directory('entra');
    const organizationId = (await roster.roster.directories.require(dir.id)).organizationId;
    const receiver = await WebhookReceiver.start();
    const { endpoint, secret } = await webhooks.add({ organizationId, url: receiver.url(), eventTypes: options.eventTypes });
    t.after(async () => {
      await webhooks.remove(endpoint.id).catch(() => {});
      await receiver.close();
    });
    return { dir, organizationId, receiver, endpoint, secret };
  }

  /** The directory's events as the change log holds them, in sequence order. */
  const changeLog = (dir: DirectoryHandle) =>
    roster.db.selectFrom('changes').select(['event_id', 'seq', 'type']).where('directory_id', '=', dir.id).orderBy('seq').execute();

  const distinctIds = (received: ReceivedWebhook[]) => [...new Set(received.map((r) => r.id))];

  const deliveriesOf = (endpointId: string) =>
    roster.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).orderBy('seq').orderBy('created_at').execute();

  /** Whether the endpoint has `count` deliveries (an empty list is not "all delivered"), each succeeded. */
  const delivered = async (endpointId: string, count: number) => {
    const deliveries = await deliveriesOf(endpointId);
    return deliveries.length === count && deliveries.every((d) => d.status === 'succeeded');
  };

  const attemptsOf = (endpointId: string) =>
    roster.db
      .selectFrom('webhook_attempts as a')
      .innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
      .select(['a.at', 'a.status_code', 'a.error', 'a.latency_ms', 'a.response_excerpt', 'd.seq'])
      .where('d.endpoint_id', '=', endpointId)
      .orderBy('a.id')
      .execute();

  test('an Entra provisioning cycle reaches the receiver as exactly its events, in sequence order, each signed', async (t) => {
    const { dir, organizationId, receiver, secret } = await setup(t);
    // What Entra sends in a first cycle and the next: Test connection, lookups, creates, membership, updates, removals.
    await roster.request(dir, 'GET', `/Users?filter=${encodeURIComponent('userName eq "ed0c9f4b-81d5-4a48-b3ce-1ff4d3ac6f7e"')}`);
    await roster.request(dir, 'GET', `/Users?filter=${encodeURIComponent('userName eq "alice@contoso.com"')}`);
    const alice = (await roster.request(dir, 'POST', '/Users', userBody('alice@contoso.com'))).body;
    const bob = (await roster.request(dir, 'POST', '/Users', userBody('bob@contoso.com'))).body;
    await roster.request(dir, 'GET', `/Groups?filter=${encodeURIComponent('displayName eq "Sales"')}`);
    const sales = (await roster.request(dir, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Sales' })).body;
    await roster.request(dir, 'PATCH', `/Groups/${sales.id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: alice.id }, { value: bob.id }] }));
    await roster.request(dir, 'PATCH', `/Users/${alice.id}`, patchOp({ op: 'replace', path: 'title', value: 'Manager' }));
    await roster.request(dir, 'PATCH', `/Users/${bob.id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    await roster.request(dir, 'PATCH', `/Groups/${sales.id}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: bob.id }] }));
    await roster.request(dir, 'DELETE', `/Users/${bob.id}`);
    await roster.request(dir, 'PATCH', `/Groups/${sales.id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Sales EMEA' }));
    await roster.request(dir, 'DELETE', `/Groups/${sales.id}`);

    const expected = [
      'dsync.directory.activated',
      'dsync.user.created',
      'dsync.user.created',
      'dsync.group.created',
      'dsync.group.user_added',
      'dsync.group.user_added',
      'dsync.user.updated',
      'dsync.user.deactivated',
      'dsync.group.user_removed',
      'dsync.user.deleted',
      'dsync.group.updated',
      'dsync.group.deleted',
    ];
    await waitUntil('every event at the receiver', () => receiver.received.length >= expected.length);
    const events = receiver.received.map((received) => WebhookReceiver.verify(received, secret));
    assert.deepEqual(
      events.map((e) => e.type),
      expected,
    );
    assert.deepEqual(
      events.map((e) => e.sequence),
      expected.map((_, i) => i + 1),
      'one request per event, in sequence order',
    );
    const log = await changeLog(dir);
    assert.deepEqual(
      receiver.received.map((r) => r.id),
      log.map((c) => c.event_id),
      'webhook-id is the event id',
    );
    assert.ok(events.every((e) => e.organizationId === organizationId && e.directoryId === dir.id));
    assert.equal(events[1].data.user.userName, 'alice@contoso.com');
    assert.deepEqual(events[6].changedAttributes, ['title']);
    assert.deepEqual([events[4].data.group.id, events[4].data.user.id], [sales.id, alice.id]);
    assert.ok(receiver.received.every((r) => r.headers['content-type'] === 'application/json'));
  });

  test('a receiver that is down (503, then no answer in time) gets every event once it is back; repeats only as the same webhook-id', async (t) => {
    const { dir, endpoint, receiver, secret } = await setup(t);
    receiver.reply = (_, i) => (i < 3 ? { status: 503, body: 'maintenance' } : i < 5 ? 'hang' : { status: 200 });
    for (const name of ['ann', 'ben', 'cat', 'dan', 'eve']) await roster.request(dir, 'POST', '/Users', userBody(`${name}@contoso.com`));
    const log = await changeLog(dir);

    await waitUntil('every event delivered', () => delivered(endpoint.id, log.length));
    assert.deepEqual(distinctIds(receiver.received).sort(), log.map((c) => c.event_id).sort(), 'no event lost');
    const bodies = new Map<string, string>();
    for (const received of receiver.received) {
      WebhookReceiver.verify(received, secret);
      const first = bodies.get(received.id) ?? received.body;
      bodies.set(received.id, first);
      assert.deepEqual(JSON.parse(received.body), JSON.parse(first), 'a repeat is the same event');
    }
    // The lane waited on its first event while the receiver was down: the five failures were all about it.
    assert.deepEqual(
      receiver.received.slice(0, 6).map((r) => r.id),
      Array(6).fill(log[0]!.event_id),
    );
    assert.deepEqual(
      receiver.received.slice(5).map((r) => r.id),
      log.map((c) => c.event_id),
      'in sequence order once back',
    );
    const attempts = await attemptsOf(endpoint.id);
    assert.deepEqual(
      attempts.slice(0, 6).map((a) => a.status_code),
      [503, 503, 503, null, null, 200],
    );
    assert.equal(attempts[0]!.response_excerpt, 'maintenance');
    assert.match(attempts[3]!.error!, new RegExp(`no answer within ${TIMEOUT_MS} ms`));
    assert.ok(attempts.every((a) => a.latency_ms >= 0));
    assert.equal(attempts.length, log.length + 5, 'every attempt recorded');
  });

  test('Retry-After is honoured: the next attempt waits at least as long as the receiver asked', async (t) => {
    const { dir, endpoint, receiver } = await setup(t);
    receiver.reply = (_, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 });
    await roster.request(dir, 'POST', '/Users', userBody('patient@contoso.com'));
    await waitUntil('both deliveries', () => delivered(endpoint.id, 2));
    const [first, second] = await attemptsOf(endpoint.id);
    assert.equal(first!.status_code, 429);
    assert.ok(Date.parse(second!.at) - Date.parse(first!.at) >= 2000, `retried ${Date.parse(second!.at) - Date.parse(first!.at)} ms later`);
  });

  test('410 Gone disables the endpoint and cancels its pending deliveries; enable resumes where it stopped', async (t) => {
    const { dir, endpoint, receiver } = await setup(t);
    receiver.reply = () => ({ status: 410 });
    for (const name of ['gus', 'hal', 'ida']) await roster.request(dir, 'POST', '/Users', userBody(`${name}@contoso.com`));
    await waitUntil('the endpoint disabled', async () => !(await webhooks.get(endpoint.id)).enabled);
    assert.match((await webhooks.get(endpoint.id)).disabledReason!, /410 Gone/);
    // Those enqueued when the 410 came are cancelled; fan-out may enqueue a few more just after, which wait.
    const [gone, ...rest] = await deliveriesOf(endpoint.id);
    assert.equal(gone!.status, 'failed');
    assert.ok(rest.every((d) => d.status === 'cancelled' || d.status === 'pending'));
    assert.equal(receiver.received.length, 1, 'nothing more after the 410');

    receiver.reply = () => ({ status: 200 });
    await webhooks.enable(endpoint.id);
    await roster.request(dir, 'POST', '/Users', userBody('jon@contoso.com'));
    const log = await changeLog(dir);
    await waitUntil('every event after enabling', () => distinctIds(receiver.received).length === log.length);
    assert.deepEqual(
      receiver.received.slice(1).map((r) => r.id),
      log.map((c) => c.event_id),
    );
  });

  test('a redirect is not followed: it is a failed attempt, retried at the URL Roster was given', async (t) => {
    const { dir, endpoint, receiver } = await setup(t);
    receiver.reply = (_, i) => (i === 0 ? { status: 302, headers: { location: receiver.url('/elsewhere') } } : { status: 200 });
    await roster.request(dir, 'POST', '/Users', userBody('moved@contoso.com'));
    await waitUntil('both deliveries', () => delivered(endpoint.id, 2));
    // The activation event is redirected, then sent again to the same URL; then the user's creation.
    assert.deepEqual(
      receiver.received.map((r) => r.path),
      ['/webhooks', '/webhooks', '/webhooks'],
    );
    assert.equal(receiver.received[0]!.id, receiver.received[1]!.id);
    const [redirected] = await attemptsOf(endpoint.id);
    assert.equal(redirected!.status_code, 302);
    assert.match(redirected!.error!, /redirect to .*\/elsewhere not followed/);
  });

  test('when every attempt of the schedule fails, the delivery fails and the endpoint is disabled', async (t) => {
    const { dir, endpoint, receiver } = await setup(t);
    receiver.reply = () => ({ status: 500 });
    await roster.request(dir, 'POST', '/Users', userBody('unlucky@contoso.com'));
    await waitUntil('the endpoint disabled', async () => !(await webhooks.get(endpoint.id)).enabled);
    assert.equal(receiver.received.length, RETRY_DELAYS_MS.length + 1);
    assert.match((await webhooks.get(endpoint.id)).disabledReason!, /no attempt succeeded in 7/);
    assert.deepEqual(
      (await deliveriesOf(endpoint.id)).map((d) => [d.status, Number(d.attempts)]),
      [
        ['failed', 7],
        ['cancelled', 0],
      ],
    );
  });

  test('secret rotation: both secrets sign during the overlap, then only the new one', async (t) => {
    const { dir, endpoint, receiver, secret: oldSecret } = await setup(t);
    const { secret: newSecret } = await webhooks.rotateSecret(endpoint.id, 60 * 60 * 1000);
    await roster.request(dir, 'POST', '/Users', userBody('overlap@contoso.com'));
    await waitUntil('two deliveries', () => receiver.received.length === 2);
    const during = receiver.received[1]!;
    assert.equal(String(during.headers['webhook-signature']).split(' ').length, 2);
    assert.equal(WebhookReceiver.verify(during, oldSecret).type, 'dsync.user.created');
    assert.equal(WebhookReceiver.verify(during, newSecret).type, 'dsync.user.created');

    const { secret: newest } = await webhooks.rotateSecret(endpoint.id, 0);
    await roster.request(dir, 'POST', '/Users', userBody('after@contoso.com'));
    await waitUntil('a third delivery', () => receiver.received.length === 3);
    const later = receiver.received[2]!;
    assert.equal(WebhookReceiver.verify(later, newest).type, 'dsync.user.created');
    assert.throws(() => WebhookReceiver.verify(later, newSecret), /No matching signature/);
  });

  test('signing secrets are encrypted at rest, bound to their endpoint', async (t) => {
    const { endpoint, secret } = await setup(t);
    await webhooks.rotateSecret(endpoint.id);
    const row = await roster.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', endpoint.id).executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    assert.ok(!stored.includes(secret) && !stored.includes(secret.slice('whsec_'.length)) && !stored.includes('whsec_'));
    assert.equal(box.open(row.previous_secret!, endpoint.id), secret);
    assert.throws(() => box.open(row.previous_secret!, 'another endpoint'), SecretError);
    assert.throws(() => new SecretBox(randomBytes(32)).open(row.secret, endpoint.id), /does not open/);
  });

  test('replay sends an event, or the events of a time range, again with the same webhook-id', async (t) => {
    const { dir, endpoint, receiver } = await setup(t);
    await roster.request(dir, 'GET', '/Users');
    const since = new Date().toISOString();
    for (const name of ['kim', 'lee', 'max']) await roster.request(dir, 'POST', '/Users', userBody(`${name}@contoso.com`));
    const log = await changeLog(dir);
    await waitUntil('the first deliveries', () => receiver.received.length === log.length);

    assert.equal(await webhooks.replay(endpoint.id, { eventId: log[2]!.event_id }), 1);
    await waitUntil('the replayed event', () => receiver.received.length === log.length + 1);
    assert.equal(receiver.received.at(-1)!.id, log[2]!.event_id);
    assert.equal(receiver.received.at(-1)!.body, receiver.received[2]!.body);

    // The activation event (the first request) came before `since`: a range from then on holds the three creates.
    assert.equal(await webhooks.replay(endpoint.id, { since }), 3);
    await waitUntil('the replayed range', () => receiver.received.length === log.length + 4);
    assert.deepEqual(
      receiver.received.slice(-3).map((r) => r.id),
      log.slice(1).map((c) => c.event_id),
    );
    assert.equal(await webhooks.replay(endpoint.id, { since, until: since }), 0);

    const other = await setup(t);
    await roster.request(other.dir, 'GET', '/Users');
    const foreign = (await changeLog(other.dir))[0]!.event_id;
    await assert.rejects(webhooks.replay(endpoint.id, { eventId: foreign }), /has no event/);
  });

  test('the test event is signed like any other, is not in the change log, and its answer is returned', async (t) => {
    const { endpoint, receiver, secret, organizationId } = await setup(t);
    receiver.reply = () => ({ status: 202, body: 'thanks' });
    const outcome = await webhooks.sendTest(endpoint.id);
    assert.deepEqual([outcome.status, outcome.excerpt, outcome.error], [202, 'thanks', null]);
    const event = WebhookReceiver.verify(receiver.received[0]!, secret);
    assert.equal(event.type, 'webhook.test');
    assert.equal(event.organizationId, organizationId);
    assert.equal(event.data.endpointId, endpoint.id);
    assert.equal(await roster.db.selectFrom('changes').select('seq').where('event_id', '=', event.id).executeTakeFirst(), undefined);
  });

  test("an endpoint takes only its event types, and only its directory's events when it names one", async (t) => {
    const { dir, organizationId, receiver: everything } = await setup(t);
    const second = await roster.roster.directories.create('Second', 'entra', organizationId);
    const secondDir = { id: second.directory.id, token: second.token, base: `/scim/v2/${second.directory.id}` };
    const onlyCreates = await webhooks.add({ directoryId: dir.id, url: everything.url('/creates'), eventTypes: ['dsync.user.created'] });
    t.after(() => webhooks.remove(onlyCreates.endpoint.id));
    assert.equal(onlyCreates.endpoint.organizationId, organizationId);

    const user = (await roster.request(dir, 'POST', '/Users', userBody('typed@contoso.com'))).body;
    await roster.request(dir, 'PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'Boss' }));
    await roster.request(secondDir, 'POST', '/Users', userBody('elsewhere@contoso.com'));
    const total = (await changeLog(dir)).length + (await changeLog(secondDir)).length;
    await waitUntil('every event at the organization-wide endpoint', () => everything.received.filter((r) => r.path === '/webhooks').length === total);
    await waitUntil('the create at the filtered endpoint', () => everything.received.some((r) => r.path === '/creates'));
    const filtered = everything.received.filter((r) => r.path === '/creates').map((r) => JSON.parse(r.body));
    assert.deepEqual(
      filtered.map((e) => [e.type, e.directoryId]),
      [['dsync.user.created', dir.id]],
    );
    await assert.rejects(webhooks.add({ directoryId: dir.id, url: everything.url(), eventTypes: ['dsync.user.renamed'] }), /unknown event type dsync\.user\.renamed/);
  });
});

describe('webhook destinations', () => {
  let roster: TestRoster;
  let guarded: WebhookService;

  before(async () => {
    roster = await TestRoster.start();
    guarded = new WebhookService(roster.db, { secrets: () => box, allowPrivateDestinations: false, timeoutMs: TIMEOUT_MS });
  });
  after(() => roster.close());

  test('URLs of private, loopback, link-local and metadata addresses are refused unless allowed', async () => {
    const dir = await roster.directory();
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://[::1]/hook',
      'http://10.1.2.3/hook',
      'http://172.20.0.1/hook',
      'http://192.168.1.10/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[fd00:ec2::254]/hook',
      'http://[fe80::1]/hook',
      'http://100.100.100.200/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[64:ff9b::a9fe:a9fe]/hook',
      'http://0.0.0.0/hook',
    ]) {
      await assert.rejects(guarded.add({ directoryId: dir.id, url }), /private, loopback or link-local/, url);
    }
    await assert.rejects(guarded.add({ directoryId: dir.id, url: 'ftp://example.com/hook' }), /http:\/\/ or https:\/\//);
    await assert.rejects(guarded.add({ directoryId: dir.id, url: 'not a url' }), /is not a URL/);
    const allowed = new WebhookService(roster.db, { secrets: () => box, allowPrivateDestinations: true });
    assert.equal((await allowed.add({ directoryId: dir.id, url: 'http://127.0.0.1:9/hook' })).endpoint.url, 'http://127.0.0.1:9/hook');
  });

  test('sending checks again, at connect time, so a name that now resolves to loopback is refused', async (t) => {
    const receiver = await WebhookReceiver.start();
    t.after(() => receiver.close());
    const dir = await roster.directory();
    const allowed = new WebhookService(roster.db, { secrets: () => box, allowPrivateDestinations: true });
    for (const url of [receiver.url(), receiver.url().replace('127.0.0.1', 'localhost')]) {
      const { endpoint } = await allowed.add({ directoryId: dir.id, url });
      const outcome = await guarded.sendTest(endpoint.id);
      assert.equal(outcome.status, null);
      assert.match(outcome.error!, /private, loopback or link-local/);
    }
    assert.equal(receiver.received.length, 0, 'no request reached the receiver');
  });
});

describe('fan-out', () => {
  test("enqueues no more than a lane can soon send: the rest waits in the change log until the lane drains", async (t) => {
    const roster = await TestRoster.start();
    t.after(() => roster.close());
    const webhooks = new WebhookService(roster.db, { secrets: () => box, allowPrivateDestinations: true });
    const dir = await roster.directory('entra');
    const { organizationId } = await roster.roster.directories.require(dir.id);
    const { endpoint } = await webhooks.add({ organizationId, url: 'http://127.0.0.1:9/never-answered' });
    for (let i = 0; i < 1_600; i++) assert.equal((await roster.request(dir, 'POST', '/Users', userBody(`u${i}@contoso.example`))).status, 201);

    const fanOut = new FanOut(roster.db, roster.connection.dialect);
    const pending = async () =>
      Number((await roster.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('endpoint_id', '=', endpoint.id).where('status', '=', 'pending').executeTakeFirstOrThrow()).n);
    for (let poll = 0; poll < 5; poll++) await fanOut.run();
    assert.equal(await pending(), 1_000, 'filled to the high-water mark (two batches), however many polls');

    // The receiver takes 600 of them: the next poll refills the lane, in sequence order, with nothing skipped.
    const sent = await roster.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', endpoint.id).orderBy('seq').limit(600).execute();
    await roster.db.updateTable('webhook_deliveries').set({ status: 'succeeded' }).where('id', 'in', sent.map((d) => d.id)).execute();
    for (let poll = 0; poll < 5; poll++) await fanOut.run();
    const seqs = (await roster.db.selectFrom('webhook_deliveries').select('seq').where('endpoint_id', '=', endpoint.id).orderBy('seq').execute()).map((d) => Number(d.seq));
    assert.deepEqual(seqs, Array.from({ length: 1_601 }, (_, i) => i + 1), 'every event (the activation and 1,600 creates) enqueued once, in order');
  });
});
