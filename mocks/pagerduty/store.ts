/**
 * PagerDuty's state as plain data: services with their integrations (whose keys are the Events
 * API's routing keys), the alerts events open, the incidents alerts open or join, their log
 * entries, and change events. Field names and enums are the REST API's (reference/pagerduty.md
 * §2.2, §2.3), so the REST API renders these records rather than translating them, and the
 * incident lifecycle moves `status` through the same values. No HTTP, no clock, no journal here.
 */

/** `{id, type}` as the REST API's references carry; summary, self and html_url are rendered. */
export interface Reference<T extends string> {
  id: string;
  type: T;
}

export type IncidentStatus = "triggered" | "acknowledged" | "resolved";
export type AlertStatus = "triggered" | "resolved";
export type Urgency = "high" | "low";
export type Severity = "critical" | "error" | "warning" | "info";
export const SEVERITIES: readonly Severity[] = ["critical", "error", "warning", "info"];

/** REST `Integration.type` of the two kinds that take events. */
export type IntegrationType =
  | "events_api_v2_inbound_integration"
  | "generic_events_api_inbound_integration";

export interface Integration {
  id: string;
  type: IntegrationType;
  name: string;
  /** The routing key (v2) or service key (v1): 32 characters. */
  integration_key: string;
  service: Reference<"service_reference">;
  created_at: string;
}

/** REST `incident_urgency_rule`, the `constant` kind (support hours are not modelled yet). */
export interface IncidentUrgencyRule {
  type: "constant";
  urgency: Urgency | "severity_based";
}

/** REST `alert_grouping_parameters`; `type: null` keeps one incident per alert. */
export type AlertGroupingParameters =
  | { type: null }
  /** Every alert within `timeout` minutes of the incident's first alert (0: until it resolves). */
  | { type: "time"; config: { timeout: number } }
  /** Alerts whose `fields` match (all, or any one) within `time_window` seconds. */
  | {
      type: "content_based";
      config: { aggregate: "all" | "any"; fields: string[]; time_window: number };
    };

export interface Service {
  id: string;
  type: "service";
  name: string;
  description: string | null;
  html_url: string;
  created_at: string;
  /**
   * "active" or "disabled" as configured; the REST API derives warning/critical/maintenance from
   * open incidents and `maintenance`.
   */
  status: "active" | "disabled";
  /** Stands in for an ongoing maintenance window until the REST API models windows. */
  maintenance: boolean;
  incident_urgency_rule: IncidentUrgencyRule;
  alert_grouping_parameters: AlertGroupingParameters;
  /** Seconds; null is off (REST defaults 14400 and 1800; the lifecycle machine uses them). */
  auto_resolve_timeout: number | null;
  acknowledgement_timeout: number | null;
  integrations: Reference<
    | "events_api_v2_inbound_integration_reference"
    | "generic_events_api_inbound_integration_reference"
  >[];
  last_incident_timestamp: string | null;
}

export interface Link {
  href: string;
  text?: string;
}

export interface Image {
  src: string;
  href?: string;
  alt?: string;
}

/** The PD-CEF fields of the event that opened (or last re-triggered) an alert. */
export interface CefDetails {
  summary: string;
  severity: Severity;
  source: string | null;
  timestamp: string;
  component: string | null;
  group: string | null;
  class: string | null;
  client: string | null;
  client_url: string | null;
  contexts: (
    | { type: "link"; href: string; text?: string }
    | { type: "image"; src: string; href?: string; alt?: string }
  )[];
  details: unknown;
}

export interface Alert {
  id: string;
  type: "alert";
  /** The dedup key (v2) or incident key (v1). */
  alert_key: string;
  status: AlertStatus;
  summary: string;
  severity: Severity;
  created_at: string;
  resolved_at: string | null;
  html_url: string;
  service: Reference<"service_reference">;
  incident: Reference<"incident_reference">;
  integration: Reference<
    | "events_api_v2_inbound_integration_reference"
    | "generic_events_api_inbound_integration_reference"
  >;
  first_trigger_log_entry: Reference<"trigger_log_entry_reference">;
  suppressed: boolean;
  body: {
    type: "alert_body";
    cef_details: CefDetails;
    details: unknown;
    contexts: CefDetails["contexts"];
  };
}

