/**
 * How long people take: delay distributions as a scenario writes them, and seeded samples of
 * them. Durations are strings like "90s", "5m", "1h30m" (or a number of milliseconds).
 *
 *   { fixed: "2m" }
 *   { uniform: { min: "1m", max: "5m" } }
 *   { exponential: { mean: "3m" } }
 *   { lognormal: { median: "4m", p90: "12m" } }
 *
 * Human reaction times are skewed: most people answer quickly, a few take much longer, which is
 * what the lognormal's median and 90th percentile describe.
 */
import { z } from "zod";
import { durationError, parseDuration } from "../../simulator/kernel/duration.js";
import type { Rng } from "../../simulator/kernel/rng.js";

export { parseDuration };

const millisecondsError = (value: number) =>
  `expected a duration in milliseconds (a number, 0 or more), got ${value}`;

/** A duration as a scenario writes it, read as milliseconds. */
export const durationSchema = z
  .union([z.number(), z.string()], {
    error: (issue) => {
      if (issue.input === undefined) return `required: a duration like "90s", "5m" or "1h30m"`;
      if (typeof issue.input === "number") return millisecondsError(issue.input);
      return durationError(issue.input).message;
    },
  })
  .transform((value, ctx) => {
    if (typeof value === "number") {
      if (Number.isFinite(value) && value >= 0) return Math.round(value);
      ctx.addIssue({ code: "custom", message: millisecondsError(value) });
      return z.NEVER;
    }
    try {
      return parseDuration(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });

export type DurationInput = z.input<typeof durationSchema>;

const KINDS = ["fixed", "uniform", "exponential", "lognormal"] as const;
const shapes = {
  fixed: durationSchema,
  uniform: z.object({ min: durationSchema, max: durationSchema }).strict(),
  exponential: z.object({ mean: durationSchema }).strict(),
  lognormal: z.object({ median: durationSchema, p90: durationSchema }).strict(),
};

const EXAMPLE = '{ fixed: "2m" } or { lognormal: { median: "4m", p90: "12m" } }';

/**
 * One distribution: an object with exactly one of `fixed`, `uniform`, `exponential`,
 * `lognormal`. Its durations come out in milliseconds.
 */
export const distributionSchema: z.ZodType<ParsedDistribution, Distribution> = z
  .object(
    {
      fixed: shapes.fixed.optional(),
      uniform: shapes.uniform.optional(),
      exponential: shapes.exponential.optional(),
      lognormal: shapes.lognormal.optional(),
    },
    {
      error: (issue) =>
        issue.code === "invalid_type"
          ? issue.input === undefined
            ? `required: a distribution like ${EXAMPLE}`
            : `expected a distribution like ${EXAMPLE}, got ${JSON.stringify(issue.input)}`
          : undefined,
    },
  )
  .strict()
  .superRefine((value, ctx) => {
    const given = KINDS.filter((kind) => value[kind] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `expected exactly one of ${KINDS.join(", ")}, got ${given.length === 0 ? "none" : given.join(" and ")}`,
      });
      return;
    }
    if (value.uniform && value.uniform.min > value.uniform.max) {
      ctx.addIssue({
        code: "custom",
        path: ["uniform", "max"],
        message: "must be at least uniform.min",
      });
    }
    if (value.lognormal) {
      if (value.lognormal.median <= 0) {
        ctx.addIssue({
          code: "custom",
          path: ["lognormal", "median"],
          message: "must be more than 0",
        });
      } else if (value.lognormal.p90 < value.lognormal.median) {
        ctx.addIssue({
          code: "custom",
          path: ["lognormal", "p90"],
          message: "must be at least lognormal.median",
        });
      }
    }
  })
  .transform((value) => value as ParsedDistribution) as unknown as z.ZodType<
  ParsedDistribution,
  Distribution
>;

/** A distribution as a scenario writes it: durations as strings like "5m" or milliseconds. */
export type Distribution =
  | { fixed: DurationInput }
  | { uniform: { min: DurationInput; max: DurationInput } }
  | { exponential: { mean: DurationInput } }
  | { lognormal: { median: DurationInput; p90: DurationInput } };

/** A distribution with every duration in milliseconds. */
export type ParsedDistribution =
  | { fixed: number }
  | { uniform: { min: number; max: number } }
  | { exponential: { mean: number } }
  | { lognormal: { median: number; p90: number } };

/**
 * Reads a distribution, or throws one error naming the field and what was expected, prefixed by
 * `where` (e.g. "responder alice@example.com: acknowledgeAfter").
 */
export function parseDistribution(value: unknown, where = "distribution"): ParsedDistribution {
  const parsed = distributionSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path === "" ? issue.message : `${path}: ${issue.message}`;
  });
  throw new RangeError(`${where}: ${issues.join("; ")}`);
}

/** z for which P(Z <= z) = 0.9 with Z standard normal, to four places. */
const Z90 = 1.2816;

/** A standard normal draw by Box–Muller from two uniform floats of the seeded stream. */
function standardNormal(rng: Rng): number {
  // 1 - float() is in (0, 1]: the logarithm stays finite.
  const u1 = 1 - rng.float();
  const u2 = rng.float();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** One delay in whole milliseconds, never negative, drawn from `rng`. */
export function sample(distribution: Distribution | ParsedDistribution, rng: Rng): number {
  const d = parseDistribution(distribution);
  let ms: number;
  if ("fixed" in d) ms = d.fixed;
  else if ("uniform" in d) ms = d.uniform.min + rng.float() * (d.uniform.max - d.uniform.min);
  else if ("exponential" in d) ms = -d.exponential.mean * Math.log(1 - rng.float());
  else {
    const { median, p90 } = d.lognormal;
    ms = median * Math.exp((standardNormal(rng) * Math.log(p90 / median)) / Z90);
  }
  return Math.max(0, Math.round(ms));
}
