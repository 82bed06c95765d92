import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  canBind,
  freePortSet,
  httpsGet,
  makeTempDir,
  occupy,
  PORT_FLAG_NAMES,
  type PortSet,
  portArgs,
  type ReadyLine,
  releaseAll,
  repoRoot,
  runCli,
  runCurl,
  startUp,
} from "./helpers.js";

afterEach(releaseAll);

const SERVICE_ROLES = [
  "aws",
  "logzioListener",
  "logzioApi",
  "pagerdutyEvents",
  "pagerdutyApi",
] as const;

const REQUIRED_ENV = [
  "AWS_ENDPOINT_URL",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_REGION",
  "LOGZIO_LISTENER_URL",
  "LOGZIO_API_URL",
  "PAGERDUTY_EVENTS_URL",
  "PAGERDUTY_API_URL",
  "PAGERDUTY_ROUTING_KEY",
  "PAGERDUTY_TOKEN",
  "HTTPS_PROXY",
  "NODE_EXTRA_CA_CERTS",
  "AWS_CA_BUNDLE",
  "NO_PROXY",
  "HTTP_PROXY",
];

/** Parses `export KEY='value'` lines; fails on any other line. */
function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.trimEnd().split("\n")) {
    const match = /^export ([A-Za-z_][A-Za-z0-9_]*)='([^']*)'$/.exec(line);
    if (!match) throw new Error(`not an export line: ${JSON.stringify(line)}`);
    env[match[1] as string] = match[2] as string;
  }
  return env;
}

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line.length > 0);
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel.length > 0 && !rel.startsWith("..") && !path.isAbsolute(rel);
}

async function upWithFreePorts(extraArgs: string[] = []) {
  const home = makeTempDir();
  const ports = await freePortSet();
  const up = await startUp([...portArgs(ports), ...extraArgs], home);
  return { home, ports, up };
}

