import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { HttpResponse, http, passthrough } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createLogzioHandlers,
  createPagerDutyHandlers,
  type LogzioHandlers,
} from "../../mocks/msw.js";
import { startSimulator } from "./logzio/helpers.js";

const require = createRequire(import.meta.url);
const clientInstalled = existsSync(new URL("../../node_modules/logzio-nodejs", import.meta.url));
const MINUTE = 60_000;

// Any request the handlers do not answer fails the test instead of leaving the machine.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function install(options: Parameters<typeof createLogzioHandlers>[0] = {}): LogzioHandlers {
  const logzio = createLogzioHandlers({ seed: "msw-test", ...options });
  server.use(...logzio.handlers);
  return logzio;
}

const token = (logzio: LogzioHandlers) => logzio.accounts[0]?.shippingToken as string;
const apiToken = (logzio: LogzioHandlers) => logzio.accounts[0]?.apiToken as string;

async function search(logzio: LogzioHandlers, host: string, query: string) {
  const res = await fetch(`https://${host}/v1/search`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-API-TOKEN": apiToken(logzio) },
    body: JSON.stringify({ query: { query_string: { query } }, size: 10 }),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      hits: { total: number; hits: { _source: Record<string, unknown> }[] };
    },
  };
}

describe.skipIf(!clientInstalled)(
  clientInstalled
    ? "logzio-nodejs with its default host, answered by the msw handlers"
    : "logzio-nodejs is not installed",
  () => {
    it("ships to listener.logz.io:8070 and the logs are searchable on api.logz.io", async () => {
      const logzio = install();
      const { createLogger } = require("logzio-nodejs") as typeof import("logzio-nodejs");
      // No host, port or protocol: the client's defaults (http://listener.logz.io:8070).
      const logger = createLogger({
        token: token(logzio),
        type: "checkout",
        sendIntervalMs: 600_000,
      });
      logger.log({ message: "card declined", level: "error", traceId: "trace-msw-1" });
      logger.log("all good");
      const error = await new Promise<Error | undefined>((resolve) =>
        logger.sendAndClose((e) => resolve(e ?? undefined)),
      );
      expect(error).toBeUndefined();

      const stored = logzio.store.logs(logzio.accounts[0]?.accountId as number);
      expect(stored.map((l) => [l.type, l.fields.message])).toEqual([
        ["checkout", "card declined"],
        ["checkout", "all good"],
      ]);
      const found = await search(logzio, "api.logz.io", "level:error");
      expect(found.status).toBe(200);
      expect(found.body.hits.total).toBe(1);
      expect(found.body.hits.hits[0]?._source.traceId).toBe("trace-msw-1");
      expect(logzio.journal.byCorrelation("trace-msw-1").map((e) => e.type)).toEqual([
        "logzio.indexed",
      ]);
      logzio.dispose();
    });
  },
);

