/**
 * The facts the report stands on, read once from the journal: incidents and what happened to
 * them, the app's request counts and errors, faults, customer reports. Nothing here judges.
 */
import type { JournalEvent } from "../kernel/journal.js";

export interface RequestInterval {
  fromMs: number;
  toMs: number;
  good: number;
  bad: number;
}

export interface FaultWindow {
  faultId: string;
  startMs: number;
  /** When it ended; undefined if it was still on when the journal ends. */
  endMs?: number;
}

export interface CustomerReportFact {
  atMs: number;
  customer: string;
  faultId?: string;
  /** The customer's own account: had the status page told them before they reported? */
  informedBeforeReport?: boolean;
}

export interface IncidentFacts {
  id: string;
  number: number;
  title: string;
  serviceId: string;
  urgency: string;
  status: string;
  /** As journaled: a priority id, name or object; null when the incident has none. */
  priority: unknown;
  /** Severity of the first alert the incident grouped. */
  severity?: string;
  openedMs: number;
  acknowledgedMs?: number;
  resolvedMs?: number;
  dedupKey?: string;
  traceId?: string;
  statusUpdates: { atMs: number; message: string }[];
  statusPage: { atMs: number; eventType: string; status: string }[];
  statusPageDeliveryFailures: number;
  notified: { atMs: number; user: string; contactMethod: string; level: number | null }[];
  escalations: number;
}

