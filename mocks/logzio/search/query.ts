import { invalidQuery, unsupported } from "./errors.js";
import { compileLucene } from "./lucene.js";
import {
  all,
  and,
  atLeast,
  type Bounds,
  exists,
  type Leaf,
  match,
  none,
  not,
  type Predicate,
  phrase,
  range,
  type TimeSpan,
  term,
  wildcard,
} from "./predicates.js";

export interface QueryContext {
  /** The simulator clock's reading, asked only by date math that starts at `now`. */
  now(): number;
}

/**
 * A compiled query, and the instants (`@timestamp`, both ends included) outside which it matches
 * nothing, as its required `range` clauses on `@timestamp` say. That span only narrows which logs
 * are tested: `matches` still decides for each one.
 */
export interface CompiledQuery {
  matches: Predicate;
  span?: TimeSpan;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const isLeaf = (v: unknown): v is Leaf =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/** Refuses parameters the simulator does not emulate instead of ignoring them. */
function onlyKeys(clause: string, body: Record<string, unknown>, allowed: readonly string[]) {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw unsupported(`Parameter [${key}]`, `[${clause}]`);
  }
}

/** `{field: value}` or `{field: {<valueKey>: value, ...}}`, the shape of term, match, wildcard... */
function singleField(clause: string, body: unknown): [string, unknown] {
  if (!isObject(body)) throw invalidQuery(`[${clause}] must be an object`);
  const entries = Object.entries(body).filter(([k]) => k !== "boost" && k !== "_name");
  if (entries.length !== 1) throw invalidQuery(`[${clause}] takes exactly one field`);
  return entries[0] as [string, unknown];
}

