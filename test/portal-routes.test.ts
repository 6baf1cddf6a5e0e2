// How Roster serves the built portal: the single-page app's index for any page, hashed assets cached for good, strict
// headers, and a plain answer before the portal is built.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { TestRoster } from './support/roster.ts';

describe('the portal files', () => {
  const root = mkdtempSync(join(tmpdir(), 'roster-portal-files-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('any page answers index.html, not cached, with a strict CSP; hashed assets are cached for good; a missing asset is 404', async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Roster</title><script type="module" src="/portal/assets/index-abc123.js"></script>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    const roster = await TestRoster.start({ portalRoot: root });
    try {
      const get = (url: string) => roster.roster.app.inject({ method: 'GET', url });
      for (const url of ['/portal', '/portal/', '/portal/orgs/123', '/portal/directories/x/users?search=a']) {
        const page = await get(url);
        assert.equal(page.statusCode, 200, url);
        assert.match(page.body, /<title>Roster<\/title>/);
        assert.equal(page.headers['cache-control'], 'no-cache');
        assert.match(String(page.headers['content-security-policy']), /default-src 'self'.*frame-ancestors 'none'/);
        assert.equal(page.headers['referrer-policy'], 'no-referrer');
      }
      const asset = await get('/portal/assets/index-abc123.js');
      assert.equal(asset.statusCode, 200);
      assert.match(String(asset.headers['content-type']), /javascript/);
      assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(asset.headers['x-content-type-options'], 'nosniff');
      assert.equal((await get('/portal/assets/index-old999.js')).statusCode, 404);
      assert.equal((await get('/portal/..%2f..%2fpackage.json')).body.includes('"name": "roster"'), false);
    } finally {
      await roster.close();
    }
  });

  test('before the portal is built, /portal says how to build it', async () => {
    const roster = await TestRoster.start({ portalRoot: join(root, 'not-built') });
    try {
      const page = await roster.roster.app.inject({ method: 'GET', url: '/portal/' });
      assert.equal(page.statusCode, 503);
      assert.match(page.body, /npm run build:portal/);
    } finally {
      await roster.close();
    }
  });
});
