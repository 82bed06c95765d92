import { describe, expect, it } from "vitest";
import {
  buildReport,
  renderReportHtml,
  renderReportText,
} from "../../../simulator/report/index.js";
import { incidentData, journal } from "./helpers.js";

const T = (hhmmss: string, day = "2026-01-05") => `${day}T${hhmmss}.000Z`;
const inc = { incidentId: "PINC1", incidentNumber: "1", dedupKey: "k1", traceId: "t1" };
const services = [{ name: "checkout", tier: "gold" as const, pagerdutyServiceId: "PSVC1" }];
const scenario = { name: "hand-built", start: T("10:00:00"), end: T("11:00:00") };

/** Minute request counts from 10:00 to 11:00; `bad` of 10 fail from 10:00 to 10:10. */
function traffic(add: ReturnType<typeof journal>["add"], bad = 5) {
  for (let m = 0; m < 60; m++) {
    const from = T(`10:${String(m).padStart(2, "0")}:00`);
    const to = m === 59 ? T("11:00:00") : T(`10:${String(m + 1).padStart(2, "0")}:00`);
    const b = m < 10 ? bad : 0;
    add("app.requests.counted", to, {
      service: "checkout",
      tier: "gold",
      good: 10 - b,
      bad: b,
      from,
      to,
    });
  }
}

/**
 * Impact 10:00:30-10:09:30, incident opened 10:02, acknowledged 10:05, resolved 10:20; the
 * status page hears of each change, one status update at 10:06, one customer informed first.
 */
function wellHandled() {
  const { events, add } = journal();
  add("app.fault.started", T("10:00:00"), {
    faultId: "fault-1",
    service: "checkout",
    startedAt: T("10:00:00"),
  });
  add("app.error.emitted", T("10:00:35"), {
    service: "checkout",
    timestamp: T("10:00:30"),
    traceId: "t0",
  });
  add("app.error.emitted", T("10:01:05"), {
    service: "checkout",
    timestamp: T("10:01:00"),
    traceId: "t1",
  });
  add("app.error.emitted", T("10:09:35"), {
    service: "checkout",
    timestamp: T("10:09:30"),
    traceId: "t2",
  });
  add("pagerduty.alert.triggered", T("10:02:00"), { incident: "PINC1", severity: "error" }, inc);
  add("pagerduty.incident.triggered", T("10:02:00"), incidentData("PINC1", "triggered"), inc);
  add(
    "responder.notified",
    T("10:02:00"),
    {
      incident: "PINC1",
      user: "PU1",
      user_name: "Ada",
      contact_method: { type: "email_contact_method" },
      level: 1,
      at: T("10:02:00"),
    },
    inc,
  );
  add(
    "app.webhook.received",
    T("10:02:00"),
    {
      eventType: "incident.triggered",
      incidentId: "PINC1",
      service: "checkout",
      status: "triggered",
    },
    { incident: "PINC1" },
  );
  add("customer.noticed", T("10:04:00"), {
    customer: "Acme",
    service: "checkout",
    faultId: "fault-1",
  });
  add("customer.reported", T("10:04:00"), {
    customer: "Acme",
    service: "checkout",
    faultId: "fault-1",
    informedBeforeReport: true,
  });
  add("pagerduty.incident.acknowledged", T("10:05:00"), incidentData("PINC1", "acknowledged"), inc);
  add(
    "pagerduty.incident.status_update_published",
    T("10:06:00"),
    incidentData("PINC1", "acknowledged", { message: "Looking into it" }),
    inc,
  );
  add("app.fault.ended", T("10:10:00"), { faultId: "fault-1", service: "checkout" });
  add("pagerduty.incident.resolved", T("10:20:00"), incidentData("PINC1", "resolved"), inc);
  add(
    "app.webhook.received",
    T("10:20:00"),
    {
      eventType: "incident.resolved",
      incidentId: "PINC1",
      service: "checkout",
      status: "resolved",
    },
    { incident: "PINC1" },
  );
  traffic(add);
  events.sort((a, b) => a.time.localeCompare(b.time) || a.seq - b.seq);
  return events;
}

