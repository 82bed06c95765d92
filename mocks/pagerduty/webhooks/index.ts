/**
 * PagerDuty Webhooks v3: webhook subscriptions, and delivery of outbound events to them
 * (developer-docs webhooks/01-Overview.md, 02-Behavior.md, 04-Signatures.md; reference
 * §3). It stands apart from incidents: the incident side calls `publish` with each event and the
 * incident rendering, and the REST API serves the subscription operations from ./routes.ts.
 */
import type { Clock } from "../../../simulator/kernel/clock.js";
import { createIdFactory, type IdFactory } from "../../../simulator/kernel/ids.js";
import type { Journal } from "../../../simulator/kernel/journal.js";
import type { Rng } from "../../../simulator/kernel/rng.js";
import {
  DEFAULT_DELIVERY_POLICY,
  type DeliveryPolicy,
  DeliveryQueue,
  type PendingWebhook,
  type Webhook,
} from "./delivery.js";
import {
  isWebhookEventType,
  PING_DATA,
  PING_EVENT_TYPE,
  PING_RESOURCE_TYPE,
  resourceTypeOf,
  type WebhookEventType,
  type WebhookResourceType,
} from "./eventTypes.js";
import { newSecret } from "./signature.js";
import {
  type FilterTargetCheck,
  type FilterType,
  renderSubscription,
  type StoredSubscription,
  type SubscriptionDraft,
  type SubscriptionFilter,
  type SubscriptionPatch,
  type WebhookSubscriptionResource,
} from "./subscriptions.js";

export {
  DEFAULT_DELIVERY_POLICY,
  type DeliveryPolicy,
  type PendingWebhook,
  retryDelayMs,
} from "./delivery.js";
export {
  isWebhookEventType,
  PING_EVENT_TYPE,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
  type WebhookResourceType,
} from "./eventTypes.js";
export * from "./limits.js";
export {
  createWebhookSubscription,
  createWebhookSubscriptionsHandler,
  deleteWebhookSubscription,
  enableWebhookSubscription,
  getWebhookSubscription,
  listWebhookSubscriptions,
  matchWebhookSubscriptionRoute,
  type RouteHandler,
  type RouteReply,
  type RouteRequest,
  readSubscriptionListQuery,
  testWebhookSubscription,
  updateWebhookSubscription,
  WEBHOOK_SUBSCRIPTION_ROUTES,
  type WebhookSubscriptionRoute,
} from "./routes.js";
export { signatureHeader } from "./signature.js";
export {
  FILTER_TYPES,
  type FilterTargetCheck,
  type FilterType,
  parseCreateBody,
  parseUpdateBody,
  REDACTED,
  type StoredSubscription,
  type SubscriptionDraft,
  type SubscriptionFilter,
  type SubscriptionPatch,
  type WebhookSubscriptionResource,
} from "./subscriptions.js";

/** A REST reference as webhook payloads carry them (`agent`, `service`, `assignees[]`, ...). */
export interface WebhookReference {
  id: string;
  type: string;
  summary?: string | null;
  self?: string | null;
  html_url?: string | null;
}

/** One outbound event, as the incident (or service) side reports it. */
export interface WebhookEventInput {
  event_type: WebhookEventType;
  /** Default: the leftmost part of `event_type`; given, it must agree. */
  resource_type?: WebhookResourceType;
  /** ISO 8601; default the clock's time now. */
  occurred_at?: string;
  /** "Who or what initiated the event": a user or service reference; null when nobody did. */
  agent?: WebhookReference | null;
  /** "Where the event was triggered", e.g. `{name: "PagerDuty"}`; null when not known. */
  client?: { name: string; [key: string]: unknown } | null;
  /**
   * `event.data`: for incident events whose `data.type` is "incident", the webhook rendering of
   * the incident (`number`, `assignees`, ...; not the REST Incident); for the others the
   * documented object (`incident_note`, `incident_responder`, ...), with its `incident` reference.
   */
  data: Record<string, unknown>;
  /**
   * What filters match on: the service the event belongs to and its teams. Read from `data`
   * when it is an incident or a service (`service.id`/`id`, `teams[].id`); required otherwise.
   */
  scope?: { serviceId: string; teamIds?: readonly string[] };
  /** More ids for the journal (a trace id, a dedup key), added to every entry of this event. */
  correlation?: Record<string, string>;
}

