/**
 * Incidents (the spec's "Incidents" tag): list with PagerDuty's filters, get by id or number,
 * create, update one or many (acknowledge, resolve, reopen, reassign, escalate, delegate,
 * urgency, priority, title), snooze, and an incident's alerts. Every change goes through the
 * incident's lifecycle (../incidents), which writes the log entries, the journal and the
 * webhooks; a change the lifecycle refuses is answered with PagerDuty's error and changes
 * nothing, even when it is one of several in the same request.
 *
 * Decisions where PagerDuty's documents are silent (the errors are the table's, 14-Errors.md):
 * - An unknown incident is 404 with code 2100 "Not Found" (the router's), the table's "Incident
 *   Not Found" as its detail.
 * - Changing a resolved incident other than by reopening it (status triggered or acknowledged,
 *   as the spec describes) is 400 1001 "Incident Already Resolved", resolving it again too.
 * - Escalating a low-urgency incident, or to a level its policy does not have, is 400 1006
 *   "Cannot Escalate"; delegating to a policy with nobody on call is 400 1015.
 * - Acknowledging an acknowledged incident acknowledges it again (another acknowledger, the
 *   acknowledgement timeout restarted), as the lifecycle does; setting triggered on a triggered
 *   incident changes nothing.
 * - A user's changes come through the channel "website" (the spec's channel for a user agent).
 */

import { DateTime } from "luxon";
import { incidentsOf, policySnapshot } from "../incidents/index.js";
import type { Agent, IncidentLifecycleEvent } from "../lifecycle/index.js";
import { MAX_SNOOZE_SEC, MIN_SNOOZE_SEC } from "../lifecycle/index.js";
import type { Alert, EscalationPolicy, Incident, PagerDutyStore, User } from "../store.js";
import { invalidInput, invalidSinceUntil, notFound, RestError } from "./errors.js";
import {
  INCIDENT_STATUSES,
  readCreateBody,
  readUpdateBody,
  type UpdateIncidentBody,
  URGENCIES,
} from "./incidentBodies.js";
import { renderAlert, renderIncident, type ShapeOptions, shapeOptions } from "./incidentShapes.js";
import { created, ok, type RestContext, type RestRoute } from "./router.js";

/** "A maximum of 250 incidents may be updated at a time" (updateIncidents); more is a 413. */
export const MAX_INCIDENTS_PER_UPDATE = 250;
/** listIncidents: since/until "Maximum range is 6 months and default is 1 month". */
export const MAX_LIST_RANGE_MONTHS = 6;
export const DEFAULT_LIST_RANGE_MONTHS = 1;
/** listIncidents `sort_by`: "A maximum of two fields can be included". */
export const MAX_SORT_FIELDS = 2;

const CHANNEL = "website";

export const incidentNotFound = (id: string) =>
  notFound(["Incident Not Found", `No incident has the id or number ${JSON.stringify(id)}`]);
export const alreadyResolved = () => new RestError(400, 1001, "Incident Already Resolved");
const cannotEscalate = (why: string) => new RestError(400, 1006, "Cannot Escalate", [why]);
const noUserOnCall = (policy: EscalationPolicy) =>
  new RestError(400, 1015, "Escalation Policy Has No User On Call", [
    `Nobody is on call in escalation policy ${policy.id} (${policy.name})`,
  ]);

/** By id, or by number ("Accepts either an incident id, or an incident number"). */
export function findIncident(store: PagerDutyStore, idOrNumber: string): Incident {
  const byId = store.incident(idOrNumber);
  if (byId) return byId;
  if (/^\d+$/.test(idOrNumber)) {
    const number = Number(idOrNumber);
    const found = store.incidents().find((i) => i.incident_number === number);
    if (found) return found;
  }
  throw incidentNotFound(idOrNumber);
}

// Listing.

type SortField = "incident_number" | "created_at" | "resolved_at" | "urgency";
const SORT_FIELDS: readonly SortField[] = [
  "incident_number",
  "created_at",
  "resolved_at",
  "urgency",
];

