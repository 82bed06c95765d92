import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundledScenarioNames } from "../../../flows/scenarios/load.js";
import { bundled, failedChecks, runChain } from "./helpers.js";

/**
 * Every bundled scenario holds in virtual time, and each one's lesson is load-bearing: break
 * what it teaches and its own expectations fail.
 */
describe("the bundled scenarios pass in virtual time", () => {
  it.each(bundledScenarioNames())(
    "%s",
    async (name) => {
      const result = await runChain(bundled(name));
      expect(failedChecks(result)).toEqual([]);
      expect(result.accounting.unexplained).toBe(0);
      expect(result.ok).toBe(true);
      // Errors went all the way: emitted, indexed, and paged someone.
      const stage = (s: string) => result.accounting.stages.find((x) => x.stage === s)?.count;
      expect(stage("emitted by the app")).toBeGreaterThan(0);
      expect(stage("indexed by Logz.io")).toBe(stage("emitted by the app"));
      expect(stage("incidents that paged someone")).toBeGreaterThan(0);
    },
    120_000,
  );
});

describe("the same scenario and seed give the same journal, byte for byte", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "watermelon-determinism-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gold-outage twice, then with another seed", async () => {
    const files = ["a", "b", "c"].map((n) => path.join(dir, `${n}.jsonl`));
    await runChain(bundled("gold-outage"), { journalFile: files[0] });
    await runChain(bundled("gold-outage"), { journalFile: files[1] });
    await runChain(bundled("gold-outage"), { journalFile: files[2], seed: "another seed" });
    const [a, b, c] = files.map((f) => readFileSync(f as string, "utf8"));
    expect((a as string).split("\n").length).toBeGreaterThan(1000);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    // Nothing in it that depends on the machine: no ports, no temp paths.
    expect(a).not.toMatch(/127\.0\.0\.1:\d+|localhost:\d+|watermelon-chain-test-/);
  }, 180_000);
});

describe("each lesson, broken, fails its scenario", () => {
  it("gold-outage: a threshold nobody reaches means no page", async () => {
    const s = bundled("gold-outage");
    for (const a of s.alerts) a.severityThresholds = { HIGH: 100_000 };
    const result = await runChain(s);
    expect(failedChecks(result)).toEqual(
      expect.arrayContaining(["incidents", "paged", "first page"]),
    );
    expect(result.ok).toBe(false);
  }, 120_000);

  it("escalation-nobody-acks: without the second rule nobody answers", async () => {
    const s = bundled("escalation-nobody-acks");
    const policy = s.oncall.escalationPolicies[0];
    if (!policy) throw new Error("scenario changed");
    policy.rules = policy.rules.slice(0, 1);
    s.expect.paged = s.expect.paged?.filter((e) => e.startsWith("katherine"));
    const result = await runChain(s);
    expect(failedChecks(result)).toEqual(
      expect.arrayContaining(["paged", "acknowledged", "all resolved"]),
    );
  }, 120_000);

  it("listener-outage: an outage longer than every retry pages too late", async () => {
    const s = bundled("listener-outage");
    const hop = s.timeline.find((t) => "hop" in t);
    if (!hop || !("hop" in hop)) throw new Error("scenario changed");
    hop.hop.duration = 40 * 60_000;
    const result = await runChain(s);
    expect(failedChecks(result)).toContain("first page");
    // The events Lambda gave up on are accounted for, as dead-lettered.
    const delivered = result.accounting.stages.find((x) => x.stage === "delivered to the shipper");
    expect(
      delivered?.differences.some((d) => d.reason.startsWith("dead-lettered") && d.explained),
    ).toBe(true);
  }, 120_000);

  it("flapping-dedup: resolving between bursts opens an incident per burst", async () => {
    const s = bundled("flapping-dedup");
    const r = s.responders[0];
    if (!r) throw new Error("scenario changed");
    r.investigateFor = { fixed: 60_000 };
    const result = await runChain(s);
    expect(failedChecks(result)).toContain("incidents");
  }, 120_000);

  it("watermelon: posting status updates breaks the silence the lesson is about", async () => {
    const s = bundled("watermelon");
    const r = s.responders[0];
    if (!r) throw new Error("scenario changed");
    r.statusUpdates = bundled("gold-outage").responders[0]?.statusUpdates;
    const result = await runChain(s);
    expect(failedChecks(result)).toEqual(["status updates"]);
  }, 120_000);

  it("pagerduty-throttled: a throttle longer than Logz.io's retries loses the page, and says so", async () => {
    const s = bundled("pagerduty-throttled");
    const hop = s.timeline.find((t) => "hop" in t);
    if (!hop || !("hop" in hop)) throw new Error("scenario changed");
    hop.hop.duration = 10 * 60_000;
    const result = await runChain(s);
    expect(failedChecks(result)).toEqual(
      expect.arrayContaining(["incidents", "paged", "first page"]),
    );
    const notifications = result.accounting.stages.find(
      (x) => x.stage === "notifications to PagerDuty",
    );
    expect(
      notifications?.differences.some(
        (d) => d.reason.startsWith("given up by Logz.io") && d.explained,
      ),
    ).toBe(true);
  }, 120_000);

  it("shipper-timeouts: timeouts outlasting Lambda's retries page too late", async () => {
    const s = bundled("shipper-timeouts");
    const hop = s.timeline.find((t) => "hop" in t);
    if (!hop || !("hop" in hop)) throw new Error("scenario changed");
    hop.hop.duration = 30 * 60_000;
    const result = await runChain(s);
    expect(failedChecks(result)).toContain("first page");
  }, 120_000);
});
