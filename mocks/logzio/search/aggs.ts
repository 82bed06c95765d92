import { columnOf, SEVERAL_VALUES } from "./columns.js";
import { parseInterval } from "./dateMath.js";
import { fielddataDisabled, invalidQuery, unsupported } from "./errors.js";
import { type Doc, fieldReader, isAnalyzed, isDateField, type Leaf, toEpochMs } from "./fields.js";
import { DEFAULT_TERMS_SIZE, MAX_BUCKETS, MAX_TERMS_SIZE } from "./limits.js";

type Json = Record<string, unknown>;

/**
 * The documents an aggregation runs over, in ingest order: `docs[start..end)`. `appendOnly`:
 * `docs` only grows at its end and its documents never change (a store's own list), so columns
 * over it may be kept from one search to the next.
 */
export interface DocSet {
  readonly docs: readonly Doc[];
  readonly start: number;
  readonly end: number;
  readonly appendOnly: boolean;
}

type Agg = (set: DocSet) => Json;
type WithSub = ((bucket: Json, docs: readonly Doc[]) => Json) | undefined;

const setOf = (docs: readonly Doc[]): DocSet => ({
  docs,
  start: 0,
  end: docs.length,
  appendOnly: false,
});

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const BUCKET_AGGS = new Set(["terms", "date_histogram"]);

function onlyKeys(agg: string, body: Json, allowed: readonly string[]) {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw unsupported(`Parameter [${key}]`, `aggregation [${agg}]`);
  }
}

function fieldOf(agg: string, body: Json): string {
  if (typeof body.field !== "string") throw invalidQuery(`aggregation [${agg}] needs [field]`);
  if (isAnalyzed(body.field)) throw fielddataDisabled(body.field);
  return body.field;
}

/**
 * `aggs`/`aggregations`: terms, date_histogram, cardinality, avg, sum, min, max. Metric
 * aggregations may sit under a bucket one; Logz.io refuses a bucket aggregation under another.
 */
export function compileAggs(spec: unknown, insideBucket = false): (set: DocSet) => Json {
  if (!isObject(spec)) throw invalidQuery("aggregations must be an object");
  const compiled = Object.entries(spec).map(
    ([name, def]) => [name, compileAgg(name, def, insideBucket)] as const,
  );
  return (set) => Object.fromEntries(compiled.map(([name, run]) => [name, run(set)]));
}

function compileAgg(name: string, def: unknown, insideBucket: boolean): Agg {
  if (!isObject(def)) throw invalidQuery(`aggregation [${name}] must be an object`);
  const subSpec = def.aggs ?? def.aggregations;
  const types = Object.keys(def).filter(
    (k) => k !== "aggs" && k !== "aggregations" && k !== "meta",
  );
  if (types.length !== 1) throw invalidQuery(`aggregation [${name}] needs exactly one type`);
  const type = types[0] as string;
  const body = def[type];
  if (!isObject(body))
    throw invalidQuery(`aggregation [${name}] of type [${type}] must be an object`);
  if (BUCKET_AGGS.has(type) && insideBucket) {
    throw invalidQuery(
      `bucket aggregation [${name}] cannot be nested under another bucket aggregation`,
    );
  }
  if (subSpec !== undefined && !BUCKET_AGGS.has(type)) {
    throw invalidQuery(`aggregation [${name}] of type [${type}] cannot have sub-aggregations`);
  }
  const sub = subSpec === undefined ? undefined : compileAggs(subSpec, true);
  // Buckets collect their documents only for sub-aggregations; otherwise they count.
  const withSub: WithSub = sub ? (bucket, docs) => ({ ...bucket, ...sub(setOf(docs)) }) : undefined;

  switch (type) {
    case "terms":
      return termsAgg(name, body, withSub);
    case "date_histogram":
      return dateHistogram(name, body, withSub);
    case "cardinality": {
      onlyKeys(type, body, ["field", "precision_threshold"]);
      const field = fieldOf(type, body);
      const read = fieldReader(field);
      // Exact, where Elasticsearch's HyperLogLog is exact below precision_threshold (default 3000).
      return (set) => {
        const distinct = new Set<string | number>();
        const visit = (v: Leaf) => {
          distinct.add(key(v));
          return false;
        };
        for (let i = set.start; i < set.end; i++) read(set.docs[i] as Doc, visit);
        return { value: distinct.size };
      };
    }
    case "avg":
    case "sum":
    case "min":
    case "max":
      return metric(type, body);
    default:
      throw unsupported(`Aggregation type [${type}]`, `aggregation [${name}]`);
  }
}

