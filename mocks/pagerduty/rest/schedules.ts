/**
 * On-call schedules: `GET|POST /schedules`, `GET|PUT|DELETE /schedules/{id}`,
 * `GET|POST /schedules/{id}/overrides`, `DELETE /schedules/{id}/overrides/{override_id}` and
 * `GET /schedules/{id}/users`, over the schedule store (../schedules/store.ts) and the pure
 * computation of ../schedules (layers, restrictions, overrides, the final schedule).
 *
 * What PagerDuty does that clients notice, and what this module does alike:
 * - Layers come back in the reverse of the order a create or update body gave them: the
 *   highest layer (the one that wins) first. PagerDuty's own support script for re-sending a
 *   schedule says so ("a GET request and a POST or PUT request for a schedule will have
 *   schedule layers in opposite order", PagerDuty/public-support-scripts#60), and
 *   terraform-provider-pagerduty reverses what it reads (flattenScheduleLayers).
 * - A layer created with a `start` in the past starts at the time of the request (see
 *   ../schedules/body.ts); its rotation keeps its `rotation_virtual_start`, so who is on call
 *   from then on is as asked.
 * - Nothing is rendered without `since` or `until` (the spec: "Since or until must be set in
 *   order for this field to be populated"): `rendered_schedule_entries` is empty and
 *   `rendered_coverage_percentage` null. With one of them, the other is two weeks away.
 * - A schedule that an escalation policy targets cannot be deleted: 400 2001 "Schedule can't be
 *   deleted if it's being used by escalation policies" (the text of real answers quoted in
 *   terraform-provider-pagerduty#561 and #693).
 * - POST /schedules/{id}/overrides takes `{"overrides": [...]}` and answers 201 with one
 *   `{status, override, errors?}` per override (the spec's example), and still takes the
 *   deprecated `{"override": {...}}`, which pagerduty-cli's `schedule override add` sends and
 *   which is answered `{"override": {...}}`. A later override wins where two overlap.
 * - DELETE of an override: 204 for a future one, 200 with the override truncated to now for
 *   one in progress, 400 for a past one ("You cannot remove a past override").
 *
 * Decisions where PagerDuty documents nothing: an unknown schedule or override is 404 2100
 * "Not Found", as every unknown id in this API; `since`/`until` that cannot be read are 400
 * 2004 (the errors table's "Invalid time values in 'since' and/or 'until' parameters"), a range
 * that ends before it starts or is too long to render is 400 2005 "Invalid Query Date Range";
 * override ids are P + 6 like every other id here (PagerDuty's own are Q + 13). The list is
 * sorted by name. `GET /schedules/{id}/overrides` answers 200 (the spec gives its body under a
 * 201).
 */

import {
  inputErrorText,
  readOverrideBody,
  readScheduleBody,
  ScheduleBodyError,
} from "../schedules/body.js";
import {
  DEFAULT_RENDER_SPAN_SECONDS,
  formatInstant,
  isTimeZone,
  nextOnCallForUser,
  parseInstant,
  type RenderedScheduleEntry,
  type RenderRange,
  renderSchedule as renderComputed,
  ScheduleInputError,
  scheduleUsers,
} from "../schedules/index.js";
import type { StoredOverride, StoredSchedule, StoredScheduleLayer } from "../schedules/store.js";
import type { EscalationPolicy, PagerDutyStore, User } from "../store.js";
import { invalidInput, invalidSinceUntil, notFound, RestError } from "./errors.js";
import type { RenderedReference } from "./render.js";
import { created, noContent, ok, type RestContext, type RestRoute } from "./router.js";
import { renderUser } from "./shapes.js";

/** 400 2005 "Invalid Query Date Range" (REST-API/14-Errors.md). */
export const invalidDateRange = (errors: readonly string[]) =>
  new RestError(400, 2005, "Invalid Query Date Range", errors);

/** The text of real answers refusing to delete a schedule a policy targets (see above). */
export const SCHEDULE_IN_USE_TEXT =
  "Schedule can't be deleted if it's being used by escalation policies";

/** DELETE /schedules/{id}/overrides/{override_id}: "You cannot remove a past override." */
export const PAST_OVERRIDE_TEXT = "You cannot remove a past override";

