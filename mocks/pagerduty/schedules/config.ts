/**
 * On-call schedules declared in the simulator's options (`pagerduty.schedules`), so a scenario
 * can start with its rotations: each has the shape of a POST /schedules body's `schedule`, with
 * an optional fixed `id` (for escalation policies to target) and optional `overrides` (as POST
 * /schedules/{id}/overrides takes them). The zod schema checks the shape; the rules PagerDuty
 * applies to a body (users that exist, turn lengths, restrictions) are the REST API's own
 * (body.ts), run when the account is built.
 */
import { z } from "zod";
import { readOverrideBody, readScheduleBody, ScheduleBodyError } from "./body.js";
import type { ScheduleRecord } from "./store.js";
import { isTimeZone } from "./time.js";

const pagerDutyId = z
  .string()
  .regex(/^P[A-Z0-9]{6}$/, "expected a PagerDuty id: P and 6 of A-Z, 0-9");
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
}

/**
 * The configured schedules as store records, checked as POST /schedules checks a body. Throws
 * an Error naming the schedule and every broken rule.
 */
export function buildConfiguredSchedules(
  configs: readonly PagerDutyScheduleConfig[],
  ctx: ScheduleBuildContext,
): ScheduleRecord[] {
  const ids = new Set<string>();
  return configs.map((config, i) => {
    const where = `pagerduty: schedules[${i}]${config.name ? ` ("${config.name}")` : ""}`;
    const { overrides = [], id, ...body } = config;
    if (id !== undefined && ids.has(id)) throw new Error(`${where}: the id ${id} is used twice`);
    try {
      const schedule = readScheduleBody(body, { ...ctx, ...(id ? { id } : {}) });
      ids.add(schedule.id);
      const stored = overrides.map((o, j) => {
        try {
          return readOverrideBody(o, {
            userExists: ctx.userExists,
            scheduleTimeZone: schedule.time_zone,
            newId: ctx.newId,
          });
        } catch (error) {
          if (error instanceof ScheduleBodyError) {
            throw new ScheduleBodyError(error.errors.map((e) => `overrides[${j}]: ${e}`));
          }
          throw error;
        }
      });
      return { schedule, overrides: stored };
    } catch (error) {
      if (error instanceof ScheduleBodyError) {
        throw new Error(`${where}: ${error.errors.join("; ")}`);
      }
      throw error;
    }
  });
}
