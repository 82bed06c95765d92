/**
 * Incidents opened through the Events API run PagerDuty's lifecycle on the simulator clock: the
 * escalation policy's levels one after another with their delays, repeated `num_loops` times,
 * the users' notification rules (delayed ones called off), acknowledgement through the Events
 * API, the acknowledgement timeout, auto-resolve; everything seen through the REST API, the
 * journal and the ready line's clock, as a user of the simulator sees it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JournalEvent, Simulator } from "../../../../simulator/cli/api.js";
import { reset, state } from "../helpers.js";
import { api } from "../rest/helpers.js";
import {
  ALICE,
  BOB,
  CAROL,
  entries,
  followUp,
  incidentByKey,
  MINUTE,
  POLICY,
  startAccount,
  trigger,
} from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, close } = await startAccount("incident-lifecycle"));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

/** The journal from now on, and minutes from now. */
function watch() {
  const t0 = sim.clock.now();
  const seq = sim.journal.all().length;
  const events = (type?: string) =>
    sim.journal
      .all()
      .slice(seq)
      .filter((e) => type === undefined || e.type === type);
  const minute = (e: JournalEvent) => (Date.parse(e.time) - t0) / MINUTE;
  return {
    t0,
    events,
    at: (ms: number) => new Date(t0 + ms).toISOString(),
    /** "user by method @ minute" for every notification. */
    notifications: () =>
      events("responder.notified").map(
        (e) =>
          `${e.data.user} by ${(e.data.contact_method as { type: string }).type.replace("_contact_method", "")} @${minute(e)}`,
      ),
    /** "type @ minute" of the pagerduty.incident.* entries. */
    changes: () =>
      events()
        .filter((e) => e.type.startsWith("pagerduty.incident."))
        .map((e) => `${e.type.slice("pagerduty.incident.".length)} @${minute(e)}`),
  };
}

