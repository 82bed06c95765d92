import { describe, expect, it } from "vitest";
import { functionConfig, resultOf, START, useRuntime } from "./helpers.js";

const setup = useRuntime({ watchdogMs: 1500 });

const meddler = functionConfig("meddler", {
  "index.js": `exports.handler = async () => {
  globalThis.sharedSecret = "meddler was here";
  Object.prototype.polluted = true;
  Date = class FakeDate { static now() { return 0; } };
  Date.now = () => 0;
  JSON.parse = () => "hijacked";
  JSON.stringify = () => '"hijacked"';
  Math.random = () => 0.5;
  process.env.TZ = "Asia/Tokyo";
  process.env.WATERMELON_INJECTED = "yes";
  globalThis.setTimeout = () => { throw new Error("no timers for you"); };
  return "meddled";
};`,
});

const observer = functionConfig("observer", {
  "index.js": `exports.handler = async () => ({
  shared: typeof globalThis.sharedSecret,
  polluted: ({}).polluted === undefined,
  now: Date.now(),
  parsed: JSON.parse('{"a":1}'),
  injected: process.env.WATERMELON_INJECTED ?? null,
});`,
});

describe("isolation: a function cannot reach the simulator or other functions", () => {
  it("globals, Date, JSON and the environment changed by one function stay in its worker", async () => {
    const harness = await setup();
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const meddled = await harness.invoke(meddler);
    // The runtime serialized the result with its own JSON, not the replaced one.
    expect(meddled.result).toBe('"meddled"');

    const g = globalThis as Record<string, unknown>;
    expect(g.sharedSecret).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Date.now()).toBeGreaterThan(START - 10 * 365 * 86_400_000);
    expect(new Date(START).toISOString()).toBe("2026-01-05T09:00:00.000Z");
    expect(JSON.parse('{"a":1}')).toEqual({ a: 1 });
    expect(process.env.WATERMELON_INJECTED).toBeUndefined();
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(timeZone);
    expect(harness.clock.now()).toBe(START);

    expect(resultOf(await harness.invoke(observer))).toEqual({
      shared: "undefined",
      polluted: true,
      now: START,
      parsed: { a: 1 },
      injected: null,
    });
  });

  it("a replaced Date inside the function does not move the function's clock for others", async () => {
    const harness = await setup();
    await harness.invoke(meddler);
    const pending = harness.invoke(
      functionConfig("sleeper", {
        "index.js": `exports.handler = async () => { await new Promise((r) => setTimeout(r, 1000)); return Date.now(); };`,
      }),
    );
    await harness.clock.runFor(1000);
    expect(resultOf(await pending)).toBe(START + 1000);
  });

  it("process.exit ends only the function's environment, as Runtime.ExitError", async () => {
    const harness = await setup();
    const config = functionConfig("quitter", {
      "index.js": `let calls = 0;
exports.handler = async (event) => { calls++; if (event.code !== undefined) process.exit(event.code); return calls; };`,
    });
    expect(resultOf(await harness.invoke(config, {}))).toBe(1);
    const exited = await harness.invoke(config, { code: 0 });
    expect(exited.error).toEqual({
      errorType: "Runtime.ExitError",
      errorMessage: "RequestId: req-2 Error: Runtime exited without providing a reason",
      trace: [],
    });
    expect(exited.logLines.map((line) => line.message)).toContain(
      "RequestId: req-2 Error: Runtime exited without providing a reason\nRuntime.ExitError\n",
    );
    const failed = await harness.invoke(config, { code: 3 });
    expect(failed.coldStart).toBe(true);
    expect(failed.error?.errorMessage).toBe(
      "RequestId: req-3 Error: Runtime exited with error: exit status 3",
    );
    // Still here, and the function starts afresh.
    const next = await harness.invoke(config, {});
    expect(next.coldStart).toBe(true);
    expect(resultOf(next)).toBe(1);
  });

  it("killing the simulator's process from a function is refused", async () => {
    const harness = await setup();
    const outcome = await harness.invoke(
      functionConfig("killer", {
        "index.js": `exports.handler = async () => { process.kill(process.pid, "SIGKILL"); };`,
      }),
    );
    expect(outcome.error).toMatchObject({ errorType: "Error", errorMessage: "kill EPERM" });
  });

  it("an endless loop in one function leaves the simulator and other functions running", async () => {
    const harness = await setup();
    const spinning = harness.invoke(
      functionConfig("spinner", { "index.js": `exports.handler = async () => { for (;;) {} };` }),
    );
    // Meanwhile, another function runs to completion and the main thread stays responsive.
    const other = await harness.invoke(observer);
    expect(resultOf(other)).toMatchObject({ now: START });
    const stuck = await spinning;
    expect(stuck.timedOut).toBe(true);
    expect(stuck.error?.errorType).toBe("Sandbox.Timedout");
    expect(harness.clock.inFlight()).toEqual([]);
  });

  it("an endless loop at load time is stopped too", async () => {
    const harness = await setup();
    const outcome = await harness.invoke(
      functionConfig("spin-at-load", { "index.js": `while (true) {} exports.handler = () => 1;` }),
    );
    expect(outcome.timedOut).toBe(true);
    expect(outcome.error?.errorType).toBe("Sandbox.Timedout");
  });

  it("a function cannot post messages that the runtime would believe", async () => {
    const harness = await setup();
    const outcome = await harness.invoke(
      functionConfig("forger", {
        "index.js": `const { parentPort, workerData } = require("node:worker_threads");
exports.handler = async (event, context) => {
  parentPort?.postMessage({ kind: "result", requestId: context.awsRequestId, result: '"forged"' });
  return { port: workerData && workerData.port !== undefined };
};`,
      }),
    );
    expect(resultOf(outcome)).toEqual({ port: false });
  });
});
