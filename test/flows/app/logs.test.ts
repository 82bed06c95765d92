import { describe, expect, it } from "vitest";
import { DEFAULT_START } from "../../../simulator/kernel/clock.js";
import { startApp } from "./helpers.js";

const LOG_FIELDS = [
  "level",
  "service",
  "tier",
  "route",
  "status",
  "latency_ms",
  "trace_id",
  "message",
  "timestamp",
];
const ERROR_FIELDS = [
  "level",
  "service",
  "tier",
  "route",
  "status",
  "latency_ms",
  "error",
  "trace_id",
  "message",
  "timestamp",
];

describe("the app's logs in CloudWatch Logs", () => {
  it("ships simulated traffic to the service's group, one JSON line per request", {
    timeout: 60_000,
  }, async () => {
    const h = await startApp();
    try {
      h.app.startTraffic();
      await h.sim.clock.runFor(60_000);
      h.app.stopTraffic();
      await h.app.flush();

      const events = await h.events("/watermelon/app/checkout");
      // 120 requests a minute for a minute.
      expect(events).toHaveLength(120);
      expect(new Set(events.map((e) => e.logStreamName))).toEqual(new Set(["app-1"]));
      const timestamps = events.map((e) => e.timestamp ?? 0);
      expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
      expect(timestamps[0]).toBeGreaterThanOrEqual(DEFAULT_START);
      expect(timestamps.at(-1)).toBeLessThan(DEFAULT_START + 60_000);
      for (const event of events) {
        const line = JSON.parse(event.message ?? "");
        expect(Object.keys(line)).toEqual(LOG_FIELDS);
        expect(line).toMatchObject({
          level: "info",
          service: "checkout",
          tier: "gold",
          status: 200,
        });
        expect(["/cart", "/pay"]).toContain(line.route);
        expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
        expect(Date.parse(line.timestamp)).toBe(event.timestamp);
        // 40 ms ± 20 %.
        expect(line.latency_ms).toBeGreaterThanOrEqual(32);
        expect(line.latency_ms).toBeLessThanOrEqual(48);
      }
      expect(new Set(events.map((e) => JSON.parse(e.message ?? "").trace_id)).size).toBe(120);
      expect(h.app.counts()).toEqual({
        checkout: { good: 120, bad: 0 },
        search: { good: 0, bad: 0 },
      });

      // No errors, so no error entries; one count per five-second interval.
      expect(h.sim.journal.byType("app.error.emitted")).toHaveLength(0);
      const counted = h.sim.journal.byType("app.requests.counted");
      expect(counted).toHaveLength(12);
      expect(counted.reduce((n, e) => n + (e.data.good as number), 0)).toBe(120);
      expect(counted[0]?.data).toMatchObject({
        service: "checkout",
        tier: "gold",
        bad: 0,
        from: "2026-01-05T09:00:00.000Z",
        to: "2026-01-05T09:00:05.000Z",
      });
      const flushed = h.sim.journal.byType("app.logs.flushed");
      expect(flushed.reduce((n, e) => n + (e.data.events as number), 0)).toBe(120);
      expect(flushed[0]?.data).toMatchObject({
        logGroup: "/watermelon/app/checkout",
        logStream: "app-1",
        errors: 0,
      });
    } finally {
      await h.dispose();
    }
  });

  it("logs a real request like simulated traffic, in its own service's group", async () => {
    const h = await startApp({
      app: { logGroup: (s) => `/custom/${s.tier}/${s.name}`, logStream: "web-7" },
    });
    try {
      const res = await h.call("POST", "/search/q/deep");
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ service: "search", route: "/q/deep" });
      expect(res.headers.get("x-trace-id")).toBe(res.json.trace_id);
      expect((await h.call("GET", "/search")).json).toMatchObject({ route: "/" });
      expect((await h.call("GET", "/nope/x")).status).toBe(404);

      // Buffered until the agent's interval ends.
      expect(await h.events("/custom/bronze/search")).toHaveLength(0);
      await h.sim.clock.runFor(5_000);
      const events = await h.events("/custom/bronze/search");
      expect(events.map((e) => e.logStreamName)).toEqual(["web-7", "web-7"]);
      const [first] = await h.lines("/custom/bronze/search");
      expect(first).toMatchObject({
        level: "info",
        service: "search",
        tier: "bronze",
        route: "/q/deep",
        status: 200,
        trace_id: res.json.trace_id,
        timestamp: "2026-01-05T09:00:00.000Z",
      });
      expect(first?.message).toContain("POST /q/deep");
      // The other service's group exists (created at start) and holds nothing.
      expect(await h.events("/custom/gold/checkout")).toHaveLength(0);
    } finally {
      await h.dispose();
    }
  });

  it("answers per the active faults, and logs each error line with the error", async () => {
    const h = await startApp();
    try {
      const created = await h.call("POST", "/faults", {
        service: "checkout",
        status: 503,
        error: "UpstreamTimeout",
        message: "payment gateway timed out",
        latencyMs: 1500,
      });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        id: "fault-1",
        service: "checkout",
        status: 503,
        error: "UpstreamTimeout",
        errorRate: 1,
        latencyMs: 1500,
        startedAt: "2026-01-05T09:00:00.000Z",
        endsAt: null,
      });
      const failed = await h.call("GET", "/checkout/pay");
      expect(failed.status).toBe(503);
      expect(failed.json).toEqual({
        error: "UpstreamTimeout",
        message: "payment gateway timed out",
        trace_id: failed.headers.get("x-trace-id"),
      });
      expect((await h.call("GET", "/search/q")).status).toBe(200);
      expect((await h.call("GET", "/faults")).json.faults).toHaveLength(1);

      expect((await h.call("DELETE", `/faults/${created.json.id}`)).status).toBe(204);
      expect((await h.call("DELETE", `/faults/${created.json.id}`)).status).toBe(404);
      expect((await h.call("GET", "/faults")).json.faults).toEqual([]);
      expect((await h.call("GET", "/checkout/pay")).status).toBe(200);

      await h.app.flush();
      const lines = await h.lines("/watermelon/app/checkout");
      expect(lines.map((l) => l.status)).toEqual([503, 200]);
      expect(Object.keys(lines[0] ?? {})).toEqual(ERROR_FIELDS);
      expect(lines[0]).toMatchObject({ level: "error", error: "UpstreamTimeout", route: "/pay" });
      expect(lines[0]?.latency_ms).toBeGreaterThanOrEqual(1500);
      expect(lines[1]?.latency_ms).toBeLessThan(1500);

      const emitted = h.sim.journal.byType("app.error.emitted");
      expect(emitted).toHaveLength(1);
      expect(emitted[0]?.correlation).toEqual({
        service: "checkout",
        traceId: failed.json.trace_id,
      });
      expect(emitted[0]?.data).toEqual({
        traceId: failed.json.trace_id,
        service: "checkout",
        tier: "gold",
        route: "/pay",
        status: 503,
        error: "UpstreamTimeout",
        timestamp: "2026-01-05T09:00:00.000Z",
      });
      expect(h.sim.journal.byType("app.fault.ended").map((e) => e.data)).toEqual([
        { faultId: "fault-1", service: "checkout", reason: "deleted" },
      ]);
      expect(h.app.counts().checkout).toEqual({ good: 1, bad: 1 });
    } finally {
      await h.dispose();
    }
  });
});
