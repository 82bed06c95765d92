import type { LogRange } from "../store.js";
import { compileAggs, type DocSet } from "./aggs.js";
import { startOfUtcDay } from "./dateMath.js";
import { fielddataDisabled, invalidQuery } from "./errors.js";
import {
  type Doc,
  dateValues,
  fieldValues,
  isAnalyzed,
  isDateField,
  wildcardRegExp,
} from "./fields.js";
import { MAX_RESULTS, MAX_RESULTS_WITH_AGGREGATIONS, WINDOW_DAYS } from "./limits.js";
import { all, type Predicate } from "./predicates.js";
import { compileQuery, compileSearchQuery } from "./query.js";

/** A search request after the transport has checked its top-level shape. */
export interface SearchRequest {
  query: Record<string, unknown>;
  from?: number;
  size?: number;
  sort?: unknown;
  _source?: unknown;
  post_filter?: Record<string, unknown>;
  aggs?: Record<string, unknown>;
}

/** A stored log as the engine needs it. */
export interface SearchableLog extends Doc {
  accountId: number;
  timestampMs: number;
}

/**
 * Where a search finds its logs: those with `fromMs <= timestampMs` and `timestampMs < toMs`
 * (`<=` when `toInclusive`), in ingest order. A store answers by binary search on time.
 */
export type LogWindows = (fromMs: number, toMs: number, toInclusive: boolean) => LogRange;

export interface SearchInput {
  request: SearchRequest;
  /** The account's logs in ingest order, or a source that finds those of a time window. */
  logs: readonly SearchableLog[] | LogWindows;
  nowMs: number;
  /** `?dayOffset=`: slides the two-day window back (0 and 1 mean today and yesterday). */
  dayOffset?: number;
}

type SortKey = { field: string; desc: boolean } | { field: "_doc" | "_score"; desc: boolean };

/**
 * Evaluates a search the way Logz.io's /v1/search answers it. The simulator does not rank by
 * relevance: every hit scores 1 and, unless `sort` says otherwise, hits come in ingest order.
 */
export function runSearch(input: SearchInput) {
  const { request, nowMs } = input;
  const ctx = { now: () => nowMs };
  const query = compileSearchQuery(request.query, ctx);
  const matches = query.matches;
  const postFilter = request.post_filter ? compileQuery(request.post_filter, ctx) : undefined;
  const aggs = request.aggs ? compileAggs(request.aggs) : undefined;
  const from = request.from ?? 0;
  const size = request.size ?? 10;
  const max = aggs ? MAX_RESULTS_WITH_AGGREGATIONS : MAX_RESULTS;
  if (size > max)
    throw invalidQuery(`size must be at most ${max}${aggs ? " with aggregations" : ""}`);
  if (from + size > MAX_RESULTS) {
    throw invalidQuery(
      `Result window is too large, from + size must be less than or equal to: [${MAX_RESULTS}]`,
    );
  }
  const sortKeys = parseSort(request.sort);
  const source = sourceFilter(request._source);

  // "Searches without a timestamp filter return the last 2 calendar days, UTC"; dayOffset slides it.
  const offset = Math.max(input.dayOffset ?? 0, 1) - 1;
  const today = startOfUtcDay(nowMs);
  const windowStart = today - (offset + WINDOW_DAYS - 1) * 86_400_000;
  const windowEnd = offset === 0 ? Number.POSITIVE_INFINITY : today - (offset - 1) * 86_400_000;
  // Only logs inside the query's required range on @timestamp can match: the rest are not tested.
  const span = query.span;
  let lo = windowStart;
  let hi = windowEnd;
  let hiInclusive = false;
  if (span !== undefined) {
    if (Number.isNaN(span.from) || Number.isNaN(span.to)) lo = Number.NaN;
    else {
      lo = Math.max(lo, span.from);
      if (span.to < hi) {
        hi = span.to;
        hiInclusive = true;
      }
    }
  }
  const range = windowOf(input.logs, lo, hi, hiInclusive);

  // Documents are collected only when a filter leaves some out: match_all keeps the range.
  const matched: DocSet = matches === all ? range : filtered(range, matches);
  const hitsSet = postFilter ? filtered(matched, postFilter) : matched;
  const total = hitsSet.end - hitsSet.start;
  const page =
    sortKeys.length > 0
      ? sortDocs(materialize(hitsSet), sortKeys).slice(from, from + size)
      : hitsSet.docs.slice(
          Math.min(hitsSet.start + from, hitsSet.end),
          Math.min(hitsSet.start + from + size, hitsSet.end),
        );
  const bySort = sortKeys.length > 0 && !(sortKeys.length === 1 && sortKeys[0]?.field === "_score");

  return {
    took: 0,
    timed_out: false,
    _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: {
      // A number, as in the spec's example (ES 6.8), not OpenSearch's {value, relation}.
      total,
      max_score: bySort ? null : total > 0 ? 1 : null,
      hits: (page as SearchableLog[]).map((log) => ({
        _index: indexName(log),
        _type: "doc",
        _id: `${log.accountId}-${log.seq}`,
        _score: bySort ? null : 1,
        ...(source === false ? {} : { _source: source(log.fields) }),
        ...(bySort ? { sort: sortKeys.map((k) => sortValue(log, k)) } : {}),
      })),
    },
    ...(aggs ? { aggregations: aggs(matched) } : {}),
  };
}

