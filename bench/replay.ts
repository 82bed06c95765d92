// Record and replay of a generated multi-service run (bench/chain.ts's dayScenario: five services,
// ~50 faults and incidents a simulated day, responders, customers) on the virtual clock.
//
// 1. Recording: startChain + chain.run() + recordingText, written to a file. Size in bytes and
//    lines, incidents, bytes per 1,000 incidents (plain and gzip-compressed: recordings are
//    text), and the time to make and write the text.
// 2. Replay: the file read and parsed (parseRecording), replayed (replayRecording: a new chain
//    runs the recorded inputs with the recorded seed, its journal redacted as the recording is,
//    an updated recording built, the two journals diffed). Journal events per second is the
//    recorded events over parse + replay. The parse and a diff of the two event lists
//    (diffJournals, timed again on its own) have their own rates, to show where the time goes.
//    Peer: the original run's own wall time (startChain + chain.run()), the floor, since a
//    replay is that run again plus a diff.
// Each round records and replays once; the one going first alternates (odd rounds replay the
// previous round's recording before recording again: the same seed gives the same bytes, which
// the benchmark checks).

import { createHash } from "node:crypto";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { diffJournals } from "../flows/replay/diff.js";
import { parseRecording } from "../flows/replay/format.js";
import { recordingText } from "../flows/replay/record.js";
import { replayRecording } from "../flows/replay/replay.js";
import type { Scenario } from "../flows/scenarios/schema.js";
import { startChain } from "../flows/wiring/chain.js";
import { dayScenario } from "./chain.js";
import { findGc, MEMORY_SAMPLE_MS, sampleMemory } from "./heap.js";
import { tempDir } from "./startup.js";
import { fmt, fmtMiB, markdownTable, summarize } from "./stats.js";

/** How often RSS and heap are sampled during a record or a replay (real ms). */

export interface ReplayBenchmarkOptions {
  runs: number;
  /** Simulated days of the recorded run (fractions allowed, for a quick look). */
  days: number;
  /** The agent's force_flush_interval of the recorded run (ms). */
  flushMs: number;
  log?: (line: string) => void;
}

const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

interface RecordRun {
  /** startChain + chain.run(): the peer. */
  runMs: number;
  /** recordingText + writeFileSync. */
  writeMs: number;
  bytes: number;
  gzipBytes: number;
  lines: number;
  events: number;
  incidents: number;
  verdictOk: boolean;
  /** The scenario's expectations that did not hold, each with what was expected and got. */
  failedChecks: string[];
  peakRssBytes: number;
  peakHeapBytes: number;
  /** sha256 of the recording, to check that every round gives the same bytes. */
  sha256: string;
}

async function recordRun(scenario: Scenario, home: string, file: string): Promise<RecordRun> {
  const memory = sampleMemory();
  const started = performance.now();
  const chain = await startChain({ scenario, home });
  try {
    const result = await chain.run();
    const ran = performance.now();
    const text = recordingText(chain, { version: VERSION });
    writeFileSync(file, text);
    const written = performance.now();
    const peak = memory.stop();
    let lines = 0;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
    return {
      runMs: ran - started,
      writeMs: written - ran,
      bytes: statSync(file).size,
      gzipBytes: gzipSync(text).length,
      lines,
      events: chain.sim.journal.all().length,
      incidents: chain.sim.journal.byType("pagerduty.incident.triggered").length,
      verdictOk: result.ok,
      failedChecks: [
        ...result.verdict.checks
          .filter((c) => !c.ok)
          .map((c) => `${c.name}: expected ${c.expected}, got ${c.actual}`),
        ...(result.accounting.ok
          ? []
          : [`nothing lost: ${result.accounting.unexplained} unexplained`]),
      ],
      peakRssBytes: peak.rss,
      peakHeapBytes: peak.heap,
      sha256: createHash("sha256").update(text).digest("hex"),
    };
  } finally {
    memory.stop();
    await chain.dispose();
  }
}

interface ReplayRun {
  /** readFileSync + parseRecording. */
  parseMs: number;
  /** replayRecording: the re-run, redaction, the updated recording and the diff. */
  replayMs: number;
  /** diffJournals on the recorded and the replayed events, timed again on its own. */
  diffMs: number;
  recordedEvents: number;
  replayedEvents: number;
  same: boolean;
  /** The first lines of the diff's summary when the replay differs. */
  summary: string[];
  peakRssBytes: number;
  peakHeapBytes: number;
}

