/**
 * A schedule's final schedule: who is on call, layers and overrides together.
 *
 * At each instant the on-call user is, in order of precedence:
 * 1. the user of an override covering the instant, the last created one where overrides overlap
 *    ("If you create an override on top of an existing override, the last created override will
 *    have priority", POST /schedules/{id}/overrides);
 * 2. otherwise the user of the highest layer that has someone on call then: a later layer in
 *    `schedule_layers` hides the earlier ones where it has someone ("the user on Layer 2 will be
 *    the one on-call for the period of their overlap", support.pagerduty.com Schedule Basics);
 * 3. otherwise no one: the time is a gap, which the final schedule leaves out ("It is also
 *    possible that no one is on-call during a given time period").
 * Back-to-back shifts of one user are rendered as one entry.
 */
import { ScheduleInputError } from "./errors.js";
import { joinShifts, type Shift, shiftsWithNaturalEdges } from "./intervals.js";
import { type CompiledLayer, compileLayer, layerShifts } from "./layer.js";
import {
  DEFAULT_HORIZON_SECONDS,
  entryOf,
  horizonMs,
  type RenderRange,
  renderRange,
  renderShifts,
} from "./render.js";
import { assertTimeZone, formatInstant, parseInstant } from "./time.js";
import type {
  FinalScheduleRendering,
  Instant,
  Override,
  RenderedSchedule,
  RenderedScheduleEntry,
  RenderOptions,
  Schedule,
} from "./types.js";

export interface CompiledOverride {
  id: string;
  start: number;
  end: number;
  userId: string;
}

export interface CompiledSchedule {
  id: string;
  timeZone: string;
  layers: CompiledLayer[];
  overrides: CompiledOverride[];
}

/** Validates a schedule and its overrides (in creation order) and reads their instants. */
export function compileSchedule(
  schedule: Schedule,
  overrides: readonly Override[],
): CompiledSchedule {
  if (schedule === null || typeof schedule !== "object") {
    throw new ScheduleInputError("schedule", "expected a schedule object");
  }
  const timeZone = assertTimeZone(schedule.time_zone, "time_zone");
  if (!Array.isArray(schedule.schedule_layers)) {
    throw new ScheduleInputError("schedule_layers", "expected an array of schedule layers");
  }
  if (!Array.isArray(overrides)) {
    throw new ScheduleInputError("overrides", "expected an array of overrides");
  }
  return {
    id: schedule.id,
    timeZone,
    layers: schedule.schedule_layers.map((layer, i) =>
      compileLayer(layer, timeZone, `schedule_layers[${i}]`),
    ),
    overrides: overrides.map((o, i) => {
      const field = `overrides[${i}]`;
      const zone =
        o.time_zone === undefined ? timeZone : assertTimeZone(o.time_zone, `${field}.time_zone`);
      const start = parseInstant(o.start, `${field}.start`, zone);
      const end = parseInstant(o.end, `${field}.end`, zone);
      if (end <= start) {
        throw new ScheduleInputError(`${field}.end`, "Override must end after its start");
      }
      const userId = o.user?.id;
      if (typeof userId !== "string" || userId === "") {
        throw new ScheduleInputError(`${field}.user.id`, "expected a user id");
      }
      return { id: o.id, start, end, userId };
    }),
  };
}

