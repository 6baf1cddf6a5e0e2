import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jsonPieces } from '../scim/messages/streamed-json.ts';
import { SCIM_CONTENT_TYPE } from './scim-error-reply.ts';

/** A body that is written within this many characters goes out whole; a longer one is streamed. */
export const WHOLE_BODY_LIMIT = 256 * 1024;

/**
 * Sends a SCIM JSON body, which may hold StreamedArrays (a group's members). The body is written piece by piece
 * (jsonPieces). One that ends within WHOLE_BODY_LIMIT — any user, any group of up to about a thousand members —
 * goes out as one string with a Content-Length, and a failure while writing it is an ordinary error response. A
 * longer one is streamed: what is written so far, then the rest as its chunks are read, at the pace the client
 * reads it, so the server holds about one chunk of members at a time however large the group.
 */
export async function sendScimJson(request: FastifyRequest, reply: FastifyReply, status: number, body: unknown): Promise<FastifyReply> {
  const pieces = jsonPieces(body);
  const written: string[] = [];
  let length = 0;
  while (length <= WHOLE_BODY_LIMIT) {
    const next = await pieces.next();
    if (next.done) return reply.code(status).type(SCIM_CONTENT_TYPE).send(written.join(''));
    written.push(next.value);
    length += next.value.length;
  }
  // Not object mode: the stream then buffers bytes (16 KB), not pieces, before it waits for the client.
  return reply.code(status).type(SCIM_CONTENT_TYPE).send(Readable.from(streamedBody(request, written.join(''), pieces), { objectMode: false }));
}

/**
 * The streamed body. A failure in it (the database gone between two chunks) comes after the status and headers
 * have been sent: the client gets a truncated body, whose chunked encoding never ends, so it cannot take it for a
 * whole one. Fastify logs such a failure only with request logging on, so it is logged here, and noted for the
 * provisioning log (which records the request when its response closes: provisioning-record.ts).
 */
async function* streamedBody(request: FastifyRequest, written: string, pieces: AsyncGenerator<string>): AsyncGenerator<string> {
  yield written;
  try {
    yield* pieces;
  } catch (error) {
    request.log.error({ err: error }, 'response failed after its headers were sent: the client got a truncated body');
    request.provisioning.error = 'internal error while the response was streamed: the body was cut short';
    throw error;
  }
}