function readSort(ctx: RestContext): { field: SortField; desc: boolean }[] {
  const raw = ctx.query.strings("sort_by").flatMap((s) => s.split(","));
  const sorts = raw
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const [field, dir = "asc", ...rest] = s.split(":");
      if (
        !SORT_FIELDS.includes(field as SortField) ||
        (dir !== "asc" && dir !== "desc") ||
        rest.length > 0
      ) {
        throw invalidInput([
          `Sort by ${JSON.stringify(s)} is invalid (fields: ${SORT_FIELDS.join(", ")}, each with :asc or :desc)`,
        ]);
      }
      return { field: field as SortField, desc: dir === "desc" };
    });
  if (sorts.length > MAX_SORT_FIELDS) {
    throw invalidInput([`Sort by takes at most ${MAX_SORT_FIELDS} fields`]);
  }
  return sorts;
}

function compare(a: Incident, b: Incident, field: SortField): number {
  switch (field) {
    case "incident_number":
      return a.incident_number - b.incident_number;
    case "created_at":
      return Date.parse(a.created_at) - Date.parse(b.created_at);
    case "urgency":
      return a.urgency.localeCompare(b.urgency);
    case "resolved_at": {
      // Incidents not resolved come last.
      if (a.resolved_at === null || b.resolved_at === null) {
        return a.resolved_at === b.resolved_at ? 0 : a.resolved_at === null ? 1 : -1;
      }
      return Date.parse(a.resolved_at) - Date.parse(b.resolved_at);
    }
  }
}

/**
 * An instant of `since`/`until`: ISO 8601, a date alone, or a time without an offset read in
 * `time_zone` (UTC, the account's zone, when none is given).
 */
export function readInstant(value: string, name: string, zone: string | null): number {
  const parsed = DateTime.fromISO(value, { zone: zone ?? "utc", setZone: false });
  if (!parsed.isValid) {
    throw invalidSinceUntil([`${name} ${JSON.stringify(value)} is not a date-time`]);
  }
  return parsed.toMillis();
}

function listRange(ctx: RestContext, zone: string | null): { since: number; until: number } | null {
  const range = ctx.query.string("date_range");
  if (range !== undefined && range !== "" && range !== "all") {
    throw invalidInput(['Date range is invalid (the only value is "all")']);
  }
  if (range === "all") return null;
  const sinceRaw = ctx.query.string("since");
  const untilRaw = ctx.query.string("until");
  const months = (ms: number, n: number) =>
    DateTime.fromMillis(ms, { zone: zone ?? "utc" })
      .plus({ months: n })
      .toMillis();
  // Without `until`, up to now included: an incident opened this instant is listed.
  const until =
    untilRaw !== undefined && untilRaw !== ""
      ? readInstant(untilRaw, "until", zone)
      : ctx.nowMs + 1;
  const since =
    sinceRaw !== undefined && sinceRaw !== ""
      ? readInstant(sinceRaw, "since", zone)
      : months(until, -DEFAULT_LIST_RANGE_MONTHS);
  if (since > until) throw invalidSinceUntil(["since must not be after until"]);
  if (months(since, MAX_LIST_RANGE_MONTHS) < until) {
    throw invalidSinceUntil([
      `The range from since to until is at most ${MAX_LIST_RANGE_MONTHS} months`,
    ]);
  }
  return { since, until };
}

