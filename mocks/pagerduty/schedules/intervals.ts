/** Half-open intervals [start, end) of epoch milliseconds, and who is on call in them. */

export interface Span {
  start: number;
  end: number;
}

export interface Shift extends Span {
  userId: string;
}

/** Sorted, non-overlapping spans covering the same instants as `spans`. */
export function unionSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else out.push({ start: span.start, end: span.end });
  }
  return out;
}

/** Sorted shifts with each run of back-to-back shifts of one user joined into one. */
export function joinShifts(shifts: readonly Shift[]): Shift[] {
  const out: Shift[] = [];
  for (const shift of shifts) {
    if (shift.end <= shift.start) continue;
    const last = out.at(-1);
    if (last && last.userId === shift.userId && last.end === shift.start) last.end = shift.end;
    else out.push({ ...shift });
  }
  return out;
}

/** Milliseconds of [since, until) that `shifts` (non-overlapping) cover. */
export function coveredMs(shifts: readonly Span[], since: number, until: number): number {
  let total = 0;
  for (const s of shifts) total += Math.max(0, Math.min(s.end, until) - Math.max(s.start, since));
  return total;
}

/** Share of [since, until) covered, as PagerDuty's percentage with two decimals. */
export function coveragePercentage(shifts: readonly Span[], since: number, until: number): number {
  if (until <= since) return 0;
  return Math.round((coveredMs(shifts, since, until) / (until - since)) * 10_000) / 100;
}

export type ShiftSource = (from: number, to: number) => Shift[];

/**
 * The shifts of `source` that overlap [since, until), with the first and last followed past the
 * bounds to where they really start and end, but not before `earliest` nor after `latest`.
 * `source` returns joined shifts cut at its window.
 */
export function shiftsWithNaturalEdges(
  source: ShiftSource,
  since: number,
  until: number,
  limits: { earliest: number; latest: number },
): Shift[] {
  const shifts = source(since, until);
  const first = shifts[0];
  if (first && first.start === since) {
    first.start = followEdge(source, first.userId, since, Math.min(since, limits.earliest));
  }
  const last = shifts.at(-1);
  if (last && last.end === until) {
    last.end = followEdge(source, last.userId, until, Math.max(until, limits.latest));
  }
  return shifts;
}

const FIRST_STEP_MS = 24 * 60 * 60 * 1000;

/** Where the shift of `userId` that reaches `bound` really starts (limit < bound) or ends. */
function followEdge(source: ShiftSource, userId: string, bound: number, limit: number): number {
  const backward = limit < bound;
  for (let step = FIRST_STEP_MS; ; step *= 2) {
    const beyond = backward ? Math.max(bound - step, limit) : Math.min(bound + step, limit);
    if (beyond === bound) return bound;
    const found = backward ? source(beyond, bound).at(-1) : source(bound, beyond)[0];
    const continues =
      found !== undefined &&
      found.userId === userId &&
      (backward ? found.end === bound : found.start === bound);
    if (!continues) return bound;
    const edge = backward ? found.start : found.end;
    if (edge !== beyond || beyond === limit) return edge;
  }
}
