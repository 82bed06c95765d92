import { z } from "zod";
import { v1, v2 } from "./errors.js";
import { MAX_DEDUP_KEY_CHARS, MAX_SUMMARY_CHARS, ROUTING_KEY_LENGTH } from "./limits.js";
import type { EventAction } from "./operations/alertEvents.js";
import type { V1Context, V1Event } from "./operations/createEventV1.js";
import type { V2ChangeEvent } from "./operations/enqueueChangeEvent.js";
import type { V2Event } from "./operations/enqueueEvent.js";
import { type Image, type Link, SEVERITIES, type Severity } from "./store.js";

/**
 * The Events API's request bodies, checked at the edge with PagerDuty's own error texts: every
 * broken rule of one event is reported, in the order PagerDuty checks them (routing key, action,
 * dedup key, then the trigger's payload; reference/pagerduty.md §1). Each schema's issues are
 * exactly the `errors[]` of the 400; a body that passes comes out typed for the operations.
 *
 * Lengths count characters (code points), not UTF-16 units or bytes, as the documented limits
 * speak of characters. A blank string (empty or whitespace) counts as missing.
 */

const ACTIONS: readonly EventAction[] = ["trigger", "acknowledge", "resolve"];

type Body = Record<string, unknown>;

const chars = (s: string) => [...s].length;
const filled = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
const optionalString = (v: unknown) => (typeof v === "string" ? v : undefined);
const isObject = (v: unknown): v is Body =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function routingKeyErrors(key: unknown): string[] {
  if (!filled(key)) return [v2.routingKeyBlank()];
  const errors: string[] = [];
  if (chars(key) !== ROUTING_KEY_LENGTH) errors.push(v2.routingKeyLength(ROUTING_KEY_LENGTH));
  if (!/^[A-Za-z0-9]*$/.test(key)) errors.push(v2.routingKeyCharacters());
  return errors;
}

function v2EventErrors(body: Body): string[] {
  const errors = routingKeyErrors(body.routing_key);
  const action = body.event_action;
  if (!filled(action)) errors.push(v2.eventActionBlank());
  else if (!ACTIONS.includes(action as EventAction)) errors.push(v2.eventActionInvalid());

  const dedupKey = body.dedup_key;
  const needsKey = action === "acknowledge" || action === "resolve";
  if (dedupKey !== undefined && dedupKey !== null && typeof dedupKey !== "string") {
    errors.push(v2.dedupKeyNotString());
  } else if (needsKey && !filled(dedupKey)) {
    errors.push(v2.dedupKeyBlank());
  } else if (typeof dedupKey === "string" && chars(dedupKey) > MAX_DEDUP_KEY_CHARS) {
    errors.push(v2.tooLong("dedup_key", MAX_DEDUP_KEY_CHARS));
  }

  if (action === "trigger") {
    const payload = isObject(body.payload) ? body.payload : {};
    if (!filled(payload.summary)) errors.push(v2.fieldBlank("payload.summary"));
    else if (chars(payload.summary) > MAX_SUMMARY_CHARS) {
      errors.push(v2.tooLong("summary", MAX_SUMMARY_CHARS));
    }
    if (!filled(payload.source)) errors.push(v2.fieldBlank("payload.source"));
    const severity = payload.severity;
    if (
      severity === undefined ||
      severity === null ||
      (typeof severity === "string" && !filled(severity))
    ) {
      errors.push(v2.fieldBlank("payload.severity"));
    } else if (!SEVERITIES.includes(severity as Severity)) {
      errors.push(v2.severityInvalid());
    }
  }
  return errors;
}

function links(value: unknown): Link[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(isObject)
    .flatMap((l) =>
      typeof l.href === "string"
        ? [{ href: l.href, ...(typeof l.text === "string" ? { text: l.text } : {}) }]
        : [],
    );
}

function images(value: unknown): Image[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).flatMap((i) =>
    typeof i.src === "string"
      ? [
          {
            src: i.src,
            ...(typeof i.href === "string" ? { href: i.href } : {}),
            ...(typeof i.alt === "string" ? { alt: i.alt } : {}),
          },
        ]
      : [],
  );
}

function toV2Event(body: Body): V2Event {
  const action = body.event_action as EventAction;
  const event: V2Event = {
    routing_key: body.routing_key as string,
    event_action: action,
    ...(filled(body.dedup_key) ? { dedup_key: body.dedup_key } : {}),
  };
  if (action !== "trigger") return event;
  const p = body.payload as Body;
  const text = (field: "timestamp" | "component" | "group" | "class") => {
    const value = p[field];
    return typeof value === "string" ? { [field]: value } : {};
  };
  return {
    ...event,
    payload: {
      summary: p.summary as string,
      source: p.source as string,
      severity: p.severity as Severity,
      ...text("timestamp"),
      ...text("component"),
      ...text("group"),
      ...text("class"),
      ...(p.custom_details === undefined ? {} : { custom_details: p.custom_details }),
    },
    images: images(body.images),
    links: links(body.links),
    ...(optionalString(body.client) === undefined ? {} : { client: body.client as string }),
    ...(optionalString(body.client_url) === undefined
      ? {}
      : { client_url: body.client_url as string }),
  };
}

