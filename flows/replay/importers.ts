/**
 * Real exports turned into a replayable recording: CloudWatch Logs (`aws logs filter-log-events`
 * and `get-log-events` JSON), PagerDuty (`GET /incidents` and `GET /incidents/{id}/log_entries`
 * JSON) and Logz.io search results (`{hits: {hits: [{_source}]}}`). Log events become inputs put
 * into CloudWatch Logs; people's acknowledgements, resolutions and notes become inputs made through
 * PagerDuty's REST API; what the exports saw of incidents and pages becomes the observed journal
 * replay compares with. Nothing is invented: what has to be assumed to make a runnable scenario
 * (an alert rule, e-mail addresses) is listed in the report, and a scenario file can replace it.
 */
import type { JournalEvent } from "../../simulator/kernel/journal.js";
import { type Scenario, type ScenarioInput, scenarioSchema } from "../scenarios/schema.js";
import { RECORDING_FORMAT, RECORDING_VERSION, serializeRecording } from "./format.js";
import type { LogInput, PagerDutyInput, TimedInput } from "./inputs.js";
import { Redactor } from "./redact.js";

export type ExportKind = "cloudwatch" | "pagerduty-incidents" | "pagerduty-log-entries" | "logzio";

export interface ImportFile {
  file: string;
  text: string;
}

export interface FileReport {
  file: string;
  kind: ExportKind | "unknown";
  mapped: string[];
  unmapped: string[];
}

export interface ImportReport {
  files: FileReport[];
  /** What the recording's scenario assumes because no export says it. */
  assumed: string[];
}

export interface ImportResult {
  scenario: Scenario;
  inputs: TimedInput[];
  /** What the exports observed, as journal events (source "import"). */
  observed: JournalEvent[];
  /** The journal types the exports observed: only they are compared on replay. */
  compare: string[];
  report: ImportReport;
}

export interface ImportOptions {
  /** The app service of log events that do not name one (plain-text lines). */
  service?: string;
  /** A scenario supplying what the data lacks (alerts, on-call); the skeleton otherwise. */
  scenario?: Scenario;
}

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportError";
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function detectKind(value: unknown): ExportKind | undefined {
  if (!isObject(value)) return undefined;
  if (Array.isArray(value.incidents)) return "pagerduty-incidents";
  if (Array.isArray(value.log_entries)) return "pagerduty-log-entries";
  if (isObject(value.hits) && Array.isArray(value.hits.hits)) return "logzio";
  if (Array.isArray(value.events)) return "cloudwatch";
  return undefined;
}

const KIND_HINT =
  'expected {"events":[...]} (CloudWatch), {"incidents":[...]} or {"log_entries":[...]} (PagerDuty), or {"hits":{"hits":[...]}} (Logz.io)';

/** A service name the scenario accepts, from a PagerDuty service's or a log group's name. */
export function serviceName(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/^\/watermelon\/app\//, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+|-+$/g, "");
  return ["faults", "health", "status", "support", "webhooks"].includes(slug)
    ? `${slug}-svc`
    : slug || "imported";
}

interface User {
  id: string;
  name: string;
}

interface Incident {
  id: string;
  realNumber: number;
  number: number;
  title: string;
  createdAt: string;
  service: string;
  policy?: string;
}

