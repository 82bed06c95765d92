import { describe, expect, it } from "vitest";
import {
  compileFilterPattern,
  FilterPatternError,
} from "../../../../../simulator/aws/logs/filterPattern/index.js";

const INVALID = "Invalid filter pattern";
const BRACE = "If a filter pattern starts with '{' it must end with '}'";
const BRACKET = "If a filter pattern starts with '[' it must end with ']'";
const term = (t: string) => `Invalid character(s) in term '${t}'`;

function errorOf(pattern: string): FilterPatternError {
  try {
    compileFilterPattern(pattern);
  } catch (error) {
    if (error instanceof FilterPatternError) return error;
    throw error;
  }
  throw new Error(`pattern compiled: ${pattern}`);
}

// [pattern, message AWS answers (observed where noted, see DECISIONS.md), why]
const CASES: readonly (readonly [string, string, string])[] = [
  // Observed answers.
  ['{ $."sc-status" = 5* }', term('$."'), "observed: quoted property name in a selector"],
  ["?Status: timeout", term(":"), "observed: ':' in an unquoted term"],
  [
    '{ $.message = "error-response", $.path = "/authenticate" }',
    term(","),
    "observed: ',' is no operator",
  ],
  ["Lambda started (cold)", term("("), "observed: parenthesis in an unquoted term"],
  ['level\\":\\"error', term("\\"), "observed: backslash in an unquoted term"],
  ["`ERROR`", term("`"), "observed: backtick"],
  ['{$.a = "b" && $.c = "d"', BRACE, "observed: unclosed brace"],
  ["[time, level=ERROR, msg", BRACKET, "observed: unclosed bracket"],
  [
    "[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]",
    INVALID,
    "observed (awsdocs issue #21): && across two fields",
  ],
  // Unbalanced or truncated.
  ["{", BRACE, "lone brace"],
  ["[", BRACKET, "lone bracket"],
  ['"unterminated', INVALID, "unterminated quote"],
  ['ERROR "half', INVALID, "unterminated quote after a term"],
  ['{ $.a = "x }', INVALID, "unterminated quote in JSON"],
  ["{ $.a = %x }", INVALID, "unterminated regex in JSON"],
  ["%abcc|ab[^c]$", INVALID, "unterminated regex (the doc's own example)"],
  ["{}", INVALID, "empty JSON pattern"],
  ["{ }", INVALID, "blank JSON pattern"],
  ["[]", INVALID, "empty space-delimited pattern"],
  ["[ ]", INVALID, "blank space-delimited pattern"],
  ["{ ($.a = 1 }", INVALID, "unclosed parenthesis"],
  ["{ $.a = 1) }", INVALID, "stray parenthesis"],
  // Operators.
  ["{ $.a == 1 }", INVALID, "== is no operator"],
  ["{ $.a =! 1 }", INVALID, "=! is no operator"],
  ["{ $.a <> 1 }", INVALID, "<> is no operator"],
  ["{ $.a => 1 }", INVALID, "=> is no operator"],
  ["{ $.a = 1 & $.b = 2 }", term("&"), "single &"],
  ["{ $.a = 1 | $.b = 2 }", term("|"), "single |"],
  ["{ $.a = 1 && }", INVALID, "dangling &&"],
  ["{ && $.a = 1 }", INVALID, "leading &&"],
  ["{ $.a = 1 $.b = 2 }", INVALID, "two conditions without an operator"],
  ["{ $.a }", INVALID, "selector without a condition"],
  ["{ $.a = }", INVALID, "operator without a value"],
  ["{ $.a > abc }", INVALID, "ordering needs a number"],
  ['{ $.a > "5" }', INVALID, "ordering needs a bare number"],
  ["{ $.a >= 5* }", INVALID, "ordering takes no wildcard"],
  ["{ $.a < %5% }", INVALID, "ordering takes no regex"],
  ["{ 5 = $.a }", INVALID, "value before selector"],
  // IS / NOT EXISTS.
  ["{ $.a IS NOT NULL }", INVALID, "documented: IS NOT is not supported"],
  ["{ $.a EXISTS }", INVALID, "documented: EXISTS is not supported"],
  ["{ $.a IS }", INVALID, "IS without a value"],
  ["{ $.a IS 5 }", INVALID, "IS takes NULL, TRUE or FALSE"],
  ["{ $.a NOT NULL }", INVALID, "NOT takes EXISTS only"],
  ["{ $.a is null }", INVALID, "keywords are upper case as documented"],
  // Selectors.
  ["{ $ = 1 }", term("$"), "root alone"],
  ["{ $[0] = 1 }", term("$["), "selectors start with $."],
  ["{ $.a. = 1 }", term("$.a."), "empty property name"],
  ["{ $.a@b = 1 }", term("$.a@"), "@ needs the bracket notation"],
  ['{ $.["a"] = 1 }', term("$.["), "bracket notation uses single quotes"],
  ["{ $.a[x] = 1 }", term("$.a[x"), "index must be a number or *"],
  ["{ $.a[0 = 1 }", term("$.a[0"), "unclosed index"],
  ["{ $.a[*].b[*] = 1 }", INVALID, "quota: one wildcard per selector"],
  ["{ $.*.* = 1 }", INVALID, "quota: one wildcard per selector"],
  [
    "{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 || $.d[*] = 1 }",
    INVALID,
    "quota: three wildcard selectors per pattern",
  ],
  // Regex.
  ["%something!%", term("!"), "documented: ! is not allowed"],
  ["%(abc)%", term("("), "documented: no ( ) groups"],
  ["%a\\(b%", term("("), "( is refused even escaped (\\x28 is the documented way)"],
  ["%café%", term("é"), "documented: no multi-byte characters"],
  ["%a\tb%", term("\t"), "only the space of the documented example is accepted"],
  ['%a"b%', term('"'), "quote is not in the allowed set"],
  ["%%", INVALID, "empty regex"],
  ["%[%", INVALID, "regex that does not compile"],
  ["%a% %b% %c%", INVALID, "quota: 2 regex per pattern (text)"],
  ["{ $.a = %a% || $.b = %b% || $.c = %c% }", INVALID, "quota: 2 regex per pattern (JSON)"],
  ["[a=%x%, b=%y%, c=%z%]", INVALID, "quota: 2 regex per pattern (space-delimited)"],
  // Unstructured terms.
  ["127.0.0.1", term("."), "dots need quotes"],
  ["error-response", term("-"), "hyphen inside a word needs quotes"],
  ["café", term("é"), "non-ASCII needs quotes"],
  ['ERROR"x"', term('"'), "quote glued to a word"],
  ['"a""b"', term('"'), "quoted terms need a separator"],
  ["ERROR -", INVALID, "dangling -"],
  ["?", INVALID, "dangling ?"],
  ["ERROR - Exiting", INVALID, "- must touch its term"],
  ["--x", term("-"), "double prefix"],
  ["ERROR }", term("}"), "brace inside a text pattern"],
  // Space-delimited.
  ["[w1!=ERROR AND w1!=WARNING, w2]", INVALID, "AND is no operator"],
  ["[w1=ERROR OR w1=WARNING, w2]", INVALID, "OR is no operator"],
  ["[w1=ERROR && || w1=WARNING, w2]", INVALID, "operator sequence"],
  ["[w1=ERROR !=== w1=WARNING, w2]", INVALID, "operator sequence"],
  ["[w1==ERROR  || w1!=WARNING, w2]", INVALID, "== is no operator"],
  ["[w1===ERROR || w1!==WARNING, w2]", INVALID, "=== is no operator"],
  ["[w1=!ERROR&&w1=!WARN, w2]", INVALID, "the 2018 text's =! typo"],
  ["[w1=ERROR || W1=WARNING, w2]", INVALID, "names are case sensitive (DECISIONS Q14)"],
  ["[a, b.c]", term("."), "field names are words"],
  ["[a:b, c]", term(":"), "field names are letters, digits, _ and -"],
  ["[a b, c]", INVALID, "two names in one slot"],
  ["[a, ...x]", term("."), "ellipsis stands alone"],
  ["[a = 1 IS NULL, b]", INVALID, "IS belongs to JSON patterns"],
  ["[$.a = 1]", term("$"), "no selectors in space-delimited patterns"],
  ["[a = 1 && = 2]", INVALID, "condition without a name"],
];

describe("invalid patterns", () => {
  it.each(CASES)("%j -> %s (%s)", (pattern, message) => {
    const error = errorOf(pattern);
    expect(error.message).toBe(message);
    expect(error.code).toBe("InvalidParameterException");
  });

  it("FilterPatternError is an Error with the InvalidParameterException code", () => {
    const error = errorOf("{ $.a IS NOT NULL }");
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(FilterPatternError);
    expect(error.name).toBe("FilterPatternError");
    expect(error.code).toBe("InvalidParameterException");
    expect(new FilterPatternError("x").code).toBe("InvalidParameterException");
  });

  it("throws nothing but FilterPatternError for arbitrary input", () => {
    const alphabet = ['"', "%", "{", "}", "[", "]", "(", ")", "$", ".", "=", "!", "&", "|", "a"];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let i = 0; i < 5000; i++) {
      let pattern = "";
      const length = next() % 12;
      for (let j = 0; j < length; j++) pattern += alphabet[next() % alphabet.length] ?? "";
      try {
        compileFilterPattern(pattern).match('{"a":1} a');
      } catch (error) {
        expect(error, pattern).toBeInstanceOf(FilterPatternError);
      }
    }
  });
});
