import { describe, expect, it } from "vitest";
import { coveredMs, parseCoverage } from "../../../simulator/report/coverage.js";
import { formatDuration, parseDuration } from "../../../simulator/report/duration.js";
import { DEFAULT_SLA, resolveSlaConfig, slaConfigSchema } from "../../../simulator/report/index.js";

const M = 60_000;
const H = 60 * M;

describe("DEFAULT_SLA", () => {
  it("holds the tiers of the notes: gold 15m/4h at 95 %, silver 30m/8h at 90 %, bronze 1h/4h business hours at 85 %", () => {
    const { gold, silver, bronze } = DEFAULT_SLA.tiers;
    expect(gold.targets.P1).toEqual({ acknowledgeMs: 15 * M, resolveMs: 4 * H });
    expect(gold.targets.P2).toEqual({ acknowledgeMs: 30 * M, resolveMs: 8 * H });
    expect(gold.compliancePercent).toBe(95);
    expect(gold.coverage.text).toBe("24x7");
    expect(silver.targets.P1).toEqual({ acknowledgeMs: 30 * M, resolveMs: 8 * H });
    expect(silver.compliancePercent).toBe(90);
    expect(bronze.targets.P1).toEqual({ acknowledgeMs: 1 * H, resolveMs: 4 * H });
    expect(bronze.coverage).toMatchObject({
      openMinute: 9 * 60,
      closeMinute: 17 * 60,
      weekdays: [1, 2, 3, 4, 5],
    });
    expect(bronze.compliancePercent).toBe(85);
    expect([gold.sloPercent, silver.sloPercent, bronze.sloPercent]).toEqual([99.95, 99.9, 99.5]);
  });
});

describe("the scenario's sla: block", () => {
  it("overrides one target and leaves the rest at their defaults", () => {
    const config = resolveSlaConfig({
      gold: { targets: { P1: { acknowledge: "5m" } }, compliance: "99%" },
      experience: { updateEvery: "30m" },
      bronze: { experience: { updateEvery: "1h", impactBudget: "90m" } },
    });
    expect(config.tiers.gold.targets.P1).toEqual({ acknowledgeMs: 5 * M, resolveMs: 4 * H });
    expect(config.tiers.gold.targets.P2).toEqual(DEFAULT_SLA.tiers.gold.targets.P2);
    expect(config.tiers.gold.compliancePercent).toBe(99);
    expect(config.tiers.gold.experience.updateEveryMs).toBe(30 * M);
    expect(config.tiers.silver.experience.updateEveryMs).toBe(30 * M);
    expect(config.tiers.bronze.experience).toMatchObject({
      updateEveryMs: H,
      impactBudgetMinutes: 90,
    });
  });

  it("takes coverage hours in a time zone", () => {
    const config = resolveSlaConfig({
      bronze: { coverage: "business hours 08:30-18 Mon-Fri", timeZone: "Europe/Paris" },
    });
    expect(config.tiers.bronze.coverage).toMatchObject({
      timeZone: "Europe/Paris",
      openMinute: 8 * 60 + 30,
      closeMinute: 18 * 60,
    });
  });

  it("names the field and what was expected", () => {
    const problems = (input: unknown) =>
      slaConfigSchema
        .safeParse(input)
        .error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(problems({ gold: { targets: { P1: { acknowledge: "soon" } } } })).toEqual([
      'gold.targets.P1.acknowledge: expected a duration like "90s", "5m" or "1h30m", got "soon"',
    ]);
    expect(problems({ bronze: { coverage: "office hours" } })[0]).toMatch(
      /^bronze\.coverage: expected coverage hours like "24x7", "24x5" or "business hours 09-17 Mon-Fri"/,
    );
    expect(problems({ bronze: { timeZone: "Mars/Olympus" } })[0]).toMatch(
      /^bronze\.timeZone: expected an IANA time zone/,
    );
    expect(problems({ silver: { compliance: 120 } })[0]).toMatch(
      /^silver\.compliance: expected a percentage/,
    );
    expect(problems({ gold: { slo: { availability: 100 } } })[0]).toMatch(
      /^gold\.slo\.availability: expected an SLO below 100%/,
    );
    expect(problems({ platinum: {} })[0]).toMatch(/platinum/);
  });
});

describe("coverage clocks", () => {
  const monday9 = Date.parse("2026-01-05T09:00:00Z");

  it("24x7 counts every minute, 24x5 skips the weekend", () => {
    const week = 7 * 24 * H;
    expect(coveredMs(parseCoverage("24x7"), monday9, monday9 + week)).toBe(week);
    expect(coveredMs(parseCoverage("24x5"), monday9, monday9 + week)).toBe(5 * 24 * H);
  });

  it("business hours follow the time zone, daylight saving included", () => {
    const paris = parseCoverage("09-17 Mon-Fri", "Europe/Paris");
    // 09:00 UTC on a winter Monday is 10:00 in Paris: 7 covered hours left that day.
    expect(coveredMs(paris, monday9, Date.parse("2026-01-05T23:00:00Z"))).toBe(7 * H);
    // The Monday after the spring change (29 March 2026) opens at 07:00 UTC.
    expect(
      coveredMs(paris, Date.parse("2026-03-30T06:00:00Z"), Date.parse("2026-03-30T08:00:00Z")),
    ).toBe(H);
  });
});

describe("durations", () => {
  it("parses and prints", () => {
    expect(parseDuration("1h30m")).toBe(90 * M);
    expect(() => parseDuration("30m1h")).toThrow(/expected a duration/);
    expect(formatDuration(59_000)).toBe("59s");
    expect(formatDuration(6 * M + 19_000)).toBe("6m19s");
    expect(formatDuration(65 * M)).toBe("1h05m");
    expect(formatDuration(2 * 24 * H + 4 * H)).toBe("2d 4h");
  });
});
