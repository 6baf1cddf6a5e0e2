/** A SCIM client for one directory on a Roster reachable over HTTP (a `roster serve` process), as an IdP is. */
export class ScimClient {
  constructor(
    readonly origin: string,
    readonly directoryId: string,
    private readonly token: string,
  ) {}

  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; etag: string | null }> {
    const res = await fetch(`${this.origin}/scim/v2/${this.directoryId}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, etag: res.headers.get('etag') };
  }
}
