import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
  PutSubscriptionFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildShipperZip,
  SHIPPER_HANDLER,
  SHIPPER_RUNTIME,
  type ShipperEnvironmentOptions,
  shipperEnvironment,
} from "../../../flows/shipper/index.js";
import { createSimulator, type Simulator } from "../../../simulator/cli/api.js";
import { trackServerRequests } from "../../../simulator/host/inflight.js";

/**
 * The shipper as a real function of the embedded AWS emulator, on the virtual clock: CloudWatch
 * Logs delivers to it, it posts to the Logz.io listener, and its back-offs take virtual time.
 */

const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const SECOND = 1000;
const MINUTE = 60 * SECOND;

let home: string;
let sim: Simulator;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "watermelon-shipper-test-"));
  sim = createSimulator({ home });
  await sim.ready;
  const endpoint = sim.endpoints.aws.url;
  lambda = new LambdaClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  logs = new CloudWatchLogsClient({ endpoint, region: REGION, credentials: CREDENTIALS });
});

afterAll(async () => {
  lambda?.destroy();
  logs?.destroy();
  await sim?.dispose();
  rmSync(home, { recursive: true, force: true });
});

/** The shipper function, allowed to be invoked by CloudWatch Logs, subscribed to `group`. */
async function deployShipper(name: string, group: string, env: Partial<ShipperEnvironmentOptions>) {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: SHIPPER_RUNTIME,
      Role: `arn:aws:iam::${ACCOUNT}:role/logzio-shipper`,
      Handler: SHIPPER_HANDLER,
      Timeout: 60,
      MemorySize: 512,
      Code: { ZipFile: await buildShipperZip() },
      Environment: {
        Variables: shipperEnvironment({
          token: sim.env.LOGZIO_TOKEN ?? "",
          listenerUrl: sim.endpoints.logzioListener.url,
          ...env,
        }),
      },
    }),
  );
  await sim.clock.runFor(0);
  await lambda.send(
    new AddPermissionCommand({
      FunctionName: name,
      StatementId: "cloudwatch-logs",
      Action: "lambda:InvokeFunction",
      Principal: "logs.amazonaws.com",
      SourceArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:*`,
    }),
  );
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: "web-1" }));
  await logs.send(
    new PutSubscriptionFilterCommand({
      logGroupName: group,
      filterName: "to-logzio",
      filterPattern: "",
      destinationArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    }),
  );
}

async function putLines(group: string, messages: string[]) {
  const now = sim.clock.now();
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: "web-1",
      logEvents: messages.map((message) => ({ timestamp: now, message })),
    }),
  );
}

async function searchLogzio(query: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${sim.endpoints.logzioApi.url}/v1/search`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-API-TOKEN": sim.env.LOGZIO_API_TOKEN ?? "" },
    body: JSON.stringify({ query: { query_string: { query } }, size: 100 }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    hits: { hits: { _source: Record<string, unknown> }[] };
  };
  return body.hits.hits.map((h) => h._source);
}

const invocations = (name: string) =>
  sim.journal.byType("lambda.invoked").filter((e) => e.data.functionName === name);

async function functionLog(name: string, filterPattern: string): Promise<string[]> {
  const out = await logs.send(
    new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, filterPattern }),
  );
  return (out.events ?? []).map((e) => e.message ?? "");
}

