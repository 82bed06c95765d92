/**
 * `GET /oncalls`: who is on call for which escalation policy and level, computed from the
 * account's escalation policies and schedules (../schedules/oncalls.ts): a schedule target
 * gives one on-call per final-schedule shift overlapping [since, until] with the shift's own
 * start and end; a user target is always on call (start, end and schedule null).
 *
 * Parameters as listOnCalls documents them: `time_zone` (default the requesting user's, else
 * UTC), `since` and `until` (default now; "On-call shifts are limited to 90 days in the future,
 * and the `until` time cannot be before the `since` time", counted on the simulator clock),
 * `earliest`, `user_ids[]`, `escalation_policy_ids[]`, `schedule_ids[]` (`null` among them
 * keeps the direct user targets), `include[]=escalation_policies|users|schedules` and classic
 * pagination. PagerDuty documents no answer for a range past the limit or reversed: both are
 * 400 2005 "Invalid Query Date Range" here, unreadable times 400 2004, as for schedules. When
 * only `since` is given and it is later than now, `until` is `since` (an instant), not now.
 */
import {
  type EscalationPolicy as ComputedPolicy,
  ONCALLS_MAX_FUTURE_DAYS,
  type OncallEntry,
  oncalls,
} from "../schedules/index.js";
import { ok, type RestRoute } from "./router.js";
import {
  instantParam,
  invalidDateRange,
  renderSchedule,
  scheduleReferenceById,
  timeZoneParam,
  userReferenceById,
} from "./schedules.js";
import { renderEscalationPolicy, renderUser } from "./shapes.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const NO_SUBSCHEDULES: ReadonlySet<string> = new Set();

export const oncallRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/oncalls",
    operationId: "listOnCalls",
    handler(ctx) {
      const zone = timeZoneParam(ctx, ctx.tokenUser?.time_zone ?? "Etc/UTC");
      const since = instantParam(ctx, "since", zone) ?? ctx.nowMs;
      const until = instantParam(ctx, "until", zone) ?? Math.max(ctx.nowMs, since);
      if (until < since) {
        throw invalidDateRange(["The until time cannot be before the since time"]);
      }
      const limit = ctx.nowMs + ONCALLS_MAX_FUTURE_DAYS * DAY_MS;
      if (since > limit || until > limit) {
        throw invalidDateRange([
          `On-call shifts are limited to ${ONCALLS_MAX_FUTURE_DAYS} days in the future: since and until must not be after ${new Date(limit).toISOString()}`,
        ]);
      }
      const store = ctx.store;
      // Targets that no longer exist (a deleted user or schedule) have no one on call.
      const policies: ComputedPolicy[] = store.escalationPolicies().map((p) => ({
        id: p.id,
        num_loops: p.num_loops,
        escalation_rules: p.escalation_rules.map((r) => ({
          id: r.id,
          targets: r.targets.filter((t) =>
            t.type.startsWith("schedule") ? store.schedule(t.id) : store.user(t.id),
          ),
        })),
      }));
      const scheduleIds = ctx.query.has("schedule_ids")
        ? ctx.query.strings("schedule_ids").map((id) => (id === "null" ? null : id))
        : undefined;
      const userIds = ctx.query.has("user_ids") ? ctx.query.strings("user_ids") : undefined;
      const policyIds = ctx.query.has("escalation_policy_ids")
        ? ctx.query.strings("escalation_policy_ids")
        : undefined;
      const entries = oncalls({
        escalationPolicies: policies,
        schedules: store.schedules.withOverrides(),
        since,
        until,
        timeZone: zone,
        earliest: ctx.query.boolean("earliest", false),
        ...(userIds ? { userIds } : {}),
        ...(policyIds ? { escalationPolicyIds: policyIds } : {}),
        ...(scheduleIds ? { scheduleIds } : {}),
      });
      const include = ctx.query.includes();
      const render = (e: OncallEntry) => {
        const policy = store.escalationPolicy(e.escalation_policy.id);
        const user = store.user(e.user.id);
        const schedule = e.schedule ? store.schedule(e.schedule.id) : undefined;
        return {
          escalation_policy:
            include.has("escalation_policies") && policy
              ? renderEscalationPolicy(ctx, policy)
              : ctx.render.reference(
                  "escalation_policy",
                  e.escalation_policy.id,
                  policy?.name ?? null,
                ),
          escalation_level: e.escalation_level,
          schedule: e.schedule
            ? include.has("schedules") && schedule
              ? renderSchedule(ctx, schedule, { include: NO_SUBSCHEDULES, range: null, zone })
              : scheduleReferenceById(ctx, e.schedule.id)
            : null,
          user:
            include.has("users") && user
              ? renderUser(ctx, user)
              : userReferenceById(ctx, e.user.id),
          start: e.start,
          end: e.end,
        };
      };
      return ok(ctx.paginate("oncalls", entries, render));
    },
  },
];
