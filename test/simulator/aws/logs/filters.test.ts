import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteMetricFilterCommand,
  DeleteSubscriptionFilterCommand,
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  DescribeSubscriptionFiltersCommand,
  PutLogEventsCommand,
  PutMetricFilterCommand,
  type PutMetricFilterCommandInput,
  PutSubscriptionFilterCommand,
  TestMetricFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectAwsError } from "./errors.js";
import { ACCOUNT, type LogsHarness, logsClient, REGION, startLogsSimulator } from "./helpers.js";

let sim: LogsHarness;
let client: ReturnType<typeof logsClient>;

beforeAll(async () => {
  sim = await startLogsSimulator();
  client = logsClient(sim.endpoint);
});
afterAll(async () => {
  client?.destroy();
  await sim?.dispose();
});
beforeEach(async () => {
  await sim.reset();
  await client.send(new CreateLogGroupCommand({ logGroupName: "g" }));
});

const metricFilter = (
  filterName: string,
  filterPattern: string,
  extra: Partial<PutMetricFilterCommandInput> = {},
) =>
  client.send(
    new PutMetricFilterCommand({
      logGroupName: "g",
      filterName,
      filterPattern,
      metricTransformations: [
        { metricName: "Errors", metricNamespace: "App", metricValue: "1", defaultValue: 0 },
      ],
      ...extra,
    }),
  );

describe("metric filters", () => {
  it("puts, describes and deletes metric filters", async () => {
    await metricFilter("errors", "ERROR");
    await metricFilter("latency", "{ $.latency = * }", {
      metricTransformations: [
        {
          metricName: "Latency",
          metricNamespace: "App",
          metricValue: "$.latency",
          unit: "Milliseconds",
        },
      ],
    });
    const out = await client.send(new DescribeMetricFiltersCommand({ logGroupName: "g" }));
    expect(out.metricFilters).toEqual([
      {
        filterName: "errors",
        filterPattern: "ERROR",
        metricTransformations: [
          { metricName: "Errors", metricNamespace: "App", metricValue: "1", defaultValue: 0 },
        ],
        creationTime: sim.clock.now(),
        logGroupName: "g",
        applyOnTransformedLogs: false,
      },
      {
        filterName: "latency",
        filterPattern: "{ $.latency = * }",
        metricTransformations: [
          {
            metricName: "Latency",
            metricNamespace: "App",
            metricValue: "$.latency",
            unit: "Milliseconds",
          },
        ],
        creationTime: sim.clock.now(),
        logGroupName: "g",
        applyOnTransformedLogs: false,
      },
    ]);
    const [group] = (await client.send(new DescribeLogGroupsCommand({}))).logGroups ?? [];
    expect(group?.metricFilterCount).toBe(2);
    const byMetric = await client.send(
      new DescribeMetricFiltersCommand({ metricName: "Latency", metricNamespace: "App" }),
    );
    expect(byMetric.metricFilters?.map((f) => f.filterName)).toEqual(["latency"]);
    await client.send(new DeleteMetricFilterCommand({ logGroupName: "g", filterName: "errors" }));
    await expectAwsError(
      client.send(new DeleteMetricFilterCommand({ logGroupName: "g", filterName: "errors" })),
      { name: "ResourceNotFoundException" },
    );
  });

  it("validates patterns, the one transformation and the metric filter arguments", async () => {
    await expectAwsError(metricFilter("bad", "[a, b"), {
      name: "InvalidParameterException",
      message: "If a filter pattern starts with '[' it must end with ']'",
    });
    const t = { metricName: "M", metricNamespace: "N", metricValue: "1" };
    await expectAwsError(metricFilter("two", "ERROR", { metricTransformations: [t, t] }), {
      name: "InvalidParameterException",
      message:
        /^1 validation error detected: Value '.*' at 'metricTransformations' failed to satisfy constraint: Member must have length less than or equal to 1$/,
    });
    await expectAwsError(client.send(new DescribeMetricFiltersCommand({ metricName: "M" })), {
      name: "InvalidParameterException",
      message:
        "If you include the metricName parameter in your request, you must also include the metricNamespace parameter.",
    });
    await expectAwsError(
      client.send(
        new PutMetricFilterCommand({
          logGroupName: "none",
          filterName: "f",
          filterPattern: "",
          metricTransformations: [t],
        }),
      ),
      { name: "ResourceNotFoundException", message: "The specified log group does not exist." },
    );
  });

  it("allows 5 regex-containing patterns per group", async () => {
    for (let i = 1; i <= 5; i++) await metricFilter(`re${i}`, `%err${i}%`);
    await metricFilter("plain", "ERROR");
    // Updating one of the five in place is not a sixth.
    await metricFilter("re1", "%other%");
    await expectAwsError(metricFilter("re6", "%err6%"), {
      name: "LimitExceededException",
      message: "Resource limit exceeded.",
    });
  });

  it("tests a pattern against sample messages (TestMetricFilter)", async () => {
    const out = await client.send(
      new TestMetricFilterCommand({
        filterPattern: "[ip, user, username, timestamp, request, status_code = 404, bytes]",
        logEventMessages: [
          '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
          '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326',
        ],
      }),
    );
    expect(out.matches).toEqual([
      {
        eventNumber: 2,
        eventMessage:
          '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326',
        extractedValues: {
          $ip: "127.0.0.1",
          $user: "-",
          $username: "frank",
          $timestamp: "10/Oct/2000:13:35:22 -0700",
          $request: "GET /apache_pb.gif HTTP/1.0",
          $status_code: "404",
          $bytes: "2326",
        },
      },
    ]);
    await expectAwsError(
      client.send(new TestMetricFilterCommand({ filterPattern: "x", logEventMessages: [] })),
      {
        name: "InvalidParameterException",
        message:
          "1 validation error detected: Value '[]' at 'logEventMessages' failed to satisfy constraint: Member must have length greater than or equal to 1",
      },
    );
  });

  it("counts matching events in the state a metric would be published from", async () => {
    await metricFilter("errors", "ERROR");
    await client.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: "s" }));
    await client.send(
      new PutLogEventsCommand({
        logGroupName: "g",
        logStreamName: "s",
        logEvents: ["ERROR a", "INFO b", "ERROR c"].map((message) => ({
          timestamp: sim.clock.now(),
          message,
        })),
      }),
    );
    const state = JSON.stringify(await (await fetch(`${sim.endpoint}/_watermelon/state`)).json());
    expect(state).toContain('"matchedEvents":2');
  });
});

