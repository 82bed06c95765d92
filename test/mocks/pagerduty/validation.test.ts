import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import {
  CHANGE,
  ENQUEUE,
  mark,
  post,
  reset,
  routingKey,
  startSimulator,
  state,
  trigger,
  V1,
} from "./helpers.js";

const INVALID = { status: "invalid event", message: "Event object is invalid" };

let sim: Simulator;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, close } = await startSimulator({ seed: "pagerduty-validation" }));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

/** Posts, expects PagerDuty's 400 with exactly these errors, and that nothing was stored. */
async function rejects(route: string, body: unknown, errors: string[]) {
  const { journal } = mark(sim);
  const reply = await post(sim, route, body);
  expect(reply.status).toBe(400);
  expect(reply.contentType).toMatch(/^application\/json/);
  expect(reply.json).toEqual({ ...INVALID, errors });
  const s = await state(sim);
  expect(s.incidents).toEqual([]);
  expect(s.change_events).toEqual([]);
  expect(journal().map((e) => [e.type, e.data.errors])).toEqual([
    ["pagerduty.event.rejected", errors],
  ]);
}

describe("POST /v2/enqueue: PagerDuty's 400 for each broken rule", () => {
  const key = () => routingKey(sim);

  it("an empty object: routing key and event action, together", async () => {
    await rejects(ENQUEUE, {}, [
      "'routing_key' cannot be blank",
      "'event_action' is missing or blank",
    ]);
  });

  it("a routing key of the wrong length", async () => {
    await rejects(ENQUEUE, trigger(sim, { routing_key: key().slice(1) }), [
      "Length of 'routing_key' is incorrect (should be 32 characters)",
    ]);
  });

  it("a REST API token as routing key: wrong length and non-alphanumeric, together", async () => {
    await rejects(ENQUEUE, trigger(sim, { routing_key: "e+23rschqsESqk9Q6_-g" }), [
      "Length of 'routing_key' is incorrect (should be 32 characters)",
      "'routing_key' cannot contain non-alphanumeric characters.",
    ]);
  });

  it("a 32-character routing key with a non-alphanumeric character", async () => {
    await rejects(ENQUEUE, trigger(sim, { routing_key: `${key().slice(0, 31)}-` }), [
      "'routing_key' cannot contain non-alphanumeric characters.",
    ]);
  });

  it("an event_action outside the enum, or in another case", async () => {
    const message =
      "'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')";
    await rejects(ENQUEUE, trigger(sim, { event_action: "page" }), [message]);
    await rejects(ENQUEUE, trigger(sim, { event_action: "Trigger" }), [message]);
  });

  it("acknowledge or resolve without a dedup_key, or a blank one", async () => {
    const missing = ["'dedup_key' is missing or blank"];
    await rejects(ENQUEUE, { routing_key: key(), event_action: "acknowledge" }, missing);
    await rejects(
      ENQUEUE,
      { routing_key: key(), event_action: "resolve", dedup_key: "  " },
      missing,
    );
  });

  it("a dedup_key over 255 characters (255 is accepted)", async () => {
    await rejects(ENQUEUE, trigger(sim, { dedup_key: "k".repeat(256) }), [
      "'dedup_key' is too long (maiximum is 255 characters)",
    ]);
    expect((await post(sim, ENQUEUE, trigger(sim, { dedup_key: "k".repeat(255) }))).status).toBe(
      202,
    );
  });

  it("a dedup_key that is not a string", async () => {
    await rejects(ENQUEUE, trigger(sim, { dedup_key: 42 }), [
      "'dedup_key' is invalid (must be a string)",
    ]);
  });

  it("a trigger without payload: summary, source and severity", async () => {
    await rejects(ENQUEUE, { routing_key: key(), event_action: "trigger" }, [
      "'payload.summary' is missing or blank",
      "'payload.source' is missing or blank",
      "'payload.severity' is missing or blank",
    ]);
  });

  it("a blank summary", async () => {
    await rejects(ENQUEUE, trigger(sim, {}, { summary: "   " }), [
      "'payload.summary' is missing or blank",
    ]);
  });

  it("a summary over 1024 characters, counted in characters (1024 are accepted)", async () => {
    await rejects(ENQUEUE, trigger(sim, {}, { summary: "x".repeat(1025) }), [
      "'summary' is too long (maiximum is 1024 characters)",
    ]);
    // 1024 characters outside the BMP are 2048 UTF-16 units and 4096 bytes: still 1024 characters.
    const long = await post(sim, ENQUEUE, trigger(sim, {}, { summary: "🔥".repeat(1024) }));
    expect(long.status).toBe(202);
    expect((await state(sim)).incidents[0].title).toBe("🔥".repeat(1024));
  });

  it("a missing source", async () => {
    const { source: _source, ...payload } = trigger(sim).payload;
    await rejects(ENQUEUE, { ...trigger(sim), payload }, ["'payload.source' is missing or blank"]);
  });

  it("a missing severity, and one outside the enum (which is case-sensitive)", async () => {
    const invalid =
      "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')";
    const { severity: _severity, ...payload } = trigger(sim).payload;
    await rejects(ENQUEUE, { ...trigger(sim), payload }, [
      "'payload.severity' is missing or blank",
    ]);
    await rejects(ENQUEUE, trigger(sim, {}, { severity: "high" }), [invalid]);
    await rejects(ENQUEUE, trigger(sim, {}, { severity: "CRITICAL" }), [invalid]);
  });

  it("every broken rule of one event at once, in PagerDuty's order", async () => {
    await rejects(
      ENQUEUE,
      {
        routing_key: "short",
        event_action: "trigger",
        dedup_key: "d".repeat(300),
        payload: { summary: "s".repeat(2000), severity: "fatal" },
      },
      [
        "Length of 'routing_key' is incorrect (should be 32 characters)",
        "'dedup_key' is too long (maiximum is 255 characters)",
        "'summary' is too long (maiximum is 1024 characters)",
        "'payload.source' is missing or blank",
        "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')",
      ],
    );
  });
});