export function importExports(
  files: readonly ImportFile[],
  options: ImportOptions = {},
): ImportResult {
  const reports: FileReport[] = [];
  const logs: { at: number; input: LogInput }[] = [];
  const actions: { at: number; input: PagerDutyInput }[] = [];
  const observed: Omit<JournalEvent, "seq">[] = [];
  const users = new Map<string, User>();
  const incidents = new Map<string, Incident>();
  const services = new Set<string>();
  const entryFiles: { report: FileReport; entries: unknown[] }[] = [];
  const plainText: string[] = [];

  const parsed = files.map(({ file, text }) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ImportError(`${file}: not JSON (${(error as Error).message})`);
    }
    const kind = detectKind(value);
    if (!kind) throw new ImportError(`${file}: not an export this importer reads: ${KIND_HINT}`);
    const report: FileReport = { file, kind, mapped: [], unmapped: [] };
    reports.push(report);
    return { file, value: value as Json, kind, report };
  });

  // Incidents first: log entries refer to them.
  const incidentList = parsed
    .filter((p) => p.kind === "pagerduty-incidents")
    .flatMap((p) =>
      (p.value.incidents as unknown[]).map((incident, i) => ({ incident, report: p.report, i })),
    );
  const valid = incidentList.filter(({ incident, report, i }) => {
    const ok =
      isObject(incident) &&
      typeof incident.id === "string" &&
      typeof incident.created_at === "string";
    if (!ok) report.unmapped.push(`incidents[${i}]: no id or created_at`);
    return ok;
  }) as { incident: Json; report: FileReport; i: number }[];
  valid.sort(
    (a, b) => Date.parse(String(a.incident.created_at)) - Date.parse(String(b.incident.created_at)),
  );
  for (const [n, { incident, report, i }] of valid.entries()) {
    const service = isObject(incident.service)
      ? String(incident.service.summary ?? incident.service.id)
      : undefined;
    const serviceSlug = service ? serviceName(service) : (options.service ?? "imported");
    services.add(serviceSlug);
    const record: Incident = {
      id: String(incident.id),
      realNumber: Number(incident.incident_number ?? n + 1),
      number: n + 1,
      title: String(incident.title ?? incident.summary ?? ""),
      createdAt: new Date(Date.parse(String(incident.created_at))).toISOString(),
      service: serviceSlug,
      ...(isObject(incident.escalation_policy) &&
      typeof incident.escalation_policy.summary === "string"
        ? { policy: incident.escalation_policy.summary }
        : {}),
    };
    incidents.set(record.id, record);
    observed.push({
      time: record.createdAt,
      type: "pagerduty.incident.triggered",
      source: "import",
      correlation: { incidentNumber: String(record.number) },
      data: { incident_number: record.number, title: record.title },
    });
    report.mapped.push(
      `incidents[${i}]: #${record.realNumber} "${record.title}" on ${service ?? "(no service)"} → incident #${record.number} of service ${serviceSlug}, opened ${record.createdAt}`,
    );
    for (const a of Array.isArray(incident.assignments) ? incident.assignments : [])
      if (isObject(a) && isObject(a.assignee)) addUser(users, a.assignee);
    for (const key of ["status", "resolved_at", "acknowledgements", "last_status_change_at"])
      if (incident[key] !== undefined && incident[key] !== null)
        report.mapped.push(
          `incidents[${i}].${key}: read from the log entries, not from the incident`,
        );
  }

  for (const p of parsed) {
    if (p.kind === "cloudwatch")
      importCloudWatch(p.value, p.report, options, logs, services, plainText);
    else if (p.kind === "logzio") importLogzio(p.value, p.report, options, logs, services);
    else if (p.kind === "pagerduty-log-entries")
      entryFiles.push({ report: p.report, entries: p.value.log_entries as unknown[] });
  }
  for (const { report, entries } of entryFiles)
    importLogEntries(entries, report, incidents, users, actions, observed);
  for (const r of reports) r.unmapped = collapse(r.unmapped);

  const inputs: TimedInput[] = [...logs, ...actions]
    .sort((a, b) => a.at - b.at)
    .map(({ at, input }) => ({ at: new Date(at).toISOString(), input }));
  const times = [
    ...inputs.map((i) => Date.parse(i.at)),
    ...observed.map((e) => Date.parse(e.time)),
  ];
  if (times.length === 0)
    throw new ImportError("nothing to import: the exports hold no log events and no incidents");
  const first = Math.min(...times);
  const last = Math.max(...times);
  const start = Math.floor(first / 60_000) * 60_000;
  const assumed: string[] = [];
  const scenario = buildScenario({
    start,
    last,
    services,
    users,
    incidents,
    options,
    assumed,
    plainText,
  });
  const events = observed
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
    .map((e, i) => ({ seq: i + 1, ...e }));
  return {
    scenario,
    inputs,
    observed: events,
    compare: [...new Set(events.map((e) => e.type))].sort(),
    report: { files: reports, assumed },
  };
}

function addUser(users: Map<string, User>, ref: Json): User | undefined {
  if (typeof ref.summary !== "string") return undefined;
  const id = String(ref.id ?? ref.summary);
  const user = users.get(id) ?? { id, name: ref.summary };
  users.set(id, user);
  return user;
}

