import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  regionListenerUrl,
  requestTimeoutSeconds,
  shipperSettings,
} from "../../../flows/shipper/config.js";
import { decodeAwsLogsEvent, pythonB64decode } from "../../../flows/shipper/event.js";
import { ship } from "../../../flows/shipper/handler.js";
import { memoryLogger } from "../../../flows/shipper/logger.js";
import {
  additionalLogData,
  extractLambdaLogMessage,
  parseToJson,
} from "../../../flows/shipper/logRecord.js";
import { dumps, loads, type PyDict } from "../../../flows/shipper/pyjson.js";
import { httpPost, type PostBulk, postWithRetry } from "../../../flows/shipper/send.js";
import { awslogsEvent, CONTEXT } from "./helpers.js";

const record = (message: string): PyDict =>
  new Map([
    ["id", "1"],
    ["message", message],
    ["@timestamp", "5"],
  ]);

function lambdaLine(message: string) {
  const r = record(message);
  const log = memoryLogger();
  extractLambdaLogMessage(r, log);
  return { fields: Object.fromEntries(r), log: log.lines };
}

describe("Lambda log lines", () => {
  it("reads the Node.js runtime's four parts", () => {
    expect(lambdaLine("2024-01-01T00:00:00.000Z\treq-1\tWARN\thello\n").fields).toEqual({
      id: "1",
      message: "hello\n",
      "@timestamp": "2024-01-01T00:00:00.000Z",
      requestID: "req-1",
      log_level: "WARN",
    });
  });

  it("reads the Python runtime's [LEVEL] prefix and three parts", () => {
    expect(lambdaLine("[info]\t2024-01-01T00:00:01Z\treq-2\tpython style").fields).toMatchObject({
      message: "python style",
      "@timestamp": "2024-01-01T00:00:01Z",
      requestID: "req-2",
      log_level: "INFO",
    });
  });

  it("takes a known level in brackets mid-message as the prefix (the original's quirk)", () => {
    const { fields } = lambdaLine("prefix text [ERROR] 2024-01-01T00:00:00Z\treq\tcut here");
    // Everything up to "] " is dropped; the rest has three parts and a date in front.
    expect(fields).toMatchObject({
      log_level: "ERROR",
      "@timestamp": "2024-01-01T00:00:00Z",
      requestID: "req",
      message: "cut here",
    });
  });

  it("keeps the level of unknown brackets out, and ']' before '[' counts as no level", () => {
    expect(lambdaLine("a ] b [DEBUG x").fields.log_level).toBeUndefined();
    expect(lambdaLine("[$LATEST]\tx").fields.log_level).toBeUndefined();
  });

  it("leaves five-part, START, REPORT and EXTENSION lines alone", () => {
    const lines = [
      "2024-01-01T00:00:04.000Z\treq-4\tINFO\tInvoke Error \t{}",
      "START RequestId: r Version: $LATEST\n",
      "REPORT RequestId: r\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n",
      "END RequestId: r\n",
    ];
    for (const line of lines) {
      expect(lambdaLine(line).fields).toEqual(Object.fromEntries(record(line)));
    }
    const extension = lambdaLine("EXTENSION\tName: x\tState: Ready");
    expect(extension.fields.requestID).toBeUndefined();
    expect(extension.log).toEqual([
      "WARNING Error occurred while trying to parse log time: Unknown string format: EXTENSION.",
    ]);
  });
});

describe("FORMAT=json", () => {
  const merged = (message: string, format: string | undefined = "json") => {
    const r = record(message);
    const log = memoryLogger();
    parseToJson(r, format, log);
    return { line: dumps(r), log: log.lines };
  };

  it("merges an object's keys over the log's, in the object's order", () => {
    expect(merged('{"message": "inner", "type": "x", "n": 1.0}', "JSON").line).toBe(
      '{"id": "1", "message": "inner", "@timestamp": "5", "type": "x", "n": 1.0}',
    );
  });

  it("ships a list, a scalar or invalid JSON as text", () => {
    expect(merged("[1,2]")).toEqual({
      line: '{"id": "1", "message": "[1,2]", "@timestamp": "5"}',
      log: ["INFO Field message is a list and cannot be parsed to JSON"],
    });
    expect(merged("42").log).toEqual([
      "WARNING Error occurred while trying to parse log to JSON: 'int' object has no attribute 'items'. Field will be passed as string.",
    ]);
    expect(merged("{oops").log).toEqual([
      "WARNING Error occurred while trying to parse log to JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1). Field will be passed as string.",
    ]);
  });

  it("with FORMAT=text does nothing and says nothing", () => {
    expect(merged('{"a": 1}', "text")).toEqual({
      line: '{"id": "1", "message": "{\\"a\\": 1}", "@timestamp": "5"}',
      log: [],
    });
  });
});

