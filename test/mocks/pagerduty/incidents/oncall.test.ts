/**
 * Who the lifecycle pages when a policy targets a schedule nobody is on call in (a rotation that
 * starts next month): PagerDuty opens no incident for an event then, refuses to create or
 * delegate one over REST with 1015, and a user without a notification rule for the incident's
 * urgency is assigned but not notified, which the journal says.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { ENQUEUE, post, reset, startSimulator, state } from "../helpers.js";
import { api } from "../rest/helpers.js";
import { ALICE, account, BOB, POLICY, trigger } from "./helpers.js";

const LATER_KEY = "1a7e1a7e1a7e1a7e1a7e1a7e1a7e1a7e";
const ROTA = "PROTA01";
const LATER_POLICY = "PLATER1";

let sim: Simulator;
let close: () => Promise<void>;
let laterService: string;
beforeAll(async () => {
  const base = account();
  ({ sim, close } = await startSimulator({
    seed: "incident-oncall",
    pagerduty: {
      ...base,
      schedules: [
        {
          id: ROTA,
          name: "Starts next month",
          time_zone: "Etc/UTC",
          schedule_layers: [
            {
              start: "2026-02-01T00:00:00Z",
              rotation_virtual_start: "2026-02-01T00:00:00Z",
              rotation_turn_length_seconds: 86_400,
              users: [{ user: { id: ALICE.id, type: "user_reference" } }],
            },
          ],
        },
      ],
      escalationPolicies: [
        ...(base?.escalationPolicies ?? []),
        {
          id: LATER_POLICY,
          name: "Rota from February",
          escalation_rules: [
            {
              escalation_delay_in_minutes: 10,
              targets: [{ id: ROTA, type: "schedule_reference" }],
            },
          ],
        },
      ],
      services: [
        ...(base?.services ?? []),
        {
          name: "later",
          escalation_policy: { id: LATER_POLICY, type: "escalation_policy_reference" },
          integrations: [{ key: LATER_KEY }],
        },
      ],
    },
  }));
  const services = (await api(sim, "GET", "/services")).json.services;
  laterService = services.find((s: { name: string }) => s.name === "later").id;
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

describe("nobody on call", () => {
  it("an event for a service whose policy has nobody on call is accepted and opens nothing", async () => {
    const seq = sim.journal.all().length;
    const reply = await post(sim, ENQUEUE, {
      routing_key: LATER_KEY,
      event_action: "trigger",
      payload: { summary: "nobody to page", source: "later", severity: "critical" },
    });
    expect(reply.status).toBe(202);
    const s = await state(sim);
    expect(s.incidents).toEqual([]);
    expect(s.alerts).toEqual([]);
    const dropped = sim.journal
      .all()
      .slice(seq)
      .filter((e) => e.type === "pagerduty.event.dropped");
    expect(dropped.map((e) => e.data.reason)).toEqual([
      `nobody is on call in escalation policy ${LATER_POLICY}`,
    ]);
  });

  it("REST create and delegate to such a policy are refused with 1015, changing nothing", async () => {
    const created = await api(sim, "POST", "/incidents", {
      from: ALICE.email,
      body: {
        incident: {
          type: "incident",
          title: "nobody to page",
          service: { id: laterService, type: "service_reference" },
        },
      },
    });
    expect(created.status).toBe(400);
    expect(created.json.error).toMatchObject({
      message: "Escalation Policy Has No User On Call",
      code: 1015,
    });
    const key = await trigger(sim);
    const incident = (await api(sim, "GET", `/incidents?incident_key=${key}`)).json.incidents[0];
    const moved = await api(sim, "PUT", `/incidents/${incident.id}`, {
      from: ALICE.email,
      body: {
        incident: {
          type: "incident_reference",
          escalation_policy: { id: LATER_POLICY, type: "escalation_policy_reference" },
        },
      },
    });
    expect(moved.json.error.code).toBe(1015);
    const after = (await api(sim, "GET", `/incidents/${incident.id}`)).json.incident;
    expect(after.escalation_policy.id).toBe(POLICY);
    // Assigned directly, the policy's on-call does not matter.
    const direct = await api(sim, "POST", "/incidents", {
      from: ALICE.email,
      body: {
        incident: {
          type: "incident",
          title: "for Bob",
          service: { id: laterService, type: "service_reference" },
          assignments: [{ assignee: { id: BOB.id, type: "user_reference" } }],
        },
      },
    });
    expect(direct.status).toBe(201);
  });
});

describe("notification rules", () => {
  it("assigns a user who has no rule for the urgency, notifies nobody, and journals why", async () => {
    const seq = sim.journal.all().length;
    const reply = await api(sim, "POST", "/incidents", {
      from: ALICE.email,
      body: {
        incident: {
          type: "incident",
          title: "low and slow",
          urgency: "low",
          service: {
            id: (await api(sim, "GET", "/services")).json.services[0].id,
            type: "service_reference",
          },
          assignments: [{ assignee: { id: BOB.id, type: "user_reference" } }],
        },
      },
    });
    expect(reply.json.incident.assignments[0].assignee.id).toBe(BOB.id);
    const since = sim.journal.all().slice(seq);
    expect(since.filter((e) => e.type === "responder.notified")).toEqual([]);
    expect(
      since.filter((e) => e.type === "pagerduty.notification.skipped").map((e) => e.data),
    ).toEqual([
      {
        incident: reply.json.incident.id,
        user: BOB.id,
        reason: "the user has no notification rule for low urgency",
      },
    ]);
  });
});
