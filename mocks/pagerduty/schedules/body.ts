/**
 * Schedule and override bodies (POST/PUT /schedules, POST /schedules/{id}/overrides, and the
 * simulator's `pagerduty.schedules` option, which has the POST body's shape) read with
 * PagerDuty's checks. Every broken rule of one body is collected, so the REST API can refuse it
 * once with 400 Invalid Input Provided (2001) and the list in `errors`.
 *
 * Texts. Where a real answer has been quoted, its text is used as is:
 * - "Start day of week must be in 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, or 7." for a weekly
 *   restriction without a valid day (code 2001, go-pagerduty#52);
 * - "Please use a shorter duration or just turn the recurrence off." for a weekly restriction of
 *   a week or more (hashicorp/terraform#11135);
 * - "Override must end after its start" (the spec's createScheduleOverride example).
 * Other rules are known from clients that mirror them (terraform-provider-pagerduty: a layer
 * needs at least one user, a turn of 1 hour to 365 days) and are worded as PagerDuty's Rails
 * validations are ("<Field> can't be blank"), the layer named "Schedule layer N" as the web app
 * numbers them. What the computation itself refuses (a ScheduleInputError) is mapped to the same
 * list with its field spelt the same way.
 */
import { ScheduleInputError } from "./errors.js";
import { compileSchedule } from "./final.js";
import type { StoredOverride, StoredSchedule, StoredScheduleLayer } from "./store.js";
import { isTimeZone, parseInstant } from "./time.js";
import type { Restriction } from "./types.js";

/** "rotation_turn_length_seconds" of 1 hour to 365 days (terraform-provider-pagerduty#405). */
export const MIN_TURN_SECONDS = 3_600;
export const MAX_TURN_SECONDS = 365 * 24 * 3_600;
/** A daily restriction lasts at most a day; a weekly one less than a week. */
export const MAX_DAILY_RESTRICTION_SECONDS = 24 * 3_600;
export const MAX_WEEKLY_RESTRICTION_SECONDS = 7 * 24 * 3_600 - 1;

export const WEEKDAY_TEXT =
  "Start day of week must be in 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, or 7.";
export const WEEKLY_TOO_LONG_TEXT =
  "Please use a shorter duration or just turn the recurrence off.";
export const OVERRIDE_END_TEXT = "Override must end after its start";

/** The name a schedule gets when its body has none (the spec does not require one). */
export const DEFAULT_SCHEDULE_NAME = "New Schedule";

/** A body broke one or more rules: `errors` says which, in PagerDuty's words. */
export class ScheduleBodyError extends Error {
  override readonly name = "ScheduleBodyError";
  constructor(readonly errors: readonly string[]) {
    super(errors.join("; "));
  }
}

export interface ScheduleBodyContext {
  userExists(id: string): boolean;
  teamExists(id: string): boolean;
  /** The simulator clock: a layer starting earlier starts now (see readScheduleBody). */
  nowMs: number;
  newId(): string;
  /** PUT: the schedule being updated (absent fields keep its values, layer ids are kept). */
  existing?: StoredSchedule;
  /** A fixed id for a new schedule (the simulator's configuration). */
  id?: string;
}

type Body = Record<string, unknown>;

const isObject = (v: unknown): v is Body =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const blank = (v: unknown) =>
  v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** `schedule_layers[1].restrictions[0].start_time_of_day` -> "Schedule layer 2 restriction 1 start time of day". */
