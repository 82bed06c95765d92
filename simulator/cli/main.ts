import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { loadOrCreateCa } from "../host/ca.js";
import { DEFAULT_PORTS, PORT_FLAGS, PORT_TITLES, type PortName } from "../host/catalogue.js";
import { PortInUseError } from "../host/listening.js";
import { locatorPath, userStateDir } from "../host/paths.js";
import type { Endpoints } from "../host/serviceHost.js";
import { createSimulator, type SimulatorOptions, SimulatorOptionsError } from "./api.js";
import { toShellExports } from "./clientEnv.js";
import { registerReplayCommands } from "./replayCommands.js";
import {
  demo,
  runScenario,
  ScenarioCommandError,
  upScenario,
  validate,
} from "./scenarioCommands.js";
import { packageVersion } from "./version.js";

/** Exit code for usage errors and ports in use: the command could not start as asked. */
const EXIT_USAGE = 2;

interface Locator {
  pid: number;
  version: string;
  endpoints: Endpoints;
  env: Record<string, string>;
}

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    throw new InvalidArgumentError("expected a port number from 0 to 65535");
  }
  return n;
}

function parseSpeed(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError("expected a number above 0");
  return n;
}

function table(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length))) ?? [];
  return rows
    .map((r) => `  ${r.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join("   ")}`.trimEnd())
    .join("\n");
}

function describeEndpoints(endpoints: Endpoints, caPath: string, version: string): string {
  const { proxy, ...services } = endpoints;
  const rows = [["service", "http", "https", "real host names (through the proxy)"]];
  for (const s of Object.values(services))
    rows.push([s.title, s.url, s.httpsUrl, s.hosts.join(", ")]);
  rows.push([proxy.title, proxy.url, "", "HTTPS_PROXY / HTTP_PROXY"]);
  return [
    `watermelon ${version} is up (real time). Ctrl-C stops it.`,
    "",
    table(rows),
    "",
    `  CA certificate: ${caPath}`,
    `  In another shell: eval "$(npx watermelon env)"`,
    "",
  ].join("\n");
}

function readLocator(dir: string): Locator {
  const file = locatorPath(dir);
  let locator: Locator;
  try {
    locator = JSON.parse(readFileSync(file, "utf8")) as Locator;
  } catch {
    throw new CliError(
      `no running watermelon found (${file} does not exist); start one with: watermelon up`,
      1,
    );
  }
  try {
    process.kill(locator.pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's process.
    if ((error as NodeJS.ErrnoException).code === "EPERM") return locator;
    throw new CliError(
      `no running watermelon found: ${file} names process ${locator.pid}, which has exited; start one with: watermelon up`,
      1,
    );
  }
  return locator;
}

/**
 * The PagerDuty account of `--pagerduty-config`: a JSON file with the shape of the library's
 * `pagerduty` option (users, teams, escalationPolicies, schedules, services, ...).
 */
function readPagerDutyConfig(file: string): SimulatorOptions["pagerduty"] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(
      `watermelon: cannot read --pagerduty-config ${file}: ${(error as Error).message}`,
      EXIT_USAGE,
    );
  }
  try {
    return JSON.parse(text) as SimulatorOptions["pagerduty"];
  } catch (error) {
    throw new CliError(`watermelon: ${file} is not JSON: ${(error as Error).message}`, EXIT_USAGE);
  }
}

function removeLocators(dirs: string[]): void {
  for (const dir of dirs) {
    // Only remove a locator that is still ours: another `up` may have replaced it.
    try {
      const current = JSON.parse(readFileSync(locatorPath(dir), "utf8")) as Locator;
      if (current.pid === process.pid) rmSync(locatorPath(dir), { force: true });
    } catch {
      // already gone
    }
  }
}

