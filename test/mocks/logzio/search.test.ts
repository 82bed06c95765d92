import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { DEFAULT_START } from "../../../simulator/kernel/clock.js";
import { startSimulator } from "./helpers.js";
import { ns, search, ship } from "./searchHelpers.js";

let sim: Simulator;
let close: () => Promise<void>;

const MINUTE = 60_000;

// Three shipments two minutes apart: n1-n2 at T0, n3-n4 at T0+2m, n5 at T0+4m (the clock's now).
beforeAll(async () => {
  ({ sim, close } = await startSimulator({ seed: "search-test" }));
  await ship(sim, [
    {
      n: 1,
      message: "User login failed for alice",
      level: "error",
      service: "auth",
      latency: 120,
      user: { name: "alice" },
    },
    {
      n: 2,
      message: "User login ok",
      level: "info",
      service: "auth",
      latency: 30,
      "user.name": "bob",
    },
  ]);
  await sim.clock.runFor(2 * MINUTE);
  await ship(sim, [
    { n: 3, message: "Payment declined by bank", level: "error", service: "billing", latency: 900 },
    {
      n: 4,
      message: "Payment accepted",
      level: "info",
      service: "billing",
      latency: 45,
      region: "eu-west-1",
    },
  ]);
  await sim.clock.runFor(2 * MINUTE);
  await ship(sim, [{ n: 5, message: "cache warmup done", level: "debug", service: "cache" }]);
});
afterAll(async () => close());

const qs = async (query: string, extra: Record<string, unknown> = {}) =>
  ns(await search(sim, { query: { query_string: { query, ...extra } } }));

describe("query_string", () => {
  it("matches field:value on keyword fields exactly", async () => {
    expect(await qs("level:error")).toEqual([1, 3]);
    expect(await qs("level:Error")).toEqual([]);
  });

  it("searches every field by default: words in message, whole values elsewhere", async () => {
    expect(await qs("payment")).toEqual([3, 4]);
    expect(await qs("bob")).toEqual([2]);
    expect(await qs("payment", { default_field: "service" })).toEqual([]);
  });

  it("combines with AND, OR, NOT, + and -, and groups", async () => {
    expect(await qs("level:error AND service:billing")).toEqual([3]);
    expect(await qs("level:error OR level:debug")).toEqual([1, 3, 5]);
    expect(await qs("login AND NOT bob")).toEqual([1]);
    expect(await qs("NOT service:auth")).toEqual([3, 4, 5]);
    expect(await qs("+service:auth -level:info")).toEqual([1]);
    expect(await qs("service:(auth OR cache)")).toEqual([1, 2, 5]);
    expect(await qs("level:error service:cache")).toEqual([1, 3, 5]);
    expect(await qs("level:error service:billing", { default_operator: "AND" })).toEqual([3]);
  });

  it("matches quoted phrases in order", async () => {
    expect(await qs('message:"login failed"')).toEqual([1]);
    expect(await qs('"failed login"')).toEqual([]);
  });

  it("matches wildcards * and ?, per word in message", async () => {
    expect(await qs("service:bil*")).toEqual([3, 4]);
    expect(await qs("Pay*")).toEqual([3, 4]);
    expect(await qs("service:c?che")).toEqual([5]);
  });

  it("evaluates inclusive, exclusive, open and comparison ranges", async () => {
    expect(await qs("latency:[45 TO 120]")).toEqual([1, 4]);
    expect(await qs("latency:{45 TO 120]")).toEqual([1]);
    expect(await qs("latency:[100 TO *]")).toEqual([1, 3]);
    expect(await qs("latency:>=900")).toEqual([3]);
    expect(await qs("latency:<45")).toEqual([2]);
  });

  it("supports _exists_ and field:*", async () => {
    expect(await qs("_exists_:region")).toEqual([4]);
    expect(await qs("latency:* AND NOT _exists_:user.name")).toEqual([3, 4]);
  });

  it("refuses leading wildcards and allow_leading_wildcard: true with 400", async () => {
    const lead = await search(sim, { query: { query_string: { query: "*ment" } } });
    expect(lead.status).toBe(400);
    expect(lead.body.message).toMatch(/leading wildcard/i);
    const allow = await search(sim, {
      query: { query_string: { query: "pay*", allow_leading_wildcard: true } },
    });
    expect(allow.status).toBe(400);
    expect(allow.body.message).toMatch(/allow_leading_wildcard/);
  });

  it("answers 400 for invalid syntax", async () => {
    const res = await search(sim, { query: { query_string: { query: "level:(error" } } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/\)/);
  });
});

