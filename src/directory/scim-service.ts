import type { Filter } from '../scim/filter/ast.ts';
import { parseFilter } from '../scim/filter/parse-filter.ts';
import { badRequest, notFound, preconditionFailed, ScimError } from '../scim/messages/error.ts';
import type { ListRequest, Projection } from '../scim/messages/list-request.ts';
import { StreamedArray } from '../scim/messages/streamed-json.ts';
import { applyPatch } from '../scim/patch/apply-patch.ts';
import type { ScimDocument } from '../scim/resource/document.ts';
import { changedAttributes } from '../scim/resource/changed-attributes.ts';
import { normalizeResource } from '../scim/resource/normalize-resource.ts';
import { etagOf, outputMember, outputResource, withMembers } from '../scim/resource/output-resource.ts';
import { parseAttributeList, projectResource, projectValues, type ValuesProjection, wantsAttribute } from '../scim/resource/project-resource.ts';
import { type ExtensionAttribute, ResourceSchema, type ResourceTypeName } from '../scim/schema/resource-schema.ts';
import type { DirectoryRecord } from '../store/directory-store.ts';
import type { StoredResource } from '../store/resource-row.ts';
import type { Mutation, ResourceStore } from '../store/resource-store.ts';
import { enforceRules } from './attribute-rules.ts';
import type { DirectoryService } from './directory-service.ts';
import type { ProviderProfile } from './provider-profile.ts';

/** Everything one request needs to know about its directory, loaded once per request. */
export interface DirectoryContext {
  directory: DirectoryRecord;
  profile: ProviderProfile;
  /** `{public-url}/scim/v2/{directoryId}`: the base of every `location` and `$ref`. */
  baseUrl: string;
  schemas: Record<ResourceTypeName, ResourceSchema>;
}

/** A resource as the HTTP layer sends it. */
export interface ResourceReply {
  /** A group's `members` in it are a StreamedArray, read as jsonPieces writes the body. */
  body: Record<string, unknown>;
  etag: string;
  /** userName or displayName, for the provisioning log. */
  label: string | undefined;
}

export interface ListReply {
  totalResults: number;
  resources: Record<string, unknown>[];
}

const labelOf = (doc: ScimDocument): string | undefined =>
  typeof doc.userName === 'string' ? doc.userName : typeof doc.displayName === 'string' ? doc.displayName : undefined;

/** RFC 7232 If-Match: `*` or a list of entity tags; SCIM's tags are weak, so compare without the `W/`. */
export function checkIfMatch(ifMatch: string | undefined, version: number): void {
  if (!ifMatch) return;
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (tags.includes('*') || tags.includes(etagOf(version).slice(2))) return;
  throw preconditionFailed(`resource has changed: its version is ${etagOf(version)}`);
}

/**
 * The SCIM operations of one directory: turns requests into typed intent with the pure `scim/` modules, enforces the
 * directory's rules, and lets the store apply the result in one transaction.
 */
/**
 * How long an instance trusts its copy of a directory's schemas. Within it, an attribute another instance registered
 * is still handled as an unknown extension attribute (accepted, its type inferred from the value): the same bound as
 * the token cache's.
 */
const SCHEMA_TTL_MS = 1000;
/** Directories whose schemas one instance keeps; past this the cache starts afresh (thousands of directories). */
const SCHEMA_CACHE_MAX = 10_000;

export class ScimService {
  /**
   * Each directory's schemas, read again when this instance registers a new custom extension attribute, or when the
   * copy is older than SCHEMA_TTL_MS: another instance may have registered one meanwhile.
   */
  private readonly schemaCache = new Map<string, { schemas: Record<ResourceTypeName, ResourceSchema>; signature: string; loadedAt: number }>();

  constructor(
    private readonly directories: DirectoryService,
    private readonly store: ResourceStore,
  ) {}

  async context(directory: DirectoryRecord, baseUrl: string): Promise<DirectoryContext> {
    return { directory, profile: this.directories.profile(directory), baseUrl, schemas: await this.schemas(directory.id) };
  }

  /**
   * The directory's User and Group schemas, with the custom extension attributes it has received so far. `fresh`
   * reads them from the database whatever the cache holds: discovery (/Schemas) must list an attribute another
   * instance registered a moment ago.
   */
  async schemas(directoryId: string, { fresh = false } = {}): Promise<Record<ResourceTypeName, ResourceSchema>> {
    const cached = this.schemaCache.get(directoryId);
    if (cached && !fresh && Date.now() - cached.loadedAt < SCHEMA_TTL_MS) return cached.schemas;
    const loadedAt = Date.now();
    const extensions = await this.store.extensionAttributes(directoryId);
    const signature = JSON.stringify(extensions);
    // Unchanged: the same objects, so what is compiled per schema (list statements) stays compiled.
    const schemas =
      cached?.signature === signature ? cached.schemas : { User: ResourceSchema.for('User', extensions), Group: ResourceSchema.for('Group', extensions) };
    if (this.schemaCache.size >= SCHEMA_CACHE_MAX) this.schemaCache.clear();
    this.schemaCache.set(directoryId, { schemas, signature, loadedAt });
    return schemas;
  }

