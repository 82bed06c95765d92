/**
 * pagerduty-cli 0.1.18 (`pd`), unchanged, on incidents: it reaches https://api.pagerduty.com only
 * through the ready line's HTTPS proxy with the CA (reference/pagerduty.md §5.2). `pd incident
 * list` pages with total=true and set filters, `pd incident ack`/`resolve` PUT the status with
 * the From header, `pd incident notes` posts and lists notes, `pd incident log` reads the log.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { ALICE, account, BOB, trigger } from "../incidents/helpers.js";
import { api, startSimulator, token } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const PD = path.join(repoRoot, "node_modules", ".bin", "pd");
const installed = existsSync(PD);

let sim: Simulator;
let close: () => Promise<void>;
let home: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pd` with only the ready line's proxy and CA, in a throw-away HOME. */
function pd(args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    HTTPS_PROXY: sim.env.HTTPS_PROXY,
    NO_PROXY: sim.env.NO_PROXY,
    NODE_EXTRA_CA_CERTS: sim.env.NODE_EXTRA_CA_CERTS,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(PD, [...args, "--token", token(sim)], {
      cwd: home,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function json(run: Run) {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`pd printed no JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field.
type Json = any;

describe.skipIf(!installed)(
  "pagerduty-cli 0.1.18 on incidents through the HTTPS proxy (skipped when node_modules/.bin/pd is not installed)",
  () => {
    beforeAll(async () => {
      home = mkdtempSync(path.join(os.tmpdir(), "watermelon-pd-incidents-"));
      ({ sim, close } = await startSimulator({ seed: "incidents-pd", pagerduty: account() }));
    });
    afterAll(async () => {
      await close?.();
      rmSync(home, { recursive: true, force: true });
    });

    it("lists open incidents across pages, acknowledges, annotates, resolves and reads the log", async () => {
      for (let i = 0; i < 27; i++) await trigger(sim, { dedupKey: `cli-${i}` });
      const listed = await pd(["incident", "list", "--json"]);
      expect(listed.code, listed.stderr).toBe(0);
      const open = json(listed);
      expect(open).toHaveLength(27);
      const target = open.find((i: Json) => i.incident_key === "cli-0");
      expect(target).toMatchObject({ status: "triggered", urgency: "high" });

      const acked = await pd(["incident", "ack", "-i", target.id, "-F", BOB.email]);
      expect(acked.code, acked.stderr).toBe(0);
      const after = (await api(sim, "GET", `/incidents/${target.id}`)).json.incident;
      expect(after).toMatchObject({
        status: "acknowledged",
        acknowledgements: [{ acknowledger: { id: BOB.id } }],
      });

      const noted = await pd([
        "incident",
        "notes",
        "-i",
        target.id,
        "-n",
        "on it",
        "-F",
        ALICE.email,
      ]);
      expect(noted.code, noted.stderr).toBe(0);
      const notes = await pd(["incident", "notes", "-i", target.id, "--output", "json"]);
      expect(json(notes).map((n: Json) => n.content)).toEqual(["on it"]);

      const resolved = await pd(["incident", "resolve", "-i", target.id]);
      expect(resolved.code, resolved.stderr).toBe(0);
      const log = await pd(["incident", "log", "-i", target.id, "--json"]);
      expect(log.code, log.stderr).toBe(0);
      const types = json(log).map((e: Json) => e.type);
      expect(types).toContain("resolve_log_entry");
      expect(types).toContain("annotate_log_entry");
      const openNow = json(await pd(["incident", "list", "--json"]));
      expect(openNow).toHaveLength(26);
      const closed = json(await pd(["incident", "list", "-s", "resolved", "--json"]));
      expect(closed.map((i: Json) => i.id)).toEqual([target.id]);
    });
  },
);
