/**
 * The recording file: JSON Lines, one object per line, each with a `kind`. A header (format,
 * version, the scenario that ran and its seed), the inputs from outside the chain, the observed
 * journal, and a trailer whose counts make a truncated file detectable. FORMAT.md documents it.
 */
import { z } from "zod";
import { type JournalEvent, serializeEvent } from "../../simulator/kernel/journal.js";
import { type Scenario, scenarioSchema } from "../scenarios/schema.js";
import { type Input, inputSchema } from "./inputs.js";

export const RECORDING_FORMAT = "watermelon-recording";
export const RECORDING_VERSION = 1;

export interface RecordingHeader {
  kind: "header";
  format: typeof RECORDING_FORMAT;
  version: number;
  /** The watermelon version that wrote the file (informative: replay does not require it). */
  watermelon: string;
  /** `scenario`: a scenario run; `import`: built from real exports by `watermelon import`. */
  origin: "scenario" | "import";
  /** The validated scenario that ran (defaults filled in, durations in milliseconds). */
  scenario: Scenario;
  seed: string;
  /** `secrets`: secrets replaced by placeholders (the default); `none`: written as they were. */
  redaction: "secrets" | "none";
  /**
   * Only these journal types were observed (an import holds what the exports held), so only they
   * are compared on replay; absent: every type.
   */
  compare?: string[];
  /** Free text: what an importer mapped, assumed or left out. */
  notes?: string[];
}

export interface InputLine {
  kind: "input";
  /** When the input reaches the chain, on the recording's clock. */
  at: string;
  input: Input;
}

export interface RecordingTrailer {
  kind: "trailer";
  inputs: number;
  events: number;
  /** How many distinct secret values were replaced by placeholders. */
  redacted: number;
}

export interface Recording {
  header: RecordingHeader;
  inputs: InputLine[];
  events: JournalEvent[];
  trailer?: RecordingTrailer;
  /** Set when a truncated file was read with `partial`: its last complete line. */
  truncatedAfterLine?: number;
}

const iso = z.iso.datetime({ offset: true });

const headerSchema = z
  .object({
    kind: z.literal("header"),
    format: z.literal(RECORDING_FORMAT),
    version: z.number().int(),
    watermelon: z.string(),
    origin: z.enum(["scenario", "import"]),
    scenario: z.record(z.string(), z.unknown()),
    seed: z.string(),
    redaction: z.enum(["secrets", "none"]),
    compare: z.array(z.string()).optional(),
    notes: z.array(z.string()).optional(),
  })
  .strict();

const inputLineSchema = z
  .object({ kind: z.literal("input"), at: iso, input: inputSchema })
  .strict();

const eventLineSchema = z
  .object({
    kind: z.literal("event"),
    seq: z.number().int().min(1),
    time: iso,
    type: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, "expected a dotted lowercase type"),
    source: z.string().min(1),
    correlation: z.record(z.string(), z.string()),
    data: z.record(z.string(), z.unknown()),
  })
  .strict();

const trailerSchema = z
  .object({
    kind: z.literal("trailer"),
    inputs: z.number().int().min(0),
    events: z.number().int().min(0),
    redacted: z.number().int().min(0),
  })
  .strict();

export interface RecordingProblem {
  file: string;
  /** 1-based; 0 for the file as a whole. */
  line: number;
  message: string;
}

/** An unusable recording: every problem names its line. */
export class RecordingError extends Error {
  constructor(readonly problem: RecordingProblem) {
    super(`${problem.file}${problem.line > 0 ? `:${problem.line}` : ""}: ${problem.message}`);
    this.name = "RecordingError";
  }
}

/** One line per entry, each ending in "\n"; byte-identical for the same recording. */
export function serializeRecording(recording: Omit<Recording, "trailer">, redacted = 0): string {
  const { header, inputs, events } = recording;
  let out = `${JSON.stringify(orderedHeader(header))}\n`;
  for (const line of inputs)
    out += `${JSON.stringify({ kind: "input", at: line.at, input: line.input })}\n`;
  // serializeEvent gives the journal's own bytes: keys in a fixed order, data keys sorted.
  for (const event of events) out += `{"kind":"event",${serializeEvent(event).slice(1)}\n`;
  const trailer: RecordingTrailer = {
    kind: "trailer",
    inputs: inputs.length,
    events: events.length,
    redacted,
  };
  return `${out}${JSON.stringify(trailer)}\n`;
}

function orderedHeader(h: RecordingHeader): RecordingHeader {
  return {
    kind: "header",
    format: h.format,
    version: h.version,
    watermelon: h.watermelon,
    origin: h.origin,
    seed: h.seed,
    redaction: h.redaction,
    ...(h.compare ? { compare: h.compare } : {}),
    ...(h.notes ? { notes: h.notes } : {}),
    scenario: h.scenario,
  };
}

export interface ParseOptions {
  /** Accept a truncated file (no trailer, or a last line cut short) up to its last complete line. */
  partial?: boolean;
}

