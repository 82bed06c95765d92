import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LogsHarness, rawCall, startLogsSimulator } from "./helpers.js";

let sim: LogsHarness;

beforeAll(async () => {
  sim = await startLogsSimulator();
});
afterAll(async () => {
  await sim?.dispose();
});
beforeEach(async () => {
  await sim.reset();
});

describe("awsJson1_1 transport", () => {
  it("answers success with 200, the JSON content type, a request id and {} for no output", async () => {
    const res = await rawCall(sim.endpoint, "Logs_20140328.CreateLogGroup", '{"logGroupName":"g"}');
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(res.headers.get("x-amzn-requestid")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(res.json).toEqual({});
  });

  it("answers an unknown operation as the AWS front end does", async () => {
    const res = await rawCall(sim.endpoint, "Logs_20140328.DescribeEverything", "{}");
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ __type: "com.amazon.coral.service#UnknownOperationException" });
  });

  it("answers a body that is not JSON with a SerializationException", async () => {
    const res = await rawCall(sim.endpoint, "Logs_20140328.CreateLogGroup", "{not json");
    expect(res.status).toBe(400);
    expect(res.json.__type).toBe("com.amazon.coral.service#SerializationException");
  });

  it("answers a member of the wrong JSON type with a SerializationException", async () => {
    const res = await rawCall(sim.endpoint, "Logs_20140328.DescribeLogGroups", '{"limit":"fifty"}');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      __type: "com.amazon.coral.service#SerializationException",
      Message: "STRING_VALUE can not be converted to a Long",
    });
  });

  it("names a missing required member with an unquoted null", async () => {
    const res = await rawCall(sim.endpoint, "Logs_20140328.PutLogEvents", '{"logGroupName":"g"}');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      __type: "InvalidParameterException",
      message:
        "2 validation errors detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null; Value null at 'logEvents' failed to satisfy constraint: Member must not be null",
    });
  });

  it("treats JSON null as an absent member", async () => {
    const res = await rawCall(
      sim.endpoint,
      "Logs_20140328.DescribeLogGroups",
      '{"logGroupNamePrefix":null,"limit":null}',
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ logGroups: [] });
  });

  it("exposes its state on the admin endpoint", async () => {
    await rawCall(sim.endpoint, "Logs_20140328.CreateLogGroup", '{"logGroupName":"seen"}');
    const res = await fetch(`${sim.endpoint}/_watermelon/state`);
    const body = JSON.stringify(await res.json());
    expect(body).toContain('"logGroupName":"seen"');
  });
});
