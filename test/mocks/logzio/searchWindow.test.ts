import { describe, expect, it } from "vitest";
import { ingestLogs } from "../../../mocks/logzio/operations/ingestLogs.js";
import { search } from "../../../mocks/logzio/operations/search.js";
import { runSearch, type SearchRequest } from "../../../mocks/logzio/search/engine.js";
import { type LogzioAccount, LogzioStore } from "../../../mocks/logzio/store.js";
import { DEFAULT_START } from "../../../simulator/kernel/clock.js";

const MINUTE = 60_000;
const account: LogzioAccount = {
  accountId: 1,
  accountName: "window-test",
  shippingToken: "s",
  apiToken: "a",
};

/** A store filled in bulks of `logs`, each log placed `minutesBefore` the clock's start. */
function storeOf(bulks: readonly (readonly Record<string, unknown>[])[]): LogzioStore {
  const store = new LogzioStore([account]);
  for (const logs of bulks) {
    const body = logs.map((l) => JSON.stringify(l)).join("\n");
    const result = ingestLogs({
      accountId: account.accountId,
      body,
      queryType: undefined,
      nowMs: DEFAULT_START,
      nextSeq: () => store.nextSeq(),
    });
    for (const log of result.logs) store.add(log);
  }
  return store;
}

const at = (minutesBefore: number) =>
  new Date(DEFAULT_START - minutesBefore * MINUTE).toISOString();
const SERVICES = ["a", "b", "c"];
const FLAGS: unknown[] = [true, 1, "1", false, 0, "x"];

/** Logs every minute for two days, shipped late and out of order in some bulks. */
function bulks(outOfOrder: boolean): Record<string, unknown>[][] {
  const out: Record<string, unknown>[][] = [];
  for (let b = 0; b < 30; b++) {
    const bulk: Record<string, unknown>[] = [];
    for (let i = 0; i < 100; i++) {
      const k = b * 100 + i;
      // Out of order: every third bulk comes from hours earlier, the rest interleave.
      const minutes = outOfOrder
        ? b % 3 === 0
          ? 2_900 - k / 3
          : 3_000 - k + (i % 7) * 5
        : 3_000 - k;
      bulk.push({
        n: k,
        "@timestamp": at(Math.max(0, Math.round(minutes))),
        service: SERVICES[k % 3],
        level: k % 5 === 0 ? "error" : "info",
        latency: (k * 37) % 1000,
        flag: FLAGS[k % FLAGS.length],
        ...(k % 11 === 0 ? { tags: ["x", "y"], multi: [1, 2, 2] } : { multi: k % 4 }),
      });
    }
    out.push(bulk);
  }
  return out;
}

const requests: SearchRequest[] = [
  { query: { match_all: {} } },
  { query: { match_all: {} }, size: 0, aggs: { s: { terms: { field: "service" } } } },
  { query: { match_all: {} }, size: 0, aggs: { f: { terms: { field: "flag", size: 3 } } } },
  { query: { match_all: {} }, size: 0, aggs: { m: { terms: { field: "multi" } } } },
  { query: { range: { "@timestamp": { gte: "now-15m" } } }, size: 50 },
  { query: { range: { "@timestamp": { gt: at(120), lt: at(60) } } }, size: 100 },
  // Bounds exactly on log instants: inclusive and exclusive ends.
  { query: { range: { "@timestamp": { gte: at(500), lte: at(400) } } }, size: 200 },
  { query: { range: { "@timestamp": { gt: at(500), lt: at(400) } } }, size: 200 },
  { query: { range: { "@timestamp": { from: at(900), to: at(800), include_upper: false } } } },
  {
    query: {
      bool: {
        filter: [
          { query_string: { query: "level:error AND service:a" } },
          { range: { "@timestamp": { gte: "now-1d/d" } } },
        ],
      },
    },
    size: 30,
    aggs: {
      s: { terms: { field: "flag" }, aggs: { slow: { max: { field: "latency" } } } },
      h: { date_histogram: { field: "@timestamp", fixed_interval: "1h" } },
    },
  },
  {
    query: {
      bool: {
        must: [{ range: { "@timestamp": { gte: "now-2h" } } }],
        filter: { range: { "@timestamp": { lt: "now-1h" } } },
        should: [{ term: { service: "b" } }],
        must_not: { term: { level: "error" } },
      },
    },
    sort: [{ "@timestamp": "desc" }],
    size: 40,
  },
  {
    query: {
      constant_score: { filter: { range: { "@timestamp": { gte: "now-3h", lt: "now" } } } },
    },
    size: 0,
    aggs: { avg: { avg: { field: "latency" } }, n: { cardinality: { field: "service" } } },
  },
  // A range in should or must_not does not narrow the logs: every log is tested.
  { query: { bool: { should: [{ range: { "@timestamp": { gte: "now-10m" } } }] } }, size: 20 },
  { query: { bool: { must_not: { range: { "@timestamp": { gte: "now-1d" } } } } }, size: 20 },
  // Disjoint required ranges, and a bound no date can reach.
  {
    query: {
      bool: {
        filter: [
          { range: { "@timestamp": { gte: "now-10m" } } },
          { range: { "@timestamp": { lt: "now-20m" } } },
        ],
      },
    },
  },
  { query: { range: { "@timestamp": { gte: "now+1000000000y" } } } },
  { query: { range: { "@timestamp": { gte: "now-2d" } } }, sort: ["_doc"], from: 100, size: 50 },
  {
    query: { term: { level: "error" } },
    post_filter: { range: { "@timestamp": { gte: "now-1h" } } },
  },
];

