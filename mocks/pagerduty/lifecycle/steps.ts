/**
 * What each transition of the lifecycle does, as pure functions of the context (and event): the
 * context fields that change, and the effects the host carries out, in order. The machine applies
 * them through named actions; nothing here performs an effect.
 */
import { copyPolicy, findStaffedPosition, nextPosition } from "./escalation.js";
import type {
  Agent,
  AssignedVia,
  EscalationPolicySnapshot,
  IncidentLifecycleContext,
  IncidentStatus,
  LogEntryParams,
  NotificationReason,
  NotifyUserParams,
  OnCallUsers,
  StatusChangedParams,
  StatusChangeReason,
} from "./types.js";

export type LifecycleEffect =
  | { type: "notifyUser"; params: NotifyUserParams }
  | { type: "logEntry"; params: LogEntryParams }
  | { type: "statusChanged"; params: StatusChangedParams };

export interface LifecycleStep {
  patch: Partial<IncidentLifecycleContext>;
  effects: LifecycleEffect[];
}

/** Distributes over the log entry union, so each entry keeps its own fields. */
type EntryFields<T> = T extends LogEntryParams ? Omit<T, "incidentId" | "at"> : never;

/** Collects a step's effects, all stamped with the same instant. */
class Effects {
  readonly list: LifecycleEffect[] = [];
  readonly at: number;

  constructor(private readonly context: IncidentLifecycleContext) {
    this.at = context.now();
  }

  log(entry: EntryFields<LogEntryParams>): void {
    this.list.push({
      type: "logEntry",
      params: { ...entry, incidentId: this.context.incidentId, at: this.at } as LogEntryParams,
    });
  }

  /** One notification (and its notify_log_entry) per user, in order. */
  notify(
    users: readonly string[],
    reason: NotificationReason,
    where: { level: number; loop: number; urgency: IncidentLifecycleContext["urgency"] },
  ): void {
    for (const userId of users) {
      this.list.push({
        type: "notifyUser",
        params: {
          incidentId: this.context.incidentId,
          userId,
          level: where.level,
          loop: where.loop,
          urgency: where.urgency,
          reason,
          at: this.at,
        },
      });
      this.log({
        type: "notify_log_entry",
        channel: "auto",
        by: null,
        userId,
        level: where.level,
        loop: where.loop,
        urgency: where.urgency,
      });
    }
  }

  status(
    from: IncidentStatus | null,
    to: IncidentStatus,
    change: { reason: StatusChangeReason; by: Agent; channel: string; assignees: string[] },
  ): void {
    this.list.push({
      type: "statusChanged",
      params: {
        incidentId: this.context.incidentId,
        from,
        to,
        ...change,
        urgency: this.context.urgency,
        at: this.at,
      },
    });
  }
}

/** The on-call resolver; inputs and guards keep schedule targets out when there is none. */
function onCall(context: IncidentLifecycleContext): OnCallUsers {
  return (
    context.onCallUsers ??
    ((scheduleId) => {
      throw new Error(
        `incident ${context.incidentId}: schedule ${scheduleId} targeted but no onCallUsers was given`,
      );
    })
  );
}

function unique(users: readonly string[]): string[] {
  return [...new Set(users)];
}

function sameUsers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((user, index) => user === b[index]);
}

/** Users who acknowledged (Events API acknowledgements have no user). */
function acknowledgingUsers(context: IncidentLifecycleContext): string[] {
  return unique(context.acknowledgements.flatMap((ack) => (ack.by === null ? [] : [ack.by])));
}

/**
 * Assigns the incident to a policy from its first level: the first level with someone on call.
 * With nobody on call anywhere, the path is exhausted at level 1 with no assignee.
 */
function assignFromStart(
  context: IncidentLifecycleContext,
  policy: EscalationPolicySnapshot,
  at: number,
) {
  const found = findStaffedPosition(policy, { level: 1, loop: 0 }, onCall(context), at);
  return found
    ? {
        escalationLevel: found.level,
        escalationLoop: found.loop,
        escalationExhausted: false,
        assignees: found.users,
      }
    : { escalationLevel: 1, escalationLoop: 0, escalationExhausted: true, assignees: [] };
}

