// Runs every benchmark and prints one markdown table per benchmark on stdout (progress goes to
// stderr). Writes no files. `npm run bench -- --runs 9 --only clock` narrows or deepens a run;
// `--only logs` runs the CloudWatch Logs benchmark alone, `--only logzio` the Logz.io one,
// `--only pagerduty` the PagerDuty one, `--only chain` the whole chain end to end, `--only replay`
// the recording and replay of a generated run.

import os from "node:os";
import { parseArgs } from "node:util";
import { runAwsLogsBenchmark } from "./awsLogs.js";
import { runChainBenchmark } from "./chain.js";
import { runClockBenchmark } from "./clock.js";
import { runLogzioBenchmark } from "./logzio.js";
import { runPagerDutyBenchmark } from "./pagerduty.js";
import { runReplayBenchmark } from "./replay.js";
import { runStartupBenchmark } from "./startup.js";

const BENCHMARKS = ["startup", "clock", "logs", "logzio", "pagerduty", "chain", "replay"] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "7" },
    timers: { type: "string", default: "100000" },
    "xstate-stepped-timers": { type: "string", default: "2000" },
    "logs-batches": { type: "string", default: "100" },
    "logs-batch-size": { type: "string", default: "1000" },
    "logs-filter-events": { type: "string", default: "1000000" },
    "logs-moto-filter-events": { type: "string", default: "20000" },
    "logzio-batches": { type: "string", default: "100" },
    "logzio-batch-size": { type: "string", default: "1000" },
    "logzio-search-logs": { type: "string", default: "1000000" },
    "logzio-searches": { type: "string", default: "5" },
    "logzio-alerts": { type: "string", default: "100" },
    "pagerduty-events": { type: "string", default: "1000" },
    "pagerduty-concurrency": { type: "string", default: "8" },
    "pagerduty-dedup-keys": { type: "string", default: "100" },
    "pagerduty-latency-events": { type: "string", default: "200" },
    "pagerduty-list-incidents": { type: "string", default: "20000" },
    "pagerduty-list-requests": { type: "string", default: "10" },
    "pagerduty-month-incidents": { type: "string", default: "2000" },
    "pagerduty-month-days": { type: "string", default: "30" },
    "chain-latency-errors": { type: "string", default: "50" },
    "chain-hours": { type: "string", default: "1" },
    "chain-scale-hours": { type: "string", default: "" },
    "chain-traffic": { type: "string", default: "" },
    "chain-traffic-hours": { type: "string" },
    "chain-day-runs": { type: "string" },
    "chain-growth-runs": { type: "string" },
    "chain-days": { type: "string", default: "0" },
    "chain-long-runs": { type: "string", default: "1" },
    "replay-days": { type: "string", default: "1" },
    "replay-flush-ms": { type: "string", default: "60000" },
    only: { type: "string", multiple: true },
    quiet: { type: "boolean", default: false },
  },
});

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

