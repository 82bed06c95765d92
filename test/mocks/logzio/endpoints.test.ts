import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { startSimulator } from "./helpers.js";
import { ship } from "./searchHelpers.js";

const MINUTE = 60_000;

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A stand-in receiver answering `status` to everything and recording what it got. */
async function receiver(status = 202) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(pagerdutyEventsUrl?: string): Promise<Simulator> {
  const { sim, close } = await startSimulator({
    seed: "endpoints-test",
    ...(pagerdutyEventsUrl ? { logzio: { pagerdutyEventsUrl } } : {}),
  });
  cleanups.push(close);
  return sim;
}

// biome-ignore lint/suspicious/noExplicitAny: replies are checked field by field.
type Body = any;

async function api(sim: Simulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.endpoints.logzioApi.url}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      "X-API-TOKEN": sim.env.LOGZIO_API_TOKEN as string,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Body };
}

function alertFor(endpointId: number, tiers: Record<string, number> = { HIGH: 1 }) {
  return {
    title: "api errors",
    description: "errors <b>in</b> the api",
    tags: ["svc"],
    searchTimeFrameMinutes: 5,
    output: {
      suppressNotificationsMinutes: 5,
      type: "JSON",
      recipients: { notificationEndpointIds: [endpointId] },
    },
    subComponents: [
      {
        queryDefinition: {
          query: "level:ERROR",
          groupBy: ["service"],
          aggregation: { aggregationType: "COUNT" },
        },
        trigger: { operator: "GREATER_THAN_OR_EQUALS", severityThresholdTiers: tiers },
      },
    ],
  };
}

const custom = (url: string, extra: Record<string, unknown> = {}) => ({
  title: "New custom endpoint",
  description: "Sends notifications to my custom endpoint",
  url,
  method: "POST",
  headers: "authKey=6e30-60a9-3591,x-team=core",
  bodyTemplate: {
    subject: "{{alert_title}}",
    message: { severity: "{{alert_severity}}", body: "{{alert_description}}" },
    raw: "{{&alert_description}}",
    samples: "{{&alert_samples}}",
  },
  ...extra,
});

describe("/v1/endpoints", () => {
  it("creates, lists, gets, updates and deletes in the fixtures' shape", async () => {
    const sim = await setup();
    const pd = { title: "PagerDuty endpoint", description: "Sends", serviceKey: "someServiceKey" };
    expect(await api(sim, "POST", "/v1/endpoints/pager-duty", pd)).toEqual({
      status: 200,
      body: { id: 1 },
    });
    expect(
      (await api(sim, "POST", "/v1/endpoints/custom", custom("http://x.test/h"))).body,
    ).toEqual({ id: 2 });
    expect((await api(sim, "GET", "/v1/endpoints/1")).body).toEqual({
      endpointType: "PagerDuty",
      id: 1,
      ...pd,
    });
    const list = (await api(sim, "GET", "/v1/endpoints")).body;
    expect(list.map((e: Body) => e.endpointType)).toEqual(["PagerDuty", "Custom"]);
    expect(list[1]).toEqual({ endpointType: "Custom", id: 2, ...custom("http://x.test/h") });

    const renamed = custom("http://x.test/h", { title: "renamed", method: "PUT" });
    expect((await api(sim, "PUT", "/v1/endpoints/custom/2", renamed)).body).toEqual({ id: 2 });
    expect((await api(sim, "GET", "/v1/endpoints/2")).body).toMatchObject({
      title: "renamed",
      method: "PUT",
    });

    expect((await api(sim, "DELETE", "/v1/endpoints/1")).status).toBe(204);
    const missing = await api(sim, "GET", "/v1/endpoints/1");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      errorCode: "endpoints/UNKNOWN_ENDPOINT",
      message: "The endpoint doesn't exist",
      parameters: {},
    });
    expect(missing.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api(sim, "DELETE", "/v1/endpoints/9")).status).toBe(404);
    expect((await api(sim, "PUT", "/v1/endpoints/pager-duty/9", pd)).status).toBe(404);
    expect((await api(sim, "POST", "/v1/endpoints/pager-duty", { title: "x" })).status).toBe(400);
    const badMethod = custom("http://x.test/h", { method: "PATCH" });
    expect((await api(sim, "POST", "/v1/endpoints/custom", badMethod)).status).toBe(400);
    expect((await api(sim, "GET", "/v1/endpoints")).body.map((e: Body) => e.id)).toEqual([2]);
  });

  it("?test=true sends a sample notification and saves nothing", async () => {
    const r = await receiver(200);
    cleanups.push(r.close);
    const sim = await setup();
    const res = await api(sim, "POST", "/v1/endpoints/custom?test=true", custom(`${r.url}/hook`));
    expect(res).toEqual({ status: 200, body: { id: -1 } });
    expect(r.got).toHaveLength(1);
    expect(r.got[0]?.url).toBe("/hook");
    expect((await api(sim, "GET", "/v1/endpoints")).body).toEqual([]);
  });
});

