import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse as referenceParse, type Filter as ReferenceFilter } from 'scim2-parse-filter';
import type { CompareOperator, Filter, FilterValue } from '../src/scim/filter/ast.ts';
import { formatFilter } from './support/format-filter.ts';
import { parseFilter } from '../src/scim/filter/parse-filter.ts';
import { ScimError } from '../src/scim/messages/error.ts';
import { formatAttributePath, type AttributePath } from '../src/scim/path/attribute-path.ts';
import { parsePatchPath } from '../src/scim/path/patch-path.ts';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../src/scim/schema/urns.ts';
import { isStorableText } from '../src/scim/storable-text.ts';

const urns = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA];

/** Fragments that steer random input into the parser's corners rather than its first error. */
const fragment = fc.constantFrom(
  ' ', ' ', '(', ')', '[', ']', '"', '\\', '.', ':', '-', '0', '1', 'e', 'eq', 'pr', 'co', 'and', 'or', 'not',
  'true', 'null', 'userName', 'emails', '.value', 'type', '"work"', '"x\\"y"', '"\\u00e9"', '1.5e3', '-7',
  `${ENTERPRISE_USER_SCHEMA}:manager.value`, 'urn:a:b:c', 'jyoung', '2441309d85324e7793ae', '\t', '\u0000', 'é',
);
const randomText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join('')),
  fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join(' ')),
);

function assertOnlyScimErrors(parse: () => unknown, scimType: 'invalidFilter' | 'invalidPath') {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof ScimError, `not a ScimError: ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.scimType, scimType);
  }
}

test('random text either parses or throws a 400 ScimError, never anything else', () => {
  fc.assert(
    fc.property(randomText, fc.boolean(), (text, lenient) => {
      assertOnlyScimErrors(() => parseFilter(text, { urns, lenient }), 'invalidFilter');
      assertOnlyScimErrors(() => parsePatchPath(text, { urns, lenient }), 'invalidPath');
    }),
    { numRuns: 3000 },
  );
});

/** fc.record builds null-prototype objects by default, which deepEqual tells apart from the parser's. */
const plain = { noNullPrototype: true } as const;
const name = fc
  .stringMatching(/^\$?[A-Za-z][\w$-]{0,7}$/)
  .filter((n) => !['and', 'or', 'not'].includes(n.toLowerCase()));
const unknownUrn = fc.stringMatching(/^urn:acme:[a-z0-9.]{1,6}(:[A-Za-z0-9.]{1,6}){0,2}$/);
const urn = fc.oneof(fc.constantFrom(...urns), unknownUrn);
const topPath: fc.Arbitrary<AttributePath> = fc.record({ urn, name, sub: name }, { requiredKeys: ['name'], ...plain });
const collectionPath: fc.Arbitrary<AttributePath> = fc.record({ urn, name }, { requiredKeys: ['name'], ...plain });
const relativePath: fc.Arbitrary<AttributePath> = fc.record({ name }, plain);
const value: fc.Arbitrary<FilterValue> = fc.oneof(
  // U+0000 and lone surrogates are refused by design (storable-text.ts): a filter cannot hold them.
  fc.string({ unit: 'binary', maxLength: 12 }).filter(isStorableText),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const operator = fc.constantFrom<CompareOperator>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');

/** Filters over `path`, with `valuePath` among the leaves at the top level only (value paths cannot nest). */
function filterArbitrary(path: fc.Arbitrary<AttributePath>, valuePath?: fc.Arbitrary<Filter>): fc.Arbitrary<Filter> {
  const leaves: fc.Arbitrary<Filter>[] = [
    fc.record({ kind: fc.constant('compare' as const), op: operator, path, value }, plain),
    fc.record({ kind: fc.constant('present' as const), path }, plain),
    ...(valuePath ? [valuePath] : []),
  ];
  return fc.letrec<{ filter: Filter }>((tie) => ({
    filter: fc.oneof(
      { maxDepth: 5, depthSize: 'small', withCrossShrink: true },
      ...leaves,
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('filter'), right: tie('filter') }, plain),
      fc.record({ kind: fc.constant('not' as const), filter: tie('filter') }, plain),
    ),
  })).filter;
}
const valuePath: fc.Arbitrary<Filter> = fc.record({
  kind: fc.constant('valuePath' as const),
  path: collectionPath,
  filter: filterArbitrary(relativePath),
}, plain);
const anyFilter = filterArbitrary(topPath, valuePath);

test('formatFilter prints any filter so that parseFilter reads back the same AST', () => {
  fc.assert(
    // Strict mode: lenient mode deliberately reads a number printed with an exponent (`5e-324`) as a string.
    fc.property(anyFilter, (filter) => {
      const text = formatFilter(filter);
      assert.deepEqual(parseFilter(text, { urns }), filter, text);
    }),
    { numRuns: 2000 },
  );
});

test('formatFilter output for a few known filters', () => {
  const cases = [
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    'a pr and (b pr and c pr)',
    '(a pr or b pr) and not (c pr)',
    `${ENTERPRISE_USER_SCHEMA}:manager.value eq "x\\"y"`,
    'emails[type eq "work" and value eq -0]',
  ];
  for (const text of cases) assert.equal(formatFilter(parseFilter(text, { urns })), text);
  assert.equal(
    formatFilter(parseFilter('emails[type EQ "work"].value Eq 1E3', { urns })),
    'emails[type eq "work" and value eq 1000]',
  );
});