describe("bodies that are not an event object", () => {
  const unrecognized = (status: string) => ({
    status,
    message: "Event object format is unrecognized",
    errors: ["JSON parse error"],
  });

  it("answers invalid JSON and non-objects with the spec's Unrecognized object", async () => {
    for (const body of ["{not json", "", "[1,2]", '"trigger"', "null"]) {
      const reply = await post(sim, ENQUEUE, body);
      expect(reply.status, body).toBe(400);
      expect(reply.json, body).toEqual(unrecognized("Unrecognized object"));
    }
    expect((await post(sim, CHANGE, "{")).json).toEqual(unrecognized("Unrecognized object"));
    // The v1 spec's example spells the status in lower case.
    expect((await post(sim, V1, "{")).json).toEqual(unrecognized("unrecognized object"));
    expect(sim.journal.byType("pagerduty.event.rejected").length).toBeGreaterThanOrEqual(7);
    // The server is still up and takes the next event.
    expect((await post(sim, ENQUEUE, trigger(sim))).status).toBe(202);
  });

  it("caps an event at 512 KB: one byte over is refused and not ingested", async () => {
    const LIMIT = 512 * 1024;
    const sized = (bytes: number) => {
      const base = JSON.stringify(trigger(sim, {}, { custom_details: { pad: "" } }));
      return base.replace('"pad":""', `"pad":"${"p".repeat(bytes - base.length)}"`);
    };
    const exact = sized(LIMIT);
    expect(Buffer.byteLength(exact)).toBe(LIMIT);
    expect((await post(sim, ENQUEUE, exact)).status).toBe(202);
    const over = sized(LIMIT + 1);
    const reply = await post(sim, ENQUEUE, over);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      ...INVALID,
      errors: [`Event object is too large (maximum is ${LIMIT} bytes)`],
    });
    expect((await state(sim)).incidents).toHaveLength(1);
    // The cap is on the bytes sent: the same size in v1 is refused too.
    const v1 = JSON.stringify({
      service_key: routingKey(sim),
      event_type: "trigger",
      description: "big",
      details: { pad: "p".repeat(LIMIT) },
    });
    expect((await post(sim, V1, v1)).status).toBe(400);
  });

  it("answers other paths with 404 and other methods with 405", async () => {
    const missing = await post(sim, "/v2/enqueue/extra", trigger(sim));
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      status: "Not Found",
      message: "Not Found",
      errors: ["Not Found"],
    });
    const res = await fetch(`${sim.endpoints.pagerdutyEvents.url}${ENQUEUE}`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    await res.body?.cancel();
  });
});

describe("POST /v2/change/enqueue and v1: their own rules", () => {
  it("change events need a routing key and a summary of at most 1024 characters", async () => {
    await rejects(CHANGE, {}, [
      "'routing_key' cannot be blank",
      "'payload.summary' is missing or blank",
    ]);
    await rejects(
      CHANGE,
      { routing_key: routingKey(sim), payload: { summary: "s".repeat(1025) } },
      ["'summary' is too long (maiximum is 1024 characters)"],
    );
  });

  it("v1 words its errors its own way", async () => {
    await rejects(V1, {}, [
      "Service key is missing or blank",
      "event_type is invalid (must be one of: trigger acknowledge resolve)",
    ]);
    await rejects(V1, { service_key: "abc", event_type: "trigger", description: "d" }, [
      "Service key is the wrong length (should be 32 characters)",
    ]);
    await rejects(V1, { service_key: routingKey(sim), event_type: "page" }, [
      "event_type is invalid (must be one of: trigger acknowledge resolve)",
    ]);
    await rejects(V1, { service_key: routingKey(sim), event_type: "trigger" }, [
      "Description is missing or blank",
    ]);
    await rejects(
      V1,
      { service_key: routingKey(sim), event_type: "trigger", description: "d".repeat(1025) },
      ["Description is too long (maximum is 1024 characters)"],
    );
    await rejects(V1, { service_key: routingKey(sim), event_type: "resolve" }, [
      "Incident key is missing or blank",
    ]);
    await rejects(
      V1,
      {
        service_key: routingKey(sim),
        event_type: "trigger",
        description: "d",
        incident_key: "i".repeat(256),
      },
      ["Incident key is too long (maximum is 255 characters)"],
    );
  });
});
