import { ApiError } from '../api/api-error.ts';

export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
export const unauthorized = (message: string) => new ApiError(401, 'unauthorized', message);

/** 429 with the seconds to wait, sent as Retry-After. */
export class TooManyAttempts extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too_many_attempts', `too many wrong passwords: try again in ${retryAfterSeconds} seconds`);
  }
}
