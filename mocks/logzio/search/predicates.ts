import { parseDateMath } from "./dateMath.js";
import { invalidQuery, leadingWildcard } from "./errors.js";
import {
  analyze,
  type Doc,
  fieldPaths,
  fieldValues,
  isAnalyzed,
  isDateField,
  termMatches,
  toEpochMs,
  wildcardMatches,
} from "./fields.js";

export type Predicate = (doc: Doc) => boolean;
export type Leaf = string | number | boolean;

export const all: Predicate = () => true;
export const none: Predicate = () => false;

/** `"*"` (or a pattern like `user.*`) means every matching field of the document. */
function fieldsOf(doc: Doc, field: string): string[] {
  if (!field.includes("*")) return [field];
  const re = new RegExp(`^${field.split("*").map(escapeRegExp).join(".*")}$`);
  return fieldPaths(doc).filter((f) => re.test(f));
}
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** True when some value of some matching field passes `test`. */
export function onField(field: string, test: (f: string, v: Leaf) => boolean): Predicate {
  return (doc) => fieldsOf(doc, field).some((f) => fieldValues(doc, f).some((v) => test(f, v)));
}

export const exists = (field: string): Predicate => onField(field, () => true);

export const term = (field: string, value: Leaf, ci = false): Predicate =>
  onField(field, (f, v) => termMatches(f, v, value, ci));

export function wildcard(field: string, pattern: string, ci = false): Predicate {
  if (pattern.startsWith("*") || pattern.startsWith("?")) throw leadingWildcard(pattern);
  return onField(field, (f, v) => wildcardMatches(f, v, pattern, ci));
}

/** `match`: text is analyzed and its words combined with `operator`; other fields match exactly. */
export function match(field: string, text: Leaf, operator: "or" | "and" = "or"): Predicate {
  return onField(field, (f, v) => {
    if (!isAnalyzed(f) || typeof v !== "string") return termMatches(f, v, text);
    const words = analyze(String(text));
    if (words.length === 0) return false;
    const have = new Set(analyze(v));
    return operator === "and" ? words.every((w) => have.has(w)) : words.some((w) => have.has(w));
  });
}

/** `match_phrase`: the words consecutive, in order (slop 0); other fields match exactly. */
export function phrase(field: string, text: string): Predicate {
  const words = analyze(text);
  return onField(field, (f, v) => {
    if (!isAnalyzed(f) || typeof v !== "string") return termMatches(f, v, text);
    if (words.length === 0) return false;
    const have = analyze(v);
    for (let i = 0; i + words.length <= have.length; i++) {
      if (words.every((w, j) => have[i + j] === w)) return true;
    }
    return false;
  });
}

export interface Bounds {
  gt?: Leaf;
  gte?: Leaf;
  lt?: Leaf;
  lte?: Leaf;
}

const numeric = (v: Leaf) =>
  typeof v === "number" || (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v));

/**
 * `range`: numbers numerically, `@timestamp` (and date-looking strings against date bounds) as
 * dates with date math on the simulator's clock, other strings as keywords (lexicographically).
 */
export function range(field: string, bounds: Bounds, nowMs: number): Predicate {
  const entries = (Object.entries(bounds) as [keyof Bounds, Leaf | undefined][]).filter(
    (e): e is [keyof Bounds, Leaf] => e[1] !== undefined && e[1] !== null,
  );
  const dateBound = (op: keyof Bounds, b: Leaf) =>
    parseDateMath(b, nowMs, op === "gt" || op === "lte");
  const cmp = (op: keyof Bounds, c: number) =>
    op === "gt" ? c > 0 : op === "gte" ? c >= 0 : op === "lt" ? c < 0 : c <= 0;
  const looksDate = (b: Leaf) =>
    typeof b === "string" &&
    (b.startsWith("now") || b.includes("||") || toEpochMs(b) !== undefined);

  // Bounds are parsed up front so a bad date is a 400 even when no document has the field.
  const dates = new Map<keyof Bounds, number>();
  for (const [op, b] of entries) {
    if (isDateField(field) || (typeof b === "string" && looksDate(b) && !numeric(b))) {
      dates.set(op, dateBound(op, b));
    }
  }
  return onField(field, (f, v) =>
    entries.every(([op, b]) => {
      const date = dates.get(op);
      if (date !== undefined || isDateField(f)) {
        const ms = toEpochMs(v);
        return ms !== undefined && cmp(op, ms - (date ?? dateBound(op, b)));
      }
      if (typeof v === "number") {
        // Lenient across "all fields", strict on a named one (Elasticsearch's number_format_exception).
        if (!numeric(b) && field.includes("*")) return false;
        if (!numeric(b)) throw invalidQuery(`[${b}] is not a number for field [${f}]`);
        return cmp(op, v - Number(b));
      }
      const s = String(v);
      const t = String(b);
      return cmp(op, s < t ? -1 : s > t ? 1 : 0);
    }),
  );
}

export const and =
  (ps: readonly Predicate[]): Predicate =>
  (doc) =>
    ps.every((p) => p(doc));
export const not =
  (p: Predicate): Predicate =>
  (doc) =>
    !p(doc);

/** At least `min` of `ps` hold. */
export const atLeast =
  (ps: readonly Predicate[], min: number): Predicate =>
  (doc) => {
    if (min <= 0) return true;
    let n = 0;
    for (const p of ps) if (p(doc) && ++n >= min) return true;
    return false;
  };
