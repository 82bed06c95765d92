import type {
  EscalationPolicySnapshot,
  EscalationPosition,
  EscalationRuleSnapshot,
  OnCallUsers,
} from "./types.js";

/** PagerDuty's snooze bounds (`POST /incidents/{id}/snooze`, `duration` in seconds). */
export const MIN_SNOOZE_SEC = 1;
export const MAX_SNOOZE_SEC = 604_800;

export function ruleAt(policy: EscalationPolicySnapshot, level: number): EscalationRuleSnapshot {
  const rule = policy.escalation_rules[level - 1];
  if (!rule) {
    throw new RangeError(
      `escalation policy ${policy.id}: no rule at level ${level} (it has ${policy.escalation_rules.length})`,
    );
  }
  return rule;
}

/** Milliseconds before an unacknowledged incident escalates away from `level`. */
export function escalationDelayMs(policy: EscalationPolicySnapshot, level: number): number {
  return ruleAt(policy, level).escalation_delay_in_minutes * 60_000;
}

/**
 * The users a level notifies at `at`: user targets as they are, schedule targets as whoever is on
 * call then. In target order, each user once.
 */
export function usersAtLevel(
  policy: EscalationPolicySnapshot,
  level: number,
  onCallUsers: OnCallUsers,
  at: number,
): string[] {
  const users: string[] = [];
  for (const target of ruleAt(policy, level).targets) {
    const found =
      target.type === "user_reference" || target.type === "user"
        ? [target.id]
        : onCallUsers(target.id, at);
    for (const user of found) if (!users.includes(user)) users.push(user);
  }
  return users;
}

/** The position after `position` on the path (rules in order, `num_loops` repeats), or null. */
export function nextPosition(
  policy: EscalationPolicySnapshot,
  position: EscalationPosition,
): EscalationPosition | null {
  if (position.level < policy.escalation_rules.length) {
    return { level: position.level + 1, loop: position.loop };
  }
  if (position.loop < policy.num_loops) return { level: 1, loop: position.loop + 1 };
  return null;
}

export interface StaffedPosition extends EscalationPosition {
  users: string[];
}

/**
 * The first position from `from` (inclusive) on where someone is on call: PagerDuty assigns an
 * incident to the next level that has someone when a level has nobody. Null if nobody is on call
 * anywhere on the rest of the path.
 */
export function findStaffedPosition(
  policy: EscalationPolicySnapshot,
  from: EscalationPosition,
  onCallUsers: OnCallUsers,
  at: number,
): StaffedPosition | null {
  let position: EscalationPosition | null = from;
  while (position) {
    const users = usersAtLevel(policy, position.level, onCallUsers, at);
    if (users.length > 0) return { ...position, users };
    position = nextPosition(policy, position);
  }
  return null;
}

/**
 * The first level with someone on call at `at`, or null when nobody is: PagerDuty does not create
 * an incident for a service whose policy has nobody on call, so a host can ask before creating.
 */
export function firstOnCallLevel(
  policy: EscalationPolicySnapshot,
  onCallUsers: OnCallUsers,
  at: number,
): number | null {
  return findStaffedPosition(policy, { level: 1, loop: 0 }, onCallUsers, at)?.level ?? null;
}

/** A deep copy of a policy's rules and targets (and nothing else of the object given). */
export function copyPolicy(policy: EscalationPolicySnapshot): EscalationPolicySnapshot {
  return {
    id: policy.id,
    num_loops: policy.num_loops,
    escalation_rules: policy.escalation_rules.map((rule) => ({
      id: rule.id,
      escalation_delay_in_minutes: rule.escalation_delay_in_minutes,
      targets: rule.targets.map((target) => ({ type: target.type, id: target.id })),
    })),
  };
}

export function hasScheduleTargets(policy: EscalationPolicySnapshot): boolean {
  return policy.escalation_rules.some((rule) =>
    rule.targets.some(
      (target) => target.type === "schedule_reference" || target.type === "schedule",
    ),
  );
}

/** Checks a policy snapshot; throws naming the field that is wrong. */
export function assertEscalationPolicy(policy: EscalationPolicySnapshot, what: string): void {
  if (!Number.isInteger(policy.num_loops) || policy.num_loops < 0) {
    throw new RangeError(
      `${what} ${policy.id}: num_loops must be a whole number >= 0, got ${policy.num_loops}`,
    );
  }
  if (policy.escalation_rules.length === 0) {
    throw new RangeError(`${what} ${policy.id}: escalation_rules must have at least one rule`);
  }
  policy.escalation_rules.forEach((rule, index) => {
    const delay = rule.escalation_delay_in_minutes;
    if (!Number.isFinite(delay) || delay < 0) {
      throw new RangeError(
        `${what} ${policy.id}: escalation_rules[${index}].escalation_delay_in_minutes must be a number >= 0, got ${delay}`,
      );
    }
    if (rule.targets.length === 0) {
      throw new RangeError(`${what} ${policy.id}: escalation_rules[${index}].targets is empty`);
    }
  });
}

/** Seconds of a service timeout to milliseconds; null, absent and 0 all mean "off". */
export function timeoutMs(seconds: number | null | undefined, what: string): number | null {
  if (seconds === null || seconds === undefined || seconds === 0) return null;
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`${what} must be a number of seconds >= 0 or null, got ${seconds}`);
  }
  return seconds * 1000;
}
