/**
 * The container files (Dockerfile, .dockerignore, docker-compose.yml) checked against the code
 * they package: the default ports, the CLI's flags, the files the image needs, and the network
 * wiring that lets LocalStack's Lambda containers reach the Logz.io listener. Building the image
 * needs a Docker engine; without one that test reports itself skipped.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadScenario } from "../../flows/scenarios/load.js";
import { DEFAULT_APP_PORT } from "../../flows/wiring/chain.js";
import { createSimulator, type Simulator } from "../../simulator/cli/api.js";
import { LOCALSTACK_IMAGE, LOCALSTACK_SERVICES } from "../../simulator/cli/localstack.js";
import { ADMIN_PREFIX } from "../../simulator/host/admin.js";
import { DEFAULT_PORTS } from "../../simulator/host/catalogue.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const inRepo = (p: string) => path.join(root, p);
const expectedPorts = [...new Set([...Object.values(DEFAULT_PORTS), DEFAULT_APP_PORT])].sort(
  (a, b) => a - b,
);

// --- docker-compose.yml ----------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  networks?: string[] | Record<string, { aliases?: string[] } | null>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  volumes?: string[];
}

interface Compose {
  services: Record<string, ComposeService>;
  networks?: Record<string, { name?: string; external?: boolean } | null>;
}

const compose = parse(readFileSync(inRepo("docker-compose.yml"), "utf8")) as Compose;

function service(name: string): ComposeService {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

function environmentOf(s: ComposeService): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((line) => {
        const at = line.indexOf("=");
        return at < 0 ? [line, ""] : [line.slice(0, at), line.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? "" : String(v)]));
}

interface PublishedPort {
  hostIp: string | undefined;
  published: number;
  target: number;
}

/** Compose's short (`[ip:]published:target`) and long port syntaxes, without ranges. */
function publishedPort(entry: NonNullable<ComposeService["ports"]>[number]): PublishedPort {
  if (typeof entry === "object") {
    return {
      hostIp: entry.host_ip,
      published: Number(entry.published ?? entry.target),
      target: entry.target,
    };
  }
  const parts = String(entry)
    .replace(/\/tcp$/, "")
    .split(":");
  const target = Number(parts.pop());
  const published = parts.length > 0 ? Number(parts.pop()) : target;
  return { hostIp: parts.length > 0 ? parts.join(":") : undefined, published, target };
}

function commandOf(s: ComposeService): string[] {
  const command = s.command ?? [];
  return Array.isArray(command) ? command.map(String) : command.trim().split(/\s+/);
}

/** The value following `flag` in a command line. */
function flagValue(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : args[at + 1];
}

function networksOf(s: ComposeService): Map<string, string[]> {
  const networks = s.networks ?? [];
  if (Array.isArray(networks)) return new Map(networks.map((n) => [n, []]));
  return new Map(Object.entries(networks).map(([n, v]) => [n, v?.aliases ?? []]));
}

/** The engine's name of a compose network: its `name:`, else the key (then project-prefixed). */
function engineNetworkName(key: string): string | undefined {
  const network = compose.networks?.[key];
  return network?.name;
}

// --- `watermelon up --help` ------------------------------------------------------------------

interface HelpOption {
  takesValue: boolean;
  choices?: string[];
}

/** Commander's help: each option starts a line with two spaces and a dash; wraps indent deeper. */
function parseHelp(text: string): Map<string, HelpOption> {
  const blocks: string[] = [];
  for (const line of text.split("\n")) {
    if (/^ {2}-/.test(line)) blocks.push(line.trim());
    else if (blocks.length > 0 && /^ {3,}\S/.test(line))
      blocks[blocks.length - 1] += ` ${line.trim()}`;
  }
  const options = new Map<string, HelpOption>();
  for (const block of blocks) {
    const [head = "", ...rest] = block.split(/\s{2,}/);
    const description = rest.join(" ");
    const choices = /choices: ((?:"[^"]*"(?:, )?)+)/.exec(description)?.[1];
    const option: HelpOption = {
      takesValue: /<[^>]+>|\[[^\]]+\]/.test(head),
      ...(choices ? { choices: [...choices.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? "") } : {}),
    };
    for (const flag of head.match(/--?[a-z][a-z-]*/g) ?? []) options.set(flag, option);
  }
  return options;
}

