/**
 * Conformance of the Logz.io API emulation with (1) the published Swagger 2.0 spec
 * (logz-docs `logzio-public-api.yml`) and (2) the golden fixtures of Logz.io's Go client
 * (`logzio_terraform_client`, the responses its tests parse). Everything goes over HTTP with
 * `X-API-TOKEN`, as a client does.
 *
 * The spec cannot be used as published: some of its schemas are not JSON Schema at all and two
 * contradict their own examples. `repairSpec` fixes each such place and records it; the test
 * pins the list for the operations we serve, so every defect is named here, with what we follow.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { startSimulator } from "./helpers.js";
import { ship } from "./searchHelpers.js";

const SPECS = fileURLToPath(new URL("../../../../shared/specs/logzio/", import.meta.url));
const SPEC = path.join(SPECS, "logzio-public-api.swagger2.json");
const FIXTURES = path.join(SPECS, "tf-client-fixtures");
const MINUTE = 60_000;

type Obj = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// The spec, made loadable

interface Repair {
  /** JSON pointer (RFC 6901) into the published document. */
  at: string;
  what: string;
}

const JSON_TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);
/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions"]);
/** Keywords whose value is a schema, or (items, in draft 7) a list of them. */
const SCHEMA_VALUES = new Set(["items", "additionalProperties", "not", "schema"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);

const escapePointer = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * Places where the spec contradicts itself rather than being malformed: the schema refuses the
 * spec's own `example` next to it. Fixed by pointer, with the reason.
 */
const TARGETED: readonly { at: string; replace: unknown; what: string }[] = [
  {
    at: "/definitions/CustomEndpointUpsertRequest/properties/bodyTemplate/additionalProperties",
    replace: {},
    what: "values typed object, but the spec's own example (and the Go fixtures) have strings: any value",
  },
];

/**
 * A copy of the Swagger document that ajv can compile, and what had to change. Only schema
 * positions are touched (examples, defaults and `x-*` annotations are data, copied as they are).
 */
function repairSpec(doc: Obj): { spec: Obj; repairs: Repair[] } {
  const repairs: Repair[] = [];
  const targeted = new Map(TARGETED.map((t) => [t.at, t]));

  const schema = (node: unknown, at: string): unknown => {
    const t = targeted.get(at);
    if (t) {
      repairs.push({ at, what: t.what });
      return t.replace;
    }
    if (Array.isArray(node)) return node.map((v, i) => schema(v, `${at}/${i}`));
    if (typeof node !== "object" || node === null) return node;
    const out: Obj = {};
    for (const [key, value] of Object.entries(node)) {
      const here = `${at}/${escapePointer(key)}`;
      if (SCHEMA_MAPS.has(key)) out[key] = map(value, here);
      else if (SCHEMA_VALUES.has(key)) out[key] = schema(value, here);
      else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = schema(value, here);
      // `x-*` annotations (x-example, x-code-samples), examples and defaults are kept as data.
      else out[key] = value;
    }
    if ("additionalProperties" in out && out.additionalProperties === null) {
      delete out.additionalProperties;
      repairs.push({ at: `${at}/additionalProperties`, what: "null is not a schema: any value" });
    }
    if (out.type === "file") {
      // Swagger 2's upload type: a body that is not JSON, so nothing to check.
      delete out.type;
      repairs.push({ at: `${at}/type`, what: "type file (an upload): not checked" });
    } else if (typeof out.type === "string" && !JSON_TYPES.has(out.type)) {
      repairs.push({ at: `${at}/type`, what: `type "${out.type}" is no JSON type: dropped` });
      delete out.type;
    }
    if (out.format === "nullable") {
      delete out.format;
      repairs.push({ at: `${at}/format`, what: 'format "nullable" is no format: dropped' });
    }
    if (Array.isArray(out.enum) && out.enum.length === 1 && Array.isArray(out.enum[0])) {
      out.enum = out.enum[0];
      repairs.push({ at: `${at}/enum`, what: "enum nested in a list: flattened" });
    }
    if (out.type === "object" && Array.isArray(out.enum)) {
      // An object cannot equal a string: the list names the keys the object may have.
      out.propertyNames = { enum: out.enum };
      delete out.enum;
      repairs.push({ at: `${at}/enum`, what: "enum of strings on an object: its allowed keys" });
    }
    if (out.type === "array" && Array.isArray(out.enum)) {
      out.items = { ...(out.items as Obj), enum: out.enum };
      delete out.enum;
      repairs.push({ at: `${at}/enum`, what: "enum of strings on an array: its allowed items" });
    }
    return out;
  };
  const map = (node: unknown, at: string): unknown => {
    if (typeof node !== "object" || node === null) return node;
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, schema(v, `${at}/${escapePointer(k)}`)]),
    );
  };

  const spec: Obj = { ...doc, definitions: map(doc.definitions, "/definitions") };
  const paths: Obj = {};
  for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, Obj>>)) {
    const pAt = `/paths/${escapePointer(p)}`;
    const outOps: Obj = {};
    for (const [method, op] of Object.entries(ops)) {
      const at = `${pAt}/${method}`;
      if (typeof op !== "object" || op === null) {
        outOps[method] = op;
        continue;
      }
      const params = Array.isArray(op.parameters) ? op.parameters : [];
      const responses = (op.responses ?? {}) as Record<string, unknown>;
      outOps[method] = {
        ...op,
        // A parameter is schema-like (type, items, enum), and a body parameter holds a schema.
        parameters: params.map((param, i) => schema(param, `${at}/parameters/${i}`)),
        responses: Object.fromEntries(
          Object.entries(responses).map(([code, r]) => [
            code,
            schema(r, `${at}/responses/${escapePointer(code)}`),
          ]),
        ),
      };
    }
    paths[p] = outOps;
  }
  spec.paths = paths;
  return { spec, repairs };
}