function listIncidents(ctx: RestContext) {
  const o = shapeOptions(ctx);
  const q = ctx.query;
  const statuses = q.strings("statuses");
  if (statuses.some((s) => !INCIDENT_STATUSES.includes(s as (typeof INCIDENT_STATUSES)[number]))) {
    // The text of a real answer to a bad `statuses[]` (a hubot-pager-me report).
    throw invalidInput(["Status must be a list of triggered, acknowledged, or resolved."]);
  }
  const urgencies = q.strings("urgencies");
  if (urgencies.some((u) => !URGENCIES.includes(u as "high" | "low"))) {
    throw invalidInput(["Urgencies must be a list of high or low."]);
  }
  const services = new Set(q.strings("service_ids"));
  const teams = new Set(q.strings("team_ids"));
  const users = new Set(q.strings("user_ids"));
  const key = q.string("incident_key");
  const range = listRange(ctx, o.zone);
  const sorts = readSort(ctx);
  const { store } = ctx;

  const matches = (i: Incident) => {
    if (statuses.length > 0 && !statuses.includes(i.status)) return false;
    if (urgencies.length > 0 && !urgencies.includes(i.urgency)) return false;
    if (services.size > 0 && !services.has(i.service.id)) return false;
    if (teams.size > 0) {
      const serviceTeams = store.service(i.service.id)?.teams ?? [];
      if (!serviceTeams.some((t) => teams.has(t.id))) return false;
    }
    // "Returns only the incidents currently assigned to the passed user(s)."
    if (users.size > 0 && !i.assignments.some((a) => users.has(a.assignee.id))) return false;
    if (key !== undefined && key !== "" && i.incident_key !== key) {
      // "...will return incidents whose alerts have alert_key matching the given incident key."
      if (!i.alerts.some((a) => store.alert(a.id)?.alert_key === key)) return false;
    }
    if (range) {
      const at = Date.parse(i.created_at);
      if (at < range.since || at >= range.until) return false;
    }
    return true;
  };
  const found = store.incidents().filter(matches);
  const ordered =
    sorts.length === 0
      ? found
      : [...found].sort((a, b) => {
          for (const s of sorts) {
            const c = compare(a, b, s.field);
            if (c !== 0) return s.desc ? -c : c;
          }
          return a.incident_number - b.incident_number;
        });
  return ok(ctx.paginate("incidents", ordered, (i) => renderIncident(o, i)));
}

// Creating.

function createIncident(ctx: RestContext<User>) {
  const incidents = incidentsOf(ctx.store);
  const body = readCreateBody(ctx.store, ctx.entity("incident"));
  const { service } = body;
  if (service.status === "disabled") {
    throw invalidInput(["Incident could not be created: the service is disabled"]);
  }
  if (
    body.incidentKey !== undefined &&
    ctx.store.openIncidents(service.id).some((i) => i.incident_key === body.incidentKey)
  ) {
    // The text real answers give (several clients match on it), with code 2002.
    throw new RestError(400, 2002, "Arguments Caused Error", [
      "Open incident with matching dedup key already exists on this service",
    ]);
  }
  const policy = body.escalationPolicy ?? servicePolicy(ctx.store, service.escalation_policy?.id);
  if (!body.assignees && !someoneOnCall(ctx, policy)) throw noUserOnCall(policy);
  const incident = incidents.create({
    service,
    title: body.title,
    urgency: body.urgency ?? defaultUrgency(service),
    requester: ctx.requester,
    escalationPolicy: policy,
    ...(body.assignees ? { assignees: body.assignees } : {}),
    ...(body.incidentKey !== undefined ? { incidentKey: body.incidentKey } : {}),
    ...(body.priority !== undefined ? { priority: body.priority } : {}),
    ...(body.body ? { body: body.body } : {}),
  });
  return created({ incident: renderIncident(shapeOptions(ctx), incident) });
}

function servicePolicy(store: PagerDutyStore, id: string | undefined): EscalationPolicy {
  const policy = id === undefined ? undefined : store.escalationPolicy(id);
  if (!policy || policy.escalation_rules.length === 0) {
    throw invalidInput(["Incident could not be created: the service has no escalation policy"]);
  }
  return policy;
}

/** REST incidents have no severity: a severity-based rule gives them high urgency. */
function defaultUrgency(service: { incident_urgency_rule: { urgency: string } }): "high" | "low" {
  return service.incident_urgency_rule.urgency === "low" ? "low" : "high";
}

function someoneOnCall(ctx: RestContext, policy: EscalationPolicy): boolean {
  return incidentsOf(ctx.store).hasSomeoneOnCall(policy);
}

// Updating.

/** One step of an update: an event for the lifecycle, or a change of a field it does not keep. */
type Step =
  | { kind: "lifecycle"; event: IncidentLifecycleEvent }
  | { kind: "title"; title: string }
  | { kind: "priority"; priority: UpdateIncidentBody["priority"] };

/**
 * The steps of an update, in the order they are made: fields first, then the status. Throws
 * what PagerDuty answers for a change the incident's state forbids.
 */