function importCloudWatch(
  value: Json,
  report: FileReport,
  options: ImportOptions,
  logs: { at: number; input: LogInput }[],
  services: Set<string>,
  plainText: string[],
) {
  const events = value.events as unknown[];
  let mapped = 0;
  for (const [i, e] of events.entries()) {
    if (!isObject(e) || typeof e.timestamp !== "number" || typeof e.message !== "string") {
      report.unmapped.push(`events[${i}]: no numeric timestamp or string message`);
      continue;
    }
    const record = parseJsonObject(e.message);
    const service =
      typeof record?.service === "string" ? serviceName(record.service) : options.service;
    if (!service) {
      report.unmapped.push(`events[${i}]: a plain-text line names no service (give --service)`);
      continue;
    }
    if (!record) plainText.push(`${report.file}#events[${i}]`);
    services.add(service);
    const at = typeof e.ingestionTime === "number" ? e.ingestionTime : e.timestamp;
    logs.push({
      at,
      input: {
        type: "log",
        service,
        logStream: typeof e.logStreamName === "string" ? e.logStreamName : "imported",
        timestamp: new Date(e.timestamp).toISOString(),
        message: e.message,
        from: `${report.file}#events[${i}]${typeof e.eventId === "string" ? ` (${e.eventId})` : ""}`,
      },
    });
    mapped++;
  }
  if (mapped > 0)
    report.mapped.push(`${mapped} log event(s) → put into CloudWatch Logs at their ingestionTime`);
  if (events.some((e) => isObject(e) && e.logStreamName === undefined))
    report.mapped.push('events without logStreamName (get-log-events) → stream "imported"');
  if (events.some((e) => isObject(e) && e.ingestionTime === undefined))
    report.mapped.push("events without ingestionTime → put at their timestamp");
  for (const key of ["nextToken", "nextForwardToken"])
    if (typeof value[key] === "string")
      report.unmapped.push(
        `${key}: this file is one page of a longer result; the later pages are not in it`,
      );
  if (Array.isArray(value.searchedLogStreams))
    report.mapped.push(
      `searchedLogStreams: ${value.searchedLogStreams.length} stream(s) searched (informative)`,
    );
}

