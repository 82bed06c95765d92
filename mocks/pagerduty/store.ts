/**
 * PagerDuty's state as plain data: services with their integrations (whose keys are the Events
 * API's routing keys), the alerts events open, the incidents alerts open or join, their log
 * entries, and change events. Field names and enums are the REST API's (reference/pagerduty.md
 * §2.2, §2.3), so the REST API renders these records rather than translating them, and the
 * incident lifecycle moves `status` through the same values. No HTTP, no clock, no journal here.
 */
import { type ScheduleRecord, ScheduleStore, type StoredSchedule } from "./schedules/store.js";

/** `{id, type}` as the REST API's references carry; summary, self and html_url are rendered. */
export interface Reference<T extends string> {
  id: string;
  type: T;
}

export type IncidentStatus = "triggered" | "acknowledged" | "resolved";
export type AlertStatus = "triggered" | "resolved";
export type Urgency = "high" | "low";
export type Severity = "critical" | "error" | "warning" | "info";
export type ServiceTier = "gold" | "silver" | "bronze";
export const SERVICE_TIERS: readonly ServiceTier[] = ["gold", "silver", "bronze"];
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
   * open incidents and the maintenance windows ongoing on the simulator clock.
   */
  status: "active" | "disabled";
  /**
   * The service tier the SLA/XLA report reads (DESIGN.md §6 "Domain defaults"): not a PagerDuty
   * field, kept here and shown as `tier` on the REST Service; null when none is configured.
   */
  tier: ServiceTier | null;
  /** REST `escalation_policy`: required on a REST-created service. */
  escalation_policy: Reference<"escalation_policy_reference"> | null;
  teams: Reference<"team_reference">[];
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
  /**
   * How the assignees were chosen (REST `assigned_via`); the incident lifecycle keeps it, with
   * the level and the armed timers below. Absent on an incident no lifecycle runs.
   */
  assigned_via?: "escalation_policy" | "direct_assignment";
  /** The 1-based level of the escalation policy the incident is on. */
  escalation_level?: number;
  /** REST `pending_actions`: what the lifecycle's running timers will do, and when. */
  pending_actions?: { type: "escalate" | "unacknowledge" | "resolve"; at: string }[];
  /** REST `body`, as `POST /incidents` gives it. */
  body?: { type: "incident_body"; details: string } | null;
}

/** The log entry types this account writes (REST `LogEntry.type`). */
export type LogEntryType =
  | "trigger_log_entry"
  | "acknowledge_log_entry"
  | "resolve_log_entry"
  | "assign_log_entry"
  | "escalate_log_entry"
  | "notify_log_entry"
  | "annotate_log_entry"
  | "snooze_log_entry"
  | "unacknowledge_log_entry"
  | "delegate_log_entry"
  | "repeat_escalation_path_log_entry"
  | "exhaust_escalation_path_log_entry"
  | "urgency_change_log_entry";

/** REST `Notification`: how a notify log entry reached its user. */
export interface LogEntryNotification {
  type: "email_notification" | "sms_notification" | "phone_notification" | "push_notification";
  address: string | null;
  started_at: string;
  status: "success";
}

export interface LogEntry {
  id: string;
  type: LogEntryType;
  /** "Triggered through the API" and the like, as the REST API shows them. */
  summary: string;
  created_at: string;
  agent: Reference<"service_reference" | "user_reference">;
  /** How the entry came about: `api` for the Events API, with the event's fields on triggers. */
  channel: {
    /** "api", "auto", "timeout", "website", "web_trigger", "note", ... */
    type: string;
    summary?: string;
    details?: unknown;
    client?: string | null;
    client_url?: string | null;
    cef_details?: CefDetails;
    /** Notify entries: the contact method used. */
    notification?: LogEntryNotification;
    /** REST-created incidents' trigger entries: the title and body. */
    subject?: string;
  };
  service: Reference<"service_reference">;
  incident: Reference<"incident_reference">;
  /** The alert the event applied to. Not a REST field: the REST API filters with it. */
  alert: Reference<"alert_reference"> | null;
  contexts: CefDetails["contexts"];
  event_details: { description: string } | null;
  /** A resolution given with a resolve, or a note's content on an annotate entry. */
  note?: string;
  /** Assign and escalate entries: who the incident went to. */
  assignees?: Reference<"user_reference">[];
  /** Notify entries: who was notified. */
  user?: Reference<"user_reference">;
  /** Delegate entries: the policy the incident went to. */
  escalation_policy?: Reference<"escalation_policy_reference">;
}