export interface Facts {
  firstMs: number;
  lastMs: number;
  /** In the order they opened. */
  incidents: IncidentFacts[];
  requests: Map<string, RequestInterval[]>;
  /** Times of the service's failed requests (the request's own timestamp), sorted. */
  errors: Map<string, number[]>;
  faults: Map<string, FaultWindow[]>;
  reports: Map<string, CustomerReportFact[]>;
  /** The app service of each failed request's trace: an incident's trace names its service. */
  traceService: Map<string, string>;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v : undefined;
const ms = (iso: unknown): number | undefined => {
  if (typeof iso !== "string") return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The incident an event is about, by its correlation or data. */
export function incidentIdOf(e: JournalEvent): string | undefined {
  return (
    e.correlation.incidentId ??
    e.correlation.incident ??
    str(e.data.incidentId) ??
    (e.type.startsWith("responder.") ? str(e.data.incident) : undefined)
  );
}

export function readFacts(events: readonly JournalEvent[]): Facts {
  const incidents = new Map<string, IncidentFacts>();
  const requests = new Map<string, RequestInterval[]>();
  const errors = new Map<string, number[]>();
  const faults = new Map<string, FaultWindow[]>();
  const openFaults = new Map<string, FaultWindow>();
  const reports = new Map<string, CustomerReportFact[]>();
  const traceService = new Map<string, string>();
  /** Responder-side status updates, used where PagerDuty's own entries are missing. */
  const postedUpdates = new Map<string, { atMs: number; message: string }[]>();
  const alertSeverity = new Map<string, string>();
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;

  for (const e of events) {
    const at = Date.parse(e.time);
    if (at < firstMs) firstMs = at;
    if (at > lastMs) lastMs = at;
    const d = e.data;
    if (e.type.startsWith("pagerduty.incident.")) {
      const id = str(d.id) ?? e.correlation.incidentId;
      if (!id) continue;
      let incident = incidents.get(id);
      if (!incident) {
        incident = {
          id,
          number: num(d.incident_number) ?? Number(e.correlation.incidentNumber ?? 0),
          title: str(d.title) ?? id,
          serviceId: str(d.service) ?? "",
          urgency: str(d.urgency) ?? "high",
          status: str(d.status) ?? "triggered",
          priority: d.priority ?? null,
          openedMs: at,
          statusUpdates: [],
          statusPage: [],
          statusPageDeliveryFailures: 0,
          notified: [],
          escalations: 0,
          ...(e.correlation.dedupKey ? { dedupKey: e.correlation.dedupKey } : {}),
          ...(e.correlation.traceId ? { traceId: e.correlation.traceId } : {}),
        };
        incidents.set(id, incident);
      }
      if (typeof d.status === "string") incident.status = d.status;
      if (d.priority !== undefined && d.priority !== null) incident.priority = d.priority;
      if (typeof d.urgency === "string") incident.urgency = d.urgency;
      const what = e.type.slice("pagerduty.incident.".length);
      if (what === "triggered") incident.openedMs = Math.min(incident.openedMs, at);
      else if (what === "acknowledged") incident.acknowledgedMs ??= at;
      else if (what === "resolved") incident.resolvedMs ??= at;
      else if (what === "escalated") incident.escalations++;
      else if (what === "status_update_published")
        incident.statusUpdates.push({ atMs: at, message: str(d.message) ?? "" });
      continue;
    }
    switch (e.type) {
      case "pagerduty.alert.triggered": {
        // Journaled just before the incident it opens.
        const id = str(d.incident) ?? e.correlation.incidentId;
        if (id && !alertSeverity.has(id) && typeof d.severity === "string")
          alertSeverity.set(id, d.severity);
        break;
      }
      case "responder.notified": {
        const incident = incidents.get(str(d.incident) ?? e.correlation.incidentId ?? "");
        const method = d.contact_method as { type?: unknown } | undefined;
        incident?.notified.push({
          atMs: ms(d.at) ?? at,
          user: str(d.user_name) ?? str(d.user) ?? "",
          contactMethod: str(method?.type) ?? "",
          level: num(d.level) ?? null,
        });
        break;
      }
      case "responder.status_update.posted": {
        const id = str(d.incident) ?? e.correlation.incidentId;
        if (id) push(postedUpdates, id, { atMs: at, message: str(d.message) ?? "" });
        break;
      }
      case "app.webhook.received": {
        const incident = incidents.get(str(d.incidentId) ?? e.correlation.incident ?? "");
        incident?.statusPage.push({
          atMs: at,
          eventType: str(d.eventType) ?? "",
          status: str(d.status) ?? "",
        });
        break;
      }
      case "pagerduty.webhook.failed": {
        const incident = incidents.get(e.correlation.incidentId ?? "");
        if (incident) incident.statusPageDeliveryFailures++;
        break;
      }
      case "app.requests.counted": {
        const service = str(d.service);
        const fromMs = ms(d.from);
        const toMs = ms(d.to);
        if (service && fromMs !== undefined && toMs !== undefined)
          push(requests, service, { fromMs, toMs, good: num(d.good) ?? 0, bad: num(d.bad) ?? 0 });
        break;
      }
      case "app.error.emitted": {
        const service = str(d.service);
        if (service) push(errors, service, ms(d.timestamp) ?? at);
        const traceId = str(d.traceId) ?? e.correlation.traceId;
        if (service && traceId) traceService.set(traceId, service);
        break;
      }
      case "app.fault.started": {
        const service = str(d.service);
        const faultId = str(d.faultId);
        if (!service || !faultId) break; // hop faults (the webhooks receiver) name a target
        const window: FaultWindow = { faultId, startMs: ms(d.startedAt) ?? at };
        push(faults, service, window);
        openFaults.set(faultId, window);
        break;
      }
      case "app.fault.ended": {
        const window = openFaults.get(str(d.faultId) ?? "");
        if (window) window.endMs = at;
        break;
      }
      case "customer.reported": {
        const service = str(d.service);
        if (!service) break;
        const informed = d.informedBeforeReport;
        push(reports, service, {
          atMs: at,
          customer: str(d.customer) ?? "",
          ...(str(d.faultId) ? { faultId: str(d.faultId) as string } : {}),
          ...(typeof informed === "boolean" ? { informedBeforeReport: informed } : {}),
        });
        break;
      }
    }
  }

  for (const incident of incidents.values()) {
    const severity = alertSeverity.get(incident.id);
    if (severity !== undefined) incident.severity = severity;
    if (incident.statusUpdates.length === 0) {
      incident.statusUpdates.push(...(postedUpdates.get(incident.id) ?? []));
    }
  }
  for (const list of errors.values()) list.sort((a, b) => a - b);
  for (const list of requests.values()) list.sort((a, b) => a.fromMs - b.fromMs);

  return {
    firstMs: Number.isFinite(firstMs) ? firstMs : 0,
    lastMs: Number.isFinite(lastMs) ? lastMs : 0,
    incidents: [...incidents.values()].sort(
      (a, b) => a.openedMs - b.openedMs || a.number - b.number,
    ),
    requests,
    errors,
    faults,
    reports,
    traceService,
  };
}