const SUBSCHEDULES = ["schedule_layers", "overrides_subschedule", "final_schedule"] as const;
type Subschedule = (typeof SUBSCHEDULES)[number];

// Query parameters.

/** `time_zone`, else `fallback`; a zone PagerDuty would not know is 400 2001. */
export function timeZoneParam(ctx: RestContext, fallback: string): string {
  const zone = ctx.query.string("time_zone");
  if (zone === undefined || zone === "") return fallback;
  if (!isTimeZone(zone)) {
    throw invalidInput([
      `Time zone is invalid: ${JSON.stringify(zone)} (expected an IANA time zone such as "America/New_York")`,
    ]);
  }
  return zone;
}

/** A `since` or `until` parameter in epoch ms (read in `zone` without an offset); 400 2004. */
export function instantParam(ctx: RestContext, name: string, zone: string): number | undefined {
  const value = ctx.query.string(name);
  if (value === undefined || value === "") return undefined;
  try {
    return parseInstant(value, name, zone);
  } catch (error) {
    if (error instanceof ScheduleInputError) throw invalidSinceUntil([`${name}: ${error.detail}`]);
    throw error;
  }
}

/**
 * The range a schedule is rendered over: `since` and `until`, the missing one two weeks from
 * the other, or null when neither is given.
 */
function renderRangeParam(ctx: RestContext, zone: string): RenderRange | null {
  const since = instantParam(ctx, "since", zone);
  const until = instantParam(ctx, "until", zone);
  const span = DEFAULT_RENDER_SPAN_SECONDS * 1000;
  if (since === undefined && until === undefined) return null;
  const range = {
    since: since ?? (until as number) - span,
    until: until ?? (since as number) + span,
  };
  if (range.until <= range.since) throw invalidDateRange(["until must be after since"]);
  return range;
}

/** Runs a computation, turning what it refuses about the query into 400 2005. */
function computing<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ScheduleInputError) throw invalidDateRange([inputErrorText(error)]);
    throw error;
  }
}

// Rendering.

export const userReferenceById = (ctx: RestContext, id: string): RenderedReference =>
  ctx.render.reference("user", id, ctx.store.user(id)?.name ?? null);

export const scheduleReferenceById = (ctx: RestContext, id: string): RenderedReference =>
  ctx.render.reference("schedule", id, ctx.store.schedule(id)?.name ?? null);

/** The escalation policies whose rules target a schedule, in the account's order. */
export function policiesTargeting(store: PagerDutyStore, scheduleId: string): EscalationPolicy[] {
  return store
    .escalationPolicies()
    .filter((p) =>
      p.escalation_rules.some((r) =>
        r.targets.some((t) => t.type.startsWith("schedule") && t.id === scheduleId),
      ),
    );
}

/** The users of a schedule's layers, layer by layer in rotation order, each once. */
function layerUserIds(s: StoredSchedule): string[] {
  return [...new Set(s.schedule_layers.flatMap((l) => l.users.map((u) => u.user.id)))];
}

function renderEntries(ctx: RestContext, entries: readonly RenderedScheduleEntry[]) {
  return entries.map((e) => ({
    start: e.start,
    end: e.end,
    user: userReferenceById(ctx, e.user.id),
  }));
}

interface Rendering {
  rendered_schedule_entries: RenderedScheduleEntry[];
  rendered_coverage_percentage: number | null;
}
const NOTHING_RENDERED: Rendering = {
  rendered_schedule_entries: [],
  rendered_coverage_percentage: null,
};

function renderLayer(
  ctx: RestContext,
  layer: StoredScheduleLayer,
  zone: string,
  rendering: Rendering,
) {
  const at = (iso: string) => formatInstant(Date.parse(iso), zone);
  return {
    id: layer.id,
    name: layer.name,
    start: at(layer.start),
    end: layer.end === null ? null : at(layer.end),
    rotation_virtual_start: at(layer.rotation_virtual_start),
    rotation_turn_length_seconds: layer.rotation_turn_length_seconds,
    users: layer.users.map((u) => ({ user: userReferenceById(ctx, u.user.id) })),
    restrictions: layer.restrictions.map((r) => ({ ...r })),
    rendered_schedule_entries: renderEntries(ctx, rendering.rendered_schedule_entries),
    rendered_coverage_percentage: rendering.rendered_coverage_percentage,
  };
}

