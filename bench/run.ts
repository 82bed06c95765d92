// Runs every benchmark and prints one markdown table per benchmark on stdout (progress goes to
// stderr). Writes no files. `npm run bench -- --runs 9 --only clock` narrows or deepens a run.

import os from "node:os";
import { parseArgs } from "node:util";
import { runClockBenchmark } from "./clock.js";
import { runStartupBenchmark } from "./startup.js";

const BENCHMARKS = ["startup", "clock"] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "7" },
    timers: { type: "string", default: "100000" },
    "xstate-stepped-timers": { type: "string", default: "2000" },
    only: { type: "string", multiple: true },
    quiet: { type: "boolean", default: false },
  },
});

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

const runs = positiveInt("runs", values.runs);
if (runs < 5) process.stderr.write(`note: --runs ${runs} is below the five runs a figure needs\n`);
const timers = positiveInt("timers", values.timers);
const xstateSteppedTimers = positiveInt("xstate-stepped-timers", values["xstate-stepped-timers"]);
const only = (values.only ?? [...BENCHMARKS]) as string[];
for (const name of only) {
  if (!(BENCHMARKS as readonly string[]).includes(name)) {
    throw new Error(`--only ${name}: expected one of ${BENCHMARKS.join(", ")}`);
  }
}
const log = values.quiet ? undefined : (line: string) => process.stderr.write(`${line}\n`);

const cpus = os.cpus();
process.stdout.write(
  [
    "# watermelon benchmarks",
    "",
    `Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? "unknown"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${runs} runs per figure, peers interleaved.`,
    "",
  ].join("\n"),
);

const started = performance.now();
const runners: Record<BenchmarkName, () => Promise<string>> = {
  startup: () => runStartupBenchmark({ runs, log }),
  clock: () => runClockBenchmark({ runs, timers, xstateSteppedTimers, log }),
};
for (const name of BENCHMARKS) {
  if (!only.includes(name)) continue;
  process.stdout.write(`\n${await runners[name]()}`);
}
log?.(`all benchmarks took ${((performance.now() - started) / 1000).toFixed(1)} s`);
