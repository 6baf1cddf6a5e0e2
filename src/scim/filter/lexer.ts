/**
 * Tokens of the SCIM filter language (RFC 7644 §3.4.2.2). A word is any run of characters up to whitespace, a bracket,
 * a parenthesis or a quote: attribute paths (`urn:…:2.0:User:manager.value`), operators, keywords, numbers, Entra's
 * unquoted values and the `.value` after a value path's `]` are all words; the parser decides what each one means.
 */
import { isStorableText } from '../storable-text.ts';

export type Token =
  | { kind: '(' | ')' | '[' | ']' | 'end'; start: number }
  | { kind: 'word'; text: string; start: number }
  | { kind: 'string'; value: string; start: number };

/** Raises a syntax error at a 0-based offset; the caller picks the scimType and wording. */
export type SyntaxErrorReporter = (message: string, offset: number) => never;

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (c: number) => c === SPACE || c === TAB || c === LF || c === CR;
const endsWord = (c: number) =>
  isSpace(c) || c === QUOTE || c === OPEN_PAREN || c === CLOSE_PAREN || c === OPEN_BRACKET || c === CLOSE_BRACKET;

export function tokenize(text: string, fail: SyntaxErrorReporter): Token[] {
  // A percent-encoded %00 in the query reaches here as U+0000: no attribute or value can hold it.
  if (!isStorableText(text)) fail('the filter holds U+0000 or a lone surrogate', 0);
  const tokens: Token[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === OPEN_PAREN || c === CLOSE_PAREN || c === OPEN_BRACKET || c === CLOSE_BRACKET) {
      tokens.push({ kind: text[i] as '(' | ')' | '[' | ']', start: i });
      i++;
    } else if (c === QUOTE) {
      const start = i;
      let verbatim = true;
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        if (d === QUOTE) break;
        if (d === BACKSLASH) {
          verbatim = false;
          i++;
        } else if (d < SPACE) {
          verbatim = false;
        }
      }
      if (i >= length) fail('unterminated string', start);
      i++;
      // Most values hold no escape, and slicing them is much cheaper than JSON.parse.
      const value = verbatim ? text.slice(start + 1, i - 1) : decodeString(text.slice(start, i), start, fail);
      tokens.push({ kind: 'string', value, start });
    } else {
      const start = i;
      while (i < length && !endsWord(text.charCodeAt(i))) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), start });
    }
  }
  tokens.push({ kind: 'end', start: length });
  return tokens;
}

/** JSON.parse gives exactly JSON's escape rules (\" \\ \/ \b \f \n \r \t \uXXXX) and rejects raw control characters. */
function decodeString(literal: string, start: number, fail: SyntaxErrorReporter): string {
  let value: string;
  try {
    value = JSON.parse(literal) as string;
  } catch {
    return fail('invalid string (a bad escape or a raw control character)', start);
  }
  return isStorableText(value) ? value : fail('invalid string (U+0000 or a lone surrogate)', start);
}