export interface Acknowledgement {
  at: string;
  acknowledger: Reference<"service_reference" | "user_reference">;
}

export interface Incident {
  id: string;
  type: "incident";
  incident_number: number;
  title: string;
  status: IncidentStatus;
  urgency: Urgency;
  /** The first alert's key: REST's `incident_key`. */
  incident_key: string;
  html_url: string;
  created_at: string;
  updated_at: string;
  last_status_change_at: string;
  last_status_change_by: Reference<"service_reference" | "user_reference">;
  resolved_at: string | null;
  service: Reference<"service_reference">;
  first_trigger_log_entry: Reference<"trigger_log_entry_reference">;
  alert_counts: { all: number; triggered: number; resolved: number };
  acknowledgements: Acknowledgement[];
  /** Filled by the escalation policy once the REST part and the lifecycle machine exist. */
  assignments: { at: string; assignee: Reference<"user_reference"> }[];
  escalation_policy: Reference<"escalation_policy_reference"> | null;
  priority: Reference<"priority_reference"> | null;
  alert_grouping: {
    grouping_type: "time" | "content_based";
    started_at: string;
    ended_at: string | null;
    alert_grouping_active: boolean;
  } | null;
  /** The alerts, in the order they joined. */
  alerts: Reference<"alert_reference">[];
}

export type LogEntryType = "trigger_log_entry" | "acknowledge_log_entry" | "resolve_log_entry";

export interface LogEntry {
  id: string;
  type: LogEntryType;
  /** "Triggered through the API" and the like, as the REST API shows them. */
  summary: string;
  created_at: string;
  agent: Reference<"service_reference" | "user_reference">;
  /** How the entry came about: `api` for the Events API, with the event's fields on triggers. */
  channel: {
    type: "api";
    summary?: string;
    details?: unknown;
    client?: string | null;
    client_url?: string | null;
    cef_details?: CefDetails;
  };
  service: Reference<"service_reference">;
  incident: Reference<"incident_reference">;
  /** The alert the event applied to. Not a REST field: the REST API filters with it. */
  alert: Reference<"alert_reference"> | null;
  contexts: CefDetails["contexts"];
  event_details: { description: string } | null;
}

/** REST `ChangeEvent` (`GET /services/{id}/change_events`). */
export interface ChangeEvent {
  id: string;
  type: "change_event";
  summary: string;
  timestamp: string;
  source: string | null;
  custom_details: unknown;
  links: Link[];
  services: Reference<"service_reference">[];
  integration: Reference<
    | "events_api_v2_inbound_integration_reference"
    | "generic_events_api_inbound_integration_reference"
  >;
  /** Virtual time of receipt, ms: retention counts from it. */
  received_at_ms: number;
}

export interface PagerDutyState {
  services: Service[];
  integrations: Integration[];
  incidents: Incident[];
  alerts: Alert[];
  log_entries: LogEntry[];
  change_events: ChangeEvent[];
  /** The last incident number issued; numbers are per account and never reused. */
  last_incident_number: number;
}

const reference = <T extends string>(id: string, type: T): Reference<T> => ({ id, type });

export const serviceRef = (s: { id: string }) => reference(s.id, "service_reference");
export const incidentRef = (i: { id: string }) => reference(i.id, "incident_reference");
export const alertRef = (a: { id: string }) => reference(a.id, "alert_reference");
export const integrationRef = (i: Integration) =>
  reference(
    i.id,
    i.type === "events_api_v2_inbound_integration"
      ? "events_api_v2_inbound_integration_reference"
      : "generic_events_api_inbound_integration_reference",
  );

/**
 * The account's data with indexes for the Events API's lookups: integrations by key, open alerts
 * by (integration, dedup key). Records are mutated in place through the methods below, so an
 * index never goes stale.
 */
