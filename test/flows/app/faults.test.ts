import { describe, expect, it } from "vitest";
import { DEFAULT_START } from "../../../simulator/kernel/clock.js";
import { appJournal, startApp } from "./helpers.js";

const SERVICES = [
  {
    name: "checkout",
    tier: "gold" as const,
    routes: ["/cart"],
    traffic: { requestsPerMinute: 600 },
  },
  { name: "search", tier: "bronze" as const, traffic: { requestsPerMinute: 60 } },
];

/** Two minutes of traffic with a one-minute fault at errorRate 0.5 from the 30th second. */
async function halfFailingMinute(seed: string) {
  const h = await startApp({ seed, services: SERVICES });
  try {
    h.app.startTraffic();
    await h.sim.clock.runFor(30_000);
    const fault = await h.call("POST", "/faults", {
      service: "checkout",
      errorRate: 0.5,
      durationMs: 60_000,
    });
    await h.sim.clock.runFor(90_000);
    h.app.stopTraffic();
    await h.app.flush();
    const lines = await h.lines("/watermelon/app/checkout");
    return {
      h,
      fault: fault.json,
      lines,
      counts: h.app.counts(),
      journal: appJournal(h.sim),
      searchLines: await h.lines("/watermelon/app/search"),
    };
  } finally {
    await h.dispose();
  }
}

describe("faults on the simulator clock", () => {
  it("fails about errorRate of the requests inside the window only, the same way for a seed", {
    timeout: 60_000,
  }, async () => {
    const run = await halfFailingMinute("half");
    const { fault, lines, counts } = run;
    expect(fault).toMatchObject({
      errorRate: 0.5,
      status: 500,
      error: "InternalError",
      startedAt: "2026-01-05T09:00:30.000Z",
      endsAt: "2026-01-05T09:01:30.000Z",
    });
    const start = DEFAULT_START + 30_000;
    const end = DEFAULT_START + 90_000;
    const at = (l: { timestamp: string }) => Date.parse(l.timestamp);
    const inside = lines.filter((l) => at(l) >= start && at(l) < end);
    const outside = lines.filter((l) => at(l) < start || at(l) >= end);
    expect(lines).toHaveLength(1200);
    expect(inside).toHaveLength(600);
    expect(outside.every((l) => l.level === "info")).toBe(true);
    const errors = inside.filter((l) => l.level === "error");
    expect(errors.length).toBeGreaterThan(250);
    expect(errors.length).toBeLessThan(350);
    expect(errors.every((l) => l.status === 500 && l.error === "InternalError")).toBe(true);
    expect(counts.checkout).toEqual({ good: 1200 - errors.length, bad: errors.length });
    // The other service is untouched.
    expect(run.searchLines.every((l) => l.level === "info")).toBe(true);
    expect(run.searchLines).toHaveLength(120);

    const ended = run.journal.map((l) => JSON.parse(l)).filter((e) => e.type === "app.fault.ended");
    expect(ended).toEqual([
      {
        time: "2026-01-05T09:01:30.000Z",
        type: "app.fault.ended",
        correlation: { service: "checkout", fault: "fault-1" },
        data: { faultId: "fault-1", service: "checkout", reason: "expired" },
      },
    ]);
    const emitted = run.journal.filter((l) => l.includes('"app.error.emitted"'));
    expect(emitted).toHaveLength(errors.length);
    const counted = run.journal
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === "app.requests.counted" && e.data.service === "checkout");
    expect(counted).toHaveLength(24);
    expect(counted.reduce((n, e) => n + e.data.bad, 0)).toBe(errors.length);

    const again = await halfFailingMinute("half");
    expect(again.counts).toEqual(counts);
    expect(again.lines).toEqual(lines);
    const other = await halfFailingMinute("another seed");
    expect(other.counts.checkout).not.toEqual(counts.checkout);
  });

  it("logs a burst of errors at once, whatever the errorRate", async () => {
    const h = await startApp();
    try {
      const res = await h.call("POST", "/faults", {
        service: "search",
        status: 502,
        error: "BadGateway",
        errorRate: 0,
        burst: 25,
      });
      expect(res.status).toBe(201);
      expect(res.json.burst).toBe(25);
      expect((await h.call("GET", "/search/q")).status).toBe(200);
      await h.app.flush();
      const lines = await h.lines("/watermelon/app/search");
      expect(lines.filter((l) => l.level === "error")).toHaveLength(25);
      expect(lines.filter((l) => l.level === "info")).toHaveLength(1);
      expect(lines.every((l) => l.timestamp === "2026-01-05T09:00:00.000Z")).toBe(true);
      expect(lines[0]).toMatchObject({
        status: 502,
        error: "BadGateway",
        message: "GET / failed: 502 Bad Gateway",
      });
      expect(h.sim.journal.byType("app.error.emitted")).toHaveLength(25);
      expect(h.app.counts().search).toEqual({ good: 1, bad: 25 });
    } finally {
      await h.dispose();
    }
  });

  it("journals a fault's start and end with its fields", async () => {
    const h = await startApp();
    try {
      await h.call("POST", "/faults", {
        service: "checkout",
        status: 429,
        error: "TooManyRequests",
        durationMs: 1_000,
        latencyMs: 250,
        errorRate: 0.25,
      });
      expect((await h.call("GET", "/faults")).json.faults).toHaveLength(1);
      await h.sim.clock.runFor(1_000);
      expect((await h.call("GET", "/faults")).json.faults).toEqual([]);
      const started = h.sim.journal.byType("app.fault.started");
      expect(
        started.map((e) => ({ source: e.source, correlation: e.correlation, data: e.data })),
      ).toEqual([
        {
          source: "app",
          correlation: { service: "checkout", fault: "fault-1" },
          data: {
            faultId: "fault-1",
            service: "checkout",
            status: 429,
            error: "TooManyRequests",
            errorRate: 0.25,
            latencyMs: 250,
            startedAt: "2026-01-05T09:00:00.000Z",
            endsAt: "2026-01-05T09:00:01.000Z",
          },
        },
      ]);
      expect(h.sim.journal.byType("app.fault.ended")[0]?.time).toBe("2026-01-05T09:00:01.000Z");
    } finally {
      await h.dispose();
    }
  });
});

