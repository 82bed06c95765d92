/** From computed shifts to the REST API's rendered entries, in the requested time zone. */
import { ScheduleInputError } from "./errors.js";
import {
  coveragePercentage,
  type Shift,
  type ShiftSource,
  shiftsWithNaturalEdges,
} from "./intervals.js";
import { assertTimeZone, formatInstant, parseInstant, SECOND_MS } from "./time.js";
import type { Instant, RenderedScheduleEntry, Rendering, RenderOptions } from "./types.js";

/**
 * `since` and `until` default to two weeks either side of the one given (GET /schedules and
 * GET /schedules/{id}, parameters since and until).
 */
export const DEFAULT_RENDER_SPAN_SECONDS = 14 * 24 * 60 * 60;

/** How far an overflowing entry, or an on-call period, is followed past the range: 90 days. */
export const DEFAULT_HORIZON_SECONDS = 90 * 24 * 60 * 60;

export interface RenderRange {
  since: number;
  until: number;
}

/** Reads a render range; `since` must come before `until`. */
export function renderRange(since: Instant, until: Instant, timeZone: string): RenderRange {
  const range = {
    since: parseInstant(since, "since", timeZone),
    until: parseInstant(until, "until", timeZone),
  };
  if (range.until <= range.since) {
    throw new ScheduleInputError("until", "must be after since");
  }
  return range;
}

/**
 * The range a schedule is rendered over when the request gives `since`, `until`, both or
 * neither: the missing bound two weeks from the given one; null when neither is given (nothing
 * is rendered then).
 */
export function defaultRenderRange(
  since: Instant | undefined,
  until: Instant | undefined,
  timeZone = "UTC",
): RenderRange | null {
  const span = DEFAULT_RENDER_SPAN_SECONDS * SECOND_MS;
  if (since === undefined && until === undefined) return null;
  if (since !== undefined && until !== undefined) return renderRange(since, until, timeZone);
  if (since !== undefined) {
    const from = parseInstant(since, "since", timeZone);
    return { since: from, until: from + span };
  }
  const to = parseInstant(until as Instant, "until", timeZone);
  return { since: to - span, until: to };
}

export function horizonMs(seconds: number | undefined, field: string): number {
  const value = seconds ?? DEFAULT_HORIZON_SECONDS;
  if (!Number.isFinite(value) || value < 0) {
    throw new ScheduleInputError(field, `expected a number of seconds >= 0, got ${value}`);
  }
  return value * SECOND_MS;
}

export function entryOf(shift: Shift, timeZone: string): RenderedScheduleEntry {
  return {
    user: { id: shift.userId, type: "user_reference" },
    start: formatInstant(shift.start, timeZone),
    end: formatInstant(shift.end, timeZone),
  };
}

/** Renders `source` over `range`: entries (cut at the bounds unless `overflow`) and coverage. */
export function renderShifts(
  source: ShiftSource,
  range: RenderRange,
  options: RenderOptions,
  scheduleTimeZone: string,
): Rendering {
  const zone = assertTimeZone(options.timeZone ?? scheduleTimeZone, "time_zone");
  const inRange = source(range.since, range.until);
  const horizon = horizonMs(options.overflowHorizonSeconds, "overflowHorizonSeconds");
  const shifts = options.overflow
    ? shiftsWithNaturalEdges(source, range.since, range.until, {
        earliest: range.since - horizon,
        latest: range.until + horizon,
      })
    : inRange;
  return {
    rendered_schedule_entries: shifts.map((shift) => entryOf(shift, zone)),
    rendered_coverage_percentage: coveragePercentage(inRange, range.since, range.until),
  };
}
