import type { FastifyRequest } from 'fastify';
import { invalidRequest } from '../../api/api-error.ts';
import { conflict } from '../../admin/admin-error.ts';
import type { PageRequest } from '../../api/directory-reader.ts';
import type { AuditContext } from '../../admin/audit-log.ts';
import { isStorableText } from '../../scim/storable-text.ts';

export type AdminRequest = FastifyRequest<{
  Params: Record<string, string>;
  Querystring: Record<string, string | string[] | undefined>;
  Body: Record<string, unknown> | undefined;
}>;

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** A query parameter given at most once, as text a database can hold. */
export function parameter(request: AdminRequest, name: string): string | undefined {
  const value = request.query[name];
  if (Array.isArray(value)) throw invalidRequest(`give ${name} once`);
  if (value !== undefined && !isStorableText(value)) throw invalidRequest(`${name} holds U+0000 or a lone surrogate`);
  return value === '' ? undefined : value;
}

export function pageRequest(request: AdminRequest): PageRequest {
  const raw = parameter(request, 'limit') ?? String(DEFAULT_LIMIT);
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT) throw invalidRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
  return { after: parameter(request, 'after'), limit };
}

/** An ISO time parameter, normalized so it compares as text with stored times. */
export function timeParameter(request: AdminRequest, name: string): string | undefined {
  const value = parameter(request, name);
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalidRequest(`${name} must be a date and time, e.g. 2026-11-22T10:00:00Z`);
  return new Date(time).toISOString();
}

/** `after` cursors of newest-first listings are the last id seen. */
export function beforeId(request: AdminRequest): number | undefined {
  const after = parameter(request, 'after');
  if (after === undefined) return undefined;
  if (!/^\d{1,15}$/.test(after)) throw invalidRequest('after must be the `next` of an earlier page');
  return Number(after);
}

export function audit(request: AdminRequest): AuditContext {
  return { principal: request.principal, requestId: String(request.id) };
}

export const body = (request: AdminRequest): Record<string, unknown> => request.body ?? {};

/** An error class of a service whose refusals (a bad name, a private address, a third token) the caller must fix. */
type Refusal = abstract new (...args: never[]) => Error;

/**
 * Runs `work`; an error of one of the `refusals` classes becomes the caller's mistake with its message: 400, or 409
 * when `status` says the refusal is a conflict with the current state. Any other error stays a fault of Roster's.
 */
export async function refusing<T>(refusals: readonly Refusal[], work: () => Promise<T>, status: 400 | 409 = 400): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!refusals.some((refusal) => error instanceof refusal)) throw error;
    throw status === 409 ? conflict((error as Error).message) : invalidRequest((error as Error).message);
  }
}
