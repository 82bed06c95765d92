import { parseInterval } from "./dateMath.js";
import { fielddataDisabled, invalidQuery, unsupported } from "./errors.js";
import { type Doc, dateValues, fieldValues, isAnalyzed, isDateField } from "./fields.js";
import { DEFAULT_TERMS_SIZE, MAX_BUCKETS, MAX_TERMS_SIZE } from "./limits.js";

type Json = Record<string, unknown>;
type Agg = (docs: readonly Doc[]) => Json;

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
export function compileAggs(spec: unknown, insideBucket = false): (docs: readonly Doc[]) => Json {
  if (!isObject(spec)) throw invalidQuery("aggregations must be an object");
  const compiled = Object.entries(spec).map(
    ([name, def]) => [name, compileAgg(name, def, insideBucket)] as const,
  );
  return (docs) => Object.fromEntries(compiled.map(([name, run]) => [name, run(docs)]));
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
  const withSub = (bucket: Json, docs: readonly Doc[]) =>
    sub ? { ...bucket, ...sub(docs) } : bucket;

  switch (type) {
    case "terms":
      return termsAgg(name, body, withSub);
    case "date_histogram":
      return dateHistogram(name, body, withSub);
    case "cardinality": {
      onlyKeys(type, body, ["field", "precision_threshold"]);
      const field = fieldOf(type, body);
      // Exact, where Elasticsearch's HyperLogLog is exact below precision_threshold (default 3000).
      return (docs) => ({
        value: new Set(docs.flatMap((d) => fieldValues(d, field).map(key))).size,
      });
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

/** A field's numbers in a document: numbers, and for a date field its instants in epoch ms. */
function numbers(doc: Doc, field: string): number[] {
  if (isDateField(field)) return dateValues(doc, field);
  return fieldValues(doc, field).filter((v): v is number => typeof v === "number");
}

function metric(type: "avg" | "sum" | "min" | "max", body: Json): Agg {
  onlyKeys(type, body, ["field"]);
  const field = fieldOf(type, body);
  return (docs) => {
    const xs = docs.flatMap((d) => numbers(d, field));
    let value: number | null;
    if (type === "sum") value = xs.reduce((a, b) => a + b, 0);
    else if (xs.length === 0) value = null;
    else if (type === "avg") value = xs.reduce((a, b) => a + b, 0) / xs.length;
    else value = type === "min" ? Math.min(...xs) : Math.max(...xs);
    const out: Json = { value };
    if (isDateField(field) && value !== null && (type === "min" || type === "max")) {
      out.value_as_string = new Date(value).toISOString();
    }
    return out;
  };
}

function termsAgg(name: string, body: Json, withSub: (b: Json, d: readonly Doc[]) => Json): Agg {
  onlyKeys("terms", body, ["field", "size", "min_doc_count"]);
  const field = fieldOf("terms", body);
  const size = body.size ?? DEFAULT_TERMS_SIZE;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > MAX_TERMS_SIZE) {
    throw invalidQuery(`terms aggregation [${name}] size must be 1..${MAX_TERMS_SIZE}`);
  }
  const minDocCount = body.min_doc_count ?? 1;
  if (minDocCount !== 1)
    throw unsupported("[min_doc_count] other than 1", `terms aggregation [${name}]`);
  return (docs) => {
    const groups = new Map<string | number, { raw: string | number | boolean; docs: Doc[] }>();
    for (const doc of docs) {
      const seen = new Set<string | number>();
      for (const v of fieldValues(doc, field)) {
        const k = key(v);
        if (seen.has(k)) continue;
        seen.add(k);
        let g = groups.get(k);
        if (!g) {
          g = { raw: v, docs: [] };
          groups.set(k, g);
        }
        g.docs.push(doc);
      }
    }
    // Elasticsearch orders by doc_count desc, then by key ascending.
    const sorted = [...groups.entries()].sort(
      ([ka, a], [kb, b]) => b.docs.length - a.docs.length || (ka < kb ? -1 : ka > kb ? 1 : 0),
    );
    const kept = sorted.slice(0, size);
    const other = sorted.slice(size).reduce((n, [, g]) => n + g.docs.length, 0);
    return {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: other,
      buckets: kept.map(([k, g]) =>
        withSub(
          {
            key: k,
            ...(typeof g.raw === "boolean" ? { key_as_string: String(g.raw) } : {}),
            doc_count: g.docs.length,
          },
          g.docs,
        ),
      ),
    };
  };
}

function dateHistogram(
  name: string,
  body: Json,
  withSub: (b: Json, d: readonly Doc[]) => Json,
): Agg {
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
  return (docs) => {
    const groups = new Map<number, Doc[]>();
    for (const doc of docs) {
      const seen = new Set<number>();
      for (const ms of numbers(doc, field)) {
        const k = Math.floor(ms / interval) * interval;
        if (seen.has(k)) continue;
        seen.add(k);
        const g = groups.get(k);
        if (g) g.push(doc);
        else groups.set(k, [doc]);
      }
    }
    const keys = [...groups.keys()].sort((a, b) => a - b);
    const first = keys[0];
    const last = keys[keys.length - 1];
    const all: number[] = [];
    // Elasticsearch fills empty buckets between the first and last when min_doc_count is 0.
    if (first !== undefined && last !== undefined && minDocCount === 0) {
      if ((last - first) / interval >= MAX_BUCKETS)
        throw invalidQuery(`too many buckets (> ${MAX_BUCKETS})`);
      for (let k = first; k <= last; k += interval) all.push(k);
    } else all.push(...keys);
    return {
      buckets: all
        .map((k) => ({ k, docs: groups.get(k) ?? [] }))
        .filter((b) => b.docs.length >= minDocCount)
        .map((b) =>
          withSub(
            { key_as_string: new Date(b.k).toISOString(), key: b.k, doc_count: b.docs.length },
            b.docs,
          ),
        ),
    };
  };
}
