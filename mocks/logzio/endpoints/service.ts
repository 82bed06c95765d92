import Mustache from "mustache";
import type { Clock, TimerHandle } from "../../../simulator/kernel/clock.js";
import type { Journal } from "../../../simulator/kernel/journal.js";
import type { Alert, Severity } from "../alerts/model.js";
import type { TriggeredEvent } from "../alerts/service.js";
import {
  PD_DEDUP_KEY_MAX_CHARS,
  PD_SUMMARY_MAX_CHARS,
  PD_V1_DESCRIPTION_MAX_CHARS,
} from "../limits.js";
import type { Doc } from "../search/fields.js";
import type { LogzioAccount } from "../store.js";
import {
  type CustomEndpoint,
  type Endpoint,
  type EndpointDraft,
  endpointResponse,
  type PagerDutyEndpoint,
  parseHeaders,
} from "./model.js";

/**
 * Delays before the 2nd, 3rd and 4th attempt of a failed delivery. Logz.io documents no retry
 * policy for notifications: these figures are chosen, doubling from 30 s.
 */
export const RETRY_DELAYS_MS = [30_000, 60_000, 120_000] as const;

/** PagerDuty Events v2 severities; Logz.io's wire format is undocumented, so the map is chosen. */
const PD_SEVERITY: Record<Severity, "critical" | "error" | "warning" | "info"> = {
  SEVERE: "critical",
  HIGH: "error",
  MEDIUM: "warning",
  LOW: "info",
  INFO: "info",
};

/** Logz.io does not document which Events API it calls: v2 by default, v1 on request. */
export type PagerDutyEventsApiVersion = "v1" | "v2";

export interface EndpointsServiceOptions {
  clock: Clock;
  journal: Journal;
  /** A fetch that holds the clock while a delivery is in flight. */
  fetch: typeof fetch;
  /** Base URL of the PagerDuty Events API; read at delivery time (the host binds late). */
  pagerdutyEventsUrl(): string | undefined;
  /** Which PagerDuty Events API PagerDuty endpoints speak (default "v2"). */
  pagerdutyEventsApiVersion?: PagerDutyEventsApiVersion;
  accountName(accountId: number): string;
}

/** What a delivery sends, decided before the first attempt so retries resend the same bytes. */
interface Delivery {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** Notification endpoints per account, and delivery of alert notifications to them. */
export class EndpointsService {
  readonly #opts: EndpointsServiceOptions;
  readonly #endpoints = new Map<number, Endpoint>();
  /** Retries waiting on the clock; a reset cancels them with the endpoints they belong to. */
  readonly #retries = new Set<TimerHandle>();
  #nextId = 1;

  constructor(opts: EndpointsServiceOptions) {
    this.#opts = opts;
  }

