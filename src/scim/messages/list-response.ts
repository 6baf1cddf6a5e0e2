import { LIST_RESPONSE_SCHEMA } from '../schema/urns.ts';

/** RFC 7644 §3.4.2: the envelope of a query's results. */
export function listResponse(totalResults: number, startIndex: number, resources: unknown[]) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
