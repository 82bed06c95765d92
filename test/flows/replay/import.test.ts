import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { parseRecording } from "../../../flows/replay/format.js";
import { importExports } from "../../../flows/replay/importers.js";
import {
  importRecording,
  registerReplayCommands,
  replay,
} from "../../../simulator/cli/replayCommands.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const fixture = (name: string) => path.join(fixtures, name);
const dir = mkdtempSync(path.join(os.tmpdir(), "watermelon-import-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function output() {
  const chunks: string[] = [];
  return { write: (t: string) => chunks.push(t), text: () => chunks.join("") };
}

const EXPORTS = [
  "cloudwatch-filter-log-events.json",
  "pagerduty-incidents.json",
  "pagerduty-log-entries.json",
  "logzio-search.json",
].map(fixture);

// What the exports lack: the alert rule and Ada's address.
const SCENARIO = `
name: checkout-from-exports
duration: 30m
services:
  - { name: checkout, tier: gold }
alerts:
  - title: checkout errors
    service: checkout
    query: "service:checkout AND level:error"
    timeFrame: 5m
    severityThresholds: { HIGH: 2 }
oncall:
  users:
    - { name: Ada Lovelace, email: ada@watermelon.example }
  escalationPolicies:
    - name: Checkout
      rules:
        - { escalateAfter: 30m, targets: [{ user: ada@watermelon.example }] }
expect:
  nothingLost: false
`;

describe("import from real exports", () => {
  it("reports per file what it mapped and what it could not, and says what it assumed", () => {
    const files = EXPORTS.map((file) => ({
      file: path.basename(file),
      text: readFileSync(file, "utf8"),
    }));
    const result = importExports(files);
    const [cw, incidents, entries, logzio] = result.report.files;
    expect(result.report.files.map((f) => f.kind)).toEqual([
      "cloudwatch",
      "pagerduty-incidents",
      "pagerduty-log-entries",
      "logzio",
    ]);
    expect(cw?.mapped).toContain(
      "3 log event(s) → put into CloudWatch Logs at their ingestionTime",
    );
    expect(cw?.unmapped).toEqual([
      "events[3]: a plain-text line names no service (give --service)",
      "events[4]: no numeric timestamp or string message",
    ]);
    expect(incidents?.mapped[0]).toMatch(
      /#4211 "checkout errors" on Checkout → incident #1 of service checkout/,
    );
    expect(entries?.mapped).toEqual(
      expect.arrayContaining([
        "1 acknowledge_log_entry by a person → acknowledge through the REST API",
        "1 resolve_log_entry by a person → resolve through the REST API",
        "1 annotate_log_entry → a note through the REST API",
        "1 notify_log_entry → an observed page",
      ]),
    );
    expect(entries?.unmapped).toEqual([
      "escalate_log_entry: not replayed (the simulated PagerDuty decides it)",
    ]);
    expect(logzio?.unmapped).toEqual([
      "hits.hits[1]: no _source with an @timestamp",
      "fields added by Logz.io, left out of the log lines: @timestamp, logStream, tags, type",
    ]);
    expect(result.report.assumed.join("\n")).toMatch(/exports hold no alert rule/);
    expect(result.report.assumed.join("\n")).toMatch(/Ada Lovelace <pxpgf42@imported\.invalid>/);
    expect(result.scenario.start).toBe("2024-06-01T09:00:00.000Z");
    expect(result.inputs.map((i) => i.input.type)).toEqual([
      "log",
      "log",
      "log",
      "log",
      "pagerduty",
      "pagerduty",
      "pagerduty",
    ]);
    expect(result.compare).toEqual([
      "pagerduty.incident.acknowledged",
      "pagerduty.incident.resolved",
      "pagerduty.incident.triggered",
      "responder.notified",
    ]);
    // With --service, the plain-text line is mapped, and its filter-pattern caveat reported.
    const withService = importExports(files, { service: "checkout" });
    expect(withService.report.files[0]?.unmapped).toEqual([
      "events[4]: no numeric timestamp or string message",
    ]);
    expect(withService.report.assumed.join("\n")).toMatch(/1 plain-text log line\(s\)/);
  });

  it("writes a recording that replays against a scenario supplying the alert and on-call", async () => {
    const out = path.join(dir, "imported.jsonl");
    const scenarioFile = path.join(dir, "checkout.yaml");
    writeFileSync(scenarioFile, SCENARIO);
    const report = output();
    expect(importRecording(EXPORTS, out, {}, report)).toBe(0);
    expect(report.text()).toMatch(/not mapped: events\[3\]/);
    const recording = parseRecording(readFileSync(out, "utf8"), out);
    expect(recording.header.origin).toBe("import");
    expect(recording.events.map((e) => e.type)).toEqual([
      "pagerduty.incident.triggered",
      "responder.notified",
      "pagerduty.incident.acknowledged",
      "pagerduty.incident.resolved",
    ]);

    const replayed = output();
    const code = await replay(
      out,
      { scenario: scenarioFile, json: true, home: path.join(dir, "home") },
      replayed,
    );
    const result = JSON.parse(replayed.text()) as {
      same: boolean;
      summary: string[];
      inputFailures: string[];
    };
    // Every log line went in and every person's action found its incident.
    expect(result.inputFailures).toEqual([]);
    // The simulated alert fires on the first evaluation after the lines, a minute before the real page.
    expect(result.summary).toContain(
      "incident #1 (checkout errors) opens 1m earlier (09:02 → 09:01)",
    );
    expect(result.summary.some((s) => /acknowledged|resolved/.test(s))).toBe(false);
    expect(code).toBe(1);
  }, 120_000);

  it("refuses a file that is no export it knows, naming the file", () => {
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ rows: [] }));
    expect(() => importRecording([bad], path.join(dir, "x.jsonl"), {}, output())).toThrow(
      /bad\.json: not an export this importer reads/,
    );
  });

  it("is a command registerReplayCommands adds to a program", async () => {
    const program = new Command("watermelon").exitOverride();
    registerReplayCommands(program);
    expect(program.commands.map((c) => c.name())).toEqual(["record", "replay", "import"]);
    const out = path.join(dir, "cli.jsonl");
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await program.parseAsync(["import", ...EXPORTS, "--out", out, "--service", "checkout"], {
        from: "user",
      });
    } finally {
      process.stdout.write = write;
    }
    expect(process.exitCode).toBe(0);
    process.exitCode = undefined;
    expect(parseRecording(readFileSync(out, "utf8"), out).inputs).toHaveLength(8);
  });
});
