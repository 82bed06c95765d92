import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type AppHarness, startApp } from "./helpers.js";

const SECRET = "whsec-test-secret";
const sign = (body: string, secret = SECRET) =>
  `v1=${createHmac("sha256", secret).update(body).digest("hex")}`;

function incidentEvent(
  eventType: string,
  status: string,
  occurredAt: string,
  service = "checkout",
  id = "Q1ABCDEF",
) {
  return {
    event: {
      id: `evt-${eventType}-${occurredAt}`,
      event_type: eventType,
      resource_type: "incident",
      occurred_at: occurredAt,
      agent: null,
      client: null,
      data: {
        id,
        type: "incident",
        self: `https://api.pagerduty.com/incidents/${id}`,
        number: 7,
        status,
        title: "checkout error rate",
        created_at: "2026-01-05T09:01:00Z",
        service: { id: "PSVC001", type: "service_reference", summary: service },
        assignees: [],
        urgency: "high",
      },
    },
  };
}

function statusUpdateEvent(message: string, occurredAt: string) {
  return {
    event: {
      event_type: "incident.status_update_published",
      resource_type: "incident",
      occurred_at: occurredAt,
      data: {
        incident: {
          id: "Q1ABCDEF",
          type: "incident_reference",
          summary: "[#7] checkout error rate",
        },
        id: "PSU0001",
        message,
        trimmed: false,
        type: "incident_status_update",
      },
    },
  };
}

async function deliver(h: AppHarness, payload: unknown, signature?: string) {
  const body = JSON.stringify(payload);
  return h.call("POST", "/webhooks/pagerduty", body, {
    "user-agent": "PagerDuty-Webhook/V3.0",
    ...(signature === undefined ? {} : { "x-pagerduty-signature": signature }),
  });
}

