import { findKey, isJsonObject } from './json.ts';

/**
 * A resource's client-owned attributes as stored, with canonical attribute names: core and common attributes at the
 * top level, each extension's attributes in an object under its schema URN (the canonical URN of a known extension,
 * else the URN as the client first sent it). Never holds `id`, `meta`, `schemas` (computed on output), `password`
 * (never stored), User `groups` or Group `members` (membership rows). `externalId` is kept here.
 */
export type ScimDocument = Record<string, unknown>;

/** Where one attribute lives in a document: at the top level (`urn` undefined) or under its extension URN. */
export interface AttributeSlot {
  urn: string | undefined;
  name: string;
}

/**
 * The slot as the document spells it, or undefined when the attribute is absent. Keys match ignoring case, so a
 * custom attribute or URN keeps the casing it was first stored with whatever casing later requests use.
 */
export function storedSlot(doc: ScimDocument, slot: AttributeSlot): AttributeSlot | undefined {
  let urn: string | undefined;
  let container: unknown = doc;
  if (slot.urn !== undefined) {
    urn = findKey(doc, slot.urn);
    if (urn === undefined) return undefined;
    container = doc[urn];
  }
  if (!isJsonObject(container)) return undefined;
  const name = findKey(container, slot.name);
  return name === undefined ? undefined : { urn, name };
}

export function readAttribute(doc: ScimDocument, slot: AttributeSlot): unknown {
  const stored = storedSlot(doc, slot);
  if (!stored) return undefined;
  const container = stored.urn === undefined ? doc : (doc[stored.urn] as ScimDocument);
  return container[stored.name];
}

/**
 * Stores `value` in `slot`, or removes the attribute when `value` is undefined. An extension object left empty is
 * removed too: RFC 7643 §2.5 makes "no value" and "empty" the same state, and output lists every URN key in `schemas`.
 */
export function writeAttribute(doc: ScimDocument, slot: AttributeSlot, value: unknown): void {
  const urn = slot.urn === undefined ? undefined : (findKey(doc, slot.urn) ?? slot.urn);
  const existing = urn === undefined ? doc : doc[urn];
  const container = isJsonObject(existing) ? existing : {};
  if (container !== existing) {
    if (value === undefined) return;
    doc[urn!] = container;
  }
  const name = findKey(container, slot.name) ?? slot.name;
  if (value === undefined) delete container[name];
  else container[name] = value;
  if (urn !== undefined && Object.keys(container).length === 0) delete doc[urn];
}

/** Removes a whole extension object (a PATCH `remove` whose path is the bare extension URN). */
export function removeExtension(doc: ScimDocument, urn: string): void {
  const key = findKey(doc, urn);
  if (key !== undefined) delete doc[key];
}

/** Top-level keys of a document that hold an extension object rather than a core attribute. */
export function isExtensionKey(key: string): boolean {
  return /^urn:/i.test(key);
}