const object = z.record(z.string(), z.unknown());

/** Issues are added in order, so `issues.map(i => i.message)` is PagerDuty's `errors[]`. */
function withErrors(check: (body: Body) => string[]) {
  return (body: Body, ctx: z.RefinementCtx) => {
    for (const message of check(body)) ctx.addIssue({ code: "custom", message, input: body });
  };
}

/** `POST /v2/enqueue` (createV2Event). */
export const v2EventSchema = object.superRefine(withErrors(v2EventErrors)).transform(toV2Event);

function changeEventErrors(body: Body): string[] {
  const errors = routingKeyErrors(body.routing_key);
  const payload = isObject(body.payload) ? body.payload : {};
  if (!filled(payload.summary)) errors.push(v2.fieldBlank("payload.summary"));
  else if (chars(payload.summary) > MAX_SUMMARY_CHARS) {
    errors.push(v2.tooLong("summary", MAX_SUMMARY_CHARS));
  }
  return errors;
}

/** `POST /v2/change/enqueue` (createChangeEvent). */
export const changeEventSchema = object
  .superRefine(withErrors(changeEventErrors))
  .transform((body): V2ChangeEvent => {
    const p = body.payload as Body;
    return {
      routing_key: body.routing_key as string,
      payload: {
        summary: p.summary as string,
        ...(typeof p.source === "string" ? { source: p.source } : {}),
        ...(typeof p.timestamp === "string" ? { timestamp: p.timestamp } : {}),
        ...(p.custom_details === undefined ? {} : { custom_details: p.custom_details }),
      },
      links: links(body.links),
    };
  });

function v1EventErrors(body: Body): string[] {
  const errors: string[] = [];
  const key = body.service_key;
  if (!filled(key)) errors.push(v1.serviceKeyBlank());
  else if (chars(key) !== ROUTING_KEY_LENGTH) errors.push(v1.serviceKeyLength(ROUTING_KEY_LENGTH));
  const type = body.event_type;
  if (!filled(type) || !ACTIONS.includes(type as EventAction)) errors.push(v1.eventTypeInvalid());
  const incidentKey = body.incident_key;
  const needsKey = type === "acknowledge" || type === "resolve";
  if (incidentKey !== undefined && incidentKey !== null && typeof incidentKey !== "string") {
    errors.push(v1.incidentKeyBlank());
  } else if (needsKey && !filled(incidentKey)) {
    errors.push(v1.incidentKeyBlank());
  } else if (typeof incidentKey === "string" && chars(incidentKey) > MAX_DEDUP_KEY_CHARS) {
    errors.push(v1.incidentKeyTooLong(MAX_DEDUP_KEY_CHARS));
  }
  if (type === "trigger") {
    if (!filled(body.description)) errors.push(v1.descriptionBlank());
    else if (chars(body.description) > MAX_SUMMARY_CHARS) {
      errors.push(v1.descriptionTooLong(MAX_SUMMARY_CHARS));
    }
  }
  return errors;
}

function contexts(value: unknown): V1Context[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).flatMap((c): V1Context[] => {
    if (c.type === "link" && typeof c.href === "string") {
      return [
        { type: "link", href: c.href, ...(typeof c.text === "string" ? { text: c.text } : {}) },
      ];
    }
    if (c.type === "image" && typeof c.src === "string") {
      return [
        {
          type: "image",
          src: c.src,
          ...(typeof c.href === "string" ? { href: c.href } : {}),
          ...(typeof c.alt === "string" ? { alt: c.alt } : {}),
        },
      ];
    }
    return [];
  });
}

/** `POST /generic/2010-04-15/create_event.json` (createV1Event). */
export const v1EventSchema = object.superRefine(withErrors(v1EventErrors)).transform(
  (body): V1Event => ({
    service_key: body.service_key as string,
    event_type: body.event_type as EventAction,
    ...(filled(body.incident_key) ? { incident_key: body.incident_key } : {}),
    ...(typeof body.description === "string" ? { description: body.description } : {}),
    ...(body.details === undefined ? {} : { details: body.details }),
    ...(typeof body.client === "string" ? { client: body.client } : {}),
    ...(typeof body.client_url === "string" ? { client_url: body.client_url } : {}),
    contexts: contexts(body.contexts),
  }),
);
