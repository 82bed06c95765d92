/**
 * References to the account's objects as the REST API and webhooks render them: `{id, type,
 * summary, self, html_url}` with the summary read from the store now (a deleted object keeps
 * its id with `summary: null`). An incident's summary is `[#<number>] <title>`.
 */
import { createRenderer, type RenderedReference, type Renderer } from "../rest/render.js";
import type { Incident, LogEntry, PagerDutyStore } from "../store.js";

export interface References {
  readonly render: Renderer;
  user(id: string): RenderedReference;
  service(id: string): RenderedReference;
  escalationPolicy(id: string): RenderedReference;
  team(id: string): RenderedReference;
  /** `priority_reference`: priorities have no web page of their own. */
  priority(id: string): RenderedReference;
  incident(incident: Incident): RenderedReference;
  /** A service or user agent, as log entries and acknowledgements name them. */
  agent(ref: { id: string; type: string }): RenderedReference;
  /** `<type>_reference` of a log entry, e.g. `trigger_log_entry_reference`. */
  logEntry(entry: Pick<LogEntry, "id" | "type" | "summary" | "incident">): RenderedReference;
  /** `[#12] The server is on fire.` */
  incidentSummary(incident: Incident): string;
}

export function createReferences(store: PagerDutyStore): References {
  const render = createRenderer(store.subdomain);
  const incidentSummary = (i: Incident) => `[#${i.incident_number}] ${i.title}`;
  const refs: References = {
    render,
    user: (id) => render.reference("user", id, store.user(id)?.name ?? null),
    service: (id) => render.reference("service", id, store.service(id)?.name ?? null),
    escalationPolicy: (id) =>
      render.reference("escalation_policy", id, store.escalationPolicy(id)?.name ?? null),
    team: (id) => render.reference("team", id, store.team(id)?.name ?? null),
    priority: (id) => ({
      ...render.reference("priority", id, store.priority(id)?.name ?? null),
      html_url: null,
    }),
    incident: (i) => render.reference("incident", i.id, incidentSummary(i)),
    agent: (ref) => (ref.type.startsWith("user") ? refs.user(ref.id) : refs.service(ref.id)),
    logEntry: (e) => ({
      id: e.id,
      type: `${e.type}_reference`,
      summary: e.summary,
      self: render.self("log_entry", e.id),
      html_url: render.htmlUrl(`incidents/${e.incident.id}/log_entries/${e.id}`),
    }),
    incidentSummary,
  };
  return refs;
}
