import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { SecretBox } from '../src/secrets/secret-box.ts';
import { AdminClient, OPERATOR } from './support/admin-client.ts';
import { assertApiError } from './support/api-client.ts';
import { TestRoster, userBody } from './support/roster.ts';

async function startRoster(): Promise<TestRoster> {
  const key = randomBytes(32);
  return TestRoster.start({ secrets: () => new SecretBox(key), allowPrivateWebhookDestinations: true });
}

/** An organization with one Entra directory, made through the admin API; the directory handle speaks SCIM. */
async function organizationWithDirectory(admin: AdminClient, name: string) {
  const organization = await admin.ok('POST', '/organizations', { name });
  const created = await admin.ok('POST', `/organizations/${organization.id}/directories`, { name: `${name} Entra ID`, provider: 'entra' });
  return { organization, directory: created.directory, handle: { id: created.directory.id, token: created.token, base: `/scim/v2/${created.directory.id}` } };
}

describe('admin sign-in', () => {
  test('an operator signs in with the right password into an HttpOnly SameSite cookie session, and out again', async () => {
    const roster = await startRoster();
    try {
      await roster.roster.admins.create(OPERATOR.username, OPERATOR.password);
      const client = AdminClient.anonymous(roster);
      assertApiError(await client.request('GET', '/organizations'), 401, 'unauthorized');
      assertApiError(await client.request('POST', '/session', { username: OPERATOR.username, password: 'not the password' }), 401, 'unauthorized');
      assertApiError(await client.request('POST', '/session', { username: 'nobody', password: OPERATOR.password }), 401, 'unauthorized');

      const signedIn = await client.request('POST', '/session', { username: 'OPERATOR', password: OPERATOR.password });
      assert.equal(signedIn.status, 200);
      assert.deepEqual(signedIn.body.principal, { kind: 'operator', username: OPERATOR.username });
      const cookie = String(signedIn.headers['set-cookie']);
      assert.match(cookie, /^roster_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/, 'plain http: no Secure, so no __Host- prefix');
      assert.equal((await client.request('GET', '/session')).body.csrfToken, signedIn.body.csrfToken);
      assert.equal((await client.request('GET', '/organizations')).status, 200);

      assert.equal((await client.request('DELETE', '/session')).status, 204);
      assertApiError(await client.request('GET', '/organizations'), 401, 'unauthorized');
      const audit = await roster.db.selectFrom('audit_log').select(['actor', 'action']).orderBy('id').execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['session.sign_in_failed', 'session.sign_in_failed', 'session.signed_in'],
      );
    } finally {
      await roster.close();
    }
  });

  test('over https the cookie is __Host- and Secure', async () => {
    const roster = await startRoster();
    try {
      await roster.roster.admins.create(OPERATOR.username, OPERATOR.password);
      const res = await roster.roster.app.inject({
        method: 'POST',
        url: '/api/admin/session',
        payload: OPERATOR,
        headers: { 'x-forwarded-proto': 'https' },
      });
      // Without trustProxy the forwarded protocol is ignored: the cookie stays plain.
      assert.match(String(res.headers['set-cookie']), /^roster_session=/);
    } finally {
      await roster.close();
    }
    const proxied = await TestRoster.start({ trustProxy: true });
    try {
      await proxied.roster.admins.create(OPERATOR.username, OPERATOR.password);
      const res = await proxied.roster.app.inject({ method: 'POST', url: '/api/admin/session', payload: OPERATOR, headers: { 'x-forwarded-proto': 'https' } });
      assert.match(String(res.headers['set-cookie']), /^__Host-roster_session=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    } finally {
      await proxied.close();
    }
  });

  test('five wrong passwords lock the account: 429 with Retry-After, even for the right password, until the lock ends', async () => {
    const roster = await startRoster();
    try {
      await roster.roster.admins.create(OPERATOR.username, OPERATOR.password);
      const client = AdminClient.anonymous(roster);
      for (let i = 0; i < 5; i++) assertApiError(await client.request('POST', '/session', { ...OPERATOR, password: `guess ${i}` }), 401, 'unauthorized');
      const locked = await client.request('POST', '/session', OPERATOR);
      assertApiError(locked, 429, 'too_many_attempts');
      const wait = Number(locked.headers['retry-after']);
      assert.ok(wait > 0 && wait <= 30, `Retry-After ${wait}`);

      // The lock ends (moved into the past, as 30 s passing would); the right password opens and resets the count.
      await roster.db.updateTable('admins').set({ locked_until: new Date(Date.now() - 1000).toISOString() }).execute();
      assert.equal((await client.request('POST', '/session', OPERATOR)).status, 200);
      const row = await roster.db.selectFrom('admins').select(['failed_attempts', 'locked_until']).executeTakeFirstOrThrow();
      assert.equal(Number(row.failed_attempts), 0);
      assert.equal(row.locked_until, null);
    } finally {
      await roster.close();
    }
  });
});