/** The reference parser's shape, with and/or chains flattened so grouping choices do not matter. */
function flatten(filter: ReferenceFilter): unknown {
  switch (filter.op) {
    case 'and':
    case 'or':
      return {
        op: filter.op,
        filters: filter.filters.flatMap((f) => {
          const flat = flatten(f) as { op: string; filters?: unknown[] };
          return flat.op === filter.op ? flat.filters! : [flat];
        }),
      };
    case 'not':
      return { op: 'not', filter: flatten(filter.filter) };
    case '[]':
      return { op: '[]', attrPath: filter.attrPath, valFilter: flatten(filter.valFilter) };
    default:
      return filter;
  }
}

function toReference(filter: Filter): ReferenceFilter {
  switch (filter.kind) {
    case 'compare':
      return { op: filter.op, attrPath: formatAttributePath(filter.path), compValue: filter.value };
    case 'present':
      return { op: 'pr', attrPath: formatAttributePath(filter.path) };
    case 'and':
    case 'or':
      return { op: filter.kind, filters: [toReference(filter.left), toReference(filter.right)] };
    case 'not':
      return { op: 'not', filter: toReference(filter.filter) };
    case 'valuePath':
      return { op: '[]', attrPath: formatAttributePath(filter.path), valFilter: toReference(filter.filter) };
  }
}

test('agrees with scim2-parse-filter on the RFC filters it handles', () => {
  const filters = [
    'userName eq "bjensen"',
    `name.familyName co "O'Malley"`,
    'userName sw "J"',
    `${USER_SCHEMA}:userName sw "J"`,
    'title pr',
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    'meta.lastModified le "2011-05-13T04:42:34Z"',
    'title pr and userType eq "Employee"',
    'title pr or userType eq "Intern"',
    `schemas eq "${ENTERPRISE_USER_SCHEMA}"`,
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    'userType eq "Employee" and (emails.type eq "work")',
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    'a pr or b pr and c pr',
    'a pr and b pr or c pr and d pr',
    'id eq "G" and members[value eq "U"]',
    // Its tokenizer takes a number only at the very end of the filter.
    'z eq true or w eq null or y eq -1.5',
  ];
  for (const text of filters) {
    assert.deepEqual(flatten(toReference(parseFilter(text, { urns }))), flatten(referenceParse(text)), text);
  }
});
