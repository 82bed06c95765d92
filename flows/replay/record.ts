/**
 * A chain's run as a recording: the scenario and seed it ran with, its inputs, and its journal,
 * with secrets replaced by placeholders unless asked otherwise.
 */
import type { JournalEvent } from "../../simulator/kernel/journal.js";
import type { Scenario } from "../scenarios/schema.js";
import type { Chain } from "../wiring/chain.js";
import {
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordingHeader,
  serializeRecording,
} from "./format.js";
import { type TimedInput, timelineInputs } from "./inputs.js";
import { type Redactor, redactorFor } from "./redact.js";

export interface RecordOptions {
  /** The watermelon version written in the header. */
  version: string;
  /** Explicit inputs the run was given besides its timeline (an imported recording's). */
  inputs?: TimedInput[];
  origin?: RecordingHeader["origin"];
  notes?: string[];
  compare?: string[];
  /** false writes secrets as they were (for debugging a private run); default true. */
  redact?: boolean;
}

/** The seed the run used: the simulator journals it first. */
export function seedOf(chain: Chain): string {
  const started = chain.sim.journal.byType("simulator.started")[0];
  return String(started?.data.seed ?? chain.scenario.seed);
}

export function recordingText(chain: Chain, options: RecordOptions): string {
  const redactor = options.redact === false ? undefined : redactorFor(chain);
  return buildRecording({
    scenario: chain.scenario,
    seed: seedOf(chain),
    events: chain.sim.journal.query({}),
    redactor,
    ...options,
  });
}

export function buildRecording(
  options: RecordOptions & {
    scenario: Scenario;
    seed: string;
    events: readonly JournalEvent[];
    redactor: Redactor | undefined;
  },
): string {
  const { scenario, redactor } = options;
  const inputs = [
    ...timelineInputs(scenario),
    ...(options.inputs ?? []).filter((line) => line.input.type !== "step"),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const header: RecordingHeader = {
    kind: "header",
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    watermelon: options.version,
    origin: options.origin ?? "scenario",
    // The timeline is in the input lines, one step each: one place to read or edit it.
    scenario: (redactor
      ? redactor.redactValue({ ...scenario, timeline: [] })
      : { ...scenario, timeline: [] }) as Scenario,
    seed: options.seed,
    redaction: redactor ? "secrets" : "none",
    ...(options.compare ? { compare: options.compare } : {}),
    ...(options.notes ? { notes: options.notes } : {}),
  };
  const events = redactor
    ? options.events.map((e) => redactor.redactEvent(e))
    : [...options.events];
  const lines = redactor
    ? inputs.map((line) => ({
        at: line.at,
        input: redactor.redactValue(line.input) as TimedInput["input"],
      }))
    : inputs;
  return serializeRecording(
    { header, inputs: lines.map((l) => ({ kind: "input" as const, ...l })), events },
    redactor?.size ?? 0,
  );
}
