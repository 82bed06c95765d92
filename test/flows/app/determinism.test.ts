import { describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { type AppHarness, appJournal, startApp } from "./helpers.js";

const ACCEPT = "application/vnd.pagerduty+json;version=2";

async function pagerDuty(sim: Simulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.endpoints.pagerdutyApi.url}${path}`, {
    method,
    headers: {
      accept: ACCEPT,
      authorization: `Token token=${sim.env.PAGERDUTY_TOKEN}`,
      "content-type": "application/json",
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Subscribes the app's receiver to the simulator's PagerDuty, with the secret it answers. */
async function subscribeApp(h: AppHarness) {
  const reply = await pagerDuty(h.sim, "POST", "/webhook_subscriptions", {
    webhook_subscription: {
      type: "webhook_subscription",
      delivery_method: { type: "http_delivery_method", url: `${h.url}/webhooks/pagerduty` },
      events: ["incident.triggered", "incident.acknowledged", "incident.resolved"],
      filter: { type: "account_reference" },
    },
  });
  expect(reply.status).toBe(200);
  const created = reply.json.webhook_subscription as { delivery_method: { secret: string } };
  h.app.setWebhookSecret(created.delivery_method.secret);
}

async function enqueue(sim: Simulator, action: "trigger" | "resolve", dedupKey: string) {
  const res = await fetch(`${sim.endpoints.pagerdutyEvents.url}/v2/enqueue`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      routing_key: sim.env.PAGERDUTY_ROUTING_KEY,
      event_action: action,
      dedup_key: dedupKey,
      payload: { summary: "checkout 5xx over 2%", source: "checkout", severity: "critical" },
    }),
  });
  expect(res.status).toBe(202);
}

/** A few minutes of everything the app does: traffic, faults, a burst, real requests, reports. */
async function scenario(seed: string) {
  const h = await startApp({ seed });
  try {
    await subscribeApp(h);
    h.app.startTraffic();
    await h.sim.clock.runFor(20_000);
    await h.call("POST", "/faults", {
      service: "checkout",
      errorRate: 0.3,
      durationMs: 40_000,
      latencyMs: 900,
    });
    await h.call("POST", "/faults", {
      service: "search",
      status: 504,
      error: "GatewayTimeout",
      errorRate: 0,
      burst: 7,
    });
    await h.call("GET", "/checkout/pay");
    await h.call("POST", "/search/q");
    await enqueue(h.sim, "trigger", "checkout/5xx");
    await h.sim.clock.runFor(30_000);
    await h.call("POST", "/support/reports", {
      customer: "acme",
      service: "checkout",
      message: "slow",
    });
    await enqueue(h.sim, "resolve", "checkout/5xx");
    await h.sim.clock.runFor(30_000);
    h.app.stopTraffic();
    await h.app.flush();
    const status = await h.call("GET", "/status");
    await h.app.close();
    return { journal: appJournal(h.sim), counts: h.app.counts(), status: status.json };
  } finally {
    await h.dispose();
  }
}

describe("determinism", () => {
  it("writes the same app.* journal twice for one seed, and another for another seed", {
    timeout: 120_000,
  }, async () => {
    const first = await scenario("same");
    const second = await scenario("same");
    expect(second.journal).toEqual(first.journal);
    expect(second.counts).toEqual(first.counts);

    const types = new Set(first.journal.map((line) => JSON.parse(line).type));
    for (const type of [
      "app.fault.started",
      "app.fault.ended",
      "app.error.emitted",
      "app.requests.counted",
      "app.logs.flushed",
      "app.webhook.received",
      "app.support.reported",
    ]) {
      expect(types, type).toContain(type);
    }
    // Signed webhooks from the simulator's PagerDuty made it to the status page.
    const received = first.journal
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === "app.webhook.received");
    expect(received.map((e) => e.data.eventType)).toEqual([
      "incident.triggered",
      "incident.resolved",
    ]);
    const watermelon = (first.status.services as Array<Record<string, unknown>>).find(
      (s) => s.service === "watermelon",
    );
    expect(watermelon).toMatchObject({ status: "operational" });
    expect(watermelon?.incidents).toEqual([expect.objectContaining({ status: "resolved" })]);

    const other = await scenario("other");
    expect(other.journal).not.toEqual(first.journal);
  });
});
