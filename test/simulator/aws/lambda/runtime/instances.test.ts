import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createFunctionRuntime } from "../../../../../simulator/aws/lambda/runtime/index.js";
import { createVirtualClock } from "../../../../../simulator/kernel/virtualClock.js";
import { code, functionConfig, resultOf, START, useRuntime } from "./helpers.js";

const setup = useRuntime();

const counter = {
  "index.js": `let count = 0;
exports.handler = async (event) => {
  count++;
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));
  return count;
};`,
};

describe("execution environments", () => {
  it("reuses a warm environment: module scope survives between invocations", async () => {
    const harness = await setup();
    const config = functionConfig("warm", counter);
    const first = await harness.invoke(config);
    const second = await harness.invoke(config);
    const third = await harness.invoke(config);
    expect([first, second, third].map(resultOf)).toEqual([1, 2, 3]);
    expect([first, second, third].map((o) => o.coldStart)).toEqual([true, false, false]);
    expect(first.initDurationMs).toBe(0);
    expect(second.initDurationMs).toBeUndefined();
    expect(new Set([first, second, third].map((o) => o.logStreamName)).size).toBe(1);
  });

  it("a concurrent invocation gets an environment of its own", async () => {
    const harness = await setup();
    const config = functionConfig("busy", counter);
    const a = harness.invoke(config, { sleep: 1000 });
    const b = harness.invoke(config, { sleep: 1000 });
    await harness.clock.runFor(1000);
    const [first, second] = await Promise.all([a, b]);
    expect([resultOf(first), resultOf(second)]).toEqual([1, 1]);
    expect(first.coldStart && second.coldStart).toBe(true);
    expect(first.logStreamName).not.toBe(second.logStreamName);
    // Both are warm now; the older environment is picked first.
    const third = await harness.invoke(config);
    expect(third.coldStart).toBe(false);
    expect(third.logStreamName).toBe(first.logStreamName);
    expect(resultOf(third)).toBe(2);
  });

  it("a changed configuration or code gets a new environment", async () => {
    const harness = await setup();
    const config = functionConfig("changing", counter);
    await harness.invoke(config);
    const reconfigured = await harness.invoke({ ...config, environment: { V: "2" } });
    expect(reconfigured.coldStart).toBe(true);
    const recoded = await harness.invoke({
      ...config,
      code: code({ "index.js": `exports.handler = async () => "new code";` }),
    });
    expect(resultOf(recoded)).toBe("new code");
    const original = await harness.invoke(config);
    expect(original.coldStart).toBe(false);
    expect(resultOf(original)).toBe(2);
  });

  it("retire drops warm environments: the next invocation is a cold start", async () => {
    const harness = await setup();
    const config = functionConfig("retired", counter);
    const before = await harness.invoke(config);
    expect(resultOf(await harness.invoke(config))).toBe(2);
    await harness.runtime.retire(config.functionArn);
    const after = await harness.invoke(config);
    expect(after.coldStart).toBe(true);
    expect(resultOf(after)).toBe(1);
    expect(after.logStreamName).not.toBe(before.logStreamName);
  });

  it("retire lets a running invocation finish, then ends its environment", async () => {
    const harness = await setup();
    const config = functionConfig("retiring", counter);
    const running = harness.invoke(config, { sleep: 500 });
    await harness.clock.whenQuiescent();
    await harness.runtime.retire(config.functionArn);
    await harness.clock.runFor(500);
    expect(resultOf(await running)).toBe(1);
    const next = await harness.invoke(config);
    expect(next.coldStart).toBe(true);
  });

  it("names log streams from the virtual date and a deterministic digest", async () => {
    const streams = async () => {
      const clock = createVirtualClock({ start: Date.UTC(2026, 2, 9, 23, 59) });
      const runtime = createFunctionRuntime({ clock, endpointUrl: () => "http://127.0.0.1:1" });
      try {
        const config = functionConfig("streams", counter);
        const outcomes = await Promise.all([
          runtime.invoke(config, { requestId: "a", payload: "{}" }),
          runtime.invoke(config, { requestId: "b", payload: "{}" }),
        ]);
        return outcomes.map((outcome) => outcome.logStreamName);
      } finally {
        await runtime.dispose();
      }
    };
    const first = await streams();
    expect(first[0]).toMatch(/^2026\/03\/09\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(first[0]).not.toBe(first[1]);
    expect(await streams()).toEqual(first);
  });

  it("writes code under the temporary root and removes it on retire and dispose", async () => {
    const harness = await setup();
    const config = functionConfig("files", {
      ...counter,
      "data/config.json": '{"listener":"https://listener.logz.io:8071"}',
      "lib/": "",
    });
    const reader = functionConfig("reader", {
      "index.js": `const fs = require("node:fs");
exports.handler = async () => JSON.parse(fs.readFileSync(process.env.LAMBDA_TASK_ROOT + "/data/config.json", "utf8"));`,
      "data/config.json": '{"listener":"https://listener.logz.io:8071"}',
    });
    expect(resultOf(await harness.invoke(reader))).toEqual({
      listener: "https://listener.logz.io:8071",
    });
    await harness.invoke(config);
    const [base] = await readdir(harness.tempRoot);
    if (!base) throw new Error("no runtime directory");
    const roots = async () =>
      (await readdir(path.join(harness.tempRoot, base))).filter((name) => name.startsWith("task-"));
    expect(await roots()).toHaveLength(2);
    await harness.runtime.retire(config.functionArn);
    expect(await roots()).toHaveLength(1);
    await harness.runtime.dispose();
    expect(await readdir(harness.tempRoot)).toEqual([]);
  });

  it("refuses code entries that would be written outside the task root", async () => {
    const harness = await setup();
    for (const entry of ["../escaped.js", "/tmp/absolute.js", "lib/../../escaped.js"]) {
      const outcome = await harness.invoke(
        functionConfig("zip-slip", {
          "index.js": `exports.handler = async () => 1;`,
          [entry]: "x",
        }),
      );
      expect(outcome.error?.errorType).toBe("Runtime.ImportModuleError");
      expect(outcome.error?.errorMessage).toBe(
        `Error: Cannot unpack '${entry}': the path leaves the task root`,
      );
    }
    const [base] = await readdir(harness.tempRoot);
    expect(await readdir(harness.tempRoot)).toEqual([base]);
    if (!base) throw new Error("no runtime directory");
    const contents = await readdir(path.join(harness.tempRoot, base));
    expect(contents.filter((name) => name.includes("escaped"))).toEqual([]);
  });

  it("dispose fails invocations still running and refuses new ones", async () => {
    const harness = await setup();
    const running = harness.invoke(functionConfig("disposed", counter), { sleep: 1000 });
    await harness.clock.whenQuiescent();
    const failure = expect(running).rejects.toThrow(/disposed/);
    await harness.runtime.dispose();
    await failure;
    await expect(harness.invoke(functionConfig("after", counter))).rejects.toThrow(/disposed/);
    expect(harness.clock.inFlight()).toEqual([]);
    expect(harness.clock.now()).toBe(START);
  });
});