function positiveNumber(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a number > 0`);
  return n;
}

/** "6,12,48" -> [6, 12, 48]; "" -> []. */
function numberList(name: string, value: string | undefined): number[] {
  if (!value) return [];
  return value.split(",").map((part) => positiveNumber(name, part.trim()));
}

const runs = positiveInt("runs", values.runs);
if (runs < 5) process.stderr.write(`note: --runs ${runs} is below the five runs a figure needs\n`);
const timers = positiveInt("timers", values.timers);
const xstateSteppedTimers = positiveInt("xstate-stepped-timers", values["xstate-stepped-timers"]);
const logsBatches = positiveInt("logs-batches", values["logs-batches"]);
const logsBatchSize = positiveInt("logs-batch-size", values["logs-batch-size"]);
if (logsBatchSize > 10_000)
  throw new Error("--logs-batch-size must be at most 10000 (PutLogEvents)");
const logsFilterEvents = positiveInt("logs-filter-events", values["logs-filter-events"]);
const logsMotoFilterEvents = positiveInt(
  "logs-moto-filter-events",
  values["logs-moto-filter-events"],
);
const logzioBatches = positiveInt("logzio-batches", values["logzio-batches"]);
const logzioBatchSize = positiveInt("logzio-batch-size", values["logzio-batch-size"]);
// A line averages about 250 bytes: 30,000 of them stay well under the listener's 10 MB body limit.
if (logzioBatchSize > 30_000) throw new Error("--logzio-batch-size must be at most 30000");
const logzioSearchLogs = positiveInt("logzio-search-logs", values["logzio-search-logs"]);
const logzioSearches = positiveInt("logzio-searches", values["logzio-searches"]);
const logzioAlerts = positiveInt("logzio-alerts", values["logzio-alerts"]);
const pagerdutyEvents = positiveInt("pagerduty-events", values["pagerduty-events"]);
const pagerdutyConcurrency = positiveInt("pagerduty-concurrency", values["pagerduty-concurrency"]);
const pagerdutyDedupKeys = positiveInt("pagerduty-dedup-keys", values["pagerduty-dedup-keys"]);
const pagerdutyLatencyEvents = positiveInt(
  "pagerduty-latency-events",
  values["pagerduty-latency-events"],
);
const pagerdutyListIncidents = positiveInt(
  "pagerduty-list-incidents",
  values["pagerduty-list-incidents"],
);
// A page of 100 must be full for both kinds of request (every tenth incident is acknowledged).
if (pagerdutyListIncidents < 1000)
  throw new Error("--pagerduty-list-incidents must be at least 1000");
const pagerdutyListRequests = positiveInt(
  "pagerduty-list-requests",
  values["pagerduty-list-requests"],
);
const pagerdutyMonthIncidents = positiveInt(
  "pagerduty-month-incidents",
  values["pagerduty-month-incidents"],
);
const pagerdutyMonthDays = positiveInt("pagerduty-month-days", values["pagerduty-month-days"]);
const chainLatencyErrors = positiveInt("chain-latency-errors", values["chain-latency-errors"]);
if (chainLatencyErrors < 50)
  process.stderr.write(
    `note: --chain-latency-errors ${chainLatencyErrors} is below the 50 a p99 needs\n`,
  );
const chainHours = positiveNumber("chain-hours", values["chain-hours"]);
const chainScaleHours = numberList("chain-scale-hours", values["chain-scale-hours"]);
const chainTraffic = numberList("chain-traffic", values["chain-traffic"]);
const chainTrafficHours = positiveNumber(
  "chain-traffic-hours",
  values["chain-traffic-hours"] ?? String(chainHours),
);
const chainDayRuns = positiveInt("chain-day-runs", values["chain-day-runs"] ?? String(runs));
const chainGrowthRuns = positiveInt(
  "chain-growth-runs",
  values["chain-growth-runs"] ?? String(runs),
);
const chainDays = Number(values["chain-days"]);
if (!Number.isSafeInteger(chainDays) || chainDays < 0)
  throw new Error("--chain-days must be a whole number of days (0: no long run)");
const chainLongRuns = positiveInt("chain-long-runs", values["chain-long-runs"]);
const replayDays = positiveNumber("replay-days", values["replay-days"]);
const replayFlushMs = positiveInt("replay-flush-ms", values["replay-flush-ms"]);
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
  logs: () =>
    runAwsLogsBenchmark({
      runs,
      batches: logsBatches,
      batchSize: logsBatchSize,
      filterEvents: logsFilterEvents,
      motoFilterEvents: logsMotoFilterEvents,
      log,
    }),
  logzio: () =>
    runLogzioBenchmark({
      runs,
      batches: logzioBatches,
      batchSize: logzioBatchSize,
      searchLogs: logzioSearchLogs,
      searches: logzioSearches,
      alertRules: logzioAlerts,
      log,
    }),
  pagerduty: () =>
    runPagerDutyBenchmark({
      runs,
      events: pagerdutyEvents,
      concurrency: pagerdutyConcurrency,
      dedupKeys: pagerdutyDedupKeys,
      latencyEvents: pagerdutyLatencyEvents,
      listIncidents: pagerdutyListIncidents,
      listRequests: pagerdutyListRequests,
      monthIncidents: pagerdutyMonthIncidents,
      monthDays: pagerdutyMonthDays,
      log,
    }),
  chain: () =>
    runChainBenchmark({
      runs,
      latencyErrors: chainLatencyErrors,
      dayHours: chainHours,
      scaleHours: chainScaleHours,
      trafficMultipliers: chainTraffic,
      trafficHours: chainTrafficHours,
      dayRuns: chainDayRuns,
      growthRuns: chainGrowthRuns,
      longDays: chainDays,
      longRuns: chainLongRuns,
      log,
    }),
  replay: () => runReplayBenchmark({ runs, days: replayDays, flushMs: replayFlushMs, log }),
};
for (const name of BENCHMARKS) {
  if (!only.includes(name)) continue;
  process.stdout.write(`\n${await runners[name]()}`);
}
log?.(`all benchmarks took ${((performance.now() - started) / 1000).toFixed(1)} s`);
