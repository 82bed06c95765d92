import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { startSimulator, storedLogs } from "./helpers.js";
import { search } from "./searchHelpers.js";

const require = createRequire(import.meta.url);
const installed = existsSync(new URL("../../../node_modules/logzio-nodejs", import.meta.url));

/**
 * What runs in the child: logzio-nodejs over https, two logs, then sendAndClose; it prints the
 * callback's error (or null) as JSON. axios verifies TLS against Node's CA store, which only
 * NODE_EXTRA_CA_CERTS at process start can extend: hence a process of its own.
 */
const SCRIPT = `
const { createLogger } = require(process.env.LOGZIO_NODEJS);
const logger = createLogger({
  token: process.env.LOGZIO_TOKEN,
  host: "127.0.0.1",
  port: process.env.LISTENER_TLS_PORT,
  protocol: "https",
  type: "https-client",
  sendIntervalMs: 600000,
  numberOfRetries: 1,
  supressErrors: true,
});
logger.log({ message: "over tls", run: process.env.RUN });
logger.log({ message: "second over tls", run: process.env.RUN });
logger.sendAndClose((error) => {
  const out = JSON.stringify({ error: error ? String(error.message ?? error) : null });
  process.stdout.write(out, () => process.exit(0));
});
`;

/** Variables that would send the child elsewhere or trust another CA. */
const STRIPPED =
  /^(https?_proxy|no_proxy|all_proxy|node_extra_ca_certs|node_tls_reject_unauthorized)$/i;

function runClient(
  sim: Simulator,
  run: string,
  extraEnv: Record<string, string>,
): Promise<{ error: string | null }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !STRIPPED.test(k)) env[k] = v;
  }
  Object.assign(env, {
    LOGZIO_NODEJS: require.resolve("logzio-nodejs"),
    LOGZIO_TOKEN: sim.env.LOGZIO_TOKEN as string,
    LISTENER_TLS_PORT: new URL(sim.endpoints.logzioListener.httpsUrl).port,
    RUN: run,
    ...extraEnv,
  });
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", SCRIPT],
      { env, timeout: 15_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`client process failed: ${error.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout) as { error: string | null });
        } catch {
          reject(new Error(`client process printed ${JSON.stringify(stdout)}\n${stderr}`));
        }
      },
    );
  });
}

async function messagesOfRun(sim: Simulator, run: string): Promise<string[]> {
  const reply = await search(sim, { query: { term: { run } } });
  if (reply.status !== 200) throw new Error(`search answered ${reply.status}`);
  return reply.body.hits.hits.map((h: { _source: { message: string } }) => h._source.message);
}

describe.skipIf(!installed)(
  installed
    ? "logzio-nodejs 2.5.0 over https to the listener's TLS port, in a process of its own"
    : "logzio-nodejs is not installed",
  () => {
    let sim: Simulator;
    let close: () => Promise<void>;

    beforeAll(async () => {
      // The client stamps logs with wall time: start virtual time there, so the search's default
      // window (today and yesterday on the simulator clock) holds them.
      ({ sim, close } = await startSimulator({ seed: "https-client", start: Date.now() }));
    });
    afterAll(async () => close());
    beforeEach(async () => {
      await fetch(`${sim.endpoints.logzioListener.url}/_watermelon/reset`, { method: "POST" });
    });

    it("has a TLS port of its own, apart from the http one", () => {
      const plain = new URL(sim.endpoints.logzioListener.url);
      const secure = new URL(sim.endpoints.logzioListener.httpsUrl);
      expect(secure.protocol).toBe("https:");
      expect(secure.port).not.toBe(plain.port);
    });

    it("ships when the process trusts the simulator's CA (NODE_EXTRA_CA_CERTS)", async () => {
      const result = await runClient(sim, "trusted", {
        NODE_EXTRA_CA_CERTS: sim.env.NODE_EXTRA_CA_CERTS as string,
      });
      expect(result).toEqual({ error: null });
      expect(await messagesOfRun(sim, "trusted")).toEqual(["over tls", "second over tls"]);
      const hit = (await search(sim, { query: { term: { run: "trusted" } }, size: 1 })).body.hits
        .hits[0];
      expect(hit._source.type).toBe("https-client");
    });

    it("fails the callback with a certificate error without the CA, and nothing is indexed", async () => {
      const result = await runClient(sim, "untrusted", {});
      expect(result.error).toMatch(/certificate/i);
      expect(await messagesOfRun(sim, "untrusted")).toEqual([]);
      expect(await storedLogs(sim)).toEqual([]);
    });
  },
);