export interface PublishedWebhook {
  subscriptionId: string;
  webhookId: string;
  /** "queued": on its way; "dropped": not sent (subscription disabled, too large). */
  disposition: "queued" | "dropped";
}

export interface PublishResult {
  /** `event.id`, the same in every subscription's webhook. */
  eventId: string;
  webhooks: PublishedWebhook[];
}

export interface SubscriptionListQuery {
  filterType?: "account" | "service" | "team";
  filterId?: string;
}

export interface PagerDutyWebhooksOptions {
  clock: Clock;
  journal: Journal;
  /** A fetch that holds the clock while a delivery is in flight (createTrackedFetch). */
  fetch: typeof fetch;
  /** PagerDuty's generator: secrets come from its fork "webhook-secrets". */
  rng: Rng;
  /**
   * Ids: subscriptions and delivery methods (`P...`), event ids and X-Webhook-Id (UUID v4).
   * Pass the account's factory so these never collide with its other ids; default a factory
   * of the fork "webhooks" of `rng`.
   */
  ids?: IdFactory;
  /** Whether a filter's service or team exists; default every well-formed id is accepted. */
  filterTargetExists?: FilterTargetCheck;
  /** Retry, timeout and disable figures; PagerDuty's documented ones by default. */
  policy?: Partial<DeliveryPolicy>;
  /** The journal's `source` (default "pagerduty"). */
  source?: string;
}

export interface PagerDutyWebhooks {
  readonly policy: Readonly<DeliveryPolicy>;
  readonly filterTargetExists: FilterTargetCheck | undefined;

  /**
   * Builds the v3 envelope with a fresh event id, selects the subscriptions it concerns (active,
   * listing the event type, with a filter that matches) in the order they were created, and
   * queues one webhook for each; deliveries start at once and go out one after another.
   * Throws for an event type that is not documented or a scope it cannot find.
   */
  publish(event: WebhookEventInput): PublishResult;

  /** The subscription operations, over checked input (./routes.ts checks the REST bodies). */
  createSubscription(draft: SubscriptionDraft): WebhookSubscriptionResource;
  listSubscriptions(query?: SubscriptionListQuery): WebhookSubscriptionResource[];
  getSubscription(id: string): WebhookSubscriptionResource | undefined;
  updateSubscription(id: string, patch: SubscriptionPatch): WebhookSubscriptionResource | undefined;
  /** False when no subscription has the id. Webhooks still queued for it are dropped. */
  deleteSubscription(id: string): boolean;
  /** Lifts a temporary disable; undefined when no subscription has the id. */
  enableSubscription(id: string): WebhookSubscriptionResource | undefined;
  /** Queues the `pagey.ping` test event for one subscription; false when there is none. */
  pingSubscription(id: string): PublishResult | undefined;

  /**
   * Not a PagerDuty operation: a new signing secret for the subscription, returned. The previous
   * ones keep signing too (one `v1=` each, newest first) until `retireSecrets`.
   */
  rotateSecret(id: string): string | undefined;
  /** Keeps only the newest secret. */
  retireSecrets(id: string): boolean;
  /** The stored subscription, secrets included, for the simulator's own use. */
  subscription(id: string): Readonly<StoredSubscription> | undefined;