describe("the PagerDuty webhook receiver", () => {
  it("checks X-PagerDuty-Signature when a secret is set", async () => {
    const h = await startApp({ app: { webhookSecret: SECRET } });
    try {
      const payload = incidentEvent("incident.triggered", "triggered", "2026-01-05T09:01:00Z");
      const body = JSON.stringify(payload);
      expect((await deliver(h, payload)).status).toBe(401);
      expect((await deliver(h, payload, sign(body, "another secret"))).status).toBe(401);
      expect((await deliver(h, payload, "v1=zz")).status).toBe(401);
      const refused = await deliver(h, payload, sign(`${body} `));
      expect(refused.status).toBe(401);
      expect(refused.json.message).toContain("X-PagerDuty-Signature");
      expect(h.sim.journal.byType("app.webhook.received")).toHaveLength(0);
      // While a secret rotates, any of the v1 values may match.
      expect((await deliver(h, payload, `${sign(body, "old")},${sign(body)}`)).status).toBe(200);
      expect(h.sim.journal.byType("app.webhook.received")).toHaveLength(1);

      // The secret can be set once the subscription exists, after the app listens.
      h.app.setWebhookSecret("rotated");
      expect((await deliver(h, payload, sign(body))).status).toBe(401);
      expect((await deliver(h, payload, sign(body, "rotated"))).status).toBe(200);
    } finally {
      await h.dispose();
    }
  });

  it("keeps a status page per service from the incident's events", async () => {
    const h = await startApp();
    try {
      const status = async () =>
        (await h.call("GET", "/status")).json as { services: Array<Record<string, unknown>> };
      expect((await status()).services).toEqual([
        { service: "checkout", status: "operational", incidents: [], latestStatusUpdate: null },
        { service: "search", status: "operational", incidents: [], latestStatusUpdate: null },
      ]);

      expect(
        (await deliver(h, incidentEvent("incident.triggered", "triggered", "2026-01-05T09:01:00Z")))
          .status,
      ).toBe(200);
      let checkout = (await status()).services[0];
      expect(checkout).toMatchObject({ service: "checkout", status: "degraded" });
      expect(checkout?.incidents).toEqual([
        {
          id: "Q1ABCDEF",
          number: 7,
          title: "checkout error rate",
          service: "checkout",
          status: "open",
          openedAt: "2026-01-05T09:01:00Z",
          acknowledgedAt: null,
          resolvedAt: null,
          updatedAt: "2026-01-05T09:01:00Z",
        },
      ]);

      await deliver(
        h,
        incidentEvent("incident.acknowledged", "acknowledged", "2026-01-05T09:03:00Z"),
      );
      await deliver(
        h,
        statusUpdateEvent("We are looking into failed payments.", "2026-01-05T09:04:00Z"),
      );
      checkout = (await status()).services[0];
      expect(checkout).toMatchObject({
        status: "degraded",
        latestStatusUpdate: {
          incidentId: "Q1ABCDEF",
          message: "We are looking into failed payments.",
          publishedAt: "2026-01-05T09:04:00Z",
        },
      });
      expect(checkout?.incidents).toEqual([
        expect.objectContaining({ status: "acknowledged", acknowledgedAt: "2026-01-05T09:03:00Z" }),
      ]);

      // A retried delivery older than what the page shows changes nothing.
      await deliver(h, incidentEvent("incident.triggered", "triggered", "2026-01-05T09:01:00Z"));
      expect((await status()).services[0]?.incidents).toEqual([
        expect.objectContaining({ status: "acknowledged" }),
      ]);

      await deliver(h, incidentEvent("incident.resolved", "resolved", "2026-01-05T09:20:00Z"));
      checkout = (await status()).services[0];
      expect(checkout).toMatchObject({ status: "operational" });
      expect(checkout?.incidents).toEqual([
        expect.objectContaining({ status: "resolved", resolvedAt: "2026-01-05T09:20:00Z" }),
      ]);

      // A PagerDuty service the app does not know is listed after the app's own.
      await deliver(
        h,
        incidentEvent(
          "incident.triggered",
          "triggered",
          "2026-01-05T09:30:00Z",
          "billing",
          "Q2BILL",
        ),
      );
      let page = (await status()).services;
      expect(page.map((s) => s.service)).toEqual(["checkout", "search", "billing"]);
      expect(page.map((s) => s.status)).toEqual(["operational", "operational", "degraded"]);
      // incident.service_updated moves an incident to another service.
      await deliver(
        h,
        incidentEvent(
          "incident.service_updated",
          "triggered",
          "2026-01-05T09:31:00Z",
          "search",
          "Q2BILL",
        ),
      );
      page = (await status()).services;
      expect(page.map((s) => s.status)).toEqual(["operational", "degraded", "operational"]);

      const received = h.sim.journal.byType("app.webhook.received");
      expect(received.slice(0, 3).map((e) => e.data)).toEqual([
        {
          eventType: "incident.triggered",
          incidentId: "Q1ABCDEF",
          service: "checkout",
          status: "triggered",
        },
        {
          eventType: "incident.acknowledged",
          incidentId: "Q1ABCDEF",
          service: "checkout",
          status: "acknowledged",
        },
        {
          eventType: "incident.status_update_published",
          incidentId: "Q1ABCDEF",
          service: "checkout",
          status: "acknowledged",
        },
      ]);
      expect(received[0]?.correlation).toEqual({ service: "checkout", incident: "Q1ABCDEF" });
      expect(received[0]?.source).toBe("app");

      // PagerDuty's ping has no incident.
      const ping = await deliver(h, {
        event: {
          event_type: "pagey.ping",
          resource_type: "pagey",
          occurred_at: "2026-01-05T09:00:00Z",
          data: { message: "Hello from your friend Pagey!", type: "ping" },
        },
      });
      expect(ping.status).toBe(200);
      expect(h.sim.journal.byType("app.webhook.received").at(-1)?.data).toEqual({
        eventType: "pagey.ping",
        incidentId: null,
        service: null,
        status: null,
      });
    } finally {
      await h.dispose();
    }
  });

  it("refuses an envelope it cannot read, naming the field", async () => {
    const h = await startApp();
    try {
      const bad = await deliver(h, {
        event: { event_type: "incident.triggered", resource_type: "incident", data: {} },
      });
      expect(bad.status).toBe(400);
      expect(bad.json.message).toContain("event.occurred_at:");
      expect((await h.call("POST", "/webhooks/pagerduty", "nope")).status).toBe(400);
    } finally {
      await h.dispose();
    }
  });

  it("answers a receiver fault's status, or drops the connection, while it lasts", async () => {
    const h = await startApp();
    try {
      const payload = incidentEvent("incident.triggered", "triggered", "2026-01-05T09:01:00Z");
      const fault = await h.call("POST", "/faults", { target: "webhooks", durationMs: 60_000 });
      expect(fault.status).toBe(201);
      expect(fault.json).toMatchObject({
        target: "webhooks",
        status: 503,
        down: false,
        endsAt: "2026-01-05T09:01:00.000Z",
      });
      expect((await deliver(h, payload)).status).toBe(503);
      await h.sim.clock.runFor(60_000);
      expect((await deliver(h, payload)).status).toBe(200);

      const down = await h.call("POST", "/faults", { target: "webhooks", down: true });
      await expect(deliver(h, payload)).rejects.toThrow();
      expect((await h.call("DELETE", `/faults/${down.json.id}`)).status).toBe(204);
      expect((await deliver(h, payload)).status).toBe(200);

      expect(h.sim.journal.byType("app.fault.started").map((e) => e.data)).toEqual([
        expect.objectContaining({
          target: "webhooks",
          status: 503,
          endsAt: "2026-01-05T09:01:00.000Z",
        }),
        expect.objectContaining({ target: "webhooks", status: null, error: "ConnectionDropped" }),
      ]);
      expect(h.sim.journal.byType("app.fault.ended").map((e) => e.data.reason)).toEqual([
        "expired",
        "deleted",
      ]);
      expect(h.sim.journal.byType("app.webhook.received")).toHaveLength(2);
    } finally {
      await h.dispose();
    }
  });
});

