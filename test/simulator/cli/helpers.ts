import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const binPath = path.join(repoRoot, "bin", "watermelon.js");

/** The seven ports of `watermelon up`, by the names the simulator uses for them. */
export type PortSet = {
  aws: number;
  logzioListener: number;
  logzioListenerTls: number;
  logzioApi: number;
  pagerdutyEvents: number;
  pagerdutyApi: number;
  proxy: number;
};

/** The flags as a user types them; written out here so the tests do not trust the source's table. */
export const PORT_FLAG_NAMES: Record<keyof PortSet, string> = {
  aws: "--aws-port",
  logzioListener: "--logzio-listener-port",
  logzioListenerTls: "--logzio-listener-tls-port",
  logzioApi: "--logzio-api-port",
  pagerdutyEvents: "--pagerduty-events-port",
  pagerdutyApi: "--pagerduty-api-port",
  proxy: "--proxy-port",
};

const PORT_KEYS = Object.keys(PORT_FLAG_NAMES) as (keyof PortSet)[];

// ---------------------------------------------------------------------------------------------
// Resources every test releases in afterEach: temp dirs, child processes, servers.

const tempDirs: string[] = [];
const children = new Set<ChildProcess>();
const servers = new Set<net.Server>();

export function makeTempDir(prefix = "watermelon-cli-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Kills every child still running, closes every server, removes every temp dir. */
export async function releaseAll(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (hasExited(child)) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
  children.clear();
  await Promise.all([...servers].map((server) => closeServer(server)));
  servers.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Ports.

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

function listenOn(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once("error", reject);
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      server.removeListener("error", reject);
      resolve(server);
    });
  });
}

/** Distinct free ports on 127.0.0.1 (all held at once while they are chosen). */
export async function freePorts(count: number): Promise<number[]> {
  const held = await Promise.all(Array.from({ length: count }, () => listenOn(0)));
  const ports = held.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(held.map((server) => closeServer(server)));
  return ports;
}

export async function freePortSet(): Promise<PortSet> {
  const ports = await freePorts(PORT_KEYS.length);
  return Object.fromEntries(PORT_KEYS.map((key, i) => [key, ports[i]])) as PortSet;
}

/** `--aws-port N --logzio-listener-port N ...` for every port, except those in `omit`. */
export function portArgs(ports: PortSet, omit: (keyof PortSet)[] = []): string[] {
  return PORT_KEYS.filter((key) => !omit.includes(key)).flatMap((key) => [
    PORT_FLAG_NAMES[key],
    String(ports[key]),
  ]);
}

/** Holds a port with a plain TCP server until releaseAll(). */
export async function occupy(port: number): Promise<net.Server> {
  const server = await listenOn(port);
  servers.add(server);
  return server;
}

/** Whether this process can bind the port on 127.0.0.1 right now (released again at once). */
export async function canBind(port: number): Promise<boolean> {
  try {
    await closeServer(await listenOn(port));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") return false;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes.

/** The caller's environment without proxy settings, so nothing is routed anywhere unexpected. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/_proxy$/i.test(key) || key === "WATERMELON_HOME" || key === "XDG_STATE_HOME") continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function track(child: ChildProcess): {
  out: { stdout: string; stderr: string };
  finished: Promise<Finished>;
} {
  children.add(child);
  const out = { stdout: "", stderr: "" };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out.stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    out.stderr += chunk;
  });
  const finished = new Promise<Finished>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, ...out }));
  });
  return { out, finished };
}

/** Runs `node bin/watermelon.js ...args` to completion with WATERMELON_HOME set to `home`. */
export function runCli(args: string[], home: string): Promise<Finished> {
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd: repoRoot,
    env: childEnv({ WATERMELON_HOME: home }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return track(child).finished;
}

export interface ReadyLine {
  ready: boolean;
  endpoints: Record<string, { title: string; url: string; httpsUrl?: string; hosts?: string[] }>;
  env: Record<string, string>;
}

export interface RunningUp {
  child: ChildProcess;
  ready: ReadyLine;
  /** Everything written so far. */
  output(): { stdout: string; stderr: string };
  /** Sends the signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<Finished>;
  finished: Promise<Finished>;
}

/** Starts `watermelon up --json ...args` and waits for its first stdout line. */
export async function startUp(args: string[], home: string): Promise<RunningUp> {
  const child = spawn(process.execPath, [binPath, "up", "--json", ...args], {
    cwd: repoRoot,
    env: childEnv({ WATERMELON_HOME: home }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { out, finished } = track(child);
  const firstLine = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const end = out.stdout.indexOf("\n");
      if (end === -1) return;
      child.stdout?.off("data", onData);
      resolve(out.stdout.slice(0, end));
    };
    child.stdout?.on("data", onData);
    finished.then(
      (f) =>
        reject(new Error(`watermelon up exited (${f.code ?? f.signal}) before ready: ${f.stderr}`)),
      reject,
    );
  });
  return {
    child,
    ready: JSON.parse(firstLine) as ReadyLine,
    output: () => ({ ...out }),
    stop: (signal = "SIGTERM") => {
      child.kill(signal);
      return finished;
    },
    finished,
  };
}

export interface CurlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs curl with `-q` (no ~/.curlrc) and no proxy variables from the environment. */
export function runCurl(args: string[]): Promise<CurlResult> {
  const child = spawn("/usr/bin/curl", ["-q", "--max-time", "15", ...args], {
    env: childEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return track(child).finished;
}

// ---------------------------------------------------------------------------------------------
// HTTPS.

export function httpsGet(
  url: string,
  ca: string | Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}