export class PagerDutyStore {
  /** The account's subdomain: html_urls are `https://<subdomain>.pagerduty.com/...`. */
  readonly subdomain: string;
  readonly #services: Service[];
  readonly #integrations: Integration[];
  readonly #servicesById = new Map<string, Service>();
  readonly #integrationsByKey = new Map<string, Integration>();
  #incidents: Incident[] = [];
  #alerts: Alert[] = [];
  #logEntries: LogEntry[] = [];
  #changeEvents: ChangeEvent[] = [];
  readonly #incidentsById = new Map<string, Incident>();
  readonly #alertsById = new Map<string, Alert>();
  readonly #logEntriesById = new Map<string, LogEntry>();
  /** `${integration id} ${alert_key}` -> the open (triggered) alert. */
  readonly #openAlerts = new Map<string, Alert>();
  #lastIncidentNumber = 0;

  constructor(subdomain: string, services: Service[], integrations: Integration[]) {
    this.subdomain = subdomain;
    for (const service of services) {
      if (this.#servicesById.has(service.id)) {
        throw new Error(`pagerduty: service id ${service.id} is configured twice`);
      }
      this.#servicesById.set(service.id, service);
    }
    for (const integration of integrations) {
      const key = integration.integration_key;
      const other = this.#integrationsByKey.get(key);
      if (other) {
        throw new Error(
          `pagerduty: integrations ${other.id} and ${integration.id} share the key ${key.slice(0, 4)}…`,
        );
      }
      if (!this.#servicesById.has(integration.service.id)) {
        throw new Error(`pagerduty: integration ${integration.id} names no configured service`);
      }
      this.#integrationsByKey.set(key, integration);
    }
    this.#services = services;
    this.#integrations = integrations;
  }

  htmlUrl(path: string): string {
    return `https://${this.subdomain}.pagerduty.com/${path}`;
  }

  services(): readonly Service[] {
    return this.#services;
  }

  service(id: string): Service | undefined {
    return this.#servicesById.get(id);
  }

  integrations(): readonly Integration[] {
    return this.#integrations;
  }

  integrationByKey(key: string): Integration | undefined {
    return this.#integrationsByKey.get(key);
  }

  nextIncidentNumber(): number {
    return ++this.#lastIncidentNumber;
  }

  incidents(): readonly Incident[] {
    return this.#incidents;
  }

  incident(id: string): Incident | undefined {
    return this.#incidentsById.get(id);
  }

  alerts(): readonly Alert[] {
    return this.#alerts;
  }

  alert(id: string): Alert | undefined {
    return this.#alertsById.get(id);
  }

  logEntries(): readonly LogEntry[] {
    return this.#logEntries;
  }

  logEntry(id: string): LogEntry | undefined {
    return this.#logEntriesById.get(id);
  }

  changeEvents(): readonly ChangeEvent[] {
    return this.#changeEvents;
  }

  /** The triggered alert an event with this key from this integration applies to, if any. */
  openAlert(integrationId: string, alertKey: string): Alert | undefined {
    return this.#openAlerts.get(`${integrationId} ${alertKey}`);
  }

  /** Open incidents of a service, oldest first. */
  openIncidents(serviceId: string): Incident[] {
    return this.#incidents.filter((i) => i.service.id === serviceId && i.status !== "resolved");
  }

  addIncident(incident: Incident): void {
    this.#incidents.push(incident);
    this.#incidentsById.set(incident.id, incident);
  }

  /** Adds a triggered alert to its incident (which must exist) and counts it there. */
  addAlert(alert: Alert): void {
    const incident = this.#incidentsById.get(alert.incident.id);
    if (!incident) throw new Error(`pagerduty: alert ${alert.id} names no incident`);
    this.#alerts.push(alert);
    this.#alertsById.set(alert.id, alert);
    if (alert.status === "triggered") {
      this.#openAlerts.set(`${alert.integration.id} ${alert.alert_key}`, alert);
    }
    incident.alerts.push(alertRef(alert));
    this.#recount(incident);
  }

  addLogEntry(entry: LogEntry): void {
    this.#logEntries.push(entry);
    this.#logEntriesById.set(entry.id, entry);
  }

  /** Resolves an alert; the caller decides what happens to its incident. */
  resolveAlert(alert: Alert, at: string): void {
    if (alert.status === "resolved") return;
    alert.status = "resolved";
    alert.resolved_at = at;
    this.#openAlerts.delete(`${alert.integration.id} ${alert.alert_key}`);
    const incident = this.#incidentsById.get(alert.incident.id);
    if (incident) this.#recount(incident);
  }

