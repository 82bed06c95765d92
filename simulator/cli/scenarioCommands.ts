/**
 * The scenario commands: `demo` (a bundled scenario, narrated), `run <file>` (progress, summary,
 * exit code from the expectations), `validate <file>`, and `up --scenario` (the chain wired and
 * running in real time for hand-driven exploration).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  bundledScenarioFile,
  bundledScenarioNames,
  loadScenario,
  ScenarioError,
} from "../../flows/scenarios/load.js";
import type { Scenario } from "../../flows/scenarios/schema.js";
import {
  type Chain,
  type ChainOptions,
  type ChainResult,
  DEFAULT_APP_PORT,
  startChain,
} from "../../flows/wiring/chain.js";
import { narrate } from "../../flows/wiring/narrate.js";
import { renderSummary } from "../../flows/wiring/summary.js";
import { DEFAULT_PORTS } from "../host/catalogue.js";
import { userStateDir } from "../host/paths.js";
import type { JournalEvent } from "../kernel/journal.js";
import { renderReportHtml, renderReportText } from "../report/index.js";
import { writeRecording } from "./replayCommands.js";

export const DEMO_SCENARIO = "gold-outage";

export class ScenarioCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** A path, or the name of a bundled scenario. */
export function resolveScenario(ref: string): Scenario {
  const bundled = bundledScenarioFile(ref);
  const file = bundled ?? ref;
  try {
    return loadScenario(file);
  } catch (error) {
    if (error instanceof ScenarioError) {
      const hint =
        bundled || ref.includes("/") || ref.endsWith(".yaml")
          ? ""
          : `\n(bundled scenarios: ${bundledScenarioNames().join(", ")})`;
      throw new ScenarioCommandError(`${error.message}${hint}`, 2);
    }
    throw error;
  }
}

function progress(chain: Chain, write: (text: string) => void): () => void {
  let lastMinute = -1;
  const counts = { errors: 0, incidents: 0, pages: 0 };
  const end = Date.parse(chain.scenario.start) + chain.scenario.duration;
  const unsubscribe = chain.sim.journal.subscribe((e) => {
    if (e.type === "app.error.emitted") counts.errors++;
    else if (e.type === "pagerduty.incident.triggered") counts.incidents++;
    else if (e.type === "responder.notified") counts.pages++;
    const minute = Math.floor(Date.parse(e.time) / 60_000);
    if (minute === lastMinute) return;
    lastMinute = minute;
    const done = Math.min(
      1,
      (Date.parse(e.time) - Date.parse(chain.scenario.start)) / chain.scenario.duration,
    );
    const bar = "#".repeat(Math.round(done * 20)).padEnd(20, ".");
    write(
      `\r[${bar}] ${e.time.slice(0, 16).replace("T", " ")}  errors ${counts.errors}  incidents ${counts.incidents}  pages ${counts.pages}${Date.parse(e.time) > end ? " (settling)" : ""}   `,
    );
  });
  return () => {
    unsubscribe();
    write("\n");
  };
}

function withTempHome<T>(home: string | undefined, run: (home: string) => Promise<T>): Promise<T> {
  // The user's own home keeps the CA clients already trust.
  return run(home ?? userStateDir());
}

export interface RunCommandOptions {
  json?: boolean;
  journal?: string;
  seed?: string;
  clock?: "virtual" | "real";
  speed?: number;
  aws?: string;
  awsEndpoint?: string;
  home?: string;
  /** Write a recording of the run here. */
  record?: string;
  /** Write the SLA/XLA report here as one self-contained HTML file. */
  report?: string;
}

/** The terminal's end of a run: the accounting and checks, then the SLA/XLA report. */
export function renderRunText(result: ChainResult): string {
  return `${renderSummary(result)}\n\n${renderReportText(result.report)}`;
}

export function writeHtmlReport(
  file: string,
  result: ChainResult,
  events: readonly JournalEvent[],
): void {
  writeFileSync(path.resolve(file), renderReportHtml(result.report, events));
}

export async function runScenario(
  ref: string,
  opts: RunCommandOptions,
  out: NodeJS.WriteStream = process.stdout,
): Promise<number> {
  const scenario = resolveScenario(ref);
  return withTempHome(opts.home, async (home) => {
    const chain = await startChain({
      scenario,
      home,
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.speed === undefined ? {} : { speed: opts.speed }),
      ...(opts.journal ? { journalFile: path.resolve(opts.journal) } : {}),
      ...(opts.aws === "localstack"
        ? {
            aws: {
              backend: "localstack" as const,
              ...(opts.awsEndpoint ? { endpoint: opts.awsEndpoint } : {}),
            },
          }
        : {}),
    });
    let result: ChainResult;
    const stop =
      !opts.json && process.stderr.isTTY
        ? progress(chain, (t) => process.stderr.write(t))
        : () => {};
    try {
      result = await chain.run();
      if (opts.record) writeRecording(chain, path.resolve(opts.record));
      if (opts.report) writeHtmlReport(opts.report, result, chain.sim.journal.all());
    } finally {
      stop();
      await chain.dispose();
    }
    out.write(opts.json ? `${JSON.stringify(result)}\n` : `${renderRunText(result)}\n`);
    return result.ok ? 0 : 1;
  });
}

