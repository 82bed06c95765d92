/**
 * Responders against a whole simulator: PagerDuty pages them, they answer over its REST API on
 * the virtual clock, and the incident's REST record, its log entries and PagerDuty's own journal
 * entries show what they did and when.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ResponderProfile, startResponder } from "../../../flows/people/index.js";
import type { JournalEvent, Simulator } from "../../../simulator/cli/api.js";
import {
  ALICE,
  BOB,
  CAROL,
  logEntries,
  MINUTE,
  pagerduty,
  resetPagerDuty,
  rest,
  startSimulator,
  triggerIncident,
  watch,
} from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
const running: { stop(): void }[] = [];
beforeAll(async () => {
  ({ sim, close } = await startSimulator("people-responder"));
});
afterAll(async () => close());
beforeEach(async () => {
  for (const r of running.splice(0)) r.stop();
  await resetPagerDuty(sim);
});

function start(profile: ResponderProfile, userId: string) {
  const responder = startResponder({
    clock: sim.clock,
    rng: sim.rng,
    journal: sim.journal,
    pagerduty: pagerduty(sim),
    profile,
    userId,
  });
  running.push(responder);
  return responder;
}

/** "type summary @minute" of an incident's log entries. */
async function log(incident: string, t0: number): Promise<string[]> {
  return (await logEntries(sim, incident)).map(
    (e) => `${e.type} ${e.summary} @${(Date.parse(e.created_at) - t0) / MINUTE}`,
  );
}

describe("a responder who answers the page", () => {
  it("acknowledges 3 minutes after the notification, posts status updates at the cadence, resolves after investigating", async () => {
    const w = watch(sim);
    start(
      {
        email: ALICE.email,
        name: ALICE.name,
        acknowledgeAfter: { fixed: "3m" },
        investigateFor: { fixed: "24m" },
        statusUpdates: {
          first: { fixed: "5m" },
          every: { fixed: "10m" },
          message: "Rolling back the deploy",
        },
      },
      ALICE.id,
    );
    const id = await triggerIncident(sim, "people-answer-1");
    await sim.clock.runFor(60 * MINUTE);

    const { incident } = await rest(sim, "GET", `/incidents/${id}`);
    expect(incident).toMatchObject({
      status: "resolved",
      resolved_at: w.at(27 * MINUTE),
      last_status_change_by: { id: ALICE.id, type: "user_reference" },
    });
    const entries = await logEntries(sim, id);
    const ack = entries.find((e) => e.type === "acknowledge_log_entry");
    expect(ack).toMatchObject({
      created_at: w.at(3 * MINUTE),
      agent: { id: ALICE.id, type: "user_reference" },
    });
    const notified = w.events("responder.notified")[0] as JournalEvent;
    expect(Date.parse(ack.created_at) - Date.parse(notified.time)).toBe(3 * MINUTE);
    expect(entries.find((e) => e.type === "resolve_log_entry")).toMatchObject({
      created_at: w.at(27 * MINUTE),
      agent: { id: ALICE.id, type: "user_reference" },
    });
    // PagerDuty's record of the status updates: ack + 5, then every 10 until resolving at 27.
    const published = w.events("pagerduty.incident.status_update_published");
    expect(published.map((e) => [w.minute(e.time), e.data.by, e.data.message])).toEqual([
      [8, ALICE.id, "Rolling back the deploy"],
      [18, ALICE.id, "Rolling back the deploy"],
    ]);

    expect(w.timeline("responder.")).toEqual([
      "responder.notified @0",
      "responder.paged @0",
      "responder.acknowledged @3",
      "responder.status_update.posted @8",
      "responder.status_update.posted @18",
      "responder.resolved @27",
    ]);
    const paged = w.events("responder.paged")[0] as JournalEvent;
    expect(paged).toMatchObject({
      source: "people",
      correlation: { incidentId: id, user: ALICE.id },
      data: {
        incident: id,
        user: ALICE.id,
        email: ALICE.email,
        decision: "acknowledge",
        after: 3 * MINUTE,
      },
    });
    expect(w.events("responder.status_update.posted")[0]?.data).toEqual({
      incident: id,
      user: ALICE.id,
      email: ALICE.email,
      message: "Rolling back the deploy",
    });
  });

  it("is not hurried by being notified again: the SMS 5 minutes in does not restart a 7-minute acknowledgement", async () => {
    const w = watch(sim);
    start({ email: ALICE.email, acknowledgeAfter: { fixed: "7m" }, resolve: false }, ALICE.id);
    const id = await triggerIncident(sim, "people-renotified");
    await sim.clock.runFor(20 * MINUTE);
    expect(
      w.events("responder.notified").map((e) => `${e.data.notification_type} @${w.minute(e.time)}`),
    ).toEqual(["email_notification @0", "sms_notification @5"]);
    expect(w.timeline("responder.paged", "responder.acknowledged")).toEqual([
      "responder.paged @0",
      "responder.acknowledged @7",
    ]);
    const { incident } = await rest(sim, "GET", `/incidents/${id}`);
    expect(incident.status).toBe("acknowledged");
    expect(incident.acknowledgements).toMatchObject([
      { at: w.at(7 * MINUTE), acknowledger: { id: ALICE.id } },
    ]);
  });

  it("answers several incidents at once, each on its own timers", async () => {
    const w = watch(sim);
    start(
      { email: ALICE.email, acknowledgeAfter: { fixed: "3m" }, investigateFor: { fixed: "10m" } },
      ALICE.id,
    );
    const first = await triggerIncident(sim, "people-many-1");
    await sim.clock.runFor(MINUTE);
    const second = await triggerIncident(sim, "people-many-2");
    await sim.clock.runFor(30 * MINUTE);
    const byIncident = (id: string) =>
      w
        .events()
        .filter((e) => e.source === "people" && e.data.incident === id)
        .map((e) => `${e.type} @${w.minute(e.time)}`);
    expect(byIncident(first)).toEqual([
      "responder.paged @0",
      "responder.acknowledged @3",
      "responder.resolved @13",
    ]);
    expect(byIncident(second)).toEqual([
      "responder.paged @1",
      "responder.acknowledged @4",
      "responder.resolved @14",
    ]);
  });
});

