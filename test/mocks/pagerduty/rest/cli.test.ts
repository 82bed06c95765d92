/**
 * pagerduty-cli 0.1.18 (`pd`), unchanged. Its REST base is the constant
 * https://api.pagerduty.com, so it reaches the simulator only through the HTTPS proxy of the
 * ready line (HTTPS_PROXY) with the CA (NODE_EXTRA_CA_CERTS), as a user's shell would
 * (reference/pagerduty.md §5.2). Every command first checks its token with GET /users/me (or,
 * for an account key, GET /users?limit=1) and takes the account from `user.html_url`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { api, reset, startSimulator, token } from "./helpers.js";

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
function pd(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    HTTPS_PROXY: sim.env.HTTPS_PROXY,
    NO_PROXY: sim.env.NO_PROXY,
    NODE_EXTRA_CA_CERTS: sim.env.NODE_EXTRA_CA_CERTS,
    ...extraEnv,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(PD, args, { cwd: home, env, stdio: ["ignore", "pipe", "pipe"] });
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

const json = (run: Run) => {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`pd printed no JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
  }
};

describe.skipIf(!installed)(
  "pagerduty-cli 0.1.18 through the HTTPS proxy (skipped when node_modules/.bin/pd is not installed)",
  () => {
    beforeAll(async () => {
      home = mkdtempSync(path.join(os.tmpdir(), "watermelon-pd-home-"));
      ({ sim, close } = await startSimulator({
        seed: "rest-pd",
        pagerduty: {
          users: [
            { name: "Olive Owner", email: "olive@watermelon.example", role: "owner" },
            { name: "Sam Second", email: "sam@watermelon.example", job_title: "SRE" },
          ],
          apiTokens: [
            { token: "u+olive0123456789abc", user: "olive@watermelon.example" },
            { token: "accountkey0123456789" },
          ],
        },
      }));
    });
    afterAll(async () => {
      await close?.();
      rmSync(home, { recursive: true, force: true });
    });
    beforeEach(async () => reset(sim));

    it("pd user list: every user, as JSON, with a user's key", async () => {
      const run = await pd(["user", "list", "--json", "--token", token(sim)]);
      expect(run.code, run.stderr).toBe(0);
      const users = json(run);
      expect(users.map((u: { email: string }) => u.email).sort()).toEqual([
        "olive@watermelon.example",
        "sam@watermelon.example",
      ]);
      expect(users[0].html_url).toMatch(
        /^https:\/\/watermelon\.pagerduty\.com\/users\/P[A-Z0-9]{6}$/,
      );
    });

    it("pd user list -e: the CLI's email filter over the API's list", async () => {
      const run = await pd(["user", "list", "-e", "sam@", "--json", "--token", token(sim)]);
      expect(run.code, run.stderr).toBe(0);
      expect(json(run).map((u: { name: string }) => u.name)).toEqual(["Sam Second"]);
    });

    it("pd service list and pd ep list show what the REST API created", async () => {
      const policy = (await api(sim, "GET", "/escalation_policies")).json.escalation_policies[0];
      const made = await api(sim, "POST", "/services", {
        body: {
          service: {
            name: "made over REST",
            escalation_policy: { id: policy.id, type: "escalation_policy_reference" },
          },
        },
      });
      expect(made.status).toBe(201);
      const services = await pd(["service", "list", "--json", "--token", token(sim)]);
      expect(services.code, services.stderr).toBe(0);
      expect(json(services).map((s: { name: string }) => s.name)).toEqual([
        "made over REST",
        "watermelon",
      ]);
      const policies = await pd(["ep", "list", "--json", "--token", token(sim)]);
      expect(policies.code, policies.stderr).toBe(0);
      expect(json(policies)).toEqual([
        expect.objectContaining({ id: policy.id, name: "Default", num_loops: 0 }),
      ]);
    });

    it("an account-level key works through the CLI's fallback to GET /users?limit=1", async () => {
      const run = await pd(["rest", "get", "-e", "/priorities", "--token", "accountkey0123456789"]);
      expect(run.code, run.stderr).toBe(0);
      expect(json(run).priorities.map((p: { name: string }) => p.name)).toEqual([
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
      ]);
    });

    it("pd rest post with -H From creates a user as that user", async () => {
      const run = await pd([
        "rest",
        "post",
        "-e",
        "/users",
        "-d",
        JSON.stringify({ user: { name: "Cli Made", email: "cli@watermelon.example" } }),
        "-H",
        "From=olive@watermelon.example",
        "--token",
        "accountkey0123456789",
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(json(run).user).toMatchObject({ name: "Cli Made", email: "cli@watermelon.example" });
      const listed = await api(sim, "GET", "/users?query=cli");
      expect(listed.json.users).toHaveLength(1);
    });

    it("refuses a token the account does not have", async () => {
      const run = await pd(["user", "list", "--json", "--token", "wrongwrongwrongwrong"]);
      expect(run.code).not.toBe(0);
      expect(`${run.stdout}${run.stderr}`).toMatch(/auth|token|401|Unauthorized/i);
    });
  },
);
