/**
 * The report as one self-contained HTML file: inline CSS and inline SVG, no script and no
 * external resource, so it opens offline and can be mailed or attached to a ticket as it is.
 */
import type { JournalEvent } from "../kernel/journal.js";
import { formatDuration } from "./duration.js";
import { EXPERIENCE_WEIGHTS } from "./experience.js";
import {
  areaChart,
  type BarRow,
  barChart,
  COLORS,
  escapeXml as esc,
  type Marker,
  stackedChart,
  swimlanes,
} from "./svg.js";
import { incidentTimeline, LANES, reportedTimeline, type TimelineEntry } from "./timeline.js";
import type { IncidentReport, Report, Verdict } from "./types.js";
import { verdictHeadline } from "./verdict.js";

const dur = (ms: number | undefined) => (ms === undefined ? "–" : formatDuration(ms));
const time = (iso: string | undefined) => (iso ? iso.slice(11, 19) : "–");

const LANE_COLORS: Record<string, string> = {
  app: COLORS.red,
  AWS: COLORS.amber,
  "Logz.io": "#6a1b9a",
  PagerDuty: COLORS.green,
  responders: COLORS.blue,
  "status page": "#00838f",
  customers: "#ad1457",
};

const COMPONENT_COLORS = {
  firstCommunication: "#1565c0",
  proactive: "#2e7d32",
  cadence: "#00838f",
  impact: "#ef6c00",
  resolutionCommunicated: "#6a1b9a",
} as const;

