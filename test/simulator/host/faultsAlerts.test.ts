import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSimulator, type Simulator } from "../../../simulator/cli/api.js";
import { ship } from "../../mocks/logzio/searchHelpers.js";

const MINUTE = 60_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(): Promise<Simulator> {
  const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-faults-alerts-"));
  const sim = createSimulator({ home, seed: "faults-alerts" });
  cleanups.push(async () => {
    await sim.dispose();
    rmSync(home, { recursive: true, force: true });
  });
  await sim.ready;
  return sim;
}

async function api(sim: Simulator, urlPath: string, body: unknown) {
  const res = await fetch(`${sim.endpoints.logzioApi.url}${urlPath}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "X-API-TOKEN": sim.env.LOGZIO_API_TOKEN as string,
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  return res.json();
}

/** A Logz.io alert on ERROR logs that notifies the simulator's PagerDuty service. */
async function alertToPagerDuty(sim: Simulator) {
  await api(sim, "/v1/endpoints/pager-duty", {
    title: "on-call",
    serviceKey: sim.env.PAGERDUTY_ROUTING_KEY,
  });
  await api(sim, "/v2/alerts", {
    title: "api errors",
    searchTimeFrameMinutes: 5,
    output: { recipients: { notificationEndpointIds: [1] } },
    subComponents: [
      {
        queryDefinition: { query: "level:ERROR" },
        trigger: { operator: "GREATER_THAN_OR_EQUALS", severityThresholdTiers: { HIGH: 1 } },
      },
    ],
  });
}

const deliveries = (sim: Simulator) =>
  sim.journal
    .query({})
    .filter((e) => e.type === "logzio.notification.sent" || e.type === "logzio.notification.failed")
    .map((e) => [
      Date.parse(e.time) - Date.parse("2026-01-05T09:00:00Z"),
      e.type,
      e.data.attempt,
      e.data.status ?? e.data.error,
    ]);

describe("the alert engine's delivery to PagerDuty through an outage", () => {
  it("retries while the Events API is down and opens the incident once it is back", async () => {
    const sim = await start();
    await alertToPagerDuty(sim);
    sim.faults.inject("pagerdutyEvents", { kind: "down" }, { durationMs: 2 * MINUTE });
    await ship(sim, [{ level: "ERROR", message: "boom" }]);

    await sim.clock.runFor(3 * MINUTE);
    const [first, second, third] = deliveries(sim);
    // Evaluated at one minute; retried 30 s and 60 s later; the outage ended at two minutes.
    expect([first?.[0], first?.[1], first?.[2]]).toEqual([MINUTE, "logzio.notification.failed", 1]);
    expect([second?.[0], second?.[1], second?.[2]]).toEqual([
      MINUTE + 30_000,
      "logzio.notification.failed",
      2,
    ]);
    expect(third).toEqual([MINUTE + 90_000, "logzio.notification.sent", 3, 202]);
    expect(sim.journal.byType("fault.applied").map((e) => e.data.path)).toEqual([
      "/v2/enqueue",
      "/v2/enqueue",
    ]);
    expect(sim.journal.byType("pagerduty.incident.triggered")).toHaveLength(1);
  });

  it("retries a 503 from PagerDuty the same way", async () => {
    const sim = await start();
    await alertToPagerDuty(sim);
    sim.faults.inject("pagerdutyEvents", { kind: "status", status: 503 }, { durationMs: 80_000 });
    await ship(sim, [{ level: "ERROR", message: "boom" }]);
    await sim.clock.runFor(2 * MINUTE);
    expect(deliveries(sim)).toEqual([
      [MINUTE, "logzio.notification.failed", 1, 503],
      [MINUTE + 30_000, "logzio.notification.sent", 2, 202],
    ]);
    expect(sim.journal.byType("pagerduty.incident.triggered")).toHaveLength(1);
  });
});
