// A bare node:http server that answers every GET with the same 1 KB JSON document. The benchmark hits it exactly
// like Roster's GET endpoints, so Roster's figures can be read as a fraction of what Node itself manages here.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);

/** About the size of one SCIM user as Roster returns it. */
function fixedDocument(): Buffer {
  const base = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'baseline', userName: 'baseline@example.com', padding: '' };
  const padding = 1024 - Buffer.byteLength(JSON.stringify(base));
  return Buffer.from(JSON.stringify({ ...base, padding: 'x'.repeat(Math.max(0, padding)) }));
}

const body = fixedDocument();

const server = createServer((request, response) => {
  if (request.method !== 'GET') {
    response.writeHead(405, { allow: 'GET' }).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/scim+json', 'content-length': body.length }).end(body);
});

server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`baseline listening on ${typeof address === 'object' && address ? address.port : port}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
