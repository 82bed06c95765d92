import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { CHANGE, mark, post, reset, routingKey, startSimulator, state } from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, close } = await startSimulator({ seed: "pagerduty-change" }));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

const DAY = 24 * 60 * 60 * 1000;

describe("POST /v2/change/enqueue", () => {
  it("answers 202 Change event processed and stores the event on the service, opening nothing", async () => {
    const { at, journal } = mark(sim);
    const reply = await post(sim, CHANGE, {
      routing_key: routingKey(sim),
      payload: {
        summary: "Build Success: Increase snapshot create timeout to 30 seconds",
        source: "prod-build-agent-i-0b148d1040d565540",
        custom_details: { build_number: "220", traceId: "deploy-1" },
      },
      links: [{ href: "https://ci.example.com/builds/220", text: "View in CI" }],
    });
    expect(reply.status).toBe(202);
    expect(reply.json).toEqual({ status: "success", message: "Change event processed" });
    const s = await state(sim);
    expect(s.incidents).toEqual([]);
    expect(s.change_events).toHaveLength(1);
    expect(s.change_events[0]).toMatchObject({
      type: "change_event",
      summary: "Build Success: Increase snapshot create timeout to 30 seconds",
      source: "prod-build-agent-i-0b148d1040d565540",
      timestamp: at(),
      custom_details: { build_number: "220", traceId: "deploy-1" },
      links: [{ href: "https://ci.example.com/builds/220", text: "View in CI" }],
      services: [{ id: s.services[0].id, type: "service_reference" }],
    });
    expect(s.change_events[0].id).toMatch(/^P[A-Z0-9]{6}$/);
    expect(journal().map((e) => [e.type, e.correlation, e.data.api])).toEqual([
      ["pagerduty.event.accepted", { traceId: "deploy-1" }, "change"],
    ]);
  });

  it("keeps the timestamp the event gives", async () => {
    await post(sim, CHANGE, {
      routing_key: routingKey(sim),
      payload: { summary: "merge", timestamp: "2015-07-17T08:42:58.315+0000" },
    });
    expect((await state(sim)).change_events[0].timestamp).toBe("2015-07-17T08:42:58.315+0000");
  });

  it("keeps change events for 90 days of simulator time", async () => {
    const send = (summary: string) =>
      post(sim, CHANGE, { routing_key: routingKey(sim), payload: { summary } });
    await send("old");
    await sim.clock.runFor(60 * DAY);
    await send("recent");
    await sim.clock.runFor(30 * DAY + 1);
    await send("new");
    const kept = (await state(sim)).change_events.map((e: { summary: string }) => e.summary);
    expect(kept).toEqual(["recent", "new"]);
  });

  it("refuses an unknown routing key with 400 Invalid routing key", async () => {
    const reply = await post(sim, CHANGE, {
      routing_key: "c".repeat(32),
      payload: { summary: "s" },
    });
    expect(reply.status).toBe(400);
    expect(reply.text).toBe("Invalid routing key");
    expect((await state(sim)).change_events).toEqual([]);
  });
});
