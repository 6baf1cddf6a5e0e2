import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '../scim/messages/error.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/**
 * Maps any error to a SCIM error body (RFC 7644 §3.12). Client mistakes keep their status (malformed JSON 400,
 * too large 413, unsupported media type 415); only a fault of Roster's own is a 500, logged with its stack, and its
 * message never reaches the client.
 */
export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  const e = error as FastifyError;
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ScimError(413, `request body is larger than the limit (${e.message.match(/\d+/)?.[0] ?? 'see /ServiceProviderConfig'} bytes)`);
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new ScimError(415, 'send application/scim+json or application/json');
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ScimError(e.statusCode, e.message, e.statusCode === 400 ? 'invalidSyntax' : undefined);
  }
  return new ScimError(500, 'internal error: see the Roster log for details');
}

export function sendScimError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const scimError = toScimError(error);
  if (scimError.status >= 500) request.log.error({ err: error }, 'request failed');
  // Null for an error Fastify met before any hook ran (a malformed URL): such a request is not a SCIM request.
  if (request.provisioning) request.provisioning.error = scimError.detail;
  if (scimError.status === 401) reply.header('www-authenticate', 'Bearer realm="roster", error="invalid_token"');
  return reply.code(scimError.status).type(SCIM_CONTENT_TYPE).send(scimError.toJSON());
}
