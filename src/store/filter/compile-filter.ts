import { type Expression, sql, type SqlBool } from 'kysely';
import type { CompareOperator, Filter, FilterValue } from '../../scim/filter/ast.ts';
import { formatAttributePath, type AttributePath } from '../../scim/path/attribute-path.ts';
import type { AttributeDefinition } from '../../scim/schema/attribute.ts';
import type { ResourceSchema } from '../../scim/schema/resource-schema.ts';
import type { JsonSql } from '../dialect/json-sql.ts';
import { type DocumentSource, resolveAttributeSource, valueSubAttribute } from './attribute-source.ts';
import { invalidFilter } from './invalid.ts';
import { membershipExists, membershipScalar } from './membership-sql.ts';
import { columnScalar, compareScalar, constantScalar, documentScalar, type Scalar, type ScalarOperator } from './scalar.ts';
import { and, FALSE, not, or, TRUE } from './sql-logic.ts';

export { compileSortKey } from './compile-sort-key.ts';

/** What the paths of a (sub-)filter are relative to. */
type Scope<N> =
  | { kind: 'resource' }
  /** An element of a multi-valued attribute (or the value of a complex one), inside `attribute[...]`. */
  | { kind: 'element'; node: N; attribute: AttributeDefinition; inferred: boolean }
  /** A group_members row, inside `members[...]` or `groups[...]`. */
  | { kind: 'membership'; attribute: AttributeDefinition };

/** The test a filter applies to one attribute. `ne` never gets here: it is compiled as `not eq`. */
type Test = { kind: 'present' } | { kind: 'compare'; op: ScalarOperator; value: string | number | boolean };

const PRESENT: Test = { kind: 'present' };

/**
 * Compiles a SCIM filter (RFC 7644 §3.4.2.2) to a WHERE condition on `resource`, for a query that selects from
 * that table unaliased and already restricts directory_id: `db.selectFrom('users').where('directory_id', '=', d)
 * .where(compileFilter(...))`. Values are always bound parameters.
 *
 * Promoted columns answer what they hold, so equality on userName, externalId, id and a group's displayName is an
 * index probe; membership (`members[value eq "U"]`, `groups.value eq "G"`) is an EXISTS probe on group_members'
 * primary key; everything else is read from the document through `json`.
 *
 * Absent values: a comparison on an absent attribute does not match, and `not` matches whatever its operand does
 * not — so `not (title pr)` finds users without a title. `ne` is `not eq`: an absent attribute is not equal, and
 * on a multi-valued attribute `emails.value ne "x"` means "no email is x". `eq null` means absent, `ne null` present.
 *
 * Throws `invalidFilter` for an unknown core attribute or sub-attribute, an operator the attribute's type does not
 * support (ordering on booleans, any comparison on a complex attribute), and a value of the wrong type. An
 * undeclared custom extension attribute compiles against the document path as written.
 */
export function compileFilter<N>(
  filter: Filter,
  schema: ResourceSchema,
  resource: 'users' | 'groups',
  json: JsonSql<N>,
): Expression<SqlBool> {
  return new FilterCompiler(schema, resource, json).compile(filter, { kind: 'resource' });
}

class FilterCompiler<N> {
  private readonly doc: Expression<string>;

  constructor(
    private readonly schema: ResourceSchema,
    private readonly resource: 'users' | 'groups',
    private readonly json: JsonSql<N>,
  ) {
    this.doc = sql.ref<string>(`${resource}.doc`);
  }

  compile(filter: Filter, scope: Scope<N>): Expression<SqlBool> {
    switch (filter.kind) {
      case 'and':
        return and(this.compile(filter.left, scope), this.compile(filter.right, scope));
      case 'or':
        return or(this.compile(filter.left, scope), this.compile(filter.right, scope));
      case 'not':
        return not(this.compile(filter.filter, scope));
      case 'present':
        return this.test(filter.path, scope, PRESENT);
      case 'compare':
        return this.comparison(filter.op, filter.path, filter.value, scope);
      case 'valuePath':
        return this.valuePath(filter.path, filter.filter, scope);
    }
  }