export function humanField(field: string): string {
  const words = field.split(".").map((part) => {
    const m = /^(\w+?)(?:\[(\d+)\])?$/.exec(part);
    if (!m) return part.replace(/_/g, " ");
    const name = m[1] as string;
    const index = m[2];
    if (index === undefined) return name.replace(/_/g, " ");
    const singular = name.replace(/_/g, " ").replace(/s$/, "");
    return `${singular} ${Number(index) + 1}`;
  });
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A ScheduleInputError as one `errors` entry: "Schedule layer 1 start: expected ...". */
export function inputErrorText(error: ScheduleInputError): string {
  return `${humanField(error.field)}: ${error.detail}`;
}

class Collector {
  readonly errors: string[] = [];
  add(message: string): void {
    if (!this.errors.includes(message)) this.errors.push(message);
  }
}

/** The UTC ISO string of a body's instant, read in `zone` when it has no offset. */
function instant(
  c: Collector,
  value: unknown,
  label: string,
  zone: string,
  required: boolean,
): number | undefined {
  if (blank(value)) {
    if (required) c.add(`${label} can't be blank`);
    return undefined;
  }
  try {
    if (typeof value !== "string") throw new Error("not a string");
    return parseInstant(value, label, zone);
  } catch {
    c.add(`${label} is not a valid ISO 8601 date-time`);
    return undefined;
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

/** "HH:mm" or "HH:mm:ss" -> "HH:mm:ss"; undefined when it is neither. */
function timeOfDay(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/.exec(value);
  return m ? `${m[1]}:${m[2]}:${m[3] ?? "00"}` : undefined;
}

function readRestriction(c: Collector, raw: unknown, label: string): Restriction | undefined {
  if (!isObject(raw)) {
    c.add(`${label} must be an object`);
    return undefined;
  }
  const type = raw.type;
  if (type !== "daily_restriction" && type !== "weekly_restriction") {
    c.add(
      blank(type)
        ? `${label} type can't be blank`
        : `${label} type is invalid (must be one of: daily_restriction, weekly_restriction)`,
    );
    return undefined;
  }
  const start = timeOfDay(raw.start_time_of_day);
  if (start === undefined) {
    c.add(
      blank(raw.start_time_of_day)
        ? `${label} start time of day can't be blank`
        : `${label} start time of day is invalid (must be HH:mm:ss)`,
    );
  }
  const duration = raw.duration_seconds;
  const max =
    type === "daily_restriction" ? MAX_DAILY_RESTRICTION_SECONDS : Number.POSITIVE_INFINITY;
  let durationOk = false;
  if (blank(duration)) c.add(`${label} duration seconds can't be blank`);
  else if (typeof duration !== "number" || !Number.isInteger(duration)) {
    c.add(`${label} duration seconds must be an integer`);
  } else if (duration < 1) c.add(`${label} duration seconds must be greater than or equal to 1`);
  else if (duration > max) c.add(`${label} duration seconds must be less than or equal to ${max}`);
  else if (type === "weekly_restriction" && duration > MAX_WEEKLY_RESTRICTION_SECONDS) {
    c.add(WEEKLY_TOO_LONG_TEXT);
  } else durationOk = true;
  let day: number | undefined;
  if (type === "weekly_restriction") {
    const d = raw.start_day_of_week;
    if (typeof d === "number" && Number.isInteger(d) && d >= 1 && d <= 7) day = d;
    else c.add(WEEKDAY_TEXT);
  }
  if (start === undefined || !durationOk || (type === "weekly_restriction" && day === undefined)) {
    return undefined;
  }
  return {
    type,
    start_time_of_day: start,
    duration_seconds: duration as number,
    ...(day === undefined ? {} : { start_day_of_week: day }),
  };
}

function readLayer(
  c: Collector,
  raw: unknown,
  index: number,
  zone: string,
  ctx: ScheduleBodyContext,
  takenIds: Set<string>,
): StoredScheduleLayer | undefined {
  const label = `Schedule layer ${index + 1}`;
  if (!isObject(raw)) {
    c.add(`${label} must be an object`);
    return undefined;
  }
  const before = c.errors.length;
  const start = instant(c, raw.start, `${label} start`, zone, true);
  const end = instant(c, raw.end, `${label} end`, zone, false);
  const virtualStart = instant(
    c,
    raw.rotation_virtual_start,
    `${label} rotation virtual start`,
    zone,
    true,
  );
  if (start !== undefined && end !== undefined && end <= start) {
    c.add(`${label} end must be after its start`);
  }
  const turn = raw.rotation_turn_length_seconds;
  const turnLabel = `${label} rotation turn length seconds`;
  if (blank(turn)) c.add(`${turnLabel} can't be blank`);
  else if (typeof turn !== "number" || !Number.isInteger(turn)) {
    c.add(`${turnLabel} must be an integer`);
  } else if (turn < MIN_TURN_SECONDS) {
    c.add(`${turnLabel} must be greater than or equal to ${MIN_TURN_SECONDS}`);
  } else if (turn > MAX_TURN_SECONDS) {
    c.add(`${turnLabel} must be less than or equal to ${MAX_TURN_SECONDS}`);
  }
  const users: StoredScheduleLayer["users"] = [];
  if (!Array.isArray(raw.users) || raw.users.length === 0) {
    c.add(
      raw.users === undefined || raw.users === null || Array.isArray(raw.users)
        ? `${label} users can't be blank`
        : `${label} users must be an array`,
    );
  } else {
    raw.users.forEach((entry, i) => {
      const user = isObject(entry) ? entry.user : undefined;
      if (!isObject(user) || typeof user.id !== "string" || user.id === "") {
        c.add(`${label} user ${i + 1} must be {"user": {"id": ..., "type": "user_reference"}}`);
        return;
      }
      if (user.type !== undefined && user.type !== "user_reference" && user.type !== "user") {
        c.add(`${label} user ${i + 1} type is invalid (must be user_reference)`);
        return;
      }
      if (!ctx.userExists(user.id)) {
        c.add(`${label} user ${user.id} not found`);
        return;
      }
      users.push({ user: { id: user.id, type: "user_reference" } });
    });
  }
  const restrictions: Restriction[] = [];
  if (raw.restrictions !== undefined && raw.restrictions !== null) {
    if (!Array.isArray(raw.restrictions)) c.add(`${label} restrictions must be an array`);
    else {
      raw.restrictions.forEach((r, i) => {
        const read = readRestriction(c, r, `${label} restriction ${i + 1}`);
        if (read) restrictions.push(read);
      });
    }
  }
  let name: string | undefined;
  if (raw.name !== undefined && raw.name !== null) {
    if (typeof raw.name !== "string") c.add(`${label} name must be a string`);
    else if (raw.name.trim() !== "") name = raw.name;
  }
  if (c.errors.length > before) return undefined;

  // A given id names a layer of the schedule being updated; otherwise the layer is new and gets
  // its id once the whole body is known to be good.
  const known = ctx.existing?.schedule_layers.find((l) => l.id === raw.id && !takenIds.has(l.id));
  if (known) takenIds.add(known.id);
  // A new layer cannot start before the schedule exists: PagerDuty moves a past start to the
  // time of the request (the spec's getSchedule example answers a layer created with start
  // 20:00 with start 21:00 and the rotation's virtual start left at 20:00).
  const now = Math.floor(ctx.nowMs / 1000) * 1000;
  const startMs = known ? (start as number) : Math.max(start as number, now);
  return {
    id: known?.id ?? "",
    name: name ?? known?.name ?? `Layer ${index + 1}`,
    start: iso(startMs),
    end: end === undefined ? null : iso(end),
    rotation_virtual_start: iso(virtualStart as number),
    rotation_turn_length_seconds: turn as number,
    users,
    restrictions,
  };
}

/**
 * A schedule body (`body.schedule` of POST or PUT /schedules) as a stored schedule, or a
 * ScheduleBodyError listing every broken rule. On PUT, absent fields keep the existing values;
 * `schedule_layers`, when given, replace the layers (a layer whose `id` names an existing one
 * keeps it).
 */
export function readScheduleBody(body: Body, ctx: ScheduleBodyContext): StoredSchedule {
  const c = new Collector();
  const existing = ctx.existing;
  if (body.type !== undefined && body.type !== "schedule")
    c.add("Type is invalid (must be schedule)");

  let timeZone = existing?.time_zone;
  if (blank(body.time_zone)) {
    if (!existing) c.add("Time zone can't be blank");
  } else if (!isTimeZone(body.time_zone)) {
    c.add("Time zone is invalid");
    timeZone = undefined;
  } else timeZone = body.time_zone as string;

  let name = existing?.name ?? DEFAULT_SCHEDULE_NAME;
  if (body.name !== undefined && body.name !== null) {
    if (typeof body.name !== "string") c.add("Name must be a string");
    else if (body.name.trim() !== "") name = body.name;
  }
  let description = existing?.description ?? null;
  if (body.description !== undefined) {
    if (body.description !== null && typeof body.description !== "string") {
      c.add("Description must be a string");
    } else description = body.description;
  }

  let teams = existing?.teams ?? [];
  if (body.teams !== undefined && body.teams !== null) {
    if (!Array.isArray(body.teams)) c.add("Teams must be an array");
    else {
      teams = [];
      for (const t of body.teams) {
        if (!isObject(t) || typeof t.id !== "string" || t.id === "") {
          c.add('Teams must be references {"id": ..., "type": "team_reference"}');
        } else if (!ctx.teamExists(t.id)) c.add(`Team ${t.id} not found`);
        else teams.push({ id: t.id, type: "team_reference" });
      }
    }
  }

  let layers = existing?.schedule_layers;
  const rawLayers = body.schedule_layers;
  if (rawLayers === undefined || rawLayers === null) {
    if (!existing) c.add("Schedule layers can't be blank");
  } else if (!Array.isArray(rawLayers) || rawLayers.length === 0) {
    c.add(
      Array.isArray(rawLayers)
        ? "Schedule layers can't be blank"
        : "Schedule layers must be an array",
    );
  } else {
    // With no usable zone the layers are still checked (their times read as UTC), so that one
    // answer lists every error.
    const zone = timeZone ?? "UTC";
    const taken = new Set<string>();
    const read = rawLayers.map((raw, i) => readLayer(c, raw, i, zone, ctx, taken));
    layers = read.filter((l): l is StoredScheduleLayer => l !== undefined);
  }
  if (c.errors.length > 0 || timeZone === undefined || layers === undefined) {
    throw new ScheduleBodyError(c.errors);
  }
  const schedule: StoredSchedule = {
    id: existing?.id ?? ctx.id ?? "",
    type: "schedule",
    name,
    description,
    time_zone: timeZone,
    schedule_layers: layers,
    teams,
  };
  try {
    compileSchedule(schedule, []);
  } catch (error) {
    if (error instanceof ScheduleInputError) throw new ScheduleBodyError([inputErrorText(error)]);
    throw error;
  }
  // Ids are drawn only for a body that is accepted: the schedule's, then new layers' in order.
  if (schedule.id === "") schedule.id = ctx.newId();
  for (const layer of layers) if (layer.id === "") layer.id = ctx.newId();
  return schedule;
}

export interface OverrideBodyContext {
  userExists(id: string): boolean;
  /** The schedule's zone: reads a start or end without an offset when the body gives no zone. */
  scheduleTimeZone: string;
  newId(): string;
}

/**
 * One override of POST /schedules/{id}/overrides (`{start, end, user, time_zone?}`) as a stored
 * override, or a ScheduleBodyError with its errors (the answer lists them beside it).
 */
export function readOverrideBody(raw: unknown, ctx: OverrideBodyContext): StoredOverride {
  const c = new Collector();
  if (!isObject(raw)) throw new ScheduleBodyError(['Override must be {"start", "end", "user"}']);
  let zone = ctx.scheduleTimeZone;
  if (!blank(raw.time_zone)) {
    if (isTimeZone(raw.time_zone)) zone = raw.time_zone;
    else c.add("Time zone is invalid");
  }
  const start = instant(c, raw.start, "Start", zone, true);
  const end = instant(c, raw.end, "End", zone, true);
  if (start !== undefined && end !== undefined && end <= start) c.add(OVERRIDE_END_TEXT);
  const user = raw.user;
  let userId: string | undefined;
  if (user === undefined || user === null) c.add("User can't be blank");
  else if (!isObject(user) || typeof user.id !== "string" || user.id === "") {
    c.add('User must be a reference {"id": ..., "type": "user_reference"}');
  } else if (user.type !== undefined && user.type !== "user_reference" && user.type !== "user") {
    c.add("User type is invalid (must be user_reference)");
  } else if (!ctx.userExists(user.id)) c.add(`User ${user.id} not found`);
  else userId = user.id;
  if (c.errors.length > 0 || start === undefined || end === undefined || userId === undefined) {
    throw new ScheduleBodyError(c.errors);
  }
  return {
    id: ctx.newId(),
    start: iso(start),
    end: iso(end),
    user: { id: userId, type: "user_reference" },
  };
}