/** The incident is created: trigger entry, assignment to the policy, notifications. */
export function triggerStep(context: IncidentLifecycleContext): LifecycleStep {
  const effects = new Effects(context);
  const assignment = assignFromStart(context, context.escalationPolicy, effects.at);
  effects.log({ type: "trigger_log_entry", channel: context.triggerChannel, by: null });
  const where = {
    level: assignment.escalationLevel,
    loop: assignment.escalationLoop,
    urgency: context.urgency,
  };
  if (assignment.escalationExhausted) {
    effects.log({ type: "exhaust_escalation_path_log_entry", channel: "auto", by: null, ...where });
  } else {
    effects.log({
      type: "assign_log_entry",
      channel: "auto",
      by: null,
      assignees: assignment.assignees,
      assignedVia: "escalation_policy",
      level: where.level,
      loop: where.loop,
    });
    effects.notify(assignment.assignees, "triggered", where);
  }
  effects.status(null, "triggered", {
    reason: "triggered",
    by: null,
    channel: context.triggerChannel,
    assignees: assignment.assignees,
  });
  return {
    patch: { ...assignment, assignedVia: "escalation_policy", status: "triggered" },
    effects: effects.list,
  };
}

/**
 * The current rule's delay ran out unacknowledged: on to the next position of the path that has
 * someone on call (looping `num_loops` times), or, with none left, the path is exhausted and the
 * incident stays where it is.
 */
export function escalateOnTimeoutStep(context: IncidentLifecycleContext): LifecycleStep {
  const effects = new Effects(context);
  const here = { level: context.escalationLevel, loop: context.escalationLoop };
  const next = nextPosition(context.escalationPolicy, here);
  const found = next
    ? findStaffedPosition(context.escalationPolicy, next, onCall(context), effects.at)
    : null;
  if (!found) {
    effects.log({
      type: "exhaust_escalation_path_log_entry",
      channel: "timeout",
      by: null,
      ...here,
    });
    return { patch: { escalationExhausted: true }, effects: effects.list };
  }
  for (let loop = here.loop + 1; loop <= found.loop; loop++) {
    effects.log({ type: "repeat_escalation_path_log_entry", channel: "timeout", by: null, loop });
  }
  effects.log({
    type: "escalate_log_entry",
    channel: "timeout",
    by: null,
    assignees: found.users,
    fromLevel: here.level,
    level: found.level,
    loop: found.loop,
  });
  effects.notify(found.users, "escalated", { ...found, urgency: context.urgency });
  return {
    patch: {
      escalationLevel: found.level,
      escalationLoop: found.loop,
      assignees: found.users,
    },
    effects: effects.list,
  };
}

/** Fields every move back to triggered resets: no acknowledgement, no snooze. */
function clearAcknowledgement(): Pick<IncidentLifecycleContext, "acknowledgements" | "snoozeMs"> {
  return { acknowledgements: [], snoozeMs: null };
}

/** REST `escalation_level`: to that level of the current loop (or the next staffed one after it). */
export function escalateManuallyStep(
  context: IncidentLifecycleContext,
  event: { level: number; by: Agent; channel?: string },
): LifecycleStep {
  const effects = new Effects(context);
  const channel = event.channel ?? "api";
  const found = findStaffedPosition(
    context.escalationPolicy,
    { level: event.level, loop: context.escalationLoop },
    onCall(context),
    effects.at,
  );
  let patch: Partial<IncidentLifecycleContext>;
  if (found) {
    effects.log({
      type: "escalate_log_entry",
      channel,
      by: event.by,
      assignees: found.users,
      fromLevel: context.escalationLevel,
      level: found.level,
      loop: found.loop,
    });
    effects.notify(found.users, "escalated", { ...found, urgency: context.urgency });
    patch = {
      escalationLevel: found.level,
      escalationLoop: found.loop,
      escalationExhausted: false,
      assignedVia: "escalation_policy",
      assignees: found.users,
    };
  } else {
    effects.log({
      type: "exhaust_escalation_path_log_entry",
      channel,
      by: event.by,
      level: context.escalationLevel,
      loop: context.escalationLoop,
    });
    patch = { escalationExhausted: true };
  }
  if (context.status === "acknowledged") {
    effects.status("acknowledged", "triggered", {
      reason: "escalated",
      by: event.by,
      channel,
      assignees: found ? found.users : context.assignees,
    });
  }
  return { patch: { ...patch, ...clearAcknowledgement() }, effects: effects.list };
}

