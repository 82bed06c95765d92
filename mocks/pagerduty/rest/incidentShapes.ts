/**
 * Incidents and what hangs off them as the REST API renders them: Incident, LogEntry, Alert,
 * IncidentNote and StatusUpdate, field for field as the spec's schemas and examples have them.
 * Times are the store's UTC instants, or rendered in `time_zone` when a request gives one (the
 * spec's "Time zone used to render timestamps").
 *
 * Decisions where PagerDuty's documents are silent:
 * - `alert_grouping.grouping_type` is an enum of basic, advanced and rules in the spec; the
 *   store's time-based grouping is rendered "basic" and content-based grouping "rules".
 * - `is_mergeable` is true: "Only incidents that have alerts, or that are manually created can
 *   be merged", which is every incident here.
 */
import { DateTime } from "luxon";
import { incidentsOf, type References } from "../incidents/index.js";
import type {
  Alert,
  Incident,
  IncidentNote,
  LogEntry,
  PagerDutyStore,
  StatusUpdate,
} from "../store.js";
import { invalidInput } from "./errors.js";
import { renderPriority } from "./priorities.js";
import type { RestContext } from "./router.js";
import { renderEscalationPolicy, renderService, renderTeam, renderUser } from "./shapes.js";

export interface ShapeOptions {
  store: PagerDutyStore;
  refs: References;
  /** The simulator clock at receipt (a service's status depends on it). */
  nowMs: number;
  /** IANA zone to render times in; null: UTC as stored. */
  zone: string | null;
  includes: ReadonlySet<string>;
}

/** The rendering options of a request: its `time_zone` (checked) and `include[]`. */
export function shapeOptions(ctx: RestContext): ShapeOptions {
  const zone = ctx.query.string("time_zone") ?? null;
  if (zone !== null && zone !== "" && !DateTime.now().setZone(zone).isValid) {
    throw invalidInput([`Time zone ${JSON.stringify(zone)} is not a valid time zone`]);
  }
  return {
    store: ctx.store,
    refs: incidentsOf(ctx.store).refs,
    nowMs: ctx.nowMs,
    zone: zone === "" ? null : zone,
    includes: ctx.query.includes(),
  };
}

/** A stored instant in the request's zone: `2026-01-05T10:00:00.000+01:00`. */
export function time(o: Pick<ShapeOptions, "zone">, at: string): string;
export function time(o: Pick<ShapeOptions, "zone">, at: string | null): string | null;
export function time(o: Pick<ShapeOptions, "zone">, at: string | null): string | null {
  if (at === null || o.zone === null) return at;
  const rendered = DateTime.fromISO(at, { zone: "utc" }).setZone(o.zone).toISO();
  return rendered ?? at;
}

const GROUPING_TYPES = { time: "basic", content_based: "rules" } as const;

/**
 * `include[]` of incidents: the full user, service, policy or team instead of its reference
 * (13-Includes.md). `users` expands every user the incident names; `assignees`,
 * `acknowledgers` and `agents` the ones of their field.
 */
function expander(o: ShapeOptions) {
  const { store, refs, includes } = o;
  const c = { store, render: refs.render, nowMs: o.nowMs };
  const user = (id: string, field: string) => {
    const found = store.user(id);
    return found && (includes.has(field) || includes.has("users"))
      ? renderUser(c, found)
      : refs.user(id);
  };
  return {
    user,
    agent(ref: { id: string; type: string }, field: string) {
      if (ref.type.startsWith("user")) return user(ref.id, field);
      const service = store.service(ref.id);
      return service && includes.has(field) ? renderService(c, service) : refs.agent(ref);
    },
    service(id: string) {
      const found = store.service(id);
      return found && includes.has("services") ? renderService(c, found) : refs.service(id);
    },
    policy(id: string) {
      const found = store.escalationPolicy(id);
      return found && includes.has("escalation_policies")
        ? renderEscalationPolicy(c, found)
        : refs.escalationPolicy(id);
    },
    team(id: string) {
      const found = store.team(id);
      return found && includes.has("teams") ? renderTeam(c, found) : refs.team(id);
    },
  };
}