export function parseRecording(
  text: string,
  file = "<recording>",
  options: ParseOptions = {},
): Recording {
  const fail = (line: number, message: string): never => {
    throw new RecordingError({ file, line, message });
  };
  if (text.length === 0) fail(0, "the file is empty: expected a header line first");
  const lines = text.split("\n");
  const tail = lines.pop() ?? "";
  let truncatedAfterLine: number | undefined;
  if (tail !== "") {
    if (!options.partial)
      fail(
        lines.length + 1,
        `the line is cut short (no newline at its end): the recording is truncated; replay with --partial to use it up to line ${lines.length}`,
      );
    truncatedAfterLine = lines.length;
  }

  let header: RecordingHeader | undefined;
  const inputs: InputLine[] = [];
  const events: JournalEvent[] = [];
  let trailer: RecordingTrailer | undefined;
  for (const [index, text] of lines.entries()) {
    const lineNo = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      fail(lineNo, `not JSON (${(error as Error).message}); each line must be one JSON object`);
    }
    const kind = (value as { kind?: unknown } | null)?.kind;
    if (trailer) fail(lineNo, "a line after the trailer: the trailer must be the last line");
    if (lineNo === 1) {
      header = readHeader(value, lineNo, fail);
      continue;
    }
    if (kind === "input") {
      if (events.length > 0) fail(lineNo, "an input after the journal's events: inputs come first");
      const line = check(inputLineSchema, value, lineNo, "input", fail) as InputLine;
      if (line.input.type === "step") {
        const step = scenarioSchema.shape.timeline.safeParse([line.input.step]);
        if (!step.success) {
          const issue = step.error.issues[0];
          const field =
            issue?.path
              .slice(1)
              .map((k) => `.${String(k)}`)
              .join("") ?? "";
          fail(lineNo, `input.step${field}: ${issue?.message}`);
        }
      }
      inputs.push(line);
    } else if (kind === "event") {
      const { kind: _, ...event } = check(eventLineSchema, value, lineNo, "event", fail);
      const expected = (events.at(-1)?.seq ?? 0) + 1;
      if (event.seq !== expected)
        fail(
          lineNo,
          `event: expected seq ${expected}, found ${event.seq} (events were removed, added or reordered)`,
        );
      events.push(event as JournalEvent);
    } else if (kind === "trailer") {
      trailer = check(trailerSchema, value, lineNo, "trailer", fail);
      if (trailer.inputs !== inputs.length || trailer.events !== events.length)
        fail(
          lineNo,
          `trailer: counts ${trailer.inputs} input(s) and ${trailer.events} event(s), but the recording holds ${inputs.length} and ${events.length} (lines were removed or added)`,
        );
    } else if (kind === "header") {
      fail(lineNo, "a second header: a recording has one, on line 1");
    } else {
      fail(lineNo, `kind: expected "input", "event" or "trailer", found ${JSON.stringify(kind)}`);
    }
  }
  if (!header) return fail(1, "no header line");
  if (!trailer) {
    if (!options.partial)
      fail(
        lines.length,
        `the recording ends without its trailer line (expected {"kind":"trailer",...} last): it is truncated; replay with --partial to use it up to line ${lines.length}`,
      );
    truncatedAfterLine ??= lines.length;
  }
  return {
    header,
    inputs,
    events,
    ...(trailer ? { trailer } : {}),
    ...(truncatedAfterLine === undefined ? {} : { truncatedAfterLine }),
  };
}

function readHeader(
  value: unknown,
  lineNo: number,
  fail: (line: number, message: string) => never,
): RecordingHeader {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== "object" || v === null || v.kind !== "header" || v.format !== RECORDING_FORMAT)
    fail(
      lineNo,
      `not a watermelon recording: expected a header {"kind":"header","format":"${RECORDING_FORMAT}",...} on line 1`,
    );
  if (v?.version !== RECORDING_VERSION)
    fail(
      lineNo,
      `version: this watermelon reads version ${RECORDING_VERSION} recordings, found ${JSON.stringify(v?.version)}`,
    );
  const header = check(headerSchema, value, lineNo, "header", fail);
  const scenario = scenarioSchema.safeParse(header.scenario);
  if (!scenario.success) {
    const issue = scenario.error.issues[0];
    fail(lineNo, `header.scenario.${issue?.path.join(".")}: ${issue?.message}`);
  }
  return { ...header, scenario: scenario.data as Scenario } as RecordingHeader;
}

function check<T extends z.ZodType>(
  schema: T,
  value: unknown,
  lineNo: number,
  what: string,
  fail: (line: number, message: string) => never,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) return fail(lineNo, `${what}: invalid`);
  const field = issue.path
    .map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`))
    .join("");
  const message =
    issue.code === "invalid_type" && issue.message.endsWith("received undefined")
      ? `missing field "${String(issue.path.at(-1))}"`
      : issue.code === "unrecognized_keys"
        ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`
        : issue.message;
  return fail(lineNo, `${what}${field}: ${message}`);
}
