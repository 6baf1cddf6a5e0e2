import { badRequest } from '../messages/error.ts';
import { findKey, isJsonObject, type JsonObject } from '../resource/json.ts';
import { PATCH_OP_SCHEMA } from '../schema/urns.ts';

export type PatchOpName = 'add' | 'replace' | 'remove';

/** One entry of `Operations`, checked for shape only; the path is resolved against the schema later. */
export interface PatchOperation {
  op: PatchOpName;
  path?: string;
  /** Undefined when the operation has no `value` member (remove usually has none). */
  value?: unknown;
}

const OP_NAMES: readonly PatchOpName[] = ['add', 'replace', 'remove'];

/**
 * Reads a PatchOp message (RFC 7644 §3.5.2). Member names are matched ignoring case (`operations`, `Op`) and so are
 * op names: Entra's legacy dialect sends `"Replace"`. `schemas` must list the PatchOp URN: the RFC requires it and
 * every known client sends it, so its absence means the body is not a PatchOp at all.
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isJsonObject(body)) throw badRequest('invalidSyntax', 'The PATCH body must be a JSON object.');
  const schemas = member(body, 'schemas');
  const lower = PATCH_OP_SCHEMA.toLowerCase();
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === lower)) {
    throw badRequest('invalidSyntax', `The PATCH body must list "${PATCH_OP_SCHEMA}" in "schemas".`);
  }
  const operations = member(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw badRequest('invalidSyntax', 'The PATCH body needs a non-empty "Operations" array.');
  }
  return operations.map(parseOperation);
}

function parseOperation(operation: unknown, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isJsonObject(operation)) throw badRequest('invalidSyntax', `${where} must be a JSON object.`);
  const name = member(operation, 'op');
  const op = OP_NAMES.find((n) => typeof name === 'string' && n === name.toLowerCase());
  if (!op) {
    throw badRequest('invalidSyntax', `${where}.op must be "add", "replace" or "remove", not ${JSON.stringify(name)}.`);
  }
  const path = member(operation, 'path');
  if (path !== undefined && path !== null && typeof path !== 'string') {
    throw badRequest('invalidPath', `${where}.path must be a string.`);
  }
  const value = member(operation, 'value');
  if (op !== 'remove' && value === undefined) throw badRequest('invalidSyntax', `${where} (${op}) needs a "value".`);
  return { op, ...(typeof path === 'string' && { path }), ...(value !== undefined && { value }) };
}

function member(object: JsonObject, name: string): unknown {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}
