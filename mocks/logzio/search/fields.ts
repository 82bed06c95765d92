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
}

type Leaf = string | number | boolean;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function leaves(v: unknown): Leaf[] {
  if (Array.isArray(v)) return v.flatMap(leaves);
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return [v];
  return [];
}

function lookup(v: unknown, parts: readonly string[]): Leaf[] {
  if (parts.length === 0) return leaves(v);
  if (Array.isArray(v)) return v.flatMap((x) => lookup(x, parts));
  if (!isObject(v)) return [];
  const out: Leaf[] = [];
  // A dotted key ("a.b": 1) and nested objects ({a: {b: 1}}) are the same field in Elasticsearch.
  for (let i = parts.length; i >= 1; i--) {
    const key = parts.slice(0, i).join(".");
    if (Object.hasOwn(v, key)) out.push(...lookup(v[key], parts.slice(i)));
  }
  return out;
}

/** Every value of a field in a document (arrays flattened). */
export function fieldValues(doc: Doc, field: string): Leaf[] {
  return lookup(doc.fields, field.split("."));
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
  if (isDateField(field)) {
    const a = toEpochMs(value);
    const b = typeof term === "boolean" ? undefined : toEpochMs(term);
    return a !== undefined && a === b;
  }
  if (typeof value === "number") return term !== "" && Number(term) === value;
  if (typeof value === "boolean") return String(term) === String(value);
  if (isAnalyzed(field)) {
    const t = caseInsensitive ? String(term).toLowerCase() : String(term);
    return analyze(value).includes(t);
  }
  return caseInsensitive
    ? value.toLowerCase() === String(term).toLowerCase()
    : value === String(term);
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
  if (isAnalyzed(field) && typeof value === "string") {
    const re = wildcardRegExp(pattern.toLowerCase(), ci);
    return analyze(value).some((w) => re.test(w));
  }
  return wildcardRegExp(pattern, ci).test(String(value));
}
