import { badRequest, type ScimError } from '../../scim/messages/error.ts';

/**
 * How a compiler reports an attribute reference it cannot use: a filter answers `invalidFilter` (RFC 7644
 * §3.4.2.2), a sortBy `invalidValue` (the RFC names no type for it; the parameter's value is what is wrong).
 */
export interface Rejecter {
  (detail: string): ScimError;
  /** The request parameter, for messages: "filter" or "sortBy". */
  readonly parameter: string;
}

function rejecter(scimType: 'invalidFilter' | 'invalidValue', parameter: string): Rejecter {
  return Object.assign((detail: string) => badRequest(scimType, `Invalid ${parameter}: ${detail}`), { parameter });
}

export const invalidFilter: Rejecter = rejecter('invalidFilter', 'filter');
export const invalidSortBy: Rejecter = rejecter('invalidValue', 'sortBy');