describe("watermelon --version and --help", () => {
  it("--version prints the package.json version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
      version: string;
    };
    const result = await runCli(["--version"], makeTempDir());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });

  it("--help lists the up, env and ca commands", async () => {
    const result = await runCli(["--help"], makeTempDir());
    expect(result.code).toBe(0);
    for (const command of ["up", "env", "ca"]) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    }
  });

  it("up --help lists every port flag", async () => {
    const result = await runCli(["up", "--help"], makeTempDir());
    expect(result.code).toBe(0);
    for (const flag of Object.values(PORT_FLAG_NAMES)) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${flag} <port>`, "m"));
    }
  });
});

describe("watermelon up: usage errors", () => {
  it("an unknown flag prints the error and the usage on stderr and exits 2", async () => {
    const home = makeTempDir();
    const ports = await freePortSet();
    const result = await runCli(["up", "--bogus", ...portArgs(ports)], home);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("unknown option '--bogus'");
    expect(result.stderr).toContain("Usage: watermelon up [options]");
    expect(existsSync(path.join(home, "up.json"))).toBe(false);
  });

  it.each(["abc", "70000", "-1", "80.5"])("--aws-port %s is rejected with exit 2", async (bad) => {
    const home = makeTempDir();
    const ports = await freePortSet();
    const result = await runCli(["up", ...portArgs(ports, ["aws"]), "--aws-port", bad], home);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("--aws-port");
    expect(result.stderr).toContain(bad);
    expect(existsSync(path.join(home, "up.json"))).toBe(false);
  });
});

describe("watermelon up --json", () => {
  it("prints one ready line whose endpoints and env use the ports given, and every service answers", async () => {
    const { home, ports, up } = await upWithFreePorts();
    const { ready, endpoints, env } = up.ready;
    expect(ready).toBe(true);

    // Endpoints: the ports given, on loopback.
    const local = (port: number, scheme = "http") => `${scheme}://127.0.0.1:${port}`;
    expect(endpoints.aws?.url).toBe(local(ports.aws));
    expect(endpoints.aws?.httpsUrl).toBe(local(ports.aws, "https"));
    expect(endpoints.logzioListener?.url).toBe(local(ports.logzioListener));
    expect(endpoints.logzioListener?.httpsUrl).toBe(local(ports.logzioListenerTls, "https"));
    expect(endpoints.logzioApi?.url).toBe(local(ports.logzioApi));
    expect(endpoints.pagerdutyEvents?.url).toBe(local(ports.pagerdutyEvents));
    expect(endpoints.pagerdutyApi?.url).toBe(local(ports.pagerdutyApi));
    expect(endpoints.proxy?.url).toBe(local(ports.proxy));

    // Env: every variable a client needs, pointing at those ports.
    expect(Object.keys(env)).toEqual(expect.arrayContaining(REQUIRED_ENV));
    expect(env.AWS_ENDPOINT_URL).toBe(local(ports.aws));
    expect(env.LOGZIO_LISTENER_URL).toBe(local(ports.logzioListener));
    expect(env.LOGZIO_API_URL).toBe(local(ports.logzioApi));
    expect(env.PAGERDUTY_EVENTS_URL).toBe(local(ports.pagerdutyEvents, "https"));
    expect(env.PAGERDUTY_API_URL).toBe(local(ports.pagerdutyApi, "https"));
    expect(env.PAGERDUTY_TOKEN).toMatch(/^[0-9a-zA-Z_\-+]{20}$/);
    expect(env.HTTPS_PROXY).toBe(local(ports.proxy));
    expect(env.HTTP_PROXY).toBe(local(ports.proxy));
    expect(env.NO_PROXY?.split(",")).toContain("127.0.0.1");
    expect(env.AWS_REGION).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
    expect(env.AWS_ACCESS_KEY_ID).not.toBe("");
    expect(env.AWS_SECRET_ACCESS_KEY).not.toBe("");
    const caPath = env.NODE_EXTRA_CA_CERTS as string;
    expect(env.AWS_CA_BUNDLE).toBe(caPath);
    expect(isInside(home, caPath)).toBe(true);
    const ca = readFileSync(caPath);

    // Every service answers its health endpoint over http and over https.
    for (const role of SERVICE_ROLES) {
      const endpoint = endpoints[role];
      if (!endpoint?.httpsUrl) throw new Error(`no endpoint for ${role}`);
      const plain = await fetch(`${endpoint.url}/_watermelon/health`);
      expect(plain.status).toBe(200);
      expect(await plain.json()).toMatchObject({ service: role, status: "running" });
      const secure = await httpsGet(`${endpoint.httpsUrl}/_watermelon/health`, ca);
      expect(secure.status).toBe(200);
      expect(JSON.parse(secure.body)).toMatchObject({ service: role, status: "running" });
    }
    // The Logz.io listener's plain port also speaks TLS, and its TLS port plain HTTP.
    const tlsPortPlain = await fetch(`${local(ports.logzioListenerTls)}/_watermelon/health`);
    expect(await tlsPortPlain.json()).toMatchObject({ service: "logzioListener" });

    // The AWS endpoint answers like LocalStack.
    const localstack = await fetch(`${endpoints.aws?.url}/_localstack/health`);
    expect(localstack.status).toBe(200);
    const body = (await localstack.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["edition", "services", "version"]);
    expect(typeof body.services).toBe("object");
    expect(typeof body.edition).toBe("string");
    expect(typeof body.version).toBe("string");

    // Stopped: stdout held exactly the one ready line.
    const finished = await up.stop("SIGTERM");
    expect(finished.code).toBe(0);
    expect(lines(finished.stdout)).toHaveLength(1);
    expect(finished.stdout.endsWith("\n")).toBe(true);
    expect(JSON.parse(finished.stdout)).toEqual(up.ready);
  });
});

