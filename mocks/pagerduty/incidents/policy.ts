/**
 * What the incident lifecycle needs from the account: the escalation policy as it is when an
 * incident opens (the machine keeps that copy; later edits of the policy do not apply to the
 * incident), and who is on call in a schedule at an instant.
 */
import type { EscalationPolicySnapshot, OnCallUsers } from "../lifecycle/index.js";
import { copyPolicy, firstOnCallLevel } from "../lifecycle/index.js";
import type { EscalationPolicy, PagerDutyStore, Service } from "../store.js";

/** The lifecycle's copy of a policy: its rules, delays, targets and `num_loops`. */
export function policySnapshot(policy: EscalationPolicy): EscalationPolicySnapshot {
  return copyPolicy({
    id: policy.id,
    num_loops: policy.num_loops,
    escalation_rules: policy.escalation_rules.map((rule) => ({
      id: rule.id,
      escalation_delay_in_minutes: rule.escalation_delay_in_minutes,
      targets: rule.targets.map((t) => ({ id: t.id, type: t.type })),
    })),
  });
}

/**
 * Who is on call in a schedule, from the store when it keeps schedules (`onCallUsers(id, atMs)`,
 * the schedules module's); an account without schedules has nobody on call in any, so a level
 * that targets only schedules is skipped as empty.
 */
export function storeOnCallUsers(store: PagerDutyStore): OnCallUsers {
  const withSchedules = store as unknown as {
    onCallUsers?: (scheduleId: string, atMs: number) => readonly string[];
  };
  return (scheduleId, at) =>
    typeof withSchedules.onCallUsers === "function"
      ? [...withSchedules.onCallUsers(scheduleId, at)]
      : [];
}

/** The service's policy from the store, or why an incident cannot follow it. */
export function servicePolicy(
  store: PagerDutyStore,
  service: Service,
): { policy: EscalationPolicy } | { refused: string } {
  const ref = service.escalation_policy;
  if (!ref) return { refused: "the service has no escalation policy" };
  const policy = store.escalationPolicy(ref.id);
  if (!policy) return { refused: `the service's escalation policy ${ref.id} does not exist` };
  if (policy.escalation_rules.length === 0) {
    return { refused: `escalation policy ${policy.id} has no escalation rules` };
  }
  return { policy };
}

/**
 * Whether anyone is on call anywhere on the policy's path at `at`: PagerDuty opens no incident
 * for a policy with nobody on call (lifecycle `firstOnCallLevel`).
 */
export function hasSomeoneOnCall(
  policy: EscalationPolicy,
  onCallUsers: OnCallUsers,
  at: number,
): boolean {
  return firstOnCallLevel(policySnapshot(policy), onCallUsers, at) !== null;
}
