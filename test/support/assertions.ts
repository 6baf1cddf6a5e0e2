import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ScimError, type ScimType } from '../../src/scim/messages/error.ts';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** An HTTP answer is the given SCIM error (RFC 7644 §3.12): status, content type, body with status as a string. */
export function assertScimError(res: { status: number; body: any; headers: Record<string, unknown> }, status: number, scimType?: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(String(res.headers['content-type']), /^application\/scim\+json/);
  assert.deepEqual(res.body.schemas, [ERROR_SCHEMA]);
  assert.equal(res.body.status, String(status), 'RFC 7644 §3.12: "status" is the HTTP status code as a string');
  assert.equal(res.body.scimType, scimType);
  assert.equal(typeof res.body.detail, 'string');
}

/** A pure function throws a 400 ScimError with this scimType (and a detail matching `detail`). */
export function rejects(run: () => unknown, scimType: ScimType, detail?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.scimType, scimType);
    if (detail) assert.match(error.detail, detail);
    return true;
  });
}

/** One of the documented Entra requests in test/fixtures/entra/. */
export function entraFixture(file: string): { request: { method: string; path: string; body: any }; response: any } {
  return JSON.parse(readFileSync(new URL(`../fixtures/entra/${file}`, import.meta.url), 'utf8'));
}
