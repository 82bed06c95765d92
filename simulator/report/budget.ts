/**
 * Error budgets and burn rates (reference/xstate-xla.md §4.4, after the Google SRE workbook):
 * the budget is the bad requests the SLO allows, 1 - SLO of the requests in the window, and the
 * burn rate is how fast they are spent: bad fraction / (1 - SLO), 1 meaning exactly on budget.
 */
import type { RequestInterval } from "./facts.js";

/** The short and long windows of the fastest paging pair (5 min and 1 h, burn 14.4). */
export const BURN_WINDOWS_MS = { short: 5 * 60_000, long: 60 * 60_000 } as const;
/** At most this many points in a service's bad-share chart. */
const MAX_CHART_POINTS = 240;

export interface BudgetFigures {
  good: number;
  bad: number;
  total: number;
  allowedBad: number;
  consumedPercent: number;
  remaining: number;
  burnRate: number;
  peakBurnRate1h: number;
  peakBurnRate5m: number;
}

export function burnRate(good: number, bad: number, sloPercent: number): number {
  const all = good + bad;
  const allowedFraction = 1 - sloPercent / 100;
  return all === 0 || allowedFraction <= 0 ? 0 : bad / all / allowedFraction;
}

/** The highest burn rate over any `windowMs` of the intervals; the whole run if it is shorter. */
export function peakBurnRate(
  intervals: readonly RequestInterval[],
  windowMs: number,
  sloPercent: number,
): number {
  const first = intervals[0];
  if (!first) return 0;
  let peak: number | undefined;
  let good = 0;
  let bad = 0;
  let lo = 0;
  for (const i of intervals) {
    good += i.good;
    bad += i.bad;
    while (lo < intervals.length && (intervals[lo] as RequestInterval).fromMs < i.toMs - windowMs) {
      good -= (intervals[lo] as RequestInterval).good;
      bad -= (intervals[lo] as RequestInterval).bad;
      lo++;
    }
    if (i.toMs - first.fromMs >= windowMs) {
      const b = burnRate(good, bad, sloPercent);
      if (peak === undefined || b > peak) peak = b;
    }
  }
  if (peak !== undefined) return peak;
  const all = intervals.reduce((s, i) => ({ good: s.good + i.good, bad: s.bad + i.bad }), {
    good: 0,
    bad: 0,
  });
  return burnRate(all.good, all.bad, sloPercent);
}

/**
 * The service's budget over [fromMs, toMs). A window longer than the run ("30d") is filled at
 * the run's request rate, so a two-hour run is judged as a slice of the month it stands for.
 */
export function errorBudget(
  intervals: readonly RequestInterval[],
  sloPercent: number,
  window: "run" | number,
  fromMs: number,
  toMs: number,
): BudgetFigures {
  const inRun = intervals.filter((i) => i.fromMs >= fromMs && i.fromMs < toMs);
  let good = 0;
  let bad = 0;
  for (const i of inRun) {
    good += i.good;
    bad += i.bad;
  }
  const total = good + bad;
  const runMs = Math.max(1, toMs - fromMs);
  const scale = window === "run" ? 1 : window / runMs;
  const allowedBad = (1 - sloPercent / 100) * total * scale;
  return {
    good,
    bad,
    total,
    allowedBad,
    consumedPercent: allowedBad > 0 ? (bad / allowedBad) * 100 : 0,
    remaining: allowedBad - bad,
    burnRate: burnRate(good, bad, sloPercent),
    peakBurnRate1h: peakBurnRate(inRun, BURN_WINDOWS_MS.long, sloPercent),
    peakBurnRate5m: peakBurnRate(inRun, BURN_WINDOWS_MS.short, sloPercent),
  };
}

/** Bad share per bucket (a minute, or more for long runs), for the chart. */
export function badShareSeries(
  intervals: readonly RequestInterval[],
  fromMs: number,
  toMs: number,
): { bucketMs: number; points: [number, number][] } {
  const minute = 60_000;
  const span = Math.max(minute, toMs - fromMs);
  const bucketMs = Math.max(minute, Math.ceil(span / MAX_CHART_POINTS / minute) * minute);
  const buckets = new Map<number, { good: number; bad: number }>();
  for (const i of intervals) {
    if (i.fromMs < fromMs || i.fromMs >= toMs) continue;
    const key = fromMs + Math.floor((i.fromMs - fromMs) / bucketMs) * bucketMs;
    const b = buckets.get(key) ?? { good: 0, bad: 0 };
    b.good += i.good;
    b.bad += i.bad;
    buckets.set(key, b);
  }
  const points: [number, number][] = [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([at, b]) => [at, b.good + b.bad === 0 ? 0 : b.bad / (b.good + b.bad)]);
  return { bucketMs, points };
}
