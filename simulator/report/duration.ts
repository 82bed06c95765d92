/**
 * Durations as the scenario writes them ("90s", "15m", "1h30m", "3d", or a number of
 * milliseconds), and as the report prints them. The same grammar as the scenario's durations,
 * parsed here so the report depends on nothing above the kernel.
 */
import { z } from "zod";

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
/** Largest first, each at most once: "1h30m", not "30m1h". */
const UNIT_ORDER: readonly Unit[] = ["d", "h", "m", "s", "ms"];
const PART = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y;

function durationError(text: string): RangeError {
  return new RangeError(
    `expected a duration like "90s", "15m" or "1h30m", got ${JSON.stringify(text)}`,
  );
}

/** Milliseconds in a duration text; throws a RangeError saying what was expected. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === "") throw durationError(text);
  let total = 0;
  let lastRank = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const at = PART.lastIndex;
    const match = PART.exec(trimmed);
    if (!match || match.index !== at) throw durationError(text);
    const unit = match[2] as Unit;
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= lastRank) throw durationError(text);
    lastRank = rank;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  if (!Number.isFinite(total)) throw durationError(text);
  return Math.round(total);
}

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
