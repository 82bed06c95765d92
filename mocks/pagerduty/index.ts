import type { ServiceModule } from "../../simulator/host/admin.js";
import { type FetchHandler, toRequestListener } from "../../simulator/host/webHandler.js";
import type { Clock } from "../../simulator/kernel/clock.js";
import { createIdFactory } from "../../simulator/kernel/ids.js";
import type { Journal } from "../../simulator/kernel/journal.js";
import type { Rng } from "../../simulator/kernel/rng.js";
import type { EventsApi } from "./errors.js";
import { createEventsHandler, type EventsReporter, type UnknownRoutingKeys } from "./http.js";
import { RATE_LIMIT_EVENTS, RATE_LIMIT_WINDOW_MS } from "./limits.js";
import { type RateLimit, RateLimiter } from "./rateLimit.js";
import { DEFAULT_USER, defaultPriorities, newApiKey, newUser, userToken } from "./rest/account.js";
import { createPagerDutyApi, type PagerDutyApi } from "./rest/index.js";
import type {
  Alert,
  ApiToken,
  EscalationPolicy,
  Incident,
  MaintenanceWindow,
  User,
} from "./store.js";
import {
  type AlertGroupingParameters,
  type Integration,
  PagerDutyStore,
  type Service,
  type ServiceTier,
  type Urgency,
} from "./store.js";

export type { UnknownRoutingKeys } from "./http.js";
export {
  MAX_DEDUP_KEY_CHARS,
  MAX_EVENT_BYTES,
  RATE_LIMIT_EVENTS,
  RATE_LIMIT_WINDOW_MS,
  ROUTING_KEY_LENGTH,
} from "./limits.js";
export type { RateLimit } from "./rateLimit.js";
export type { PagerDutyApi } from "./rest/index.js";
export type * from "./store.js";
export { PagerDutyStore } from "./store.js";

/** One Events API integration of a service: its key is what events name as `routing_key`. */
export interface PagerDutyIntegrationConfig {
  /** 32 letters and digits, as PagerDuty's integration keys. */
  key: string;
  /** "v2" (default): an Events API v2 integration; "v1": a Generic API (v1) one. */
  api?: "v2" | "v1";
  name?: string;
}

/** A PagerDuty service as configured. */
export interface PagerDutyServiceConfig {
  name: string;
  description?: string;
  /** A disabled service drops every event. */
  disabled?: boolean;
  /**
   * In maintenance from the start of the run, for good: a maintenance window that never ends
   * (its end_time is 9999-12-31). Triggers are dropped; events for open alerts still apply.
   */
  maintenance?: boolean;
  /** The tier the SLA/XLA report reads (kept on the service as `tier`). */
  tier?: ServiceTier;
  /** The incident urgency rule (default "severity_based": critical and error are high). */
  urgency?: Urgency | "severity_based";
  /** Alert grouping; default none: every new alert opens its own incident. */
  alertGrouping?:
    | { type: "time"; timeoutMinutes: number }
    | {
        type: "content_based";
        aggregate: "all" | "any";
        fields: string[];
        timeWindowSeconds: number;
      };
  /** Seconds; null turns it off (defaults: PagerDuty's 14400 and 1800). */
  autoResolveTimeout?: number | null;
  acknowledgementTimeout?: number | null;
  integrations: PagerDutyIntegrationConfig[];
}

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
  /** The account's users; default: one owner, `DEFAULT_USER`. */
  users?: readonly PagerDutyUserConfig[];
  /**
   * REST API keys; default: one 20-character key of the first user, drawn from the seed
   * (`PAGERDUTY_TOKEN` in the ready line).
   */
  apiTokens?: readonly PagerDutyApiTokenConfig[];
  /** REST requests per API key, on the simulator's clock; default PagerDuty's 960 a minute. */
  apiRateLimit?: RateLimit | false;
}

/** A user, as the REST API's create body has one (`POST /users`), with an optional fixed id. */
export interface PagerDutyUserConfig {
  id?: string;
  name: string;
  email: string;
  role?: User["role"];
  time_zone?: string;
  color?: string;
  description?: string | null;
  job_title?: string | null;
}

export interface PagerDutyApiTokenConfig {
  token: string;
  /** The email of the user the key belongs to; absent: an account-level key. */
  user?: string;
  /** "token" (default): sent as `Token token=`; "bearer": an OAuth-style token. */
  type?: ApiToken["kind"];
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
  const store = buildStore(options, () => ids.pagerDutyId(), clock.now());
  const rate = options.rateLimit ?? { limit: RATE_LIMIT_EVENTS, windowMs: RATE_LIMIT_WINDOW_MS };
  const rateLimiter = rate === false ? undefined : new RateLimiter(rate);

  const fetch = createEventsHandler({
    store,
    context: () => ({
      nowMs: clock.now(),
      newId: () => ids.pagerDutyId(),
      newDedupKey: () => Buffer.from(dedupKeys.bytes(16)).toString("hex"),
    }),
    ...(rateLimiter ? { rateLimiter } : {}),
    unknownRoutingKeys: options.unknownRoutingKeys ?? "reject",
    report: journalReporter(journal, store),
  });