/** REST `IncidentNote` (`/incidents/{id}/notes`). */
export interface IncidentNote {
  id: string;
  incident: Reference<"incident_reference">;
  user: Reference<"user_reference">;
  content: string;
  created_at: string;
  updated_at: string;
}

/** REST `StatusUpdate` (`POST /incidents/{id}/status_updates`); the SLA/XLA report reads them. */
export interface StatusUpdate {
  id: string;
  incident: Reference<"incident_reference">;
  sender: Reference<"user_reference">;
  message: string;
  subject?: string;
  html_message?: string;
  created_at: string;
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

/** REST `ContactMethod`; PagerDuty's `summary` is the label. */
export interface ContactMethod {
  id: string;
  type: "email_contact_method" | "phone_contact_method" | "sms_contact_method";
  label: string;
  address: string;
  /** Phone and SMS only. */
  country_code?: number;
}

/** REST `NotificationRule` (assignment rules: who is told when an incident is assigned). */
export interface NotificationRule {
  id: string;
  type: "assignment_notification_rule";
  start_delay_in_minutes: number;
  urgency: Urgency;
  contact_method: Reference<
    | "email_contact_method_reference"
    | "phone_contact_method_reference"
    | "sms_contact_method_reference"
  >;
}

export type UserRole =
  | "admin"
  | "limited_user"
  | "observer"
  | "owner"
  | "read_only_user"
  | "restricted_access"
  | "read_only_limited_user"
  | "user";

export interface User {
  id: string;
  type: "user";
  name: string;
  email: string;
  time_zone: string;
  color: string;
  role: UserRole;
  description: string | null;
  job_title: string | null;
  html_url: string;
  /** A user's teams are the teams whose `members` name them. */
  contact_methods: ContactMethod[];
  notification_rules: NotificationRule[];
}

export interface Team {
  id: string;
  type: "team";
  name: string;
  description: string | null;
  html_url: string;
  default_role: "manager" | "none";
  parent: Reference<"team_reference"> | null;
  /** Members with their team role (REST `/teams/{id}/members`). */
  members: { user: Reference<"user_reference">; role: "observer" | "responder" | "manager" }[];
}

export interface EscalationRule {
  id: string;
  escalation_delay_in_minutes: number;
  targets: Reference<"user_reference" | "schedule_reference">[];
}

export interface EscalationPolicy {
  id: string;
  type: "escalation_policy";
  name: string;
  description: string | null;
  html_url: string;
  num_loops: number;
  on_call_handoff_notifications: "if_has_services" | "always";
  escalation_rules: EscalationRule[];
  teams: Reference<"team_reference">[];
}

/** An account's priority (REST `GET /priorities`); `order` ranks them, P1 highest. */
export interface Priority {
  id: string;
  type: "priority";
  name: string;
  description: string;
  order: number;
  color: string;
}

export interface MaintenanceWindow {
  id: string;
  type: "maintenance_window";
  /** The order in which windows were created, from 1. */
  sequence_number: number;
  start_time: string;
  end_time: string;
  description: string | null;
  html_url: string;
  services: Reference<"service_reference">[];
  created_by: Reference<"user_reference"> | null;
}

/** A REST API key: an account-level key, or a user's key when `user` names one. */
export interface ApiToken {
  token: string;
  /** "token": sent as `Token token=...`; "bearer": an OAuth-style token, sent as `Bearer ...`. */
  kind: "token" | "bearer";
  /** The user the key belongs to; null for an account-level key. */
  user: Reference<"user_reference"> | null;
}

/** The account's configuration: what the REST API creates and edits, and `reset` goes back to. */
export interface PagerDutyAccount {
  services: Service[];
  integrations: Integration[];
  users: User[];
  teams: Team[];
  escalation_policies: EscalationPolicy[];
  priorities: Priority[];
  maintenance_windows: MaintenanceWindow[];
  api_tokens: ApiToken[];
  last_maintenance_window_number: number;
  /** On-call schedules with their overrides (schedules/store.ts). */
  schedules?: ScheduleRecord[];
}

export interface PagerDutyState {
  services: Service[];
  integrations: Integration[];
  incidents: Incident[];
  alerts: Alert[];
  log_entries: LogEntry[];
  change_events: ChangeEvent[];
  notes?: IncidentNote[];
  status_updates?: StatusUpdate[];
  /** The last incident number issued; numbers are per account and never reused. */
  last_incident_number: number;
  users: User[];
  teams: Team[];
  escalation_policies: EscalationPolicy[];
  priorities: Priority[];
  maintenance_windows: MaintenanceWindow[];
  schedules?: ScheduleRecord[];
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

/** Records by id, in insertion order. */
class Collection<T extends { id: string }> {
  #items: T[] = [];
  readonly #byId = new Map<string, T>();

