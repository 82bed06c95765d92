/**
 * `GET /priorities` (listPriorities): the account's priorities, highest first, read-only. The
 * default set is the spec's example: P1..P5 with its descriptions.
 */
import type { Priority } from "../store.js";
import { ok, type RestContext, type RestRoute } from "./router.js";

/** The spec's example priorities (GET /priorities response example), P1 the highest. */
export const DEFAULT_PRIORITIES: readonly { name: string; description: string; color: string }[] = [
  {
    name: "P1",
    description:
      "Critical issue that warrants public notification and liaison with executive teams",
    color: "a8171c",
  },
  {
    name: "P2",
    description:
      "Critical system issue actively impacting many customers' ability to use the product",
    color: "eb6016",
  },
  {
    name: "P3",
    description:
      "Stability or minor customer-impacting issues that require immediate attention from service owners",
    color: "f9b406",
  },
  {
    name: "P4",
    description:
      "Minor issues requiring action, but not affecting customer ability to use the product",
    color: "fcdf04",
  },
  {
    name: "P5",
    description: "Cosmetic issues or bugs, not affecting customer ability to use the product",
    color: "9ea6ad",
  },
];

export function renderPriority(ctx: Pick<RestContext, "render">, p: Priority) {
  return {
    id: p.id,
    type: "priority",
    summary: p.name,
    self: ctx.render.self("priority", p.id),
    html_url: null,
    name: p.name,
    description: p.description,
  };
}

/** `{id, type: "priority_reference", summary, self, html_url}` of a priority. */
export function priorityReference(ctx: Pick<RestContext, "render">, p: Priority) {
  return { ...ctx.render.reference("priority", p.id, p.name), html_url: null };
}

export const priorityRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/priorities",
    operationId: "listPriorities",
    handler: (ctx) =>
      ok(
        ctx.paginate(
          "priorities",
          [...ctx.store.priorities()].sort((a, b) => a.order - b.order),
          (p) => renderPriority(ctx, p),
        ),
      ),
  },
];
