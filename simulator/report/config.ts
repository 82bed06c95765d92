/**
 * The SLA and XLA targets the report measures against: defaults per tier, and the scenario's
 * `sla:` block that overrides any of them.
 *
 *   sla:
 *     gold: { targets: { P1: { acknowledge: 5m } }, compliance: 99 }
 *     bronze: { coverage: "business hours 08-18 Mon-Fri", timeZone: Europe/Paris }
 *     experience: { firstCommunicationWithin: 10m, updateEvery: 30m }
 */
import { z } from "zod";
import { COVERAGE_EXAMPLES, type Coverage, parseCoverage } from "./coverage.js";
import { durationSchema } from "./duration.js";

export const TIERS = ["gold", "silver", "bronze"] as const;
export type Tier = (typeof TIERS)[number];
export const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export type Priority = (typeof PRIORITIES)[number];

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

export interface PriorityTargets {
  /** Acknowledge (respond) within, on the coverage clock. */
  acknowledgeMs: number;
  /** Resolve within, from the incident opening, on the coverage clock. */
  resolveMs: number;
}

export interface ExperienceTargets {
  /** Full marks for a first communication this soon after impact began... */
  firstCommunicationWithinMs: number;
  /** ...falling linearly to none this long after. */
  firstCommunicationZeroAtMs: number;
  /** An update at least this often while the incident is open. */
  updateEveryMs: number;
  /** Impact minutes an incident of the tier may cost before its impact mark is zero. */
  impactBudgetMinutes: number;
  /** Experience green when the score is at least this (0-100). */
  greenAt: number;
}

export interface TierSla {
  tier: Tier;
  coverage: Coverage;
  /** Share of incidents that must meet both targets, in per cent. */
  compliancePercent: number;
  targets: Record<Priority, PriorityTargets>;
  /** Availability SLO in per cent; the error budget is 1 - SLO of the requests in the window. */
  sloPercent: number;
  /** "run": the scenario's own span; or a window length the run's request rate is scaled to. */
  sloWindow: "run" | number;
  experience: ExperienceTargets;
}

export interface SlaConfig {
  tiers: Record<Tier, TierSla>;
}

/**
 * Defaults from reference/xstate-xla.md §4.2 (design proposal there): gold 24x7, P1 15 min / 4 h,
 * P2 30 min / 8 h, 95 % compliance (zservice "Premium": P1 15 min / 4 h at 95 %, High 1 h / 8 h,
 * Medium 2 h / 24 h); silver 24x7, P1 30 min / 8 h, 90 % (Auth0 Silver responses 1 h / 2 h / 8 h
 * / 24 h; zservice "Standard" High 1 h / 24 h, Medium 2 h / 5 d); bronze 8x5 business hours,
 * P1 1 BH / 4 BH, 85 % (Bedrock IS Bronze: P1 1 BH / 4 BH, P2 2 BH / 8 BH, P3 4 BH / 3 business
 * days, P4 2 / 4 business days; zservice Standard 85 %). SLOs from §4.4: gold 99.95 %, silver
 * 99.9 %, bronze 99.5 %. Experience (§4.5): first public post within 5 min (PagerDuty's
 * guideline), an update at least every 20 min, score green from 75: an incident with
 * every other mark full and no status update for twice the cadence stays red.
 */
export const DEFAULT_SLA: SlaConfig = {
  tiers: {
    gold: {
      tier: "gold",
      coverage: parseCoverage("24x7"),
      compliancePercent: 95,
      targets: {
        P1: { acknowledgeMs: 15 * M, resolveMs: 4 * H },
        P2: { acknowledgeMs: 30 * M, resolveMs: 8 * H },
        P3: { acknowledgeMs: 2 * H, resolveMs: 24 * H },
        P4: { acknowledgeMs: 24 * H, resolveMs: 5 * D },
      },
      sloPercent: 99.95,
      sloWindow: "run",
      experience: experienceDefaults(30),
    },
    silver: {
      tier: "silver",
      coverage: parseCoverage("24x7"),
      compliancePercent: 90,
      targets: {
        P1: { acknowledgeMs: 30 * M, resolveMs: 8 * H },
        P2: { acknowledgeMs: 1 * H, resolveMs: 24 * H },
        P3: { acknowledgeMs: 8 * H, resolveMs: 5 * D },
        P4: { acknowledgeMs: 24 * H, resolveMs: 10 * D },
      },
      sloPercent: 99.9,
      sloWindow: "run",
      experience: experienceDefaults(45),
    },
    bronze: {
      tier: "bronze",
      // 8x5: a business day is 8 covered hours, so 3 business days are 24 covered hours.
      coverage: parseCoverage("business hours 09-17 Mon-Fri", "UTC"),
      compliancePercent: 85,
      targets: {
        P1: { acknowledgeMs: 1 * H, resolveMs: 4 * H },
        P2: { acknowledgeMs: 2 * H, resolveMs: 8 * H },
        P3: { acknowledgeMs: 4 * H, resolveMs: 24 * H },
        P4: { acknowledgeMs: 16 * H, resolveMs: 32 * H },
      },
      sloPercent: 99.5,
      sloWindow: "run",
      experience: experienceDefaults(60),
    },
  },
};

