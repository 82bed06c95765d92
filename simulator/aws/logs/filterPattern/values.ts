import { regexTest } from "./regex.js";

// Local codes: readNumber runs per message (see the note in jsonScanner.ts).
const STAR = 42;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;

export type CompareOp = "=" | "!=" | "<" | ">" | "<=" | ">=";

export function isCompareOp(op: string): op is CompareOp {
  return op === "=" || op === "!=" || op === "<" || op === ">" || op === "<=" || op === ">=";
}

export function isOrderingOp(op: CompareOp): boolean {
  return op !== "=" && op !== "!=";
}

/** Tests the text `src[start, end)` without copying it. */
export type TextTest = (src: string, start: number, end: number) => boolean;

/** A quoted or bare string, `*` wildcards resolved. */
export interface TextLiteral {
  readonly type: "text";
  readonly test: TextTest;
  /** Text every matching value contains (the value minus its wildcards). */
  readonly core: string;
}

export interface RegexLiteral {
  readonly type: "regex";
  readonly test: TextTest;
}

/** A bare value in number syntax: compared as a number where the data is a number. */
export interface NumberLiteral {
  readonly type: "number";
  readonly value: number;
  /** The literal as written, for comparisons with data that is text. */
  readonly test: TextTest;
}

export type Literal = TextLiteral | RegexLiteral | NumberLiteral;

// Module-local copy for the per-message path (see the note in jsonPattern.ts).
const testRegex = regexTest;

const anyText: TextTest = () => true;

/**
 * `*` is a wildcard at the start and/or the end of a value only ("*Event", "Event*"); a `*`
 * inside ("Ev*ent") is a literal character, as the filter-pattern docs state.
 */
export function textLiteral(text: string): TextLiteral {
  const leading = text.charCodeAt(0) === STAR;
  const trailing = text.length > 1 && text.charCodeAt(text.length - 1) === STAR;
  const core = text.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  const len = core.length;
  let test: TextTest;
  if (leading && core === "") test = anyText;
  else if (leading && trailing) {
    test = (src, start, end) => {
      const at = src.indexOf(core, start);
      return at !== -1 && at + len <= end;
    };
  } else if (leading)
    test = (src, start, end) => end - start >= len && src.startsWith(core, end - len);
  else if (trailing) test = (src, start, end) => end - start >= len && src.startsWith(core, start);
  else test = (src, start, end) => end - start === len && src.startsWith(core, start);
  return { type: "text", test, core };
}

export function regexLiteral(re: RegExp): RegexLiteral {
  return { type: "regex", test: (src, start, end) => testRegex(re, src, start, end) };
}

/** Number syntax of the docs: optional sign, integer or decimal, optional exponent. */
const NUMBER_LITERAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function isNumberLiteral(text: string): boolean {
  return NUMBER_LITERAL.test(text);
}

export function numberLiteral(text: string): NumberLiteral {
  const len = text.length;
  return {
    type: "number",
    value: Number(text),
    test: (src, start, end) => end - start === len && src.startsWith(text, start),
  };
}

/**
 * Reads `src[start, end)` as a number in the docs' number syntax; NaN when it is not one.
 * Short integers are read in place so that the common case allocates nothing.
 */
export function readNumber(src: string, start: number, end: number): number {
  let i = start;
  let negative = false;
  const first = src.charCodeAt(i);
  if (first === MINUS || first === PLUS) {
    negative = first === MINUS;
    i++;
  }
  if (i === end) return Number.NaN;
  let value = 0;
  let digits = 0;
  while (i < end) {
    const c = src.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    digits++;
    i++;
  }
  if (i === end) {
    if (digits === 0) return Number.NaN;
    if (digits <= 15) return negative ? -value : value;
  } else {
    // The loop stopped on a non-digit: only a fraction or an exponent may follow.
    const c = src.charCodeAt(i);
    if (c !== DOT && c !== 101 && c !== 69) return Number.NaN;
  }
  const text = src.slice(start, end);
  return NUMBER_LITERAL.test(text) ? Number(text) : Number.NaN;
}

export function compareNumbers(op: CompareOp, left: number, right: number): boolean {
  switch (op) {
    case "=":
      return left === right;
    case "!=":
      return left !== right;
    case "<":
      return left < right;
    case ">":
      return left > right;
    case "<=":
      return left <= right;
    case ">=":
      return left >= right;
  }
}