  const api = createPagerDutyApi({
    store,
    nowMs: () => clock.now(),
    newId: () => ids.pagerDutyId(),
    journal: (type, data, correlation = {}) =>
      journal.append(type, { source: "pagerduty", correlation, data }),
    ...(options.apiRateLimit === undefined ? {} : { rateLimit: options.apiRateLimit }),
  });

  return {
    store,
    api,
    apiTokens: store.apiTokens(),
    events: {
      fetch,
      handler: toRequestListener(fetch, "PagerDuty Events API"),
      reset() {
        store.reset();
        rateLimiter?.reset();
      },
      state() {
        return store.snapshot({ redactKeys: true });
      },
    },
  };
}

/** The far end of a maintenance window configured with `maintenance: true`. */
const ENDLESS = "9999-12-31T23:59:59.000Z";

function buildStore(options: PagerDutyOptions, newId: () => string, nowMs: number): PagerDutyStore {
  const subdomain = options.subdomain ?? "watermelon";
  const configs = options.services ?? [defaultPagerDutyService(options.rng)];
  if (configs.length === 0) throw new Error("pagerduty: configure at least one service");
  const at = new Date(nowMs).toISOString();
  const html = (path: string) => `https://${subdomain}.pagerduty.com/${path}`;

  const users: User[] = (options.users ?? [DEFAULT_USER]).map((u) =>
    newUser({ htmlUrl: html }, newId, u, "id" in u && u.id ? u.id : undefined),
  );
  if (users.length === 0) throw new Error("pagerduty: configure at least one user");
  const tokenRng = options.rng.fork("pagerduty").fork("api-tokens");
  const first = users[0] as User;
  const apiTokens: ApiToken[] = (
    options.apiTokens ?? [{ token: newApiKey(tokenRng, "user"), user: first.email }]
  ).map((t) => {
    const user = t.user === undefined ? undefined : users.find((u) => u.email === t.user);
    if (t.user !== undefined && !user) {
      throw new Error(`pagerduty: the API token for ${t.user} names no configured user`);
    }
    return user
      ? { ...userToken(t.token, user), kind: t.type ?? "token" }
      : { token: t.token, kind: t.type ?? "token", user: null };
  });

  const policyId = newId();
  const policy: EscalationPolicy = {
    id: policyId,
    type: "escalation_policy",
    name: "Default",
    description: null,
    html_url: html(`escalation_policies/${policyId}`),
    num_loops: 0,
    on_call_handoff_notifications: "if_has_services",
    escalation_rules: [
      {
        id: newId(),
        escalation_delay_in_minutes: 30,
        targets: [{ id: first.id, type: "user_reference" }],
      },
    ],
    teams: [],
  };

  const services: Service[] = [];
  const integrations: Integration[] = [];
  const windows: MaintenanceWindow[] = [];
  for (const config of configs) {
    const id = newId();
    const service: Service = {
      id,
      type: "service",
      name: config.name,
      description: config.description ?? null,
      html_url: html(`service-directory/${id}`),
      created_at: at,
      status: config.disabled ? "disabled" : "active",
      tier: config.tier ?? null,
      escalation_policy: { id: policy.id, type: "escalation_policy_reference" },
      teams: [],
      incident_urgency_rule: { type: "constant", urgency: config.urgency ?? "severity_based" },
      alert_grouping_parameters: groupingParameters(config.alertGrouping),
      auto_resolve_timeout:
        config.autoResolveTimeout === undefined ? 14_400 : config.autoResolveTimeout,
      acknowledgement_timeout:
        config.acknowledgementTimeout === undefined ? 1_800 : config.acknowledgementTimeout,
      integrations: [],
      last_incident_timestamp: null,
    };
    for (const i of config.integrations) {
      const v1 = i.api === "v1";
      integrations.push({
        id: newId(),
        type: v1 ? "generic_events_api_inbound_integration" : "events_api_v2_inbound_integration",
        name: i.name ?? (v1 ? "Events API V1" : "Events API V2"),
        integration_key: i.key,
        service: { id, type: "service_reference" },
        created_at: at,
      });
    }
    services.push(service);
    if (config.maintenance) {
      const windowId = newId();
      windows.push({
        id: windowId,
        type: "maintenance_window",
        sequence_number: windows.length + 1,
        start_time: at,
        end_time: ENDLESS,
        description: `${config.name} is configured in maintenance`,
        html_url: html(`maintenance_windows/${windowId}`),
        services: [{ id, type: "service_reference" }],
        created_by: null,
      });
    }
  }
  return new PagerDutyStore(subdomain, {
    services,
    integrations,
    users,
    escalation_policies: [policy],
    priorities: defaultPriorities(newId),
    maintenance_windows: windows,
    api_tokens: apiTokens,
  });
}

function groupingParameters(
  grouping: PagerDutyServiceConfig["alertGrouping"],
): AlertGroupingParameters {
  if (!grouping) return { type: null };
  if (grouping.type === "time")
    return { type: "time", config: { timeout: grouping.timeoutMinutes } };
  return {
    type: "content_based",
    config: {
      aggregate: grouping.aggregate,
      fields: [...grouping.fields],
      time_window: grouping.timeWindowSeconds,
    },
  };
}

/**
 * Journals each event and what it did, with the ids that tie it to the hops before and after it:
 * the dedup key, the incident (number and id), and a trace id found in the event's details.
 */
function journalReporter(journal: Journal, store: PagerDutyStore): EventsReporter {
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
