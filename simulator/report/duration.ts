/**
 * Durations as the scenario writes them ("90s", "15m", "1h30m", "3d", or a number of
 * milliseconds), and as the report prints them: the kernel's grammar, shared with scenarios.
 */
import { z } from "zod";
import { parseDuration } from "../kernel/duration.js";

export { parseDuration };

/** A duration text or a number of milliseconds (0 or more), read as milliseconds. */
export const durationSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
    ctx.addIssue({
      code: "custom",
      message: `expected a duration in milliseconds (a number, 0 or more), got ${value}`,
    });
    return z.NEVER;
  }
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

export type DurationInput = z.input<typeof durationSchema>;

/**
 * A duration for people: "56m", "1h05m", "2d 4h", "45s", "0s"; rounded to the second below an
 * hour and to the minute above.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 60_000) return `${sign}${Math.round(rest / 1000)}s`;
  if (rest < 3_600_000) {
    const totalSeconds = Math.round(rest / 1000);
    const m = Math.floor(totalSeconds / 60);
    const s = totalSeconds % 60;
    return `${sign}${m}m${s === 0 ? "" : `${String(s).padStart(2, "0")}s`}`;
  }
  rest = Math.round(rest / 60_000);
  const d = Math.floor(rest / 1440);
  const h = Math.floor((rest % 1440) / 60);
  const m = rest % 60;
  const hm = `${h}h${m === 0 ? "" : String(m).padStart(2, "0")}${m === 0 ? "" : "m"}`;
  if (d === 0) return `${sign}${hm}`;
  return `${sign}${d}d${h === 0 && m === 0 ? "" : ` ${hm}`}`;
}

/** An ISO instant from epoch milliseconds (a pure conversion: no clock is read). */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}
