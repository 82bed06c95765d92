import { CH_MINUS, CH_PERCENT, CH_QUESTION, CH_QUOTE, isWhitespace, isWordChar } from "./chars.js";
import type { PatternStats } from "./comparison.js";
import { invalidPattern, invalidTerm } from "./errors.js";
import { readQuoted, readRegex } from "./lexing.js";
import { compileRegex } from "./regex.js";

/** One term of a text pattern: a bare word, a "quoted phrase" or a %regex%. */
interface Term {
  readonly prefix: "" | "?" | "-";
  /** Substring to look for, or null for a regex term. */
  readonly text: string | null;
  readonly regex: RegExp | null;
  /** `""` and `" "` match every message. */
  readonly matchesAll: boolean;
}

export interface UnstructuredMatcher {
  readonly matchesEverything: boolean;
  test(message: string): boolean;
}

function charAt(src: string, pos: number): string {
  return String.fromCodePoint(src.codePointAt(pos) ?? 0);
}

function lexTerms(pattern: string, stats: PatternStats): Term[] {
  const terms: Term[] = [];
  let pos = 0;
  while (pos < pattern.length) {
    let c = pattern.charCodeAt(pos);
    if (isWhitespace(c)) {
      pos++;
      continue;
    }
    let prefix: Term["prefix"] = "";
    if (c === CH_QUESTION || c === CH_MINUS) {
      prefix = c === CH_QUESTION ? "?" : "-";
      pos++;
      c = pattern.charCodeAt(pos);
      // A prefix must stick to its term: "ERROR - Exiting" has a dangling "-".
      if (pos >= pattern.length || isWhitespace(c)) throw invalidPattern();
    }
    let term: Term;
    if (c === CH_QUOTE) {
      const quoted = readQuoted(pattern, pos);
      pos = quoted.end;
      const matchesAll = quoted.value.trim() === "";
      term = { prefix, text: quoted.value, regex: null, matchesAll };
    } else if (c === CH_PERCENT) {
      const regex = readRegex(pattern, pos);
      pos = regex.end;
      stats.regexCount++;
      term = { prefix, text: null, regex: compileRegex(regex.value), matchesAll: false };
    } else if (isWordChar(c)) {
      let end = pos + 1;
      while (end < pattern.length && isWordChar(pattern.charCodeAt(end))) end++;
      term = { prefix, text: pattern.slice(pos, end), regex: null, matchesAll: false };
      pos = end;
    } else {
      throw invalidTerm(charAt(pattern, pos));
    }
    // Characters other than letters, digits and `_` need quotes ("Status:" -> term ':').
    if (pos < pattern.length && !isWhitespace(pattern.charCodeAt(pos))) {
      throw invalidTerm(charAt(pattern, pos));
    }
    terms.push(term);
  }
  return terms;
}

function termTest(term: Term, message: string): boolean {
  if (term.matchesAll) return true;
  return term.regex !== null ? term.regex.test(message) : message.includes(term.text ?? "");
}

/**
 * Terms match anywhere in the message (substrings, case sensitive). All plain terms must match
 * and no `-` term may; `?` terms alone form an OR, and are ignored next to other terms.
 */
export function compileUnstructured(pattern: string, stats: PatternStats): UnstructuredMatcher {
  const terms = lexTerms(pattern, stats);
  const optional = terms.filter((t) => t.prefix === "?");
  const others = terms.filter((t) => t.prefix !== "?");
  if (others.length === 0 && optional.length > 0) {
    const matchesEverything = optional.some((t) => t.matchesAll);
    return {
      matchesEverything,
      test: (message) => {
        for (const term of optional) if (termTest(term, message)) return true;
        return false;
      },
    };
  }
  const required = others.filter((t) => t.prefix === "" && !t.matchesAll);
  const excluded = others.filter((t) => t.prefix === "-");
  const requiredTexts = required.flatMap((t) => (t.text !== null ? [t.text] : []));
  const requiredRegexes = required.flatMap((t) => (t.regex !== null ? [t.regex] : []));
  return {
    matchesEverything: required.length === 0 && excluded.length === 0,
    test: (message) => {
      for (const text of requiredTexts) if (!message.includes(text)) return false;
      for (const re of requiredRegexes) if (!re.test(message)) return false;
      for (const term of excluded) if (termTest(term, message)) return false;
      return true;
    },
  };
}
