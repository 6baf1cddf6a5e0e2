/** The pure parts of webhook delivery: the retry schedule, Retry-After, verdicts, addresses, keys and signatures. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { judge } from '../src/webhooks/attempt-verdict.ts';
import { isPublicAddress } from '../src/webhooks/destination-guard.ts';
import { DEFAULT_RETRY_DELAYS_MS, parseRetryAfter, RETRY_AFTER_LIMIT_MS, RetrySchedule } from '../src/webhooks/retry-schedule.ts';
import { parseSecretKey } from '../src/secrets/secret-key.ts';
import { newSigningSecret, signedHeaders } from '../src/webhooks/signing.ts';
import type { PostOutcome } from '../src/webhooks/webhook-sender.ts';

const HOUR = 3_600_000;
const answer = (status: number | null, extra: Partial<PostOutcome> = {}): PostOutcome => ({ status, latencyMs: 1, excerpt: '', error: null, ...extra });

describe('the retry schedule', () => {
  test('spans about three days, in thirteen attempts', () => {
    const total = DEFAULT_RETRY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0);
    assert.ok(total > 72 * HOUR && total < 80 * HOUR, `${total / HOUR} hours`);
    assert.equal(DEFAULT_RETRY_DELAYS_MS.length + 1, 13);
    assert.deepEqual([...DEFAULT_RETRY_DELAYS_MS].sort((a, b) => a - b), DEFAULT_RETRY_DELAYS_MS, 'never shorter than the wait before');
  });

  test('jitter stays within 20% of each step', () => {
    const low = new RetrySchedule(DEFAULT_RETRY_DELAYS_MS, () => 0);
    const high = new RetrySchedule(DEFAULT_RETRY_DELAYS_MS, () => 1);
    DEFAULT_RETRY_DELAYS_MS.forEach((delay, i) => {
      assert.equal(low.delayAfter(i + 1), Math.round(delay * 0.8));
      assert.equal(high.delayAfter(i + 1), Math.round(delay * 1.2));
    });
    assert.equal(low.delayAfter(DEFAULT_RETRY_DELAYS_MS.length + 1), undefined, 'then it gives up');
  });

  test('Retry-After lengthens a wait, never shortens it, and is capped', () => {
    const schedule = new RetrySchedule([10_000], () => 0.5);
    assert.equal(schedule.delayAfter(1, 60_000), 60_000);
    assert.equal(schedule.delayAfter(1, 0), 10_000);
    assert.equal(schedule.delayAfter(1, 30 * 24 * HOUR), RETRY_AFTER_LIMIT_MS);
  });

  test('Retry-After is read as seconds or as an HTTP date', () => {
    const now = new Date('2025-01-31T09:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Fri, 31 Jan 2025 09:01:30 GMT', now), 90_000);
    assert.equal(parseRetryAfter('Fri, 31 Jan 2025 08:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('judging an attempt', () => {
  const schedule = new RetrySchedule([1000, 2000], () => 0.5);
  const now = new Date('2025-01-31T09:00:00Z');

  test('2xx succeeds, 410 gives up at once, a redirect is a failure that names where it pointed', () => {
    assert.deepEqual(judge(answer(204), 1, schedule, now), { kind: 'succeeded' });
    assert.equal(judge(answer(410), 1, schedule, now).kind, 'give-up');
    const redirect = judge(answer(301, { location: 'https://new.example.com/hook' }), 1, schedule, now);
    assert.equal(redirect.kind, 'retry');
    assert.match((redirect as { error: string }).error, /redirect to https:\/\/new\.example\.com\/hook not followed/);
  });

  test('other failures retry on the schedule, honouring Retry-After, until the attempts are spent', () => {
    assert.deepEqual(judge(answer(503), 1, schedule, now), { kind: 'retry', at: new Date(now.getTime() + 1000), error: null });
    assert.deepEqual(judge(answer(503, { retryAfter: '5' }), 1, schedule, now), { kind: 'retry', at: new Date(now.getTime() + 5000), error: null });
    assert.deepEqual(judge(answer(null, { error: 'ECONNREFUSED' }), 2, schedule, now), { kind: 'retry', at: new Date(now.getTime() + 2000), error: 'ECONNREFUSED' });
    const spent = judge(answer(500), 3, schedule, now);
    assert.equal(spent.kind, 'give-up');
    assert.match((spent as { reason: string }).reason, /no attempt succeeded in 3/);
  });
});

test('public and non-public addresses', () => {
  for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '64:ff9b::808:808']) assert.ok(isPublicAddress(address), address);
  for (const address of [
    '127.0.0.1',
    '10.0.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe',
    'not an address',
  ]) {
    assert.ok(!isPublicAddress(address), address);
  }
});

test('the secret key is 32 bytes, as hex or base64', () => {
  assert.equal(parseSecretKey('ab'.repeat(32)).length, 32);
  assert.equal(parseSecretKey(Buffer.alloc(32, 7).toString('base64')).length, 32);
  assert.throws(() => parseSecretKey('too short'), /must be 32 bytes/);
});

test('signatures follow Standard Webhooks: HMAC-SHA256 of "id.timestamp.body" with the base64 secret', () => {
  const [first, second] = [newSigningSecret(), newSigningSecret()];
  assert.match(first, /^whsec_[A-Za-z0-9+/]{43}=$/);
  const at = new Date();
  const body = '{"type":"dsync.user.created"}';
  const headers = signedHeaders('evt_1', body, [first, second], at);
  assert.equal(headers['webhook-timestamp'], String(Math.floor(at.getTime() / 1000)));
  // Computed here without the library, so a mistake shared by signer and verifier would still show.
  const expected = (secret: string) =>
    `v1,${createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`evt_1.${headers['webhook-timestamp']}.${body}`).digest('base64')}`;
  assert.equal(headers['webhook-signature'], `${expected(first)} ${expected(second)}`);
  assert.deepEqual(new Webhook(second).verify(body, headers), { type: 'dsync.user.created' });
});