describe("an incident opened by an Events API trigger", () => {
  it("is assigned to the first level, notified by each rule, escalated level by level, repeated once, then exhausted", async () => {
    const w = watch();
    const key = await trigger(sim, { details: { request: { traceId: "trace-esc-1" } } });
    const opened = await incidentByKey(sim, key);
    expect(opened).toMatchObject({
      status: "triggered",
      urgency: "high",
      assigned_via: "escalation_policy",
      escalation_policy: { id: POLICY, type: "escalation_policy_reference" },
      assignments: [{ at: w.at(0), assignee: { id: ALICE.id, summary: ALICE.name } }],
      pending_actions: [
        { type: "escalate", at: w.at(10 * MINUTE) },
        { type: "resolve", at: w.at(240 * MINUTE) },
      ],
    });

    await sim.clock.runFor(120 * MINUTE);
    // Alice: email at once, SMS 5 minutes later; Bob's phone at 10; Carol's email at 25; the
    // path again from level 1 at 55 (num_loops 1), and it stays with Carol from 110 on.
    expect(w.notifications()).toEqual([
      "PALICE1 by email @0",
      "PALICE1 by sms @5",
      "PBOB001 by phone @10",
      "PCAROL1 by email @25",
      "PALICE1 by email @55",
      "PALICE1 by sms @60",
      "PBOB001 by phone @65",
      "PCAROL1 by email @80",
    ]);
    expect(w.changes()).toEqual([
      "triggered @0",
      "escalated @10",
      "escalated @25",
      "escalation_repeated @55",
      "escalated @55",
      "escalated @65",
      "escalated @80",
      "escalation_exhausted @110",
    ]);
    const incident = await incidentByKey(sim, key);
    expect(incident.assignments.map((a: { assignee: { id: string } }) => a.assignee.id)).toEqual([
      CAROL.id,
    ]);
    // Exhausted: nothing but the auto-resolve is pending.
    expect(incident.pending_actions).toEqual([{ type: "resolve", at: w.at(240 * MINUTE) }]);

    const log = await entries(sim, incident.id);
    expect(log.map((e) => `${e.type} ${e.summary}`)).toEqual([
      "trigger_log_entry Triggered through the API",
      "assign_log_entry Assigned to Alice Ng",
      "notify_log_entry Notified Alice Ng by email",
      "notify_log_entry Notified Alice Ng by sms",
      "escalate_log_entry Escalated to Bob Ortiz by timeout",
      "notify_log_entry Notified Bob Ortiz by phone",
      "escalate_log_entry Escalated to Carol Diaz by timeout",
      "notify_log_entry Notified Carol Diaz by email",
      "repeat_escalation_path_log_entry Repeated the escalation path (repeat 1)",
      "escalate_log_entry Escalated to Alice Ng by timeout",
      "notify_log_entry Notified Alice Ng by email",
      "notify_log_entry Notified Alice Ng by sms",
      "escalate_log_entry Escalated to Bob Ortiz by timeout",
      "notify_log_entry Notified Bob Ortiz by phone",
      "escalate_log_entry Escalated to Carol Diaz by timeout",
      "notify_log_entry Notified Carol Diaz by email",
      "exhaust_escalation_path_log_entry Escalation policy exhausted at level 3",
    ]);
    const bobPhone = log.find((e) => e.summary === "Notified Bob Ortiz by phone");
    expect(bobPhone).toMatchObject({
      channel: {
        type: "auto",
        notification: {
          type: "phone_notification",
          address: "+44 5550101",
          started_at: w.at(10 * MINUTE),
        },
      },
      user: { id: BOB.id, type: "user_reference", summary: BOB.name },
      created_at: w.at(10 * MINUTE),
    });
    expect(log.find((e) => e.type === "escalate_log_entry")).toMatchObject({
      agent: { type: "service_reference" },
      channel: { type: "timeout" },
      assignees: [{ id: BOB.id, type: "user_reference" }],
    });

    // One trace id, from the trigger's custom_details to its first trigger log entry and every
    // journal entry of the incident.
    expect(log[0].channel.details).toEqual({ request: { traceId: "trace-esc-1" } });
    const traced = sim.journal.byCorrelation("trace-esc-1").map((e) => e.type);
    expect(traced.filter((t) => t === "responder.notified")).toHaveLength(8);
    expect(traced).toContain("pagerduty.incident.triggered");
    expect(traced).toContain("pagerduty.incident.escalation_exhausted");
    const notified = w.events("responder.notified")[2] as JournalEvent;
    expect(notified.time).toBe(w.at(10 * MINUTE));
    expect(notified.correlation).toEqual({
      incidentNumber: String(incident.incident_number),
      incidentId: incident.id,
      dedupKey: key,
      traceId: "trace-esc-1",
    });
    expect(notified.data).toMatchObject({
      user: BOB.id,
      user_name: BOB.name,
      contact_method: { id: "PBPHONE", type: "phone_contact_method", address: "+44 5550101" },
      notification_type: "phone_notification",
      urgency: "high",
      reason: "escalated",
      level: 2,
      loop: 0,
    });
  });

  it("resolves itself after the service's auto_resolve_timeout, by timeout", async () => {
    const w = watch();
    const key = await trigger(sim);
    await sim.clock.runFor(241 * MINUTE);
    const incident = await incidentByKey(sim, key);
    expect(incident).toMatchObject({
      status: "resolved",
      resolved_at: w.at(240 * MINUTE),
      assignments: [],
      pending_actions: [],
      alert_counts: { all: 1, triggered: 0, resolved: 1 },
    });
    const last = (await entries(sim, incident.id)).at(-1);
    expect(last).toMatchObject({
      type: "resolve_log_entry",
      summary: "Resolved by timeout",
      channel: { type: "timeout" },
      agent: { type: "service_reference" },
    });
    expect(w.changes().at(-1)).toBe("resolved @240");
    // A resolved incident pages nobody any more.
    const count = w.notifications().length;
    await sim.clock.runFor(120 * MINUTE);
    expect(w.notifications()).toHaveLength(count);
  });

  it("is never escalated when its urgency is low, and notifies through the low-urgency rules", async () => {
    const w = watch();
    const key = await trigger(sim, { severity: "warning" });
    const incident = await incidentByKey(sim, key);
    expect(incident.urgency).toBe("low");
    expect(incident.pending_actions).toEqual([{ type: "resolve", at: w.at(240 * MINUTE) }]);
    await sim.clock.runFor(100 * MINUTE);
    expect(w.notifications()).toEqual(["PALICE1 by email @0"]);
    expect(w.changes()).toEqual(["triggered @0"]);
  });
});

