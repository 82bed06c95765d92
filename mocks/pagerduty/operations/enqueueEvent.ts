import type { Image, Link, PagerDutyStore, Severity } from "../store.js";
import {
  type AlertEventOutcome,
  applyAlertEvent,
  type EventAction,
  type OperationContext,
} from "./alertEvents.js";

/** A `POST /v2/enqueue` body that passed validation (spec operation `createV2Event`). */
export interface V2Event {
  routing_key: string;
  event_action: EventAction;
  dedup_key?: string;
  /** Required on triggers; ack and resolve may carry one, which is ignored. */
  payload?: {
    summary: string;
    source: string;
    severity: Severity;
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: unknown;
  };
  images?: Image[];
  links?: Link[];
  client?: string;
  client_url?: string;
}

/** Events API v2 `createV2Event`: trigger, acknowledge or resolve an alert. */
export function enqueueEvent(
  store: PagerDutyStore,
  event: V2Event,
  ctx: OperationContext,
): AlertEventOutcome {
  const p = event.payload;
  return applyAlertEvent(
    store,
    {
      action: event.event_action,
      routingKey: event.routing_key,
      // A blank key on a trigger is treated as none: PagerDuty generates one.
      ...(event.dedup_key ? { dedupKey: event.dedup_key } : {}),
      ...(event.event_action === "trigger" && p
        ? {
            content: {
              summary: p.summary,
              severity: p.severity,
              source: p.source,
              ...(p.timestamp === undefined ? {} : { timestamp: p.timestamp }),
              component: p.component ?? null,
              group: p.group ?? null,
              class: p.class ?? null,
              details: p.custom_details ?? null,
              links: event.links ?? [],
              images: event.images ?? [],
              client: event.client ?? null,
              clientUrl: event.client_url ?? null,
            },
          }
        : {}),
    },
    ctx,
  );
}
