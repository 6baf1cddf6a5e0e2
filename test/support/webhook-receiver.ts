import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The `webhook-id` header. */
  id: string;
}

/** How the receiver answers a request: a status (with headers and body), or no answer at all. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1, as a host app runs one: it records every POST and answers as `reply` says,
 * by the request and its arrival number (0-based), so a test can play a receiver that is down, slow or gone.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  reply: (request: ReceivedWebhook, index: number) => Reply = () => ({ status: 200 });
  private readonly hanging = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received = { path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), id: String(request.headers['webhook-id']) };
        const index = receiver.received.push(received) - 1;
        const reply = receiver.reply(received, index);
        if (reply === 'hang') {
          receiver.hanging.add(response);
          return;
        }
        response.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? '');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  url(path = '/webhooks'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** The events received (parsed bodies), in arrival order. */
  events(): any[] {
    return this.received.map((r) => JSON.parse(r.body));
  }

  /** Throws unless `received` is signed with `secret` (Standard Webhooks); returns the verified event. */
  static verify(received: ReceivedWebhook, secret: string): any {
    return new Webhook(secret).verify(received.body, received.headers as Record<string, string>);
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
