import type { PatternStats } from "./comparison.js";
import { FilterPatternError, invalidPattern, UNCLOSED_BRACE, UNCLOSED_BRACKET } from "./errors.js";
import { compileJsonPattern } from "./jsonPattern.js";
import { MAX_REGEX_PER_PATTERN } from "./regex.js";
import { compileSpaceDelimited } from "./spaceDelimited.js";
import { compileUnstructured } from "./unstructured.js";

export { FilterPatternError };

export type FilterPatternKind = "all" | "unstructured" | "json" | "spaceDelimited";

export interface FilterMatch {
  matched: boolean;
  /** space-delimited named fields, keys WITHOUT "$" (e.g. { ip: "127.0.0.1", status_code: "404" }); JSON patterns: {} */
  extractedValues: Record<string, string>;
}

export interface FilterPattern {
  readonly source: string;
  readonly kind: FilterPatternKind;
  /** %regex% occurrences (AWS quota: 2 per pattern; 5 regex-containing patterns per log group) */
  readonly regexCount: number;
  /** Names usable as $name in metricValue / dimensions (space-delimited named fields, and JSON selectors like "$.latency"). */
  readonly fields: readonly string[];
  match(message: string): FilterMatch;
}

// Shared, frozen results: matching allocates nothing unless there are values to extract.
const NO_VALUES: Record<string, string> = Object.freeze({});
const MATCHED: FilterMatch = Object.freeze({ matched: true, extractedValues: NO_VALUES });
const NOT_MATCHED: FilterMatch = Object.freeze({ matched: false, extractedValues: NO_VALUES });

function compiled(
  source: string,
  kind: FilterPatternKind,
  stats: PatternStats,
  fields: readonly string[],
  match: (message: string) => FilterMatch,
): FilterPattern {
  if (stats.regexCount > MAX_REGEX_PER_PATTERN) throw invalidPattern();
  return Object.freeze({
    source,
    kind,
    regexCount: stats.regexCount,
    fields: Object.freeze([...fields]),
    match,
  });
}

/**
 * Compiles a CloudWatch Logs filter pattern once; `match` then evaluates it against messages
 * without re-parsing. Throws FilterPatternError for an invalid pattern.
 */
export function compileFilterPattern(pattern: string): FilterPattern {
  const stats: PatternStats = { regexCount: 0 };
  const text = pattern.trim();
  if (text === "") return compiled(pattern, "all", stats, [], () => MATCHED);

  if (text.startsWith("{")) {
    if (!text.endsWith("}") || text.length < 2) throw new FilterPatternError(UNCLOSED_BRACE);
    const json = compileJsonPattern(text.slice(1, -1), stats);
    return compiled(pattern, "json", stats, json.fields, (message) =>
      json.test(message) ? MATCHED : NOT_MATCHED,
    );
  }

  if (text.startsWith("[")) {
    if (!text.endsWith("]") || text.length < 2) throw new FilterPatternError(UNCLOSED_BRACKET);
    const delimited = compileSpaceDelimited(text.slice(1, -1), stats);
    return compiled(pattern, "spaceDelimited", stats, delimited.fields, (message) => {
      const values = delimited.match(message);
      return values === null ? NOT_MATCHED : { matched: true, extractedValues: values };
    });
  }

  const unstructured = compileUnstructured(text, stats);
  if (unstructured.matchesEverything) return compiled(pattern, "all", stats, [], () => MATCHED);
  return compiled(pattern, "unstructured", stats, [], (message) =>
    unstructured.test(message) ? MATCHED : NOT_MATCHED,
  );
}