async function up(opts: Record<string, unknown>, ports: Record<PortName, number>): Promise<void> {
  const home = userStateDir();
  const stateDir = opts.stateDir ? path.resolve(opts.stateDir as string) : undefined;
  // Listen for the stop signals before anyone can learn we are up: a client may send one at once.
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  if (opts.scenario) {
    await upScenario(
      opts.scenario as string,
      {
        ports,
        host: opts.host as string,
        appPort: opts.appPort as number,
        json: Boolean(opts.json),
        ...(opts.seed ? { seed: opts.seed as string } : {}),
        ...(stateDir ? { stateDir } : {}),
        ...(opts.aws === "localstack"
          ? { aws: { backend: "localstack" as const, endpoint: opts.awsEndpoint as string } }
          : {}),
        ...(opts.advertiseHost ? { advertisedHost: opts.advertiseHost as string } : {}),
      },
      stopped,
      (sim) => {
        const locator: Locator = {
          pid: process.pid,
          version: packageVersion(),
          endpoints: sim.endpoints,
          env: sim.env,
        };
        for (const dir of [home, ...(stateDir ? [stateDir] : [])]) {
          mkdirSync(dir, { recursive: true });
          writeFileSync(locatorPath(dir), `${JSON.stringify(locator, null, 2)}\n`);
        }
      },
    );
    removeLocators([home, ...(stateDir ? [stateDir] : [])]);
    return;
  }
  const configFile = opts.pagerdutyConfig as string | undefined;
  const pagerduty = configFile ? readPagerDutyConfig(configFile) : undefined;
  let sim: ReturnType<typeof createSimulator>;
  try {
    sim = createSimulator({
      ...(pagerduty === undefined ? {} : { pagerduty }),
      clock: "real",
      host: opts.host as string,
      ports,
      stateDir,
      home,
      seed: opts.seed as string | undefined,
      aws:
        opts.aws === "localstack"
          ? { backend: "localstack", endpoint: opts.awsEndpoint as string }
          : undefined,
    });
  } catch (error) {
    // A refused account names its entry (pagerduty.services.0: ...); say which file holds it.
    if (error instanceof SimulatorOptionsError && configFile) {
      throw new CliError(`watermelon: ${configFile}: ${error.message}`, EXIT_USAGE);
    }
    throw error;
  }
  try {
    await sim.ready;
  } catch (error) {
    if (error instanceof PortInUseError) {
      throw new CliError(
        `watermelon: port ${error.port} for ${PORT_TITLES[error.portName]} is in use on ${error.bindHost}; choose another with ${PORT_FLAGS[error.portName]} <port>`,
        EXIT_USAGE,
      );
    }
    throw error;
  }

  const version = packageVersion();
  const locator: Locator = { pid: process.pid, version, endpoints: sim.endpoints, env: sim.env };
  const locatorDirs = [home, ...(stateDir ? [stateDir] : [])];
  for (const dir of locatorDirs) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(locatorPath(dir), `${JSON.stringify(locator, null, 2)}\n`);
  }

  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ ready: true, endpoints: sim.endpoints, env: sim.env })}\n`,
    );
  } else {
    process.stdout.write(
      describeEndpoints(sim.endpoints, sim.env.NODE_EXTRA_CA_CERTS ?? "", version),
    );
  }

  await stopped;
  removeLocators(locatorDirs);
  await sim.dispose();
  if (!opts.json) process.stdout.write("watermelon stopped.\n");
}

export function buildProgram(): Command {
  const program = new Command("watermelon")
    .description(
      "A local, offline simulator of an incident-alerting chain: CloudWatch Logs, a Lambda shipper, Logz.io and PagerDuty, on one clock.",
    )
    .version(packageVersion(), "-v, --version")
    .showHelpAfterError()
    .exitOverride();

  const upCommand = program
    .command("up")
    .description("start every simulated service in real time and keep running until Ctrl-C")
    .option("--json", "print one JSON line once every service is ready: {ready, endpoints, env}")
    .option("--host <address>", "address to bind", "127.0.0.1")
    .option(
      "--state-dir <dir>",
      "write this run's journal (journal.jsonl) and locator here; without it state is ephemeral",
    )
    .option("--seed <seed>", "seed for every generated id and random choice", "watermelon")
    .addOption(
      new Option("--aws <backend>", "AWS backend: the embedded emulator, or LocalStack in Docker")
        .choices(["embedded", "localstack"])
        .default("embedded"),
    )
    .option(
      "--aws-endpoint <url>",
      "LocalStack's URL (with --aws localstack)",
      "http://localhost:4566",
    )
    .option(
      "--pagerduty-config <file>",
      "a JSON file with the PagerDuty account (users, schedules, escalationPolicies, services, ...)",
    )
    .option(
      "--scenario <file>",
      "wire a scenario's chain (the app, shipper, alerts, on-call) and run it in real time",
    )
    .option("--app-port <port>", "port of the app (with --scenario)", parsePort, 8075)
    .option(
      "--advertise-host <name>",
      "with --scenario: the host name the shipper Lambda uses to reach the Logz.io listener (e.g. this container's name on LocalStack's Docker network)",
      process.env.WATERMELON_ADVERTISED_HOST,
    );
  const portAttributes = new Map<PortName, string>();
  for (const name of Object.keys(DEFAULT_PORTS) as PortName[]) {
    const option = new Option(`${PORT_FLAGS[name]} <port>`, `port of ${PORT_TITLES[name]}`)
      .default(DEFAULT_PORTS[name])
      .argParser(parsePort);
    portAttributes.set(name, option.attributeName());
    upCommand.addOption(option);
  }
  upCommand.action(async (opts: Record<string, unknown>) => {
    const ports = new Map([...portAttributes].map(([name, attr]) => [name, opts[attr] as number]));
    await up(opts, Object.fromEntries(ports) as Record<PortName, number>);
  });

  program
    .command("demo")
    .description(
      "run a bundled scenario end to end, narrating every hop from the error to the page",
    )
    .option("--scenario <name|file>", "which scenario", "gold-outage")
    .option(
      "--pace <speed>",
      "run in real time at this speed-up (e.g. 60: a minute per second), for a classroom",
      parseSpeed,
    )
    .option("--seed <seed>", "seed for every generated id and random choice")
    .option("--report <file.html>", "write the SLA/XLA report as one self-contained HTML file")
    .action(async (opts: { scenario: string; pace?: number; seed?: string; report?: string }) => {
      process.exitCode = await demo(opts);
    });

  program
    .command("run")
    .description(
      "run a scenario and check its expectations: exit 0 only if they hold and nothing is lost",
    )
    .argument("<scenario>", "a scenario file, or the name of a bundled one")
    .option("--json", "print the result as one JSON object")
    .option("--journal <file.jsonl>", "write the journal here, one event per line")
    .option("--seed <seed>", "override the scenario's seed")
    .addOption(
      new Option("--clock <clock>", "virtual (as fast as it goes) or real (wall time)")
        .choices(["virtual", "real"])
        .default("virtual"),
    )
    .option("--speed <speed>", "with --clock real: simulated seconds per wall second", parseSpeed)
    .addOption(
      new Option("--aws <backend>", "AWS backend")
        .choices(["embedded", "localstack"])
        .default("embedded"),
    )
    .option("--aws-endpoint <url>", "LocalStack's URL (with --aws localstack)")
    .option(
      "--record <file>",
      "write a recording of the run (scenario, seed, inputs, journal; secrets redacted)",
    )
    .option("--report <file.html>", "write the SLA/XLA report as one self-contained HTML file")
    .action(async (file: string, opts: Record<string, unknown>) => {
      process.exitCode = await runScenario(file, opts);
    });

  registerReplayCommands(program);

  program
    .command("validate")
    .description(
      "check scenario files against the format; errors name the file, line, field and what was expected",
    )
    .argument("<files...>", "scenario files")
    .action((files: string[]) => {
      process.exitCode = validate(files);
    });

  program
    .command("env")
    .description("print the running simulator's client variables as shell exports")
    .option("--state-dir <dir>", "the --state-dir the simulator was started with")
    .option("--json", "print them as one JSON object")
    .action((opts: { stateDir?: string; json?: boolean }) => {
      const locator = readLocator(opts.stateDir ? path.resolve(opts.stateDir) : userStateDir());
      process.stdout.write(
        opts.json ? `${JSON.stringify(locator.env)}\n` : `${toShellExports(locator.env)}\n`,
      );
    });

  program
    .command("ca")
    .description("print the path of the local CA certificate (created on first use)")
    .action(async () => {
      const ca = await loadOrCreateCa(userStateDir());
      process.stdout.write(`${ca.certPath}\n`);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // Scenario commands set the exit code from their outcome.
    const code = process.exitCode;
    return typeof code === "number" ? code : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end here too, with exit code 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof CliError || error instanceof ScenarioCommandError) {
      process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`watermelon: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
