import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRecording } from "../../../flows/replay/format.js";
import { bundledScenarioFile, loadScenario } from "../../../flows/scenarios/load.js";
import { startChain } from "../../../flows/wiring/chain.js";
import { replay, writeRecording } from "../../../simulator/cli/replayCommands.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "watermelon-replay-test-"));
const home = path.join(dir, "home");
const file = path.join(dir, "gold-outage.jsonl");
let secrets: string[] = [];
// Both tiers of gold-outage's alert raised out of reach: SEVERE (100) would fire on its own.
const RAISED = [
  "alerts[0].severityThresholds.HIGH=100000",
  "alerts[0].severityThresholds.SEVERE=100000",
];

function output() {
  const chunks: string[] = [];
  return { write: (t: string) => chunks.push(t), text: () => chunks.join("") };
}

beforeAll(async () => {
  const chain = await startChain({
    scenario: loadScenario(bundledScenarioFile("gold-outage") as string),
    home,
  });
  try {
    await chain.run();
    writeRecording(chain, file);
    const env = chain.sim.env;
    secrets = [
      env.LOGZIO_TOKEN,
      env.LOGZIO_API_TOKEN,
      env.PAGERDUTY_TOKEN,
      env.PAGERDUTY_ROUTING_KEY,
      chain.wiring.pagerduty.webhookSecret,
      ...[...chain.wiring.pagerduty.services.values()].map((s) => s.routingKey),
    ].filter((s): s is string => typeof s === "string" && s.length > 0);
  } finally {
    await chain.dispose();
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("record and replay of a bundled scenario", () => {
  it("writes no secret of the run into the recording", () => {
    const text = readFileSync(file, "utf8");
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const secret of secrets) expect(text).not.toContain(secret);
    const recording = parseRecording(text, file);
    expect(recording.header.redaction).toBe("secrets");
    expect(recording.inputs.map((i) => i.input.type)).toEqual(["step"]);
    expect(recording.events.length).toBeGreaterThan(1000);
    expect(recording.trailer?.redacted).toBeGreaterThanOrEqual(5);
  });

  it("replays with no difference: exit 0", async () => {
    const out = output();
    expect(await replay(file, { home }, out)).toBe(0);
    expect(out.text()).toMatch(/no difference/);
  }, 120_000);

  it("shows the consequence of a raised alert threshold and exits 1; --update accepts it, and the next replay is clean", async () => {
    const before = readFileSync(file, "utf8");
    const out = output();
    expect(await replay(file, { home, override: RAISED }, out)).toBe(1);
    const text = out.text();
    expect(text).toContain("incident #1 (checkout errors) no longer opens");
    expect(text).toContain("Ada Lovelace no longer paged (incident #1)");
    expect(text).toMatch(/-1 pagerduty\.incident\.triggered/);
    expect(readFileSync(file, "utf8")).toBe(before);

    const updating = output();
    expect(await replay(file, { home, override: RAISED, update: true }, updating)).toBe(0);
    expect(updating.text()).toMatch(/updated .*gold-outage\.jsonl with the new journal/);
    const rewritten = parseRecording(readFileSync(file, "utf8"), file);
    expect(rewritten.header.scenario.alerts[0]?.severityThresholds.HIGH).toBe(100000);
    expect(rewritten.events.some((e) => e.type === "pagerduty.incident.triggered")).toBe(false);

    const again = output();
    expect(await replay(file, { home }, again)).toBe(0);
    expect(again.text()).toMatch(/no difference/);
  }, 240_000);

  it("replays a truncated recording up to its last complete line with partial, and refuses it without", async () => {
    const text = readFileSync(file, "utf8");
    const cut = path.join(dir, "cut.jsonl");
    writeFileSync(cut, text.slice(0, Math.floor(text.length / 2)));
    await expect(replay(cut, { home }, output())).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/cut\.jsonl:\d+: the line is cut short/),
    });
    const out = output();
    expect(await replay(cut, { home, partial: true }, out)).toBe(0);
    expect(out.text()).toMatch(/truncated: compared up to its last complete event/);
  }, 120_000);

  it("refuses an unknown override path with exit 2, before running anything", async () => {
    await expect(
      replay(file, { home, override: ["alerts[0].nope=1"] }, output()),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining("unknown path alerts[0].nope"),
    });
  });
});
