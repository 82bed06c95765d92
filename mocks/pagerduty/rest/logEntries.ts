/**
 * Log entries: `GET /incidents/{id}/log_entries`, `GET /log_entries` (the whole account) and
 * `GET /log_entries/{id}`, newest first as PagerDuty lists them, with `since`/`until`,
 * `is_overview`, `include[]` (incidents) and `time_zone`.
 *
 * Decisions where PagerDuty's documents are silent:
 * - `is_overview=true` ("a subset of log entries that show only the most important changes")
 *   keeps the changes of status, assignment, urgency and the notes: it leaves out notifications,
 *   snoozes and the repeat and exhaust entries of the escalation path.
 * - Without `since`/`until` every entry is listed (no default range is documented here).
 */
import type { LogEntry, LogEntryType } from "../store.js";
import { invalidSinceUntil, notFound } from "./errors.js";
import { renderLogEntry, shapeOptions } from "./incidentShapes.js";
import { findIncident, readInstant } from "./incidents.js";
import { ok, type RestContext, type RestRoute } from "./router.js";

const OVERVIEW: ReadonlySet<LogEntryType> = new Set<LogEntryType>([
  "trigger_log_entry",
  "acknowledge_log_entry",
  "unacknowledge_log_entry",
  "resolve_log_entry",
  "assign_log_entry",
  "escalate_log_entry",
  "delegate_log_entry",
  "annotate_log_entry",
  "urgency_change_log_entry",
]);

function listEntries(ctx: RestContext, entries: readonly LogEntry[]) {
  const o = shapeOptions(ctx);
  const overview = ctx.query.boolean("is_overview", false);
  const since = ctx.query.string("since");
  const until = ctx.query.string("until");
  const from = since ? readInstant(since, "since", o.zone) : undefined;
  const to = until ? readInstant(until, "until", o.zone) : undefined;
  if (from !== undefined && to !== undefined && from > to) {
    throw invalidSinceUntil(["since must not be after until"]);
  }
  const teams = new Set(ctx.query.strings("team_ids"));
  const selected = entries.filter((e) => {
    if (overview && !OVERVIEW.has(e.type)) return false;
    const at = Date.parse(e.created_at);
    if (from !== undefined && at < from) return false;
    if (to !== undefined && at >= to) return false;
    if (teams.size > 0) {
      const serviceTeams = ctx.store.service(e.service.id)?.teams ?? [];
      if (!serviceTeams.some((t) => teams.has(t.id))) return false;
    }
    return true;
  });
  // Newest first; entries of one instant latest-written first.
  const ordered = selected.map((e, i) => ({ e, i })).reverse();
  ordered.sort((a, b) => Date.parse(b.e.created_at) - Date.parse(a.e.created_at) || b.i - a.i);
  return ok(ctx.paginate("log_entries", ordered, ({ e }) => renderLogEntry(o, e)));
}

export const logEntryRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/incidents/{id}/log_entries",
    operationId: "listIncidentLogEntries",
    handler(ctx) {
      const incident = findIncident(ctx.store, ctx.params.id as string);
      return listEntries(
        ctx,
        ctx.store.logEntries().filter((e) => e.incident.id === incident.id),
      );
    },
  },
  {
    method: "GET",
    path: "/log_entries",
    operationId: "listLogEntries",
    handler: (ctx) => listEntries(ctx, ctx.store.logEntries()),
  },
  {
    method: "GET",
    path: "/log_entries/{id}",
    operationId: "getLogEntry",
    handler(ctx) {
      const entry = ctx.store.logEntry(ctx.params.id as string);
      if (!entry) {
        throw notFound([
          "Log Entry Not Found",
          `No log entry has the id ${JSON.stringify(ctx.params.id)}`,
        ]);
      }
      return ok({ log_entry: renderLogEntry(shapeOptions(ctx), entry) });
    },
  },
];