  constructor(what: string, items: readonly T[] = []) {
    for (const item of items) {
      if (this.#byId.has(item.id))
        throw new Error(`pagerduty: ${what} id ${item.id} is used twice`);
      this.add(item);
    }
  }

  all(): readonly T[] {
    return this.#items;
  }

  get(id: string): T | undefined {
    return this.#byId.get(id);
  }

  add(item: T): void {
    this.#items.push(item);
    this.#byId.set(item.id, item);
  }

  remove(id: string): T | undefined {
    const item = this.#byId.get(id);
    if (!item) return undefined;
    this.#byId.delete(id);
    this.#items = this.#items.filter((i) => i !== item);
    return item;
  }

  replaceAll(items: readonly T[]): void {
    this.#items = [];
    this.#byId.clear();
    for (const item of items) this.add(item);
  }
}

/** What the account starts with: services and their integrations, and optionally the rest. */
export type PagerDutyAccountInput = Pick<PagerDutyAccount, "services" | "integrations"> &
  Partial<PagerDutyAccount>;

/**
 * The account's data with indexes for the Events API's lookups: integrations by key, open alerts
 * by (integration, dedup key). Records are mutated in place through the methods below, so an
 * index never goes stale. The account's configuration (services, integrations, users, teams,
 * escalation policies, priorities, maintenance windows, API tokens) is what the REST API edits;
 * `reset()` goes back to the configuration the store was built with.
 */
export class PagerDutyStore {
  /** The account's subdomain: html_urls are `https://<subdomain>.pagerduty.com/...`. */
  readonly subdomain: string;
  readonly #configured: PagerDutyAccount;
  readonly #services = new Collection<Service>("service");
  readonly #integrations = new Collection<Integration>("integration");
  readonly #users = new Collection<User>("user");
  readonly #teams = new Collection<Team>("team");
  readonly #escalationPolicies = new Collection<EscalationPolicy>("escalation policy");
  readonly #priorities = new Collection<Priority>("priority");
  readonly #maintenanceWindows = new Collection<MaintenanceWindow>("maintenance window");
  #apiTokens: ApiToken[] = [];
  #lastMaintenanceWindowNumber = 0;
  readonly #integrationsByKey = new Map<string, Integration>();
  #incidents: Incident[] = [];
  #alerts: Alert[] = [];
  #logEntries: LogEntry[] = [];
  #changeEvents: ChangeEvent[] = [];
  #notes: IncidentNote[] = [];
  #statusUpdates: StatusUpdate[] = [];
  readonly #incidentsById = new Map<string, Incident>();
  readonly #alertsById = new Map<string, Alert>();
  readonly #logEntriesById = new Map<string, LogEntry>();
  /** `${integration id} ${alert_key}` -> the open (triggered) alert. */
  readonly #openAlerts = new Map<string, Alert>();
  #lastIncidentNumber = 0;

  /** On-call schedules and their overrides: REST /schedules edits them (schedules/store.ts). */
  readonly schedules: ScheduleStore;

  constructor(subdomain: string, input: PagerDutyAccountInput) {
    this.subdomain = subdomain;
    this.schedules = new ScheduleStore(input.schedules ?? []);
    this.#configured = structuredClone({
      users: [],
      teams: [],
      escalation_policies: [],
      priorities: [],
      maintenance_windows: [],
      api_tokens: [],
      last_maintenance_window_number: input.maintenance_windows?.length ?? 0,
      ...input,
    });
    this.#loadAccount(this.#configured);
  }