describe("notification delivery", () => {
  it("enqueues a PagerDuty v2 event with the mapped severity and dedup key", async () => {
    const r = await receiver(202);
    cleanups.push(r.close);
    const sim = await setup(r.url);
    await api(sim, "POST", "/v1/endpoints/pager-duty", { title: "pd", serviceKey: "KEY123" });
    await api(sim, "POST", "/v2/alerts", alertFor(1, { SEVERE: 3, HIGH: 1 }));
    await ship(sim, [
      { level: "ERROR", service: "api", message: "boom" },
      { level: "ERROR", service: "api", message: "bang" },
    ]);
    await sim.clock.runFor(MINUTE);
    expect(r.got).toHaveLength(1);
    const sent = r.got[0] as Received;
    expect(sent.method).toBe("POST");
    expect(sent.url).toBe("/v2/enqueue");
    const body = JSON.parse(sent.body);
    expect(body).toMatchObject({
      routing_key: "KEY123",
      event_action: "trigger",
      dedup_key: "1-api",
      payload: {
        summary: "api errors",
        source: "logz.io",
        severity: "error",
        custom_details: { group_by: { service: "api" }, hits: 2 },
      },
    });
    const journaled = sim.journal.byType("logzio.notification.sent").map((e) => e.data);
    expect(journaled).toEqual([
      { endpointId: 1, type: "PagerDuty", alertId: 1, attempt: 1, status: 202 },
    ]);
  });

  it("sends a custom webhook with its headers and the rendered template", async () => {
    const r = await receiver(200);
    cleanups.push(r.close);
    const sim = await setup();
    await api(sim, "POST", "/v1/endpoints/custom", custom(`${r.url}/hook`));
    await api(sim, "POST", "/v2/alerts", alertFor(1, { MEDIUM: 1 }));
    await ship(sim, [{ level: "ERROR", service: "api", message: "boom" }]);
    await sim.clock.runFor(MINUTE);
    expect(r.got).toHaveLength(1);
    const sent = r.got[0] as Received;
    expect(sent.headers.authkey).toBe("6e30-60a9-3591");
    expect(sent.headers["x-team"]).toBe("core");
    const body = JSON.parse(sent.body);
    expect(body).toMatchObject({
      subject: "api errors",
      message: { severity: "MEDIUM", body: "errors &lt;b&gt;in&lt;/b&gt; the api" },
      raw: "errors <b>in</b> the api",
    });
    expect(JSON.parse(body.samples)).toMatchObject({ message: "boom", service: "api" });
  });

  it("retries a failing receiver after 30 s, 60 s and 120 s, then journals the failure", async () => {
    const r = await receiver(500);
    cleanups.push(r.close);
    const sim = await setup();
    await api(sim, "POST", "/v1/endpoints/custom", custom(`${r.url}/hook`));
    await api(sim, "POST", "/v2/alerts", alertFor(1));
    await ship(sim, [{ level: "ERROR", service: "api", message: "boom" }]);
    await sim.clock.runFor(MINUTE);
    expect(r.got).toHaveLength(1);
    await sim.clock.runFor(29_000);
    expect(r.got).toHaveLength(1);
    await sim.clock.runFor(1_000);
    expect(r.got).toHaveLength(2);
    await sim.clock.runFor(180_000);
    expect(r.got).toHaveLength(4);
    const failed = sim.journal.byType("logzio.notification.failed").map((e) => e.data);
    expect(failed).toEqual([
      {
        endpointId: 1,
        type: "Custom",
        alertId: 1,
        attempt: 1,
        status: 500,
        error: "HTTP 500",
        retryInMs: 30_000,
      },
      {
        endpointId: 1,
        type: "Custom",
        alertId: 1,
        attempt: 2,
        status: 500,
        error: "HTTP 500",
        retryInMs: 60_000,
      },
      {
        endpointId: 1,
        type: "Custom",
        alertId: 1,
        attempt: 3,
        status: 500,
        error: "HTTP 500",
        retryInMs: 120_000,
      },
      {
        endpointId: 1,
        type: "Custom",
        alertId: 1,
        attempt: 4,
        status: 500,
        error: "HTTP 500",
        final: true,
      },
    ]);
    expect(sim.journal.byType("logzio.notification.sent")).toEqual([]);
  });
});
