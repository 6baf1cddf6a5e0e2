import assert from 'node:assert/strict';
import type { RosterEvent } from '../../src/events/event.ts';
import type { TestRoster } from './roster.ts';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any;
}

/** A GET of the host-app API (`/api/v1` + `path`) with `key` as bearer token (none when undefined). */
export async function apiGet(roster: TestRoster, key: string | undefined, path: string): Promise<ApiResponse> {
  const response = await roster.roster.app.inject({
    method: 'GET',
    url: `/api/v1${path}`,
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });
  return { status: response.statusCode, headers: response.headers, body: response.body ? JSON.parse(response.body) : undefined };
}

/** The answer is the API error `code` with `status`, in the `{ error: { code, message } }` shape. */
export function assertApiError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.equal(res.body.error.code, code);
  assert.equal(typeof res.body.error.message, 'string');
}

/**
 * Pages through `/events?{query}` from `after` until a page comes back empty, as a consumer does; returns every
 * event read and the cursor to continue from.
 */
export async function readEvents(roster: TestRoster, key: string, query: string, after?: string): Promise<{ events: RosterEvent[]; next: string }> {
  const events: RosterEvent[] = [];
  let cursor = after;
  for (;;) {
    const res = await apiGet(roster, key, `/events?${query}${cursor === undefined ? '' : `&after=${cursor}`}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    events.push(...res.body.data);
    cursor = res.body.next;
    if (res.body.data.length === 0) return { events, next: cursor! };
  }
}

/** Every item of a cursor-paged directory listing (`next` null on the last page), checking each page's size. */
export async function readPages(roster: TestRoster, key: string, path: string, limit: number): Promise<any[]> {
  const items: any[] = [];
  let after: string | null = null;
  const separator = path.includes('?') ? '&' : '?';
  do {
    const res = await apiGet(roster, key, `${path}${separator}limit=${limit}${after === null ? '' : `&after=${after}`}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.data.length <= limit);
    if (res.body.next !== null) assert.equal(res.body.data.length, limit, 'only the last page is short');
    items.push(...res.body.data);
    after = res.body.next;
  } while (after !== null);
  return items;
}
