import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuthorityError, parseEntraAuthority, tenantOfIssuer } from '../src/sso/entra-authority.ts';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('the Entra ID authority an admin pastes', () => {
  test('a tenant id, a tenant domain, or an Authority URL of any Microsoft cloud, with or without /v2.0', () => {
    const issuer = `https://login.microsoftonline.com/${TENANT}/v2.0`;
    for (const input of [TENANT, ` ${TENANT.toUpperCase()} `, `https://login.microsoftonline.com/${TENANT}`, `https://login.microsoftonline.com/${TENANT}/`, `https://login.microsoftonline.com/${TENANT}/v2.0`]) {
      assert.deepEqual(parseEntraAuthority(input), { tenant: TENANT, issuer }, input);
    }
    assert.deepEqual(parseEntraAuthority('Contoso.onmicrosoft.com'), { tenant: 'contoso.onmicrosoft.com', issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0' });
    assert.equal(parseEntraAuthority(`https://login.microsoftonline.us/${TENANT}`).issuer, `https://login.microsoftonline.us/${TENANT}/v2.0`);
  });

  test('common, organizations and consumers are refused, as is anything that names no single tenant', () => {
    for (const input of ['common', 'organizations', 'consumers', 'https://login.microsoftonline.com/common/v2.0', 'https://login.microsoftonline.com/Organizations']) {
      assert.throws(() => parseEntraAuthority(input), /lets any Microsoft account in/, input);
    }
    for (const input of ['', 'not a tenant', `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0`, `https://login.microsoftonline.com/${TENANT}?x=1`, 'https://login.microsoftonline.com/', 'ftp://x/y']) {
      assert.throws(() => parseEntraAuthority(input), AuthorityError, input);
    }
  });

  test('plain http only when allowed (tests with a local identity provider)', () => {
    assert.throws(() => parseEntraAuthority(`http://127.0.0.1:8080/${TENANT}`), /https/);
    assert.equal(parseEntraAuthority(`http://127.0.0.1:8080/${TENANT}`, { allowHttp: true }).issuer, `http://127.0.0.1:8080/${TENANT}/v2.0`);
  });

  test("the tenant id is read from a discovered issuer", () => {
    assert.equal(tenantOfIssuer(`https://login.microsoftonline.com/${TENANT.toUpperCase()}/v2.0`), TENANT);
    assert.equal(tenantOfIssuer('https://sts.windows.net/x/'), undefined);
  });
});