/** Why the compiled CLI cannot answer for the sources, or undefined when it can. */
function distProblem(): string | undefined {
  const compiled = inRepo("dist/simulator/cli/main.js");
  if (!existsSync(compiled)) return "dist/ is missing, run npm run build";
  if (statSync(compiled).mtimeMs < statSync(inRepo("simulator/cli/main.ts")).mtimeMs) {
    return "dist/ is older than simulator/cli/main.ts, run npm run build";
  }
  return undefined;
}

// --- Dockerfile ------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
  /** Index of the stage (FROM) it belongs to. */
  stage: number;
}

function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (current === "" && /^\s*(#|$)/.test(line)) continue;
    if (current !== "" && /^\s*#/.test(line)) continue;
    if (line.endsWith("\\")) current += `${line.slice(0, -1).trim()} `;
    else {
      logical.push(`${current}${line.trim()}`);
      current = "";
    }
  }
  let stage = -1;
  return logical.map((line) => {
    const [keyword = "", ...rest] = line.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === "FROM") stage++;
    return { keyword: upper, args: rest.join(" "), stage };
  });
}

const dockerfile = parseDockerfile(readFileSync(inRepo("Dockerfile"), "utf8"));
const froms = dockerfile.filter((i) => i.keyword === "FROM");
const lastStage = froms.length - 1;
const stageNamed = (name: string) =>
  froms.findIndex((f) => new RegExp(`\\sAS\\s+${name}$`, "i").test(f.args));
const inStage = (stage: number, keyword: string) =>
  dockerfile.filter((i) => i.stage === stage && i.keyword === keyword);

