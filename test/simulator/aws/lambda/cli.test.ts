import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  arnOf,
  type Harness,
  handlers,
  REGION,
  ROLE,
  startHarness,
  zipOf,
} from "./helpers.js";

/** The Debian AWS CLI v2; `aws` on PATH may be a v1 shim (reference/aws-sim.md §7). */
const AWS_CLI = "/usr/bin/aws";
const hasCli = existsSync(AWS_CLI);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let h: Harness;
let dir: string;

/** Runs the CLI asynchronously: the simulator serves it from this very process. */
function aws(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      [...args, "--endpoint-url", h.endpoint, "--output", "json"],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: dir,
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_REGION: REGION,
          AWS_EC2_METADATA_DISABLED: "true",
          AWS_PAGER: "",
          AWS_CONFIG_FILE: path.join(dir, "config"),
          AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "credentials"),
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const title = hasCli ? "AWS CLI v2" : `AWS CLI v2 (skipped: ${AWS_CLI} is not installed)`;

// Each CLI call is a Python start-up of a second or more.
describe.skipIf(!hasCli)(title, { timeout: 60_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "watermelon-lambda-cli-"));
    writeFileSync(path.join(dir, "fn.zip"), zipOf({ "index.js": handlers.logs }));
    writeFileSync(path.join(dir, "echo.zip"), zipOf({ "index.js": handlers.echo }));
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("creates a function from fileb://, waits for it, invokes it with a log tail", async () => {
    const created = await aws(
      "lambda",
      "create-function",
      "--function-name",
      "cli-fn",
      "--runtime",
      "nodejs22.x",
      "--handler",
      "index.handler",
      "--role",
      ROLE,
      "--zip-file",
      "fileb://fn.zip",
    );
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      FunctionName: "cli-fn",
      FunctionArn: arnOf("cli-fn"),
      State: "Pending",
    });

    const waited = await aws("lambda", "wait", "function-active-v2", "--function-name", "cli-fn");
    expect(waited).toMatchObject({ code: 0, stderr: "" });

    const invoked = await aws(
      "lambda",
      "invoke",
      "--function-name",
      "cli-fn",
      "--cli-binary-format",
      "raw-in-base64-out",
      "--payload",
      '{"hello":"cli"}',
      "--log-type",
      "Tail",
      "out.json",
    );
    expect(invoked.code).toBe(0);
    const response = JSON.parse(invoked.stdout);
    expect(response).toMatchObject({ StatusCode: 200, ExecutedVersion: "$LATEST" });
    expect(readFileSync(path.join(dir, "out.json"), "utf8")).toBe('"ok"');
    const tail = Buffer.from(response.LogResult, "base64").toString("utf8");
    expect(tail).toContain("hello from the handler");
    expect(tail).toMatch(/REPORT RequestId: [0-9a-f-]{36}\tDuration: [^\n]*\n$/);
  });

  it("passes the payload through and queues Event invocations", async () => {
    await aws(
      "lambda",
      "create-function",
      "--function-name",
      "cli-echo",
      "--runtime",
      "nodejs22.x",
      "--handler",
      "index.handler",
      "--role",
      ROLE,
      "--zip-file",
      "fileb://echo.zip",
    );
    await aws("lambda", "wait", "function-active-v2", "--function-name", "cli-echo");
    const sync = await aws(
      "lambda",
      "invoke",
      "--function-name",
      "cli-echo",
      "--cli-binary-format",
      "raw-in-base64-out",
      "--payload",
      '{"n":7}',
      "echo.json",
    );
    expect(sync.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, "echo.json"), "utf8")).event).toEqual({ n: 7 });

    const queued = await aws(
      "lambda",
      "invoke",
      "--function-name",
      "cli-echo",
      "--invocation-type",
      "Event",
      "--cli-binary-format",
      "raw-in-base64-out",
      "--payload",
      "{}",
      "event.json",
    );
    expect(queued.code).toBe(0);
    expect(JSON.parse(queued.stdout)).toMatchObject({ StatusCode: 202 });
  });

  it("adds a permission for CloudWatch Logs", async () => {
    const sourceArn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:app:*`;
    const added = await aws(
      "lambda",
      "add-permission",
      "--function-name",
      "cli-fn",
      "--statement-id",
      "logs",
      "--action",
      "lambda:InvokeFunction",
      "--principal",
      "logs.amazonaws.com",
      "--source-arn",
      sourceArn,
    );
    expect(added.code).toBe(0);
    const statement = JSON.parse(JSON.parse(added.stdout).Statement);
    expect(statement).toMatchObject({
      Principal: { Service: "logs.amazonaws.com" },
      Condition: { ArnLike: { "AWS:SourceArn": sourceArn } },
    });
  });

  it("reports service errors the way the CLI prints them (exit 254)", async () => {
    const missing = await aws("lambda", "get-function", "--function-name", "ghost");
    expect(missing.code).toBe(254);
    expect(missing.stderr).toContain(
      `An error occurred (ResourceNotFoundException) when calling the GetFunction operation: Function not found: ${arnOf("ghost")}`,
    );
  });
});