describe("incident metrics, by their definitions", () => {
  const report = buildReport(wellHandled(), { services, scenario });
  const i = report.incidents[0];

  it("time to detect, acknowledge, resolve and recover", () => {
    expect(report.incidents).toHaveLength(1);
    expect(i?.impactStartedAt).toBe(T("10:00:30"));
    expect(i?.timeToDetectMs).toBe(90_000); // opened 10:02 - first failed request 10:00:30
    expect(i?.timeToAcknowledgeMs).toBe(3 * 60_000);
    expect(i?.timeToResolveMs).toBe(18 * 60_000);
    expect(i?.recoveredAt).toBe(T("10:09:30"));
    expect(i?.timeToRecoverMs).toBe(9 * 60_000);
    expect(i?.pages).toBe(1);
  });

  it("priority from the alert's severity when the incident has none, and the report says so", () => {
    expect(i?.priority).toBe("P2");
    expect(i?.prioritySource).toBe("alert severity");
    expect(report.notes.join("\n")).toMatch(/no priority.*P2 from alert severity/);
  });

  it("gold P2 targets: acknowledged and resolved within them", () => {
    expect(i?.sla.acknowledge).toEqual({
      targetMs: 30 * 60_000,
      actualMs: 3 * 60_000,
      status: "met",
    });
    expect(i?.sla.resolve.status).toBe("met");
    expect(i?.sla.green).toBe(true);
  });

  it("experience: first communication, proactive, cadence, impact, score", () => {
    const x = i?.experience;
    expect(x?.timeToFirstCommunicationMs).toBe(90_000); // the status page at 10:02
    expect(x?.proactive).toBe(true);
    expect(x?.customerReports).toBe(1);
    expect(x?.longestSilenceMs).toBe(14 * 60_000); // 10:06 update to 10:20 resolution
    expect(x?.impactMinutes).toBe(5); // 10 minutes at half the requests failing
    expect(x?.resolutionCommunicated).toBe(true);
    expect(x?.components).toEqual({
      firstCommunication: 1,
      proactive: 1,
      cadence: 1,
      impact: 1 - 5 / 30,
      resolutionCommunicated: 1,
    });
    // 100 × (0.25 + 0.2 + 0.2 + 0.25 × 5/6 + 0.1)
    expect(x?.score).toBe(95.8);
    expect(i?.verdict.kind).toBe("green/green");
  });

  it("per tier: MTTA, MTTR (resolve), breaches and compliance", () => {
    expect(report.tiers).toHaveLength(1);
    expect(report.tiers[0]).toMatchObject({
      tier: "gold",
      incidents: 1,
      mttaMs: 3 * 60_000,
      mttrMs: 18 * 60_000,
      acknowledgeBreaches: 0,
      resolveBreaches: 0,
      compliancePercent: 100,
      complianceTargetPercent: 95,
      complianceMet: true,
    });
  });

  it("error budget and burn rate from the good and bad requests", () => {
    const s = report.services[0];
    expect(s?.requests).toEqual({ good: 550, bad: 50, total: 600 });
    // (1 - 99.95%) × 600 = 0.3 bad requests allowed; 50 bad = 16666.7 % of it.
    expect(s?.errorBudget.allowedBad).toBeCloseTo(0.3, 6);
    expect(s?.errorBudget.consumedPercent).toBeCloseTo(16_666.7, 1);
    // bad fraction 1/12 over 0.0005
    expect(s?.burnRate).toBeCloseTo(166.67, 2);
    // the worst 5 minutes are all at half bad: 0.5 / 0.0005
    expect(s?.peakBurnRate5m).toBeCloseTo(1000, 6);
    expect(s?.peakBurnRate1h).toBeCloseTo(166.67, 2);
    expect(s?.verdict.kind).toBe("green/green");
  });

  it("a window longer than the run is filled at the run's request rate", () => {
    const monthly = buildReport(wellHandled(), {
      services,
      scenario,
      sla: { gold: { slo: { availability: 99.9, window: "30d" } } },
    });
    const s = monthly.services[0];
    // 600 requests an hour for 720 hours, 0.1 % of them allowed bad
    expect(s?.errorBudget.allowedBad).toBeCloseTo(432, 6);
    expect(s?.errorBudget.consumedPercent).toBeCloseTo((50 / 432) * 100, 1);
  });
});

