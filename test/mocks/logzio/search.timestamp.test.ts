import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { DEFAULT_START } from "../../../simulator/kernel/clock.js";
import { startSimulator } from "./helpers.js";
import { ns, search, ship } from "./searchHelpers.js";

let sim: Simulator;
let close: () => Promise<void>;

const MINUTE = 60_000;
const at = (minutesBefore: number) => DEFAULT_START - minutesBefore * MINUTE;

// One log per form a shipper may send @timestamp in; the clock stands at DEFAULT_START.
beforeAll(async () => {
  ({ sim, close } = await startSimulator({ seed: "search-timestamp-test" }));
  await ship(sim, [
    // The CloudWatch shipper's form: epoch ms as a string of digits.
    { n: 1, "@timestamp": String(at(2)) },
    { n: 2, "@timestamp": at(3) },
    { n: 3, "@timestamp": new Date(at(1)).toISOString() },
    { n: 4, "@timestamp": "2026-01-05T09:56:00+01:00" },
    { n: 5, "@timestamp": new Date(at(30)).toISOString() },
  ]);
});
afterAll(async () => close());

describe("@timestamp reads as the indexed instant, whatever form it was sent in", () => {
  it("range and date math find logs sent with epoch ms, as a string or a number", async () => {
    const recent = { range: { "@timestamp": { gte: "now-5m" } } };
    expect(ns(await search(sim, { query: recent }))).toEqual([1, 2, 3, 4]);
    const lucene = { query_string: { query: "@timestamp:[now-5m TO now]" } };
    expect(ns(await search(sim, { query: lucene }))).toEqual([1, 2, 3, 4]);
    const exact = { range: { "@timestamp": { gte: at(2), lte: at(2) } } };
    expect(ns(await search(sim, { query: exact }))).toEqual([1]);
    const term = { term: { "@timestamp": new Date(at(2)).toISOString() } };
    expect(ns(await search(sim, { query: term }))).toEqual([1]);
  });

  it("sorts by the instant, with epoch ms as the sort value, and keeps _source as sent", async () => {
    const res = await search(sim, {
      query: { match_all: {} },
      sort: [{ "@timestamp": "asc" }],
    });
    expect(ns(res)).toEqual([5, 4, 2, 1, 3]);
    expect(res.body.hits.hits.map((h: { sort: number[] }) => h.sort[0])).toEqual(
      [30, 4, 3, 2, 1].map(at),
    );
    const sent = res.body.hits.hits.find((h: { _source: { n: number } }) => h._source.n === 1);
    expect(sent._source["@timestamp"]).toBe(String(at(2)));
  });

  it("buckets and aggregates by the instant", async () => {
    const res = await search(sim, {
      query: { range: { "@timestamp": { gte: "now-5m" } } },
      size: 0,
      aggs: {
        perMinute: { date_histogram: { field: "@timestamp", fixed_interval: "1m" } },
        first: { min: { field: "@timestamp" } },
      },
    });
    expect(
      res.body.aggregations.perMinute.buckets.map((b: { key: number; doc_count: number }) => [
        b.key,
        b.doc_count,
      ]),
    ).toEqual([
      [at(4), 1],
      [at(3), 1],
      [at(2), 1],
      [at(1), 1],
    ]);
    expect(res.body.aggregations.first).toEqual({
      value: at(4),
      value_as_string: new Date(at(4)).toISOString(),
    });
  });
});
