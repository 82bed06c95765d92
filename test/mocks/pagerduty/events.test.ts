import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import {
  ENQUEUE,
  followUp,
  mark,
  post,
  reset,
  routingKey,
  startSimulator,
  state,
  trigger,
  UNKNOWN_KEY,
} from "./helpers.js";

const PD_ID = /^[PQ][A-Z0-9]{6,13}$/;

describe("POST /v2/enqueue against the default service", () => {
  let sim: Simulator;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ sim, close } = await startSimulator({ seed: "pagerduty-events" }));
  });
  afterAll(async () => close());
  beforeEach(async () => reset(sim));

  it("answers a trigger without dedup_key with 202 and a generated key, and opens an incident", async () => {
    const { at } = mark(sim);
    const reply = await post(
      sim,
      ENQUEUE,
      trigger(
        sim,
        {
          client: "Sample Monitoring Service",
          client_url: "https://monitoring.example.com",
          links: [{ href: "https://example.com/run/1", text: "Run" }],
          images: [{ src: "https://example.com/chart.png", alt: "chart" }],
        },
        {
          component: "mysql",
          group: "prod-db",
          class: "disk",
          timestamp: "2026-01-05T08:59:00.000Z",
          custom_details: { free: "1%" },
        },
      ),
    );
    expect(reply.status).toBe(202);
    expect(reply.contentType).toMatch(/^application\/json/);
    expect(Object.keys(reply.json).sort()).toEqual(["dedup_key", "message", "status"]);
    expect(reply.json).toMatchObject({ status: "success", message: "Event processed" });
    const key = reply.json.dedup_key as string;
    expect(key).toMatch(/^[0-9a-f]{32}$/);

    const s = await state(sim);
    expect(s.incidents).toHaveLength(1);
    const incident = s.incidents[0];
    const service = s.services[0];
    expect(incident).toMatchObject({
      type: "incident",
      incident_number: 1,
      title: "disk full on db-1",
      status: "triggered",
      urgency: "high",
      incident_key: key,
      created_at: at(),
      resolved_at: null,
      service: { id: service.id, type: "service_reference" },
      alert_counts: { all: 1, triggered: 1, resolved: 0 },
      acknowledgements: [],
    });
    expect(incident.id).toMatch(PD_ID);
    expect(incident.html_url).toBe(`https://watermelon.pagerduty.com/incidents/${incident.id}`);

    expect(s.alerts).toHaveLength(1);
    const alert = s.alerts[0];
    expect(alert).toMatchObject({
      type: "alert",
      alert_key: key,
      status: "triggered",
      summary: "disk full on db-1",
      severity: "critical",
      incident: { id: incident.id },
      integration: {
        id: s.integrations[0].id,
        type: "events_api_v2_inbound_integration_reference",
      },
    });
    expect(alert.html_url).toMatch(/^https:\/\/watermelon\.pagerduty\.com\/alerts\/P[A-Z0-9]{6}$/);
    expect(alert.body.cef_details).toEqual({
      summary: "disk full on db-1",
      severity: "critical",
      source: "db-1",
      timestamp: "2026-01-05T08:59:00.000Z",
      component: "mysql",
      group: "prod-db",
      class: "disk",
      client: "Sample Monitoring Service",
      client_url: "https://monitoring.example.com",
      contexts: [
        { type: "link", href: "https://example.com/run/1", text: "Run" },
        { type: "image", src: "https://example.com/chart.png", alt: "chart" },
      ],
      details: { free: "1%" },
    });

    // The trigger entry, then the lifecycle's assignment to the policy's first level and the
    // notification of the user there.
    expect(s.log_entries.map((e: { type: string }) => e.type)).toEqual([
      "trigger_log_entry",
      "assign_log_entry",
      "notify_log_entry",
    ]);
    expect(s.log_entries[0]).toMatchObject({
      id: incident.first_trigger_log_entry.id,
      type: "trigger_log_entry",
      summary: "Triggered through the API",
      created_at: at(),
      agent: { id: service.id, type: "service_reference" },
      channel: { type: "api", summary: "disk full on db-1", details: { free: "1%" } },
      incident: { id: incident.id },
      alert: { id: alert.id },
    });
  });

  it("opens a new alert and incident for every trigger without dedup_key", async () => {
    const a = await post(sim, ENQUEUE, trigger(sim));
    const b = await post(sim, ENQUEUE, trigger(sim));
    expect(a.json.dedup_key).not.toBe(b.json.dedup_key);
    const s = await state(sim);
    expect(s.incidents.map((i: { incident_number: number }) => i.incident_number)).toEqual([1, 2]);
    expect(s.alerts).toHaveLength(2);
  });

  it("adds a trigger log entry to the open alert on a repeated trigger, opening nothing new", async () => {
    const { at, journal } = mark(sim);
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "db-1/disk" }));
    await sim.clock.runFor(30_000);
    const again = await post(
      sim,
      ENQUEUE,
      trigger(sim, { dedup_key: "db-1/disk" }, { summary: "disk still full", severity: "error" }),
    );
    expect(again.status).toBe(202);
    expect(again.json.dedup_key).toBe("db-1/disk");
    const s = await state(sim);
    expect(s.incidents).toHaveLength(1);
    expect(s.alerts).toHaveLength(1);
    // The alert follows the latest trigger; the incident keeps the title it opened with.
    expect(s.alerts[0]).toMatchObject({ summary: "disk still full", severity: "error" });
    expect(s.incidents[0].title).toBe("disk full on db-1");
    expect(
      s.log_entries
        .filter((e: { type: string }) => e.type === "trigger_log_entry")
        .map((e: { type: string; alert: { id: string }; created_at: string }) => [
          e.type,
          e.alert.id,
          e.created_at,
        ]),
    ).toEqual([
      ["trigger_log_entry", s.alerts[0].id, at()],
      ["trigger_log_entry", s.alerts[0].id, at(30_000)],
    ]);
    const dedup = journal("pagerduty.event.deduplicated");
    expect(dedup).toHaveLength(1);
    expect(dedup[0]?.correlation).toMatchObject({ dedupKey: "db-1/disk", incidentNumber: "1" });
  });

  it("treats dedup keys as case-sensitive", async () => {
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "Disk" }));
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "disk" }));
    expect((await state(sim)).incidents).toHaveLength(2);
  });

  it("acknowledges the incident, which stays acknowledged through repeated triggers", async () => {
    const { at, journal } = mark(sim);
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "k" }));
    await sim.clock.runFor(60_000);
    const ack = await post(sim, ENQUEUE, followUp(sim, "acknowledge", "k"));
    expect(ack.status).toBe(202);
    expect(ack.json).toEqual({ status: "success", message: "Event processed", dedup_key: "k" });
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "k" }));
    const s = await state(sim);
    const incident = s.incidents[0];
    expect(incident).toMatchObject({
      status: "acknowledged",
      last_status_change_at: at(60_000),
      last_status_change_by: { id: s.services[0].id, type: "service_reference" },
      acknowledgements: [
        {
          at: at(60_000),
          acknowledger: { id: s.services[0].id, type: "service_reference" },
        },
      ],
    });
    expect(s.log_entries.map((e: { type: string }) => e.type)).toEqual([
      "trigger_log_entry",
      "assign_log_entry",
      "notify_log_entry",
      "acknowledge_log_entry",
      "trigger_log_entry",
    ]);
    // A second acknowledge changes nothing and is journaled as dropped.
    await post(sim, ENQUEUE, followUp(sim, "acknowledge", "k"));
    expect((await state(sim)).log_entries).toHaveLength(5);
    expect(journal("pagerduty.incident.acknowledged")).toHaveLength(1);
  });

  it("resolves the alert and its incident", async () => {
    const { at } = mark(sim);
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "k" }));
    await post(sim, ENQUEUE, followUp(sim, "acknowledge", "k"));
    await sim.clock.runFor(120_000);
    const resolved = await post(sim, ENQUEUE, followUp(sim, "resolve", "k"));
    expect(resolved.status).toBe(202);
    const s = await state(sim);
    expect(s.incidents[0]).toMatchObject({
      status: "resolved",
      resolved_at: at(120_000),
      alert_counts: { all: 1, triggered: 0, resolved: 1 },
    });
    expect(s.alerts[0]).toMatchObject({ status: "resolved", resolved_at: at(120_000) });
    expect(s.log_entries.map((e: { type: string }) => e.type)).toEqual([
      "trigger_log_entry",
      "assign_log_entry",
      "notify_log_entry",
      "acknowledge_log_entry",
      "resolve_log_entry",
    ]);
  });

  it("opens a new incident for a trigger after resolve; the resolved one stays resolved", async () => {
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "k" }));
    await post(sim, ENQUEUE, followUp(sim, "resolve", "k"));
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "k" }));
    const s = await state(sim);
    expect(
      s.incidents.map((i: { incident_number: number; status: string; incident_key: string }) => [
        i.incident_number,
        i.status,
        i.incident_key,
      ]),
    ).toEqual([
      [1, "resolved", "k"],
      [2, "triggered", "k"],
    ]);
    expect(s.alerts.map((a: { status: string }) => a.status)).toEqual(["resolved", "triggered"]);
  });

  it("accepts acknowledge and resolve for a key with no open alert (202) and drops them", async () => {
    const { journal } = mark(sim);
    for (const action of ["acknowledge", "resolve"] as const) {
      const reply = await post(sim, ENQUEUE, followUp(sim, action, "never-triggered"));
      expect(reply.status).toBe(202);
      expect(reply.json).toEqual({
        status: "success",
        message: "Event processed",
        dedup_key: "never-triggered",
      });
    }
    const s = await state(sim);
    expect(s.incidents).toEqual([]);
    expect(s.log_entries).toEqual([]);
    const dropped = journal("pagerduty.event.dropped").map((e) => e.data);
    expect(dropped).toMatchObject([
      {
        event_action: "acknowledge",
        reason: "no open alert has this dedup key from this routing key",
      },
      { event_action: "resolve", reason: "no open alert has this dedup key from this routing key" },
    ]);
  });

  it("drops an acknowledge sent after the alert was resolved", async () => {
    const { journal } = mark(sim);
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "k" }));
    await post(sim, ENQUEUE, followUp(sim, "resolve", "k"));
    expect((await post(sim, ENQUEUE, followUp(sim, "acknowledge", "k"))).status).toBe(202);
    expect((await state(sim)).incidents[0].status).toBe("resolved");
    expect(journal("pagerduty.event.dropped")).toHaveLength(1);
  });

  it("accepts and ignores a payload on acknowledge and resolve", async () => {
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "k" }));
    const reply = await post(sim, ENQUEUE, {
      ...followUp(sim, "resolve", "k"),
      payload: { summary: "", severity: "nonsense" },
      images: [],
      links: [],
    });
    expect(reply.status).toBe(202);
    expect((await state(sim)).incidents[0].status).toBe("resolved");
  });

  it("accepts the optional leading /events.pagerduty.com path segment", async () => {
    for (const prefix of ["/events.pagerduty.com", "/events.eu.pagerduty.com"]) {
      const reply = await post(sim, `${prefix}${ENQUEUE}`, trigger(sim));
      expect(reply.status).toBe(202);
    }
    expect((await post(sim, `/example.com${ENQUEUE}`, trigger(sim))).status).toBe(404);
    expect((await state(sim)).incidents).toHaveLength(2);
  });

  it("refuses a well-formed routing key of no integration with 400 Invalid routing key", async () => {
    const { journal } = mark(sim);
    const reply = await post(sim, ENQUEUE, { ...trigger(sim), routing_key: UNKNOWN_KEY });
    expect(reply.status).toBe(400);
    expect(reply.text).toBe("Invalid routing key");
    expect((await state(sim)).incidents).toEqual([]);
    expect(journal("pagerduty.event.rejected").map((e) => e.data)).toEqual([
      {
        api: "v2",
        status: 400,
        errors: ["Invalid routing key"],
      },
    ]);
  });

  it("gives every object a PagerDuty id and takes every time from the simulator clock", async () => {
    const { at, journal } = mark(sim);
    await sim.clock.runFor(3_600_000);
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "a" }));
    await sim.clock.runFor(1_500);
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "b" }));
    await post(sim, ENQUEUE, followUp(sim, "acknowledge", "a"));
    const s = await state(sim);
    const ids = [
      ...s.services.map((x: { id: string }) => x.id),
      ...s.integrations.map((x: { id: string }) => x.id),
      ...s.incidents.map((x: { id: string }) => x.id),
      ...s.alerts.map((x: { id: string }) => x.id),
      ...s.log_entries.map((x: { id: string }) => x.id),
    ];
    for (const id of ids) expect(id).toMatch(PD_ID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(s.incidents.map((i: { created_at: string }) => i.created_at)).toEqual([
      at(3_600_000),
      at(3_601_500),
    ]);
    expect(s.incidents[0].acknowledgements[0].at).toBe(at(3_601_500));
    expect(journal("pagerduty.incident.triggered").map((e) => e.time)).toEqual([
      at(3_600_000),
      at(3_601_500),
    ]);
  });

  it("journals every event and transition, correlated by dedup key, incident and trace id", async () => {
    const { journal } = mark(sim);
    await post(
      sim,
      ENQUEUE,
      trigger(sim, { dedup_key: "k" }, { custom_details: { request: { traceId: "trace-7" } } }),
    );
    await post(sim, ENQUEUE, trigger(sim, { dedup_key: "k" }));
    await post(sim, ENQUEUE, followUp(sim, "acknowledge", "k"));
    await post(sim, ENQUEUE, followUp(sim, "resolve", "k"));
    await post(sim, ENQUEUE, followUp(sim, "resolve", "k"));
    await post(sim, ENQUEUE, { routing_key: routingKey(sim), event_action: "resolve" });
    const events = journal();
    expect(events.map((e) => [e.type, e.source])).toEqual(
      [
        "pagerduty.event.accepted",
        "pagerduty.alert.triggered",
        "pagerduty.incident.triggered",
        "responder.notified",
        "pagerduty.event.accepted",
        "pagerduty.event.deduplicated",
        "pagerduty.event.accepted",
        "pagerduty.incident.acknowledged",
        "pagerduty.event.accepted",
        "pagerduty.alert.resolved",
        "pagerduty.incident.resolved",
        "pagerduty.event.accepted",
        "pagerduty.event.dropped",
        "pagerduty.event.rejected",
      ].map((type) => [type, "pagerduty"]),
    );
    const incidentId = (await state(sim)).incidents[0].id;
    // Every effect on the incident carries its number, its id and the trace id of its alert, even
    // when the event itself (an acknowledge) brought no details.
    for (const type of [
      "pagerduty.incident.triggered",
      "pagerduty.event.deduplicated",
      "pagerduty.incident.acknowledged",
      "pagerduty.incident.resolved",
    ]) {
      const entry = events.find((e) => e.type === type);
      expect(entry?.correlation, type).toEqual({
        dedupKey: "k",
        incidentNumber: "1",
        incidentId,
        traceId: "trace-7",
      });
    }
    expect(sim.journal.byCorrelation("trace-7").length).toBeGreaterThanOrEqual(6);
    expect(events.find((e) => e.type === "pagerduty.incident.triggered")?.data).toMatchObject({
      incident_number: 1,
      status: "triggered",
      urgency: "high",
      title: "disk full on db-1",
    });
    expect(events.at(-1)?.data).toEqual({
      api: "v2",
      status: 400,
      errors: ["'dedup_key' is missing or blank"],
    });
  });
});

