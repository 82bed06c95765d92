/**
 * Our REST answers against PagerDuty's published REST spec (PagerDuty/api-schema, copied to
 * ../shared/specs/pagerduty/REST-openapiv3.json): every route of the users, teams, escalation
 * policy, service, priority and maintenance window modules is the spec's operation (method,
 * path template and operationId), and every answer those routes give in the run below matches
 * the schema of its status in the spec, errors included (the spec's one error schema).
 *
 * The Types page says any field that is not required may be null, and real answers do that
 * where the spec's schemas say otherwise (reference/pagerduty.md, corrections): a null that
 * the spec does not allow on a field it does not require is accepted, and only there.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalationPolicyRoutes } from "../../../../mocks/pagerduty/rest/escalationPolicies.js";
import { maintenanceWindowRoutes } from "../../../../mocks/pagerduty/rest/maintenanceWindows.js";
import { priorityRoutes } from "../../../../mocks/pagerduty/rest/priorities.js";
import type { RestRoute } from "../../../../mocks/pagerduty/rest/router.js";
import { REST_ROUTES } from "../../../../mocks/pagerduty/rest/routes.js";
import { serviceRoutes } from "../../../../mocks/pagerduty/rest/services.js";
import { teamRoutes } from "../../../../mocks/pagerduty/rest/teams.js";
import { userRoutes } from "../../../../mocks/pagerduty/rest/users.js";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { type ApiReply, api, startSimulator } from "./helpers.js";

const SPEC = fileURLToPath(
  new URL("../../../../../shared/specs/pagerduty/REST-openapiv3.json", import.meta.url),
);
const present = existsSync(SPEC);

// biome-ignore lint/suspicious/noExplicitAny: the spec is read as plain JSON.
type Json = any;

const OURS: readonly RestRoute[] = [
  ...userRoutes,
  ...teamRoutes,
  ...escalationPolicyRoutes,
  ...serviceRoutes,
  ...priorityRoutes,
  ...maintenanceWindowRoutes,
];

const JSON_SCHEMA = "content/application~1json/schema";
const pointerEscape = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * The Types page's rule on the spec itself: a property an object schema does not require may
 * also be null. Required properties, and `type` (which tells oneOf branches apart), keep theirs.
 */
function allowNulls(node: Json): Json {
  if (Array.isArray(node)) return node.map(allowNulls);
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = allowNulls(v);
  if (
    typeof out.properties === "object" &&
    out.properties !== null &&
    !Array.isArray(out.properties)
  ) {
    const required = new Set<string>(Array.isArray(out.required) ? out.required : []);
    for (const [k, v] of Object.entries(out.properties)) {
      // `type` tells objects (and oneOf branches) apart: it is never relaxed.
      if (!required.has(k) && k !== "type") out.properties[k] = { anyOf: [v, { type: "null" }] };
    }
  }
  return out;
}

/** The component schema of an expanded (included) object, by its type. */
function schemaOfType(type: string): string | undefined {
  if (type.endsWith("_reference")) return undefined;
  if (type === "email_contact_method") return "EmailContactMethod";
  if (type === "phone_contact_method" || type === "sms_contact_method") return "PhoneContactMethod";
  if (type === "assignment_notification_rule") return "NotificationRule";
  if (type.endsWith("_inbound_integration")) return "Integration";
  return (
    {
      user: "User",
      team: "Team",
      service: "Service",
      escalation_policy: "EscalationPolicy",
    } as Record<string, string>
  )[type];
}

/**
 * The spec's schemas describe answers without `include[]`: the expansions it asks for are
 * references there. Expanded objects below the top level are folded back into references for
 * the answer's check, and handed to `expanded` to be checked against their own schema.
 */
function collapse(
  value: unknown,
  expanded: (schema: string, object: unknown) => void,
  depth = 0,
): unknown {
  if (Array.isArray(value)) return value.map((v) => collapse(v, expanded, depth));
  if (typeof value !== "object" || value === null) return value;
  const object = value as Record<string, unknown>;
  const schema = typeof object.type === "string" ? schemaOfType(object.type) : undefined;
  if (depth >= 2 && schema && typeof object.id === "string") {
    expanded(schema, object);
    return {
      id: object.id,
      type: `${object.type}_reference`,
      summary: object.summary,
      self: object.self,
      html_url: object.html_url,
    };
  }
  return Object.fromEntries(
    Object.entries(object).map(([k, v]) => [k, collapse(v, expanded, depth + 1)]),
  );
}

