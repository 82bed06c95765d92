/**
 * PagerDuty's on-call schedules as the REST API v2 shapes them (OpenAPI `Schedule`,
 * `ScheduleLayer`, `Restriction`, `Override`, `ScheduleLayerEntry`, `SubSchedule`, `Oncall`;
 * reference/pagerduty.md §2.3). Instants are ISO 8601 strings on the wire; the functions of this
 * module also take epoch milliseconds and `Date`s where they take an instant.
 */

/** An instant: an ISO 8601 date-time, epoch milliseconds, or a `Date`. */
export type Instant = string | number | Date;

/** `{id, type}` of a user; the REST layer adds `summary`, `self` and `html_url`. */
export interface UserReference {
  id: string;
  type?: string;
  summary?: string;
  self?: string;
  html_url?: string;
}

export type RestrictionType = "daily_restriction" | "weekly_restriction";

/**
 * A window of the day or week in which a layer accepts assignments, in the schedule's time zone.
 * `daily_restriction`: every day from `start_time_of_day` for `duration_seconds`.
 * `weekly_restriction`: once a week, from `start_day_of_week` (ISO 8601: 1 is Monday, 7 Sunday)
 * at `start_time_of_day`, for `duration_seconds`.
 */
export interface Restriction {
  type: RestrictionType;
  /** `HH:mm:ss` (`HH:mm` accepted). */
  start_time_of_day: string;
  duration_seconds: number;
  /** Required for `weekly_restriction`, ignored for `daily_restriction`. */
  start_day_of_week?: number | null;
}

export interface ScheduleLayerUser {
  user: UserReference;
}

export interface ScheduleLayer {
  id: string;
  name?: string;
  /** When the layer starts contributing. */
  start: string;
  /** When it stops; null or absent: it does not end. */
  end?: string | null;
  /** Where turns are counted from: turn k starts k turn lengths after it. May precede `start`. */
  rotation_virtual_start: string;
  /** The length of one turn (shift), in seconds. */
  rotation_turn_length_seconds: number;
  /** The rotation order: turn k goes to users[k mod users.length]. */
  users: readonly ScheduleLayerUser[];
  restrictions?: readonly Restriction[];
}

/**
 * A schedule. `schedule_layers` are in the order of a create or update request body: index 0 is
 * "Layer 1", the lowest; a later layer takes precedence over every earlier one where it has
 * someone on call.
 */
export interface Schedule {
  id: string;
  type?: "schedule";
  name?: string;
  description?: string | null;
  /** IANA time zone in which turns, handoffs and restrictions are reckoned. */
  time_zone: string;
  schedule_layers: readonly ScheduleLayer[];
}

/**
 * An override: `user` is on call from `start` to `end`, above every layer. Overrides are passed in
 * creation order; where two overlap, the later created one wins (POST /schedules/{id}/overrides).
 */
export interface Override {
  id: string;
  start: string;
  end: string;
  user: UserReference;
  /** Zone for a `start`/`end` written without an offset (the create request's `time_zone`). */
  time_zone?: string;
}

/** A rendered entry (OpenAPI `ScheduleLayerEntry`). */
export interface RenderedScheduleEntry {
  user: { id: string; type: "user_reference" };
  start: string;
  end: string;
}

/** `rendered_schedule_entries` and `rendered_coverage_percentage` of a layer or a subschedule. */
export interface Rendering {
  rendered_schedule_entries: RenderedScheduleEntry[];
  /** Percentage (0-100) of [since, until) someone is on call, rounded to two decimals. */
  rendered_coverage_percentage: number;
}

/** OpenAPI `SubSchedule`. */
export interface SubSchedule<Name extends "Final Schedule" | "Overrides"> extends Rendering {
  name: Name;
}

export interface FinalScheduleRendering {
  final_schedule: SubSchedule<"Final Schedule">;
  overrides_subschedule: SubSchedule<"Overrides">;
}

export type RenderedScheduleLayer = ScheduleLayer & Rendering;

/** A schedule with its layers, final schedule and overrides rendered (GET /schedules/{id}). */
export interface RenderedSchedule
  extends Omit<Schedule, "schedule_layers">,
    FinalScheduleRendering {
  schedule_layers: RenderedScheduleLayer[];
}

export interface RenderOptions {
  /**
   * Zone the timestamps are written in: the request's `time_zone`. Default: the schedule's.
   * It also reads `since`/`until` strings written without an offset.
   */
  timeZone?: string;
  /**
   * `overflow=true`: an entry crossing `since` or `until` is returned whole rather than cut at
   * the bound. Coverage is still measured over [since, until).
   */
  overflow?: boolean;
  /** How far past `since`/`until` an overflowing entry is followed. Default 90 days. */
  overflowHorizonSeconds?: number;
}

/** A schedule with the overrides created on it, in creation order. */
export interface ScheduleWithOverrides {
  schedule: Schedule;
  overrides: readonly Override[];
}

/** A target of an escalation rule, as EscalationPolicy.escalation_rules[].targets[] has it. */
export interface EscalationTarget {
  id: string;
  type: "user_reference" | "schedule_reference" | "user" | "schedule" | (string & {});
}

export interface EscalationRule {
  id?: string;
  escalation_delay_in_minutes?: number;
  targets: readonly EscalationTarget[];
}

export interface EscalationPolicy {
  id: string;
  num_loops?: number;
  escalation_rules: readonly EscalationRule[];
}

/** One entry of GET /oncalls (OpenAPI `Oncall`), references as `{id, type}`. */
export interface OncallEntry {
  escalation_policy: { id: string; type: "escalation_policy_reference" };
  /** 1-based position of the escalation rule. */
  escalation_level: number;
  /** The schedule the on-call comes from; null for a user who is a direct target. */
  schedule: { id: string; type: "schedule_reference" } | null;
  user: { id: string; type: "user_reference" };
  /** null (with `end`) for a direct user target, who is always on call. */
  start: string | null;
  end: string | null;
}

export interface OncallsQuery {
  escalationPolicies: readonly EscalationPolicy[];
  /** Every schedule a policy targets, with its overrides. */
  schedules: readonly ScheduleWithOverrides[];
  /** On-call periods that overlap [since, until] are returned; since = until asks for an instant. */
  since: Instant;
  until: Instant;
  /** Zone the timestamps are written in (the request's `time_zone`). */
  timeZone: string;
  /** `user_ids[]` */
  userIds?: readonly string[];
  /** `escalation_policy_ids[]` */
  escalationPolicyIds?: readonly string[];
  /** `schedule_ids[]`; a null member keeps direct user targets, which have no schedule. */
  scheduleIds?: readonly (string | null)[];
  /** `earliest=true`: only the earliest on-call per escalation policy, level and user. */
  earliest?: boolean;
  /** How far past since/until an on-call period's start and end are followed. Default 90 days. */
  horizonSeconds?: number;
}
