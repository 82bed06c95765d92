/**
 * Our answers against PagerDuty's published Events API specs (PagerDuty/api-schema, copied to
 * ../shared/specs/pagerduty/). The events-v2 spec gives the 202 a schema (`responses.Success`)
 * but its 400 and 429 only a description string; its `responses.Error` schema (used for 5XX) is
 * the shape of every error example it shows, so error bodies are checked against that.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { CHANGE, ENQUEUE, post, routingKey, startSimulator, trigger, V1 } from "./helpers.js";

const SPECS = new URL("../../../../shared/specs/pagerduty/", import.meta.url);
const V2_SPEC = fileURLToPath(new URL("events-v2-openapiv3.json", SPECS));
const V1_SPEC = fileURLToPath(new URL("events-v1-openapiv3.json", SPECS));
const present = existsSync(V2_SPEC) && existsSync(V1_SPEC);

// biome-ignore lint/suspicious/noExplicitAny: the specs are read as plain JSON.
type Spec = any;

function validator(spec: Spec, name: string, pointer: string): ValidateFunction {
  const ajv = new Ajv({ strict: false, discriminator: true, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(spec, name);
  return ajv.compile({ $ref: `${name}#${pointer}` });
}

function expectValid(validate: ValidateFunction, body: unknown, what: string) {
  const ok = validate(body);
  expect(ok, `${what}: ${JSON.stringify(validate.errors)} for ${JSON.stringify(body)}`).toBe(true);
}

describe.skipIf(!present)(
  "Events API answers against PagerDuty's OpenAPI specs (skipped when ../shared/specs is absent)",
  () => {
    let sim: Simulator;
    let close: () => Promise<void>;
    let v2: Spec;
    let v1: Spec;
    let success: ValidateFunction;
    let error: ValidateFunction;
    let v2Request: ValidateFunction;
    let v1Success: ValidateFunction;
    beforeAll(async () => {
      ({ sim, close } = await startSimulator({ seed: "pagerduty-spec" }));
      v2 = JSON.parse(readFileSync(V2_SPEC, "utf8"));
      v1 = JSON.parse(readFileSync(V1_SPEC, "utf8"));
      const json = "content/application~1json/schema";
      success = validator(v2, "events-v2", `/components/responses/Success/${json}`);
      error = validator(v2, "events-v2", `/components/responses/Error/${json}`);
      v2Request = validator(v2, "events-v2", `/paths/~1enqueue/post/requestBody/${json}`);
      v1Success = validator(v1, "events-v1", `/components/responses/Success/${json}`);
    });
    afterAll(async () => close());

    it("the schemas have teeth", () => {
      expect(success({})).toBe(false);
      expect(success({ status: "success", dedup_key: 7 })).toBe(false);
      expect(error({ status: "invalid event" })).toBe(false);
      expect(error({ status: "x", message: "y", errors: [1] })).toBe(false);
      expect(v1Success({ status: "success", incident_key: false })).toBe(false);
    });

    it("202 bodies of trigger, acknowledge, resolve and change events match Success", async () => {
      const t = await post(sim, ENQUEUE, trigger(sim));
      const key = t.json.dedup_key;
      const bodies = [
        t,
        await post(sim, ENQUEUE, {
          routing_key: routingKey(sim),
          event_action: "acknowledge",
          dedup_key: key,
        }),
        await post(sim, ENQUEUE, {
          routing_key: routingKey(sim),
          event_action: "resolve",
          dedup_key: key,
        }),
        await post(sim, CHANGE, { routing_key: routingKey(sim), payload: { summary: "deploy" } }),
      ];
      for (const reply of bodies) {
        expect(reply.status).toBe(202);
        expectValid(success, reply.json, "202");
      }
    });

    it("400 and 429 bodies match the spec's Error schema", async () => {
      const replies = [
        await post(sim, ENQUEUE, {}),
        await post(sim, ENQUEUE, "{"),
        await post(sim, ENQUEUE, trigger(sim, {}, { summary: "x".repeat(1025), severity: "x" })),
        await post(sim, CHANGE, {}),
        await post(sim, ENQUEUE, `{"pad":"${"p".repeat(600_000)}"}`),
      ];
      for (const reply of replies) {
        expect(reply.status).toBe(400);
        expectValid(error, reply.json, "400");
      }
      const { sim: limited, close: closeLimited } = await startSimulator({
        seed: "pagerduty-spec-limited",
        pagerduty: { rateLimit: { limit: 1, windowMs: 60_000 } },
      });
      try {
        await post(limited, ENQUEUE, trigger(limited));
        const throttled = await post(limited, ENQUEUE, trigger(limited));
        expect(throttled.status).toBe(429);
        expectValid(error, throttled.json, "429");
      } finally {
        await closeLimited();
      }
    });

    it("accepts the spec's own example events", async () => {
      const example =
        v2.paths["/enqueue"].post.requestBody.content["application/json"].examples.event.value;
      const event = { ...example, routing_key: routingKey(sim) };
      expectValid(v2Request, event, "the example request");
      const reply = await post(sim, ENQUEUE, event);
      expect(reply.status).toBe(202);
      expect(reply.json.dedup_key).toBe(example.dedup_key);

      const changes =
        v2.paths["/change/enqueue"].post.requestBody.content["application/json"].examples;
      for (const name of Object.keys(changes)) {
        const change = { ...changes[name].value, routing_key: routingKey(sim) };
        expect((await post(sim, CHANGE, change)).status, name).toBe(202);
      }

      const v1Example =
        v1.paths["/create_event.json"].post.requestBody.content["application/json"].examples.default
          .value;
      const v1Reply = await post(sim, V1, { ...v1Example, service_key: routingKey(sim) });
      expect(v1Reply.status).toBe(200);
      expect(v1Reply.json.incident_key).toBe(v1Example.incident_key);
      expectValid(v1Success, v1Reply.json, "v1 200");
    });
  },
);