  async get(ctx: DirectoryContext, type: ResourceTypeName, id: string, projection: Projection): Promise<ResourceReply> {
    const stored = await this.store.get(ctx.directory.id, type, id);
    if (!stored) throw notFound(`${type} ${id} not found`);
    return (await this.reply(ctx, type, [stored], projection))[0]!;
  }

  async list(ctx: DirectoryContext, type: ResourceTypeName, request: ListRequest): Promise<ListReply> {
    const schema = ctx.schemas[type];
    const filter = request.filter === undefined ? undefined : this.parseFilter(ctx, type, request.filter);
    const page = await this.store.list(ctx.directory.id, schema, {
      filter,
      sortBy: request.sortBy,
      descending: request.descending,
      startIndex: request.startIndex,
      count: request.count,
    });
    const replies = await this.reply(ctx, type, page.resources, request);
    return { totalResults: page.totalResults, resources: replies.map((r) => r.body) };
  }

  async create(ctx: DirectoryContext, type: ResourceTypeName, body: unknown): Promise<ResourceReply> {
    const { doc, members, newExtensionAttributes } = this.prepare(ctx, type, body);
    let stored: StoredResource;
    try {
      stored = await this.store.create(ctx.directory.id, type, doc, members, this.writeOptions(ctx));
    } catch (error) {
      if (!(error instanceof ScimError && error.status === 409 && type === 'User' && ctx.profile.reactivateOnRecreate)) throw error;
      stored = await this.reactivate(ctx, doc, error);
    }
    await this.register(ctx, newExtensionAttributes);
    return (await this.reply(ctx, type, [stored], {}))[0]!;
  }

  /** Okta re-creates a user it had deactivated: take the new state into the existing (inactive) user. */
  private async reactivate(ctx: DirectoryContext, doc: ScimDocument, conflict: ScimError): Promise<StoredResource> {
    const byUserName: Filter = { kind: 'compare', op: 'eq', path: { name: 'userName' }, value: String(doc.userName) };
    const page = await this.store.list(ctx.directory.id, ctx.schemas.User, { filter: byUserName, startIndex: 1, count: 1 });
    const existing = page.resources[0];
    if (!existing || existing.doc.active !== false) throw conflict;
    const revived = { ...doc, active: doc.active ?? true };
    return this.store.update(
      ctx.directory.id,
      'User',
      existing.id,
      (current) => ({ doc: revived, changedAttributes: changedAttributes(current.doc, revived) }),
      this.writeOptions(ctx),
    );
  }

  async replace(ctx: DirectoryContext, type: ResourceTypeName, id: string, body: unknown, ifMatch: string | undefined): Promise<ResourceReply> {
    const { doc, members, newExtensionAttributes } = this.prepare(ctx, type, body);
    const stored = await this.modify(ctx, type, id, ifMatch, (current) => ({
      doc,
      // PUT replaces the member list only when the body has one: renaming a group must not empty it.
      members: members && [{ op: 'replaceAll', members }],
      changedAttributes: changedAttributes(current.doc, doc),
    }));
    await this.register(ctx, newExtensionAttributes);
    return (await this.reply(ctx, type, [stored], {}))[0]!;
  }

  async patch(
    ctx: DirectoryContext,
    type: ResourceTypeName,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    projection: Projection,
  ): Promise<ResourceReply | { label: string | undefined; etag: string }> {
    const schema = ctx.schemas[type];
    let newExtensions: ExtensionAttribute[] = [];
    const stored = await this.modify(ctx, type, id, ifMatch, (current) => {
      const result = applyPatch(current.doc, body, schema, { lenient: ctx.profile.lenientFilters });
      newExtensions = result.newExtensionAttributes;
      return { doc: this.enforce(ctx, type, result.doc), members: result.members, changedAttributes: result.changedAttributes };
    });
    await this.register(ctx, newExtensions);
    const wantsBody = (type === 'User' ? ctx.profile.patchUserResponse : ctx.profile.patchGroupResponse) === 'resource';
    if (!wantsBody) return { label: labelOf(stored.doc), etag: etagOf(stored.version) };
    return (await this.reply(ctx, type, [stored], projection))[0]!;
  }

