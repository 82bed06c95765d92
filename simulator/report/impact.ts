/**
 * Impact as customers felt it: episodes of bad requests per service, from the fault that caused
 * them (the simulator knows the true fault) or, without one, from runs of bad request counts.
 */
import type { FaultWindow, RequestInterval } from "./facts.js";

/** Bad intervals closer than this belong to one episode when no fault frames them. */
export const EPISODE_GAP_MS = 5 * 60_000;

export interface ImpactEpisode {
  service: string;
  faultId?: string;
  /** The first failed request. */
  startMs: number;
  /** The last failed request: the service recovered after it. */
  endMs: number;
  impactMinutes: number;
}

/** Minutes with bad requests, each weighted by the share of requests that were bad. */
export function impactMinutes(intervals: readonly RequestInterval[]): number {
  let total = 0;
  for (const i of intervals) {
    const all = i.good + i.bad;
    if (i.bad > 0 && all > 0) total += ((i.toMs - i.fromMs) / 60_000) * (i.bad / all);
  }
  return total;
}

function overlapping(intervals: readonly RequestInterval[], fromMs: number, toMs: number) {
  return intervals.filter((i) => i.bad > 0 && i.toMs > fromMs && i.fromMs <= toMs);
}

function firstIn(times: readonly number[], fromMs: number, toMs: number): number | undefined {
  return times.find((t) => t >= fromMs && t <= toMs);
}

function lastIn(times: readonly number[], fromMs: number, toMs: number): number | undefined {
  for (let i = times.length - 1; i >= 0; i--) {
    const t = times[i] as number;
    if (t >= fromMs && t <= toMs) return t;
  }
  return undefined;
}

export function impactEpisodes(
  service: string,
  input: {
    intervals: readonly RequestInterval[];
    errors: readonly number[];
    faults: readonly FaultWindow[];
    endMs: number;
  },
): ImpactEpisode[] {
  const { intervals, errors } = input;
  const episodes: ImpactEpisode[] = [];
  const claimed = new Set<RequestInterval>();
  for (const fault of input.faults) {
    const until = fault.endMs ?? input.endMs;
    const bad = overlapping(intervals, fault.startMs, until);
    const startMs = firstIn(errors, fault.startMs, until) ?? bad[0]?.fromMs;
    const endMs = lastIn(errors, fault.startMs, until) ?? bad[bad.length - 1]?.toMs;
    // A fault that failed no request (latency only, or no traffic) had no impact to measure.
    if (startMs === undefined || endMs === undefined) continue;
    for (const i of bad) claimed.add(i);
    episodes.push({
      service,
      faultId: fault.faultId,
      startMs,
      endMs,
      impactMinutes: impactMinutes(bad),
    });
  }
  let run: RequestInterval[] = [];
  const close = () => {
    const first = run[0];
    const last = run[run.length - 1];
    if (first && last) {
      episodes.push({
        service,
        startMs: firstIn(errors, first.fromMs, last.toMs) ?? first.fromMs,
        endMs: lastIn(errors, first.fromMs, last.toMs) ?? last.toMs,
        impactMinutes: impactMinutes(run),
      });
    }
    run = [];
  };
  for (const i of intervals) {
    if (i.bad === 0 || claimed.has(i)) continue;
    const previous = run[run.length - 1];
    if (previous && i.fromMs - previous.toMs > EPISODE_GAP_MS) close();
    run.push(i);
  }
  close();
  return episodes.sort((a, b) => a.startMs - b.startMs);
}

/** The episode an incident answers: the latest one of its service that began before it opened. */
export function episodeOf(
  episodes: readonly ImpactEpisode[],
  openedMs: number,
): ImpactEpisode | undefined {
  let found: ImpactEpisode | undefined;
  for (const e of episodes) if (e.startMs <= openedMs) found = e;
  return found;
}