describe("search narrowed to the time span its query allows", () => {
  for (const outOfOrder of [false, true]) {
    const store = storeOf(bulks(outOfOrder));
    it(`answers as a test of every log does, logs ${outOfOrder ? "out of" : "in"} time order`, () => {
      const logs = store.logs(account.accountId);
      for (const request of requests) {
        for (const [nowMs, dayOffset] of [
          [DEFAULT_START, undefined],
          [DEFAULT_START + 86_400_000, undefined],
          [DEFAULT_START, 2],
        ] as const) {
          // The array form: every log of the two-day window is tested against the whole query.
          const everyLog = runSearch({ request: structuredClone(request), logs, nowMs, dayOffset });
          const narrowed = search({
            store,
            account,
            request: structuredClone(request),
            nowMs,
            dayOffset,
          });
          expect(narrowed, JSON.stringify(request)).toEqual(everyLog);
        }
      }
    });
  }

  it("counts terms of a field with too many distinct values for a column one log at a time", () => {
    const logs = Array.from({ length: 70_000 }, (_, i) => ({
      "@timestamp": new Date(DEFAULT_START - (70_000 - i) * 1000).toISOString(),
      id: `id-${i % 69_000}`,
      mod: i % 5,
    }));
    const store = storeOf([logs]);
    for (const field of ["id", "mod", "id"]) {
      const request: SearchRequest = {
        query: { match_all: {} },
        size: 0,
        aggs: { t: { terms: { field, size: 3 } } },
      };
      const everyLog = runSearch({
        request: structuredClone(request),
        logs: store.logs(account.accountId),
        nowMs: DEFAULT_START,
      });
      const narrowed = search({ store, account, request, nowMs: DEFAULT_START });
      expect(narrowed).toEqual(everyLog);
    }
  });

  it("aggregates min and max over more values than a function call takes as arguments", () => {
    const logs = Array.from({ length: 300_000 }, (_, i) => ({
      seq: i + 1,
      accountId: 1,
      timestampMs: DEFAULT_START - 1,
      fields: { latency: (i * 7919) % 100_003 },
    }));
    const out = runSearch({
      request: {
        query: { match_all: {} },
        size: 0,
        aggs: { low: { min: { field: "latency" } }, high: { max: { field: "latency" } } },
      },
      logs,
      nowMs: DEFAULT_START,
    });
    expect(out.aggregations).toEqual({ low: { value: 0 }, high: { value: 100_002 } });
  });

  it("finds the same logs by time as a pass over the ingest order", () => {
    const store = storeOf(bulks(true));
    const logs = store.logs(account.accountId);
    for (const [from, to] of [
      [DEFAULT_START - 600 * MINUTE, DEFAULT_START - 100 * MINUTE],
      [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
      [DEFAULT_START - 2_000 * MINUTE, DEFAULT_START - 1_990 * MINUTE],
    ] as const) {
      for (const inclusive of [false, true]) {
        const range = store.between(account.accountId, from, to, inclusive);
        const found = range.docs.slice(range.start, range.end).map((l) => l.seq);
        const want = logs
          .filter(
            (l) => l.timestampMs >= from && (inclusive ? l.timestampMs <= to : l.timestampMs < to),
          )
          .map((l) => l.seq);
        expect(found).toEqual(want);
      }
    }
  });
});