  async delete(ctx: DirectoryContext, type: ResourceTypeName, id: string, ifMatch: string | undefined): Promise<string | undefined> {
    let label: string | undefined;
    await this.store.delete(ctx.directory.id, type, id, (current) => {
      checkIfMatch(ifMatch, current.version);
      label = labelOf(current.doc);
    });
    return label;
  }

  /** Read-modify-write of one resource in one transaction, refused with 412 when If-Match names another version. */
  private modify(ctx: DirectoryContext, type: ResourceTypeName, id: string, ifMatch: string | undefined, mutate: (current: StoredResource) => Mutation) {
    return this.store.update(
      ctx.directory.id,
      type,
      id,
      (current) => {
        checkIfMatch(ifMatch, current.version);
        return mutate(current);
      },
      this.writeOptions(ctx),
    );
  }

  parseFilter(ctx: DirectoryContext, type: ResourceTypeName, text: string): Filter {
    return parseFilter(text, { urns: ctx.schemas[type].urns, lenient: ctx.profile.lenientFilters });
  }

  /**
   * A POST or PUT body as a valid document with the directory's rules applied. Custom extension attributes it
   * introduces are registered only once the write has succeeded, so a refused request leaves no trace in /Schemas.
   */
  private prepare(ctx: DirectoryContext, type: ResourceTypeName, body: unknown) {
    const normalized = normalizeResource(body, ctx.schemas[type]);
    return { ...normalized, doc: this.enforce(ctx, type, normalized.doc) };
  }

  private enforce(ctx: DirectoryContext, type: ResourceTypeName, doc: ScimDocument): ScimDocument {
    if (type !== 'User') return doc;
    const rules = this.directories.settings(ctx.directory).rules;
    if (typeof doc.userName !== 'string' || !doc.userName) throw badRequest('invalidValue', 'userName is required');
    return rules ? enforceRules(doc, rules, ctx.schemas.User) : doc;
  }

  private writeOptions(ctx: DirectoryContext) {
    const rules = this.directories.settings(ctx.directory).rules;
    return { uniqueEmail: rules?.uniqueEmail === true, uniqueExternalId: rules?.uniqueExternalId === true };
  }

  /** Records custom extension attributes seen for the first time, so /Schemas lists them from now on. */
  private async register(ctx: DirectoryContext, attributes: ExtensionAttribute[]): Promise<void> {
    if (attributes.length === 0) return;
    await this.store.registerExtensionAttributes(ctx.directory.id, attributes);
    this.schemaCache.delete(ctx.directory.id);
  }

  /**
   * Shapes stored resources into replies, loading computed attributes only when the projection asks for them:
   * `excludedAttributes=members` never reads a membership row. A User's `groups` are loaded for all of them at
   * once; a Group's `members` are left to be read while the reply is written (memberList) — in a list, one group
   * after the other, so a page of large groups holds one chunk of members at a time too.
   */
  private async reply(ctx: DirectoryContext, type: ResourceTypeName, stored: StoredResource[], projection: Projection): Promise<ResourceReply[]> {
    const schema = ctx.schemas[type];
    const attributes = parseAttributeList(projection.attributes, schema);
    const excluded = parseAttributeList(projection.excludedAttributes, schema);
    const projects = attributes.length > 0 || excluded.length > 0;
    const withMemberList = type === 'Group' && wantsAttribute('members', schema, attributes, excluded);
    const memberProjection = withMemberList && projects ? projectValues('members', schema, attributes, excluded) : undefined;
    const groups = type === 'User' && wantsAttribute('groups', schema, attributes, excluded) ? await this.store.groupsOf(stored.map((s) => s.id)) : undefined;
    const endpoint = type === 'User' ? 'Users' : 'Groups';
    return stored.map((s) => {
      const full = outputResource(schema, { ...s, location: `${ctx.baseUrl}/${endpoint}/${s.id}`, groups: groups?.get(s.id) }, ctx.baseUrl);
      const projected = projects ? projectResource(full, schema, attributes, excluded) : full;
      const body = withMemberList ? withMembers(projected, this.memberList(ctx, s.id, memberProjection)) : projected;
      return { body, etag: etagOf(s.version), label: labelOf(s.doc) };
    });
  }

  /**
   * A group's `members` as a reply writes them: read a chunk at a time only once the reply is written (never for a
   * 304), each chunk output and projected as the whole list would be, so nothing holds more than one chunk.
   */
  private memberList(ctx: DirectoryContext, groupId: string, projection: ValuesProjection | undefined): StreamedArray {
    const store = this.store;
    async function* chunks() {
      for await (const chunk of store.members(groupId)) {
        const members = chunk.map((member) => outputMember(member, ctx.baseUrl));
        yield projection ? projection.values(members) : members;
      }
    }
    return new StreamedArray(chunks(), projection ? !projection.keptWhenEmpty : false);
  }
}
