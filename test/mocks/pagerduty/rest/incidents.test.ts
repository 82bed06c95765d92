/**
 * The incidents REST API over HTTP: listing with PagerDuty's filters, get by id or number,
 * creating (From, assignments, a user's own incident acknowledged), updating one and many
 * (acknowledge, resolve with a resolution, reopen, reassign, escalate, delegate, urgency,
 * priority, title), snooze, notes, status updates, alerts and log entries, and the answers
 * PagerDuty gives to what it refuses, with nothing changed.
 */
import { DateTime } from "luxon";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { ENQUEUE, post } from "../helpers.js";
import {
  ALICE,
  account,
  BOB,
  CAROL,
  entries,
  followUp,
  incidentByKey,
  KEY,
  MINUTE,
  POLICY,
  trigger,
} from "../incidents/helpers.js";
import { api, reset, startSimulator } from "./helpers.js";

const ACCOUNT_KEY = "acct0123456789abcdef";
const OTHER_POLICY = "PSECOND";

let sim: Simulator;
let close: () => Promise<void>;
let serviceId: string;
beforeAll(async () => {
  const base = account();
  ({ sim, close } = await startSimulator({
    seed: "rest-incidents",
    pagerduty: {
      ...base,
      escalationPolicies: [
        ...(base?.escalationPolicies ?? []),
        {
          id: OTHER_POLICY,
          name: "Second line",
          escalation_rules: [
            { escalation_delay_in_minutes: 5, targets: [{ id: CAROL.id, type: "user_reference" }] },
          ],
        },
      ],
      apiTokens: [{ token: "u+alicekey0123456789", user: ALICE.email }, { token: ACCOUNT_KEY }],
    },
  }));
  serviceId = (await api(sim, "GET", "/services")).json.services[0].id;
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field.
type Json = any;

const put = (id: string, body: Record<string, unknown>, from: string = ALICE.email) =>
  api(sim, "PUT", `/incidents/${id}`, {
    from,
    body: { incident: { type: "incident_reference", ...body } },
  });

const create = (incident: Record<string, unknown>, from: string | undefined = ALICE.email) =>
  api(sim, "POST", "/incidents", {
    ...(from ? { from } : {}),
    body: {
      incident: {
        type: "incident",
        title: "The server is on fire.",
        service: { id: serviceId, type: "service_reference" },
        ...incident,
      },
    },
  });

async function opened(o: Parameters<typeof trigger>[1] = {}): Promise<Json> {
  return incidentByKey(sim, await trigger(sim, o));
}

/** Journal entries of a type appended from now on. */
function journalFrom() {
  const seq = sim.journal.all().length;
  return (type: string) =>
    sim.journal
      .all()
      .slice(seq)
      .filter((e) => e.type === type);
}

const summaries = async (id: string) => (await entries(sim, id)).map((e: Json) => e.summary);

describe("GET /incidents", () => {
  it("filters by status, urgency, service, assignee and incident key, with total and pages", async () => {
    const a = await opened({ dedupKey: "a" });
    const b = await opened({ dedupKey: "b", severity: "warning" });
    const c = await opened({ dedupKey: "c" });
    await put(c.id, { status: "acknowledged" });
    await put(b.id, { status: "resolved" });
    const list = async (query: string) =>
      (await api(sim, "GET", `/incidents?${query}`)).json.incidents.map(
        (i: Json) => i.incident_key,
      );
    expect(await list("")).toEqual(["a", "b", "c"]);
    expect(await list("statuses[]=triggered&statuses[]=acknowledged")).toEqual(["a", "c"]);
    expect(await list("statuses%5B%5D=resolved")).toEqual(["b"]);
    expect(await list("urgencies[]=low")).toEqual(["b"]);
    expect(await list(`service_ids[]=${serviceId}`)).toEqual(["a", "b", "c"]);
    expect(await list("service_ids[]=PNOSUCH")).toEqual([]);
    // Resolved incidents are assigned to nobody.
    expect(await list(`user_ids[]=${ALICE.id}`)).toEqual(["a", "c"]);
    expect(await list(`user_ids[]=${BOB.id}`)).toEqual([]);
    expect(await list("incident_key=c")).toEqual(["c"]);
    expect(await list("sort_by=incident_number:desc")).toEqual(["c", "b", "a"]);
    expect(await list("sort_by=urgency:desc,incident_number:desc")).toEqual(["b", "c", "a"]);
    const page = await api(sim, "GET", "/incidents?limit=2&total=true");
    expect(page.json).toMatchObject({ limit: 2, offset: 0, more: true, total: 3 });
    const next = await api(sim, "GET", "/incidents?limit=2&offset=2");
    expect(next.json.incidents.map((i: Json) => i.id)).toEqual([c.id]);
    expect(next.json).toMatchObject({ more: false, total: null });
    expect(a.incident_number).toBe(1);
  });

  it("finds an incident by the key of any of its alerts", async () => {
    const { sim: grouped, close: closeGrouped } = await startSimulator({
      seed: "rest-incidents-grouped",
      pagerduty: account({
        services: [
          {
            name: "checkout",
            escalation_policy: { id: POLICY, type: "escalation_policy_reference" },
            alertGrouping: { type: "time", timeoutMinutes: 10 },
            integrations: [{ key: KEY }],
          },
        ],
      }),
    });
    try {
      await trigger(grouped, { dedupKey: "first" });
      await grouped.clock.runFor(MINUTE);
      await trigger(grouped, { dedupKey: "second" });
      const found = await api(grouped, "GET", "/incidents?incident_key=second");
      expect(found.json.incidents).toHaveLength(1);
      expect(found.json.incidents[0]).toMatchObject({
        incident_key: "first",
        alert_counts: { all: 2, triggered: 2, resolved: 0 },
        alert_grouping: { grouping_type: "basic", alert_grouping_active: true },
      });
      const alerts = await api(
        grouped,
        "GET",
        `/incidents/${found.json.incidents[0].id}/alerts?statuses[]=triggered&sort_by=created_at:desc`,
      );
      expect(alerts.json.alerts.map((x: Json) => x.alert_key)).toEqual(["second", "first"]);
      // Resolving one alert keeps the incident open; resolving the last resolves it.
      await followUpOn(grouped, "first");
      expect((await incidentByKey(grouped, "first")).status).toBe("triggered");
      await followUpOn(grouped, "second");
      expect((await incidentByKey(grouped, "first")).status).toBe("resolved");
    } finally {
      await closeGrouped();
    }
  });

  it("lists the last month by default, all with date_range=all, and a since/until range", async () => {
    const t0 = sim.clock.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    await opened({ dedupKey: "old" });
    await sim.clock.runFor(40 * 24 * 60 * MINUTE);
    await opened({ dedupKey: "new" });
    const keys = async (query: string) =>
      (await api(sim, "GET", `/incidents?${query}`)).json.incidents.map(
        (i: Json) => i.incident_key,
      );
    expect(await keys("")).toEqual(["new"]);
    expect(await keys("date_range=all")).toEqual(["old", "new"]);
    expect(await keys(`since=${iso(t0 - MINUTE)}&until=${iso(t0 + MINUTE)}`)).toEqual(["old"]);
    expect(await keys(`since=${iso(t0 + MINUTE)}&until=${iso(t0 + 2 * MINUTE)}`)).toEqual([]);
    // Read in the request's time zone: a time without an offset is Paris time there.
    const paris = DateTime.fromMillis(t0, { zone: "Europe/Paris" }).toFormat(
      "yyyy-MM-dd'T'HH:mm:ss",
    );
    expect(
      await keys(`since=${paris}&until=${paris.replace(/:00$/, ":59")}&time_zone=Europe/Paris`),
    ).toEqual(["old"]);
    expect(await keys(`since=${paris}&until=${paris.replace(/:00$/, ":59")}`)).toEqual([]);
  });

  it("renders times in time_zone", async () => {
    const incident = await opened();
    const paris = await api(sim, "GET", `/incidents/${incident.id}?time_zone=Europe/Paris`);
    const expected = DateTime.fromISO(incident.created_at, { zone: "Europe/Paris" }).toISO();
    expect(paris.json.incident.created_at).toBe(expected);
    expect(paris.json.incident.created_at).toMatch(/\+0[12]:00$/);
    expect(incident.created_at).toMatch(/Z$/);
  });

  it("refuses bad filters with 400 and PagerDuty's texts", async () => {
    const bad = async (query: string) => (await api(sim, "GET", `/incidents?${query}`)).json.error;
    expect(await bad("statuses[]=open")).toEqual({
      message: "Invalid Input Provided",
      code: 2001,
      errors: ["Status must be a list of triggered, acknowledged, or resolved."],
    });
    expect((await bad("urgencies[]=medium")).code).toBe(2001);
    expect((await bad("sort_by=title")).code).toBe(2001);
    expect((await bad("sort_by=urgency,created_at,incident_number")).errors).toEqual([
      "Sort by takes at most 2 fields",
    ]);
    expect((await bad("since=yesterday")).code).toBe(2004);
    expect((await bad("since=2026-01-01T00:00:00Z&until=2025-01-01T00:00:00Z")).code).toBe(2004);
    expect((await bad("since=2025-01-01T00:00:00Z&until=2026-01-01T00:00:00Z")).errors).toEqual([
      "The range from since to until is at most 6 months",
    ]);
    expect((await bad("date_range=week")).code).toBe(2001);
    expect((await bad("time_zone=Mars/Olympus")).code).toBe(2001);
  });
});

async function followUpOn(s: Simulator, key: string) {
  const reply = await post(s, ENQUEUE, {
    routing_key: KEY,
    event_action: "resolve",
    dedup_key: key,
  });
  expect(reply.status).toBe(202);
}

describe("GET /incidents/{id}", () => {
  it("finds an incident by id or by number, and answers 404 for neither", async () => {
    const incident = await opened();
    const byId = await api(sim, "GET", `/incidents/${incident.id}`);
    const byNumber = await api(sim, "GET", `/incidents/${incident.incident_number}`);
    expect(byNumber.json).toEqual(byId.json);
    expect(byId.json.incident).toMatchObject({
      summary: `[#${incident.incident_number}] checkout 5xx over 2%`,
      self: `https://api.pagerduty.com/incidents/${incident.id}`,
      incident_type: { name: "incident_default" },
    });
    const missing = await api(sim, "GET", "/incidents/PNOSUCH");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      error: {
        message: "Not Found",
        code: 2100,
        errors: ["Incident Not Found", 'No incident has the id or number "PNOSUCH"'],
      },
    });
  });

  it("expands the first trigger log entry and the priority on include[]", async () => {
    const incident = await opened({ details: { traceId: "expand-1" } });
    await put(incident.id, { priority: "P2" });
    const expanded = await api(
      sim,
      "GET",
      `/incidents/${incident.id}?include[]=first_trigger_log_entries&include[]=priorities`,
    );
    expect(expanded.json.incident.first_trigger_log_entry).toMatchObject({
      type: "trigger_log_entry",
      channel: { type: "api", details: { traceId: "expand-1" } },
    });
    expect(expanded.json.incident.priority).toMatchObject({ type: "priority", name: "P2" });
  });

  it("expands users, services and policies on include[]", async () => {
    const incident = await opened();
    await put(incident.id, { status: "acknowledged" }, BOB.email);
    const plain = (await api(sim, "GET", `/incidents/${incident.id}`)).json.incident;
    expect(plain.assignments[0].assignee.type).toBe("user_reference");
    const full = (
      await api(
        sim,
        "GET",
        `/incidents/${incident.id}?include[]=assignees&include[]=acknowledgers&include[]=services&include[]=escalation_policies`,
      )
    ).json.incident;
    expect(full.assignments[0].assignee).toMatchObject({ type: "user", email: ALICE.email });
    expect(full.acknowledgements[0].acknowledger).toMatchObject({ type: "user", email: BOB.email });
    expect(full.service).toMatchObject({ type: "service", name: "checkout" });
    expect(full.escalation_policy).toMatchObject({ type: "escalation_policy", num_loops: 1 });
    // `agents`: who changed the status last.
    const agents = (await api(sim, "GET", `/incidents/${incident.id}?include[]=agents`)).json;
    expect(agents.incident.last_status_change_by).toMatchObject({ type: "user", id: BOB.id });
  });
});

