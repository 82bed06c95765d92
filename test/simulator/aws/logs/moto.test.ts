import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import net from "node:net";
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LogsHarness, logsClient, startLogsSimulator } from "./helpers.js";

/**
 * Differential test: the same calls against moto_server and against the simulator, compared
 * where moto is faithful to AWS (group and stream lifecycle, put and get, the resource errors,
 * chronological order, too-old events, plain-term filtering).
 *
 * Deliberate differences, not compared here:
 * - filter patterns: moto matches every event for JSON, space-delimited, `?` and `-` patterns;
 *   the simulator evaluates them (see the filterPattern tests);
 * - PutLogEvents size, count and 24-hour-span rules and retention-expired events: moto does not
 *   enforce them; the simulator does (putLogEvents.test.ts);
 * - subscription delivery: moto invokes synchronously inside PutLogEvents and ignores the
 *   pattern; the simulator delivers asynchronously, batched per stream (subscriptions.test.ts);
 * - event ids, tokens and sequence tokens are opaque and differ in form;
 * - DescribeLogGroups: the simulator also returns logGroupClass, as AWS does today.
 * Steps where moto answers with the log *group* text for a log *stream* are listed in
 * MOTO_DIFFERS with what AWS answers (LocalStack's AWS-validated snapshots,
 * reference/aws-sim.md §1.2): there the simulator follows AWS.
 */

