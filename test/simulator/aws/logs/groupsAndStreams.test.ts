import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  PutLogEventsCommand,
  paginateDescribeLogGroups,
  paginateDescribeLogStreams,
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
});

const createGroup = (logGroupName: string) =>
  client.send(new CreateLogGroupCommand({ logGroupName }));

describe("log groups", () => {
  it("creates a group and describes it with the fields AWS returns", async () => {
    await createGroup("/app/web");
    const out = await client.send(new DescribeLogGroupsCommand({}));
    expect(out.logGroups).toEqual([
      {
        logGroupName: "/app/web",
        creationTime: sim.clock.now(),
        metricFilterCount: 0,
        arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/web:*`,
        storedBytes: 0,
        logGroupClass: "STANDARD",
        logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/web`,
      },
    ]);
    expect(out.nextToken).toBeUndefined();
  });

  it("refuses a second group of the same name", async () => {
    await createGroup("dup");
    await expectAwsError(createGroup("dup"), {
      name: "ResourceAlreadyExistsException",
      message: "The specified log group already exists",
    });
  });

  it("answers a missing group on delete", async () => {
    await expectAwsError(client.send(new DeleteLogGroupCommand({ logGroupName: "nope" })), {
      name: "ResourceNotFoundException",
      message: "The specified log group does not exist.",
    });
  });

  it("deletes a group and everything in it", async () => {
    await createGroup("gone");
    await client.send(new CreateLogStreamCommand({ logGroupName: "gone", logStreamName: "s" }));
    await client.send(new DeleteLogGroupCommand({ logGroupName: "gone" }));
    expect((await client.send(new DescribeLogGroupsCommand({}))).logGroups).toEqual([]);
    await createGroup("gone");
    const streams = await client.send(new DescribeLogStreamsCommand({ logGroupName: "gone" }));
    expect(streams.logStreams).toEqual([]);
  });

  it("validates names with AWS's template", async () => {
    await expectAwsError(createGroup("a".repeat(513)), {
      name: "InvalidParameterException",
      message: `1 validation error detected: Value '${"a".repeat(513)}' at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512`,
    });
    await expectAwsError(createGroup("bad name"), {
      name: "InvalidParameterException",
      message:
        "1 validation error detected: Value 'bad name' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
    });
    await expectAwsError(createGroup(""), {
      name: "InvalidParameterException",
      message:
        "2 validation errors detected: Value '' at 'logGroupName' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
    });
  });

  it("lists groups in ASCII order, page by page through the SDK paginator", async () => {
    for (const name of ["b", "B", "a/2", "a/1", "_x", "A"]) await createGroup(name);
    const pages: string[][] = [];
    for await (const page of paginateDescribeLogGroups({ client, pageSize: 4 }, {})) {
      pages.push((page.logGroups ?? []).map((g) => g.logGroupName ?? ""));
    }
    expect(pages).toEqual([
      ["A", "B", "_x", "a/1"],
      ["a/2", "b"],
    ]);
  });

  it("filters by prefix or by a case-sensitive substring, not both", async () => {
    for (const name of ["FooBar", "aws-Foo", "GroupFoo", "foo", "Froo"]) await createGroup(name);
    const byPrefix = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "F" }));
    expect(byPrefix.logGroups?.map((g) => g.logGroupName)).toEqual(["FooBar", "Froo"]);
    const byPattern = await client.send(
      new DescribeLogGroupsCommand({ logGroupNamePattern: "Foo" }),
    );
    // With a pattern AWS returns only arn, creationTime and logGroupName.
    expect(byPattern.logGroups).toEqual(
      ["FooBar", "GroupFoo", "aws-Foo"].map((name) => ({
        logGroupName: name,
        creationTime: sim.clock.now(),
        arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`,
      })),
    );
    await expectAwsError(
      client.send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: "F", logGroupNamePattern: "o" }),
      ),
      {
        name: "InvalidParameterException",
        message:
          "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
      },
    );
  });

  it("bounds the page size at 50", async () => {
    await expectAwsError(client.send(new DescribeLogGroupsCommand({ limit: 51 })), {
      name: "InvalidParameterException",
      message:
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
    });
  });

  it("keeps groups per account (12-digit access key) and per region (credential scope)", async () => {
    const other = logsClient(sim.endpoint, { accessKeyId: "111111111111" });
    const europe = logsClient(sim.endpoint, { region: "eu-west-1" });
    try {
      await other.send(new CreateLogGroupCommand({ logGroupName: "mine" }));
      await europe.send(new CreateLogGroupCommand({ logGroupName: "mine" }));
      const theirs = await other.send(new DescribeLogGroupsCommand({}));
      expect(theirs.logGroups?.map((g) => g.arn)).toEqual([
        "arn:aws:logs:us-east-1:111111111111:log-group:mine:*",
      ]);
      const eu = await europe.send(new DescribeLogGroupsCommand({}));
      expect(eu.logGroups?.map((g) => g.arn)).toEqual([
        `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:mine:*`,
      ]);
      expect((await client.send(new DescribeLogGroupsCommand({}))).logGroups).toEqual([]);
    } finally {
      other.destroy();
      europe.destroy();
    }
  });
});

describe("log streams", () => {
  it("creates, describes and deletes streams", async () => {
    await createGroup("g");
    await client.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: "s1" }));
    const out = await client.send(new DescribeLogStreamsCommand({ logGroupName: "g" }));
    expect(out.logStreams).toEqual([
      {
        logStreamName: "s1",
        creationTime: sim.clock.now(),
        arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:g:log-stream:s1`,
        storedBytes: 0,
      },
    ]);
    await client.send(new DeleteLogStreamCommand({ logGroupName: "g", logStreamName: "s1" }));
    expect(
      (await client.send(new DescribeLogStreamsCommand({ logGroupName: "g" }))).logStreams,
    ).toEqual([]);
  });

  it("answers missing groups, missing streams and duplicates as AWS does", async () => {
    await expectAwsError(
      client.send(new CreateLogStreamCommand({ logGroupName: "none", logStreamName: "s" })),
      { name: "ResourceNotFoundException", message: "The specified log group does not exist." },
    );
    await createGroup("g");
    await client.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: "s" }));
    await expectAwsError(
      client.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: "s" })),
      {
        name: "ResourceAlreadyExistsException",
        message: "The specified log stream already exists",
      },
    );
    await expectAwsError(
      client.send(new DeleteLogStreamCommand({ logGroupName: "g", logStreamName: "t" })),
      { name: "ResourceNotFoundException", message: "The specified log stream does not exist." },
    );
    await expectAwsError(
      client.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: "a:b" })),
      {
        name: "InvalidParameterException",
        message:
          "1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*",
      },
    );
  });

  it("reports event times once events arrive", async () => {
    await createGroup("g");
    await client.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: "s" }));
    const t = sim.clock.now();
    await client.send(
      new PutLogEventsCommand({
        logGroupName: "g",
        logStreamName: "s",
        logEvents: [
          { timestamp: t - 5000, message: "one" },
          { timestamp: t - 1000, message: "two" },
        ],
      }),
    );
    const [stream] =
      (await client.send(new DescribeLogStreamsCommand({ logGroupName: "g" }))).logStreams ?? [];
    expect(stream).toMatchObject({
      firstEventTimestamp: t - 5000,
      lastEventTimestamp: t - 1000,
      lastIngestionTime: t,
      storedBytes: 0,
    });
    expect(stream?.uploadSequenceToken).toMatch(/^\d{56}$/);
  });

  it("orders by name or by last event time, ascending or descending, page by page", async () => {
    await createGroup("g");
    const t = sim.clock.now();
    for (const [name, offset] of [
      ["c", 3],
      ["a", 1],
      ["d", 4],
      ["b", 2],
    ] as const) {
      await client.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: name }));
      await client.send(
        new PutLogEventsCommand({
          logGroupName: "g",
          logStreamName: name,
          logEvents: [{ timestamp: t - 10_000 + offset * (name === "a" ? 5 : 1), message: name }],
        }),
      );
    }
    const names = async (input: { orderBy?: "LastEventTime"; descending?: boolean }) => {
      const all: string[] = [];
      for await (const page of paginateDescribeLogStreams(
        { client, pageSize: 3 },
        { logGroupName: "g", ...input },
      )) {
        all.push(...(page.logStreams ?? []).map((s) => s.logStreamName ?? ""));
      }
      return all;
    };
    expect(await names({})).toEqual(["a", "b", "c", "d"]);
    expect(await names({ descending: true })).toEqual(["d", "c", "b", "a"]);
    // "a" has the latest event (offset 5).
    expect(await names({ orderBy: "LastEventTime" })).toEqual(["b", "c", "d", "a"]);
    expect(await names({ orderBy: "LastEventTime", descending: true })).toEqual([
      "a",
      "d",
      "c",
      "b",
    ]);
    const prefixed = await client.send(
      new DescribeLogStreamsCommand({ logGroupName: "g", logStreamNamePrefix: "c" }),
    );
    expect(prefixed.logStreams?.map((s) => s.logStreamName)).toEqual(["c"]);
  });

  it("refuses LastEventTime with a prefix, and name with identifier", async () => {
    await createGroup("g");
    await expectAwsError(
      client.send(
        new DescribeLogStreamsCommand({
          logGroupName: "g",
          orderBy: "LastEventTime",
          logStreamNamePrefix: "x",
        }),
      ),
      {
        name: "InvalidParameterException",
        message: "Cannot order by LastEventTime with a logStreamNamePrefix.",
      },
    );
    await expectAwsError(
      client.send(new DescribeLogStreamsCommand({ logGroupName: "g", logGroupIdentifier: "g" })),
      {
        name: "ValidationException",
        message: "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
      },
    );
  });

  it("accepts the group's ARN (without ':*') as logGroupIdentifier", async () => {
    await createGroup("by-arn");
    await client.send(new CreateLogStreamCommand({ logGroupName: "by-arn", logStreamName: "s" }));
    for (const identifier of [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:by-arn`, "by-arn"]) {
      const out = await client.send(
        new DescribeLogStreamsCommand({ logGroupIdentifier: identifier }),
      );
      expect(out.logStreams?.map((s) => s.logStreamName)).toEqual(["s"]);
    }
    // The model's pattern for identifiers has no '*': the IAM form of the ARN is refused.
    await expectAwsError(
      client.send(
        new DescribeLogStreamsCommand({
          logGroupIdentifier: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:by-arn:*`,
        }),
      ),
      { name: "InvalidParameterException", message: /Member must satisfy regular expression/ },
    );
  });
});
