import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  GetLogEventsCommand,
  type InputLogEvent,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectAwsError } from "./errors.js";
import { type LogsHarness, logsClient, startLogsSimulator } from "./helpers.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

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
  await client.send(new CreateLogStreamCommand({ logGroupName: "g", logStreamName: "s" }));
  journalMark = sim.journal.all().length;
});

const put = (logEvents: InputLogEvent[], names = { logGroupName: "g", logStreamName: "s" }) =>
  client.send(new PutLogEventsCommand({ ...names, logEvents }));

/** Journal entries of a type appended since this test began (the journal outlives resets). */
let journalMark = 0;
const journaled = (type: string) => sim.journal.byType(type).filter((e) => e.seq > journalMark);

const stored = async () =>
  (
    await client.send(
      new GetLogEventsCommand({ logGroupName: "g", logStreamName: "s", startFromHead: true }),
    )
  ).events?.map((e) => e.message);

describe("PutLogEvents", () => {
  it("stores the events and returns a sequence token, which it then ignores", async () => {
    const t = sim.clock.now();
    const out = await put([
      { timestamp: t - 2, message: "first" },
      { timestamp: t - 1, message: "second" },
    ]);
    expect(out.nextSequenceToken).toMatch(/^\d{56}$/);
    expect(out.rejectedLogEventsInfo).toBeUndefined();
    // Sequence tokens are ignored since 2023: a wrong one is accepted.
    await client.send(
      new PutLogEventsCommand({
        logGroupName: "g",
        logStreamName: "s",
        sequenceToken: "49999999999999999999999999999999999999999999999999999999",
        logEvents: [{ timestamp: t, message: "third" }],
      }),
    );
    expect(await stored()).toEqual(["first", "second", "third"]);
  });

  it("journals each stored event with its id", async () => {
    const t = sim.clock.now();
    await put([{ timestamp: t, message: "hello" }]);
    const [entry] = journaled("logs.event.stored");
    expect(entry?.source).toBe("aws");
    expect(entry?.data).toMatchObject({
      logGroup: "g",
      logStream: "s",
      timestamp: t,
      message: "hello",
    });
    expect(entry?.data.eventId).toMatch(/^[1-9]\d{55}$/);
    expect(entry?.correlation).toEqual({ eventId: entry?.data.eventId });
  });

  it("answers a missing group, then a missing stream", async () => {
    const events = [{ timestamp: sim.clock.now(), message: "x" }];
    await expectAwsError(put(events, { logGroupName: "none", logStreamName: "s" }), {
      name: "ResourceNotFoundException",
      message: "The specified log group does not exist.",
    });
    await expectAwsError(put(events, { logGroupName: "g", logStreamName: "none" }), {
      name: "ResourceNotFoundException",
      message: "The specified log stream does not exist.",
    });
  });

  it("fails the whole call when events are out of order; equal timestamps are fine", async () => {
    const t = sim.clock.now();
    await expectAwsError(
      put([
        { timestamp: t, message: "later" },
        { timestamp: t - 1, message: "earlier" },
      ]),
      {
        name: "InvalidParameterException",
        message: "Log events in a single PutLogEvents request must be in chronological order.",
      },
    );
    await put([
      { timestamp: t, message: "same 1" },
      { timestamp: t, message: "same 2" },
    ]);
    expect(await stored()).toEqual(["same 1", "same 2"]);
  });

  it("fails a batch whose valid events span more than 24 hours", async () => {
    const t = sim.clock.now();
    await expectAwsError(
      put([
        { timestamp: t - DAY - 1, message: "a" },
        { timestamp: t, message: "b" },
      ]),
      {
        name: "InvalidParameterException",
        message:
          "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
      },
    );
    await put([
      { timestamp: t - DAY, message: "exactly" },
      { timestamp: t, message: "24 hours" },
    ]);
    // The span counts valid events only: a too-old one in front does not widen it.
    const out = await put([
      { timestamp: t - 20 * DAY, message: "too old" },
      { timestamp: t - HOUR, message: "valid" },
    ]);
    expect(out.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 0 });
    expect(await stored()).toEqual(["exactly", "valid", "24 hours"]);
  });

  it("counts 26 bytes per event against the 1,048,576-byte batch limit", async () => {
    const t = sim.clock.now();
    // Two events: 2 x 26 + 524,262 + 524,262 = 1,048,576 bytes exactly.
    await put([
      { timestamp: t, message: "x".repeat(524_262) },
      { timestamp: t, message: "y".repeat(524_262) },
    ]);
    await expectAwsError(
      put([
        { timestamp: t, message: "x".repeat(524_262) },
        { timestamp: t, message: "y".repeat(524_263) },
      ]),
      {
        name: "InvalidParameterException",
        message: "Upload too large: 1048577 bytes exceeds limit of 1048576",
      },
    );
    // UTF-8 bytes, not characters: "é" is 2 bytes.
    await expectAwsError(
      put([
        { timestamp: t, message: "é".repeat(262_131) },
        { timestamp: t, message: "e".repeat(524_263) },
      ]),
      { name: "InvalidParameterException", message: /^Upload too large: 1048577 bytes/ },
    );
  });

  it("refuses a single event over 1 MB", async () => {
    await expectAwsError(put([{ timestamp: sim.clock.now(), message: "z".repeat(1_048_551) }]), {
      name: "InvalidParameterException",
      message: "Log event too large: 1048577 bytes exceeds limit of 1048576",
    });
  });

  it("takes 10,000 events and refuses 10,001", async () => {
    const t = sim.clock.now();
    const events = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ timestamp: t, message: `e${i}` }));
    await put(events(10_000));
    await expectAwsError(put(events(10_001)), {
      name: "InvalidParameterException",
      message:
        /^1 validation error detected: Value '.*' at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000$/s,
    });
  });

  it("validates the events themselves with AWS's template", async () => {
    await expectAwsError(put([]), {
      name: "InvalidParameterException",
      message:
        "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    await expectAwsError(
      put([
        { timestamp: sim.clock.now(), message: "ok" },
        { timestamp: sim.clock.now(), message: "" },
      ]),
      {
        name: "InvalidParameterException",
        message:
          "1 validation error detected: Value '' at 'logEvents.2.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1",
      },
    );
    await expectAwsError(put([{ timestamp: -1, message: "x" }]), {
      name: "InvalidParameterException",
      message:
        "1 validation error detected: Value '-1' at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must have value greater than or equal to 0",
    });
  });

  it("rejects events older than 14 days with the index of the last one", async () => {
    const t = sim.clock.now();
    const out = await put([{ timestamp: t - 15 * DAY, message: "old" }]);
    expect(out.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 0 });
    expect(await stored()).toEqual([]);
    const [rejected] = journaled("logs.event.rejected");
    expect(rejected?.data).toMatchObject({ reason: "tooOld", index: 0, message: "old" });
  });

  it("rejects events more than 2 hours ahead from their first index", async () => {
    const t = sim.clock.now();
    const out = await put([
      { timestamp: t, message: "now" },
      { timestamp: t + 2 * HOUR, message: "edge" },
      { timestamp: t + 3 * HOUR, message: "future" },
    ]);
    expect(out.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 2 });
    expect(await stored()).toEqual(["now", "edge"]);
  });

  it("stores the valid middle of a batch with rejects at both ends", async () => {
    const t = sim.clock.now();
    const out = await put([
      { timestamp: t - 16 * DAY, message: "old 1" },
      { timestamp: t - 15 * DAY, message: "old 2" },
      { timestamp: t - 14 * DAY, message: "14 days exactly" },
      { timestamp: t - 13 * DAY, message: "ok" },
      { timestamp: t + 5 * HOUR, message: "new" },
    ]);
    expect(out.rejectedLogEventsInfo).toEqual({
      tooOldLogEventEndIndex: 1,
      tooNewLogEventStartIndex: 4,
    });
    expect(await stored()).toEqual(["14 days exactly", "ok"]);
  });

  it("rejects events older than the group's retention as expired", async () => {
    await client.send(new PutRetentionPolicyCommand({ logGroupName: "g", retentionInDays: 1 }));
    const t = sim.clock.now();
    const out = await put([
      { timestamp: t - 2 * DAY, message: "expired" },
      { timestamp: t - HOUR, message: "kept" },
    ]);
    expect(out.rejectedLogEventsInfo).toEqual({ expiredLogEventEndIndex: 0 });
    expect(await stored()).toEqual(["kept"]);
    expect(journaled("logs.event.rejected").map((e) => e.data.reason)).toEqual(["expired"]);
  });

  it("merges a batch older than what the stream holds into time order", async () => {
    const t = sim.clock.now();
    await put([
      { timestamp: t - 10, message: "b" },
      { timestamp: t, message: "d" },
    ]);
    await put([
      { timestamp: t - 20, message: "a" },
      { timestamp: t - 5, message: "c" },
    ]);
    expect(await stored()).toEqual(["a", "b", "c", "d"]);
  });
});
