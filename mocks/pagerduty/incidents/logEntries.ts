/**
 * The log entries the lifecycle asks for, as the REST API's LogEntry records: PagerDuty's type,
 * an agent (the user who acted, else the service), the channel it came through, and a summary.
 *
 * Summaries follow the ones real log entries show ("Acknowledged by Tim Wright", "Escalated to
 * Bob Smith by timeout", "Unacknowledged by timeout", "Notified Bob Smith by email", "Resolved
 * by Tim Wright", "Triggered through the API"/"...the website"). PagerDuty documents none of
 * them; entries no example shows (repeat, exhaust, urgency, delegate, snooze, annotate) use the
 * same pattern.
 */
import type { Agent, LogEntryParams } from "../lifecycle/index.js";
import type { Alert, Incident, LogEntry, PagerDutyStore, Reference } from "../store.js";

export interface EntryContext {
  store: PagerDutyStore;
  incident: Incident;
  /** The alert an Events API event applied to, if one did. */
  alert: Alert | undefined;
  newId(): string;
}

/** "A", "A and B", "A, B and C". */
export function names(list: readonly string[]): string {
  if (list.length <= 1) return list[0] ?? "nobody";
  return `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}

export function userName(store: PagerDutyStore, id: string): string {
  return store.user(id)?.name ?? id;
}

export function agentRef(
  incident: Incident,
  by: Agent,
): Reference<"service_reference" | "user_reference"> {
  return by === null
    ? { id: incident.service.id, type: "service_reference" }
    : { id: by, type: "user_reference" };
}

const userRefs = (ids: readonly string[]): Reference<"user_reference">[] =>
  ids.map((id) => ({ id, type: "user_reference" }));

/** " by Tim Wright", " by timeout", or nothing: who or what made the change. */
function byWhom(c: EntryContext, by: Agent, channel: string): string {
  if (by !== null) return ` by ${userName(c.store, by)}`;
  return channel === "timeout" ? " by timeout" : "";
}

/** "... through the API" for the Events API, "... by <user>" for a user, "... by timeout". */
function action(c: EntryContext, verb: string, by: Agent, channel: string): string {
  if (by !== null) return `${verb} by ${userName(c.store, by)}`;
  if (channel === "api") return `${verb} through the API`;
  if (channel === "timeout") return `${verb} by timeout`;
  return verb;
}

/**
 * The record for one of the lifecycle's entries. Trigger and notify entries are built where
 * their details are known (the opening event, the contact method), so they are not built here.
 */
export function logEntryOf(params: LogEntryParams, c: EntryContext): LogEntry | undefined {
  if (params.type === "trigger_log_entry" || params.type === "notify_log_entry") return undefined;
  const at = new Date(params.at).toISOString();
  const base = {
    id: c.newId(),
    created_at: at,
    agent: agentRef(c.incident, params.by),
    channel: { type: params.channel },
    service: { id: c.incident.service.id, type: "service_reference" as const },
    incident: { id: c.incident.id, type: "incident_reference" as const },
    alert: c.alert ? { id: c.alert.id, type: "alert_reference" as const } : null,
    contexts: [],
    event_details: null,
  };
  const by = byWhom(c, params.by, params.channel);
  switch (params.type) {
    case "assign_log_entry":
      return {
        ...base,
        type: params.type,
        summary: `Assigned to ${names(params.assignees.map((u) => userName(c.store, u)))}${by}`,
        assignees: userRefs(params.assignees),
      };
    case "escalate_log_entry":
      return {
        ...base,
        type: params.type,
        summary: `Escalated to ${names(params.assignees.map((u) => userName(c.store, u)))}${by}`,
        assignees: userRefs(params.assignees),
      };
    case "acknowledge_log_entry":
      return {
        ...base,
        type: params.type,
        summary: action(c, "Acknowledged", params.by, params.channel),
      };
    case "unacknowledge_log_entry":
      return {
        ...base,
        type: params.type,
        summary: action(c, "Unacknowledged", params.by, params.channel),
      };
    case "snooze_log_entry":
      return {
        ...base,
        type: params.type,
        summary: `Snoozed until ${new Date(params.until).toISOString()}${by}`,
      };
    case "resolve_log_entry":
      return {
        ...base,
        type: params.type,
        summary: action(c, "Resolved", params.by, params.channel),
        ...(params.resolution === undefined ? {} : { note: params.resolution }),
      };
    case "repeat_escalation_path_log_entry":
      return {
        ...base,
        type: params.type,
        summary: `Repeated the escalation path (repeat ${params.loop})`,
      };
    case "exhaust_escalation_path_log_entry":
      return {
        ...base,
        type: params.type,
        summary: `Escalation policy exhausted at level ${params.level}`,
      };
    case "urgency_change_log_entry":
      return {
        ...base,
        type: params.type,
        summary: `Urgency changed from ${params.from} to ${params.to}${by}`,
      };
    case "delegate_log_entry": {
      const policy = c.store.escalationPolicy(params.escalationPolicyId);
      return {
        ...base,
        type: params.type,
        summary: `Reassigned to escalation policy ${policy?.name ?? params.escalationPolicyId}${by}`,
        escalation_policy: {
          id: params.escalationPolicyId,
          type: "escalation_policy_reference",
        },
        assignees: userRefs(params.assignees),
      };
    }
  }
}
