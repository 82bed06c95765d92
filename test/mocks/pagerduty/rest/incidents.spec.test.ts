/**
 * The incident routes against PagerDuty's published REST spec (../shared/specs/pagerduty/
 * REST-openapiv3.json): each route is the spec's operation (method, path template,
 * operationId), and every answer of a run through them (incidents opened by events and by
 * REST, acknowledged, escalated, reassigned, snoozed, annotated, resolved, reopened; their log
 * entries of every type, alerts, notes and status updates; the errors) matches the schema of
 * its status.
 *
 * Three known defects of the spec are mended before checking, as reference/pagerduty.md
 * ("Corrections") records them: any non-required field may be null (the Types page's rule,
 * which real answers follow), the log entry `channel`'s oneOf branches all match any object
 * (so oneOf can never hold; read as anyOf), and AcknowledgeLogEntry spells its type
 * `acknowledgement_log_entry` (read as acknowledge_log_entry, the type LogEntry lists).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incidentNoteRoutes } from "../../../../mocks/pagerduty/rest/incidentNotes.js";
import { incidentStatusUpdateRoutes } from "../../../../mocks/pagerduty/rest/incidentStatusUpdates.js";
import { incidentRoutes } from "../../../../mocks/pagerduty/rest/incidents.js";
import { logEntryRoutes } from "../../../../mocks/pagerduty/rest/logEntries.js";
import type { RestRoute } from "../../../../mocks/pagerduty/rest/router.js";
import { REST_ROUTES } from "../../../../mocks/pagerduty/rest/routes.js";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { ALICE, account, BOB, CAROL, followUp, MINUTE, trigger } from "../incidents/helpers.js";
import { type ApiReply, api, startSimulator } from "./helpers.js";

const SPEC = fileURLToPath(
  new URL("../../../../../shared/specs/pagerduty/REST-openapiv3.json", import.meta.url),
);
const present = existsSync(SPEC);

// biome-ignore lint/suspicious/noExplicitAny: the spec is read as plain JSON.
type Json = any;

const OURS: readonly RestRoute[] = [
  ...incidentRoutes,
  ...incidentNoteRoutes,
  ...incidentStatusUpdateRoutes,
  ...logEntryRoutes,
];

const JSON_SCHEMA = "content/application~1json/schema";
const pointerEscape = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");

/** The Types page's rule: a property an object schema does not require may be null. */
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
      if (!required.has(k) && k !== "type") out.properties[k] = { anyOf: [v, { type: "null" }] };
    }
  }
  return out;
}

/** The spec with its two log entry defects mended (see the header). */
function mended(spec: Json): Json {
  const copy = structuredClone(spec);
  const schemas = copy.components.schemas;
  schemas.Channel.anyOf = schemas.Channel.oneOf;
  delete schemas.Channel.oneOf;
  const ack = schemas.AcknowledgeLogEntry.allOf.find((p: Json) => p.properties?.type);
  ack.properties.type.enum = ["acknowledge_log_entry"];
  return allowNulls(copy);
}

