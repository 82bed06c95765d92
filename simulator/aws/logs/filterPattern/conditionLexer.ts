import {
  CH_AMP,
  CH_APOS,
  CH_DOLLAR,
  CH_DOT,
  CH_LBRACKET,
  CH_LPAREN,
  CH_PERCENT,
  CH_PIPE,
  CH_QUOTE,
  CH_RBRACKET,
  CH_RPAREN,
  CH_STAR,
  isBareValueChar,
  isDigit,
  isOperatorChar,
  isSelectorNameChar,
  isWhitespace,
} from "./chars.js";
import { invalidPattern, invalidTerm } from "./errors.js";
import { readQuoted, readRegex } from "./lexing.js";
import { type CompareOp, isCompareOp } from "./values.js";

// Tokens of the condition language shared by JSON patterns ({ ... }) and the fields of
// space-delimited patterns ([ ... ]).

export type SelectorStep =
  | { readonly kind: "key"; readonly key: string }
  | { readonly kind: "anyKey" }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "anyIndex" };

export interface Selector {
  /** As written in the pattern, e.g. "$.users[0].email". */
  readonly source: string;
  readonly steps: readonly SelectorStep[];
  readonly wildcard: boolean;
}

export type Token =
  | { readonly kind: "(" | ")" | "&&" | "||" }
  | { readonly kind: "op"; readonly op: CompareOp }
  | { readonly kind: "selector"; readonly selector: Selector }
  | { readonly kind: "quoted"; readonly value: string }
  | { readonly kind: "regex"; readonly body: string }
  | { readonly kind: "word"; readonly value: string };

/** AWS quota: "up to one wildcard selector in a property selector". */
export const MAX_WILDCARDS_PER_SELECTOR = 1;

export function lexConditions(src: string, allowSelectors: boolean): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < src.length) {
    const c = src.charCodeAt(pos);
    if (isWhitespace(c)) {
      pos++;
    } else if (c === CH_LPAREN || c === CH_RPAREN) {
      tokens.push({ kind: c === CH_LPAREN ? "(" : ")" });
      pos++;
    } else if (c === CH_AMP || c === CH_PIPE) {
      if (src.charCodeAt(pos + 1) !== c) throw invalidTerm(src.charAt(pos));
      tokens.push({ kind: c === CH_AMP ? "&&" : "||" });
      pos += 2;
    } else if (isOperatorChar(c)) {
      let end = pos + 1;
      while (end < src.length && isOperatorChar(src.charCodeAt(end))) end++;
      const op = src.slice(pos, end);
      if (!isCompareOp(op)) throw invalidPattern();
      tokens.push({ kind: "op", op });
      pos = end;
    } else if (c === CH_QUOTE) {
      const quoted = readQuoted(src, pos);
      tokens.push({ kind: "quoted", value: quoted.value });
      pos = quoted.end;
    } else if (c === CH_PERCENT) {
      const regex = readRegex(src, pos);
      tokens.push({ kind: "regex", body: regex.value });
      pos = regex.end;
    } else if (c === CH_DOLLAR && allowSelectors) {
      const selector = readSelector(src, pos);
      tokens.push({ kind: "selector", selector: selector.selector });
      pos = selector.end;
    } else if (isBareValueChar(c)) {
      let end = pos + 1;
      while (end < src.length && isBareValueChar(src.charCodeAt(end))) end++;
      tokens.push({ kind: "word", value: src.slice(pos, end) });
      pos = end;
    } else {
      throw invalidTerm(String.fromCodePoint(src.codePointAt(pos) ?? c));
    }
  }
  return tokens;
}

function isSelectorEnd(c: number): boolean {
  return (
    Number.isNaN(c) ||
    isWhitespace(c) ||
    isOperatorChar(c) ||
    c === CH_RPAREN ||
    c === CH_AMP ||
    c === CH_PIPE
  );
}

/**
 * `$.a.b`, `$.a[0]`, `$.a[*]`, `$.*`, `$.['key.with.dots']`. An invalid character is reported
 * with the selector text up to and including it, as AWS does (`$."a-b"` -> term `$."`).
 */
function readSelector(src: string, start: number): { selector: Selector; end: number } {
  const steps: SelectorStep[] = [];
  let pos = start + 1;
  // The term reported ends with the offending character, unless that is the end or a space.
  const fail = () => {
    const c = src.charCodeAt(pos);
    return invalidTerm(src.slice(start, Number.isNaN(c) || isWhitespace(c) ? pos : pos + 1));
  };
  if (src.charCodeAt(pos) !== CH_DOT) throw fail();
  for (;;) {
    const c = src.charCodeAt(pos);
    if (c === CH_DOT) {
      pos++;
      const next = src.charCodeAt(pos);
      if (next === CH_STAR) {
        steps.push({ kind: "anyKey" });
        pos++;
      } else if (next === CH_LBRACKET) {
        // `$.['name']`: the bracket step follows on the next turn.
        if (src.charCodeAt(pos + 1) !== CH_APOS) throw fail();
      } else if (isSelectorNameChar(next)) {
        let end = pos + 1;
        while (end < src.length && isSelectorNameChar(src.charCodeAt(end))) end++;
        steps.push({ kind: "key", key: src.slice(pos, end) });
        pos = end;
      } else {
        throw fail();
      }
    } else if (c === CH_LBRACKET) {
      pos++;
      const next = src.charCodeAt(pos);
      if (next === CH_STAR) {
        pos++;
        if (src.charCodeAt(pos) !== CH_RBRACKET) throw fail();
        steps.push({ kind: "anyIndex" });
      } else if (isDigit(next)) {
        let end = pos + 1;
        while (end < src.length && isDigit(src.charCodeAt(end))) end++;
        const index = Number(src.slice(pos, end));
        pos = end;
        if (src.charCodeAt(pos) !== CH_RBRACKET || !Number.isSafeInteger(index)) throw fail();
        steps.push({ kind: "index", index });
      } else if (next === CH_APOS) {
        const close = src.indexOf("'", pos + 1);
        if (close === -1 || close === pos + 1) throw fail();
        const key = src.slice(pos + 1, close);
        pos = close + 1;
        if (src.charCodeAt(pos) !== CH_RBRACKET) throw fail();
        steps.push({ kind: "key", key });
      } else {
        throw fail();
      }
      pos++;
    } else if (isSelectorEnd(c)) {
      break;
    } else {
      throw fail();
    }
  }
  if (steps.length === 0) throw fail();
  const wildcards = steps.filter((s) => s.kind === "anyKey" || s.kind === "anyIndex").length;
  if (wildcards > MAX_WILDCARDS_PER_SELECTOR) throw invalidPattern();
  return { selector: { source: src.slice(start, pos), steps, wildcard: wildcards > 0 }, end: pos };
}