describe("a page that is missed", () => {
  it("missProbability 1: no acknowledgement from Alice, the incident escalates to Bob, who acknowledges", async () => {
    const w = watch(sim);
    start({ email: ALICE.email, acknowledgeAfter: { fixed: "1m" }, missProbability: 1 }, ALICE.id);
    start(
      { email: BOB.email, acknowledgeAfter: { fixed: "2m" }, investigateFor: { fixed: "20m" } },
      BOB.id,
    );
    const id = await triggerIncident(sim, "people-missed");
    await sim.clock.runFor(60 * MINUTE);

    expect(await log(id, w.t0)).toEqual([
      "trigger_log_entry Triggered through the API @0",
      "assign_log_entry Assigned to Alice Ng @0",
      "notify_log_entry Notified Alice Ng by email @0",
      "notify_log_entry Notified Alice Ng by sms @5",
      "escalate_log_entry Escalated to Bob Ortiz by timeout @10",
      "notify_log_entry Notified Bob Ortiz by email @10",
      "acknowledge_log_entry Acknowledged by Bob Ortiz @12",
      "resolve_log_entry Resolved by Bob Ortiz @32",
    ]);
    expect(
      w
        .events()
        .filter((e) => e.source === "people")
        .map((e) => `${e.type} ${e.data.email} @${w.minute(e.time)}`),
    ).toEqual([
      `responder.paged ${ALICE.email} @0`,
      `responder.missed ${ALICE.email} @0`,
      `responder.paged ${BOB.email} @10`,
      `responder.acknowledged ${BOB.email} @12`,
      `responder.resolved ${BOB.email} @32`,
    ]);
    expect(w.events("responder.paged")[0]?.data).toEqual({
      incident: id,
      user: ALICE.id,
      email: ALICE.email,
      decision: "miss",
    });
  });

  it("missProbability 0.5 misses some pages and answers the others", async () => {
    const decisions: string[] = [];
    start(
      { email: CAROL.email, acknowledgeAfter: { fixed: "1m" }, missProbability: 0.5 },
      CAROL.id,
    );
    const w = watch(sim);
    // Carol is paged directly: a REST-created incident assigned to her.
    for (let i = 0; i < 12; i++) {
      await createAssigned(`people-coin-${i}`, CAROL.id);
    }
    await sim.clock.runFor(5 * MINUTE);
    for (const e of w.events("responder.paged")) decisions.push(String(e.data.decision));
    expect(decisions).toHaveLength(12);
    expect(decisions).toContain("miss");
    expect(decisions).toContain("acknowledge");
    expect(w.events("responder.acknowledged")).toHaveLength(
      decisions.filter((d) => d === "acknowledge").length,
    );
  });
});

