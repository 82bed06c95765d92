/**
 * Failed deliveries on the virtual clock (02-Behavior.md, "Error Handling and Retries"): what is
 * retried and what is dropped at once, when the retries happen, the 48-hour window, and the
 * order of one incident's webhooks while one of them is retried.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_DELIVERY_POLICY,
  RETRY_WINDOW_MS,
} from "../../../../mocks/pagerduty/webhooks/index.js";
import { type Harness, HOUR, harness, incidentEvent, MINUTE, START } from "./helpers.js";

let h: Harness;
afterEach(async () => h.close());

/** Minutes after the first attempt at which the documented schedule makes each attempt. */
function scheduleMinutes(): number[] {
  const out = [0];
  let t = 0;
  let delay = 1;
  for (;;) {
    t += delay;
    if (t * MINUTE > RETRY_WINDOW_MS) return out;
    out.push(t);
    delay = Math.min(delay * 2, 60);
  }
}

describe("retries", () => {
  it("retries a 5xx 1, 3, 7, 15, 31 and 63 minutes after the first attempt, then hourly, for 48 hours", async () => {
    h = harness();
    const r = await h.receiver([503]);
    h.subscribe(r.url);
    h.webhooks.publish(incidentEvent("incident.triggered"));
    await h.clock.runUntilIdle();

    const minutes = r.got.map((g) => (g.at - START) / MINUTE);
    expect(minutes.slice(0, 9)).toEqual([0, 1, 3, 7, 15, 31, 63, 123, 183]);
    expect(minutes).toEqual(scheduleMinutes());
    expect(minutes.at(-1)).toBeLessThanOrEqual(48 * 60);
    expect(minutes.length).toBe(53);
    // Every attempt carries the same webhook: one X-Webhook-Id, the same bytes, the same signature.
    expect(new Set(r.got.map((g) => g.headers["x-webhook-id"])).size).toBe(1);
    expect(new Set(r.got.map((g) => g.raw.toString("base64"))).size).toBe(1);
    expect(new Set(r.got.map((g) => g.headers["x-pagerduty-signature"])).size).toBe(1);

    const failed = h.entries("pagerduty.webhook.failed");
    expect(failed).toHaveLength(53);
    expect(failed.map((e) => e.time)).toEqual(r.got.map((g) => new Date(g.at).toISOString()));
    expect(failed[0]?.data).toMatchObject({ attempt: 1, status: 503, retryInMs: MINUTE });
    expect(failed[6]?.data).toMatchObject({ attempt: 7, retryInMs: HOUR });
    expect(failed.at(-1)?.data).toMatchObject({ attempt: 53, status: 503, final: true });
    expect(failed.at(-1)?.data).not.toHaveProperty("retryInMs");
    const dropped = h.entries("pagerduty.webhook.dropped");
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.data).toMatchObject({ reason: "retries exhausted", attempts: 53 });
    expect(dropped[0]?.time).toBe(failed.at(-1)?.time);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it("stops retrying once an attempt succeeds", async () => {
    h = harness();
    const r = await h.receiver([500, 502, 429, 204]);
    h.subscribe(r.url);
    h.webhooks.publish(incidentEvent("incident.triggered"));
    await h.clock.runUntilIdle();
    expect(r.got.map((g) => (g.at - START) / MINUTE)).toEqual([0, 1, 3, 7]);
    expect(h.entries().map((e) => [e.type, e.data.attempt ?? null, e.data.status ?? null])).toEqual(
      [
        ["pagerduty.webhook.published", null, null],
        ["pagerduty.webhook.failed", 1, 500],
        ["pagerduty.webhook.failed", 2, 502],
        ["pagerduty.webhook.failed", 3, 429],
        ["pagerduty.webhook.delivered", 4, 204],
      ],
    );
  });

  it.each([400, 401, 403, 404, 410, 422])("drops a %i at once, without a retry", async (status) => {
    h = harness();
    const r = await h.receiver([status, 200]);
    h.subscribe(r.url);
    h.webhooks.publish(incidentEvent("incident.triggered"));
    await h.clock.runUntilIdle();
    expect(r.got).toHaveLength(1);
    expect(h.entries("pagerduty.webhook.failed").map((e) => e.data)).toEqual([
      {
        event_type: "incident.triggered",
        attempt: 1,
        status,
        error: `HTTP ${status}`,
        final: true,
      },
    ]);
    expect(h.entries("pagerduty.webhook.dropped")[0]?.data).toMatchObject({
      reason: "permanent error",
      attempts: 1,
    });
  });

  it("does not follow a redirect: a 3xx is not a 2xx, and is dropped", async () => {
    h = harness();
    const target = await h.receiver([200]);
    const redirecting = await h.receiver([307]);
    h.subscribe(redirecting.url);
    h.webhooks.publish(incidentEvent("incident.triggered"));
    await h.clock.runUntilIdle();
    expect(redirecting.got).toHaveLength(1);
    expect(target.got).toHaveLength(0);
    expect(h.entries("pagerduty.webhook.dropped")).toHaveLength(1);
  });

  it("retries when the connection is refused or dropped, journaling the error code", async () => {
    h = harness();
    const closed = await h.receiver();
    const url = closed.url;
    await closed.close();
    h.receivers.splice(h.receivers.indexOf(closed), 1);
    const { id } = h.subscribe(url);
    h.webhooks.publish(incidentEvent("incident.triggered"));
    await h.clock.runFor(2 * MINUTE);
    const refused = h.entries("pagerduty.webhook.failed");
    expect(refused.map((e) => e.data.error)).toEqual(["ECONNREFUSED", "ECONNREFUSED"]);
    expect(refused[0]?.data).toMatchObject({ retryInMs: MINUTE });
    // The journal names the receiver by subscription, never by its ephemeral port.
    expect(JSON.stringify(h.journal.all())).not.toContain(new URL(url).port);
    h.webhooks.deleteSubscription(id);

    const resetting = await h.receiver(["reset", 200]);
    h.subscribe(resetting.url);
    h.webhooks.publish(incidentEvent("incident.acknowledged"));
    await h.clock.runUntilIdle();
    expect(resetting.got).toHaveLength(2);
    expect(h.entries("pagerduty.webhook.delivered")[0]?.data).toMatchObject({ attempt: 2 });
  });

  it("counts a receiver that does not answer within the timeout as failed, and retries it", async () => {
    h = harness({ policy: { timeoutMs: 250 } });
    const r = await h.receiver(["hang", 200]);
    h.subscribe(r.url);
    h.webhooks.publish(incidentEvent("incident.triggered"));
    await h.clock.runUntilIdle();
    expect(r.got).toHaveLength(2);
    expect(h.entries("pagerduty.webhook.failed").map((e) => e.data)).toEqual([
      { event_type: "incident.triggered", attempt: 1, error: "timeout", retryInMs: MINUTE },
    ]);
    expect(DEFAULT_DELIVERY_POLICY.timeoutMs).toBe(5_000);
  });

  it("keeps one incident's webhooks in order while the first is retried, without holding up another incident", async () => {
    h = harness();
    const r = await h.receiver((got) => {
      const { event_type, data } = got.json.event;
      // The first try of PX's trigger fails; everything else is accepted.
      const triesOfTrigger = h.receivers[0]?.got.filter(
        (g) =>
          g.json.event.data.id === "PX00001" && g.json.event.event_type === "incident.triggered",
      ).length;
      return data.id === "PX00001" && event_type === "incident.triggered" && triesOfTrigger === 1
        ? 500
        : 200;
    });
    h.subscribe(r.url);
    h.webhooks.publish(incidentEvent("incident.triggered", { id: "PX00001", number: 1 }));
    h.webhooks.publish(incidentEvent("incident.acknowledged", { id: "PX00001", number: 1 }));
    h.webhooks.publish(incidentEvent("incident.triggered", { id: "PY00002", number: 2 }));
    await h.clock.runFor(10 * 1000);
    // Within the first seconds: PX's trigger failed, its acknowledgement waits, PY goes through.
    expect(r.got.map((g) => `${g.json.event.data.id} ${g.json.event.event_type}`)).toEqual([
      "PX00001 incident.triggered",
      "PY00002 incident.triggered",
    ]);
    expect(h.webhooks.pending().map((p) => [p.event_type, p.attempts, p.nextAttemptAt])).toEqual([
      ["incident.triggered", 1, "2026-01-05T09:01:00.000Z"],
      ["incident.acknowledged", 0, undefined],
    ]);
    await h.clock.runUntilIdle();
    expect(
      r.got.map(
        (g) => `${(g.at - START) / MINUTE} ${g.json.event.data.id} ${g.json.event.event_type}`,
      ),
    ).toEqual([
      "0 PX00001 incident.triggered",
      "0 PY00002 incident.triggered",
      "1 PX00001 incident.triggered",
      "1 PX00001 incident.acknowledged",
    ]);
  });

  it("drops a webhook over 256 KB without sending it", async () => {
    h = harness();
    const r = await h.receiver();
    h.subscribe(r.url);
    const event = incidentEvent("incident.triggered", { title: "x".repeat(256 * 1024) });
    const published = h.webhooks.publish(event);
    await h.clock.runUntilIdle();
    expect(r.got).toHaveLength(0);
    expect(published.webhooks[0]?.disposition).toBe("dropped");
    expect(h.entries("pagerduty.webhook.dropped")[0]?.data).toEqual({
      event_type: "incident.triggered",
      reason: "larger than 262144 bytes",
      attempts: 0,
    });
  });

  it("deleting a subscription drops what is queued for it; a reset cancels every retry", async () => {
    h = harness();
    const r = await h.receiver([500]);
    const deleted = h.subscribe(r.url);
    const kept = h.subscribe(r.url);
    h.webhooks.publish(incidentEvent("incident.triggered"));
    h.webhooks.publish(incidentEvent("incident.acknowledged"));
    await h.clock.runFor(10 * 1000);
    expect(h.webhooks.pending()).toHaveLength(4);
    expect(h.webhooks.deleteSubscription(deleted.id)).toBe(true);
    expect(
      h
        .entries("pagerduty.webhook.dropped")
        .map((e) => [e.correlation.subscriptionId, e.data.reason]),
    ).toEqual([
      [deleted.id, "subscription deleted"],
      [deleted.id, "subscription deleted"],
    ]);
    expect(h.webhooks.pending().map((p) => p.subscriptionId)).toEqual([kept.id, kept.id]);
    expect(h.webhooks.state().webhook_subscriptions.map((s) => s.id)).toEqual([kept.id]);

    h.webhooks.reset();
    expect(h.webhooks.pending()).toEqual([]);
    expect(h.webhooks.listSubscriptions()).toEqual([]);
    expect(h.clock.pendingTimers()).toBe(0);
    const attempts = r.got.length;
    await h.clock.runFor(HOUR);
    expect(r.got).toHaveLength(attempts);
  });
});
