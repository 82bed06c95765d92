/**
 * The SLA side: each incident's priority, and its acknowledge and resolve times against the
 * tier's targets on the tier's coverage clock (reference/xstate-xla.md §4.3).
 */
import { PRIORITIES, type Priority, type TierSla } from "./config.js";
import { coveredMs, describeCoverage } from "./coverage.js";
import { formatDuration } from "./duration.js";
import type { IncidentFacts } from "./facts.js";
import type { IncidentReport, TargetCheck } from "./types.js";

/** The event rule of DESIGN.md §6: critical P1, error P2, warning P3, info P4. */
export const PRIORITY_BY_SEVERITY: Record<string, Priority> = {
  critical: "P1",
  error: "P2",
  warning: "P3",
  info: "P4",
};
/** Without a severity: high urgency pages as P2 would, low as P4. */
const PRIORITY_BY_URGENCY: Record<string, Priority> = { high: "P2", low: "P4" };

function priorityName(raw: unknown): Priority | undefined {
  const name =
    typeof raw === "string"
      ? raw
      : typeof raw === "object" && raw !== null
        ? ((raw as { summary?: unknown; name?: unknown }).summary ??
          (raw as { name?: unknown }).name)
        : undefined;
  if (typeof name !== "string") return undefined;
  const match = /^P([1-5])$/i.exec(name.trim());
  if (!match) return undefined;
  // A P5 is held to the P4 targets: the tables stop at P4.
  return PRIORITIES[Math.min(Number(match[1]), 4) - 1];
}

export function priorityOf(incident: IncidentFacts): {
  priority: Priority;
  source: IncidentReport["prioritySource"];
} {
  const own = priorityName(incident.priority);
  if (own) return { priority: own, source: "incident" };
  const bySeverity = incident.severity ? PRIORITY_BY_SEVERITY[incident.severity] : undefined;
  if (bySeverity) return { priority: bySeverity, source: "alert severity" };
  return { priority: PRIORITY_BY_URGENCY[incident.urgency] ?? "P2", source: "urgency" };
}

function check(
  sla: TierSla,
  fromMs: number,
  atMs: number | undefined,
  endMs: number,
  targetMs: number,
): TargetCheck {
  if (atMs !== undefined) {
    const actualMs = coveredMs(sla.coverage, fromMs, atMs);
    return { targetMs, actualMs, status: actualMs <= targetMs ? "met" : "breached" };
  }
  return {
    targetMs,
    status: coveredMs(sla.coverage, fromMs, endMs) > targetMs ? "breached" : "pending",
  };
}

export function incidentSla(
  incident: IncidentFacts,
  sla: TierSla,
  priority: Priority,
  endMs: number,
): IncidentReport["sla"] {
  const targets = sla.targets[priority];
  // Resolving without acknowledging answers the page too.
  const respondedMs = incident.acknowledgedMs ?? incident.resolvedMs;
  const acknowledge = check(sla, incident.openedMs, respondedMs, endMs, targets.acknowledgeMs);
  const resolve = check(sla, incident.openedMs, incident.resolvedMs, endMs, targets.resolveMs);
  const coverage = describeCoverage(sla.coverage);
  const clock = coverage === "24x7" ? "" : ` of ${coverage}`;
  const line = (verb: string, c: TargetCheck) => {
    const target = `${sla.tier} ${priority} target ${formatDuration(c.targetMs)}${clock}`;
    if (c.status === "pending") return `not ${verb} yet, still within the ${target}`;
    if (c.actualMs === undefined) return `not ${verb}, over the ${target}`;
    return `${verb} in ${formatDuration(c.actualMs)}, ${c.status === "met" ? "within" : "over"} the ${target}`;
  };
  const reasons = [line("acknowledged", acknowledge), line("resolved", resolve)];
  const green = acknowledge.status !== "breached" && resolve.status !== "breached";
  // Breaches first: they are the news.
  const breachedFirst = [acknowledge, resolve]
    .map((c, i) => ({ c, reason: reasons[i] as string }))
    .sort((a, b) => Number(b.c.status === "breached") - Number(a.c.status === "breached"))
    .map((x) => x.reason);
  return { coverage, acknowledge, resolve, green, reasons: breachedFirst };
}