describe("logzio-shipper in the AWS emulator", () => {
  it("ships subscribed lines to Logz.io with the fields the shipper adds", {
    timeout: 60_000,
  }, async () => {
    await deployShipper("logzio-shipper", "checkout", {
      type: "checkout-app",
      format: "json",
      enrich: { env: "sim" },
    });
    await putLines("checkout", [
      '{"level":"ERROR","msg":"db down","trace_id":"t-1","latency_ms":1.0}',
      "plain text line",
    ]);
    await sim.clock.runFor(MINUTE);

    expect(invocations("logzio-shipper").map((e) => e.data.outcome)).toEqual(["success"]);
    const found = await searchLogzio("logGroup:checkout");
    const byMessage = new Map(found.map((log) => [log.message, log]));
    const json = byMessage.get(
      '{"level":"ERROR","msg":"db down","trace_id":"t-1","latency_ms":1.0}',
    );
    expect(json).toMatchObject({
      logGroup: "checkout",
      logStream: "web-1",
      owner: ACCOUNT,
      messageType: "DATA_MESSAGE",
      type: "checkout-app",
      env: "sim",
      function_version: "$LATEST",
      invoked_function_arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:logzio-shipper`,
      level: "ERROR",
      msg: "db down",
      trace_id: "t-1",
      latency_ms: 1,
    });
    expect(json?.namespace).toBeUndefined();
    expect(byMessage.get("plain text line")).toMatchObject({ type: "checkout-app", env: "sim" });
    expect(await functionLog("logzio-shipper", '"Successfully sent bulk of 2 logs"')).toHaveLength(
      1,
    );
  });
});

/** A listener of our own, answering with `statuses` in turn, noting the virtual time of each. */
async function scriptedListener(statuses: number[]) {
  const seen: number[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push(sim.clock.now());
      res.statusCode = statuses[seen.length - 1] ?? 200;
      res.end();
    });
  });
  trackServerRequests(server, sim.clock, "test listener");
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("retries on the virtual clock", () => {
  it("retries 500, 503 and 429 after 4, 8 and 16 virtual seconds, then succeeds", {
    timeout: 60_000,
  }, async () => {
    const listener = await scriptedListener([500, 503, 429, 200]);
    await deployShipper("shipper-retries", "retried", { listenerUrl: listener.url });
    await putLines("retried", ["one"]);
    await sim.clock.runFor(2 * MINUTE);
    await listener.close();

    const start = listener.seen[0] ?? Number.NaN;
    expect(listener.seen.map((t) => t - start)).toEqual([0, 4 * SECOND, 12 * SECOND, 28 * SECOND]);
    expect(invocations("shipper-retries").map((e) => e.data.outcome)).toEqual(["success"]);
    expect(await functionLog("shipper-retries", '"Trying again in"')).toHaveLength(3);
  });

  it("drops a bulk answered 400 after one request, and the invocation succeeds", {
    timeout: 60_000,
  }, async () => {
    const listener = await scriptedListener([400, 200]);
    await deployShipper("shipper-400", "bad-logs", { listenerUrl: listener.url });
    await putLines("bad-logs", ["too big, say"]);
    await sim.clock.runFor(5 * MINUTE);
    await listener.close();

    expect(listener.seen).toHaveLength(1);
    expect(invocations("shipper-400").map((e) => e.data.outcome)).toEqual(["success"]);
    expect(await functionLog("shipper-400", '"Got 400 code from Logz.io"')).toHaveLength(1);
  });

  it("fails on 401, and Lambda's async retries run it again a minute then two later", {
    timeout: 60_000,
  }, async () => {
    const listener = await scriptedListener([401, 401, 401, 401]);
    await deployShipper("shipper-401", "unauthorized", { listenerUrl: listener.url });
    await putLines("unauthorized", ["nobody will see this"]);
    await sim.clock.runFor(5 * MINUTE);
    await listener.close();

    const attempts = invocations("shipper-401");
    expect(attempts.map((e) => [e.data.attempt, e.data.outcome, e.data.errorType])).toEqual([
      [1, "error", "UnauthorizedAccessException"],
      [2, "error", "UnauthorizedAccessException"],
      [3, "error", "UnauthorizedAccessException"],
    ]);
    const start = listener.seen[0] ?? Number.NaN;
    expect(listener.seen.map((t) => t - start)).toEqual([0, MINUTE, 3 * MINUTE]);
    expect(await functionLog("shipper-401", '"You are not authorized with Logz.io"')).toHaveLength(
      3,
    );
  });
});
