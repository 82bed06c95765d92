import {
  type Alert,
  alertRef,
  type CefDetails,
  type Image,
  type Incident,
  type Integration,
  incidentRef,
  integrationRef,
  type Link,
  type LogEntry,
  type LogEntryType,
  type PagerDutyStore,
  type Service,
  type Severity,
  serviceRef,
  type Urgency,
} from "../store.js";

/** What every operation gets from its caller: the time, and ids from the run's generator. */
export interface OperationContext {
  /** Virtual time of receipt, epoch ms. */
  nowMs: number;
  /** A new PagerDuty object id (`P` + 6). */
  newId(): string;
  /** A new dedup key for a trigger that brings none: 32 lowercase hex digits. */
  newDedupKey(): string;
  /**
   * The account's incident lifecycles, when it runs them (createPagerDuty does): a new incident
   * opens only if `refuseOpening` has no objection (PagerDuty opens none when nobody is on call),
   * and acknowledging or resolving an incident is left to its lifecycle, asked for with the
   * `incident.acknowledge` and `incident.resolve` effects. Without it, the operation changes the
   * incident's status itself.
   */
  lifecycle?: { refuseOpening(service: Service): string | undefined };
}

export type EventAction = "trigger" | "acknowledge" | "resolve";

/** A trigger's content, whichever API version carried it. */
export interface TriggerContent {
  summary: string;
  severity: Severity;
  source: string | null;
  /** As the event gave it; absent means the time of receipt. */
  timestamp?: string;
  component: string | null;
  group: string | null;
  class: string | null;
  details: unknown;
  links: Link[];
  images: Image[];
  client: string | null;
  clientUrl: string | null;
}

/** An alert event after validation: v2's `/v2/enqueue` and v1's `create_event.json` alike. */
export interface AlertEvent {
  action: EventAction;
  routingKey: string;
  /** The dedup key (v2) or incident key (v1); absent only on triggers. */
  dedupKey?: string;
  /** Present on triggers; ack and resolve carry no content that PagerDuty uses. */
  content?: TriggerContent;
}

export type AlertEventEffect =
  | { kind: "alert.triggered"; alert: Alert; incident: Incident; grouped: boolean }
  | { kind: "alert.deduplicated"; alert: Alert; incident: Incident }
  | { kind: "alert.resolved"; alert: Alert; incident: Incident }
  | {
      kind: "incident.triggered" | "incident.acknowledged" | "incident.resolved";
      incident: Incident;
    }
  /** With a lifecycle: the event acknowledges or resolves the incident, for it to carry out. */
  | { kind: "incident.acknowledge" | "incident.resolve"; incident: Incident; alert: Alert };

export type AlertEventOutcome =
  /** No integration has this key; the transport decides whether that is a 400 or a drop. */
  | { disposition: "unknown_routing_key"; dedupKey: string }
  | {
      /** Accepted: it changed something, or PagerDuty drops it (`reason` says why). */
      disposition: "applied" | "dropped";
      reason?: string;
      dedupKey: string;
      service: Service;
      integration: Integration;
      effects: AlertEventEffect[];
    };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * PagerDuty's alert de-duplication (events-API-v2/02-Trigger-Events.md "Alert De-Duplication",
 * reference/pagerduty.md §1.1, §4):
 * - a trigger whose key matches an open alert from the same routing key adds a trigger log entry
 *   to that alert; otherwise it opens a new alert, which opens a new incident unless the
 *   service's alert grouping puts it into an open one;
 * - acknowledge and resolve apply to the open alert with that key from the same routing key, and
 *   are dropped when there is none (never opened, already resolved, or another routing key);
 * - a resolved alert is never reopened: the next trigger with its key opens a new one.
 */