/** REST `assignments`: only these users are notified; the policy no longer escalates it. */
export function reassignStep(
  context: IncidentLifecycleContext,
  event: { assignees: readonly string[]; by: Agent; channel?: string },
): LifecycleStep {
  const effects = new Effects(context);
  const channel = event.channel ?? "api";
  const assignees = unique(event.assignees);
  const where = {
    level: context.escalationLevel,
    loop: context.escalationLoop,
    urgency: context.urgency,
  };
  effects.log({
    type: "assign_log_entry",
    channel,
    by: event.by,
    assignees,
    assignedVia: "direct_assignment",
    level: where.level,
    loop: where.loop,
  });
  effects.notify(assignees, "reassigned", where);
  if (context.status === "acknowledged") {
    effects.status("acknowledged", "triggered", {
      reason: "reassigned",
      by: event.by,
      channel,
      assignees,
    });
  }
  return {
    patch: {
      assignees,
      assignedVia: "direct_assignment",
      escalationExhausted: false,
      ...clearAcknowledgement(),
    },
    effects: effects.list,
  };
}

/** REST `escalation_policy`: the incident follows another policy, from its first level. */
export function delegateStep(
  context: IncidentLifecycleContext,
  event: { escalationPolicy: EscalationPolicySnapshot; by: Agent; channel?: string },
): LifecycleStep {
  const effects = new Effects(context);
  const channel = event.channel ?? "api";
  const policy = copyPolicy(event.escalationPolicy);
  const assignment = assignFromStart(context, policy, effects.at);
  const where = {
    level: assignment.escalationLevel,
    loop: assignment.escalationLoop,
    urgency: context.urgency,
  };
  effects.log({
    type: "delegate_log_entry",
    channel,
    by: event.by,
    escalationPolicyId: policy.id,
    assignees: assignment.assignees,
  });
  if (assignment.escalationExhausted) {
    effects.log({ type: "exhaust_escalation_path_log_entry", channel, by: event.by, ...where });
  }
  effects.notify(assignment.assignees, "delegated", where);
  if (context.status === "acknowledged") {
    effects.status("acknowledged", "triggered", {
      reason: "delegated",
      by: event.by,
      channel,
      assignees: assignment.assignees,
    });
  }
  return {
    patch: {
      ...assignment,
      escalationPolicy: policy,
      assignedVia: "escalation_policy",
      ...clearAcknowledgement(),
    },
    effects: effects.list,
  };
}

/** Acknowledge (again, by another user or the same): halts escalation, restarts the ack timeout. */
export function acknowledgeStep(
  context: IncidentLifecycleContext,
  event: { by: Agent; channel?: string },
): LifecycleStep {
  const effects = new Effects(context);
  const channel = event.channel ?? "api";
  effects.log({ type: "acknowledge_log_entry", channel, by: event.by });
  if (context.status !== "acknowledged") {
    effects.status(context.status, "acknowledged", {
      reason: "acknowledged",
      by: event.by,
      channel,
      assignees: context.assignees,
    });
  }
  const acknowledgements = [
    ...context.acknowledgements.filter((ack) => ack.by !== event.by),
    { by: event.by, at: effects.at },
  ];
  return { patch: { acknowledgements, snoozeMs: null }, effects: effects.list };
}

/** A custom acknowledgement timeout for this incident, from now. */
export function snoozeStep(
  context: IncidentLifecycleContext,
  event: { durationSec: number; by: Agent; channel?: string },
): LifecycleStep {
  const effects = new Effects(context);
  const snoozeMs = event.durationSec * 1000;
  effects.log({
    type: "snooze_log_entry",
    channel: event.channel ?? "api",
    by: event.by,
    durationSec: event.durationSec,
    until: effects.at + snoozeMs,
  });
  return { patch: { snoozeMs }, effects: effects.list };
}

/**
 * Back to triggered (acknowledgement timeout, snooze over, or REST status=triggered): the
 * notification process starts from the beginning, re-notifying whoever acknowledged and whoever is
 * on call at the first level now.
 */