const COMPONENT_LABELS = {
  firstCommunication: "first communication",
  proactive: "proactive",
  cadence: "cadence",
  impact: "impact",
  resolutionCommunicated: "resolution told",
} as const;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212121;margin:0;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0}
h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:16px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;background:#fff}
th,td{border:1px solid #e0e0e0;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{display:inline-block;font-weight:700;padding:4px 12px;border-radius:14px;color:#fff;letter-spacing:.02em}
.verdict.green-green{background:#2e7d32}
.verdict.red-red{background:#c62828}
.verdict.red-green{background:#ef6c00}
.verdict.watermelon{background:#c62828;border:5px solid #2e7d32}
.banner{background:#fff;border:1px solid #ddd;border-radius:8px;padding:12px 16px;margin:12px 0}
.banner .verdict{font-size:22px}
.reasons li{margin:2px 0}
.chart{display:block;margin:8px 0 14px;background:#fff;border:1px solid #eee}
.chart text{font-size:12px;fill:#212121}
.chart text.small{font-size:10px}
.chart text.chart-title{font-size:13px;font-weight:600}
.incident{background:#fff;border:1px solid #ddd;border-radius:8px;padding:4px 16px 12px;margin:16px 0}
.muted{color:#757575}
dl dt{font-weight:600;margin-top:6px}
dl dd{margin:0 0 0 18px}
.formula{background:#fff;border-left:4px solid #1565c0;padding:8px 12px}
`;

function badge(v: Verdict): string {
  const word = v.kind === "watermelon" ? "WATERMELON" : v.kind.toUpperCase();
  return `<span class="verdict ${v.kind.replace("/", "-")}">${esc(word)}</span>`;
}

function list(items: readonly string[], cls = "reasons"): string {
  return items.length === 0
    ? ""
    : `<ul class="${cls}">${items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`;
}

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly number[] = [],
): string {
  const head = `<tr>${header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>`;
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<table>${head}${body}</table>`;
}

function tierCharts(report: Report): string {
  const rows: BarRow[] = [];
  for (const t of report.tiers) {
    const groups = new Map<string, IncidentReport[]>();
    for (const i of report.incidents.filter((x) => x.tier === t.tier)) {
      groups.set(i.priority, [...(groups.get(i.priority) ?? []), i]);
    }
    for (const [priority, incidents] of [...groups.entries()].sort()) {
      const target = t.targets[priority as keyof typeof t.targets];
      const mean = (xs: number[]) =>
        xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;
      const mtta = mean(
        incidents.flatMap((i) =>
          i.timeToAcknowledgeMs === undefined ? [] : [i.timeToAcknowledgeMs],
        ),
      );
      const mttr = mean(
        incidents.flatMap((i) => (i.timeToResolveMs === undefined ? [] : [i.timeToResolveMs])),
      );
      const row = (
        what: string,
        value: number | undefined,
        targetMs: number,
        breaches: number,
      ): BarRow => ({
        label: `${t.tier} ${priority} ${what}`,
        value: value ?? 0,
        target: targetMs,
        caption: `${value === undefined ? "none yet" : dur(value)} / target ${dur(targetMs)}${breaches ? `, ${breaches} breached` : ""}`,
        color: breaches > 0 ? COLORS.red : COLORS.green,
      });
      rows.push(
        row(
          "MTTA",
          mtta,
          target.acknowledgeMs,
          incidents.filter((i) => i.sla.acknowledge.status === "breached").length,
        ),
        row(
          "MTTR",
          mttr,
          target.resolveMs,
          incidents.filter((i) => i.sla.resolve.status === "breached").length,
        ),
      );
    }
  }
  if (rows.length === 0) return `<p class="muted">No incident: no MTTA or MTTR to chart.</p>`;
  return barChart(
    "MTTA and MTTR (mean time to resolve) per tier and priority, against targets",
    rows,
  );
}

function serviceCharts(report: Report): string {
  const budget: BarRow[] = report.services.map((s) => ({
    label: s.name,
    value: s.errorBudget.consumedPercent,
    target: 100,
    caption: `${s.errorBudget.consumedPercent}% of ${s.errorBudget.allowedBad.toFixed(1)} allowed bad`,
    color: s.errorBudget.consumedPercent > 100 ? COLORS.red : COLORS.green,
  }));
  const burn: BarRow[] = report.services.flatMap((s) => [
    {
      label: `${s.name} run`,
      value: s.burnRate,
      target: 1,
      caption: `burn ${s.burnRate.toFixed(2)} (1 = on budget)`,
      color: s.burnRate > 1 ? COLORS.red : COLORS.green,
    },
    {
      label: `${s.name} peak 1h`,
      value: s.peakBurnRate1h,
      target: 14.4,
      caption: `${s.peakBurnRate1h.toFixed(2)} (pages at 14.4)`,
      color: s.peakBurnRate1h > 14.4 ? COLORS.red : COLORS.green,
    },
    {
      label: `${s.name} peak 5m`,
      value: s.peakBurnRate5m,
      target: 14.4,
      caption: `${s.peakBurnRate5m.toFixed(2)} (pages at 14.4)`,
      color: s.peakBurnRate5m > 14.4 ? COLORS.red : COLORS.green,
    },
  ]);
  const fromMs = Date.parse(report.window.start);
  const toMs = Date.parse(report.window.end);
  const areas = report.services.map((s) => {
    const markers: Marker[] = [];
    for (const i of report.incidents.filter((x) => x.service === s.name)) {
      markers.push({
        atMs: Date.parse(i.openedAt),
        label: `#${i.number} opened`,
        color: COLORS.ink,
      });
      if (i.acknowledgedAt)
        markers.push({
          atMs: Date.parse(i.acknowledgedAt),
          label: `#${i.number} ack`,
          color: COLORS.blue,
        });
      if (i.experience.firstCommunicationAt)
        markers.push({
          atMs: Date.parse(i.experience.firstCommunicationAt),
          label: `#${i.number} first word`,
          color: "#00838f",
        });
      if (i.resolvedAt)
        markers.push({
          atMs: Date.parse(i.resolvedAt),
          label: `#${i.number} resolved`,
          color: COLORS.green,
        });
    }
    return areaChart(
      `${s.name}: share of bad requests per ${formatDuration(s.badShare.bucketMs)}`,
      s.badShare.points.map(([at, v]) => [Date.parse(at), v] as [number, number]),
      fromMs,
      toMs,
      markers,
    );
  });
  return [
    barChart("Error budget consumed per service (dashed: the whole budget)", budget),
    barChart("Burn rate per service (bad fraction / (1 − SLO))", burn),
    ...areas,
  ].join("\n");
}

function experienceChart(report: Report): string {
  if (report.incidents.length === 0) return "";
  const keys = Object.keys(EXPERIENCE_WEIGHTS) as (keyof typeof EXPERIENCE_WEIGHTS)[];
  return stackedChart(
    "Experience score per incident, by component (dashed: green from)",
    report.incidents.map((i) => ({
      label: `#${i.number} ${i.service}`,
      segments: keys.map((k) => ({
        label: COMPONENT_LABELS[k],
        value: 100 * EXPERIENCE_WEIGHTS[k] * i.experience.components[k],
        color: COMPONENT_COLORS[k],
      })),
      caption: `${i.experience.score} / 100: ${i.experience.green ? "green" : "red"}`,
    })),
    100,
    {
      value: report.experienceFormula.greenAt,
      label: `green from ${report.experienceFormula.greenAt}`,
    },
  );
}

function incidentSection(
  i: IncidentReport,
  report: Report,
  events: readonly JournalEvent[] | undefined,
): string {
  const { entries, omitted } = events
    ? incidentTimeline(events, i, report.window.end)
    : { entries: reportedTimeline(i), omitted: 0 };
  const x = i.experience;
  const metrics = table(
    [
      "impact start",
      "opened",
      "acknowledged",
      "resolved",
      "recovered",
      "TTD",
      "TTA",
      "TTR",
      "time to recover",
      "pages",
      "escalations",
    ],
    [
      [
        time(i.impactStartedAt),
        time(i.openedAt),
        time(i.acknowledgedAt),
        time(i.resolvedAt),
        time(i.recoveredAt),
        dur(i.timeToDetectMs),
        dur(i.timeToAcknowledgeMs),
        dur(i.timeToResolveMs),
        dur(i.timeToRecoverMs),
        String(i.pages),
        String(i.escalations),
      ],
    ],
  );
  const sla = table(
    ["target", "actual (coverage clock)", "target", "status"],
    [
      [
        "acknowledge",
        dur(i.sla.acknowledge.actualMs),
        dur(i.sla.acknowledge.targetMs),
        i.sla.acknowledge.status,
      ],
      ["resolve", dur(i.sla.resolve.actualMs), dur(i.sla.resolve.targetMs), i.sla.resolve.status],
    ],
  );
  const xla = table(
    [
      "first communication",
      "proactive",
      "reports before us",
      "status updates",
      "status page",
      "longest silence",
      "impact minutes",
      "resolution told",
      "score",
    ],
    [
      [
        dur(x.timeToFirstCommunicationMs),
        x.proactive ? "yes" : "no",
        `${x.reportsBeforeCommunication} of ${x.customerReports}`,
        String(x.statusUpdates),
        `${x.statusPageUpdates} (${x.statusPageDeliveryFailures} failed deliveries)`,
        `${dur(x.longestSilenceMs)} (target ${dur(x.updateEveryMs)})`,
        `${x.impactMinutes} of ${x.impactBudgetMinutes}`,
        x.resolutionCommunicated ? "yes" : "no",
        `${x.score} (green from ${x.greenAt})`,
      ],
    ],
  );
  const first = entries[0]?.atMs ?? Date.parse(i.openedAt);
  const last = Math.max(entries[entries.length - 1]?.atMs ?? first, first + 60_000);
  const offset = (e: TimelineEntry) => {
    const base = Date.parse(i.impactStartedAt ?? i.openedAt);
    const d = e.atMs - base;
    return `${d < 0 ? "−" : "+"}${formatDuration(Math.abs(d))}`;
  };
  const rows = entries.map((e) => [e.at.slice(11, 23), offset(e), e.lane, e.text]);
  return `<section class="incident" id="incident-${esc(i.id)}">
<h3>#${i.number} ${esc(i.title)} ${badge(i.verdict)}</h3>
<p>${esc(`${i.service} (${i.tier}), ${i.priority}${i.prioritySource === "incident" ? "" : ` derived from ${i.prioritySource}`}, urgency ${i.urgency}, PagerDuty incident ${i.id}, ${i.status}; coverage ${i.sla.coverage}`)}</p>
<p><strong>${esc(verdictHeadline(i.verdict))}</strong></p>
${list(i.verdict.reasons)}
${metrics}
<h4>SLA</h4>
${sla}
<h4>Experience</h4>
${xla}
<h4>Timeline</h4>
${swimlanes(`#${i.number} timeline`, LANES, entries, first, last, LANE_COLORS)}
${table(["time", "since impact", "where", "what"], rows)}
${omitted > 0 ? `<p class="muted">${omitted} more entries left out.</p>` : ""}
</section>`;
}

export function renderReportHtml(report: Report, events?: readonly JournalEvent[]): string {
  const v = report.verdict;
  const services = table(
    [
      "service",
      "tier",
      "verdict",
      "incidents",
      "requests",
      "bad",
      "SLO",
      "budget (allowed bad)",
      "consumed",
      "burn",
      "peak 1h",
      "peak 5m",
      "impact minutes",
      "experience score",
    ],
    report.services.map((s) => [
      s.name,
      s.tier,
      s.verdict.kind,
      String(s.incidents.length),
      String(s.requests.total),
      String(s.requests.bad),
      `${s.sloPercent}%`,
      s.errorBudget.allowedBad.toFixed(1),
      `${s.errorBudget.consumedPercent}%`,
      s.burnRate.toFixed(2),
      s.peakBurnRate1h.toFixed(2),
      s.peakBurnRate5m.toFixed(2),
      s.impactMinutes.toFixed(1),
      s.experienceScore === undefined ? "–" : String(s.experienceScore),
    ]),
    [3, 4, 5, 7, 8, 9, 10, 11, 12, 13],
  );
  const tiers = table(
    [
      "tier",
      "coverage",
      "incidents",
      "MTTA",
      "MTTR (resolve)",
      "acknowledge breaches",
      "resolve breaches",
      "compliance",
      "target",
    ],
    report.tiers.map((t) => [
      t.tier,
      t.coverage,
      String(t.incidents),
      dur(t.mttaMs),
      dur(t.mttrMs),
      String(t.acknowledgeBreaches),
      String(t.resolveBreaches),
      t.compliancePercent === undefined ? "–" : `${t.compliancePercent}%`,
      `${t.complianceTargetPercent}%${t.complianceMet ? "" : " (missed)"}`,
    ]),
    [2, 5, 6],
  );
  const targets = table(
    ["tier", "priority", "acknowledge within", "resolve within"],
    report.tiers.flatMap((t) =>
      Object.entries(t.targets).map(([p, x]) => [
        t.tier,
        p,
        dur(x.acknowledgeMs),
        dur(x.resolveMs),
      ]),
    ),
  );
  const perService = report.services
    .map(
      (s) =>
        `<li><strong>${esc(s.name)}</strong> (${esc(s.tier)}): ${badge(s.verdict)} ${esc(verdictHeadline(s.verdict))}${list(s.verdict.reasons)}</li>`,
    )
    .join("");
  const title = report.title;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${esc(title)}</h1>
<p class="muted">${esc(`${report.window.start} to ${report.window.end}`)}</p>
<div class="banner" id="verdict">${badge(v)} <strong>${esc(verdictHeadline(v))}</strong>
<ul class="services">${perService}</ul>
</div>
</header>
<section id="charts">
<h2>Charts</h2>
${tierCharts(report)}
${serviceCharts(report)}
${experienceChart(report)}
</section>
<section id="incidents">
<h2>Incidents</h2>
${report.incidents.length === 0 ? '<p class="muted">No incident.</p>' : report.incidents.map((i) => incidentSection(i, report, events)).join("\n")}
</section>
<section id="tiers">
<h2>Tiers</h2>
${tiers}
<h3>Targets</h3>
${targets}
</section>
<section id="services">
<h2>Services</h2>
${services}
</section>
${report.notes.length > 0 ? `<section id="notes"><h2>Notes</h2>${list(report.notes, "notes")}</section>` : ""}
<section id="definitions">
<h2>Definitions</h2>
<p class="formula">${esc(report.experienceFormula.text)}</p>
<dl>${report.definitions.map((d) => `<dt>${esc(d.term)}</dt><dd>${esc(d.meaning)}</dd>`).join("")}</dl>
</section>
</main>
</body>
</html>
`;
}
