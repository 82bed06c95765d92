import { execFile } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readdir, rm, stat, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalCa, loadOrCreateCa } from "../../../simulator/host/ca.js";

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const caModule = pathToFileURL(path.join(repoRoot, "simulator/host/ca.ts")).href;
const DAY_MS = 24 * 60 * 60 * 1000;

const tempDirs: string[] = [];
async function tempStateDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "watermelon-ca-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// One CA shared by the tests that only read from it.
let sharedCa: Promise<LocalCa> | undefined;
function getSharedCa(): Promise<LocalCa> {
  sharedCa ??= tempStateDir().then(loadOrCreateCa);
  return sharedCa;
}

describe("loadOrCreateCa", () => {
  it("creates the CA once and reuses it from disk", async () => {
    const stateDir = await tempStateDir();
    const first = await loadOrCreateCa(stateDir);
    expect(first.dir).toBe(path.join(stateDir, "ca"));
    expect(first.certPath).toBe(path.join(stateDir, "ca", "ca.pem"));

    const second = await loadOrCreateCa(stateDir);
    expect(second.certPem).toBe(first.certPem);
    expect(await readdir(first.dir)).toEqual(["ca-key.pem", "ca.pem"]);
    // Only the CA directory: no temporary directory left behind.
    expect(await readdir(stateDir)).toEqual(["ca"]);

    if (process.platform !== "win32") {
      expect((await stat(path.join(first.dir, "ca-key.pem"))).mode & 0o777).toBe(0o600);
      expect((await stat(first.certPath)).mode & 0o777).toBe(0o644);
    }

    const cert = new X509Certificate(first.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe("CN=watermelon local CA\nO=watermelon");
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    const now = Date.now();
    expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(now - DAY_MS + 60_000);
    expect(Date.parse(cert.validTo)).toBeGreaterThan(now + 9.9 * 365 * DAY_MS);
  });

  it("agrees on one CA when several loads race in one process", async () => {
    const stateDir = await tempStateDir();
    const cas = await Promise.all(Array.from({ length: 6 }, () => loadOrCreateCa(stateDir)));
    const pems = new Set(cas.map((ca) => ca.certPem));
    expect(pems.size).toBe(1);
    expect(await readdir(stateDir)).toEqual(["ca"]);
    // Leaves from any of them chain to the CA on disk.
    const onDisk = await loadOrCreateCa(stateDir);
    const leaf = new X509Certificate((await cas[3]?.leafFor("example.test"))?.certPem ?? "");
    expect(leaf.verify(new X509Certificate(onDisk.certPem).publicKey)).toBe(true);
  });

  it("agrees on one CA when several processes start at once", async () => {
    const stateDir = await tempStateDir();
    const script = `
      const { loadOrCreateCa } = await import(${JSON.stringify(caModule)});
      const ca = await loadOrCreateCa(process.argv[1]);
      process.stdout.write(ca.certPem);
    `;
    const runs = Array.from({ length: 4 }, () =>
      execFileAsync(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", script, stateDir],
        { cwd: repoRoot },
      ),
    );
    const outputs = (await Promise.all(runs)).map((run) => run.stdout);
    expect(outputs[0]).toContain("BEGIN CERTIFICATE");
    expect(new Set(outputs).size).toBe(1);
    expect((await loadOrCreateCa(stateDir)).certPem).toBe(outputs[0]);
    expect(await readdir(stateDir)).toEqual(["ca"]);
  });

  describe("an unusable CA directory", () => {
    async function expectUnusable(
      breakIt: (dir: string) => Promise<void>,
      file: string,
      problem: RegExp,
    ): Promise<void> {
      const stateDir = await tempStateDir();
      const { dir } = await loadOrCreateCa(stateDir);
      await breakIt(dir);
      const error = await loadOrCreateCa(stateDir).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toContain(path.join(dir, file));
      expect(message).toMatch(problem);
      expect(message).toContain(`Delete the directory ${dir}`);
    }

    it("names a missing key file", async () => {
      await expectUnusable(
        (dir) => unlink(path.join(dir, "ca-key.pem")),
        "ca-key.pem",
        /file is missing/,
      );
    });

    it("names an unparsable certificate", async () => {
      await expectUnusable(
        (dir) => writeFile(path.join(dir, "ca.pem"), "not a certificate\n"),
        "ca.pem",
        /not a PEM certificate/,
      );
    });

    it("names a key that does not match the certificate", async () => {
      const other = await loadOrCreateCa(await tempStateDir());
      await expectUnusable(
        (dir) => copyFile(path.join(other.dir, "ca-key.pem"), path.join(dir, "ca-key.pem")),
        "ca-key.pem",
        /does not match the certificate/,
      );
    });
  });
});

describe("leaf certificates", () => {
  const cases: Array<{ name: string; hosts: string[]; ips: string[] }> = [
    { name: "api.pagerduty.com", hosts: ["api.pagerduty.com"], ips: [] },
    { name: "logs.eu-west-1.amazonaws.com", hosts: ["logs.eu-west-1.amazonaws.com"], ips: [] },
    { name: "localhost", hosts: ["localhost"], ips: ["127.0.0.1", "::1"] },
    { name: "127.0.0.1", hosts: [], ips: ["127.0.0.1"] },
  ];

  it.each(cases)("$name chains to the CA and names only itself", async ({ name, hosts, ips }) => {
    const ca = await getSharedCa();
    const caCert = new X509Certificate(ca.certPem);
    const { certPem, keyPem } = await ca.leafFor(name);
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(certPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);

    const leaf = new X509Certificate(certPem);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.subject).toBe(`CN=${name}`);
    expect(leaf.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]); // extendedKeyUsage serverAuth
    expect(leaf.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    for (const host of hosts) expect(leaf.checkHost(host)).toBe(host);
    for (const ip of ips) expect(leaf.checkIP(ip)).toBe(ip);
    expect(leaf.checkHost("evil.example.com")).toBeUndefined();
    // Exactly these names: an IP literal gets no DNS entry (checkHost would fall back to the CN).
    const expectedSans = [...hosts.map((h) => `DNS:${h}`), ...ips.map((ip) => `IP Address:${ip}`)];
    expect(leaf.subjectAltName?.split(", ")).toEqual(
      expectedSans.map((san) => san.replace("IP Address:::1", "IP Address:0:0:0:0:0:0:0:1")),
    );

    const now = Date.now();
    const validFrom = Date.parse(leaf.validFrom);
    const validTo = Date.parse(leaf.validTo);
    expect(validFrom).toBeLessThan(now);
    expect(validFrom).toBeGreaterThan(now - DAY_MS - 60_000);
    expect(validTo - validFrom).toBe(397 * DAY_MS);
  });

  it("caches leaves and shares one promise between concurrent calls", async () => {
    const ca = await getSharedCa();
    const [a, b] = await Promise.all([ca.leafFor("cache.test"), ca.leafFor("CACHE.test")]);
    expect(a).toBe(b);
    expect(await ca.leafFor("cache.test")).toBe(a);
    const other = await ca.leafFor("other.cache.test");
    expect(other.keyPem).not.toBe(a.keyPem);
    expect(await ca.secureContextFor("cache.test")).toBe(await ca.secureContextFor("cache.test"));
  });

  it("accepts IPv6 literals in canonical form", async () => {
    const ca = await getSharedCa();
    const leaf = new X509Certificate((await ca.leafFor("0:0:0:0:0:0:0:1")).certPem);
    expect(leaf.checkIP("::1")).toBe("::1");
    expect(await ca.leafFor("::1")).toBe(await ca.leafFor("0:0:0:0:0:0:0:1"));
  });

  it.each([
    "",
    "bad name",
    "api.pagerduty.com/v2",
    "-leading.example",
    "trailing-.example",
    "double..dot",
    "under_score.example",
    "*.example.com",
    "1.2.3.999",
    "fe80::1%eth0",
    `${"a".repeat(64)}.example`,
  ])("rejects the invalid name %j", async (name) => {
    const ca = await getSharedCa();
    await expect(ca.leafFor(name)).rejects.toThrow(
      `Invalid host name for a certificate: ${JSON.stringify(name)}`,
    );
    await expect(ca.secureContextFor(name)).rejects.toThrow(/Invalid host name/);
    if (name !== "") expect(() => ca.sniCallback(name)).toThrow(/Invalid host name/);
  });

  const opensslPath = "/usr/bin/openssl";
  const hasOpenssl = existsSync(opensslPath);
  it.skipIf(!hasOpenssl)(
    `openssl verify accepts the leaves${hasOpenssl ? "" : ` (skipped: ${opensslPath} is missing)`}`,
    async () => {
      const ca = await getSharedCa();
      const dir = await tempStateDir();
      for (const { name } of cases) {
        const leafPath = path.join(dir, `${name}.pem`);
        await writeFile(leafPath, (await ca.leafFor(name)).certPem);
        const check = name === "127.0.0.1" ? ["-verify_ip", name] : ["-verify_hostname", name];
        const { stdout } = await execFileAsync(opensslPath, [
          "verify",
          "-CAfile",
          ca.certPath,
          "-purpose",
          "sslserver",
          ...check,
          leafPath,
        ]);
        expect(stdout.trim()).toBe(`${leafPath}: OK`);
      }
    },
  );
});