  private comparison(op: CompareOperator, path: AttributePath, value: FilterValue, scope: Scope<N>): Expression<SqlBool> {
    // RFC 7643 §2.5: null is "unassigned", so `eq null` asks for an absent value.
    if (value === null) {
      if (op === 'eq') return not(this.test(path, scope, PRESENT));
      if (op === 'ne') return this.test(path, scope, PRESENT);
      throw invalidFilter(`"${op} null": only eq and ne compare with null`);
    }
    if (op === 'ne') return not(this.test(path, scope, { kind: 'compare', op: 'eq', value }));
    return this.test(path, scope, { kind: 'compare', op, value });
  }

  private test(path: AttributePath, scope: Scope<N>, test: Test): Expression<SqlBool> {
    switch (scope.kind) {
      case 'resource':
        return this.resourceTest(path, test);
      case 'membership': {
        const sub = this.subAttribute(path, scope.attribute);
        return this.apply(membershipScalar(this.resource, sub, this.json, invalidFilter), test);
      }
      case 'element':
        return this.apply(this.elementScalar(path, scope), test);
    }
  }

  private apply(scalar: Scalar, test: Test): Expression<SqlBool> {
    return test.kind === 'present' ? scalar.present() : compareScalar(scalar, test.op, test.value, this.json, invalidFilter);
  }

  private resourceTest(path: AttributePath, test: Test): Expression<SqlBool> {
    const source = resolveAttributeSource(path, this.schema, this.resource, invalidFilter);
    switch (source.kind) {
      case 'column':
        return this.apply(columnScalar(source), test);
      case 'constant':
        return this.apply(constantScalar(source, this.json), test);
      case 'membership': {
        // The attribute alone stands for its value: `members eq "U"` is `members.value eq "U"` (both members and
        // groups declare `value`).
        const sub = source.sub ?? valueSubAttribute(source.definition)!;
        const scalar = membershipScalar(this.resource, sub, this.json, invalidFilter);
        return membershipExists(this.resource, this.apply(scalar, test));
      }
      case 'document':
        return this.documentTest(source, test);
      case 'schemas':
        return this.schemasTest(test);
      case 'meta':
        if (test.kind === 'present') return TRUE;
        throw invalidFilter('"meta" is complex: compare one of its sub-attributes');
    }
  }

  private documentTest(source: DocumentSource, test: Test): Expression<SqlBool> {
    const { json } = this;
    const { definition, sub, inferred } = source;
    const node = json.at(this.doc, source.keys);
    if (inferred) {
      // Nobody declared it, so it may hold one value or a list (Entra's Split() mappings send lists of strings).
      const at = (n: N) => (sub ? json.member(n, [sub.name]) : n);
      const scalar = (n: N) => documentScalar(json, at(n), sub ?? definition, true);
      return or(this.apply(scalar(node), test), json.someElement(node, (element) => this.apply(scalar(element), test)));
    }
    if (definition.multiValued) {
      if (definition.type !== 'complex') {
        return json.someElement(node, (element) => this.apply(documentScalar(json, element, definition, false), test));
      }
      const elementSub = sub ?? (test.kind === 'present' ? undefined : valueSubAttribute(definition));
      if (!elementSub) {
        if (test.kind === 'present') return json.present(node);
        throw invalidFilter(`"${definition.name}" has no value sub-attribute: compare one of its sub-attributes`);
      }
      return json.someElement(node, (element) =>
        this.apply(documentScalar(json, json.member(element, [elementSub.name]), elementSub, false), test),
      );
    }
    if (definition.type === 'complex' && test.kind === 'present' && !sub) return json.present(node);
    // A single complex attribute with a `value` compares by it, as multi-valued ones do: Entra asks
    // `manager eq "<id>"` for the enterprise manager reference.
    const compared = sub ?? (definition.type === 'complex' ? valueSubAttribute(definition) : undefined);
    if (compared) return this.apply(documentScalar(json, json.member(node, [compared.name]), compared, false), test);
    if (definition.type === 'complex') throw invalidFilter(`"${definition.name}" is complex: compare one of its sub-attributes`);
    return this.apply(documentScalar(json, node, definition, false), test);
  }