describe("services without their PagerDuty ids (a replayed journal)", () => {
  it("an incident belongs to the service of the failed request its alert carried", () => {
    const report = buildReport(wellHandled(), {
      services: [
        { name: "search", tier: "silver" },
        { name: "checkout", tier: "gold" },
      ],
      scenario,
    });
    expect(report.incidents.map((i) => [i.service, i.tier])).toEqual([["checkout", "gold"]]);
    expect(report.services.find((s) => s.name === "checkout")?.pagerdutyServiceId).toBe("PSVC1");
    expect(report.services.find((s) => s.name === "search")?.incidents).toEqual([]);
  });

  it("an incident on a service nobody named is left out, and the notes say so", () => {
    const report = buildReport(wellHandled(), {
      services: [
        { name: "search", tier: "silver", pagerdutyServiceId: "POTHER" },
        { name: "cart", tier: "gold", pagerdutyServiceId: "PCART" },
      ],
    });
    expect(report.incidents).toEqual([]);
    expect(report.notes[0]).toMatch(
      /incident #1 \(PINC1\) is on PagerDuty service PSVC1, which no reported service names/,
    );
  });
});

describe("impact no incident covered", () => {
  it("customers who reported a fault nobody was paged for turn the experience red", () => {
    const events = wellHandled()
      .filter(
        (e) =>
          !e.type.startsWith("pagerduty.") &&
          e.type !== "app.webhook.received" &&
          e.type !== "responder.notified",
      )
      .map((e) =>
        e.type === "customer.reported"
          ? { ...e, data: { ...e.data, informedBeforeReport: false } }
          : e,
      );
    const s = buildReport(events, { services, scenario }).services[0];
    expect(s?.incidents).toEqual([]);
    expect(s?.unattendedImpact).toEqual([
      { startedAt: T("10:00:30"), endedAt: T("10:09:30"), impactMinutes: 5 },
    ]);
    expect(s?.verdict.kind).toBe("watermelon");
    expect(s?.verdict.reasons[0]).toMatch(/1 customer report of impact no incident covered/);
  });
});