describe("TLS", () => {
  interface Handshake {
    authorized: boolean;
    subject: string;
  }

  function handshake(options: tls.ConnectionOptions): Promise<Handshake> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect(options, () => {
        const result = {
          authorized: socket.authorized,
          subject: String(socket.getPeerCertificate().subject?.CN),
        };
        socket.end();
        resolve(result);
      });
      socket.on("error", reject);
    });
  }

  async function withServer(ca: LocalCa, run: (port: number) => Promise<void>): Promise<void> {
    // cert/key serve clients that send no SNI, for which Node never calls SNICallback.
    const fallback = await ca.leafFor("localhost");
    const server = tls.createServer({
      cert: fallback.certPem,
      key: fallback.keyPem,
      SNICallback: ca.sniCallback("localhost"),
    });
    server.on("secureConnection", (socket) => socket.end("hi"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    try {
      await run(address.port);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it("serves a certificate per SNI name that clients trusting the CA accept", async () => {
    const ca = await getSharedCa();
    await withServer(ca, async (port) => {
      const base = { host: "127.0.0.1", port, ca: ca.certPem };
      expect(await handshake({ ...base, servername: "api.pagerduty.com" })).toEqual({
        authorized: true,
        subject: "api.pagerduty.com",
      });
      expect(await handshake({ ...base, servername: "logs.eu-west-1.amazonaws.com" })).toEqual({
        authorized: true,
        subject: "logs.eu-west-1.amazonaws.com",
      });
      // No SNI (an IP address host): the localhost certificate, which covers 127.0.0.1.
      expect(await handshake(base)).toEqual({ authorized: true, subject: "localhost" });
    });
  });

  it("rejects a certificate for another name", async () => {
    const ca = await getSharedCa();
    await withServer(ca, async (port) => {
      const attempt = handshake({
        host: "127.0.0.1",
        port,
        ca: ca.certPem,
        servername: "evil.example.com",
        checkServerIdentity: (_host, cert) => tls.checkServerIdentity("api.pagerduty.com", cert),
      });
      await expect(attempt).rejects.toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
    });
  });

  it("is rejected by clients that do not trust the CA", async () => {
    const ca = await getSharedCa();
    const stranger = await loadOrCreateCa(await tempStateDir());
    await withServer(ca, async (port) => {
      const base = { host: "127.0.0.1", port, servername: "api.pagerduty.com" };
      await expect(handshake(base)).rejects.toMatchObject({
        code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      });
      await expect(handshake({ ...base, ca: stranger.certPem })).rejects.toMatchObject({
        code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      });
    });
  });
});
