import { evaluateFilter } from '../scim/filter/evaluate.ts';
import { badRequest } from '../scim/messages/error.ts';
import { parsePatchPath, type PatchPath } from '../scim/path/patch-path.ts';
import type { ScimDocument } from '../scim/resource/document.ts';
import type { ResolvedAttribute, ResourceSchema } from '../scim/schema/resource-schema.ts';

/**
 * Per-directory rules for users, on top of the SCIM schema. Paths use PATCH path syntax, so "a work email" is
 * `emails[type eq "work"].value`.
 */
export interface AttributeRules {
  /** Attributes every user must have, e.g. `name.givenName`, `emails[type eq "work"].value`. */
  required?: string[];
  /** No two users of the directory may share an email (primary, else first); enforced by a unique index. */
  uniqueEmail?: boolean;
  /**
   * No two users of the directory may share an externalId; enforced by a unique index. Off by default: Entra's
   * default mapping fills externalId from mailNickname, which a tenant does not always keep unique.
   */
  uniqueExternalId?: boolean;
  /** Allowed values per path, e.g. `{ "userType": ["Premium", "Standard"], "roles.value": ["Admin", "User"] }`. */
  allowedValues?: Record<string, string[]>;
  /** Values set when the attribute is absent, e.g. `{ "userType": "Standard" }`. */
  defaults?: Record<string, unknown>;
}

interface CompiledPath {
  text: string;
  path: PatchPath;
  resolved: ResolvedAttribute;
}

function compilePath(text: string, schema: ResourceSchema): CompiledPath {
  const path = parsePatchPath(text, { urns: schema.urns });
  const resolved = schema.resolve(path.sub ? { ...path.attribute, sub: path.sub } : path.attribute);
  if (!resolved) throw badRequest('invalidPath', `rule path "${text}" names no attribute of the User schema`);
  return { text, path, resolved };
}

/** Checks that every rule names a real attribute; run when rules are saved, so a typo fails at once. */
export function validateRules(rules: AttributeRules, schema: ResourceSchema): void {
  for (const text of [...(rules.required ?? []), ...Object.keys(rules.allowedValues ?? {}), ...Object.keys(rules.defaults ?? {})]) {
    compilePath(text, schema);
  }
}

/** The values a path selects in a document: one for a simple attribute, several across a multi-valued one. */
function valuesAt(doc: ScimDocument, { path, resolved }: CompiledPath): unknown[] {
  const container = resolved.urn ? (doc[resolved.urn] as ScimDocument | undefined) : doc;
  const value = container?.[resolved.definition.name];
  if (value === undefined || value === null) return [];
  const elements = Array.isArray(value) ? value : [value];
  const selected = path.filter
    ? elements.filter((e) => evaluateFilter(path.filter!, e, resolved.definition.subAttributes ?? []))
    : elements;
  const sub = resolved.sub?.name ?? (resolved.definition.multiValued && resolved.definition.type === 'complex' ? 'value' : undefined);
  const values = sub ? selected.map((e) => (e as ScimDocument | null)?.[sub]) : selected;
  return values.filter((v) => v !== undefined && v !== null && v !== '');
}

/** Fills defaults for absent attributes (only plain paths: `userType`, `urn:…:User:department`). */
function withDefaults(doc: ScimDocument, rules: AttributeRules, schema: ResourceSchema): ScimDocument {
  let out = doc;
  for (const [text, value] of Object.entries(rules.defaults ?? {})) {
    const compiled = compilePath(text, schema);
    if (compiled.path.filter || compiled.resolved.sub || valuesAt(out, compiled).length > 0) continue;
    const name = compiled.resolved.definition.name;
    out = compiled.resolved.urn
      ? { ...out, [compiled.resolved.urn]: { ...(out[compiled.resolved.urn] as ScimDocument | undefined), [name]: value } }
      : { ...out, [name]: value };
  }
  return out;
}

/**
 * Applies defaults, then checks required attributes and allowed values. A violation is a 400 `invalidValue` that
 * names the attribute and says what would be accepted, in words an IT admin can act on.
 */
export function enforceRules(doc: ScimDocument, rules: AttributeRules, schema: ResourceSchema): ScimDocument {
  const out = withDefaults(doc, rules, schema);
  for (const text of rules.required ?? []) {
    if (valuesAt(out, compilePath(text, schema)).length === 0) {
      throw badRequest('invalidValue', `${text} is required by this directory's attribute rules`);
    }
  }
  for (const [text, allowed] of Object.entries(rules.allowedValues ?? {})) {
    const compiled = compilePath(text, schema);
    const caseExact = (compiled.resolved.sub ?? compiled.resolved.definition).caseExact;
    const fold = (v: string) => (caseExact ? v : v.toLowerCase());
    const accepted = new Set(allowed.map(fold));
    for (const value of valuesAt(out, compiled)) {
      if (typeof value !== 'string' || !accepted.has(fold(value))) {
        throw badRequest('invalidValue', `${text} '${String(value)}' is not allowed: use ${allowed.join(' or ')}`);
      }
    }
  }
  return out;
}