export function applyAlertEvent(
  store: PagerDutyStore,
  event: AlertEvent,
  ctx: OperationContext,
): AlertEventOutcome {
  // Only a trigger comes without a key (validation requires one on ack and resolve).
  const dedupKey = event.dedupKey ?? ctx.newDedupKey();
  const integration = store.integrationByKey(event.routingKey);
  if (!integration) return { disposition: "unknown_routing_key", dedupKey };
  const service = store.service(integration.service.id);
  if (!service) throw new Error(`pagerduty: integration ${integration.id} lost its service`);
  const base = { dedupKey, service, integration };
  const drop = (reason: string): AlertEventOutcome => ({
    ...base,
    disposition: "dropped",
    reason,
    effects: [],
  });

  // support.pagerduty.com/docs/why-incidents-fail-to-trigger: no incidents while a service is
  // disabled or in maintenance. A disabled service takes no events at all; during an ongoing
  // maintenance window (on the simulator clock), events for alerts already open still apply.
  if (service.status === "disabled") return drop("the service is disabled");
  if (event.action === "trigger" && store.ongoingMaintenance(service.id, ctx.nowMs).length > 0) {
    return drop("the service is in maintenance");
  }

  const open = store.openAlert(integration.id, dedupKey);
  const at = iso(ctx.nowMs);
  const agent = serviceRef(service);

  if (event.action === "trigger") {
    const content = event.content;
    if (!content) throw new Error("pagerduty: a trigger without content reached the operation");
    const cef = cefDetails(content, at);
    if (open) {
      const incident = store.incident(open.incident.id) as Incident;
      // pdpyras#45: a repeated trigger updates the alert (its summary shows the new one). The
      // incident keeps its title: PagerDuty does not document retitling on a repeated trigger.
      open.summary = content.summary;
      open.severity = content.severity;
      open.body = alertBody(cef);
      store.addLogEntry(
        logEntry(ctx, "trigger_log_entry", "Triggered through the API", {
          service,
          incident,
          alert: open,
          at,
          cef,
        }),
      );
      incident.updated_at = at;
      return {
        ...base,
        disposition: "applied",
        effects: [{ kind: "alert.deduplicated", alert: open, incident }],
      };
    }

    const effects: AlertEventEffect[] = [];
    let incident = groupInto(store, service, cef, ctx.nowMs);
    const grouped = incident !== undefined;
    const refused = grouped ? undefined : ctx.lifecycle?.refuseOpening(service);
    if (refused !== undefined) return drop(refused);
    const alertId = ctx.newId();
    const entryId = ctx.newId();
    if (!incident) {
      incident = newIncident(store, service, content, { at, dedupKey, entryId, ctx });
      store.addIncident(incident);
      service.last_incident_timestamp = at;
    } else {
      incident.updated_at = at;
    }
    const alert: Alert = {
      id: alertId,
      type: "alert",
      alert_key: dedupKey,
      status: "triggered",
      summary: content.summary,
      severity: content.severity,
      created_at: at,
      resolved_at: null,
      html_url: store.htmlUrl(`alerts/${alertId}`),
      service: serviceRef(service),
      incident: incidentRef(incident),
      integration: integrationRef(integration),
      first_trigger_log_entry: { id: entryId, type: "trigger_log_entry_reference" },
      suppressed: false,
      body: alertBody(cef),
    };
    store.addAlert(alert);
    store.addLogEntry(
      logEntry(ctx, "trigger_log_entry", "Triggered through the API", {
        id: entryId,
        service,
        incident,
        alert,
        at,
        cef,
      }),
    );
    effects.push({ kind: "alert.triggered", alert, incident, grouped });
    if (!grouped) effects.push({ kind: "incident.triggered", incident });
    return { ...base, disposition: "applied", effects };
  }

  if (!open) return drop("no open alert has this dedup key from this routing key");
  const incident = store.incident(open.incident.id) as Incident;

  if (event.action === "acknowledge") {
    if (incident.status !== "triggered") return drop(`the incident is already ${incident.status}`);
    if (ctx.lifecycle) {
      return {
        ...base,
        disposition: "applied",
        effects: [{ kind: "incident.acknowledge", incident, alert: open }],
      };
    }
    store.setIncidentStatus(incident, "acknowledged", at, agent);
    store.addLogEntry(
      logEntry(ctx, "acknowledge_log_entry", "Acknowledged through the API", {
        service,
        incident,
        alert: open,
        at,
      }),
    );
    return {
      ...base,
      disposition: "applied",
      effects: [{ kind: "incident.acknowledged", incident }],
    };
  }

  // Resolve: the alert, and the incident once none of its alerts is left open.
  store.resolveAlert(open, at);
  incident.updated_at = at;
  const effects: AlertEventEffect[] = [{ kind: "alert.resolved", alert: open, incident }];
  if (incident.alert_counts.triggered === 0 && ctx.lifecycle) {
    effects.push({ kind: "incident.resolve", incident, alert: open });
  } else if (incident.alert_counts.triggered === 0) {
    store.setIncidentStatus(incident, "resolved", at, agent);
    store.addLogEntry(
      logEntry(ctx, "resolve_log_entry", "Resolved through the API", {
        service,
        incident,
        alert: open,
        at,
      }),
    );
    effects.push({ kind: "incident.resolved", incident });
  }
  return { ...base, disposition: "applied", effects };
}

/**
 * Urgency from the service's rule; `severity_based` maps critical and error to high, warning and
 * info to low (support.pagerduty.com dynamic-notifications).
 */
export function urgencyFor(service: Service, severity: Severity): Urgency {
  const rule = service.incident_urgency_rule.urgency;
  if (rule !== "severity_based") return rule;
  return severity === "critical" || severity === "error" ? "high" : "low";
}

