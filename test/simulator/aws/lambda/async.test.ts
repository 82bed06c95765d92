import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
  PutSubscriptionFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  AddPermissionCommand,
  DeleteFunctionCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  PutFunctionEventInvokeConfigCommand,
  type PutFunctionEventInvokeConfigCommandInput,
  UpdateFunctionEventInvokeConfigCommand,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JournalEvent } from "../../../../simulator/kernel/journal.js";
import {
  ACCOUNT,
  arnOf,
  CREDENTIALS,
  createActive,
  failure,
  type Harness,
  handlers,
  type InvocationRecord,
  REGION,
  startHarness,
} from "./helpers.js";

let h: Harness;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  h = await startHarness();
  logs = new CloudWatchLogsClient({
    endpoint: h.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
  });
});

afterAll(async () => {
  logs?.destroy();
  await h?.dispose();
});

const MINUTE = 60_000;

function events(type: string, functionName: string): JournalEvent[] {
  return h.sim.journal.byType(type).filter((e) => e.data.functionName === functionName);
}

const at = (e: JournalEvent | undefined) => (e ? Date.parse(e.time) : Number.NaN);

const recordOf = (e: JournalEvent | undefined) => e?.data.record as InvocationRecord | undefined;

async function invokeEvent(name: string, payload: unknown) {
  const out = await h.lambda.send(
    new InvokeCommand({
      FunctionName: name,
      InvocationType: "Event",
      Payload: Buffer.from(JSON.stringify(payload)),
    }),
  );
  expect(out.StatusCode).toBe(202);
  return out.$metadata.requestId as string;
}

async function configure(
  name: string,
  config: Omit<PutFunctionEventInvokeConfigCommandInput, "FunctionName">,
) {
  return h.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, ...config }));
}

/** The invocation records a collector function logged ("RECORD {...}"), oldest first. */
async function recordsOf(collector: string): Promise<InvocationRecord[]> {
  const found = await logs.send(
    new FilterLogEventsCommand({
      logGroupName: `/aws/lambda/${collector}`,
      filterPattern: "RECORD",
    }),
  );
  return (found.events ?? []).map((e) => {
    const message = e.message ?? "";
    return JSON.parse(message.slice(message.indexOf("RECORD ") + "RECORD ".length));
  });
}