function routeOf(method: string, path: string): RestRoute | undefined {
  const bare = path.split("?")[0] as string;
  const candidates = OURS.filter((r) => {
    if (r.method !== method) return false;
    const pattern = new RegExp(`^${r.path.replace(/\{\w+\}/g, "[^/]+")}$`);
    return pattern.test(bare);
  });
  // Literal segments win, as in the router: /users/me over /users/{id}.
  return candidates.sort((a, b) => b.path.split("{").length - a.path.split("{").length).at(-1);
}

describe.skipIf(!present)(
  "REST answers against PagerDuty's OpenAPI spec (skipped when ../shared/specs is absent)",
  () => {
    let spec: Json;
    let ajv: Ajv;
    let errorSchema: ValidateFunction;
    const validators = new Map<string, ValidateFunction>();
    const seen: { route: RestRoute; status: number; body: unknown; what: string }[] = [];
    let sim: Simulator;
    let close: () => Promise<void>;

    beforeAll(async () => {
      spec = JSON.parse(readFileSync(SPEC, "utf8"));
      ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
      addFormats.default(ajv);
      ajv.addSchema(allowNulls(spec), "rest");
      errorSchema = ajv.compile({ $ref: `rest#/components/responses/Conflict/${JSON_SCHEMA}` });
      ({ sim, close } = await startSimulator({
        seed: "rest-spec",
        pagerduty: {
          users: [
            { name: "Spec Owner", email: "owner@spec.example", role: "owner" },
            {
              id: "PSPEC01",
              name: "Spec User",
              email: "user@spec.example",
              contact_methods: [
                { type: "email_contact_method", label: "Work", address: "user@spec.example" },
                {
                  type: "phone_contact_method",
                  label: "Phone",
                  address: "5555550100",
                  country_code: 1,
                },
                {
                  type: "sms_contact_method",
                  label: "SMS",
                  address: "5555550101",
                  country_code: 1,
                },
              ],
            },
          ],
        },
      }));
    });
    afterAll(async () => close?.());

    const components = new Map<string, ValidateFunction>();
    function component(name: string): ValidateFunction {
      let v = components.get(name);
      if (!v) {
        v = ajv.compile({ $ref: `rest#/components/schemas/${name}` });
        components.set(name, v);
      }
      return v;
    }

    function validatorFor(route: RestRoute, status: number): ValidateFunction {
      const key = `${route.method} ${route.path} ${status}`;
      let v = validators.get(key);
      if (!v) {
        const pointer = `/paths/${pointerEscape(route.path)}/${route.method.toLowerCase()}/responses/${status}/${JSON_SCHEMA}`;
        v = ajv.compile({ $ref: `rest#${pointer}` });
        validators.set(key, v);
      }
      return v;
    }

    /** One call, recorded with the route it reached. */
    async function call(
      method: string,
      path: string,
      init: Parameters<typeof api>[3] = {},
    ): Promise<ApiReply> {
      const reply = await api(sim, method, path, init);
      const route = routeOf(method, path);
      if (!route) throw new Error(`no route of ours for ${method} ${path}`);
      seen.push({ route, status: reply.status, body: reply.json, what: `${method} ${path}` });
      return reply;
    }

    it("every route is an operation of the spec, under its operationId", () => {
      for (const route of OURS) {
        const operation = spec.paths[route.path]?.[route.method.toLowerCase()];
        expect(operation, `${route.method} ${route.path}`).toBeDefined();
        expect(operation.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
      }
      // The registry holds them all.
      for (const route of OURS) expect(REST_ROUTES).toContain(route);
    });

    it("the schemas have teeth", () => {
      const getUser = OURS.find((r) => r.operationId === "getUser") as RestRoute;
      const v = validatorFor(getUser, 200);
      expect(v({})).toBe(false);
      expect(
        v({ user: { type: "user", name: "x", email: "x@example.com", role: "emperor" } }),
      ).toBe(false);
      expect(v({ user: { type: "user", name: 7, email: "x@example.com" } })).toBe(false);
      expect(errorSchema({ error: { message: 5 } })).toBe(false);
      expect(errorSchema({ error: { code: "2001" } })).toBe(false);
    });

    it("every answer of every route matches its schema", async () => {
      const owner = (await call("GET", "/users/me")).json.user;
      await call(
        "GET",
        "/users?include[]=contact_methods&include[]=notification_rules&include[]=teams",
      );
      await call("GET", "/users/PSPEC01?include[]=contact_methods");
      const methods = (await call("GET", "/users/PSPEC01/contact_methods")).json.contact_methods;
      for (const m of methods) await call("GET", `/users/PSPEC01/contact_methods/${m.id}`);
      const rules = (await call("GET", "/users/PSPEC01/notification_rules?urgency=all")).json
        .notification_rules;
      await call("GET", "/users/PSPEC01/notification_rules?include[]=contact_methods");
      await call(
        "GET",
        `/users/PSPEC01/notification_rules/${rules[0].id}?include[]=contact_methods`,
      );
      const newUser = (
        await call("POST", "/users", {
          body: {
            user: { type: "user", name: "Temp", email: "temp@spec.example", role: "limited_user" },
          },
        })
      ).json.user;
      await call("PUT", `/users/${newUser.id}`, { body: { user: { job_title: "Tester" } } });

      const team = (
        await call("POST", "/teams", { body: { team: { type: "team", name: "Spec team" } } })
      ).json.team;
      await call("GET", "/teams");
      await call("GET", `/teams/${team.id}`);
      await call("PUT", `/teams/${team.id}`, { body: { team: { description: "described" } } });
      await call("PUT", `/teams/${team.id}/users/PSPEC01`, { body: { role: "manager" } });
      await call("GET", `/teams/${team.id}/members`);
      await call("GET", `/teams/${team.id}/members?include[]=users`);

      const policy = (
        await call("POST", "/escalation_policies", {
          body: {
            escalation_policy: {
              type: "escalation_policy",
              name: "Spec policy",
              num_loops: 1,
              teams: [{ id: team.id, type: "team_reference" }],
              escalation_rules: [
                {
                  escalation_delay_in_minutes: 5,
                  targets: [{ id: "PSPEC01", type: "user_reference" }],
                },
                {
                  escalation_delay_in_minutes: 10,
                  targets: [{ id: owner.id, type: "user_reference" }],
                },
              ],
            },
          },
        })
      ).json.escalation_policy;
      await call(
        "GET",
        "/escalation_policies?include[]=services&include[]=teams&include[]=targets",
      );
      await call("GET", `/escalation_policies/${policy.id}?include[]=targets`);
      await call("PUT", `/escalation_policies/${policy.id}`, {
        body: { escalation_policy: { description: "updated" } },
      });

      const service = (
        await call("POST", "/services", {
          body: {
            service: {
              type: "service",
              name: "spec service",
              escalation_policy: { id: policy.id, type: "escalation_policy_reference" },
              teams: [{ id: team.id, type: "team_reference" }],
              incident_urgency_rule: { type: "constant", urgency: "severity_based" },
              alert_grouping_parameters: {
                type: "content_based",
                config: { aggregate: "all", fields: ["source"], time_window: 300 },
              },
              auto_resolve_timeout: 3600,
              acknowledgement_timeout: 600,
              tier: "silver",
            },
          },
        })
      ).json.service;
      const integration = (
        await call("POST", `/services/${service.id}/integrations`, {
          body: { integration: { type: "events_api_v2_inbound_integration", name: "Spec events" } },
        })
      ).json.integration;
      await call("POST", `/services/${service.id}/integrations`, {
        body: { integration: { type: "generic_events_api_inbound_integration" } },
      });
      await call("GET", `/services/${service.id}/integrations/${integration.id}`);
      await call("PUT", `/services/${service.id}/integrations/${integration.id}`, {
        body: { integration: { name: "Renamed" } },
      });
      await call(
        "GET",
        "/services?include[]=integrations&include[]=escalation_policies&include[]=teams",
      );
      await call("GET", `/services/${service.id}?include[]=escalation_policies`);
      await call("PUT", `/services/${service.id}`, {
        body: { service: { alert_grouping_parameters: { type: "time", config: { timeout: 10 } } } },
      });
      await call("GET", "/priorities?total=true");

      const now = sim.clock.now();
      const window = (
        await call("POST", "/maintenance_windows", {
          body: {
            maintenance_window: {
              type: "maintenance_window",
              start_time: new Date(now + 60_000).toISOString(),
              end_time: new Date(now + 3_600_000).toISOString(),
              description: "spec window",
              services: [{ id: service.id, type: "service_reference" }],
            },
          },
        })
      ).json.maintenance_window;
      await call("GET", "/maintenance_windows?include[]=services&include[]=teams&include[]=users");
      await call("GET", `/maintenance_windows/${window.id}`);
      await call("PUT", `/maintenance_windows/${window.id}`, {
        body: { maintenance_window: { description: "moved" } },
      });

      // Errors, and the deletes.
      await call("GET", "/users/PNOPE00");
      await call("POST", "/users", { body: { user: { name: "" } } });
      await call("DELETE", `/escalation_policies/${policy.id}`);
      await call("POST", "/services", { body: { service: {} } });
      await call("GET", "/maintenance_windows?filter=soon");
      await call("DELETE", `/maintenance_windows/${window.id}`);
      await call("DELETE", `/services/${service.id}`);
      await call("DELETE", `/escalation_policies/${policy.id}`);
      await call("DELETE", `/teams/${team.id}/users/PSPEC01`);
      await call("DELETE", `/teams/${team.id}`);
      await call("DELETE", `/users/${newUser.id}`);
      await call("GET", "/users/me", { auth: null });

      for (const { route, status, body, what } of seen) {
        if (status === 204) {
          expect(body, what).toBeUndefined();
          continue;
        }
        const v = status >= 400 ? errorSchema : validatorFor(route, status);
        const inner: [string, unknown][] = [];
        const ok = v(collapse(body, (schema, object) => inner.push([schema, object])));
        expect(ok, `${what} ${status}: ${JSON.stringify(v.errors)}`).toBe(true);
        for (const [schema, object] of inner) {
          const c = component(schema);
          expect(c(object), `${what}: ${schema} ${JSON.stringify(c.errors)}`).toBe(true);
        }
        if (status < 300) {
          const listed = spec.paths[route.path][route.method.toLowerCase()].responses;
          expect(Object.keys(listed), `${what} ${status}`).toContain(String(status));
        }
      }
      // Every route answered at least once with a success.
      const succeeded = new Set(seen.filter((s) => s.status < 300).map((s) => s.route));
      expect(OURS.filter((r) => !succeeded.has(r)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
      expect(seen.some((s) => s.status === 400)).toBe(true);
      expect(seen.some((s) => s.status === 401)).toBe(true);
      expect(seen.some((s) => s.status === 404)).toBe(true);
    }, 60_000);

    it("the spec's own example request bodies are accepted", async () => {
      const example = (path: string, method = "post") => {
        const examples = spec.paths[path][method].requestBody.content["application/json"].examples;
        return structuredClone(Object.values(examples)[0] as { value: Json }).value;
      };
      const policyId = (await api(sim, "GET", "/escalation_policies")).json.escalation_policies[0]
        .id;
      const ownerId = (await api(sim, "GET", "/users/me")).json.user.id;

      const user = example("/users");
      expect((await api(sim, "POST", "/users", { body: user })).status).toBe(201);
      const team = example("/teams");
      expect((await api(sim, "POST", "/teams", { body: team })).status).toBe(201);

      const policy = example("/escalation_policies");
      for (const rule of policy.escalation_policy.escalation_rules) {
        rule.targets = [{ id: ownerId, type: "user_reference" }];
      }
      delete policy.escalation_policy.services;
      delete policy.escalation_policy.teams;
      const madePolicy = await api(sim, "POST", "/escalation_policies", { body: policy });
      expect(madePolicy.status, madePolicy.text).toBe(201);

      const service = example("/services");
      service.service.escalation_policy.id = policyId;
      delete service.service.teams;
      delete service.service.support_hours;
      delete service.service.scheduled_actions;
      // The example asks for support-hours urgency, which is not simulated.
      service.service.incident_urgency_rule = { type: "constant", urgency: "high" };
      delete service.service.alert_grouping_parameters;
      const madeService = await api(sim, "POST", "/services", { body: service });
      expect(madeService.status, madeService.text).toBe(201);

      const window = example("/maintenance_windows");
      const now = sim.clock.now();
      window.maintenance_window.start_time = new Date(now + 60_000).toISOString();
      window.maintenance_window.end_time = new Date(now + 120_000).toISOString();
      window.maintenance_window.services = [
        { id: madeService.json.service.id, type: "service_reference" },
      ];
      const madeWindow = await api(sim, "POST", "/maintenance_windows", { body: window });
      expect(madeWindow.status, madeWindow.text).toBe(201);
    });
  },
);
