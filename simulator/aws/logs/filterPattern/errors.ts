/**
 * Thrown for any invalid pattern. `message` is the text AWS puts in its InvalidParameterException;
 * see DECISIONS.md for which texts are observed and which are assumed.
 */
export class FilterPatternError extends Error {
  readonly code = "InvalidParameterException";

  constructor(message: string) {
    super(message);
    this.name = "FilterPatternError";
  }
}

// Observed in FilterLogEvents / PutMetricFilter answers.
export const INVALID_PATTERN = "Invalid filter pattern";
export const UNCLOSED_BRACE = "If a filter pattern starts with '{' it must end with '}'";
export const UNCLOSED_BRACKET = "If a filter pattern starts with '[' it must end with ']'";

export function invalidPattern(): FilterPatternError {
  return new FilterPatternError(INVALID_PATTERN);
}

/** AWS names the offending character (or, for a selector, the selector up to it). */
export function invalidTerm(term: string): FilterPatternError {
  return new FilterPatternError(`Invalid character(s) in term '${term}'`);
}
