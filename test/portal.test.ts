/**
 * The admin portal end to end, in headless Chromium against a real `roster serve`: an operator signs in, creates an
 * organization and an Entra ID directory, copies its Tenant URL and Secret Token, and a scripted Entra provisioning
 * cycle then sends users and groups to that URL; the users, groups, log entries and webhook deliveries show up in the
 * portal. Also: setup links, a wrong password, and a change without the CSRF token. The run saves screenshots of the
 * main pages to docs/screenshots/.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, laptopContext, launchChromium, screenshot } from './support/browser.ts';
import { CUSTOM_EXTENSION } from './support/provisioning-cycle.ts';
import { ENTERPRISE, GROUP_SCHEMA, patchOp, userBody } from './support/roster.ts';
import { type ListeningRoster, RosterProcess, rosterCommandWithInput } from './support/roster-process.ts';
import { ScimClient } from './support/scim-client.ts';
import { testDialect } from './support/test-database.ts';
import { WebhookReceiver } from './support/webhook-receiver.ts';
import { EntraLikeProvider } from './support/entra-like-provider.ts';
import { HostApp } from './support/host-app.ts';

const OPERATOR = { username: 'operator', password: 'portal test password' };

// The `roster` processes this file starts inherit these: a key for webhook secrets, the receiver on loopback allowed,
// and quick polling so deliveries show up at once.
Object.assign(process.env, {
  ROSTER_SECRET_KEY: randomBytes(32).toString('base64'),
  ROSTER_WEBHOOK_ALLOW_PRIVATE: '1',
  ROSTER_WEBHOOK_POLL_MS: '50',
  // The Entra-like provider of the sign-in test is a local one, over plain http.
  ROSTER_SSO_ALLOW_HTTP: '1',
});

/** What one run of the browser tests shares: the server, its database file, the browser, a webhook receiver. */
let workdir: string;
let database: string;
let server: ListeningRoster;
let browser: Browser;
let receiver: WebhookReceiver;

const skip =
  testDialect === 'postgres'
    ? 'the portal runs once, on SQLite: the admin API tests cover both databases'
    : !chromiumAvailable()
      ? "needs Debian's chromium (apt install chromium; .ci/run installs it)"
      : false;