function parseJsonObject(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

// Fields the listener and the shipper add to a document: not part of the app's line.
const LOGZIO_ADDED = new Set([
  "@timestamp",
  "type",
  "tags",
  "logzio_codec",
  "_logzio_pattern",
  "_logzio_insights",
  "account",
  "beat",
  "logGroup",
  "logStream",
  "owner",
  "subscriptionFilters",
  "function_version",
  "invoked_function_arn",
]);

function importLogzio(
  value: Json,
  report: FileReport,
  options: ImportOptions,
  logs: { at: number; input: LogInput }[],
  services: Set<string>,
) {
  const hits = (value.hits as Json).hits as unknown[];
  const dropped = new Set<string>();
  let mapped = 0;
  for (const [i, hit] of hits.entries()) {
    const source = isObject(hit) && isObject(hit._source) ? hit._source : undefined;
    const time = source?.["@timestamp"] ?? source?.timestamp;
    if (!source || typeof time !== "string" || Number.isNaN(Date.parse(time))) {
      report.unmapped.push(`hits.hits[${i}]: no _source with an @timestamp`);
      continue;
    }
    const service =
      typeof source.service === "string" ? serviceName(source.service) : options.service;
    if (!service) {
      report.unmapped.push(`hits.hits[${i}]: names no service (give --service)`);
      continue;
    }
    services.add(service);
    const line: Json = {};
    for (const [k, v] of Object.entries(source)) {
      if (LOGZIO_ADDED.has(k)) dropped.add(k);
      else line[k] = v;
    }
    line.timestamp ??= time;
    const at = Date.parse(time);
    logs.push({
      at,
      input: {
        type: "log",
        service,
        logStream: typeof source.logStream === "string" ? source.logStream : "imported",
        timestamp: new Date(at).toISOString(),
        message: JSON.stringify(line),
        from: `${report.file}#hits.hits[${i}]`,
      },
    });
    mapped++;
  }
  if (mapped > 0)
    report.mapped.push(
      `${mapped} search hit(s) → log events at their @timestamp (Logz.io does not keep the ingestion time)`,
    );
  if (dropped.size > 0)
    report.unmapped.push(
      `fields added by Logz.io, left out of the log lines: ${[...dropped].sort().join(", ")}`,
    );
}

function importLogEntries(
  entries: unknown[],
  report: FileReport,
  incidents: Map<string, Incident>,
  users: Map<string, User>,
  actions: { at: number; input: PagerDutyInput }[],
  observed: Omit<JournalEvent, "seq">[],
) {
  const counts = new Map<string, number>();
  const count = (what: string) => counts.set(what, (counts.get(what) ?? 0) + 1);
  for (const [i, entry] of entries.entries()) {
    const where = `log_entries[${i}]`;
    if (
      !isObject(entry) ||
      typeof entry.type !== "string" ||
      typeof entry.created_at !== "string"
    ) {
      report.unmapped.push(`${where}: no type or created_at`);
      continue;
    }
    const ref = isObject(entry.incident) ? entry.incident : undefined;
    const incident = ref
      ? (incidents.get(String(ref.id)) ?? byNumberInSummary(incidents, ref))
      : undefined;
    if (!incident) {
      report.unmapped.push(
        `${entry.type}: its incident is not in an incidents export (export GET /incidents too)`,
      );
      continue;
    }
    const at = Date.parse(entry.created_at);
    const time = new Date(at).toISOString();
    const agent = isObject(entry.agent) ? entry.agent : undefined;
    const person = agent?.type === "user_reference" ? addUser(users, agent) : undefined;
    const correlation = { incidentNumber: String(incident.number) };
    const type = entry.type === "acknowledgement_log_entry" ? "acknowledge_log_entry" : entry.type;
    if (type === "acknowledge_log_entry" || type === "resolve_log_entry") {
      const acknowledge = type === "acknowledge_log_entry";
      observed.push({
        time,
        type: acknowledge ? "pagerduty.incident.acknowledged" : "pagerduty.incident.resolved",
        source: "import",
        correlation,
        data: { incident_number: incident.number, by_name: String(agent?.summary ?? "someone") },
      });
      if (person) {
        actions.push({
          at,
          input: {
            type: "pagerduty",
            action: acknowledge ? "acknowledge" : "resolve",
            incidentNumber: incident.number,
            user: person.name,
            from: `${report.file}#${where}`,
          },
        });
        count(
          `${type} by a person → ${acknowledge ? "acknowledge" : "resolve"} through the REST API`,
        );
      } else {
        count(
          `${type} by ${String(agent?.type ?? "no agent")} (a timeout or an event, not a person): observed, not replayed as an action`,
        );
      }
    } else if (type === "annotate_log_entry" && person) {
      const channel = isObject(entry.channel) ? entry.channel : {};
      const content = typeof entry.note === "string" ? entry.note : String(channel.summary ?? "");
      actions.push({
        at,
        input: {
          type: "pagerduty",
          action: "note",
          incidentNumber: incident.number,
          user: person.name,
          content,
          from: `${report.file}#${where}`,
        },
      });
      count("annotate_log_entry → a note through the REST API");
    } else if (type === "notify_log_entry" && isObject(entry.user)) {
      const user = addUser(users, entry.user);
      observed.push({
        time,
        type: "responder.notified",
        source: "import",
        correlation,
        data: { incident_number: incident.number, user_name: user?.name ?? "" },
      });
      count("notify_log_entry → an observed page");
    } else if (type === "trigger_log_entry") {
      count("trigger_log_entry: the incident's opening (its created_at)");
    } else {
      report.unmapped.push(`${type}: not replayed (the simulated PagerDuty decides it)`);
    }
  }
  for (const [what, n] of counts) report.mapped.push(`${n} ${what}`);
}

function byNumberInSummary(incidents: Map<string, Incident>, ref: Json): Incident | undefined {
  const match = /^\[#(\d+)\]/.exec(String(ref.summary ?? ""));
  if (!match) return undefined;
  return [...incidents.values()].find((i) => i.realNumber === Number(match[1]));
}

/** "x (3 times)" for repeated lines. */
function collapse(lines: string[]): string[] {
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].map(([l, n]) => (n > 1 ? `${l} (${n} times)` : l));
}

function buildScenario(args: {
  start: number;
  last: number;
  services: Set<string>;
  users: Map<string, User>;
  incidents: Map<string, Incident>;
  options: ImportOptions;
  assumed: string[];
  plainText: string[];
}): Scenario {
  const { start, last, options, assumed } = args;
  const startIso = new Date(start).toISOString();
  // The alert window and the time to act on what came last.
  const duration = Math.ceil((last - start) / 60_000) * 60_000 + 10 * 60_000;
  if (options.scenario) {
    assumed.push(
      `configuration from the given scenario "${options.scenario.name}"; its start moved to the data's first minute (${startIso})`,
    );
    return scenarioSchema.parse({
      ...options.scenario,
      start: startIso,
      duration: Math.max(options.scenario.duration, duration),
      timeline: [],
    });
  }
  const services = [...args.services].sort();
  if (services.length === 0) services.push(options.service ?? "imported");
  const users = [...args.users.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const people = users.map((u) => ({
    name: u.name,
    email: `${u.id.toLowerCase().replace(/[^a-z0-9]+/g, "-")}@imported.invalid`,
  }));
  const input: ScenarioInput = {
    name: "imported",
    title: "Imported from real exports",
    start: startIso,
    duration,
    seed: "import",
    services: services.map((name) => ({ name, tier: "silver" as const })),
    alerts: services.map((service) => ({
      title: `${service} errors`,
      service,
      query: `service:${service} AND level:error`,
      timeFrame: 300_000,
      severityThresholds: { HIGH: 1 },
    })),
    oncall: {
      users:
        people.length > 0
          ? people
          : [{ name: "Imported On-call", email: "on-call@imported.invalid" }],
      escalationPolicies: [
        {
          name: [...args.incidents.values()][0]?.policy ?? "Imported",
          rules: [
            {
              escalateAfter: 1_800_000,
              targets: (people.length > 0 ? people : [{ email: "on-call@imported.invalid" }]).map(
                (p) => ({ user: p.email }),
              ),
            },
          ],
        },
      ],
    },
    expect: { nothingLost: false },
  };
  assumed.push(
    `start ${startIso} (the data's first minute) and duration ${duration / 60_000}m (the data's span and 10 minutes)`,
    `services ${services.join(", ")}: tier silver (no tier in the data), no simulated traffic`,
    `alerts: the exports hold no alert rule; assumed one per service, "service:<name> AND level:error" over 5m, HIGH at 1 match (give a scenario file with the real rule)`,
    people.length > 0
      ? `on-call: ${people.map((p) => `${p.name} <${p.email}>`).join(", ")}: the exports give names, not e-mail addresses`
      : "on-call: nobody in the data; assumed one placeholder user",
    "escalation: one rule paging every person seen, after 30m (the exports do not hold the policy's rules)",
    "no simulated responders: people act only as the log entries say",
  );
  if (args.plainText.length > 0)
    assumed.push(
      `${args.plainText.length} plain-text log line(s): the default filter pattern { $.level = "error" } matches JSON lines only; override shipper.filterPattern to ship them`,
    );
  return scenarioSchema.parse(input);
}

/** The report for people: per file what was mapped and what was not, then the assumptions. */
export function renderImportReport(report: ImportReport): string {
  const lines: string[] = [];
  for (const f of report.files) {
    lines.push(`${f.file} (${f.kind}):`);
    for (const m of f.mapped) lines.push(`  mapped: ${m}`);
    for (const u of f.unmapped) lines.push(`  not mapped: ${u}`);
  }
  if (report.assumed.length > 0) {
    lines.push("assumed (not in the data):");
    for (const a of report.assumed) lines.push(`  ${a}`);
  }
  return lines.join("\n");
}

/** The recording of an import: its inputs, what the exports observed, and the report as notes. */
export function importedRecordingText(result: ImportResult, version: string): string {
  const redactor = new Redactor();
  const notes = renderImportReport(result.report).split("\n");
  return serializeRecording(
    {
      header: {
        kind: "header",
        format: RECORDING_FORMAT,
        version: RECORDING_VERSION,
        watermelon: version,
        origin: "import",
        scenario: result.scenario,
        seed: "import",
        redaction: "secrets",
        compare: result.compare,
        notes,
      },
      inputs: result.inputs.map((line) => ({
        kind: "input" as const,
        at: line.at,
        input: redactor.redactValue(line.input) as TimedInput["input"],
      })),
      events: result.observed.map((e) => redactor.redactEvent(e)),
    },
    redactor.size,
  );
}