/** COPY's flags, sources and destination (JSON or shell form). */
function copyParts(args: string): { flags: string[]; sources: string[]; dest: string } {
  const words = args.startsWith("[")
    ? (JSON.parse(args) as string[])
    : args.split(/\s+/).filter(Boolean);
  const flags = words.filter((w) => w.startsWith("--"));
  const paths = words.filter((w) => !w.startsWith("--"));
  return { flags, sources: paths.slice(0, -1), dest: paths[paths.length - 1] ?? "" };
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/^\.\//, "")
    .replace(/\/$/, "")
    .split("")
    .map((c, i, all) => {
      if (c === "*" && all[i + 1] === "*") return "";
      if (c === "*" && all[i - 1] === "*") return ".*";
      if (c === "*") return "[^/]*";
      if (c === "?") return "[^/]";
      return c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${body}$`);
}

/** Repository paths a COPY source names (a glob matches within one folder). */
function matchesInRepo(source: string): string[] {
  const clean = source.replace(/^\.\//, "").replace(/\/$/, "");
  if (!/[*?]/.test(clean)) return existsSync(inRepo(clean)) ? [clean] : [];
  const dir = path.posix.dirname(clean);
  const re = globToRegExp(clean);
  return readdirSync(inRepo(dir))
    .map((f) => path.posix.join(dir, f))
    .filter((f) => re.test(f));
}

const dockerignore = readFileSync(inRepo(".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));

/** Whether .dockerignore keeps a path (or a folder above it) out of the build context. */
function ignored(file: string): boolean {
  let out = false;
  const ancestors = file.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"));
  for (const pattern of dockerignore) {
    const negated = pattern.startsWith("!");
    const re = globToRegExp(negated ? pattern.slice(1) : pattern);
    if (ancestors.some((a) => re.test(a))) out = !negated;
  }
  return out;
}

// --- the tests -------------------------------------------------------------------------------

describe("docker-compose.yml", () => {
  const localstack = service("localstack");
  const watermelon = service("watermelon");
  const command = commandOf(watermelon);

  it("has LocalStack at the pinned tag and watermelon built from the Dockerfile", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["localstack", "watermelon"]);
    expect(localstack.image).toBe(LOCALSTACK_IMAGE);
    const build =
      typeof watermelon.build === "string" ? { context: watermelon.build } : watermelon.build;
    expect(build?.context).toBe(".");
    expect(existsSync(inRepo(build?.dockerfile ?? "Dockerfile"))).toBe(true);
  });

  it("starts LocalStack with the services the chain needs and Lambda's host-gateway mapping", () => {
    const env = environmentOf(localstack);
    const services = (env.SERVICES ?? "").split(",").map((s) => s.trim());
    for (const needed of LOCALSTACK_SERVICES) expect(services).toContain(needed);
    expect(env.LAMBDA_DOCKER_FLAGS).toContain("--add-host=host.docker.internal:host-gateway");
    expect(localstack.volumes).toContain("/var/run/docker.sock:/var/run/docker.sock");
  });

  it("starts watermelon once LocalStack's health endpoint says it is ready", () => {
    const dependsOn = watermelon.depends_on;
    expect(
      dependsOn && !Array.isArray(dependsOn) ? dependsOn.localstack?.condition : undefined,
    ).toBe("service_healthy");
    const test = localstack.healthcheck?.test;
    expect([test ?? []].flat().join(" ")).toContain("/_localstack/health");
  });

  it("publishes every default port and the app's, on 127.0.0.1, each once, at the same number", () => {
    const all = Object.values(compose.services).flatMap((s) => (s.ports ?? []).map(publishedPort));
    for (const p of all) {
      expect(p.hostIp, `port ${p.target}`).toBe("127.0.0.1");
      expect(p.published, `port ${p.target}`).toBe(p.target);
    }
    const targets = all.map((p) => p.target).sort((a, b) => a - b);
    expect(targets).toEqual(expectedPorts);
    // LocalStack answers on AWS's port; watermelon does not bind it with --aws localstack.
    expect((localstack.ports ?? []).map((p) => publishedPort(p).target)).toEqual([
      DEFAULT_PORTS.aws,
    ]);
  });

  it("runs `up` bound to every interface, on LocalStack by its service name, with a bundled scenario", () => {
    expect(command[0]).toBe("up");
    expect(flagValue(command, "--host")).toBe("0.0.0.0");
    expect(flagValue(command, "--aws")).toBe("localstack");
    const endpoint = new URL(flagValue(command, "--aws-endpoint") ?? "");
    expect(endpoint.hostname).toBe("localstack");
    expect(Number(endpoint.port)).toBe(DEFAULT_PORTS.aws);

    const scenario = flagValue(command, "--scenario") ?? "";
    expect(existsSync(inRepo(scenario)), `${scenario} exists`).toBe(true);
    expect(() => loadScenario(inRepo(scenario))).not.toThrow();
    // The image must carry it: the Dockerfile copies the bundled scenarios.
    const copied = inStage(lastStage, "COPY").flatMap((c) =>
      copyParts(c.args).sources.flatMap(matchesInRepo),
    );
    expect(copied).toContain(scenario);
  });

  it("puts both services and the Lambda containers on one named network where watermelon resolves", () => {
    const networkName = environmentOf(localstack).LAMBDA_DOCKER_NETWORK;
    expect(networkName, "LAMBDA_DOCKER_NETWORK").toBeTruthy();
    const key = Object.keys(compose.networks ?? {}).find(
      (k) => engineNetworkName(k) === networkName,
    );
    expect(key, `a network whose name: is ${networkName}`).toBeDefined();
    expect(compose.networks?.[key ?? ""]?.external ?? false).toBe(false);
    expect([...networksOf(localstack).keys()]).toContain(key);
    const watermelonNetworks = networksOf(watermelon);
    expect([...watermelonNetworks.keys()]).toContain(key);

    // The listener host given to the shipper is a name of watermelon's on that network.
    const advertised = environmentOf(watermelon).WATERMELON_ADVERTISED_HOST;
    expect(["watermelon", ...(watermelonNetworks.get(key ?? "") ?? [])]).toContain(advertised);
  });

  const problem = distProblem();
  it.skipIf(problem !== undefined)(
    `uses only flags \`watermelon up --help\` lists, with values where they take one${problem ? ` (skipped: ${problem})` : ""}`,
    () => {
      const help = spawnSync(process.execPath, [inRepo("bin/watermelon.js"), "up", "--help"], {
        encoding: "utf8",
      });
      expect(help.status, help.stderr).toBe(0);
      const options = parseHelp(help.stdout);
      expect(options.has("--host")).toBe(true);
      const args = command.slice(1);
      for (let i = 0; i < args.length; i++) {
        const flag = args[i] ?? "";
        const option = options.get(flag);
        expect(option, `${flag} is a flag of watermelon up`).toBeDefined();
        if (!option?.takesValue) continue;
        const value = args[++i];
        expect(value !== undefined && !value.startsWith("--"), `${flag} has a value`).toBe(true);
        if (option.choices) expect(option.choices, flag).toContain(value);
      }
    },
  );
});

