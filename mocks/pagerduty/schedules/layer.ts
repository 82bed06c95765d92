/**
 * One schedule layer: its rotation cut by its restrictions and its start and end.
 *
 * - Turns. Turn k runs from `rotation_virtual_start` + k turn lengths to the next, counted on the
 *   schedule's wall clock, and belongs to users[k mod n] (k < 0 before the virtual start). The
 *   rotation runs whether or not restrictions let anyone be on call: a restriction hides part of
 *   a turn, it does not delay the next one (PagerDuty's "Creating a Complex 4-User Rotation":
 *   12-hour turns from 17:00 restricted to 00:00-10:00 give 5-hour shifts).
 * - Restrictions. Without any, the layer has someone on call all the time; with some, only inside
 *   their union: every day (`daily_restriction`) or once a week (`weekly_restriction`) from
 *   `start_time_of_day` for `duration_seconds` of wall-clock time, which may run past midnight.
 * - The layer counts from `start` to `end` (no end when null).
 */
import { ScheduleInputError } from "./errors.js";
import { joinShifts, type Shift, type Span, unionSpans } from "./intervals.js";
import { renderRange, renderShifts } from "./render.js";
import { DAY_MS, isoWeekday, parseInstant, SECOND_MS, startOfWallDay, WallClock } from "./time.js";
import type { Instant, Rendering, RenderOptions, Restriction, ScheduleLayer } from "./types.js";

/** A guard against runaway renderings (a 1-second turn over a year). */
export const MAX_TURNS_PER_RENDERING = 200_000;

interface CompiledRestriction {
  weekday: number | null;
  startOfDayMs: number;
  durationMs: number;
}

export interface CompiledLayer {
  id: string;
  clock: WallClock;
  startMs: number;
  endMs: number;
  virtualStartWall: number;
  turnMs: number;
  userIds: string[];
  restrictions: CompiledRestriction[];
}

const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

function compileRestriction(r: Restriction, field: string): CompiledRestriction {
  if (r === null || typeof r !== "object") {
    throw new ScheduleInputError(field, "expected a restriction object");
  }
  if (r.type !== "daily_restriction" && r.type !== "weekly_restriction") {
    throw new ScheduleInputError(
      `${field}.type`,
      `expected "daily_restriction" or "weekly_restriction", got ${JSON.stringify(r.type)}`,
    );
  }
  const match = typeof r.start_time_of_day === "string" && TIME_OF_DAY.exec(r.start_time_of_day);
  const [hours, minutes, seconds] = match
    ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)]
    : [Number.NaN, 0, 0];
  if (!(hours < 24 && minutes < 60 && seconds < 60)) {
    throw new ScheduleInputError(
      `${field}.start_time_of_day`,
      `expected a time of day "HH:mm:ss", got ${JSON.stringify(r.start_time_of_day)}`,
    );
  }
  if (!Number.isInteger(r.duration_seconds) || r.duration_seconds < 0) {
    throw new ScheduleInputError(
      `${field}.duration_seconds`,
      `expected a whole number of seconds >= 0, got ${JSON.stringify(r.duration_seconds)}`,
    );
  }
  let weekday: number | null = null;
  if (r.type === "weekly_restriction") {
    const day = r.start_day_of_week;
    if (typeof day !== "number" || !Number.isInteger(day) || day < 1 || day > 7) {
      throw new ScheduleInputError(
        `${field}.start_day_of_week`,
        `a weekly_restriction needs an ISO 8601 day of the week, 1 (Monday) to 7 (Sunday), got ${JSON.stringify(day)}`,
      );
    }
    weekday = day;
  }
  return {
    weekday,
    startOfDayMs: ((hours * 60 + minutes) * 60 + seconds) * SECOND_MS,
    durationMs: r.duration_seconds * SECOND_MS,
  };
}

