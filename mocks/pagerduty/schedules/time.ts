/**
 * Instants and wall-clock time in a schedule's time zone.
 *
 * Turns and restrictions are reckoned on the schedule's wall clock, so a daily handoff at 09:00
 * stays at 09:00 across a daylight saving change (the turn that spans the change is an hour
 * shorter or longer). Wall-clock time is written here as a number: milliseconds since
 * 1970-01-01T00:00 of the zone's calendar, so that adding N seconds of wall-clock time is an
 * addition. Converting a wall-clock time back to an instant takes the earliest instant whose
 * wall clock reads that time or later: a time skipped when clocks go forward maps to the instant
 * of the change, and a time that occurs twice when clocks go back maps to its first occurrence.
 */
import { DateTime, IANAZone } from "luxon";
import { ScheduleInputError } from "./errors.js";
import type { Instant } from "./types.js";

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Wider than any zone's offset change around one wall-clock time. */
const TRANSITION_MARGIN_MS = 36 * HOUR_MS;

/** True when `name` is an IANA time zone luxon knows ("America/New_York", "UTC"). */
export function isTimeZone(name: unknown): name is string {
  return typeof name === "string" && name.length > 0 && IANAZone.isValidZone(name);
}

export function assertTimeZone(name: unknown, field: string): string {
  if (!isTimeZone(name)) {
    throw new ScheduleInputError(
      field,
      `expected an IANA time zone such as "America/New_York" or "UTC", got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/** A time zone's wall clock. */
export class WallClock {
  private readonly zone: IANAZone;

  private constructor(readonly timeZone: string) {
    this.zone = IANAZone.create(timeZone);
  }

  private static readonly clocks = new Map<string, WallClock>();

  static of(timeZone: string, field: string): WallClock {
    assertTimeZone(timeZone, field);
    let clock = WallClock.clocks.get(timeZone);
    if (!clock) {
      clock = new WallClock(timeZone);
      WallClock.clocks.set(timeZone, clock);
    }
    return clock;
  }

  /** The zone's UTC offset at `instant`, in milliseconds. */
  offsetAt(instant: number): number {
    return this.zone.offset(instant) * MINUTE_MS;
  }

  /** What the zone's clocks read at `instant`. */
  wallTimeAt(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  /** The earliest instant at which the zone's clocks read `wallTime` or later. */
  instantAt(wallTime: number): number {
    const before = this.offsetAt(wallTime - TRANSITION_MARGIN_MS);
    const after = this.offsetAt(wallTime + TRANSITION_MARGIN_MS);
    let earliest = Number.POSITIVE_INFINITY;
    for (const offset of before === after ? [before] : [before, after]) {
      const instant = wallTime - offset;
      if (this.offsetAt(instant) === offset && instant < earliest) earliest = instant;
    }
    if (earliest !== Number.POSITIVE_INFINITY) return earliest;
    // Skipped by a change that set clocks forward: the first instant after the change.
    let lo = wallTime - Math.max(before, after);
    let hi = wallTime - Math.min(before, after);
    const offsetBefore = this.offsetAt(lo);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid) === offsetBefore) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}

/** Midnight (wall-clock) of the day containing `wallTime`. */
export function startOfWallDay(wallTime: number): number {
  return Math.floor(wallTime / DAY_MS) * DAY_MS;
}

/** ISO 8601 day of the week (1 Monday ... 7 Sunday) of a wall-clock time. */
export function isoWeekday(wallTime: number): number {
  const day = new Date(wallTime).getUTCDay();
  return day === 0 ? 7 : day;
}

/**
 * Epoch milliseconds of `value`. A string without an offset is read in `timeZone`
 * (PagerDuty reads such times in the request's `time_zone`).
 */
export function parseInstant(value: Instant, field: string, timeZone = "UTC"): number {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
  } else if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isFinite(ms)) return ms;
  } else if (typeof value === "string") {
    const parsed = DateTime.fromISO(value, { zone: timeZone });
    if (parsed.isValid) return parsed.toMillis();
  }
  throw new ScheduleInputError(
    field,
    `expected an ISO 8601 date-time such as "2026-01-05T09:00:00-05:00", got ${JSON.stringify(value)}`,
  );
}

/** `instant` as ISO 8601 in `timeZone`: "2026-03-08T09:00:00-04:00", "...Z" for UTC. */
export function formatInstant(instant: number, timeZone: string): string {
  const text = DateTime.fromMillis(instant, { zone: timeZone }).toISO({
    suppressMilliseconds: true,
  });
  if (text === null) {
    throw new ScheduleInputError("time_zone", `cannot render ${instant} in ${timeZone}`);
  }
  return text;
}