describe("the watermelon and its opposite, hand-built", () => {
  /** Acknowledged in 5 min, resolved in 30 (green on paper), never a word to customers. */
  function silent(extra?: (add: ReturnType<typeof journal>["add"]) => void) {
    const { events, add } = journal();
    add("app.fault.started", T("10:00:00"), {
      faultId: "fault-1",
      service: "checkout",
      startedAt: T("10:00:00"),
    });
    add("app.error.emitted", T("10:00:05"), { service: "checkout", timestamp: T("10:00:00") });
    add("pagerduty.incident.triggered", T("10:02:00"), incidentData("PINC1", "triggered"), inc);
    for (const [n, at] of [
      ["A", "10:03:00"],
      ["B", "10:04:00"],
      ["C", "10:05:00"],
    ] as const)
      add("customer.reported", T(at), {
        customer: n,
        service: "checkout",
        faultId: "fault-1",
        informedBeforeReport: false,
      });
    for (let k = 1; k <= 3; k++)
      add(
        "pagerduty.webhook.failed",
        T(`10:0${2 + k}:00`),
        { attempt: k, event_type: "incident.triggered" },
        inc,
      );
    add(
      "pagerduty.incident.acknowledged",
      T("10:07:00"),
      incidentData("PINC1", "acknowledged"),
      inc,
    );
    add("app.error.emitted", T("10:09:35"), { service: "checkout", timestamp: T("10:09:30") });
    add("pagerduty.incident.resolved", T("10:32:00"), incidentData("PINC1", "resolved"), inc);
    extra?.(add);
    traffic(add);
    return events;
  }

  it("SLA green, experience red: the reasons name the silence and the customers who told us", () => {
    const report = buildReport(silent(), { services, scenario });
    const i = report.incidents[0];
    expect(i?.sla.green).toBe(true);
    expect(i?.experience.green).toBe(false);
    expect(i?.verdict.kind).toBe("watermelon");
    expect(report.verdict.kind).toBe("watermelon");
    const reasons = i?.verdict.reasons.join("\n");
    expect(reasons).toMatch(/no status update in 30m/);
    expect(reasons).toMatch(/3 customers reported it before we said anything/);
    expect(reasons).toMatch(/3 webhook deliveries to it failed/);
    expect(reasons).toMatch(/resolution was never communicated/);
    expect(i?.experience.components.firstCommunication).toBe(0);
    expect(i?.experience.components.proactive).toBe(0);
    // No word in 30 minutes against an update every 20: half marks.
    expect(i?.experience.components.cadence).toBe(0.5);
    expect(i?.experience.score).toBeLessThan(i?.experience.greenAt ?? 0);
  });

  it("an early status update and the status page turn it green", () => {
    const report = buildReport(
      silent((add) => {
        add(
          "pagerduty.incident.status_update_published",
          T("10:02:30"),
          incidentData("PINC1", "triggered", { message: "Investigating" }),
          inc,
        );
        add(
          "pagerduty.incident.status_update_published",
          T("10:17:00"),
          incidentData("PINC1", "acknowledged", { message: "Still on it" }),
          inc,
        );
        add(
          "app.webhook.received",
          T("10:32:00"),
          { incidentId: "PINC1", status: "resolved" },
          { incident: "PINC1" },
        );
      }).map((e) =>
        e.type === "customer.reported"
          ? { ...e, data: { ...e.data, informedBeforeReport: true } }
          : e,
      ),
      { services, scenario },
    );
    expect(report.incidents[0]?.experience.green).toBe(true);
    expect(report.incidents[0]?.verdict.kind).toBe("green/green");
  });

  it("without informedBeforeReport, a report before the first communication counts against us", () => {
    const events = silent((add) => {
      add(
        "pagerduty.incident.status_update_published",
        T("10:04:30"),
        incidentData("PINC1", "triggered", { message: "Investigating" }),
        inc,
      );
    }).map((e) => {
      if (e.type !== "customer.reported") return e;
      const { informedBeforeReport: _, ...data } = e.data;
      return { ...e, data };
    });
    const x = buildReport(events, { services, scenario }).incidents[0]?.experience;
    expect(x?.reportsBeforeCommunication).toBe(2); // A at 10:03 and B at 10:04; C came after
    expect(x?.proactive).toBe(false);
  });
});

