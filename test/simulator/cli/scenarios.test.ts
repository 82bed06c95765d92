import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUNDLED_DIR } from "../../../flows/scenarios/load.js";
import { binPath } from "./helpers.js";

/** The scenario commands, as a user runs them: the compiled CLI in its own process. */

const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-cli-scenarios-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function watermelon(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      env: { ...process.env, WATERMELON_HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("watermelon demo", () => {
  it("narrates an error becoming a page that a responder acknowledges and resolves", async () => {
    const { code, stdout, stderr } = await watermelon(["demo"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const order = [
      "starts failing",
      "logs an error for checkout",
      "CloudWatch Logs -> Lambda",
      "shipper -> Logz.io",
      'alert "checkout errors" fired',
      "opened incident #1",
      "paged Ada Lovelace",
      "incident #1 acknowledged",
      "status update",
      "incident #1 resolved",
      "PASS",
    ];
    // Each hop is told after the one before it.
    let at = 0;
    for (const text of order) {
      const found = stdout.indexOf(text, at);
      expect(found, `"${text}" after position ${at}`).toBeGreaterThanOrEqual(0);
      at = found;
    }
    // The payload of a hop is shown, and the trace id can be followed from the app to PagerDuty.
    const traceId = /"traceId":"([0-9a-f]{32})"/.exec(stdout)?.[1];
    expect(traceId).toBeDefined();
    expect(stdout).toContain(`indexed a watermelon-app log (trace ${traceId})`);
    expect(stdout).toMatch(new RegExp(`opened incident #1 .*trace ${traceId}`));
  }, 120_000);
});

describe("watermelon run", () => {
  it("--json gives the accounting and the checks, exit 0", async () => {
    const { code, stdout } = await watermelon(["run", "escalation-nobody-acks", "--json"]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      ok: boolean;
      verdict: { checks: { name: string; ok: boolean }[] };
      accounting: { ok: boolean; stages: { stage: string; count: number }[] };
    };
    expect(result.ok).toBe(true);
    expect(result.verdict.checks.map((c) => c.name)).toContain("escalations");
    expect(result.accounting.ok).toBe(true);
  }, 120_000);

  it("exits 1 when an expectation fails, and the summary says which", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "watermelon-cli-run-"));
    try {
      const text = readFileSync(path.join(BUNDLED_DIR, "gold-outage.yaml"), "utf8").replace(
        "severityThresholds: { HIGH: 10, SEVERE: 100 }",
        "severityThresholds: { HIGH: 100000 }",
      );
      const file = path.join(dir, "never-pages.yaml");
      writeFileSync(file, text);
      const journal = path.join(dir, "run.jsonl");
      const { code, stdout } = await watermelon(["run", file, "--journal", journal]);
      expect(code).toBe(1);
      expect(stdout).toMatch(/FAIL {2}incidents +expected 1; got 0/);
      expect(stdout).toMatch(/\nFAIL\n/);
      const lines = readFileSync(journal, "utf8").trim().split("\n");
      expect(JSON.parse(lines[0] as string).type).toBe("simulator.started");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("exits 2 for a scenario that does not validate, naming the line", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "watermelon-cli-run-"));
    try {
      const file = path.join(dir, "bad.yaml");
      writeFileSync(file, "name: bad\nduration: soon\n");
      const { code, stderr } = await watermelon(["run", file]);
      expect(code).toBe(2);
      expect(stderr).toContain(`${file}:2:11: duration: expected a duration`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("watermelon validate", () => {
  it("passes the bundled scenarios and refuses a broken one", async () => {
    const good = await watermelon(["validate", path.join(BUNDLED_DIR, "watermelon.yaml")]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/watermelon\.yaml: ok/);

    const dir = mkdtempSync(path.join(os.tmpdir(), "watermelon-cli-validate-"));
    try {
      const file = path.join(dir, "typo.yaml");
      writeFileSync(
        file,
        readFileSync(path.join(BUNDLED_DIR, "gold-outage.yaml"), "utf8").replace(
          "tier: gold",
          "tier: gould",
        ),
      );
      const bad = await watermelon(["validate", file]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/typo\.yaml:\d+:\d+: services\[0\]\.tier: .*"gold"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("watermelon run --record, then replay", () => {
  it("replays clean (exit 0), and an override shows its consequence (exit 1)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "watermelon-cli-replay-"));
    try {
      const file = path.join(dir, "escalation.rec.jsonl");
      expect((await watermelon(["run", "escalation-nobody-acks", "--record", file])).code).toBe(0);
      const clean = await watermelon(["replay", file]);
      expect(clean.code).toBe(0);
      expect(clean.stdout).toContain("no difference");
      const later = await watermelon([
        "replay",
        file,
        "--override",
        "oncall.escalationPolicies[0].rules[0].escalateAfter=15m",
      ]);
      expect(later.code).toBe(1);
      expect(later.stdout).toMatch(/Katherine Johnson paged 10m later/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe("the SLA/XLA report at the end of run", () => {
  it("calls the bundled watermelon a watermelon, in --json and in a self-contained HTML file", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "watermelon-cli-report-"));
    try {
      const html = path.join(dir, "report.html");
      const { code, stdout } = await watermelon(["run", "watermelon", "--json", "--report", html]);
      expect(code).toBe(0);
      const { report } = JSON.parse(stdout) as {
        report: { verdict: { kind: string; slaGreen: boolean; experienceGreen: boolean } };
      };
      expect(report.verdict).toMatchObject({
        kind: "watermelon",
        slaGreen: true,
        experienceGreen: false,
      });
      const page = readFileSync(html, "utf8");
      expect(page).toContain("WATERMELON");
      expect(page).not.toMatch(/(src|href)=["']?https?:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