function experienceDefaults(impactBudgetMinutes: number): ExperienceTargets {
  return {
    firstCommunicationWithinMs: 5 * M,
    firstCommunicationZeroAtMs: 30 * M,
    updateEveryMs: 20 * M,
    impactBudgetMinutes,
    greenAt: 75,
  };
}

/** 95, or "95%". */
const percent = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const n = typeof value === "number" ? value : Number(value.trim().replace(/%$/, ""));
  if (Number.isFinite(n) && n >= 0 && n <= 100) return n;
  ctx.addIssue({
    code: "custom",
    message: `expected a percentage from 0 to 100 like 99.9 or "99.9%", got ${JSON.stringify(value)}`,
  });
  return z.NEVER;
});

const coverageText = z.string().describe(`Coverage hours: ${COVERAGE_EXAMPLES}.`);

const experienceInput = z
  .object({
    firstCommunicationWithin: durationSchema.optional(),
    firstCommunicationZeroAt: durationSchema.optional(),
    updateEvery: durationSchema.optional(),
    impactBudget: durationSchema
      .optional()
      .describe("Impact minutes (as a duration) an incident may cost before its impact mark is 0."),
    greenAt: z.number().min(0).max(100).optional(),
  })
  .strict();

const tierInput = z
  .object({
    coverage: coverageText.optional(),
    timeZone: z.string().optional().describe("The time zone of the coverage hours."),
    compliance: percent.optional().describe("Share of incidents that must meet both targets."),
    targets: z
      .partialRecord(
        z.enum(PRIORITIES),
        z
          .object({ acknowledge: durationSchema.optional(), resolve: durationSchema.optional() })
          .strict(),
      )
      .optional(),
    slo: z
      .object({
        availability: percent
          .refine((n) => n < 100, { message: "expected an SLO below 100%: 100% leaves no budget" })
          .optional(),
        window: z.union([z.literal("run"), durationSchema]).optional(),
      })
      .strict()
      .optional(),
    experience: experienceInput.optional(),
  })
  .strict();

/** The scenario's `sla:` block: per tier overrides of DEFAULT_SLA, and experience targets. */
export const slaConfigSchema = z
  .object({
    gold: tierInput.optional(),
    silver: tierInput.optional(),
    bronze: tierInput.optional(),
    experience: experienceInput.optional().describe("XLA targets for every tier."),
  })
  .strict()
  .superRefine((input, ctx) => {
    for (const tier of TIERS) {
      const t = input[tier];
      if (!t || (t.coverage === undefined && t.timeZone === undefined)) continue;
      try {
        parseCoverage(t.coverage ?? DEFAULT_SLA.tiers[tier].coverage.text, t.timeZone ?? "UTC");
      } catch (error) {
        const field = t.coverage === undefined ? "timeZone" : "coverage";
        ctx.addIssue({ code: "custom", path: [tier, field], message: (error as Error).message });
      }
    }
  });

export type SlaConfigInput = z.input<typeof slaConfigSchema>;
type ParsedSlaInput = z.output<typeof slaConfigSchema>;
type ParsedExperience = z.output<typeof experienceInput>;

function mergeExperience(
  base: ExperienceTargets,
  o: ParsedExperience | undefined,
): ExperienceTargets {
  if (!o) return base;
  return {
    firstCommunicationWithinMs: o.firstCommunicationWithin ?? base.firstCommunicationWithinMs,
    firstCommunicationZeroAtMs: o.firstCommunicationZeroAt ?? base.firstCommunicationZeroAtMs,
    updateEveryMs: o.updateEvery ?? base.updateEveryMs,
    impactBudgetMinutes:
      o.impactBudget === undefined ? base.impactBudgetMinutes : o.impactBudget / M,
    greenAt: o.greenAt ?? base.greenAt,
  };
}

/**
 * DEFAULT_SLA with the overrides applied: the defaults, then `experience` for every tier, then
 * each tier's own block. Throws a zod error naming the field when the input is invalid.
 */
export function resolveSlaConfig(input: SlaConfigInput | undefined): SlaConfig {
  const parsed: ParsedSlaInput = slaConfigSchema.parse(input ?? {});
  const tiers = {} as Record<Tier, TierSla>;
  for (const tier of TIERS) {
    const base = DEFAULT_SLA.tiers[tier];
    const o = parsed[tier];
    const targets = {} as Record<Priority, PriorityTargets>;
    for (const p of PRIORITIES) {
      const t = o?.targets?.[p];
      targets[p] = {
        acknowledgeMs: t?.acknowledge ?? base.targets[p].acknowledgeMs,
        resolveMs: t?.resolve ?? base.targets[p].resolveMs,
      };
    }
    tiers[tier] = {
      tier,
      coverage:
        o?.coverage === undefined && o?.timeZone === undefined
          ? base.coverage
          : parseCoverage(o.coverage ?? base.coverage.text, o.timeZone ?? base.coverage.timeZone),
      compliancePercent: o?.compliance ?? base.compliancePercent,
      targets,
      sloPercent: o?.slo?.availability ?? base.sloPercent,
      sloWindow: o?.slo?.window ?? base.sloWindow,
      experience: mergeExperience(
        mergeExperience(base.experience, parsed.experience),
        o?.experience,
      ),
    };
  }
  return { tiers };
}