describe("bad requests name the field", () => {
  it("answers 400 for bodies it cannot use", async () => {
    const h = await startApp();
    try {
      const cases: [unknown, string][] = [
        ["", "body: expected a JSON object"],
        ["{not json", "body: expected JSON"],
        [[1], "body: expected a JSON object, got [1]"],
        [{}, "service:"],
        [{ service: "checkout", errorRate: 2 }, "errorRate: expected a number from 0 to 1, got 2"],
        [
          { service: "checkout", status: "500" },
          'status: expected an HTTP error status from 400 to 599, got "500"',
        ],
        [
          { service: "checkout", status: 200 },
          "status: expected an HTTP error status from 400 to 599, got 200",
        ],
        [{ service: "checkout", durationMs: -5 }, "durationMs:"],
        [{ service: "checkout", burst: 1.5 }, "burst:"],
        [{ service: "checkout", colour: "red" }, "colour: unknown field"],
        [{ service: "cart" }, 'service: expected one of checkout, search, got "cart"'],
        [{ target: "pagerduty" }, 'target: expected "webhooks", got "pagerduty"'],
        [
          { target: "webhooks", status: 503, down: true },
          "down: expected either status or down: true",
        ],
        [{ target: "webhooks", status: 99 }, "status: expected an HTTP error status"],
      ];
      for (const [body, message] of cases) {
        const res = await h.call("POST", "/faults", body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.json.error).toBe("InvalidRequest");
        expect(res.json.message, JSON.stringify(body)).toContain(message);
      }
      expect((await h.call("GET", "/faults")).json.faults).toEqual([]);
      expect(h.sim.journal.byType("app.fault.started")).toHaveLength(0);
    } finally {
      await h.dispose();
    }
  });

  it("takes a curl body without a JSON content type", async () => {
    const h = await startApp();
    try {
      const res = await fetch(`${h.url}/faults`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: '{"service":"checkout","status":503,"durationMs":300000}',
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ status: 503, endsAt: "2026-01-05T09:05:00.000Z" });
      expect((await fetch(`${h.url}/health`)).status).toBe(200);
    } finally {
      await h.dispose();
    }
  });
});
