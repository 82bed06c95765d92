import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultLogzioAccount, JOURNALED_TEXT_CHARS } from "../../../mocks/logzio/index.js";
import { createRng, type Simulator } from "../../../simulator/cli/api.js";
import { DEFAULT_START } from "../../../simulator/kernel/clock.js";
import { postHttps, postThroughProxy, startSimulator, storedLogs } from "./helpers.js";

let sim: Simulator;
let ca: Buffer;
let close: () => Promise<void>;
let token: string;

beforeAll(async () => {
  ({ sim, ca, close } = await startSimulator({ seed: "listener-test" }));
  token = sim.env.LOGZIO_TOKEN as string;
});
afterAll(async () => close());
beforeEach(async () => {
  await fetch(`${sim.endpoints.logzioListener.url}/_watermelon/reset`, { method: "POST" });
});

const ndjson = (...logs: unknown[]) => logs.map((l) => JSON.stringify(l)).join("\n");

function post(
  body: string | Buffer,
  query = `?token=${token}`,
  headers: Record<string, string> = {},
) {
  return fetch(`${sim.endpoints.logzioListener.url}/${query}`, { method: "POST", body, headers });
}

describe("default account", () => {
  it("puts a 32-letter shipping token and a UUID API token in the env, derived from the seed", () => {
    expect(sim.env.LOGZIO_TOKEN).toMatch(/^[A-Za-z]{32}$/);
    expect(sim.env.LOGZIO_API_TOKEN).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const same = defaultLogzioAccount(createRng("listener-test"));
    expect(same.shippingToken).toBe(sim.env.LOGZIO_TOKEN);
    expect(same.apiToken).toBe(sim.env.LOGZIO_API_TOKEN);
    expect(defaultLogzioAccount(createRng("other-seed")).shippingToken).not.toBe(token);
  });
});

