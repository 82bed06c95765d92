/**
 * Shared by the schedule and on-call tests: the account they run against (users with fixed ids
 * in two time zones), schedule bodies as clients send them, and validators of our answers
 * against the REST spec's response schemas.
 */
import { existsSync, readFileSync } from "node:fs";
import https from "node:https";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import type { Simulator, SimulatorOptions } from "../../../../simulator/cli/api.js";
import { token } from "./helpers.js";

const require = createRequire(import.meta.url);
const pdjs = require("@pagerduty/pdjs") as typeof import("@pagerduty/pdjs");

/**
 * @pagerduty/pdjs 2.2.4's partial client against the simulator's https port, with the leading
 * /api.pagerduty.com segment it needs to page against another host (reference/pagerduty.md §5.1).
 */
// biome-ignore lint/suspicious/noExplicitAny: pdjs's partial client is typed loosely.
export function pdjsClient(sim: Simulator, ca: Buffer): any {
  return pdjs.api({
    token: token(sim),
    server: `${new URL(sim.endpoints.pagerdutyApi.httpsUrl).host}/api.pagerduty.com`,
    agent: new https.Agent({ ca }),
  } as never);
}

export const SPEC = fileURLToPath(
  new URL("../../../../../shared/specs/pagerduty/REST-openapiv3.json", import.meta.url),
);
export const specPresent = existsSync(SPEC);

export const NY = "America/New_York";
export const DAY = 86_400;
export const WEEK = 7 * DAY;

/** Users with fixed ids; the first owns the ready line's token. */
export const USERS = [
  { id: "PALICE1", name: "Alice Adams", email: "alice@example.com", time_zone: NY },
  { id: "PBOB001", name: "Bob Brown", email: "bob@example.com" },
  { id: "PNORA01", name: "Nora North", email: "nora@example.com" },
  { id: "PXENA01", name: "Xena Xu", email: "xena@example.com" },
] as const;

export const accountOptions = (seed: string): SimulatorOptions => ({
  seed,
  pagerduty: { users: USERS.map((u) => ({ ...u })), apiRateLimit: false },
});

export const userRef = (id: string) => ({ user: { id, type: "user_reference" as const } });

/**
 * "Primary" as a create body: Alice and Bob take daily turns handed off at 09:00 New York time
 * from Monday 2026-01-05 (Layer 1); Nora covers nights, 19:00 to 07:00, on top (Layer 2).
 */
export function primaryBody(extra: Record<string, unknown> = {}) {
  return {
    schedule: {
      type: "schedule",
      name: "Primary",
      time_zone: NY,
      description: "Days and nights",
      schedule_layers: [
        {
          name: "Days",
          start: "2026-01-05T09:00:00-05:00",
          rotation_virtual_start: "2026-01-05T09:00:00-05:00",
          rotation_turn_length_seconds: DAY,
          users: [userRef("PALICE1"), userRef("PBOB001")],
        },
        {
          name: "Nights",
          start: "2026-01-05T09:00:00-05:00",
          rotation_virtual_start: "2026-01-01T19:00:00-05:00",
          rotation_turn_length_seconds: WEEK,
          users: [userRef("PNORA01")],
          restrictions: [
            {
              type: "daily_restriction",
              start_time_of_day: "19:00:00",
              duration_seconds: 12 * 3600,
            },
          ],
        },
      ],
      ...extra,
    },
  };
}

/** "Secondary": Xena alone, all week. */
export function secondaryBody(name = "Secondary") {
  return {
    schedule: {
      name,
      time_zone: "Etc/UTC",
      schedule_layers: [
        {
          start: "2026-01-05T00:00:00Z",
          rotation_virtual_start: "2026-01-05T00:00:00Z",
          rotation_turn_length_seconds: WEEK,
          users: [userRef("PXENA01")],
        },
      ],
    },
  };
}

/** Entries as [user id, start, end] rows, to compare with a table written by hand. */
export function rows(entries: readonly { user: { id: string }; start: string; end: string }[]) {
  return entries.map((e) => [e.user.id, e.start, e.end]);
}

// biome-ignore lint/suspicious/noExplicitAny: the spec is read as plain JSON.
type Json = any;

/**
 * Every property a schema does not require may also be null: the rule of REST-API/06-Types.md
 * that real answers follow (reference/pagerduty.md, corrections), where the spec itself marks
 * only some (`description`, `end` of a layer, `rendered_coverage_percentage`, an on-call's
 * `schedule`, `start`, `end`). `type`, which tells objects apart, keeps its schema.
 */
function optionalsNullable(node: Json): Json {
  if (Array.isArray(node)) return node.map(optionalsNullable);
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = optionalsNullable(v);
  if (out.properties && typeof out.properties === "object") {
    const required = new Set<string>(Array.isArray(out.required) ? out.required : []);
    for (const [k, v] of Object.entries(out.properties)) {
      // `type` tells objects (and oneOf branches) apart: it is never relaxed.
      if (!required.has(k) && k !== "type") out.properties[k] = { anyOf: [v, { type: "null" }] };
    }
  }
  return out;
}

export interface SpecValidators {
  /** Asserts that `body` is valid against `operationId`'s response schema for `status`. */
  expectValid(operationId: string, status: number, body: unknown): void;
  /** The compiled validator, to show the schema has teeth. */
  validator(operationId: string, status: number): ValidateFunction;
  /** The REST spec's error body (components.responses.ArgumentError). */
  expectError(body: unknown): void;
  /** The operation at method + path, as the spec has it. */
  operation(method: string, path: string): Json;
  spec: Json;
}

export function specValidators(
  operations: readonly { method: string; path: string; operationId: string }[],
): SpecValidators {
  const raw = JSON.parse(readFileSync(SPEC, "utf8"));
  const spec = optionalsNullable(raw);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  for (const f of ["tzinfo", "activesupport-time-zone", "partial-time", "url"]) {
    ajv.addFormat(f, true);
  }
  ajv.addSchema(spec, "rest");
  const validators = new Map<string, ValidateFunction>();
  for (const route of operations) {
    const method = route.method.toLowerCase();
    const operation = spec.paths[route.path]?.[method];
    expect(operation?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      const schema = (response as Json).content?.["application/json"]?.schema;
      if (!schema) continue;
      const pointer = `/paths/${route.path.replaceAll("/", "~1")}/${method}/responses/${status}/content/application~1json/schema`;
      validators.set(`${route.operationId} ${status}`, ajv.compile({ $ref: `rest#${pointer}` }));
    }
  }
  const error = ajv.compile({
    $ref: "rest#/components/responses/ArgumentError/content/application~1json/schema",
  });
  const validator = (operationId: string, status: number) => {
    const v = validators.get(`${operationId} ${status}`);
    if (!v) throw new Error(`the spec gives ${operationId} no schema for ${status}`);
    return v;
  };
  return {
    spec: raw,
    validator,
    operation: (method, path) => raw.paths[path]?.[method.toLowerCase()],
    expectValid(operationId, status, body) {
      const v = validator(operationId, status);
      expect(v(body), `${operationId} ${status}: ${JSON.stringify(v.errors)}`).toBe(true);
    },
    expectError(body) {
      expect(error(body), `error body: ${JSON.stringify(error.errors)}`).toBe(true);
    },
  };
}
