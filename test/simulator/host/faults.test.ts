import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createSimulator,
  FaultSpecError,
  type Simulator,
  type SimulatorOptions,
  SimulatorOptionsError,
} from "../../../simulator/cli/api.js";
import { postThroughProxy } from "../../mocks/logzio/helpers.js";

const require = createRequire(import.meta.url);
const MINUTE = 60_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-faults-"));
  const sim = createSimulator({ home, seed: "faults-test", ...options });
  cleanups.push(async () => {
    await sim.dispose();
    rmSync(home, { recursive: true, force: true });
  });
  await sim.ready;
  return sim;
}

/** One NDJSON line to the listener: the status, or the error code of a dropped connection. */
async function shipOne(sim: Simulator, message = "hello"): Promise<number | string> {
  try {
    const res = await fetch(`${sim.endpoints.logzioListener.url}/?token=${sim.env.LOGZIO_TOKEN}`, {
      method: "POST",
      body: JSON.stringify({ message }),
    });
    await res.text();
    return res.status;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? String(error);
  }
}

async function admin(url: string, method: string, body?: unknown) {
  const res = await fetch(`${url}/_watermelon/faults`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field.
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

const faultEvents = (sim: Simulator) =>
  sim.journal.query({}).filter((e) => e.type.startsWith("fault."));

describe("a listener that is down", () => {
  it("drops connections for two virtual minutes, then takes logs again", async () => {
    const sim = await start();
    const injected = await admin(sim.endpoints.logzioListener.url, "POST", {
      kind: "down",
      durationMs: 2 * MINUTE,
    });
    expect(injected.status).toBe(201);
    expect(injected.body).toMatchObject({
      id: "fault-1",
      target: "logzioListener",
      spec: { kind: "down" },
      probability: 1,
      from: sim.clock.now(),
      until: sim.clock.now() + 2 * MINUTE,
    });

    expect(await shipOne(sim, "lost")).toBe("UND_ERR_SOCKET");
    // The dropped request no longer holds the clock.
    expect(sim.clock.inFlight()).toEqual([]);
    await sim.clock.runFor(2 * MINUTE - 1);
    expect(await shipOne(sim, "lost too")).toBe("UND_ERR_SOCKET");
    await sim.clock.runFor(1);
    expect(await shipOne(sim, "kept")).toBe(200);
    expect((await admin(sim.endpoints.logzioListener.url, "GET")).body.faults).toEqual([]);

    const indexed = sim.journal.byType("logzio.indexed").map((e) => e.data.message);
    expect(indexed).toEqual(["kept"]);
    expect(faultEvents(sim).map((e) => [e.type, e.data])).toEqual([
      [
        "fault.injected",
        {
          id: "fault-1",
          target: "logzioListener",
          kind: "down",
          until: "2026-01-05T09:02:00.000Z",
        },
      ],
      [
        "fault.applied",
        { id: "fault-1", target: "logzioListener", kind: "down", method: "POST", path: "/" },
      ],
      [
        "fault.applied",
        { id: "fault-1", target: "logzioListener", kind: "down", method: "POST", path: "/" },
      ],
      ["fault.cleared", { id: "fault-1", target: "logzioListener", reason: "expired" }],
    ]);
  });

  it("drops requests that come through the HTTPS proxy by the real host name too", async () => {
    const sim = await start();
    const ca = readFileSync(sim.env.NODE_EXTRA_CA_CERTS as string);
    sim.faults.inject("logzioListener", { kind: "down" });
    const through = () =>
      postThroughProxy(
        sim.endpoints.proxy.url,
        { host: "listener.logz.io", port: 8071 },
        `/?token=${sim.env.LOGZIO_TOKEN}`,
        JSON.stringify({ message: "via proxy" }),
        ca,
      );
    await expect(through()).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(sim.clock.inFlight()).toEqual([]);

    const [fault] = sim.faults.list();
    sim.faults.clear(fault?.id);
    expect((await through()).status).toBe(200);
    expect(sim.journal.byType("fault.cleared").map((e) => e.data.reason)).toEqual(["cleared"]);
  });

  it("leaves the admin endpoints answering", async () => {
    const sim = await start();
    sim.faults.inject("logzioListener", { kind: "down" });
    const health = await fetch(`${sim.endpoints.logzioListener.url}/_watermelon/health`);
    expect(health.status).toBe(200);
    const deleted = await fetch(`${sim.endpoints.logzioListener.url}/_watermelon/faults`, {
      method: "DELETE",
    });
    expect(deleted.status).toBe(204);
    expect(await shipOne(sim)).toBe(200);
  });
});

describe("a status fault", () => {
  it("answers 503 with the listener's own body, which logzio-nodejs reports without retrying", async () => {
    const sim = await start();
    await admin(sim.endpoints.logzioListener.url, "POST", { kind: "status", status: 503 });
    const res = await fetch(`${sim.endpoints.logzioListener.url}/?token=${sim.env.LOGZIO_TOKEN}`, {
      method: "POST",
      body: "{}",
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toBe("Service Unavailable\n");

    const { createLogger } = require("logzio-nodejs") as typeof import("logzio-nodejs");
    const logger = createLogger({
      token: sim.env.LOGZIO_TOKEN as string,
      host: "127.0.0.1",
      port: new URL(sim.endpoints.logzioListener.url).port,
      protocol: "http",
      sendIntervalMs: 600_000,
      supressErrors: true,
    });
    logger.log("during the outage");
    const error = await new Promise<Error | undefined>((resolve) =>
      logger.sendAndClose((e) => resolve(e ?? undefined)),
    );
    expect(error?.message).toMatch(/status code 503/);
    expect(sim.journal.byType("fault.applied")).toHaveLength(2);
    expect(sim.journal.byType("logzio.indexed")).toEqual([]);
  });

  it("answers PagerDuty Events with PagerDuty's throttle body and Retry-After on 429", async () => {
    const sim = await start();
    const fault = await admin(sim.endpoints.pagerdutyEvents.url, "POST", {
      kind: "status",
      status: 429,
      retryAfterSeconds: 30,
      paths: ["/v2/enqueue"],
    });
    expect(fault.status).toBe(201);
    const send = (url: string, event: Record<string, unknown>) =>
      fetch(`${sim.endpoints.pagerdutyEvents.url}${url}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ routing_key: sim.env.PAGERDUTY_ROUTING_KEY, ...event }),
      });
    const throttled = await send("/v2/enqueue", {
      event_action: "trigger",
      payload: { summary: "disk full", source: "db-1", severity: "critical" },
    });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("30");
    expect(await throttled.json()).toEqual({
      status: "throttle exceeded",
      message: "Requests for this service are arriving too quickly.  Please retry later.",
      errors: ["Enhance Your Calm."],
    });
    // Outside the fault's paths, the API answers as usual.
    const change = await send("/v2/change/enqueue", {
      payload: { summary: "deployed v2", source: "ci" },
    });
    expect(change.status).toBe(202);
    expect(sim.journal.byType("pagerduty.event.accepted")).toHaveLength(1);
  });

  it("answers the PagerDuty REST API in its error shape, and a body of its own when given", async () => {
    const sim = await start();
    sim.faults.inject("pagerdutyApi", { kind: "status", status: 500 });
    const res = await fetch(`${sim.endpoints.pagerdutyApi.url}/incidents`, {
      headers: { Authorization: `Token token=${sim.env.PAGERDUTY_TOKEN}` },
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { message: "Internal Error", code: 2000 } });
    sim.faults.clear();

    sim.faults.inject("logzioApi", {
      kind: "status",
      status: 502,
      body: "<html>Bad Gateway</html>",
      headers: { "Content-Type": "text/html" },
    });
    const search = await fetch(`${sim.endpoints.logzioApi.url}/v1/search`, {
      method: "POST",
      headers: { "X-API-TOKEN": sim.env.LOGZIO_API_TOKEN as string },
      body: "{}",
    });
    expect(search.status).toBe(502);
    expect(search.headers.get("content-type")).toBe("text/html");
    expect(await search.text()).toBe("<html>Bad Gateway</html>");
  });
});

describe("a fault with a probability", () => {
  async function pattern(seed: string): Promise<(number | string)[]> {
    const sim = await start({ seed });
    sim.faults.inject("logzioListener", { kind: "status", status: 500 }, { probability: 0.5 });
    const out: (number | string)[] = [];
    for (let i = 0; i < 24; i++) out.push(await shipOne(sim, `n${i}`));
    return out;
  }

  it("fails a seeded share of requests, the same ones for the same seed", async () => {
    const first = await pattern("coin");
    const again = await pattern("coin");
    const other = await pattern("another coin");
    expect(again).toEqual(first);
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(3);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(3);
    expect(other).not.toEqual(first);
  });
});

describe("faults declared in createSimulator", () => {
  const declared: SimulatorOptions["faults"] = [
    { target: "pagerdutyEvents", kind: "down", at: "2026-01-05T09:01:00Z", durationMs: MINUTE },
    { target: "logzioListener", kind: "status", status: 503, durationMs: 30_000 },
  ];

  async function run() {
    const sim = await start({ faults: declared });
    const seen: [number, string[]][] = [];
    const look = () =>
      seen.push([
        sim.clock.now() - Date.parse("2026-01-05T09:00:00Z"),
        sim.faults.list().map((f) => f.target),
      ]);
    look();
    await sim.clock.runFor(30_000);
    look();
    await sim.clock.runFor(30_000);
    look();
    await sim.clock.runFor(MINUTE);
    look();
    return { seen, journal: faultEvents(sim).map((e) => [e.time, e.type, e.data]) };
  }

  it("start and end on the virtual clock, with the same journal in every run", async () => {
    const first = await run();
    expect(first.seen).toEqual([
      [0, ["logzioListener"]],
      [30_000, []],
      [MINUTE, ["pagerdutyEvents"]],
      [2 * MINUTE, []],
    ]);
    expect(
      first.journal.map(([time, type, data]) => [time, type, (data as { id: string }).id]),
    ).toEqual([
      ["2026-01-05T09:00:00.000Z", "fault.injected", "fault-1"],
      ["2026-01-05T09:00:30.000Z", "fault.cleared", "fault-1"],
      ["2026-01-05T09:01:00.000Z", "fault.injected", "fault-2"],
      ["2026-01-05T09:02:00.000Z", "fault.cleared", "fault-2"],
    ]);
    expect((await run()).journal).toEqual(first.journal);
  });

  it("are refused with the field named when they are wrong", () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-faults-"));
    cleanups.push(async () => rmSync(home, { recursive: true, force: true }));
    expect(() =>
      createSimulator({ home, faults: [{ target: "logzioListener", kind: "status", status: 42 }] }),
    ).toThrow(/faults\.0\.status/);
    expect(() =>
      createSimulator({ home, faults: [{ target: "pagerdutyApi", kind: "timeout" }] }),
    ).toThrow(SimulatorOptionsError);
    expect(() =>
      createSimulator({
        home,
        // @ts-expect-error: not a target
        faults: [{ target: "webhooks", kind: "down" }],
      }),
    ).toThrow(/faults\.0\.target/);
  });
});

describe("the admin endpoint", () => {
  it("lists, refuses and deletes faults per service", async () => {
    const sim = await start();
    const aws = sim.endpoints.aws.url;
    const lambdaFault = await admin(aws, "POST", { kind: "error", functionName: "shipper" });
    expect(lambdaFault.body).toMatchObject({ target: "lambda", spec: { kind: "error" } });
    const awsFault = await admin(aws, "POST", { kind: "status", status: 503, durationMs: 5000 });
    expect(awsFault.body).toMatchObject({ target: "aws", until: sim.clock.now() + 5000 });
    await admin(sim.endpoints.pagerdutyApi.url, "POST", { kind: "down" });

    expect((await admin(aws, "GET")).body.faults.map((f: { id: string }) => f.id)).toEqual([
      "fault-1",
      "fault-2",
    ]);

    const refusals = await Promise.all([
      admin(sim.endpoints.logzioApi.url, "POST", { kind: "timeout" }),
      admin(sim.endpoints.logzioApi.url, "POST", { kind: "status", status: 503, probability: 2 }),
      admin(sim.endpoints.logzioApi.url, "POST", { kind: "down", target: "aws" }),
      admin(sim.endpoints.logzioApi.url, "POST", { kind: "slow" }),
      admin(sim.endpoints.logzioApi.url, "POST", { kind: "down", paths: ["v1"] }),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    expect(refusals[0]?.body.message).toMatch(/kind: kind "timeout" applies to target "lambda"/);
    expect(refusals[1]?.body.message).toMatch(/probability/);
    expect(refusals[2]?.body.message).toMatch(/target: this is the logzioApi service/);
    expect(refusals[3]?.body.message).toMatch(/kind/);
    expect(refusals[4]?.body.message).toMatch(/paths\.0: expected a path starting with "\/"/);

    const missing = await fetch(`${aws}/_watermelon/faults/fault-3`, { method: "DELETE" });
    expect(missing.status).toBe(404);
    const one = await fetch(`${aws}/_watermelon/faults/fault-1`, { method: "DELETE" });
    expect(one.status).toBe(204);
    expect(sim.faults.list().map((f) => f.id)).toEqual(["fault-2", "fault-3"]);
    await admin(aws, "DELETE");
    expect(sim.faults.list().map((f) => f.id)).toEqual(["fault-3"]);
  });

  it("is mirrored in-process, where a wrong spec throws naming the field", async () => {
    const sim = await start();
    expect(() =>
      // @ts-expect-error: a status fault needs its status
      sim.faults.inject("pagerdutyEvents", { kind: "status" }),
    ).toThrow(FaultSpecError);
    expect(() => sim.faults.inject("lambda", { kind: "down" })).toThrow(
      /kind: target "lambda" takes kind "error" or "timeout"/,
    );
    expect(() => sim.faults.inject("aws", { kind: "down" }, { durationMs: -1 })).toThrow(
      /durationMs/,
    );
    expect(sim.journal.byType("fault.injected")).toEqual([]);
  });
});
