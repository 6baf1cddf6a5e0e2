import { badRequest } from '../messages/error.ts';
import { formatAttributePath, parseAttributePath, type AttributePath } from '../path/attribute-path.ts';
import type { PatchPath } from '../path/patch-path.ts';
import type { CompareOperator, Filter, FilterValue } from './ast.ts';
import { tokenize, type Token } from './lexer.ts';

export interface ParseOptions {
  /** Schema URNs of the resource type, so that a URN-qualified path splits after the URN and not at a dot in it. */
  urns: readonly string[];
  /** Accept unquoted string values (`externalId eq jyoung`), which Microsoft's documented requests send. */
  lenient?: boolean;
}

/** Filters arrive in query strings on every list request; bound the work and the recursion a client can cause. */
export const MAX_FILTER_LENGTH = 10_000;
export const MAX_NESTING_DEPTH = 50;

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2). `and` binds tighter than `or`, both associate to the left, and
 * `not` applies to a parenthesised filter. Every malformed filter throws `invalidFilter`.
 */
export function parseFilter(text: string, options: ParseOptions): Filter {
  return new FilterParser(text, options, 'invalidFilter').filter();
}

const COMPARE_OPERATORS: ReadonlySet<string> = new Set<CompareOperator>([
  'eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le',
]);
const isCompareOperator = (word: string): word is CompareOperator => COMPARE_OPERATORS.has(word);

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Paths inside `[...]` are relative to the element, so no schema URN applies there. */
const NO_URNS: readonly string[] = [];

/**
 * The recursive-descent parser behind both `parseFilter` and `parsePatchPath`, so that a PATCH path's bracket
 * filter follows exactly the filter grammar. It reads one input, then is discarded.
 */
