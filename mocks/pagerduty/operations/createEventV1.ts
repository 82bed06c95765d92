import type { Image, Link, PagerDutyStore } from "../store.js";
import {
  type AlertEventOutcome,
  applyAlertEvent,
  type EventAction,
  type OperationContext,
} from "./alertEvents.js";

export type V1Context =
  | { type: "link"; href: string; text?: string }
  | { type: "image"; src: string; href?: string; alt?: string };

/** A `create_event.json` body that passed validation (spec operation `createV1Event`). */
export interface V1Event {
  service_key: string;
  event_type: EventAction;
  incident_key?: string;
  /** Required on triggers. */
  description?: string;
  details?: unknown;
  client?: string;
  client_url?: string;
  contexts?: V1Context[];
}

/**
 * Events API v1 `createV1Event`, the same alert de-duplication keyed by `incident_key`. A v1 event
 * has no severity; its alert is recorded as critical, so a severity-based urgency rule makes its
 * incident high urgency, as PagerDuty treats a missing severity (dynamic-notifications).
 */
export function createEventV1(
  store: PagerDutyStore,
  event: V1Event,
  ctx: OperationContext,
): AlertEventOutcome {
  const links: Link[] = [];
  const images: Image[] = [];
  for (const c of event.contexts ?? []) {
    if (c.type === "link")
      links.push({ href: c.href, ...(c.text === undefined ? {} : { text: c.text }) });
    else {
      images.push({
        src: c.src,
        ...(c.href === undefined ? {} : { href: c.href }),
        ...(c.alt === undefined ? {} : { alt: c.alt }),
      });
    }
  }
  return applyAlertEvent(
    store,
    {
      action: event.event_type,
      routingKey: event.service_key,
      ...(event.incident_key ? { dedupKey: event.incident_key } : {}),
      ...(event.event_type === "trigger"
        ? {
            content: {
              summary: event.description ?? "",
              severity: "critical" as const,
              source: null,
              component: null,
              group: null,
              class: null,
              details: event.details ?? null,
              links,
              images,
              client: event.client ?? null,
              clientUrl: event.client_url ?? null,
            },
          }
        : {}),
    },
    ctx,
  );
}
