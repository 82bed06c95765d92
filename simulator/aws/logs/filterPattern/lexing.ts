import { CH_BACKSLASH, CH_PERCENT, CH_QUOTE } from "./chars.js";
import { invalidPattern } from "./errors.js";

export interface Lexeme {
  readonly value: string;
  /** Index just past the lexeme. */
  readonly end: number;
}

/**
 * Reads a double-quoted string starting at `pos` (the opening quote). `\"` and `\\` are the
 * escapes needed to write any string (CDK's quoting produces exactly these); any other backslash
 * is kept as written.
 */
export function readQuoted(src: string, pos: number): Lexeme {
  let value = "";
  let chunk = pos + 1;
  for (let i = pos + 1; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === CH_QUOTE) return { value: value + src.slice(chunk, i), end: i + 1 };
    if (c === CH_BACKSLASH) {
      const next = src.charCodeAt(i + 1);
      if (next === CH_QUOTE || next === CH_BACKSLASH) {
        value += src.slice(chunk, i);
        chunk = i + 1;
        i++;
      }
    }
  }
  throw invalidPattern();
}

/** Reads `%...%` starting at `pos`; the body runs to the next `%`, spaces included. */
export function readRegex(src: string, pos: number): Lexeme {
  const close = src.indexOf("%", pos + 1);
  if (close === -1 || src.charCodeAt(pos) !== CH_PERCENT) throw invalidPattern();
  return { value: src.slice(pos + 1, close), end: close + 1 };
}