/** Distinct values of a field, typed the way Elasticsearch keys them. */
const key = (v: string | number | boolean) => (typeof v === "boolean" ? (v ? 1 : 0) : v);

/** Calls `visit` on each number of a field in a document: numbers, and dates as epoch ms. */
function numberReader(field: string): (doc: Doc, visit: (x: number) => void) => void {
  const date = isDateField(field);
  const read = fieldReader(field, true);
  let sink: (x: number) => void = () => {};
  const visitValue = (v: Leaf) => {
    if (typeof v === "number") sink(v);
    else if (date && typeof v === "string") {
      const ms = toEpochMs(v);
      if (ms !== undefined) sink(ms);
    }
    return false;
  };
  return (doc, visit) => {
    sink = visit;
    read(doc, visitValue);
  };
}

function metric(type: "avg" | "sum" | "min" | "max", body: Json): Agg {
  onlyKeys(type, body, ["field"]);
  const field = fieldOf(type, body);
  const numbers = numberReader(field);
  return (set) => {
    // Summed in document order, as a left fold from 0.
    let n = 0;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const visit = (x: number) => {
      n++;
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    };
    for (let i = set.start; i < set.end; i++) numbers(set.docs[i] as Doc, visit);
    let value: number | null;
    if (type === "sum") value = sum;
    else if (n === 0) value = null;
    else if (type === "avg") value = sum / n;
    else value = type === "min" ? min : max;
    const out: Json = { value };
    if (isDateField(field) && value !== null && (type === "min" || type === "max")) {
      out.value_as_string = new Date(value).toISOString();
    }
    return out;
  };
}

interface TermsGroup {
  raw: string | number | boolean;
  count: number;
  docs?: Doc[];
}

function termsAgg(name: string, body: Json, withSub: WithSub): Agg {
  onlyKeys("terms", body, ["field", "size", "min_doc_count"]);
  const field = fieldOf("terms", body);
  const size = body.size ?? DEFAULT_TERMS_SIZE;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > MAX_TERMS_SIZE) {
    throw invalidQuery(`terms aggregation [${name}] size must be 1..${MAX_TERMS_SIZE}`);
  }
  const minDocCount = body.min_doc_count ?? 1;
  if (minDocCount !== 1)
    throw unsupported("[min_doc_count] other than 1", `terms aggregation [${name}]`);
  const read = fieldReader(field);
  const keepDocs = withSub !== undefined;

  /** Groups by key, in the order their first document comes. */
  const byDocument = (set: DocSet): Map<string | number, TermsGroup> => {
    const groups = new Map<string | number, TermsGroup>();
    const keys: (string | number)[] = [];
    let doc: Doc | undefined;
    const visit = (v: Leaf) => {
      const k = key(v);
      // A document counts once per key, however often it holds the value.
      if (keys.length > 0 && keys.includes(k)) return false;
      keys.push(k);
      let g = groups.get(k);
      if (!g) {
        g = keepDocs ? { raw: v, count: 0, docs: [] } : { raw: v, count: 0 };
        groups.set(k, g);
      }
      g.count++;
      g.docs?.push(doc as Doc);
      return false;
    };
    for (let i = set.start; i < set.end; i++) {
      doc = set.docs[i] as Doc;
      keys.length = 0;
      read(doc, visit);
    }
    return groups;
  };

  /**
   * The same groups from a column of the field: counts per value without reading documents.
   * Undefined when a document in the set holds several values, or the field has too many
   * distinct values for a column.
   */
  const byColumn = (set: DocSet): Map<string | number, TermsGroup> | undefined => {
    const column = columnOf(set.docs, field, set.end);
    if (column === undefined) return undefined;
    const { codes, values } = column;
    const counts = new Int32Array(values.length);
    const firsts = new Int32Array(values.length);
    for (let i = set.start; i < set.end; i++) {
      const code = codes[i] as number;
      if (code < 0) {
        if (code === SEVERAL_VALUES) return undefined;
        continue;
      }
      const count = counts[code] as number;
      if (count === 0) firsts[code] = i;
      counts[code] = count + 1;
    }
    const present: number[] = [];
    for (let code = 0; code < values.length; code++)
      if ((counts[code] as number) > 0) present.push(code);
    present.sort((a, b) => (firsts[a] as number) - (firsts[b] as number));
    const groups = new Map<string | number, TermsGroup>();
    for (const code of present) {
      const raw = values[code] as Leaf;
      const k = key(raw);
      const g = groups.get(k);
      // `true` and `1` are one key: the earlier document's value names the bucket.
      if (g) g.count += counts[code] as number;
      else groups.set(k, { raw, count: counts[code] as number });
    }
    return groups;
  };

  return (set) => {
    const groups = (!keepDocs && set.appendOnly && byColumn(set)) || byDocument(set);
    // Elasticsearch orders by doc_count desc, then by key ascending.
    const sorted = [...groups.entries()].sort(
      ([ka, a], [kb, b]) => b.count - a.count || (ka < kb ? -1 : ka > kb ? 1 : 0),
    );
    const kept = sorted.slice(0, size);
    const other = sorted.slice(size).reduce((n, [, g]) => n + g.count, 0);
    return {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: other,
      buckets: kept.map(([k, g]) => {
        const bucket = {
          key: k,
          ...(typeof g.raw === "boolean" ? { key_as_string: String(g.raw) } : {}),
          doc_count: g.count,
        };
        return withSub ? withSub(bucket, g.docs ?? []) : bucket;
      }),
    };
  };
}

