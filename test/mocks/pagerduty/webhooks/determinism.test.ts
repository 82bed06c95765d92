/**
 * Same inputs and seed, same journal, byte for byte (DESIGN §2): ids come from the seeded id
 * factory, times from the virtual clock, fan-out runs in a declared order, and nothing of the
 * receivers' ports or timing reaches the journal.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, HOUR, harness, incidentEvent, MINUTE, signatureMatches } from "./helpers.js";

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

/**
 * Three subscriptions on three receivers (one flaky, one slow in real time, one refusing with a
 * 404 until it is disabled), incidents going through their lifecycle, a ping, an enable: the
 * journal and everything the receivers got.
 */
async function scenario(seed: string) {
  const h = harness({ seed });
  open.push(h);
  const flaky = await h.receiver([500, 502, 200]);
  const slow = await h.receiver([{ status: 202, delayMs: 30 }]);
  const refusing = await h.receiver([404]);
  const subs = [
    h.subscribe(flaky.url),
    h.subscribe(slow.url, {
      events: ["incident.triggered", "incident.escalated", "incident.resolved"],
      filter: { type: "team_reference", id: "PFCVPS0" },
    }),
    h.subscribe(refusing.url, { filter: { type: "service_reference", id: "PF9KMXH" } }),
  ];
  h.webhooks.publish(incidentEvent("incident.triggered", { id: "PINC001", number: 1 }));
  h.webhooks.publish(incidentEvent("incident.triggered", { id: "PINC002", number: 2 }));
  await h.clock.runFor(5 * MINUTE);
  h.webhooks.publish(incidentEvent("incident.escalated", { id: "PINC001", number: 1 }));
  h.webhooks.publish(
    incidentEvent("incident.acknowledged", { id: "PINC002", number: 2, status: "acknowledged" }),
  );
  await h.clock.runFor(MINUTE);
  const third = subs[2]?.id ?? "";
  h.webhooks.pingSubscription(third);
  refusing.answers = [200];
  h.webhooks.enableSubscription(third);
  h.webhooks.pingSubscription(third);
  h.webhooks.publish(
    incidentEvent("incident.resolved", { id: "PINC001", number: 1, status: "resolved" }),
  );
  await h.clock.runUntilIdle();
  await h.clock.runFor(30 * HOUR);
  const received = [flaky, slow, refusing].map((r) =>
    r.got.map((g) => ({
      at: g.at,
      body: g.raw.toString("utf8"),
      signature: g.headers["x-pagerduty-signature"],
      webhookId: g.headers["x-webhook-id"],
      subscription: g.headers["x-webhook-subscription"],
    })),
  );
  const verified = [flaky, slow, refusing].every((r, i) =>
    r.got.every((g) =>
      signatureMatches(g.headers["x-pagerduty-signature"], g.raw, subs[i]?.secret ?? ""),
    ),
  );
  return { h, journal: h.journal.toJsonl(), received, verified, ports: [flaky, slow, refusing] };
}

describe("determinism", () => {
  it("the same scenario and seed give the same journal and the same requests, whatever the ports", async () => {
    const one = await scenario("determinism");
    const two = await scenario("determinism");
    expect(one.ports.map((r) => r.url)).not.toEqual(two.ports.map((r) => r.url));
    expect(two.journal).toBe(one.journal);
    expect(two.received).toEqual(one.received);
    expect(one.verified).toBe(true);

    // The scenario did what it says, so the comparison covers retries, disabling and pings.
    const types = one.h.journal.all().map((e) => e.type);
    for (const type of [
      "pagerduty.webhook.published",
      "pagerduty.webhook.failed",
      "pagerduty.webhook.delivered",
      "pagerduty.webhook.dropped",
      "pagerduty.webhook.disabled",
      "pagerduty.webhook.enabled",
    ]) {
      expect(types, type).toContain(type);
    }
    for (const port of one.ports.map((r) => new URL(r.url).port)) {
      expect(one.journal).not.toContain(port);
    }
    // Every entry's seq follows the last, and times never go back.
    const times = one.h.journal.all().map((e) => Date.parse(e.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("another seed gives other ids and secrets, and the same story", async () => {
    const one = await scenario("determinism");
    const other = await scenario("another seed");
    expect(other.journal).not.toBe(one.journal);
    const story = (h: Harness) =>
      h.journal.all().map((e) => `${e.time} ${e.type} ${String(e.data.event_type ?? "")}`);
    expect(story(other.h)).toEqual(story(one.h));
  });
});
