/**
 * What changed between a recorded journal and a new one. Events are matched by type and
 * correlation (trace id, dedup key, incident number, request id, user...), never by position, so
 * one added event reads as one addition. The summary speaks of consequences downstream (an
 * incident that no longer opens, a page that comes later, another responder); the details count
 * additions, removals and changes per type.
 */
import type { JournalEvent } from "../../simulator/kernel/journal.js";
import { PLACEHOLDER } from "./redact.js";

export interface EventChange {
  type: string;
  recorded: JournalEvent;
  now: JournalEvent;
  /** `time` and the data fields that differ, with both values. */
  fields: { field: string; recorded: unknown; now: unknown }[];
}

export interface TypeDiff {
  type: string;
  recorded: number;
  now: number;
  added: number;
  removed: number;
  changed: number;
}

export interface JournalDiff {
  same: boolean;
  /** Consequences, most important first, each one sentence. */
  summary: string[];
  types: TypeDiff[];
  added: JournalEvent[];
  removed: JournalEvent[];
  changed: EventChange[];
}

export interface DiffOptions {
  /** Compare only these types (an import observed no others). */
  types?: readonly string[];
}

// Ids drawn per run that another id of the same event already identifies better.
const VOLATILE_CORRELATION = new Set(["incidentId", "eventId", "webhookId", "alert"]);
// For events without correlation, the data fields that tell one series from another.
const DISCRIMINATORS = ["alertId", "operation", "endpointId", "severity", "service"];

function identity(e: JournalEvent, only?: ReadonlySet<string>): string {
  const parts: string[] = [e.type];
  const keys = Object.keys(e.correlation)
    .filter((k) => !only || only.has(k))
    .sort();
  const hasNumber = "incidentNumber" in e.correlation;
  for (const key of keys) {
    if (VOLATILE_CORRELATION.has(key) && (key !== "incidentId" || hasNumber)) continue;
    parts.push(`${key}=${e.correlation[key]}`);
  }
  if (keys.length === 0 && !only)
    for (const key of DISCRIMINATORS)
      if (e.data[key] !== undefined) parts.push(`${key}=${JSON.stringify(e.data[key])}`);
  return parts.join("|");
}

/** An imported event holds only the correlation its export had: new events match on just that. */
function importedKeys(recorded: readonly JournalEvent[]): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  for (const e of recorded) {
    if (e.source !== "import") continue;
    const set = keys.get(e.type) ?? new Set<string>();
    for (const k of Object.keys(e.correlation)) set.add(k);
    keys.set(e.type, set);
  }
  return keys;
}

function groupBy(
  events: readonly JournalEvent[],
  restrict: Map<string, Set<string>>,
): Map<string, JournalEvent[]> {
  const groups = new Map<string, JournalEvent[]>();
  for (const e of events) {
    const key = identity(e, restrict.get(e.type));
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  return groups;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string" && PLACEHOLDER.test(a) && PLACEHOLDER.test(b))
    return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    // Key order is the producer's in memory and sorted in a file: it does not count.
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.every((k) => k in rb && sameValue(ra[k], rb[k]));
  }
  return a === b;
}

function fieldChanges(recorded: JournalEvent, now: JournalEvent): EventChange["fields"] {
  const fields: EventChange["fields"] = [];
  if (recorded.time !== now.time)
    fields.push({ field: "time", recorded: recorded.time, now: now.time });
  // An imported event holds only what the export held: only the fields both have are compared
  const keys =
    recorded.source === "import"
      ? // (people by name, which the summary compares, are ids in a run's events)
        Object.keys(recorded.data).filter((k) => k in now.data)
      : [...new Set([...Object.keys(recorded.data), ...Object.keys(now.data)])];
  for (const key of keys.sort())
    if (!sameValue(recorded.data[key], now.data[key]))
      fields.push({ field: `data.${key}`, recorded: recorded.data[key], now: now.data[key] });
  return fields;
}

/**
 * Pairs two groups of events with the same identity: those at the same time first, the rest in
 * order, so an event inserted into a series does not shift every later one.
 */
function pair(recorded: JournalEvent[], now: JournalEvent[]) {
  const pairs: [JournalEvent, JournalEvent][] = [];
  const freeNow = new Set(now);
  const leftRecorded: JournalEvent[] = [];
  const byTime = new Map<string, JournalEvent[]>();
  for (const e of now) byTime.set(e.time, [...(byTime.get(e.time) ?? []), e]);
  for (const r of recorded) {
    const match = byTime.get(r.time)?.shift();
    if (match) {
      pairs.push([r, match]);
      freeNow.delete(match);
    } else leftRecorded.push(r);
  }
  const leftNow = now.filter((e) => freeNow.has(e));
  const n = Math.min(leftRecorded.length, leftNow.length);
  for (let i = 0; i < n; i++)
    pairs.push([leftRecorded[i] as JournalEvent, leftNow[i] as JournalEvent]);
  return { pairs, removed: leftRecorded.slice(n), added: leftNow.slice(n) };
}