export class FilterParser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;
  /** Inside `[...]`: paths are sub-attribute names and value filters cannot nest (RFC 7644 §3.4.2.2). */
  private inValueFilter = false;

  constructor(
    text: string,
    private readonly options: ParseOptions,
    private readonly scimType: 'invalidFilter' | 'invalidPath',
  ) {
    if (text.length > MAX_FILTER_LENGTH) {
      throw badRequest(scimType, `Invalid ${this.noun}: longer than ${MAX_FILTER_LENGTH} characters.`);
    }
    this.tokens = tokenize(text, (message, offset) => this.fail(message, offset));
  }

  /** Reads the whole input as a filter. */
  filter(): Filter {
    const filter = this.or();
    if (this.peek().kind !== 'end') {
      this.fail(`expected "and", "or" or the end of the filter but found ${this.describe(this.peek())}`);
    }
    return filter;
  }

  /** Reads the whole input as a PATCH path: an attribute path, optionally with a value filter and sub-attribute. */
  path(): PatchPath {
    const term = this.term();
    if (this.peek().kind !== 'end') this.fail(`unexpected ${this.describe(this.peek())} after the path`);
    return term;
  }

  private get noun(): string {
    return this.scimType === 'invalidFilter' ? 'filter' : 'path';
  }

  /**
   * The next token. The `end` token is never consumed, so the index always points at one. A method, not a getter:
   * TypeScript would keep narrowing a getter's result across calls that advance the index.
   */
  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private or(): Filter {
    let left = this.and();
    while (this.atKeyword('or')) {
      this.index++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Filter {
    let left = this.unary();
    while (this.atKeyword('and')) {
      this.index++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Filter {
    if (this.atKeyword('not')) {
      this.index++;
      if (this.peek().kind !== '(') this.fail(`expected "(" after "not" but found ${this.describe(this.peek())}`);
      return { kind: 'not', filter: this.group('(', ')') };
    }
    if (this.peek().kind === '(') return this.group('(', ')');
    return this.condition();
  }

  /** A filter between `open` and `close`, the current token being `open`. */
  private group(open: '(' | '[', close: ')' | ']'): Filter {
    if (++this.depth > MAX_NESTING_DEPTH) this.fail(`nested more than ${MAX_NESTING_DEPTH} levels deep`);
    this.index++;
    const filter = this.or();
    if (this.peek().kind !== close) {
      this.fail(`expected "${close}" to close "${open}" but found ${this.describe(this.peek())}`);
    }
    this.index++;
    this.depth--;
    return filter;
  }

  private condition(): Filter {
    const start = this.peek().start;
    const { attribute, filter, sub } = this.term();
    if (!attribute.name) this.fail('a schema URN alone is not an attribute', start);
    if (!filter) return this.test(attribute);
    if (sub === undefined) return { kind: 'valuePath', path: attribute, filter };
    // Entra's `emails[type eq "work"].value eq "x"`: the test joins the value filter, so one element must pass both.
    const test = this.test({ name: sub });
    return { kind: 'valuePath', path: attribute, filter: { kind: 'and', left: filter, right: test } };
  }

  /** An attribute path, optionally followed by a value filter and a sub-attribute: `emails[type eq "work"].value`. */
  private term(): PatchPath {
    const token = this.peek();
    if (token.kind !== 'word' || this.atKeyword('and') || this.atKeyword('or')) {
      return this.fail(`expected an attribute path but found ${this.describe(token)}`);
    }
    this.index++;
    const attribute = parseAttributePath(token.text, this.inValueFilter ? NO_URNS : this.options.urns);
    if (!attribute) return this.fail(`"${clip(token.text)}" is not a valid attribute path`, token.start);
    if (this.inValueFilter && (attribute.urn !== undefined || attribute.sub !== undefined)) {
      this.fail(`inside a value filter, "${clip(token.text)}" must be a plain sub-attribute name`, token.start);
    }
    if (this.peek().kind !== '[') return { attribute };
    if (this.inValueFilter) this.fail('value filters cannot be nested');
    if (!attribute.name || attribute.sub !== undefined) {
      this.fail(`a value filter needs a multi-valued attribute, not "${clip(token.text)}"`);
    }
    this.inValueFilter = true;
    const filter = this.group('[', ']');
    this.inValueFilter = false;
    const next = this.peek();
    if (next.kind !== 'word' || !next.text.startsWith('.')) return { attribute, filter };
    this.index++;
    const sub = parseAttributePath(next.text.slice(1), NO_URNS);
    if (!sub || sub.urn !== undefined || sub.sub !== undefined) {
      this.fail(`"${clip(next.text)}" is not a valid sub-attribute`, next.start);
    }
    return { attribute, filter, sub: sub.name };
  }

  /** The operator and value after an attribute path. */
  private test(path: AttributePath): Filter {
    const token = this.peek();
    const operator = token.kind === 'word' ? token.text.toLowerCase() : '';
    if (operator === 'pr') {
      this.index++;
      return { kind: 'present', path };
    }
    if (!isCompareOperator(operator)) {
      const after = clip(formatAttributePath(path));
      const found = this.describe(token);
      return this.fail(`expected an operator (eq ne co sw ew gt ge lt le pr) after "${after}" but found ${found}`);
    }
    this.index++;
    return { kind: 'compare', op: operator, path, value: this.value() };
  }

  private value(): FilterValue {
    const token = this.peek();
    if (token.kind === 'string') {
      this.index++;
      return token.value;
    }
    if (token.kind !== 'word') return this.fail(`expected a value but found ${this.describe(token)}`);
    this.index++;
    const word = token.text;
    // JSON spells these in lower case; operators are case-insensitive and clients carry that over to literals.
    switch (word.toLowerCase()) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'null':
        return null;
    }
    const lenient = this.options.lenient === true;
    if (JSON_NUMBER.test(word)) {
      const number = Number(word);
      if (!lenient) {
        return Number.isFinite(number) ? number : this.fail(`number ${clip(word)} is out of range`, token.start);
      }
      // Unquoted ids are often hex (`2441309e85324`) or huge: a number that would lose digits stays a string.
      if (!/[eE]/.test(word) && (Number.isSafeInteger(number) || word.includes('.'))) return number;
    }
    if (lenient) return word;
    return this.fail(`unquoted value "${clip(word)}"; strings must be in double quotes`, token.start);
  }

  private atKeyword(keyword: 'and' | 'or' | 'not'): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.length === keyword.length && token.text.toLowerCase() === keyword;
  }

  private describe(token: Token): string {
    switch (token.kind) {
      case 'end':
        return `the end of the ${this.noun}`;
      case 'word':
        return `"${clip(token.text)}"`;
      case 'string':
        return `the string ${clip(JSON.stringify(token.value))}`;
      default:
        return `"${token.kind}"`;
    }
  }

  private fail(message: string, offset = this.peek().start): never {
    throw badRequest(this.scimType, `Invalid ${this.noun} at character ${offset + 1}: ${message}.`);
  }
}

/** Keeps error details short when a client sends a huge token. */
function clip(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 40)}…`;
}
