/**
 * PagerDuty incidents end to end: every incident the Events API or `POST /incidents` opens
 * runs PagerDuty's lifecycle (../lifecycle) as one actor on the simulator clock, with the
 * service's escalation policy as it is at that moment, the urgency its rule gives, and the
 * service's acknowledgement and auto-resolve timeouts. What the lifecycle does lands in the
 * store, the journal and the webhooks module (./runtime.ts). The REST routes reach the account's
 * incidents through `incidentsOf(store)`.
 */
import type { Clock } from "../../../simulator/kernel/clock.js";
import type { Journal } from "../../../simulator/kernel/journal.js";
import type { Agent, IncidentLifecycleEvent, OnCallUsers } from "../lifecycle/index.js";
import type {
  Alert,
  EscalationPolicy,
  Incident,
  IncidentNote,
  PagerDutyStore,
  Priority,
  Service,
  StatusUpdate,
  Urgency,
  User,
} from "../store.js";
import type { PagerDutyWebhooks } from "../webhooks/index.js";
import { hasSomeoneOnCall, policySnapshot, servicePolicy, storeOnCallUsers } from "./policy.js";
import type { References } from "./references.js";
import { type ChangeContext, IncidentRuntime } from "./runtime.js";
import { noteWebhookData, statusUpdateWebhookData } from "./webhookData.js";

export { policySnapshot, storeOnCallUsers } from "./policy.js";
export type { References } from "./references.js";
export type { ChangeContext } from "./runtime.js";
export { incidentWebhookData } from "./webhookData.js";

export interface IncidentsOptions {
  store: PagerDutyStore;
  clock: Clock;
  journal: Journal;
  /** Where webhooks go; absent: none are published. */
  webhooks?: PagerDutyWebhooks;
  /** A new PagerDuty object id (`P` + 6). */
  newId(): string;
  /** A new incident key for `POST /incidents` without one: 32 lowercase hex digits. */
  newIncidentKey(): string;
  /** The trace id a trigger's details carry, if any (index.ts's `traced`). */
  traceIdOf?(details: unknown): string | undefined;
  /** Who is on call in a schedule; default the store's schedules, else nobody. */
  onCallUsers?: OnCallUsers;
}

/** `POST /incidents`, checked. */
export interface CreateIncidentInput {
  service: Service;
  title: string;
  urgency: Urgency;
  requester: User;
  /** The policy to follow; default the service's. */
  escalationPolicy?: EscalationPolicy;
  /** Direct assignment instead of the policy's first level. */
  assignees?: readonly string[];
  incidentKey?: string;
  priority?: Priority | null;
  body?: { type: "incident_body"; details: string } | null;
}

export interface Incidents {
  readonly store: PagerDutyStore;
  readonly webhooks: PagerDutyWebhooks | undefined;
  readonly refs: References;

  /** Whether anyone is on call anywhere on the policy's path now. */
  hasSomeoneOnCall(policy: EscalationPolicy): boolean;
  /** Why no incident may open on this service now (no policy, nobody on call); else undefined. */

  refuseOpening(service: Service): string | undefined;
  /** The Events API opened this incident (its first alert and trigger entry are stored). */
  opened(incident: Incident, correlation?: Record<string, string>): void;
  /** An Events API acknowledge or resolve for the incident's alert, through the lifecycle. */
  acknowledgeByEvent(incident: Incident, alert: Alert, correlation?: Record<string, string>): void;
  resolveByEvent(incident: Incident, alert: Alert, correlation?: Record<string, string>): void;

  /** `POST /incidents`: the incident, stored and started. */
  create(input: CreateIncidentInput): Incident;
  /** Whether the incident's lifecycle takes the event now. */
  can(incident: Incident, event: IncidentLifecycleEvent): boolean;
  /** The first of `events` the lifecycle would refuse in turn (-1: none), carrying out nothing. */
  refusal(incident: Incident, events: readonly IncidentLifecycleEvent[]): number;
  /** Sends an event the lifecycle takes; false (nothing done) when it does not. */
  send(incident: Incident, event: IncidentLifecycleEvent, context?: ChangeContext): boolean;
  /** The number of rules of the policy the incident follows now, for escalation_level checks. */
  levels(incident: Incident): number;
  /** Changes that are not the lifecycle's: title and priority (journaled, webhook for priority). */
  setTitle(incident: Incident, title: string, by: Agent): void;
  setPriority(incident: Incident, priority: Priority | null, by: Agent): void;
  addNote(incident: Incident, user: User, content: string): IncidentNote;
  addStatusUpdate(
    incident: Incident,
    user: User,
    update: { message: string; subject?: string; html_message?: string },
  ): StatusUpdate;