  list(account: LogzioAccount) {
    return [...this.#endpoints.values()]
      .filter((e) => e.accountId === account.accountId)
      .map(endpointResponse);
  }

  get(account: LogzioAccount, id: number): Endpoint | undefined {
    const e = this.#endpoints.get(id);
    return e?.accountId === account.accountId ? e : undefined;
  }

  create(account: LogzioAccount, draft: EndpointDraft): Endpoint {
    const endpoint = { ...draft, id: this.#nextId++, accountId: account.accountId } as Endpoint;
    this.#endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  update(existing: Endpoint, draft: EndpointDraft): Endpoint {
    const endpoint = { ...draft, id: existing.id, accountId: existing.accountId } as Endpoint;
    this.#endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  delete(endpoint: Endpoint): void {
    this.#endpoints.delete(endpoint.id);
  }

  reset(): void {
    for (const retry of this.#retries) retry.cancel();
    this.#retries.clear();
    this.#endpoints.clear();
    this.#nextId = 1;
  }

  snapshot() {
    return { endpoints: [...this.#endpoints.values()].map((e) => ({ ...e })) };
  }

  /**
   * `?test=true`: one attempt with a sample alert, awaited, so the caller learns whether the
   * endpoint answered. Not retried: the answer goes straight back to the user.
   */
  async sendTest(account: LogzioAccount, draft: EndpointDraft): Promise<string | undefined> {
    const endpoint = { ...draft, id: -1, accountId: account.accountId } as Endpoint;
    const now = this.#opts.clock.now();
    const sample: TriggeredEvent = {
      alertId: -1,
      accountId: account.accountId,
      title: "Test notification from Logz.io",
      tags: [],
      severity: "INFO",
      groupBy: {},
      hits: 0,
      value: 0,
      eventMs: now,
      windowStartMs: now,
      windowEndMs: now,
      suppressed: false,
    };
    const delivery = this.#build(endpoint, undefined, sample, []);
    if (typeof delivery === "string") return delivery;
    const outcome = await this.#attempt(delivery);
    return outcome.ok ? undefined : outcome.error;
  }

  /** The alerts engine's `notify` hook: one delivery per recipient endpoint of the alert. */
  notify(alert: Alert, event: TriggeredEvent, samples: readonly Doc[] = []): void {
    const ids = alert.request.output?.recipients?.notificationEndpointIds ?? [];
    for (const id of ids) {
      const endpoint = this.#endpoints.get(id);
      if (!endpoint || endpoint.accountId !== alert.accountId) {
        this.#journal("logzio.notification.failed", {
          endpointId: id,
          alertId: alert.id,
          attempt: 0,
          error: "no such endpoint",
        });
        continue;
      }
      const delivery = this.#build(endpoint, alert, event, samples);
      if (typeof delivery === "string") {
        this.#journal("logzio.notification.failed", {
          ...this.#who(endpoint, alert.id),
          attempt: 0,
          error: delivery,
        });
        continue;
      }
      void this.#deliver(endpoint, alert.id, delivery, 1);
    }
  }

  async #deliver(endpoint: Endpoint, alertId: number, d: Delivery, attempt: number) {
    const outcome = await this.#attempt(d);
    const who = this.#who(endpoint, alertId);
    if (outcome.ok) {
      this.#journal("logzio.notification.sent", { ...who, attempt, status: outcome.status });
      return;
    }
    const delay = isRetryable(outcome.status) ? RETRY_DELAYS_MS[attempt - 1] : undefined;
    this.#journal("logzio.notification.failed", {
      ...who,
      attempt,
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      error: outcome.error,
      ...(delay === undefined ? { final: true } : { retryInMs: delay }),
    });
    if (delay === undefined) return;
    const retry = this.#opts.clock.setTimeout(
      () => {
        this.#retries.delete(retry);
        void this.#deliver(endpoint, alertId, d, attempt + 1);
      },
      delay,
      `logzio.notification.retry.${endpoint.id}.${alertId}`,
    );
    this.#retries.add(retry);
  }

  async #attempt(
    d: Delivery,
  ): Promise<{ ok: true; status: number } | { ok: false; status?: number; error: string }> {
    try {
      const res = await this.#opts.fetch(d.url, {
        method: d.method,
        headers: d.headers,
        ...(d.body === undefined ? {} : { body: d.body }),
      });
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      return { ok: false, status: res.status, error: `HTTP ${res.status}` };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { ok: false, error: cause ?? (error as Error).message };
    }
  }

  /** The request for one endpoint, or why it cannot be sent. */
  #build(
    endpoint: Endpoint,
    alert: Alert | undefined,
    event: TriggeredEvent,
    samples: readonly Doc[],
  ): Delivery | string {
    if (endpoint.endpointType === "PagerDuty")
      return this.#pagerDuty(endpoint, alert, event, samples);
    return this.#custom(endpoint, alert, event, samples);
  }

  /**
   * One trigger event for a PagerDuty endpoint, in the Events API the service is set to speak.
   * Both versions carry the same dedup key (alert id, then the group-by values) and details.
   */
  #pagerDuty(
    e: PagerDutyEndpoint,
    alert: Alert | undefined,
    event: TriggeredEvent,
    samples: readonly Doc[],
  ): Delivery | string {
    const base = this.#opts.pagerdutyEventsUrl();
    if (!base) return "the PagerDuty Events URL is not known yet";
    const dedupKey = truncateCharacters(
      [String(event.alertId), ...Object.values(event.groupBy)].join("-"),
      PD_DEDUP_KEY_MAX_CHARS,
      "",
    );
    const details = {
      alert_id: event.alertId,
      description: alert?.request.description ?? "",
      severity: event.severity,
      tags: event.tags,
      group_by: event.groupBy,
      hits: event.hits,
      value: event.value,
      window: {
        start: new Date(event.windowStartMs).toISOString(),
        end: new Date(event.windowEndMs).toISOString(),
      },
      // The same sample logs a custom endpoint gets as {{alert_samples}}: the responder sees
      // which requests failed, and their trace ids, in the incident's details.
      ...(samples.length > 0 ? { samples: samples.slice(0, 10).map((d) => d.fields) } : {}),
    };
    const v1 = this.#opts.pagerdutyEventsApiVersion === "v1";
    const body = v1
      ? {
          service_key: e.serviceKey,
          event_type: "trigger",
          incident_key: dedupKey,
          description: truncateCharacters(event.title, PD_V1_DESCRIPTION_MAX_CHARS),
          client: "Logz.io",
          client_url: triggeredAlertUrl(event),
          details,
        }
      : {
          routing_key: e.serviceKey,
          event_action: "trigger",
          dedup_key: dedupKey,
          payload: {
            summary: truncateCharacters(event.title, PD_SUMMARY_MAX_CHARS),
            source: "logz.io",
            severity: PD_SEVERITY[event.severity],
            timestamp: new Date(event.eventMs).toISOString(),
            custom_details: details,
          },
        };
    const path = v1 ? "/generic/2010-04-15/create_event.json" : "/v2/enqueue";
    return {
      url: `${base.replace(/\/+$/, "")}${path}`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    };
  }

  #custom(
    e: CustomEndpoint,
    alert: Alert | undefined,
    event: TriggeredEvent,
    samples: readonly Doc[],
  ): Delivery {
    const vars = this.#variables(alert, event, samples);
    const headers = parseHeaders(e.headers);
    let body: string | undefined;
    if (e.method !== "GET") {
      body =
        typeof e.bodyTemplate === "string"
          ? render(e.bodyTemplate, vars)
          : JSON.stringify(renderDeep(e.bodyTemplate, vars));
      const hasType = Object.keys(headers).some((k) => k.toLowerCase() === "content-type");
      if (!hasType) headers["content-type"] = "application/json";
    }
    return { url: e.url, method: e.method, headers, ...(body === undefined ? {} : { body }) };
  }

  /** The documented custom-endpoint variables (reference §4.5) that the simulator can fill. */
  #variables(alert: Alert | undefined, event: TriggeredEvent, samples: readonly Doc[]) {
    const iso = (ms: number) => new Date(ms).toISOString();
    const sampleJson = samples.slice(0, 10).map((d) => JSON.stringify(d.fields));
    return {
      alert_title: event.title,
      alert_description: alert?.request.description ?? "",
      alert_definition_id: String(event.alertId),
      alert_event_id: `${event.alertId}-${event.eventMs}`,
      triggered_id: `${event.alertId}-${event.eventMs}`,
      alert_severity: event.severity,
      account_id: String(event.accountId),
      account_name: this.#opts.accountName(event.accountId),
      alert_samples: sampleJson.join("\n"),
      alert_samples_json: sampleJson.join(","),
      alert_timeframe_start: iso(event.windowStartMs),
      alert_timeframe_end: iso(event.windowEndMs),
      alert_timeframe_start_epoch_millis: String(event.windowStartMs),
      alert_timeframe_end_epoch_millis: String(event.windowEndMs),
      alert_app_url: "https://app.logz.io",
      alert_tags: event.tags.join(", "),
      alert_tags_json: event.tags.map((t) => JSON.stringify(t)).join(", "),
    } satisfies Record<string, string>;
  }

  #who(endpoint: Endpoint, alertId: number) {
    return { endpointId: endpoint.id, type: endpoint.endpointType, alertId };
  }

  #journal(type: string, data: Record<string, unknown>) {
    this.#opts.journal.append(type, { source: "logzio", data });
  }
}

