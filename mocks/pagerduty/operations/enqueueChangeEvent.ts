import { CHANGE_EVENT_RETENTION_MS } from "../limits.js";
import {
  type ChangeEvent,
  type Integration,
  integrationRef,
  type Link,
  type PagerDutyStore,
  type Service,
  serviceRef,
} from "../store.js";
import type { OperationContext } from "./alertEvents.js";

/** A `POST /v2/change/enqueue` body that passed validation (spec operation `createChangeEvent`). */
export interface V2ChangeEvent {
  routing_key: string;
  payload: {
    summary: string;
    source?: string;
    timestamp?: string;
    custom_details?: unknown;
  };
  /** "Currently, the Change Events API only supports `links`" (03-Change-Events.md). */
  links?: Link[];
}

export type ChangeEventOutcome =
  | { disposition: "unknown_routing_key" }
  | {
      disposition: "applied" | "dropped";
      reason?: string;
      service: Service;
      integration: Integration;
      changeEvent?: ChangeEvent;
    };

/**
 * Events API v2 `createChangeEvent`: stored on the integration's service for its "recent changes"
 * (REST `GET /services/{id}/change_events`); never opens an incident or notifies anyone.
 */
export function enqueueChangeEvent(
  store: PagerDutyStore,
  event: V2ChangeEvent,
  ctx: OperationContext,
): ChangeEventOutcome {
  const integration = store.integrationByKey(event.routing_key);
  if (!integration) return { disposition: "unknown_routing_key" };
  const service = store.service(integration.service.id);
  if (!service) throw new Error(`pagerduty: integration ${integration.id} lost its service`);
  if (service.status === "disabled") {
    return { disposition: "dropped", reason: "the service is disabled", service, integration };
  }
  const changeEvent: ChangeEvent = {
    id: ctx.newId(),
    type: "change_event",
    summary: event.payload.summary,
    timestamp: event.payload.timestamp ?? new Date(ctx.nowMs).toISOString(),
    source: event.payload.source ?? null,
    custom_details: event.payload.custom_details ?? null,
    links: event.links ?? [],
    services: [serviceRef(service)],
    integration: integrationRef(integration),
    received_at_ms: ctx.nowMs,
  };
  store.addChangeEvent(changeEvent, CHANGE_EVENT_RETENTION_MS);
  return { disposition: "applied", service, integration, changeEvent };
}
