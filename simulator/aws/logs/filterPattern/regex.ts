import { isRegexChar } from "./chars.js";
import { invalidPattern, invalidTerm } from "./errors.js";

/** AWS quota: "a limit of 2 regex for each filter pattern". */
export const MAX_REGEX_PER_PATTERN = 2;

/**
 * Compiles the body of a `%...%` term. Only the documented characters are accepted (`(` and `)`
 * are rejected even escaped: the docs point to `\x28` instead). The dialect differs from
 * JavaScript in one documented place: `{m, n}` may omit `m` (and is written with a space in the
 * docs), which JavaScript would read as text.
 */
export function compileRegex(body: string): RegExp {
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (!isRegexChar(c)) throw invalidTerm(String.fromCodePoint(body.codePointAt(i) ?? c));
  }
  if (body.length === 0) throw invalidPattern();
  const source = body.replace(
    /\{(\d*) *, *(\d*)\}/g,
    (_, min: string, max: string) => `{${min === "" ? "0" : min},${max}}`,
  );
  try {
    // No flags: `^`/`$` anchor to the whole message (or field value) and `.` stops at newlines.
    return new RegExp(source);
  } catch {
    throw invalidPattern();
  }
}

/** Matches a compiled regex against `src[start, end)` with search (not whole-string) semantics. */
export function regexTest(re: RegExp, src: string, start: number, end: number): boolean {
  return re.test(start === 0 && end === src.length ? src : src.slice(start, end));
}