function which(command: string): string | undefined {
  try {
    return (
      execFileSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

const MOTO = which("moto_server");
const title = MOTO
  ? "differential against moto_server"
  : "differential against moto_server (skipped: moto_server is not installed; pip install 'moto[server]')";
// A 12-digit access key is the account on both sides.
const ACCESS_KEY = "123456789012";

const MOTO_DIFFERS: Record<string, Outcome> = {
  createStreamAgain: {
    error: {
      name: "ResourceAlreadyExistsException",
      message: "The specified log stream already exists",
    },
  },
  getMissingStream: {
    error: {
      name: "ResourceNotFoundException",
      message: "The specified log stream does not exist.",
    },
  },
  deleteMissingStream: {
    error: {
      name: "ResourceNotFoundException",
      message: "The specified log stream does not exist.",
    },
  },
};

let moto: ChildProcess | undefined;
let motoUrl = "";
let sim: LogsHarness;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForMoto(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer at ${url}`);
}

type Outcome = { ok: unknown } | { error: { name: string; message: string } };

async function outcome<T>(call: Promise<T>, project: (out: T) => unknown): Promise<Outcome> {
  try {
    return { ok: project(await call) };
  } catch (error) {
    const e = error as { name: string; message: string };
    return { error: { name: e.name, message: e.message } };
  }
}

/** One scenario, run identically against each backend; `now` is the caller's clock. */
async function scenario(
  client: CloudWatchLogsClient,
  now: number,
): Promise<Record<string, Outcome>> {
  const empty = () => ({});
  const events = (out: { events?: { timestamp?: number; message?: string }[] }) =>
    out.events?.map((e) => [e.timestamp, e.message]);
  const rejected = (out: { rejectedLogEventsInfo?: unknown }) => out.rejectedLogEventsInfo ?? null;
  const put = (
    logGroupName: string,
    logStreamName: string,
    logEvents: { timestamp: number; message: string }[],
  ) => client.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents }));
  const r: Record<string, Outcome> = {};
  r.createGroup = await outcome(
    client.send(new CreateLogGroupCommand({ logGroupName: "diff/app" })),
    empty,
  );
  r.createGroupAgain = await outcome(
    client.send(new CreateLogGroupCommand({ logGroupName: "diff/app" })),
    empty,
  );
  r.createSecondGroup = await outcome(
    client.send(new CreateLogGroupCommand({ logGroupName: "diff/Another" })),
    empty,
  );
  r.streamInMissingGroup = await outcome(
    client.send(new CreateLogStreamCommand({ logGroupName: "diff/none", logStreamName: "s" })),
    empty,
  );
  r.createStream = await outcome(
    client.send(new CreateLogStreamCommand({ logGroupName: "diff/app", logStreamName: "web" })),
    empty,
  );
  r.createStream2 = await outcome(
    client.send(new CreateLogStreamCommand({ logGroupName: "diff/app", logStreamName: "api" })),
    empty,
  );
  r.createStreamAgain = await outcome(
    client.send(new CreateLogStreamCommand({ logGroupName: "diff/app", logStreamName: "web" })),
    empty,
  );
  r.describeGroups = await outcome(client.send(new DescribeLogGroupsCommand({})), (out) =>
    out.logGroups?.map((g) => [g.logGroupName, g.arn, g.logGroupArn, g.storedBytes ?? 0]),
  );
  r.describeByPrefix = await outcome(
    client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "diff/a" })),
    (out) => out.logGroups?.map((g) => g.logGroupName),
  );
  r.describeStreams = await outcome(
    client.send(new DescribeLogStreamsCommand({ logGroupName: "diff/app" })),
    (out) => out.logStreams?.map((s) => [s.logStreamName, s.arn]),
  );
  r.put = await outcome(
    put("diff/app", "web", [
      { timestamp: now - 3000, message: "INFO starting" },
      { timestamp: now - 2000, message: "ERROR upstream timeout" },
      { timestamp: now - 1000, message: "INFO done" },
    ]),
    rejected,
  );
  r.putOtherStream = await outcome(
    put("diff/app", "api", [{ timestamp: now - 1500, message: "ERROR bad request" }]),
    rejected,
  );
  r.getFromHead = await outcome(
    client.send(
      new GetLogEventsCommand({
        logGroupName: "diff/app",
        logStreamName: "web",
        startFromHead: true,
      }),
    ),
    events,
  );
  r.filterTerm = await outcome(
    client.send(new FilterLogEventsCommand({ logGroupName: "diff/app", filterPattern: "ERROR" })),
    (out) => out.events?.map((e) => [e.logStreamName, e.timestamp, e.message]),
  );
  r.putMissingGroup = await outcome(
    put("diff/none", "web", [{ timestamp: now, message: "x" }]),
    rejected,
  );
  r.putMissingStream = await outcome(
    put("diff/app", "none", [{ timestamp: now, message: "x" }]),
    rejected,
  );
  r.putUnordered = await outcome(
    put("diff/app", "web", [
      { timestamp: now, message: "b" },
      { timestamp: now - 1, message: "a" },
    ]),
    rejected,
  );
  r.putTooOld = await outcome(
    put("diff/app", "web", [{ timestamp: now - 15 * 24 * 3_600_000, message: "old" }]),
    rejected,
  );
  r.putTooNew = await outcome(
    put("diff/app", "web", [{ timestamp: now + 3 * 3_600_000, message: "new" }]),
    rejected,
  );
  r.getMissingStream = await outcome(
    client.send(new GetLogEventsCommand({ logGroupName: "diff/app", logStreamName: "none" })),
    events,
  );
  r.deleteMissingStream = await outcome(
    client.send(new DeleteLogStreamCommand({ logGroupName: "diff/app", logStreamName: "none" })),
    empty,
  );
  r.deleteStream = await outcome(
    client.send(new DeleteLogStreamCommand({ logGroupName: "diff/app", logStreamName: "api" })),
    empty,
  );
  r.deleteMissingGroup = await outcome(
    client.send(new DeleteLogGroupCommand({ logGroupName: "diff/none" })),
    empty,
  );
  r.deleteGroup = await outcome(
    client.send(new DeleteLogGroupCommand({ logGroupName: "diff/app" })),
    empty,
  );
  r.describeAfterDelete = await outcome(client.send(new DescribeLogGroupsCommand({})), (out) =>
    out.logGroups?.map((g) => g.logGroupName),
  );
  return r;
}

describe.skipIf(!MOTO)(title, () => {
  // moto checks event age against the wall clock, so the simulator starts at the same instant.
  const now = Date.now();

  beforeAll(async () => {
    const port = await freePort();
    motoUrl = `http://127.0.0.1:${port}`;
    moto = spawn(MOTO as string, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    await waitForMoto(motoUrl);
    sim = await startLogsSimulator({ start: now });
  }, 60_000);

  afterAll(async () => {
    if (moto && moto.exitCode === null) {
      const exited = new Promise((resolve) => moto?.once("exit", resolve));
      moto.kill("SIGTERM");
      await exited;
    }
    await sim?.dispose();
  });

  it("gives the same answers as moto_server where moto is faithful", async () => {
    const motoClient = logsClient(motoUrl, { accessKeyId: ACCESS_KEY });
    const simClient = logsClient(sim.endpoint, { accessKeyId: ACCESS_KEY });
    try {
      const expected = await scenario(motoClient, now);
      const actual = await scenario(simClient, now);
      // A sanity check that the scenario exercised both paths.
      expect(expected.createGroupAgain).toEqual({
        error: {
          name: "ResourceAlreadyExistsException",
          message: "The specified log group already exists",
        },
      });
      const mismatches = Object.keys(expected).filter(
        (step) =>
          !(step in MOTO_DIFFERS) &&
          JSON.stringify(actual[step]) !== JSON.stringify(expected[step]),
      );
      expect(mismatches.map((step) => ({ step, moto: expected[step], sim: actual[step] }))).toEqual(
        [],
      );
      for (const [step, aws] of Object.entries(MOTO_DIFFERS)) {
        expect({ step, outcome: actual[step] }).toEqual({ step, outcome: aws });
      }
    } finally {
      motoClient.destroy();
      simClient.destroy();
    }
  });
});
