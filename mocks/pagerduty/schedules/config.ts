/**
 * On-call schedules declared in the simulator's options (`pagerduty.schedules`), so a scenario
 * can start with its rotations: each has the shape of a POST /schedules body's `schedule`, with
 * an optional fixed `id` (for escalation policies to target) and optional `overrides` (as POST
 * /schedules/{id}/overrides takes them). The zod schema checks the shape; the rules PagerDuty
 * applies to a body (users that exist, turn lengths, restrictions) are the REST API's own
 * (body.ts), run when the account is built (rest/account.ts), after the users and teams and
 * before the escalation policies, which may target the schedules.
 */
import { z } from "zod";
import { readOverrideBody, readScheduleBody, ScheduleBodyError } from "./body.js";
import type { ScheduleRecord } from "./store.js";
import { isTimeZone } from "./time.js";

/** PagerDuty's ids: what pagerduty-cli accepts (reference/pagerduty.md §2.1). */
const pagerDutyId = z
  .string()
  .regex(/^[PQ][A-Z0-9]{6,13}$/, "expected a PagerDuty id: P or Q and 6 to 13 of A-Z, 0-9");
const timeZone = z
  .string()
  .refine(isTimeZone, { message: 'expected an IANA time zone such as "America/New_York"' });
const instant = z.string().min(1, "expected an ISO 8601 date-time");
const userReference = z
  .object({ id: z.string().min(1), type: z.enum(["user_reference", "user"]).optional() })
  .strict();

const restriction = z
  .object({
    type: z.enum(["daily_restriction", "weekly_restriction"]),
    start_time_of_day: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'expected a time of day "HH:mm:ss"'),
    duration_seconds: z.number().int().positive(),
    start_day_of_week: z.number().int().min(1).max(7).optional(),
  })
  .strict();

const layer = z
  .object({
    id: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    start: instant,
    end: instant.nullable().optional(),
    rotation_virtual_start: instant,
    rotation_turn_length_seconds: z.number().int().positive(),
    users: z.array(z.object({ user: userReference }).strict()).min(1),
    restrictions: z.array(restriction).optional(),
  })
  .strict();

const override = z
  .object({
    start: instant,
    end: instant,
    user: userReference,
    time_zone: timeZone.optional(),
  })
  .strict();

/** One schedule of the `pagerduty.schedules` option. */
export const pagerDutyScheduleConfig = z
  .object({
    id: pagerDutyId.optional(),
    type: z.literal("schedule").optional(),
    name: z.string().min(1).optional(),
    description: z.string().nullable().optional(),
    time_zone: timeZone,
    schedule_layers: z.array(layer).min(1),
    overrides: z.array(override).optional(),
  })
  .strict();

export type PagerDutyScheduleConfig = z.input<typeof pagerDutyScheduleConfig>;

export interface ScheduleBuildContext {
  userExists(id: string): boolean;
  teamExists(id: string): boolean;
  /** The run's start: layers that start earlier start then, as a REST-created one would. */
  nowMs: number;
  newId(): string;
  /** The schedule's id, fixed or drawn by the caller. */
  id: string;
}

/** A configured schedule the REST API's checks refuse: where in it, and the REST API's texts. */
export class ScheduleConfigError extends Error {
  override readonly name = "ScheduleConfigError";
  constructor(
    /** Below the schedule: [] for the schedule itself, ["overrides", 1] for its second override. */
    readonly path: (string | number)[],
    readonly errors: readonly string[],
  ) {
    super(errors.join("; "));
  }
}

/**
 * A configured schedule as a store record, checked as POST /schedules checks a body and its
 * overrides as POST /schedules/{id}/overrides checks them; ScheduleConfigError otherwise.
 */
export function configuredSchedule(
  config: PagerDutyScheduleConfig,
  ctx: ScheduleBuildContext,
): ScheduleRecord {
  const { overrides = [], id: _id, ...body } = config;
  let schedule: ScheduleRecord["schedule"];
  try {
    schedule = readScheduleBody(body, ctx);
  } catch (error) {
    if (error instanceof ScheduleBodyError) throw new ScheduleConfigError([], error.errors);
    throw error;
  }
  const stored = overrides.map((o, j) => {
    try {
      return readOverrideBody(o, {
        userExists: ctx.userExists,
        scheduleTimeZone: schedule.time_zone,
        newId: ctx.newId,
      });
    } catch (error) {
      if (error instanceof ScheduleBodyError) {
        throw new ScheduleConfigError(["overrides", j], error.errors);
      }
      throw error;
    }
  });
  return { schedule, overrides: stored };
}
