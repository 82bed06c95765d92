/** SLA and experience side by side: the watermelon is SLA green with the experience red. */
import type { Verdict, VerdictKind } from "./types.js";

export function verdictKind(slaGreen: boolean, experienceGreen: boolean): VerdictKind {
  if (slaGreen) return experienceGreen ? "green/green" : "watermelon";
  return experienceGreen ? "red/green" : "red/red";
}

/** How a verdict reads: "WATERMELON: SLA green, experience red". */
export function verdictHeadline(v: Verdict): string {
  const word = v.kind === "watermelon" ? "WATERMELON" : v.kind.toUpperCase();
  return `${word}: SLA ${v.slaGreen ? "green" : "red"}, experience ${v.experienceGreen ? "green" : "red"}`;
}

/**
 * The verdict with its reasons, the surprising side first: a watermelon leads with what went
 * wrong for customers, then says why it looks green; a red SLA leads with its breaches.
 */
export function verdictOf(
  sla: { green: boolean; reasons: readonly string[] },
  experience: { green: boolean; reasons: readonly string[] },
): Verdict {
  const kind = verdictKind(sla.green, experience.green);
  const slaReasons = sla.reasons.map((r) => `SLA: ${r}`);
  const experienceReasons = experience.reasons.map((r) => `experience: ${r}`);
  return {
    kind,
    slaGreen: sla.green,
    experienceGreen: experience.green,
    reasons: sla.green
      ? [...experienceReasons, ...slaReasons]
      : [...slaReasons, ...experienceReasons],
  };
}