function planUpdate(
  ctx: RestContext,
  incident: Incident,
  change: UpdateIncidentBody,
  by: Agent,
): Step[] {
  const steps: Step[] = [];
  if (change.title !== undefined) steps.push({ kind: "title", title: change.title });
  if (change.priority !== undefined) steps.push({ kind: "priority", priority: change.priority });
  const lifecycle = (event: IncidentLifecycleEvent) => steps.push({ kind: "lifecycle", event });
  const reopening =
    incident.status === "resolved" &&
    (change.status === "triggered" || change.status === "acknowledged");

  if (incident.status === "resolved") {
    if (change.status === "resolved") throw alreadyResolved();
    if (
      !reopening &&
      (change.urgency !== undefined ||
        change.escalationLevel !== undefined ||
        change.assignees !== undefined ||
        change.escalationPolicy !== undefined)
    ) {
      throw alreadyResolved();
    }
  }
  if (reopening) {
    // "When reopening an incident to the triggered status, it will be assigned based on the
    // assignees or escalation_policy fields in the request, otherwise it will be assigned to the
    // current Escalation Policy. When reopening ... to acknowledged, ... to the current user."
    const service = ctx.store.service(incident.service.id);
    const current =
      change.escalationPolicy ?? servicePolicyOf(ctx.store, service?.escalation_policy?.id);
    lifecycle({
      type: "REOPEN",
      status: change.status as "triggered" | "acknowledged",
      by,
      channel: CHANNEL,
      ...(change.assignees ? { assignees: change.assignees } : {}),
      ...(current ? { escalationPolicy: policySnapshot(current) } : {}),
    });
    if (change.urgency !== undefined && change.urgency !== incident.urgency) {
      lifecycle({ type: "URGENCY", urgency: change.urgency, by, channel: CHANNEL });
    }
    if (change.escalationLevel !== undefined) {
      lifecycle({ type: "ESCALATE", level: change.escalationLevel, by, channel: CHANNEL });
    }
    return steps;
  }
  if (incident.status === "resolved") return steps;

  if (change.urgency !== undefined && change.urgency !== incident.urgency) {
    lifecycle({ type: "URGENCY", urgency: change.urgency, by, channel: CHANNEL });
  }
  if (change.escalationPolicy) {
    if (!someoneOnCall(ctx, change.escalationPolicy)) throw noUserOnCall(change.escalationPolicy);
    lifecycle({
      type: "DELEGATE",
      escalationPolicy: policySnapshot(change.escalationPolicy),
      by,
      channel: CHANNEL,
    });
  }
  if (change.assignees) {
    lifecycle({ type: "REASSIGN", assignees: change.assignees, by, channel: CHANNEL });
  }
  if (change.escalationLevel !== undefined) {
    lifecycle({ type: "ESCALATE", level: change.escalationLevel, by, channel: CHANNEL });
  }
  if (change.status === "acknowledged") {
    lifecycle({ type: "ACKNOWLEDGE", by, channel: CHANNEL });
  } else if (change.status === "resolved") {
    lifecycle({
      type: "RESOLVE",
      by,
      channel: CHANNEL,
      ...(change.resolution === undefined ? {} : { resolution: change.resolution }),
    });
  } else if (change.status === "triggered") {
    // Acknowledged back to triggered; a triggered incident stays as it is.
    const acknowledged =
      incident.status === "acknowledged" ||
      steps.some((s) => s.kind === "lifecycle" && s.event.type === "ACKNOWLEDGE");
    if (acknowledged) lifecycle({ type: "UNACKNOWLEDGE", by, channel: CHANNEL });
  }
  return steps;
}

function servicePolicyOf(store: PagerDutyStore, id: string | undefined) {
  return id === undefined ? undefined : store.escalationPolicy(id);
}

