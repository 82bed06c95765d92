/**
 * Maintenance windows: `GET|POST /maintenance_windows` (query, service_ids[], team_ids[],
 * filter=past|future|ongoing|open|all, include[]), `GET|PUT|DELETE /maintenance_windows/{id}`.
 * While a window is ongoing on the simulator clock, the Events API drops triggers for its
 * services (no new incidents); events for alerts already open still apply. Deleting a future
 * window removes it, deleting an ongoing one ends it now, and an ended one cannot be deleted
 * (405), as the spec's deleteMaintenanceWindow says.
 */
import type { MaintenanceWindow, PagerDutyStore } from "../store.js";
import { type Body, Checks } from "./bodies.js";
import { invalidInput, notAllowed, notFound } from "./errors.js";
import { created, noContent, ok, type RestContext, type RestRoute } from "./router.js";
import { renderMaintenanceWindow } from "./shapes.js";

const FILTERS = ["past", "future", "ongoing", "open", "all"] as const;
type Filter = (typeof FILTERS)[number];

export type MaintenanceWindowFields = Partial<
  Pick<MaintenanceWindow, "start_time" | "end_time" | "description" | "services">
>;

/**
 * The fields of a window body after PagerDuty's checks: a start in the past becomes now ("If
 * this date is in the past, it will be updated to be the current time"), the end must be in the
 * future and after the start, and the services must exist.
 */
export function maintenanceWindowFields(
  store: PagerDutyStore,
  body: Body,
  nowMs: number,
  existing?: MaintenanceWindow,
): MaintenanceWindowFields {
  const checks = new Checks();
  const creating = existing === undefined;
  checks.type(body, "maintenance_window");
  let start = checks.instant(body, "start_time", { required: creating });
  const end = checks.instant(body, "end_time", { required: creating });
  if (start !== undefined && start < nowMs) start = nowMs;
  const effectiveStart = start ?? (existing ? Date.parse(existing.start_time) : undefined);
  if (end !== undefined) {
    if (end <= nowMs) checks.add("End time must be in the future");
    else if (effectiveStart !== undefined && end <= effectiveStart) {
      checks.add("End time must be after the start time");
    }
  }
  const description = checks.string(body, "description", { nullable: true });
  const services = checks.references(
    body,
    "services",
    ["service_reference", "service"],
    (id) => Boolean(store.service(id)),
    { required: creating, min: 1 },
  );
  checks.done();
  return {
    ...(start !== undefined ? { start_time: new Date(start).toISOString() } : {}),
    ...(end !== undefined ? { end_time: new Date(end).toISOString() } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(services
      ? {
          services: [...new Set(services.map((s) => s.id))].map((id) => ({
            id,
            type: "service_reference" as const,
          })),
        }
      : {}),
  };
}

export function newMaintenanceWindow(
  store: PagerDutyStore,
  id: string,
  fields: MaintenanceWindowFields,
  createdBy: string | null,
): Omit<MaintenanceWindow, "sequence_number"> {
  return {
    id,
    type: "maintenance_window",
    start_time: fields.start_time as string,
    end_time: fields.end_time as string,
    description: fields.description ?? null,
    html_url: store.htmlUrl(`maintenance_windows/${id}`),
    services: fields.services ?? [],
    created_by: createdBy ? { id: createdBy, type: "user_reference" } : null,
  };
}

function state(w: MaintenanceWindow, nowMs: number): "past" | "future" | "ongoing" {
  if (Date.parse(w.end_time) <= nowMs) return "past";
  if (Date.parse(w.start_time) > nowMs) return "future";
  return "ongoing";
}

function matches(filter: Filter, s: ReturnType<typeof state>): boolean {
  if (filter === "all") return true;
  if (filter === "open") return s === "ongoing" || s === "future";
  return filter === s;
}

function windowOr404(ctx: RestContext): MaintenanceWindow {
  const window = ctx.store.maintenanceWindow(ctx.params.id as string);
  if (!window) throw notFound();
  return window;
}

export const maintenanceWindowRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/maintenance_windows",
    operationId: "listMaintenanceWindows",
    handler(ctx) {
      const filter = (ctx.query.string("filter") ?? "all") as Filter;
      if (!FILTERS.includes(filter)) {
        throw invalidInput([`filter must be one of: ${FILTERS.join(", ")}`]);
      }
      const query = ctx.query.string("query")?.toLowerCase();
      const serviceIds = ctx.query.strings("service_ids");
      const teamIds = ctx.query.strings("team_ids");
      const include = ctx.query.includes();
      const windows = ctx.store
        .maintenanceWindows()
        .filter((w) => matches(filter, state(w, ctx.nowMs)))
        .filter((w) => query === undefined || (w.description ?? "").toLowerCase().includes(query))
        .filter((w) => serviceIds.length === 0 || w.services.some((s) => serviceIds.includes(s.id)))
        .filter(
          (w) =>
            teamIds.length === 0 ||
            w.services.some((s) =>
              ctx.store.service(s.id)?.teams.some((t) => teamIds.includes(t.id)),
            ),
        );
      return ok(
        ctx.paginate("maintenance_windows", windows, (w) =>
          renderMaintenanceWindow(ctx, w, include),
        ),
      );
    },
  },
  {
    method: "POST",
    path: "/maintenance_windows",
    operationId: "createMaintenanceWindow",
    from: "required",
    handler(ctx: RestContext<NonNullable<RestContext["requester"]>>) {
      const fields = maintenanceWindowFields(
        ctx.store,
        ctx.entity("maintenance_window"),
        ctx.nowMs,
      );
      const window = ctx.store.addMaintenanceWindow(
        newMaintenanceWindow(ctx.store, ctx.newId(), fields, ctx.requester.id),
      );
      return created({ maintenance_window: renderMaintenanceWindow(ctx, window) });
    },
  },
  {
    method: "GET",
    path: "/maintenance_windows/{id}",
    operationId: "getMaintenanceWindow",
    handler: (ctx) =>
      ok({
        maintenance_window: renderMaintenanceWindow(ctx, windowOr404(ctx), ctx.query.includes()),
      }),
  },
  {
    method: "PUT",
    path: "/maintenance_windows/{id}",
    operationId: "updateMaintenanceWindow",
    handler(ctx) {
      const window = windowOr404(ctx);
      const fields = maintenanceWindowFields(
        ctx.store,
        ctx.entity("maintenance_window"),
        ctx.nowMs,
        window,
      );
      // An ongoing window keeps its start: it is already under way.
      if (state(window, ctx.nowMs) === "ongoing") delete fields.start_time;
      Object.assign(window, fields);
      return ok({ maintenance_window: renderMaintenanceWindow(ctx, window) });
    },
  },
  {
    method: "DELETE",
    path: "/maintenance_windows/{id}",
    operationId: "deleteMaintenanceWindow",
    handler(ctx) {
      const window = windowOr404(ctx);
      const s = state(window, ctx.nowMs);
      if (s === "past") {
        throw notAllowed(["The maintenance window can't be deleted because it has already ended"]);
      }
      if (s === "future") ctx.store.removeMaintenanceWindow(window.id);
      else window.end_time = ctx.now;
      return noContent();
    },
  },
];
