/**
 * Temporary disablement (02-Behavior.md): after 3 consecutive webhooks are dropped, whether
 * from permanent errors or from retries running out, the subscription is disabled for 24 hours,
 * the webhooks in its queue are dropped, and new ones are not enqueued; it comes back after the
 * 24 hours or through `POST /webhook_subscriptions/{id}/enable`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, HOUR, harness, incidentEvent, MINUTE, START } from "./helpers.js";

let h: Harness;
afterEach(async () => h.close());

const incident = (n: number) => ({ id: `PINC00${n}`, number: n });

describe("temporary disablement", () => {
  it("disables the subscription on the third consecutive drop and stops delivering", async () => {
    h = harness();
    const r = await h.receiver([404]);
    const { id } = h.subscribe(r.url);
    for (const n of [1, 2]) h.webhooks.publish(incidentEvent("incident.triggered", incident(n)));
    await h.clock.runUntilIdle();
    expect(h.entries("pagerduty.webhook.disabled")).toEqual([]);
    expect(h.webhooks.getSubscription(id)?.delivery_method.temporarily_disabled).toBe(false);

    await h.clock.runFor(5 * MINUTE);
    h.webhooks.publish(incidentEvent("incident.triggered", incident(3)));
    await h.clock.runFor(MINUTE);
    const disabled = h.entries("pagerduty.webhook.disabled");
    expect(
      disabled.map((e) => ({ time: e.time, correlation: e.correlation, data: e.data })),
    ).toEqual([
      {
        time: "2026-01-05T09:05:00.000Z",
        correlation: { subscriptionId: id },
        data: { consecutiveDrops: 3, until: "2026-01-06T09:05:00.000Z" },
      },
    ]);
    expect(h.webhooks.getSubscription(id)?.delivery_method.temporarily_disabled).toBe(true);

    r.answers = [200];
    const later = h.webhooks.publish(incidentEvent("incident.triggered", incident(4)));
    await h.clock.runFor(HOUR);
    expect(r.got).toHaveLength(3);
    expect(later.webhooks[0]?.disposition).toBe("dropped");
    expect(h.entries("pagerduty.webhook.dropped").at(-1)?.data).toEqual({
      event_type: "incident.triggered",
      reason: "subscription temporarily disabled",
      attempts: 0,
    });
  });

  it("drops every webhook still queued for it when it disables, retries included", async () => {
    h = harness();
    // Incident 9's webhooks always meet a 500 (retried); the others a 410 (dropped at once).
    const r = await h.receiver((got) => (got.json.event.data.id === "PINC009" ? 500 : 410));
    const { id } = h.subscribe(r.url);
    h.webhooks.publish(incidentEvent("incident.triggered", incident(9)));
    h.webhooks.publish(incidentEvent("incident.acknowledged", incident(9)));
    await h.clock.runFor(30 * 1000);
    for (const n of [1, 2, 3]) h.webhooks.publish(incidentEvent("incident.triggered", incident(n)));
    await h.clock.runFor(30 * 1000);

    expect(h.webhooks.getSubscription(id)?.delivery_method.temporarily_disabled).toBe(true);
    const dropped = h
      .entries("pagerduty.webhook.dropped")
      .map((e) => [e.correlation.incidentId, e.data.event_type, e.data.reason, e.data.attempts]);
    expect(dropped).toEqual([
      ["PINC001", "incident.triggered", "permanent error", 1],
      ["PINC002", "incident.triggered", "permanent error", 1],
      ["PINC003", "incident.triggered", "permanent error", 1],
      // Incident 9's trigger was waiting for its retry, its acknowledgement behind it.
      ["PINC009", "incident.triggered", "subscription temporarily disabled", 1],
      ["PINC009", "incident.acknowledged", "subscription temporarily disabled", 0],
    ]);
    expect(h.webhooks.pending()).toEqual([]);
    const attemptsBefore = r.got.length;
    await h.clock.runFor(12 * HOUR);
    expect(r.got).toHaveLength(attemptsBefore);
  });

  it("disables after three webhooks that exhausted their retries, at the end of the 48 hours", async () => {
    h = harness();
    const r = await h.receiver([503]);
    const { id } = h.subscribe(r.url);
    for (const n of [1, 2, 3]) h.webhooks.publish(incidentEvent("incident.triggered", incident(n)));
    await h.clock.runFor(47 * HOUR);
    expect(h.entries("pagerduty.webhook.disabled")).toEqual([]);
    await h.clock.runFor(2 * HOUR);
    const [disabled] = h.entries("pagerduty.webhook.disabled");
    // The last attempt of each falls 47 h 3 min after the first (the last hourly one in 48 h).
    expect(disabled?.time).toBe(new Date(START + 47 * HOUR + 3 * MINUTE).toISOString());
    expect(h.webhooks.getSubscription(id)?.delivery_method.temporarily_disabled).toBe(true);
  });

  it("a delivery in between resets the count", async () => {
    h = harness();
    const r = await h.receiver([404, 404, 200, 404, 404, 404]);
    const { id } = h.subscribe(r.url);
    for (const n of [1, 2, 3, 4, 5]) {
      h.webhooks.publish(incidentEvent("incident.triggered", incident(n)));
    }
    await h.clock.runUntilIdle();
    expect(h.entries("pagerduty.webhook.disabled")).toEqual([]);
    expect(h.webhooks.getSubscription(id)?.delivery_method.temporarily_disabled).toBe(false);
    h.webhooks.publish(incidentEvent("incident.triggered", incident(6)));
    await h.clock.runFor(MINUTE);
    expect(h.entries("pagerduty.webhook.disabled")).toHaveLength(1);
  });

  it("comes back by itself after 24 hours", async () => {
    h = harness();
    const r = await h.receiver([404, 404, 404, 200]);
    const { id } = h.subscribe(r.url);
    for (const n of [1, 2, 3]) h.webhooks.publish(incidentEvent("incident.triggered", incident(n)));
    await h.clock.runFor(24 * HOUR - 1);
    expect(h.webhooks.getSubscription(id)?.delivery_method.temporarily_disabled).toBe(true);
    await h.clock.runFor(1);
    expect(h.webhooks.getSubscription(id)?.delivery_method.temporarily_disabled).toBe(false);
    expect(h.entries("pagerduty.webhook.enabled").map((e) => [e.time, e.data])).toEqual([
      ["2026-01-06T09:00:00.000Z", { reason: "disabled period over" }],
    ]);
    h.webhooks.publish(incidentEvent("incident.resolved", incident(1)));
    await h.clock.runUntilIdle();
    expect(r.got.at(-1)?.json.event.event_type).toBe("incident.resolved");
    expect(h.entries("pagerduty.webhook.delivered")).toHaveLength(1);
  });

  it("comes back at once when enabled, with the count started afresh", async () => {
    h = harness();
    const r = await h.receiver([404]);
    const { id } = h.subscribe(r.url);
    for (const n of [1, 2, 3]) h.webhooks.publish(incidentEvent("incident.triggered", incident(n)));
    await h.clock.runFor(HOUR);
    expect(h.webhooks.enableSubscription(id)?.delivery_method.temporarily_disabled).toBe(false);
    expect(h.entries("pagerduty.webhook.enabled").map((e) => e.data)).toEqual([
      { reason: "enabled through the API" },
    ]);
    // Two more drops do not disable it again: the count restarted at the enable.
    for (const n of [4, 5]) h.webhooks.publish(incidentEvent("incident.triggered", incident(n)));
    await h.clock.runFor(HOUR);
    expect(h.webhooks.getSubscription(id)?.delivery_method.temporarily_disabled).toBe(false);
    // The 24-hour timer of the first disable was cancelled with it.
    await h.clock.runFor(48 * HOUR);
    expect(h.entries("pagerduty.webhook.enabled")).toHaveLength(1);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it("with disabledForMs null, stays disabled until enabled", async () => {
    h = harness({ policy: { disabledForMs: null } });
    const r = await h.receiver([400]);
    const { id } = h.subscribe(r.url);
    for (const n of [1, 2, 3]) h.webhooks.publish(incidentEvent("incident.triggered", incident(n)));
    await h.clock.runUntilIdle();
    expect(h.entries("pagerduty.webhook.disabled")[0]?.data).toEqual({ consecutiveDrops: 3 });
    expect(h.webhooks.getSubscription(id)?.delivery_method.temporarily_disabled).toBe(true);
    expect(h.clock.pendingTimers()).toBe(0);
  });
});