function newIncident(
  store: PagerDutyStore,
  service: Service,
  content: TriggerContent,
  o: { at: string; dedupKey: string; entryId: string; ctx: OperationContext },
): Incident {
  const id = o.ctx.newId();
  const grouping = service.alert_grouping_parameters;
  return {
    id,
    type: "incident",
    incident_number: store.nextIncidentNumber(),
    // The first alert's summary titles the incident (support.pagerduty.com/docs/alerts).
    title: content.summary,
    status: "triggered",
    urgency: urgencyFor(service, content.severity),
    incident_key: o.dedupKey,
    html_url: store.htmlUrl(`incidents/${id}`),
    created_at: o.at,
    updated_at: o.at,
    last_status_change_at: o.at,
    last_status_change_by: serviceRef(service),
    resolved_at: null,
    service: serviceRef(service),
    first_trigger_log_entry: { id: o.entryId, type: "trigger_log_entry_reference" },
    alert_counts: { all: 0, triggered: 0, resolved: 0 },
    acknowledgements: [],
    assignments: [],
    escalation_policy: null,
    priority: null,
    alert_grouping:
      grouping.type === null
        ? null
        : {
            grouping_type: grouping.type,
            started_at: o.at,
            ended_at: null,
            alert_grouping_active: true,
          },
    alerts: [],
  };
}

/**
 * The open incident a new alert joins under the service's alert grouping, if any: the newest one
 * whose grouping window is still open and, for content-based grouping, whose first alert has the
 * same values in the configured fields (all of them, or any one).
 */
function groupInto(
  store: PagerDutyStore,
  service: Service,
  cef: CefDetails,
  nowMs: number,
): Incident | undefined {
  const grouping = service.alert_grouping_parameters;
  if (grouping.type === null) return undefined;
  const candidates = store
    .openIncidents(service.id)
    .filter((i) => i.alert_grouping?.grouping_type === grouping.type)
    .reverse();
  for (const incident of candidates) {
    const startedMs = Date.parse(incident.alert_grouping?.started_at ?? "");
    if (grouping.type === "time") {
      const { timeout } = grouping.config;
      if (timeout === 0 || nowMs < startedMs + timeout * 60_000) return incident;
      continue;
    }
    if (nowMs >= startedMs + grouping.config.time_window * 1000) continue;
    const first = incident.alerts[0] ? store.alert(incident.alerts[0].id) : undefined;
    if (!first) continue;
    const same = (field: string) =>
      fieldValue(first.body.cef_details, field) === fieldValue(cef, field);
    const { aggregate, fields } = grouping.config;
    if (fields.length > 0 && (aggregate === "all" ? fields.every(same) : fields.some(same))) {
      return incident;
    }
  }
  return undefined;
}

/** A content-grouping field: a PD-CEF field name, or `custom_details.<path>`. */
function fieldValue(cef: CefDetails, field: string): string | undefined {
  if (field.startsWith("custom_details.")) {
    let value: unknown = cef.details;
    for (const part of field.slice("custom_details.".length).split(".")) {
      if (typeof value !== "object" || value === null) return undefined;
      value = (value as Record<string, unknown>)[part];
    }
    return value === undefined ? undefined : JSON.stringify(value);
  }
  const value = (cef as unknown as Record<string, unknown>)[field];
  return value === undefined || value === null ? undefined : String(value);
}

function cefDetails(content: TriggerContent, at: string): CefDetails {
  return {
    summary: content.summary,
    severity: content.severity,
    source: content.source,
    timestamp: content.timestamp ?? at,
    component: content.component,
    group: content.group,
    class: content.class,
    client: content.client,
    client_url: content.clientUrl,
    contexts: [
      ...content.links.map((l) => ({ type: "link" as const, ...l })),
      ...content.images.map((i) => ({ type: "image" as const, ...i })),
    ],
    details: content.details,
  };
}

function alertBody(cef: CefDetails): Alert["body"] {
  return { type: "alert_body", cef_details: cef, details: cef.details, contexts: cef.contexts };
}

function logEntry(
  ctx: OperationContext,
  type: LogEntryType,
  summary: string,
  o: {
    id?: string;
    service: Service;
    incident: Incident;
    alert: Alert;
    at: string;
    cef?: CefDetails;
  },
): LogEntry {
  return {
    id: o.id ?? ctx.newId(),
    type,
    summary,
    created_at: o.at,
    agent: serviceRef(o.service),
    channel: o.cef
      ? {
          type: "api",
          summary: o.cef.summary,
          details: o.cef.details,
          client: o.cef.client,
          client_url: o.cef.client_url,
          cef_details: o.cef,
        }
      : { type: "api" },
    service: serviceRef(o.service),
    incident: incidentRef(o.incident),
    alert: alertRef(o.alert),
    contexts: o.cef?.contexts ?? [],
    event_details: o.cef ? { description: o.cef.summary } : null,
  };
}
