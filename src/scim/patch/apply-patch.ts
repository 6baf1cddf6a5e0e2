import type { Filter } from '../filter/ast.ts';
import { badRequest } from '../messages/error.ts';
import { resolveTarget, type AttributeTarget } from '../resource/attribute-target.ts';
import { bodyEntries } from '../resource/body-entries.ts';
import { changedAttributes } from '../resource/changed-attributes.ts';
import { newExtensionAttributes } from '../resource/custom-attribute.ts';
import { removeExtension, type ScimDocument } from '../resource/document.ts';
import { isJsonObject, type JsonObject } from '../resource/json.ts';
import { assertRequiredAttributes } from '../resource/required-attributes.ts';
import type { ExtensionAttribute, ResourceSchema } from '../schema/resource-schema.ts';
import { addOrReplace } from './add-replace.ts';
import { memberChange, type MemberChange } from './member-changes.ts';
import { parsePatchRequest, type PatchOperation, type PatchOpName } from './patch-request.ts';
import { resolvePatchTarget } from './patch-target.ts';
import { removeValue } from './remove.ts';

export interface PatchResult {
  doc: ScimDocument;
  /** Membership changes in request order (Group only); the caller applies them to membership rows. */
  members: MemberChange[];
  /** Custom extension attributes the schema did not declare, for the caller to register. */
  newExtensionAttributes: ExtensionAttribute[];
  /** Canonical names (`urn:name` for extension attributes) whose value changed; membership changes are not listed. */
  changedAttributes: string[];
}

export interface PatchOptions {
  /** Accept unquoted values in path filters (`members[value eq 1234]`), as Microsoft's documented requests send. */
  lenient?: boolean;
}

interface PatchRun {
  doc: ScimDocument;
  members: MemberChange[];
  inferred: AttributeTarget[];
}

/**
 * Applies a PatchOp message (RFC 7644 §3.5.2) to one resource's document. Atomic: `current` is never mutated, and
 * any invalid operation throws a 400 ScimError before anything is returned, so the caller stores nothing.
 */
export function applyPatch(
  current: ScimDocument,
  body: unknown,
  schema: ResourceSchema,
  options: PatchOptions = {},
): PatchResult {
  const operations = parsePatchRequest(body);
  const run: PatchRun = { doc: structuredClone(current), members: [], inferred: [] };
  for (const operation of operations) applyOperation(run, operation, schema, options.lenient === true);
  assertRequiredAttributes(run.doc, schema, 'mutability');
  return {
    doc: run.doc,
    members: run.members,
    newExtensionAttributes: newExtensionAttributes(run.doc, schema.type, run.inferred),
    changedAttributes: changedAttributes(current, run.doc),
  };
}

function applyOperation(run: PatchRun, operation: PatchOperation, schema: ResourceSchema, lenient: boolean): void {
  const { op, value } = operation;
  const target = resolvePatchTarget(operation.path, schema, lenient);
  switch (target.kind) {
    case 'discard':
      return;
    case 'members':
      addMemberChange(run, memberChange(op, target.filter, value, target.definition));
      return;
    case 'attribute':
      applyToAttribute(run, op, target.target, target.filter, value);
      return;
    case 'resource':
    case 'extension':
      if (op === 'remove') {
        if (target.kind === 'resource') throw badRequest('noTarget', 'A remove operation needs a "path".');
        removeExtension(run.doc, target.urn);
        return;
      }
      if (!isJsonObject(value)) {
        throw badRequest('invalidValue', `Without an attribute path, the ${op} value must be a JSON object of attributes.`);
      }
      applyAttributes(run, op, target.kind === 'resource' ? value : { [target.urn]: value }, schema);
  }
}

/**
 * A path-less add or replace (and one whose path is an extension URN): each key of the value is an attribute, and
 * may be a path — Entra's flag dialect sends `"name.givenName"` and `"urn:…:User:employeeNumber"` keys. RFC 7644
 * §3.5.2.1 calls this value the resource itself, so keys follow the rules of a resource body: unknown and readOnly
 * attributes are skipped (clients echo whole resources, `id` and `meta` included), unlike explicit paths.
 */
function applyAttributes(
  run: PatchRun,
  op: 'add' | 'replace',
  value: JsonObject,
  schema: ResourceSchema,
): void {
  for (const entry of bodyEntries(value, schema)) {
    const resolution = resolveTarget(entry.path, schema);
    if (resolution.kind === 'members' && resolution.sub === undefined) {
      addMemberChange(run, memberChange(op, undefined, entry.value, resolution.definition));
    } else if (resolution.kind === 'attribute') {
      applyToAttribute(run, op, resolution.target, undefined, entry.value);
    }
  }
}

/** Null means "no value" (RFC 7643 §2.5): replacing with it clears the target, adding it adds nothing. */
function applyToAttribute(
  run: PatchRun,
  op: PatchOpName,
  target: AttributeTarget,
  filter: Filter | undefined,
  value: unknown,
): void {
  if (op === 'remove') {
    removeValue(run.doc, target, filter, value);
  } else if (value === null) {
    if (op === 'replace') removeValue(run.doc, target, filter, undefined);
  } else {
    addOrReplace(run.doc, op, target, filter, value);
  }
  if (target.inferred) run.inferred.push(target);
}

function addMemberChange(run: PatchRun, change: MemberChange | undefined): void {
  if (change) run.members.push(change);
}
