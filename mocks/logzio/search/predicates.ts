import { parseDateMath } from "./dateMath.js";
import { invalidQuery, leadingWildcard } from "./errors.js";
import {
  analyze,
  type Doc,
  type FieldReader,
  fieldPaths,
  fieldReader,
  isAnalyzed,
  isDateField,
  termTester,
  toEpochMs,
  wildcardTester,
} from "./fields.js";

export type Predicate = (doc: Doc) => boolean;
export type Leaf = string | number | boolean;
type Test = (v: Leaf) => boolean;

export const all: Predicate = () => true;
export const none: Predicate = () => false;
const always: Test = () => true;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * True when some value of some matching field passes the test `testFor(field)` makes. A named
 * field is read by a reader compiled once; `"*"` (or a pattern like `user.*`) means every
 * matching field of the document. `dates`: `@timestamp` is read as epoch ms (for comparisons),
 * otherwise as its ISO string.
 */
export function onField(field: string, testFor: (f: string) => Test, dates = true): Predicate {
  if (!field.includes("*")) {
    const read = fieldReader(field, dates);
    const test = testFor(field);
    return (doc) => read(doc, test);
  }
  const re = new RegExp(`^${field.split("*").map(escapeRegExp).join(".*")}$`);
  const perField = new Map<string, { read: FieldReader; test: Test }>();
  const of = (f: string) => {
    let entry = perField.get(f);
    if (entry === undefined) {
      entry = { read: fieldReader(f, dates), test: testFor(f) };
      perField.set(f, entry);
    }
    return entry;
  };
  return (doc) => {
    for (const f of fieldPaths(doc)) {
      if (!re.test(f)) continue;
      const { read, test } = of(f);
      if (read(doc, test)) return true;
    }
    return false;
  };
}

export const exists = (field: string): Predicate => onField(field, () => always);

export const term = (field: string, value: Leaf, ci = false): Predicate =>
  onField(field, (f) => termTester(f, value, ci));

export function wildcard(field: string, pattern: string, ci = false): Predicate {
  if (pattern.startsWith("*") || pattern.startsWith("?")) throw leadingWildcard(pattern);
  return onField(field, (f) => wildcardTester(f, pattern, ci), false);
}

/** `match`: text is analyzed and its words combined with `operator`; other fields match exactly. */
export function match(field: string, text: Leaf, operator: "or" | "and" = "or"): Predicate {
  const words = analyze(String(text));
  return onField(field, (f) => {
    const exact = termTester(f, text);
    if (!isAnalyzed(f)) return exact;
    return (v) => {
      if (typeof v !== "string") return exact(v);
      if (words.length === 0) return false;
      const have = new Set(analyze(v));
      return operator === "and" ? words.every((w) => have.has(w)) : words.some((w) => have.has(w));
    };
  });
}

/** `match_phrase`: the words consecutive, in order (slop 0); other fields match exactly. */
export function phrase(field: string, text: string): Predicate {
  const words = analyze(text);
  return onField(field, (f) => {
    const exact = termTester(f, text);
    if (!isAnalyzed(f)) return exact;
    return (v) => {
      if (typeof v !== "string") return exact(v);
      if (words.length === 0) return false;
      const have = analyze(v);
      for (let i = 0; i + words.length <= have.length; i++) {
        if (words.every((w, j) => have[i + j] === w)) return true;
      }
      return false;
    };
  });
}

export interface Bounds {
  gt?: Leaf;
  gte?: Leaf;
  lt?: Leaf;
  lte?: Leaf;
}

type Op = keyof Bounds;

const numeric = (v: Leaf) =>
  typeof v === "number" || (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v));

const cmp = (op: Op, c: number) =>
  op === "gt" ? c > 0 : op === "gte" ? c >= 0 : op === "lt" ? c < 0 : c <= 0;

/** The instants a `range` on `@timestamp` admits, both ends included (NaN: none). */
export interface TimeSpan {
  from: number;
  to: number;
}

/** A compiled `range`, and when it is on `@timestamp` the span of instants it admits. */
export interface RangePredicate extends Predicate {
  span?: TimeSpan;
}

/**
 * `range`: numbers numerically, `@timestamp` (and date-looking strings against date bounds) as
 * dates with date math on the simulator's clock, other strings as keywords (lexicographically).
 * `now` is asked only by bounds that use it.
 */
export function range(field: string, bounds: Bounds, now: () => number): RangePredicate {
  const entries = (Object.entries(bounds) as [Op, Leaf | undefined][]).filter(
    (e): e is [Op, Leaf] => e[1] !== undefined && e[1] !== null,
  );
  const dateBound = (op: Op, b: Leaf) => parseDateMath(b, now, op === "gt" || op === "lte");
  const looksDate = (b: Leaf) =>
    typeof b === "string" &&
    (b.startsWith("now") || b.includes("||") || toEpochMs(b) !== undefined);

  // Bounds are parsed up front so a bad date is a 400 even when no document has the field.
  const dates = new Map<Op, number>();
  for (const [op, b] of entries) {
    if (isDateField(field) || (typeof b === "string" && looksDate(b) && !numeric(b))) {
      dates.set(op, dateBound(op, b));
    }
  }
  const lenient = field.includes("*");
  const predicate: RangePredicate = onField(field, (f) => {
    const checks = entries.map(([op, b]): Test => {
      const date = dates.get(op);
      if (date !== undefined || isDateField(f)) {
        return (v) => {
          const ms = toEpochMs(v);
          return ms !== undefined && cmp(op, ms - (date ?? dateBound(op, b)));
        };
      }
      const isNumber = numeric(b);
      const n = Number(b);
      const t = String(b);
      return (v) => {
        if (typeof v === "number") {
          // Lenient across "all fields", strict on a named one (Elasticsearch's number_format_exception).
          if (!isNumber && lenient) return false;
          if (!isNumber) throw invalidQuery(`[${b}] is not a number for field [${f}]`);
          return cmp(op, v - n);
        }
        const s = String(v);
        return cmp(op, s < t ? -1 : s > t ? 1 : 0);
      };
    });
    if (checks.length === 1) return checks[0] as Test;
    return (v) => {
      for (const check of checks) if (!check(v)) return false;
      return true;
    };
  });
  if (isDateField(field)) {
    let from = Number.NEGATIVE_INFINITY;
    let to = Number.POSITIVE_INFINITY;
    for (const [op, ms] of dates) {
      // gt and lt are taken as gte and lte: the span only has to hold every match.
      if (op === "gt" || op === "gte") from = Math.max(from, ms);
      else to = Math.min(to, ms);
      if (Number.isNaN(ms)) from = Number.NaN;
    }
    predicate.span = { from, to };
  }
  return predicate;
}

export function and(ps: readonly Predicate[]): Predicate {
  const list = ps.filter((p) => p !== all);
  if (list.length === 0) return all;
  if (list.length === 1) return list[0] as Predicate;
  if (list.length === 2) {
    const [a, b] = list as [Predicate, Predicate];
    return (doc) => a(doc) && b(doc);
  }
  return (doc) => {
    for (const p of list) if (!p(doc)) return false;
    return true;
  };
}

export const not =
  (p: Predicate): Predicate =>
  (doc) =>
    !p(doc);

/** At least `min` of `ps` hold. */
export function atLeast(ps: readonly Predicate[], min: number): Predicate {
  if (min <= 0) return all;
  if (min === 1 && ps.length === 1) return ps[0] as Predicate;
  return (doc) => {
    let n = 0;
    for (const p of ps) if (p(doc) && ++n >= min) return true;
    return false;
  };
}