describe("POST /incidents", () => {
  it("creates a triggered incident on the service's policy, triggered through the website by the From user", async () => {
    const reply = await create({
      urgency: "high",
      body: { type: "incident_body", details: "A disk is getting full." },
      priority: {
        id: (await api(sim, "GET", "/priorities")).json.priorities[0].id,
        type: "priority_reference",
      },
    });
    expect(reply.status).toBe(201);
    const incident = reply.json.incident;
    expect(incident).toMatchObject({
      type: "incident",
      title: "The server is on fire.",
      status: "triggered",
      urgency: "high",
      assigned_via: "escalation_policy",
      assignments: [{ assignee: { id: ALICE.id } }],
      escalation_policy: { id: POLICY },
      priority: { type: "priority_reference", summary: "P1" },
      alert_counts: { all: 0, triggered: 0, resolved: 0 },
      last_status_change_by: { id: ALICE.id, type: "user_reference" },
    });
    expect(incident.incident_key).toMatch(/^[0-9a-f]{32}$/);
    const log = await entries(sim, incident.id);
    expect(log[0]).toMatchObject({
      id: incident.first_trigger_log_entry.id,
      type: "trigger_log_entry",
      summary: "Triggered through the website",
      agent: { id: ALICE.id, type: "user_reference" },
      channel: {
        type: "web_trigger",
        summary: "The server is on fire.",
        details: "A disk is getting full.",
      },
    });
    const withBody = await api(sim, "GET", `/incidents/${incident.id}?include[]=body`);
    expect(withBody.json.incident.body).toEqual({
      type: "incident_body",
      details: "A disk is getting full.",
    });
    // It escalates like any other.
    await sim.clock.runFor(10 * MINUTE);
    expect(
      (await api(sim, "GET", `/incidents/${incident.id}`)).json.incident.assignments[0].assignee.id,
    ).toBe(BOB.id);
  });

  it("assigns directly to the assignee, who alone is notified and who is never escalated from", async () => {
    const journaled = journalFrom();
    const reply = await create({
      assignments: [{ assignee: { id: BOB.id, type: "user_reference" } }],
    });
    expect(reply.status).toBe(201);
    const incident = reply.json.incident;
    expect(incident).toMatchObject({
      status: "triggered",
      assigned_via: "direct_assignment",
      assignments: [{ assignee: { id: BOB.id } }],
    });
    expect(incident.pending_actions.map((p: Json) => p.type)).toEqual(["resolve"]);
    expect(await summaries(incident.id)).toEqual([
      "Triggered through the website",
      "Assigned to Bob Ortiz by Alice Ng",
      "Notified Bob Ortiz by phone",
    ]);
    expect(journaled("pagerduty.incident.reassigned")).toEqual([]);
    expect(journaled("pagerduty.incident.triggered")).toHaveLength(1);
  });

  it("creates an incident assigned to its creator acknowledged, without notifying them", async () => {
    const reply = await create({
      assignments: [{ assignee: { id: ALICE.id, type: "user_reference" } }],
    });
    expect(reply.json.incident).toMatchObject({
      status: "acknowledged",
      acknowledgements: [{ acknowledger: { id: ALICE.id } }],
    });
    expect(await summaries(reply.json.incident.id)).toEqual([
      "Triggered through the website",
      "Assigned to Alice Ng by Alice Ng",
      "Acknowledged by Alice Ng",
    ]);
  });

  it("follows the escalation policy given instead of the service's", async () => {
    const reply = await create({
      escalation_policy: { id: OTHER_POLICY, type: "escalation_policy_reference" },
    });
    expect(reply.json.incident).toMatchObject({
      escalation_policy: { id: OTHER_POLICY },
      assignments: [{ assignee: { id: CAROL.id } }],
    });
  });

  it("refuses bad bodies with PagerDuty's codes, creating nothing", async () => {
    const none = await api(sim, "POST", "/incidents", {
      from: ALICE.email,
      body: { incident: { type: "incident" } },
    });
    expect(none.json.error).toEqual({
      message: "Invalid Input Provided",
      code: 2001,
      errors: ["Title can't be blank", "Service can't be blank"],
    });
    expect(
      (await create({ service: { id: "PNOSUCH", type: "service_reference" } })).json.error,
    ).toMatchObject({
      code: 5002,
      message: "Service Not Found",
    });
    expect(
      (await create({ assignments: [{ assignee: { id: "PNOSUCH", type: "user_reference" } }] }))
        .json.error,
    ).toMatchObject({ code: 1007, message: "Assigned To User Not Found" });
    expect(
      (await create({ escalation_policy: { id: "PNOSUCH", type: "escalation_policy_reference" } }))
        .json.error,
    ).toMatchObject({ code: 1014, message: "Escalation Policy Not Found" });
    expect(
      (
        await create({
          escalation_policy: { id: POLICY, type: "escalation_policy_reference" },
          assignments: [{ assignee: { id: BOB.id, type: "user_reference" } }],
        })
      ).json.error.errors,
    ).toEqual(["Assignments cannot be specified if an escalation policy is given"]);
    expect(
      (await create({ priority: { id: "PNOSUCH", type: "priority_reference" } })).json.error.code,
    ).toBe(1020);
    expect((await create({ urgency: "urgent" })).json.error.errors).toEqual([
      "Urgency is invalid (must be high or low)",
    ]);
    expect((await api(sim, "GET", "/incidents?date_range=all")).json.incidents).toEqual([]);
  });

  it("refuses a second open incident with the same incident_key on the service", async () => {
    expect((await create({ incident_key: "disk-1" })).status).toBe(201);
    const again = await create({ incident_key: "disk-1" });
    expect(again.status).toBe(400);
    expect(again.json.error).toEqual({
      message: "Arguments Caused Error",
      code: 2002,
      errors: ["Open incident with matching dedup key already exists on this service"],
    });
  });

  it("needs From with an account key", async () => {
    const reply = await api(sim, "POST", "/incidents", {
      auth: `Token token=${ACCOUNT_KEY}`,
      body: {
        incident: {
          type: "incident",
          title: "x",
          service: { id: serviceId, type: "service_reference" },
        },
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(2016);
  });
});

describe("PUT /incidents/{id}", () => {
  it("acknowledges as the From user, then resolves with a resolution that becomes the entry's note", async () => {
    const incident = await opened();
    await sim.clock.runFor(2 * MINUTE);
    const acked = await put(incident.id, { status: "acknowledged" }, BOB.email);
    expect(acked.status).toBe(200);
    expect(acked.json.incident).toMatchObject({
      status: "acknowledged",
      acknowledgements: [{ acknowledger: { id: BOB.id, summary: BOB.name } }],
      last_status_change_by: { id: BOB.id },
    });
    const resolved = await put(
      incident.id,
      { status: "resolved", resolution: "Fixed the disk" },
      BOB.email,
    );
    expect(resolved.json.incident).toMatchObject({
      status: "resolved",
      assignments: [],
      pending_actions: [],
    });
    const log = await entries(sim, incident.id);
    expect(log.slice(-2)).toMatchObject([
      {
        type: "acknowledge_log_entry",
        summary: "Acknowledged by Bob Ortiz",
        channel: { type: "website" },
        agent: { id: BOB.id, type: "user_reference" },
      },
      { type: "resolve_log_entry", summary: "Resolved by Bob Ortiz", note: "Fixed the disk" },
    ]);
    // The alert is resolved with it.
    const alerts = await api(sim, "GET", `/incidents/${incident.id}/alerts`);
    expect(alerts.json.alerts.map((a: Json) => a.status)).toEqual(["resolved"]);
  });

  it("refuses to resolve a resolved incident or change it other than by reopening it (1001)", async () => {
    const incident = await opened();
    await put(incident.id, { status: "resolved" });
    for (const body of [
      { status: "resolved" },
      { escalation_level: 2 },
      { urgency: "low" },
      { assignments: [{ assignee: { id: BOB.id, type: "user_reference" } }] },
    ]) {
      const reply = await put(incident.id, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.json.error).toEqual({ message: "Incident Already Resolved", code: 1001 });
    }
    expect((await entries(sim, incident.id)).at(-1).type).toBe("resolve_log_entry");
  });

  it("reopens a resolved incident as triggered on the current policy, or acknowledged by the From user", async () => {
    const journaled = journalFrom();
    const incident = await opened();
    await put(incident.id, { status: "resolved" });
    const reopened = await put(incident.id, { status: "triggered" }, BOB.email);
    expect(reopened.json.incident).toMatchObject({
      status: "triggered",
      resolved_at: null,
      assignments: [{ assignee: { id: ALICE.id } }],
    });
    await put(incident.id, { status: "resolved" });
    const mine = await put(incident.id, { status: "acknowledged" }, BOB.email);
    expect(mine.json.incident).toMatchObject({
      status: "acknowledged",
      assigned_via: "direct_assignment",
      assignments: [{ assignee: { id: BOB.id } }],
    });
    expect(journaled("pagerduty.incident.reopened")).toHaveLength(2);
  });

  it("reassigns to users directly: they are notified, and the policy no longer escalates", async () => {
    const incident = await opened();
    const reply = await put(incident.id, {
      assignments: [{ assignee: { id: CAROL.id, type: "user_reference" } }],
    });
    expect(reply.json.incident).toMatchObject({
      assigned_via: "direct_assignment",
      assignments: [{ assignee: { id: CAROL.id } }],
    });
    await sim.clock.runFor(60 * MINUTE);
    expect((await summaries(incident.id)).slice(3)).toEqual([
      "Assigned to Carol Diaz by Alice Ng",
      "Notified Carol Diaz by email",
    ]);
  });

  it("escalates to a level of its policy, and refuses an escalation of a low-urgency incident or to a level it does not have (1006)", async () => {
    const incident = await opened();
    const up = await put(incident.id, { escalation_level: 3 });
    expect(up.json.incident.assignments[0].assignee.id).toBe(CAROL.id);
    expect((await summaries(incident.id)).slice(-2)).toEqual([
      "Escalated to Carol Diaz by Alice Ng",
      "Notified Carol Diaz by email",
    ]);
    const far = await put(incident.id, { escalation_level: 7 });
    expect(far.json.error).toEqual({
      message: "Cannot Escalate",
      code: 1006,
      errors: [
        "Escalation level must be between 1 and 3, the levels of the incident's escalation policy",
      ],
    });
    const low = await opened({ severity: "info" });
    const refused = await put(low.id, { escalation_level: 2 });
    expect(refused.json.error).toEqual({
      message: "Cannot Escalate",
      code: 1006,
      errors: ["Low-urgency incidents cannot be escalated"],
    });
  });

  it("changes urgency (low stops escalating), priority by reference or name, and title", async () => {
    const journaled = journalFrom();
    const incident = await opened();
    const priorities = (await api(sim, "GET", "/priorities")).json.priorities;
    const changed = await put(incident.id, {
      urgency: "low",
      title: "checkout errors (rollback under way)",
      priority: { id: priorities[2].id, type: "priority_reference" },
    });
    expect(changed.json.incident).toMatchObject({
      urgency: "low",
      title: "checkout errors (rollback under way)",
      summary: `[#${incident.incident_number}] checkout errors (rollback under way)`,
      priority: { id: priorities[2].id, summary: "P3" },
    });
    expect(changed.json.incident.pending_actions.map((p: Json) => p.type)).toEqual(["resolve"]);
    const byName = await put(incident.id, { priority: "P1" });
    expect(byName.json.incident.priority.summary).toBe("P1");
    expect((await put(incident.id, { priority: null })).json.incident.priority).toBeNull();
    expect((await put(incident.id, { priority: "P9" })).json.error.code).toBe(1020);
    expect((await summaries(incident.id)).at(-1)).toBe(
      "Urgency changed from high to low by Alice Ng",
    );
    expect(journaled("pagerduty.incident.priority_updated")).toHaveLength(3);
    expect(journaled("pagerduty.incident.title_updated")).toHaveLength(1);
  });

  it("delegates to another escalation policy, from its first level", async () => {
    const incident = await opened();
    const moved = await put(incident.id, {
      escalation_policy: { id: OTHER_POLICY, type: "escalation_policy_reference" },
    });
    expect(moved.json.incident).toMatchObject({
      escalation_policy: { id: OTHER_POLICY },
      assignments: [{ assignee: { id: CAROL.id } }],
    });
    expect((await summaries(incident.id)).slice(-2)).toEqual([
      "Reassigned to escalation policy Second line by Alice Ng",
      "Notified Carol Diaz by email",
    ]);
  });

  it("refuses the whole update when one of its changes is refused, and an unknown status with 1003", async () => {
    const incident = await opened();
    const before = await entries(sim, incident.id);
    const mixed = await put(incident.id, {
      urgency: "low",
      escalation_level: 2,
      title: "changed?",
    });
    expect(mixed.json.error.code).toBe(1006);
    const after = await api(sim, "GET", `/incidents/${incident.id}`);
    expect(after.json.incident).toMatchObject({ urgency: "high", title: incident.title });
    expect(await entries(sim, incident.id)).toEqual(before);
    const status = await put(incident.id, { status: "closed" });
    expect(status.json.error).toMatchObject({ message: "Invalid Status Provided", code: 1003 });
    const missing = await put("PNOSUCH", { status: "acknowledged" });
    expect(missing.status).toBe(404);
  });

  it("unacknowledges with status triggered, and changes nothing for a triggered one", async () => {
    const incident = await opened();
    await put(incident.id, { status: "acknowledged" });
    const back = await put(incident.id, { status: "triggered" });
    expect(back.json.incident.status).toBe("triggered");
    const count = (await entries(sim, incident.id)).length;
    await put(incident.id, { status: "triggered" });
    expect(await entries(sim, incident.id)).toHaveLength(count);
  });
});

describe("PUT /incidents", () => {
  it("updates several incidents at once, all or none, and at most 250", async () => {
    const a = await opened();
    const b = await opened();
    const both = await api(sim, "PUT", "/incidents", {
      from: BOB.email,
      body: {
        incidents: [
          { id: a.id, type: "incident_reference", status: "acknowledged" },
          { id: b.id, type: "incident_reference", status: "resolved" },
        ],
      },
    });
    expect(both.status).toBe(200);
    expect(both.json.incidents.map((i: Json) => i.status)).toEqual(["acknowledged", "resolved"]);
    expect(both.json).toMatchObject({ limit: 25, offset: 0, more: false });

    const c = await opened();
    const partial = await api(sim, "PUT", "/incidents", {
      from: BOB.email,
      body: {
        incidents: [
          { id: c.id, type: "incident_reference", status: "acknowledged" },
          { id: b.id, type: "incident_reference", status: "resolved" },
        ],
      },
    });
    expect(partial.json.error.code).toBe(1001);
    expect((await api(sim, "GET", `/incidents/${c.id}`)).json.incident.status).toBe("triggered");

    const many = Array.from({ length: 251 }, () => ({ id: c.id, type: "incident_reference" }));
    const tooMany = await api(sim, "PUT", "/incidents", {
      from: BOB.email,
      body: { incidents: many },
    });
    expect(tooMany.status).toBe(413);
  });
});

describe("POST /incidents/{id}/snooze", () => {
  it("snoozes an acknowledged incident: back to triggered once the duration is over", async () => {
    const incident = await opened();
    expect(
      (
        await api(sim, "POST", `/incidents/${incident.id}/snooze`, {
          from: ALICE.email,
          body: { duration: 600 },
        })
      ).json.error.code,
    ).toBe(1012);
    await put(incident.id, { status: "acknowledged" });
    for (const duration of [0, 604_801, "1h"]) {
      const bad = await api(sim, "POST", `/incidents/${incident.id}/snooze`, {
        from: ALICE.email,
        body: { duration },
      });
      expect(bad.json.error.code, String(duration)).toBe(1013);
    }
    const snoozed = await api(sim, "POST", `/incidents/${incident.id}/snooze`, {
      from: ALICE.email,
      body: { duration: 600 },
    });
    expect(snoozed.status).toBe(201);
    expect(snoozed.json.incident.pending_actions[0]).toEqual({
      type: "unacknowledge",
      at: new Date(sim.clock.now() + 600_000).toISOString(),
    });
    await sim.clock.runFor(10 * MINUTE);
    expect((await api(sim, "GET", `/incidents/${incident.id}`)).json.incident.status).toBe(
      "triggered",
    );
  });
});

describe("notes, status updates and log entries", () => {
  it("adds notes (From's), lists them oldest first, and refuses an empty one", async () => {
    const incident = await opened();
    const first = await api(sim, "POST", `/incidents/${incident.id}/notes`, {
      from: BOB.email,
      body: { note: { content: "Firefighters are on the scene." } },
    });
    expect(first.status).toBe(200);
    expect(first.json.note).toMatchObject({
      user: { id: BOB.id, type: "user_reference", summary: BOB.name },
      channel: { summary: "The PagerDuty website or APIs" },
      content: "Firefighters are on the scene.",
    });
    await api(sim, "POST", `/incidents/${incident.id}/notes`, {
      from: ALICE.email,
      body: { note: { content: "second" } },
    });
    const list = await api(sim, "GET", `/incidents/${incident.id}/notes`);
    expect(list.json.notes.map((n: Json) => n.content)).toEqual([
      "Firefighters are on the scene.",
      "second",
    ]);
    const empty = await api(sim, "POST", `/incidents/${incident.id}/notes`, {
      from: ALICE.email,
      body: { note: { content: " " } },
    });
    expect(empty.json.error).toEqual({
      message: "Invalid Input Provided",
      code: 2001,
      errors: ["Content cannot be empty."],
    });
    expect((await summaries(incident.id)).slice(-2)).toEqual([
      "Note added by Bob Ortiz",
      "Note added by Alice Ng",
    ]);
  });

  it("posts status updates, kept for the report and journaled", async () => {
    const incident = await opened({ details: { traceId: "status-1" } });
    const reply = await api(sim, "POST", `/incidents/${incident.id}/status_updates`, {
      from: BOB.email,
      body: { message: "We are rolling back checkout." },
    });
    expect(reply.status).toBe(200);
    expect(reply.json.status_update).toMatchObject({
      message: "We are rolling back checkout.",
      sender: { id: BOB.id, type: "user_reference" },
      created_at: incident.created_at,
    });
    const journaled = sim.journal.byType("pagerduty.incident.status_update_published");
    expect(journaled.at(-1)?.correlation).toMatchObject({
      incidentId: incident.id,
      traceId: "status-1",
    });
    const bad = await api(sim, "POST", `/incidents/${incident.id}/status_updates`, {
      from: BOB.email,
      body: { message: "", subject: "only a subject" },
    });
    expect(bad.json.error.errors).toEqual([
      "Message can't be blank",
      "Subject and html message go together for a custom html email",
    ]);
  });

  it("lists log entries newest first, the overview without notifications, the account's, and one by id", async () => {
    const incident = await opened();
    await followUp(sim, "acknowledge", incident.incident_key);
    const list = await api(sim, "GET", `/incidents/${incident.id}/log_entries`);
    expect(list.json.log_entries.map((e: Json) => e.type)).toEqual([
      "acknowledge_log_entry",
      "notify_log_entry",
      "assign_log_entry",
      "trigger_log_entry",
    ]);
    const overview = await api(
      sim,
      "GET",
      `/incidents/${incident.id}/log_entries?is_overview=true`,
    );
    expect(overview.json.log_entries.map((e: Json) => e.type)).toEqual([
      "acknowledge_log_entry",
      "assign_log_entry",
      "trigger_log_entry",
    ]);
    await opened();
    const all = await api(sim, "GET", "/log_entries?total=true");
    expect(all.json.total).toBe(7);
    const one = await api(
      sim,
      "GET",
      `/log_entries/${list.json.log_entries[0].id}?include[]=incidents`,
    );
    expect(one.json.log_entry).toMatchObject({
      type: "acknowledge_log_entry",
      incident: { id: incident.id, type: "incident", status: "acknowledged" },
    });
    expect((await api(sim, "GET", "/log_entries/PNOSUCH")).status).toBe(404);
    const later = await api(
      sim,
      "GET",
      `/log_entries?since=${new Date(sim.clock.now() + 1).toISOString()}`,
    );
    expect(later.json.log_entries).toEqual([]);
  });
});