export interface ScheduleRenderOptions {
  /** Which of schedule_layers, overrides_subschedule and final_schedule to include. */
  include: ReadonlySet<string>;
  /** The range rendered; null renders no entries. */
  range: RenderRange | null;
  /** The zone timestamps are written in. */
  zone: string;
  overflow?: boolean;
  /** `include_next_oncall_for_user`: a user id. */
  nextOncallFor?: string;
}

/** A schedule as the REST API shows it (OpenAPI `Schedule`). */
export function renderSchedule(ctx: RestContext, s: StoredSchedule, o: ScheduleRenderOptions) {
  const wanted = SUBSCHEDULES.filter((k) => o.include.has(k));
  const overrides = ctx.store.schedules.overrides(s.id);
  const computed =
    wanted.length > 0 && o.range
      ? computing(() =>
          renderComputed(
            s,
            overrides,
            (o.range as RenderRange).since,
            (o.range as RenderRange).until,
            {
              timeZone: o.zone,
              overflow: o.overflow ?? false,
            },
          ),
        )
      : undefined;
  const sub = (name: "Final Schedule" | "Overrides", r: Rendering | undefined) => ({
    name,
    rendered_schedule_entries: renderEntries(
      ctx,
      (r ?? NOTHING_RENDERED).rendered_schedule_entries,
    ),
    rendered_coverage_percentage: (r ?? NOTHING_RENDERED).rendered_coverage_percentage,
  });
  const next = o.nextOncallFor
    ? nextOnCallForUser(s, overrides, o.nextOncallFor, ctx.nowMs, { timeZone: o.zone })
    : undefined;
  const parts: Partial<Record<Subschedule | "next_oncall_for_user", unknown>> = {};
  if (o.include.has("schedule_layers")) {
    parts.schedule_layers = s.schedule_layers
      .map((layer, i) =>
        renderLayer(ctx, layer, o.zone, computed?.schedule_layers[i] ?? NOTHING_RENDERED),
      )
      .reverse();
  }
  if (o.include.has("overrides_subschedule")) {
    parts.overrides_subschedule = sub("Overrides", computed?.overrides_subschedule);
  }
  if (o.include.has("final_schedule")) {
    parts.final_schedule = sub("Final Schedule", computed?.final_schedule);
  }
  if (o.nextOncallFor !== undefined) {
    parts.next_oncall_for_user = next
      ? { start: next.start, end: next.end, user: userReferenceById(ctx, next.user.id) }
      : null;
  }
  return {
    ...ctx.render.head("schedule", s.id, s.name),
    name: s.name,
    time_zone: s.time_zone,
    description: s.description,
    escalation_policies: policiesTargeting(ctx.store, s.id).map((p) =>
      ctx.render.reference("escalation_policy", p.id, p.name),
    ),
    users: layerUserIds(s).map((id) => userReferenceById(ctx, id)),
    teams: s.teams.map((t) =>
      ctx.render.reference("team", t.id, ctx.store.team(t.id)?.name ?? null),
    ),
    ...parts,
  };
}

function renderOverride(ctx: RestContext, o: StoredOverride, zone: string) {
  return {
    id: o.id,
    start: formatInstant(Date.parse(o.start), zone),
    end: formatInstant(Date.parse(o.end), zone),
    user: userReferenceById(ctx, o.user.id),
  };
}

// Handlers.

function scheduleOr404(ctx: RestContext): StoredSchedule {
  const schedule = ctx.store.schedule(ctx.params.id as string);
  if (!schedule) throw notFound();
  return schedule;
}

function readBody(ctx: RestContext, existing?: StoredSchedule): StoredSchedule {
  try {
    return readScheduleBody(ctx.entity("schedule"), {
      userExists: (id) => ctx.store.user(id) !== undefined,
      teamExists: (id) => ctx.store.team(id) !== undefined,
      nowMs: ctx.nowMs,
      newId: ctx.newId,
      ...(existing ? { existing } : {}),
    });
  } catch (error) {
    if (error instanceof ScheduleBodyError) throw invalidInput(error.errors);
    throw error;
  }
}

const ALL = new Set<string>(SUBSCHEDULES);