describe("query DSL clauses", () => {
  const q = async (query: unknown) => ns(await search(sim, { query }));

  it("bool: must, must_not, filter", async () => {
    expect(
      await q({
        bool: {
          must: [{ match: { message: "login" } }],
          must_not: { term: { level: "info" } },
        },
      }),
    ).toEqual([1]);
    expect(await q({ bool: { filter: [{ term: { service: "billing" } }] } })).toEqual([3, 4]);
  });

  it("bool: should needs one match alone, none beside must/filter, or minimum_should_match", async () => {
    const should = [{ term: { level: "error" } }, { term: { service: "billing" } }];
    expect(await q({ bool: { should } })).toEqual([1, 3, 4]);
    expect(await q({ bool: { filter: { term: { service: "auth" } }, should } })).toEqual([1, 2]);
    expect(await q({ bool: { should, minimum_should_match: 2 } })).toEqual([3]);
    expect(await q({ bool: { should, minimum_should_match: "50%" } })).toEqual([1, 3, 4]);
  });

  it("term: exact on keywords and numbers, lower-cased words on message", async () => {
    expect(await q({ term: { level: "error" } })).toEqual([1, 3]);
    expect(await q({ term: { latency: 30 } })).toEqual([2]);
    expect(await q({ term: { message: "Payment" } })).toEqual([]);
    expect(await q({ term: { message: { value: "payment" } } })).toEqual([3, 4]);
    expect(await q({ term: { "user.name": "alice" } })).toEqual([1]);
  });

  it("terms: any of the values", async () => {
    expect(await q({ terms: { service: ["auth", "cache"] } })).toEqual([1, 2, 5]);
  });

  it("match: analyzed with or/and on message, exact elsewhere", async () => {
    expect(await q({ match: { message: "payment login" } })).toEqual([1, 2, 3, 4]);
    expect(await q({ match: { message: { query: "payment declined", operator: "and" } } })).toEqual(
      [3],
    );
    expect(await q({ match: { service: "auth" } })).toEqual([1, 2]);
  });

  it("match_phrase: consecutive words", async () => {
    expect(await q({ match_phrase: { message: "login failed" } })).toEqual([1]);
    expect(await q({ match_phrase: { message: "failed login" } })).toEqual([]);
  });

  it("range: numbers with gt/gte/lt/lte", async () => {
    expect(await q({ range: { latency: { gte: 45, lt: 900 } } })).toEqual([1, 4]);
    expect(await q({ range: { latency: { gt: 45, lte: 900 } } })).toEqual([1, 3]);
  });

  it("range: absolute dates and date math on @timestamp", async () => {
    const t2 = new Date(DEFAULT_START + 2 * MINUTE).toISOString();
    expect(await q({ range: { "@timestamp": { gte: t2 } } })).toEqual([3, 4, 5]);
    expect(await q({ range: { "@timestamp": { gt: t2 } } })).toEqual([5]);
    expect(await q({ range: { "@timestamp": { gte: "now-3m" } } })).toEqual([3, 4, 5]);
    // DEFAULT_START is 09:00: now/h rounds to 09:00, lte now-1h/h rounds up to 08:59:59.999.
    expect(await q({ range: { "@timestamp": { gte: "now/h" } } })).toEqual([1, 2, 3, 4, 5]);
    expect(await q({ range: { "@timestamp": { lte: "now-1h/h" } } })).toEqual([]);
    // Rounding goes up to the unit's last millisecond for lte and gt, down for gte and lt.
    expect(await q({ range: { "@timestamp": { lte: "now-3m/h" } } })).toEqual([1, 2, 3, 4, 5]);
    expect(await q({ range: { "@timestamp": { gt: "now-3m/h" } } })).toEqual([]);
    expect(await q({ range: { "@timestamp": { lt: "now/h" } } })).toEqual([]);
  });

  it("exists, wildcard and match_all", async () => {
    expect(await q({ exists: { field: "region" } })).toEqual([4]);
    expect(await q({ exists: { field: "user.name" } })).toEqual([1, 2]);
    expect(await q({ wildcard: { service: "bil*" } })).toEqual([3, 4]);
    expect(await q({ wildcard: { message: { value: "decl?ned" } } })).toEqual([3]);
    expect(await q({ match_all: {} })).toEqual([1, 2, 3, 4, 5]);
    const lead = await search(sim, { query: { wildcard: { service: "*ing" } } });
    expect(lead.status).toBe(400);
  });
});

