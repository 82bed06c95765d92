import type { TokenCursor } from "./booleanParser.js";
import { invalidPattern } from "./errors.js";
import { compileRegex } from "./regex.js";
import {
  type CompareOp,
  isNumberLiteral,
  isOrderingOp,
  type Literal,
  numberLiteral,
  regexLiteral,
  textLiteral,
} from "./values.js";

export interface Comparison {
  readonly op: CompareOp;
  readonly literal: Literal;
}

/** Counts what the quotas limit while a pattern is parsed. */
export interface PatternStats {
  regexCount: number;
}

/**
 * Reads `op value`. Ordering operators need a number; `=`/`!=` take a quoted string, a regex, or
 * a bare word (a number when it has number syntax, otherwise text with `*` wildcards).
 */
export function readComparison(cursor: TokenCursor, stats: PatternStats): Comparison {
  const opToken = cursor.next();
  if (opToken.kind !== "op") throw invalidPattern();
  const op = opToken.op;
  const value = cursor.next();
  if (isOrderingOp(op)) {
    if (value.kind !== "word" || !isNumberLiteral(value.value)) throw invalidPattern();
    return { op, literal: numberLiteral(value.value) };
  }
  switch (value.kind) {
    case "quoted":
      return { op, literal: textLiteral(value.value) };
    case "regex":
      stats.regexCount++;
      return { op, literal: regexLiteral(compileRegex(value.body)) };
    case "word":
      return {
        op,
        literal: isNumberLiteral(value.value)
          ? numberLiteral(value.value)
          : textLiteral(value.value),
      };
    default:
      throw invalidPattern();
  }
}