/** A schema taken out of the document, its `#/…` references pointing back into it. */
function rebase(node: unknown, id = "spec"): unknown {
  if (Array.isArray(node)) return node.map((n) => rebase(n, id));
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${id}${v}` : rebase(v, id),
    ]),
  );
}

/** Definitions reachable from a schema through `$ref`. */
function reachable(doc: Obj, start: unknown, seen = new Set<string>()): Set<string> {
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/definitions/")) {
        const name = v.slice("#/definitions/".length);
        if (!seen.has(name)) {
          seen.add(name);
          visit((doc.definitions as Obj)[name]);
        }
      } else visit(v);
    }
  };
  visit(start);
  return seen;
}

/**
 * The alert definitions in a closed form: an object may carry only the keys its schema declares
 * (except filters, whose `Field` is a placeholder for any field name). The spec leaves every
 * object open; closing them shows the emulation invents no keys in an alert.
 */
const CLOSED_ALERT_DEFINITIONS = [
  "AlertV2Response",
  "AlertOutput",
  "AlertRecipients",
  "SubAlert",
  "AlertQuery",
  "Aggregation",
  "AlertTrigger",
  "SubAlertOutput",
  "SubAlertCorrelation",
];
function closed(spec: Obj): Obj {
  const close = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(close);
    if (typeof node !== "object" || node === null) return node;
    const out: Obj = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === "properties" ? map(v) : k === "items" ? close(v) : v;
    }
    if (out.properties && !("additionalProperties" in out)) out.additionalProperties = false;
    return out;
  };
  const map = (v: unknown) =>
    Object.fromEntries(Object.entries(v as Obj).map(([k, s]) => [k, close(s)]));
  const defs = { ...(spec.definitions as Obj) };
  for (const name of CLOSED_ALERT_DEFINITIONS) defs[name] = close(defs[name]);
  return { definitions: defs };
}

// ---------------------------------------------------------------------------------------------
// Shapes of JSON values, for the fixtures

/** The JSON type of a value; objects by their keys, arrays by the distinct shapes of their items. */
function shape(value: unknown): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) {
    const items = [...new Set(value.map((v) => JSON.stringify(shape(v))))].sort();
    return { array: items.map((s) => JSON.parse(s)) };
  }
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shape((value as Obj)[k])]),
    );
  }
  return typeof value;
}

// ---------------------------------------------------------------------------------------------

describe.skipIf(!existsSync(SPEC))(
  "Logz.io API against its Swagger spec and the Go client's fixtures (skipped when ../shared/specs is absent)",
  () => {
    let published: Obj;
    let spec: Obj;
    let repairs: Repair[];
    let ajv: Ajv;

    beforeAll(() => {
      published = JSON.parse(readFileSync(SPEC, "utf8"));
      ({ spec, repairs } = repairSpec(published));
      // strict: false because the spec is full of annotations ajv does not know (example,
      // x-example, a misspelt "exampe", OpenAPI 3's nullable); they do not constrain anything.
      // The document as a whole is not valid JSON Schema even repaired (definitions of other
      // APIs list `example` as a property, give `required: true`, a string `maximum`): it is
      // added unchecked, and the parts we use are checked against the meta-schema below.
      ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
      addFormats.default(ajv);
      ajv.addSchema(spec, "spec");
      ajv.addSchema(rebase(closed(spec), "closed") as Obj, "closed");
    });

    let sim: Simulator;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ sim, close } = await startSimulator({ seed: "logzio-spec-test" }));
    });
    afterEach(async () => close());

    async function api(method: string, url: string, body?: unknown) {
      const res = await fetch(`${sim.endpoints.logzioApi.url}${url}`, {
        method,
        headers: {
          "content-type": "application/json",
          "X-API-TOKEN": sim.env.LOGZIO_API_TOKEN as string,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      // biome-ignore lint/suspicious/noExplicitAny: replies are checked against schemas.
      return { status: res.status, text, body: (text ? JSON.parse(text) : undefined) as any };
    }

    const operation = (p: string, method: string) => {
      const op = (spec.paths as Record<string, Record<string, Obj>>)[p]?.[method];
      if (!op) throw new Error(`the spec has no ${method.toUpperCase()} ${p}`);
      return op as { parameters: Obj[]; responses: Record<string, { schema?: unknown }> };
    };

    const compiled = new Map<string, ValidateFunction>();
    /** The errors of `value` against a schema taken from the spec (an empty list: it conforms). */
    const errorsOf = (schema: unknown, value: unknown): string[] => {
      const key = JSON.stringify(schema);
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile(rebase(schema) as Obj);
        compiled.set(key, validate);
      }
      return validate(value) ? [] : (validate.errors ?? []).map(describeError);
    };
    const describeError = (e: ErrorObject) => `${e.instancePath || "/"} ${e.message}`;
    const definition = (name: string) => ({ $ref: `#/definitions/${name}` });

    /** The spec's schema for the body of an operation. */
    const requestSchema = (p: string, method: string) => {
      const body = operation(p, method).parameters.find((x) => x.in === "body");
      if (!body) throw new Error(`${method.toUpperCase()} ${p} declares no body`);
      return body.schema;
    };

    /**
     * The reply has a status the operation declares and, where the declaration has a schema, a
     * body that conforms to it; without one, no body.
     */
    const expectConforms = (
      p: string,
      method: string,
      reply: { status: number; text: string; body: unknown },
    ) => {
      const responses = operation(p, method).responses;
      const declared = responses[String(reply.status)] ?? responses.default;
      expect(declared, `${method.toUpperCase()} ${p} declares no ${reply.status}`).toBeDefined();
      if (declared?.schema === undefined) expect(reply.text).toBe("");
      else expect(errorsOf(declared.schema, reply.body)).toEqual([]);
    };

    // -----------------------------------------------------------------------------------------
    // Fixtures

    const FIXTURE_DIRS = ["alerts_v2", "endpoints"] as const;
    /** Fixtures that have no counterpart in the emulation, and why. */
    const NOT_APPLICABLE: Record<string, string> = {
      "endpoints/create_endpoint_api_fail.txt":
        "an internal server error (500) of Logz.io: the emulation has no failure to produce it",
      "endpoints/get_endpoint_bigpanda.json": "BigPanda endpoints are refused as not emulated",
      "endpoints/get_endpoint_datadog.json": "Datadog endpoints are refused as not emulated",
      "endpoints/get_endpoint_microsoftteams.json":
        "Microsoft Teams endpoints are refused as not emulated",
      "endpoints/get_endpoint_opsgenie.json": "Opsgenie endpoints are refused as not emulated",
      "endpoints/get_endpoint_servicenow.json": "ServiceNow endpoints are refused as not emulated",
      "endpoints/get_endpoint_slack.json": "Slack endpoints are refused as not emulated",
      "endpoints/get_endpoint_victorops.json": "VictorOps endpoints are refused as not emulated",
    };
    /** Fixtures compared below. */
    const COMPARED = [
      "alerts_v2/create_alert.json",
      "alerts_v2/create_alert_failed.txt",
      "alerts_v2/delete_alert.txt",
      "alerts_v2/delete_alert_not_exist.txt",
      "alerts_v2/get_alert.json",
      "alerts_v2/get_alert_not_exist.txt",
      "alerts_v2/list_alerts.json",
      "alerts_v2/update_alert.json",
      "alerts_v2/update_alert_not_exist.txt",
      "endpoints/create_endpoint.json",
      "endpoints/delete_endpoint_not_exist.json",
      "endpoints/get_endpoint_custom.json",
      "endpoints/get_endpoint_not_exist.json",
      "endpoints/get_endpoint_pagerduty.json",
      "endpoints/list_endpoints.json",
      "endpoints/update_endpoint.json",
    ];
    const fixtureText = (name: string) => {
      if (!COMPARED.includes(name)) throw new Error(`${name} is not listed as compared`);
      return readFileSync(path.join(FIXTURES, name), "utf8").trim();
    };
    // biome-ignore lint/suspicious/noExplicitAny: fixtures are sample data read field by field.
    const fixture = (name: string): any => JSON.parse(fixtureText(name));

    // -----------------------------------------------------------------------------------------
    // Request bodies

    /**
     * What the Go client sends for its tests' `getCreateAlertType()` (the request behind
     * `create_alert.json`): encoding/json writes empty structs despite `omitempty`, and `enabled`
     * is a string field.
     */
    const goClientAlert = (title = "test create alert") => ({
      title,
      description: "this is my description",
      tags: ["some", "words"],
      output: { recipients: {} },
      subComponents: [
        {
          queryDefinition: {
            query: "loglevel:ERROR",
            filters: { bool: {} },
            aggregation: { aggregationType: "COUNT" },
            shouldQueryOnAllAccounts: true,
          },
          trigger: { operator: "EQUALS", severityThresholdTiers: { HIGH: 10, INFO: 5 } },
          output: {},
        },
      ],
      correlations: {},
      enabled: "true",
    });

    /** An alert using every field the spec documents, with the spec's example values. */
    const specExampleAlert = (endpointId: number) => ({
      title: "Excessive WARN levels in PROD",
      description: "Steps to remediate...",
      tags: ["network"],
      output: {
        recipients: { emails: ["tom.a@logz.io"], notificationEndpointIds: [endpointId] },
        suppressNotificationsMinutes: 60,
        type: "JSON",
      },
      searchTimeFrameMinutes: 20,
      subComponents: [
        {
          queryDefinition: {
            query: "type:apache_access",
            filters: {
              bool: {
                must: [{ match_phrase: { level: { query: "WARN" } } }],
                must_not: [{ match_phrase: { env: { query: "dev" } } }],
              },
            },
            groupBy: ["region"],
            aggregation: { aggregationType: "COUNT" },
            shouldQueryOnAllAccounts: true,
          },
          trigger: {
            operator: "GREATER_THAN_OR_EQUALS",
            severityThresholdTiers: { MEDIUM: 10, HIGH: 100, SEVERE: 300 },
          },
          output: { shouldUseAllFields: true },
        },
      ],
      correlations: { correlationOperators: ["AND"] },
      schedule: { cronExpression: "0 0/60 9-17 ? * * *", timezone: "America/Sao_Paulo" },
      enabled: true,
    });

    const pagerDutyEndpoint = () => {
      const f = fixture("endpoints/get_endpoint_pagerduty.json");
      return { title: f.title, description: f.description, serviceKey: f.serviceKey };
    };
    const customEndpoint = (name = "endpoints/get_endpoint_custom.json", index?: number) => {
      const all = fixture(name);
      const f = index === undefined ? all : all[index];
      return {
        title: f.title,
        description: f.description,
        url: f.url,
        method: f.method,
        headers: f.headers,
        bodyTemplate: f.bodyTemplate,
      };
    };

    // -----------------------------------------------------------------------------------------

    /** The operations the emulation serves, as the spec names them. */
    const SERVED: [string, string][] = [
      ["/v2/alerts", "get"],
      ["/v2/alerts", "post"],
      ["/v2/alerts/{alertId}", "get"],
      ["/v2/alerts/{alertId}", "put"],
      ["/v2/alerts/{alertId}", "delete"],
      ["/v2/alerts/{id}/enable", "post"],
      ["/v2/alerts/{id}/disable", "post"],
      ["/v1/alerts/triggered-alerts", "post"],
      ["/v1/endpoints", "get"],
      ["/v1/endpoints/{id}", "get"],
      ["/v1/endpoints/{id}", "delete"],
      ["/v1/endpoints/pager-duty", "post"],
      ["/v1/endpoints/pager-duty/{id}", "put"],
      ["/v1/endpoints/custom", "post"],
      ["/v1/endpoints/custom/{id}", "put"],
    ];
    /** Definitions the served operations use. */
    const usedDefinitions = () => {
      const paths = published.paths as Record<string, Record<string, unknown>>;
      const defs = new Set<string>();
      for (const [p, m] of SERVED) reachable(published, paths[p]?.[m], defs);
      return defs;
    };

    describe("the spec", () => {
      it("is valid JSON Schema, once repaired, in every part the served operations use", () => {
        const defs = spec.definitions as Record<string, unknown>;
        const invalid = Object.keys(defs).filter((name) => !ajv.validateSchema(defs[name] as Obj));
        const used = usedDefinitions();
        expect(used.size).toBeGreaterThan(10);
        expect(invalid.filter((name) => used.has(name))).toEqual([]);
        // Elsewhere the document stays broken (other APIs' definitions), which is why it is
        // added without the meta-schema check.
        expect(invalid).toContain("MarkerDataPoint");
        for (const [p, m] of SERVED) {
          const op = operation(p, m);
          for (const param of op.parameters ?? []) {
            if (param.in === "body") expect(ajv.validateSchema(param.schema as Obj), p).toBe(true);
          }
          for (const r of Object.values(op.responses)) {
            if (r.schema !== undefined) expect(ajv.validateSchema(r.schema as Obj), p).toBe(true);
          }
        }
      });

      it("has these defects in the operations we serve, each repaired to what the spec means", () => {
        const prefixes = [
          ...SERVED.map(([p, m]) => `/paths/${escapePointer(p)}/${m}/`),
          ...[...usedDefinitions()].map((d) => `/definitions/${d}/`),
        ];
        const ours = repairs.filter((r) => prefixes.some((p) => r.at.startsWith(p)));
        expect(ours).toEqual([
          // Custom endpoints: a body template of objects only, refusing the spec's own example.
          {
            at: "/definitions/CustomEndpointUpsertRequest/properties/bodyTemplate/additionalProperties",
            what: "values typed object, but the spec's own example (and the Go fixtures) have strings: any value",
          },
          // Correlation joins: `additionalProperties: null`.
          {
            at: "/definitions/SubAlertCorrelation/properties/joins/items/additionalProperties",
            what: "null is not a schema: any value",
          },
          // severityThresholdTiers: `additionalProperties: null`, and the severity names given
          // as an enum of the object itself, which no object can satisfy.
          {
            at: "/definitions/AlertTrigger/properties/severityThresholdTiers/additionalProperties",
            what: "null is not a schema: any value",
          },
          {
            at: "/definitions/AlertTrigger/properties/severityThresholdTiers/enum",
            what: "enum of strings on an object: its allowed keys",
          },
          // The triggered-alerts filter lists its severities as one list inside the enum.
          {
            at: "/paths/~1v1~1alerts~1triggered-alerts/post/parameters/3/items/enum",
            what: "enum nested in a list: flattened",
          },
        ]);
        // Elsewhere in the document (not served here) there are more: invalid type names such
        // as "attay" and "list of booleans".
        expect(repairs.some((r) => r.what.startsWith('type "attay"'))).toBe(true);
      });

      it("repairs Swagger 2's file type and leaves x-* annotations as data", () => {
        // This revision of the document has no upload; the rule is there for the next one.
        const doc = {
          definitions: {
            Upload: { type: "object", properties: { file: { type: "file" } } },
            Noted: {
              type: "object",
              "x-example": { enum: "not a schema", additionalProperties: null },
              properties: { "x-name": { type: "string" } },
            },
          },
          paths: {
            "/v1/upload": { post: { "x-code-samples": [{ lang: "curl" }], parameters: null } },
          },
        };
        const repaired = repairSpec(doc);
        expect(repaired.repairs).toEqual([
          {
            at: "/definitions/Upload/properties/file/type",
            what: "type file (an upload): not checked",
          },
        ]);
        const defs = repaired.spec.definitions as Record<string, Obj>;
        expect(defs.Noted?.["x-example"]).toEqual(doc.definitions.Noted["x-example"]);
        const local = new Ajv({ strict: false });
        expect(local.validateSchema(defs.Upload as Obj)).toBe(true);
        expect(local.validate(defs.Upload as Obj, { file: "bytes" })).toBe(true);
        expect(local.validate(defs.Noted as Obj, { "x-name": 1 })).toBe(false);
      });

      it("refuses its own examples where it is inconsistent, and accepts them once repaired", () => {
        const defs = published.definitions as Record<string, { properties: Record<string, Obj> }>;
        const strictAjv = new Ajv({ strict: false });
        const tiers = defs.AlertTrigger?.properties.severityThresholdTiers as Obj;
        const { additionalProperties: _null, ...tiersSchema } = tiers;
        expect(strictAjv.validate(tiersSchema, tiers.example)).toBe(false);
        expect(() => strictAjv.compile(tiers)).toThrow(/additionalProperties/);
        const repairedTiers = {
          $ref: "#/definitions/AlertTrigger/properties/severityThresholdTiers",
        };
        expect(errorsOf(repairedTiers, tiers.example)).toEqual([]);
        expect(errorsOf(repairedTiers, { CRITICAL: 1 })).not.toEqual([]);

        const body = defs.CustomEndpointUpsertRequest?.properties.bodyTemplate as Obj;
        expect(strictAjv.validate(body, body.example)).toBe(false);
        expect(
          errorsOf(definition("CustomEndpointUpsertRequest"), { bodyTemplate: body.example }),
        ).toEqual([]);
      });
    });

    describe("alerts v2", () => {
      it("accepts the request bodies the spec accepts, and refuses those it refuses", async () => {
        const schema = requestSchema("/v2/alerts", "post");
        const go = goClientAlert();
        const sc = go.subComponents[0] as Obj;
        const qd = sc.queryDefinition as Obj;
        const trigger = sc.trigger as Obj;
        const cases: {
          name: string;
          body: unknown;
          spec: string[];
          status: number;
          /** How the reply departs from AlertV2Response (nothing, unless said). */
          reply?: string[];
        }[] = [
          { name: "spec example", body: specExampleAlert(1), spec: [], status: 200 },
          {
            name: "no title",
            body: { ...go, title: undefined, enabled: true },
            spec: ["/ must have required property 'title'"],
            status: 400,
          },
          {
            name: "no subComponents",
            body: { ...go, subComponents: undefined, enabled: true },
            spec: ["/ must have required property 'subComponents'"],
            status: 400,
          },
          {
            name: "eleven tags",
            body: { ...go, tags: [..."abcdefghijk"], enabled: true },
            spec: ["/tags must NOT have more than 10 items"],
            status: 400,
          },
          {
            name: "output type",
            body: { ...go, output: { type: "XML" }, enabled: true },
            spec: ["/output/type must be equal to one of the allowed values"],
            status: 400,
          },
          {
            name: "four groupBy fields",
            body: {
              ...go,
              enabled: true,
              subComponents: [{ ...sc, queryDefinition: { ...qd, groupBy: ["a", "b", "c", "d"] } }],
            },
            spec: ["/subComponents/0/queryDefinition/groupBy must NOT have more than 3 items"],
            status: 400,
          },
          {
            name: "aggregation type",
            body: {
              ...go,
              enabled: true,
              subComponents: [
                { ...sc, queryDefinition: { ...qd, aggregation: { aggregationType: "MEDIAN" } } },
              ],
            },
            spec: [
              "/subComponents/0/queryDefinition/aggregation/aggregationType must be equal to one of the allowed values",
            ],
            status: 400,
          },
          {
            name: "operator",
            body: {
              ...go,
              enabled: true,
              subComponents: [{ ...sc, trigger: { ...trigger, operator: "ABOVE" } }],
            },
            spec: ["/subComponents/0/trigger/operator must be equal to one of the allowed values"],
            status: 400,
          },
          {
            name: "severity name",
            body: {
              ...go,
              enabled: true,
              subComponents: [
                { ...sc, trigger: { ...trigger, severityThresholdTiers: { CRITICAL: 1 } } },
              ],
            },
            spec: [
              "/subComponents/0/trigger/severityThresholdTiers property name must be valid",
              "/subComponents/0/trigger/severityThresholdTiers must be equal to one of the allowed values",
            ],
            status: 400,
          },
          // Where we differ from the spec's schema, on purpose:
          {
            // The Go client's own request: its `enabled` is a string field ("true"/"false").
            name: "Go client",
            body: go,
            spec: ["/enabled must be boolean"],
            status: 200,
          },
          {
            // The spec's prose: "the recommended minimum and maximum values are not validated".
            // The reply keeps the value, so it departs from the response schema's minimum too.
            name: "one-minute time frame",
            body: { ...go, searchTimeFrameMinutes: 1, enabled: true },
            spec: ["/searchTimeFrameMinutes must be >= 5"],
            status: 200,
            reply: ["/searchTimeFrameMinutes must be >= 5"],
          },
          {
            // An extension: an Elasticsearch query object (the engine also reads one sent as its
            // JSON text). The reply gives it back as that text, the string the spec declares and
            // the Go client's `Query string` can read.
            name: "query object",
            body: {
              ...go,
              enabled: true,
              subComponents: [{ ...sc, queryDefinition: { ...qd, query: { match_all: {} } } }],
            },
            spec: ["/subComponents/0/queryDefinition/query must be string"],
            status: 200,
          },
          {
            // Nothing in a sub-component is required by the schema, but an alert without a
            // query and a trigger cannot be evaluated; the prose says the query cannot be null.
            name: "empty sub-component",
            body: { ...go, subComponents: [{}], enabled: true },
            spec: [],
            status: 400,
          },
        ];
        for (const c of cases) {
          const body = JSON.parse(JSON.stringify(c.body));
          expect(errorsOf(schema, body).sort(), `spec on ${c.name}`).toEqual(c.spec.sort());
          const reply = await api("POST", "/v2/alerts", body);
          expect(reply.status, `${c.name}: ${reply.text}`).toBe(c.status);
          if (reply.status !== 200) continue;
          const declared = operation("/v2/alerts", "post").responses["200"]?.schema;
          expect(errorsOf(declared, reply.body), `reply to ${c.name}`).toEqual(c.reply ?? []);
        }
      });

      it("answers create, list, get, update, enable, disable and delete as the spec declares", async () => {
        const created = await api("POST", "/v2/alerts", specExampleAlert(1));
        expect(created.status).toBe(200);
        expectConforms("/v2/alerts", "post", created);
        const id = created.body.id;
        // Closed: no key the spec does not declare.
        const closedErrors = (value: unknown) => {
          const validate = ajv.compile({ $ref: "closed#/definitions/AlertV2Response" });
          return validate(value) ? [] : (validate.errors ?? []).map(describeError);
        };
        expect(closedErrors(created.body)).toEqual([]);
        expect(closedErrors({ ...created.body, accountId: 1 })).toEqual([
          "/ must NOT have additional properties",
        ]);

        const list = await api("GET", "/v2/alerts");
        expectConforms("/v2/alerts", "get", list);
        expect(list.body).toHaveLength(1);
        const got = await api("GET", `/v2/alerts/${id}`);
        expectConforms("/v2/alerts/{alertId}", "get", got);
        expect(closedErrors(got.body)).toEqual([]);
        expect(got.body).toEqual(created.body);

        const update = goClientAlert("renamed");
        const updated = await api("PUT", `/v2/alerts/${id}`, update);
        expectConforms("/v2/alerts/{alertId}", "put", updated);
        expect(updated.body.title).toBe("renamed");

        // Enable and disable declare only `default: {}`: no body. The Go client wants 204.
        for (const action of ["disable", "enable"]) {
          const reply = await api("POST", `/v2/alerts/${id}/${action}`);
          expect(reply.status).toBe(204);
          expectConforms(`/v2/alerts/{id}/${action}`, "post", reply);
        }

        // The spec declares DELETE to answer an AlertV2Response; Logz.io answers the JSON
        // string "ok" (the Go fixture `delete_alert.txt`): we follow the fixture.
        const deleted = await api("DELETE", `/v2/alerts/${id}`);
        expect(deleted.status).toBe(200);
        expect(deleted.text).toBe(fixtureText("alerts_v2/delete_alert.txt"));
        const declared = operation("/v2/alerts/{alertId}", "delete").responses["200"]?.schema;
        expect(errorsOf(declared, deleted.body)).toEqual(["/ must be object"]);
      });

      it("answers with the keys and JSON types of the Go client's fixtures", async () => {
        const created = await api("POST", "/v2/alerts", goClientAlert());
        expect(created.status).toBe(200);
        expect(shape(created.body)).toEqual(shape(fixture("alerts_v2/create_alert.json")));
        const id = created.body.id;
        const got = await api("GET", `/v2/alerts/${id}`);
        expect(shape(got.body)).toEqual(shape(fixture("alerts_v2/get_alert.json")));
        const updated = await api("PUT", `/v2/alerts/${id}`, goClientAlert("test update alert"));
        expect(updated.status).toBe(200);
        expect(shape(updated.body)).toEqual(shape(fixture("alerts_v2/update_alert.json")));

        await api("DELETE", `/v2/alerts/${id}`);
        await api("POST", "/v2/alerts", goClientAlert("test create alert1"));
        await api("POST", "/v2/alerts", goClientAlert("test create alert2"));
        const list = await api("GET", "/v2/alerts");
        const listFixture = fixture("alerts_v2/list_alerts.json");
        expect(list.body.map((a: { title: string }) => a.title)).toEqual(
          listFixture.map((a: { title: string }) => a.title),
        );
        expect(shape(list.body)).toEqual(shape(listFixture));

        // Beyond types: what the fixture says about values that are not sample data.
        const f = fixture("alerts_v2/get_alert.json");
        expect(got.body).toMatchObject({
          enabled: f.enabled,
          title: f.title,
          output: f.output,
          searchTimeFrameMinutes: f.searchTimeFrameMinutes,
          subComponents: f.subComponents,
          correlations: f.correlations,
        });
        expect(got.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      });

      it("answers a missing alert and a refused one with the fixtures' text", async () => {
        const missing = "/v2/alerts/1234567";
        const cases: [string, unknown, string][] = [
          ["GET", undefined, "alerts_v2/get_alert_not_exist.txt"],
          ["PUT", goClientAlert(), "alerts_v2/update_alert_not_exist.txt"],
          ["DELETE", undefined, "alerts_v2/delete_alert_not_exist.txt"],
        ];
        for (const [method, body, name] of cases) {
          const reply = await api(method, missing, body);
          expect(reply.status, name).toBe(404);
          expect(reply.text, name).toBe(fixtureText(name));
        }
        // A body the Go client lets through (it checks no field of an aggregation) but Logz.io
        // refuses. The Go tests serve this fixture with 500, which the Go client would retry
        // eight times; a refusal is the caller's fault, so 400.
        const go = goClientAlert();
        const sc = go.subComponents[0] as Obj;
        const sum = {
          ...go,
          subComponents: [
            { ...sc, queryDefinition: { query: "*", aggregation: { aggregationType: "SUM" } } },
          ],
        };
        const refused = await api("POST", "/v2/alerts", sum);
        expect(refused.status).toBe(400);
        expect(refused.text).toBe(fixtureText("alerts_v2/create_alert_failed.txt"));
        // What Logz.io accepts but the simulator cannot evaluate is named, not disguised.
        const percentile = {
          ...go,
          subComponents: [
            {
              ...sc,
              queryDefinition: {
                query: "*",
                aggregation: { aggregationType: "PERCENTILE", fieldToAggregateOn: "ms" },
              },
            },
          ],
        };
        expect(
          errorsOf(requestSchema("/v2/alerts", "post"), { ...percentile, enabled: true }),
        ).toEqual([]);
        const unsupported = await api("POST", "/v2/alerts", percentile);
        expect(unsupported.status).toBe(400);
        expect(unsupported.body.message).toMatch(
          /PERCENTILE is not supported by the Logz.io simulator/,
        );
      });
    });

    describe("triggered alerts", () => {
      it("answers the legacy README's object, which is the item of the array the spec declares", async () => {
        await api("POST", "/v2/alerts", {
          ...goClientAlert(),
          subComponents: [
            {
              queryDefinition: { query: "level:ERROR", aggregation: { aggregationType: "COUNT" } },
              trigger: { operator: "GREATER_THAN_OR_EQUALS", severityThresholdTiers: { HIGH: 1 } },
            },
          ],
        });
        await ship(sim, [{ level: "ERROR", message: "boom" }]);
        await sim.clock.runFor(MINUTE);

        // The spec lists the filters as query parameters (sortBy and sortOrder with an OpenAPI 3
        // `schema` inside, which Swagger 2 allows only for a body); the README and the clients
        // send them as a JSON body. Each value we send conforms to its parameter's schema.
        const filters = {
          from: 0,
          size: 15,
          search: "test",
          severities: ["SEVERE", "HIGH"],
          sortBy: "DATE",
          sortOrder: "DESC",
          tags: ["some"],
        };
        const params = operation("/v1/alerts/triggered-alerts", "post").parameters;
        for (const [name, value] of Object.entries(filters)) {
          const param = params.find((p) => p.name === name && p.in === "query");
          expect(param, name).toBeDefined();
          const { name: _n, in: _in, required: _r, schema, ...inline } = param as Obj;
          expect(errorsOf(schema ?? inline, value), name).toEqual([]);
        }
        expect(
          errorsOf(
            params.find((p) => p.name === "severities"),
            ["CRITICAL"],
          ),
        ).not.toEqual([]);

        const reply = await api("POST", "/v1/alerts/triggered-alerts", { ...filters, search: "" });
        expect(reply.status).toBe(200);
        expect(reply.body.results).toHaveLength(1);
        const declared = operation("/v1/alerts/triggered-alerts", "post").responses["200"];
        // The spec says an array of pages; the legacy README and every client read one page.
        expect(errorsOf(declared?.schema, reply.body)).toEqual(["/ must be array"]);
        expect(errorsOf(definition("TriggeredAlertsResponse"), reply.body)).toEqual([]);
        expect(reply.body).toMatchObject({ from: 0, total: 1, pageSize: 1 });
        const [event] = reply.body.results;
        expect(Number.isInteger(event.alertId)).toBe(true);
        // eventDate in epoch seconds, as the spec's example 1523970558.657.
        expect(event.eventDate).toBe(sim.clock.now() / 1000);
      });
    });

    describe("notification endpoints", () => {
      it("accepts the request bodies the spec accepts, and refuses those it refuses", async () => {
        const pd = requestSchema("/v1/endpoints/pager-duty", "post");
        const custom = requestSchema("/v1/endpoints/custom", "post");
        const cases: { type: string; body: unknown; spec: string[]; status: number }[] = [
          { type: "pager-duty", body: pagerDutyEndpoint(), spec: [], status: 200 },
          // The Go client's typo'd tag (`omitempty'`) always sends `method`.
          {
            type: "pager-duty",
            body: { ...pagerDutyEndpoint(), method: "" },
            spec: [],
            status: 200,
          },
          { type: "custom", body: customEndpoint(), spec: [], status: 200 },
          {
            type: "custom",
            body: customEndpoint("endpoints/list_endpoints.json", 0),
            spec: [],
            status: 200,
          },
          {
            type: "pager-duty",
            body: { ...pagerDutyEndpoint(), title: 7 },
            spec: ["/title must be string"],
            status: 400,
          },
          {
            type: "custom",
            body: { ...customEndpoint(), headers: { authKey: "x" } },
            spec: ["/headers must be string"],
            status: 400,
          },
          {
            type: "custom",
            body: { ...customEndpoint(), bodyTemplate: ["x"] },
            spec: ["/bodyTemplate must be object"],
            status: 400,
          },
          // Where we differ from the spec's schema, which requires nothing: an endpoint we could
          // not deliver to is refused.
          {
            type: "pager-duty",
            body: { title: "no key" },
            spec: [],
            status: 400,
          },
          { type: "custom", body: { ...customEndpoint(), url: undefined }, spec: [], status: 400 },
          {
            type: "custom",
            body: { ...customEndpoint(), method: "PATCH" },
            spec: [],
            status: 400,
          },
        ];
        for (const c of cases) {
          const body = JSON.parse(JSON.stringify(c.body));
          const schema = c.type === "pager-duty" ? pd : custom;
          expect(errorsOf(schema, body).sort(), JSON.stringify(body)).toEqual(c.spec.sort());
          const reply = await api("POST", `/v1/endpoints/${c.type}`, body);
          expect(reply.status, `${JSON.stringify(body)}: ${reply.text}`).toBe(c.status);
          if (reply.status === 200) expectConforms(`/v1/endpoints/${c.type}`, "post", reply);
        }
      });

      it("answers create, test, update, list, get and delete as the spec declares", async () => {
        const received: string[] = [];
        const receiver = http.createServer((req, res) => {
          received.push(`${req.method} ${req.url}`);
          req.resume().on("end", () => res.writeHead(200).end());
        });
        await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
        try {
          const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
          const pd = await api("POST", "/v1/endpoints/pager-duty", pagerDutyEndpoint());
          expectConforms("/v1/endpoints/pager-duty", "post", pd);
          const custom = await api("POST", "/v1/endpoints/custom", {
            ...customEndpoint(),
            url: hook,
          });
          expectConforms("/v1/endpoints/custom", "post", custom);
          const tested = await api("POST", "/v1/endpoints/custom?test=true", {
            ...customEndpoint(),
            url: hook,
          });
          expectConforms("/v1/endpoints/custom", "post", tested);
          expect(tested.body).toEqual({ id: -1 });
          expect(received).toEqual(["POST /hook"]);

          const pdUpdate = await api("PUT", `/v1/endpoints/pager-duty/${pd.body.id}`, {
            ...pagerDutyEndpoint(),
            serviceKey: "another",
          });
          expectConforms("/v1/endpoints/pager-duty/{id}", "put", pdUpdate);
          expect(pdUpdate.body).toEqual({ id: pd.body.id });
          const customUpdate = await api("PUT", `/v1/endpoints/custom/${custom.body.id}`, {
            ...customEndpoint(),
            url: hook,
            method: "PUT",
          });
          expectConforms("/v1/endpoints/custom/{id}", "put", customUpdate);

          const list = await api("GET", "/v1/endpoints");
          expectConforms("/v1/endpoints", "get", list);
          expect(list.body.map((e: { endpointType: string }) => e.endpointType)).toEqual([
            "PagerDuty",
            "Custom",
          ]);
          for (const id of [pd.body.id, custom.body.id]) {
            expectConforms("/v1/endpoints/{id}", "get", await api("GET", `/v1/endpoints/${id}`));
          }
          const deleted = await api("DELETE", `/v1/endpoints/${pd.body.id}`);
          expect(deleted.status).toBe(204);
          expectConforms("/v1/endpoints/{id}", "delete", deleted);
        } finally {
          await new Promise<void>((r) => receiver.close(() => r()));
        }
      });

      it("answers with the fixtures' bodies, the ids being sample data", async () => {
        const created = await api("POST", "/v1/endpoints/pager-duty", pagerDutyEndpoint());
        expect(shape(created.body)).toEqual(shape(fixture("endpoints/create_endpoint.json")));
        const updated = await api(
          "PUT",
          `/v1/endpoints/pager-duty/${created.body.id}`,
          pagerDutyEndpoint(),
        );
        expect(shape(updated.body)).toEqual(shape(fixture("endpoints/update_endpoint.json")));
        expect(updated.body.id).toBe(created.body.id);

        const pdFixture = fixture("endpoints/get_endpoint_pagerduty.json");
        const pd = await api("GET", `/v1/endpoints/${created.body.id}`);
        expect(shape(pd.body)).toEqual(shape(pdFixture));
        expect({ ...pd.body, id: pdFixture.id }).toEqual(pdFixture);

        const customFixture = fixture("endpoints/get_endpoint_custom.json");
        const custom = await api("POST", "/v1/endpoints/custom", customEndpoint());
        const got = await api("GET", `/v1/endpoints/${custom.body.id}`);
        expect(shape(got.body)).toEqual(shape(customFixture));
        expect({ ...got.body, id: customFixture.id }).toEqual(customFixture);

        await api("DELETE", `/v1/endpoints/${created.body.id}`);
        await api("DELETE", `/v1/endpoints/${custom.body.id}`);
        // The list fixture's first entry is a custom endpoint; its second, Slack, is not emulated.
        const listFixture = fixture("endpoints/list_endpoints.json");
        expect(listFixture[1].endpointType).toBe("Slack");
        await api(
          "POST",
          "/v1/endpoints/custom",
          customEndpoint("endpoints/list_endpoints.json", 0),
        );
        const list = await api("GET", "/v1/endpoints");
        expect(list.body).toHaveLength(1);
        expect(shape(list.body[0])).toEqual(shape(listFixture[0]));
        expect({ ...list.body[0], id: listFixture[0].id }).toEqual(listFixture[0]);
      });

      it("answers a missing endpoint with the fixtures' error, the request id being sample data", async () => {
        const cases: [string, string][] = [
          ["GET", "endpoints/get_endpoint_not_exist.json"],
          ["DELETE", "endpoints/delete_endpoint_not_exist.json"],
        ];
        for (const [method, name] of cases) {
          const f = fixture(name);
          const reply = await api(method, "/v1/endpoints/1234567");
          expect(reply.status, name).toBe(404);
          expect(shape(reply.body), name).toEqual(shape(f));
          expect({ ...reply.body, requestId: f.requestId }, name).toEqual(f);
          expect(reply.body.requestId).toMatch(
            /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
          );
        }
      });

      it("refuses the endpoint types it does not emulate, naming them", async () => {
        const segments: Record<string, string> = {
          bigpanda: "big-panda",
          datadog: "data-dog",
          microsoftteams: "microsoft-teams",
          opsgenie: "ops-genie",
          servicenow: "service-now",
          slack: "slack",
          victorops: "victorops",
        };
        const specPaths = Object.keys(published.paths as Obj);
        for (const [name, segment] of Object.entries(segments)) {
          expect(specPaths).toContain(`/v1/endpoints/${segment}`);
          const {
            id: _id,
            endpointType: _type,
            ...body
          } = JSON.parse(
            readFileSync(path.join(FIXTURES, `endpoints/get_endpoint_${name}.json`), "utf8"),
          );
          const reply = await api("POST", `/v1/endpoints/${segment}`, body);
          expect(reply.status, segment).toBe(400);
          expect(reply.body.message, segment).toContain(`'${segment}' is not supported`);
        }
        expect((await api("GET", "/v1/endpoints")).body).toEqual([]);
      });
    });

    it("compares every fixture, or says why one has no counterpart", () => {
      const present = FIXTURE_DIRS.flatMap((dir) =>
        readdirSync(path.join(FIXTURES, dir)).map((f) => `${dir}/${f}`),
      ).sort();
      expect(present).toEqual([...COMPARED, ...Object.keys(NOT_APPLICABLE)].sort());
    });
  },
);
