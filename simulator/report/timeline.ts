/**
 * An incident's story, hop by hop: the fault, the failed request the alert carried, its way
 * through CloudWatch Logs, the subscription filter, the shipper Lambda and Logz.io, the page,
 * every notification, acknowledgement, update, status-page delivery and customer report.
 */
import type { JournalEvent } from "../kernel/journal.js";
import { incidentIdOf } from "./facts.js";
import type { IncidentReport } from "./types.js";

export const LANES = [
  "app",
  "AWS",
  "Logz.io",
  "PagerDuty",
  "responders",
  "status page",
  "customers",
] as const;
export type Lane = (typeof LANES)[number];

export interface TimelineEntry {
  at: string;
  atMs: number;
  lane: Lane;
  type: string;
  text: string;
}

/** An incident's timeline beyond this many entries keeps the first ones and says so. */
export const MAX_TIMELINE_ENTRIES = 250;

const s = (v: unknown) =>
  typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);

function laneOf(e: JournalEvent): Lane {
  if (e.type.startsWith("customer.") || e.type === "app.support.reported") return "customers";
  if (e.type === "app.webhook.received" || e.type.startsWith("pagerduty.webhook."))
    return "status page";
  if (e.type.startsWith("responder."))
    return e.type === "responder.notified" ? "PagerDuty" : "responders";
  if (e.type.startsWith("app.")) return "app";
  if (e.type.startsWith("logs.") || e.type.startsWith("lambda.")) return "AWS";
  if (e.type.startsWith("logzio.")) return "Logz.io";
  return "PagerDuty";
}

/** One line saying what the event was, in the domain's words. */
export function describeEvent(e: JournalEvent): string {
  const d = e.data;
  switch (e.type) {
    case "app.fault.started":
      return d.target
        ? `hop fault: ${s(d.target)} ${s(d.error) || "down"} until ${s(d.endsAt).slice(11, 19)}`
        : `fault on ${s(d.service)}: ${s(d.status)} ${s(d.error)} for ${Number(d.errorRate ?? 1) * 100}% of requests`;
    case "app.fault.ended":
      return `fault ${s(d.faultId)} on ${s(d.service) || s(d.target)} ended (${s(d.reason)})`;
    case "app.error.emitted":
      return `${s(d.route)} answered ${s(d.status)} ${s(d.error)} (trace ${s(d.traceId).slice(0, 12)})`;
    case "logs.events.stored":
      return `CloudWatch Logs stored ${s(d.count)} events in ${s(d.logGroup)}`;
    case "logs.subscription.delivered":
      return `subscription filter "${s(d.filterName)}" delivered ${Array.isArray(d.eventIds) ? d.eventIds.length : "?"} events to the shipper`;
    case "lambda.invoked":
      return `${s(d.functionName)} invoked (attempt ${s(d.attempt)}${d.coldStart ? ", cold start" : ""}): ${s(d.outcome)}`;
    case "logzio.indexed":
      return `Logz.io indexed "${s(d.message)}"`;
    case "logzio.alert.triggered":
      return `alert "${s(d.title)}" fired ${s(d.severity)} (${s(d.value)} matching logs)`;
    case "logzio.notification.sent":
      return `Logz.io notified ${s(d.type)} (attempt ${s(d.attempt)}, status ${s(d.status)})`;
    case "pagerduty.event.accepted":
      return `PagerDuty accepted a ${s(d.event_action)} event (dedup key ${s(e.correlation.dedupKey)})`;
    case "pagerduty.event.deduplicated":
      return `event folded into incident #${s(d.incident_number)}`;
    case "pagerduty.alert.triggered":
      return `alert "${s(d.summary)}" (${s(d.severity)}) ${d.grouped ? "grouped into" : "opened"} incident ${s(d.incident)}`;
    case "responder.notified":
      return `paged ${s(d.user_name)} by ${s((d.contact_method as { type?: unknown } | undefined)?.type).replace(/_contact_method$/, "")} (level ${s(d.level)})`;
    case "responder.paged":
      return `${s(d.email)} got the page (will ${s(d.decision)})`;
    case "responder.acknowledged":
    case "responder.resolved":
      return `${s(d.email)} ${e.type.slice("responder.".length)}`;
    case "responder.status_update.posted":
      return `${s(d.email)} posted a status update`;
    case "pagerduty.incident.status_update_published":
      return `status update: "${s(d.message)}"`;
    case "pagerduty.webhook.published":
      return `webhook ${s(d.event_type)} published`;
    case "pagerduty.webhook.delivered":
      return `webhook ${s(d.event_type)} delivered (status ${s(d.status)})`;
    case "pagerduty.webhook.failed":
      return `webhook ${s(d.event_type)} failed (attempt ${s(d.attempt)}: ${s(d.error) || s(d.status)})`;
    case "app.webhook.received":
      return `status page shows the incident ${s(d.status)}`;
    case "customer.noticed":
      return `${s(d.customer)} noticed`;
    case "customer.informed":
      return `${s(d.customer)} read the status page`;
    case "customer.reported":
      return `${s(d.customer)} reported it${d.informedBeforeReport === false ? " before we said anything" : ""}`;
    case "app.support.reported":
      return `support desk got a report from ${s(d.customer)}`;
  }
  if (e.type.startsWith("pagerduty.incident.")) {
    const what = e.type.slice("pagerduty.incident.".length).replace(/_/g, " ");
    const level = e.type.endsWith(".escalated") ? ` to level ${s(d.level)}` : "";
    return `incident #${s(d.incident_number)} ${what}${level}`;
  }
  return e.type;
}

