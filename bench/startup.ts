// Start-up benchmark: how long `watermelon up --json` (the compiled bin) takes to print its ready
// line, against moto_server (a real AWS emulator) answering its first HTTP request. Runs are
// interleaved: each round starts every contender once, in a rotating order.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, realpathSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { PORT_FLAGS } from "../simulator/host/catalogue.js";
import { fmt, markdownTable, rotate, type Summary, summarize } from "./stats.js";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = path.join(REPO_ROOT, "bin", "watermelon.js");
const HOST = "127.0.0.1";
/** A start that takes longer than this is a failure, not a sample. */
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
/** How often the HTTP probe retries while a peer's port still refuses connections. */
const PROBE_INTERVAL_MS = 5;

export interface StartupOptions {
  runs: number;
  log?: (line: string) => void;
}

interface Sample {
  readyMs: number;
  stopMs: number;
  /** The process died of the signal itself (no handler yet), instead of stopping cleanly. */
  killedBySignal: boolean;
}

interface Contender {
  name: string;
  /** Starts once; resolves when it is ready and has been stopped again. */
  runOnce(): Promise<Sample>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** Free loopback ports, all distinct: every server is held open until all are chosen. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, HOST, () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

export function spawnTracked(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): ChildProcess {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-5).join("\n");
}

/** Sends SIGTERM and resolves with the milliseconds until the process has exited. */
export function stop(child: ChildProcess, name: string): Promise<number> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`));
    }, STOP_TIMEOUT_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
    child.kill("SIGTERM");
  });
}

/** Resolves once `ready()` says yes about the process's output; rejects if it exits first. */
function waitFor(
  child: ChildProcess,
  name: string,
  ready: (stdout: string) => boolean,
): Promise<void> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      finish(new Error(`${name} was not ready within ${START_TIMEOUT_MS} ms\n${tail(stderr)}`));
    }, START_TIMEOUT_MS);
    child.once("exit", (code, signal) =>
      finish(new Error(`${name} exited (${signal ?? code}) before it was ready\n${tail(stderr)}`)),
    );
    child.once("error", (error) => finish(error));
    child.stdout?.on("data", (chunk: string) => {
      stdout += chunk;
      try {
        if (ready(stdout)) finish();
      } catch (error) {
        child.kill("SIGKILL");
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** `watermelon up --json` with WATERMELON_HOME at `home` (a fresh one per run if `home` is omitted). */
function watermelon(name: string, home: (() => { dir: string; dispose(): void }) | string) {
  return {
    name,
    async runOnce(): Promise<Sample> {
      const names = Object.keys(PORT_FLAGS) as (keyof typeof PORT_FLAGS)[];
      const ports = await freePorts(names.length);
      const portArgs = names.flatMap((n, i) => [PORT_FLAGS[n], String(ports[i])]);
      const fresh = typeof home === "string" ? undefined : home();
      const dir = typeof home === "string" ? home : (fresh?.dir ?? "");
      try {
        const env = { ...process.env, WATERMELON_HOME: dir };
        const started = performance.now();
        const child = spawnTracked(process.execPath, [BIN, "up", "--json", ...portArgs], env);
        let readyAt = 0;
        await waitFor(child, name, (stdout) => {
          const newline = stdout.indexOf("\n");
          if (newline < 0) return false;
          readyAt = performance.now();
          const line = JSON.parse(stdout.slice(0, newline)) as { ready?: unknown };
          if (line.ready !== true) throw new Error(`${name}: unexpected first line ${stdout}`);
          return true;
        });
        const readyMs = readyAt - started;
        const stopMs = await stop(child, name);
        const killedBySignal = child.signalCode === "SIGTERM";
        if (child.exitCode !== 0 && !killedBySignal) {
          throw new Error(`${name} exited with ${child.signalCode ?? child.exitCode}`);
        }
        return { readyMs, stopMs, killedBySignal };
      } finally {
        fresh?.dispose();
      }
    },
  };
}

/** Resolves with the time the first HTTP answer (any status) arrives on `port`. */
export async function firstHttpAnswer(
  port: number,
  child: ChildProcess,
  name: string,
): Promise<number> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited before it answered HTTP`);
    }
    const answeredAt = await new Promise<number | undefined>((resolve) => {
      const req = http.get(
        { host: HOST, port, path: "/moto-api/", agent: false, timeout: 2_000 },
        (res) => {
          const at = performance.now();
          res.resume();
          res.once("end", () => resolve(at));
          res.once("error", () => resolve(at));
        },
      );
      req.once("timeout", () => req.destroy());
      req.once("error", () => resolve(undefined));
    });
    if (answeredAt !== undefined) return answeredAt;
    if (performance.now() > deadline) throw new Error(`${name} did not answer HTTP in time`);
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
}