describe("targets on the tier's coverage clock", () => {
  const bronze = [{ name: "shop", tier: "bronze" as const, pagerdutyServiceId: "PSVC1" }];
  const friday = "2026-01-09";
  const monday = "2026-01-12";

  function lateFriday(ackAt: string, end: string) {
    const { events, add } = journal();
    add(
      "pagerduty.incident.triggered",
      T("16:30:00", friday),
      incidentData("PINC1", "triggered"),
      inc,
    );
    if (ackAt)
      add("pagerduty.incident.acknowledged", ackAt, incidentData("PINC1", "acknowledged"), inc);
    add("simulator.stopped", end);
    return events;
  }

  it("a bronze business-hours clock pauses over the weekend", () => {
    // 30 covered minutes on Friday and 20 on Monday: within 1 business hour... of a P2's 2 h.
    const report = buildReport(lateFriday(T("09:20:00", monday), T("10:00:00", monday)), {
      services: bronze,
    });
    const i = report.incidents[0];
    expect(i?.timeToAcknowledgeMs).toBe((2 * 24 + 16) * 3_600_000 + 50 * 60_000);
    expect(i?.sla.acknowledge).toMatchObject({ actualMs: 50 * 60_000, status: "met" });
    expect(i?.sla.coverage).toBe("business hours 09:00-17:00 Mon-Fri (UTC)");
  });

  it("the same page held to a 24x7 clock is breached", () => {
    const report = buildReport(lateFriday(T("09:20:00", monday), T("10:00:00", monday)), {
      services: bronze,
      sla: { bronze: { coverage: "24x7" } },
    });
    expect(report.incidents[0]?.sla.acknowledge.status).toBe("breached");
    expect(report.incidents[0]?.verdict.kind).toMatch(/^red\//);
    expect(report.tiers[0]).toMatchObject({
      acknowledgeBreaches: 1,
      compliancePercent: 0,
      complianceMet: false,
    });
  });

  it("an unacknowledged incident is pending within its target and breached past it", () => {
    const within = buildReport(lateFriday("", T("09:00:00", monday)), { services: bronze });
    expect(within.incidents[0]?.sla.acknowledge.status).toBe("pending");
    expect(within.incidents[0]?.sla.green).toBe(true);
    const past = buildReport(lateFriday("", T("11:00:00", monday)), { services: bronze });
    expect(past.incidents[0]?.sla.acknowledge.status).toBe("breached");
    expect(past.incidents[0]?.sla.reasons[0]).toMatch(
      /not acknowledged, over the bronze P2 target 2h/,
    );
  });
});

describe("priority", () => {
  function withAlert(severity: string | undefined, urgency = "high", priority: unknown = null) {
    const { events, add } = journal();
    if (severity)
      add("pagerduty.alert.triggered", T("10:00:00"), { incident: "PINC1", severity }, inc);
    add(
      "pagerduty.incident.triggered",
      T("10:00:00"),
      incidentData("PINC1", "triggered", { urgency, priority }),
      inc,
    );
    return buildReport(events, { services }).incidents[0];
  }

  it("from the event rule's mapping of severities", () => {
    expect(withAlert("critical")?.priority).toBe("P1");
    expect(withAlert("error")?.priority).toBe("P2");
    expect(withAlert("warning")?.priority).toBe("P3");
    expect(withAlert("info")?.priority).toBe("P4");
  });

  it("from urgency without an alert, and the incident's own when named", () => {
    expect(withAlert(undefined, "low")).toMatchObject({
      priority: "P4",
      prioritySource: "urgency",
    });
    expect(withAlert("info", "low", { summary: "P1" })).toMatchObject({
      priority: "P1",
      prioritySource: "incident",
    });
  });
});

describe("renderers", () => {
  const report = buildReport(wellHandled(), { services, scenario });

  it("the terminal text has the verdict, the tables and the definitions", () => {
    const text = renderReportText(report);
    expect(text).toMatch(/^SLA\/XLA report: hand-built/);
    expect(text).toMatch(/Verdict: GREEN\/GREEN: SLA green, experience green/);
    for (const heading of [
      "Incidents",
      "Experience per incident",
      "Tiers (MTTR = mean time to resolve",
      "Services",
      "Definitions",
    ])
      expect(text).toContain(heading);
    expect(text).toMatch(/checkout\s+gold\s+600\s+50\s+99\.95%/);
    expect(text).toMatch(/MTTR: Mean time to RESOLVE/);
  });

  it("the HTML is one file with nothing to fetch: no script, no URL", () => {
    const html = renderReportHtml(report, wellHandled());
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain("<svg");
    expect(html).toContain("GREEN/GREEN");
  });

  it("escapes what the journal says", () => {
    const events = wellHandled().map((e) =>
      e.type === "pagerduty.incident.status_update_published"
        ? { ...e, data: { ...e.data, message: "<script>alert(1)</script>" } }
        : e,
    );
    const html = renderReportHtml(buildReport(events, { services, scenario }), events);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
  });
});
