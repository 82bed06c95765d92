import http from "node:http";
import type { ServiceModule } from "../../simulator/host/admin.js";
import { createTrackedFetch } from "../../simulator/host/inflight.js";
import { type FetchHandler, toRequestListener } from "../../simulator/host/webHandler.js";
import type { Clock } from "../../simulator/kernel/clock.js";
import { createIdFactory } from "../../simulator/kernel/ids.js";
import type { Journal } from "../../simulator/kernel/journal.js";
import type { Rng } from "../../simulator/kernel/rng.js";
import { type EventsApi, rateLimited } from "./errors.js";
import { createEventsHandler, type EventsReporter, type UnknownRoutingKeys } from "./http.js";
import { createIncidents, type Incidents } from "./incidents/index.js";
import { RATE_LIMIT_EVENTS, RATE_LIMIT_WINDOW_MS } from "./limits.js";
import { type RateLimit, RateLimiter } from "./rateLimit.js";
import {
  buildAccount,
  type PagerDutyApiTokenConfig,
  type PagerDutyEscalationPolicyConfig,
  type PagerDutyMaintenanceWindowConfig,
  type PagerDutyServiceConfig,
  type PagerDutyTeamConfig,
  type PagerDutyUserConfig,
} from "./rest/account.js";
import { RestError, rateLimited as restRateLimited } from "./rest/errors.js";
import { createPagerDutyApi, type PagerDutyApi } from "./rest/index.js";
import { REST_ROUTES } from "./rest/routes.js";
import { webhookSubscriptionRoutes } from "./rest/webhookSubscriptions.js";
import type { PagerDutyScheduleConfig } from "./schedules/config.js";
import type { Alert, ApiToken, Incident, PagerDutyStore } from "./store.js";
import { createPagerDutyWebhooks, type PagerDutyWebhooks } from "./webhooks/index.js";

export type { UnknownRoutingKeys } from "./http.js";
export {
  MAX_DEDUP_KEY_CHARS,
  MAX_EVENT_BYTES,
  RATE_LIMIT_EVENTS,
  RATE_LIMIT_WINDOW_MS,
  ROUTING_KEY_LENGTH,
} from "./limits.js";
export type { RateLimit } from "./rateLimit.js";
export type {
  PagerDutyAccountConfig,
  PagerDutyApiTokenConfig,
  PagerDutyContactMethodConfig,
  PagerDutyEscalationPolicyConfig,
  PagerDutyIntegrationConfig,
  PagerDutyMaintenanceWindowConfig,
  PagerDutyNotificationRuleConfig,
  PagerDutyServiceConfig,
  PagerDutyTeamConfig,
  PagerDutyUserConfig,
} from "./rest/account.js";
export { DEFAULT_USER, PagerDutyConfigError } from "./rest/account.js";
export type { PagerDutyApi } from "./rest/index.js";
export { type PagerDutyScheduleConfig, pagerDutyScheduleConfig } from "./schedules/config.js";
export type * from "./store.js";
export { PagerDutyStore } from "./store.js";

export interface PagerDutyOptions {
  clock: Clock;
  journal: Journal;
  /** The run's generator: ids, generated dedup keys and the default key come from forks of it. */
  rng: Rng;
  /** html_urls point at `https://<subdomain>.pagerduty.com` (default "watermelon"). */
  subdomain?: string;
  /** Default: one service from `defaultPagerDutyService(rng)`. */
  services?: readonly PagerDutyServiceConfig[];
  /** Per routing key, on the simulator's clock; default PagerDuty's 120 events a minute. */
  rateLimit?: RateLimit | false;
  /**
   * A well-formed routing key of no integration: "reject" (default) answers 400 `Invalid routing
   * key`, as PagerDuty does; "accept" answers success and drops the event.
   */
  unknownRoutingKeys?: UnknownRoutingKeys;
  /** The account's users, as `POST /users` bodies; default: one owner, `DEFAULT_USER`. */
  users?: readonly PagerDutyUserConfig[];
  /** Teams, as `POST /teams` bodies, with their members. */
  teams?: readonly PagerDutyTeamConfig[];
  /**
   * Escalation policies, as `POST /escalation_policies` bodies; default: "Default", the first
   * user after 30 minutes. A service without one gets the first.
   */
  escalationPolicies?: readonly PagerDutyEscalationPolicyConfig[];
  /** Maintenance windows, as `POST /maintenance_windows` bodies, checked at the run's start. */
  maintenanceWindows?: readonly PagerDutyMaintenanceWindowConfig[];
  /**
   * On-call schedules, as `POST /schedules` bodies with an optional fixed `id` and `overrides`;
   * escalation policies can target them. `store.onCallUsers` says who is on call.
   */
  schedules?: readonly PagerDutyScheduleConfig[];
  /**
   * REST API keys; default: one 20-character key of the first user, drawn from the seed
   * (`PAGERDUTY_TOKEN` in the ready line).
   */
  apiTokens?: readonly PagerDutyApiTokenConfig[];
  /** REST requests per API key, on the simulator's clock; default PagerDuty's 960 a minute. */
  apiRateLimit?: RateLimit | false;
}