describe("paging, sorting and _source", () => {
  it("returns 10 hits by default with the total count, in ingest order", async () => {
    await ship(
      sim,
      Array.from({ length: 12 }, (_, i) => ({ n: 100 + i, message: "filler", service: "filler" })),
    );
    const res = await search(sim, { query: { term: { service: "filler" } } });
    expect(res.body.hits.total).toBe(12);
    expect(ns(res)).toEqual(Array.from({ length: 10 }, (_, i) => 100 + i));
    const page = await search(sim, { query: { term: { service: "filler" } }, from: 10, size: 5 });
    expect(ns(page)).toEqual([110, 111]);
  });

  it("size and from page through hits", async () => {
    const res = await search(sim, { query: { exists: { field: "level" } }, from: 1, size: 2 });
    expect(ns(res)).toEqual([2, 3]);
    expect(res.body.hits.total).toBe(5);
  });

  it("sorts by a field, missing values last, ties by ingest order", async () => {
    const byLatency = await search(sim, {
      query: { exists: { field: "level" } },
      sort: [{ latency: { order: "desc" } }],
    });
    expect(ns(byLatency)).toEqual([3, 1, 4, 2, 5]);
    expect(byLatency.body.hits.hits[0].sort).toEqual([900]);
    const byTime = await search(sim, {
      query: { exists: { field: "level" } },
      sort: [{ "@timestamp": "desc" }],
    });
    expect(ns(byTime)).toEqual([5, 3, 4, 1, 2]);
    expect(byTime.body.hits.hits[0].sort).toEqual([DEFAULT_START + 4 * MINUTE]);
  });

  it("refuses sorting on the analyzed message field", async () => {
    const res = await search(sim, { query: { match_all: {} }, sort: ["message"] });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/Fielddata is disabled.*message/);
  });

  it("_source keeps only the included fields, or none", async () => {
    const res = await search(sim, {
      query: { term: { n: 1 } },
      _source: ["level", "user.name"],
    });
    expect(res.body.hits.hits[0]._source).toEqual({ level: "error", user: { name: "alice" } });
    const none = await search(sim, { query: { term: { n: 1 } }, _source: false });
    expect(none.body.hits.hits[0]._source).toBeUndefined();
  });

  it("enforces Logz.io's size limits", async () => {
    const big = await search(sim, { query: { match_all: {} }, size: 10_001 });
    expect(big.status).toBe(400);
    const withAggs = await search(sim, {
      query: { match_all: {} },
      size: 1001,
      aggs: { s: { terms: { field: "service" } } },
    });
    expect(withAggs.status).toBe(400);
    const ok = await search(sim, { query: { match_all: {} }, size: 10_000 });
    expect(ok.status).toBe(200);
  });
});

describe("aggregations", () => {
  const levels = { exists: { field: "level" } };

  it("terms: buckets by count then key, with sum_other_doc_count", async () => {
    const res = await search(sim, {
      query: levels,
      size: 0,
      aggs: { byService: { terms: { field: "service" } } },
    });
    expect(res.body.hits.hits).toEqual([]);
    expect(res.body.aggregations.byService).toEqual({
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 0,
      buckets: [
        { key: "auth", doc_count: 2 },
        { key: "billing", doc_count: 2 },
        { key: "cache", doc_count: 1 },
      ],
    });
    const one = await search(sim, {
      query: levels,
      size: 0,
      aggregations: { s: { terms: { field: "service", size: 1 } } },
    });
    expect(one.body.aggregations.s.buckets).toEqual([{ key: "auth", doc_count: 2 }]);
    expect(one.body.aggregations.s.sum_other_doc_count).toBe(3);
  });

  it("date_histogram: fixed buckets, empty ones filled", async () => {
    const res = await search(sim, {
      query: levels,
      size: 0,
      aggs: { perMinute: { date_histogram: { field: "@timestamp", fixed_interval: "1m" } } },
    });
    const buckets = res.body.aggregations.perMinute.buckets;
    expect(buckets.map((b: { doc_count: number }) => b.doc_count)).toEqual([2, 0, 2, 0, 1]);
    expect(buckets[0]).toEqual({
      key: DEFAULT_START,
      key_as_string: new Date(DEFAULT_START).toISOString(),
      doc_count: 2,
    });
    const legacy = await search(sim, {
      query: levels,
      size: 0,
      aggs: { h: { date_histogram: { field: "@timestamp", interval: "2m" } } },
    });
    expect(
      legacy.body.aggregations.h.buckets.map((b: { doc_count: number }) => b.doc_count),
    ).toEqual([2, 2, 1]);
  });

  it("cardinality: distinct values", async () => {
    const res = await search(sim, {
      query: levels,
      size: 0,
      aggs: { services: { cardinality: { field: "service" } } },
    });
    expect(res.body.aggregations.services).toEqual({ value: 3 });
  });

  it("avg, sum, min and max over the matching documents", async () => {
    const res = await search(sim, {
      query: levels,
      size: 0,
      aggs: {
        avg: { avg: { field: "latency" } },
        sum: { sum: { field: "latency" } },
        min: { min: { field: "latency" } },
        max: { max: { field: "latency" } },
        none: { avg: { field: "absent" } },
      },
    });
    expect(res.body.aggregations).toEqual({
      avg: { value: (120 + 30 + 900 + 45) / 4 },
      sum: { value: 1095 },
      min: { value: 30 },
      max: { value: 900 },
      none: { value: null },
    });
  });

  it("metric aggregations nest under a bucket aggregation", async () => {
    const res = await search(sim, {
      query: levels,
      size: 0,
      aggs: {
        s: { terms: { field: "service" }, aggs: { slowest: { max: { field: "latency" } } } },
      },
    });
    expect(res.body.aggregations.s.buckets[1]).toEqual({
      key: "billing",
      doc_count: 2,
      slowest: { value: 900 },
    });
  });
});