export function unacknowledgeStep(
  context: IncidentLifecycleContext,
  change: { by: Agent; channel: string },
): LifecycleStep {
  const effects = new Effects(context);
  const acknowledgers = acknowledgingUsers(context);
  let assignment: Pick<
    IncidentLifecycleContext,
    "escalationLevel" | "escalationLoop" | "escalationExhausted" | "assignees"
  >;
  if (context.assignedVia === "escalation_policy") {
    const fromStart = assignFromStart(context, context.escalationPolicy, effects.at);
    assignment = {
      ...fromStart,
      assignees: unique([...acknowledgers, ...fromStart.assignees]),
    };
  } else {
    assignment = {
      escalationLevel: context.escalationLevel,
      escalationLoop: context.escalationLoop,
      escalationExhausted: false,
      assignees: unique([...acknowledgers, ...context.assignees]),
    };
  }
  const where = {
    level: assignment.escalationLevel,
    loop: assignment.escalationLoop,
    urgency: context.urgency,
  };
  effects.log({ type: "unacknowledge_log_entry", channel: change.channel, by: change.by });
  if (!sameUsers(assignment.assignees, context.assignees)) {
    effects.log({
      type: "assign_log_entry",
      channel: change.channel,
      by: change.by,
      assignees: assignment.assignees,
      assignedVia: context.assignedVia,
      level: where.level,
      loop: where.loop,
    });
  }
  if (assignment.escalationExhausted) {
    effects.log({
      type: "exhaust_escalation_path_log_entry",
      channel: change.channel,
      by: change.by,
      level: where.level,
      loop: where.loop,
    });
  }
  effects.notify(assignment.assignees, "unacknowledged", where);
  effects.status("acknowledged", "triggered", {
    reason: "unacknowledged",
    ...change,
    assignees: assignment.assignees,
  });
  return { patch: { ...assignment, ...clearAcknowledgement() }, effects: effects.list };
}

export function resolveStep(
  context: IncidentLifecycleContext,
  change: { by: Agent; channel: string; resolution?: string },
): LifecycleStep {
  const effects = new Effects(context);
  effects.log({
    type: "resolve_log_entry",
    channel: change.channel,
    by: change.by,
    ...(change.resolution === undefined ? {} : { resolution: change.resolution }),
  });
  effects.status(context.status, "resolved", {
    reason: "resolved",
    by: change.by,
    channel: change.channel,
    assignees: [],
  });
  return { patch: { assignees: [], ...clearAcknowledgement() }, effects: effects.list };
}

export function changeUrgencyStep(
  context: IncidentLifecycleContext,
  event: { urgency: IncidentLifecycleContext["urgency"]; by: Agent; channel?: string },
): LifecycleStep {
  const effects = new Effects(context);
  effects.log({
    type: "urgency_change_log_entry",
    channel: event.channel ?? "api",
    by: event.by,
    from: context.urgency,
    to: event.urgency,
  });
  return { patch: { urgency: event.urgency }, effects: effects.list };
}

/** REST status=triggered|acknowledged on a resolved incident. */
export function reopenStep(
  context: IncidentLifecycleContext,
  event: {
    status: "triggered" | "acknowledged";
    by: Agent;
    assignees?: readonly string[];
    escalationPolicy?: EscalationPolicySnapshot;
    channel?: string;
  },
): LifecycleStep {
  const effects = new Effects(context);
  const channel = event.channel ?? "api";
  const policy = event.escalationPolicy
    ? copyPolicy(event.escalationPolicy)
    : context.escalationPolicy;
  let assignedVia: AssignedVia;
  let assignment: Pick<
    IncidentLifecycleContext,
    "escalationLevel" | "escalationLoop" | "escalationExhausted" | "assignees"
  >;
  if (event.status === "acknowledged" || event.assignees) {
    assignedVia = "direct_assignment";
    const assignees =
      event.status === "acknowledged"
        ? event.by === null
          ? []
          : [event.by]
        : unique(event.assignees ?? []);
    assignment = { escalationLevel: 1, escalationLoop: 0, escalationExhausted: false, assignees };
  } else {
    assignedVia = "escalation_policy";
    assignment = assignFromStart(context, policy, effects.at);
  }
  const where = {
    level: assignment.escalationLevel,
    loop: assignment.escalationLoop,
    urgency: context.urgency,
  };
  if (assignment.escalationExhausted) {
    effects.log({ type: "exhaust_escalation_path_log_entry", channel, by: event.by, ...where });
  } else {
    effects.log({
      type: "assign_log_entry",
      channel,
      by: event.by,
      assignees: assignment.assignees,
      assignedVia,
      level: where.level,
      loop: where.loop,
    });
  }
  let acknowledgements: IncidentLifecycleContext["acknowledgements"] = [];
  if (event.status === "acknowledged") {
    effects.log({ type: "acknowledge_log_entry", channel, by: event.by });
    acknowledgements = [{ by: event.by, at: effects.at }];
  } else {
    effects.notify(assignment.assignees, "reopened", where);
  }
  effects.status("resolved", event.status, {
    reason: "reopened",
    by: event.by,
    channel,
    assignees: assignment.assignees,
  });
  return {
    patch: {
      ...assignment,
      assignedVia,
      escalationPolicy: policy,
      acknowledgements,
      snoozeMs: null,
    },
    effects: effects.list,
  };
}
