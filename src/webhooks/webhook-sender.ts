import http from 'node:http';
import https from 'node:https';
import { guardedLookup, refuseLiteralUnlessPublic } from './destination-guard.ts';

/** What the receiver answered to one POST, or why there was no answer. */
export interface PostOutcome {
  /** The HTTP status, or null when no answer came (refused, timed out, connection reset). */
  status: number | null;
  latencyMs: number;
  /** The first bytes of the answer's body (up to RESPONSE_EXCERPT_BYTES), as text. */
  excerpt: string | null;
  error: string | null;
  retryAfter?: string;
  location?: string;
}

const RESPONSE_EXCERPT_BYTES = 1024;
const DEFAULT_TIMEOUT_MS = 10_000;

export interface SenderOptions {
  /** The longest one attempt may take, from connecting to reading the answer's first bytes. */
  timeoutMs?: number;
  /** Let webhooks reach private, loopback and link-local addresses (tests, receivers on the same network). */
  allowPrivateDestinations: boolean;
}

/**
 * POSTs webhook messages: no redirect is followed (node:http never does; a 3xx is the receiver's answer), each
 * attempt has a time limit, and the destination is checked at connect time. Connections are kept alive, so one lane
 * of deliveries to a receiver reuses its connection.
 */
export class WebhookSender {
  readonly timeoutMs: number;
  private readonly allowPrivate: boolean;
  private readonly agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

  constructor(options: SenderOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.allowPrivate = options.allowPrivateDestinations;
  }

  /** Sends `body`; never throws: every failure is an outcome to record. `stop` aborts it (the outcome is then moot). */
  async post(target: string, body: string, headers: Record<string, string>, stop?: AbortSignal): Promise<PostOutcome> {
    const started = performance.now();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const latencyMs = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const url = new URL(target);
      if (!this.allowPrivate) refuseLiteralUnlessPublic(url);
      const answer = await this.request(url, body, headers, stop ? AbortSignal.any([timeout, stop]) : timeout);
      return { ...answer, latencyMs: latencyMs(), error: null };
    } catch (error) {
      const message = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : describe(error);
      return { status: null, latencyMs: latencyMs(), excerpt: null, error: message };
    }
  }

  private request(url: URL, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Omit<PostOutcome, 'latencyMs' | 'error'>> {
    const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
    return new Promise((resolve, reject) => {
      const request = (protocol === 'https:' ? https : http).request(
        url,
        {
          method: 'POST',
          agent: this.agents[protocol],
          signal,
          headers: { 'content-type': 'application/json', 'user-agent': 'Roster-Webhooks/1', 'content-length': Buffer.byteLength(body), ...headers },
          ...(this.allowPrivate ? {} : { lookup: guardedLookup }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          // The status decides the outcome; of the body only the start is kept, and a long one is cut off there.
          const finish = () =>
            resolve({
              status: response.statusCode ?? null,
              excerpt: Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8'),
              ...(typeof response.headers['retry-after'] === 'string' ? { retryAfter: response.headers['retry-after'] } : {}),
              ...(response.headers.location ? { location: response.headers.location } : {}),
            });
          response.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= RESPONSE_EXCERPT_BYTES) response.destroy();
          });
          response.on('error', () => {});
          response.on('close', finish);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = (error as Error).message ?? String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