/** Why the lifecycle refuses an event, as PagerDuty answers it. */
function refusalError(
  incident: Incident,
  event: IncidentLifecycleEvent,
  levels: number,
): RestError {
  switch (event.type) {
    case "ESCALATE":
      if (incident.urgency === "low") {
        return cannotEscalate("Low-urgency incidents cannot be escalated");
      }
      return cannotEscalate(
        `Escalation level must be between 1 and ${levels}, the levels of the incident's escalation policy`,
      );
    case "REASSIGN":
      return new RestError(400, 1011, "Cannot process reassign action", [
        "The incident cannot be reassigned now",
      ]);
    case "DELEGATE":
      return new RestError(400, 1014, "Escalation Policy Not Found", [
        "The escalation policy cannot be followed (its rules or schedules)",
      ]);
    case "SNOOZE":
      return incident.status === "acknowledged"
        ? new RestError(400, 1013, "Snooze Duration is Invalid")
        : new RestError(400, 1012, "Incident is not Acknowledged");
    default:
      if (incident.status === "resolved") return alreadyResolved();
      return invalidInput([`The incident cannot take ${event.type.toLowerCase()} now`]);
  }
}

/** Checks every step against the incident's state, then makes them; all or nothing. */
function applyUpdate(ctx: RestContext, incident: Incident, steps: Step[], by: Agent): void {
  const incidents = incidentsOf(ctx.store);
  const events = steps.flatMap((s) => (s.kind === "lifecycle" ? [s.event] : []));
  const refused = incidents.refusal(incident, events);
  if (refused >= 0) {
    throw refusalError(
      incident,
      events[refused] as IncidentLifecycleEvent,
      incidents.levels(incident),
    );
  }
  for (const step of steps) {
    if (step.kind === "title") incidents.setTitle(incident, step.title, by);
    else if (step.kind === "priority") incidents.setPriority(incident, step.priority ?? null, by);
    else if (!incidents.send(incident, step.event)) {
      throw refusalError(incident, step.event, incidents.levels(incident));
    }
  }
}

function updateIncident(ctx: RestContext<User>) {
  const incident = findIncident(ctx.store, ctx.params.id as string);
  const change = readUpdateBody(ctx.store, ctx.entity("incident"));
  const steps = planUpdate(ctx, incident, change, ctx.requester.id);
  applyUpdate(ctx, incident, steps, ctx.requester.id);
  return ok({ incident: renderIncident(shapeOptions(ctx), incident) });
}

function updateIncidents(ctx: RestContext<User>) {
  const body = ctx.body;
  const items =
    typeof body === "object" && body !== null
      ? (body as Record<string, unknown>).incidents
      : undefined;
  if (!Array.isArray(items)) {
    throw invalidInput(['incidents must be an array wrapped as {"incidents": [...]}']);
  }
  if (items.length > MAX_INCIDENTS_PER_UPDATE) {
    throw new RestError(413, 2001, "Invalid Input Provided", [
      `A maximum of ${MAX_INCIDENTS_PER_UPDATE} incidents may be updated at a time; got ${items.length}`,
    ]);
  }
  // Every item is read and checked before any is changed.
  const planned = items.map((item, index) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw invalidInput([`incidents[${index}] must be an object`]);
    }
    const fields = item as Record<string, unknown>;
    if (typeof fields.id !== "string" || fields.id === "") {
      throw invalidInput([`incidents[${index}]: Id can't be blank`]);
    }
    const incident = findIncident(ctx.store, fields.id);
    const change = readUpdateBody(ctx.store, fields);
    return { incident, steps: planUpdate(ctx, incident, change, ctx.requester.id) };
  });
  const incidents = incidentsOf(ctx.store);
  const ids = planned.map((p) => p.incident.id);
  if (new Set(ids).size !== ids.length) {
    throw invalidInput(["An incident can be named only once in one update"]);
  }
  for (const { incident, steps } of planned) {
    const events = steps.flatMap((s) => (s.kind === "lifecycle" ? [s.event] : []));
    const refused = incidents.refusal(incident, events);
    if (refused >= 0) {
      throw refusalError(
        incident,
        events[refused] as IncidentLifecycleEvent,
        incidents.levels(incident),
      );
    }
  }
  for (const { incident, steps } of planned) applyUpdate(ctx, incident, steps, ctx.requester.id);
  const o = shapeOptions(ctx);
  return ok(
    ctx.paginate(
      "incidents",
      planned.map((p) => p.incident),
      (i) => renderIncident(o, i),
    ),
  );
}

// Snooze, alerts.

