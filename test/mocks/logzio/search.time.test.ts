import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { startSimulator } from "./helpers.js";
import { ns, search, ship } from "./searchHelpers.js";

let sim: Simulator;
let close: () => Promise<void>;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

beforeAll(async () => {
  ({ sim, close } = await startSimulator({ seed: "search-time-test" }));
  await ship(sim, [{ n: 1, message: "first" }]);
  await sim.clock.runFor(3 * MINUTE);
  await ship(sim, [{ n: 2, message: "second" }]);
});
afterAll(async () => close());

const lastFiveMinutes = { range: { "@timestamp": { gte: "now-5m" } } };

describe("date math on the simulator clock", () => {
  it("now-5m moves with the clock", async () => {
    expect(ns(await search(sim, { query: lastFiveMinutes }))).toEqual([1, 2]);
    await sim.clock.runFor(3 * MINUTE);
    expect(ns(await search(sim, { query: lastFiveMinutes }))).toEqual([2]);
    const lucene = await search(sim, {
      query: { query_string: { query: "@timestamp:[now-5m TO now]" } },
    });
    expect(ns(lucene)).toEqual([2]);
    await sim.clock.runFor(3 * MINUTE);
    expect(ns(await search(sim, { query: lastFiveMinutes }))).toEqual([]);
  });

  it("searches today and yesterday (UTC) by default; dayOffset slides the window", async () => {
    expect(ns(await search(sim, { query: { match_all: {} } }))).toEqual([1, 2]);
    await sim.clock.runFor(DAY);
    expect(ns(await search(sim, { query: { match_all: {} } }))).toEqual([1, 2]);
    await sim.clock.runFor(DAY);
    expect(ns(await search(sim, { query: { match_all: {} } }))).toEqual([]);
    const back = await search(sim, { query: { match_all: {} } }, { query: "?dayOffset=2" });
    expect(ns(back)).toEqual([1, 2]);
    const tooFar = await search(sim, { query: { match_all: {} } }, { query: "?dayOffset=4" });
    expect(ns(tooFar)).toEqual([]);
  });
});