export function diffJournals(
  recordedEvents: readonly JournalEvent[],
  nowEvents: readonly JournalEvent[],
  options: DiffOptions = {},
): JournalDiff {
  const only = options.types ? new Set(options.types) : undefined;
  const keep = (e: JournalEvent) => !only || only.has(e.type);
  const recorded = recordedEvents.filter(keep);
  const now = nowEvents.filter(keep);
  const restrict = importedKeys(recorded);
  const a = groupBy(recorded, restrict);
  const b = groupBy(now, restrict);
  const added: JournalEvent[] = [];
  const removed: JournalEvent[] = [];
  const changed: EventChange[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const result = pair(a.get(key) ?? [], b.get(key) ?? []);
    added.push(...result.added);
    removed.push(...result.removed);
    for (const [r, n] of result.pairs) {
      const fields = fieldChanges(r, n);
      if (fields.length > 0) changed.push({ type: r.type, recorded: r, now: n, fields });
    }
  }
  const bySeq = (x: JournalEvent, y: JournalEvent) => x.seq - y.seq;
  added.sort(bySeq);
  removed.sort(bySeq);
  changed.sort((x, y) => x.recorded.seq - y.recorded.seq);

  const types = new Map<string, TypeDiff>();
  const row = (type: string) => {
    let t = types.get(type);
    if (!t) {
      t = { type, recorded: 0, now: 0, added: 0, removed: 0, changed: 0 };
      types.set(type, t);
    }
    return t;
  };
  for (const e of recorded) row(e.type).recorded++;
  for (const e of now) row(e.type).now++;
  for (const e of added) row(e.type).added++;
  for (const e of removed) row(e.type).removed++;
  for (const c of changed) row(c.type).changed++;
  const typeRows = [...types.values()]
    .filter((t) => t.added + t.removed + t.changed > 0)
    .sort((x, y) => (x.type < y.type ? -1 : 1));
  const same = added.length === 0 && removed.length === 0 && changed.length === 0;
  return {
    same,
    summary: same ? [] : [...consequences(recorded, now), ...countLines(typeRows)],
    types: typeRows,
    added,
    removed,
    changed,
  };
}

function countLines(rows: TypeDiff[]): string[] {
  const lines: string[] = [];
  for (const t of rows) {
    if (t.added > 0) lines.push(`+${t.added} ${t.type}`);
    if (t.removed > 0) lines.push(`-${t.removed} ${t.type}`);
  }
  return lines;
}

interface IncidentView {
  number: number;
  title: string;
  triggered?: string;
  acknowledged?: { time: string; by: string };
  resolved?: { time: string; by: string };
  /** First page per person, and how many times each was paged. */
  pages: Map<string, { first: string; count: number }>;
}

/** Incidents and pages as a journal tells them, people by name. */
function incidentsOf(events: readonly JournalEvent[]): Map<number, IncidentView> {
  const names = new Map<string, string>();
  for (const e of events)
    if (e.type === "responder.notified" && typeof e.data.user_name === "string")
      names.set(String(e.data.user), e.data.user_name);
  const incidents = new Map<number, IncidentView>();
  const view = (e: JournalEvent) => {
    const number = Number(e.data.incident_number ?? e.correlation.incidentNumber);
    let v = incidents.get(number);
    if (!v) {
      v = { number, title: String(e.data.title ?? ""), pages: new Map() };
      incidents.set(number, v);
    }
    if (!v.title && typeof e.data.title === "string") v.title = e.data.title;
    return v;
  };
  const by = (e: JournalEvent) =>
    String(e.data.by_name ?? names.get(String(e.data.by)) ?? e.data.by ?? "someone");
  for (const e of events) {
    if (e.type === "pagerduty.incident.triggered") view(e).triggered ??= e.time;
    else if (e.type === "pagerduty.incident.acknowledged")
      view(e).acknowledged ??= { time: e.time, by: by(e) };
    else if (e.type === "pagerduty.incident.resolved")
      view(e).resolved ??= { time: e.time, by: by(e) };
    else if (e.type === "responder.notified") {
      const person = String(e.data.user_name ?? e.data.user);
      const pages = view(e).pages;
      const page = pages.get(person);
      if (page) page.count++;
      else pages.set(person, { first: e.time, count: 1 });
    }
  }
  return incidents;
}