describe("Logz.io listener over http", () => {
  it("indexes one JSON log per line and answers 200 with an empty body", async () => {
    const res = await post(ndjson({ message: "first", level: "info" }, { message: "second" }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const logs = await storedLogs(sim);
    expect(logs.map((l) => l.fields.message)).toEqual(["first", "second"]);
    expect(logs[0]?.fields.level).toBe("info");
    expect(logs.map((l) => l.type)).toEqual(["http-bulk", "http-bulk"]);
    expect(logs[1]?.seq).toBeGreaterThan(logs[0]?.seq ?? Infinity);
  });

  it("indexes logs over the per-log limits retyped logzio-invalid-log and tagged with why", async () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 10; i++) deep = { [`level${i}`]: deep };
    const wide = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, i]));
    let tenDeep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 9; i++) tenDeep = { [`level${i}`]: tenDeep };
    const res = await post(
      ndjson(
        { message: "long", stack: "x".repeat(32_701), tags: ["mine"] },
        { message: "deep", ...deep },
        { message: "wide", ...wide },
        { message: "fine", stack: "x".repeat(32_700), ...tenDeep },
        { message: "long key", ["k".repeat(32_701)]: 1 },
        { message: "in arrays", items: [{ big: "y".repeat(40_000) }] },
      ),
    );
    expect(res.status).toBe(200);
    const logs = await storedLogs(sim);
    expect(logs.map((l) => [l.fields.message, l.type, l.fields.tags])).toEqual([
      ["long", "logzio-invalid-log", ["mine", "INVALID_FIELD_VALUE_LENGTH"]],
      ["deep", "logzio-invalid-log", ["MAX_JSON_DEPTH"]],
      ["wide", "logzio-invalid-log", ["MAX_FIELDS_NUMBER"]],
      ["fine", "http-bulk", undefined],
      ["long key", "logzio-invalid-log", ["MAX_FIELD_KEY_SIZE"]],
      ["in arrays", "logzio-invalid-log", ["INVALID_FIELD_VALUE_LENGTH"]],
    ]);
  });

  it("accepts any path and one trailing newline without counting an empty line", async () => {
    const res = await fetch(`${sim.endpoints.logzioListener.url}/bulk?token=${token}`, {
      method: "POST",
      body: `${ndjson({ message: "a" })}\n`,
    });
    expect(res.status).toBe(200);
    expect(await storedLogs(sim)).toHaveLength(1);
  });

  it("gunzips a body sent with content-encoding: gzip", async () => {
    const body = gzipSync(ndjson({ message: "zipped 1" }, { message: "zipped 2" }));
    const res = await post(body, `?token=${token}`, { "content-encoding": "gzip" });
    expect(res.status).toBe(200);
    expect((await storedLogs(sim)).map((l) => l.fields.message)).toEqual(["zipped 1", "zipped 2"]);
  });

  it("lets a log's own type override the query's, and uses the query's otherwise", async () => {
    const res = await post(
      ndjson({ message: "own", type: "nodejs" }, { message: "q" }),
      `?token=${token}&type=from-query`,
    );
    expect(res.status).toBe(200);
    const logs = await storedLogs(sim);
    expect(logs.map((l) => [l.type, l.fields.type])).toEqual([
      ["nodejs", "nodejs"],
      ["from-query", "from-query"],
    ]);
  });

  it("stamps a log without @timestamp with the virtual clock, and keeps one that has it", async () => {
    const start = sim.clock.now();
    expect(start).toBe(DEFAULT_START);
    await post(ndjson({ message: "no time" }));
    await sim.clock.runFor(90_000);
    await post(
      ndjson(
        { message: "later, no time" },
        { message: "iso", "@timestamp": "2025-12-31T23:59:58.123Z" },
        { message: "epoch string", "@timestamp": "1580747176629" },
      ),
    );
    const logs = await storedLogs(sim);
    expect(logs.map((l) => l["@timestamp"])).toEqual([
      "2026-01-05T09:00:00.000Z",
      "2026-01-05T09:01:30.000Z",
      "2025-12-31T23:59:58.123Z",
      new Date(1580747176629).toISOString(),
    ]);
    expect(logs[0]?.fields["@timestamp"]).toBe("2026-01-05T09:00:00.000Z");
    // The document keeps the value as it was sent, as Elasticsearch keeps _source.
    expect(logs[3]?.fields["@timestamp"]).toBe("1580747176629");
  });

  it("indexes a log whose @timestamp is no date as logzio-index-failure, tagged", async () => {
    const res = await post(ndjson({ message: "bad time", "@timestamp": "EXTENSION" }));
    expect(res.status).toBe(200);
    const [log] = await storedLogs(sim);
    expect(log?.type).toBe("logzio-index-failure");
    expect(log?.fields.tags).toEqual(["INVALID_TIMESTAMP"]);
    expect(log?.["@timestamp"]).toBe(new Date(sim.clock.now()).toISOString());
  });

  it("answers 401 'Logging token is missing' without a token", async () => {
    const res = await post(ndjson({ message: "x" }), "");
    expect(res.status).toBe(401);
    expect(await res.text()).toBe("Logging token is missing");
    const empty = await post(ndjson({ message: "x" }), "?token=");
    expect(await empty.text()).toBe("Logging token is missing");
    expect(await storedLogs(sim)).toEqual([]);
  });

  it("answers 401 'Logging token is not valid' for an unknown token", async () => {
    const res = await post(ndjson({ message: "x" }), "?token=notARealTokenAtAllxxxxxxxxxxxxxx");
    expect(res.status).toBe(401);
    expect(await res.text()).toBe("Logging token is not valid");
    expect(await storedLogs(sim)).toEqual([]);
  });

  it("answers 400 with the counts for bad lines and still indexes the good ones", async () => {
    const oversized = JSON.stringify({ message: "x".repeat(500_000) });
    // Exactly at the limit is accepted: 500,000 bytes including the JSON around the message.
    const atLimit = JSON.stringify({ message: "y".repeat(500_000 - 14) });
    expect(Buffer.byteLength(atLimit)).toBe(500_000);
    const body = [
      JSON.stringify({ message: "good 1" }),
      "{not json",
      "[1,2]",
      "",
      "   ",
      oversized,
      atLimit,
      JSON.stringify({ message: "good 2" }),
    ].join("\n");
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({
      malformedLines: 2,
      successfulLines: 3,
      oversizedLines: 1,
      emptyLogLines: 2,
    });
    const messages = (await storedLogs(sim)).map((l) => String(l.fields.message).slice(0, 6));
    expect(messages).toEqual(["good 1", "yyyyyy", "good 2"]);
  });

  it("answers 413 to a body over 10,485,760 bytes and indexes nothing", async () => {
    const line = JSON.stringify({ message: "z".repeat(400_000) });
    const lines: string[] = [];
    let size = -1;
    while (size <= 10_485_760) {
      lines.push(line);
      size += line.length + 1;
    }
    const res = await post(lines.join("\n"));
    expect(res.status).toBe(413);
    expect(await storedLogs(sim)).toEqual([]);
  });

  it("journals logzio.indexed per log, correlated by trace id, request id and event id", async () => {
    const before = sim.journal.byType("logzio.indexed").length;
    await post(
      ndjson(
        { message: "with trace", traceId: "trace-abc", awsRequestId: "req-1", eventId: "ev-1" },
        { message: "snake trace", trace_id: "trace-def", type: "app" },
        { level: "error", code: 7 },
        { msg: "pino-style text", level: "info" },
        { message: "x".repeat(5_000) },
      ),
    );
    const events = sim.journal.byType("logzio.indexed").slice(before);
    expect(events).toHaveLength(5);
    const account = defaultLogzioAccount(createRng("listener-test")).accountId;
    expect(events[0]).toMatchObject({
      source: "logzio",
      correlation: { traceId: "trace-abc", awsRequestId: "req-1", eventId: "ev-1" },
      data: { account, type: "http-bulk", message: "with trace", "@timestamp": expect.any(String) },
    });
    expect(events[1]?.correlation).toEqual({ traceId: "trace-def" });
    expect(events[1]?.data.type).toBe("app");
    // The entry says where the log went and how to read it, not the whole document again.
    expect(Object.keys(events[2]?.data ?? {}).sort()).toEqual([
      "@timestamp",
      "account",
      "seq",
      "type",
    ]);
    expect(events[3]?.data.message).toBe("pino-style text");
    const long = events[4]?.data.message as string;
    expect(long).toHaveLength(JOURNALED_TEXT_CHARS);
    expect(long.endsWith("…")).toBe(true);
    const seqs = events.map((e) => e.data.seq as number);
    expect(seqs).toEqual([seqs[0], ...[1, 2, 3, 4].map((i) => (seqs[0] as number) + i)]);
    expect(sim.journal.byCorrelation("trace-abc").map((e) => e.type)).toContain("logzio.indexed");
  });

  it("forgets every log on /_watermelon/reset", async () => {
    await post(ndjson({ message: "gone soon" }));
    expect(await storedLogs(sim)).toHaveLength(1);
    await fetch(`${sim.endpoints.logzioListener.url}/_watermelon/reset`, { method: "POST" });
    expect(await storedLogs(sim)).toEqual([]);
  });
});

