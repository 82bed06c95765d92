/**
 * The REST operations on `/webhook_subscriptions` (PagerDuty's REST spec, tag "Webhooks"), one
 * plain function per operation, named by its `operationId`, over the webhooks module. They take
 * the request already taken apart (path parameters, query, parsed body) and return a status and
 * body, so the REST router registers them under its own transport, authentication and prefixes.
 * `createWebhookSubscriptionsHandler` serves them on their own as a fetch handler.
 */
import type { FetchHandler } from "../../../simulator/host/webHandler.js";
import { invalidInput, routeNotFound, subscriptionNotFound } from "./errors.js";
import type { PagerDutyWebhooks, SubscriptionListQuery } from "./index.js";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_END, MAX_PAGE_LIMIT } from "./limits.js";
import { parseCreateBody, parseUpdateBody } from "./subscriptions.js";

export interface RouteRequest {
  /** Path parameters: `id` for the `/{id}` routes. */
  params: Readonly<Record<string, string | undefined>>;
  query: URLSearchParams;
  /** The parsed JSON body; undefined when none was sent. */
  body?: unknown;
  /** A body was sent but is not JSON. */
  malformedBody?: boolean;
}

export interface RouteReply {
  status: number;
  /** JSON; undefined for a reply without a body (204, 202). */
  body?: unknown;
}

export type RouteHandler = (webhooks: PagerDutyWebhooks, request: RouteRequest) => RouteReply;

const MALFORMED_BODY = "The request body is not valid JSON";

/** The query values the REST API reads as booleans (REST-API/06-Types.md). */
const TRUE = new Set(["true", "1"]);
const FALSE = new Set(["false", "0"]);

function integer(query: URLSearchParams, name: string, errors: string[]): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) {
    errors.push(`${name} must be a non-negative integer; got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return Number(raw);
}

/**
 * The `filter_type` (account, service, team) and `filter_id` parameters of
 * `GET /webhook_subscriptions`; `filter_id` is "Required if filter_type is service or team".
 * Problems are added to `errors`.
 */
export function readSubscriptionListQuery(
  query: URLSearchParams,
  errors: string[],
): SubscriptionListQuery {
  const filterType = query.get("filter_type") ?? undefined;
  const filterId = query.get("filter_id") ?? undefined;
  const listQuery: SubscriptionListQuery = {};
  if (filterType !== undefined) {
    if (filterType !== "account" && filterType !== "service" && filterType !== "team") {
      errors.push(
        `filter_type must be one of account, service, team; got ${JSON.stringify(filterType)}`,
      );
    } else {
      listQuery.filterType = filterType;
      if (filterType !== "account" && !filterId) {
        errors.push(`filter_id is required when filter_type is ${filterType}`);
      }
    }
  }
  if (filterId) listQuery.filterId = filterId;
  return listQuery;
}

/**
 * `GET /webhook_subscriptions`: offset pagination (`limit`, default 25 and at most 100, `offset`,
 * `total=true`) and the spec's `filter_type` and `filter_id`.
 */
export const listWebhookSubscriptions: RouteHandler = (webhooks, { query }) => {
  const errors: string[] = [];
  const requested = integer(query, "limit", errors);
  const offset = integer(query, "offset", errors) ?? 0;
  // Over the maximum reads as the maximum (the answer echoes the limit applied); 0 as the default.
  const limit = Math.min(
    requested === undefined || requested === 0 ? DEFAULT_PAGE_LIMIT : requested,
    MAX_PAGE_LIMIT,
  );
  if (offset + limit > MAX_PAGE_END) {
    errors.push(`offset plus limit must be at most ${MAX_PAGE_END}; got ${offset + limit}`);
  }
  const totalRaw = query.get("total");
  if (totalRaw !== null && totalRaw !== "" && !TRUE.has(totalRaw) && !FALSE.has(totalRaw)) {
    errors.push(`total must be true or false; got ${JSON.stringify(totalRaw)}`);
  }
  const listQuery = readSubscriptionListQuery(query, errors);
  if (errors.length > 0) return invalidInput(errors);
  const all = webhooks.listSubscriptions(listQuery);
  const page = all.slice(offset, offset + limit);
  return {
    status: 200,
    body: {
      webhook_subscriptions: page,
      limit,
      offset,
      more: offset + page.length < all.length,
      total: totalRaw !== null && TRUE.has(totalRaw) ? all.length : null,
    },
  };
};

/** `POST /webhook_subscriptions`: 200 (the spec's status), the secret in this answer only. */
export const createWebhookSubscription: RouteHandler = (webhooks, { body, malformedBody }) => {
  if (malformedBody) return invalidInput([MALFORMED_BODY]);
  const parsed = parseCreateBody(body, webhooks.filterTargetExists);
  if (!parsed.ok) return invalidInput(parsed.errors);
  return { status: 200, body: { webhook_subscription: webhooks.createSubscription(parsed.value) } };
};

export const getWebhookSubscription: RouteHandler = (webhooks, { params }) => {
  const id = params.id ?? "";
  const found = webhooks.getSubscription(id);
  return found ? { status: 200, body: { webhook_subscription: found } } : subscriptionNotFound(id);
};

/** `PUT /webhook_subscriptions/{id}`: an unknown id is a 404 whatever the body holds. */
export const updateWebhookSubscription: RouteHandler = (webhooks, req) => {
  const id = req.params.id ?? "";
  if (!webhooks.getSubscription(id)) return subscriptionNotFound(id);
  if (req.malformedBody) return invalidInput([MALFORMED_BODY]);
  const parsed = parseUpdateBody(req.body, webhooks.filterTargetExists);
  if (!parsed.ok) return invalidInput(parsed.errors);
  const updated = webhooks.updateSubscription(id, parsed.value);
  return updated
    ? { status: 200, body: { webhook_subscription: updated } }
    : subscriptionNotFound(id);
};

export const deleteWebhookSubscription: RouteHandler = (webhooks, { params }) => {
  const id = params.id ?? "";
  return webhooks.deleteSubscription(id) ? { status: 204 } : subscriptionNotFound(id);
};

/** `POST /webhook_subscriptions/{id}/enable`: "does not require a request body". */
export const enableWebhookSubscription: RouteHandler = (webhooks, { params }) => {
  const id = params.id ?? "";
  const enabled = webhooks.enableSubscription(id);
  return enabled
    ? { status: 200, body: { webhook_subscription: enabled } }
    : subscriptionNotFound(id);
};

/** `POST /webhook_subscriptions/{id}/ping`: 202, and `pagey.ping` goes to the destination. */
export const testWebhookSubscription: RouteHandler = (webhooks, { params }) => {
  const id = params.id ?? "";
  return webhooks.pingSubscription(id) ? { status: 202 } : subscriptionNotFound(id);
};

export interface WebhookSubscriptionRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** The spec's path template. */
  path: string;
  operationId: string;
  handler: RouteHandler;
}

export const WEBHOOK_SUBSCRIPTION_ROUTES: readonly WebhookSubscriptionRoute[] = [
  {
    method: "GET",
    path: "/webhook_subscriptions",
    operationId: "listWebhookSubscriptions",
    handler: listWebhookSubscriptions,
  },
  {
    method: "POST",
    path: "/webhook_subscriptions",
    operationId: "createWebhookSubscription",
    handler: createWebhookSubscription,
  },
  {
    method: "GET",
    path: "/webhook_subscriptions/{id}",
    operationId: "getWebhookSubscription",
    handler: getWebhookSubscription,
  },
  {
    method: "PUT",
    path: "/webhook_subscriptions/{id}",
    operationId: "updateWebhookSubscription",
    handler: updateWebhookSubscription,
  },
  {
    method: "DELETE",
    path: "/webhook_subscriptions/{id}",
    operationId: "deleteWebhookSubscription",
    handler: deleteWebhookSubscription,
  },
  {
    method: "POST",
    path: "/webhook_subscriptions/{id}/enable",
    operationId: "enableWebhookSubscription",
    handler: enableWebhookSubscription,
  },
  {
    method: "POST",
    path: "/webhook_subscriptions/{id}/ping",
    operationId: "testWebhookSubscription",
    handler: testWebhookSubscription,
  },
];

const COMPILED = WEBHOOK_SUBSCRIPTION_ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace("{id}", "(?<id>[^/]+)")}$`),
}));

