import type { FastifyInstance } from 'fastify';
import { badRequest } from '../scim/messages/error.ts';

/**
 * Every body is read as JSON whatever its Content-Type (SCIM clients send application/scim+json, application/json
 * and sometimes nothing useful). Malformed JSON is SCIM's 400 `invalidSyntax`, and an empty body is no body.
 */
export function registerJsonBody(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(badRequest('invalidSyntax', `request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
}
