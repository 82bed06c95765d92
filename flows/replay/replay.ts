/**
 * Replay: the recorded inputs run again against the current configuration (the recorded scenario,
 * or another, with overrides), and the new journal compared with the recorded one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { JournalEvent } from "../../simulator/kernel/journal.js";
import { type Scenario, scenarioSchema } from "../scenarios/schema.js";
import { type ChainResult, startChain } from "../wiring/chain.js";
import { diffJournals, type JournalDiff } from "./diff.js";
import type { Recording } from "./format.js";
import { scheduleInputs, type TimedInput, timelineOf } from "./inputs.js";
import { applyOverrides } from "./override.js";
import { buildRecording } from "./record.js";
import { redactorFor } from "./redact.js";

export interface ReplayOptions {
  /** The configuration to replay against; default the recorded scenario. */
  scenario?: Scenario;
  /** `path=value` settings changed on top of it. */
  overrides?: readonly string[];
  /** The simulator's home (its CA); default a throwaway folder. */
  home?: string;
  /** The watermelon version an updated recording's header names. */
  version: string;
}

export interface ReplayOutcome {
  /** The scenario that ran, timeline included. */
  scenario: Scenario;
  seed: string;
  /** The new journal, redacted as the recording is. */
  events: JournalEvent[];
  diff: JournalDiff;
  /** Inputs that could not be applied in this run. */
  inputFailures: string[];
  result: ChainResult;
  /** The recording rewritten with the new run (what `--update` writes). */
  updated: string;
  /** Set when a truncated recording was compared up to its last complete line. */
  comparedUntil?: string;
}

export class ReplayConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReplayConfigError";
  }
}

/** The scenario a replay runs: the configuration, overrides applied, the recorded timeline. */
export function replayScenario(
  recording: Recording,
  options: Omit<ReplayOptions, "version" | "home">,
): Scenario {
  const recorded = recording.header.scenario;
  // Imported inputs keep the times of the real data (log lines carry them in their text too):
  // another scenario supplies the configuration, not the calendar.
  const given =
    options.scenario && recording.header.origin === "import"
      ? {
          ...options.scenario,
          start: recorded.start,
          duration: Math.max(options.scenario.duration, recorded.duration),
        }
      : options.scenario;
  const config = applyOverrides(given ?? recorded, options.overrides ?? []);
  const result = scenarioSchema.safeParse({ ...config, timeline: timelineOf(recording.inputs) });
  if (!result.success) {
    const issue = result.error.issues[0];
    const at = issue?.path
      .map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`))
      .join("");
    throw new ReplayConfigError(
      `the recorded inputs do not fit the scenario: ${at?.replace(/^\./, "")}: ${issue?.message}`,
    );
  }
  return result.data;
}

/** An input as it is when its run starts `shiftMs` later: an updated recording's times. */
function shiftInput(line: TimedInput, shiftMs: number): TimedInput {
  if (shiftMs === 0) return { at: line.at, input: line.input };
  const moved = (t: string) => new Date(Date.parse(t) + shiftMs).toISOString();
  const input =
    line.input.type === "log"
      ? { ...line.input, timestamp: moved(line.input.timestamp) }
      : line.input;
  return { at: moved(line.at), input };
}

export async function replayRecording(
  recording: Recording,
  options: ReplayOptions,
): Promise<ReplayOutcome> {
  const scenario = replayScenario(recording, options);
  const { header } = recording;
  const ownHome = options.home
    ? undefined
    : mkdtempSync(path.join(os.tmpdir(), "watermelon-replay-"));
  const chain = await startChain({
    scenario,
    seed: header.seed,
    home: options.home ?? (ownHome as string),
  });
  let result: ChainResult;
  let events: JournalEvent[];
  let failures: string[];
  let updated: string;
  try {
    const explicit = recording.inputs.filter((line) => line.input.type !== "step");
    const shiftMs = Date.parse(scenario.start) - Date.parse(header.scenario.start);
    const scheduled = scheduleInputs(chain, explicit, { shiftMs });
    try {
      result = await chain.run();
    } finally {
      scheduled.stop();
    }
    failures = scheduled.failures;
    const redactor = header.redaction === "secrets" ? redactorFor(chain) : undefined;
    const journal = chain.sim.journal.query({});
    events = redactor ? journal.map((e) => redactor.redactEvent(e)) : journal;
    updated = buildRecording({
      version: options.version,
      scenario,
      seed: header.seed,
      events: journal,
      redactor,
      origin: header.origin,
      inputs: explicit.map((line) => shiftInput(line, shiftMs)),
      ...(header.notes ? { notes: header.notes } : {}),
    });
  } finally {
    await chain.dispose();
    if (ownHome) rmSync(ownHome, { recursive: true, force: true });
  }

  // A truncated recording is compared up to its last complete event.
  let compared = events;
  let comparedUntil: string | undefined;
  const last = recording.events.at(-1);
  if (recording.truncatedAfterLine !== undefined) {
    if (last) {
      comparedUntil = last.time;
      compared = events.filter(
        (e) => e.time < last.time || (e.time === last.time && e.seq <= last.seq),
      );
    } else {
      comparedUntil = header.scenario.start;
      compared = [];
    }
  }
  const diff = diffJournals(
    recording.events,
    compared,
    header.compare ? { types: header.compare } : {},
  );
  return {
    scenario,
    seed: header.seed,
    events,
    diff,
    inputFailures: failures,
    result,
    updated,
    ...(comparedUntil ? { comparedUntil } : {}),
  };
}
