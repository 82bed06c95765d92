import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ship } from "../../../flows/shipper/handler.js";
import { memoryLogger } from "../../../flows/shipper/logger.js";
import { awslogsEvent, CONTEXT, startListener } from "./helpers.js";

/**
 * The Python shipper's own output for the same inputs (fixtures/pythonShipper.json): the lines
 * sent, byte for byte, the failures, and what it logged.
 */
interface Case {
  name: string;
  env: Record<string, string>;
  payloadText: string;
  bodies?: string[];
  paths?: string[];
  error?: { name: string; message: string };
  log: string[];
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/pythonShipper.json", import.meta.url), "utf8"),
) as { cases: Case[] };

let listener: Awaited<ReturnType<typeof startListener>>;
beforeAll(async () => {
  listener = await startListener();
});
afterAll(() => listener.close());

describe("the shipper against the Python shipper's output", () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    listener.received.length = 0;
    const log = memoryLogger();
    const env = { REQUEST_TIMEOUT: "15", ...c.env, LISTENER_URL: listener.url };
    const run = ship(awslogsEvent(c.payloadText), CONTEXT, { env, log });
    if (c.error) {
      await expect(run).rejects.toMatchObject(c.error);
    } else {
      await run;
      expect(listener.received.map((r) => r.body)).toEqual(c.bodies);
      expect(listener.received.map((r) => r.path)).toEqual(c.paths);
      expect(listener.received.map((r) => r.headers["content-type"])).toEqual(
        c.bodies?.map(() => "application/json"),
      );
    }
    expect(log.lines).toEqual(c.log);
  });

  it("sends the reference note's golden line (§3.2 point 5) first", async () => {
    const [golden] = fixture.cases;
    listener.received.length = 0;
    const env = { ...golden?.env, LISTENER_URL: listener.url };
    await ship(awslogsEvent(golden?.payloadText ?? ""), CONTEXT, { env, log: memoryLogger() });
    const first = listener.received[0]?.body.split("\n")[0];
    expect(first).toBe(
      '{"id": "0", "message": "{\\"err\\":\\"DbTimeout\\",\\"type\\":\\"should-override\\"}", "@timestamp": "2024-01-01T00:00:00.000Z", "requestID": "req-1", "log_level": "ERROR", "logGroup": "/aws/lambda/checkout", "logStream": "2024/01/01/[$LATEST]abc", "messageType": "DATA_MESSAGE", "owner": "123456789012", "namespace": "aws/lambda", "function_version": "$LATEST", "invoked_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:logzio-shipper", "env": "sim", "team": "sre", "type": "should-override", "err": "DbTimeout"}',
    );
  });
});