export interface PagerDutyEvents extends ServiceModule {
  readonly fetch: FetchHandler;
}

export interface PagerDuty {
  readonly store: PagerDutyStore;
  /** The Events API role (events.pagerduty.com): v2 alert and change events, and v1. */
  readonly events: PagerDutyEvents;
  /** The REST API v2 role (api.pagerduty.com). */
  readonly api: PagerDutyApi;
  /** The REST API keys, first the one clients are told to use. */
  readonly apiTokens: readonly ApiToken[];
  /** Webhooks v3: subscriptions (REST `/webhook_subscriptions`) and deliveries. */
  readonly webhooks: PagerDutyWebhooks;
  /** The incidents' lifecycles on the simulator clock. */
  readonly incidents: Incidents;
}

/**
 * The service `watermelon up` starts without a scenario: "watermelon", severity-based urgency,
 * one Events API v2 integration whose 32-hex-digit key depends only on the run's seed.
 */
export function defaultPagerDutyService(rng: Rng): PagerDutyServiceConfig {
  const key = Buffer.from(rng.fork("pagerduty").fork("default-service").bytes(16)).toString("hex");
  return { name: "watermelon", integrations: [{ key, api: "v2", name: "Events API V2" }] };
}

/** PagerDuty's account: the store every role reads, and the Events API over it. */
export function createPagerDuty(options: PagerDutyOptions): PagerDuty {
  const { clock, journal } = options;
  const ids = createIdFactory(options.rng.fork("pagerduty"));
  const dedupKeys = options.rng.fork("pagerduty").fork("dedup-keys");
  const integrationKeys = options.rng.fork("pagerduty").fork("integration-keys");
  const store = buildAccount(
    {
      ...options,
      services: options.services ?? [defaultPagerDutyService(options.rng)],
    },
    { newId: () => ids.pagerDutyId(), nowMs: clock.now(), rng: options.rng },
  );
  const rate = options.rateLimit ?? { limit: RATE_LIMIT_EVENTS, windowMs: RATE_LIMIT_WINDOW_MS };
  const rateLimiter = rate === false ? undefined : new RateLimiter(rate);
  const webhooks = createPagerDutyWebhooks({
    clock,
    journal,
    // Looked up per call, so a fetch patched later (msw intercepting deliveries) is used.
    fetch: createTrackedFetch(clock, (input, init) => globalThis.fetch(input, init)),
    rng: options.rng.fork("pagerduty"),
    ids,
    filterTargetExists: (f) =>
      Boolean(f.type === "service_reference" ? store.service(f.id) : store.team(f.id)),
  });
  const incidents = createIncidents({
    store,
    clock,
    journal,
    webhooks,
    newId: () => ids.pagerDutyId(),
    newIncidentKey: () => Buffer.from(dedupKeys.bytes(16)).toString("hex"),
    traceIdOf: (details) => traced(details).traceId,
  });
  const resetIncidents = () => {
    incidents.reset();
    webhooks.reset();
  };

  const fetch = createEventsHandler({
    store,
    context: () => ({
      nowMs: clock.now(),
      newId: () => ids.pagerDutyId(),
      newDedupKey: () => Buffer.from(dedupKeys.bytes(16)).toString("hex"),
      lifecycle: incidents,
    }),
    ...(rateLimiter ? { rateLimiter } : {}),
    unknownRoutingKeys: options.unknownRoutingKeys ?? "reject",
    report: journalReporter(journal, store, incidents),
  });

  const rest = createPagerDutyApi({
    store,
    nowMs: () => clock.now(),
    newId: () => ids.pagerDutyId(),
    newKey: () => Buffer.from(integrationKeys.bytes(16)).toString("hex"),
    journal: (type, data, correlation = {}) =>
      journal.append(type, { source: "pagerduty", correlation, data }),
    ...(options.apiRateLimit === undefined ? {} : { rateLimit: options.apiRateLimit }),
    routes: [...REST_ROUTES, ...webhookSubscriptionRoutes(webhooks)],
    onReset: resetIncidents,
  });
  // Stopping cancels escalations, acknowledgement timeouts and webhook retries: on the real
  // clock they would otherwise fire after the journal has closed.
  const api: PagerDutyApi = {
    ...rest,
    faultResponse: restFaultResponse,
    dispose: async () => resetIncidents(),
  };

  return {
    store,
    api,
    apiTokens: store.apiTokens(),
    webhooks,
    incidents,
    events: {
      fetch,
      handler: toRequestListener(fetch, "PagerDuty Events API"),
      faultResponse: eventsFaultResponse,
      reset() {
        resetIncidents();
        store.reset();
        rateLimiter?.reset();
      },
      state() {
        return store.snapshot({ redactKeys: true });
      },
    },
  };
}

