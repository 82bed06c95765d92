import http from "node:http";
import type { AddressInfo } from "node:net";
import { DeleteLogStreamCommand, DescribeLogStreamsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { describe, expect, it } from "vitest";
import { trackServerRequests } from "../../../simulator/host/inflight.js";
import type { Clock } from "../../../simulator/kernel/clock.js";
import { startApp } from "./helpers.js";

/**
 * A hop in front of the AWS port that answers the next `failures` PutLogEvents calls with the given
 * awsJson1_1 error and forwards everything else, as a throttled or failing endpoint would.
 */
async function faultyAws(
  target: string,
  clock: Clock,
  failure: { status: number; type: string; message: string },
  failures: number,
) {
  const state = { remaining: failures, puts: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const isPut = String(req.headers["x-amz-target"]).endsWith(".PutLogEvents");
      if (isPut) state.puts += 1;
      if (isPut && state.remaining > 0) {
        state.remaining -= 1;
        res.writeHead(failure.status, {
          "content-type": "application/x-amz-json-1.1",
          "x-amzn-requestid": `fault-${state.puts}`,
        });
        res.end(JSON.stringify({ __type: failure.type, message: failure.message }));
        return;
      }
      const url = new URL(req.url ?? "/", target);
      const forward = http.request(
        url,
        { method: req.method, headers: { ...req.headers, host: url.host } },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forward.on("error", () => res.destroy());
      forward.end(body);
    });
  });
  trackServerRequests(server, clock, "aws-front");
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("the CloudWatch agent's batching", () => {
  it("splits an interval of more than 10,000 events into several PutLogEvents", {
    timeout: 120_000,
  }, async () => {
    const h = await startApp({
      services: [{ name: "busy", tier: "silver", traffic: { requestsPerMinute: 150_000 } }],
    });
    try {
      h.app.startTraffic();
      await h.sim.clock.runFor(5_000);
      h.app.stopTraffic();
      await h.app.flush();
      const flushed = h.sim.journal.byType("app.logs.flushed").map((e) => e.data);
      // A line is about 240 bytes with its overhead: 1,048,576 bytes fill before 10,000 events.
      expect(flushed.length).toBeGreaterThanOrEqual(3);
      for (const d of flushed) {
        expect(d.bytes as number).toBeLessThanOrEqual(1_048_576);
        expect(d.events as number).toBeLessThanOrEqual(10_000);
      }
      // Every batch but the last is full: the next event would not have fitted.
      for (const d of flushed.slice(0, -1))
        expect(d.bytes as number).toBeGreaterThan(1_048_576 - 300);
      const events = await h.events("/watermelon/app/busy");
      expect(events).toHaveLength(12_500);
      const bytes = events.reduce((n, e) => n + Buffer.byteLength(e.message ?? "") + 26, 0);
      expect(flushed.reduce((n, d) => n + (d.bytes as number), 0)).toBe(bytes);
    } finally {
      await h.dispose();
    }
  });

  it("sends at most maxBatchEvents events per call", async () => {
    const h = await startApp({ app: { agent: { maxBatchEvents: 4 } } });
    try {
      await h.call("POST", "/faults", { service: "search", errorRate: 0, burst: 10 });
      await h.sim.clock.runFor(5_000);
      expect(h.sim.journal.byType("app.logs.flushed").map((e) => e.data.events)).toEqual([4, 4, 2]);
      expect(await h.events("/watermelon/app/search")).toHaveLength(10);
    } finally {
      await h.dispose();
    }
  });

  it("sorts what it buffers: a real request logged before the interval's simulated traffic", async () => {
    const h = await startApp({
      services: [{ name: "web", tier: "gold", traffic: { requestsPerMinute: 120 } }],
    });
    try {
      h.app.startTraffic();
      await h.sim.clock.runFor(2_500);
      // Logged now; the traffic of [0 s, 5 s) is generated at 5 s, partly stamped before it.
      expect((await h.call("GET", "/web/now")).status).toBe(200);
      await h.sim.clock.runFor(10_000);
      h.app.stopTraffic();
      await h.app.flush();
      expect(h.sim.journal.byType("app.logs.failed")).toHaveLength(0);
      const events = await h.events("/watermelon/app/web");
      expect(events).toHaveLength(26);
      const stamps = events.map((e) => e.timestamp ?? 0);
      expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
      const real = events.findIndex((e) => JSON.parse(e.message ?? "").route === "/now");
      expect(real).toBeGreaterThan(0);
      expect(real).toBeLessThan(events.length - 1);
    } finally {
      await h.dispose();
    }
  });

  it("sends a batch as soon as it is full, by bytes, without waiting for the interval", async () => {
    const h = await startApp({
      app: { agent: { maxBatchBytes: 2_000, forceFlushIntervalMs: 60_000 } },
    });
    try {
      await h.call("POST", "/faults", { service: "search", errorRate: 0, burst: 20 });
      // No clock time passed: full batches went out, the rest waits for the interval.
      await h.sim.clock.runFor(0);
      const flushed = h.sim.journal.byType("app.logs.flushed").map((e) => e.data);
      expect(flushed.length).toBeGreaterThan(0);
      for (const d of flushed) expect(d.bytes as number).toBeLessThanOrEqual(2_000);
      const sent = flushed.reduce((n, d) => n + (d.events as number), 0);
      expect(sent).toBeLessThan(20);
      await h.sim.clock.runFor(60_000);
      const all = h.sim.journal
        .byType("app.logs.flushed")
        .reduce((n, e) => n + (e.data.events as number), 0);
      expect(all).toBe(20);
      expect(await h.events("/watermelon/app/search")).toHaveLength(20);
    } finally {
      await h.dispose();
    }
  });

  it("arms no timer when there is nothing to send or count", async () => {
    const h = await startApp({ services: [{ name: "quiet", tier: "bronze" }] });
    try {
      const baseline = h.sim.clock.pendingTimers();
      // No service has traffic: starting it arms nothing.
      h.app.startTraffic();
      expect(h.sim.clock.pendingTimers()).toBe(baseline);
      await h.sim.clock.runFor(3_600_000);
      expect(h.sim.journal.byType("app.*")).toHaveLength(0);

      await h.call("GET", "/quiet/x");
      // The agent's flush and the interval whose count is due.
      expect(h.sim.clock.pendingTimers()).toBe(baseline + 2);
      await h.sim.clock.runFor(10_000);
      expect(h.sim.clock.pendingTimers()).toBe(baseline);
      expect(h.sim.journal.byType("app.logs.flushed")).toHaveLength(1);
      expect(h.sim.journal.byType("app.requests.counted").map((e) => e.data)).toEqual([
        {
          service: "quiet",
          tier: "bronze",
          good: 1,
          bad: 0,
          from: "2026-01-05T10:00:00.000Z",
          to: "2026-01-05T10:00:05.000Z",
        },
      ]);
      await h.app.flush();
      expect(h.sim.journal.byType("app.logs.flushed")).toHaveLength(1);
    } finally {
      await h.dispose();
    }
  });

  it("stops arming timers once traffic stops", async () => {
    const h = await startApp({
      services: [{ name: "web", tier: "gold", traffic: { requestsPerMinute: 30 } }],
    });
    try {
      const baseline = h.sim.clock.pendingTimers();
      h.app.startTraffic();
      await h.sim.clock.runFor(20_000);
      expect(h.sim.clock.pendingTimers()).toBeGreaterThan(baseline);
      h.app.stopTraffic();
      await h.sim.clock.runFor(20_000);
      expect(h.sim.clock.pendingTimers()).toBe(baseline);
      expect(await h.events("/watermelon/app/web")).toHaveLength(10);
    } finally {
      await h.dispose();
    }
  });
});

