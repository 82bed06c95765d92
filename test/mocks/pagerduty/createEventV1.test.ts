import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { ENQUEUE, mark, post, reset, routingKey, startSimulator, state, V1 } from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, close } = await startSimulator({ seed: "pagerduty-v1" }));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

const v1 = (event: Record<string, unknown>) => ({ service_key: routingKey(sim), ...event });

describe("POST /generic/2010-04-15/create_event.json", () => {
  it("answers a trigger with 200 (not 202) and a generated incident_key", async () => {
    const { at } = mark(sim);
    const reply = await post(
      sim,
      V1,
      v1({
        event_type: "trigger",
        description: "FAILURE for production/HTTP on machine srv01.acme.com",
        client: "Sample Monitoring Service",
        client_url: "https://monitoring.service.com",
        details: { "ping time": "1500ms", traceId: "v1-trace" },
        contexts: [
          { type: "link", href: "http://acme.pagerduty.com", text: "View" },
          { type: "image", src: "https://chart.example.com/c.png" },
          { type: "video", src: "ignored" },
        ],
      }),
    );
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.json).sort()).toEqual(["incident_key", "message", "status"]);
    expect(reply.json).toMatchObject({ status: "success", message: "Event processed" });
    expect(reply.json.incident_key).toMatch(/^[0-9a-f]{32}$/);
    const s = await state(sim);
    expect(s.incidents[0]).toMatchObject({
      incident_number: 1,
      title: "FAILURE for production/HTTP on machine srv01.acme.com",
      incident_key: reply.json.incident_key,
      status: "triggered",
      // No severity in v1: high under the default severity-based rule.
      urgency: "high",
      created_at: at(),
    });
    expect(s.alerts[0].body.cef_details).toMatchObject({
      client: "Sample Monitoring Service",
      client_url: "https://monitoring.service.com",
      contexts: [
        { type: "link", href: "http://acme.pagerduty.com", text: "View" },
        { type: "image", src: "https://chart.example.com/c.png" },
      ],
      details: { "ping time": "1500ms", traceId: "v1-trace" },
    });
    expect(sim.journal.byCorrelation("v1-trace").map((e) => e.type)).toEqual([
      "pagerduty.event.accepted",
      "pagerduty.alert.triggered",
      "pagerduty.incident.triggered",
      "responder.notified",
    ]);
  });

  it("deduplicates by incident_key, acknowledges and resolves, and reopens nothing", async () => {
    const trigger = v1({ event_type: "trigger", incident_key: "srv01/HTTP", description: "down" });
    expect((await post(sim, V1, trigger)).json.incident_key).toBe("srv01/HTTP");
    await post(sim, V1, trigger);
    expect((await state(sim)).incidents).toHaveLength(1);
    const ack = await post(sim, V1, v1({ event_type: "acknowledge", incident_key: "srv01/HTTP" }));
    expect(ack.json).toEqual({
      status: "success",
      message: "Event processed",
      incident_key: "srv01/HTTP",
    });
    expect((await state(sim)).incidents[0].status).toBe("acknowledged");
    await post(sim, V1, v1({ event_type: "resolve", incident_key: "srv01/HTTP" }));
    expect((await state(sim)).incidents[0].status).toBe("resolved");
    await post(sim, V1, trigger);
    const s = await state(sim);
    expect(s.incidents.map((i: { status: string }) => i.status)).toEqual(["resolved", "triggered"]);
  });

  it("accepts (200) and drops an acknowledge for a key with no open incident", async () => {
    const { journal } = mark(sim);
    const reply = await post(sim, V1, v1({ event_type: "acknowledge", incident_key: "nothing" }));
    expect(reply.status).toBe(200);
    expect((await state(sim)).incidents).toEqual([]);
    expect(journal("pagerduty.event.dropped")).toHaveLength(1);
  });

  it("shares alerts with v2: the same key through the same integration is one alert", async () => {
    await post(sim, V1, v1({ event_type: "trigger", incident_key: "shared", description: "d" }));
    const resolve = { routing_key: routingKey(sim), event_action: "resolve", dedup_key: "shared" };
    expect((await post(sim, ENQUEUE, resolve)).status).toBe(202);
    expect((await state(sim)).incidents[0].status).toBe("resolved");
  });

  it("refuses an unknown service key with 400 Invalid routing key", async () => {
    const reply = await post(sim, V1, {
      service_key: "f".repeat(32),
      event_type: "trigger",
      description: "d",
    });
    expect(reply.status).toBe(400);
    expect(reply.text).toBe("Invalid routing key");
  });
});