/** Validates a layer and reads its instants; `field` names it in errors. */
export function compileLayer(layer: ScheduleLayer, timeZone: string, field: string): CompiledLayer {
  if (layer === null || typeof layer !== "object") {
    throw new ScheduleInputError(field, "expected a schedule layer object");
  }
  const clock = WallClock.of(timeZone, "time_zone");
  const startMs = parseInstant(layer.start, `${field}.start`, timeZone);
  const endMs =
    layer.end === null || layer.end === undefined
      ? Number.POSITIVE_INFINITY
      : parseInstant(layer.end, `${field}.end`, timeZone);
  const virtualStart = parseInstant(
    layer.rotation_virtual_start,
    `${field}.rotation_virtual_start`,
    timeZone,
  );
  const turn = layer.rotation_turn_length_seconds;
  if (!Number.isInteger(turn) || turn <= 0) {
    throw new ScheduleInputError(
      `${field}.rotation_turn_length_seconds`,
      `expected a whole number of seconds > 0, got ${JSON.stringify(turn)}`,
    );
  }
  if (!Array.isArray(layer.users)) {
    throw new ScheduleInputError(`${field}.users`, "expected an array of {user: {id}}");
  }
  const userIds = layer.users.map((entry, i) => {
    const id = entry?.user?.id;
    if (typeof id !== "string" || id === "") {
      throw new ScheduleInputError(`${field}.users[${i}].user.id`, "expected a user id");
    }
    return id;
  });
  const restrictions = layer.restrictions ?? [];
  if (!Array.isArray(restrictions)) {
    throw new ScheduleInputError(`${field}.restrictions`, "expected an array of restrictions");
  }
  return {
    id: layer.id,
    clock,
    startMs,
    endMs,
    virtualStartWall: clock.wallTimeAt(virtualStart),
    turnMs: turn * SECOND_MS,
    userIds,
    restrictions: restrictions.map((r, i) => compileRestriction(r, `${field}.restrictions[${i}]`)),
  };
}

/** The instant turn k starts. Non-decreasing in k. */
function turnStart(layer: CompiledLayer, k: number): number {
  return layer.clock.instantAt(layer.virtualStartWall + k * layer.turnMs);
}

/** The turn `instant` falls in. */
function turnAt(layer: CompiledLayer, instant: number): number {
  let k = Math.floor((layer.clock.wallTimeAt(instant) - layer.virtualStartWall) / layer.turnMs);
  while (turnStart(layer, k) > instant) k--;
  while (turnStart(layer, k + 1) <= instant) k++;
  return k;
}

/** The union of the layer's restriction windows within [from, to). */
function restrictionWindows(layer: CompiledLayer, from: number, to: number): Span[] {
  const { clock } = layer;
  const longest = Math.max(...layer.restrictions.map((r) => r.durationMs));
  const firstDay = startOfWallDay(clock.wallTimeAt(from) - longest) - DAY_MS;
  const lastDay = startOfWallDay(clock.wallTimeAt(to)) + DAY_MS;
  const windows: Span[] = [];
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    const weekday = isoWeekday(day);
    for (const r of layer.restrictions) {
      if (r.durationMs === 0 || (r.weekday !== null && r.weekday !== weekday)) continue;
      const wallStart = day + r.startOfDayMs;
      const start = Math.max(from, clock.instantAt(wallStart));
      const end = Math.min(to, clock.instantAt(wallStart + r.durationMs));
      if (end > start) windows.push({ start, end });
    }
  }
  return unionSpans(windows);
}

/** Who the layer has on call within [from, to), back-to-back shifts of one user joined. */
export function layerShifts(layer: CompiledLayer, from: number, to: number): Shift[] {
  const start = Math.max(from, layer.startMs);
  const end = Math.min(to, layer.endMs);
  const n = layer.userIds.length;
  if (end <= start || n === 0) return [];
  const windows =
    layer.restrictions.length > 0 ? restrictionWindows(layer, start, end) : [{ start, end }];
  const shifts: Shift[] = [];
  let turns = 0;
  for (const window of windows) {
    let k = turnAt(layer, window.start);
    let t = window.start;
    while (t < window.end) {
      if (++turns > MAX_TURNS_PER_RENDERING) {
        throw new ScheduleInputError(
          "until",
          `the range spans more than ${MAX_TURNS_PER_RENDERING} turns of layer ${layer.id}; ask for a shorter range`,
        );
      }
      const next = Math.min(turnStart(layer, k + 1), window.end);
      if (next > t) {
        shifts.push({ userId: layer.userIds[((k % n) + n) % n] as string, start: t, end: next });
        t = next;
      }
      k++;
    }
  }
  return joinShifts(shifts);
}

/**
 * A layer's `rendered_schedule_entries` and `rendered_coverage_percentage` over [since, until).
 * `scheduleTimeZone` is the schedule's `time_zone`, in which turns and restrictions are reckoned;
 * `options.timeZone` is the zone the entries are written in (default: the schedule's).
 */
export function renderLayer(
  layer: ScheduleLayer,
  since: Instant,
  until: Instant,
  scheduleTimeZone: string,
  options: RenderOptions = {},
): Rendering {
  const compiled = compileLayer(layer, scheduleTimeZone, "schedule_layer");
  const range = renderRange(since, until, options.timeZone ?? scheduleTimeZone);
  const shifts = (from: number, to: number) => layerShifts(compiled, from, to);
  return renderShifts(shifts, range, options, scheduleTimeZone);
}
