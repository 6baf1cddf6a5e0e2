import type { FastifyInstance } from 'fastify';
import { badRequest } from '../scim/messages/error.ts';
import { findUnstorableText } from '../scim/storable-text.ts';

const MAY_HOLD_UNSTORABLE = /\\u(0000|d[89a-f])/i;

/**
 * Every body is read as JSON whatever its Content-Type (SCIM clients send application/scim+json, application/json
 * and sometimes nothing useful). Malformed JSON is SCIM's 400 `invalidSyntax`, and an empty body is no body.
 */
export function registerJsonBody(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return done(badRequest('invalidSyntax', `request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
    // Only an escape can put U+0000 or a lone surrogate into a parsed string (decoding UTF-8 never yields them), so
    // the walk runs only for bodies that hold such an escape.
    if (MAY_HOLD_UNSTORABLE.test(text) && findUnstorableText(value) !== undefined) {
      return done(badRequest('invalidValue', 'request body holds U+0000 or a lone surrogate (\\uD800-\\uDFFF) in a string'), undefined);
    }
    done(null, value);
  });
}