  /** Stops every lifecycle (the store is reset on its own). */
  reset(): void;
}

const attached = new WeakMap<PagerDutyStore, Incidents>();

/** The incidents of the account this store belongs to (route modules get the store only). */
export function incidentsOf(store: PagerDutyStore): Incidents {
  const found = attached.get(store);
  if (!found) throw new Error("pagerduty: this store has no incidents module (createIncidents)");
  return found;
}

export function createIncidents(options: IncidentsOptions): Incidents {
  const { store, clock } = options;
  const onCallUsers = options.onCallUsers ?? storeOnCallUsers(store);
  const runtime = new IncidentRuntime({
    store,
    clock,
    journal: options.journal,
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    newId: options.newId,
    onCallUsers,
    traceIdOf: options.traceIdOf ?? (() => undefined),
  });
  const iso = () => new Date(clock.now()).toISOString();
  const agent = (incident: Incident, by: Agent) =>
    by === null
      ? ({ id: incident.service.id, type: "service_reference" } as const)
      : ({ id: by, type: "user_reference" } as const);

  /** Without a running lifecycle (a restored store), a change is made on the record alone. */
  const direct = (
    incident: Incident,
    status: "acknowledged" | "resolved",
    alert: Alert,
    correlation?: Record<string, string>,
  ) => {
    const at = iso();
    store.setIncidentStatus(incident, status, at, agent(incident, null));
    store.addLogEntry({
      id: options.newId(),
      type: status === "acknowledged" ? "acknowledge_log_entry" : "resolve_log_entry",
      summary:
        status === "acknowledged" ? "Acknowledged through the API" : "Resolved through the API",
      created_at: at,
      agent: agent(incident, null),
      channel: { type: "api" },
      service: incident.service,
      incident: { id: incident.id, type: "incident_reference" },
      alert: { id: alert.id, type: "alert_reference" },
      contexts: [],
      event_details: null,
    });
    runtime.journalIncident(
      incident,
      status,
      { by: null, channel: "api" },
      { correlation: correlation ?? {} },
    );
  };

  const incidents: Incidents = {
    store,
    webhooks: options.webhooks,
    refs: runtime.refs,

    hasSomeoneOnCall: (policy) => hasSomeoneOnCall(policy, onCallUsers, clock.now()),

    refuseOpening(service) {
      const found = servicePolicy(store, service);
      if ("refused" in found) return found.refused;
      if (!hasSomeoneOnCall(found.policy, onCallUsers, clock.now())) {
        return `nobody is on call in escalation policy ${found.policy.id}`;
      }
      return undefined;
    },

    opened(incident, correlation) {
      const service = store.service(incident.service.id);
      if (!service) throw new Error(`pagerduty: incident ${incident.id} names no service`);
      const found = servicePolicy(store, service);
      if ("refused" in found) {
        throw new Error(`pagerduty: incident ${incident.id} cannot open: ${found.refused}`);
      }
      runtime.start({
        incident,
        service,
        policy: policySnapshot(found.policy),
        triggerChannel: "api",
        by: null,
        ...(correlation ? { correlation } : {}),
      });
    },

    acknowledgeByEvent(incident, alert, correlation) {
      const event = { type: "ACKNOWLEDGE", by: null, channel: "api" } as const;
      if (!runtime.has(incident.id)) return direct(incident, "acknowledged", alert, correlation);
      runtime.send(incident.id, event, { alert, ...(correlation ? { correlation } : {}) });
    },

    resolveByEvent(incident, alert, correlation) {
      const event = { type: "RESOLVE", by: null, channel: "api" } as const;
      if (!runtime.has(incident.id)) return direct(incident, "resolved", alert, correlation);
      runtime.send(incident.id, event, { alert, ...(correlation ? { correlation } : {}) });
    },

    create(input) {
      const { service, requester } = input;
      const policy = input.escalationPolicy ?? servicePolicyOrThrow(store, service);
      const at = iso();
      const id = options.newId();
      const entryId = options.newId();
      const incident: Incident = {
        id,
        type: "incident",
        incident_number: store.nextIncidentNumber(),
        title: input.title,
        status: "triggered",
        urgency: input.urgency,
        incident_key: input.incidentKey ?? options.newIncidentKey(),
        html_url: store.htmlUrl(`incidents/${id}`),
        created_at: at,
        updated_at: at,
        last_status_change_at: at,
        last_status_change_by: { id: requester.id, type: "user_reference" },
        resolved_at: null,
        service: { id: service.id, type: "service_reference" },
        first_trigger_log_entry: { id: entryId, type: "trigger_log_entry_reference" },
        alert_counts: { all: 0, triggered: 0, resolved: 0 },
        acknowledgements: [],
        assignments: [],
        escalation_policy: { id: policy.id, type: "escalation_policy_reference" },
        priority: input.priority ? { id: input.priority.id, type: "priority_reference" } : null,
        alert_grouping: null,
        alerts: [],
        body: input.body ?? null,
      };
      store.addIncident(incident);
      service.last_incident_timestamp = at;
      runtime.start({
        incident,
        service,
        policy: policySnapshot(policy),
        triggerChannel: "web_trigger",
        by: requester.id,
        ...(input.assignees && input.assignees.length > 0 ? { assignees: input.assignees } : {}),
        trigger: { summary: input.title, details: input.body?.details ?? null },
      });
      return incident;
    },

    can: (incident, event) => runtime.can(incident.id, event),
    refusal: (incident, events) => runtime.refusal(incident.id, events),
    send: (incident, event, context) => runtime.send(incident.id, event, context),
    levels(incident) {
      return runtime.snapshot(incident.id)?.context.escalationPolicy.escalation_rules.length ?? 0;
    },

    setTitle(incident, title, by) {
      if (incident.title === title) return;
      const from = incident.title;
      incident.title = title;
      incident.updated_at = iso();
      runtime.journalIncident(incident, "title_updated", { from, by });
    },

    setPriority(incident, priority, by) {
      if ((incident.priority?.id ?? null) === (priority?.id ?? null)) return;
      const from = incident.priority?.id ?? null;
      incident.priority = priority ? { id: priority.id, type: "priority_reference" } : null;
      incident.updated_at = iso();
      runtime.journalIncident(incident, "priority_updated", { from, by });
      runtime.publish(incident, "incident.priority_updated", agent(incident, by));
    },

    addNote(incident, user, content) {
      const at = iso();
      const note: IncidentNote = {
        id: options.newId(),
        incident: { id: incident.id, type: "incident_reference" },
        user: { id: user.id, type: "user_reference" },
        content,
        created_at: at,
        updated_at: at,
      };
      store.addNote(note);
      store.addLogEntry({
        id: options.newId(),
        type: "annotate_log_entry",
        summary: `Note added by ${user.name}`,
        created_at: at,
        agent: { id: user.id, type: "user_reference" },
        channel: { type: "note", summary: content },
        service: incident.service,
        incident: { id: incident.id, type: "incident_reference" },
        alert: null,
        contexts: [],
        event_details: null,
        note: content,
      });
      runtime.journalIncident(incident, "annotated", { note: note.id, by: user.id });
      runtime.publish(
        incident,
        "incident.annotated",
        { id: user.id, type: "user_reference" },
        noteWebhookData(runtime.refs, incident, note),
      );
      return note;
    },

    addStatusUpdate(incident, user, update) {
      const status: StatusUpdate = {
        id: options.newId(),
        incident: { id: incident.id, type: "incident_reference" },
        sender: { id: user.id, type: "user_reference" },
        message: update.message,
        ...(update.subject === undefined ? {} : { subject: update.subject }),
        ...(update.html_message === undefined ? {} : { html_message: update.html_message }),
        created_at: iso(),
      };
      store.addStatusUpdate(status);
      runtime.journalIncident(incident, "status_update_published", {
        status_update: status.id,
        message: status.message,
        by: user.id,
      });
      runtime.publish(
        incident,
        "incident.status_update_published",
        { id: user.id, type: "user_reference" },
        statusUpdateWebhookData(runtime.refs, incident, status),
      );
      return status;
    },

    reset: () => runtime.reset(),
  };
  attached.set(store, incidents);
  return incidents;
}

function servicePolicyOrThrow(store: PagerDutyStore, service: Service): EscalationPolicy {
  const found = servicePolicy(store, service);
  if ("refused" in found) throw new Error(`pagerduty: ${found.refused}`);
  return found.policy;
}