export interface DemoOptions {
  report?: string;
  scenario?: string;
  pace?: number;
  seed?: string;
  home?: string;
}

export async function demo(
  opts: DemoOptions,
  out: NodeJS.WriteStream = process.stdout,
): Promise<number> {
  const scenario = resolveScenario(opts.scenario ?? DEMO_SCENARIO);
  out.write(`watermelon demo: ${scenario.title ?? scenario.name}\n`);
  if (scenario.lesson) out.write(`${scenario.lesson.trim()}\n`);
  out.write(
    `\nThe chain: app -> CloudWatch Logs -> subscription filter -> Lambda logzio-shipper -> Logz.io -> alert -> PagerDuty -> on-call person.\n` +
      `${opts.pace ? `Real time at ${opts.pace}x` : "Virtual time: an hour of incidents takes seconds"}; every line below is one hop, as it happens.\n\n`,
  );
  return withTempHome(opts.home, async (home) => {
    const chain = await startChain({
      scenario,
      home,
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...(opts.pace ? { clock: "real" as const, speed: opts.pace } : {}),
    });
    const stop = narrate(chain.sim.journal, (line) => out.write(`${line}\n`));
    let result: ChainResult;
    try {
      result = await chain.run();
      if (opts.report) writeHtmlReport(opts.report, result, chain.sim.journal.all());
    } finally {
      stop();
      await chain.dispose();
    }
    out.write(`\n${renderRunText(result)}\n`);
    return result.ok ? 0 : 1;
  });
}

export function validate(files: string[], out: NodeJS.WriteStream = process.stdout): number {
  let failures = 0;
  for (const file of files) {
    try {
      const s = loadScenario(file);
      out.write(
        `${file}: ok (${s.name}: ${s.services.length} service(s), ${s.alerts.length} alert(s), ${s.timeline.length} step(s))\n`,
      );
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      failures++;
      process.stderr.write(`${error.message}\n`);
    }
  }
  return failures === 0 ? 0 : 1;
}

/** `up --scenario`: the chain wired on the well-known ports, real time, until a signal. */
export async function upScenario(
  ref: string,
  options: Pick<ChainOptions, "ports" | "host" | "seed" | "stateDir" | "aws" | "advertisedHost"> & {
    appPort?: number;
    json?: boolean;
  },
  stopped: Promise<void>,
  onReady: (sim: Chain["sim"]) => void,
  out: NodeJS.WriteStream = process.stdout,
): Promise<void> {
  const scenario = resolveScenario(ref);
  const chain = await startChain({
    scenario,
    clock: "real",
    home: userStateDir(),
    ports: options.ports ?? DEFAULT_PORTS,
    appPort: options.appPort ?? DEFAULT_APP_PORT,
    ...(options.host ? { host: options.host } : {}),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    ...(options.aws ? { aws: options.aws } : {}),
    ...(options.advertisedHost ? { advertisedHost: options.advertisedHost } : {}),
  });
  onReady(chain.sim);
  if (options.json) {
    out.write(
      `${JSON.stringify({ ready: true, scenario: scenario.name, app: chain.appUrl, endpoints: chain.sim.endpoints, env: chain.sim.env })}\n`,
    );
  } else {
    out.write(
      [
        `watermelon is up with scenario ${scenario.name} (real time). Ctrl-C stops it.`,
        "",
        `  app:        ${chain.appUrl}   (services: ${scenario.services.map((s) => s.name).join(", ")})`,
        `  make it fail: curl -X POST ${chain.appUrl}/faults -H content-type:application/json -d '{"service":"${scenario.services[0]?.name}","status":503,"durationMs":300000}'`,
        `  PagerDuty:  ${chain.sim.endpoints.pagerdutyApi.url}   Logz.io: ${chain.sim.endpoints.logzioApi.url}   AWS: ${chain.sim.endpoints.aws.url}`,
        `  In another shell: eval "$(npx watermelon env)"`,
        "",
      ].join("\n"),
    );
  }
  await stopped;
  await chain.dispose();
}

/** For tests: a throwaway home so the user's CA and locator are left alone. */
export function tempHome(): { home: string; remove(): void } {
  const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-home-"));
  return { home, remove: () => rmSync(home, { recursive: true, force: true }) };
}
