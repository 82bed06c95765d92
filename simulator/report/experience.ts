/**
 * The experience side (XLA): what the customers of an incident lived through, from journaled
 * facts only. The score follows reference/xstate-xla.md §4.5:
 *
 *   XS = 100 × (0.25·s_firstCommunication + 0.20·s_proactive + 0.20·s_cadence
 *               + 0.25·s_impact + 0.10·s_resolutionCommunicated)
 *
 * each mark in [0, 1]; experience is green when XS reaches the tier's `greenAt` (75 by default).
 */
import type { ExperienceTargets } from "./config.js";
import { formatDuration, isoAt } from "./duration.js";
import type { CustomerReportFact, IncidentFacts } from "./facts.js";
import type { Communication, ExperienceComponents, IncidentExperience } from "./types.js";

export const EXPERIENCE_WEIGHTS: ExperienceComponents = {
  firstCommunication: 0.25,
  proactive: 0.2,
  cadence: 0.2,
  impact: 0.25,
  resolutionCommunicated: 0.1,
};

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const minutes = (m: number) => `${m.toFixed(1)} impact minutes`;

export function experienceFormulaText(t: ExperienceTargets): string {
  const w = EXPERIENCE_WEIGHTS;
  return (
    `experience score = 100 × (${w.firstCommunication}·first communication + ` +
    `${w.proactive}·proactive + ${w.cadence}·cadence + ${w.impact}·impact + ` +
    `${w.resolutionCommunicated}·resolution communicated), each mark from 0 to 1: ` +
    `first communication = 1 within ${formatDuration(t.firstCommunicationWithinMs)} of impact ` +
    `start, falling linearly to 0 at ${formatDuration(t.firstCommunicationZeroAtMs)} (0 if ` +
    "nothing was ever said); proactive = 1 if no customer reported the problem before our first " +
    "communication, else 0; cadence = 1 if the longest time without a status update while open " +
    "is at most the " +
    `update target (${formatDuration(t.updateEveryMs)}), falling linearly to 0 at twice it; ` +
    "impact = 1 − impact minutes / the tier's impact budget (0 at or over it); resolution " +
    "communicated = 1 if the resolution reached the status page or a status update, else 0. " +
    `Experience is green when the score is at least ${t.greenAt}.`
  );
}

/** Status updates and status-page changes, in time order. */
export function communicationsOf(incident: IncidentFacts): (Communication & { atMs: number })[] {
  const list = [
    ...incident.statusUpdates.map((u) => ({
      atMs: u.atMs,
      at: isoAt(u.atMs),
      kind: "status update" as const,
      text: u.message,
    })),
    ...incident.statusPage.map((p) => ({
      atMs: p.atMs,
      at: isoAt(p.atMs),
      kind: "status page" as const,
      text: p.status || p.eventType,
    })),
  ];
  return list.sort((a, b) => a.atMs - b.atMs);
}

export interface ExperienceInput {
  incident: IncidentFacts;
  targets: ExperienceTargets;
  /** When customers began to feel it; the incident's opening when unknown. */
  impactStartMs: number;
  /** The end of the journal: an incident still open is judged up to it. */
  endMs: number;
  impactMinutes: number;
  reports: readonly CustomerReportFact[];
}

