import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as realSleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createRealClock } from "../../../../../simulator/kernel/realClock.js";
import { functionConfig, messages, resultOf, START, useRuntime, watch } from "./helpers.js";

const setup = useRuntime();
const setupWithShortWatchdog = useRuntime({ watchdogMs: 1500 });

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A local server that holds each request until the test releases it (not tracked by the clock). */
async function heldServer() {
  const held: Array<(body: string) => void> = [];
  let arrived: () => void = () => {};
  let arrival = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = http.createServer((_req, res) => {
    held.push((body) => res.end(body));
    arrived();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bulk`,
    /** Resolves when the next request has arrived. */
    nextRequest: async () => {
      await arrival;
      arrival = new Promise<void>((resolve) => {
        arrived = resolve;
      });
    },
    respond: (body: string) => held.shift()?.(body),
  };
}

describe("the function's time is the simulator's", () => {
  it("setTimeout of 4 s completes only when the clock has advanced 4 s, and Date reads virtual time", async () => {
    const harness = await setup();
    const config = functionConfig(
      "sleeper",
      {
        "index.js": `exports.handler = async () => {
  const before = { now: Date.now(), iso: new Date().toISOString(), text: Date(), perf: performance.now() };
  await new Promise((resolve) => setTimeout(resolve, 4000));
  return { before, after: { now: Date.now(), iso: new Date().toISOString(), perf: performance.now() } };
};`,
      },
      { timeoutSeconds: 10 },
    );
    const invocation = watch(harness.invoke(config));
    await harness.clock.runFor(3999);
    expect(invocation.settled).toBe(false);
    await harness.clock.runFor(1);
    expect(invocation.settled).toBe(true);
    const outcome = invocation.value;
    if (!outcome) throw new Error("no outcome");
    const { before, after } = resultOf(outcome) as {
      before: { now: number; iso: string; text: string; perf: number };
      after: { now: number; iso: string; perf: number };
    };
    expect(before.now).toBe(START);
    expect(before.iso).toBe("2026-01-05T09:00:00.000Z");
    expect(before.text).toBe(new Date(START).toString());
    expect(after.now).toBe(START + 4000);
    expect(after.iso).toBe("2026-01-05T09:00:04.000Z");
    expect(after.perf - before.perf).toBe(4000);
    expect(outcome.durationMs).toBe(4000);
  });

  it("getRemainingTimeInMillis decreases with virtual time", async () => {
    const harness = await setup();
    const config = functionConfig("remaining", {
      "index.js": `const { setTimeout: sleep } = require("node:timers/promises");
exports.handler = async (event, context) => {
  const seen = [context.getRemainingTimeInMillis()];
  await sleep(1000);
  seen.push(context.getRemainingTimeInMillis());
  await new Promise((resolve) => setTimeout(resolve, 1500));
  seen.push(context.getRemainingTimeInMillis());
  return seen;
};`,
    });
    const pending = harness.invoke(config);
    await harness.clock.runFor(2500);
    expect(resultOf(await pending)).toEqual([3000, 2000, 500]);
  });

  it("timers of every flavour follow the clock: intervals, clearTimeout, promisified, AbortSignal.timeout", async () => {
    const harness = await setup();
    const config = functionConfig(
      "timers",
      {
        "index.mjs": `import { setTimeout as sleep, setInterval as every } from "node:timers/promises";
import { promisify } from "node:util";
export const handler = async () => {
  const log = [];
  const start = Date.now();
  const at = (what) => log.push(what + "@" + (Date.now() - start));
  const interval = setInterval(() => at("tick"), 100);
  const cancelled = setTimeout(() => at("never"), 50);
  clearTimeout(cancelled);
  setTimeout((a, b) => at("args:" + a + b), 150, "x", "y");
  await sleep(350);
  clearInterval(interval);
  await promisify(setTimeout)(10);
  at("promisified");
  let n = 0;
  for await (const _ of every(20)) { if (++n === 2) break; }
  at("iterated");
  const signal = AbortSignal.timeout(50);
  await sleep(60);
  at(signal.reason.name);
  return log;
};`,
      },
      { timeoutSeconds: 10 },
    );
    const pending = harness.invoke(config);
    await harness.clock.runUntilIdle();
    expect(resultOf(await pending)).toEqual([
      "tick@100",
      "args:xy@150",
      "tick@200",
      "tick@300",
      "promisified@360",
      "iterated@400",
      "TimeoutError@460",
    ]);
  });

  it("setTimeout(fn, 0) fires without anyone driving the clock", async () => {
    const harness = await setup();
    const outcome = await harness.invoke(
      functionConfig("yield", {
        "index.js": `exports.handler = async () => { await new Promise((r) => setTimeout(r, 0)); return Date.now(); };`,
      }),
    );
    expect(resultOf(outcome)).toBe(START);
  });

  it("the clock waits while the function's HTTP request is in flight", async () => {
    const harness = await setup();
    const server = await heldServer();
    const config = functionConfig("http", {
      "index.js": `const http = require("node:http");
exports.handler = async (event) => {
  const body = await new Promise((resolve, reject) => {
    http.get(event.url, (res) => {
      let text = "";
      res.on("data", (chunk) => { text += chunk; });
      res.on("end", () => resolve(text));
    }).on("error", reject);
  });
  return { body, now: Date.now() };
};`,
    });
    const order: string[] = [];
    harness.clock.setTimeout(() => order.push("timer due 1 ms later"), 1);
    const pending = harness.invoke(config, { url: server.url });
    void pending.then(() => order.push("answered"));
    const driving = harness.clock.runFor(10);
    await server.nextRequest();
    // Real time passes with the request held: the clock must not move meanwhile.
    await realSleep(100);
    expect(order).toEqual([]);
    order.push("response");
    server.respond("accepted");
    await driving;
    expect(order).toEqual(["response", "answered", "timer due 1 ms later"]);
    expect(resultOf(await pending)).toEqual({ body: "accepted", now: START });
  });

  it("the clock waits for fetch too", async () => {
    const harness = await setup();
    const server = await heldServer();
    const config = functionConfig("fetch", {
      "index.mjs": `export const handler = async (event) => {
  const response = await fetch(event.url, { method: "POST", body: "x" });
  return { text: await response.text(), status: response.status, now: Date.now() };
};`,
    });
    const order: string[] = [];
    harness.clock.setTimeout(() => order.push("timer"), 1);
    const pending = harness.invoke(config, { url: server.url });
    void pending.then(() => order.push("answered"));
    const driving = harness.clock.runFor(10);
    await server.nextRequest();
    await realSleep(100);
    expect(order).toEqual([]);
    server.respond("fetched");
    await driving;
    expect(order).toEqual(["answered", "timer"]);
    expect(resultOf(await pending)).toEqual({ text: "fetched", status: 200, now: START });
  });

  it("the clock waits for file system, zlib and DNS work", async () => {
    const harness = await setup();
    // With a 1 s timeout and the clock driven 5 s at once, any moment the function looked idle
    // while its I/O was pending would let the deadline fire.
    const config = functionConfig(
      "io",
      {
        "index.js": `const fs = require("node:fs");
const { promisify } = require("node:util");
const zlib = require("node:zlib");
const dns = require("node:dns");
exports.handler = async () => {
  for (let i = 0; i < 30; i++) await fs.promises.readFile(__filename);
  for (let i = 0; i < 30; i++) await new Promise((resolve) => fs.stat(__filename, resolve));
  await promisify(zlib.gzip)(Buffer.alloc(1 << 22, 1));
  await new Promise((resolve) => zlib.gunzip(zlib.gzipSync("x"), resolve));
  await dns.promises.lookup("localhost");
  return Date.now();
};`,
      },
      { timeoutSeconds: 1 },
    );
    const order: string[] = [];
    harness.clock.setTimeout(() => order.push("timer"), 1);
    const pending = harness.invoke(config);
    void pending.then(() => order.push("answered"));
    await harness.clock.runFor(5000);
    const outcome = await pending;
    expect(outcome.timedOut).toBe(false);
    expect(resultOf(outcome)).toBe(START);
    expect(order).toEqual(["answered", "timer"]);
  });

  it("a function awaiting a timer is idle: other timers fire meanwhile", async () => {
    const harness = await setup();
    const config = functionConfig(
      "idle",
      {
        "index.js": `exports.handler = async () => { await new Promise((r) => setTimeout(r, 5000)); return Date.now(); };`,
      },
      { timeoutSeconds: 10 },
    );
    const fired: number[] = [];
    harness.clock.setTimeout(() => fired.push(harness.clock.now()), 2000);
    const pending = harness.invoke(config);
    await harness.clock.runFor(5000);
    expect(fired).toEqual([START + 2000]);
    expect(resultOf(await pending)).toBe(START + 5000);
  });

  it("times out in virtual time with Sandbox.Timedout, and discards the environment", async () => {
    const harness = await setup();
    const config = functionConfig(
      "slow",
      {
        "index.js": `let invocations = 0;
exports.handler = async (event) => {
  invocations++;
  if (event.slow) await new Promise((r) => setTimeout(r, 60000));
  return invocations;
};`,
      },
      { timeoutSeconds: 2 },
    );
    const pending = watch(harness.invoke(config, { slow: true }));
    await harness.clock.runFor(1999);
    expect(pending.settled).toBe(false);
    await harness.clock.runFor(1);
    const outcome = pending.value;
    expect(outcome).toMatchObject({
      timedOut: true,
      durationMs: 2000,
      error: {
        errorType: "Sandbox.Timedout",
        errorMessage: "RequestId: req-1 Error: Task timed out after 2.00 seconds",
      },
    });
    if (!outcome) throw new Error("no outcome");
    expect(outcome.result).toBeUndefined();
    expect(messages(outcome)).toContain(
      "2026-01-05T09:00:02.000Z req-1 Task timed out after 2.00 seconds\n",
    );
    // The function's pending 60 s timer went with its environment.
    expect(harness.clock.pendingTimers()).toBe(0);
    const next = await harness.invoke(config, { slow: false });
    expect(next.coldStart).toBe(true);
    expect(resultOf(next)).toBe(1);
  });

  it("a real-time watchdog terminates a synchronous endless loop and reports a timeout", async () => {
    const harness = await setupWithShortWatchdog();
    const outcome = await harness.invoke(
      functionConfig("spin", {
        "index.js": `exports.handler = async () => { while (true) {} };`,
      }),
    );
    expect(outcome.timedOut).toBe(true);
    expect(outcome.error).toMatchObject({
      errorType: "Sandbox.Timedout",
      errorMessage: "RequestId: req-1 Error: Task timed out after 3.00 seconds",
    });
    expect(harness.clock.inFlight()).toEqual([]);
  });

  it("an environment's timers wait while it is frozen between invocations", async () => {
    const harness = await setup();
    const config = functionConfig(
      "frozen",
      {
        "index.js": `const seen = [];
exports.handler = async () => {
  setInterval(() => seen.push("tick@" + Date.now()), 1000);
  const report = seen.splice(0);
  return report;
};`,
      },
      { timeoutSeconds: 10 },
    );
    expect(resultOf(await harness.invoke(config))).toEqual([]);
    // An idle environment does not keep the clock busy: nothing is due.
    expect(harness.clock.pendingTimers()).toBe(0);
    await harness.clock.runFor(10_000);
    // Thawed, the overdue interval fires once, before the handler runs; not ten times.
    const second = await harness.invoke(config);
    expect(resultOf(second)).toEqual([`tick@${START + 10_000}`]);
  });
});

describe("on a real clock", () => {
  const setupReal = useRuntime({ clock: createRealClock() });

  it("the function keeps Node's own Date and timers", async () => {
    const harness = await setupReal();
    const before = Date.now();
    const outcome = await harness.invoke(
      functionConfig("real", {
        "index.js": `exports.handler = async (event, context) => {
  await new Promise((r) => setTimeout(r, 20));
  return { now: Date.now(), remaining: context.getRemainingTimeInMillis() };
};`,
      }),
    );
    const { now, remaining } = resultOf(outcome) as { now: number; remaining: number };
    expect(now).toBeGreaterThanOrEqual(before);
    expect(remaining).toBeLessThanOrEqual(3000);
    expect(remaining).toBeGreaterThan(0);
  });
});
