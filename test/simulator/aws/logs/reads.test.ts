import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  type GetLogEventsCommandInput,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  paginateFilterLogEvents,
  paginateGetLogEvents,
} from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectAwsError } from "./errors.js";
import { type LogsHarness, logsClient, startLogsSimulator } from "./helpers.js";

const DAY = 24 * 3_600_000;

let sim: LogsHarness;
let client: ReturnType<typeof logsClient>;
/** Timestamp base of each test: a minute before the virtual now. */
let t0: number;

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
  t0 = sim.clock.now() - 60_000;
});

async function stream(name: string, events: [offset: number, message: string][]) {
  await client.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: name }));
  if (events.length === 0) return;
  await client.send(
    new PutLogEventsCommand({
      logGroupName: "g",
      logStreamName: name,
      logEvents: events.map(([offset, message]) => ({ timestamp: t0 + offset, message })),
    }),
  );
}

const get = (input: Partial<GetLogEventsCommandInput>) =>
  client.send(new GetLogEventsCommand({ logGroupName: "g", logStreamName: "s", ...input }));

describe("GetLogEvents", () => {
  const five: [number, string][] = [
    [1, "e1"],
    [2, "e2"],
    [3, "e3"],
    [4, "e4"],
    [5, "e5"],
  ];

  it("returns the latest page by default, oldest first within it", async () => {
    await stream("s", five);
    const out = await get({ limit: 2 });
    expect(out.events?.map((e) => e.message)).toEqual(["e4", "e5"]);
    expect(out.events?.[0]).toEqual({
      timestamp: t0 + 4,
      message: "e4",
      ingestionTime: sim.clock.now(),
    });
    const back = await get({ limit: 2, nextToken: out.nextBackwardToken });
    expect(back.events?.map((e) => e.message)).toEqual(["e2", "e3"]);
    const back2 = await get({ limit: 2, nextToken: back.nextBackwardToken });
    expect(back2.events?.map((e) => e.message)).toEqual(["e1"]);
    // At the start the backward token comes back unchanged: that is how clients stop.
    const end = await get({ limit: 2, nextToken: back2.nextBackwardToken });
    expect(end.events).toEqual([]);
    expect(end.nextBackwardToken).toBe(back2.nextBackwardToken);
  });

  it("pages forward from the head until the token repeats", async () => {
    await stream("s", five);
    const messages: string[] = [];
    for await (const page of paginateGetLogEvents(
      { client, pageSize: 2, stopOnSameToken: true },
      { logGroupName: "g", logStreamName: "s", startFromHead: true },
    )) {
      messages.push(...(page.events ?? []).map((e) => e.message ?? ""));
    }
    expect(messages).toEqual(["e1", "e2", "e3", "e4", "e5"]);
  });

  it("picks up events that arrive after the last forward token", async () => {
    await stream("s", five);
    const first = await get({ startFromHead: true });
    const idle = await get({ startFromHead: true, nextToken: first.nextForwardToken });
    expect(idle.events).toEqual([]);
    expect(idle.nextForwardToken).toBe(first.nextForwardToken);
    await client.send(
      new PutLogEventsCommand({
        logGroupName: "g",
        logStreamName: "s",
        logEvents: [{ timestamp: t0 + 6, message: "e6" }],
      }),
    );
    const next = await get({ startFromHead: true, nextToken: first.nextForwardToken });
    expect(next.events?.map((e) => e.message)).toEqual(["e6"]);
  });

  it("takes startTime inclusive and endTime exclusive", async () => {
    await stream("s", five);
    const out = await get({ startFromHead: true, startTime: t0 + 2, endTime: t0 + 4 });
    expect(out.events?.map((e) => e.message)).toEqual(["e2", "e3"]);
  });

  it("returns tokens even for an empty stream", async () => {
    await stream("s", []);
    const out = await get({});
    expect(out.events).toEqual([]);
    expect(out.nextForwardToken).toMatch(/^f\/\d{56}\/s$/);
    expect(out.nextBackwardToken).toMatch(/^b\/\d{56}\/s$/);
  });

  it("refuses a token it did not issue and a limit over 10,000", async () => {
    await stream("s", five);
    await expectAwsError(get({ nextToken: "garbage" }), {
      name: "InvalidParameterException",
      message: "The specified nextToken is invalid.",
    });
    await expectAwsError(get({ limit: 10_001 }), {
      name: "InvalidParameterException",
      message:
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
    });
  });

  it("answers a missing group and a missing stream", async () => {
    await expectAwsError(get({ logGroupName: "none" }), {
      name: "ResourceNotFoundException",
      message: "The specified log group does not exist.",
    });
    await expectAwsError(get({ logStreamName: "none" }), {
      name: "ResourceNotFoundException",
      message: "The specified log stream does not exist.",
    });
  });
});

