/** Reading an incident lifecycle snapshot the way PagerDuty's Incident object presents it. */
import type { SnapshotFrom } from "xstate";
import { escalationDelayMs } from "./escalation.js";
import type { incidentLifecycleMachine } from "./machine.js";
import type {
  Acknowledgement,
  AssignedVia,
  IncidentStatus,
  PendingAction,
  Urgency,
} from "./types.js";

export type IncidentLifecycleSnapshot = SnapshotFrom<typeof incidentLifecycleMachine>;

export function incidentStatus(snapshot: IncidentLifecycleSnapshot): IncidentStatus {
  if (snapshot.matches("resolved")) return "resolved";
  return snapshot.matches({ open: { status: "acknowledged" } }) ? "acknowledged" : "triggered";
}

/** 1-based level of the rule the incident is on (the Incident's `escalation_level`). */
export function escalationLevel(snapshot: IncidentLifecycleSnapshot): number {
  return snapshot.context.escalationLevel;
}

/** 0-based pass over the rules: 0 on the first pass, up to the policy's `num_loops`. */
export function escalationLoop(snapshot: IncidentLifecycleSnapshot): number {
  return snapshot.context.escalationLoop;
}

export function isEscalationExhausted(snapshot: IncidentLifecycleSnapshot): boolean {
  return snapshot.context.escalationExhausted;
}

/** User ids the incident is assigned to, in notification order; empty once resolved. */
export function assignees(snapshot: IncidentLifecycleSnapshot): readonly string[] {
  return snapshot.context.assignees;
}

export function assignedVia(snapshot: IncidentLifecycleSnapshot): AssignedVia {
  return snapshot.context.assignedVia;
}

export function acknowledgements(snapshot: IncidentLifecycleSnapshot): readonly Acknowledgement[] {
  return snapshot.context.acknowledgements;
}

export function urgency(snapshot: IncidentLifecycleSnapshot): Urgency {
  return snapshot.context.urgency;
}

/**
 * The Incident's `pending_actions`: what the running timers will do and when (epoch ms), from the
 * instant each was armed and its delay. Sorted by time.
 */
export function pendingActions(snapshot: IncidentLifecycleSnapshot): PendingAction[] {
  const { context } = snapshot;
  const pending: PendingAction[] = [];
  if (
    snapshot.matches({ open: { status: { triggered: "escalating" } } }) &&
    context.escalationTimerStartedAt !== null
  ) {
    pending.push({
      type: "escalate",
      at:
        context.escalationTimerStartedAt +
        escalationDelayMs(context.escalationPolicy, context.escalationLevel),
    });
  }
  const acknowledgementMs = context.snoozeMs ?? context.acknowledgementTimeoutMs;
  if (
    snapshot.matches({ open: { status: { acknowledged: "timing" } } }) &&
    context.acknowledgementTimerStartedAt !== null &&
    acknowledgementMs !== null
  ) {
    pending.push({
      type: "unacknowledge",
      at: context.acknowledgementTimerStartedAt + acknowledgementMs,
    });
  }
  if (
    snapshot.matches({ open: { autoResolve: "scheduled" } }) &&
    context.autoResolveTimerStartedAt !== null &&
    context.autoResolveTimeoutMs !== null
  ) {
    pending.push({
      type: "resolve",
      at: context.autoResolveTimerStartedAt + context.autoResolveTimeoutMs,
    });
  }
  return pending.sort((a, b) => a.at - b.at);
}