describe("Dockerfile", () => {
  it("builds in a stage on a pinned node:20 slim image and runs on the same", () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const image = from.args.split(/\s+/)[0] ?? "";
      if (froms.some((f) => new RegExp(`\\sAS\\s+${image}$`, "i").test(f.args))) continue;
      expect(image, "base image").toBe("node:20-bookworm-slim");
      expect(image).not.toMatch(/:latest$/);
    }
    const build = stageNamed("build");
    expect(build).toBeGreaterThanOrEqual(0);
    expect(build).not.toBe(lastStage);
    const buildRuns = inStage(build, "RUN").map((r) => r.args);
    expect(buildRuns.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(buildRuns.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
  });

  it("installs only production dependencies at run time, without the prepare script", () => {
    const installs = inStage(lastStage, "RUN").filter((r) => /\bnpm ci\b/.test(r.args));
    expect(installs).toHaveLength(1);
    expect(installs[0]?.args).toContain("--omit=dev");
    expect(installs[0]?.args).toContain("--ignore-scripts");
    const copies = inStage(lastStage, "COPY").map((c) => copyParts(c.args));
    const fromBuild = copies.filter((c) => c.flags.some((f) => /^--from=build$/i.test(f)));
    expect(fromBuild.flatMap((c) => c.sources)).toContain("/app/dist");
    const local = copies.filter((c) => !c.flags.some((f) => f.startsWith("--from")));
    const sources = local.flatMap((c) => c.sources);
    for (const needed of [
      "package.json",
      "package-lock.json",
      "bin",
      "flows/scenarios/*.yaml",
      "flows/scenarios/scenario.schema.json",
    ]) {
      expect(sources, needed).toContain(needed);
    }
  });

  it("copies only files that exist and that .dockerignore lets into the context", () => {
    const local = dockerfile
      .filter((i) => i.keyword === "COPY")
      .map((c) => copyParts(c.args))
      .filter((c) => !c.flags.some((f) => f.startsWith("--from")));
    expect(local.length).toBeGreaterThan(0);
    for (const { sources } of local) {
      for (const source of sources) {
        const matches = matchesInRepo(source);
        expect(matches.length, `${source} exists in the repository`).toBeGreaterThan(0);
        for (const m of matches) expect(ignored(m), `${m} is not in .dockerignore`).toBe(false);
      }
    }
  });

  it(".dockerignore keeps dependencies, builds, history and test artefacts out", () => {
    for (const out of ["node_modules", "dist", ".git", "coverage", "test", "x.log"]) {
      expect(ignored(out), out).toBe(true);
    }
    expect(ignored("simulator/cli/main.ts")).toBe(false);
  });

  it("exposes every default port and the app's", () => {
    const exposed = inStage(lastStage, "EXPOSE")
      .flatMap((e) => e.args.split(/\s+/))
      .map((p) => Number(p.replace(/\/tcp$/, "")))
      .sort((a, b) => a - b);
    expect(exposed).toEqual(expectedPorts);
  });

  it("runs bin/watermelon.js as the node user, `up` on every interface by default", () => {
    const users = inStage(lastStage, "USER");
    expect(users[users.length - 1]?.args).toBe("node");
    const entrypoint = inStage(lastStage, "ENTRYPOINT").pop();
    expect(JSON.parse(entrypoint?.args ?? "null")).toEqual(["node", "bin/watermelon.js"]);
    expect(existsSync(inRepo("bin/watermelon.js"))).toBe(true);
    const cmd = inStage(lastStage, "CMD").pop();
    expect(JSON.parse(cmd?.args ?? "null")).toEqual(["up", "--host", "0.0.0.0"]);
  });

  describe("HEALTHCHECK", () => {
    const healthcheck = inStage(lastStage, "HEALTHCHECK").pop()?.args ?? "";
    const exec = /\bCMD\s+(\[.*\])$/.exec(healthcheck)?.[1];
    const argv = exec ? (JSON.parse(exec) as string[]) : [];
    const script = argv[2] ?? "";
    const url = new URL(/'(http:[^']+)'/.exec(script)?.[1] ?? "http://invalid/");
    let sim: Simulator;
    let home: string;

    beforeAll(async () => {
      home = mkdtempSync(path.join(os.tmpdir(), "watermelon-compose-"));
      sim = createSimulator({ home });
      await sim.ready;
    });
    afterAll(async () => {
      await sim?.dispose();
      rmSync(home, { recursive: true, force: true });
    });

    /** The healthcheck's script pointed at `target` instead of the default port; its exit code. */
    const runAgainst = (target: string) =>
      new Promise<number>((resolve) => {
        execFile(process.execPath, ["-e", script.replace(url.origin, target)], (error) =>
          resolve(error ? Number(error.code ?? 1) : 0),
        );
      });

    it("asks a default port's admin health endpoint with node's fetch", () => {
      expect(argv.slice(0, 2)).toEqual(["node", "-e"]);
      expect(script).toContain("fetch(");
      expect(url.pathname).toBe(`${ADMIN_PREFIX}/health`);
      expect(url.hostname).toBe("127.0.0.1");
      // The listener: bound whichever AWS backend runs.
      expect(Number(url.port)).toBe(DEFAULT_PORTS.logzioListener);
    });

    it("exits 0 when the service answers and 1 when nothing listens", async () => {
      expect(await runAgainst(new URL(sim.endpoints.logzioListener.url).origin)).toBe(0);
      const closed = createSimulator({ home });
      await closed.ready;
      const gone = new URL(closed.endpoints.logzioListener.url).origin;
      await closed.dispose();
      expect(await runAgainst(gone)).toBe(1);
    });
  });
});

const engine = spawnSync("docker", ["info"], { stdio: "ignore", timeout: 15_000 });
const engineProblem =
  engine.error !== undefined
    ? `no docker command (${(engine.error as NodeJS.ErrnoException).code})`
    : engine.status !== 0
      ? `no Docker engine, docker info exited ${engine.status}`
      : undefined;

describe("image", () => {
  it.skipIf(engineProblem !== undefined)(
    `builds from the Dockerfile and answers --version${engineProblem ? ` (skipped: ${engineProblem})` : ""}`,
    () => {
      const tag = "watermelon:compose-test";
      const build = spawnSync("docker", ["build", "-t", tag, root], { encoding: "utf8" });
      expect(build.status, build.stderr).toBe(0);
      const run = spawnSync("docker", ["run", "--rm", tag, "--version"], { encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      const pkg = JSON.parse(readFileSync(inRepo("package.json"), "utf8")) as { version: string };
      expect(run.stdout.trim()).toBe(pkg.version);
    },
    15 * 60_000,
  );
});
