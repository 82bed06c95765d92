import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LogsHarness, startLogsSimulator } from "./helpers.js";

// The Debian AWS CLI v2; `aws` on PATH may be a v1 shim (reference/aws-sim.md §7).
const AWS_CLI = "/usr/bin/aws";
const available = existsSync(AWS_CLI);
const title = available
  ? "AWS CLI v2 (/usr/bin/aws) against the simulator"
  : "AWS CLI v2 (skipped: /usr/bin/aws is missing; apt-get install -y awscli)";

let sim: LogsHarness;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with dummy credentials and --endpoint-url (2.9 ignores AWS_ENDPOINT_URL). */
function aws(...args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/_proxy$/i.test(key) && !key.startsWith("AWS_")) env[key] = value;
  }
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  });
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      [...args, "--endpoint-url", sim.endpoint, "--output", "json"],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function ok(...args: string[]): Promise<unknown> {
  const result = await aws(...args);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
}

describe.skipIf(!available)(title, () => {
  beforeAll(async () => {
    sim = await startLogsSimulator();
  });
  afterAll(async () => {
    await sim?.dispose();
  });

  it("creates, writes, describes, filters and tails", { timeout: 120_000 }, async () => {
    const now = sim.clock.now();
    await ok("logs", "create-log-group", "--log-group-name", "/cli/app");
    await ok(
      "logs",
      "create-log-stream",
      "--log-group-name",
      "/cli/app",
      "--log-stream-name",
      "s1",
    );
    const put = (await ok(
      "logs",
      "put-log-events",
      "--log-group-name",
      "/cli/app",
      "--log-stream-name",
      "s1",
      "--log-events",
      JSON.stringify([
        { timestamp: now - 2000, message: "INFO started" },
        { timestamp: now - 1000, message: "ERROR something broke" },
      ]),
    )) as { nextSequenceToken: string };
    expect(put.nextSequenceToken).toMatch(/^\d{56}$/);

    const groups = (await ok("logs", "describe-log-groups")) as {
      logGroups: { logGroupName: string; arn: string }[];
    };
    expect(groups.logGroups.map((g) => g.logGroupName)).toEqual(["/cli/app"]);

    const streams = (await ok("logs", "describe-log-streams", "--log-group-name", "/cli/app")) as {
      logStreams: { logStreamName: string; lastEventTimestamp: number }[];
    };
    expect(streams.logStreams).toMatchObject([
      { logStreamName: "s1", lastEventTimestamp: now - 1000 },
    ]);

    const filtered = (await ok(
      "logs",
      "filter-log-events",
      "--log-group-name",
      "/cli/app",
      "--filter-pattern",
      "ERROR",
    )) as { events: { message: string; logStreamName: string }[]; searchedLogStreams: unknown[] };
    expect(filtered.events.map((e) => [e.logStreamName, e.message])).toEqual([
      ["s1", "ERROR something broke"],
    ]);
    expect(filtered.searchedLogStreams).toEqual([]);

    // `logs tail` reads FilterLogEvents and crashes if `events` is missing; --since is absolute
    // because the CLI's relative times come from the wall clock, not the simulator's.
    const since = new Date(now - 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const tail = await aws("logs", "tail", "/cli/app", "--since", since);
    expect(tail.stderr).toBe("");
    expect(tail.code).toBe(0);
    expect(tail.stdout).toContain("s1 INFO started");
    expect(tail.stdout).toContain("s1 ERROR something broke");

    const got = (await ok(
      "logs",
      "get-log-events",
      "--log-group-name",
      "/cli/app",
      "--log-stream-name",
      "s1",
      "--start-from-head",
    )) as { events: { message: string }[] };
    expect(got.events.map((e) => e.message)).toEqual(["INFO started", "ERROR something broke"]);
  });

  it("exits 254 with AWS's error line for a service error", { timeout: 60_000 }, async () => {
    const result = await aws(
      "logs",
      "put-log-events",
      "--log-group-name",
      "/nowhere",
      "--log-stream-name",
      "s",
      "--log-events",
      JSON.stringify([{ timestamp: sim.clock.now(), message: "x" }]),
    );
    expect(result.code).toBe(254);
    expect(result.stderr.trim()).toBe(
      "An error occurred (ResourceNotFoundException) when calling the PutLogEvents operation: The specified log group does not exist.",
    );
  });
});
