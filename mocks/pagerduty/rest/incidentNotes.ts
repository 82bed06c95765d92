/**
 * An incident's notes: `GET /incidents/{id}/notes` (every note, oldest first, not paginated) and
 * `POST /incidents/{id}/notes`, which adds an annotate log entry and publishes
 * `incident.annotated`. The spec answers a new note with 200 (the docs' general rule says 201
 * for a create): the spec's status is the one served.
 */
import { incidentsOf } from "../incidents/index.js";
import type { User } from "../store.js";
import { invalidInput } from "./errors.js";
import { renderNote, shapeOptions } from "./incidentShapes.js";
import { findIncident } from "./incidents.js";
import { ok, type RestContext, type RestRoute } from "./router.js";

/** "A maximum of 2000 notes can be added to an incident" (createIncidentNote). */
export const MAX_NOTES_PER_INCIDENT = 2000;

function createNote(ctx: RestContext<User>) {
  const incident = findIncident(ctx.store, ctx.params.id as string);
  const note = ctx.entity("note");
  const content = note.content;
  if (content !== undefined && content !== null && typeof content !== "string") {
    throw invalidInput(["Content must be a string"]);
  }
  // The text of a real answer to an empty note.
  if (typeof content !== "string" || content.trim() === "") {
    throw invalidInput(["Content cannot be empty."]);
  }
  if (ctx.store.notes(incident.id).length >= MAX_NOTES_PER_INCIDENT) {
    throw invalidInput([
      `A maximum of ${MAX_NOTES_PER_INCIDENT} notes can be added to an incident`,
    ]);
  }
  const added = incidentsOf(ctx.store).addNote(incident, ctx.requester, content);
  return ok({ note: renderNote(shapeOptions(ctx), added) });
}

export const incidentNoteRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/incidents/{id}/notes",
    operationId: "listIncidentNotes",
    handler(ctx) {
      const incident = findIncident(ctx.store, ctx.params.id as string);
      const o = shapeOptions(ctx);
      return ok({ notes: ctx.store.notes(incident.id).map((n) => renderNote(o, n)) });
    },
  },
  {
    method: "POST",
    path: "/incidents/{id}/notes",
    operationId: "createIncidentNote",
    from: "required",
    handler: createNote,
  },
];
