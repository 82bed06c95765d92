import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
  PutSubscriptionFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  LambdaClient,
} from "@aws-sdk/client-lambda";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAwsError } from "./errors.js";
import { ACCOUNT, type LogsHarness, logsClient, REGION, startLogsSimulator } from "./helpers.js";

/**
 * CloudWatch Logs and the real Lambda service of the simulator: a function that decodes the
 * subscription payload and prints what it got, whose own output lands back in CloudWatch Logs.
 */

const SHIPPER = `
const zlib = require("node:zlib");
exports.handler = async (event) => {
  const data = JSON.parse(zlib.gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString());
  console.log("GOT " + data.logStream + " " + data.logEvents.map((e) => e.message).join("|"));
};`;

let sim: LogsHarness;
let logs: ReturnType<typeof logsClient>;
let lambda: LambdaClient;

beforeAll(async () => {
  sim = await startLogsSimulator();
  logs = logsClient(sim.endpoint);
  lambda = new LambdaClient({
    endpoint: sim.endpoint,
    region: REGION,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
});
afterAll(async () => {
  logs?.destroy();
  lambda?.destroy();
  await sim?.dispose();
});

async function createFunction(name: string) {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: `arn:aws:iam::${ACCOUNT}:role/r`,
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.js": strToU8(SHIPPER) }) },
    }),
  );
  await sim.clock.runFor(0);
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
}

describe("subscription to a real simulated Lambda function", () => {
  it("checks the grant, delivers only matching events and gets the function's logs back", {
    timeout: 60_000,
  }, async () => {
    const arn = await createFunction("shipper");
    await logs.send(new CreateLogGroupCommand({ logGroupName: "app" }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: "app", logStreamName: "web" }));
    const subscribe = () =>
      logs.send(
        new PutSubscriptionFilterCommand({
          logGroupName: "app",
          filterName: "errors",
          filterPattern: '{ $.level = "ERROR" }',
          destinationArn: arn,
        }),
      );
    await expectAwsError(subscribe(), {
      name: "InvalidParameterException",
      message:
        "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.",
    });
    // The regional principal is as good as logs.amazonaws.com.
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: "shipper",
        StatementId: "logs",
        Action: "lambda:InvokeFunction",
        Principal: `logs.${REGION}.amazonaws.com`,
        SourceArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:app:*`,
        SourceAccount: ACCOUNT,
      }),
    );
    await subscribe();

    const now = sim.clock.now();
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: "app",
        logStreamName: "web",
        logEvents: [
          { timestamp: now, message: '{"level":"ERROR","msg":"db down"}' },
          { timestamp: now, message: '{"level":"INFO","msg":"fine"}' },
          { timestamp: now, message: '{"level":"ERROR","msg":"again"}' },
        ],
      }),
    );
    await sim.clock.runFor(60_000);

    const delivered = sim.journal.byType("logs.subscription.delivered");
    expect(delivered).toHaveLength(1);
    const requestId = delivered[0]?.data.requestId as string;
    expect(sim.journal.byCorrelation(requestId).length).toBeGreaterThan(1);

    const out = await logs.send(
      new FilterLogEventsCommand({ logGroupName: "/aws/lambda/shipper", filterPattern: "GOT" }),
    );
    expect(out.events?.map((e) => e.message?.split("\t").at(-1)?.trim())).toEqual([
      'GOT web {"level":"ERROR","msg":"db down"}|{"level":"ERROR","msg":"again"}',
    ]);
  });

  it("disables a filter whose function is gone and journals the drop", {
    timeout: 60_000,
  }, async () => {
    const arn = await createFunction("doomed");
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: "doomed",
        StatementId: "logs",
        Action: "lambda:InvokeFunction",
        Principal: "logs.amazonaws.com",
      }),
    );
    await logs.send(new CreateLogGroupCommand({ logGroupName: "doomed-app" }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: "doomed-app", logStreamName: "s" }));
    await logs.send(
      new PutSubscriptionFilterCommand({
        logGroupName: "doomed-app",
        filterName: "all",
        filterPattern: "",
        destinationArn: arn,
      }),
    );
    await lambda.send(new DeleteFunctionCommand({ FunctionName: "doomed" }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: "doomed-app",
        logStreamName: "s",
        logEvents: [{ timestamp: sim.clock.now(), message: "into the void" }],
      }),
    );
    await sim.clock.runFor(1000);
    const dropped = sim.journal
      .byType("logs.subscription.dropped")
      .filter((e) => e.data.logGroup === "doomed-app");
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.data.reason).toMatch(/^destination rejected the invocation: /);
  });
});
