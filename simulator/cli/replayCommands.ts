/**
 * The record and replay commands: `record <scenario> <file>` (a run written as a recording; the
 * same as `run --record`), `replay <file>` (the recorded inputs re-run, the journals compared:
 * exit 0 same, 1 different, 2 unusable recording), and `import <exports...> --out <file>` (real
 * CloudWatch Logs, PagerDuty and Logz.io exports made into a recording, the kind of each file
 * detected from its shape).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Command, Option } from "commander";
import { renderDiff } from "../../flows/replay/diff.js";
import { parseRecording, RecordingError } from "../../flows/replay/format.js";
import {
  ImportError,
  importExports,
  importedRecordingText,
  renderImportReport,
} from "../../flows/replay/importers.js";
import type { TimedInput } from "../../flows/replay/inputs.js";
import { OverrideError } from "../../flows/replay/override.js";
import { recordingText } from "../../flows/replay/record.js";
import { ReplayConfigError, replayRecording } from "../../flows/replay/replay.js";
import { type Chain, startChain } from "../../flows/wiring/chain.js";
import { renderSummary } from "../../flows/wiring/summary.js";
import { userStateDir } from "../host/paths.js";
import { renderReportText } from "../report/index.js";
import { resolveScenario, ScenarioCommandError, writeHtmlReport } from "./scenarioCommands.js";
import { packageVersion } from "./version.js";

/** Exit code of an unusable recording, export or override. */
const EXIT_UNUSABLE = 2;

export interface Output {
  write(text: string): unknown;
}

export interface WriteRecordingOptions {
  /** false writes secrets as they were; default true (placeholders). */
  redact?: boolean;
  /** Inputs the run was given besides its scenario's timeline. */
  inputs?: TimedInput[];
}

/** Writes a finished (or advanced) chain's run as a recording; for `run --record <file>`. */
export function writeRecording(
  chain: Chain,
  file: string,
  options: WriteRecordingOptions = {},
): void {
  writeFileSync(
    file,
    recordingText(chain, {
      version: packageVersion(),
      ...(options.redact === undefined ? {} : { redact: options.redact }),
      ...(options.inputs ? { inputs: options.inputs } : {}),
    }),
  );
}

export interface RecordCommandOptions {
  seed?: string;
  redact?: boolean;
  json?: boolean;
  home?: string;
}

/** Runs a scenario (a bundled name or a file) on the virtual clock and records it. */
export async function recordRun(
  ref: string,
  file: string,
  opts: RecordCommandOptions = {},
  out: Output = process.stdout,
): Promise<number> {
  const scenario = resolveScenario(ref);
  const chain = await startChain({
    scenario,
    home: opts.home ?? userStateDir(),
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
  });
  try {
    const result = await chain.run();
    writeRecording(chain, file, opts.redact === false ? { redact: false } : {});
    const events = chain.sim.journal.query({}).length;
    out.write(
      opts.json
        ? `${JSON.stringify({ ...result, recording: path.resolve(file), events })}\n`
        : `${renderSummary(result)}\nrecorded ${events} journal events to ${file}\n`,
    );
    return result.ok ? 0 : 1;
  } finally {
    await chain.dispose();
  }
}

export interface ReplayCommandOptions {
  /** Rewrite the recording with the new journal instead of failing on a difference. */
  update?: boolean;
  override?: string[];
  /** Replay against this scenario (name or file) instead of the recorded one. */
  scenario?: string;
  /** Accept a truncated recording up to its last complete line. */
  partial?: boolean;
  json?: boolean;
  home?: string;
  /** Write the replayed run's SLA/XLA report here as HTML. */
  report?: string;
}

function unusable(error: unknown): never {
  if (
    error instanceof RecordingError ||
    error instanceof OverrideError ||
    error instanceof ReplayConfigError ||
    error instanceof ImportError
  )
    throw new ScenarioCommandError(error.message, EXIT_UNUSABLE);
  throw error;
}

