/**
 * Which subscriptions an event goes to (the `events` they list, their `filter`, `active`) and in
 * which order: fan-out within one instant runs one subscription after another, in the order the
 * subscriptions were created (DESIGN §6), whatever the receivers' speed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, harness, incidentEvent } from "./helpers.js";

let h: Harness;
afterEach(async () => h.close());

const typesAt = (r: { got: { json: { event: { event_type: string } } }[] }) =>
  r.got.map((g) => g.json.event.event_type);

describe("event selection", () => {
  it("delivers only the event types a subscription lists", async () => {
    h = harness();
    const r = await h.receiver();
    h.subscribe(r.url, { events: ["incident.acknowledged", "incident.resolved"] });
    for (const type of [
      "incident.triggered",
      "incident.acknowledged",
      "incident.escalated",
      "incident.resolved",
    ] as const) {
      h.webhooks.publish(incidentEvent(type));
    }
    await h.clock.runUntilIdle();
    expect(typesAt(r)).toEqual(["incident.acknowledged", "incident.resolved"]);
  });

  it("follows an update of the events, and an inactive subscription gets nothing", async () => {
    h = harness();
    const r = await h.receiver();
    const { id } = h.subscribe(r.url, { events: ["incident.triggered"] });
    h.webhooks.publish(incidentEvent("incident.priority_updated"));
    h.webhooks.updateSubscription(id, { events: ["incident.priority_updated"] });
    h.webhooks.publish(incidentEvent("incident.priority_updated"));
    h.webhooks.updateSubscription(id, { active: false });
    h.webhooks.publish(incidentEvent("incident.priority_updated"));
    await h.clock.runUntilIdle();
    expect(typesAt(r)).toEqual(["incident.priority_updated"]);
    const published = h.entries("pagerduty.webhook.published").map((e) => e.data.subscriptions);
    expect(published).toEqual([[], [id], []]);
  });
});

describe("filters", () => {
  it("matches the incident's service, one of its teams, or the whole account", async () => {
    h = harness();
    const r = await h.receiver();
    const events = ["incident.triggered" as const];
    const service = h.subscribe(r.url, {
      events,
      filter: { type: "service_reference", id: "PSVC001" },
    });
    const team = h.subscribe(r.url, { events, filter: { type: "team_reference", id: "PTEAM02" } });
    const account = h.subscribe(r.url, { events, filter: { type: "account_reference" } });
    const other = h.subscribe(r.url, {
      events,
      filter: { type: "service_reference", id: "PSVC999" },
    });

    h.webhooks.publish(
      incidentEvent("incident.triggered", { id: "PINC001", service: "PSVC001", teams: [] }),
    );
    h.webhooks.publish(
      incidentEvent("incident.triggered", {
        id: "PINC002",
        service: "PSVC002",
        teams: ["PTEAM01", "PTEAM02"],
      }),
    );
    h.webhooks.publish(
      incidentEvent("incident.triggered", {
        id: "PINC003",
        service: "PSVC003",
        teams: ["PTEAM03"],
      }),
    );
    await h.clock.runUntilIdle();

    const bySubscription = (sub: string) =>
      r.got
        .filter((g) => g.headers["x-webhook-subscription"] === sub)
        .map((g) => g.json.event.data.id);
    expect(bySubscription(service.id)).toEqual(["PINC001"]);
    expect(bySubscription(team.id)).toEqual(["PINC002"]);
    expect(bySubscription(account.id)).toEqual(["PINC001", "PINC002", "PINC003"]);
    expect(bySubscription(other.id)).toEqual([]);
  });

  it("reads the service of a note from the scope it is given", async () => {
    h = harness();
    const r = await h.receiver();
    const events = ["incident.annotated" as const];
    h.subscribe(r.url, { events, filter: { type: "service_reference", id: "PSVC001" } });
    const note = (serviceId: string) => ({
      event_type: "incident.annotated" as const,
      data: {
        incident: { id: "PINC001", type: "incident_reference" },
        id: "PNOTE01",
        content: "rolled back",
        trimmed: false,
        type: "incident_note",
      },
      scope: { serviceId },
    });
    h.webhooks.publish(note("PSVC002"));
    h.webhooks.publish(note("PSVC001"));
    await h.clock.runUntilIdle();
    expect(r.got).toHaveLength(1);
    expect(h.entries("pagerduty.webhook.delivered")[0]?.correlation.incidentId).toBe("PINC001");
  });

  it("matches service events on the service itself", async () => {
    h = harness();
    const r = await h.receiver();
    h.subscribe(r.url, {
      events: ["service.updated"],
      filter: { type: "service_reference", id: "PF9KMXH" },
    });
    const serviceData = (id: string) => ({
      id,
      type: "service",
      self: `https://api.pagerduty.com/services/${id}`,
      html_url: `https://acme.pagerduty.com/services/${id}`,
      summary: "testing service updates",
      teams: [],
    });
    h.webhooks.publish({ event_type: "service.updated", data: serviceData("PF9KMXH") });
    h.webhooks.publish({ event_type: "service.updated", data: serviceData("POTHER1") });
    await h.clock.runUntilIdle();
    expect(r.got.map((g) => [g.json.event.resource_type, g.json.event.data.id])).toEqual([
      ["service", "PF9KMXH"],
    ]);
  });
});

describe("fan-out within one instant", () => {
  it("runs one subscription after another, in the order they were created, even when the first is slow", async () => {
    h = harness();
    const log: string[] = [];
    // The first-created receiver answers last in real time if requests ran side by side.
    const slow = await h.receiver([{ status: 200, delayMs: 150 }], { name: "a", log });
    const middle = await h.receiver([{ status: 200, delayMs: 40 }], { name: "b", log });
    const fast = await h.receiver([200], { name: "c", log });
    const a = h.subscribe(slow.url);
    const b = h.subscribe(middle.url);
    const c = h.subscribe(fast.url);

    const published = h.webhooks.publish(incidentEvent("incident.triggered"));
    expect(published.webhooks.map((w) => w.subscriptionId)).toEqual([a.id, b.id, c.id]);
    await h.clock.runUntilIdle();

    expect(log).toEqual(["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
    const delivered = h.entries("pagerduty.webhook.delivered");
    expect(delivered.map((e) => e.correlation.subscriptionId)).toEqual([a.id, b.id, c.id]);
    // One instant of virtual time, three webhooks of one event.
    expect(new Set(delivered.map((e) => e.time)).size).toBe(1);
    expect(new Set(delivered.map((e) => e.correlation.eventId))).toEqual(
      new Set([published.eventId]),
    );
    expect(new Set(delivered.map((e) => e.correlation.webhookId)).size).toBe(3);
  });

  it("keeps that order for several events in one instant, and for retries falling due together", async () => {
    h = harness();
    const log: string[] = [];
    const first = await h.receiver([500, { status: 200, delayMs: 60 }], { name: "a", log });
    const second = await h.receiver([500, 200], { name: "b", log });
    h.subscribe(first.url);
    h.subscribe(second.url);
    h.webhooks.publish(incidentEvent("incident.triggered", { id: "PINC001" }));
    h.webhooks.publish(incidentEvent("incident.triggered", { id: "PINC002" }));
    await h.clock.runUntilIdle();
    const order = h
      .entries()
      .filter((e) => e.type !== "pagerduty.webhook.published")
      .map((e) => `${e.time.slice(11, 16)} ${e.type.split(".")[2]} ${e.correlation.incidentId}`);
    // a and b are the receivers of the two subscriptions, in creation order.
    expect(order).toEqual([
      "09:00 failed PINC001",
      "09:00 failed PINC001",
      "09:00 delivered PINC002",
      "09:00 delivered PINC002",
      "09:01 delivered PINC001",
      "09:01 delivered PINC001",
    ]);
    const [subA, subB] = h.webhooks.listSubscriptions().map((sub) => sub.id);
    expect(
      h.entries("pagerduty.webhook.delivered").map((e) => e.correlation.subscriptionId),
    ).toEqual([subA, subB, subA, subB]);
    expect(log.filter((l) => l.endsWith("start")).map((l) => l[0])).toEqual([
      "a",
      "b",
      "a",
      "b",
      "a",
      "b",
    ]);
  });
});