async function replayRun(file: string, home: string): Promise<ReplayRun> {
  const memory = sampleMemory();
  try {
    const started = performance.now();
    const recording = parseRecording(readFileSync(file, "utf8"), path.basename(file));
    const parsed = performance.now();
    const outcome = await replayRecording(recording, { home, version: VERSION });
    const replayed = performance.now();
    const peak = memory.stop();
    const diffStarted = performance.now();
    const diff = diffJournals(recording.events, outcome.events);
    const diffMs = performance.now() - diffStarted;
    if (diff.same !== outcome.diff.same)
      throw new Error("diffJournals disagrees with the replay's own diff on the same events");
    return {
      parseMs: parsed - started,
      replayMs: replayed - parsed,
      diffMs,
      recordedEvents: recording.events.length,
      replayedEvents: outcome.events.length,
      same: outcome.diff.same,
      summary: outcome.diff.summary.slice(0, 3),
      peakRssBytes: peak.rss,
      peakHeapBytes: peak.heap,
    };
  } finally {
    memory.stop();
  }
}

const seconds = (msValue: number) => fmt(msValue / 1000, msValue < 10_000 ? 2 : 1);
const perSecond = (count: number, msValue: number) => fmt((count * 1000) / msValue);
const per1000 = (value: number, incidents: number) => (value * 1000) / incidents;

/** One value, or its range when the runs disagree (they should not: the seed fixes them). */
function same(values: readonly number[], format: (v: number) => string = fmt): string {
  const distinct = new Set(values);
  return distinct.size === 1
    ? format(values[0] as number)
    : `${format(Math.min(...distinct))}-${format(Math.max(...distinct))}`;
}

export async function runReplayBenchmark(options: ReplayBenchmarkOptions): Promise<string> {
  const log = options.log ?? (() => {});
  const home = tempDir("watermelon-bench-replay-");
  const gc = findGc();
  const hours = options.days * 24;
  const label =
    options.days === 1 ? "1 day" : `${fmt(options.days, options.days % 1 ? 2 : 0)} days`;
  const scenario = dayScenario({
    hours,
    trafficMultiplier: 1,
    forceFlushIntervalMs: options.flushMs,
  });
  const file = path.join(home.dir, "recording.jsonl");
  const records: RecordRun[] = [];
  const replays: ReplayRun[] = [];
  try {
    // Warm-up, uncounted: one short record and replay (module loading, JIT, the shipper's bundle).
    const warmFile = path.join(home.dir, "warm-up.jsonl");
    await recordRun(
      dayScenario({ hours: 1, trafficMultiplier: 1, forceFlushIntervalMs: options.flushMs }),
      home.dir,
      warmFile,
    );
    await replayRun(warmFile, home.dir);
    rmSync(warmFile);

    const record = async (round: number) => {
      gc?.();
      const run = await recordRun(scenario, home.dir, file);
      records.push(run);
      log(
        `replay ${label}, round ${round + 1}/${options.runs}: recorded ${fmt(run.events)} events ` +
          `(${fmtMiB(run.bytes)} MiB, ${run.incidents} incidents) after a run of ${seconds(run.runMs)} s, ` +
          `written in ${seconds(run.writeMs)} s${run.verdictOk ? "" : `, verdict NOT ok (${run.failedChecks.join("; ")})`}`,
      );
    };
    const replay = async (round: number) => {
      gc?.();
      const run = await replayRun(file, home.dir);
      replays.push(run);
      log(
        `replay ${label}, round ${round + 1}/${options.runs}: parsed in ${seconds(run.parseMs)} s, ` +
          `replayed in ${seconds(run.replayMs)} s (diff ${seconds(run.diffMs)} s), ` +
          `${run.same ? "same" : `DIFFERENT: ${run.summary.join("; ")}`}`,
      );
    };
    for (let round = 0; round < options.runs; round++) {
      // Odd rounds replay the previous round's recording first: the order alternates.
      if (round % 2 === 1) {
        await replay(round);
        await record(round);
      } else {
        await record(round);
        await replay(round);
      }
    }
  } finally {
    home.dispose();
  }
  return render(options, label, records, replays);
}

