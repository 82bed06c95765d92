import { describe, expect, it } from "vitest";
import {
  type Distribution,
  distributionSchema,
  durationSchema,
  parseDistribution,
  parseDuration,
  sample,
} from "../../../flows/people/distributions.js";
import { createRng } from "../../../simulator/kernel/rng.js";

const MINUTE = 60_000;

describe("parseDuration", () => {
  it.each([
    ["90s", 90_000],
    ["5m", 5 * MINUTE],
    ["1h30m", 90 * MINUTE],
    ["2m30s", 150_000],
    ["1d2h", 26 * 60 * MINUTE],
    ["1.5s", 1_500],
    ["250ms", 250],
    ["0s", 0],
    [" 5m ", 5 * MINUTE],
  ])("reads %j as %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["5 minutes", "5", "", "m", "5x", "30m1h", "5m5m", "-5m", "1h 30m", "5M"])(
    "refuses %j, naming what was expected",
    (text) => {
      expect(() => parseDuration(text)).toThrow(
        `expected a duration like "90s", "5m" or "1h30m", got ${JSON.stringify(text)}`,
      );
    },
  );

  it("the schema takes milliseconds as numbers too, and refuses negative ones", () => {
    const problem = (value: unknown) =>
      durationSchema.safeParse(value).error?.issues.map((issue) => issue.message);
    expect(durationSchema.parse(1234.4)).toBe(1234);
    expect(durationSchema.parse("1m")).toBe(MINUTE);
    expect(problem(-1)).toEqual([
      "expected a duration in milliseconds (a number, 0 or more), got -1",
    ]);
    expect(problem(Number.NaN)).toEqual([
      "expected a duration in milliseconds (a number, 0 or more), got NaN",
    ]);
    expect(problem("5 minutes")).toEqual([
      'expected a duration like "90s", "5m" or "1h30m", got "5 minutes"',
    ]);
    expect(problem(true)).toEqual(['expected a duration like "90s", "5m" or "1h30m", got true']);
  });
});

describe("parseDistribution", () => {
  it("reads each kind, with durations in ms", () => {
    expect(parseDistribution({ fixed: "2m" })).toEqual({ fixed: 2 * MINUTE });
    expect(parseDistribution({ fixed: 1500 })).toEqual({ fixed: 1500 });
    expect(parseDistribution({ uniform: { min: "1m", max: "5m" } })).toEqual({
      uniform: { min: MINUTE, max: 5 * MINUTE },
    });
    expect(parseDistribution({ exponential: { mean: "3m" } })).toEqual({
      exponential: { mean: 3 * MINUTE },
    });
    expect(parseDistribution({ lognormal: { median: "4m", p90: "12m" } })).toEqual({
      lognormal: { median: 4 * MINUTE, p90: 12 * MINUTE },
    });
    expect(distributionSchema.parse({ fixed: 10 })).toEqual({ fixed: 10 });
  });

  it.each([
    [
      { fixed: "5 minutes" },
      'fixed: expected a duration like "90s", "5m" or "1h30m", got "5 minutes"',
    ],
    [{}, "expected exactly one of fixed, uniform, exponential, lognormal, got none"],
    [{ fixed: "1m", exponential: { mean: "1m" } }, "got fixed and exponential"],
    [{ uniform: { min: "5m", max: "1m" } }, "uniform.max: must be at least uniform.min"],
    [{ uniform: { min: "1m" } }, "uniform.max: required"],
    [
      { lognormal: { median: "4m", p90: "1m" } },
      "lognormal.p90: must be at least lognormal.median",
    ],
    [{ lognormal: { median: 0, p90: "1m" } }, "lognormal.median: must be more than 0"],
    [{ exponential: { mean: "3m", sd: "1m" } }, 'Unrecognized key: "sd"'],
    [{ normal: { mean: "3m" } }, 'Unrecognized key: "normal"'],
  ])("refuses %j, naming the field", (value, message) => {
    expect(() => parseDistribution(value, "responders[0].acknowledgeAfter")).toThrow(
      `responders[0].acknowledgeAfter: `,
    );
    expect(() => parseDistribution(value)).toThrow(message);
  });
});