  /**
   * Moves an incident to a status, as events and (later) the REST API and the lifecycle machine
   * do. Resolving it resolves its open alerts, as PagerDuty does; leaving resolved (a REST
   * reopen) clears `resolved_at`.
   */
  setIncidentStatus(
    incident: Incident,
    status: IncidentStatus,
    at: string,
    by: Reference<"service_reference" | "user_reference">,
  ): void {
    if (incident.status === status) return;
    incident.status = status;
    incident.updated_at = at;
    incident.last_status_change_at = at;
    incident.last_status_change_by = by;
    if (status === "acknowledged") incident.acknowledgements.push({ at, acknowledger: by });
    if (status === "triggered") incident.acknowledgements = [];
    if (status === "resolved") {
      incident.resolved_at = at;
      incident.acknowledgements = [];
      if (incident.alert_grouping) {
        incident.alert_grouping.ended_at = at;
        incident.alert_grouping.alert_grouping_active = false;
      }
      for (const ref of incident.alerts) {
        const alert = this.#alertsById.get(ref.id);
        if (alert) this.resolveAlert(alert, at);
      }
    } else {
      incident.resolved_at = null;
    }
  }

  /** Keeps change events for the retention period counted back from `nowMs`. */
  addChangeEvent(event: ChangeEvent, retentionMs: number): void {
    const oldest = event.received_at_ms - retentionMs;
    if (this.#changeEvents.some((e) => e.received_at_ms < oldest)) {
      this.#changeEvents = this.#changeEvents.filter((e) => e.received_at_ms >= oldest);
    }
    this.#changeEvents.push(event);
  }

  #recount(incident: Incident): void {
    let triggered = 0;
    let resolved = 0;
    for (const ref of incident.alerts) {
      const status = this.#alertsById.get(ref.id)?.status;
      if (status === "triggered") triggered++;
      else if (status === "resolved") resolved++;
    }
    incident.alert_counts = { all: triggered + resolved, triggered, resolved };
  }

  /** Drops incidents, alerts, log entries and change events; keeps the configured services. */
  reset(): void {
    this.#incidents = [];
    this.#alerts = [];
    this.#logEntries = [];
    this.#changeEvents = [];
    this.#incidentsById.clear();
    this.#alertsById.clear();
    this.#logEntriesById.clear();
    this.#openAlerts.clear();
    this.#lastIncidentNumber = 0;
  }

  /**
   * Everything as plain data, integration keys included (restore needs them); `redactKeys`
   * replaces them for views such as the admin state endpoint, which is no place for secrets.
   */
  snapshot(options: { redactKeys?: boolean } = {}): PagerDutyState {
    return structuredClone({
      services: this.#services,
      integrations: options.redactKeys
        ? this.#integrations.map((i) => ({ ...i, integration_key: "<redacted>" }))
        : this.#integrations,
      incidents: this.#incidents,
      alerts: this.#alerts,
      log_entries: this.#logEntries,
      change_events: this.#changeEvents,
      last_incident_number: this.#lastIncidentNumber,
    });
  }

  /** Replaces the event-made state with a snapshot's (services and keys stay as configured). */
  restore(
    state: Pick<
      PagerDutyState,
      "incidents" | "alerts" | "log_entries" | "change_events" | "last_incident_number"
    >,
  ): void {
    this.reset();
    const copy = structuredClone(state);
    for (const incident of copy.incidents) {
      this.#incidents.push(incident);
      this.#incidentsById.set(incident.id, incident);
    }
    for (const alert of copy.alerts) {
      this.#alerts.push(alert);
      this.#alertsById.set(alert.id, alert);
      if (alert.status === "triggered") {
        this.#openAlerts.set(`${alert.integration.id} ${alert.alert_key}`, alert);
      }
    }
    this.#logEntries = copy.log_entries;
    for (const entry of copy.log_entries) this.#logEntriesById.set(entry.id, entry);
    this.#changeEvents = copy.change_events;
    this.#lastIncidentNumber = copy.last_incident_number;
  }
}