describe("Events API acknowledge and resolve, through the lifecycle", () => {
  it("acknowledge stops escalation and the SMS still waiting; the acknowledgement timeout starts paging again from level 1", async () => {
    const w = watch();
    const key = await trigger(sim);
    await sim.clock.runFor(3 * MINUTE);
    await followUp(sim, "acknowledge", key);
    const acked = await incidentByKey(sim, key);
    const service = acked.service.id;
    expect(acked).toMatchObject({
      status: "acknowledged",
      acknowledgements: [{ at: w.at(3 * MINUTE), acknowledger: { id: service } }],
      last_status_change_by: { id: service, type: "service_reference" },
      pending_actions: [
        { type: "unacknowledge", at: w.at(33 * MINUTE) },
        { type: "resolve", at: w.at(240 * MINUTE) },
      ],
    });
    // Alice's SMS (due at 5) is called off, nobody is escalated to.
    await sim.clock.runFor(29 * MINUTE);
    expect(w.notifications()).toEqual(["PALICE1 by email @0"]);

    await sim.clock.runFor(2 * MINUTE);
    const back = await incidentByKey(sim, key);
    expect(back).toMatchObject({
      status: "triggered",
      acknowledgements: [],
      pending_actions: [
        { type: "escalate", at: w.at(43 * MINUTE) },
        { type: "resolve", at: w.at(240 * MINUTE) },
      ],
    });
    expect(w.notifications()).toEqual(["PALICE1 by email @0", "PALICE1 by email @33"]);
    expect(w.changes()).toEqual(["triggered @0", "acknowledged @3", "unacknowledged @33"]);
    const log = await entries(sim, back.id);
    expect(log.map((e) => e.summary)).toEqual([
      "Triggered through the API",
      "Assigned to Alice Ng",
      "Notified Alice Ng by email",
      "Acknowledged through the API",
      "Unacknowledged by timeout",
      "Notified Alice Ng by email",
    ]);
    expect(log[3]).toMatchObject({
      agent: { type: "service_reference" },
      channel: { type: "api" },
    });
  });

  it("resolve resolves the alert and the incident; its timers stop and a new trigger opens a new incident", async () => {
    const w = watch();
    const key = await trigger(sim, { dedupKey: "checkout/5xx" });
    await sim.clock.runFor(MINUTE);
    await followUp(sim, "resolve", key);
    const s = await state(sim);
    expect(s.incidents[0]).toMatchObject({
      status: "resolved",
      resolved_at: w.at(MINUTE),
      assignments: [],
      pending_actions: [],
    });
    expect(s.alerts[0].status).toBe("resolved");
    expect(
      s.log_entries
        .filter((e: { type: string }) => e.type === "resolve_log_entry")
        .map((e: { summary: string; alert: { id: string } }) => [e.summary, e.alert.id]),
    ).toEqual([["Resolved through the API", s.alerts[0].id]]);
    await sim.clock.runFor(60 * MINUTE);
    expect(w.notifications()).toEqual(["PALICE1 by email @0"]);

    await trigger(sim, { dedupKey: "checkout/5xx" });
    const again = await state(sim);
    expect(again.incidents.map((i: { status: string }) => i.status)).toEqual([
      "resolved",
      "triggered",
    ]);
    expect(w.changes()).toEqual(["triggered @0", "resolved @1", "triggered @61"]);
  });

  it("keeps the same journal for the same seed, whatever the ports", async () => {
    const runs: unknown[] = [];
    for (const _ of [1, 2]) {
      const { sim: other, close: closeOther } = await startAccount("incident-determinism");
      try {
        const key = await trigger(other, { details: { traceId: "same" } });
        await other.clock.runFor(12 * MINUTE);
        await followUp(other, "acknowledge", key);
        await other.clock.runFor(40 * MINUTE);
        runs.push(
          other.journal
            .all()
            .filter((e) => e.type.startsWith("pagerduty.") || e.type.startsWith("responder."))
            .map(({ seq: _seq, ...rest }) => rest),
        );
      } finally {
        await closeOther();
      }
    }
    expect(runs[0]).toEqual(runs[1]);
    expect((runs[0] as unknown[]).length).toBeGreaterThan(10);
  });

  it("stops every lifecycle on reset", async () => {
    await trigger(sim);
    await reset(sim);
    const w = watch();
    await sim.clock.runFor(60 * MINUTE);
    expect(w.notifications()).toEqual([]);
    expect((await api(sim, "GET", "/incidents?date_range=all")).json.incidents).toEqual([]);
  });
});