function draws(distribution: Distribution, seed: string, n: number): number[] {
  const rng = createRng(seed).fork("people");
  return Array.from({ length: n }, () => sample(distribution, rng));
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

describe("sample", () => {
  const kinds: Distribution[] = [
    { fixed: "2m" },
    { uniform: { min: "1m", max: "5m" } },
    { exponential: { mean: "3m" } },
    { lognormal: { median: "4m", p90: "12m" } },
  ];

  it.each(kinds)("the same seed gives the same draws of %j, another seed others", (d) => {
    const a = draws(d, "seed-a", 50);
    expect(draws(d, "seed-a", 50)).toEqual(a);
    if (!("fixed" in (d as object))) expect(draws(d, "seed-b", 50)).not.toEqual(a);
  });

  it.each(kinds)("draws of %j are whole, non-negative milliseconds", (d) => {
    for (const ms of draws(d, "whole", 2_000)) {
      expect(Number.isInteger(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
    }
  });

  it("a fixed delay is always itself; a uniform one stays within its bounds and fills them", () => {
    expect(new Set(draws({ fixed: "2m" }, "f", 100))).toEqual(new Set([2 * MINUTE]));
    const u = draws({ uniform: { min: "1m", max: "5m" } }, "u", 10_000);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(MINUTE);
    expect(Math.max(...u)).toBeLessThanOrEqual(5 * MINUTE);
    const mean = u.reduce((s, x) => s + x, 0) / u.length;
    // Standard error of the mean: (4 min / sqrt(12)) / 100 = 0.7 s; 5 s is about 7 of them.
    expect(Math.abs(mean - 3 * MINUTE)).toBeLessThan(5_000);
  });

  it("an exponential delay has its mean and median mean * ln 2", () => {
    const e = draws({ exponential: { mean: "3m" } }, "e", 10_000).sort((a, b) => a - b);
    const mean = e.reduce((s, x) => s + x, 0) / e.length;
    // Standard error 3 min / 100 = 1.8 s.
    expect(Math.abs(mean - 3 * MINUTE)).toBeLessThan(9_000);
    expect(Math.abs(quantile(e, 0.5) - 3 * MINUTE * Math.LN2)).toBeLessThan(6_000);
  });

  it("a lognormal delay has its median and its 90th percentile over 10,000 draws", () => {
    const l = draws({ lognormal: { median: "4m", p90: "12m" } }, "l", 10_000).sort((a, b) => a - b);
    // Sample quantiles of 10,000 draws land within a few per cent of the true ones.
    expect(quantile(l, 0.5) / (4 * MINUTE)).toBeGreaterThan(0.95);
    expect(quantile(l, 0.5) / (4 * MINUTE)).toBeLessThan(1.05);
    expect(quantile(l, 0.9) / (12 * MINUTE)).toBeGreaterThan(0.93);
    expect(quantile(l, 0.9) / (12 * MINUTE)).toBeLessThan(1.07);
    // Skewed: the mean is above the median (exp(sigma^2 / 2) ~ 1.47 times it).
    const mean = l.reduce((s, x) => s + x, 0) / l.length;
    expect(mean / (4 * MINUTE)).toBeGreaterThan(1.35);
    expect(mean / (4 * MINUTE)).toBeLessThan(1.6);
  });

  it("a lognormal with p90 equal to its median is fixed", () => {
    expect(new Set(draws({ lognormal: { median: "4m", p90: "4m" } }, "flat", 100))).toEqual(
      new Set([4 * MINUTE]),
    );
  });

  it("refuses a malformed distribution instead of drawing", () => {
    expect(() => sample({ fixed: "soon" } as Distribution, createRng(1))).toThrow(
      'expected a duration like "90s", "5m" or "1h30m", got "soon"',
    );
  });
});
