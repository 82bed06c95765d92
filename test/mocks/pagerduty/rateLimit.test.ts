import { afterEach, describe, expect, it } from "vitest";
import type { Simulator, SimulatorOptions } from "../../../simulator/cli/api.js";
import { CHANGE, ENQUEUE, mark, post, startSimulator, state, V1 } from "./helpers.js";

const KEY = "a".repeat(32);
const OTHER = "b".repeat(32);
const THROTTLED = {
  status: "throttle exceeded",
  message: "Requests for this service are arriving too quickly.  Please retry later.",
  errors: ["Enhance Your Calm."],
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function start(pagerduty: SimulatorOptions["pagerduty"] = {}): Promise<Simulator> {
  const { sim, close } = await startSimulator({
    seed: "pagerduty-rate",
    pagerduty: {
      services: [{ name: "api", integrations: [{ key: KEY }, { key: OTHER }] }],
      ...pagerduty,
    },
  });
  closers.push(close);
  return sim;
}

const event = (key: string) => ({
  routing_key: key,
  event_action: "trigger",
  dedup_key: "storm",
  payload: { summary: "storm", source: "h", severity: "error" },
});

/** Sends `n` events one after another; the statuses in order. */
async function burst(sim: Simulator, n: number, route = ENQUEUE, body: unknown = event(KEY)) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await post(sim, route, body)).status);
  return statuses;
}

describe("the per-routing-key rate limit", () => {
  it("takes PagerDuty's 120 events a minute per key, then answers 429 and ingests nothing", async () => {
    const sim = await start();
    const { journal } = mark(sim);
    expect(await burst(sim, 120)).toEqual(Array(120).fill(202));
    const refused = await post(sim, ENQUEUE, event(KEY));
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual(THROTTLED);
    // 120 triggers for one key: one alert with 120 trigger log entries, none for the refused one.
    const entries = (await state(sim)).log_entries as { type: string }[];
    expect(entries.filter((e) => e.type === "trigger_log_entry")).toHaveLength(120);
    expect(journal("pagerduty.event.rejected").map((e) => e.data)).toEqual([
      { api: "v2", status: 429, errors: ["Enhance Your Calm."] },
    ]);
    // Another key of the same service has its own allowance.
    expect((await post(sim, ENQUEUE, event(OTHER))).status).toBe(202);
  });

  it("counts over the last 60 seconds of the simulator clock, never wall time", async () => {
    const sim = await start();
    await burst(sim, 60);
    await sim.clock.runFor(30_000);
    await burst(sim, 60);
    expect((await post(sim, ENQUEUE, event(KEY))).status).toBe(429);
    // 59.999 s after the first 60 they still count; at 60 s they leave the window.
    await sim.clock.runFor(29_999);
    expect((await post(sim, ENQUEUE, event(KEY))).status).toBe(429);
    await sim.clock.runFor(1);
    expect(await burst(sim, 60)).toEqual(Array(60).fill(202));
    expect((await post(sim, ENQUEUE, event(KEY))).status).toBe(429);
  });

  it("answers 403 on v1 and 429 on change events, sharing the key's allowance", async () => {
    const sim = await start({ rateLimit: { limit: 3, windowMs: 1_000 } });
    const v1 = { service_key: KEY, event_type: "trigger", description: "d", incident_key: "i" };
    const change = { routing_key: KEY, payload: { summary: "deploy" } };
    expect(await burst(sim, 1, V1, v1)).toEqual([200]);
    expect(await burst(sim, 1, CHANGE, change)).toEqual([202]);
    expect(await burst(sim, 1)).toEqual([202]);
    const v1Refused = await post(sim, V1, v1);
    expect(v1Refused.status).toBe(403);
    expect(v1Refused.json).toEqual(THROTTLED);
    expect((await post(sim, CHANGE, change)).status).toBe(429);
    await sim.clock.runFor(1_000);
    expect((await post(sim, V1, v1)).status).toBe(200);
  });

  it("is configurable, and off with rateLimit: false", async () => {
    const sim = await start({ rateLimit: { limit: 2, windowMs: 10_000 } });
    expect(await burst(sim, 3)).toEqual([202, 202, 429]);
    const unlimited = await start({ rateLimit: false });
    expect(new Set(await burst(unlimited, 300))).toEqual(new Set([202]));
  });

  it("still answers a broken event with its 400, whatever the count", async () => {
    const sim = await start({ rateLimit: { limit: 1, windowMs: 10_000 } });
    await burst(sim, 2);
    const broken = await post(sim, ENQUEUE, { ...event(KEY), event_action: "page" });
    expect(broken.status).toBe(400);
  });
});