describe("FilterLogEvents", () => {
  beforeEach(async () => {
    await stream("web-1", [
      [10, '{"level":"ERROR","code":503,"msg":"upstream down"}'],
      [30, "INFO request served"],
      [50, '{"level":"INFO","code":200}'],
    ]);
    await stream("web-2", [
      [20, "ERROR timeout talking to db"],
      [30, '{"level":"ERROR","code":404}'],
      [60, "WARN slow"],
    ]);
    await stream("worker", [[40, "ERROR job failed"]]);
  });

  it("interleaves every stream in time order, with ids and stream names", async () => {
    const out = await client.send(new FilterLogEventsCommand({ logGroupName: "g" }));
    expect(out.events?.map((e) => [e.logStreamName, (e.timestamp ?? 0) - t0])).toEqual([
      ["web-1", 10],
      ["web-2", 20],
      ["web-1", 30],
      ["web-2", 30],
      ["worker", 40],
      ["web-1", 50],
      ["web-2", 60],
    ]);
    expect(out.searchedLogStreams).toEqual([]);
    expect(out.nextToken).toBeUndefined();
    const ids = out.events?.map((e) => e.eventId ?? "") ?? [];
    expect(ids.every((id) => /^\d{56}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(out.events?.[0]?.ingestionTime).toBe(sim.clock.now());
  });

  it("applies filter patterns: terms and JSON", async () => {
    const messages = async (filterPattern: string) =>
      (
        await client.send(new FilterLogEventsCommand({ logGroupName: "g", filterPattern }))
      ).events?.map((e) => e.message);
    expect(await messages("ERROR")).toEqual([
      '{"level":"ERROR","code":503,"msg":"upstream down"}',
      "ERROR timeout talking to db",
      '{"level":"ERROR","code":404}',
      "ERROR job failed",
    ]);
    expect(await messages('{ $.level = "ERROR" && $.code >= 500 }')).toEqual([
      '{"level":"ERROR","code":503,"msg":"upstream down"}',
    ]);
    expect(await messages("?WARN ?timeout")).toEqual(["ERROR timeout talking to db", "WARN slow"]);
  });

  it("refuses an invalid pattern with the pattern's error", async () => {
    await expectAwsError(
      client.send(new FilterLogEventsCommand({ logGroupName: "g", filterPattern: "{ $.a = 1" })),
      {
        name: "InvalidParameterException",
        message: "If a filter pattern starts with '{' it must end with '}'",
      },
    );
  });

  it("takes startTime and endTime, both inclusive", async () => {
    const out = await client.send(
      new FilterLogEventsCommand({ logGroupName: "g", startTime: t0 + 20, endTime: t0 + 40 }),
    );
    expect(out.events?.map((e) => (e.timestamp ?? 0) - t0)).toEqual([20, 30, 30, 40]);
  });

  it("narrows to named streams or a prefix, not both", async () => {
    const byNames = await client.send(
      new FilterLogEventsCommand({ logGroupName: "g", logStreamNames: ["worker", "web-2", "x"] }),
    );
    expect(byNames.events?.map((e) => e.logStreamName)).toEqual([
      "web-2",
      "web-2",
      "worker",
      "web-2",
    ]);
    const byPrefix = await client.send(
      new FilterLogEventsCommand({ logGroupName: "g", logStreamNamePrefix: "web-1" }),
    );
    expect(byPrefix.events?.map((e) => (e.timestamp ?? 0) - t0)).toEqual([10, 30, 50]);
    await expectAwsError(
      client.send(
        new FilterLogEventsCommand({
          logGroupName: "g",
          logStreamNames: ["web-1"],
          logStreamNamePrefix: "web",
        }),
      ),
      { name: "InvalidParameterException" },
    );
  });

  it("pages through the SDK paginator without losing or repeating events", async () => {
    const pages: number[][] = [];
    for await (const page of paginateFilterLogEvents(
      { client, pageSize: 3 },
      { logGroupName: "g", interleaved: true },
    )) {
      pages.push((page.events ?? []).map((e) => (e.timestamp ?? 0) - t0));
    }
    expect(pages).toEqual([[10, 20, 30], [30, 40, 50], [60]]);
  });

  it("gives a nextToken only when more events match", async () => {
    const exact = await client.send(
      new FilterLogEventsCommand({ logGroupName: "g", filterPattern: "WARN", limit: 1 }),
    );
    expect(exact.events).toHaveLength(1);
    expect(exact.nextToken).toBeUndefined();
    const more = await client.send(
      new FilterLogEventsCommand({ logGroupName: "g", filterPattern: "ERROR", limit: 3 }),
    );
    expect(more.nextToken).toBeDefined();
    const rest = await client.send(
      new FilterLogEventsCommand({
        logGroupName: "g",
        filterPattern: "ERROR",
        limit: 3,
        nextToken: more.nextToken,
      }),
    );
    expect(rest.events?.map((e) => e.message)).toEqual(["ERROR job failed"]);
    expect(rest.nextToken).toBeUndefined();
  });

  it("resumes after the token even when older events arrived in between", async () => {
    const first = await client.send(new FilterLogEventsCommand({ logGroupName: "g", limit: 4 }));
    await client.send(
      new PutLogEventsCommand({
        logGroupName: "g",
        logStreamName: "worker",
        logEvents: [
          { timestamp: t0 + 1, message: "late but old" },
          { timestamp: t0 + 45, message: "late and new" },
        ],
      }),
    );
    const next = await client.send(
      new FilterLogEventsCommand({ logGroupName: "g", nextToken: first.nextToken }),
    );
    expect(next.events?.map((e) => e.message)).toEqual([
      "ERROR job failed",
      "late and new",
      '{"level":"INFO","code":200}',
      "WARN slow",
    ]);
  });

  it("refuses a token it did not issue", async () => {
    await expectAwsError(
      client.send(new FilterLogEventsCommand({ logGroupName: "g", nextToken: "bm9wZQ" })),
      { name: "InvalidParameterException", message: "The specified nextToken is invalid." },
    );
  });
});

describe("retention", () => {
  it("expires events on the virtual clock", async () => {
    const now = sim.clock.now();
    await client.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: "s" }));
    await client.send(
      new PutLogEventsCommand({
        logGroupName: "g",
        logStreamName: "s",
        logEvents: [
          { timestamp: now - 3_600_000, message: "older" },
          { timestamp: now, message: "newer" },
        ],
      }),
    );
    await client.send(new PutRetentionPolicyCommand({ logGroupName: "g", retentionInDays: 1 }));
    const [group] = (await client.send(new DescribeLogGroupsCommand({}))).logGroups ?? [];
    expect(group?.retentionInDays).toBe(1);
    expect(group?.storedBytes).toBe(10);

    // One day minus one hour later, "older" is a day old and gone; "newer" is still there.
    await sim.clock.runFor(DAY - 3_600_000 + 1);
    const messages = async () =>
      (await client.send(new FilterLogEventsCommand({ logGroupName: "g" }))).events?.map(
        (e) => e.message,
      );
    expect(await messages()).toEqual(["newer"]);
    expect((await get({ startFromHead: true })).events?.map((e) => e.message)).toEqual(["newer"]);

    await sim.clock.runFor(3_600_000);
    expect(await messages()).toEqual([]);
    expect((await get({})).events).toEqual([]);
    const [after] = (await client.send(new DescribeLogGroupsCommand({}))).logGroups ?? [];
    expect(after?.storedBytes).toBe(0);
  });

  it("accepts only the documented retention values; deleting keeps events forever", async () => {
    await expectAwsError(
      client.send(new PutRetentionPolicyCommand({ logGroupName: "g", retentionInDays: 2 })),
      {
        name: "InvalidParameterException",
        message:
          "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]",
      },
    );
    await expectAwsError(
      client.send(new PutRetentionPolicyCommand({ logGroupName: "none", retentionInDays: 3 })),
      { name: "ResourceNotFoundException", message: "The specified log group does not exist." },
    );
    await client.send(new PutRetentionPolicyCommand({ logGroupName: "g", retentionInDays: 3 }));
    await client.send(new DeleteRetentionPolicyCommand({ logGroupName: "g" }));
    await client.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: "s" }));
    await client.send(
      new PutLogEventsCommand({
        logGroupName: "g",
        logStreamName: "s",
        logEvents: [{ timestamp: sim.clock.now(), message: "kept" }],
      }),
    );
    await sim.clock.runFor(30 * DAY);
    const [group] = (await client.send(new DescribeLogGroupsCommand({}))).logGroups ?? [];
    expect(group?.retentionInDays).toBeUndefined();
    expect((await get({})).events?.map((e) => e.message)).toEqual(["kept"]);
  });
});
