import { type FetchHandler, jsonResponse, readBodyUpTo } from "../../simulator/host/webHandler.js";
import {
  type EventsApi,
  type EventsError,
  eventTooLarge,
  invalidEvent,
  invalidRoutingKey,
  methodNotAllowed,
  notFound,
  rateLimited,
  unrecognizedObject,
} from "./errors.js";
import { MAX_EVENT_BYTES } from "./limits.js";
import type { AlertEventOutcome, OperationContext } from "./operations/alertEvents.js";
import { createEventV1, type V1Event } from "./operations/createEventV1.js";
import { type ChangeEventOutcome, enqueueChangeEvent } from "./operations/enqueueChangeEvent.js";
import { enqueueEvent, type V2Event } from "./operations/enqueueEvent.js";
import type { RateLimiter } from "./rateLimit.js";
import { changeEventSchema, v1EventSchema, v2EventSchema } from "./schemas.js";
import type { PagerDutyStore } from "./store.js";

/** What to do with a well-formed routing key that belongs to no integration. */
export type UnknownRoutingKeys = "reject" | "accept";

/** What the transport tells its owner about each event, for the journal. */
export interface EventsReporter {
  /** An alert event that passed validation and the limit, with what it did. */
  alertEvent(api: "v2" | "v1", event: V2Event | V1Event, outcome: AlertEventOutcome): void;
  changeEvent(outcome: ChangeEventOutcome): void;
  /** An event answered with an error; `body` is the parsed body when there was one. */
  rejected(api: EventsApi, error: EventsError, body?: Record<string, unknown>): void;
}

export interface EventsRuntime {
  store: PagerDutyStore;
  /** Time and ids for one event. */
  context(): OperationContext;
  /** Absent: no rate limit. */
  rateLimiter?: RateLimiter;
  unknownRoutingKeys: UnknownRoutingKeys;
  report: EventsReporter;
}

const ROUTES: Record<string, EventsApi> = {
  "/v2/enqueue": "v2",
  "/v2/change/enqueue": "change",
  "/generic/2010-04-15/create_event.json": "v1",
};

/**
 * A leading `/<host>.pagerduty.com` segment, which pdjs sends when pointed at a host that is not
 * PagerDuty's (`server: "127.0.0.1:PORT/events.pagerduty.com"`, reference/pagerduty.md §5.1).
 */
const HOST_SEGMENT = /^\/[a-z0-9-]+(\.[a-z0-9-]+)*\.pagerduty\.com(?=\/)/i;

/**
 * The Events API's transport (events.pagerduty.com): the three POST routes, read up to the size
 * limit, parsed, validated with PagerDuty's error texts, rate limited per routing key, then
 * handed to the operation. Served on the host and called by msw handlers alike.
 */
export function createEventsHandler(rt: EventsRuntime): FetchHandler {
  return (request) => handle(rt, request);
}

async function handle(rt: EventsRuntime, request: Request): Promise<Response> {
  // Read (or drain past the limit) first, so a client still sending gets the answer, not a reset.
  const body = await readBodyUpTo(request, MAX_EVENT_BYTES);
  const path = new URL(request.url).pathname.replace(HOST_SEGMENT, "");
  const api = ROUTES[path];
  if (!api) return send(notFound());
  if (request.method !== "POST") {
    return send(methodNotAllowed(request.method), { allow: "POST" });
  }
  const reject = (error: EventsError, parsed?: Record<string, unknown>) => {
    rt.report.rejected(api, error, parsed);
    return send(error);
  };
  if (body === undefined) return reject(eventTooLarge(MAX_EVENT_BYTES));

  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return reject(unrecognizedObject(api));
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return reject(unrecognizedObject(api));
  }
  const object = parsed as Record<string, unknown>;

  const schema = api === "v2" ? v2EventSchema : api === "v1" ? v1EventSchema : changeEventSchema;
  const result = schema.safeParse(object);
  if (!result.success) {
    return reject(invalidEvent(result.error.issues.map((i) => i.message)), object);
  }
  const event = result.data;
  const key = "service_key" in event ? event.service_key : event.routing_key;
  const ctx = rt.context();
  if (rt.rateLimiter && !rt.rateLimiter.allows(key, ctx.nowMs)) {
    return reject(rateLimited(api), object);
  }

  if (api === "change") {
    const outcome = enqueueChangeEvent(
      rt.store,
      event as Parameters<typeof enqueueChangeEvent>[1],
      ctx,
    );
    if (outcome.disposition === "unknown_routing_key" && rt.unknownRoutingKeys === "reject") {
      return reject(invalidRoutingKey(), object);
    }
    rt.rateLimiter?.record(key, ctx.nowMs);
    rt.report.changeEvent(outcome);
    return jsonResponse(202, { status: "success", message: "Change event processed" });
  }

  const alertEvent = event as V2Event | V1Event;
  const outcome =
    api === "v2"
      ? enqueueEvent(rt.store, alertEvent as V2Event, ctx)
      : createEventV1(rt.store, alertEvent as V1Event, ctx);
  if (outcome.disposition === "unknown_routing_key" && rt.unknownRoutingKeys === "reject") {
    return reject(invalidRoutingKey(), object);
  }
  rt.rateLimiter?.record(key, ctx.nowMs);
  rt.report.alertEvent(api, alertEvent, outcome);
  const { dedupKey } = outcome;
  return api === "v2"
    ? jsonResponse(202, { status: "success", message: "Event processed", dedup_key: dedupKey })
    : jsonResponse(200, { status: "success", message: "Event processed", incident_key: dedupKey });
}

function send(error: EventsError, headers: Record<string, string> = {}): Response {
  return new Response(error.body, {
    status: error.status,
    headers: { "content-type": error.contentType, ...headers },
  });
}
