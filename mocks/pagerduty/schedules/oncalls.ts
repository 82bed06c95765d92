/**
 * GET /oncalls: "a contiguous unit of time for which a User will be on call for a given
 * Escalation Policy and Escalation Rules" (OpenAPI listOnCalls).
 *
 * - A schedule target at rule n gives one on-call per final-schedule shift of that schedule
 *   (overrides included) that overlaps [since, until], with escalation_level n. Its start and end
 *   are the shift's own, not cut at since/until ("If an on-call period overlaps with the range,
 *   it will be included"), followed no further than the horizon (PagerDuty looks 90 days ahead).
 * - A user target is always on call: start and end null, schedule null.
 * - Filters intersect: user_ids[], escalation_policy_ids[], schedule_ids[] (a null member keeps
 *   the direct user targets). `earliest` keeps, per escalation policy, level and user, the
 *   on-call that starts first (an always-on-call one first of all).
 * - Order: policies as given, then level, then start (always-on-call first), then the rule's
 *   target order.
 */
import { ScheduleInputError } from "./errors.js";
import { type CompiledSchedule, compileSchedule, finalShifts } from "./final.js";
import { type Shift, shiftsWithNaturalEdges } from "./intervals.js";
import { horizonMs } from "./render.js";
import { assertTimeZone, formatInstant, parseInstant } from "./time.js";
import type { OncallEntry, OncallsQuery } from "./types.js";

/** On-call shifts are listed at most this far in the future (listOnCalls, since/until). */
export const ONCALLS_MAX_FUTURE_DAYS = 90;

interface Row {
  entry: OncallEntry;
  policyIndex: number;
  level: number;
  start: number;
  targetIndex: number;
}

export function oncalls(query: OncallsQuery): OncallEntry[] {
  const zone = assertTimeZone(query.timeZone, "time_zone");
  const since = parseInstant(query.since, "since", zone);
  const until = parseInstant(query.until, "until", zone);
  if (until < since) {
    throw new ScheduleInputError("until", "must not be before since");
  }
  const horizon = horizonMs(query.horizonSeconds, "horizonSeconds");

  const schedules = new Map<string, OncallsQuery["schedules"][number]>();
  for (const s of query.schedules) schedules.set(s.schedule.id, s);
  const compiled = new Map<string, CompiledSchedule>();
  const shiftsOf = new Map<string, Shift[]>();
  const scheduleShifts = (id: string, field: string): Shift[] => {
    let shifts = shiftsOf.get(id);
    if (shifts) return shifts;
    const found = schedules.get(id);
    if (!found)
      throw new ScheduleInputError(field, `schedule ${id} is not among the schedules given`);
    let c = compiled.get(id);
    if (!c) {
      c = compileSchedule(found.schedule, found.overrides);
      compiled.set(id, c);
    }
    const schedule = c;
    // An instant query (since = until) looks at the shift in force at that instant.
    shifts = shiftsWithNaturalEdges(
      (f, t) => finalShifts(schedule, f, t),
      since,
      Math.max(until, since + 1),
      { earliest: since - horizon, latest: until + horizon },
    );
    shiftsOf.set(id, shifts);
    return shifts;
  };

  const policyFilter = query.escalationPolicyIds && new Set(query.escalationPolicyIds);
  const userFilter = query.userIds && new Set(query.userIds);
  const scheduleFilter = query.scheduleIds && new Set(query.scheduleIds);

  const rows: Row[] = [];
  query.escalationPolicies.forEach((policy, policyIndex) => {
    if (policyFilter && !policyFilter.has(policy.id)) return;
    const policyRef = { id: policy.id, type: "escalation_policy_reference" } as const;
    policy.escalation_rules.forEach((rule, ruleIndex) => {
      const level = ruleIndex + 1;
      rule.targets.forEach((target, targetIndex) => {
        const field = `escalation_policies[${policyIndex}].escalation_rules[${ruleIndex}].targets[${targetIndex}]`;
        if (target.type === "user_reference" || target.type === "user") {
          if (scheduleFilter && !scheduleFilter.has(null)) return;
          if (userFilter && !userFilter.has(target.id)) return;
          rows.push({
            entry: {
              escalation_policy: policyRef,
              escalation_level: level,
              schedule: null,
              user: { id: target.id, type: "user_reference" },
              start: null,
              end: null,
            },
            policyIndex,
            level,
            start: Number.NEGATIVE_INFINITY,
            targetIndex,
          });
        } else if (target.type === "schedule_reference" || target.type === "schedule") {
          if (scheduleFilter && !scheduleFilter.has(target.id)) return;
          for (const shift of scheduleShifts(target.id, `${field}.id`)) {
            if (userFilter && !userFilter.has(shift.userId)) continue;
            rows.push({
              entry: {
                escalation_policy: policyRef,
                escalation_level: level,
                schedule: { id: target.id, type: "schedule_reference" },
                user: { id: shift.userId, type: "user_reference" },
                start: formatInstant(shift.start, zone),
                end: formatInstant(shift.end, zone),
              },
              policyIndex,
              level,
              start: shift.start,
              targetIndex,
            });
          }
        } else {
          throw new ScheduleInputError(
            `${field}.type`,
            `expected user_reference or schedule_reference, got ${JSON.stringify(target.type)}`,
          );
        }
      });
    });
  });

  rows.sort(
    (a, b) =>
      a.policyIndex - b.policyIndex ||
      a.level - b.level ||
      a.start - b.start ||
      a.targetIndex - b.targetIndex,
  );
  if (!query.earliest) return rows.map((r) => r.entry);
  const seen = new Set<string>();
  return rows
    .filter((r) => {
      const key = JSON.stringify([r.policyIndex, r.level, r.entry.user.id]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((r) => r.entry);
}