describe('CSRF', () => {
  test('a state-changing request with the session cookie but without its CSRF token is refused and changes nothing', async () => {
    const roster = await startRoster();
    try {
      const admin = await AdminClient.operator(roster);
      const { organization, directory } = await organizationWithDirectory(admin, 'Contoso');
      assertApiError(await admin.request('POST', '/organizations', { name: 'Forged' }, { csrf: false }), 403, 'csrf_failed');
      assertApiError(await admin.request('DELETE', `/directories/${directory.id}`, undefined, { csrf: false }), 403, 'csrf_failed');
      const wrong = admin.csrfToken;
      admin.csrfToken = 'x'.repeat(43);
      assertApiError(await admin.request('POST', `/directories/${directory.id}/tokens`), 403, 'csrf_failed');
      admin.csrfToken = wrong;
      assert.deepEqual(
        (await admin.ok('GET', '/organizations')).data.map((o: { name: string }) => o.name),
        ['Contoso'],
      );
      assert.equal((await admin.ok('GET', `/organizations/${organization.id}/directories`)).data.length, 1);
      assert.equal((await admin.ok('GET', `/directories/${directory.id}/tokens`)).data.length, 1);
    } finally {
      await roster.close();
    }
  });
});

describe('admin API authorization', () => {
  test("an organization's API key reads and changes its own organization only; others answer 404, operator-only actions 403", async () => {
    const roster = await startRoster();
    try {
      const admin = await AdminClient.operator(roster);
      const mine = await organizationWithDirectory(admin, 'Contoso');
      const theirs = await organizationWithDirectory(admin, 'Fabrikam');
      const theirHook = await admin.ok('POST', `/organizations/${theirs.organization.id}/webhooks`, { url: 'http://127.0.0.1:9/hook' });
      const theirLink = await admin.ok('POST', `/organizations/${theirs.organization.id}/setup-links`, {});
      const { key } = await admin.ok('POST', `/organizations/${mine.organization.id}/api-keys`);
      const theirKey = await admin.ok('POST', `/organizations/${theirs.organization.id}/api-keys`);
      const scripted = AdminClient.withKey(roster, key);

      assert.deepEqual(
        (await scripted.ok('GET', '/organizations')).data.map((o: { id: string }) => o.id),
        [mine.organization.id],
      );
      assert.equal((await scripted.ok('GET', `/directories/${mine.directory.id}`)).id, mine.directory.id);
      await scripted.ok('PUT', `/directories/${mine.directory.id}/rules`, { uniqueEmail: true });

      const other = theirs.directory.id;
      for (const [method, path, body] of [
        ['GET', `/organizations/${theirs.organization.id}`],
        ['GET', `/organizations/${theirs.organization.id}/directories`],
        ['POST', `/organizations/${theirs.organization.id}/directories`, { name: 'Sneaky' }],
        ['GET', `/directories/${other}`],
        ['GET', `/directories/${other}/users`],
        ['GET', `/directories/${other}/log`],
        ['GET', `/directories/${other}/tokens`],
        ['POST', `/directories/${other}/tokens`],
        ['PUT', `/directories/${other}/rules`, { uniqueEmail: true }],
        ['DELETE', `/directories/${other}`],
        ['GET', `/organizations/${theirs.organization.id}/webhooks`],
        ['GET', `/webhooks/${theirHook.endpoint.id}`],
        ['DELETE', `/webhooks/${theirHook.endpoint.id}`],
        ['DELETE', `/setup-links/${theirLink.link.id}`],
        ['DELETE', `/api-keys/${theirKey.record.id}`],
        ['GET', `/audit-log?organization=${theirs.organization.id}`],
      ] as Array<[string, string, unknown?]>) {
        assertApiError(await scripted.request(method, path, body), 404, 'not_found');
      }
      assertApiError(await scripted.request('POST', '/organizations', { name: 'Mine too' }), 403, 'forbidden');

      // Nothing of the other organization changed.
      assert.equal((await admin.ok('GET', `/directories/${other}`)).id, other);
      assert.deepEqual(await admin.ok('GET', `/directories/${other}/rules`), {});
      assert.equal((await admin.ok('GET', `/directories/${other}/tokens`)).data.length, 1);
      assert.equal((await admin.ok('GET', `/webhooks/${theirHook.endpoint.id}`)).enabled, true);
      assert.equal((await admin.ok('GET', `/organizations/${theirs.organization.id}/setup-links`)).data[0].revokedAt, null);
      // Its own audit log shows its own organization's actions only.
      const audit = (await scripted.ok('GET', '/audit-log')).data;
      assert.ok(audit.length > 0);
      assert.ok(audit.every((entry: { organizationId: string }) => entry.organizationId === mine.organization.id));
      assert.equal(audit[0].action, 'rules.updated');
      assert.equal(audit[0].actor, `api-key:${key.slice(0, 'roster_key_'.length + 6)}`);
    } finally {
      await roster.close();
    }
  });

  test('a global API key sees every organization and may create one; a revoked key is refused', async () => {
    const roster = await startRoster();
    try {
      const admin = await AdminClient.operator(roster);
      await organizationWithDirectory(admin, 'Contoso');
      const { key, record } = await roster.roster.apiKeys.create(null);
      const scripted = AdminClient.withKey(roster, key);
      const created = await scripted.request('POST', '/organizations', { name: 'Fabrikam' });
      assert.equal(created.status, 201);
      // What a service refuses is the caller's to fix: 400 with the reason, never a 500.
      const badUrl = await scripted.request('POST', `/organizations/${created.body.id}/webhooks`, { url: 'not a url' });
      assertApiError(badUrl, 400, 'invalid_request');
      assert.match(badUrl.body.error.message, /not a URL/);
      assertApiError(await scripted.request('POST', '/organizations', { name: '   ' }), 400, 'invalid_request');
      assert.deepEqual(
        (await scripted.ok('GET', '/organizations')).data.map((o: { name: string }) => o.name),
        ['Contoso', 'Fabrikam'],
      );
      await roster.roster.apiKeys.revoke(record.id);
      assertApiError(await scripted.request('GET', '/organizations'), 401, 'unauthorized');
    } finally {
      await roster.close();
    }
  });
});