async function fillSignIn(page: Page, password: string): Promise<void> {
  await page.goto('/portal/login');
  await page.getByLabel('Username').fill(OPERATOR.username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in as the operator and waits for the organizations page it leads to. */
async function signIn(page: Page): Promise<void> {
  await fillSignIn(page, OPERATOR.password);
  await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
}

/** Creates an organization from the organizations page and returns its id, read from the page it opens. */
async function createOrganization(page: Page, name: string): Promise<string> {
  await page.goto('/portal/orgs');
  await page.getByLabel('Organization name').fill(name);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  return new URL(page.url()).pathname.split('/').at(-1)!;
}

/** The database as the server sees it, for what only time would do (expire a link). */
function withDatabase<T>(work: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(database);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

describe('admin portal in Chromium', { skip }, () => {
  before(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'roster-portal-'));
    database = join(workdir, 'roster.db');
    await rosterCommandWithInput(database, OPERATOR.password, 'admin', 'create', '--username', OPERATOR.username, '--password-stdin');
    receiver = await WebhookReceiver.start();
    server = await RosterProcess.start(database);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await receiver?.close();
    rmSync(workdir, { recursive: true, force: true });
  });

  test('a wrong password is refused; the right one signs in', async () => {
    const context = await laptopContext(browser, server.address);
    const page = await context.newPage();
    await fillSignIn(page, 'not the password');
    await page.getByText('Wrong username or password').waitFor();
    await screenshot(page, 'sign-in');
    await page.getByLabel('Password').fill(OPERATOR.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
    await context.close();
  });

  test('the keyboard alone signs in and moves between pages', async () => {
    const context = await laptopContext(browser, server.address);
    const page = await context.newPage();
    await page.goto('/portal/login');
    // The username field takes the focus once the page has rendered: a keyboard user starts typing there.
    await page.waitForFunction(() => document.activeElement?.getAttribute('autocomplete') === 'username');
    await page.keyboard.type(OPERATOR.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OPERATOR.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
    // Tab through the page to the main navigation's "Audit log" link, and follow it with Enter.
    for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Audit log'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await context.close();
  });

  test('from a new organization to a provisioned directory: users, groups, log and webhook deliveries appear', async () => {
    const context = await laptopContext(browser, server.address);
    const page = await context.newPage();
    await signIn(page);
    const organizationId = await createOrganization(page, 'Contoso');

    // A webhook endpoint for the organization, before Entra sends anything: it gets every event.
    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    await page.getByLabel('Endpoint URL').fill(receiver.url('/roster'));
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await page.getByLabel('Signing secret').inputValue();
    assert.match(secret, /^whsec_/);

    await page.goto(`/portal/orgs/${organizationId}`);
    await page.getByLabel('Directory name').fill('Contoso Entra ID');
    await page.getByLabel('Identity provider').selectOption({ label: 'Microsoft Entra ID' });
    await page.getByRole('button', { name: 'Create directory' }).click();

    // The guided page: the Tenant URL (with Entra's flag) and the token, each with a copy button that copies it.
    const tenantUrl = await page.getByLabel('Tenant URL').inputValue();
    assert.match(tenantUrl, new RegExp(`^${server.address}/scim/v2/[0-9a-f-]{36}\\?aadOptscim062020$`));
    const token = await page.getByLabel('Secret Token').inputValue();
    assert.match(token, /^roster_[\w-]{43}$/);
    await page.getByRole('button', { name: 'Copy Tenant URL' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), tenantUrl);
    await page.getByRole('button', { name: 'Copy Secret Token' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
    await page.getByText("Waiting for Entra's first request").waitFor();
    await screenshot(page, 'directory-setup');
    const directoryPath = new URL(page.url()).pathname;

    // An allowed-values rule, set in the rules editor, that one of Entra's users will break.
    await page.getByRole('link', { name: 'Attribute rules' }).click();
    await page.getByRole('button', { name: 'Add rule' }).first().click();
    await page.getByLabel('Attribute path of rule 1').first().fill('userType');
    await page.getByLabel('Values (comma-separated) of rule 1').fill('Premium, Standard');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('Rules saved').waitFor();
    await screenshot(page, 'attribute-rules');

    // Entra's provisioning cycle, sent to the URL and token copied from the page.
    const url = new URL(tenantUrl);
    const scim = new ScimClient(url.origin, url.pathname.split('/').at(-1)!, token);
    assert.equal((await scim.send('GET', `/Users?filter=${encodeURIComponent('userName eq "5b1e5b39-8c34-4f4e-9d8d-6f0b1d1f7a10"')}`)).status, 200);
    const alice = await scim.send('POST', '/Users', {
      ...userBody('alice@contoso.example', { displayName: 'Alice Smith', userType: 'Premium' }),
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE, CUSTOM_EXTENSION],
      emails: [{ primary: true, type: 'work', value: 'alice@contoso.example' }],
      [ENTERPRISE]: { department: 'Research' },
      [CUSTOM_EXTENSION]: { costCenter: 'CC-1001' },
    });
    assert.equal(alice.status, 201);
    const bob = await scim.send('POST', '/Users', userBody('bob@contoso.example', { displayName: 'Bob Jones', userType: 'Standard' }));
    assert.equal(bob.status, 201);
    assert.equal((await scim.send('POST', '/Users', userBody('gil@contoso.example', { userType: 'Gold' }))).status, 400);
    const group = await scim.send('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineers', members: [{ value: alice.body.id }] });
    assert.equal(group.status, 201);
    const added = await scim.send('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: bob.body.id }] }));
    assert.equal(added.status, 204);
    const deactivated = await scim.send('PATCH', `/Users/${bob.body.id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    assert.equal(deactivated.status, 200);

    // The setup page turns to Connected with the counts, on its own.
    await page.goto(directoryPath);
    await page.getByText('Connected').waitFor();
    await page.getByText('2 users · 1 group').waitFor();
    await page.getByRole('img', { name: /Requests in the last 24 hours/ }).waitFor();
    await screenshot(page, 'directory-connected', { fullPage: true });

    await page.getByRole('link', { name: 'Users' }).click();
    const rows = page.getByRole('row');
    await rows.filter({ hasText: 'alice@contoso.example' }).waitFor();
    await rows.filter({ hasText: 'bob@contoso.example' }).waitFor();
    await screenshot(page, 'users');
    await page.getByLabel('Search users').fill('ali');
    await rows.filter({ hasText: 'bob@contoso.example' }).waitFor({ state: 'detached' });
    await page.getByLabel('Search users').fill('');
    await page.getByLabel('Status').selectOption({ label: 'Deactivated' });
    await rows.filter({ hasText: 'alice@contoso.example' }).waitFor({ state: 'detached' });
    await rows.filter({ hasText: 'bob@contoso.example' }).waitFor();
    await page.getByLabel('Status').selectOption({ label: 'All' });
    await page.getByRole('link', { name: 'alice@contoso.example' }).click();
    await page.getByRole('heading', { name: 'Alice Smith' }).waitFor();
    await page.getByRole('definition').filter({ hasText: 'CC-1001' }).waitFor(); // the custom extension attribute
    await page.getByRole('definition').filter({ hasText: 'Research' }).waitFor(); // the enterprise extension
    await page.getByRole('link', { name: 'Engineers' }).waitFor(); // her group
    await screenshot(page, 'user');

    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByRole('link', { name: 'Engineers' }).click();
    await page.getByRole('heading', { name: 'Engineers' }).waitFor();
    await rows.filter({ hasText: 'alice@contoso.example' }).waitFor();
    await rows.filter({ hasText: 'bob@contoso.example' }).waitFor();

    await page.getByRole('link', { name: 'Provisioning log' }).click();
    await rows.filter({ hasText: 'PATCH' }).first().waitFor();
    await page.getByLabel('Failed only').check();
    await page.getByText("userType 'Gold' is not allowed: use Premium or Standard").waitFor();
    await rows.filter({ hasText: 'PATCH' }).first().waitFor({ state: 'detached' });
    await screenshot(page, 'provisioning-log');

    // Every event reached the receiver, signed; the portal lists the deliveries.
    await page.goto(`/portal/orgs/${organizationId}/webhooks`);
    await page.getByRole('link', { name: receiver.url('/roster') }).click();
    const events = ['dsync.directory.activated', 'dsync.user.created', 'dsync.user.created', 'dsync.group.created', 'dsync.group.user_added', 'dsync.group.user_added', 'dsync.user.deactivated'];
    for (let i = 0; i < 100 && receiver.received.length < events.length; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(
      receiver.received.map((r) => (WebhookReceiver.verify(r, secret) as { type: string }).type),
      events,
    );
    await page.getByRole('button', { name: 'Refresh' }).click();
    await rows.filter({ hasText: 'dsync.user.deactivated' }).filter({ hasText: 'succeeded' }).waitFor();
    await screenshot(page, 'webhook');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await rows.filter({ hasText: 'directory.created' }).waitFor();
    await rows.filter({ hasText: 'rules.updated' }).waitFor();
    await screenshot(page, 'audit-log');
    await context.close();
  });

  test('a setup link opens its own organization only, and no longer once expired', async () => {
    const operator = await laptopContext(browser, server.address);
    const page = await operator.newPage();
    await signIn(page);
    const other = await createOrganization(page, 'Fabrikam');
    const organizationId = await createOrganization(page, 'Northwind');
    await page.getByRole('button', { name: 'Create setup link' }).click();
    const link = await page.getByLabel('New setup link').inputValue();
    assert.match(link, new RegExp(`^${server.address}/portal/setup#roster_setup_`));
    await screenshot(page, 'organization');

    const customerContext = await laptopContext(browser, server.address);
    const customer = await customerContext.newPage();
    await customer.goto(link);
    await customer.getByRole('heading', { level: 1, name: 'Northwind' }).waitFor();
    assert.ok(!customer.url().includes('#'), 'the token leaves the address bar');
    await customer.getByLabel('Directory name').fill('Northwind Okta');
    await customer.getByLabel('Identity provider').selectOption({ label: 'Okta' });
    await customer.getByRole('button', { name: 'Create directory' }).click();
    await customer.getByLabel('Secret Token').waitFor();
    await screenshot(customer, 'setup-link');
    // Another organization's page is not there for the customer.
    await customer.goto(`/portal/orgs/${other}`);
    await customer.getByText(/no organization with id/i).waitFor();
    assert.equal(await customer.getByRole('heading', { name: 'Fabrikam' }).count(), 0);

    // The link expires (as 72 hours passing would): it opens nothing any more.
    withDatabase((db) => db.prepare('update setup_links set expires_at = ? where organization_id = ?').run(new Date(Date.now() - 1000).toISOString(), organizationId));
    const laterContext = await laptopContext(browser, server.address);
    const later = await laterContext.newPage();
    await later.goto(link);
    await later.getByText('This setup link is invalid or has expired.').waitFor();
    await Promise.all([operator.close(), customerContext.close(), laterContext.close()]);
  });

  test('a change sent with the session cookie but without the CSRF token is refused', async () => {
    const context = await laptopContext(browser, server.address);
    const page = await context.newPage();
    await signIn(page);
    // What a script on the page (or a form another site posts) can send: the cookie goes along, the token does not.
    const status = await page.evaluate(() =>
      fetch('/api/admin/organizations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Forged' }) }).then((r) => r.status),
    );
    assert.equal(status, 403);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Forged' }).count(), 0);
    assert.equal(withDatabase((db) => db.prepare("select count(*) as n from organizations where name = 'Forged'").get() as { n: number }).n, 0);
    await context.close();
  });

  test('single sign-on: Entra ID connected and an app registered in the portal; a provisioned user signs in to the app through Roster and Entra, and out of all three; a guest signs in with a password', async () => {
    const TENANT = '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
    const ENTRA_APP = { clientId: '6e5d4c3b-2a19-4f8e-9d7c-6b5a49382716', clientSecret: 'entra client secret in the portal' };
    const ADA = { oid: 'a0a0a0a0-0000-4000-8000-0000000000ad', preferredUsername: 'ada@tailspin.example', name: 'Ada Lovelace', email: 'ada@tailspin.example' };
    const idp = await EntraLikeProvider.start({
      tenantId: TENANT,
      clients: [{ clientId: ENTRA_APP.clientId, clientSecret: ENTRA_APP.clientSecret, redirectUris: [`${server.address}/sso/callback`] }],
      accounts: [ADA],
    });
    const context = await laptopContext(browser, server.address);
    let host: HostApp | undefined;
    try {
      const page = await context.newPage();
      await signIn(page);
      const organizationId = await createOrganization(page, 'Tailspin');
      await page.getByLabel('Directory name').fill('Tailspin Entra ID');
      await page.getByRole('button', { name: 'Create directory' }).click();
      const tenantUrl = new URL(await page.getByLabel('Tenant URL').inputValue());
      const scim = new ScimClient(tenantUrl.origin, tenantUrl.pathname.split('/').at(-1)!, await page.getByLabel('Secret Token').inputValue());
      const ada = await scim.send('POST', '/Users', {
        ...userBody(ADA.preferredUsername, { displayName: ADA.name, userType: 'Premium' }),
        emails: [{ primary: true, type: 'work', value: ADA.email }],
      });
      assert.equal(ada.status, 201);

      // The organization's Entra ID connection, as the admin fills it in from the app registration.
      await page.goto(`/portal/orgs/${organizationId}`);
      await page.getByLabel('Application (client) ID').fill(ENTRA_APP.clientId);
      await page.getByLabel('Directory (tenant) ID or Authority').fill(idp.issuer.replace(/\/v2\.0$/, ''));
      await page.getByLabel('Client secret', { exact: true }).fill(ENTRA_APP.clientSecret);
      await page.getByRole('button', { name: 'Save connection' }).click();
      await page.getByText('Connection saved').waitFor();
      assert.equal(await page.getByLabel('Redirect URI (Web platform)').inputValue(), `${server.address}/sso/callback`);
      // Without a secret, Roster signs in as a public client, through the Mobile and desktop platform's redirect URI.
      await page.getByLabel('Without a secret, as a public client (Mobile and desktop applications platform)').check();
      await page.getByRole('button', { name: 'Save connection' }).click();
      const publicUri = page.getByLabel('Redirect URI (Mobile and desktop applications platform)');
      await publicUri.waitFor();
      assert.equal(await publicUri.inputValue(), `${server.address}/sso/callback/public`);
      // Back to the Web platform: the fixture's app registration is a confidential client.
      await page.getByLabel('With a client secret (Web platform)').check();
      await page.getByLabel('Client secret', { exact: true }).fill(ENTRA_APP.clientSecret);
      await page.getByRole('button', { name: 'Save connection' }).click();
      await page.getByLabel('Redirect URI (Web platform)').waitFor();
      await page.getByRole('heading', { name: 'Single sign-on' }).scrollIntoViewIfNeeded();
      await screenshot(page, 'sso-connection');

      // The host app, registered on the Apps page.
      await page.getByRole('link', { name: 'Apps' }).click();
      const issuer = await page.getByLabel('Issuer (OpenID Connect discovery)').inputValue();
      assert.equal(issuer, `${server.address}/oidc`);
      host = await HostApp.listen();
      await page.getByLabel('App name').fill('Tailspin app');
      await page.getByLabel('Redirect URIs (one per line)', { exact: true }).fill(`${host.url}/callback`);
      await page.getByLabel('Post-logout redirect URIs (one per line)').fill(`${host.url}/signed-out`);
      await page.getByRole('button', { name: 'Add app' }).click();
      await host.connect(issuer, await page.getByLabel('Client ID').inputValue(), await page.getByLabel('Client secret').inputValue());

      // Ada opens the app: Roster sends her to Entra (her login method), Entra back to Roster, Roster to the app.
      const visit = await context.newPage();
      await visit.goto(`${host.url}/login?login_hint=${encodeURIComponent(ADA.preferredUsername)}`);
      await visit.getByRole('heading', { name: 'Signed in as Ada Lovelace' }).waitFor();
      await screenshot(visit, 'app-signed-in');
      const claims = host.signIns.at(-1)!;
      assert.equal(claims.sub, ada.body.id);
      assert.equal(claims.organization, organizationId);
      assert.equal(claims.email, ADA.email);
      assert.equal(claims.user_type, 'Premium');

      // She signs out in the app: Roster asks, ends its session, sends her to Entra ID to sign out there, and Entra
      // back through Roster to the app.
      await visit.goto(`${host.url}/logout`);
      await visit.getByRole('button', { name: 'Sign out' }).click();
      await visit.getByRole('heading', { name: 'Signed out' }).waitFor();
      assert.equal(idp.endSessionCalls.length, 1);
      assert.equal(idp.endSessionCalls[0]!.postLogoutRedirectUri, `${server.address}/sso/callback`);

      await page.goto(`/portal/orgs/${organizationId}`);
      // A guest the admin adds in the portal chooses a password from the one-time link, then signs in with it.
      await page.getByLabel('Username').fill('guest@partner.example');
      await page.getByLabel('Display name').fill('Guest Partner');
      await page.getByRole('button', { name: 'Add guest' }).click();
      const link = await page.getByLabel('Password link').inputValue();
      await visit.goto(link);
      await visit.getByLabel('New password (12 characters or more)').fill('guest password 12345');
      await visit.getByRole('button', { name: 'Set password' }).click();
      await visit.getByRole('heading', { name: 'Password set' }).waitFor();
      await visit.goto(`${host.url}/login`);
      await visit.getByLabel('Email or username').fill('guest@partner.example');
      await visit.getByRole('button', { name: 'Continue' }).click();
      await visit.getByLabel('Password').fill('guest password 12345');
      await visit.getByRole('button', { name: 'Sign in' }).click();
      await visit.getByRole('heading', { name: 'Signed in as Guest Partner' }).waitFor();
      assert.equal(host.signIns.at(-1)!.preferred_username, 'guest@partner.example');
    } finally {
      await context.close();
      await host?.close();
      await idp.close();
    }
  });
});
