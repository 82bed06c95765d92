/**
 * Services and their integrations: `GET|POST /services` (query, name, team_ids[],
 * include[]=escalation_policies|teams|integrations, sort_by=name[:asc|:desc]),
 * `GET|PUT|DELETE /services/{id}`, `POST /services/{id}/integrations` and
 * `GET|PUT /services/{id}/integrations/{integration_id}`. The store's services and integrations
 * are the Events API's: an integration created here has a new 32-character key that events can
 * name as `routing_key` at once, and a service disabled here drops events.
 *
 * A service carries `tier` (gold, silver, bronze or null): not a PagerDuty field, the SLA/XLA
 * report's (DESIGN.md §6), set in a create or update body and shown on every rendering.
 *
 * `incident_urgency_rule` of type `use_support_hours` and `intelligent` alert grouping are
 * refused: support hours and the learned grouping are not simulated.
 */
import type {
  AlertGroupingParameters,
  Integration,
  IntegrationType,
  PagerDutyStore,
  Service,
  ServiceTier,
} from "../store.js";
import { SERVICE_TIERS } from "../store.js";
import { type Body, Checks, isObject } from "./bodies.js";
import { invalidInput, notFound } from "./errors.js";
import { created, noContent, ok, type RestContext, type RestRoute } from "./router.js";
import { renderIntegration, renderService } from "./shapes.js";

/** Integration types that take events, by the API they take. */
export const EVENT_INTEGRATION_TYPES: readonly IntegrationType[] = [
  "events_api_v2_inbound_integration",
  "generic_events_api_inbound_integration",
];

/** "config.timeout ... max 1440" (TimeBasedAlertGroupingConfiguration); 0: until resolved. */
const MAX_TIME_GROUPING_MINUTES = 1440;
/** ContentBasedAlertGroupingConfiguration: time_window 300..86400 seconds. */
const CONTENT_WINDOW = { min: 300, max: 86_400 };

export type ServiceFields = Partial<
  Pick<
    Service,
    | "name"
    | "description"
    | "auto_resolve_timeout"
    | "acknowledgement_timeout"
    | "escalation_policy"
    | "teams"
    | "incident_urgency_rule"
    | "alert_grouping_parameters"
    | "tier"
  >
> & { status?: "active" | "disabled" };

/** A timeout in seconds: 0 and null turn it off (null on the wire), as the spec says. */
function timeout(checks: Checks, body: Body, field: string): number | null | undefined {
  const value = checks.integer(body, field, { min: 0, nullable: true });
  return value === 0 ? null : value;
}

function urgencyRule(checks: Checks, raw: unknown): Service["incident_urgency_rule"] | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) {
    checks.add("Incident urgency rule must be an object");
    return undefined;
  }
  if (raw.type === "use_support_hours") {
    checks.add(
      "Incident urgency rule type use_support_hours is not supported: support hours are not simulated",
    );
    return undefined;
  }
  const type = checks.oneOf(raw, "type", ["constant"] as const, {
    required: true,
    label: "Incident urgency rule type",
  });
  const urgency = checks.oneOf(raw, "urgency", ["high", "low", "severity_based"] as const, {
    required: true,
    label: "Incident urgency rule urgency",
  });
  return type && urgency ? { type, urgency } : undefined;
}

function grouping(checks: Checks, raw: unknown): AlertGroupingParameters | undefined {
  if (raw === undefined) return undefined;
  if (raw === null) return { type: null };
  if (!isObject(raw)) {
    checks.add("Alert grouping parameters must be an object");
    return undefined;
  }
  if (raw.type === null || raw.type === undefined) return { type: null };
  const config = isObject(raw.config) ? raw.config : {};
  if (raw.type === "time") {
    const t = checks.integer(config, "timeout", {
      required: true,
      min: 0,
      max: MAX_TIME_GROUPING_MINUTES,
      label: "Alert grouping parameters config timeout",
    });
    return typeof t === "number" ? { type: "time", config: { timeout: t } } : undefined;
  }
  if (raw.type === "content_based") {
    const aggregate = checks.oneOf(config, "aggregate", ["all", "any"] as const, {
      required: true,
      label: "Alert grouping parameters config aggregate",
    });
    const fields = config.fields;
    const okFields =
      Array.isArray(fields) &&
      fields.length > 0 &&
      fields.every((f) => typeof f === "string" && f !== "");
    if (!okFields) checks.add("Alert grouping parameters config fields can't be blank");
    const window = checks.integer(config, "time_window", {
      required: true,
      ...CONTENT_WINDOW,
      label: "Alert grouping parameters config time window",
    });
    return aggregate && okFields && typeof window === "number"
      ? {
          type: "content_based",
          config: { aggregate, fields: [...(fields as string[])], time_window: window },
        }
      : undefined;
  }
  if (raw.type === "intelligent") {
    checks.add(
      "Alert grouping parameters type intelligent is not supported: use time or content_based",
    );
    return undefined;
  }
  checks.add(
    "Alert grouping parameters type is invalid (must be one of: time, content_based, null)",
  );
  return undefined;
}