function moto(name: string, executable: string): Contender {
  return {
    name,
    async runOnce(): Promise<Sample> {
      const [port] = await freePorts(1);
      const started = performance.now();
      const child = spawnTracked(executable, ["-H", HOST, "-p", String(port)], process.env);
      child.stdout?.resume();
      child.stderr?.resume();
      const exited = new Promise<never>((_, reject) => {
        child.once("error", reject);
      });
      let readyAt: number;
      try {
        readyAt = await Promise.race([firstHttpAnswer(port as number, child, name), exited]);
      } catch (error) {
        child.kill("SIGKILL");
        throw error;
      }
      const readyMs = readyAt - started;
      const stopMs = await stop(child, name);
      // Python's default SIGTERM action is to die of it: that is moto_server's normal stop.
      return { readyMs, stopMs, killedBySignal: false };
    },
  };
}

/** The first executable `name` on PATH, or undefined. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * A pyenv shim re-enters pyenv (a shell script) on every start, which costs more than the
 * program's own start-up; the program itself is what `pyenv which` names.
 */
export function behindPyenvShim(shim: string): string | undefined {
  if (!shim.split(path.sep).includes("shims")) return undefined;
  try {
    const real = execFileSync("pyenv", ["which", path.basename(shim)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return real && realpathSync(real) !== realpathSync(shim) ? real : undefined;
  } catch {
    return undefined;
  }
}

export function tempDir(prefix: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function runStartupBenchmark(options: StartupOptions): Promise<string> {
  const log = options.log ?? (() => {});
  const notes: string[] = [];

  // The per-user home with the CA already in it, as after a first `watermelon up`.
  const warmHome = tempDir("watermelon-bench-home-");
  try {
    log("startup: warm-up run (creates the CA in WATERMELON_HOME)");
    await watermelon("watermelon up (warm-up)", warmHome.dir).runOnce();

    const contenders: Contender[] = [
      watermelon("watermelon up --json, CA already in WATERMELON_HOME", warmHome.dir),
      watermelon("watermelon up --json, fresh WATERMELON_HOME (CA created)", () =>
        tempDir("watermelon-bench-fresh-"),
      ),
    ];
    const motoOnPath = onPath("moto_server");
    if (!motoOnPath) {
      notes.push("moto_server skipped: no `moto_server` executable on PATH.");
    } else {
      const real = behindPyenvShim(motoOnPath);
      if (real) {
        contenders.push(moto("moto_server (the program itself)", real));
        contenders.push(moto("moto_server through its pyenv shim", motoOnPath));
        notes.push(`moto_server: ${real}, and the pyenv shim ${motoOnPath} that PATH finds first.`);
      } else {
        contenders.push(moto("moto_server", motoOnPath));
        notes.push(`moto_server: ${motoOnPath}.`);
      }
    }

    const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
    for (let round = 0; round < options.runs; round++) {
      for (const contender of rotate(contenders, round)) {
        const sample = await contender.runOnce();
        samples.get(contender.name)?.push(sample);
        log(
          `startup: round ${round + 1}/${options.runs} ${contender.name}: ready ${fmt(sample.readyMs)} ms, stop ${fmt(sample.stopMs)} ms${sample.killedBySignal ? " (died of SIGTERM)" : ""}`,
        );
      }
    }

    const row = (label: string, s: Summary) => [
      label,
      String(s.runs),
      fmt(s.median),
      fmt(s.min),
      fmt(s.max),
    ];
    const readyRows = contenders.map((c) =>
      row(c.name, summarize((samples.get(c.name) ?? []).map((s) => s.readyMs))),
    );
    // A run that died of the signal did not stop: it is left out of the stop figures.
    const stopRows = contenders.flatMap((c) => {
      const clean = (samples.get(c.name) ?? []).filter((s) => !s.killedBySignal);
      return clean.length === 0 ? [] : [row(c.name, summarize(clean.map((s) => s.stopMs)))];
    });
    for (const c of contenders) {
      const all = samples.get(c.name) ?? [];
      const died = all.filter((s) => s.killedBySignal).length;
      if (died > 0) {
        notes.push(
          `${c.name}: ${died} of ${all.length} runs died of the SIGTERM itself (exit by signal, no clean stop; left out of the stop figures): it arrived right after the ready line, before the process had its handler.`,
        );
      }
    }
    return [
      "## Start-up: spawn to ready",
      "",
      "watermelon: spawn of `node bin/watermelon.js up --json` (seven explicit free ports) until its",
      "ready line is on stdout. moto_server: spawn until the first HTTP answer on its port",
      `(\`GET /moto-api/\`, probed every ${PROBE_INTERVAL_MS} ms).`,
      "",
      markdownTable(["ready", "runs", "median ms", "min ms", "max ms"], readyRows),
      "",
      "### SIGTERM to exit",
      "",
      markdownTable(["stop", "runs", "median ms", "min ms", "max ms"], stopRows),
      ...(notes.length > 0 ? ["", ...notes.map((n) => `- ${n}`)] : []),
      "",
    ].join("\n");
  } finally {
    warmHome.dispose();
  }
}
