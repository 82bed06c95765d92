// Virtual clock benchmark: schedule many timers at seeded delays within one virtual day, then fire
// them all; timers fired per second of real time and the peak heap. Peers: @sinonjs/fake-timers
// and xstate's SimulatedClock, on the same delays, interleaved round by round.

import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import FakeTimers from "@sinonjs/fake-timers";
import { SimulatedClock } from "xstate";
import { DEFAULT_START } from "../simulator/kernel/clock.js";
import { createRng } from "../simulator/kernel/rng.js";
import { createVirtualClock } from "../simulator/kernel/virtualClock.js";
import { fmt, fmtMiB, markdownTable, rotate, summarize } from "./stats.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const SEED = "watermelon-bench";
/** Heap is sampled every this many fired timers (and before and after each phase). */
const HEAP_SAMPLE_EVERY = 1024;

export interface ClockOptions {
  runs: number;
  /** Timers per run. */
  timers: number;
  /**
   * Timers per run for xstate's SimulatedClock stepped one due time at a time: each increment
   * sorts every pending timeout, so that row is quadratic and cannot take the full count.
   */
  xstateSteppedTimers: number;
  log?: (line: string) => void;
}

/** The delays every contender schedules: seeded, uniform over one virtual day. */
export function timerDelays(count: number): number[] {
  const rng = createRng(SEED).fork("clock");
  return Array.from({ length: count }, () => rng.int(0, DAY_MS - 1));
}

type Gc = () => void;

/** A real garbage collection if the process has one or can be given one; else undefined. */
function findGc(): { gc: Gc | undefined; how: string } {
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (typeof exposed === "function") return { gc: exposed, how: "global.gc (--expose-gc)" };
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    if (typeof gc === "function") {
      return { gc: gc as Gc, how: "gc exposed at run time (v8.setFlagsFromString)" };
    }
  } catch {
    // fall through
  }
  return { gc: undefined, how: "no gc available: heap figures are approximate" };
}

/** What every contender's timer callbacks report to: counts, firing order and heap samples. */
class Probe {
  fired = 0;
  outOfOrder = 0;
  private lastDue = Number.NEGATIVE_INFINITY;
  private baseline = 0;
  private peak = 0;

  constructor(private readonly gc: Gc | undefined) {}

  start(): void {
    this.gc?.();
    this.baseline = process.memoryUsage().heapUsed;
    this.peak = this.baseline;
  }

  sample(): void {
    const used = process.memoryUsage().heapUsed;
    if (used > this.peak) this.peak = used;
  }

  /** The callback for a timer due `delay` ms after the start. */
  callback(delay: number): () => void {
    return () => {
      if (delay < this.lastDue) this.outOfOrder++;
      this.lastDue = delay;
      this.fired++;
      if (this.fired % HEAP_SAMPLE_EVERY === 0) this.sample();
    };
  }

  peakBytes(): number {
    return this.peak - this.baseline;
  }

  /** Heap still held above the baseline after a full collection; undefined without a gc. */
  retainedBytes(): number | undefined {
    if (!this.gc) return undefined;
    this.gc();
    return process.memoryUsage().heapUsed - this.baseline;
  }
}

interface Sample {
  timers: number;
  scheduleMs: number;
  runMs: number;
  peakHeapBytes: number;
  retainedBytes: number | undefined;
}

interface Contender {
  name: string;
  timers: number;
  /** Schedules every timer (returned function fires them all). */
  schedule(delays: readonly number[], probe: Probe): () => Promise<void> | void;
}

async function measure(contender: Contender, delays: readonly number[], gc: Gc | undefined) {
  const mine = delays.slice(0, contender.timers);
  const probe = new Probe(gc);
  probe.start();
  const t0 = performance.now();
  const fireAll = contender.schedule(mine, probe);
  const t1 = performance.now();
  probe.sample();
  // Outside both timed phases: what the pending timers hold once the garbage is gone.
  const retainedBytes = probe.retainedBytes();
  const t1b = performance.now();
  await fireAll();
  const t2 = performance.now();
  probe.sample();
  if (probe.fired !== mine.length) {
    throw new Error(`${contender.name}: fired ${probe.fired} of ${mine.length} timers`);
  }
  if (probe.outOfOrder > 0) {
    throw new Error(`${contender.name}: ${probe.outOfOrder} timers fired before an earlier one`);
  }
  const sample: Sample = {
    timers: mine.length,
    scheduleMs: t1 - t0,
    runMs: t2 - t1b,
    peakHeapBytes: probe.peakBytes(),
    retainedBytes,
  };
  return sample;
}

