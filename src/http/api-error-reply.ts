import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api/api-error.ts';
import { ScimError } from '../scim/messages/error.ts';

/**
 * Maps any error of an `/api/v1` request to `{ "error": { "code", "message" } }`. A filter the SCIM filter engine
 * refuses is `invalid_filter`; a client mistake Fastify finds keeps its 4xx status; only a fault of Roster's own is a
 * 500, logged with its stack, and its message never reaches the client.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const status = error instanceof ScimError ? error.status : (error as FastifyError)?.statusCode;
  const message = error instanceof ScimError ? error.detail : String((error as Error)?.message);
  if (status === 400) return new ApiError(400, error instanceof ScimError && error.scimType === 'invalidFilter' ? 'invalid_filter' : 'invalid_request', message);
  if (status === 404) return new ApiError(404, 'not_found', message);
  if (typeof status === 'number' && status > 400 && status < 500) return new ApiError(status, 'invalid_request', message);
  return new ApiError(500, 'internal_error', 'internal error: see the Roster log for details');
}

export function sendApiError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const apiError = toApiError(error);
  if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
  if (apiError.status === 401) {
    // RFC 6750 §3.1: a request without credentials gets the challenge alone; one with a bad key is told why.
    reply.header('www-authenticate', request.headers.authorization ? 'Bearer realm="roster", error="invalid_token"' : 'Bearer realm="roster"');
  }
  return reply.code(apiError.status).send(apiError.toJSON());
}
