/**
 * pagerduty-cli 0.1.18 (`pd event alert`), unchanged, on the Events API: by default it posts to
 * https://events.pagerduty.com/v2/enqueue, reached through the ready line's HTTPS proxy with the
 * CA; `--endpoint` points it at the simulator's plain-http events URL instead.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { routingKey, startSimulator, state } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const PD = path.join(repoRoot, "node_modules", ".bin", "pd");
const installed = existsSync(PD);

let sim: Simulator;
let close: () => Promise<void>;
let home: string;

function pd(args: string[], proxy: boolean): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    NODE_EXTRA_CA_CERTS: sim.env.NODE_EXTRA_CA_CERTS,
    ...(proxy ? { HTTPS_PROXY: sim.env.HTTPS_PROXY, NO_PROXY: sim.env.NO_PROXY } : {}),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(PD, args, { cwd: home, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      out += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      out += c;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, out }));
  });
}

const alert = (extra: string[]) => [
  "event",
  "alert",
  "-r",
  routingKey(sim),
  "--summary",
  "payments 5xx over 5 %",
  "--source",
  "payments-api",
  "--severity",
  "critical",
  "--json",
  ...extra,
];

describe.skipIf(!installed)(
  "pagerduty-cli 0.1.18 pd event alert (skipped when node_modules/.bin/pd is not installed)",
  () => {
    beforeAll(async () => {
      home = mkdtempSync(path.join(os.tmpdir(), "watermelon-pd-events-"));
      ({ sim, close } = await startSimulator({ seed: "events-pd" }));
    });
    afterAll(async () => {
      await close?.();
      rmSync(home, { recursive: true, force: true });
    });

    it("triggers through the proxy to events.pagerduty.com and opens an incident", async () => {
      const run = await pd(alert(["-d", "pd-cli-1"]), true);
      expect(run.code, run.out).toBe(0);
      expect(JSON.parse(run.out.slice(run.out.indexOf("{")))).toMatchObject({
        status: "success",
        dedup_key: "pd-cli-1",
      });
      const incident = (await state(sim)).incidents.find(
        (i: { incident_key: string }) => i.incident_key === "pd-cli-1",
      );
      expect(incident).toMatchObject({ status: "triggered", title: "payments 5xx over 5 %" });
    });

    it("posts to the plain-http events URL with --endpoint, and resolves by dedup key", async () => {
      const endpoint = `${sim.endpoints.pagerdutyEvents.url}/v2/enqueue`;
      expect(endpoint).toMatch(/^http:/);
      const opened = await pd(alert(["-d", "pd-cli-2", "--endpoint", endpoint]), false);
      expect(opened.code, opened.out).toBe(0);
      const resolved = await pd(
        [
          "event",
          "alert",
          "-r",
          routingKey(sim),
          "-a",
          "resolve",
          "--summary",
          "payments recovered",
          "--source",
          "payments-api",
          "-d",
          "pd-cli-2",
          "--endpoint",
          endpoint,
        ],
        false,
      );
      expect(resolved.code, resolved.out).toBe(0);
      const incident = (await state(sim)).incidents.find(
        (i: { incident_key: string }) => i.incident_key === "pd-cli-2",
      );
      expect(incident?.status).toBe("resolved");
    });

    it("prints PagerDuty's refusal for an invalid routing key and exits 1", async () => {
      const run = await pd(
        [
          "event",
          "alert",
          "-r",
          "tooshort",
          "--summary",
          "x",
          "--source",
          "y",
          "--endpoint",
          `${sim.endpoints.pagerdutyEvents.url}/v2/enqueue`,
        ],
        false,
      );
      expect(run.code).toBe(1);
      expect(run.out).toContain("400");
    });
  },
);
