import { badRequest } from './error.ts';

/** Query parameters of a list or search (RFC 7644 §3.4.2–3.4.3), after validation. */
export interface ListRequest extends Projection {
  filter?: string;
  sortBy?: string;
  descending: boolean;
  startIndex: number;
  count: number;
}

export interface PagingLimits {
  /** Page size when the client gives no `count`. */
  defaultCount: number;
  /** Largest page; advertised as `filter.maxResults` in /ServiceProviderConfig. */
  maxCount: number;
}

/** An integer parameter, clamped to what a database can bind (a startIndex of 1e300 is simply past the end). */
function integer(name: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(value)) throw badRequest('invalidValue', `${name} must be an integer`);
  return Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, value));
}

function optionalString(name: string, raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw)) return raw.map((v) => optionalString(name, v)).join(',');
  if (typeof raw !== 'string') throw badRequest('invalidValue', `${name} must be a string`);
  return raw;
}

/** `attributes` / `excludedAttributes` of a request for one resource (RFC 7644 §3.9). */
export interface Projection {
  attributes?: string;
  excludedAttributes?: string;
}

export function parseProjection(params: Record<string, unknown>): Projection {
  const get = parameterReader(params);
  return {
    attributes: optionalString('attributes', get('attributes')),
    excludedAttributes: optionalString('excludedAttributes', get('excludedAttributes')),
  };
}

/** Parameter names are case-insensitive in a SearchRequest body, and read the same way from a query string. */
function parameterReader(params: Record<string, unknown>) {
  return (name: string) => {
    const key = Object.keys(params).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : params[key];
  };
}

/**
 * Reads list parameters from a query string or a SearchRequest body (names case-insensitive there too). Out-of-range
 * values are clamped as RFC 7644 §3.4.2.4 says: startIndex < 1 means 1, a negative count means 0, and a count above
 * the maximum gets the maximum.
 */
export function parseListRequest(params: Record<string, unknown>, limits: PagingLimits): ListRequest {
  const get = parameterReader(params);
  const sortOrder = optionalString('sortOrder', get('sortOrder'))?.toLowerCase();
  if (sortOrder && sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw badRequest('invalidValue', 'sortOrder must be "ascending" or "descending"');
  }
  const startIndex = Math.max(1, integer('startIndex', get('startIndex')) ?? 1);
  const count = Math.min(limits.maxCount, Math.max(0, integer('count', get('count')) ?? limits.defaultCount));
  return {
    filter: optionalString('filter', get('filter')),
    sortBy: optionalString('sortBy', get('sortBy')),
    descending: sortOrder === 'descending',
    startIndex,
    count,
    ...parseProjection(params),
  };
}
