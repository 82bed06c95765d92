import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { startSimulator } from "./helpers.js";
import { ship } from "./searchHelpers.js";

const MINUTE = 60_000;
let sim: Simulator;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ sim, close } = await startSimulator({ seed: "alerts-test" }));
});
afterEach(async () => close());

// biome-ignore lint/suspicious/noExplicitAny: replies are checked field by field.
type Body = any;

async function api(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${sim.endpoints.logzioApi.url}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      "X-API-TOKEN": sim.env.LOGZIO_API_TOKEN as string,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

function alert(
  overrides: Record<string, unknown> = {},
  qd: Record<string, unknown> = {},
  trigger?: unknown,
) {
  return {
    title: "errors",
    tags: ["svc"],
    searchTimeFrameMinutes: 5,
    output: { suppressNotificationsMinutes: 5, type: "JSON" },
    subComponents: [
      {
        queryDefinition: { query: "level:ERROR", aggregation: { aggregationType: "COUNT" }, ...qd },
        trigger: trigger ?? {
          operator: "GREATER_THAN_OR_EQUALS",
          severityThresholdTiers: { HIGH: 3, LOW: 1 },
        },
      },
    ],
    ...overrides,
  };
}

const triggered = async (body: unknown = {}) =>
  (await api("POST", "/v1/alerts/triggered-alerts", body)).body;

describe("alerts v2 API", () => {
  it("creates, lists, gets, updates, disables and deletes in the fixtures' shape", async () => {
    const created = await api("POST", "/v2/alerts", alert({ enabled: "false" }));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: 1,
      enabled: false,
      title: "errors",
      searchTimeFrameMinutes: 5,
      output: { suppressNotificationsMinutes: 5, type: "JSON" },
      subComponents: [
        {
          queryDefinition: { query: "level:ERROR", shouldQueryOnAllAccounts: true },
          trigger: { operator: "GREATER_THAN_OR_EQUALS", severityThresholdTiers: { HIGH: 3 } },
          output: { shouldUseAllFields: true },
        },
      ],
    });
    expect(created.body.createdAt).toBe(new Date(sim.clock.now()).toISOString());
    expect((await api("GET", "/v2/alerts")).body.map((a: { id: number }) => a.id)).toEqual([1]);
    const updated = await api("PUT", "/v2/alerts/1", alert({ title: "renamed", enabled: false }));
    expect(updated.body.title).toBe("renamed");
    expect((await api("POST", "/v2/alerts/1/enable")).status).toBe(204);
    expect((await api("GET", "/v2/alerts/1")).body.enabled).toBe(true);
    expect(await api("DELETE", "/v2/alerts/1")).toEqual({ status: 200, body: "ok" });
    expect(await api("GET", "/v2/alerts/1")).toEqual({ status: 404, body: "alert id 1 not found" });
    expect((await api("POST", "/v2/alerts/7/disable")).status).toBe(404);
  });

  it("rejects invalid alerts and requests without a token", async () => {
    expect((await api("POST", "/v2/alerts", alert({ title: "" }))).status).toBe(400);
    const noTier = alert({}, {}, { operator: "EQUALS", severityThresholdTiers: {} });
    expect((await api("POST", "/v2/alerts", noTier)).status).toBe(400);
    const sumNoField = alert({}, { aggregation: { aggregationType: "SUM" } });
    expect((await api("POST", "/v2/alerts", sumNoField)).status).toBe(400);
    const res = await fetch(`${sim.endpoints.logzioApi.url}/v2/alerts`);
    expect(res.status).toBe(401);
  });
});

describe("alerts v2 refusals", () => {
  it("refuses a misspelt field with Logz.io's bare text and journals which field it was", async () => {
    const typo = alert({
      output: { suppressNotificationMinutes: 5, type: "JSON" },
    });
    const res = await api("POST", "/v2/alerts", typo);
    expect(res).toEqual({ status: 400, body: "Failed to create alert" });
    const nested = alert({}, { groupby: ["service"] });
    expect((await api("POST", "/v2/alerts", nested)).status).toBe(400);
    const reasons = sim.journal.byType("logzio.api.refused").map((e) => e.data?.reason);
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toContain("suppressNotificationMinutes");
    expect(reasons[1]).toContain("groupby");
    expect((await api("GET", "/v2/alerts")).body).toEqual([]);
  });
});