  /** Webhooks not yet delivered or dropped, in queue order. */
  pending(): PendingWebhook[];
  reset(): void;
  /** Plain data for the admin endpoint; secrets and header values redacted. */
  state(): { webhook_subscriptions: WebhookSubscriptionResource[]; pending: PendingWebhook[] };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const idOf = (v: unknown): string | undefined =>
  isObject(v) && typeof v.id === "string" ? v.id : undefined;

const FILTER_BY_QUERY: Record<NonNullable<SubscriptionListQuery["filterType"]>, FilterType> = {
  account: "account_reference",
  service: "service_reference",
  team: "team_reference",
};

export function createPagerDutyWebhooks(options: PagerDutyWebhooksOptions): PagerDutyWebhooks {
  const { clock, journal } = options;
  const source = options.source ?? "pagerduty";
  const ids = options.ids ?? createIdFactory(options.rng.fork("webhooks"));
  const secrets = options.rng.fork("webhook-secrets");
  const policy: DeliveryPolicy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
  /** Insertion order is creation order: the declared order of fan-out. */
  const subscriptions = new Map<string, StoredSubscription>();
  const queue = new DeliveryQueue({
    clock,
    journal,
    fetch: options.fetch,
    policy,
    subscription: (id) => subscriptions.get(id),
    source,
  });

  const render = (s: StoredSubscription) => renderSubscription(s);

  function matches(filter: SubscriptionFilter, scope: EventScope): boolean {
    switch (filter.type) {
      case "account_reference":
        return true;
      case "service_reference":
        return filter.id === scope.serviceId;
      case "team_reference":
        return filter.id !== undefined && scope.teamIds.includes(filter.id);
    }
  }

  function queueFor(
    subs: readonly StoredSubscription[],
    envelope: { event: { id: string; event_type: string } },
    resourceKey: string,
    correlation: Record<string, string>,
  ): PublishResult {
    const body = JSON.stringify(envelope);
    const bytes = Buffer.byteLength(body, "utf8");
    const eventId = envelope.event.id;
    const webhooks: PublishedWebhook[] = [];
    for (const sub of subs) {
      const w: Webhook = {
        webhookId: ids.awsRequestId(),
        eventId,
        eventType: envelope.event.event_type,
        subscriptionId: sub.id,
        resourceKey,
        body,
        correlation: {},
        attempts: 0,
        ended: false,
      };
      w.correlation = {
        ...correlation,
        eventId,
        subscriptionId: sub.id,
        webhookId: w.webhookId,
      };
      let disposition: PublishedWebhook["disposition"] = "queued";
      if (sub.delivery_method.temporarily_disabled) {
        queue.refuse(w, "subscription temporarily disabled");
        disposition = "dropped";
      } else if (bytes > policy.maxWebhookBytes) {
        queue.refuse(w, `larger than ${policy.maxWebhookBytes} bytes`);
        disposition = "dropped";
      } else {
        queue.enqueue(w);
      }
      webhooks.push({ subscriptionId: sub.id, webhookId: w.webhookId, disposition });
    }
    return { eventId, webhooks };
  }

  return {
    policy,
    filterTargetExists: options.filterTargetExists,

    publish(event) {
      if (!isWebhookEventType(event.event_type)) {
        throw new Error(
          `pagerduty webhooks: ${JSON.stringify(event.event_type)} is not a webhook event type`,
        );
      }
      const resourceType = resourceTypeOf(event.event_type);
      if (event.resource_type !== undefined && event.resource_type !== resourceType) {
        throw new Error(
          `pagerduty webhooks: the resource_type of ${event.event_type} is ${resourceType}, ` +
            `not ${event.resource_type}`,
        );
      }
      if (!isObject(event.data)) {
        throw new Error(`pagerduty webhooks: ${event.event_type} needs data (an object)`);
      }
      const scope = scopeOf(event, resourceType);
      const eventId = ids.awsRequestId();
      const envelope = {
        event: {
          id: eventId,
          event_type: event.event_type,
          resource_type: resourceType,
          occurred_at: event.occurred_at ?? clock.date().toISOString(),
          agent: event.agent ?? null,
          client: event.client ?? null,
          data: event.data,
        },
      };
      const incident = incidentOf(event.data);
      const correlation: Record<string, string> = {
        ...(event.correlation ?? {}),
        ...(incident?.id === undefined ? {} : { incidentId: incident.id }),
        ...(incident?.number === undefined ? {} : { incidentNumber: incident.number }),
        ...(resourceType === "service" ? { serviceId: scope.serviceId } : {}),
      };
      const selected = [...subscriptions.values()].filter(
        (s) => s.active && s.events.includes(event.event_type) && matches(s.filter, scope),
      );
      journal.append("pagerduty.webhook.published", {
        source,
        correlation: { ...correlation, eventId },
        data: {
          event_type: event.event_type,
          subscriptions: selected.map((s) => s.id),
        },
      });
      const resourceKey = `${resourceType}:${incident?.id ?? idOf(event.data) ?? scope.serviceId}`;
      return queueFor(selected, envelope, resourceKey, correlation);
    },

    createSubscription(draft) {
      const id = ids.pagerDutyId();
      const stored: StoredSubscription = {
        id,
        type: "webhook_subscription",
        active: draft.active,
        description: draft.description,
        delivery_method: {
          id: ids.pagerDutyId(),
          type: "http_delivery_method",
          url: draft.url,
          custom_headers: draft.custom_headers.map((h) => ({ ...h })),
          temporarily_disabled: false,
        },
        events: [...draft.events],
        filter: { ...draft.filter },
        secrets: [newSecret(secrets)],
      };
      subscriptions.set(id, stored);
      return renderSubscription(stored, { withSecret: true });
    },

    listSubscriptions(query = {}) {
      const type = query.filterType ? FILTER_BY_QUERY[query.filterType] : undefined;
      return [...subscriptions.values()]
        .filter((s) => type === undefined || s.filter.type === type)
        .filter((s) => query.filterId === undefined || s.filter.id === query.filterId)
        .map(render);
    },

    getSubscription(id) {
      const s = subscriptions.get(id);
      return s ? render(s) : undefined;
    },

    updateSubscription(id, patch) {
      const s = subscriptions.get(id);
      if (!s) return undefined;
      if (patch.active !== undefined) s.active = patch.active;
      if (patch.description !== undefined) s.description = patch.description;
      if (patch.events !== undefined) s.events = [...patch.events];
      if (patch.filter !== undefined) s.filter = { ...patch.filter };
      return render(s);
    },

    deleteSubscription(id) {
      if (!subscriptions.has(id)) return false;
      queue.forget(id);
      subscriptions.delete(id);
      return true;
    },

    enableSubscription(id) {
      const s = subscriptions.get(id);
      if (!s) return undefined;
      queue.enable(s, "enabled through the API");
      return render(s);
    },

    pingSubscription(id) {
      const s = subscriptions.get(id);
      if (!s) return undefined;
      const eventId = ids.awsRequestId();
      const envelope = {
        event: {
          id: eventId,
          event_type: PING_EVENT_TYPE,
          resource_type: PING_RESOURCE_TYPE,
          occurred_at: clock.date().toISOString(),
          agent: null,
          client: null,
          data: { ...PING_DATA },
        },
      };
      journal.append("pagerduty.webhook.published", {
        source,
        correlation: { eventId },
        data: { event_type: PING_EVENT_TYPE, subscriptions: [s.id] },
      });
      return queueFor([s], envelope, `${PING_RESOURCE_TYPE}:${eventId}`, {});
    },

    rotateSecret(id) {
      const s = subscriptions.get(id);
      if (!s) return undefined;
      const secret = newSecret(secrets);
      s.secrets.unshift(secret);
      return secret;
    },

    retireSecrets(id) {
      const s = subscriptions.get(id);
      if (!s) return false;
      s.secrets.splice(1);
      return true;
    },

    subscription(id) {
      return subscriptions.get(id);
    },

    pending: () => queue.pending(),

    reset() {
      queue.reset();
      subscriptions.clear();
    },

    state() {
      return {
        webhook_subscriptions: [...subscriptions.values()].map(render),
        pending: queue.pending(),
      };
    },
  };
}

interface EventScope {
  serviceId: string;
  teamIds: readonly string[];
}

function scopeOf(event: WebhookEventInput, resourceType: WebhookResourceType): EventScope {
  if (event.scope) {
    return { serviceId: event.scope.serviceId, teamIds: [...(event.scope.teamIds ?? [])] };
  }
  const data = event.data;
  const teams = Array.isArray(data.teams)
    ? data.teams.map(idOf).filter((t): t is string => t !== undefined)
    : [];
  const serviceId =
    resourceType === "service"
      ? data.type === "service"
        ? idOf(data)
        : undefined
      : data.type === "incident"
        ? idOf(data.service)
        : undefined;
  if (serviceId === undefined) {
    throw new Error(
      `pagerduty webhooks: ${event.event_type} with data.type ${JSON.stringify(data.type)} ` +
        "names no service; give scope.serviceId (and scope.teamIds) for the filters",
    );
  }
  return { serviceId, teamIds: teams };
}

/** The incident an event is about: the data itself, or the reference the data carries. */
function incidentOf(data: Record<string, unknown>): { id?: string; number?: string } | undefined {
  if (data.type === "incident") {
    return {
      ...(typeof data.id === "string" ? { id: data.id } : {}),
      ...(typeof data.number === "number" ? { number: String(data.number) } : {}),
    };
  }
  const id = idOf(data.incident);
  return id === undefined ? undefined : { id };
}
