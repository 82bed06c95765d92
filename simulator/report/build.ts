/** buildReport: the SLA/XLA report of a run, from its journal and the services it ran. */
import type { JournalEvent } from "../kernel/journal.js";
import { badShareSeries, errorBudget } from "./budget.js";
import { PRIORITIES, resolveSlaConfig, type SlaConfigInput, TIERS } from "./config.js";
import { describeCoverage } from "./coverage.js";
import { DEFINITIONS } from "./definitions.js";
import { formatDuration, isoAt } from "./duration.js";
import { EXPERIENCE_WEIGHTS, experienceFormulaText, incidentExperience } from "./experience.js";
import { type CustomerReportFact, readFacts } from "./facts.js";
import { episodeOf, type ImpactEpisode, impactEpisodes } from "./impact.js";
import { incidentSla, priorityOf } from "./sla.js";
import type {
  IncidentReport,
  Report,
  ReportServiceInput,
  ServiceReport,
  TierReport,
} from "./types.js";
import { verdictOf } from "./verdict.js";

export interface ReportContext {
  services: readonly ReportServiceInput[];
  sla?: SlaConfigInput;
  scenario?: { name: string; start: string; end: string };
}

const mean = (xs: readonly number[]) =>
  xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export function buildReport(events: readonly JournalEvent[], context: ReportContext): Report {
  const config = resolveSlaConfig(context.sla);
  const facts = readFacts(events);
  const startMs = context.scenario ? Date.parse(context.scenario.start) : facts.firstMs;
  const endMs = Math.max(
    facts.lastMs,
    context.scenario ? Date.parse(context.scenario.end) : facts.lastMs,
  );
  const notes: string[] = [];
  const byPagerDutyId = new Map(
    context.services.filter((s) => s.pagerdutyServiceId).map((s) => [s.pagerdutyServiceId, s]),
  );

  const episodes = new Map<string, ImpactEpisode[]>();
  for (const s of context.services) {
    episodes.set(
      s.name,
      impactEpisodes(s.name, {
        intervals: facts.requests.get(s.name) ?? [],
        errors: facts.errors.get(s.name) ?? [],
        faults: facts.faults.get(s.name) ?? [],
        endMs,
      }),
    );
  }
  const attended = new Set<ImpactEpisode>();

  const incidents: IncidentReport[] = [];
  const derived: string[] = [];
  for (const f of facts.incidents) {
    // By the PagerDuty service id when the caller knows it, else by the failed request whose
    // trace the incident's first alert carried (a replayed journal has no wiring to ask).
    const traced = f.traceId ? facts.traceService.get(f.traceId) : undefined;
    const service =
      byPagerDutyId.get(f.serviceId) ??
      context.services.find((s) => s.name === traced && !s.pagerdutyServiceId) ??
      (context.services.length === 1 && !context.services[0]?.pagerdutyServiceId
        ? context.services[0]
        : undefined);
    if (!service) {
      notes.push(
        `incident #${f.number} (${f.id}) is on PagerDuty service ${f.serviceId}, which no reported service names: left out`,
      );
      continue;
    }
    const tierSla = config.tiers[service.tier];
    const { priority, source } = priorityOf(f);
    if (source !== "incident") derived.push(`#${f.number} ${priority} from ${source}`);
    const episode = episodeOf(episodes.get(service.name) ?? [], f.openedMs);
    if (episode) attended.add(episode);
    const impactStartMs = episode?.startMs ?? f.openedMs;
    const closeMs = f.resolvedMs ?? endMs;
    const serviceReports = facts.reports.get(service.name) ?? [];
    const reports: CustomerReportFact[] = serviceReports.filter((r) =>
      episode?.faultId !== undefined && r.faultId !== undefined
        ? r.faultId === episode.faultId
        : r.atMs >= impactStartMs && r.atMs <= Math.max(closeMs, episode?.endMs ?? closeMs),
    );
    const sla = incidentSla(f, tierSla, priority, endMs);
    const experience = incidentExperience({
      incident: f,
      targets: tierSla.experience,
      impactStartMs,
      endMs,
      impactMinutes: episode?.impactMinutes ?? 0,
      reports,
    });
    incidents.push({
      id: f.id,
      number: f.number,
      title: f.title,
      service: service.name,
      pagerdutyServiceId: f.serviceId,
      tier: service.tier,
      priority,
      prioritySource: source,
      urgency: f.urgency,
      status: f.status,
      ...(episode ? { impactStartedAt: isoAt(episode.startMs) } : {}),
      openedAt: isoAt(f.openedMs),
      ...(f.acknowledgedMs === undefined ? {} : { acknowledgedAt: isoAt(f.acknowledgedMs) }),
      ...(f.resolvedMs === undefined ? {} : { resolvedAt: isoAt(f.resolvedMs) }),
      ...(episode ? { recoveredAt: isoAt(episode.endMs) } : {}),
      ...(episode ? { timeToDetectMs: f.openedMs - episode.startMs } : {}),
      ...(f.acknowledgedMs === undefined
        ? {}
        : { timeToAcknowledgeMs: f.acknowledgedMs - f.openedMs }),
      ...(f.resolvedMs === undefined ? {} : { timeToResolveMs: f.resolvedMs - f.openedMs }),
      ...(episode ? { timeToRecoverMs: episode.endMs - episode.startMs } : {}),
      pages: f.notified.length,
      escalations: f.escalations,
      notified: f.notified.map((n) => ({
        at: isoAt(n.atMs),
        user: n.user,
        contactMethod: n.contactMethod,
        level: n.level,
      })),
      sla,
      experience,
      verdict: verdictOf(sla, experience),
    });
  }
  if (derived.length > 0) {
    notes.push(
      `the journal has no priority for ${derived.length === 1 ? "an incident" : `${derived.length} incidents`}; derived: ${derived.join(", ")}`,
    );
  }

  const tiers: TierReport[] = TIERS.filter(
    (t) => context.services.some((s) => s.tier === t) || incidents.some((i) => i.tier === t),
  ).map((tier) => {
    const sla = config.tiers[tier];
    const mine = incidents.filter((i) => i.tier === tier);
    const acked = mine.flatMap((i) =>
      i.timeToAcknowledgeMs === undefined ? [] : [i.timeToAcknowledgeMs],
    );
    const resolved = mine.flatMap((i) =>
      i.timeToResolveMs === undefined ? [] : [i.timeToResolveMs],
    );
    const within = mine.filter((i) => i.sla.green).length;
    const compliance = mine.length === 0 ? undefined : (within / mine.length) * 100;
    const mtta = mean(acked);
    const mttr = mean(resolved);
    const targets = Object.fromEntries(
      PRIORITIES.map((p) => [p, { ...sla.targets[p] }]),
    ) as TierReport["targets"];
    return {
      tier,
      coverage: describeCoverage(sla.coverage),
      incidents: mine.length,
      acknowledged: acked.length,
      resolved: resolved.length,
      ...(mtta === undefined ? {} : { mttaMs: Math.round(mtta) }),
      ...(mttr === undefined ? {} : { mttrMs: Math.round(mttr) }),
      acknowledgeBreaches: mine.filter((i) => i.sla.acknowledge.status === "breached").length,
      resolveBreaches: mine.filter((i) => i.sla.resolve.status === "breached").length,
      withinTargets: within,
      ...(compliance === undefined ? {} : { compliancePercent: round(compliance, 1) }),
      complianceTargetPercent: sla.compliancePercent,
      complianceMet: compliance === undefined || compliance >= sla.compliancePercent,
      targets,
    };
  });

  const services: ServiceReport[] = context.services.map((s) => {
    const sla = config.tiers[s.tier];
    const intervals = facts.requests.get(s.name) ?? [];
    const budget = errorBudget(intervals, sla.sloPercent, sla.sloWindow, startMs, endMs);
    const mine = incidents.filter((i) => i.service === s.name);
    const pagerdutyServiceId = s.pagerdutyServiceId ?? mine[0]?.pagerdutyServiceId;
    const unattended = (episodes.get(s.name) ?? []).filter((e) => !attended.has(e));
    const unattendedReports = unattended.flatMap((e) =>
      (facts.reports.get(s.name) ?? []).filter((r) =>
        e.faultId !== undefined && r.faultId !== undefined
          ? r.faultId === e.faultId
          : r.atMs >= e.startMs && r.atMs <= e.endMs + 30 * 60_000,
      ),
    );
    const slaReasons = mine.flatMap((i) => i.sla.reasons.map((r) => `#${i.number} ${r}`));
    const expReasons = mine.flatMap((i) => i.experience.reasons.map((r) => `#${i.number} ${r}`));
    if (mine.length === 0) slaReasons.push("no incident");
    for (const e of unattended) {
      expReasons.unshift(
        `${e.impactMinutes.toFixed(1)} impact minutes from ${isoAt(e.startMs)} for ${formatDuration(e.endMs - e.startMs)} with no incident`,
      );
    }
    if (unattendedReports.length > 0) {
      expReasons.unshift(
        `${unattendedReports.length} customer report${unattendedReports.length === 1 ? "" : "s"} of impact no incident covered`,
      );
    }
    const slaGreen = mine.every((i) => i.sla.green);
    const experienceGreen = mine.every((i) => i.experience.green) && unattendedReports.length === 0;
    const series = badShareSeries(intervals, startMs, endMs);
    const scores = mine.map((i) => i.experience.score);
    return {
      name: s.name,
      tier: s.tier,
      ...(pagerdutyServiceId ? { pagerdutyServiceId } : {}),
      incidents: mine.map((i) => i.id),
      requests: { good: budget.good, bad: budget.bad, total: budget.total },
      sloPercent: sla.sloPercent,
      sloWindow: sla.sloWindow,
      errorBudget: {
        allowedBad: round(budget.allowedBad),
        consumedPercent: round(budget.consumedPercent, 1),
        remaining: round(budget.remaining),
      },
      burnRate: round(budget.burnRate),
      peakBurnRate1h: round(budget.peakBurnRate1h),
      peakBurnRate5m: round(budget.peakBurnRate5m),
      impactMinutes: round(
        (episodes.get(s.name) ?? []).reduce((sum, e) => sum + e.impactMinutes, 0),
        1,
      ),
      unattendedImpact: unattended.map((e) => ({
        startedAt: isoAt(e.startMs),
        endedAt: isoAt(e.endMs),
        impactMinutes: round(e.impactMinutes, 1),
      })),
      badShare: {
        bucketMs: series.bucketMs,
        points: series.points.map(([at, share]) => [isoAt(at), round(share, 4)]),
      },
      ...(scores.length === 0 ? {} : { experienceScore: Math.min(...scores) }),
      verdict: verdictOf(
        { green: slaGreen, reasons: slaReasons },
        { green: experienceGreen, reasons: expReasons },
      ),
    };
  });

  const slaGreen = services.every((s) => s.verdict.slaGreen);
  const experienceGreen = services.every((s) => s.verdict.experienceGreen);
  const overall = verdictOf(
    { green: slaGreen, reasons: [] },
    { green: experienceGreen, reasons: [] },
  );
  overall.reasons = services.map(
    (s) =>
      `${s.name} (${s.tier}): ${s.verdict.kind}${s.verdict.reasons[0] ? `: ${s.verdict.reasons[0]}` : ""}`,
  );
  const defaultTargets = config.tiers[context.services[0]?.tier ?? "gold"].experience;
  return {
    title: `SLA/XLA report${context.scenario ? `: ${context.scenario.name}` : ""}`,
    ...(context.scenario ? { scenario: context.scenario } : {}),
    window: { start: isoAt(startMs), end: isoAt(endMs) },
    verdict: overall,
    incidents,
    tiers,
    services,
    experienceFormula: {
      text: experienceFormulaText(defaultTargets),
      weights: { ...EXPERIENCE_WEIGHTS },
      greenAt: defaultTargets.greenAt,
    },
    definitions: [...DEFINITIONS],
    notes,
  };
}