export function incidentExperience(input: ExperienceInput): IncidentExperience {
  const { incident, targets: t } = input;
  const comms = communicationsOf(incident);
  const first = comms[0];
  const closeMs = incident.resolvedMs ?? input.endMs;
  const openMs = closeMs - incident.openedMs;

  const ttfc = first ? Math.max(0, first.atMs - input.impactStartMs) : undefined;
  const sFirst =
    ttfc === undefined
      ? 0
      : ttfc <= t.firstCommunicationWithinMs
        ? 1
        : clamp01(
            1 -
              (ttfc - t.firstCommunicationWithinMs) /
                Math.max(1, t.firstCommunicationZeroAtMs - t.firstCommunicationWithinMs),
          );

  // A report counts as before us on the customer's own word, else by time.
  const before = input.reports.filter((r) =>
    r.informedBeforeReport !== undefined
      ? !r.informedBeforeReport
      : first === undefined || r.atMs < first.atMs,
  );
  const proactive = before.length === 0;

  // Cadence counts what people wrote: a status page flipping to "acknowledged" says nothing new.
  let silence = 0;
  let previous = incident.openedMs;
  for (const c of comms) {
    if (c.kind !== "status update" || c.atMs < incident.openedMs || c.atMs > closeMs) continue;
    silence = Math.max(silence, c.atMs - previous);
    previous = c.atMs;
  }
  silence = Math.max(silence, closeMs - previous);
  const sCadence =
    silence <= t.updateEveryMs
      ? 1
      : clamp01(1 - (silence - t.updateEveryMs) / Math.max(1, t.updateEveryMs));

  const sImpact =
    t.impactBudgetMinutes > 0 ? clamp01(1 - input.impactMinutes / t.impactBudgetMinutes) : 0;
  const resolutionCommunicated =
    incident.resolvedMs !== undefined &&
    comms.some((c) => c.atMs >= (incident.resolvedMs as number));

  const components: ExperienceComponents = {
    firstCommunication: sFirst,
    proactive: proactive ? 1 : 0,
    cadence: sCadence,
    impact: sImpact,
    resolutionCommunicated: resolutionCommunicated ? 1 : 0,
  };
  const w = EXPERIENCE_WEIGHTS;
  const score =
    Math.round(
      1000 *
        (w.firstCommunication * components.firstCommunication +
          w.proactive * components.proactive +
          w.cadence * components.cadence +
          w.impact * components.impact +
          w.resolutionCommunicated * components.resolutionCommunicated),
    ) / 10;
  const green = score >= t.greenAt;

  const bad: string[] = [];
  const good: string[] = [];
  const updates = incident.statusUpdates.length;
  if (updates === 0) {
    bad.push(
      `no status update in ${formatDuration(openMs)} (the incident was open ${formatDuration(openMs)}${incident.resolvedMs === undefined ? " and still is" : ""})`,
    );
  }
  if (incident.statusPage.length === 0) {
    bad.push(
      incident.statusPageDeliveryFailures > 0
        ? `the status page showed nothing: ${plural(incident.statusPageDeliveryFailures, "webhook delivery", "webhook deliveries")} to it failed`
        : "the status page showed nothing about the incident",
    );
  }
  if (ttfc === undefined) {
    if (updates > 0 || incident.statusPage.length > 0)
      bad.push("nothing was ever communicated to customers");
  } else {
    const line = `first communication ${formatDuration(ttfc)} after impact began (target ${formatDuration(t.firstCommunicationWithinMs)})`;
    (sFirst === 1 ? good : bad).push(line);
  }
  if (before.length > 0) {
    bad.push(
      `${plural(before.length, "customer")} reported it before we said anything (${before.map((r) => r.customer).join(", ")})`,
    );
  } else if (input.reports.length > 0) {
    good.push(
      input.reports.length === 1
        ? "proactive: the one customer report came after we spoke"
        : `proactive: all ${input.reports.length} customer reports came after we spoke`,
    );
  } else good.push("no customer had to report it");
  if (updates > 0) {
    const line = `longest silence ${formatDuration(silence)} while open (target: an update every ${formatDuration(t.updateEveryMs)})`;
    (sCadence === 1 ? good : bad).push(line);
  }
  const impactLine = `${minutes(input.impactMinutes)} of a ${t.impactBudgetMinutes}-minute budget`;
  (sImpact >= 0.5 ? good : bad).push(impactLine);
  if (incident.resolvedMs !== undefined) {
    (resolutionCommunicated ? good : bad).push(
      resolutionCommunicated
        ? "the resolution was communicated"
        : "the resolution was never communicated",
    );
  }
  const summary = `experience score ${score} (green from ${t.greenAt})`;
  const reasons = green ? [summary, ...good, ...bad] : [summary, ...bad, ...good];

  return {
    ...(first ? { firstCommunicationAt: first.at } : {}),
    ...(ttfc === undefined ? {} : { timeToFirstCommunicationMs: ttfc }),
    communications: comms.map(({ at, kind, text }) => ({ at, kind, text })),
    statusUpdates: updates,
    statusPageUpdates: incident.statusPage.length,
    statusPageDeliveryFailures: incident.statusPageDeliveryFailures,
    customerReports: input.reports.length,
    reportsBeforeCommunication: before.length,
    proactive,
    longestSilenceMs: silence,
    updateEveryMs: t.updateEveryMs,
    impactMinutes: Math.round(input.impactMinutes * 10) / 10,
    impactBudgetMinutes: t.impactBudgetMinutes,
    resolutionCommunicated,
    components,
    score,
    greenAt: t.greenAt,
    green,
    reasons,
  };
}