describe("asynchronous invocation of a failing function", () => {
  it("retries twice, one then two virtual minutes apart, then dead-letters the record", async () => {
    await createActive(h, "fails-retry", handlers.boom);
    const t0 = h.sim.clock.now();
    const requestId = await invokeEvent("fails-retry", { order: 1 });

    await h.sim.clock.runFor(0);
    expect(events("lambda.invoked", "fails-retry")).toHaveLength(1);
    const scheduled = events("lambda.invocation.retry_scheduled", "fails-retry");
    expect(scheduled.map((e) => e.data)).toEqual([
      expect.objectContaining({ requestId, attempt: 2, delayMs: MINUTE, errorType: "Error" }),
    ]);

    await h.sim.clock.runFor(MINUTE - 1);
    expect(events("lambda.invoked", "fails-retry")).toHaveLength(1);
    await h.sim.clock.runFor(1);
    expect(events("lambda.invoked", "fails-retry")).toHaveLength(2);
    await h.sim.clock.runFor(2 * MINUTE);

    const attempts = events("lambda.invoked", "fails-retry");
    expect(attempts.map((e) => [at(e) - t0, e.data.attempt, e.data.outcome])).toEqual([
      [0, 1, "error"],
      [MINUTE, 2, "error"],
      [3 * MINUTE, 3, "error"],
    ]);
    expect(new Set(attempts.map((e) => e.correlation.requestId))).toEqual(new Set([requestId]));
    expect(
      events("lambda.invocation.retry_scheduled", "fails-retry").map((e) => e.data.delayMs),
    ).toEqual([MINUTE, 2 * MINUTE]);

    const [dead] = events("lambda.invocation.dead_lettered", "fails-retry");
    expect(at(dead) - t0).toBe(3 * MINUTE);
    expect(dead?.data).toMatchObject({ requestId, condition: "RetriesExhausted" });
    expect(dead?.data.record).toEqual({
      version: "1.0",
      timestamp: new Date(t0 + 3 * MINUTE).toISOString(),
      requestContext: {
        requestId,
        functionArn: `${arnOf("fails-retry")}:$LATEST`,
        condition: "RetriesExhausted",
        approximateInvokeCount: 3,
      },
      requestPayload: { order: 1 },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: expect.objectContaining({ errorType: "Error", errorMessage: "boom" }),
    });
  });

  it("delivers the record to an on-failure Lambda destination after the third attempt", async () => {
    await createActive(h, "collector-failure", handlers.collector);
    await createActive(h, "fails-to-destination", handlers.boom);
    await configure("fails-to-destination", {
      DestinationConfig: { OnFailure: { Destination: arnOf("collector-failure") } },
    });
    const requestId = await invokeEvent("fails-to-destination", { order: 2 });
    await h.sim.clock.runFor(0);
    await h.sim.clock.runFor(MINUTE);
    expect(events("lambda.invoked", "collector-failure")).toEqual([]);
    await h.sim.clock.runFor(2 * MINUTE);

    const [delivered] = events("lambda.destination.delivered", "fails-to-destination");
    expect(delivered?.data).toMatchObject({
      requestId,
      condition: "RetriesExhausted",
      destinationArn: arnOf("collector-failure"),
      destinationType: "lambda",
    });
    const collected = events("lambda.invoked", "collector-failure");
    expect(collected).toHaveLength(1);
    expect(collected[0]?.data).toMatchObject({ invocationType: "Event", outcome: "success" });
    expect(collected[0]?.correlation.sourceRequestId).toBe(requestId);

    const [record] = await recordsOf("collector-failure");
    expect(record).toMatchObject({
      version: "1.0",
      requestContext: {
        requestId,
        functionArn: `${arnOf("fails-to-destination")}:$LATEST`,
        condition: "RetriesExhausted",
        approximateInvokeCount: 3,
      },
      requestPayload: { order: 2 },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: { errorType: "Error", errorMessage: "boom" },
    });
    expect(events("lambda.invocation.dead_lettered", "fails-to-destination")).toEqual([]);
  });

  it("honours MaximumRetryAttempts 0", async () => {
    await createActive(h, "fails-once", handlers.boom);
    await configure("fails-once", { MaximumRetryAttempts: 0 });
    await invokeEvent("fails-once", {});
    await h.sim.clock.runFor(0);
    expect(events("lambda.invoked", "fails-once")).toHaveLength(1);
    expect(events("lambda.invocation.retry_scheduled", "fails-once")).toEqual([]);
    const [dead] = events("lambda.invocation.dead_lettered", "fails-once");
    expect(recordOf(dead)?.requestContext.approximateInvokeCount).toBe(1);
  });

  it("stops retrying an event older than MaximumEventAgeInSeconds", async () => {
    // Fails after half a virtual second, so the retry a minute later finds the event 60.5 s old.
    await createActive(
      h,
      "fails-late",
      `exports.handler = async () => { await new Promise((r) => setTimeout(r, 500)); throw new Error("late"); };`,
    );
    await configure("fails-late", { MaximumEventAgeInSeconds: 60 });
    await invokeEvent("fails-late", {});
    await h.sim.clock.runFor(0);
    await h.sim.clock.runFor(500);
    expect(events("lambda.invoked", "fails-late").map((e) => e.data.durationMs)).toEqual([500]);
    await h.sim.clock.runFor(MINUTE);
    expect(events("lambda.invoked", "fails-late")).toHaveLength(1);
    const [dead] = events("lambda.invocation.dead_lettered", "fails-late");
    expect(dead?.data.condition).toBe("EventAgeExceeded");
    expect(recordOf(dead)?.requestContext).toMatchObject({
      condition: "EventAgeExceeded",
      approximateInvokeCount: 1,
    });
  });

  it("retries a timeout like an error", async () => {
    await createActive(
      h,
      "too-slow",
      `exports.handler = async () => { await new Promise((r) => setTimeout(r, 10_000)); return "late"; };`,
      { Timeout: 1 },
    );
    await configure("too-slow", { MaximumRetryAttempts: 1 });
    await invokeEvent("too-slow", {});
    await h.sim.clock.runFor(0);
    await h.sim.clock.runFor(1000);
    expect(events("lambda.invoked", "too-slow").map((e) => e.data.outcome)).toEqual(["timeout"]);
    await h.sim.clock.runFor(MINUTE);
    await h.sim.clock.runFor(1000);
    expect(events("lambda.invoked", "too-slow").map((e) => e.data.outcome)).toEqual([
      "timeout",
      "timeout",
    ]);
    const [dead] = events("lambda.invocation.dead_lettered", "too-slow");
    expect(recordOf(dead)?.responsePayload?.errorType).toBe("Sandbox.Timedout");
  });

  it("journals the record for a destination that is not emulated (SQS)", async () => {
    const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:dead-letters`;
    await createActive(h, "fails-to-sqs", handlers.boom);
    await configure("fails-to-sqs", {
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: queue } },
    });
    await invokeEvent("fails-to-sqs", { order: 3 });
    await h.sim.clock.runFor(0);
    const [dead] = events("lambda.invocation.dead_lettered", "fails-to-sqs");
    expect(dead?.data).toMatchObject({ destinationArn: queue, destinationType: "sqs" });
    expect(recordOf(dead)?.requestPayload).toEqual({ order: 3 });
  });

  it("discards the queued retries of a function that was deleted", async () => {
    await createActive(h, "deleted-midway", handlers.boom);
    const requestId = await invokeEvent("deleted-midway", {});
    await h.sim.clock.runFor(0);
    await h.lambda.send(new DeleteFunctionCommand({ FunctionName: "deleted-midway" }));
    await h.sim.clock.runFor(MINUTE);
    expect(events("lambda.invoked", "deleted-midway")).toHaveLength(1);
    const [dead] = events("lambda.invocation.dead_lettered", "deleted-midway");
    expect(dead?.data).toMatchObject({ requestId, reason: "FunctionNotFound" });
  });
});

describe("asynchronous invocation of a function that succeeds", () => {
  it("delivers a Success record to an on-success Lambda destination", async () => {
    await createActive(h, "collector-success", handlers.collector);
    await createActive(h, "succeeds", handlers.echo);
    await configure("succeeds", {
      DestinationConfig: { OnSuccess: { Destination: arnOf("collector-success") } },
    });
    const requestId = await invokeEvent("succeeds", { order: 4 });
    await h.sim.clock.runFor(0);
    const [record] = await recordsOf("collector-success");
    expect(record?.requestContext).toMatchObject({
      requestId,
      condition: "Success",
      approximateInvokeCount: 1,
    });
    expect(record?.responseContext).toEqual({ statusCode: 200, executedVersion: "$LATEST" });
    expect(record?.responsePayload).toMatchObject({ event: { order: 4 }, fn: "succeeds" });
  });
});

describe("CloudWatch Logs subscriptions", () => {
  it("invoke the function asynchronously, so Lambda owns the retries", async () => {
    await createActive(h, "shipper", handlers.boom);
    const group = "app-logs";
    await h.lambda.send(
      new AddPermissionCommand({
        FunctionName: "shipper",
        StatementId: "logs",
        Action: "lambda:InvokeFunction",
        Principal: "logs.amazonaws.com",
        SourceArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:*`,
        SourceAccount: ACCOUNT,
      }),
    );
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: "web-1" }));
    await logs.send(
      new PutSubscriptionFilterCommand({
        logGroupName: group,
        filterName: "ship-all",
        filterPattern: "",
        destinationArn: arnOf("shipper"),
      }),
    );
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: "web-1",
        logEvents: [{ timestamp: h.sim.clock.now(), message: "ERROR payment failed" }],
      }),
    );
    await h.sim.clock.runFor(0);
    await h.sim.clock.runFor(3 * MINUTE);

    const attempts = events("lambda.invoked", "shipper");
    expect(attempts.map((e) => [e.data.invocationType, e.data.attempt])).toEqual([
      ["Event", 1],
      ["Event", 2],
      ["Event", 3],
    ]);
    const [dead] = events("lambda.invocation.dead_lettered", "shipper");
    const record = recordOf(dead);
    expect(record?.requestContext.approximateInvokeCount).toBe(3);
    expect(record?.requestPayload).toEqual({ awslogs: { data: expect.any(String) } });
    // What CloudWatch Logs passed along stays on every entry of the invocation.
    for (const entry of [...attempts, dead]) {
      expect(entry?.correlation).toMatchObject({ logGroup: group, logStream: "web-1" });
    }
  });
});