/**
 * The Events API's answer for an injected status: its throttle body for 429 (errors.ts), else
 * the spec's `{status, message, errors}` error shape with the status's reason phrase.
 */
function eventsFaultResponse(status: number) {
  const phrase = http.STATUS_CODES[status] ?? "Error";
  const body =
    status === 429
      ? rateLimited("v2").body
      : JSON.stringify({ status: phrase, message: phrase, errors: [phrase] });
  return { body, headers: { "content-type": "application/json" } };
}

/**
 * The REST API's answer for an injected status, in its one error shape: 2020 Rate Limit Exceeded
 * for 429 (errors.ts), 2000 (PagerDuty's code for an internal error) for a 5xx; other statuses
 * get the host's generic body.
 */
function restFaultResponse(status: number) {
  let error: RestError | undefined;
  if (status === 429) error = restRateLimited({});
  else if (status >= 500) {
    error = new RestError(
      status,
      2000,
      status === 500 ? "Internal Error" : (http.STATUS_CODES[status] ?? "Error"),
    );
  }
  if (!error) return undefined;
  return { body: JSON.stringify(error.body), headers: { "content-type": "application/json" } };
}

/**
 * Journals each event and what it did, with the ids that tie it to the hops before and after it:
 * the dedup key, the incident (number and id), and a trace id found in the event's details.
 */