function render(
  options: ReplayBenchmarkOptions,
  label: string,
  records: readonly RecordRun[],
  replays: readonly ReplayRun[],
): string {
  const first = records[0] as RecordRun;
  const identical = records.every((r) => r.sha256 === first.sha256);
  const incidents = first.incidents;
  const events = first.events;
  const median = (pick: (r: RecordRun) => number) => summarize(records.map(pick)).median;
  const medianReplay = (pick: (r: ReplayRun) => number) => summarize(replays.map(pick)).median;
  const range = (values: readonly number[], format: (v: number) => string) => {
    const s = summarize(values);
    return [format(s.median), format(s.min), format(s.max)];
  };

  const sizeTable = markdownTable(
    [
      "recording",
      "agent flush",
      "journal events",
      "lines",
      "incidents",
      "bytes",
      "gzip bytes",
      "MiB per 1,000 incidents",
      "gzip MiB per 1,000 incidents",
      "bytes per event",
      "runs",
      "write s (median)",
      "min",
      "max",
      "events written per s",
    ],
    [
      [
        `${label}, seed watermelon-bench`,
        `${fmt(options.flushMs / 1000)} s`,
        same(records.map((r) => r.events)),
        same(records.map((r) => r.lines)),
        same(records.map((r) => r.incidents)),
        same(records.map((r) => r.bytes)),
        same(records.map((r) => r.gzipBytes)),
        fmtMiB(per1000(first.bytes, incidents)),
        fmtMiB(per1000(first.gzipBytes, incidents)),
        fmt(first.bytes / first.lines, 0),
        String(records.length),
        ...range(
          records.map((r) => r.writeMs),
          seconds,
        ),
        perSecond(
          events,
          median((r) => r.writeMs),
        ),
      ],
    ],
  );

  const recorded = (replays[0] as ReplayRun).recordedEvents;
  const totals = replays.map((r) => r.parseMs + r.replayMs);
  const rows = [
    [
      "replay: parse + replayRecording (re-run, redaction, updated recording, diff)",
      ...range(totals, seconds),
      perSecond(recorded, summarize(totals).median),
    ],
    [
      "  parse: readFileSync + parseRecording",
      ...range(
        replays.map((r) => r.parseMs),
        seconds,
      ),
      perSecond(
        recorded,
        medianReplay((r) => r.parseMs),
      ),
    ],
    [
      "  diff: diffJournals of the two event lists (timed again on its own)",
      ...range(
        replays.map((r) => r.diffMs),
        seconds,
      ),
      perSecond(
        recorded,
        medianReplay((r) => r.diffMs),
      ),
    ],
    [
      "peer: the original run, startChain + chain.run()",
      ...range(
        records.map((r) => r.runMs),
        seconds,
      ),
      perSecond(
        events,
        median((r) => r.runMs),
      ),
    ],
  ];
  const speedTable = markdownTable(
    [
      `${label} (${fmt(recorded)} recorded events)`,
      "wall s (median)",
      "min",
      "max",
      "events per s",
    ],
    rows,
  );

  const replayTotal = summarize(totals).median;
  const runMs = median((r) => r.runMs);
  const paired = summarize(
    replays.map((r, i) => (r.parseMs + r.replayMs) / (records[i] as RecordRun).runMs),
  );
  const rest = medianReplay((r) => r.replayMs - r.diffMs);
  const allSame = replays.every((r) => r.same);
  const notes = [
    `- Replay of the ${label} recording: ${seconds(replayTotal)} s for ${fmt(recorded)} recorded events, ${perSecond(recorded, replayTotal)} events per second. The original run took ${seconds(runMs)} s: a replay costs ${fmt(replayTotal / runMs, 2)}x the run (paired round by round: median ${fmt(paired.median, 2)}x, min ${fmt(paired.min, 2)}, max ${fmt(paired.max, 2)}). Of the replay, the parse is ${seconds(medianReplay((r) => r.parseMs))} s and the diff about ${seconds(medianReplay((r) => r.diffMs))} s; the re-run with redaction and the updated recording about ${seconds(rest)} s.`,
    `- Every replay ${allSame ? "matched its recording (no difference)" : "did NOT match its recording in every round"}; every round's recording was ${identical ? "byte-identical to the first" : "NOT byte-identical to the first"}; the verdict of every recorded run ${records.every((r) => r.verdictOk) ? "held" : `did NOT hold (${first.failedChecks.join("; ") || "see the progress lines"})`}.`,
    `- Size: ${fmtMiB(first.bytes)} MiB (${fmtMiB(first.gzipBytes)} MiB gzipped with node:zlib's default level, ${fmt(first.bytes / first.gzipBytes, 1)}x smaller) for ${incidents} incidents. The journal's size follows the agent's PutLogEvents calls and the traffic, not the incidents: per 1,000 incidents holds only for this scenario's ~50 faults a day.`,
    `- Peak RSS while recording ${fmtMiB(median((r) => r.peakRssBytes))} MiB (heap ${fmtMiB(median((r) => r.peakHeapBytes))} MiB), while replaying ${fmtMiB(medianReplay((r) => r.peakRssBytes))} MiB (heap ${fmtMiB(medianReplay((r) => r.peakHeapBytes))} MiB): samples every ${MEMORY_SAMPLE_MS} ms, garbage included. One uncounted 1-hour record and replay come first.`,
  ];
  return [
    "## Record and replay",
    "",
    `### Recording a generated run: ${label} of five services, agent flushing every ${fmt(options.flushMs / 1000)} s`,
    "",
    sizeTable,
    "",
    "### Replay speed: parse, re-run and diff, against the original run",
    "",
    speedTable,
    "",
    ...notes,
    "",
  ].join("\n");
}
