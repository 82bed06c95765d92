/**
 * Coverage hours: the clock an SLA target runs on. "24x7" counts every minute; a business-hours
 * clock ("09-17 Mon-Fri" in a time zone) pauses outside them, as managed-service contracts do
 * (a bronze "1 business hour" response to a page at 16:30 on Friday is due at 09:30 on Monday).
 */
import { DateTime, IANAZone } from "luxon";

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

export interface Coverage {
  /** As written: "24x7", "business hours 09-17 Mon-Fri". */
  text: string;
  timeZone: string;
  /** Minutes after local midnight the covered hours open and close; [0, 1440] for all day. */
  openMinute: number;
  closeMinute: number;
  /** ISO weekdays covered, 1 (Monday) to 7 (Sunday). */
  weekdays: readonly number[];
}

const HOURS =
  /^(?:business hours\s+)?(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s+([A-Z][a-z]{2})\s*-\s*([A-Z][a-z]{2})$/i;

export const COVERAGE_EXAMPLES = '"24x7", "24x5" or "business hours 09-17 Mon-Fri"';

/** Parses a coverage text; throws an Error naming what was expected. */
export function parseCoverage(text: string, timeZone = "UTC"): Coverage {
  if (!IANAZone.isValidZone(timeZone)) {
    throw new Error(
      `expected an IANA time zone like "Europe/Paris" or "UTC", got ${JSON.stringify(timeZone)}`,
    );
  }
  const trimmed = text.trim();
  const lower = trimmed.toLowerCase();
  if (lower === "24x7")
    return {
      text: trimmed,
      timeZone,
      openMinute: 0,
      closeMinute: 1440,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
    };
  if (lower === "24x5")
    return { text: trimmed, timeZone, openMinute: 0, closeMinute: 1440, weekdays: [1, 2, 3, 4, 5] };
  const match = HOURS.exec(trimmed);
  const day = (name: string) => DAYS.findIndex((d) => d.toLowerCase() === name.toLowerCase()) + 1;
  if (match) {
    const open = Number(match[1]) * 60 + Number(match[2] ?? 0);
    const close = Number(match[3]) * 60 + Number(match[4] ?? 0);
    const first = day(match[5] as string);
    const last = day(match[6] as string);
    if (first > 0 && last > 0 && open < close && close <= 1440) {
      const weekdays: number[] = [];
      for (let d = first; ; d = (d % 7) + 1) {
        weekdays.push(d);
        if (d === last) break;
      }
      return { text: trimmed, timeZone, openMinute: open, closeMinute: close, weekdays };
    }
  }
  throw new Error(`expected coverage hours like ${COVERAGE_EXAMPLES}, got ${JSON.stringify(text)}`);
}

export function isAroundTheClock(c: Coverage): boolean {
  return c.openMinute === 0 && c.closeMinute === 1440 && c.weekdays.length === 7;
}

/** Milliseconds of [fromMs, toMs) that fall inside the covered hours. */
export function coveredMs(c: Coverage, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  if (isAroundTheClock(c)) return toMs - fromMs;
  let total = 0;
  let day = DateTime.fromMillis(fromMs, { zone: c.timeZone }).startOf("day");
  while (day.toMillis() < toMs) {
    if (c.weekdays.includes(day.weekday)) {
      // Hours added to the local day, so a daylight-saving change moves them with the wall clock.
      const open = day.plus({ minutes: c.openMinute }).toMillis();
      const close = day.plus({ minutes: c.closeMinute }).toMillis();
      total += Math.max(0, Math.min(close, toMs) - Math.max(open, fromMs));
    }
    day = day.plus({ days: 1 });
  }
  return total;
}

/** "24x7", or "business hours 09:00-17:00 Mon-Fri (UTC)". */
export function describeCoverage(c: Coverage): string {
  if (isAroundTheClock(c)) return "24x7";
  const hhmm = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const days = `${DAYS[(c.weekdays[0] ?? 1) - 1]}-${DAYS[(c.weekdays[c.weekdays.length - 1] ?? 1) - 1]}`;
  if (c.openMinute === 0 && c.closeMinute === 1440) return `24h ${days} (${c.timeZone})`;
  return `business hours ${hhmm(c.openMinute)}-${hhmm(c.closeMinute)} ${days} (${c.timeZone})`;
}
