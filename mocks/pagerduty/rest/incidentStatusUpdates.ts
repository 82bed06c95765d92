/**
 * `POST /incidents/{id}/status_updates`: a status update posted to an incident's stakeholders,
 * kept in the store (the SLA/XLA report reads them), journaled and published as
 * `incident.status_update_published`. The spec has no operation that lists them.
 */
import { incidentsOf } from "../incidents/index.js";
import type { User } from "../store.js";
import { invalidInput } from "./errors.js";
import { renderStatusUpdate, shapeOptions } from "./incidentShapes.js";
import { findIncident } from "./incidents.js";
import { ok, type RestContext, type RestRoute } from "./router.js";

function createStatusUpdate(ctx: RestContext<User>) {
  const incident = findIncident(ctx.store, ctx.params.id as string);
  const body = ctx.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidInput(['The body must be {"message": "..."}']);
  }
  const { message, subject, html_message } = body as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof message !== "string" || message.trim() === "") errors.push("Message can't be blank");
  for (const [name, value] of [
    ["Subject", subject],
    ["Html message", html_message],
  ] as const) {
    if (value !== undefined && typeof value !== "string") errors.push(`${name} must be a string`);
  }
  // "Required if sending custom html email": one of the two without the other is not one.
  if ((subject === undefined) !== (html_message === undefined)) {
    errors.push("Subject and html message go together for a custom html email");
  }
  if (errors.length > 0) throw invalidInput(errors);
  const update = incidentsOf(ctx.store).addStatusUpdate(incident, ctx.requester, {
    message: message as string,
    ...(typeof subject === "string" ? { subject } : {}),
    ...(typeof html_message === "string" ? { html_message } : {}),
  });
  return ok({ status_update: renderStatusUpdate(shapeOptions(ctx), update) });
}

export const incidentStatusUpdateRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/incidents/{id}/status_updates",
    operationId: "createIncidentStatusUpdate",
    from: "required",
    handler: createStatusUpdate,
  },
];