function dateHistogram(name: string, body: Json, withSub: WithSub): Agg {
  onlyKeys("date_histogram", body, [
    "field",
    "fixed_interval",
    "interval",
    "calendar_interval",
    "min_doc_count",
  ]);
  const field = fieldOf("date_histogram", body);
  const spec = body.fixed_interval ?? body.interval ?? body.calendar_interval;
  const interval = parseInterval(spec);
  if (interval === undefined) {
    throw unsupported(
      `date_histogram interval [${String(spec)}] (fixed ms/s/m/h/d intervals only)`,
      `aggregation [${name}]`,
    );
  }
  const minDocCount = body.min_doc_count ?? 0;
  if (typeof minDocCount !== "number" || minDocCount < 0)
    throw invalidQuery("min_doc_count must be >= 0");
  const numbers = numberReader(field);
  const keepDocs = withSub !== undefined;
  return (set) => {
    const groups = new Map<number, { count: number; docs?: Doc[] }>();
    const keys: number[] = [];
    let doc: Doc | undefined;
    const visit = (ms: number) => {
      const k = Math.floor(ms / interval) * interval;
      if (keys.length > 0 && keys.includes(k)) return;
      keys.push(k);
      let g = groups.get(k);
      if (!g) {
        g = keepDocs ? { count: 0, docs: [] } : { count: 0 };
        groups.set(k, g);
      }
      g.count++;
      g.docs?.push(doc as Doc);
    };
    for (let i = set.start; i < set.end; i++) {
      doc = set.docs[i] as Doc;
      keys.length = 0;
      numbers(doc, visit);
    }
    const keys_ = [...groups.keys()].sort((a, b) => a - b);
    const first = keys_[0];
    const last = keys_[keys_.length - 1];
    const all: number[] = [];
    // Elasticsearch fills empty buckets between the first and last when min_doc_count is 0.
    if (first !== undefined && last !== undefined && minDocCount === 0) {
      if ((last - first) / interval >= MAX_BUCKETS)
        throw invalidQuery(`too many buckets (> ${MAX_BUCKETS})`);
      for (let k = first; k <= last; k += interval) all.push(k);
    } else all.push(...keys_);
    return {
      buckets: all
        .map((k) => ({ k, g: groups.get(k) }))
        .filter((b) => (b.g?.count ?? 0) >= minDocCount)
        .map((b) => {
          const bucket = {
            key_as_string: new Date(b.k).toISOString(),
            key: b.k,
            doc_count: b.g?.count ?? 0,
          };
          return withSub ? withSub(bucket, b.g?.docs ?? []) : bucket;
        }),
    };
  };
}