describe("the support desk", () => {
  it("takes customers' reports and journals them", async () => {
    const h = await startApp();
    try {
      const first = await h.call("POST", "/support/reports", {
        customer: "acme",
        service: "checkout",
        message: "cannot pay",
      });
      expect(first.status).toBe(201);
      expect(first.json).toEqual({ id: "report-1" });
      const second = await h.call("POST", "/support/reports", {
        customer: "globex",
        service: "search",
      });
      expect(second.json).toEqual({ id: "report-2" });
      expect((await h.call("GET", "/support/reports")).json.reports).toEqual([
        {
          id: "report-1",
          customer: "acme",
          service: "checkout",
          message: "cannot pay",
          reportedAt: "2026-01-05T09:00:00.000Z",
        },
        {
          id: "report-2",
          customer: "globex",
          service: "search",
          reportedAt: "2026-01-05T09:00:00.000Z",
        },
      ]);
      const journaled = h.sim.journal.byType("app.support.reported");
      expect(journaled.map((e) => e.data)).toEqual([
        { reportId: "report-1", customer: "acme", service: "checkout" },
        { reportId: "report-2", customer: "globex", service: "search" },
      ]);
      expect(journaled[0]?.correlation).toMatchObject({ service: "checkout" });

      const missing = await h.call("POST", "/support/reports", { service: "checkout" });
      expect(missing.status).toBe(400);
      expect(missing.json.message).toContain("customer:");
      const unknown = await h.call("POST", "/support/reports", {
        customer: "acme",
        service: "cart",
      });
      expect(unknown.status).toBe(400);
      expect(unknown.json.message).toContain(
        'service: expected one of checkout, search, got "cart"',
      );
      expect(h.sim.journal.byType("app.support.reported")).toHaveLength(2);
    } finally {
      await h.dispose();
    }
  });
});
