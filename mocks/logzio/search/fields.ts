/**
 * How the simulator maps fields, after Logz.io's field mapping page: strings are keyword (exact,
 * case-sensitive), numbers are numbers, `@timestamp` is a date, and `message`, `tags` and
 * `geoip_location` are analyzed text (lower-cased words).
 */

export const ANALYZED_FIELDS: ReadonlySet<string> = new Set(["message", "tags", "geoip_location"]);

export const isAnalyzed = (field: string) => ANALYZED_FIELDS.has(field);

/** The document a query sees: its fields and its place in ingest order. */
export interface Doc {
  seq: number;
  fields: Record<string, unknown>;
  /**
   * The instant the log was indexed at, and its ISO form: what `@timestamp` reads as, whatever
   * form it was sent in (an ISO string with an offset, epoch ms as a number or a string).
   */
  timestampMs?: number;
  "@timestamp"?: string;
}

export type Leaf = string | number | boolean;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function leaves(v: unknown): Leaf[] {
  if (Array.isArray(v)) return v.flatMap(leaves);
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return [v];
  return [];
}

/**
 * Calls `visit` on every value of one field of a document, in `fieldValues` order, until a call
 * returns true; says whether one did. Compiled once per field name, so a search does not split
 * the name or build arrays for every document.
 */
export type FieldReader = (doc: Doc, visit: (v: Leaf) => boolean) => boolean;

function someLeaf(v: unknown, visit: (v: Leaf) => boolean): boolean {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return visit(v);
  if (Array.isArray(v)) {
    for (const x of v) if (someLeaf(x, visit)) return true;
  }
  return false;
}

/**
 * `keys[start][end - start - 1]` is `parts[start..end)` joined with dots: a dotted key ("a.b": 1)
 * and nested objects ({a: {b: 1}}) are the same field in Elasticsearch, the longest key first.
 */
function someAt(
  v: unknown,
  keys: readonly (readonly string[])[],
  start: number,
  visit: (v: Leaf) => boolean,
): boolean {
  if (start === keys.length) return someLeaf(v, visit);
  if (Array.isArray(v)) {
    for (const x of v) if (someAt(x, keys, start, visit)) return true;
    return false;
  }
  if (!isObject(v)) return false;
  const row = keys[start] as readonly string[];
  for (let end = keys.length; end > start; end--) {
    const key = row[end - start - 1] as string;
    if (Object.hasOwn(v, key) && someAt(v[key], keys, end, visit)) return true;
  }
  return false;
}

function compileReader(field: string): FieldReader {
  const parts = field.split(".");
  if (parts.length === 1) {
    return (doc, visit) => {
      const fields = doc.fields;
      const v = fields[field];
      if (v === undefined) return false;
      // Object.prototype holds no strings, numbers or booleans: only the others can be inherited.
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return visit(v);
      return Object.hasOwn(fields, field) && someLeaf(v, visit);
    };
  }
  const keys = parts.map((_, start) =>
    parts.slice(start).map((_, i) => parts.slice(start, start + i + 1).join(".")),
  );
  return (doc, visit) => someAt(doc.fields, keys, 0, visit);
}

const readers = new Map<string, FieldReader>();
/** Field names come from queries: the cache is dropped rather than let grow without bound. */
const MAX_READERS = 4096;

function cachedReader(field: string): FieldReader {
  let reader = readers.get(field);
  if (reader === undefined) {
    if (readers.size >= MAX_READERS) readers.clear();
    reader = compileReader(field);
    readers.set(field, reader);
  }
  return reader;
}

/**
 * How a field's values are read. `@timestamp` reads as the indexed instant, never as the value
 * the log was sent with: its ISO string, or for date comparisons (`dates`) its epoch ms.
 */
export function fieldReader(field: string, dates = false): FieldReader {
  const fromFields = cachedReader(field);
  if (!isDateField(field)) return fromFields;
  const key = dates ? `${field}\u0000instant` : `${field}\u0000iso`;
  let reader = readers.get(key);
  if (reader === undefined) {
    reader = dates
      ? (doc, visit) => readInstant(doc, visit, fromFields)
      : (doc, visit) => readIso(doc, visit, fromFields);
    readers.set(key, reader);
  }
  return reader;
}

function readInstant(doc: Doc, visit: (v: Leaf) => boolean, fromFields: FieldReader): boolean {
  const ms = doc.timestampMs;
  return typeof ms === "number" ? visit(ms) : fromFields(doc, visit);
}

function readIso(doc: Doc, visit: (v: Leaf) => boolean, fromFields: FieldReader): boolean {
  const iso = doc["@timestamp"];
  return typeof iso === "string" ? visit(iso) : fromFields(doc, visit);
}

