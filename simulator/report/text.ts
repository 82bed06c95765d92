/** The report as the terminal shows it at the end of `run` and `replay`: plain-text tables. */
import { formatDuration } from "./duration.js";
import type { Report } from "./types.js";
import { verdictHeadline } from "./verdict.js";

const dur = (ms: number | undefined) => (ms === undefined ? "-" : formatDuration(ms));
/** "10:16:00" of an ISO instant: the report's window gives the date. */
const clock = (iso: string | undefined) => (iso ? iso.slice(11, 19) : "-");

/** Left-aligned columns, numbers right-aligned, two spaces apart. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+%?$|^-$/.test(r[i] ?? "")),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const wrap = (text: string, width: number, indent: string) => {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let current = "";
  for (const w of words) {
    if (current && current.length + 1 + w.length > width) {
      lines.push(current);
      current = w;
    } else current = current ? `${current} ${w}` : w;
  }
  if (current) lines.push(current);
  return lines.map((l) => indent + l).join("\n");
};

export function renderReportText(report: Report, options: { definitions?: boolean } = {}): string {
  const out: string[] = [];
  out.push(`${report.title}  (${report.window.start} to ${report.window.end})`);
  out.push(`Verdict: ${verdictHeadline(report.verdict)}`);
  for (const s of report.services) {
    out.push(`  ${s.name} (${s.tier}): ${verdictHeadline(s.verdict)}`);
    for (const r of s.verdict.reasons) out.push(`    - ${r}`);
  }

  out.push("", "Incidents");
  out.push(
    report.incidents.length === 0
      ? "  (none)"
      : table(
          [
            "#",
            "service",
            "tier",
            "prio",
            "impact",
            "opened",
            "TTD",
            "TTA",
            "TTR",
            "recover",
            "ack",
            "resolve",
            "XS",
            "verdict",
          ],
          report.incidents.map((i) => [
            String(i.number),
            i.service,
            i.tier,
            i.prioritySource === "incident" ? i.priority : `${i.priority}*`,
            clock(i.impactStartedAt),
            clock(i.openedAt),
            dur(i.timeToDetectMs),
            dur(i.timeToAcknowledgeMs),
            dur(i.timeToResolveMs),
            dur(i.timeToRecoverMs),
            i.sla.acknowledge.status,
            i.sla.resolve.status,
            String(i.experience.score),
            i.verdict.kind,
          ]),
        ),
  );
  if (report.incidents.some((i) => i.prioritySource !== "incident")) {
    out.push("  * priority derived (the journal has none): see notes");
  }

  if (report.incidents.length > 0) {
    out.push("", "Experience per incident");
    out.push(
      table(
        [
          "#",
          "first comm",
          "proactive",
          "reports before us",
          "updates",
          "status page",
          "longest silence",
          "impact min",
          "resolution told",
          "XS",
        ],
        report.incidents.map((i) => {
          const x = i.experience;
          return [
            String(i.number),
            dur(x.timeToFirstCommunicationMs),
            x.proactive ? "yes" : "no",
            `${x.reportsBeforeCommunication}/${x.customerReports}`,
            String(x.statusUpdates),
            String(x.statusPageUpdates),
            `${dur(x.longestSilenceMs)} / ${dur(x.updateEveryMs)}`,
            x.impactMinutes.toFixed(1),
            x.resolutionCommunicated ? "yes" : "no",
            String(x.score),
          ];
        }),
      ),
    );
  }

  out.push("", "Tiers (MTTR = mean time to resolve, from incident opened)");
  out.push(
    table(
      [
        "tier",
        "coverage",
        "incidents",
        "MTTA",
        "MTTR",
        "ack breaches",
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
        t.compliancePercent === undefined ? "-" : `${t.compliancePercent}%`,
        `${t.complianceTargetPercent}%`,
      ]),
    ),
  );

  out.push("", "Services");
  out.push(
    table(
      [
        "service",
        "tier",
        "requests",
        "bad",
        "SLO",
        "budget",
        "consumed",
        "burn",
        "peak 1h",
        "peak 5m",
        "impact min",
        "XS",
        "verdict",
      ],
      report.services.map((s) => [
        s.name,
        s.tier,
        String(s.requests.total),
        String(s.requests.bad),
        `${s.sloPercent}%`,
        s.errorBudget.allowedBad.toFixed(1),
        `${s.errorBudget.consumedPercent}%`,
        s.burnRate.toFixed(2),
        s.peakBurnRate1h.toFixed(2),
        s.peakBurnRate5m.toFixed(2),
        s.impactMinutes.toFixed(1),
        s.experienceScore === undefined ? "-" : String(s.experienceScore),
        s.verdict.kind,
      ]),
    ),
  );

  if (report.notes.length > 0) {
    out.push("", "Notes");
    for (const n of report.notes) out.push(`  - ${n}`);
  }
  out.push("", "Experience score", wrap(report.experienceFormula.text, 96, "  "));
  if (options.definitions ?? true) {
    out.push("", "Definitions");
    for (const d of report.definitions) out.push(wrap(`${d.term}: ${d.meaning}`, 96, "  "));
  }
  return `${out.join("\n")}\n`;
}