describe("the fields added to every log", () => {
  const payload = loads(
    '{"messageType": "DATA_MESSAGE", "owner": "1", "logGroup": "/aws/rds/cluster/db/error", "logStream": "s"}',
  ) as PyDict;

  it("adds the namespace, the shipper's own version and ARN, ENRICH pairs and the type", () => {
    const added = additionalLogData(payload, CONTEXT, { ENRICH: "k=v;x=1=2" }, memoryLogger());
    expect(Object.fromEntries(added)).toEqual({
      messageType: "DATA_MESSAGE",
      owner: "1",
      logGroup: "/aws/rds/cluster/db/error",
      logStream: "s",
      namespace: "aws/rds",
      function_version: "$LATEST",
      invoked_function_arn: CONTEXT.invokedFunctionArn,
      k: "v",
      x: "1",
      type: "logzio_cloudwatch_lambda",
    });
  });

  it("fails on a malformed ENRICH, and on a payload field missing", () => {
    for (const ENRICH of ["novalue", "a=b;", ";a=b"]) {
      expect(() => additionalLogData(payload, CONTEXT, { ENRICH }, memoryLogger())).toThrow(
        expect.objectContaining({ name: "IndexError", message: "list index out of range" }),
      );
    }
    const partial = new Map(payload);
    partial.delete("owner");
    expect(() => additionalLogData(partial, CONTEXT, {}, memoryLogger())).toThrow(
      expect.objectContaining({ name: "KeyError", message: "'owner'" }),
    );
  });
});

describe("configuration", () => {
  it("builds the listener URL from REGION, which wins over LISTENER_URL", () => {
    expect(regionListenerUrl("us")).toBe("https://listener.logz.io:8071");
    expect(regionListenerUrl("eu")).toBe("https://listener-eu.logz.io:8071");
    const log = memoryLogger();
    const settings = shipperSettings(
      { TOKEN: "T", LISTENER_URL: "http://127.0.0.1:1", REGION: "au" },
      log,
    );
    expect(settings.url).toBe("https://listener-au.logz.io:8071/?token=T");
    expect(shipperSettings({ TOKEN: "T" }, log).url).toBe("https://listener.logz.io:8071/?token=T");
  });

  it("needs TOKEN, reads COMPRESS case-insensitively", () => {
    expect(() => shipperSettings({}, memoryLogger())).toThrow(
      expect.objectContaining({ name: "KeyError", message: "'TOKEN'" }),
    );
    expect(shipperSettings({ TOKEN: "", COMPRESS: "TRUE" }, memoryLogger()).compress).toBe(true);
    expect(shipperSettings({ TOKEN: "", COMPRESS: "yes" }, memoryLogger()).compress).toBe(false);
  });

  it("reads REQUEST_TIMEOUT as Python's int(), 15 when empty, invalid or not positive", () => {
    const read = (text: string | undefined) => {
      const log = memoryLogger();
      return [requestTimeoutSeconds(text, log), log.lines.length];
    };
    expect(read("30")).toEqual([30, 0]);
    expect(read(" +7 ")).toEqual([7, 0]);
    expect(read("1_0")).toEqual([10, 0]);
    expect(read("")).toEqual([15, 0]);
    expect(read(undefined)).toEqual([15, 0]);
    expect(read("0")).toEqual([15, 1]);
    expect(read("-3")).toEqual([15, 1]);
    // shipper.py catches the ValueError: a warning, not a failed invocation.
    expect(read("1.5")).toEqual([15, 1]);
    expect(read("abc")).toEqual([15, 1]);
  });
});