describe('setup links', () => {
  test("a setup link opens its own organization's directories only, and neither webhooks nor other organizations", async () => {
    const roster = await startRoster();
    try {
      const admin = await AdminClient.operator(roster);
      const mine = await organizationWithDirectory(admin, 'Contoso');
      const theirs = await organizationWithDirectory(admin, 'Fabrikam');
      const { link, url } = await admin.ok('POST', `/organizations/${mine.organization.id}/setup-links`, {});
      assert.match(url, /^https:\/\/roster\.test\/portal\/setup#roster_setup_[\w-]{43}$/);
      assert.equal(Date.parse(link.expiresAt) - Date.parse(link.createdAt), 72 * 3_600_000, 'three days by default');

      const { client: customer, res } = await AdminClient.setup(roster, url);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.principal, { kind: 'setup', organizationId: mine.organization.id, organizationName: 'Contoso', expiresAt: link.expiresAt });

      const created = await customer.ok('POST', `/organizations/${mine.organization.id}/directories`, { name: 'Second', provider: 'okta' });
      assert.match(created.token, /^roster_/);
      assert.equal((await customer.ok('GET', `/organizations/${mine.organization.id}/directories`)).data.length, 2);
      await customer.ok('POST', `/directories/${mine.directory.id}/tokens`);

      assertApiError(await customer.request('GET', `/directories/${theirs.directory.id}`), 404, 'not_found');
      assertApiError(await customer.request('POST', `/organizations/${theirs.organization.id}/directories`, { name: 'x' }), 404, 'not_found');
      assertApiError(await customer.request('GET', `/organizations/${mine.organization.id}/webhooks`), 403, 'forbidden');
      assertApiError(await customer.request('POST', `/organizations/${mine.organization.id}/setup-links`, {}), 403, 'forbidden');
      assertApiError(await customer.request('GET', '/audit-log'), 403, 'forbidden');
      assertApiError(await customer.request('POST', '/organizations', { name: 'x' }), 403, 'forbidden');

      const audit = (await admin.ok('GET', `/audit-log?organization=${mine.organization.id}`)).data;
      assert.deepEqual(
        audit.slice(0, 3).map((a: { actor: string; action: string }) => [a.actor, a.action]),
        [
          [`setup-link:${link.prefix}`, 'token.created'],
          [`setup-link:${link.prefix}`, 'directory.created'],
          [`setup-link:${link.prefix}`, 'session.signed_in'],
        ],
      );
    } finally {
      await roster.close();
    }
  });

  test('an expired or revoked setup link is refused, and revoking it ends the sessions it opened', async () => {
    const roster = await startRoster();
    try {
      const admin = await AdminClient.operator(roster);
      const { organization } = await organizationWithDirectory(admin, 'Contoso');
      const expiring = await admin.ok('POST', `/organizations/${organization.id}/setup-links`, { expiresInHours: 1 });
      const { client: early } = await AdminClient.setup(roster, expiring.url);
      assert.equal((await early.request('GET', '/organizations')).status, 200);
      // An hour passes: the link and the session it opened both end with it.
      await roster.db.updateTable('setup_links').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expiring.link.id).execute();
      assertApiError((await AdminClient.setup(roster, expiring.url)).res, 401, 'unauthorized');
      assertApiError(await early.request('GET', '/organizations'), 401, 'unauthorized');

      const revoked = await admin.ok('POST', `/organizations/${organization.id}/setup-links`, {});
      const { client: customer } = await AdminClient.setup(roster, revoked.url);
      assert.equal((await customer.request('GET', '/organizations')).status, 200);
      assert.equal((await admin.request('DELETE', `/setup-links/${revoked.link.id}`)).status, 204);
      assertApiError(await customer.request('GET', '/organizations'), 401, 'unauthorized');
      assertApiError((await AdminClient.setup(roster, revoked.url)).res, 401, 'unauthorized');
      assertApiError((await AdminClient.setup(roster, `${revoked.url}x`)).res, 401, 'unauthorized');
      assertApiError(await admin.request('POST', `/organizations/${organization.id}/setup-links`, { expiresInHours: 721 }), 400, 'invalid_request');
    } finally {
      await roster.close();
    }
  });
});

