/**
 * Maintenance windows through HTTP, on the simulator's virtual clock: the Events API drops
 * triggers for a service while one of its windows is ongoing, and takes them again once it
 * ends; list filters; PagerDuty's delete rules (future removed, ongoing ended, past refused).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { ENQUEUE, mark, post } from "../helpers.js";
import { api, reset, startSimulator, state } from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
const START = Date.parse("2026-01-05T09:00:00Z");
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  ({ sim, close } = await startSimulator({ seed: "rest-windows", start: START }));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

async function serviceId(): Promise<string> {
  return (await api(sim, "GET", "/services")).json.services[0].id;
}

async function createWindow(startMs: number, endMs: number, extra: Record<string, unknown> = {}) {
  return api(sim, "POST", "/maintenance_windows", {
    body: {
      maintenance_window: {
        type: "maintenance_window",
        start_time: iso(startMs),
        end_time: iso(endMs),
        description: "Database upgrade",
        services: [{ id: await serviceId(), type: "service_reference" }],
        ...extra,
      },
    },
  });
}

const trigger = (summary: string) => ({
  routing_key: sim.env.PAGERDUTY_ROUTING_KEY,
  event_action: "trigger",
  payload: { summary, source: "db-1", severity: "critical" },
});

describe("a window drops triggers while it is ongoing", () => {
  it("on the simulator clock: before, during and after", async () => {
    const now = sim.clock.now();
    const made = await createWindow(now + HOUR, now + 2 * HOUR);
    expect(made.status).toBe(201);
    expect(made.json.maintenance_window).toMatchObject({
      type: "maintenance_window",
      sequence_number: 1,
      start_time: iso(now + HOUR),
      end_time: iso(now + 2 * HOUR),
      description: "Database upgrade",
      created_by: { type: "user_reference", summary: "Watermelon Owner" },
      services: [{ type: "service_reference", summary: "watermelon" }],
    });

    expect((await post(sim, ENQUEUE, trigger("before"))).status).toBe(202);
    await sim.clock.runFor(HOUR);
    const m = mark(sim);
    expect((await post(sim, ENQUEUE, trigger("during"))).status).toBe(202);
    expect(m.journal("pagerduty.event.dropped")[0]?.data.reason).toBe(
      "the service is in maintenance",
    );
    const id = await serviceId();
    expect((await api(sim, "GET", `/services/${id}`)).json.service.status).toBe("maintenance");
    const ongoing = await api(sim, "GET", "/maintenance_windows?filter=ongoing");
    expect(ongoing.json.maintenance_windows).toHaveLength(1);

    await sim.clock.runFor(HOUR);
    expect((await post(sim, ENQUEUE, trigger("after"))).status).toBe(202);
    expect((await state(sim)).incidents.map((i: { title: string }) => i.title)).toEqual([
      "before",
      "after",
    ]);
    expect(
      (await api(sim, "GET", "/maintenance_windows?filter=past")).json.maintenance_windows,
    ).toHaveLength(1);
  });

  it("a start in the past becomes now; events for alerts already open still apply", async () => {
    const sent = await post(sim, ENQUEUE, trigger("open before"));
    const now = sim.clock.now();
    const made = await createWindow(now - HOUR, now + HOUR);
    expect(made.json.maintenance_window.start_time).toBe(iso(now));
    const resolved = await post(sim, ENQUEUE, {
      routing_key: sim.env.PAGERDUTY_ROUTING_KEY,
      event_action: "resolve",
      dedup_key: sent.json.dedup_key,
    });
    expect(resolved.status).toBe(202);
    expect((await state(sim)).incidents[0].status).toBe("resolved");
  });

  it("a configured service in maintenance stays in it: a window without end", async () => {
    const { sim: other, close: closeOther } = await startSimulator({
      seed: "rest-windows-flag",
      pagerduty: {
        services: [
          {
            name: "legacy",
            maintenance: true,
            integrations: [{ key: "0123456789abcdef0123456789abcdef" }],
          },
        ],
      },
    });
    try {
      const windows = (await api(other, "GET", "/maintenance_windows")).json.maintenance_windows;
      expect(windows).toHaveLength(1);
      expect(windows[0].end_time).toBe("9999-12-31T23:59:59.000Z");
      await other.clock.runFor(365 * 24 * HOUR);
      await post(other, ENQUEUE, {
        routing_key: "0123456789abcdef0123456789abcdef",
        event_action: "trigger",
        payload: { summary: "s", source: "h", severity: "error" },
      });
      expect((await state(other)).incidents).toEqual([]);
    } finally {
      await closeOther();
    }
  });
});

describe("checks and the list", () => {
  it("refuses an end in the past or before the start, and unknown services, all at once", async () => {
    const now = sim.clock.now();
    const reply = await api(sim, "POST", "/maintenance_windows", {
      body: {
        maintenance_window: {
          start_time: iso(now + 2 * HOUR),
          end_time: iso(now + HOUR),
          services: [{ id: "PNOPE00", type: "service_reference" }],
        },
      },
    });
    expect(reply.json.error).toEqual({
      message: "Invalid Input Provided",
      code: 2001,
      errors: ["End time must be after the start time", "Services PNOPE00 not found"],
    });
    const past = await createWindow(now - 2 * HOUR, now - HOUR);
    expect(past.json.error.errors).toEqual(["End time must be in the future"]);
    const bad = await api(sim, "POST", "/maintenance_windows", {
      body: { maintenance_window: { start_time: "tomorrow", services: [] } },
    });
    expect(bad.json.error.errors).toEqual([
      "Start time is not a valid ISO 8601 date-time",
      "End time can't be blank",
      "Services can't be blank",
    ]);
    expect((await api(sim, "GET", "/maintenance_windows")).json.maintenance_windows).toEqual([]);
  });

  it("filters past, future, ongoing, open and all, and by service", async () => {
    const now = sim.clock.now();
    await createWindow(now + HOUR, now + 2 * HOUR, { description: "later" });
    await createWindow(now, now + 3 * HOUR, { description: "now" });
    await sim.clock.runFor(2.5 * HOUR);
    const descriptions = async (q: string) =>
      (await api(sim, "GET", `/maintenance_windows${q}`)).json.maintenance_windows.map(
        (w: { description: string }) => w.description,
      );
    expect(await descriptions("")).toEqual(["later", "now"]);
    expect(await descriptions("?filter=past")).toEqual(["later"]);
    expect(await descriptions("?filter=ongoing")).toEqual(["now"]);
    expect(await descriptions("?filter=open")).toEqual(["now"]);
    expect(await descriptions("?filter=future")).toEqual([]);
    expect(await descriptions(`?service_ids[]=${await serviceId()}&query=LAT`)).toEqual(["later"]);
    expect(await descriptions("?service_ids[]=PNOPE00")).toEqual([]);
    expect((await api(sim, "GET", "/maintenance_windows?filter=soon")).status).toBe(400);
  });
});

describe("update and delete", () => {
  it("updates a window; deleting removes a future one, ends an ongoing one, refuses a past one", async () => {
    const now = sim.clock.now();
    const future = (await createWindow(now + HOUR, now + 2 * HOUR)).json.maintenance_window;
    const updated = await api(sim, "PUT", `/maintenance_windows/${future.id}`, {
      body: { maintenance_window: { description: "moved", end_time: iso(now + 4 * HOUR) } },
    });
    expect(updated.json.maintenance_window).toMatchObject({
      description: "moved",
      end_time: iso(now + 4 * HOUR),
      start_time: iso(now + HOUR),
    });
    expect((await api(sim, "DELETE", `/maintenance_windows/${future.id}`)).status).toBe(204);
    expect((await api(sim, "GET", `/maintenance_windows/${future.id}`)).status).toBe(404);

    const ongoing = (await createWindow(now, now + HOUR)).json.maintenance_window;
    await sim.clock.runFor(HOUR / 2);
    expect((await api(sim, "DELETE", `/maintenance_windows/${ongoing.id}`)).status).toBe(204);
    const ended = (await api(sim, "GET", `/maintenance_windows/${ongoing.id}`)).json
      .maintenance_window;
    expect(ended.end_time).toBe(iso(now + HOUR / 2));
    await post(sim, ENQUEUE, trigger("after the early end"));
    expect((await state(sim)).incidents).toHaveLength(1);

    const refused = await api(sim, "DELETE", `/maintenance_windows/${ongoing.id}`);
    expect(refused.status).toBe(405);
    expect(refused.json.error.errors).toEqual([
      "The maintenance window can't be deleted because it has already ended",
    ]);
  });
});
