/**
 * Webhooks v3 from incidents, to real receivers subscribed through `POST
 * /webhook_subscriptions`: one webhook per change with the documented `event_type`, agent and
 * incident data (`number`, `assignees`, ...), signed with the subscription's secret, in the order
 * the changes happened, and to several subscribers of one instant in their creation order.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { reset } from "../helpers.js";
import { api } from "../rest/helpers.js";
import { type Receiver, signatureMatches } from "../webhooks/helpers.js";
import {
  ALICE,
  BOB,
  CAROL,
  incidentByKey,
  MINUTE,
  POLICY,
  receiver,
  startAccount,
  subscribe,
  trigger,
} from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
const receivers: Receiver[] = [];
beforeAll(async () => {
  ({ sim, close } = await startAccount("incident-webhooks"));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

async function listening(log?: string[], name?: string) {
  const r = await receiver(sim.clock, [200], {
    ...(name ? { name } : {}),
    ...(log ? { log } : {}),
  });
  receivers.push(r);
  return r;
}

const types = (r: Receiver) => r.got.map((g) => g.json.event.event_type);

describe("webhooks of an incident's changes", () => {
  it("sends triggered, escalated, acknowledged, annotated, priority_updated, reassigned and resolved, each with its agent and the incident's data, signed", async () => {
    const r = await listening();
    const { delivery_method } = await subscribe(sim, r.url);
    const key = await trigger(sim, { dedupKey: "checkout/5xx" });
    await sim.clock.runFor(10 * MINUTE);
    const incident = await incidentByKey(sim, key);
    const put = (body: Record<string, unknown>, from = BOB.email) =>
      api(sim, "PUT", `/incidents/${incident.id}`, {
        from,
        body: { incident: { type: "incident_reference", ...body } },
      });
    expect((await put({ status: "acknowledged" })).status).toBe(200);
    const note = await api(sim, "POST", `/incidents/${incident.id}/notes`, {
      from: BOB.email,
      body: { note: { content: "rolling back checkout v42" } },
    });
    expect(note.status).toBe(200);
    expect((await put({ priority: "P1" })).status).toBe(200);
    expect(
      (await put({ assignments: [{ assignee: { id: CAROL.id, type: "user_reference" } }] })).status,
    ).toBe(200);
    expect((await put({ status: "resolved", resolution: "rolled back" })).status).toBe(200);
    await sim.clock.runFor(0);

    expect(types(r)).toEqual([
      "incident.triggered",
      "incident.escalated",
      "incident.acknowledged",
      "incident.annotated",
      "incident.priority_updated",
      "incident.reassigned",
      "incident.resolved",
    ]);
    for (const got of r.got) {
      expect(got.headers["user-agent"]).toBe("PagerDuty-Webhook/V3.0");
      expect(
        signatureMatches(got.headers["x-pagerduty-signature"], got.raw, delivery_method.secret),
      ).toBe(true);
    }
    const [triggered, escalated, acknowledged, annotated, priority, reassigned, resolved] =
      r.got.map((g) => g.json.event);
    expect(triggered).toMatchObject({
      resource_type: "incident",
      occurred_at: new Date(Date.parse(incident.created_at)).toISOString(),
      agent: { id: incident.service.id, type: "service_reference", summary: "checkout" },
      data: {
        id: incident.id,
        type: "incident",
        self: `https://api.pagerduty.com/incidents/${incident.id}`,
        html_url: incident.html_url,
        number: incident.incident_number,
        status: "triggered",
        incident_key: "checkout/5xx",
        title: "checkout 5xx over 2%",
        service: { id: incident.service.id, type: "service_reference", summary: "checkout" },
        assignees: [{ id: ALICE.id, type: "user_reference", summary: ALICE.name }],
        escalation_policy: { id: POLICY, type: "escalation_policy_reference" },
        priority: null,
        urgency: "high",
      },
    });
    // A timer acts for nobody.
    expect(escalated.agent).toBeNull();
    expect(escalated.data.assignees.map((a: { id: string }) => a.id)).toEqual([BOB.id]);
    expect(acknowledged).toMatchObject({
      agent: { id: BOB.id, type: "user_reference", summary: BOB.name },
      client: { name: "PagerDuty" },
      data: { status: "acknowledged" },
    });
    expect(annotated.data).toEqual({
      incident: expect.objectContaining({ id: incident.id, type: "incident_reference" }),
      id: note.json.note.id,
      content: "rolling back checkout v42",
      trimmed: false,
      type: "incident_note",
    });
    expect(priority.data.priority).toMatchObject({ type: "priority_reference", summary: "P1" });
    expect(reassigned.data.assignees.map((a: { id: string }) => a.id)).toEqual([CAROL.id]);
    expect(resolved.data).toMatchObject({ status: "resolved", assignees: [] });
    expect(resolved.occurred_at).toBe(sim.clock.date().toISOString());
  });

  it("sends unacknowledged when the acknowledgement times out, and reopened on a reopen", async () => {
    const r = await listening();
    await subscribe(sim, r.url, [
      "incident.acknowledged",
      "incident.unacknowledged",
      "incident.resolved",
      "incident.reopened",
    ]);
    const key = await trigger(sim);
    const incident = await incidentByKey(sim, key);
    const put = (body: Record<string, unknown>) =>
      api(sim, "PUT", `/incidents/${incident.id}`, {
        from: ALICE.email,
        body: { incident: { type: "incident_reference", ...body } },
      });
    await put({ status: "acknowledged" });
    await sim.clock.runFor(31 * MINUTE);
    await put({ status: "resolved" });
    await put({ status: "triggered" });
    await sim.clock.runFor(0);
    expect(types(r)).toEqual([
      "incident.acknowledged",
      "incident.unacknowledged",
      "incident.resolved",
      "incident.reopened",
    ]);
    expect(r.got[1]?.json.event.agent).toBeNull();
    expect(r.got[3]?.json.event.data).toMatchObject({ status: "triggered" });
  });

  it("goes to several subscribers one after another in their creation order, only for the types each takes", async () => {
    const log: string[] = [];
    const first = await listening(log, "first");
    const second = await listening(log, "second");
    const third = await listening(log, "third");
    await subscribe(sim, first.url);
    await subscribe(sim, second.url);
    await subscribe(sim, third.url, ["incident.resolved"]);
    await trigger(sim);
    await sim.clock.runFor(0);
    expect(log).toEqual(["first:start", "first:end", "second:start", "second:end"]);
    expect(third.got).toEqual([]);
    const published = sim.journal.byType("pagerduty.webhook.published").at(-1);
    expect(published?.data).toMatchObject({ event_type: "incident.triggered" });
    expect(published?.data.subscriptions).toHaveLength(2);
  });

  it("names the creator of an incident made over REST as the agent of its incident.triggered", async () => {
    const r = await listening();
    await subscribe(sim, r.url, ["incident.triggered"]);
    const service = (await api(sim, "GET", "/services")).json.services[0];
    const made = await api(sim, "POST", "/incidents", {
      from: BOB.email,
      body: {
        incident: {
          type: "incident",
          title: "made by hand",
          service: { id: service.id, type: "service_reference" },
        },
      },
    });
    expect(made.status).toBe(201);
    await sim.clock.runFor(0);
    expect(r.got.map((g) => g.json.event.agent)).toMatchObject([
      { id: BOB.id, type: "user_reference", summary: BOB.name },
    ]);
  });

  it("publishes nothing, and journals no webhook, when no subscription takes the type", async () => {
    const before = sim.journal.byType("pagerduty.webhook.published").length;
    await trigger(sim);
    expect(sim.journal.byType("pagerduty.webhook.published")).toHaveLength(before);
  });
});