/** The logs of `[lo, hi)` (`[lo, hi]` when `hiInclusive`), in ingest order. */
function windowOf(
  logs: readonly SearchableLog[] | LogWindows,
  lo: number,
  hi: number,
  hiInclusive: boolean,
): DocSet {
  if (typeof logs === "function") return logs(lo, hi, hiInclusive);
  const docs = logs.filter(
    (l) => l.timestampMs >= lo && (hiInclusive ? l.timestampMs <= hi : l.timestampMs < hi),
  );
  return { docs, start: 0, end: docs.length, appendOnly: false };
}

function filtered(set: DocSet, keep: Predicate): DocSet {
  const docs: Doc[] = [];
  for (let i = set.start; i < set.end; i++) {
    const doc = set.docs[i] as Doc;
    if (keep(doc)) docs.push(doc);
  }
  return { docs, start: 0, end: docs.length, appendOnly: false };
}

function materialize(set: DocSet): SearchableLog[] {
  return set.docs.slice(set.start, set.end) as SearchableLog[];
}

/** Logz.io's daily index names look like `logzioCustomerIndex<yymmdd>`. */
function indexName(log: SearchableLog): string {
  const d = new Date(log.timestampMs).toISOString();
  return `logzioCustomerIndex${d.slice(2, 4)}${d.slice(5, 7)}${d.slice(8, 10)}`;
}

function parseSort(spec: unknown): SortKey[] {
  if (spec === undefined) return [];
  const items = Array.isArray(spec) ? spec : [spec];
  return items.map((item): SortKey => {
    if (typeof item === "string") return checkSortField(item, item === "_score");
    if (typeof item !== "object" || item === null || Object.keys(item).length !== 1) {
      throw invalidQuery(`bad sort element ${JSON.stringify(item)}`);
    }
    const [field, how] = Object.entries(item)[0] as [string, unknown];
    let order: unknown = how;
    if (typeof how === "object" && how !== null) {
      const { order: o, ...rest } = how as Record<string, unknown>;
      // "missing": "_last" and "unmapped_type" do not change the order the simulator gives.
      const extra = Object.keys(rest).filter(
        (k) => !(k === "unmapped_type" || (k === "missing" && rest.missing === "_last")),
      );
      if (extra.length > 0)
        throw invalidQuery(`sort option [${extra[0]}] is not supported by the Logz.io simulator`);
      order = o ?? (field === "_score" ? "desc" : "asc");
    }
    if (order !== "asc" && order !== "desc")
      throw invalidQuery(`sort order for [${field}] must be asc or desc`);
    return checkSortField(field, order === "desc");
  });
}

function checkSortField(field: string, desc: boolean): SortKey {
  if (isAnalyzed(field)) throw fielddataDisabled(field);
  return { field, desc };
}

function sortValue(log: SearchableLog, key: SortKey): unknown {
  if (key.field === "_doc") return log.seq;
  if (key.field === "_score") return 1;
  const xs: unknown[] = isDateField(key.field)
    ? dateValues(log, key.field)
    : fieldValues(log, key.field).map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
  if (xs.length === 0) return null;
  if (xs.length === 1) return xs[0];
  // Multi-valued fields sort by their min ascending and their max descending, as in Elasticsearch.
  return [...xs].sort((a, b) => compare(a, b) * (key.desc ? -1 : 1))[0];
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function sortDocs(docs: readonly SearchableLog[], keys: readonly SortKey[]): SearchableLog[] {
  const rows = docs.map((d) => ({ d, v: keys.map((k) => sortValue(d, k)) }));
  rows.sort((x, y) => {
    for (let i = 0; i < keys.length; i++) {
      const a = x.v[i];
      const b = y.v[i];
      if (a === b) continue;
      // Missing values sort last whatever the order, as Elasticsearch's default `_last`.
      if (a === null || a === undefined) return 1;
      if (b === null || b === undefined) return -1;
      const c = compare(a, b);
      if (c !== 0) return (keys[i] as SortKey).desc ? -c : c;
    }
    return x.d.seq - y.d.seq;
  });
  return rows.map((r) => r.d);
}

type Filter = ((fields: Record<string, unknown>) => Record<string, unknown>) | false;

/** `_source`: true/false, a pattern or list of patterns, or `{includes, excludes}`. */
function sourceFilter(spec: unknown): Filter {
  if (spec === undefined || spec === true) return (f) => structuredClone(f);
  if (spec === false) return false;
  let includes: string[] = [];
  let excludes: string[] = [];
  if (typeof spec === "string") includes = [spec];
  else if (Array.isArray(spec) && spec.every((s) => typeof s === "string")) includes = spec;
  else if (typeof spec === "object" && spec !== null) {
    const o = spec as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (k !== "includes" && k !== "excludes") throw invalidQuery(`_source option [${k}]`);
    }
    const strings = (v: unknown) =>
      v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
    includes = strings(o.includes);
    excludes = strings(o.excludes);
  } else throw invalidQuery("_source must be a boolean, a string, a list or {includes, excludes}");
  const inc = includes.map((p) => wildcardRegExp(p, false));
  const exc = excludes.map((p) => wildcardRegExp(p, false));
  const incPrefixes = includes.map((p) => p.split("*")[0] as string);

  const walk = (obj: Record<string, unknown>, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (exc.some((re) => re.test(path))) continue;
      const included = inc.length === 0 || inc.some((re) => re.test(path));
      if (included) {
        out[k] = structuredClone(v);
      } else if (typeof v === "object" && v !== null && !Array.isArray(v)) {
        // Descend when some include pattern reaches below this object.
        if (incPrefixes.some((p) => p === "" || p.startsWith(`${path}.`))) {
          const inner = walk(v as Record<string, unknown>, path);
          if (Object.keys(inner).length > 0) out[k] = inner;
        }
      }
    }
    return out;
  };
  return (fields) => walk(fields, "");
}