describe("Logz.io listener over https", () => {
  it("takes logs on the TLS port, trusting the local CA", async () => {
    const url = `${sim.endpoints.logzioListener.httpsUrl}/?token=${token}`;
    const res = await postHttps(url, ndjson({ message: "over tls" }), ca);
    expect(res.status).toBe(200);
    expect((await storedLogs(sim)).map((l) => l.fields.message)).toEqual(["over tls"]);
  });

  it("is reached through the proxy by its real name, listener.logz.io:8071", async () => {
    const res = await postThroughProxy(
      sim.endpoints.proxy.url,
      { host: "listener.logz.io", port: 8071 },
      `/?token=${token}&type=proxied`,
      ndjson({ message: "via proxy" }),
      ca,
    );
    expect(res.status).toBe(200);
    const unknown = await postThroughProxy(
      sim.endpoints.proxy.url,
      { host: "listener-eu.logz.io", port: 8071 },
      "/?token=wrong",
      ndjson({ message: "lost" }),
      ca,
    );
    expect(unknown.status).toBe(401);
    expect(unknown.body).toBe("Logging token is not valid");
    const logs = await storedLogs(sim);
    expect(logs.map((l) => [l.fields.message, l.type])).toEqual([["via proxy", "proxied"]]);
  });
});

describe("configured accounts", () => {
  it("routes each shipping token to its own account", async () => {
    const two = await startSimulator({
      logzio: {
        accounts: [
          { accountId: 111111, accountName: "a", shippingToken: "tokenA", apiToken: "api-a" },
          { accountId: 222222, accountName: "b", shippingToken: "tokenB", apiToken: "api-b" },
        ],
      },
    });
    try {
      expect(two.sim.env.LOGZIO_TOKEN).toBe("tokenA");
      expect(two.sim.env.LOGZIO_API_TOKEN).toBe("api-a");
      const url = two.sim.endpoints.logzioListener.url;
      await fetch(`${url}/?token=tokenB`, { method: "POST", body: ndjson({ message: "to b" }) });
      expect(await storedLogs(two.sim, 111111)).toEqual([]);
      expect((await storedLogs(two.sim, 222222)).map((l) => l.fields.message)).toEqual(["to b"]);
    } finally {
      await two.close();
    }
  });
});
