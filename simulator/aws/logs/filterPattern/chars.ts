// Character classes of the pattern lexers. They run once per pattern; per-message code keeps
// its own copies (see jsonPattern.ts).

const CH_TAB = 9;
const CH_LF = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_BANG = 33;
export const CH_QUOTE = 34;
export const CH_DOLLAR = 36;
export const CH_PERCENT = 37;
export const CH_AMP = 38;
export const CH_APOS = 39;
export const CH_LPAREN = 40;
export const CH_RPAREN = 41;
export const CH_STAR = 42;
const CH_PLUS = 43;
export const CH_COMMA = 44;
export const CH_MINUS = 45;
export const CH_DOT = 46;
const CH_LT = 60;
const CH_EQ = 61;
const CH_GT = 62;
export const CH_QUESTION = 63;
export const CH_LBRACKET = 91;
export const CH_BACKSLASH = 92;
export const CH_RBRACKET = 93;
export const CH_PIPE = 124;

export function isWhitespace(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB || c === CH_LF || c === CH_CR;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** ASCII letters, digits and underscore: the characters a term may use without quotes. */
export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** Unquoted comparison values: words plus the characters of numbers and `*` wildcards. */
export function isBareValueChar(c: number): boolean {
  return isWordChar(c) || c === CH_DOT || c === CH_STAR || c === CH_PLUS || c === CH_MINUS;
}

/** JSON property names in dotted selectors: alphanumerics, hyphen and underscore. */
export function isSelectorNameChar(c: number): boolean {
  return isWordChar(c) || c === CH_MINUS;
}

export function isOperatorChar(c: number): boolean {
  return c === CH_EQ || c === CH_BANG || c === CH_LT || c === CH_GT;
}

// Inside %...%: alphanumerics, the documented symbols `: _ # = @ / ; , -`, the documented
// operators `^ $ ? [ ] { } | \ * + .`, and the space the documented `^shutting down` example uses.
const REGEX_EXTRA = new Set([..." :_#=@/;,-^$?[]{}|\\*+."].map((ch) => ch.charCodeAt(0)));

export function isRegexChar(c: number): boolean {
  return isWordChar(c) || REGEX_EXTRA.has(c);
}
