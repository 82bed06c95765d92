/** The report's shape: what `buildReport` returns, what `--json` carries, what renderers draw. */
import type { Priority, Tier } from "./config.js";

export type VerdictKind = "green/green" | "red/red" | "watermelon" | "red/green";

export interface Verdict {
  kind: VerdictKind;
  slaGreen: boolean;
  experienceGreen: boolean;
  /** Why, most telling first: for a watermelon, what went wrong inside, then why it looks green. */
  reasons: string[];
}

export interface ReportServiceInput {
  name: string;
  tier: Tier;
  /** The PagerDuty service's id: incidents name it, not the app's service. */
  pagerdutyServiceId?: string | undefined;
}

export interface TargetCheck {
  targetMs: number;
  /** On the tier's coverage clock; undefined while the incident has not got there. */
  actualMs?: number;
  /** "pending": not there yet, but not over the target when the journal ends. */
  status: "met" | "breached" | "pending";
}

export interface Communication {
  at: string;
  kind: "status update" | "status page";
  /** The status update's message, or the status page's new state ("acknowledged"). */
  text: string;
}

export interface ExperienceComponents {
  firstCommunication: number;
  proactive: number;
  cadence: number;
  impact: number;
  resolutionCommunicated: number;
}

export interface IncidentExperience {
  firstCommunicationAt?: string;
  timeToFirstCommunicationMs?: number;
  communications: Communication[];
  statusUpdates: number;
  statusPageUpdates: number;
  /** Webhook deliveries to the status page that failed for this incident. */
  statusPageDeliveryFailures: number;
  customerReports: number;
  reportsBeforeCommunication: number;
  /** Every customer report came after our first communication (true when nobody reported). */
  proactive: boolean;
  /** Longest time without a status update while the incident was open. */
  longestSilenceMs: number;
  updateEveryMs: number;
  impactMinutes: number;
  impactBudgetMinutes: number;
  resolutionCommunicated: boolean;
  components: ExperienceComponents;
  /** 0-100, see the report's experience formula. */
  score: number;
  greenAt: number;
  green: boolean;
  reasons: string[];
}

export interface IncidentReport {
  id: string;
  number: number;
  title: string;
  service: string;
  pagerdutyServiceId: string;
  tier: Tier;
  priority: Priority;
  /** Where the priority came from: the incident's own, or derived when the journal has none. */
  prioritySource: "incident" | "alert severity" | "urgency";
  urgency: string;
  status: string;
  impactStartedAt?: string;
  openedAt: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  recoveredAt?: string;
  timeToDetectMs?: number;
  timeToAcknowledgeMs?: number;
  timeToResolveMs?: number;
  timeToRecoverMs?: number;
  pages: number;
  escalations: number;
  notified: { at: string; user: string; contactMethod: string; level: number | null }[];
  sla: {
    coverage: string;
    acknowledge: TargetCheck;
    resolve: TargetCheck;
    green: boolean;
    reasons: string[];
  };
  experience: IncidentExperience;
  verdict: Verdict;
}

export interface TierReport {
  tier: Tier;
  coverage: string;
  incidents: number;
  acknowledged: number;
  resolved: number;
  /** Mean time to acknowledge, from opening, over acknowledged incidents (wall clock). */
  mttaMs?: number;
  /** Mean time to resolve, from opening, over resolved incidents (wall clock). */
  mttrMs?: number;
  acknowledgeBreaches: number;
  resolveBreaches: number;
  withinTargets: number;
  /** Incidents within both targets / incidents, in per cent; undefined without incidents. */
  compliancePercent?: number;
  complianceTargetPercent: number;
  complianceMet: boolean;
  targets: Record<Priority, { acknowledgeMs: number; resolveMs: number }>;
}

export interface ServiceReport {
  name: string;
  tier: Tier;
  pagerdutyServiceId?: string;
  incidents: string[];
  requests: { good: number; bad: number; total: number };
  sloPercent: number;
  /** "run" or the window the run's request rate is scaled to, in ms. */
  sloWindow: "run" | number;
  errorBudget: {
    /** Bad requests the SLO allows in the window. */
    allowedBad: number;
    /** Share of the budget the bad requests used, in per cent. */
    consumedPercent: number;
    remaining: number;
  };
  /** Bad fraction over the run / (1 - SLO). */
  burnRate: number;
  /** The highest burn rate over any 1 h and any 5 min of the run. */
  peakBurnRate1h: number;
  peakBurnRate5m: number;
  impactMinutes: number;
  /** Impact episodes with bad requests that no incident covered. */
  unattendedImpact: { startedAt: string; endedAt: string; impactMinutes: number }[];
  /** Bad requests / requests per bucket of the run, for the chart: [bucket start ISO, share]. */
  badShare: { bucketMs: number; points: [string, number][] };
  /** The lowest incident score; undefined without incidents. */
  experienceScore?: number;
  verdict: Verdict;
}

export interface Definition {
  term: string;
  meaning: string;
}

export interface Report {
  title: string;
  scenario?: { name: string; start: string; end: string };
  window: { start: string; end: string };
  verdict: Verdict;
  incidents: IncidentReport[];
  tiers: TierReport[];
  services: ServiceReport[];
  experienceFormula: { text: string; weights: ExperienceComponents; greenAt: number };
  definitions: Definition[];
  notes: string[];
}