export function renderIncident(o: ShapeOptions, incident: Incident): Record<string, unknown> {
  const { refs, store, includes } = o;
  const service = store.service(incident.service.id);
  const first = store.logEntry(incident.first_trigger_log_entry.id);
  const priority = incident.priority ? store.priority(incident.priority.id) : undefined;
  const expand = expander(o);
  return {
    ...refs.render.head("incident", incident.id, refs.incidentSummary(incident)),
    incident_number: incident.incident_number,
    title: incident.title,
    created_at: time(o, incident.created_at),
    updated_at: time(o, incident.updated_at),
    status: incident.status,
    incident_key: incident.incident_key,
    service: expand.service(incident.service.id),
    assignments: incident.assignments.map((a) => ({
      at: time(o, a.at),
      assignee: expand.user(a.assignee.id, "assignees"),
    })),
    assigned_via: incident.assigned_via ?? "escalation_policy",
    last_status_change_at: time(o, incident.last_status_change_at),
    last_status_change_by: expand.agent(incident.last_status_change_by, "agents"),
    resolved_at: time(o, incident.resolved_at),
    first_trigger_log_entry:
      first && includes.has("first_trigger_log_entries")
        ? renderLogEntry(o, first)
        : first
          ? refs.logEntry(first)
          : {
              ...refs.logEntry({
                id: incident.first_trigger_log_entry.id,
                type: "trigger_log_entry",
                summary: "",
                incident: { id: incident.id, type: "incident_reference" },
              }),
              summary: null,
            },
    alert_counts: incident.alert_counts,
    is_mergeable: true,
    incident_type: { name: "incident_default" },
    escalation_policy: incident.escalation_policy
      ? expand.policy(incident.escalation_policy.id)
      : null,
    teams: (service?.teams ?? []).map((t) => expand.team(t.id)),
    pending_actions: (incident.pending_actions ?? []).map((p) => ({
      type: p.type,
      at: time(o, p.at),
    })),
    acknowledgements: incident.acknowledgements.map((a) => ({
      at: time(o, a.at),
      acknowledger: expand.agent(a.acknowledger, "acknowledgers"),
    })),
    alert_grouping: incident.alert_grouping
      ? {
          grouping_type: GROUPING_TYPES[incident.alert_grouping.grouping_type],
          started_at: time(o, incident.alert_grouping.started_at),
          ended_at: time(o, incident.alert_grouping.ended_at),
          alert_grouping_active: incident.alert_grouping.alert_grouping_active,
        }
      : null,
    priority: priority
      ? includes.has("priorities")
        ? renderPriority({ render: refs.render }, priority)
        : refs.priority(priority.id)
      : null,
    resolve_reason: null,
    urgency: incident.urgency,
    ...(includes.has("conference_bridge") ? { conference_bridge: null } : {}),
    // "Only returned if the include[]=body query parameter is provided."
    ...(includes.has("body")
      ? { body: { type: "incident_body", details: incident.body?.details ?? "" } }
      : {}),
  };
}

/** The REST LogEntry; the store's `alert` (what REST filters by) is not part of it. */
export function renderLogEntry(o: ShapeOptions, entry: LogEntry): Record<string, unknown> {
  const { refs, store, includes } = o;
  const incident = store.incident(entry.incident.id);
  const service = store.service(entry.service.id);
  const { notification } = entry.channel;
  return {
    ...refs.logEntry(entry),
    type: entry.type,
    created_at: time(o, entry.created_at),
    agent: refs.agent(entry.agent),
    channel: notification
      ? {
          ...entry.channel,
          notification: { ...notification, started_at: time(o, notification.started_at) },
        }
      : entry.channel,
    service: refs.service(entry.service.id),
    incident: incident
      ? includes.has("incidents")
        ? renderIncident({ ...o, includes: new Set() }, incident)
        : refs.incident(incident)
      : refs.render.reference("incident", entry.incident.id, null),
    teams: (service?.teams ?? []).map((t) => refs.team(t.id)),
    contexts: entry.contexts,
    event_details: entry.event_details,
    ...(entry.note === undefined ? {} : { note: entry.note }),
    ...(entry.assignees ? { assignees: entry.assignees.map((a) => refs.user(a.id)) } : {}),
    ...(entry.user ? { user: refs.user(entry.user.id) } : {}),
    ...(entry.escalation_policy
      ? { escalation_policy: refs.escalationPolicy(entry.escalation_policy.id) }
      : {}),
  };
}

export function renderAlert(o: ShapeOptions, alert: Alert): Record<string, unknown> {
  const { refs, store, includes } = o;
  const incident = store.incident(alert.incident.id);
  const first = store.logEntry(alert.first_trigger_log_entry.id);
  const integration = store.integration(alert.integration.id);
  return {
    id: alert.id,
    type: "alert",
    summary: alert.summary,
    self: refs.render.self("incident", `${alert.incident.id}/alerts/${alert.id}`),
    html_url: alert.html_url,
    created_at: time(o, alert.created_at),
    status: alert.status,
    resolved_at: time(o, alert.resolved_at),
    alert_key: alert.alert_key,
    service: refs.service(alert.service.id),
    first_trigger_log_entry: first
      ? includes.has("first_trigger_log_entries")
        ? renderLogEntry(o, first)
        : refs.logEntry(first)
      : null,
    incident: incident
      ? includes.has("incidents")
        ? renderIncident({ ...o, includes: new Set() }, incident)
        : refs.incident(incident)
      : null,
    suppressed: alert.suppressed,
    severity: alert.severity,
    integration: {
      id: alert.integration.id,
      type: alert.integration.type,
      summary: integration?.name ?? null,
      self: refs.render.self("service", `${alert.service.id}/integrations/${alert.integration.id}`),
      html_url: refs.render.htmlUrl(
        `services/${alert.service.id}/integrations/${alert.integration.id}`,
      ),
    },
    body: alert.body,
  };
}

export function renderNote(o: ShapeOptions, note: IncidentNote): Record<string, unknown> {
  return {
    id: note.id,
    user: o.refs.user(note.user.id),
    channel: { summary: "The PagerDuty website or APIs" },
    content: note.content,
    created_at: time(o, note.created_at),
    updated_at: time(o, note.updated_at),
  };
}

export function renderStatusUpdate(o: ShapeOptions, update: StatusUpdate): Record<string, unknown> {
  return {
    id: update.id,
    message: update.message,
    sender: o.refs.user(update.sender.id),
    created_at: time(o, update.created_at),
    ...(update.subject === undefined ? {} : { subject: update.subject }),
    ...(update.html_message === undefined ? {} : { html_message: update.html_message }),
  };
}