/** The fields of a service body (POST or PUT) after PagerDuty's checks; every error at once. */
export function serviceFields(
  store: PagerDutyStore,
  body: Body,
  existing?: Service,
): ServiceFields {
  const checks = new Checks();
  const creating = existing === undefined;
  checks.type(body, "service");
  const name = checks.string(body, "name", { required: creating });
  if (typeof name === "string") {
    // Service names are unique in an account (openshift/pagerduty-operator#43).
    const other = store.services().find((s) => s.name.toLowerCase() === name.toLowerCase());
    if (other && other.id !== existing?.id) checks.add("Name has already been taken");
  }
  const description = checks.string(body, "description", { nullable: true });
  const autoResolve = timeout(checks, body, "auto_resolve_timeout");
  const ackTimeout = timeout(checks, body, "acknowledgement_timeout");
  const policy = checks.reference(
    body.escalation_policy,
    "Escalation policy",
    ["escalation_policy_reference", "escalation_policy"],
    (id) => Boolean(store.escalationPolicy(id)),
    { required: creating },
  );
  const teams = checks.references(body, "teams", ["team_reference", "team"], (id) =>
    Boolean(store.team(id)),
  );
  let status: "active" | "disabled" | undefined;
  if (body.status !== undefined) {
    // "active ... is the only status a service can be created with"; the others are derived.
    status = checks.oneOf(
      body,
      "status",
      creating ? (["active"] as const) : (["active", "disabled"] as const),
    );
  }
  const rule = urgencyRule(checks, body.incident_urgency_rule);
  const groupingParameters = grouping(checks, body.alert_grouping_parameters);
  let tier: ServiceTier | null | undefined;
  if (body.tier === null) tier = null;
  else tier = checks.oneOf(body, "tier", SERVICE_TIERS);
  checks.done();
  return {
    ...(typeof name === "string" ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(autoResolve !== undefined ? { auto_resolve_timeout: autoResolve } : {}),
    ...(ackTimeout !== undefined ? { acknowledgement_timeout: ackTimeout } : {}),
    ...(policy
      ? { escalation_policy: { id: policy.id, type: "escalation_policy_reference" as const } }
      : {}),
    ...(teams ? { teams: teams.map((t) => ({ id: t.id, type: "team_reference" as const })) } : {}),
    ...(status ? { status } : {}),
    ...(rule ? { incident_urgency_rule: rule } : {}),
    ...(groupingParameters ? { alert_grouping_parameters: groupingParameters } : {}),
    ...(tier !== undefined ? { tier } : {}),
  };
}

/**
 * A new service from checked fields. Timeouts left out of a POST are off ("Setting this field
 * to 0, null (or unset in POST request) will disable the feature", spec Service); urgency is
 * constant high and alerts are not grouped unless asked, as a new PagerDuty service.
 */
export function newService(
  store: PagerDutyStore,
  id: string,
  fields: ServiceFields,
  createdAt: string,
): Service {
  return {
    id,
    type: "service",
    name: fields.name as string,
    description: fields.description ?? null,
    html_url: store.htmlUrl(`service-directory/${id}`),
    created_at: createdAt,
    status: fields.status ?? "active",
    tier: fields.tier ?? null,
    escalation_policy: fields.escalation_policy ?? null,
    teams: fields.teams ?? [],
    incident_urgency_rule: fields.incident_urgency_rule ?? { type: "constant", urgency: "high" },
    alert_grouping_parameters: fields.alert_grouping_parameters ?? { type: null },
    auto_resolve_timeout: fields.auto_resolve_timeout ?? null,
    acknowledgement_timeout: fields.acknowledgement_timeout ?? null,
    integrations: [],
    last_incident_timestamp: null,
  };
}

/** The fields of an integration body; only the kinds that take events are offered. */
export function integrationFields(
  body: Body,
  existing?: Integration,
): { type?: IntegrationType; name?: string } {
  const checks = new Checks();
  let type: IntegrationType | undefined;
  if (existing === undefined || body.type !== undefined) {
    type = checks.oneOf(body, "type", EVENT_INTEGRATION_TYPES, {
      required: existing === undefined,
    });
    if (existing && type && type !== existing.type) checks.add("Type can't be changed");
  }
  const name = checks.string(body, "name");
  checks.done();
  return { ...(type ? { type } : {}), ...(typeof name === "string" ? { name } : {}) };
}

export function newIntegration(
  id: string,
  serviceId: string,
  fields: { type: IntegrationType; name?: string },
  key: string,
  createdAt: string,
): Integration {
  return {
    id,
    type: fields.type,
    name:
      fields.name ??
      (fields.type === "generic_events_api_inbound_integration"
        ? "Events API V1"
        : "Events API V2"),
    integration_key: key,
    service: { id: serviceId, type: "service_reference" },
    created_at: createdAt,
  };
}

function serviceOr404(ctx: RestContext): Service {
  const service = ctx.store.service(ctx.params.id as string);
  if (!service) throw notFound();
  return service;
}

function integrationOr404(ctx: RestContext, service: Service): Integration {
  const integration = ctx.store.integration(ctx.params.integration_id as string);
  if (!integration || integration.service.id !== service.id) throw notFound();
  return integration;
}

export const serviceRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/services",
    operationId: "listServices",
    handler(ctx) {
      const query = ctx.query.string("query")?.toLowerCase();
      const name = ctx.query.string("name");
      const teamIds = ctx.query.strings("team_ids");
      const include = ctx.query.includes();
      const sort = ctx.query.string("sort_by") ?? "name";
      if (!["name", "name:asc", "name:desc"].includes(sort)) {
        throw invalidInput(["sort_by must be one of: name, name:asc, name:desc"]);
      }
      const order = sort === "name:desc" ? -1 : 1;
      const services = [...ctx.store.services()]
        .filter((s) => query === undefined || s.name.toLowerCase().includes(query))
        .filter((s) => name === undefined || s.name === name)
        .filter((s) => teamIds.length === 0 || s.teams.some((t) => teamIds.includes(t.id)))
        .sort((a, b) => order * (a.name.localeCompare(b.name, "en") || a.id.localeCompare(b.id)));
      return ok(ctx.paginate("services", services, (s) => renderService(ctx, s, include)));
    },
  },
  {
    method: "POST",
    path: "/services",
    operationId: "createService",
    handler(ctx) {
      const fields = serviceFields(ctx.store, ctx.entity("service"));
      const service = newService(ctx.store, ctx.newId(), fields, ctx.now);
      ctx.store.addService(service);
      return created({ service: renderService(ctx, service) });
    },
  },
  {
    method: "GET",
    path: "/services/{id}",
    operationId: "getService",
    handler: (ctx) => ok({ service: renderService(ctx, serviceOr404(ctx), ctx.query.includes()) }),
  },
  {
    method: "PUT",
    path: "/services/{id}",
    operationId: "updateService",
    handler(ctx) {
      const service = serviceOr404(ctx);
      Object.assign(service, serviceFields(ctx.store, ctx.entity("service"), service));
      return ok({ service: renderService(ctx, service) });
    },
  },
  {
    method: "DELETE",
    path: "/services/{id}",
    operationId: "deleteService",
    handler(ctx) {
      const service = serviceOr404(ctx);
      // PagerDuty documents that a deleted service opens no new incidents; what becomes of its
      // open ones is not documented, so they must be resolved first.
      const open = ctx.store.openIncidents(service.id);
      if (open.length > 0) {
        throw invalidInput([
          `Service has open incidents (${open.map((i) => `#${i.incident_number}`).join(", ")}); resolve them first`,
        ]);
      }
      ctx.store.removeService(service.id);
      for (const window of ctx.store.maintenanceWindows()) {
        window.services = window.services.filter((s) => s.id !== service.id);
      }
      return noContent();
    },
  },
  {
    method: "POST",
    path: "/services/{id}/integrations",
    operationId: "createServiceIntegration",
    handler(ctx) {
      const service = serviceOr404(ctx);
      const fields = integrationFields(ctx.entity("integration"));
      const integration = newIntegration(
        ctx.newId(),
        service.id,
        fields as { type: IntegrationType; name?: string },
        ctx.newKey(),
        ctx.now,
      );
      ctx.store.addIntegration(integration);
      return created({ integration: renderIntegration(ctx, integration) });
    },
  },
  {
    method: "GET",
    path: "/services/{id}/integrations/{integration_id}",
    operationId: "getServiceIntegration",
    handler(ctx) {
      const integration = integrationOr404(ctx, serviceOr404(ctx));
      return ok({ integration: renderIntegration(ctx, integration) });
    },
  },
  {
    method: "PUT",
    path: "/services/{id}/integrations/{integration_id}",
    operationId: "updateServiceIntegration",
    handler(ctx) {
      const integration = integrationOr404(ctx, serviceOr404(ctx));
      const fields = integrationFields(ctx.entity("integration"), integration);
      if (fields.name !== undefined) integration.name = fields.name;
      return ok({ integration: renderIntegration(ctx, integration) });
    },
  },
];
