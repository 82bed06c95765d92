/**
 * Webhook subscriptions as the REST API shows them (spec `WebhookSubscription`,
 * `WebhookSubscriptionUpdate`; developer-docs webhooks/01-Overview.md), the checks of the bodies
 * that create and update them, and their rendering. Plain data; no clock, no HTTP.
 */
import { isWebhookEventType, type WebhookEventType } from "./eventTypes.js";

export type FilterType = "account_reference" | "service_reference" | "team_reference";
export const FILTER_TYPES: readonly FilterType[] = [
  "account_reference",
  "service_reference",
  "team_reference",
];

/** `id` is required for every filter type except `account_reference` (spec `filter.id`). */
export interface SubscriptionFilter {
  type: FilterType;
  id?: string;
}

export interface CustomHeader {
  name: string;
  value: string;
}

/** A subscription as stored. `secrets` sign deliveries: the newest first, older ones in rotation. */
export interface StoredSubscription {
  id: string;
  type: "webhook_subscription";
  active: boolean;
  description: string;
  delivery_method: {
    id: string;
    type: "http_delivery_method";
    url: string;
    custom_headers: CustomHeader[];
    temporarily_disabled: boolean;
  };
  events: WebhookEventType[];
  filter: SubscriptionFilter;
  secrets: string[];
}

/** What a create request decides; ids and the secret are the module's. */
export interface SubscriptionDraft {
  active: boolean;
  description: string;
  url: string;
  custom_headers: CustomHeader[];
  events: WebhookEventType[];
  filter: SubscriptionFilter;
}

/** What an update may change: "This operation does not support updating the delivery_method". */
export interface SubscriptionPatch {
  active?: boolean;
  description?: string;
  events?: WebhookEventType[];
  filter?: SubscriptionFilter;
}

/** The REST rendering of a subscription. */
export interface WebhookSubscriptionResource {
  id: string;
  type: "webhook_subscription";
  active: boolean;
  delivery_method: {
    id: string;
    type: "http_delivery_method";
    url: string;
    custom_headers: CustomHeader[];
    /** "Only provided on the initial create response"; null otherwise (the spec's example). */
    secret: string | null;
    temporarily_disabled: boolean;
  };
  description: string;
  events: WebhookEventType[];
  filter: SubscriptionFilter;
}

/** The spec's examples show custom header values this way in every read. */
export const REDACTED = "-- redacted --";

/**
 * Renders a subscription. Custom header values are redacted ("The header values are redacted in
 * GET requests"); the create response is rendered the same way, since the spec's create example
 * answers with the GET example, except for the secret, which it alone carries.
 */
