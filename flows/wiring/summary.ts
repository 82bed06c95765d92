/** The end-of-run summary: each stage's count with its explained differences, then the checks. */
import type { ChainResult } from "./chain.js";

export function renderSummary(result: ChainResult): string {
  const lines: string[] = [];
  lines.push(
    `scenario ${result.scenario} (seed ${result.seed}, ${result.clock} clock): ${result.startedAt} -> ${result.endedAt}`,
  );
  lines.push("");
  lines.push("Nothing lost: every error event, hop by hop");
  const width = Math.max(...result.accounting.stages.map((s) => s.stage.length));
  for (const stage of result.accounting.stages) {
    lines.push(`  ${stage.stage.padEnd(width)}  ${String(stage.count).padStart(7)} ${stage.unit}`);
    for (const d of stage.differences) {
      lines.push(
        `  ${"".padEnd(width)}  ${String(d.count).padStart(7)} ${d.explained ? "" : "UNEXPLAINED: "}${d.reason}`,
      );
    }
  }
  if (result.accounting.observed === "apis") {
    lines.push("  (stages inside LocalStack observed through its APIs only)");
  }
  lines.push("");
  lines.push("Expectations");
  const nameWidth = Math.max(4, ...result.verdict.checks.map((c) => c.name.length));
  for (const c of result.verdict.checks) {
    lines.push(
      `  ${c.ok ? "ok  " : "FAIL"}  ${c.name.padEnd(nameWidth)}  expected ${c.expected}; got ${c.actual}`,
    );
  }
  if (result.verdict.checks.length === 0) lines.push("  (none declared)");
  lines.push("");
  lines.push(result.ok ? "PASS" : "FAIL");
  return lines.join("\n");
}
