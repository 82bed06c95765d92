import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteSubscriptionFilterCommand,
  DescribeSubscriptionFiltersCommand,
  PutLogEventsCommand,
  PutSubscriptionFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { afterEach, describe, expect, it } from "vitest";
import type { LogsOptions } from "../../../../simulator/aws/logs/index.js";
import { expectAwsError } from "./errors.js";
import {
  ACCOUNT,
  type DirectLogs,
  decodePayload,
  logsClient,
  REGION,
  startDirectLogs,
} from "./helpers.js";

const FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:shipper`;
const OTHER = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other`;
const SOURCE_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:app:*`;

let logs: DirectLogs | undefined;
let client: ReturnType<typeof logsClient> | undefined;

afterEach(async () => {
  client?.destroy();
  await logs?.dispose();
  logs = undefined;
  client = undefined;
});

/** CloudWatch Logs with a fake Lambda where "shipper" and "other" let logs.amazonaws.com in. */
async function setUp(options: LogsOptions = {}) {
  logs = await startDirectLogs(options);
  client = logsClient(logs.endpoint);
  logs.lambda.functions.set(FUNCTION, {
    principals: ["logs.amazonaws.com"],
    sourceArn: SOURCE_ARN,
  });
  logs.lambda.functions.set(OTHER, { principals: ["logs.us-east-1.amazonaws.com"] });
  await client.send(new CreateLogGroupCommand({ logGroupName: "app" }));
  for (const logStreamName of ["s1", "s2"]) {
    await client.send(new CreateLogStreamCommand({ logGroupName: "app", logStreamName }));
  }
  return { logs, client };
}

const subscribe = (filterName: string, filterPattern: string, destinationArn = FUNCTION) =>
  client?.send(
    new PutSubscriptionFilterCommand({
      logGroupName: "app",
      filterName,
      filterPattern,
      destinationArn,
    }),
  ) as Promise<unknown>;

const put = (logStreamName: string, messages: string[]) => {
  const now = logs?.clock.now() ?? 0;
  return client?.send(
    new PutLogEventsCommand({
      logGroupName: "app",
      logStreamName,
      logEvents: messages.map((message) => ({ timestamp: now, message })),
    }),
  ) as Promise<unknown>;
};

describe("subscription delivery to Lambda", () => {
  it("delivers asynchronously, one payload per stream gathering the calls of the window", async () => {
    const { logs } = await setUp({ subscriptionDelayMs: 1000 });
    await subscribe("errors", "ERROR");
    await put("s1", ["ERROR one", "INFO skip", "ERROR two"]);
    await put("s2", ["ERROR three"]);
    await put("s1", ["ERROR four"]);
    expect(logs.lambda.invocations).toEqual([]);

    await logs.clock.runUntilIdle();
    expect(logs.lambda.invocations.map((i) => i.functionArn)).toEqual([FUNCTION, FUNCTION]);
    const [first, second] = logs.lambda.invocations.map((i) => decodePayload(i.payload));
    expect(first).toMatchObject({
      messageType: "DATA_MESSAGE",
      owner: ACCOUNT,
      logGroup: "app",
      logStream: "s1",
      subscriptionFilters: ["errors"],
      policyLevel: "LOG_GROUP_LEVEL_POLICY",
    });
    // Both calls to s1 land in one batch; the INFO line never leaves.
    expect(first?.logEvents.map((e) => e.message)).toEqual([
      "ERROR one",
      "ERROR two",
      "ERROR four",
    ]);
    expect(second?.logStream).toBe("s2");
    expect(second?.logEvents.map((e) => e.message)).toEqual(["ERROR three"]);
    const event = first?.logEvents[0];
    expect(event?.id).toMatch(/^\d{56}$/);
    expect(event?.timestamp).toBe(logs.clock.now() - 1000);
    expect(Object.keys(event ?? {})).toEqual(["id", "timestamp", "message"]);
    expect(Object.keys(first ?? {})).toEqual([
      "messageType",
      "owner",
      "logGroup",
      "logStream",
      "subscriptionFilters",
      "logEvents",
      "policyLevel",
    ]);
  });

  it("delivers at once on the virtual clock by default", async () => {
    const { logs } = await setUp();
    await subscribe("all", "");
    const start = logs.clock.now();
    await put("s1", ["a"]);
    await logs.clock.whenQuiescent();
    await logs.clock.runUntil(start);
    expect(logs.lambda.invocations.map((i) => i.at)).toEqual([start]);
  });

  it("waits the configured virtual delay before delivering", async () => {
    const { logs } = await setUp({ subscriptionDelayMs: 90_000 });
    await subscribe("all", "");
    const start = logs.clock.now();
    await put("s1", ["a"]);
    await logs.clock.runFor(89_999);
    expect(logs.lambda.invocations).toEqual([]);
    await logs.clock.runFor(1);
    expect(logs.lambda.invocations.map((i) => i.at - start)).toEqual([90_000]);
  });

  it("delivers nothing when nothing matches", async () => {
    const { logs } = await setUp();
    await subscribe("json", '{ $.level = "ERROR" }');
    await put("s1", ['{"level":"INFO"}', "ERROR but not JSON", '{"level":"WARN"}']);
    await logs.clock.runUntilIdle();
    expect(logs.lambda.invocations).toEqual([]);
    expect(logs.journal.byType("logs.subscription.delivered")).toEqual([]);
  });

  it("adds extractedFields for space-delimited patterns with named fields", async () => {
    const { logs } = await setUp();
    await subscribe("access", "[ip, user, status=5*, bytes]");
    await put("s1", ["10.0.0.1 alice 503 120", "10.0.0.2 bob 200 80"]);
    await logs.clock.runUntilIdle();
    const [payload] = logs.lambda.invocations.map((i) => decodePayload(i.payload));
    expect(payload?.logEvents).toHaveLength(1);
    expect(payload?.logEvents[0]?.extractedFields).toEqual({
      ip: "10.0.0.1",
      user: "alice",
      status: "503",
      bytes: "120",
    });
  });

  it("sends each filter its own payload, in filter-name order", async () => {
    const { logs } = await setUp();
    await subscribe("zeta", "ERROR", OTHER);
    await subscribe("alpha", "");
    await put("s1", ["ERROR x", "INFO y"]);
    await logs.clock.runUntilIdle();
    const delivered = logs.lambda.invocations.map((i) => ({
      arn: i.functionArn,
      payload: decodePayload(i.payload),
    }));
    expect(delivered.map((d) => [d.arn, d.payload.subscriptionFilters])).toEqual([
      [FUNCTION, ["alpha"]],
      [OTHER, ["zeta"]],
    ]);
    expect(delivered[0]?.payload.logEvents.map((e) => e.message)).toEqual(["ERROR x", "INFO y"]);
    expect(delivered[1]?.payload.logEvents.map((e) => e.message)).toEqual(["ERROR x"]);
  });

  it("splits a batch so each payload stays within Lambda's 1 MB async limit", async () => {
    const { logs } = await setUp();
    await subscribe("all", "");
    // 30 events of ~100 KB of incompressible text: about 3 MB decoded.
    let seed = 1;
    const noise = () =>
      Array.from({ length: 100_000 }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return String.fromCharCode(33 + (seed % 90));
      }).join("");
    const messages = Array.from({ length: 30 }, (_, i) => `${i} ${noise()}`);
    for (let i = 0; i < 30; i += 5) await put("s1", messages.slice(i, i + 5));
    await logs.clock.runUntilIdle();
    expect(logs.lambda.invocations.length).toBeGreaterThan(3);
    const seen: string[] = [];
    for (const invocation of logs.lambda.invocations) {
      expect(Buffer.byteLength(invocation.payload)).toBeLessThanOrEqual(1_048_576);
      const payload = decodePayload(invocation.payload);
      expect(payload.logStream).toBe("s1");
      seen.push(...payload.logEvents.map((e) => e.message));
    }
    expect(seen).toEqual(messages);
  });

  it("journals each payload with its events and the invocation's request id", async () => {
    const { logs } = await setUp();
    await subscribe("errors", "ERROR");
    await put("s1", ["ERROR one", "INFO two"]);
    await logs.clock.runUntilIdle();
    const stored = logs.journal.byType("logs.event.stored").map((e) => e.data.eventId);
    const [delivered] = logs.journal.byType("logs.subscription.delivered");
    expect(delivered?.source).toBe("aws");
    expect(delivered?.data).toEqual({
      logGroup: "app",
      logStream: "s1",
      filterName: "errors",
      destinationArn: FUNCTION,
      eventIds: [stored[0]],
      requestId: logs.lambda.invocations[0]?.requestId,
    });
    expect(delivered?.correlation).toMatchObject({ logGroup: "app", logStream: "s1" });
  });

  it("is deterministic: the same calls give the same payload bytes and journal", async () => {
    const run = async () => {
      const { logs } = await setUp();
      await subscribe("errors", "ERROR");
      await put("s1", ["ERROR one", "ERROR two"]);
      await logs.clock.runUntilIdle();
      const result = {
        payloads: logs.lambda.invocations.map((i) => i.payload),
        journal: logs.journal.toJsonl(),
      };
      client?.destroy();
      await logs.dispose();
      return result;
    };
    const a = await run();
    const b = await run();
    logs = undefined;
    client = undefined;
    expect(a.payloads).toEqual(b.payloads);
    expect(a.journal).toBe(b.journal);
  });
});

describe("PutSubscriptionFilter", () => {
  it("asks Lambda about logs.amazonaws.com for the group's ARN and refuses without a grant", async () => {
    const { logs } = await setUp();
    const denied = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:private`;
    logs.lambda.functions.set(denied, { principals: ["events.amazonaws.com"] });
    await expectAwsError(subscribe("f", "", denied), {
      name: "InvalidParameterException",
      message:
        "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.",
    });
    expect(logs.lambda.allowsInvokeCalls.at(-1)).toEqual({
      functionArn: denied,
      principal: "logs.amazonaws.com",
      sourceArn: SOURCE_ARN,
      sourceAccount: ACCOUNT,
    });
    // A grant to the regional principal is accepted too (the Lambda side maps it).
    await subscribe("f", "", OTHER);
  });

  it("allows two filters per group, and updates by name with two present", async () => {
    const { client } = await setUp();
    await subscribe("one", "ERROR");
    await subscribe("two", "WARN");
    await expectAwsError(subscribe("three", ""), {
      name: "LimitExceededException",
      message: "Resource limit exceeded.",
    });
    await subscribe("two", "FATAL", OTHER);
    const out = await client.send(new DescribeSubscriptionFiltersCommand({ logGroupName: "app" }));
    expect(
      out.subscriptionFilters?.map((f) => [f.filterName, f.filterPattern, f.destinationArn]),
    ).toEqual([
      ["one", "ERROR", FUNCTION],
      ["two", "FATAL", OTHER],
    ]);
    expect(out.subscriptionFilters?.[0]).toMatchObject({
      logGroupName: "app",
      distribution: "ByLogStream",
      applyOnTransformedLogs: false,
    });
    await client.send(
      new DeleteSubscriptionFilterCommand({ logGroupName: "app", filterName: "one" }),
    );
    await subscribe("three", "");
  });

  it("refuses an invalid pattern with the pattern's message", async () => {
    await setUp();
    await expectAwsError(subscribe("f", "{ $.level = "), {
      name: "InvalidParameterException",
      message: "If a filter pattern starts with '{' it must end with '}'",
    });
  });

  it("sends one CONTROL_MESSAGE when asked to", async () => {
    const { logs } = await setUp({ controlMessage: true });
    await subscribe("f", "");
    expect(logs.lambda.invocations).toHaveLength(1);
    expect(decodePayload(logs.lambda.invocations[0]?.payload ?? "")).toEqual({
      messageType: "CONTROL_MESSAGE",
      owner: "CloudwatchLogs",
      logGroup: "",
      logStream: "",
      subscriptionFilters: [],
      logEvents: [
        {
          id: "",
          timestamp: logs.clock.now(),
          message: "CWL CONTROL MESSAGE: Checking health of destination Lambda function.",
        },
      ],
    });
    expect(logs.journal.byType("logs.subscription.control")).toHaveLength(1);
  });

  it("sends no CONTROL_MESSAGE by default", async () => {
    const { logs } = await setUp();
    await subscribe("f", "");
    expect(logs.lambda.invocations).toEqual([]);
  });
});