  #loadAccount(account: PagerDutyAccount): void {
    const copy = structuredClone(account);
    new Collection("service", copy.services);
    this.#services.replaceAll(copy.services);
    this.#integrations.replaceAll([]);
    this.#integrationsByKey.clear();
    for (const integration of copy.integrations) this.addIntegration(integration);
    for (const [what, collection, items] of [
      ["user", this.#users, copy.users],
      ["team", this.#teams, copy.teams],
      ["escalation policy", this.#escalationPolicies, copy.escalation_policies],
      ["priority", this.#priorities, copy.priorities],
      ["maintenance window", this.#maintenanceWindows, copy.maintenance_windows],
    ] as const) {
      new Collection<{ id: string }>(what, items);
      (collection as Collection<{ id: string }>).replaceAll(items);
    }
    this.#apiTokens = copy.api_tokens;
    this.#lastMaintenanceWindowNumber = copy.last_maintenance_window_number;
  }

  schedule(id: string): StoredSchedule | undefined {
    return this.schedules.get(id);
  }

  /**
   * The users on call in a schedule at `atMs` (epoch ms): whoever its final schedule (layers and
   * overrides) has then, if they are still users of the account; none in a gap or for an
   * unknown schedule. The incident lifecycle resolves schedule targets with it.
   */
  onCallUsers(scheduleId: string, atMs: number): string[] {
    return this.schedules.onCallUsers(scheduleId, atMs).filter((id) => this.#users.get(id));
  }

  htmlUrl(path: string): string {
    return `https://${this.subdomain}.pagerduty.com/${path}`;
  }

  services(): readonly Service[] {
    return this.#services.all();
  }

  service(id: string): Service | undefined {
    return this.#services.get(id);
  }

  addService(service: Service): void {
    if (this.#services.get(service.id))
      throw new Error(`pagerduty: service id ${service.id} is used twice`);
    this.#services.add(service);
  }

  /** Removes a service and its integrations; its incidents stay, as PagerDuty keeps history. */
  removeService(id: string): Service | undefined {
    const service = this.#services.remove(id);
    if (!service) return undefined;
    for (const integration of this.#integrations.all().filter((i) => i.service.id === id)) {
      this.#integrations.remove(integration.id);
      this.#integrationsByKey.delete(integration.integration_key);
    }
    return service;
  }

  integrations(): readonly Integration[] {
    return this.#integrations.all();
  }

  integration(id: string): Integration | undefined {
    return this.#integrations.get(id);
  }

  integrationByKey(key: string): Integration | undefined {
    return this.#integrationsByKey.get(key);
  }

  /** Adds an integration to its service (which must exist); keys are unique in the account. */
  addIntegration(integration: Integration): void {
    const key = integration.integration_key;
    const other = this.#integrationsByKey.get(key);
    if (other) {
      throw new Error(
        `pagerduty: integrations ${other.id} and ${integration.id} share the key ${key.slice(0, 4)}…`,
      );
    }
    if (this.#integrations.get(integration.id)) {
      throw new Error(`pagerduty: integration id ${integration.id} is used twice`);
    }
    const service = this.#services.get(integration.service.id);
    if (!service) {
      throw new Error(`pagerduty: integration ${integration.id} names no configured service`);
    }
    this.#integrations.add(integration);
    this.#integrationsByKey.set(key, integration);
    if (!service.integrations.some((r) => r.id === integration.id)) {
      service.integrations.push(integrationRef(integration));
    }
  }

  users(): readonly User[] {
    return this.#users.all();
  }

  user(id: string): User | undefined {
    return this.#users.get(id);
  }

  /** Emails compare case-insensitively, as mail addresses do in practice. */
  userByEmail(email: string): User | undefined {
    const wanted = email.trim().toLowerCase();
    return this.#users.all().find((u) => u.email.toLowerCase() === wanted);
  }

  addUser(user: User): void {
    this.#users.add(user);
  }

  removeUser(id: string): User | undefined {
    return this.#users.remove(id);
  }

  teams(): readonly Team[] {
    return this.#teams.all();
  }

  team(id: string): Team | undefined {
    return this.#teams.get(id);
  }

  addTeam(team: Team): void {
    this.#teams.add(team);
  }

  removeTeam(id: string): Team | undefined {
    return this.#teams.remove(id);
  }

  escalationPolicies(): readonly EscalationPolicy[] {
    return this.#escalationPolicies.all();
  }

  escalationPolicy(id: string): EscalationPolicy | undefined {
    return this.#escalationPolicies.get(id);
  }

  addEscalationPolicy(policy: EscalationPolicy): void {
    this.#escalationPolicies.add(policy);
  }

  removeEscalationPolicy(id: string): EscalationPolicy | undefined {
    return this.#escalationPolicies.remove(id);
  }

  priorities(): readonly Priority[] {
    return this.#priorities.all();
  }

  priority(id: string): Priority | undefined {
    return this.#priorities.get(id);
  }

  maintenanceWindows(): readonly MaintenanceWindow[] {
    return this.#maintenanceWindows.all();
  }

  maintenanceWindow(id: string): MaintenanceWindow | undefined {
    return this.#maintenanceWindows.get(id);
  }

  /** Adds a window, numbering it (`sequence_number`) in creation order. */
  addMaintenanceWindow(window: Omit<MaintenanceWindow, "sequence_number">): MaintenanceWindow {
    const numbered = { ...window, sequence_number: ++this.#lastMaintenanceWindowNumber };
    this.#maintenanceWindows.add(numbered);
    return numbered;
  }

  removeMaintenanceWindow(id: string): MaintenanceWindow | undefined {
    return this.#maintenanceWindows.remove(id);
  }

  /** The windows covering a service at an instant: start_time <= now < end_time. */
  ongoingMaintenance(serviceId: string, nowMs: number): MaintenanceWindow[] {
    return this.#maintenanceWindows
      .all()
      .filter(
        (w) =>
          w.services.some((s) => s.id === serviceId) &&
          Date.parse(w.start_time) <= nowMs &&
          nowMs < Date.parse(w.end_time),
      );
  }

  apiTokens(): readonly ApiToken[] {
    return this.#apiTokens;
  }

  apiToken(token: string): ApiToken | undefined {
    return this.#apiTokens.find((t) => t.token === token);
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

  /** An incident's notes, oldest first. */
  notes(incidentId: string): IncidentNote[] {
    return this.#notes.filter((n) => n.incident.id === incidentId);
  }

  addNote(note: IncidentNote): void {
    this.#notes.push(note);
  }

  /** Status updates, oldest first: an incident's, or every one. */
  statusUpdates(incidentId?: string): StatusUpdate[] {
    return incidentId === undefined
      ? [...this.#statusUpdates]
      : this.#statusUpdates.filter((u) => u.incident.id === incidentId);
  }

  addStatusUpdate(update: StatusUpdate): void {
    this.#statusUpdates.push(update);
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

  /**
   * Drops incidents, alerts, log entries and change events, and puts the account back as it was
   * configured (REST-made services, users, policies and windows go; edits are undone).
   */
  reset(): void {
    this.#incidents = [];
    this.#alerts = [];
    this.#logEntries = [];
    this.#changeEvents = [];
    this.#notes = [];
    this.#statusUpdates = [];
    this.#incidentsById.clear();
    this.#alertsById.clear();
    this.#logEntriesById.clear();
    this.#openAlerts.clear();
    this.#lastIncidentNumber = 0;
    this.#loadAccount(this.#configured);
    this.schedules.reset();
  }

  /**
   * Everything as plain data, integration keys included (restore needs them); `redactKeys`
   * replaces them for views such as the admin state endpoint, which is no place for secrets.
   * API tokens are never part of it.
   */
  snapshot(options: { redactKeys?: boolean } = {}): PagerDutyState {
    const integrations = this.#integrations.all();
    return structuredClone({
      services: this.#services.all(),
      integrations: options.redactKeys
        ? integrations.map((i) => ({ ...i, integration_key: "<redacted>" }))
        : integrations,
      incidents: this.#incidents,
      alerts: this.#alerts,
      log_entries: this.#logEntries,
      change_events: this.#changeEvents,
      notes: this.#notes,
      status_updates: this.#statusUpdates,
      last_incident_number: this.#lastIncidentNumber,
      users: this.#users.all(),
      teams: this.#teams.all(),
      escalation_policies: this.#escalationPolicies.all(),
      priorities: this.#priorities.all(),
      maintenance_windows: this.#maintenanceWindows.all(),
      schedules: this.schedules.snapshot(),
    }) as PagerDutyState;
  }

  /**
   * Replaces the state with a snapshot's (one taken without `redactKeys`). A snapshot without
   * `services` replaces only the event-made state and keeps the account as configured; API
   * tokens always stay as configured.
   */
  restore(
    state: Pick<
      PagerDutyState,
      "incidents" | "alerts" | "log_entries" | "change_events" | "last_incident_number"
    > &
      Partial<PagerDutyState>,
  ): void {
    this.reset();
    const copy = structuredClone(state);
    if (copy.services) {
      if (copy.integrations?.some((i) => i.integration_key === "<redacted>")) {
        throw new Error("pagerduty: cannot restore a snapshot whose integration keys are redacted");
      }
      const c = this.#configured;
      const windows = copy.maintenance_windows ?? c.maintenance_windows;
      this.#loadAccount({
        services: copy.services,
        integrations: copy.integrations ?? [],
        users: copy.users ?? c.users,
        teams: copy.teams ?? c.teams,
        escalation_policies: copy.escalation_policies ?? c.escalation_policies,
        priorities: copy.priorities ?? c.priorities,
        maintenance_windows: windows,
        api_tokens: c.api_tokens,
        last_maintenance_window_number: Math.max(0, ...windows.map((w) => w.sequence_number)),
      });
    }
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
    this.#notes = copy.notes ?? [];
    this.#statusUpdates = copy.status_updates ?? [];
    this.#lastIncidentNumber = copy.last_incident_number;
    if (copy.schedules) this.schedules.restore(copy.schedules);
  }
}
