import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JournalEvent } from "../../../../simulator/kernel/journal.js";
import {
  arnOf,
  CREDENTIALS,
  createActive,
  decode,
  type Harness,
  handlers,
  type InvocationRecord,
  REGION,
  startHarness,
} from "./helpers.js";

let h: Harness;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  h = await startHarness({ seed: "lambda-faults" });
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

const events = (type: string, functionName: string): JournalEvent[] =>
  h.sim.journal.byType(type).filter((e) => e.data.functionName === functionName);

const at = (e: JournalEvent | undefined) => (e ? Date.parse(e.time) : Number.NaN);

async function invokeEvent(name: string, payload: unknown): Promise<string> {
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

async function logLines(name: string): Promise<string[]> {
  const found = await logs.send(
    new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}` }),
  );
  return (found.events ?? []).map((e) => e.message ?? "");
}

/** Drives the clock until `promise` settles: a synchronous invoke waits on virtual time. */
async function whileDriving<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  for (let i = 0; i < 200 && !settled; i++) await h.sim.clock.runFor(500);
  return watched;
}

describe("a Lambda error fault", () => {
  it("fails async attempts without running the handler; the retries outlive a short fault", async () => {
    await createActive(h, "flaky", handlers.logs);
    // Over the first attempt and the first retry a minute later, not the second two minutes on.
    const fault = h.sim.faults.inject(
      "lambda",
      {
        kind: "error",
        functionName: "flaky",
        errorType: "ServiceUnavailable",
        errorMessage: "down",
      },
      { durationMs: 90_000 },
    );
    const t0 = h.sim.clock.now();
    const requestId = await invokeEvent("flaky", { n: 1 });
    await h.sim.clock.runFor(3 * MINUTE);

    const attempts = events("lambda.invoked", "flaky");
    expect(attempts.map((e) => [at(e) - t0, e.data.attempt, e.data.outcome, e.data.fault])).toEqual(
      [
        [0, 1, "error", fault.id],
        [MINUTE, 2, "error", fault.id],
        [3 * MINUTE, 3, "success", undefined],
      ],
    );
    expect(attempts[0]?.data).toMatchObject({ errorType: "ServiceUnavailable", coldStart: false });
    expect(events("lambda.invocation.dead_lettered", "flaky")).toEqual([]);
    const applied = h.sim.journal.byType("fault.applied").filter((e) => e.data.id === fault.id);
    expect(applied.map((e) => [e.data, e.correlation.requestId])).toEqual([
      [
        {
          id: fault.id,
          target: "lambda",
          kind: "error",
          method: "Event",
          path: "/2015-03-31/functions/flaky/invocations",
        },
        requestId,
      ],
      [expect.objectContaining({ id: fault.id }), requestId],
    ]);

    const lines = await logLines("flaky");
    // Two faulted invocations: START, the error, END, REPORT each; then the handler's own run.
    expect(lines.filter((l) => l.includes("Invoke Error"))).toEqual([
      expect.stringContaining(
        `${requestId}\tERROR\tInvoke Error \t{"errorType":"ServiceUnavailable","errorMessage":"down","stack":[]}`,
      ),
      expect.any(String),
    ]);
    expect(lines.filter((l) => l.includes("hello from the handler"))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("END RequestId"))).toHaveLength(3);
  });

  it("dead-letters the event when the fault outlasts the retries", async () => {
    await createActive(h, "broken", handlers.echo);
    await createActive(h, "bystander", handlers.echo);
    h.sim.faults.inject("lambda", { kind: "error", functionName: "broken" });
    const t0 = h.sim.clock.now();
    const requestId = await invokeEvent("broken", { n: 2 });
    await invokeEvent("bystander", { n: 3 });
    await h.sim.clock.runFor(3 * MINUTE);

    expect(events("lambda.invoked", "bystander").map((e) => e.data.outcome)).toEqual(["success"]);
    expect(events("lambda.invoked", "broken").map((e) => e.data.outcome)).toEqual([
      "error",
      "error",
      "error",
    ]);
    const [dead] = events("lambda.invocation.dead_lettered", "broken");
    expect(at(dead) - t0).toBe(3 * MINUTE);
    const record = dead?.data.record as InvocationRecord;
    expect(record.requestContext).toMatchObject({
      requestId,
      condition: "RetriesExhausted",
      approximateInvokeCount: 3,
    });
    expect(record.responsePayload).toEqual({
      errorType: "Error",
      errorMessage: expect.stringMatching(/^Injected fault fault-\d+$/),
      trace: [],
    });
    h.sim.faults.clear();
  });
});

describe("a Lambda timeout fault", () => {
  it("lasts the function's Timeout, times out as Lambda does, and the retry after it succeeds", async () => {
    await createActive(h, "slowpoke", handlers.logs, { Timeout: 3 });
    const fault = h.sim.faults.inject(
      "lambda",
      { kind: "timeout", functionName: "slowpoke" },
      { durationMs: 30_000 },
    );
    const t0 = h.sim.clock.now();
    const requestId = await invokeEvent("slowpoke", {});
    await h.sim.clock.runFor(2 * MINUTE);

    const attempts = events("lambda.invoked", "slowpoke");
    expect(
      attempts.map((e) => [at(e) - t0, e.data.attempt, e.data.outcome, e.data.durationMs]),
    ).toEqual([
      [3000, 1, "timeout", 3000],
      [3000 + MINUTE, 2, "success", expect.any(Number)],
    ]);
    expect(attempts[0]?.data).toMatchObject({ errorType: "Sandbox.Timedout", fault: fault.id });
    expect(events("lambda.invocation.retry_scheduled", "slowpoke")[0]?.data).toMatchObject({
      previousOutcome: "timeout",
      errorType: "Sandbox.Timedout",
    });

    const lines = await logLines("slowpoke");
    const faulted = lines.filter((l) => l.includes(requestId)).slice(0, 4);
    expect(faulted).toEqual([
      `START RequestId: ${requestId} Version: $LATEST\n`,
      `${new Date(t0 + 3000).toISOString()} ${requestId} Task timed out after 3.00 seconds\n`,
      `END RequestId: ${requestId}\n`,
      expect.stringMatching(
        new RegExp(
          `^REPORT RequestId: ${requestId}\\tDuration: 3000\\.00 ms\\tBilled Duration: 3000 ms`,
        ),
      ),
    ]);
  });

  it("answers a synchronous invoke with Sandbox.Timedout once the timeout has passed", async () => {
    await createActive(h, "sync-slow", handlers.echo, { Timeout: 2 });
    const fault = h.sim.faults.inject("lambda", { kind: "timeout" });
    const t0 = h.sim.clock.now();
    const out = await whileDriving(
      h.lambda.send(new InvokeCommand({ FunctionName: "sync-slow", Payload: Buffer.from("{}") })),
    );
    h.sim.faults.clear(fault.id);
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    const requestId = out.$metadata.requestId as string;
    expect(JSON.parse(decode(out.Payload) ?? "")).toEqual({
      errorType: "Sandbox.Timedout",
      errorMessage: `RequestId: ${requestId} Error: Task timed out after 2.00 seconds`,
      trace: [],
    });
    const [invoked] = events("lambda.invoked", "sync-slow");
    expect(at(invoked) - t0).toBe(2000);
    expect(invoked?.data).toMatchObject({ invocationType: "RequestResponse", outcome: "timeout" });

    const again = await h.lambda.send(
      new InvokeCommand({ FunctionName: "sync-slow", Payload: Buffer.from('{"n":4}') }),
    );
    expect(again.FunctionError).toBeUndefined();
    expect(JSON.parse(decode(again.Payload) ?? "")).toMatchObject({ event: { n: 4 } });
  });
});

describe("Lambda faults over the AWS service's admin endpoint", () => {
  it("take the function error kinds, and leave the Lambda API itself answering", async () => {
    await createActive(h, "admin-target", handlers.echo);
    const res = await fetch(`${h.endpoint}/_watermelon/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "error", functionName: "admin-target", errorMessage: "nope" }),
    });
    expect(res.status).toBe(201);
    const fault = (await res.json()) as { id: string; target: string };
    expect(fault.target).toBe("lambda");

    const out = await h.lambda.send(
      new InvokeCommand({ FunctionName: arnOf("admin-target"), Payload: Buffer.from("{}") }),
    );
    expect(out.FunctionError).toBe("Unhandled");
    expect(JSON.parse(decode(out.Payload) ?? "")).toEqual({
      errorType: "Error",
      errorMessage: "nope",
      trace: [],
    });
    const deleted = await fetch(`${h.endpoint}/_watermelon/faults/${fault.id}`, {
      method: "DELETE",
    });
    expect(deleted.status).toBe(204);
  });
});