  /** `schemas eq "urn"`: true for the core schema, and for an extension when the document holds its attributes. */
  private schemasTest(test: Test): Expression<SqlBool> {
    if (test.kind === 'present') return TRUE;
    if (test.op !== 'eq' || typeof test.value !== 'string') {
      throw invalidFilter('"schemas" supports only eq, ne and pr with a schema URN');
    }
    if (this.schema.isCore(test.value)) return TRUE;
    const extension = this.schema.extension(test.value);
    // An extension the directory has never seen has no attributes in any document.
    return extension ? this.json.present(this.json.at(this.doc, [extension.id])) : FALSE;
  }

  private valuePath(path: AttributePath, filter: Filter, scope: Scope<N>): Expression<SqlBool> {
    const written = formatAttributePath(path);
    if (scope.kind !== 'resource') throw invalidFilter(`value filters cannot be nested ("${written}[...]")`);
    if (path.sub !== undefined) throw invalidFilter(`"${written}[...]": a value filter applies to an attribute, not a sub-attribute`);
    const source = resolveAttributeSource(path, this.schema, this.resource, invalidFilter);
    if (source.kind === 'membership') {
      return membershipExists(this.resource, this.compile(filter, { kind: 'membership', attribute: source.definition }));
    }
    if (source.kind === 'document') {
      const { definition, inferred } = source;
      const node = this.json.at(this.doc, source.keys);
      if (definition.multiValued || inferred) {
        return this.json.someElement(node, (element) =>
          this.compile(filter, { kind: 'element', node: element, attribute: definition, inferred }),
        );
      }
      // RFC 7644 allows a value filter on a single complex attribute too: `name[givenName eq "x"]`.
      if (definition.type === 'complex') return this.compile(filter, { kind: 'element', node, attribute: definition, inferred });
    }
    throw invalidFilter(`"${written}" is neither multi-valued nor complex, so it takes no value filter`);
  }

  /** A path inside `attribute[...]`, read from the element. */
  private elementScalar(path: AttributePath, scope: Extract<Scope<N>, { kind: 'element' }>): Scalar {
    const { json } = this;
    const { node, attribute, inferred } = scope;
    if (attribute.type === 'complex' && !inferred) {
      const sub = this.subAttribute(path, attribute);
      return documentScalar(json, json.member(node, [sub.name]), sub, false);
    }
    this.plainName(path, attribute);
    // An element of a list of plain values is its own `value` (as in the in-memory evaluator for PATCH paths).
    if (path.name.toLowerCase() === 'value') return documentScalar(json, node, attribute, inferred);
    if (inferred) return documentScalar(json, json.member(node, [path.name]), { name: path.name, type: 'string', caseExact: false }, true);
    throw invalidFilter(`"${attribute.name}" holds plain values: inside "${attribute.name}[...]" use "value"`);
  }

  /** The sub-attribute of `attribute` a path inside `attribute[...]` names, matched case-insensitively. */
  private subAttribute(path: AttributePath, attribute: AttributeDefinition): AttributeDefinition {
    this.plainName(path, attribute);
    const lower = path.name.toLowerCase();
    const sub = attribute.subAttributes?.find((s) => s.name.toLowerCase() === lower);
    if (!sub) throw invalidFilter(`unknown sub-attribute "${attribute.name}.${path.name}"`);
    return sub;
  }

  private plainName(path: AttributePath, attribute: AttributeDefinition): void {
    if (path.urn !== undefined || path.sub !== undefined) {
      throw invalidFilter(`inside "${attribute.name}[...]", "${formatAttributePath(path)}" must be a plain sub-attribute name`);
    }
  }
}