const virtualClock = (timers: number): Contender => ({
  name: "watermelon virtual clock, runUntilIdle()",
  timers,
  schedule(delays, probe) {
    const clock = createVirtualClock();
    for (const delay of delays) clock.setTimeout(probe.callback(delay), delay, "bench");
    return () => clock.runUntilIdle({ maxTimers: delays.length });
  },
});

const fakeTimers = (timers: number): Contender => ({
  name: "@sinonjs/fake-timers, runAll()",
  timers,
  schedule(delays, probe) {
    // Not installed on the global object: a free-standing clock, its loop limit raised to fit.
    const clock = FakeTimers.withGlobal(globalThis).createClock(DEFAULT_START, delays.length + 1);
    for (const delay of delays) clock.setTimeout(probe.callback(delay), delay);
    return () => {
      clock.runAll();
    };
  },
});

const xstateStepped = (timers: number): Contender => ({
  name: "xstate SimulatedClock, increment() per due time",
  timers,
  schedule(delays, probe) {
    const clock = new SimulatedClock();
    for (const delay of delays) clock.setTimeout(probe.callback(delay), delay);
    const dues = [...new Set(delays)].sort((a, b) => a - b);
    return () => {
      let at = 0;
      for (const due of dues) {
        clock.increment(due - at);
        at = due;
      }
    };
  },
});

const xstateOneJump = (timers: number): Contender => ({
  name: "xstate SimulatedClock, one set() to the end of the day",
  timers,
  schedule(delays, probe) {
    const clock = new SimulatedClock();
    for (const delay of delays) clock.setTimeout(probe.callback(delay), delay);
    return () => clock.set(DAY_MS);
  },
});

/** Median bytes held per pending timer after a full collection, or "n/a" without a gc. */
function retainedPerTimer(runs: readonly Sample[]): string {
  const perTimer = runs.flatMap((s) =>
    s.retainedBytes === undefined ? [] : [s.retainedBytes / s.timers],
  );
  return perTimer.length === 0 ? "n/a" : fmt(summarize(perTimer).median);
}

export async function runClockBenchmark(options: ClockOptions): Promise<string> {
  const log = options.log ?? (() => {});
  const { gc, how } = findGc();
  const delays = timerDelays(options.timers);
  const contenders: Contender[] = [
    virtualClock(options.timers),
    fakeTimers(options.timers),
    xstateStepped(Math.min(options.xstateSteppedTimers, options.timers)),
    xstateOneJump(options.timers),
  ];

  const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < options.runs; round++) {
    for (const contender of rotate(contenders, round)) {
      const sample = await measure(contender, delays, gc);
      samples.get(contender.name)?.push(sample);
      log(
        `clock: round ${round + 1}/${options.runs} ${contender.name}: ${fmt(sample.timers)} timers, schedule ${fmt(sample.scheduleMs)} ms, run ${fmt(sample.runMs)} ms, peak heap +${fmtMiB(sample.peakHeapBytes)} MiB`,
      );
    }
  }

  const rows = contenders.map((c) => {
    const runs = samples.get(c.name) ?? [];
    const rate = summarize(runs.map((s) => s.timers / (s.runMs / 1000)));
    return [
      c.name,
      fmt(c.timers),
      String(rate.runs),
      fmt(summarize(runs.map((s) => s.scheduleMs)).median),
      fmt(summarize(runs.map((s) => s.runMs)).median),
      fmt(rate.median),
      fmt(rate.min),
      fmt(rate.max),
      fmtMiB(summarize(runs.map((s) => s.peakHeapBytes)).median),
      retainedPerTimer(runs),
    ];
  });
  return [
    "## Virtual clock: timers fired per second",
    "",
    `Seeded delays (rng seed "${SEED}", fork "clock"), uniform within one virtual day; every`,
    "timer fires once, in due order (checked). Fired/s is timers / real time of the firing phase.",
    `Peak heap MiB is the highest heapUsed sampled (after scheduling, every ${fmt(HEAP_SAMPLE_EVERY)} timers`,
    "fired, at the end) above the level before scheduling, garbage included; held B/timer is the",
    "heap the pending timers hold after a full collection.",
    `Heap: ${how}.`,
    "",
    markdownTable(
      [
        "clock",
        "timers",
        "runs",
        "schedule ms",
        "fire ms",
        "fired/s (median)",
        "min",
        "max",
        "peak heap MiB",
        "held B/timer",
      ],
      rows,
    ),
    "",
  ].join("\n");
}
