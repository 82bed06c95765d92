/**
 * Types of PagerDuty's incident lifecycle machine: its input, its events, the context it keeps
 * and the parameters of the effects it asks its host to carry out.
 *
 * Field names follow PagerDuty's REST API where one exists (`escalation_rules`,
 * `escalation_delay_in_minutes`, `num_loops`, the log entry types).
 */

export type Urgency = "high" | "low";

export type IncidentStatus = "triggered" | "acknowledged" | "resolved";

/** How the incident came to its assignees: the Incident object's `assigned_via`. */
export type AssignedVia = "escalation_policy" | "direct_assignment";

/** A target of an escalation rule. `user`/`schedule` are accepted as the spec's older spellings. */
export interface EscalationTarget {
  type: "user_reference" | "schedule_reference" | "user" | "schedule";
  id: string;
}

export interface EscalationRuleSnapshot {
  id: string;
  /** Minutes before an unacknowledged incident escalates away from this rule. */
  escalation_delay_in_minutes: number;
  targets: readonly EscalationTarget[];
}

/**
 * The escalation policy as it was when the incident was created: PagerDuty incidents follow that
 * version, later edits of the policy do not apply to them.
 */
export interface EscalationPolicySnapshot {
  id: string;
  /** How many times the rules are repeated after the first pass (0: no repeat). */
  num_loops: number;
  escalation_rules: readonly EscalationRuleSnapshot[];
}

/** The users on call for a schedule at an instant (epoch ms), in a stable order. */
export type OnCallUsers = (scheduleId: string, at: number) => readonly string[];

export interface IncidentLifecycleInput {
  incidentId: string;
  urgency: Urgency;
  escalationPolicy: EscalationPolicySnapshot;
  /** The service's `acknowledgement_timeout` in seconds; null, 0 or absent: off. */
  acknowledgementTimeoutSec?: number | null;
  /** The service's `auto_resolve_timeout` in seconds; null, 0 or absent: off. */
  autoResolveTimeoutSec?: number | null;
  /** The simulator clock's time (epoch ms): `() => clock.now()`. Used to stamp timers and entries. */
  now: () => number;
  /** Resolves schedule targets; required only when the policy has schedule targets. */
  onCallUsers?: OnCallUsers;
  /** Channel of the trigger log entry (default "api", as for the Events API). */
  triggerChannel?: string;
}

/** A place on the escalation path: a 1-based rule level in a 0-based loop over the rules. */
export interface EscalationPosition {
  level: number;
  loop: number;
}

export interface Acknowledgement {
  /** The acknowledging user, or null for an acknowledgement through the Events API. */
  by: string | null;
  at: number;
}

export interface IncidentLifecycleContext {
  readonly incidentId: string;
  urgency: Urgency;
  escalationPolicy: EscalationPolicySnapshot;
  readonly acknowledgementTimeoutMs: number | null;
  readonly autoResolveTimeoutMs: number | null;
  readonly now: () => number;
  /** null when the input gave none: then no policy with schedule targets is accepted. */
  readonly onCallUsers: OnCallUsers | null;
  readonly triggerChannel: string;
  /** 1-based level of the escalation rule the incident is on. */
  escalationLevel: number;
  /** 0-based pass over the rules: 0 on the first pass, up to `num_loops`. */
  escalationLoop: number;
  /** True once the path ran out: the incident stays where it is and escalates no further. */
  escalationExhausted: boolean;
  assignedVia: AssignedVia;
  /** User ids, in notification order. Empty once resolved. */
  assignees: string[];
  /** Empty unless acknowledged. */
  acknowledgements: Acknowledgement[];
  /** A snooze's duration (ms), in force until the next acknowledgement timeout or status change. */
  snoozeMs: number | null;
  /**
   * The status as of the last state entered: a transition's actions see the status it leaves.
   * Kept by the machine itself; read the status with `incidentStatus(snapshot)`.
   */
  status: IncidentStatus;
  /** When the running timers were armed (epoch ms): what `pending_actions` is computed from. */
  escalationTimerStartedAt: number | null;
  acknowledgementTimerStartedAt: number | null;
  autoResolveTimerStartedAt: number | null;
}

/** Who did it: a user id, or null for PagerDuty itself or the service (Events API). */
export type Agent = string | null;

