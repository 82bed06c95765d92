import { describe, expect, it } from "vitest";
import { ACCOUNT, ENDPOINT, functionConfig, messages, resultOf, useRuntime } from "./helpers.js";

const setup = useRuntime();

describe("the handler contract", () => {
  it("async handlers: the resolved value is the result, a throw is the error", async () => {
    const harness = await setup();
    const ok = await harness.invoke(
      functionConfig("async", {
        "index.js": `exports.handler = async (e) => ({ doubled: e.n * 2 });`,
      }),
      { n: 21 },
    );
    expect(ok.result).toBe('{"doubled":42}');
    expect(ok.error).toBeUndefined();

    const undefinedResult = await harness.invoke(
      functionConfig("void", { "index.js": `exports.handler = async () => {};` }),
    );
    expect(undefinedResult.result).toBe("null");

    const thrown = await harness.invoke(
      functionConfig("throws", {
        "index.js": `class ShipError extends Error { constructor(m) { super(m); this.name = "ShipError"; } }
exports.handler = async () => { throw new ShipError("listener said 500"); };`,
      }),
    );
    expect(thrown.error?.errorType).toBe("ShipError");
    expect(thrown.error?.errorMessage).toBe("listener said 500");
    expect(thrown.error?.trace[0]).toBe("ShipError: listener said 500");
    expect(thrown.error?.trace[1]).toMatch(/^ {4}at .*\/var\/task\/index\.js:2:/);
    expect(thrown.result).toBeUndefined();
    const logged = messages(thrown).find((line) => line.includes("Invoke Error"));
    expect(logged).toMatch(
      /^2026-01-05T09:00:00\.000Z\treq-3\tERROR\tInvoke Error \t\{"errorType":"ShipError","errorMessage":"listener said 500","name":"ShipError","stack":\["ShipError: listener said 500",/,
    );
  });

  it("non-Error throws are typed by typeof, as the client does", async () => {
    const harness = await setup();
    const number = await harness.invoke(
      functionConfig("n", { "index.js": `exports.handler = async () => { throw 42; };` }),
    );
    expect(number.error).toEqual({ errorType: "number", errorMessage: "42", trace: [] });
    const string = await harness.invoke(
      functionConfig("s", { "index.js": `exports.handler = (e, c, cb) => cb("plain words");` }),
    );
    expect(string.error).toEqual({ errorType: "string", errorMessage: "plain words", trace: [] });
    const failed = await harness.invoke(
      functionConfig("f", { "index.js": `exports.handler = (e, context) => context.fail();` }),
    );
    expect(failed.error).toEqual({ errorType: "string", errorMessage: "handled", trace: [] });
  });

  it("callback handlers: the first of callback/succeed/fail/done wins", async () => {
    const harness = await setup();
    const first = await harness.invoke(
      functionConfig("cb", {
        "index.js": `exports.handler = (e, context, callback) => {
  callback(null, { first: true });
  callback(null, { second: true });
  context.succeed("third");
  context.fail(new Error("fourth"));
};`,
      }),
    );
    expect(resultOf(first)).toEqual({ first: true });

    const done = await harness.invoke(
      functionConfig("done", {
        "index.js": `exports.handler = (e, context) => { context.done(new RangeError("out of range"), "ignored"); };`,
      }),
    );
    expect(done.error).toMatchObject({ errorType: "RangeError", errorMessage: "out of range" });

    const succeed = await harness.invoke(
      functionConfig("succeed", {
        "index.js": `exports.handler = (e, context) => { context.succeed([1, 2]); };`,
      }),
    );
    expect(resultOf(succeed)).toEqual([1, 2]);
  });

  it("a callback waits for the event loop to empty, unless told not to", async () => {
    const harness = await setup();
    const files = {
      "index.js": `exports.handler = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = event.wait;
  setTimeout(() => console.log("late timer ran"), 1000);
  callback(null, "answered");
};`,
    };
    const waiting = harness.invoke(functionConfig("waits", files), { wait: true });
    await harness.clock.runFor(999);
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await harness.clock.whenQuiescent();
    expect(settled).toBe(false);
    await harness.clock.runFor(1);
    const outcome = await waiting;
    expect(resultOf(outcome)).toBe("answered");
    expect(outcome.durationMs).toBe(1000);
    expect(messages(outcome).some((line) => line.includes("late timer ran"))).toBe(true);

    const notWaiting = await harness.invoke(functionConfig("no-wait", files), { wait: false });
    expect(resultOf(notWaiting)).toBe("answered");
    expect(notWaiting.durationMs).toBe(0);
  });

  it("a handler that neither returns a promise nor calls back answers null once idle", async () => {
    const harness = await setup();
    const outcome = await harness.invoke(
      functionConfig("silent", {
        "index.js": `exports.handler = (event, context, callback) => { console.log("did nothing"); };`,
      }),
    );
    expect(outcome.result).toBe("null");
  });

  it("an unserializable result is the client's error", async () => {
    const harness = await setup();
    const outcome = await harness.invoke(
      functionConfig("cyclic", {
        "index.js": `exports.handler = async () => { const a = {}; a.self = a; return a; };`,
      }),
    );
    expect(outcome.error).toMatchObject({
      errorType: "Error",
      errorMessage: "Unable to stringify response body",
    });
  });

  it("an unhandled rejection is Runtime.UnhandledPromiseRejection and ends the environment", async () => {
    const harness = await setup();
    const config = functionConfig("rejects", {
      "index.js": `let calls = 0;
exports.handler = (event, context, callback) => {
  calls++;
  if (event.reject) Promise.reject(new Error("nobody caught me"));
  else callback(null, calls);
};`,
    });
    const outcome = await harness.invoke(config, { reject: true });
    expect(outcome.error).toMatchObject({
      errorType: "Runtime.UnhandledPromiseRejection",
      errorMessage: "Error: nobody caught me",
    });
    expect(messages(outcome)).toContain(
      "RequestId: req-1 Error: Runtime exited with error: exit status 128\nRuntime.ExitError\n",
    );
    // The environment was discarded: its module state is gone.
    const next = await harness.invoke(config, { reject: false });
    expect(next.coldStart).toBe(true);
    expect(resultOf(next)).toBe(1);
  });

  it("an exception thrown by a timer callback fails the invocation and ends the environment", async () => {
    const harness = await setup();
    const config = functionConfig("timer-throws", {
      "index.js": `exports.handler = async () => {
  setTimeout(() => { throw new SyntaxError("thrown from a timer"); }, 100);
  await new Promise((r) => setTimeout(r, 200));
  return "unreachable";
};`,
    });
    const pending = harness.invoke(config);
    await harness.clock.runFor(200);
    const outcome = await pending;
    expect(outcome.error).toMatchObject({
      errorType: "SyntaxError",
      errorMessage: "thrown from a timer",
    });
    expect(outcome.durationMs).toBe(100);
    const lines = messages(outcome);
    expect(lines.some((line) => line.includes("\treq-1\tERROR\tUncaught Exception \t{"))).toBe(
      true,
    );
    expect(lines).toContain(
      "RequestId: req-1 Error: Runtime exited with error: exit status 129\nRuntime.ExitError\n",
    );
    expect(harness.clock.pendingTimers()).toBe(0);
  });

  it("a function that outgrows its memory is Runtime.OutOfMemory, and the simulator lives on", async () => {
    const harness = await setup();
    const outcome = await harness.invoke(
      functionConfig("hungry", {
        "index.js": `exports.handler = async () => {
  const hoard = [];
  for (;;) hoard.push(new Array(1 << 20).fill({ grow: hoard.length }));
};`,
      }),
    );
    expect(outcome.error).toEqual({
      errorType: "Runtime.OutOfMemory",
      errorMessage: "RequestId: req-1 Error: Runtime exited with error: signal: killed",
      trace: [],
    });
  });
});

describe("context and environment", () => {
  it("gives the context fields of the client", async () => {
    const harness = await setup();
    const config = functionConfig(
      "ctx",
      {
        "index.js": `exports.handler = async (event, context) => ({
  awsRequestId: context.awsRequestId,
  invokedFunctionArn: context.invokedFunctionArn,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  memoryLimitInMB: context.memoryLimitInMB,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  clientContext: context.clientContext,
  identity: context.identity === undefined ? "none" : context.identity,
  callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
  remaining: context.getRemainingTimeInMillis(),
});`,
      },
      { memorySizeMb: 256, timeoutSeconds: 7 },
    );
    const outcome = await harness.runtime.invoke(config, {
      requestId: "8a8f4e3c-0000-4000-8000-000000000001",
      payload: "{}",
      clientContext: { client: { installation_id: "abc" }, env: { locale: "fr" } },
      invokedFunctionArn: `${config.functionArn}:$LATEST`,
    });
    expect(resultOf(outcome)).toEqual({
      awsRequestId: "8a8f4e3c-0000-4000-8000-000000000001",
      invokedFunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:ctx:$LATEST`,
      functionName: "ctx",
      functionVersion: "$LATEST",
      memoryLimitInMB: "256",
      logGroupName: "/aws/lambda/ctx",
      logStreamName: outcome.logStreamName,
      clientContext: { client: { installation_id: "abc" }, env: { locale: "fr" } },
      identity: "none",
      callbackWaitsForEmptyEventLoop: true,
      remaining: 7000,
    });
  });

  it("sets the reserved variables, the function's own, and none of the simulator's", async () => {
    const harness = await setup();
    process.env.WATERMELON_HOST_SECRET = "must not leak";
    try {
      const outcome = await harness.invoke(
        functionConfig(
          "env",
          {
            "index.js": `exports.handler = async () => ({ ...process.env });`,
          },
          { environment: { LOGZIO_TOKEN: "tok", LOG_LEVEL: "debug" } },
        ),
      );
      const env = resultOf(outcome) as Record<string, string>;
      expect(env).toMatchObject({
        LOGZIO_TOKEN: "tok",
        LOG_LEVEL: "debug",
        AWS_LAMBDA_FUNCTION_NAME: "env",
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
        AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/env",
        AWS_LAMBDA_LOG_STREAM_NAME: outcome.logStreamName,
        AWS_REGION: "eu-west-1",
        AWS_DEFAULT_REGION: "eu-west-1",
        _HANDLER: "index.handler",
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs20.x",
        TZ: ":UTC",
        AWS_ACCESS_KEY_ID: ACCOUNT,
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_SESSION_TOKEN: "test",
        AWS_ENDPOINT_URL: ENDPOINT,
      });
      expect(env.LAMBDA_TASK_ROOT).toMatch(/task-[0-9a-f]+-\d+$/);
      expect(env.WATERMELON_HOST_SECRET).toBeUndefined();
      expect(env.HOME).toBeUndefined();
    } finally {
      delete process.env.WATERMELON_HOST_SECRET;
    }
  });

  it("reserved variables win over the function's", async () => {
    const harness = await setup();
    const outcome = await harness.invoke(
      functionConfig(
        "reserved",
        { "index.js": `exports.handler = async () => [process.env.AWS_REGION, process.env.TZ];` },
        { environment: { AWS_REGION: "mars-1", TZ: "Europe/Paris" } },
      ),
    );
    expect(resultOf(outcome)).toEqual(["eu-west-1", "Europe/Paris"]);
  });
});

describe("logs", () => {
  it("formats console output as Lambda's text format, between START, END and REPORT", async () => {
    const harness = await setup();
    const outcome = await harness.invoke(
      functionConfig("logs", {
        "index.js": `console.log("cold start line");
exports.handler = async () => {
  console.log("shipping %d events to %s", 3, "listener", { batch: 1 });
  console.info("info");
  console.warn("warn");
  console.error("error", new Error("boom").message);
  console.debug("debug");
  console.trace("trace");
  console.log("two\\nlines");
  process.stdout.write("raw ");
  process.stdout.write("write\\n");
  return "ok";
};`,
      }),
    );
    const t = "2026-01-05T09:00:00.000Z";
    expect(messages(outcome)).toEqual([
      `${t}\tundefined\tINFO\tcold start line\n`,
      "START RequestId: req-1 Version: $LATEST\n",
      `${t}\treq-1\tINFO\tshipping 3 events to listener { batch: 1 }\n`,
      `${t}\treq-1\tINFO\tinfo\n`,
      `${t}\treq-1\tWARN\twarn\n`,
      `${t}\treq-1\tERROR\terror boom\n`,
      `${t}\treq-1\tDEBUG\tdebug\n`,
      `${t}\treq-1\tTRACE\ttrace\n`,
      `${t}\treq-1\tINFO\ttwo\nlines\n`,
      "raw write\n",
      "END RequestId: req-1\n",
      "REPORT RequestId: req-1\tDuration: 0.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 0.00 ms\t\n",
    ]);
    expect(outcome.logLines.every((line) => line.timestamp === harness.clock.now())).toBe(true);
    expect(outcome.logStreamName).toMatch(/^2026\/01\/05\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it("reports virtual durations, and Init Duration only on a cold start", async () => {
    const harness = await setup();
    const config = functionConfig(
      "durations",
      {
        "index.mjs": `await new Promise((resolve) => setTimeout(resolve, 250));
export const handler = async () => { await new Promise((resolve) => setTimeout(resolve, 1234)); return "done"; };`,
      },
      { timeoutSeconds: 10 },
    );
    const cold = harness.invoke(config);
    await harness.clock.runFor(250 + 1234);
    const first = await cold;
    expect(first.initDurationMs).toBe(250);
    expect(first.durationMs).toBe(1234);
    expect(messages(first).at(-1)).toBe(
      "REPORT RequestId: req-1\tDuration: 1234.00 ms\tBilled Duration: 1484 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 250.00 ms\t\n",
    );
    const warm = harness.invoke(config);
    await harness.clock.runFor(1234);
    const second = await warm;
    expect(second.initDurationMs).toBeUndefined();
    expect(messages(second).at(-1)).toBe(
      "REPORT RequestId: req-2\tDuration: 1234.00 ms\tBilled Duration: 1234 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n",
    );
  });
});

describe("an open socket keeps the event loop busy", () => {
  it("a callback waits for it (callbackWaitsForEmptyEventLoop), as with a database pool", async () => {
    const harness = await setup();
    const files = {
      "index.js": `const net = require("node:net");
const server = net.createServer(() => {});
exports.handler = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = event.wait;
  server.listen(0, "127.0.0.1", () => callback(null, "listening"));
};`,
    };
    const waiting = harness.invoke(functionConfig("pool", files, { timeoutSeconds: 1 }), {
      wait: true,
    });
    await harness.clock.runFor(1000);
    expect((await waiting).error?.errorType).toBe("Sandbox.Timedout");
    const answered = await harness.invoke(functionConfig("pool", files), { wait: false });
    expect(resultOf(answered)).toBe("listening");
  });
});