function consequences(recorded: readonly JournalEvent[], now: readonly JournalEvent[]): string[] {
  const before = incidentsOf(recorded);
  const after = incidentsOf(now);
  const lines: string[] = [];
  const numbers = [...new Set([...before.keys(), ...after.keys()])].sort((x, y) => x - y);
  for (const number of numbers) {
    const was = before.get(number);
    const is = after.get(number);
    const name = `incident #${number} (${(is ?? was)?.title || "untitled"})`;
    if (was?.triggered && !is?.triggered) {
      lines.push(`${name} no longer opens`);
      for (const person of was.pages.keys())
        lines.push(`${person} no longer paged (incident #${number})`);
      continue;
    }
    if (!was?.triggered && is?.triggered) {
      lines.push(`${name} now opens (${clock(is.triggered)})`);
      for (const [person, page] of is.pages)
        lines.push(`${person} now paged (incident #${number}, ${clock(page.first)})`);
      continue;
    }
    if (!was || !is) continue;
    const moved = when(was.triggered, is.triggered);
    if (moved) lines.push(`${name} opens ${moved}`);
    for (const step of ["acknowledged", "resolved"] as const) {
      const w = was[step];
      const n = is[step];
      if (w && !n)
        lines.push(`incident #${number} no longer ${step} (was ${clock(w.time)} by ${w.by})`);
      else if (!w && n) lines.push(`incident #${number} now ${step} (${clock(n.time)} by ${n.by})`);
      else if (w && n) {
        if (w.by !== n.by) lines.push(`incident #${number} ${step} by ${n.by} instead of ${w.by}`);
        const m = when(w.time, n.time);
        if (m) lines.push(`incident #${number} ${step} ${m}`);
      }
    }
    for (const person of new Set([...was.pages.keys(), ...is.pages.keys()])) {
      const w = was.pages.get(person);
      const n = is.pages.get(person);
      if (w && !n) lines.push(`${person} no longer paged (incident #${number})`);
      else if (!w && n) lines.push(`${person} now paged (incident #${number}, ${clock(n.first)})`);
      else if (w && n) {
        const m = when(w.first, n.first);
        if (m) lines.push(`${person} paged ${m} for incident #${number}`);
        if (w.count !== n.count)
          lines.push(
            `${person} paged ${n.count} time(s) instead of ${w.count} for incident #${number}`,
          );
      }
    }
  }
  return lines;
}

/** "3m later (09:14 → 09:17)", or undefined when the times are the same. */
function when(was: string | undefined, is: string | undefined): string | undefined {
  if (!was || !is || was === is) return undefined;
  const delta = Date.parse(is) - Date.parse(was);
  return `${duration(Math.abs(delta))} ${delta > 0 ? "later" : "earlier"} (${clock(was)} → ${clock(is)})`;
}

/** HH:MM on the journal's clock, with seconds when they are not zero. */
export function clock(iso: string): string {
  const hhmmss = iso.slice(11, 19);
  return hhmmss.endsWith(":00") ? hhmmss.slice(0, 5) : hhmmss;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return [h ? `${h}h` : "", m ? `${m}m` : "", rest ? `${rest}s` : ""].filter(Boolean).join(" ");
}

/** The diff for people: the consequences, then the counts per type, then a few changed events. */
export function renderDiff(diff: JournalDiff, options: { examples?: number } = {}): string {
  if (diff.same) return "no difference: the new journal matches the recording";
  const lines = [
    "What changed downstream:",
    ...(diff.summary.length > 0
      ? diff.summary.map((s) => `  ${s}`)
      : [`  nothing: ${diff.changed.length} event(s) differ only in their details`]),
    "",
    "Per type (recorded → now):",
  ];
  const width = Math.max(...diff.types.map((t) => t.type.length));
  for (const t of diff.types) {
    const parts = [
      t.added ? `+${t.added}` : "",
      t.removed ? `-${t.removed}` : "",
      t.changed ? `~${t.changed} changed` : "",
    ].filter(Boolean);
    lines.push(
      `  ${t.type.padEnd(width)}  ${String(t.recorded).padStart(6)} → ${String(t.now).padEnd(6)} ${parts.join(" ")}`,
    );
  }
  const examples = options.examples ?? 5;
  if (diff.changed.length > 0) {
    lines.push(
      "",
      `Changed events (first ${Math.min(examples, diff.changed.length)} of ${diff.changed.length}):`,
    );
    for (const c of diff.changed.slice(0, examples)) {
      const fields = c.fields
        .slice(0, 4)
        .map((f) => `${f.field} ${show(f.recorded)} → ${show(f.now)}`)
        .join("; ");
      lines.push(`  ~ ${c.type} (seq ${c.recorded.seq} → ${c.now.seq}): ${fields}`);
    }
  }
  for (const [sign, list] of [
    ["+", diff.added],
    ["-", diff.removed],
  ] as const) {
    if (list.length === 0) continue;
    lines.push(
      "",
      `${sign === "+" ? "Added" : "Removed"} events (first ${Math.min(examples, list.length)} of ${list.length}):`,
    );
    for (const e of list.slice(0, examples))
      lines.push(`  ${sign} ${e.time} ${e.type} ${JSON.stringify(e.correlation)}`);
  }
  return lines.join("\n");
}

function show(value: unknown): string {
  const text = value === undefined ? "(none)" : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
