/**
 * Durations as scenarios write them: one or more `<number><unit>` parts, units d, h, m, s, ms,
 * each at most once and largest first ("1h30m", "2m30s", "1.5s", "250ms"). One grammar for the
 * scenario format, the people's delays and the report's targets.
 */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
/** Units in the order a duration must name them: "1h30m", not "30m1h". */
const UNIT_ORDER: readonly Unit[] = ["d", "h", "m", "s", "ms"];
const PART = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y;

export function durationError(text: unknown): RangeError {
  const shown = typeof text === "string" ? JSON.stringify(text) : String(text);
  return new RangeError(`expected a duration like "90s", "5m" or "1h30m", got ${shown}`);
}

/** Whole milliseconds in a duration text (a fraction below 1 ms is rounded); throws a RangeError saying what was expected. */
export function parseDuration(text: string): number {
  if (typeof text !== "string") throw durationError(text);
  const trimmed = text.trim();
  if (trimmed === "") throw durationError(text);
  let total = 0;
  let lastUnit = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const at = PART.lastIndex;
    const match = PART.exec(trimmed);
    if (!match || match.index !== at) throw durationError(text);
    const unit = match[2] as Unit;
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= lastUnit) throw durationError(text);
    lastUnit = rank;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  if (!Number.isFinite(total)) throw durationError(text);
  return Math.round(total);
}
