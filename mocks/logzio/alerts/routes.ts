import type { ApiError } from "../apiErrors.js";
import type { LogzioAccount } from "../store.js";
import { type AlertRequestProblem, alertResponse, parseAlertRequest, SEVERITIES } from "./model.js";
import type { AlertsService } from "./service.js";

const ok = (body: unknown, status = 200): ApiError => ({ status, body });
/** The body the Go client's fixtures show for a missing alert (`alert id N not found`). */
const alertNotFound = (id: string): ApiError => ({ status: 404, body: `alert id ${id} not found` });
const invalid = (message: string): ApiError => ({ status: 400, body: { message } });

/**
 * A refused create or update. Logz.io answers a bare JSON string with no reason (the Go client's
 * `create_alert_failed.txt`, and logzio/public-api#40 for a body missing a field); the update text
 * is its counterpart. What the simulator cannot evaluate is named instead, so it is never
 * mistaken for a mistake in the alert.
 */
function refused(action: "create" | "update", problem: AlertRequestProblem): ApiError {
  if (problem.kind === "unsupported") return invalid(problem.message);
  return { status: 400, body: `Failed to ${action} alert`, reason: problem.message };
}

/**
 * `/v2/alerts[...]` and `/v1/alerts/triggered-alerts`; undefined when the path is not one of them.
 * `json` is the parsed body (undefined when there was none); `query` the URL's parameters, which
 * the spec names for triggered alerts.
 */
export function routeAlerts(
  alerts: AlertsService,
  account: LogzioAccount,
  method: string,
  path: string,
  json: unknown,
  query: URLSearchParams = new URLSearchParams(),
): ApiError | undefined {
  if (path === "/v1/alerts/triggered-alerts" && method === "POST") {
    return triggeredAlerts(alerts, account, json, query);
  }
  if (path === "/v2/alerts") {
    if (method === "GET") return ok(alerts.list(account));
    if (method === "POST") {
      const parsed = parseAlertRequest(json);
      if (!parsed.ok) return refused("create", parsed);
      return ok(alertResponse(alerts.create(account, parsed.value)));
    }
    return undefined;
  }
  const m = /^\/v2\/alerts\/([^/]+)(?:\/(enable|disable))?$/.exec(path);
  if (!m) return undefined;
  const rawId = m[1] ?? "";
  const alert = /^\d+$/.test(rawId) ? alerts.get(account, Number(rawId)) : undefined;
  const action = m[2];
  if (action) {
    if (method !== "POST") return undefined;
    if (!alert) return alertNotFound(rawId);
    alerts.setEnabled(alert, action === "enable");
    // The Go client accepts only 204 here.
    return { status: 204, body: undefined };
  }
  if (method === "GET") return alert ? ok(alertResponse(alert)) : alertNotFound(rawId);
  if (method === "DELETE") {
    if (!alert) return alertNotFound(rawId);
    alerts.delete(alert);
    return ok("ok");
  }
  if (method === "PUT") {
    if (!alert) return alertNotFound(rawId);
    const parsed = parseAlertRequest(json);
    if (!parsed.ok) return refused("update", parsed);
    return ok(alertResponse(alerts.update(alert, parsed.value)));
  }
  return undefined;
}

/**
 * The spec types the reply as an array of pages but its README and clients read one object
 * `{pageSize, from, total, results}`: this answers the object. The spec names the filters as
 * query parameters and the README as a JSON body: both are read, the body winning.
 */
function triggeredAlerts(
  alerts: AlertsService,
  account: LogzioAccount,
  json: unknown,
  params: URLSearchParams,
): ApiError {
  const q = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const number = (name: string, fallback: number) => {
    const v = q[name] ?? params.get(name) ?? undefined;
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    return typeof n === "number" && Number.isFinite(n) ? n : fallback;
  };
  const list = (name: string) => {
    const v = q[name];
    if (Array.isArray(v)) return v.map(String);
    if (typeof v === "string") return [v];
    // Repeated (`?tags=a&tags=b`) or comma-separated (`?tags=a,b`).
    return params.getAll(name).flatMap((s) => s.split(",").filter((t) => t !== ""));
  };
  const text = (name: string) => {
    const v = q[name] ?? params.get(name);
    return typeof v === "string" ? v : undefined;
  };
  const from = Math.max(0, Math.trunc(number("from", 0)));
  const size = Math.max(0, Math.trunc(number("size", 25)));
  const search = (text("search") ?? "").toLowerCase();
  const severities = list("severities");
  const tags = list("tags");
  if (severities.some((s) => !(SEVERITIES as readonly string[]).includes(s))) {
    return invalid(`severities must be among ${SEVERITIES.join(", ")}`);
  }
  const bySeverity = text("sortBy") === "SEVERITY";
  const desc = text("sortOrder") !== "ASC";
  const rank = (s: string) => SEVERITIES.length - SEVERITIES.indexOf(s as never);
  const results = alerts
    .triggered(account)
    .filter((e) => !search || e.title.toLowerCase().includes(search))
    .filter((e) => severities.length === 0 || severities.includes(e.severity))
    .filter((e) => tags.length === 0 || tags.some((t) => e.tags.includes(t)))
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const d = bySeverity ? rank(a.e.severity) - rank(b.e.severity) : a.e.eventMs - b.e.eventMs;
      return (desc ? -d : d) || a.i - b.i;
    })
    .map(({ e }) => e);
  const page = results.slice(from, from + size).map((e) => ({
    alertId: e.alertId,
    name: e.title,
    eventDate: e.eventMs / 1000,
    severity: e.severity,
    groupBy: e.groupBy,
    hits: e.hits,
    alertWindowStartDate: Math.floor(e.windowStartMs / 1000),
    alertWindowEndDate: Math.floor(e.windowEndMs / 1000),
    status: e.suppressed ? "SUPPRESSED" : "TRIGGERED",
  }));
  return ok({ pageSize: page.length, from, total: results.length, results: page });
}
