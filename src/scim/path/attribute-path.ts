/**
 * An attribute path as a client wrote it (RFC 7644 §3.10): `[URN ":"] name ["." subAttribute]`. Names keep the
 * client's casing; resolving them against a schema (case-insensitively) is the schema's job.
 */
export interface AttributePath {
  /** The schema URN, when the path was URN-qualified (`urn:…:enterprise:2.0:User:manager.value`). */
  urn?: string;
  /** The attribute name; empty when the path is a bare schema URN (a PATCH may target a whole extension). */
  name: string;
  sub?: string;
}

/**
 * Splits `text` into URN, attribute and sub-attribute. URNs contain dots and colons (`…:enterprise:2.0:User`), so a
 * URN is recognised by the longest known schema URN it starts with, never by splitting on "." — and an unknown URN
 * (a custom extension Entra invented, such as `urn:ietf:params:scim:schemas:extension:2.0:Metadata:costCenter`) is
 * split at its last ":".
 */
export function parseAttributePath(text: string, knownUrns: readonly string[]): AttributePath | undefined {
  if (!/^urn:/i.test(text)) return splitName(text);
  const lower = text.toLowerCase();
  let urn: string | undefined;
  for (const known of knownUrns) {
    const k = known.toLowerCase();
    if ((lower === k || lower.startsWith(`${k}:`)) && (!urn || known.length > urn.length)) urn = known;
  }
  if (urn) {
    if (lower.length === urn.length) return { urn, name: '' };
    const rest = splitName(text.slice(urn.length + 1));
    return rest && { urn, ...rest };
  }
  const colon = text.lastIndexOf(':');
  const rest = splitName(text.slice(colon + 1));
  const unknownUrn = text.slice(0, colon);
  if (!rest || !/^urn:[^:]+:./i.test(unknownUrn)) return undefined;
  return { urn: unknownUrn, ...rest };
}

const NAME = /^\$?[A-Za-z][\w$-]*$/;

function splitName(text: string): AttributePath | undefined {
  const dot = text.indexOf('.');
  const name = dot < 0 ? text : text.slice(0, dot);
  const sub = dot < 0 ? undefined : text.slice(dot + 1);
  if (!NAME.test(name) || (sub !== undefined && !NAME.test(sub))) return undefined;
  return sub === undefined ? { name } : { name, sub };
}

export function formatAttributePath(path: AttributePath): string {
  const local = path.sub ? `${path.name}.${path.sub}` : path.name;
  if (!path.urn) return local;
  return local ? `${path.urn}:${local}` : path.urn;
}