// The visitors below are made once, not per call: readers never re-enter them.
let collected: Leaf[] = [];
let first: Leaf | undefined;
let instants: number[] = [];
const collect = (v: Leaf) => {
  collected.push(v);
  return false;
};
const keepFirst = (v: Leaf) => {
  first = v;
  return true;
};
const collectInstant = (v: Leaf) => {
  const ms = toEpochMs(v);
  if (ms !== undefined) instants.push(ms);
  return false;
};

/** Every value of a field in a document (arrays flattened). */
export function fieldValues(doc: Doc, field: string): Leaf[] {
  const out: Leaf[] = [];
  collected = out;
  fieldReader(field)(doc, collect);
  collected = [];
  return out;
}

/** The first value of a field in a document, if it has one. */
export function firstValue(doc: Doc, field: string): Leaf | undefined {
  first = undefined;
  fieldReader(field)(doc, keepFirst);
  const found = first;
  first = undefined;
  return found;
}

/** The epoch ms of a date field's values, as sorting and numeric aggregations read them. */
export function dateValues(doc: Doc, field: string): number[] {
  const out: number[] = [];
  instants = out;
  fieldReader(field, true)(doc, collectInstant);
  instants = [];
  return out;
}

/** The dotted paths of every leaf field in a document. */
export function fieldPaths(doc: Doc): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, prefix: string) => {
    if (Array.isArray(v)) for (const x of v) walk(x, prefix);
    else if (isObject(v))
      for (const [k, x] of Object.entries(v)) walk(x, prefix ? `${prefix}.${k}` : k);
    else if (prefix && leaves(v).length > 0) out.add(prefix);
  };
  walk(doc.fields, "");
  return [...out];
}

const WORD = /[\p{L}\p{N}_]+(?:[.'][\p{L}\p{N}_]+)*/gu;

/** An approximation of Elasticsearch's standard analyzer: words, lower-cased. */
export function analyze(text: string): string[] {
  return (text.match(WORD) ?? []).map((w) => w.toLowerCase());
}

/** Epoch ms of a date value (epoch ms number or ISO string), or undefined. */
export function toEpochMs(v: Leaf): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

export const isDateField = (field: string) => field === "@timestamp";

/** A term compared the way the field is mapped: words for text, exact for keyword, numeric for numbers. */
export function termMatches(
  field: string,
  value: Leaf,
  term: Leaf,
  caseInsensitive = false,
): boolean {
  return termTester(field, term, caseInsensitive)(value);
}

/** `termMatches` for one field and term, with the term's forms worked out once. */
export function termTester(
  field: string,
  term: Leaf,
  caseInsensitive = false,
): (v: Leaf) => boolean {
  if (isDateField(field)) {
    const b = typeof term === "boolean" ? undefined : toEpochMs(term);
    return (v) => {
      const a = toEpochMs(v);
      return a !== undefined && a === b;
    };
  }
  const asNumber = term === "" ? Number.NaN : Number(term);
  const asString = String(term);
  if (isAnalyzed(field)) {
    const t = caseInsensitive ? asString.toLowerCase() : asString;
    return (v) =>
      typeof v === "number"
        ? asNumber === v
        : typeof v === "boolean"
          ? asString === String(v)
          : analyze(v).includes(t);
  }
  if (caseInsensitive) {
    const lower = asString.toLowerCase();
    return (v) =>
      typeof v === "number"
        ? asNumber === v
        : typeof v === "boolean"
          ? asString === String(v)
          : v.toLowerCase() === lower;
  }
  return (v) =>
    typeof v === "string"
      ? v === asString
      : typeof v === "number"
        ? asNumber === v
        : asString === String(v);
}

/** A Lucene wildcard (`*`, `?`, `\` escapes) as an anchored RegExp. */
export function wildcardRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let src = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\" && i + 1 < pattern.length) src += escapeRe(pattern[++i] as string);
    else if (c === "*") src += "[\\s\\S]*";
    else if (c === "?") src += "[\\s\\S]";
    else src += escapeRe(c);
  }
  return new RegExp(`^${src}$`, caseInsensitive ? "iu" : "u");
}

const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Wildcard on a field: per word for text (pattern normalised to lower case), whole value otherwise. */
export function wildcardMatches(field: string, value: Leaf, pattern: string, ci = false): boolean {
  return wildcardTester(field, pattern, ci)(value);
}

/** `wildcardMatches` for one field and pattern, its expressions compiled once. */
export function wildcardTester(field: string, pattern: string, ci = false): (v: Leaf) => boolean {
  const whole = wildcardRegExp(pattern, ci);
  if (!isAnalyzed(field)) return (v) => whole.test(String(v));
  const word = wildcardRegExp(pattern.toLowerCase(), ci);
  return (v) =>
    typeof v === "string" ? analyze(v).some((w) => word.test(w)) : whole.test(String(v));
}
