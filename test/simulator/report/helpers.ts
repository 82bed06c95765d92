import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bundledScenarioFile, loadScenario } from "../../../flows/scenarios/load.js";
import type { Scenario } from "../../../flows/scenarios/schema.js";
import { startChain } from "../../../flows/wiring/chain.js";
import type { JournalEvent } from "../../../simulator/kernel/journal.js";
import { buildReport, type Report, type SlaConfigInput } from "../../../simulator/report/index.js";

export function bundled(name: string): Scenario {
  const file = bundledScenarioFile(name);
  if (!file) throw new Error(`no bundled scenario ${name}`);
  return loadScenario(file);
}

/** Runs the whole chain in virtual time and reports on its journal, as the CLI would. */
export async function reportOf(
  scenario: Scenario,
  sla?: SlaConfigInput,
): Promise<{ report: Report; events: readonly JournalEvent[] }> {
  const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-report-test-"));
  const chain = await startChain({ scenario, home });
  try {
    await chain.run();
    const events = chain.sim.journal.all();
    const start = Date.parse(scenario.start);
    const report = buildReport(events, {
      services: scenario.services.map((s) => ({
        name: s.name,
        tier: s.tier,
        pagerdutyServiceId: chain.wiring.pagerduty.services.get(s.name)?.id,
      })),
      scenario: {
        name: scenario.name,
        start: new Date(start).toISOString(),
        end: new Date(start + scenario.duration).toISOString(),
      },
      ...(sla ? { sla } : {}),
    });
    return { report, events };
  } finally {
    await chain.dispose();
    rmSync(home, { recursive: true, force: true });
  }
}

/** A hand-built journal: events get their seq in the order they are written. */
export function journal() {
  const events: JournalEvent[] = [];
  const add = (
    type: string,
    time: string,
    data: Record<string, unknown> = {},
    correlation: Record<string, string> = {},
    source = "test",
  ) => {
    events.push({ seq: events.length + 1, time, type, source, correlation, data });
    return add;
  };
  return { events, add };
}

/** PagerDuty's incident entry as mocks/pagerduty journals it. */
export function incidentData(
  id: string,
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    incident_number: Number(id.replace(/\D/g, "")) || 1,
    title: `${id} errors`,
    status,
    urgency: "high",
    service: "PSVC1",
    assignees: [],
    escalation_level: 1,
    priority: null,
    ...extra,
  };
}