export function renderSubscription(
  s: StoredSubscription,
  options: { withSecret?: boolean } = {},
): WebhookSubscriptionResource {
  return {
    id: s.id,
    type: s.type,
    active: s.active,
    delivery_method: {
      id: s.delivery_method.id,
      type: s.delivery_method.type,
      url: s.delivery_method.url,
      custom_headers: s.delivery_method.custom_headers.map((h) => ({
        name: h.name,
        value: REDACTED,
      })),
      secret: options.withSecret ? (s.secrets[0] ?? null) : null,
      temporarily_disabled: s.delivery_method.temporarily_disabled,
    },
    description: s.description,
    events: [...s.events],
    filter: { ...s.filter },
  };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Checks of an id named in a filter, beyond its shape (does the service or team exist?). */
export type FilterTargetCheck = (filter: {
  type: "service_reference" | "team_reference";
  id: string;
}) => boolean;

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const quote = (v: unknown) => JSON.stringify(v) ?? String(v);

/**
 * Headers PagerDuty sets on every delivery (04-Signatures.md, the n8n README's captured request),
 * and the ones HTTP itself owns: a custom header may not stand in for either, since the
 * receiver's checks (signature, dedup by X-Webhook-Id) rely on them. PagerDuty documents no such
 * rule; refusing says so at once instead of sending something other than what was asked.
 */
const RESERVED_HEADERS = new Set([
  "accept",
  "content-type",
  "content-length",
  "user-agent",
  "x-pagerduty-signature",
  "x-webhook-id",
  "x-webhook-subscription",
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
]);

/** RFC 9110 `token`: the characters a header name may have. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible characters, spaces and tabs: no CR, LF or NUL, which would split the request. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\uffff]*$/;

function eventErrors(events: unknown, errors: string[]): WebhookEventType[] {
  if (!Array.isArray(events)) {
    errors.push('events must be an array of event type names, such as ["incident.triggered"]');
    return [];
  }
  if (events.length === 0) errors.push("events must name at least one event type");
  const seen = new Set<string>();
  const out: WebhookEventType[] = [];
  for (const [i, name] of events.entries()) {
    if (!isWebhookEventType(name)) {
      errors.push(`events[${i}]: ${quote(name)} is not a webhook event type`);
      continue;
    }
    if (seen.has(name)) {
      errors.push(`events[${i}]: ${quote(name)} is listed more than once`);
      continue;
    }
    seen.add(name);
    out.push(name);
  }
  return out;
}

function filterErrors(
  filter: unknown,
  errors: string[],
  exists: FilterTargetCheck | undefined,
): SubscriptionFilter | undefined {
  if (!isObject(filter)) {
    errors.push('filter must be an object such as {"type":"service_reference","id":"P393ZNQ"}');
    return undefined;
  }
  const { type, id } = filter;
  if (!FILTER_TYPES.includes(type as FilterType)) {
    errors.push(`filter.type must be one of ${FILTER_TYPES.join(", ")}; got ${quote(type)}`);
    return undefined;
  }
  const filterType = type as FilterType;
  if (id !== undefined && id !== null && typeof id !== "string") {
    errors.push(`filter.id must be a string; got ${quote(id)}`);
    return undefined;
  }
  const named = typeof id === "string" && id.trim() !== "" ? id : undefined;
  if (filterType === "account_reference") {
    return named === undefined ? { type: filterType } : { type: filterType, id: named };
  }
  if (named === undefined) {
    errors.push(`filter.id is required for a ${filterType} filter`);
    return undefined;
  }
  if (exists && !exists({ type: filterType, id: named })) {
    const what = filterType === "service_reference" ? "service" : "team";
    errors.push(`filter.id: no ${what} has the id ${quote(named)}`);
    return undefined;
  }
  return { type: filterType, id: named };
}

function urlErrors(url: unknown, errors: string[]): string | undefined {
  if (typeof url !== "string" || url.trim() === "") {
    errors.push("delivery_method.url is required");
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    errors.push(`delivery_method.url must be an absolute http or https URL; got ${quote(url)}`);
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    errors.push(`delivery_method.url must use http or https; got ${quote(parsed.protocol)}`);
    return undefined;
  }
  return url;
}

function headerErrors(headers: unknown, errors: string[]): CustomHeader[] {
  if (headers === undefined || headers === null) return [];
  if (!Array.isArray(headers)) {
    errors.push('delivery_method.custom_headers must be an array of {"name","value"} objects');
    return [];
  }
  const out: CustomHeader[] = [];
  const seen = new Set<string>();
  for (const [i, header] of headers.entries()) {
    const at = `delivery_method.custom_headers[${i}]`;
    if (!isObject(header)) {
      errors.push(`${at} must be an object with a name and a value`);
      continue;
    }
    const { name, value } = header;
    if (typeof name !== "string" || !HEADER_NAME.test(name)) {
      errors.push(`${at}.name must be a header name (letters, digits and -); got ${quote(name)}`);
      continue;
    }
    if (typeof value !== "string" || !HEADER_VALUE.test(value)) {
      errors.push(`${at}.value must be a string without line breaks; got ${quote(value)}`);
      continue;
    }
    const key = name.toLowerCase();
    if (RESERVED_HEADERS.has(key)) {
      errors.push(`${at}.name: ${name} is set by PagerDuty on every delivery`);
      continue;
    }
    // "All header names must be unique within a webhook subscription" (01-Overview.md).
    if (seen.has(key)) {
      errors.push(`${at}.name: ${name} is already used by another custom header`);
      continue;
    }
    seen.add(key);
    out.push({ name, value });
  }
  return out;
}

function descriptionErrors(description: unknown, errors: string[]): string | undefined {
  if (description === undefined || description === null) return undefined;
  if (typeof description !== "string") {
    errors.push(`description must be a string; got ${quote(description)}`);
    return undefined;
  }
  return description;
}

function activeErrors(active: unknown, errors: string[]): boolean | undefined {
  if (active === undefined || active === null) return undefined;
  if (typeof active !== "boolean") {
    errors.push(`active must be true or false; got ${quote(active)}`);
    return undefined;
  }
  return active;
}

/**
 * The body of `POST /webhook_subscriptions`: `{"webhook_subscription": {...}}` with the spec's
 * required `delivery_method` (type and url), `events` (at least one, unique, documented) and
 * `filter`. `type` may be left out (the spec gives it a default); read-only fields (`id`,
 * `secret`, `temporarily_disabled`) and `oauth_client_id` (OAuth clients are not simulated) are
 * ignored. Every broken rule is reported.
 */
export function parseCreateBody(
  body: unknown,
  exists?: FilterTargetCheck,
): Parsed<SubscriptionDraft> {
  if (!isObject(body) || !isObject(body.webhook_subscription)) {
    return { ok: false, errors: ["webhook_subscription is required and must be an object"] };
  }
  const s = body.webhook_subscription;
  const errors: string[] = [];
  if (s.type !== undefined && s.type !== "webhook_subscription") {
    errors.push(`type must be "webhook_subscription"; got ${quote(s.type)}`);
  }
  let url: string | undefined;
  let customHeaders: CustomHeader[] = [];
  const dm = s.delivery_method;
  if (!isObject(dm)) {
    errors.push('delivery_method is required: {"type":"http_delivery_method","url":"https://..."}');
  } else {
    if (dm.type !== "http_delivery_method") {
      errors.push(`delivery_method.type must be "http_delivery_method"; got ${quote(dm.type)}`);
    }
    url = urlErrors(dm.url, errors);
    customHeaders = headerErrors(dm.custom_headers, errors);
  }
  const events = eventErrors(s.events, errors);
  const filter = filterErrors(s.filter, errors, exists);
  const description = descriptionErrors(s.description, errors);
  const active = activeErrors(s.active, errors);
  if (errors.length > 0 || url === undefined || filter === undefined) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      active: active ?? true,
      // Not nullable in the spec: an absent description reads back empty.
      description: description ?? "",
      url,
      custom_headers: customHeaders,
      events,
      filter,
    },
  };
}

/**
 * The body of `PUT /webhook_subscriptions/{id}` (spec `WebhookSubscriptionUpdate`): only the
 * fields given change. `delivery_method` is not updatable, so one sent along is ignored, as are
 * read-only fields and `oauth_client_id`.
 */
export function parseUpdateBody(
  body: unknown,
  exists?: FilterTargetCheck,
): Parsed<SubscriptionPatch> {
  if (!isObject(body) || !isObject(body.webhook_subscription)) {
    return { ok: false, errors: ["webhook_subscription is required and must be an object"] };
  }
  const s = body.webhook_subscription;
  const errors: string[] = [];
  const patch: SubscriptionPatch = {};
  if (s.events !== undefined) patch.events = eventErrors(s.events, errors);
  if (s.filter !== undefined) {
    const filter = filterErrors(s.filter, errors, exists);
    if (filter) patch.filter = filter;
  }
  const description = descriptionErrors(s.description, errors);
  if (description !== undefined) patch.description = description;
  const active = activeErrors(s.active, errors);
  if (active !== undefined) patch.active = active;
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: patch };
}