/** The overrides within [from, to), the later created winning where they overlap. */
export function overrideShifts(
  overrides: readonly CompiledOverride[],
  from: number,
  to: number,
): Shift[] {
  const relevant = overrides.filter((o) => o.start < to && o.end > from);
  if (relevant.length === 0) return [];
  const cuts = new Set<number>([from, to]);
  for (const o of relevant) {
    if (o.start > from) cuts.add(o.start);
    if (o.end < to) cuts.add(o.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const shifts: Shift[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i] as number;
    const end = points[i + 1] as number;
    for (let j = relevant.length - 1; j >= 0; j--) {
      const o = relevant[j] as CompiledOverride;
      if (o.start <= start && o.end >= end) {
        shifts.push({ userId: o.userId, start, end });
        break;
      }
    }
  }
  return joinShifts(shifts);
}

/** Walks sorted, non-overlapping shifts with instants that only increase. */
class Cursor {
  private index = 0;
  constructor(private readonly shifts: readonly Shift[]) {}
  at(instant: number): Shift | undefined {
    while (this.index < this.shifts.length && (this.shifts[this.index] as Shift).end <= instant) {
      this.index++;
    }
    const shift = this.shifts[this.index];
    return shift && shift.start <= instant ? shift : undefined;
  }
}

/** The final schedule within [from, to): gaps left out, back-to-back shifts of a user joined. */
export function finalShifts(schedule: CompiledSchedule, from: number, to: number): Shift[] {
  if (to <= from) return [];
  const sources = [
    overrideShifts(schedule.overrides, from, to),
    ...schedule.layers.map((layer) => layerShifts(layer, from, to)).reverse(),
  ];
  const cuts = new Set<number>([from, to]);
  for (const source of sources) {
    for (const s of source) {
      cuts.add(s.start);
      cuts.add(s.end);
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const cursors = sources.map((source) => new Cursor(source));
  const shifts: Shift[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i] as number;
    for (const cursor of cursors) {
      const shift = cursor.at(start);
      if (shift) {
        shifts.push({ userId: shift.userId, start, end: points[i + 1] as number });
        break;
      }
    }
  }
  return joinShifts(shifts);
}

function renderCompiled(
  compiled: CompiledSchedule,
  range: RenderRange,
  options: RenderOptions,
): FinalScheduleRendering {
  return {
    final_schedule: {
      name: "Final Schedule",
      ...renderShifts((f, t) => finalShifts(compiled, f, t), range, options, compiled.timeZone),
    },
    overrides_subschedule: {
      name: "Overrides",
      ...renderShifts(
        (f, t) => overrideShifts(compiled.overrides, f, t),
        range,
        options,
        compiled.timeZone,
      ),
    },
  };
}

/**
 * `final_schedule` and `overrides_subschedule` over [since, until): rendered entries (gaps left
 * out) and coverage percentages. `overrides` in creation order.
 */
export function renderFinalSchedule(
  schedule: Schedule,
  overrides: readonly Override[],
  since: Instant,
  until: Instant,
  options: RenderOptions = {},
): FinalScheduleRendering {
  const compiled = compileSchedule(schedule, overrides);
  const range = renderRange(since, until, options.timeZone ?? compiled.timeZone);
  return renderCompiled(compiled, range, options);
}

/**
 * The schedule as GET /schedules/{id}?since&until&time_zone&overflow returns it: each layer with
 * its `rendered_schedule_entries` and `rendered_coverage_percentage` (and its `start`, `end` and
 * `rotation_virtual_start` written in the requested zone), `final_schedule` and
 * `overrides_subschedule`.
 */
export function renderSchedule(
  schedule: Schedule,
  overrides: readonly Override[],
  since: Instant,
  until: Instant,
  options: RenderOptions = {},
): RenderedSchedule {
  const compiled = compileSchedule(schedule, overrides);
  const zone = assertTimeZone(options.timeZone ?? compiled.timeZone, "time_zone");
  const range = renderRange(since, until, zone);
  return {
    ...schedule,
    schedule_layers: schedule.schedule_layers.map((layer, i) => {
      const c = compiled.layers[i] as CompiledLayer;
      return {
        ...layer,
        start: formatInstant(c.startMs, zone),
        end: Number.isFinite(c.endMs) ? formatInstant(c.endMs, zone) : null,
        rotation_virtual_start: formatInstant(c.clock.instantAt(c.virtualStartWall), zone),
        ...renderShifts((f, t) => layerShifts(c, f, t), range, options, compiled.timeZone),
      };
    }),
    ...renderCompiled(compiled, range, options),
  };
}

/** The users on call at `at`: one, or none in a gap. */
export function onCallAt(
  schedule: Schedule,
  overrides: readonly Override[],
  at: Instant,
): string[] {
  const compiled = compileSchedule(schedule, overrides);
  const instant = parseInstant(at, "at", compiled.timeZone);
  return finalShifts(compiled, instant, instant + 1).map((s) => s.userId);
}

/**
 * GET /schedules/{id}/users: with a range, the users on call in the final schedule within it, in
 * the order they first come on call; without, every user of the schedule's layers, layer by layer
 * in rotation order.
 */
export function scheduleUsers(
  schedule: Schedule,
  overrides: readonly Override[],
  range?: { since: Instant; until: Instant },
): string[] {
  const compiled = compileSchedule(schedule, overrides);
  const ids = range
    ? finalShifts(compiled, ...rangeArgs(range, compiled.timeZone)).map((s) => s.userId)
    : compiled.layers.flatMap((layer) => layer.userIds);
  return [...new Set(ids)];
}

function rangeArgs(range: { since: Instant; until: Instant }, zone: string): [number, number] {
  const r = renderRange(range.since, range.until, zone);
  return [r.since, r.until];
}

/**
 * A user's current or next shift in the final schedule from `at` (the schedule's
 * `next_oncall_for_user`), whole, looked for up to `horizonSeconds` ahead; null if none.
 */
export function nextOnCallForUser(
  schedule: Schedule,
  overrides: readonly Override[],
  userId: string,
  at: Instant,
  options: { timeZone?: string; horizonSeconds?: number } = {},
): RenderedScheduleEntry | null {
  const compiled = compileSchedule(schedule, overrides);
  const zone = assertTimeZone(options.timeZone ?? compiled.timeZone, "time_zone");
  const from = parseInstant(at, "at", zone);
  const horizon = horizonMs(options.horizonSeconds ?? DEFAULT_HORIZON_SECONDS, "horizonSeconds");
  const source = (f: number, t: number) => finalShifts(compiled, f, t);
  const shift = shiftsWithNaturalEdges(source, from, from + horizon, {
    earliest: from - horizon,
    latest: from + horizon,
  }).find((s) => s.userId === userId);
  return shift ? entryOf(shift, zone) : null;
}