describe("Put/Get/Update/Delete FunctionEventInvokeConfig", () => {
  beforeAll(async () => {
    await createActive(h, "configurable", handlers.echo);
    await createActive(h, "elsewhere", handlers.echo);
  });

  it("stores, merges and deletes the configuration", async () => {
    const put = await configure("configurable", {
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: arnOf("elsewhere") } },
    });
    expect(put).toMatchObject({
      FunctionArn: `${arnOf("configurable")}:$LATEST`,
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: arnOf("elsewhere") } },
    });
    expect(put.MaximumEventAgeInSeconds).toBeUndefined();
    expect(put.LastModified).toBeInstanceOf(Date);

    const updated = await h.lambda.send(
      new UpdateFunctionEventInvokeConfigCommand({
        FunctionName: "configurable",
        MaximumEventAgeInSeconds: 3600,
      }),
    );
    expect(updated).toMatchObject({ MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600 });
    const got = await h.lambda.send(
      new GetFunctionEventInvokeConfigCommand({ FunctionName: "configurable" }),
    );
    expect(got).toMatchObject({ MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600 });

    const deleted = await h.lambda.send(
      new DeleteFunctionEventInvokeConfigCommand({ FunctionName: "configurable" }),
    );
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    const err = await failure(() =>
      h.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "configurable" })),
    );
    expect(err.name).toBe("ResourceNotFoundException");
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.message).toBe(
      `The function ${arnOf("configurable")}:$LATEST doesn't have an EventInvokeConfig`,
    );
  });

  it("checks ranges against the model", async () => {
    const err = await failure(() =>
      configure("configurable", { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 30 }),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe(
      "2 validation errors detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2; Value '30' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
    );
  });

  it("refuses empty configurations and destinations it cannot use", async () => {
    const empty = await failure(() => configure("configurable", {}));
    expect(empty.message).toBe(
      "You must specify at least one of error handling or destination setting.",
    );
    const itself = await failure(() =>
      configure("configurable", {
        DestinationConfig: { OnFailure: { Destination: arnOf("configurable") } },
      }),
    );
    expect(itself.message).toBe("You can't specify the function as a destination for itself.");
    const missing = await failure(() =>
      configure("configurable", {
        DestinationConfig: { OnSuccess: { Destination: arnOf("no-such-function") } },
      }),
    );
    expect(missing.name).toBe("InvalidParameterValueException");
    expect(missing.message).toBe(`The destination ARN ${arnOf("no-such-function")} is invalid.`);
  });
});

describe("retryBaseMs", () => {
  let fast: Harness;

  beforeAll(async () => {
    fast = await startHarness({ aws: { lambda: { retryBaseMs: 1000 } } });
  });

  afterAll(async () => {
    await fast?.dispose();
  });

  it("scales the retry schedule, as LocalStack's LAMBDA_RETRY_BASE_DELAY does", async () => {
    await createActive(fast, "fails-fast", handlers.boom);
    const t0 = fast.sim.clock.now();
    await fast.lambda.send(
      new InvokeCommand({ FunctionName: "fails-fast", InvocationType: "Event" }),
    );
    await fast.sim.clock.runFor(3000);
    const attempts = fast.sim.journal
      .byType("lambda.invoked")
      .filter((e) => e.data.functionName === "fails-fast");
    expect(attempts.map((e) => at(e) - t0)).toEqual([0, 1000, 3000]);
  });
});