describe("alert engine", () => {
  it("does not tick while no alert is enabled", async () => {
    const before = sim.clock.pendingTimers();
    await api("POST", "/v2/alerts", alert({ enabled: false }));
    expect(sim.clock.pendingTimers()).toBe(before);
    await api("POST", "/v2/alerts/1/enable");
    expect(sim.clock.pendingTimers()).toBe(before + 1);
    await api("POST", "/v2/alerts/1/disable");
    expect(sim.clock.pendingTimers()).toBe(before);
  });

  it("fires the highest matching tier, then suppresses the same tier for the waiting period", async () => {
    await api("POST", "/v2/alerts", alert());
    await ship(sim, [
      { level: "ERROR", message: "a" },
      { level: "ERROR", message: "b" },
      { level: "INFO", message: "c" },
    ]);
    await sim.clock.runFor(MINUTE);
    let t = await triggered();
    expect(t.results.map((r: { severity: string }) => r.severity)).toEqual(["LOW"]);
    expect(t.results[0]).toMatchObject({
      alertId: 1,
      name: "errors",
      hits: 2,
      status: "TRIGGERED",
    });
    await ship(sim, [{ level: "ERROR", message: "d" }]);
    await sim.clock.runFor(MINUTE);
    // Escalation is never held back by the LOW waiting period.
    t = await triggered({ sortOrder: "ASC" });
    expect(t.results.map((r: { severity: string }) => r.severity)).toEqual(["LOW", "HIGH"]);
    await sim.clock.runFor(MINUTE);
    t = await triggered({ sortOrder: "ASC" });
    expect(t.results.map((r: { status: string }) => r.status)).toEqual([
      "TRIGGERED",
      "TRIGGERED",
      "SUPPRESSED",
    ]);
    const journal = sim.journal.byType("logzio.alert.triggered");
    expect(journal).toHaveLength(3);
    expect(journal[1]?.data).toMatchObject({ alertId: 1, severity: "HIGH", hits: 3 });
  });

  it("evaluates per group-by value set and drops logs lacking the field", async () => {
    await api("POST", "/v2/alerts", alert({}, { groupBy: ["service"] }));
    await ship(sim, [
      { level: "ERROR", service: "a" },
      { level: "ERROR", service: "a" },
      { level: "ERROR", service: "a" },
      { level: "ERROR", service: "b" },
      { level: "ERROR" },
    ]);
    await sim.clock.runFor(MINUTE);
    const t = await triggered({ sortBy: "SEVERITY" });
    expect(
      t.results.map((r: { severity: string; groupBy: unknown }) => [r.severity, r.groupBy]),
    ).toEqual([
      ["HIGH", { service: "a" }],
      ["LOW", { service: "b" }],
    ]);
    expect((await triggered({ severities: ["LOW"] })).total).toBe(1);
    expect((await triggered({ search: "ERR" })).total).toBe(2);
    expect((await triggered({ search: "nope" })).total).toBe(0);
  });

  it("fires a 'no logs' alert on an empty window only", async () => {
    const noLogs = alert(
      { title: "silence" },
      { query: "*" },
      {
        operator: "LESS_THAN",
        severityThresholdTiers: { SEVERE: 1 },
      },
    );
    await api("POST", "/v2/alerts", noLogs);
    await ship(sim, [{ message: "alive" }]);
    await sim.clock.runFor(5 * MINUTE);
    expect((await triggered()).total).toBe(0);
    // The log leaves the 5-minute window at the sixth tick.
    await sim.clock.runFor(MINUTE);
    const t = await triggered();
    expect(t.results).toMatchObject([{ name: "silence", severity: "SEVERE", hits: 0 }]);
  });

  it("reads date math in a query at each tick's instant, not at the first", async () => {
    const lastMinute = alert(
      {},
      {
        query: {
          bool: {
            filter: [{ term: { level: "ERROR" } }, { range: { "@timestamp": { gte: "now-1m" } } }],
          },
        },
      },
    );
    await api("POST", "/v2/alerts", lastMinute);
    await ship(sim, [{ level: "ERROR", message: "once" }]);
    await sim.clock.runFor(MINUTE);
    // At the next tick the log is still in the 5-minute window, but no longer in the last minute.
    await sim.clock.runFor(MINUTE);
    const evaluated = sim.journal.byType("logzio.alert.evaluated").map((e) => e.data.matched);
    expect(evaluated).toEqual([1, 0]);
    expect((await triggered()).total).toBe(1);
  });

  it("evaluates an updated query from the next tick on", async () => {
    await api("POST", "/v2/alerts", alert());
    await ship(sim, [
      { level: "ERROR", message: "a" },
      { level: "WARN", message: "b" },
      { level: "WARN", message: "c" },
    ]);
    await sim.clock.runFor(MINUTE);
    const updated = await api("PUT", "/v2/alerts/1", alert({}, { query: "level:WARN" }));
    expect(updated.status).toBe(200);
    await sim.clock.runFor(MINUTE);
    const fired = sim.journal
      .byType("logzio.alert.triggered")
      .map((e) => [e.data.severity, e.data.hits]);
    expect(fired).toEqual([
      ["LOW", 1],
      ["LOW", 2],
    ]);
  });

  it("evaluates alerts of different time frames in one tick, each over its own window", async () => {
    await api("POST", "/v2/alerts", alert({ title: "wide", searchTimeFrameMinutes: 10 }));
    await api("POST", "/v2/alerts", alert({ title: "narrow", searchTimeFrameMinutes: 1 }));
    await api(
      "POST",
      "/v2/alerts",
      alert({ title: "services", searchTimeFrameMinutes: 5 }, { query: "*", groupBy: ["service"] }),
    );
    await ship(sim, [{ level: "ERROR", service: "a" }]);
    await sim.clock.runFor(3 * MINUTE);
    await ship(sim, [
      { level: "ERROR", service: "b" },
      { level: "INFO", service: "b" },
    ]);
    await sim.clock.runFor(MINUTE);
    const lastTick = sim.journal
      .byType("logzio.alert.evaluated")
      .filter((e) => e.time === new Date(sim.clock.now()).toISOString())
      .map((e) => [e.data.title, e.data.matched]);
    expect(lastTick).toEqual([
      ["wide", 2],
      ["narrow", 1],
      ["services", 3],
    ]);
  });

  it("aggregates a field and keeps logs outside the window out", async () => {
    const sum = alert(
      {},
      { query: "*", aggregation: { aggregationType: "SUM", fieldToAggregateOn: "ms" } },
      {
        operator: "GREATER_THAN",
        severityThresholdTiers: { MEDIUM: 100 },
      },
    );
    await api("POST", "/v2/alerts", sum);
    await ship(sim, [{ ms: 80 }]);
    await sim.clock.runFor(4 * MINUTE);
    await ship(sim, [{ ms: 30 }]);
    await sim.clock.runFor(MINUTE);
    expect((await triggered()).results).toMatchObject([{ severity: "MEDIUM" }]);
    expect((await triggered()).total).toBe(1);
  });
});