describe("decoding the event", () => {
  it("fails with ValueError on bad base64 or JSON, with the original's names otherwise", () => {
    const log = memoryLogger();
    expect(() => decodeAwsLogsEvent({ awslogs: { data: "abcde" } }, log)).toThrow(
      expect.objectContaining({ name: "ValueError", message: "Exception: json loads" }),
    );
    expect(log.lines[0]).toBe(
      "ERROR Got exception while loading json, message: Invalid base64-encoded string: number of data characters (5) cannot be 1 more than a multiple of 4",
    );
    expect(() => decodeAwsLogsEvent(awslogsEvent("{nope"), log)).toThrow(
      expect.objectContaining({ name: "ValueError" }),
    );
    expect(() => decodeAwsLogsEvent({ awslogs: { data: "aGVsbG8=" } }, log)).toThrow(
      expect.objectContaining({ name: "BadGzipFile" }),
    );
    expect(() => decodeAwsLogsEvent({}, log)).toThrow(
      expect.objectContaining({ name: "KeyError" }),
    );
  });

  it("reads base64 as binascii does: junk skipped, padding required", () => {
    expect(pythonB64decode("aGVs\nbG8=").toString()).toBe("hello");
    expect(pythonB64decode("aGVsbG8=trailing").toString()).toBe("hello");
    expect(() => pythonB64decode("aGVsbG8")).toThrow("Incorrect padding");
  });

  it("fails on an event that is not an object, after the logs before it were added", async () => {
    const payload = JSON.stringify({
      messageType: "DATA_MESSAGE",
      owner: "1",
      logGroup: "g",
      logStream: "s",
      logEvents: [{ id: "1", timestamp: 1, message: "a" }, "not a dict"],
    });
    const post: PostBulk = async () => ({ status: 200, reason: "OK" });
    await expect(
      ship(awslogsEvent(payload), CONTEXT, { env: { TOKEN: "T" }, log: memoryLogger(), post }),
    ).rejects.toMatchObject({ name: "TypeError" });
  });
});

/** A post that answers with the given statuses and records the virtual moments of each call. */
function scripted(statuses: number[]) {
  const calls: number[] = [];
  let now = 0;
  const post: PostBulk = async () => {
    calls.push(now);
    const status = statuses[calls.length - 1] ?? 200;
    return { status, reason: http.STATUS_CODES[status] ?? "" };
  };
  const sleep = async (ms: number) => {
    now += ms;
  };
  return { calls, post, sleep };
}

describe("sending with retries", () => {
  const body = Buffer.from("x");

  it("retries other statuses after 4, 8 and 16 s and succeeds on the fourth attempt", async () => {
    const s = scripted([500, 503, 429, 200]);
    const log = memoryLogger();
    await postWithRetry(s.post, body, {}, log, s.sleep);
    expect(s.calls).toEqual([0, 4000, 12_000, 28_000]);
    expect(log.lines).toContain(
      "ERROR Unknown HTTP exception: HTTP Error 503: Service Unavailable",
    );
    expect(log.lines).toContain("INFO Failure in sending logs - Trying again in 16 seconds");
  });

  it("gives up after four attempts", async () => {
    const s = scripted([413, 413, 413, 413, 200]);
    await expect(postWithRetry(s.post, body, {}, memoryLogger(), s.sleep)).rejects.toMatchObject({
      name: "MaxRetriesException",
    });
    expect(s.calls).toHaveLength(4);
  });

  it.each([
    [400, "BadLogsException"],
    [401, "UnauthorizedAccessException"],
    [404, "UnknownURL"],
  ])("stops at once on %i", async (status, name) => {
    const s = scripted([status, 200]);
    await expect(postWithRetry(s.post, body, {}, memoryLogger(), s.sleep)).rejects.toMatchObject({
      name,
    });
    expect(s.calls).toHaveLength(1);
  });

  it("drops a bulk answered 400 and goes on; 401 fails the invocation", async () => {
    const payload = JSON.stringify({
      messageType: "DATA_MESSAGE",
      owner: "1",
      logGroup: "g",
      logStream: "s",
      logEvents: [{ id: "1", timestamp: 1, message: "a" }],
    });
    const run = (status: number) => {
      const s = scripted([status]);
      const log = memoryLogger();
      const env = { TOKEN: "T", TYPE: "t", FORMAT: "text" };
      return { s, log, done: ship(awslogsEvent(payload), CONTEXT, { env, log, ...s }) };
    };
    const bad = run(400);
    await bad.done;
    expect(bad.log.lines.slice(-2)).toEqual([
      "ERROR Got 400 code from Logz.io. This means that some of your logs are too big, or badly formatted. response: Bad Request",
      "WARNING Dropping logs that cause the bad response...",
    ]);
    const unauthorized = run(401);
    await expect(unauthorized.done).rejects.toMatchObject({ name: "UnauthorizedAccessException" });
    expect(unauthorized.log.lines.at(-1)).toBe(
      "ERROR You are not authorized with Logz.io! Token OK? dropping logs...",
    );
  });
});