/** The answer to a create or update: the whole schedule, nothing rendered. */
const written = (ctx: RestContext, s: StoredSchedule) => ({
  schedule: renderSchedule(ctx, s, { include: ALL, range: null, zone: s.time_zone }),
});

function createOverride(ctx: RestContext, schedule: StoredSchedule, raw: unknown) {
  try {
    const override = readOverrideBody(raw, {
      userExists: (id) => ctx.store.user(id) !== undefined,
      scheduleTimeZone: schedule.time_zone,
      newId: ctx.newId,
    });
    ctx.store.schedules.addOverride(schedule.id, override);
    const zone =
      typeof (raw as { time_zone?: unknown }).time_zone === "string" &&
      isTimeZone((raw as { time_zone: string }).time_zone)
        ? (raw as { time_zone: string }).time_zone
        : schedule.time_zone;
    return { ok: true as const, override: renderOverride(ctx, override, zone) };
  } catch (error) {
    if (error instanceof ScheduleBodyError)
      return { ok: false as const, errors: [...error.errors] };
    throw error;
  }
}

/** What a refused override is echoed as: its own fields, the user as a reference. */
function echo(ctx: RestContext, raw: unknown) {
  const o = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const user = o.user as { id?: unknown } | undefined;
  return {
    ...(o.start !== undefined ? { start: o.start } : {}),
    ...(o.end !== undefined ? { end: o.end } : {}),
    ...(typeof user?.id === "string" ? { user: userReferenceById(ctx, user.id) } : {}),
  };
}