describe("errors", () => {
  it("answers 401 without X-API-TOKEN", async () => {
    const res = await search(sim, { query: { match_all: {} } }, { headers: {} });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/token/i);
  });

  it("answers 401 for an unknown token, the shipping token included", async () => {
    for (const token of ["not-a-token", sim.env.LOGZIO_TOKEN as string]) {
      const res = await search(
        sim,
        { query: { match_all: {} } },
        { headers: { "X-API-TOKEN": token } },
      );
      expect(res.status).toBe(401);
    }
  });

  it("answers 400 naming an unsupported clause, aggregation or element", async () => {
    const fuzzy = await search(sim, { query: { fuzzy: { service: "auht" } } });
    expect(fuzzy.status).toBe(400);
    expect(fuzzy.body.message).toContain("fuzzy");
    const nested = await search(sim, {
      query: { bool: { must: [{ more_like_this: { like: "x" } }] } },
    });
    expect(nested.status).toBe(400);
    expect(nested.body.message).toContain("more_like_this");
    const agg = await search(sim, {
      query: { match_all: {} },
      aggs: { p: { percentiles: { field: "latency" } } },
    });
    expect(agg.status).toBe(400);
    expect(agg.body.message).toContain("percentiles");
    const param = await search(sim, {
      query: { match: { message: { query: "x", fuzziness: 2 } } },
    });
    expect(param.status).toBe(400);
    expect(param.body.message).toContain("fuzziness");
    const highlight = await search(sim, { query: { match_all: {} }, highlight: {} });
    expect(highlight.status).toBe(400);
    expect(highlight.body.message).toContain("highlight");
  });

  it("answers 400 for elements the Search API does not allow, and for a missing query", async () => {
    const foreign = await search(sim, { query: { match_all: {} }, script_fields: {} });
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toBe("Found JSON elements which are not allowed: script_fields");
    const noQuery = await search(sim, { size: 1 });
    expect(noQuery.status).toBe(400);
    expect(noQuery.body.message).toContain("query");
    const badJson = await search(sim, "{nope");
    expect(badJson.status).toBe(400);
  });

  it("answers 404 with Logz.io's body for unknown endpoints", async () => {
    const res = await fetch(`${sim.endpoints.logzioApi.url}/v1/nothing`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errorCode: "endpoints/UNKNOWN_ENDPOINT" });
  });
});

const SPEC = fileURLToPath(
  new URL("../../../../shared/specs/logzio/logzio-public-api.swagger2.json", import.meta.url),
);

describe.skipIf(!existsSync(SPEC))(
  "response against the /v1/search spec (skipped when ../shared/specs is absent)",
  () => {
    it("has the shape of the spec's example and accepts only the spec's body elements", async () => {
      const spec = JSON.parse(readFileSync(SPEC, "utf8"));
      const op = spec.paths["/v1/search"].post;
      const bodyParam = op.parameters.find((p: { in: string }) => p.in === "body");
      const allowed = Object.keys(bodyParam.schema.properties);
      for (const key of ["query", "from", "size", "sort", "_source", "aggregations"]) {
        expect(allowed).toContain(key);
      }
      const example = JSON.parse(op.responses["200"].schema.example);
      const res = await search(sim, {
        query: { match_all: {} },
        size: 1,
        aggregations: { byType: { terms: { field: "type" } } },
      });
      expect(res.status).toBe(200);
      expect(typeof res.body).toBe(op.responses["200"].schema.type);
      expect(typeof res.body.hits.total).toBe(typeof example.hits.total);
      expect(typeof res.body.hits.max_score).toBe(typeof example.hits.max_score);
      expect(Array.isArray(res.body.hits.hits)).toBe(true);
      const exampleAgg = example.aggregations.byType;
      expect(Object.keys(res.body.aggregations.byType).sort()).toEqual(
        Object.keys(exampleAgg).sort(),
      );
      expect(Object.keys(res.body.aggregations.byType.buckets[0]).sort()).toEqual(
        Object.keys(exampleAgg.buckets[0]).sort(),
      );
    });
  },
);