/**
 * Whether a failed attempt is worth repeating: no answer at all, a rate limit (429, or 403 from
 * Events API v1), or a server error. Any other 4xx says the event itself is wrong, and PagerDuty
 * asks senders not to retry those.
 */
function isRetryable(status: number | undefined): boolean {
  return status === undefined || status === 429 || status === 403 || status >= 500;
}

/**
 * `text` cut to at most `max` characters (code points, so no surrogate pair is split), ending
 * with `ellipsis` when cut.
 */
function truncateCharacters(text: string, max: number, ellipsis = "…"): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, max - ellipsis.length).join("")}${ellipsis}`;
}

/** The app's drill-down link to a triggered alert, in the pattern Logz.io's templates use. */
function triggeredAlertUrl(event: TriggeredEvent): string {
  const query = new URLSearchParams({
    from: String(event.windowStartMs),
    to: String(event.windowEndMs),
    definitionId: String(event.alertId),
    switchToAccountId: String(event.accountId),
  });
  return `https://app.logz.io/#/view-triggered-alert?${query}`;
}

/**
 * Mustache as Logz.io documents it: `{{x}}` HTML-escaped, `{{&x}}` and `{{{x}}}` raw, sections
 * over lists (`{{#samples_jsons}}...{{/samples_jsons}}`); unknown variables render empty.
 */
export function render(template: string, vars: Record<string, unknown>): string {
  return Mustache.render(template, vars);
}

/** Renders every string inside a JSON template, so the body stays valid JSON whatever the values. */
function renderDeep(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === "string") return render(value, vars);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, vars)]));
  }
  return value;
}