describe("watermelon env", () => {
  it("prints the running simulator's env as shell exports and as JSON", async () => {
    const { home, up } = await upWithFreePorts();

    const shell = await runCli(["env"], home);
    expect(shell.code).toBe(0);
    expect(parseExports(shell.stdout)).toEqual(up.ready.env);
    expect(lines(shell.stdout)).toHaveLength(Object.keys(up.ready.env).length);

    const json = await runCli(["env", "--json"], home);
    expect(json.code).toBe(0);
    expect(lines(json.stdout)).toHaveLength(1);
    expect(JSON.parse(json.stdout)).toEqual(up.ready.env);
  });

  it.each(["SIGTERM", "SIGINT"] as const)(
    "after %s, up exits 0, removes its locator and env reports no simulator running",
    async (signal) => {
      const { home, up } = await upWithFreePorts();
      const locator = path.join(home, "up.json");
      expect(existsSync(locator)).toBe(true);
      expect(JSON.parse(readFileSync(locator, "utf8"))).toMatchObject({
        pid: up.child.pid,
        env: up.ready.env,
      });

      const finished = await up.stop(signal);
      expect(finished.code).toBe(0);
      expect(finished.signal).toBeNull();
      expect(existsSync(locator)).toBe(false);

      const env = await runCli(["env"], home);
      expect(env.code).toBe(1);
      expect(env.stdout).toBe("");
      expect(env.stderr).toMatch(/no running watermelon/);
      expect(env.stderr).toContain("watermelon up");
    },
  );

  it("reports a locator left by a process that died as no simulator running", async () => {
    const { home, up } = await upWithFreePorts();
    const finished = await up.stop("SIGKILL");
    expect(finished.signal).toBe("SIGKILL");
    // Killed outright, it could not remove its locator.
    expect(existsSync(path.join(home, "up.json"))).toBe(true);

    const env = await runCli(["env"], home);
    expect(env.code).toBe(1);
    expect(env.stdout).toBe("");
    expect(env.stderr).toMatch(/no running watermelon/);
    expect(env.stderr).toContain(String(up.child.pid));
  });
});

describe("watermelon up --state-dir", () => {
  it("writes the locator and the journal there, and env --state-dir reads it", async () => {
    const stateDir = path.join(makeTempDir(), "nested", "state");
    const { home, up } = await upWithFreePorts(["--state-dir", stateDir, "--seed", "cli-seed"]);

    expect(existsSync(path.join(home, "up.json"))).toBe(true);
    expect(existsSync(path.join(stateDir, "up.json"))).toBe(true);

    // Another home that holds no locator: only --state-dir can find the simulator.
    const otherHome = makeTempDir();
    const withoutDir = await runCli(["env", "--json"], otherHome);
    expect(withoutDir.code).toBe(1);
    const withDir = await runCli(["env", "--json", "--state-dir", stateDir], otherHome);
    expect(withDir.code).toBe(0);
    expect(JSON.parse(withDir.stdout)).toEqual(up.ready.env);

    const journalFile = path.join(stateDir, "journal.jsonl");
    const started = lines(readFileSync(journalFile, "utf8")).map(
      (line) => JSON.parse(line) as { type: string; data: Record<string, unknown> },
    );
    expect(started.map((e) => e.type)).toEqual(["simulator.started"]);
    expect(started[0]?.data).toMatchObject({ clock: "real", seed: "cli-seed" });

    const finished = await up.stop("SIGTERM");
    expect(finished.code).toBe(0);
    expect(existsSync(path.join(stateDir, "up.json"))).toBe(false);
    expect(existsSync(path.join(home, "up.json"))).toBe(false);
    const types = lines(readFileSync(journalFile, "utf8")).map(
      (line) => (JSON.parse(line) as { type: string }).type,
    );
    expect(types).toEqual(["simulator.started", "simulator.stopped"]);
  });
});

describe("watermelon up: port in use", () => {
  it("exits 2 with one line naming the port, the service and the flag, and releases the rest", async () => {
    const home = makeTempDir();
    const ports = await freePortSet();
    await occupy(ports.pagerdutyApi);

    const result = await runCli(["up", "--json", ...portArgs(ports)], home);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.endsWith("\n")).toBe(true);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(String(ports.pagerdutyApi));
    expect(result.stderr).toContain("the PagerDuty REST API");
    expect(result.stderr).toContain("--pagerduty-api-port");
    expect(existsSync(path.join(home, "up.json"))).toBe(false);

    const others = (Object.keys(ports) as (keyof PortSet)[]).filter((k) => k !== "pagerdutyApi");
    for (const key of others) {
      expect({ port: key, free: await canBind(ports[key]) }).toEqual({ port: key, free: true });
    }
  });
});

