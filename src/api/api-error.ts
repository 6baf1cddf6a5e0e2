/** What went wrong, for programs: the host app branches on `code`, people read `message`. */
export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_filter'
  | 'invalid_cursor'
  | 'unauthorized'
  | 'forbidden'
  | 'csrf_failed'
  | 'not_found'
  | 'conflict'
  | 'too_many_attempts'
  | 'internal_error';

/** A failure of an `/api/v1` or `/api/admin` request, answered as `{ "error": { "code", "message" } }` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): { error: { code: ApiErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const invalidRequest = (message: string) => new ApiError(400, 'invalid_request', message);
export const invalidCursor = () => new ApiError(400, 'invalid_cursor', 'the cursor is not one this API returned: pass `next` from an earlier page as it is');
/** Whatever the caller may not see does not exist for it: the same 404 as for an id that names nothing. */
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