describe("bulks", () => {
  const payloadOf = (messages: string[], logGroup: string) =>
    JSON.stringify({
      messageType: "DATA_MESSAGE",
      owner: "1",
      logGroup,
      logStream: "s",
      subscriptionFilters: [],
      logEvents: messages.map((message, i) => ({ id: String(i), timestamp: i, message })),
    });

  async function bulks(messages: string[], logGroup: string, env: Record<string, string> = {}) {
    const sent: { body: Buffer; headers: Record<string, string> }[] = [];
    const post: PostBulk = async (body, headers) => {
      sent.push({ body: Buffer.from(body), headers });
      return { status: 200, reason: "OK" };
    };
    const fullEnv = { TOKEN: "T", TYPE: "t", FORMAT: "text", ...env };
    await ship(awslogsEvent(payloadOf(messages, logGroup)), CONTEXT, {
      env: fullEnv,
      log: memoryLogger(),
      post,
    });
    return sent;
  }

  it("splits at 3 MiB counted as sys.getsizeof, as the Python shipper did for the same logs", async () => {
    // The Python shipper sent these 40,000 logs as 8350, 8309, 8301, 8301 and 6739 lines:
    // without the 49 bytes per string each bulk would hold over 9,000.
    const sent = await bulks(
      Array.from({ length: 40_000 }, () => "m".repeat(60)),
      "small",
    );
    expect(sent.map((s) => s.body.toString().split("\n").length)).toEqual([
      8350, 8309, 8301, 8301, 6739,
    ]);
    expect(sent.map((s) => s.body.length)).toEqual([2744929, 2746978, 2747630, 2747630, 2230608]);
  });

  it("sends large logs in bulks that include the log crossing the limit", async () => {
    const messages = Array.from({ length: 45 }, (_, i) => "x".repeat(100_000 + i * 997));
    const sent = await bulks(messages, "big");
    expect(sent.map((s) => s.body.toString().split("\n").length)).toEqual([28, 17]);
  });

  it("sends one gzip request for the whole invocation when COMPRESS=true (the original's quirk)", async () => {
    const messages = Array.from({ length: 45 }, (_, i) => "x".repeat(100_000 + i * 997));
    const sent = await bulks(messages, "big", { COMPRESS: "true" });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers).toEqual({
      "Content-encoding": "gzip",
      "Content-type": "application/json",
    });
    const lines = gunzipSync(sent[0]?.body ?? Buffer.alloc(0))
      .toString()
      .split("\n");
    expect(lines).toHaveLength(45);
    expect(lines.join("\n").length).toBe(5498844);
  });
});

describe("the HTTP post", () => {
  async function server(handler: http.RequestListener) {
    const s = http.createServer(handler);
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    const { port } = s.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => {
        s.closeAllConnections();
        s.close();
      },
    };
  }

  it("posts to {base}/?token= verbatim and reads the status and reason", async () => {
    let seen = "";
    const s = await server((req, res) => {
      seen = `${req.method} ${req.url} ${req.headers["content-type"]} ${req.headers.connection}`;
      res.writeHead(418, "Teapot").end();
    });
    const result = await httpPost(`${s.url}//?token=a%20b`, 15)(Buffer.from("x"), {
      "Content-type": "application/json",
    });
    s.close();
    expect(result).toEqual({ status: 418, reason: "Teapot" });
    expect(seen).toBe("POST //?token=a%20b application/json close");
  });

  it("fails with URLError when nothing listens, without retrying", async () => {
    const s = await server(() => {});
    const url = s.url;
    s.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(httpPost(`${url}/?token=T`, 15)(Buffer.from("x"), {})).rejects.toMatchObject({
      name: "URLError",
      message: "<urlopen error [Errno 111] Connection refused>",
    });
  });

  it("times out a listener that never answers with TimeoutError", async () => {
    const s = await server(() => {});
    await expect(httpPost(`${s.url}/?token=T`, 1)(Buffer.from("x"), {})).rejects.toMatchObject({
      name: "TimeoutError",
    });
    s.close();
  });

  it("refuses a scheme urllib does not open", () => {
    expect(() => httpPost("ftp://listener/?token=T", 1)).toThrow("unknown url type: ftp");
  });
});
