import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterEach, describe, expect, it } from "vitest";
import { PD_V1_DESCRIPTION_MAX_CHARS } from "../../../mocks/logzio/limits.js";
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

/**
 * A stand-in receiver recording what it got. It answers `status`, or the statuses of a list in
 * turn, repeating the last one.
 */
async function receiver(status: number | readonly number[] = 202) {
  const statuses = typeof status === "number" ? [status] : status;
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
      const answer = statuses[Math.min(got.length, statuses.length) - 1] ?? 500;
      res.writeHead(answer, { "content-type": "application/json" }).end("{}");
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

async function setup(
  pagerdutyEventsUrl?: string,
  pagerdutyEventsApiVersion?: "v1" | "v2",
): Promise<Simulator> {
  const logzio = {
    ...(pagerdutyEventsUrl ? { pagerdutyEventsUrl } : {}),
    ...(pagerdutyEventsApiVersion ? { pagerdutyEventsApiVersion } : {}),
  };
  const { sim, close } = await startSimulator({ seed: "endpoints-test", logzio });
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

function alertFor(
  endpointId: number,
  tiers: Record<string, number> = { HIGH: 1 },
  title = "api errors",
) {
  return {
    title,
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
      message: { severity: "MEDIUM", body: "errors &lt;b&gt;in&lt;&#x2F;b&gt; the api" },
      raw: "errors <b>in</b> the api",
    });
    expect(JSON.parse(body.samples)).toMatchObject({ message: "boom", service: "api" });
  });

  it("does not retry a receiver that refuses the event with a 4xx, but does retry a 429", async () => {
    const refusing = await receiver(400);
    const limited = await receiver(429);
    cleanups.push(refusing.close, limited.close);
    const sim = await setup();
    await api(sim, "POST", "/v1/endpoints/custom", custom(`${refusing.url}/hook`));
    await api(sim, "POST", "/v1/endpoints/custom", custom(`${limited.url}/hook`));
    await api(sim, "POST", "/v2/alerts", alertFor(1));
    await api(sim, "POST", "/v2/alerts", { ...alertFor(2), title: "limited" });
    await ship(sim, [{ level: "ERROR", service: "api", message: "boom" }]);
    await sim.clock.runFor(5 * MINUTE);
    expect(refusing.got).toHaveLength(1);
    expect(limited.got).toHaveLength(4);
    const final = sim.journal
      .byType("logzio.notification.failed")
      .filter((e) => e.data?.endpointId === 1)
      .map((e) => e.data);
    expect(final).toEqual([
      {
        endpointId: 1,
        type: "Custom",
        alertId: 1,
        attempt: 1,
        status: 400,
        error: "HTTP 400",
        final: true,
      },
    ]);
  });

  it("renders Mustache sections and inverted sections, and leaves unknown variables empty", async () => {
    const r = await receiver();
    cleanups.push(r.close);
    const sim = await setup();
    await api(
      sim,
      "POST",
      "/v1/endpoints/custom",
      custom(`${r.url}/hook`, {
        bodyTemplate: {
          text: "{{#alert_title}}[{{alert_severity}}]{{/alert_title}}{{^alert_title}}none{{/alert_title}}{{nope}}|{{alert_title}}",
        },
      }),
    );
    await api(sim, "POST", "/v2/alerts", alertFor(1));
    await ship(sim, [{ level: "ERROR", service: "api", message: "boom" }]);
    await sim.clock.runFor(MINUTE);
    expect(JSON.parse(r.got[0]?.body ?? "{}")).toEqual({ text: "[HIGH]|api errors" });
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

const V1_PATH = "/generic/2010-04-15/create_event.json";
const SERVICE_KEY = "e93facc04764012d7bfb002500d5d1a6";

describe("notification delivery over PagerDuty Events API v1", () => {
  it("posts a trigger to create_event.json with the v2 dedup key as incident_key", async () => {
    const r = await receiver(200);
    cleanups.push(r.close);
    const sim = await setup(r.url, "v1");
    await api(sim, "POST", "/v1/endpoints/pager-duty", { title: "pd", serviceKey: SERVICE_KEY });
    await api(sim, "POST", "/v2/alerts", alertFor(1, { SEVERE: 3, HIGH: 1 }));
    await ship(sim, [
      { level: "ERROR", service: "api", message: "boom" },
      { level: "ERROR", service: "api", message: "bang" },
    ]);
    await sim.clock.runFor(MINUTE);
    expect(r.got).toHaveLength(1);
    const sent = r.got[0] as Received;
    expect(sent.method).toBe("POST");
    expect(sent.url).toBe(V1_PATH);
    expect(sent.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(sent.body);
    expect(Object.keys(body).sort()).toEqual([
      "client",
      "client_url",
      "description",
      "details",
      "event_type",
      "incident_key",
      "service_key",
    ]);
    expect(body).toMatchObject({
      service_key: SERVICE_KEY,
      event_type: "trigger",
      incident_key: "1-api",
      description: "api errors",
      client: "Logz.io",
      details: {
        alert_id: 1,
        description: "errors <b>in</b> the api",
        severity: "HIGH",
        tags: ["svc"],
        group_by: { service: "api" },
        hits: 2,
      },
    });
    const link = new URL(body.client_url);
    expect(link.origin).toBe("https://app.logz.io");
    expect(link.hash).toMatch(/^#\/view-triggered-alert\?/);
    const linkQuery = new URLSearchParams(link.hash.slice(link.hash.indexOf("?") + 1));
    expect(linkQuery.get("definitionId")).toBe("1");
    expect(Number(linkQuery.get("to"))).toBeGreaterThan(Number(linkQuery.get("from")));
    const journaled = sim.journal.byType("logzio.notification.sent").map((e) => e.data);
    expect(journaled).toEqual([
      { endpointId: 1, type: "PagerDuty", alertId: 1, attempt: 1, status: 200 },
    ]);
  });

  it(`cuts a description over ${PD_V1_DESCRIPTION_MAX_CHARS} characters, keeping one that fits`, async () => {
    const r = await receiver(200);
    cleanups.push(r.close);
    const sim = await setup(r.url, "v1");
    await api(sim, "POST", "/v1/endpoints/pager-duty", { title: "pd", serviceKey: SERVICE_KEY });
    const fits = "f".repeat(PD_V1_DESCRIPTION_MAX_CHARS);
    // Astral characters: two UTF-16 units each, one character each for PagerDuty.
    const tooLong = "\u{1F525}".repeat(PD_V1_DESCRIPTION_MAX_CHARS + 6);
    expect((await api(sim, "POST", "/v2/alerts", alertFor(1, { HIGH: 1 }, fits))).status).toBe(200);
    expect((await api(sim, "POST", "/v2/alerts", alertFor(1, { HIGH: 1 }, tooLong))).status).toBe(
      200,
    );
    await ship(sim, [{ level: "ERROR", service: "api", message: "boom" }]);
    await sim.clock.runFor(MINUTE);
    const byKey = new Map(
      r.got.map((g) => {
        const body = JSON.parse(g.body);
        return [body.incident_key as string, body.description as string];
      }),
    );
    expect([...byKey.keys()].sort()).toEqual(["1-api", "2-api"]);
    expect(byKey.get("1-api")).toBe(fits);
    const cut = Array.from(byKey.get("2-api") ?? "");
    expect(cut).toHaveLength(PD_V1_DESCRIPTION_MAX_CHARS);
    expect(cut.at(-1)).toBe("\u2026");
    expect(cut.slice(0, -1).every((c) => c === "\u{1F525}")).toBe(true);
  });

  it("retries a v1 failure on the same schedule and journals it as v2 deliveries are", async () => {
    // 403 is how Events API v1 says "too many requests"; then it accepts.
    const r = await receiver([403, 500, 200]);
    cleanups.push(r.close);
    const sim = await setup(r.url, "v1");
    await api(sim, "POST", "/v1/endpoints/pager-duty", { title: "pd", serviceKey: SERVICE_KEY });
    await api(sim, "POST", "/v2/alerts", alertFor(1));
    await ship(sim, [{ level: "ERROR", service: "api", message: "boom" }]);
    await sim.clock.runFor(MINUTE);
    expect(r.got).toHaveLength(1);
    await sim.clock.runFor(29_000);
    expect(r.got).toHaveLength(1);
    await sim.clock.runFor(1_000);
    expect(r.got).toHaveLength(2);
    await sim.clock.runFor(60_000);
    expect(r.got).toHaveLength(3);
    await sim.clock.runFor(300_000);
    expect(r.got).toHaveLength(3);
    expect(new Set(r.got.map((g) => `${g.url} ${g.body}`)).size).toBe(1);
    expect(r.got[0]?.url).toBe(V1_PATH);
    const who = { endpointId: 1, type: "PagerDuty", alertId: 1 };
    expect(sim.journal.byType("logzio.notification.failed").map((e) => e.data)).toEqual([
      { ...who, attempt: 1, status: 403, error: "HTTP 403", retryInMs: 30_000 },
      { ...who, attempt: 2, status: 500, error: "HTTP 500", retryInMs: 60_000 },
    ]);
    expect(sim.journal.byType("logzio.notification.sent").map((e) => e.data)).toEqual([
      { ...who, attempt: 3, status: 200 },
    ]);
  });

  it("sends the ?test=true sample as a v1 trigger too", async () => {
    const r = await receiver(200);
    cleanups.push(r.close);
    const sim = await setup(r.url, "v1");
    const pd = { title: "pd", serviceKey: SERVICE_KEY };
    expect(await api(sim, "POST", "/v1/endpoints/pager-duty?test=true", pd)).toEqual({
      status: 200,
      body: { id: -1 },
    });
    expect(r.got.map((g) => g.url)).toEqual([V1_PATH]);
    expect(JSON.parse(r.got[0]?.body ?? "{}")).toMatchObject({
      service_key: SERVICE_KEY,
      event_type: "trigger",
      description: "Test notification from Logz.io",
    });
  });

  it("speaks v2 when asked for v2 explicitly", async () => {
    const r = await receiver(202);
    cleanups.push(r.close);
    const sim = await setup(r.url, "v2");
    await api(sim, "POST", "/v1/endpoints/pager-duty?test=true", { title: "pd", serviceKey: "K" });
    expect(r.got.map((g) => g.url)).toEqual(["/v2/enqueue"]);
    expect(JSON.parse(r.got[0]?.body ?? "{}")).toMatchObject({ routing_key: "K" });
  });
});

const V1_SPEC = fileURLToPath(
  new URL("../../../../shared/specs/pagerduty/events-v1-openapiv3.json", import.meta.url),
);

describe.skipIf(!existsSync(V1_SPEC))(
  "v1 bodies against PagerDuty's events-v1 OpenAPI schema (skipped when ../shared/specs is absent)",
  () => {
    it("sends only fields the createV1Event request schema declares, valid against it", async () => {
      const spec = JSON.parse(readFileSync(V1_SPEC, "utf8"));
      const request =
        spec.paths["/create_event.json"].post.requestBody.content["application/json"].schema;
      // The spec uses OpenAPI's `discriminator` and `format: url`; its $refs point into the spec.
      const ajv = new Ajv({ strict: false, discriminator: true, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema(spec, "events-v1");
      const validate = ajv.compile({
        $ref: "events-v1#/paths/~1create_event.json/post/requestBody/content/application~1json/schema",
      });
      // The check has teeth: a wrong event_type and a wrong client_url fail it.
      expect(validate({ service_key: SERVICE_KEY, event_type: "page" })).toBe(false);
      expect(validate({ service_key: SERVICE_KEY, event_type: "trigger", client_url: "x y" })).toBe(
        false,
      );

      const r = await receiver(200);
      cleanups.push(r.close);
      const sim = await setup(r.url, "v1");
      await api(sim, "POST", "/v1/endpoints/pager-duty?test=true", {
        title: "pd",
        serviceKey: SERVICE_KEY,
      });
      await api(sim, "POST", "/v1/endpoints/pager-duty", { title: "pd", serviceKey: SERVICE_KEY });
      await api(sim, "POST", "/v2/alerts", alertFor(1));
      await ship(sim, [{ level: "ERROR", service: "api", message: "boom" }]);
      await sim.clock.runFor(MINUTE);
      expect(r.got).toHaveLength(2);
      for (const g of r.got) {
        const body = JSON.parse(g.body);
        const valid = validate(body);
        expect(validate.errors ?? []).toEqual([]);
        expect(valid).toBe(true);
        expect(Object.keys(body).filter((k) => !(k in request.properties))).toEqual([]);
        // Required for a trigger by the schema's own prose.
        expect(body.event_type).toBe("trigger");
        expect(typeof body.description).toBe("string");
      }
    });
  },
);