describe('directories through the admin API', () => {
  test('what Entra sends shows as users, groups, a provisioning log with reasons in plain words, and chart figures', async () => {
    const roster = await startRoster();
    try {
      const admin = await AdminClient.operator(roster);
      const { directory, handle } = await organizationWithDirectory(admin, 'Contoso');
      assert.equal(directory.status, 'waiting');
      assert.equal(directory.entraTenantUrl, `https://roster.test/scim/v2/${directory.id}?aadOptscim062020`);
      await admin.ok('PUT', `/directories/${directory.id}/rules`, { allowedValues: { userType: ['Premium', 'Standard'] } });
      assertApiError(await admin.request('PUT', `/directories/${directory.id}/rules`, { required: ['noSuchAttribute'] }), 400, 'invalid_request');

      const ada = (await roster.request(handle, 'POST', '/Users', userBody('ada@contoso.example', { displayName: 'Ada Lovelace', userType: 'Premium' }))).body.id;
      const bob = (await roster.request(handle, 'POST', '/Users', userBody('bob@contoso.example', { active: false }))).body.id;
      const gold = await roster.request(handle, 'POST', '/Users', userBody('gil@contoso.example', { userType: 'Gold' }));
      assert.equal(gold.status, 400);
      const group = (await roster.request(handle, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineers', members: [{ value: ada }] })).body.id;

      await roster.roster.provisioningLog.flush(); // written in batches, within 200 ms
      const connected = await admin.ok('GET', `/directories/${directory.id}`);
      assert.equal(connected.status, 'connected');
      assert.equal(connected.userCount, 2);
      assert.equal(connected.groupCount, 1);
      assert.ok(connected.lastRequestAt);

      const names = async (query: string) => (await admin.ok('GET', `/directories/${directory.id}/users${query}`)).data.map((u: { userName: string }) => u.userName);
      assert.deepEqual(await names(''), ['ada@contoso.example', 'bob@contoso.example']);
      assert.deepEqual(await names('?search=ADA'), ['ada@contoso.example']);
      assert.deepEqual(await names('?search=Ada%20Love'), ['ada@contoso.example'], 'by displayName');
      assert.deepEqual(await names('?status=deactivated'), ['bob@contoso.example']);
      assert.deepEqual(await names('?status=active&search=b'), []);
      assertApiError(await admin.request('GET', `/directories/${directory.id}/users?filter=${encodeURIComponent('userName eq')}`), 400, 'invalid_filter');
      const user = await admin.ok('GET', `/directories/${directory.id}/users/${ada}`);
      assert.deepEqual(user.groups, [{ id: group, displayName: 'Engineers' }]);
      assert.equal(user.raw.userType, 'Premium');
      assert.deepEqual((await admin.ok('GET', `/directories/${directory.id}/groups/${group}/members`)).data.map((u: { id: string }) => u.id), [ada]);
      assert.notEqual(bob, undefined);

      const failed = await admin.ok('GET', `/directories/${directory.id}/log?failed=true`);
      assert.equal(failed.data.length, 1);
      assert.equal(failed.data[0].status, 400);
      assert.equal(failed.data[0].explanation, "userType 'Gold' is not allowed: use Premium or Standard");
      const log = await admin.ok('GET', `/directories/${directory.id}/log?limit=2`);
      assert.deepEqual(log.data.map((e: { method: string; path: string }) => `${e.method} ${e.path}`), [`POST ${handle.base}/Groups`, `POST ${handle.base}/Users`]);
      const older = await admin.ok('GET', `/directories/${directory.id}/log?limit=2&after=${log.next}`);
      assert.equal(older.data.length, 2);
      assert.equal(older.next, null);
      assert.ok(older.data[0].id < log.data[1].id, 'newest first, across pages');
      assert.equal((await admin.ok('GET', `/directories/${directory.id}/log?user=ADA`)).data.length, 1);

      // A wrong token is in the log too, explained.
      await roster.request({ ...handle, token: 'roster_wrong' }, 'GET', '/Users');
      const refused = (await admin.ok('GET', `/directories/${directory.id}/log?failed=true&limit=1`)).data[0];
      assert.equal(refused.status, 401);
      assert.match(refused.explanation, /Secret Token .* wrong or was revoked/);

      const stats = await admin.ok('GET', `/directories/${directory.id}/stats`);
      assert.equal(stats.requests.length, 24);
      const sum = (key: 'total' | 'failed') => stats.requests.reduce((n: number, hour: Record<string, number>) => n + hour[key]!, 0);
      assert.deepEqual([sum('total'), sum('failed')], [5, 2], 'four creates (one refused) and a wrong token');
      assert.equal(stats.users.length, 30);
      assert.equal(stats.users.at(-1).count, 2);
      assert.equal(stats.users.at(-2).count, 0, 'both were created today');
    } finally {
      await roster.close();
    }
  });

  test('Secret Tokens: shown once, at most two active, revoked ones stop working', async () => {
    const roster = await startRoster();
    try {
      const admin = await AdminClient.operator(roster);
      const { directory, handle } = await organizationWithDirectory(admin, 'Contoso');
      const second = await admin.ok('POST', `/directories/${directory.id}/tokens`);
      assertApiError(await admin.request('POST', `/directories/${directory.id}/tokens`), 409, 'conflict');
      const tokens = (await admin.ok('GET', `/directories/${directory.id}/tokens`)).data;
      assert.equal(tokens.length, 2);
      assert.ok(tokens.every((t: Record<string, unknown>) => !('hash' in t) && !('token' in t)));
      const first = tokens.find((t: { id: string }) => t.id !== second.record.id);
      assert.equal((await admin.request('DELETE', `/directories/${directory.id}/tokens/${first.id}`)).status, 204);
      assert.equal((await roster.request(handle, 'GET', '/Users')).status, 401);
      assert.equal((await roster.request({ ...handle, token: second.token }, 'GET', '/Users')).status, 200);
    } finally {
      await roster.close();
    }
  });

  test('the admin API is described as OpenAPI at /api/docs', async () => {
    const roster = await startRoster();
    try {
      const res = await roster.roster.app.inject({ method: 'GET', url: '/api/docs/json' });
      assert.equal(res.statusCode, 200);
      const document = JSON.parse(res.body);
      assert.match(document.openapi, /^3\./);
      assert.ok(document.paths['/api/admin/organizations/{orgId}/directories'].post.requestBody);
      assert.ok(document.paths['/api/admin/webhooks/{id}/replay']);
      assert.ok(!Object.keys(document.paths).some((path) => path.startsWith('/scim/')), 'SCIM has its own discovery endpoints');
      // And as a page people read, Swagger UI.
      const ui = await roster.roster.app.inject({ method: 'GET', url: '/api/docs' });
      assert.equal(ui.statusCode, 200);
      assert.match(ui.body, /swagger-ui/i);
    } finally {
      await roster.close();
    }
  });
});
