// A fast webhook receiver for the benchmark's webhook scenario: it answers every POST 204 as soon as the body is
// read and counts the distinct events by their webhook-id, so a redelivery is not counted twice. Signatures are not
// verified: that is the host app's cost, not Roster's, and it would make this receiver the bottleneck being measured.
// It is a child process of its own, so its work does not share the load generator's event loop. GET returns the counts.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const events = new Set<string>();
let requests = 0;

const server = createServer((request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests, events: events.size }));
    return;
  }
  requests++;
  const id = request.headers['webhook-id'];
  if (typeof id === 'string') events.add(id);
  request.resume().once('end', () => response.writeHead(204).end());
});

server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`webhook receiver listening on ${typeof address === 'object' && address ? address.port : port}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