describe("a destination that cannot take the hand-over", () => {
  it("disables the filter for 10 minutes and journals what it drops", async () => {
    const { logs } = await setUp();
    await subscribe("errors", "ERROR");
    logs.lambda.failing.add(FUNCTION);
    await put("s1", ["ERROR lost 1"]);
    await logs.clock.runUntilIdle();
    logs.lambda.failing.delete(FUNCTION);

    await logs.clock.runFor(9 * 60_000);
    await put("s1", ["ERROR lost 2"]);
    await logs.clock.runUntilIdle();
    expect(logs.lambda.invocations).toEqual([]);

    await logs.clock.runFor(60_000);
    await put("s1", ["ERROR delivered"]);
    await logs.clock.runUntilIdle();
    expect(
      logs.lambda.invocations.flatMap((i) =>
        decodePayload(i.payload).logEvents.map((e) => e.message),
      ),
    ).toEqual(["ERROR delivered"]);

    const dropped = logs.journal.byType("logs.subscription.dropped");
    expect(dropped.map((e) => e.data.reason)).toEqual([
      `destination rejected the invocation: Function not found: ${FUNCTION}`,
      "subscription filter disabled",
    ]);
    const storedIds = logs.journal.byType("logs.event.stored").map((e) => e.data.eventId);
    expect(dropped.flatMap((e) => e.data.eventIds as string[])).toEqual(storedIds.slice(0, 2));
  });
});