/** The component schema of an expanded (included) object by its type: log entries, incidents. */
function schemaOfType(type: string): string | undefined {
  const named: Record<string, string> = {
    incident: "Incident",
    user: "User",
    service: "Service",
    escalation_policy: "EscalationPolicy",
    team: "Team",
  };
  if (named[type]) return named[type];
  if (type === "acknowledge_log_entry") return "AcknowledgeLogEntry";
  if (!type.endsWith("_log_entry")) return undefined;
  return type
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

/**
 * The spec's schemas describe answers without `include[]`: expanded objects below the top level
 * are folded back into references for the answer's check and handed to `expanded` to be checked
 * against their own schema.
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
  const candidates = OURS.filter(
    (r) => r.method === method && new RegExp(`^${r.path.replace(/\{\w+\}/g, "[^/]+")}$`).test(bare),
  );
  return candidates.sort((a, b) => b.path.split("{").length - a.path.split("{").length).at(-1);
}

describe.skipIf(!present)(
  "incident answers against PagerDuty's OpenAPI spec (skipped when ../shared/specs is absent)",
  () => {
    let spec: Json;
    let ajv: Ajv;
    const validators = new Map<string, ValidateFunction>();
    const seen: { route: RestRoute; status: number; body: unknown; what: string }[] = [];
    let sim: Simulator;
    let close: () => Promise<void>;

    beforeAll(async () => {
      spec = JSON.parse(readFileSync(SPEC, "utf8"));
      ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
      addFormats.default(ajv);
      ajv.addSchema(mended(spec), "rest");
      ({ sim, close } = await startSimulator({ seed: "incidents-spec", pagerduty: account() }));
    });
    afterAll(async () => close?.());

    function validatorFor(route: RestRoute, status: number): ValidateFunction {
      const key = `${route.method} ${route.path} ${status}`;
      let v = validators.get(key);
      if (!v) {
        const responses = spec.paths[route.path][route.method.toLowerCase()].responses;
        // A response may be a $ref to the spec's shared responses; statuses the operation does
        // not list share the spec's one error schema.
        const response = responses[String(status)];
        const pointer =
          response === undefined
            ? `/components/responses/Conflict/${JSON_SCHEMA}`
            : typeof response.$ref === "string"
              ? `${response.$ref.slice(1)}/${JSON_SCHEMA}`
              : `/paths/${pointerEscape(route.path)}/${route.method.toLowerCase()}/responses/${status}/${JSON_SCHEMA}`;
        v = ajv.compile({ $ref: `rest#${pointer}` });
        validators.set(key, v);
      }
      return v;
    }

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

    it("every route is an operation of the spec, under its operationId, and registered", () => {
      for (const route of OURS) {
        const operation = spec.paths[route.path]?.[route.method.toLowerCase()];
        expect(operation, `${route.method} ${route.path}`).toBeDefined();
        expect(operation.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
        expect(REST_ROUTES).toContain(route);
      }
    });

    it("the schemas have teeth", () => {
      const get = validatorFor(routeOf("GET", "/incidents/P1") as RestRoute, 200);
      expect(get({ incident: { type: "incident", status: "open" } })).toBe(false);
      expect(get({ incident: { type: "incident", urgency: "medium" } })).toBe(false);
      expect(get({ incident: { type: "incident", pending_actions: [{ type: "escalate" }] } })).toBe(
        false,
      );
      const entries = validatorFor(routeOf("GET", "/log_entries") as RestRoute, 200);
      expect(entries({ log_entries: [{ type: "bogus_log_entry" }] })).toBe(false);
      expect(entries({ log_entries: [{ type: "notify_log_entry", channel: {} }] })).toBe(false);
      const note = validatorFor(routeOf("POST", "/incidents/P1/notes") as RestRoute, 200);
      expect(note({ note: { id: "P1" } })).toBe(false);
    });

    it("every answer of every route matches its schema", async () => {
      const key = await trigger(sim, { details: { traceId: "spec-1" } });
      const list = await call("GET", `/incidents?incident_key=${key}&total=true`);
      const incident = list.json.incidents[0];
      await sim.clock.runFor(12 * MINUTE);
      const from = (email: string) => ({ from: email });
      const put = (id: string, fields: Record<string, unknown>, email = ALICE.email) =>
        call("PUT", `/incidents/${id}`, {
          ...from(email),
          body: { incident: { type: "incident_reference", ...fields } },
        });
      await put(incident.id, { status: "acknowledged" }, BOB.email);
      await call("POST", `/incidents/${incident.id}/snooze`, {
        ...from(BOB.email),
        body: { duration: 300 },
      });
      await put(incident.id, { urgency: "low" });
      await put(incident.id, { urgency: "high", escalation_level: 3 });
      await put(incident.id, {
        assignments: [{ assignee: { id: CAROL.id, type: "user_reference" } }],
      });
      await put(incident.id, { priority: "P2", title: "checkout errors" });
      await call("POST", `/incidents/${incident.id}/notes`, {
        ...from(CAROL.email),
        body: { note: { content: "rolling back" } },
      });
      await call("GET", `/incidents/${incident.id}/notes`);
      await call("POST", `/incidents/${incident.id}/status_updates`, {
        ...from(CAROL.email),
        body: { message: "Rolling back", subject: "Checkout", html_message: "<p>Rolling back</p>" },
      });
      await put(incident.id, { status: "resolved", resolution: "rolled back" });
      await put(incident.id, { status: "triggered" }, BOB.email);
      await followUp(sim, "resolve", key).catch(() => undefined);

      const made = await call("POST", "/incidents", {
        ...from(ALICE.email),
        body: {
          incident: {
            type: "incident",
            title: "The server is on fire.",
            service: incident.service,
            body: { type: "incident_body", details: "Smoke" },
            assignments: [{ assignee: { id: BOB.id, type: "user_reference" } }],
          },
        },
      });
      expect(made.status).toBe(201);
      await call("PUT", "/incidents", {
        ...from(ALICE.email),
        body: {
          incidents: [
            { id: made.json.incident.id, type: "incident_reference", status: "acknowledged" },
            { id: incident.id, type: "incident_reference", status: "resolved" },
          ],
        },
      });
      // The acknowledgement times out: an unacknowledge entry.
      await sim.clock.runFor(31 * MINUTE);

      await call(
        "GET",
        `/incidents/${incident.incident_number}?include[]=first_trigger_log_entries&include[]=priorities&time_zone=Asia/Tokyo`,
      );
      await call("GET", "/incidents?statuses[]=resolved&sort_by=created_at:desc&date_range=all");
      await call(
        "GET",
        `/incidents?date_range=all&include[]=assignees&include[]=acknowledgers&include[]=agents&include[]=services&include[]=escalation_policies&include[]=teams`,
      );
      await call("GET", `/incidents/${incident.id}/alerts?include[]=first_trigger_log_entries`);
      const entries = await call("GET", `/incidents/${incident.id}/log_entries?limit=100`);
      await call(
        "GET",
        `/incidents/${made.json.incident.id}/log_entries?time_zone=America/New_York`,
      );
      await call("GET", "/log_entries?is_overview=true&limit=100");
      await call("GET", `/log_entries/${entries.json.log_entries[0].id}`);
      // The run covers every log entry type the account writes.
      const types = new Set(
        (await api(sim, "GET", "/log_entries?limit=100")).json.log_entries.map((e: Json) => e.type),
      );
      for (const type of [
        "trigger_log_entry",
        "assign_log_entry",
        "notify_log_entry",
        "escalate_log_entry",
        "acknowledge_log_entry",
        "snooze_log_entry",
        "urgency_change_log_entry",
        "annotate_log_entry",
        "resolve_log_entry",
        "unacknowledge_log_entry",
      ]) {
        expect(types, type).toContain(type);
      }

      // Errors.
      await call("GET", "/incidents/PNOSUCH");
      await call("GET", "/incidents?statuses[]=open");
      await put(incident.id, { status: "resolved" });
      await put(made.json.incident.id, { escalation_level: 9 });
      await call("POST", `/incidents/${incident.id}/notes`, {
        ...from(ALICE.email),
        body: { note: { content: "" } },
      });
      await call("POST", "/incidents", {
        ...from(ALICE.email),
        body: { incident: { type: "incident" } },
      });

      expect(seen.length).toBeGreaterThan(25);
      const components = new Map<string, ValidateFunction>();
      const component = (name: string) => {
        let v = components.get(name);
        if (!v) {
          v = ajv.compile({ $ref: `rest#/components/schemas/${name}` });
          components.set(name, v);
        }
        return v;
      };
      let expansions = 0;
      for (const { route, status, body: raw, what } of seen) {
        const body = collapse(raw, (name, object) => {
          expansions++;
          const v = component(name);
          expect(v(object), `${what}: expanded ${name}: ${JSON.stringify(v.errors)}`).toBe(true);
        });
        const validate = validatorFor(route, status);
        expect(
          validate(body),
          `${what} ${status}: ${JSON.stringify(validate.errors)} for ${JSON.stringify(body).slice(0, 2000)}`,
        ).toBe(true);
      }
      expect(expansions).toBeGreaterThan(0);
      // Every operation was answered with success at least once.
      for (const route of OURS) {
        expect(
          seen.some((s) => s.route === route && s.status < 300),
          `${route.method} ${route.path}`,
        ).toBe(true);
      }
    });
  },
);
