/**
 * An incident as webhook payloads render it (developer-docs webhooks/01-Overview.md, "Event Data
 * Types"): not the REST Incident, but `number`, `assignees`, references with summaries, and the
 * `incident_note` and `incident_status_update` objects of annotated and status update events.
 */
import type { Incident, IncidentNote, PagerDutyStore, StatusUpdate } from "../store.js";
import type { References } from "./references.js";

export function incidentWebhookData(
  store: PagerDutyStore,
  refs: References,
  incident: Incident,
): Record<string, unknown> {
  const service = store.service(incident.service.id);
  return {
    id: incident.id,
    type: "incident",
    self: refs.render.self("incident", incident.id),
    html_url: incident.html_url,
    number: incident.incident_number,
    status: incident.status,
    incident_key: incident.incident_key,
    created_at: incident.created_at,
    title: incident.title,
    service: refs.service(incident.service.id),
    assignees: incident.assignments.map((a) => refs.user(a.assignee.id)),
    escalation_policy: incident.escalation_policy
      ? refs.escalationPolicy(incident.escalation_policy.id)
      : null,
    teams: (service?.teams ?? []).map((t) => refs.team(t.id)),
    priority: incident.priority
      ? {
          ...refs.priority(incident.priority.id),
          // The docs' example gives priorities this page.
          html_url: refs.render.htmlUrl("account/incident_priorities"),
        }
      : null,
    urgency: incident.urgency,
    conference_bridge: null,
    resolve_reason: null,
    incident_type: { name: "incident_default" },
  };
}

const trimmed = (text: string, max: number) =>
  [...text].length > max
    ? { text: [...text].slice(0, max).join(""), trimmed: true }
    : { text, trimmed: false };

/**
 * Longest note or message a webhook carries whole; longer ones are cut and marked `trimmed`.
 * The docs show the flag, not the length: 1024 characters, the Events API's summary limit.
 */
export const WEBHOOK_TEXT_MAX = 1024;

export function noteWebhookData(refs: References, incident: Incident, note: IncidentNote) {
  const { text, trimmed: cut } = trimmed(note.content, WEBHOOK_TEXT_MAX);
  return {
    incident: refs.incident(incident),
    id: note.id,
    content: text,
    trimmed: cut,
    type: "incident_note",
  };
}

export function statusUpdateWebhookData(
  refs: References,
  incident: Incident,
  update: StatusUpdate,
) {
  const { text, trimmed: cut } = trimmed(update.message, WEBHOOK_TEXT_MAX);
  return {
    incident: refs.incident(incident),
    id: update.id,
    message: text,
    trimmed: cut,
    type: "incident_status_update",
  };
}