export async function replay(
  file: string,
  opts: ReplayCommandOptions = {},
  out: Output = process.stdout,
): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ScenarioCommandError(
      `${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error)}`,
      EXIT_UNUSABLE,
    );
  }
  const outcome = await (async () => {
    const recording = parseRecording(text, file, { partial: opts.partial ?? false });
    const scenario = opts.scenario ? resolveScenario(opts.scenario) : undefined;
    return replayRecording(recording, {
      version: packageVersion(),
      overrides: opts.override ?? [],
      ...(scenario ? { scenario } : {}),
      ...(opts.home ? { home: opts.home } : {}),
    });
  })().catch(unusable);
  const { diff } = outcome;
  if (opts.update && !diff.same) writeFileSync(file, outcome.updated);
  if (opts.report) writeHtmlReport(opts.report, outcome.result, outcome.events);
  if (opts.json) {
    out.write(
      `${JSON.stringify({
        same: diff.same,
        summary: diff.summary,
        types: diff.types,
        inputFailures: outcome.inputFailures,
        updated: Boolean(opts.update && !diff.same),
        report: outcome.result.report,
        ...(outcome.comparedUntil ? { comparedUntil: outcome.comparedUntil } : {}),
      })}\n`,
    );
  } else {
    const lines = [
      `replayed ${file}: ${outcome.events.length} journal events (scenario ${outcome.scenario.name}, seed ${outcome.seed})`,
    ];
    if (outcome.comparedUntil)
      lines.push(
        `the recording is truncated: compared up to its last complete event (${outcome.comparedUntil})`,
      );
    for (const failure of outcome.inputFailures) lines.push(`input not applied: ${failure}`);
    lines.push(renderDiff(diff));
    if (opts.update && !diff.same) lines.push(`\nupdated ${file} with the new journal`);
    lines.push("", renderReportText(outcome.result.report));
    out.write(`${lines.join("\n")}\n`);
  }
  return diff.same || opts.update ? 0 : 1;
}

export interface ImportCommandOptions {
  /** The app service of log lines that do not name one. */
  service?: string;
  /** A scenario (name or file) supplying what the exports lack: alerts, on-call. */
  scenario?: string;
  json?: boolean;
}

/** `import`: each file's kind is detected from its shape; one recording is written. */
export function importRecording(
  files: string[],
  outFile: string,
  opts: ImportCommandOptions = {},
  out: Output = process.stdout,
): number {
  try {
    const exports = files.map((file) => {
      try {
        return { file, text: readFileSync(file, "utf8") };
      } catch (error) {
        throw new ImportError(
          `${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error)}`,
        );
      }
    });
    const scenario = opts.scenario ? resolveScenario(opts.scenario) : undefined;
    const result = importExports(exports, {
      ...(opts.service ? { service: opts.service } : {}),
      ...(scenario ? { scenario } : {}),
    });
    writeFileSync(outFile, importedRecordingText(result, packageVersion()));
    out.write(
      opts.json
        ? `${JSON.stringify({ recording: path.resolve(outFile), inputs: result.inputs.length, observed: result.observed.length, report: result.report })}\n`
        : `${renderImportReport(result.report)}\nwrote ${outFile}: ${result.inputs.length} input(s), ${result.observed.length} observed event(s); replay it with: watermelon replay ${outFile}\n`,
    );
    return 0;
  } catch (error) {
    return unusable(error);
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The commands, for main.ts to add to its program. */
export function registerReplayCommands(program: Command): void {
  program
    .command("record")
    .description(
      "run a scenario on the virtual clock and write its recording (the same as run --record)",
    )
    .argument("<scenario>", "a bundled scenario's name or a scenario file")
    .argument("<file>", "the recording to write (.jsonl)")
    .option("--seed <seed>", "override the scenario's seed")
    .option("--no-redact", "write secrets as they were instead of placeholders")
    .option("--json", "print the result as one JSON object")
    .action(async (ref: string, file: string, opts: RecordCommandOptions) => {
      process.exitCode = await recordRun(ref, file, opts);
    });

  program
    .command("replay")
    .description(
      "re-run a recording's inputs against the current configuration and show what changed downstream (exit 0 same, 1 different, 2 unusable recording)",
    )
    .argument("<file>", "a recording")
    .option("--update", "accept the difference: rewrite the recording with the new journal")
    .addOption(
      new Option(
        "--override <path=value>",
        "change one setting, e.g. alerts[0].severityThresholds.HIGH=500 (repeatable)",
      )
        .argParser(collect)
        .default([]),
    )
    .option("--scenario <name|file>", "replay against this scenario instead of the recorded one")
    .option("--partial", "replay a truncated recording up to its last complete line")
    .option("--json", "print the difference as one JSON object")
    .option(
      "--report <file.html>",
      "write the replayed run's SLA/XLA report as one self-contained HTML file",
    )
    .action(async (file: string, opts: ReplayCommandOptions) => {
      process.exitCode = await replay(file, opts);
    });

  program
    .command("import")
    .description(
      "make a recording from real exports: aws logs filter-log-events / get-log-events JSON, PagerDuty GET /incidents and /incidents/{id}/log_entries JSON, Logz.io search results",
    )
    .argument("<files...>", "export files (each file's kind is detected from its shape)")
    .requiredOption("--out <file>", "the recording to write")
    .option("--service <name>", "the app service of log lines that do not name one")
    .option(
      "--scenario <name|file>",
      "a scenario supplying what the exports lack (alerts, on-call)",
    )
    .option("--json", "print the import report as one JSON object")
    .action((files: string[], opts: ImportCommandOptions & { out: string }) => {
      process.exitCode = importRecording(files, opts.out, opts);
    });
}