describe("watermelon ca", () => {
  it("prints the path of a PEM CA certificate inside WATERMELON_HOME, the same on every run", async () => {
    const home = makeTempDir();
    const first = await runCli(["ca"], home);
    expect(first.code).toBe(0);
    expect(lines(first.stdout)).toHaveLength(1);
    const certPath = first.stdout.trim();
    expect(path.isAbsolute(certPath)).toBe(true);
    expect(isInside(home, certPath)).toBe(true);
    expect(existsSync(certPath)).toBe(true);
    const pem = readFileSync(certPath, "utf8");
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n/);
    expect(new X509Certificate(pem).ca).toBe(true);

    const second = await runCli(["ca"], home);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe(certPath);
    expect(readFileSync(certPath, "utf8")).toBe(pem);
  });
});

const hasCurl = existsSync("/usr/bin/curl");

describe.skipIf(!hasCurl)(
  `through the proxy with curl${hasCurl ? "" : " (skipped: /usr/bin/curl is missing)"}`,
  () => {
    async function upForCurl(): Promise<{ ready: ReadyLine; ca: string; proxy: string }> {
      const { up } = await upWithFreePorts();
      return {
        ready: up.ready,
        ca: up.ready.env.NODE_EXTRA_CA_CERTS as string,
        proxy: up.ready.env.HTTPS_PROXY as string,
      };
    }

    it("reaches the PagerDuty REST API as https://api.pagerduty.com", async () => {
      const { ca, proxy } = await upForCurl();
      const result = await runCurl([
        "-sS",
        "--cacert",
        ca,
        "-x",
        proxy,
        "https://api.pagerduty.com/_watermelon/health",
      ]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        service: "pagerdutyApi",
        title: "PagerDuty REST API",
        status: "running",
      });
    });

    it.each([
      ["https://listener.logz.io:8071/_watermelon/health", "logzioListener"],
      ["https://logs.eu-west-1.amazonaws.com/_watermelon/health", "aws"],
      ["https://api.logz.io/_watermelon/health", "logzioApi"],
      ["https://events.eu.pagerduty.com/_watermelon/health", "pagerdutyEvents"],
    ])("routes %s to %s", async (url, role) => {
      const { ca, proxy } = await upForCurl();
      const result = await runCurl(["-sS", "--cacert", ca, "-x", proxy, url]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ service: role, status: "running" });
    });

    it("refuses an unknown host with a 403 (curl exit 56)", async () => {
      const { ca, proxy } = await upForCurl();
      const result = await runCurl([
        "-sS",
        "--cacert",
        ca,
        "-x",
        proxy,
        "https://evil.example.com/",
      ]);
      expect(result.code).toBe(56);
      expect(result.stdout).toBe("");
      const verbose = await runCurl([
        "-v",
        "-sS",
        "--cacert",
        ca,
        "-x",
        proxy,
        "https://evil.example.com/",
      ]);
      expect(verbose.code).toBe(56);
      expect(verbose.stderr).toMatch(/^< HTTP\/1\.1 403 /m);
    });

    it("serves a plain http proxy request for http://events.pagerduty.com", async () => {
      const { proxy } = await upForCurl();
      const result = await runCurl([
        "-sS",
        "-x",
        proxy,
        "http://events.pagerduty.com/_watermelon/health",
      ]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        service: "pagerdutyEvents",
        status: "running",
      });
    });

    it("fails certificate verification without --cacert (curl exit 60)", async () => {
      const { proxy } = await upForCurl();
      const result = await runCurl([
        "-sS",
        "-x",
        proxy,
        "https://api.pagerduty.com/_watermelon/health",
      ]);
      expect(result.code).toBe(60);
      expect(result.stdout).toBe("");
    });
  },
);
