import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { type InvocationType, InvokeCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  arnOf,
  CREDENTIALS,
  createActive,
  decode,
  failure,
  type Harness,
  handlers,
  REGION,
  startHarness,
} from "./helpers.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await createActive(h, "echo", handlers.echo);
  await createActive(h, "chatty", handlers.logs);
  await createActive(h, "boom", handlers.boom);
  await createActive(
    h,
    "client-context",
    `exports.handler = async (event, context) => context.clientContext;`,
  );
});

afterAll(async () => {
  await h?.dispose();
});

const json = (text: string) => Buffer.from(text);

describe("RequestResponse", () => {
  it("runs the function and answers 200 with its result", async () => {
    const out = await h.lambda.send(
      new InvokeCommand({ FunctionName: "echo", Payload: json('{"order":42}') }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe("$LATEST");
    expect(out.FunctionError).toBeUndefined();
    const result = JSON.parse(decode(out.Payload) as string);
    expect(result).toEqual({
      event: { order: 42 },
      requestId: out.$metadata.requestId,
      fn: "echo",
    });
  });

  it("journals each invocation, the first one as a cold start", async () => {
    const first = await h.lambda.send(new InvokeCommand({ FunctionName: "chatty" }));
    const second = await h.lambda.send(new InvokeCommand({ FunctionName: "chatty" }));
    const entries = [first, second].map((out) =>
      h.sim.journal
        .byCorrelation(out.$metadata.requestId as string)
        .find((e) => e.type === "lambda.invoked"),
    );
    expect(entries.map((e) => e?.data)).toEqual([
      expect.objectContaining({
        functionName: "chatty",
        invocationType: "RequestResponse",
        attempt: 1,
        coldStart: true,
        outcome: "success",
      }),
      expect.objectContaining({ coldStart: false, outcome: "success" }),
    ]);
    expect(typeof entries[0]?.data.durationMs).toBe("number");
  });

  it("returns the tail of the log, ending with the REPORT line, when asked", async () => {
    const out = await h.lambda.send(new InvokeCommand({ FunctionName: "chatty", LogType: "Tail" }));
    const log = Buffer.from(out.LogResult as string, "base64").toString("utf8");
    const id = out.$metadata.requestId as string;
    expect(log).toContain(`START RequestId: ${id} Version: $LATEST\n`);
    expect(log).toContain("hello from the handler");
    expect(log).toMatch(new RegExp(`REPORT RequestId: ${id}\\tDuration: [0-9.]+ ms\\t[^\\n]*\\n$`));
    const plain = await h.lambda.send(new InvokeCommand({ FunctionName: "chatty" }));
    expect(plain.LogResult).toBeUndefined();
  });

  it("writes the invocation's log lines to /aws/lambda/<function>", async () => {
    const out = await h.lambda.send(new InvokeCommand({ FunctionName: "chatty" }));
    const logs = new CloudWatchLogsClient({
      endpoint: h.endpoint,
      region: REGION,
      credentials: CREDENTIALS,
    });
    try {
      const found = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: "/aws/lambda/chatty",
          filterPattern: `"${out.$metadata.requestId}"`,
        }),
      );
      const messages = (found.events ?? []).map((e) => e.message ?? "");
      expect(messages[0]).toMatch(/^START RequestId: /);
      expect(messages.at(-1)).toMatch(/^REPORT RequestId: /);
      expect(found.events?.[0]?.logStreamName).toMatch(
        /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/,
      );
    } finally {
      logs.destroy();
    }
  });

  it("reports a function error with HTTP 200, X-Amz-Function-Error: Unhandled and the error payload", async () => {
    const out = await h.lambda.send(new InvokeCommand({ FunctionName: "boom" }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    const error = JSON.parse(decode(out.Payload) as string);
    expect(error).toMatchObject({ errorType: "Error", errorMessage: "boom" });
    expect(Array.isArray(error.trace)).toBe(true);
    const entry = h.sim.journal
      .byCorrelation(out.$metadata.requestId as string)
      .find((e) => e.type === "lambda.invoked");
    expect(entry?.data).toMatchObject({ outcome: "error", errorType: "Error" });
  });

  it("hands X-Amz-Client-Context to the function", async () => {
    const clientContext = { custom: { tenant: "acme" }, env: { locale: "en" } };
    const out = await h.lambda.send(
      new InvokeCommand({
        FunctionName: "client-context",
        ClientContext: Buffer.from(JSON.stringify(clientContext)).toString("base64"),
      }),
    );
    expect(JSON.parse(decode(out.Payload) as string)).toMatchObject(clientContext);
  });

  it("takes the function by name or ARN, and tells it which ARN was invoked", async () => {
    await createActive(
      h,
      "whoami",
      `exports.handler = async (e, context) => context.invokedFunctionArn;`,
    );
    const invoked = async (FunctionName: string, Qualifier?: string) =>
      JSON.parse(
        decode((await h.lambda.send(new InvokeCommand({ FunctionName, Qualifier }))).Payload) ?? "",
      );
    expect(await invoked("whoami")).toBe(arnOf("whoami"));
    expect(await invoked(arnOf("whoami"))).toBe(arnOf("whoami"));
    expect(await invoked(`${arnOf("whoami")}:$LATEST`)).toBe(`${arnOf("whoami")}:$LATEST`);
    expect(await invoked("whoami", "$LATEST")).toBe(`${arnOf("whoami")}:$LATEST`);
  });
});

describe("Event and DryRun", () => {
  it("queues an Event invocation (202) and runs it under the same request id", async () => {
    const out = await h.lambda.send(
      new InvokeCommand({ FunctionName: "echo", InvocationType: "Event", Payload: json("{}") }),
    );
    expect(out.StatusCode).toBe(202);
    expect(decode(out.Payload) ?? "").toBe("");
    await h.sim.clock.runFor(0);
    const entry = h.sim.journal
      .byCorrelation(out.$metadata.requestId as string)
      .find((e) => e.type === "lambda.invoked");
    expect(entry?.data).toMatchObject({ invocationType: "Event", attempt: 1, outcome: "success" });
  });

  it("checks a DryRun (204) without running anything", async () => {
    const before = h.sim.journal.byType("lambda.invoked").length;
    const out = await h.lambda.send(
      new InvokeCommand({ FunctionName: "echo", InvocationType: "DryRun" }),
    );
    expect(out.StatusCode).toBe(204);
    await h.sim.clock.runFor(0);
    expect(h.sim.journal.byType("lambda.invoked")).toHaveLength(before);
  });
});

describe("refused invocations", () => {
  it("answers 404 with the qualified ARN for an unknown function", async () => {
    const err = await failure(() => h.lambda.send(new InvokeCommand({ FunctionName: "ghost" })));
    expect(err.name).toBe("ResourceNotFoundException");
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.$fault).toBe("client");
    expect(err.message).toBe(`Function not found: ${arnOf("ghost")}:$LATEST`);
  });

  it("refuses a payload that is not JSON", async () => {
    const err = await failure(() =>
      h.lambda.send(new InvokeCommand({ FunctionName: "echo", Payload: json("{not json") })),
    );
    expect(err.name).toBe("InvalidRequestContentException");
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toMatch(
      /^Could not parse request body into json: Could not parse payload into json: /,
    );
  });

  it.each([
    [
      "RequestResponse",
      6 * 1_048_576,
      "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
    ],
    [
      "Event",
      1_048_576,
      "Request must be smaller than 1048576 bytes for the InvokeAsync operation",
    ],
  ] as const)("refuses a %s payload over its limit with 413", async (type, limit, message) => {
    const payload = json(JSON.stringify({ pad: "x".repeat(limit) }));
    const err = await failure(() =>
      h.lambda.send(
        new InvokeCommand({
          FunctionName: "echo",
          InvocationType: type as InvocationType,
          Payload: payload,
        }),
      ),
    );
    expect(err.name).toBe("RequestTooLargeException");
    expect(err.$metadata.httpStatusCode).toBe(413);
    expect(err.message).toBe(message);
  });

  it("checks the invocation type against the model", async () => {
    const err = await failure(() =>
      h.lambda.send(
        new InvokeCommand({ FunctionName: "echo", InvocationType: "Later" as InvocationType }),
      ),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe(
      "1 validation error detected: Value 'Later' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
    );
  });
});

describe("a function stuck in a synchronous loop", () => {
  let stuck: Harness;

  beforeAll(async () => {
    // The real-time watchdog is what stops `while (true) {}`; a short one keeps the test quick.
    stuck = await startHarness({ aws: { lambda: { watchdogMs: 300 } } });
    await createActive(stuck, "spin", `exports.handler = async () => { while (true) {} };`, {
      Timeout: 1,
    });
  });

  afterAll(async () => {
    await stuck?.dispose();
  });

  it("times out as Sandbox.Timedout, and the next invocation gets a fresh environment", async () => {
    const out = await stuck.lambda.send(new InvokeCommand({ FunctionName: "spin" }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    expect(JSON.parse(decode(out.Payload) as string)).toMatchObject({
      errorType: "Sandbox.Timedout",
      errorMessage: `RequestId: ${out.$metadata.requestId} Error: Task timed out after 1.00 seconds`,
    });
    const entry = stuck.sim.journal
      .byCorrelation(out.$metadata.requestId as string)
      .find((e) => e.type === "lambda.invoked");
    expect(entry?.data).toMatchObject({ outcome: "timeout", errorType: "Sandbox.Timedout" });

    const next = await stuck.lambda.send(new InvokeCommand({ FunctionName: "spin" }));
    const nextEntry = stuck.sim.journal
      .byCorrelation(next.$metadata.requestId as string)
      .find((e) => e.type === "lambda.invoked");
    expect(nextEntry?.data).toMatchObject({ coldStart: true, outcome: "timeout" });
  });
});