/**
 * The incident's entries: everything correlated with it, the service's faults and customers
 * from impact start to a little after resolution, and one event per hop on the way of the
 * failed request whose trace the incident carries.
 */
export function incidentTimeline(
  events: readonly JournalEvent[],
  incident: IncidentReport,
  windowEnd: string,
): { entries: TimelineEntry[]; omitted: number } {
  const openedMs = Date.parse(incident.openedAt);
  const fromMs =
    Math.min(openedMs, Date.parse(incident.impactStartedAt ?? incident.openedAt)) - 60_000;
  const closeMs = Date.parse(incident.resolvedAt ?? windowEnd) + 5 * 60_000;
  const traceId = events.find(
    (e) => e.type === "pagerduty.incident.triggered" && incidentIdOf(e) === incident.id,
  )?.correlation.traceId;
  const service = incident.service;
  const within = (t: number) => t >= fromMs && t <= closeMs;

  const picked = new Set<JournalEvent>();
  let tracedError: JournalEvent | undefined;
  let tracedIndexed: JournalEvent | undefined;
  let firstError: JournalEvent | undefined;
  let firstAlert = false;
  for (const e of events) {
    const t = Date.parse(e.time);
    if (incidentIdOf(e) === incident.id) {
      picked.add(e);
      continue;
    }
    const d = e.data;
    // A hop fault (the status page's webhook receiver down) that began earlier and still holds.
    if (e.type === "app.fault.started" && d.target !== undefined && t <= closeMs) {
      const endsAt = typeof d.endsAt === "string" ? Date.parse(d.endsAt) : Number.POSITIVE_INFINITY;
      if (!(endsAt < fromMs)) picked.add(e);
      continue;
    }
    if (!within(t)) continue;
    switch (e.type) {
      case "app.fault.started":
      case "app.fault.ended":
        if (d.service === service || d.target !== undefined) picked.add(e);
        break;
      case "customer.noticed":
      case "customer.informed":
      case "customer.reported":
      case "app.support.reported":
        if (d.service === service) picked.add(e);
        break;
      case "app.error.emitted":
        if (d.service === service && firstError === undefined) firstError = e;
        if (traceId !== undefined && e.correlation.traceId === traceId) tracedError = e;
        break;
      case "logzio.indexed":
        if (traceId !== undefined && e.correlation.traceId === traceId) tracedIndexed = e;
        break;
      case "logzio.alert.triggered":
        // The one that paged, not every re-evaluation while it kept firing.
        if (!firstAlert && t <= openedMs && d.suppressed !== true) {
          picked.add(e);
          firstAlert = true;
        }
        break;
      case "logzio.notification.sent":
      case "pagerduty.event.accepted":
        if (t <= Date.parse(incident.resolvedAt ?? windowEnd)) picked.add(e);
        break;
    }
  }
  if (firstError) picked.add(firstError);
  if (tracedError) picked.add(tracedError);
  if (tracedIndexed) picked.add(tracedIndexed);
  // The AWS hops between the traced error and its indexing: the last store and delivery of the
  // service's log group before Logz.io indexed it, and the invocation that delivery started.
  if (tracedError && tracedIndexed) {
    const lo = tracedError.seq;
    const hi = tracedIndexed.seq;
    const ofService = (e: JournalEvent) => (e.correlation.logGroup ?? "").endsWith(`/${service}`);
    const lastOf = (type: string) =>
      events.findLast((e) => e.seq >= lo && e.seq <= hi && e.type === type && ofService(e));
    const stored = lastOf("logs.events.stored");
    const delivered = lastOf("logs.subscription.delivered");
    if (stored) picked.add(stored);
    if (delivered) {
      picked.add(delivered);
      const requestId = delivered.correlation.requestId;
      const invoked = events.find(
        (e) =>
          e.seq > delivered.seq &&
          e.type === "lambda.invoked" &&
          e.correlation.requestId === requestId,
      );
      if (invoked) picked.add(invoked);
    }
  }

  const all = [...picked]
    .filter((e) => e.type !== "pagerduty.api.changed")
    .sort((a, b) => a.seq - b.seq)
    .map((e) => ({
      at: e.time,
      atMs: Date.parse(e.time),
      lane: laneOf(e),
      type: e.type,
      text: describeEvent(e),
    }));
  return {
    entries: all.slice(0, MAX_TIMELINE_ENTRIES),
    omitted: Math.max(0, all.length - MAX_TIMELINE_ENTRIES),
  };
}

/** Without the journal: the timeline the report itself knows. */
export function reportedTimeline(incident: IncidentReport): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const add = (at: string | undefined, lane: Lane, type: string, text: string) => {
    if (at) entries.push({ at, atMs: Date.parse(at), lane, type, text });
  };
  add(incident.impactStartedAt, "app", "impact", "first failed request");
  add(incident.openedAt, "PagerDuty", "opened", `incident #${incident.number} triggered`);
  for (const n of incident.notified)
    add(n.at, "PagerDuty", "notified", `paged ${n.user} (${n.contactMethod})`);
  add(
    incident.acknowledgedAt,
    "PagerDuty",
    "acknowledged",
    `incident #${incident.number} acknowledged`,
  );
  for (const c of incident.experience.communications)
    add(
      c.at,
      c.kind === "status page" ? "status page" : "responders",
      c.kind,
      `${c.kind}: ${c.text}`,
    );
  add(incident.recoveredAt, "app", "recovered", "last failed request");
  add(incident.resolvedAt, "PagerDuty", "resolved", `incident #${incident.number} resolved`);
  return entries.sort((a, b) => a.atMs - b.atMs);
}