function fieldParams(
  clause: string,
  value: unknown,
  valueKeys: readonly string[],
  allowed: readonly string[],
): { value: unknown; params: Record<string, unknown> } {
  if (!isObject(value)) return { value, params: {} };
  onlyKeys(clause, value, [...valueKeys, "boost", "_name", ...allowed]);
  const key = valueKeys.find((k) => k in value);
  if (!key) throw invalidQuery(`[${clause}] needs [${valueKeys[0]}]`);
  return { value: value[key], params: value };
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The Elasticsearch query DSL subset Logz.io users write, compiled to a predicate. */
export function compileQuery(query: unknown, ctx: QueryContext): Predicate {
  return compileSearchQuery(query, ctx).matches;
}

/** `compileQuery`, with the span of `@timestamp` that the query's required clauses allow. */
export function compileSearchQuery(query: unknown, ctx: QueryContext): CompiledQuery {
  const keys = isObject(query) ? Object.keys(query) : [];
  if (keys.length === 1 && isObject(query)) {
    const name = keys[0];
    if (name === "bool") return compileBool(query.bool, ctx);
    if (name === "range") {
      const matches = compileClause(query, ctx) as ReturnType<typeof range>;
      return matches.span ? { matches, span: matches.span } : { matches };
    }
    if (name === "constant_score") {
      const body = query.constant_score;
      if (!isObject(body)) throw invalidQuery("[constant_score] must be an object");
      onlyKeys("constant_score", body, ["filter", "boost", "_name"]);
      return compileSearchQuery(body.filter, ctx);
    }
  }
  return { matches: compileClause(query, ctx) };
}

function compileClause(query: unknown, ctx: QueryContext): Predicate {
  if (!isObject(query)) throw invalidQuery("a query must be an object");
  const keys = Object.keys(query);
  if (keys.length !== 1)
    throw invalidQuery(`a query takes exactly one clause, got [${keys.join(", ")}]`);
  const name = keys[0] as string;
  const body = query[name];
  switch (name) {
    case "match_all":
      if (isObject(body)) onlyKeys(name, body, ["boost", "_name"]);
      return all;
    case "match_none":
      return none;
    case "bool":
      return compileBool(body, ctx).matches;
    case "term": {
      const [field, raw] = singleField(name, body);
      const { value, params } = fieldParams(name, raw, ["value"], ["case_insensitive"]);
      if (!isLeaf(value)) throw invalidQuery(`[term] value for [${field}] must be a scalar`);
      return term(field, value, params.case_insensitive === true);
    }
    case "terms": {
      const [field, values] = singleField(name, body);
      if (!Array.isArray(values) || !values.every(isLeaf)) {
        throw invalidQuery(
          `[terms] on [${field}] takes an array of values (terms lookup is not supported)`,
        );
      }
      return atLeast(
        values.map((v) => term(field, v)),
        1,
      );
    }
    case "match": {
      const [field, raw] = singleField(name, body);
      const { value, params } = fieldParams(name, raw, ["query"], ["operator"]);
      if (!isLeaf(value)) throw invalidQuery(`[match] query for [${field}] must be a scalar`);
      const op = String(params.operator ?? "or").toLowerCase();
      if (op !== "or" && op !== "and") throw invalidQuery(`[match] operator [${op}]`);
      return match(field, value, op);
    }
    case "match_phrase": {
      const [field, raw] = singleField(name, body);
      const { value, params } = fieldParams(name, raw, ["query"], ["slop"]);
      if ((params.slop ?? 0) !== 0) throw unsupported("[match_phrase] with slop other than 0");
      return phrase(field, String(value));
    }
    case "range": {
      const [field, raw] = singleField(name, body);
      if (!isObject(raw)) throw invalidQuery(`[range] on [${field}] must be an object`);
      onlyKeys(name, raw, [
        "gt",
        "gte",
        "lt",
        "lte",
        "from",
        "to",
        "include_lower",
        "include_upper",
        "boost",
        "_name",
        "time_zone",
        "format",
      ]);
      if (raw.format !== undefined) throw unsupported("Parameter [format]", "[range]");
      if (raw.time_zone !== undefined && !/^(UTC|Z|[+-]00:?00)$/i.test(String(raw.time_zone))) {
        throw unsupported(`[range] time_zone other than UTC`);
      }
      const bounds: Bounds = {};
      for (const op of ["gt", "gte", "lt", "lte"] as const) {
        const b = raw[op];
        if (b === undefined || b === null) continue;
        if (!isLeaf(b)) throw invalidQuery(`[range] ${op} must be a scalar`);
        bounds[op] = b;
      }
      // The legacy from/to form: inclusive unless include_lower/include_upper say otherwise.
      if (isLeaf(raw.from)) bounds[raw.include_lower === false ? "gt" : "gte"] = raw.from;
      if (isLeaf(raw.to)) bounds[raw.include_upper === false ? "lt" : "lte"] = raw.to;
      return range(field, bounds, ctx.now);
    }
    case "exists": {
      if (!isObject(body) || typeof body.field !== "string")
        throw invalidQuery("[exists] needs [field]");
      onlyKeys(name, body, ["field", "boost", "_name"]);
      return exists(body.field);
    }
    case "wildcard": {
      const [field, raw] = singleField(name, body);
      const { value, params } = fieldParams(name, raw, ["value", "wildcard"], ["case_insensitive"]);
      if (typeof value !== "string") throw invalidQuery(`[wildcard] on [${field}] needs a string`);
      return wildcard(field, value, params.case_insensitive === true);
    }
    case "query_string":
      return compileQueryString(body, ctx);
    case "constant_score": {
      if (!isObject(body)) throw invalidQuery("[constant_score] must be an object");
      onlyKeys(name, body, ["filter", "boost", "_name"]);
      return compileSearchQuery(body.filter, ctx).matches;
    }
    default:
      throw unsupported(`Query clause [${name}]`);
  }
}

function compileBool(body: unknown, ctx: QueryContext): CompiledQuery {
  if (!isObject(body)) throw invalidQuery("[bool] must be an object");
  onlyKeys("bool", body, [
    "must",
    "filter",
    "should",
    "must_not",
    "minimum_should_match",
    "boost",
    "_name",
    "adjust_pure_negative",
  ]);
  const required = [...list(body.must), ...list(body.filter)].map((q) =>
    compileSearchQuery(q, ctx),
  );
  const must = required.map((c) => c.matches);
  const should = list(body.should).map((q) => compileQuery(q, ctx));
  const mustNot = list(body.must_not).map((q) => compileQuery(q, ctx));
  // OpenSearch's rule (Logz.io runs OpenSearch): should is optional once must or filter is present,
  // in query and filter context alike; ES 6.8 still required one should in filter context.
  const min =
    body.minimum_should_match === undefined
      ? must.length === 0 && should.length > 0
        ? 1
        : 0
      : minimumShouldMatch(body.minimum_should_match, should.length);
  const matches = and([...must, atLeast(should, min), ...mustNot.map(not)]);
  // Every required clause holds for a match, so each one's span does.
  let span: TimeSpan | undefined;
  for (const { span: s } of required) {
    if (s === undefined) continue;
    span = span === undefined ? s : intersect(span, s);
  }
  return span === undefined ? { matches } : { matches, span };
}

function intersect(a: TimeSpan, b: TimeSpan): TimeSpan {
  if (Number.isNaN(a.from) || Number.isNaN(b.from)) return { from: Number.NaN, to: Number.NaN };
  return { from: Math.max(a.from, b.from), to: Math.min(a.to, b.to) };
}

/** Integers and percentages, negative ones counting from the number of clauses. */
function minimumShouldMatch(spec: unknown, n: number): number {
  const text = String(spec).trim();
  let m = /^(-?\d+)$/.exec(text);
  if (m) {
    const k = Number(m[1]);
    return k < 0 ? n + k : k;
  }
  m = /^(-?\d+(?:\.\d+)?)%$/.exec(text);
  if (m) {
    const p = Number(m[1]);
    const k = Math.floor((n * Math.abs(p)) / 100);
    return p < 0 ? n - k : k;
  }
  throw unsupported(`minimum_should_match [${text}]`, "[bool]");
}

function compileQueryString(body: unknown, ctx: QueryContext): Predicate {
  if (!isObject(body) || typeof body.query !== "string")
    throw invalidQuery("[query_string] needs [query]");
  onlyKeys("query_string", body, [
    "query",
    "default_field",
    "fields",
    "default_operator",
    "allow_leading_wildcard",
    "analyze_wildcard",
    "boost",
    "_name",
    "lenient",
  ]);
  // The Search API refuses allow_leading_wildcard: true (legacy Search doc).
  if (body.allow_leading_wildcard === true) {
    throw invalidQuery("allow_leading_wildcard must be false in query_string");
  }
  const op = String(body.default_operator ?? "or").toLowerCase();
  if (op !== "or" && op !== "and") throw invalidQuery(`[query_string] default_operator [${op}]`);
  const fields = body.fields === undefined ? undefined : list(body.fields).map(String);
  if (fields?.some((f) => f.includes("^")))
    throw unsupported("Field boosts in [fields]", "[query_string]");
  const defaultFields = fields ?? [
    typeof body.default_field === "string" ? body.default_field : "*",
  ];
  return compileLucene(body.query, { defaultFields, defaultOperator: op, now: ctx.now });
}