function journalReporter(
  journal: Journal,
  store: PagerDutyStore,
  incidents?: Incidents,
): EventsReporter {
  const append = (
    type: string,
    correlation: Record<string, string>,
    data: Record<string, unknown>,
  ) => journal.append(type, { source: "pagerduty", correlation, data });
  // The trace id an alert opened with stays its own, whatever later triggers carry.
  const openedWith = (alert: Alert | undefined) =>
    alert ? store.logEntry(alert.first_trigger_log_entry.id)?.channel.details : undefined;
  const incidentCorrelation = (incident: Incident, alert?: Alert) => {
    const first = incident.alerts[0] ? store.alert(incident.alerts[0].id) : undefined;
    return {
      incidentNumber: String(incident.incident_number),
      incidentId: incident.id,
      ...traced(openedWith(alert ?? first)),
    };
  };
  const incidentData = (incident: Incident) => ({
    id: incident.id,
    incident_number: incident.incident_number,
    title: incident.title,
    status: incident.status,
    urgency: incident.urgency,
    service: incident.service.id,
    html_url: incident.html_url,
  });

  return {
    alertEvent(api, event, outcome) {
      const action = "event_action" in event ? event.event_action : event.event_type;
      const details =
        "payload" in event
          ? event.payload?.custom_details
          : "details" in event
            ? event.details
            : undefined;
      const correlation = { dedupKey: outcome.dedupKey, ...traced(details) };
      if (outcome.disposition === "unknown_routing_key") {
        append("pagerduty.event.accepted", correlation, { api, event_action: action });
        append("pagerduty.event.dropped", correlation, {
          api,
          event_action: action,
          reason: "no integration has this routing key",
        });
        return;
      }
      const where = { service: outcome.service.id, integration: outcome.integration.id };
      append("pagerduty.event.accepted", correlation, { api, event_action: action, ...where });
      if (outcome.disposition === "dropped") {
        append("pagerduty.event.dropped", correlation, {
          api,
          event_action: action,
          ...where,
          reason: outcome.reason ?? "dropped",
        });
        return;
      }
      for (const effect of outcome.effects) {
        const alert = "alert" in effect ? effect.alert : undefined;
        // The event's own trace id, when it brings one, wins over the alert's.
        const c = { ...incidentCorrelation(effect.incident, alert), ...correlation };
        switch (effect.kind) {
          case "alert.triggered":
            append("pagerduty.alert.triggered", c, {
              id: effect.alert.id,
              alert_key: effect.alert.alert_key,
              summary: effect.alert.summary,
              severity: effect.alert.severity,
              incident: effect.incident.id,
              grouped: effect.grouped,
            });
            break;
          case "alert.deduplicated":
            append("pagerduty.event.deduplicated", c, {
              api,
              alert: effect.alert.id,
              incident: effect.incident.id,
              incident_number: effect.incident.incident_number,
            });
            break;
          case "alert.resolved":
            append("pagerduty.alert.resolved", c, {
              id: effect.alert.id,
              alert_key: effect.alert.alert_key,
              incident: effect.incident.id,
            });
            break;
          case "incident.triggered":
            // The lifecycle journals the incident's changes itself, from its opening on.
            if (incidents) incidents.opened(effect.incident, correlation);
            else append(`pagerduty.${effect.kind}`, c, incidentData(effect.incident));
            break;
          case "incident.acknowledge":
            incidents?.acknowledgeByEvent(effect.incident, effect.alert, correlation);
            break;
          case "incident.resolve":
            incidents?.resolveByEvent(effect.incident, effect.alert, correlation);
            break;
          default:
            append(`pagerduty.${effect.kind}`, c, incidentData(effect.incident));
        }
      }
    },

    changeEvent(outcome) {
      if (outcome.disposition === "unknown_routing_key") {
        append("pagerduty.event.accepted", {}, { api: "change" });
        append(
          "pagerduty.event.dropped",
          {},
          {
            api: "change",
            reason: "no integration has this routing key",
          },
        );
        return;
      }
      const where = { service: outcome.service.id, integration: outcome.integration.id };
      const change = outcome.changeEvent;
      append("pagerduty.event.accepted", traced(change?.custom_details), {
        api: "change",
        ...where,
        ...(change ? { id: change.id, summary: change.summary } : {}),
      });
      if (outcome.disposition === "dropped") {
        append(
          "pagerduty.event.dropped",
          {},
          { api: "change", ...where, reason: outcome.reason ?? "dropped" },
        );
      }
    },

    rejected(api: EventsApi, error, body) {
      const key = body?.dedup_key ?? body?.incident_key;
      const payload = body?.payload;
      const details =
        typeof payload === "object" && payload !== null
          ? (payload as Record<string, unknown>).custom_details
          : body?.details;
      append(
        "pagerduty.event.rejected",
        { ...(typeof key === "string" && key !== "" ? { dedupKey: key } : {}), ...traced(details) },
        { api, status: error.status, errors: [...error.errors] },
      );
    },
  };
}

const TRACE_KEY = /^trace[_.-]?id$/i;

/** `{traceId}` when the details carry one (traceId, trace_id, trace.id, ...), a few levels deep. */
export function traced(details: unknown): { traceId?: string } {
  const found = findTraceId(details, 0);
  return found === undefined ? {} : { traceId: found };
}

function findTraceId(value: unknown, depth: number): string | undefined {
  if (depth > 4 || typeof value !== "object" || value === null) return undefined;
  const entries = Array.isArray(value) ? value.map((v) => ["", v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    if (
      TRACE_KEY.test(key) &&
      (typeof v === "string" || typeof v === "number") &&
      String(v) !== ""
    ) {
      return String(v);
    }
  }
  for (const [, v] of entries) {
    const found = findTraceId(v, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
