/**
 * One conformance suite for both AWS backends: the embedded emulator always, LocalStack when a
 * Docker engine answers. Where LocalStack Community is known to differ from AWS (it ignores
 * filter patterns), the suite asserts LocalStack's documented behaviour and says so in the name.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutSubscriptionFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  waitUntilFunctionActiveV2,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulator, type Simulator } from "../../../../simulator/cli/api.js";
import { LOCALSTACK_IMAGE } from "../../../../simulator/cli/localstack.js";
import { whyNoDocker } from "../../../support/docker.js";

interface Target {
  name: "embedded" | "localstack";
  endpoint: string;
  /** The backend's now: virtual on the embedded emulator, wall time on LocalStack. */
  now(): number;
  /** Lets asynchronous work (subscription delivery, async invocations) finish. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const region = "us-east-1";

async function embeddedTarget(): Promise<Target> {
  const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-conformance-"));
  const sim: Simulator = createSimulator({ home });
  await sim.ready;
  return {
    name: "embedded",
    endpoint: sim.endpoints.aws.url,
    now: () => sim.clock.now(),
    settle: async () => {
      await sim.clock.runFor(60_000);
    },
    close: async () => {
      await sim.dispose();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function localstackTarget(): Promise<Target> {
  const { LocalstackContainer } = await import("@testcontainers/localstack");
  const container = await new LocalstackContainer(LOCALSTACK_IMAGE)
    .withEnvironment({ SERVICES: "logs,lambda", SKIP_SSL_CERT_DOWNLOAD: "1" })
    .start();
  return {
    name: "localstack",
    endpoint: container.getConnectionUri(),
    now: () => Date.now(),
    // LocalStack delivers in real time, inside the PutLogEvents call or shortly after.
    settle: () => new Promise((resolve) => setTimeout(resolve, 3_000)),
    close: async () => {
      await container.stop();
    },
  };
}

const dockerMissing = await whyNoDocker();

const RECORDER = `exports.handler = async (event) => {
  console.log("RECEIVED " + JSON.stringify(event));
  return { ok: true, echo: event };
};
`;

function defineSuite(name: Target["name"], start: () => Promise<Target>) {
  describe(`AWS conformance: ${name}`, () => {
    let target: Target;
    let logs: CloudWatchLogsClient;
    let lambda: LambdaClient;
    const group = "/watermelon/conformance";
    const stream = "app-1";

    beforeAll(async () => {
      target = await start();
      logs = new CloudWatchLogsClient({ endpoint: target.endpoint, region, credentials });
      lambda = new LambdaClient({ endpoint: target.endpoint, region, credentials });
      await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    }, 180_000);

    afterAll(async () => {
      logs?.destroy();
      lambda?.destroy();
      await target?.close();
    });

    it("a log group is listed with its ARN", async () => {
      const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
      expect(out.logGroups?.map((g) => g.logGroupName)).toEqual([group]);
      expect(out.logGroups?.[0]?.arn).toBe(
        `arn:aws:logs:${region}:000000000000:log-group:${group}:*`,
      );
    });

    it("a duplicate log group is ResourceAlreadyExistsException", async () => {
      const error = await logs
        .send(new CreateLogGroupCommand({ logGroupName: group }))
        .catch((e) => e);
      expect(error.name).toBe("ResourceAlreadyExistsException");
      expect(error.$metadata.httpStatusCode).toBe(400);
    });

    it("PutLogEvents to a missing stream names the stream", async () => {
      const error = await logs
        .send(
          new PutLogEventsCommand({
            logGroupName: group,
            logStreamName: "nope",
            logEvents: [{ timestamp: target.now(), message: "x" }],
          }),
        )
        .catch((e) => e);
      expect(error.name).toBe("ResourceNotFoundException");
      expect(error.message).toBe("The specified log stream does not exist.");
    });

    it("events come back in order from GetLogEvents", async () => {
      const now = target.now();
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          logEvents: [
            { timestamp: now - 2, message: '{"level":"info","msg":"started"}' },
            { timestamp: now - 1, message: '{"level":"error","msg":"ERROR payment failed"}' },
          ],
        }),
      );
      const out = await logs.send(
        new GetLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          startFromHead: true,
        }),
      );
      expect(out.events?.map((e) => e.message)).toEqual([
        '{"level":"info","msg":"started"}',
        '{"level":"error","msg":"ERROR payment failed"}',
      ]);
    });

    const patternCase =
      name === "localstack"
        ? "FilterLogEvents with a pattern (LocalStack Community ignores patterns: expected difference, it returns every event)"
        : "FilterLogEvents applies the filter pattern";
    it(patternCase, async () => {
      const out = await logs.send(
        new FilterLogEventsCommand({ logGroupName: group, filterPattern: '{ $.level = "error" }' }),
      );
      const messages = out.events?.map((e) => e.message);
      if (name === "localstack") expect(messages).toHaveLength(2);
      else expect(messages).toEqual(['{"level":"error","msg":"ERROR payment failed"}']);
    });

    it("a Lambda function is created from a zip, becomes Active and answers an invoke", async () => {
      const zip = zipSync({ "index.js": new TextEncoder().encode(RECORDER) });
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: "recorder",
          Runtime: "nodejs20.x",
          Handler: "index.handler",
          Role: "arn:aws:iam::000000000000:role/lambda-role",
          Code: { ZipFile: zip },
        }),
      );
      await waitUntilFunctionActiveV2(
        { client: lambda, maxWaitTime: 120, minDelay: 1 },
        { FunctionName: "recorder" },
      );
      const out = await lambda.send(
        new InvokeCommand({
          FunctionName: "recorder",
          Payload: new TextEncoder().encode('{"a":1}'),
        }),
      );
      expect(out.StatusCode).toBe(200);
      expect(out.FunctionError).toBeUndefined();
      expect(JSON.parse(new TextDecoder().decode(out.Payload))).toEqual({
        ok: true,
        echo: { a: 1 },
      });
    }, 180_000);

    const subscriptionCase =
      name === "localstack"
        ? "a subscription filter delivers to Lambda (LocalStack Community ignores the pattern: expected difference, every event is delivered)"
        : "a subscription filter delivers only matching events to Lambda";
    it(subscriptionCase, async () => {
      const functionArn = `arn:aws:lambda:${region}:000000000000:function:recorder`;
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: "recorder",
          StatementId: "cloudwatch-logs",
          Action: "lambda:InvokeFunction",
          Principal: "logs.amazonaws.com",
          SourceArn: `arn:aws:logs:${region}:000000000000:log-group:${group}:*`,
        }),
      );
      await logs.send(
        new PutSubscriptionFilterCommand({
          logGroupName: group,
          filterName: "errors-to-shipper",
          filterPattern: '{ $.level = "error" }',
          destinationArn: functionArn,
        }),
      );
      const now = target.now();
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          logEvents: [
            { timestamp: now, message: '{"level":"info","msg":"fine"}' },
            { timestamp: now, message: '{"level":"error","msg":"broken"}' },
          ],
        }),
      );
      await target.settle();
      const received = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: "/aws/lambda/recorder",
          filterPattern: "RECEIVED",
        }),
      );
      const delivered = (received.events ?? []).flatMap((e) => decodeDelivery(e.message ?? ""));
      if (name === "localstack") expect(delivered).toContain('{"level":"info","msg":"fine"}');
      else expect(delivered).toEqual(['{"level":"error","msg":"broken"}']);
    }, 180_000);
  });
}

/** The log messages inside the CloudWatch Logs payloads a RECEIVED line shows. */
function decodeDelivery(line: string): string[] {
  const json = line.slice(line.indexOf("RECEIVED ") + "RECEIVED ".length).trim();
  const event = JSON.parse(json) as { awslogs?: { data: string } };
  if (!event.awslogs) return [];
  const payload = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString()) as {
    logEvents: { message: string }[];
  };
  return payload.logEvents.map((e) => e.message);
}

defineSuite("embedded", embeddedTarget);
if (dockerMissing) {
  describe("AWS conformance: localstack", () => {
    it.skip(`skipped: ${dockerMissing}; LocalStack runs only where a Docker engine answers`, () => {});
  });
} else {
  defineSuite("localstack", localstackTarget);
}