describe("subscription filters (validation, through the real simulator)", () => {
  const lambdaArn = (account = ACCOUNT) => `arn:aws:lambda:${REGION}:${account}:function:shipper`;
  const subscribe = (destinationArn: string, extra: { roleArn?: string } = {}) =>
    client.send(
      new PutSubscriptionFilterCommand({
        logGroupName: "g",
        filterName: "f",
        filterPattern: "",
        destinationArn,
        ...extra,
      }),
    );

  it("refuses a function CloudWatch Logs may not invoke, with AWS's text", async () => {
    // No function named "shipper" exists (or grants logs.amazonaws.com) here.
    await expectAwsError(subscribe(lambdaArn()), {
      name: "InvalidParameterException",
      message:
        "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.",
    });
  });

  it("refuses another account's function before looking at the group", async () => {
    await expectAwsError(
      client.send(
        new PutSubscriptionFilterCommand({
          logGroupName: "no-such-group",
          filterName: "f",
          filterPattern: "",
          destinationArn: lambdaArn("999999999999"),
        }),
      ),
      {
        name: "AccessDeniedException",
        message:
          "Cross-account lambda invocation passing is not allowed. You must use DestinationPolicies to create cross account lambda triggers.",
      },
    );
  });

  it("needs a role for Kinesis and Firehose, which do not exist here", async () => {
    const kinesis = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/s`;
    await expectAwsError(subscribe(kinesis), {
      name: "InvalidParameterException",
      message: "destinationArn for vendor kinesis cannot be used without roleArn",
    });
    await expectAwsError(subscribe(kinesis, { roleArn: `arn:aws:iam::${ACCOUNT}:role/r` }), {
      name: "InvalidParameterException",
      message:
        "Could not deliver test message to specified Kinesis stream. Verify the stream exists",
    });
  });

  it("answers missing groups and filters", async () => {
    await expectAwsError(
      client.send(new DescribeSubscriptionFiltersCommand({ logGroupName: "none" })),
      { name: "ResourceNotFoundException", message: "The specified log group does not exist." },
    );
    await expectAwsError(
      client.send(new DeleteSubscriptionFilterCommand({ logGroupName: "g", filterName: "f" })),
      {
        name: "ResourceNotFoundException",
        message: "The specified subscription filter does not exist.",
      },
    );
    const out = await client.send(new DescribeSubscriptionFiltersCommand({ logGroupName: "g" }));
    expect(out.subscriptionFilters).toEqual([]);
  });
});