describe("Lambda's own logs (writeFunctionLogs)", () => {
  it("creates the group and stream and feeds subscriptions like PutLogEvents", async () => {
    const { logs, client } = await setUp();
    const scope = { accountId: ACCOUNT, region: REGION };
    const group = "/aws/lambda/app";
    const stream = "2026/01/05/[$LATEST]0123456789abcdef0123456789abcdef";
    logs.internal.writeFunctionLogs(scope, group, stream, [
      { timestamp: logs.clock.now(), message: "START RequestId: r1 Version: $LATEST\n" },
      { timestamp: logs.clock.now(), message: "END RequestId: r1\n" },
    ]);
    await client.send(
      new PutSubscriptionFilterCommand({
        logGroupName: group,
        filterName: "f",
        filterPattern: "END",
        destinationArn: OTHER,
      }),
    );
    logs.internal.writeFunctionLogs(scope, group, stream, [
      { timestamp: logs.clock.now(), message: "END RequestId: r2\n" },
    ]);
    await logs.clock.runUntilIdle();
    const [payload] = logs.lambda.invocations.map((i) => decodePayload(i.payload));
    expect(payload?.logGroup).toBe(group);
    expect(payload?.logStream).toBe(stream);
    expect(payload?.logEvents.map((e) => e.message)).toEqual(["END RequestId: r2\n"]);
    const stored = logs.journal.byType("logs.event.stored").map((e) => e.data.message);
    expect(stored).toEqual([
      "START RequestId: r1 Version: $LATEST\n",
      "END RequestId: r1\n",
      "END RequestId: r2\n",
    ]);
  });
});