export const scheduleRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/schedules",
    operationId: "listSchedules",
    handler(ctx) {
      const query = ctx.query.string("query")?.toLowerCase();
      const teamIds = ctx.query.strings("team_ids");
      const zone = timeZoneParam(ctx, ctx.tokenUser?.time_zone ?? "Etc/UTC");
      const include = ctx.query.includes();
      const range = renderRangeParam(ctx, zone);
      const nextOncallFor = ctx.query.string("include_next_oncall_for_user") || undefined;
      const schedules = ctx.store.schedules
        .all()
        .filter((s) => query === undefined || s.name.toLowerCase().includes(query))
        .filter((s) => teamIds.length === 0 || s.teams.some((t) => teamIds.includes(t.id)))
        .sort((a, b) => a.name.localeCompare(b.name, "en") || a.id.localeCompare(b.id));
      return ok(
        ctx.paginate("schedules", schedules, (s) =>
          renderSchedule(ctx, s, {
            include,
            range,
            zone,
            ...(nextOncallFor ? { nextOncallFor } : {}),
          }),
        ),
      );
    },
  },
  {
    method: "POST",
    path: "/schedules",
    operationId: "createSchedule",
    handler(ctx) {
      const schedule = readBody(ctx);
      ctx.store.schedules.add(schedule);
      return created(written(ctx, schedule));
    },
  },
  {
    method: "GET",
    path: "/schedules/{id}",
    operationId: "getSchedule",
    handler(ctx) {
      const schedule = scheduleOr404(ctx);
      const zone = timeZoneParam(ctx, schedule.time_zone);
      const nextOncallFor = ctx.query.string("include_next_oncall_for_user") || undefined;
      return ok({
        schedule: renderSchedule(ctx, schedule, {
          include: ALL,
          range: renderRangeParam(ctx, zone),
          zone,
          overflow: ctx.query.boolean("overflow", false),
          ...(nextOncallFor ? { nextOncallFor } : {}),
        }),
      });
    },
  },
  {
    method: "PUT",
    path: "/schedules/{id}",
    operationId: "updateSchedule",
    handler(ctx) {
      const existing = scheduleOr404(ctx);
      const schedule = readBody(ctx, existing);
      ctx.store.schedules.update(schedule);
      return ok(written(ctx, schedule));
    },
  },
  {
    method: "DELETE",
    path: "/schedules/{id}",
    operationId: "deleteSchedule",
    handler(ctx) {
      const schedule = scheduleOr404(ctx);
      if (policiesTargeting(ctx.store, schedule.id).length > 0) {
        throw invalidInput([SCHEDULE_IN_USE_TEXT]);
      }
      ctx.store.schedules.remove(schedule.id);
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/schedules/{id}/overrides",
    operationId: "listScheduleOverrides",
    handler(ctx) {
      const schedule = scheduleOr404(ctx);
      const zone = schedule.time_zone;
      const since = instantParam(ctx, "since", zone);
      const until = instantParam(ctx, "until", zone);
      const missing = [since === undefined ? "since" : "", until === undefined ? "until" : ""];
      if (since === undefined || until === undefined) {
        throw invalidSinceUntil(missing.filter((m) => m !== "").map((m) => `${m} is required`));
      }
      if (until <= since) throw invalidDateRange(["until must be after since"]);
      const editable = ctx.query.boolean("editable", false);
      const overflow = ctx.query.boolean("overflow", false);
      const overrides = ctx.store.schedules
        .overrides(schedule.id)
        .map((o, order) => ({ o, order, start: Date.parse(o.start), end: Date.parse(o.end) }))
        .filter((x) => x.start < until && x.end > since)
        // "Only future overrides are editable."
        .filter((x) => !editable || x.start > ctx.nowMs)
        .sort((a, b) => a.start - b.start || a.order - b.order);
      return ok({
        overrides: overrides.map(({ o, start, end }) => {
          if (editable) return { id: o.id };
          const rendered = renderOverride(ctx, o, zone);
          if (overflow) return rendered;
          return {
            ...rendered,
            start: formatInstant(Math.max(start, since), zone),
            end: formatInstant(Math.min(end, until), zone),
          };
        }),
      });
    },
  },
  {
    method: "POST",
    path: "/schedules/{id}/overrides",
    operationId: "createScheduleOverride",
    handler(ctx) {
      const schedule = scheduleOr404(ctx);
      const body = ctx.body as Record<string, unknown> | undefined;
      if (body && Array.isArray(body.overrides)) {
        if (body.overrides.length === 0) throw invalidInput(["Overrides can't be blank"]);
        return created(
          body.overrides.map((raw) => {
            const result = createOverride(ctx, schedule, raw);
            return result.ok
              ? { status: 201, override: result.override }
              : { status: 400, errors: result.errors, override: echo(ctx, raw) };
          }),
        );
      }
      // The deprecated form: one override, answered as one.
      const raw = ctx.entity("override");
      const result = createOverride(ctx, schedule, raw);
      if (!result.ok) throw invalidInput(result.errors);
      return created({ override: result.override });
    },
  },
  {
    method: "DELETE",
    path: "/schedules/{id}/overrides/{override_id}",
    operationId: "deleteScheduleOverride",
    handler(ctx) {
      const schedule = scheduleOr404(ctx);
      const id = ctx.params.override_id as string;
      const override = ctx.store.schedules.overrides(schedule.id).find((o) => o.id === id);
      if (!override) throw notFound();
      const start = Date.parse(override.start);
      const end = Date.parse(override.end);
      if (end <= ctx.nowMs) throw invalidInput([PAST_OVERRIDE_TEXT]);
      if (start < ctx.nowMs) {
        // In progress: truncated to now, and answered 200 with what is left.
        const truncated = ctx.store.schedules.removeOverride(
          schedule.id,
          id,
          new Date(ctx.nowMs).toISOString(),
        ) as StoredOverride;
        return ok({ override: renderOverride(ctx, truncated, schedule.time_zone) });
      }
      ctx.store.schedules.removeOverride(schedule.id, id);
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/schedules/{id}/users",
    operationId: "listScheduleUsers",
    handler(ctx) {
      const schedule = scheduleOr404(ctx);
      const zone = schedule.time_zone;
      const since = instantParam(ctx, "since", zone);
      const until = instantParam(ctx, "until", zone);
      let range: { since: number; until: number } | undefined;
      if (since !== undefined || until !== undefined) {
        // One bound alone: the other is the schedule's horizon either way.
        const span = DEFAULT_RENDER_SPAN_SECONDS * 1000;
        range = {
          since: since ?? (until as number) - span,
          until: until ?? (since as number) + span,
        };
        if (range.until <= range.since) throw invalidDateRange(["until must be after since"]);
      }
      const ids = computing(() =>
        scheduleUsers(schedule, ctx.store.schedules.overrides(schedule.id), range),
      );
      const users = ids.map((id) => ctx.store.user(id)).filter((u): u is User => u !== undefined);
      return ok({ users: users.map((u) => renderUser(ctx, u)) });
    },
  },
];