function snoozeIncident(ctx: RestContext<User>) {
  const incident = findIncident(ctx.store, ctx.params.id as string);
  const body = ctx.body;
  const duration =
    typeof body === "object" && body !== null
      ? (body as Record<string, unknown>).duration
      : undefined;
  if (incident.status === "resolved") throw alreadyResolved();
  if (incident.status !== "acknowledged") {
    throw new RestError(400, 1012, "Incident is not Acknowledged", [
      "Only an acknowledged incident can be snoozed",
    ]);
  }
  if (
    typeof duration !== "number" ||
    !Number.isInteger(duration) ||
    duration < MIN_SNOOZE_SEC ||
    duration > MAX_SNOOZE_SEC
  ) {
    throw new RestError(400, 1013, "Snooze Duration is Invalid", [
      `Duration must be a whole number of seconds from ${MIN_SNOOZE_SEC} to ${MAX_SNOOZE_SEC}`,
    ]);
  }
  applyUpdate(
    ctx,
    incident,
    [
      {
        kind: "lifecycle",
        event: { type: "SNOOZE", durationSec: duration, by: ctx.requester.id, channel: CHANNEL },
      },
    ],
    ctx.requester.id,
  );
  return created({ incident: renderIncident(shapeOptions(ctx), incident) });
}

const ALERT_STATUSES = ["triggered", "resolved"];
const ALERT_SORTS = ["created_at", "resolved_at"];

function listIncidentAlerts(ctx: RestContext) {
  const incident = findIncident(ctx.store, ctx.params.id as string);
  const o: ShapeOptions = shapeOptions(ctx);
  const statuses = ctx.query.strings("statuses");
  if (statuses.some((s) => !ALERT_STATUSES.includes(s))) {
    throw invalidInput(["Status must be a list of triggered or resolved."]);
  }
  const key = ctx.query.string("alert_key");
  const sort = ctx.query.string("sort_by");
  let order: { field: string; desc: boolean } | undefined;
  if (sort !== undefined && sort !== "") {
    const [field, dir = "asc"] = sort.split(":");
    if (!ALERT_SORTS.includes(field as string) || (dir !== "asc" && dir !== "desc")) {
      throw invalidInput([
        `Sort by ${JSON.stringify(sort)} is invalid (created_at or resolved_at, with :asc or :desc)`,
      ]);
    }
    order = { field: field as string, desc: dir === "desc" };
  }
  let alerts = incident.alerts
    .map((r) => ctx.store.alert(r.id))
    .filter((a): a is Alert => a !== undefined)
    .filter((a) => statuses.length === 0 || statuses.includes(a.status))
    .filter((a) => key === undefined || key === "" || a.alert_key === key);
  if (order) {
    const { field, desc } = order;
    const at = (a: Alert) => {
      const value = field === "created_at" ? a.created_at : a.resolved_at;
      return value === null ? Number.POSITIVE_INFINITY : Date.parse(value);
    };
    alerts = [...alerts].sort((a, b) => (desc ? at(b) - at(a) : at(a) - at(b)));
  }
  return ok(ctx.paginate("alerts", alerts, (a) => renderAlert(o, a)));
}

export const incidentRoutes: RestRoute[] = [
  { method: "GET", path: "/incidents", operationId: "listIncidents", handler: listIncidents },
  {
    method: "POST",
    path: "/incidents",
    operationId: "createIncident",
    from: "required",
    handler: createIncident,
  },
  {
    method: "PUT",
    path: "/incidents",
    operationId: "updateIncidents",
    from: "required",
    handler: updateIncidents,
  },
  {
    method: "GET",
    path: "/incidents/{id}",
    operationId: "getIncident",
    handler: (ctx) =>
      ok({
        incident: renderIncident(
          shapeOptions(ctx),
          findIncident(ctx.store, ctx.params.id as string),
        ),
      }),
  },
  {
    method: "PUT",
    path: "/incidents/{id}",
    operationId: "updateIncident",
    from: "required",
    handler: updateIncident,
  },
  {
    method: "POST",
    path: "/incidents/{id}/snooze",
    operationId: "createIncidentSnooze",
    from: "required",
    handler: snoozeIncident,
  },
  {
    method: "GET",
    path: "/incidents/{id}/alerts",
    operationId: "listIncidentAlerts",
    handler: listIncidentAlerts,
  },
];
