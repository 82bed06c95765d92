/**
 * The scenario's `expect:` block, checked against the journal at the end of a run. Each check
 * says what was expected, what happened, and whether it held.
 */
import type { Journal, JournalEvent } from "../../simulator/kernel/journal.js";
import type { Scenario } from "../scenarios/schema.js";
import type { Accounting } from "./accounting.js";

export interface Check {
  name: string;
  expected: string;
  actual: string;
  ok: boolean;
}

export interface Verdict {
  checks: Check[];
  ok: boolean;
}

type Range = number | { min?: number | undefined; max?: number | undefined };

function inRange(value: number, range: Range): boolean {
  if (typeof range === "number") return value === range;
  return (
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max)
  );
}

function describeRange(range: Range): string {
  if (typeof range === "number") return String(range);
  if (range.min !== undefined && range.max !== undefined) return `${range.min} to ${range.max}`;
  if (range.min !== undefined) return `at least ${range.min}`;
  return `at most ${range.max}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return [h ? `${h}h` : "", m ? `${m}m` : "", sec || (!h && !m) ? `${sec}s` : ""].join("");
}

const data = (e: JournalEvent) => e.data as Record<string, unknown>;

/** Per incident: when it opened, was first acknowledged and was resolved (virtual ms). */
export function incidentTimes(journal: Journal) {
  const times = new Map<
    string,
    { number: number; opened: number; acked?: number; resolved?: number }
  >();
  for (const e of journal.byType("pagerduty.incident.triggered")) {
    times.set(String(data(e).id), {
      number: Number(data(e).incident_number),
      opened: Date.parse(e.time),
    });
  }
  for (const e of journal.byType("pagerduty.incident.acknowledged")) {
    const t = times.get(String(data(e).id));
    if (t && t.acked === undefined) t.acked = Date.parse(e.time);
  }
  for (const e of journal.byType("pagerduty.incident.resolved")) {
    const t = times.get(String(data(e).id));
    if (t && t.resolved === undefined) t.resolved = Date.parse(e.time);
  }
  return times;
}

export function checkExpectations(
  scenario: Scenario,
  journal: Journal,
  context: { users: Map<string, string>; stepErrors: string[]; accounting: Accounting },
): Verdict {
  const expect = scenario.expect;
  const checks: Check[] = [];
  const check = (name: string, expected: string, actual: string, ok: boolean) =>
    checks.push({ name, expected, actual, ok });

  const incidents = incidentTimes(journal);
  const emails = new Map([...context.users].map(([email, id]) => [id, email]));
  const pagedEmails = new Set(
    journal
      .byType("responder.notified")
      .map((e) => emails.get(String(data(e).user)))
      .filter((e): e is string => e !== undefined),
  );

  if (expect.incidents !== undefined)
    check(
      "incidents",
      describeRange(expect.incidents),
      String(incidents.size),
      inRange(incidents.size, expect.incidents),
    );
  if (expect.paged) {
    const want = [...expect.paged].sort();
    const got = [...pagedEmails].sort();
    check(
      "paged",
      want.join(", ") || "nobody",
      got.join(", ") || "nobody",
      want.join() === got.join(),
    );
  }
  if (expect.notPaged) {
    const wrongly = expect.notPaged.filter((e) => pagedEmails.has(e));
    check(
      "not paged",
      expect.notPaged.join(", "),
      wrongly.length ? `paged: ${wrongly.join(", ")}` : "none of them paged",
      wrongly.length === 0,
    );
  }
  if (expect.escalations !== undefined) {
    const n = journal.byType("pagerduty.incident.escalated").length;
    check(
      "escalations",
      describeRange(expect.escalations),
      String(n),
      inRange(n, expect.escalations),
    );
  }
  if (expect.deduplicatedEvents !== undefined) {
    const n = journal.byType("pagerduty.event.deduplicated").length;
    check(
      "deduplicated events",
      describeRange(expect.deduplicatedEvents),
      String(n),
      inRange(n, expect.deduplicatedEvents),
    );
  }
  const within = (
    name: string,
    limit: number,
    at: (t: { opened: number; acked?: number; resolved?: number }) => number | undefined,
  ) => {
    const late: string[] = [];
    let worst = 0;
    for (const t of incidents.values()) {
      const when = at(t);
      const took = when === undefined ? Number.POSITIVE_INFINITY : when - t.opened;
      worst = Math.max(worst, took);
      if (took > limit)
        late.push(`#${t.number} ${when === undefined ? "never" : formatDuration(took)}`);
    }
    check(
      name,
      `every incident within ${formatDuration(limit)}`,
      incidents.size === 0
        ? "no incidents"
        : late.length
          ? late.join(", ")
          : `slowest ${formatDuration(worst)}`,
      late.length === 0,
    );
  };
  if (expect.acknowledgedWithin !== undefined)
    within("acknowledged", expect.acknowledgedWithin, (t) => t.acked);
  if (expect.resolvedWithin !== undefined)
    within("resolved", expect.resolvedWithin, (t) => t.resolved);
  if (expect.pagedWithin !== undefined) {
    const at = (e: JournalEvent | undefined) => (e ? Date.parse(e.time) : undefined);
    const firstError = at(journal.byType("app.error.emitted")[0]);
    const firstPage = at(journal.byType("responder.notified")[0]);
    const took =
      firstError === undefined || firstPage === undefined ? undefined : firstPage - firstError;
    check(
      "first page",
      `within ${formatDuration(expect.pagedWithin)} of the first error`,
      took === undefined ? "no page" : formatDuration(took),
      took !== undefined && took <= expect.pagedWithin,
    );
  }
  if (expect.customerReports !== undefined) {
    const n = journal.byType("customer.reported").length;
    check(
      "customer reports",
      describeRange(expect.customerReports),
      String(n),
      inRange(n, expect.customerReports),
    );
  }
  if (expect.statusUpdates !== undefined) {
    const n =
      journal.byType("pagerduty.incident.status_update_published").length ||
      journal.byType("responder.status_update.posted").length;
    check(
      "status updates",
      describeRange(expect.statusUpdates),
      String(n),
      inRange(n, expect.statusUpdates),
    );
  }
  if (expect.allResolved !== undefined) {
    const open = [...incidents.values()].filter((t) => t.resolved === undefined).length;
    check(
      "all resolved",
      expect.allResolved ? "every incident resolved" : "some left open",
      `${open} open`,
      expect.allResolved ? open === 0 : open > 0,
    );
  }
  if (expect.nothingLost) {
    check(
      "nothing lost",
      "every error event accounted for",
      context.accounting.unexplained === 0
        ? "all accounted for"
        : `${context.accounting.unexplained} unexplained`,
      context.accounting.unexplained === 0,
    );
  }
  if (context.stepErrors.length > 0) {
    check("timeline", "every step applied", context.stepErrors.join("; "), false);
  }
  return { checks, ok: checks.every((c) => c.ok) };
}