export type IncidentLifecycleEvent =
  | { type: "ACKNOWLEDGE"; by: Agent; channel?: string }
  /** REST `status: "triggered"` on an acknowledged incident. */
  | { type: "UNACKNOWLEDGE"; by: Agent; channel?: string }
  | { type: "RESOLVE"; by: Agent; channel?: string; resolution?: string }
  /** REST `escalation_level`: reassign to a level of the incident's policy (high urgency only). */
  | { type: "ESCALATE"; level: number; by: Agent; channel?: string }
  /** REST `assignments`: direct assignment to users; the policy no longer escalates it. */
  | { type: "REASSIGN"; assignees: readonly string[]; by: Agent; channel?: string }
  /** REST `escalation_policy`: reassign to another policy, from its first level. */
  | {
      type: "DELEGATE";
      escalationPolicy: EscalationPolicySnapshot;
      by: Agent;
      channel?: string;
    }
  /** `POST /incidents/{id}/snooze`: acknowledged incidents only, 1..604800 seconds. */
  | { type: "SNOOZE"; durationSec: number; by: Agent; channel?: string }
  | { type: "URGENCY"; urgency: Urgency; by: Agent; channel?: string }
  /**
   * REST `status: "triggered" | "acknowledged"` on a resolved incident. Reopened triggered, it is
   * assigned to `assignees` if given, else to `escalationPolicy` (the service's current one) if
   * given, else to its own policy; reopened acknowledged, to the user who reopened it.
   */
  | {
      type: "REOPEN";
      status: "triggered" | "acknowledged";
      by: Agent;
      assignees?: readonly string[];
      escalationPolicy?: EscalationPolicySnapshot;
      channel?: string;
    };

/** Why users are notified. */
export type NotificationReason =
  | "triggered"
  | "escalated"
  | "reassigned"
  | "delegated"
  | "unacknowledged"
  | "reopened";

export interface NotifyUserParams {
  incidentId: string;
  userId: string;
  level: number;
  loop: number;
  urgency: Urgency;
  reason: NotificationReason;
  at: number;
}

interface LogEntryBase {
  incidentId: string;
  at: number;
  /** The log entry's `channel.type`: "api", "auto", "timeout", "website", ... */
  channel: string;
  by: Agent;
}

/** The log entries the lifecycle writes, by PagerDuty's log entry type. */
export type LogEntryParams = LogEntryBase &
  (
    | { type: "trigger_log_entry" }
    | {
        type: "assign_log_entry";
        assignees: string[];
        assignedVia: AssignedVia;
        level: number;
        loop: number;
      }
    | {
        type: "escalate_log_entry";
        assignees: string[];
        fromLevel: number;
        level: number;
        loop: number;
      }
    | { type: "notify_log_entry"; userId: string; level: number; loop: number; urgency: Urgency }
    | { type: "acknowledge_log_entry" }
    | { type: "unacknowledge_log_entry" }
    | { type: "snooze_log_entry"; durationSec: number; until: number }
    | { type: "resolve_log_entry"; resolution?: string }
    | { type: "repeat_escalation_path_log_entry"; loop: number }
    | { type: "exhaust_escalation_path_log_entry"; level: number; loop: number }
    | { type: "urgency_change_log_entry"; from: Urgency; to: Urgency }
    | { type: "delegate_log_entry"; escalationPolicyId: string; assignees: string[] }
  );

export type LogEntryType = LogEntryParams["type"];

export type StatusChangeReason =
  | "triggered"
  | "acknowledged"
  | "unacknowledged"
  | "escalated"
  | "reassigned"
  | "delegated"
  | "resolved"
  | "reopened";

/** One call per status change, for webhooks (`incident.triggered`, `.acknowledged`, ...). */
export interface StatusChangedParams {
  incidentId: string;
  /** null when the incident is created. */
  from: IncidentStatus | null;
  to: IncidentStatus;
  reason: StatusChangeReason;
  by: Agent;
  channel: string;
  assignees: string[];
  urgency: Urgency;
  at: number;
}

/** A `pending_actions` item of the Incident object (`at` in epoch ms). */
export interface PendingAction {
  type: "escalate" | "resolve" | "unacknowledge";
  at: number;
}