describe("the agent when CloudWatch Logs refuses", () => {
  it("backs off on the clock when throttled, then sends", async () => {
    let front: Awaited<ReturnType<typeof faultyAws>> | undefined;
    const h = await startApp({
      awsEndpoint: async (sim) => {
        front = await faultyAws(
          sim.endpoints.aws.url,
          sim.clock,
          { status: 400, type: "ThrottlingException", message: "Rate exceeded" },
          3,
        );
        return front.url;
      },
    });
    try {
      await h.call("GET", "/search/a");
      await h.app.flush();
      expect(front?.state.puts).toBe(1);
      expect(await h.events("/watermelon/app/search")).toHaveLength(0);
      await h.sim.clock.runFor(60_000);
      expect(front?.state.puts).toBe(4);
      expect(await h.events("/watermelon/app/search")).toHaveLength(1);
      expect(h.sim.journal.byType("app.logs.flushed")).toHaveLength(1);
      expect(h.sim.journal.byType("app.logs.failed")).toHaveLength(0);
    } finally {
      await h.dispose();
      await front?.close();
    }
  });

  it("gives up a batch CloudWatch Logs refuses for good, and journals it", async () => {
    let front: Awaited<ReturnType<typeof faultyAws>> | undefined;
    const h = await startApp({
      awsEndpoint: async (sim) => {
        front = await faultyAws(
          sim.endpoints.aws.url,
          sim.clock,
          { status: 400, type: "InvalidParameterException", message: "Upload too large" },
          1,
        );
        return front.url;
      },
    });
    try {
      await h.call("POST", "/faults", { service: "search", errorRate: 0, burst: 2 });
      await h.app.flush();
      const failed = h.sim.journal.byType("app.logs.failed");
      expect(failed.map((e) => e.data)).toEqual([
        expect.objectContaining({
          logGroup: "/watermelon/app/search",
          logStream: "app-1",
          events: 2,
          errors: 2,
          reason: "InvalidParameterException: Upload too large",
        }),
      ]);
      // The next batch goes through.
      await h.call("GET", "/search/b");
      await h.app.flush();
      expect(await h.events("/watermelon/app/search")).toHaveLength(1);
    } finally {
      await h.dispose();
      await front?.close();
    }
  });

  it("keeps retrying while CloudWatch Logs cannot be reached, on the clock", async () => {
    const h = await startApp({ awsEndpoint: () => "http://127.0.0.1:1" });
    try {
      const baseline = h.sim.clock.pendingTimers();
      await h.call("GET", "/search/a");
      await h.app.flush();
      // The back-off and the interval's count are due; the buffer waits for the back-off.
      expect(h.sim.clock.pendingTimers()).toBe(baseline + 2);
      await h.sim.clock.runFor(10 * 60_000);
      expect(h.sim.clock.pendingTimers()).toBe(baseline + 1);
      expect(h.sim.journal.byType("app.logs.flushed")).toHaveLength(0);
      await h.app.close();
      expect(h.sim.journal.byType("app.logs.failed").map((e) => e.data)).toEqual([
        expect.objectContaining({
          events: 1,
          reason: "the app closed before these events could be sent",
        }),
      ]);
      expect(h.sim.clock.pendingTimers()).toBe(baseline);
    } finally {
      await h.dispose();
    }
  });

  it("recreates a deleted log stream and resends", async () => {
    const h = await startApp();
    try {
      await h.logs.send(
        new DeleteLogStreamCommand({
          logGroupName: "/watermelon/app/search",
          logStreamName: "app-1",
        }),
      );
      await h.call("GET", "/search/again");
      await h.app.flush();
      const streams = await h.logs.send(
        new DescribeLogStreamsCommand({ logGroupName: "/watermelon/app/search" }),
      );
      expect(streams.logStreams?.map((s) => s.logStreamName)).toEqual(["app-1"]);
      expect(await h.events("/watermelon/app/search")).toHaveLength(1);
      expect(h.sim.journal.byType("app.logs.failed")).toHaveLength(0);
    } finally {
      await h.dispose();
    }
  });

  it("journals what it could not send when the app closes", async () => {
    let front: Awaited<ReturnType<typeof faultyAws>> | undefined;
    const h = await startApp({
      awsEndpoint: async (sim) => {
        front = await faultyAws(
          sim.endpoints.aws.url,
          sim.clock,
          { status: 503, type: "ServiceUnavailableException", message: "down" },
          100,
        );
        return front.url;
      },
    });
    try {
      await h.call("GET", "/search/a");
      await h.app.close();
      expect(h.sim.journal.byType("app.logs.failed").map((e) => e.data)).toEqual([
        expect.objectContaining({
          events: 1,
          reason: "the app closed before these events could be sent",
        }),
      ]);
    } finally {
      await h.dispose();
      await front?.close();
    }
  });
});