describe("watermelon/msw Logz.io handlers", () => {
  it("answers like the listener server: 401 texts, partial 400 counts, the good lines kept", async () => {
    const logzio = install();
    // The simulator's own servers on loopback are the comparison, not intercepted.
    server.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    const { sim, close } = await startSimulator({
      seed: "msw-test",
      logzio: { accounts: [...logzio.accounts] },
    });
    try {
      const bodies = [
        { query: "", body: "{}" },
        { query: "?token=nope", body: "{}" },
        {
          query: `?token=${token(logzio)}`,
          body: '{"message":"ok"}\nnot json\n\n{"message":"ok2"}',
        },
      ];
      for (const { query, body } of bodies) {
        const viaMsw = await fetch(`https://listener-eu.logz.io:8071/${query}`, {
          method: "POST",
          body,
        });
        const viaServer = await fetch(`${sim.endpoints.logzioListener.url}/${query}`, {
          method: "POST",
          body,
        });
        expect(viaMsw.status).toBe(viaServer.status);
        expect(await viaMsw.text()).toBe(await viaServer.text());
        expect(viaMsw.headers.get("content-type")).toBe(viaServer.headers.get("content-type"));
      }
      const accountId = logzio.accounts[0]?.accountId as number;
      expect(logzio.store.logs(accountId).map((l) => l.fields.message)).toEqual(["ok", "ok2"]);
      const unknown = await fetch("https://api.logz.io/v1/nothing", { method: "POST" });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ errorCode: "endpoints/UNKNOWN_ENDPOINT" });
    } finally {
      await close();
      logzio.dispose();
    }
  });

  it("runs alerts on its clock and delivers to PagerDuty through msw too", async () => {
    const logzio = install({ clock: "virtual" });
    const enqueued: Record<string, unknown>[] = [];
    server.use(
      http.post("https://events.pagerduty.com/v2/enqueue", async ({ request }) => {
        enqueued.push((await request.json()) as Record<string, unknown>);
        return HttpResponse.json(
          { status: "success", message: "Event processed" },
          { status: 202 },
        );
      }),
    );
    const api = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`https://api.logz.io${path}`, {
        method,
        headers: { "content-type": "application/json", "X-API-TOKEN": apiToken(logzio) },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { id: number };
    };
    const endpoint = await api("POST", "/v1/endpoints/pager-duty", {
      title: "on-call",
      description: "",
      serviceKey: "R0123456789ABCDEF0123456789ABCDE",
    });
    await api("POST", "/v2/alerts", {
      title: "payment errors",
      searchTimeFrameMinutes: 5,
      output: {
        suppressNotificationsMinutes: 5,
        type: "JSON",
        recipients: { notificationEndpointIds: [endpoint.id] },
      },
      subComponents: [
        {
          queryDefinition: { query: "level:error", aggregation: { aggregationType: "COUNT" } },
          trigger: { operator: "GREATER_THAN_OR_EQUALS", severityThresholdTiers: { HIGH: 2 } },
        },
      ],
    });
    const lines = [
      '{"message":"declined","level":"error"}',
      '{"message":"timeout","level":"error"}',
    ];
    const shipped = await fetch(`http://listener.logz.io:8070/?token=${token(logzio)}`, {
      method: "POST",
      body: lines.join("\n"),
    });
    expect(shipped.status).toBe(200);
    expect(enqueued).toEqual([]);

    await logzio.clock.runFor(MINUTE);
    expect(enqueued).toHaveLength(1);
    expect(enqueued[0]).toMatchObject({
      routing_key: "R0123456789ABCDEF0123456789ABCDE",
      event_action: "trigger",
      payload: { severity: "error" },
    });
    expect(logzio.journal.query({ type: "logzio.alert.triggered" })).toHaveLength(1);
    logzio.dispose();
  });
});

describe("watermelon/msw PagerDuty handlers", () => {
  it("answer @pagerduty/pdjs with its default hosts: an event opens an incident the REST API lists", async () => {
    const pagerduty = createPagerDutyHandlers({ seed: "msw-pd" });
    server.use(...pagerduty.handlers);
    const pdjs = require("@pagerduty/pdjs") as typeof import("@pagerduty/pdjs");
    // No server option: pdjs posts to https://events.pagerduty.com/v2/enqueue.
    const triggered = await pdjs.event({
      data: {
        routing_key: pagerduty.routingKey,
        event_action: "trigger",
        payload: {
          summary: "checkout down",
          source: "checkout",
          severity: "critical",
          custom_details: { traceId: "trace-msw-pd" },
        },
      },
    } as never);
    expect(triggered.status).toBe(202);
    const dedupKey = triggered.data.dedup_key as string;

    // No server option: pdjs calls https://api.pagerduty.com.
    const pd = pdjs.api({ token: pagerduty.token });
    const listed = await pd.get("/incidents");
    expect(listed.status).toBe(200);
    const incidents = listed.data.incidents as { incident_key: string; status: string }[];
    expect(incidents.map((i) => [i.incident_key, i.status])).toEqual([[dedupKey, "triggered"]]);

    const refused = await pdjs.event({
      data: { routing_key: "short", event_action: "trigger", payload: { summary: "x" } },
    } as never);
    expect(refused.status).toBe(400);
    expect(refused.data).toMatchObject({ status: "invalid event" });
    const unauthorized = await pdjs.api({ token: "nope" }).get("/incidents");
    expect(unauthorized.status).toBe(401);
    expect(pagerduty.journal.byCorrelation("trace-msw-pd").map((e) => e.type)).toContain(
      "pagerduty.incident.triggered",
    );
    pagerduty.dispose();
  });
});