async function createAssigned(title: string, user: string): Promise<string> {
  const res = await fetch(`${sim.endpoints.pagerdutyApi.url}/incidents`, {
    method: "POST",
    headers: {
      accept: "application/vnd.pagerduty+json;version=2",
      authorization: `Token token=${pagerduty(sim).token}`,
      "content-type": "application/json",
      from: ALICE.email,
    },
    body: JSON.stringify({
      incident: {
        type: "incident",
        title,
        service: { id: await checkoutServiceId(), type: "service_reference" },
        assignments: [{ assignee: { id: user, type: "user_reference" } }],
      },
    }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${text}`);
  return JSON.parse(text).incident.id as string;
}

async function checkoutServiceId(): Promise<string> {
  const { services } = await rest(sim, "GET", "/services?query=checkout");
  return services[0].id as string;
}

describe("a responder who is beaten to it", () => {
  it("stands down when someone else acknowledges first, and answers again when the acknowledgement times out", async () => {
    const w = watch(sim);
    start({ email: ALICE.email, acknowledgeAfter: { fixed: "8m" }, resolve: false }, ALICE.id);
    const id = await triggerIncident(sim, "people-beaten");
    await sim.clock.runFor(2 * MINUTE);
    const put = await fetch(`${sim.endpoints.pagerdutyApi.url}/incidents/${id}`, {
      method: "PUT",
      headers: {
        accept: "application/vnd.pagerduty+json;version=2",
        authorization: `Token token=${pagerduty(sim).token}`,
        "content-type": "application/json",
        from: BOB.email,
      },
      body: JSON.stringify({ incident: { type: "incident_reference", status: "acknowledged" } }),
    });
    expect(put.status).toBe(200);
    await put.body?.cancel();
    // Bob's acknowledgement times out after the service's 30 minutes: Alice is paged again.
    await sim.clock.runFor(45 * MINUTE);

    expect(
      w
        .events()
        .filter((e) => e.source === "people")
        .map((e) => `${e.type} @${w.minute(e.time)}`),
    ).toEqual([
      "responder.paged @0",
      "responder.stood_down @2",
      "responder.paged @32",
      "responder.acknowledged @40",
    ]);
    expect(w.events("responder.stood_down")[0]?.data).toMatchObject({
      reason: "acknowledged",
      by: BOB.id,
    });
    const acks = (await logEntries(sim, id)).filter((e) => e.type === "acknowledge_log_entry");
    expect(acks.map((e) => [e.agent.id, (Date.parse(e.created_at) - w.t0) / MINUTE])).toEqual([
      [BOB.id, 2],
      [ALICE.id, 40],
    ]);
  });

  it("stops investigating, posting and resolving when the incident is resolved by someone else", async () => {
    const w = watch(sim);
    start(
      {
        email: ALICE.email,
        acknowledgeAfter: { fixed: "1m" },
        investigateFor: { fixed: "30m" },
        statusUpdates: { first: { fixed: "4m" }, every: { fixed: "4m" } },
      },
      ALICE.id,
    );
    const id = await triggerIncident(sim, "people-resolved-elsewhere");
    await sim.clock.runFor(10 * MINUTE);
    const resolve = await fetch(`${sim.endpoints.pagerdutyEvents.url}/v2/enqueue`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        routing_key: "feedface0feedface0feedface0feedf",
        event_action: "resolve",
        dedup_key: "people-resolved-elsewhere",
      }),
    });
    expect(resolve.status).toBe(202);
    await resolve.body?.cancel();
    await sim.clock.runFor(60 * MINUTE);
    expect(w.timeline("responder.")).toEqual([
      "responder.notified @0",
      "responder.paged @0",
      "responder.acknowledged @1",
      "responder.status_update.posted @5",
      "responder.status_update.posted @9",
      "responder.stood_down @10",
    ]);
    expect(w.events("responder.stood_down")[0]?.data).toMatchObject({ reason: "resolved" });
    const { incident } = await rest(sim, "GET", `/incidents/${id}`);
    expect(incident.last_status_change_by.type).toBe("service_reference");
  });
});

describe("a call PagerDuty refuses", () => {
  it("is journaled with its status and body, not thrown, and the page ends there", async () => {
    const w = watch(sim);
    // Alice's phone, but an email PagerDuty does not know as the From of her calls.
    start({ email: "alice@elsewhere.example", acknowledgeAfter: { fixed: "2m" } }, ALICE.id);
    const id = await triggerIncident(sim, "people-refused");
    await sim.clock.runFor(8 * MINUTE);
    const refused = w.events("responder.action.refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      time: w.at(2 * MINUTE),
      correlation: { incidentId: id, user: ALICE.id },
      data: { incident: id, action: "acknowledge", status: 400, body: { error: { code: 1008 } } },
    });
    expect(w.events("responder.acknowledged")).toEqual([]);
    const { incident } = await rest(sim, "GET", `/incidents/${id}`);
    expect(incident.status).toBe("triggered");
  });
});

describe("profiles", () => {
  it.each([
    [
      { email: ALICE.email, acknowledgeAfter: { fixed: "soon" } },
      'acknowledgeAfter.fixed: expected a duration like "90s", "5m" or "1h30m", got "soon"',
    ],
    [
      { email: ALICE.email, acknowledgeAfter: "5m" },
      'acknowledgeAfter: expected a distribution like { fixed: "2m" } or',
    ],
    [
      { email: ALICE.email, acknowledgeAfter: { fixed: "1m" }, missProbability: 2 },
      "missProbability: expected a probability from 0 to 1",
    ],
    [
      { email: "alice", acknowledgeAfter: { fixed: "1m" } },
      "email: expected the user's login email",
    ],
    [
      {
        email: ALICE.email,
        acknowledgeAfter: { fixed: "1m" },
        statusUpdates: { every: { fixed: "5m" } },
      },
      "statusUpdates",
    ],
    [{ email: ALICE.email }, "acknowledgeAfter: required: a distribution like"],
  ])("refuses %j, naming the responder and the field", (profile, message) => {
    expect(() => start(profile as ResponderProfile, ALICE.id)).toThrow(message);
    expect(() => start(profile as ResponderProfile, ALICE.id)).toThrow(
      `responder ${profile.email}: `,
    );
  });

  it("refuses a responder without a user id", () => {
    expect(() => start({ email: ALICE.email, acknowledgeAfter: { fixed: "1m" } }, "")).toThrow(
      "userId must be a PagerDuty user id",
    );
  });
});

describe("determinism", () => {
  /** The people's journal entries of one run: types, virtual times and data. */
  async function run(seed: string): Promise<string[]> {
    const { sim: s, close: done } = await startSimulator(seed);
    try {
      const profiles: [ResponderProfile, string][] = [
        [
          {
            email: ALICE.email,
            acknowledgeAfter: { lognormal: { median: "4m", p90: "12m" } },
            missProbability: 0.3,
            investigateFor: { uniform: { min: "10m", max: "25m" } },
            statusUpdates: {
              first: { exponential: { mean: "5m" } },
              every: { exponential: { mean: "5m" } },
            },
          },
          ALICE.id,
        ],
        [{ email: BOB.email, acknowledgeAfter: { exponential: { mean: "3m" } } }, BOB.id],
      ];
      const people = profiles.map(([profile, userId]) =>
        startResponder({
          clock: s.clock,
          rng: s.rng,
          journal: s.journal,
          pagerduty: pagerduty(s),
          profile,
          userId,
        }),
      );
      for (let i = 0; i < 4; i++) {
        await triggerIncident(s, `det-${i}`);
        await s.clock.runFor(7 * MINUTE);
      }
      await s.clock.runFor(90 * MINUTE);
      for (const p of people) p.stop();
      return s.journal
        .all()
        .filter((e) => e.source === "people")
        .map((e) => `${e.time} ${e.type} ${JSON.stringify(e.data)}`);
    } finally {
      await done();
    }
  }

  it("the same seed gives the same people's journal, byte for byte; another seed another", async () => {
    const a = await run("people-det-1");
    expect(a.length).toBeGreaterThan(8);
    expect(await run("people-det-1")).toEqual(a);
    expect(await run("people-det-2")).not.toEqual(a);
  });
});