describe("services as configured", () => {
  const KEY_A = "a".repeat(32);
  const KEY_B = "b".repeat(32);
  const LOW = "c".repeat(32);
  const DISABLED = "d".repeat(32);
  const MAINTENANCE = "e".repeat(32);
  const TIME = "f".repeat(32);
  const CONTENT = "0".repeat(32);
  let sim: Simulator;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ sim, close } = await startSimulator({
      seed: "pagerduty-services",
      pagerduty: {
        services: [
          { name: "checkout", integrations: [{ key: KEY_A }, { key: KEY_B, name: "second" }] },
          { name: "batch", urgency: "low", integrations: [{ key: LOW }] },
          { name: "retired", disabled: true, integrations: [{ key: DISABLED }] },
          { name: "upgrading", maintenance: true, integrations: [{ key: MAINTENANCE }] },
          {
            name: "grouped by time",
            alertGrouping: { type: "time", timeoutMinutes: 5 },
            integrations: [{ key: TIME }],
          },
          {
            name: "grouped by content",
            alertGrouping: {
              type: "content_based",
              aggregate: "all",
              fields: ["source", "custom_details.region"],
              timeWindowSeconds: 600,
            },
            integrations: [{ key: CONTENT }],
          },
        ],
      },
    }));
  });
  afterAll(async () => close());
  beforeEach(async () => reset(sim));

  const event = (key: string, extra: Record<string, unknown> = {}, payload = {}) => ({
    routing_key: key,
    event_action: "trigger",
    payload: { summary: "s", source: "host-1", severity: "critical", ...payload },
    ...extra,
  });
  const byName = async (name: string) => {
    const s = await state(sim);
    const service = s.services.find((x: { name: string }) => x.name === name);
    return s.incidents.filter((i: { service: { id: string } }) => i.service.id === service.id);
  };

  it("puts the first service's first key in the ready line's env", () => {
    expect(sim.env.PAGERDUTY_ROUTING_KEY).toBe(KEY_A);
  });

  it("does not deduplicate the same dedup key across two routing keys of one service", async () => {
    await post(sim, ENQUEUE, event(KEY_A, { dedup_key: "same" }));
    await post(sim, ENQUEUE, event(KEY_B, { dedup_key: "same" }));
    expect(await byName("checkout")).toHaveLength(2);
    // A resolve through one key applies to that key's alert only.
    await post(sim, ENQUEUE, { routing_key: KEY_B, event_action: "resolve", dedup_key: "same" });
    const [first, second] = await byName("checkout");
    expect([first.status, second.status]).toEqual(["triggered", "resolved"]);
    // Nor does an acknowledge through a key other than the open alert's own.
    await post(sim, ENQUEUE, {
      routing_key: KEY_B,
      event_action: "acknowledge",
      dedup_key: "same",
    });
    expect((await byName("checkout"))[0].status).toBe("triggered");
  });

  it("sets urgency from the service's rule: severity-based by default, or constant", async () => {
    const urgencies: string[] = [];
    for (const severity of ["critical", "error", "warning", "info"]) {
      await post(sim, ENQUEUE, event(KEY_A, {}, { severity }));
    }
    await post(sim, ENQUEUE, event(LOW, {}, { severity: "critical" }));
    for (const i of await byName("checkout")) urgencies.push(i.urgency);
    expect(urgencies).toEqual(["high", "high", "low", "low"]);
    expect((await byName("batch")).map((i: { urgency: string }) => i.urgency)).toEqual(["low"]);
  });

  it("drops every event for a disabled service, accepting it with 202", async () => {
    const reply = await post(sim, ENQUEUE, event(DISABLED, { dedup_key: "x" }));
    expect(reply.status).toBe(202);
    expect(reply.json.dedup_key).toBe("x");
    expect((await state(sim)).incidents).toEqual([]);
    expect(sim.journal.byType("pagerduty.event.dropped").at(-1)?.data).toMatchObject({
      reason: "the service is disabled",
    });
  });

  it("drops triggers for a service in maintenance", async () => {
    expect((await post(sim, ENQUEUE, event(MAINTENANCE))).status).toBe(202);
    expect((await state(sim)).incidents).toEqual([]);
    expect(sim.journal.byType("pagerduty.event.dropped").at(-1)?.data).toMatchObject({
      reason: "the service is in maintenance",
    });
  });

  it("groups alerts by time: one incident within the window, resolved with its last alert", async () => {
    const { journal } = mark(sim);
    await post(sim, ENQUEUE, event(TIME, { dedup_key: "a" }));
    await sim.clock.runFor(4 * 60_000);
    await post(sim, ENQUEUE, event(TIME, { dedup_key: "b" }, { summary: "other" }));
    await sim.clock.runFor(60_000);
    await post(sim, ENQUEUE, event(TIME, { dedup_key: "c" }));
    let incidents = await byName("grouped by time");
    expect(incidents.map((i: { alert_counts: unknown }) => i.alert_counts)).toEqual([
      { all: 2, triggered: 2, resolved: 0 },
      { all: 1, triggered: 1, resolved: 0 },
    ]);
    expect(incidents[0].alert_grouping).toMatchObject({
      grouping_type: "time",
      alert_grouping_active: true,
    });
    expect(journal("pagerduty.alert.triggered").map((e) => e.data.grouped)).toEqual([
      false,
      true,
      false,
    ]);
    await post(sim, ENQUEUE, { routing_key: TIME, event_action: "resolve", dedup_key: "a" });
    incidents = await byName("grouped by time");
    expect(incidents[0].status).toBe("triggered");
    await post(sim, ENQUEUE, { routing_key: TIME, event_action: "resolve", dedup_key: "b" });
    incidents = await byName("grouped by time");
    expect(incidents[0]).toMatchObject({
      status: "resolved",
      alert_counts: { all: 2, triggered: 0, resolved: 2 },
    });
  });

  it("acknowledges a grouped incident through any of its alerts", async () => {
    await post(sim, ENQUEUE, event(TIME, { dedup_key: "a" }));
    await post(sim, ENQUEUE, event(TIME, { dedup_key: "b" }));
    await post(sim, ENQUEUE, { routing_key: TIME, event_action: "acknowledge", dedup_key: "b" });
    const incidents = await byName("grouped by time");
    expect(incidents).toHaveLength(1);
    expect(incidents[0].status).toBe("acknowledged");
  });

  it("groups alerts by content: the same values in every field, within the window", async () => {
    const region = (r: string) => ({ custom_details: { region: r } });
    await post(sim, ENQUEUE, event(CONTENT, {}, region("eu")));
    await post(sim, ENQUEUE, event(CONTENT, {}, { summary: "another", ...region("eu") }));
    await post(sim, ENQUEUE, event(CONTENT, {}, region("us")));
    await post(sim, ENQUEUE, event(CONTENT, {}, { source: "host-2", ...region("eu") }));
    await sim.clock.runFor(600_000);
    await post(sim, ENQUEUE, event(CONTENT, {}, region("eu")));
    const counts = (await byName("grouped by content")).map(
      (i: { alert_counts: { all: number } }) => i.alert_counts.all,
    );
    expect(counts).toEqual([2, 1, 1, 1]);
  });
});