/** The route for a method and path (without any host prefix), with its path parameters. */
export function matchWebhookSubscriptionRoute(
  method: string,
  path: string,
): { route: WebhookSubscriptionRoute; params: Record<string, string> } | undefined {
  for (const { route, pattern } of COMPILED) {
    if (route.method !== method) continue;
    const m = pattern.exec(path);
    if (!m) continue;
    const id = m.groups?.id;
    return { route, params: id === undefined ? {} : { id: decodeURIComponent(id) } };
  }
  return undefined;
}

/** A leading `/api.pagerduty.com` (or other `*.pagerduty.com`) segment, as pdjs sends it. */
const HOST_SEGMENT = /^\/[a-z0-9-]+(\.[a-z0-9-]+)*\.pagerduty\.com(?=\/)/i;

/**
 * The routes as one web-standard handler, with no authentication: for tests and for serving
 * them before the REST router takes them over.
 */
export function createWebhookSubscriptionsHandler(webhooks: PagerDutyWebhooks): FetchHandler {
  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname.replace(HOST_SEGMENT, "");
    const text = await request.text();
    const matched = matchWebhookSubscriptionRoute(request.method, path);
    const reply: RouteReply = matched
      ? matched.route.handler(webhooks, {
          params: matched.params,
          query: url.searchParams,
          ...parseBody(text),
        })
      : routeNotFound(request.method, path);
    if (reply.body === undefined) return new Response(null, { status: reply.status });
    return new Response(JSON.stringify(reply.body), {
      status: reply.status,
      headers: { "content-type": "application/json" },
    });
  };
}

function parseBody(text: string): { body?: unknown; malformedBody?: boolean } {
  if (text.trim() === "") return {};
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { malformedBody: true };
  }
}
